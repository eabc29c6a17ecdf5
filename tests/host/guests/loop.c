/* loop.c: an http guest that never returns, for deadlines (504) and fuel. */
#include "wasmhost_http.h"

static volatile int spins;

static void spin(void)
{
    for (;;)
        spins++;
}

WASMHOST_HTTP_HANDLER(spin)
