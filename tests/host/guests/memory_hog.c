/* memory_hog.c: an http guest that grows its memory a megabyte at a time until refused, then traps, as a program that runs out of memory would. */
#include "wasmhost_http.h"

static void hog(void)
{
    while (__builtin_wasm_memory_grow(0, 16) != (__SIZE_TYPE__)-1)
        ;
    __builtin_trap();
}

WASMHOST_HTTP_HANDLER(hog)
