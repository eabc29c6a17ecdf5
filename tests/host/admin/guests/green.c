/* green.c: an http guest answering "green": the other of the two versions the admin tests deploy in turn. */
#include "wasmhost_http.h"

static void answer(void) { wh_http_respond(200, "text/plain", "green"); }

WASMHOST_HTTP_HANDLER(answer)
