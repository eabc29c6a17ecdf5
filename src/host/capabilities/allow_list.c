/* allow_list.c: allowed_outbound_hosts: entries parsed, URLs and connected addresses checked against them. */
#include "allow_list.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int default_port(const char *scheme) { return strcmp(scheme, "https") == 0 ? 443 : 80; }

bool allow_host_canonical(const char *host, char *out, size_t out_size)
{
    size_t length = strlen(host);
    if (length >= 2 && host[0] == '[' && host[length - 1] == ']') {
        host++;
        length -= 2;
    }
    while (length > 1 && host[length - 1] == '.')
        length--;
    if (length == 0 || length >= out_size || length >= 256)
        return false;
    char plain[256];
    for (size_t i = 0; i < length; i++)
        plain[i] = (char)tolower((unsigned char)host[i]);
    plain[length] = '\0';
    unsigned char binary[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, plain, binary) == 1)
        return inet_ntop(AF_INET, binary, out, (socklen_t)out_size) != NULL;
    if (inet_pton(AF_INET6, plain, binary) == 1)
        return inet_ntop(AF_INET6, binary, out, (socklen_t)out_size) != NULL;
    memcpy(out, plain, length + 1);
    return true;
}

static bool host_name_valid(const char *host)
{
    for (const char *c = host; *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '-' || *c == '.' || *c == '_'))
            return false;
    return *host != '\0' && *host != '.' && !strstr(host, "..");
}

const char *allow_rule_parse(const char *text, allow_rule *rule)
{
    memset(rule, 0, sizeof *rule);
    const char *separator = strstr(text, "://");
    if (!separator)
        return "has no scheme: write http://HOST, https://HOST or *://HOST (with :PORT or :* when needed)";
    size_t scheme_length = (size_t)(separator - text);
    if (scheme_length >= sizeof rule->scheme)
        return "has a scheme other than http, https or *";
    memcpy(rule->scheme, text, scheme_length);
    rule->scheme[scheme_length] = '\0';
    for (char *c = rule->scheme; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    if (strcmp(rule->scheme, "http") != 0 && strcmp(rule->scheme, "https") != 0 && strcmp(rule->scheme, "*") != 0)
        return "has a scheme other than http, https or *";
    const char *authority = separator + 3;
    size_t authority_length = strcspn(authority, "/");
    if (authority[authority_length] && strcmp(authority + authority_length, "/") != 0)
        return "has a path: an entry names a scheme, a host and a port, nothing after them";
    if (memchr(authority, '@', authority_length))
        return "has a user name: an entry names a scheme, a host and a port only";
    char host[300];
    if (authority_length == 0 || authority_length >= sizeof host)
        return "has no host (write * for every host)";
    memcpy(host, authority, authority_length);
    host[authority_length] = '\0';
    /* The port follows the last ':' outside an IPv6 address's brackets. */
    char *close = strrchr(host, ']');
    char *colon = strrchr(close ? close : host, ':');
    rule->port = ALLOW_DEFAULT_PORT;
    if (colon) {
        *colon = '\0';
        const char *port = colon + 1;
        if (strcmp(port, "*") == 0) {
            rule->port = ALLOW_ANY_PORT;
        } else {
            char *end = NULL;
            long value = *port ? strtol(port, &end, 10) : 0;
            if (!end || *end || value < 1 || value > 65535)
                return "has a port that is not a number from 1 to 65535 or *";
            rule->port = (int)value;
        }
    }
    char canonical[300];
    if (strcmp(host, "*") == 0) {
        strcpy(canonical, "*");
    } else if (strncmp(host, "*.", 2) == 0) {
        if (!allow_host_canonical(host + 2, canonical + 2, sizeof canonical - 2) || !host_name_valid(canonical + 2))
            return "has a host that is not a name: '*.' must be followed by a domain (*.example.com)";
        canonical[0] = '*', canonical[1] = '.';
    } else {
        if (!allow_host_canonical(host, canonical, sizeof canonical))
            return "has an empty or too long host";
        unsigned char binary[sizeof(struct in6_addr)];
        rule->address = inet_pton(AF_INET, canonical, binary) == 1 || inet_pton(AF_INET6, canonical, binary) == 1;
        if (!rule->address && (host[0] == '[' || !host_name_valid(canonical)))
            return "has a host that is neither a name (letters, digits, '-', '.') nor an IP address ([::1] in "
                   "brackets)";
    }
    if (!(rule->host = strdup(canonical)))
        return "out of memory";
    return NULL;
}

void allow_list_clear(allow_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->rules[i].host);
    free(list->rules);
    list->rules = NULL;
    list->count = 0;
}

