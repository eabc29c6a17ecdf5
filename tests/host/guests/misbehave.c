/* misbehave.c: an http guest breaking the ABI as its path names: /bad-status, /bad-header, /oob, /big, /log. */
#include "wasmhost_http.h"

static void misbehave(void)
{
    char path[64];
    int32_t length = wh_http_path(path, sizeof path);
    if (wh_http_equals(path, length, "/bad-status")) {
        wh_http_respond(42, "text/plain", "a status below 100");
    } else if (wh_http_equals(path, length, "/bad-header")) {
        wh_http_set_status(200);
        wh_http_set_header("x-split", "one\r\nx-injected: two");
    } else if (wh_http_equals(path, length, "/oob")) {
        /* A buffer far past the end of memory: the host function must trap, not write. */
        wh_http_path((char *)0x7ffffff0, 64);
    } else if (wh_http_equals(path, length, "/big")) {
        static char chunk[4096];
        for (int i = 0; i < 1024; i++)
            if (wh_http_write(chunk, sizeof chunk) != 0) {
                wh_http_log("write refused", 13);
                return;
            }
    } else if (wh_http_equals(path, length, "/log")) {
        wh_http_log("a line for the log", 18);
        wh_http_respond(204, 0, 0);
    } else {
        wh_http_respond(404, "text/plain", "no such misbehaviour\n");
    }
}

WASMHOST_HTTP_HANDLER(misbehave)
