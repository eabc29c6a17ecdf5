/* running_mean.c: a stateful stream plugin: "key,value" records in, "key,mean" out (the mean of key's values so far). */
#include "wasmhost_plugin.h"

/* Records are lines "KEY,NUMBER" (\n or \r\n; empty lines skipped); the answer has one line
 * "KEY,MEAN" per record, the mean of every value KEY has had in this instance so far, with up to 6
 * decimals. The state is the module's globals: an instance that serves a whole stream (a session,
 * wh_plugin_session_call, as `wasmhost serve` keeps per record stream, or an embedder's own instance
 * with wh_call_bytes) keeps the means across calls, while wh_plugin_call, which makes a fresh
 * instance per call, gives each call's records a fresh start. */

#define MAX_KEYS 256
#define MAX_KEY_LENGTH 64

static struct key_state {
    uint8_t name[MAX_KEY_LENGTH];
    size_t length;
    double sum;
    uint64_t count;
} keys[MAX_KEYS];
static size_t key_count;

static int fail_at(uint64_t line, const char *what)
{
    wh_plugin_output message = {0, 0, 0, 0};
    wh_output_string(&message, "line ");
    wh_output_uint(&message, line);
    wh_output_string(&message, ": ");
    wh_output_string(&message, what);
    if (message.out_of_memory)
        return wh_plugin_fail(what);
    return wh_plugin_fail_bytes((const char *)message.data, message.length);
}

/* The state of `name`, made on first sight; NULL when the table is full. */
static struct key_state *find_key(const uint8_t *name, size_t length)
{
    for (size_t i = 0; i < key_count; i++) {
        if (keys[i].length != length)
            continue;
        size_t k = 0;
        while (k < length && keys[i].name[k] == name[k])
            k++;
        if (k == length)
            return &keys[i];
    }
    if (key_count == MAX_KEYS)
        return NULL;
    struct key_state *state = &keys[key_count++];
    for (size_t k = 0; k < length; k++)
        state->name[k] = name[k];
    state->length = length;
    return state;
}

/* A decimal number: [+-]digits[.digits][e[+-]digits], all of text[0 .. length); 0 when it is not. */
static int parse_number(const uint8_t *text, size_t length, double *out)
{
    size_t i = 0;
    int negative = 0, digits = 0;
    if (i < length && (text[i] == '+' || text[i] == '-'))
        negative = text[i++] == '-';
    double value = 0;
    for (; i < length && text[i] >= '0' && text[i] <= '9'; i++, digits++)
        value = value * 10 + (text[i] - '0');
    if (i < length && text[i] == '.') {
        double scale = 0.1;
        for (i++; i < length && text[i] >= '0' && text[i] <= '9'; i++, digits++, scale /= 10)
            value += (text[i] - '0') * scale;
    }
    if (!digits)
        return 0;
    if (i < length && (text[i] == 'e' || text[i] == 'E')) {
        int exponent_negative = 0, exponent = 0, exponent_digits = 0;
        i++;
        if (i < length && (text[i] == '+' || text[i] == '-'))
            exponent_negative = text[i++] == '-';
        for (; i < length && text[i] >= '0' && text[i] <= '9'; i++, exponent_digits++)
            if (exponent < 400)
                exponent = exponent * 10 + (text[i] - '0');
        if (!exponent_digits)
            return 0;
        for (; exponent > 0; exponent--)
            value = exponent_negative ? value / 10 : value * 10;
    }
    *out = negative ? -value : value;
    return i == length;
}

static int running_mean(const uint8_t *input, size_t length, wh_plugin_output *out)
{
    uint64_t line = 0;
    for (size_t start = 0, end; start < length; start = end + 1) {
        line++;
        end = start;
        while (end < length && input[end] != '\n')
            end++;
        size_t stop = end > start && input[end - 1] == '\r' ? end - 1 : end;
        if (stop == start)
            continue;
        size_t comma = start;
        while (comma < stop && input[comma] != ',')
            comma++;
        double value;
        if (comma == start || comma == stop || !parse_number(input + comma + 1, stop - comma - 1, &value))
            return fail_at(line, "expected KEY,NUMBER");
        if (comma - start > MAX_KEY_LENGTH)
            return fail_at(line, "the key is longer than 64 bytes");
        struct key_state *state = find_key(input + start, comma - start);
        if (!state)
            return fail_at(line, "more than 256 different keys");
        state->sum += value;
        state->count++;
        wh_output_bytes(out, input + start, comma - start);
        wh_output_char(out, ',');
        wh_output_double(out, state->sum / (double)state->count, 6);
        wh_output_char(out, '\n');
    }
    return out->out_of_memory ? -1 : 0;
}

WASMHOST_PLUGIN_EXPORT(process, running_mean)
