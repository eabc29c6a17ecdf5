/* trap.c: an http guest that starts a response, then traps: the host must answer 500 and send nothing it wrote. */
#include "wasmhost_http.h"

static void fail(void)
{
    wh_http_respond(200, "text/plain", "this must not be sent");
    __builtin_trap();
}

WASMHOST_HTTP_HANDLER(fail)
