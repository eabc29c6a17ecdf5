/* hello_http.c: the example service on the native http ABI: /health answers OK, /api/users an empty list, else 404. */
#include "wasmhost_http.h"

/* Static rather than on the stack: the stack is at the top of the guest's memory, and every page
 * a request touches costs the host a page fault. */
static char path[256];

static void hello(void)
{
    int32_t length = wh_http_path(path, sizeof path);
    if (wh_http_equals(path, length, "/health"))
        wh_http_respond(200, "text/plain", "OK");
    else if (wh_http_equals(path, length, "/api/users"))
        wh_http_respond(200, "application/json", "{\"users\": []}");
    else
        wh_http_respond(404, "text/plain", "Not Found\n");
}

WASMHOST_HTTP_HANDLER(hello)
