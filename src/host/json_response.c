/* json_response.c: an HTTP response with a JSON body, for the admin API and the plugin endpoints. */
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
