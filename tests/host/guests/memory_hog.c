/* memory_hog.c: an http guest that grows its memory 1 MiB at a time until refused, then traps, as if out of memory. */
#include "wasmhost_http.h"

static void hog(void)
{
    while (__builtin_wasm_memory_grow(0, 16) != (__SIZE_TYPE__)-1)
        ;
    __builtin_trap();
}

WASMHOST_HTTP_HANDLER(hog)
