/* wasi_http.c: an http guest as a wasi-libc reactor: malloc, getenv (the service's env), stdout, stderr (the log). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmhost_http.h"

static int constructed; /* set by a constructor: _initialize must run before handle */

__attribute__((constructor)) static void construct(void) { constructed = 1; }

static void greet(void)
{
    const char *greeting = getenv("GREETING");
    char *text = malloc(256);
    if (!text)
        abort();
    snprintf(text, 256, "%s (constructed: %d)", greeting ? greeting : "no GREETING", constructed);
    printf("stdout line from wasi_http\n");
    fflush(stdout);
    fprintf(stderr, "stderr line from wasi_http\n");
    wh_http_respond(200, "text/plain", text);
    free(text);
}

WASMHOST_HTTP_HANDLER(greet)
