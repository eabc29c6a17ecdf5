/* blue.c: an http guest answering "blue": one of the two versions the admin tests deploy in turn. */
#include "wasmhost_http.h"

static void answer(void) { wh_http_respond(200, "text/plain", "blue"); }

WASMHOST_HTTP_HANDLER(answer)
