/* manifest_values.c: the manifest's scalars (sizes, durations, counts, listen addresses) and environment overrides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

typedef struct unit {
    const char *suffix;
    uint64_t scale;
} unit;

static const unit duration_units[] = {
    {"ns", 1},       {"us", 1000},      {"\xc2\xb5s", 1000}, /* µs */
    {"ms", 1000000}, {"s", 1000000000}, {"m", 60ull * 1000000000}, {"h", 3600ull * 1000000000}, {NULL, 0},
};

static const unit size_units[] = {
    {"B", 1},
    {"KB", 1000},
    {"MB", 1000000},
    {"GB", 1000000000},
    {"TB", 1000000000000ull},
    {"KiB", 1ull << 10},
    {"MiB", 1ull << 20},
    {"GiB", 1ull << 30},
    {"TiB", 1ull << 40},
    {NULL, 0},
};

/* "<digits>[.<digits>][ ]<unit>" -> value * unit, rounded down; `bare` is the unit of a number
 * written without one. The number is read exactly (no floating point): 1.5GiB is 1610612736. */
static bool parse_with_unit(const char *text, const unit *units, uint64_t bare, uint64_t *out)
{
    if (!text)
        return false;
    const char *p = text;
    if (*p < '0' || *p > '9')
        return false;
    while (*p == '0' && p[1] >= '0' && p[1] <= '9')
        p++; /* leading zeros add nothing and must not count against the digit limit */
    unsigned __int128 mantissa = 0;
    int digits = 0, fraction_digits = 0;
    for (; *p >= '0' && *p <= '9'; p++, digits++)
        mantissa = mantissa * 10 + (unsigned)(*p - '0');
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        for (; *p >= '0' && *p <= '9'; p++, digits++, fraction_digits++)
            mantissa = mantissa * 10 + (unsigned)(*p - '0');
    }
    if (digits > 24) /* keeps mantissa * scale inside 128 bits */
        return false;
    if (*p == ' ')
        p++;
    uint64_t scale = 0;
    if (*p == '\0' && p[-1] != ' ') {
        scale = bare;
    } else {
        for (const unit *u = units; u->suffix; u++)
            if (strcmp(p, u->suffix) == 0)
                scale = u->scale;
    }
    if (scale == 0)
        return false;
    unsigned __int128 value = mantissa * scale;
    for (int i = 0; i < fraction_digits; i++)
        value /= 10;
    if (value > UINT64_MAX)
        return false;
    *out = (uint64_t)value;
    return true;
}

bool manifest_parse_duration(const char *text, uint64_t *nanoseconds)
{
    return parse_with_unit(text, duration_units, 1000000000, nanoseconds);
}

bool manifest_parse_size(const char *text, uint64_t *bytes) { return parse_with_unit(text, size_units, 1, bytes); }

bool manifest_parse_count(const char *text, uint64_t *count)
{
    if (!text || !*text)
        return false;
    uint64_t value = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned digit = (unsigned)(*p - '0');
        if (value > (UINT64_MAX - digit) / 10)
            return false;
        value = value * 10 + digit;
    }
    *count = value;
    return true;
}

bool manifest_parse_listen(const char *text, char *host, size_t host_size, uint16_t *port)
{
    if (!text)
        return false;
    const char *host_start, *host_end, *port_text;
    if (text[0] == '[') { /* "[::1]:8080": IPv6 addresses hold colons, so they come in brackets */
        host_start = text + 1;
        host_end = strchr(host_start, ']');
        if (!host_end || host_end == host_start || host_end[1] != ':')
            return false;
        port_text = host_end + 2;
    } else {
        const char *colon = strrchr(text, ':');
        if (!colon || memchr(text, ':', (size_t)(colon - text)))
            return false; /* no port, or an IPv6 address without brackets */
        host_start = text;
        host_end = colon;
        port_text = colon + 1;
    }
    for (const char *c = host_start; c < host_end; c++)
        if (*c == ' ' || *c == '\t' || *c == '/' || *c == '[' || *c == ']')
            return false;
    uint64_t number;
    if (!manifest_parse_count(port_text, &number) || number > 65535 || strlen(port_text) > 5)
        return false;
    const char *chosen = host_start;
    size_t length = (size_t)(host_end - host_start);
    if (length == 0) { /* ":8080": every IPv4 interface */
        chosen = "0.0.0.0";
        length = strlen(chosen);
    }
    if (length >= host_size)
        return false;
    memcpy(host, chosen, length);
    host[length] = '\0';
    *port = (uint16_t)number;
    return true;
}

bool manifest_env_overrides(manifest *manifest, char *error, size_t error_size)
{
    const char *timeout_text = getenv("WASM_TIMEOUT");
    if (timeout_text && *timeout_text) {
        uint64_t timeout;
        if (!manifest_parse_duration(timeout_text, &timeout) || timeout == 0) {
            snprintf(error, error_size,
                     "WASM_TIMEOUT='%.60s' is not a valid timeout: give seconds (30, 1.5) or a duration "
                     "greater than zero with a unit (500ms, 2s, 1m)",
                     timeout_text);
            return false;
        }
        manifest->default_timeout_ns = timeout;
        for (size_t i = 0; i < manifest->service_count; i++)
            if (!manifest->services[i].timeout_is_own)
                manifest->services[i].timeout_ns = timeout;
    }
    const char *cache_text = getenv("WASM_CACHE_SIZE");
    if (cache_text && *cache_text) {
        uint64_t count;
        if (!manifest_parse_count(cache_text, &count) || count == 0 || count > 1000000) {
            snprintf(error, error_size,
                     "WASM_CACHE_SIZE='%.60s' is not a valid cache size: give how many compiled modules "
                     "to keep, a whole number from 1 to 1000000",
                     cache_text);
            return false;
        }
        manifest->cache_size = (size_t)count;
    }
    return true;
}
