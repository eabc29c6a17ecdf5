/* moody.c: a plugin that fails on request: "trap" traps, "loop" runs past any timeout, "fail" reports an error ("junk" one that is not UTF-8), "grow" eats memory; anything else echoes. */
#include <stdlib.h>
#include <string.h>

#include "wasmhost_plugin.h"

static int moody(const uint8_t *input, size_t length, wh_plugin_output *out)
{
    if (length == 4 && memcmp(input, "trap", 4) == 0)
        __builtin_trap();
    if (length == 4 && memcmp(input, "loop", 4) == 0)
        for (volatile int spin = 0;; spin++)
            ;
    if (length == 4 && memcmp(input, "fail", 4) == 0)
        return wh_plugin_fail("asked to fail");
    if (length == 4 && memcmp(input, "junk", 4) == 0) /* a message that is not UTF-8 */
        return wh_plugin_fail("bad \xff\xfe bytes");
    if (length == 4 && memcmp(input, "grow", 4) == 0) {
        static void *volatile kept; /* volatile: the compiler may not drop the allocations */
        for (;;)                    /* until malloc fails against the memory cap, then trap */
            if (!(kept = malloc(1 << 20)))
                __builtin_trap();
    }
    return wh_output_bytes(out, input, length);
}

WASMHOST_PLUGIN_EXPORT(process, moody)
