/* json_response.h: HTTP responses with a JSON body and JSON error messages, for the admin API and the plugin endpoints. */
#ifndef WH_JSON_RESPONSE_H
#define WH_JSON_RESPONSE_H

#include <jansson.h>
#include <stdbool.h>

#include "http_message.h"

/* `status` with `body` (reference taken; NULL: no body, as for 204) as application/json and a
 * final newline; `indented` for people reading it (the admin API), compact otherwise. */
void json_response(http_response *response, int status, json_t *body, bool indented);

/* A JSON string of `text`, with each byte that is not part of valid UTF-8 replaced by '?': error
 * messages quote names from URLs, text cut at a byte count and what plugins report, any bytes,
 * and a JSON string must be UTF-8. NULL only when out of memory. */
json_t *json_message(const char *text);

#endif