static bool scheme_and_port_match(const allow_rule *rule, const char *scheme, int port)
{
    if (strcmp(rule->scheme, "*") != 0 && strcmp(rule->scheme, scheme) != 0)
        return false;
    return rule->port == ALLOW_ANY_PORT ||
           (rule->port == ALLOW_DEFAULT_PORT ? port == default_port(scheme) : port == rule->port);
}

static bool host_matches(const allow_rule *rule, const char *host)
{
    if (strcmp(rule->host, "*") == 0)
        return true;
    if (strncmp(rule->host, "*.", 2) == 0) {
        size_t suffix = strlen(rule->host) - 1, length = strlen(host); /* ".example.com" */
        return length > suffix && strcmp(host + length - suffix, rule->host + 1) == 0;
    }
    return strcmp(rule->host, host) == 0;
}

bool allow_list_permits(const allow_list *list, const char *scheme, const char *host, int port)
{
    for (size_t i = 0; i < list->count; i++)
        if (scheme_and_port_match(&list->rules[i], scheme, port) && host_matches(&list->rules[i], host))
            return true;
    return false;
}

/* Whether an IPv4 address (host order) is one a public name must not lead to. */
static bool special_ipv4(uint32_t a)
{
    return (a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 || (a >> 16) == 0xa9fe /* 169.254 link-local */ ||
           (a >> 20) == 0xac1 /* 172.16/12 */ || (a >> 16) == 0xc0a8 /* 192.168 */ ||
           (a >> 22) == (100u << 2 | 1) /* 100.64/10 */ || (a >> 28) >= 0xe /* multicast, reserved, broadcast */ ||
           (a >> 8) == 0xc00000 /* 192.0.0/24 */;
}

/* The address as the canonical text an entry holds, and whether it is special; an IPv6 address
 * that carries an IPv4 one (::ffff:a.b.c.d, 64:ff9b::a.b.c.d) counts as that IPv4 address. */
static bool describe_address(const struct sockaddr *address, char *text, size_t size, bool *special)
{
    if (address->sa_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;
        *special = special_ipv4(ntohl(v4->sin_addr.s_addr));
        return inet_ntop(AF_INET, &v4->sin_addr, text, (socklen_t)size) != NULL;
    }
    if (address->sa_family != AF_INET6)
        return false;
    const struct in6_addr *v6 = &((const struct sockaddr_in6 *)address)->sin6_addr;
    const uint8_t *b = v6->s6_addr;
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0) {
        struct in_addr v4;
        memcpy(&v4, b + 12, 4);
        *special = special_ipv4(ntohl(v4.s_addr));
        return inet_ntop(AF_INET, &v4, text, (socklen_t)size) != NULL;
    }
    static const uint8_t zero[16];
    bool loopback_or_unspecified = memcmp(b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1);
    bool unique_local = (b[0] & 0xfe) == 0xfc;
    bool link_or_site_local = b[0] == 0xfe && (b[1] & 0x80) == 0x80; /* fe80::/10, fec0::/10 */
    bool multicast = b[0] == 0xff;
    bool ipv4_compatible = memcmp(b, zero, 12) == 0;
    *special = loopback_or_unspecified || unique_local || link_or_site_local || multicast || ipv4_compatible;
    return inet_ntop(AF_INET6, v6, text, (socklen_t)size) != NULL;
}

bool allow_list_permits_address(const allow_list *list, const char *scheme, int port, const struct sockaddr *address)
{
    char text[INET6_ADDRSTRLEN];
    bool special = true;
    if (!describe_address(address, text, sizeof text, &special))
        return false;
    if (!special)
        return true;
    for (size_t i = 0; i < list->count; i++)
        if (list->rules[i].address && scheme_and_port_match(&list->rules[i], scheme, port) &&
            strcmp(list->rules[i].host, text) == 0)
            return true;
    return false;
}
