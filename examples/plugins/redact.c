/* redact.c: a plugin that replaces every e-mail address in a text by "[redacted]". */
#include "wasmhost_plugin.h"

/* An address is LOCAL@DOMAIN: LOCAL one or more of letters, digits and . _ % + -; DOMAIN letters,
 * digits, - and dots, with at least one dot inside it. Dots that end the domain are the
 * sentence's ("write to a@b.org."), not the address's. */
static int is_local_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '%' || c == '+' || c == '-';
}

static int is_domain_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

/* The end of the address whose '@' is at `at`, or 0 when what follows is no domain. */
static size_t domain_end(const uint8_t *text, size_t length, size_t at)
{
    size_t end = at + 1;
    while (end < length && is_domain_char(text[end]))
        end++;
    while (end > at + 1 && text[end - 1] == '.')
        end--;
    if (end == at + 1 || text[at + 1] == '.' || text[at + 1] == '-')
        return 0;
    for (size_t i = at + 2; i < end; i++)
        if (text[i] == '.')
            return end;
    return 0;
}

static int redact(const uint8_t *input, size_t length, wh_plugin_output *out)
{
    size_t copied = 0; /* input[0 .. copied) is in the output already */
    for (size_t at = 0; at < length; at++) {
        if (input[at] != '@')
            continue;
        size_t start = at;
        while (start > copied && is_local_char(input[start - 1]))
            start--;
        size_t end = start < at ? domain_end(input, length, at) : 0;
        if (!end)
            continue;
        wh_output_bytes(out, input + copied, start - copied);
        wh_output_string(out, "[redacted]");
        copied = end;
        at = end - 1;
    }
    return wh_output_bytes(out, input + copied, length - copied);
}

WASMHOST_PLUGIN_EXPORT(process, redact)
