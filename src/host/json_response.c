/* json_response.c: HTTP responses with a JSON body and JSON error messages, for the admin API and the plugin endpoints. */
#include "json_response.h"

#include <stdlib.h>
#include <string.h>

void json_response(http_response *response, int status, json_t *body, bool indented)
{
    http_response_init(response, status);
    if (!body)
        return;
    char *text = json_dumps(body, indented ? JSON_INDENT(2) | JSON_PRESERVE_ORDER : JSON_COMPACT);
    json_decref(body);
    http_response_add_header(response, "content-type", "application/json");
    if (text) {
        http_response_append(response, text, strlen(text));
        http_response_append(response, "\n", 1);
    }
    free(text);
}

/* Replaces each byte that does not belong to a valid UTF-8 sequence with '?': a message may quote
 * a name from a URL (any bytes) or text cut at a byte count, and JSON strings must be UTF-8. */
static void clean_utf8(char *text)
{
    unsigned char *c = (unsigned char *)text;
    while (*c) {
        size_t length = *c < 0x80 ? 1 : (*c >> 5) == 0x6 ? 2 : (*c >> 4) == 0xe ? 3 : (*c >> 3) == 0x1e ? 4 : 0;
        bool valid = length > 0 && !(length == 2 && *c < 0xc2) && !(length == 4 && *c > 0xf4);
        for (size_t i = 1; valid && i < length; i++)
            valid = (c[i] & 0xc0) == 0x80;
        /* No overlong forms, surrogates or code points past U+10FFFF. */
        if (valid && length == 3)
            valid = !(c[0] == 0xe0 && c[1] < 0xa0) && !(c[0] == 0xed && c[1] >= 0xa0);
        if (valid && length == 4)
            valid = !(c[0] == 0xf0 && c[1] < 0x90) && !(c[0] == 0xf4 && c[1] >= 0x90);
        if (!valid) {
            *c++ = '?';
            continue;
        }
        c += length;
    }
}

json_t *json_message(const char *text)
{
    char *copy = strdup(text);
    if (!copy)
        return NULL;
    clean_utf8(copy);
    json_t *message = json_string(copy);
    free(copy);
    return message;
}
