/* json_response.h: an HTTP response with a JSON body, for the admin API and the plugin endpoints. */
#ifndef WH_JSON_RESPONSE_H
#define WH_JSON_RESPONSE_H

#include <jansson.h>
#include <stdbool.h>

#include "http_message.h"

/* `status` with `body` (reference taken; NULL: no body, as for 204) as application/json and a
 * final newline; `indented` for people reading it (the admin API), compact otherwise. */
void json_response(http_response *response, int status, json_t *body, bool indented);

#endif
