/* upper.c: a plugin that upper-cases ASCII letters, exported as `process` and as `handle_request`. */
#include "wasmhost_plugin.h"

/* Eight bytes at a time (SWAR): the module runs in an interpreter, where each WebAssembly
 * instruction costs about the same, so a dozen 64-bit operations for eight bytes are several times
 * faster than the byte loop's dozen per byte. For each byte b of a word: with the top bit cleared,
 * adding 0x80 - 'a' sets the top bit when b >= 'a', adding 0x80 - 'z' - 1 when b > 'z'; lower-case
 * letters have the first and not the second, and no top bit of their own; their 0x20 bit is cleared. */
#define EVERY_BYTE(value) ((uint64_t)(value)*0x0101010101010101u)

static uint64_t upper_word(uint64_t word)
{
    uint64_t low7 = word & EVERY_BYTE(0x7f);
    uint64_t at_least_a = low7 + EVERY_BYTE(0x80 - 'a');
    uint64_t past_z = low7 + EVERY_BYTE(0x80 - 'z' - 1);
    uint64_t lower = (at_least_a ^ past_z) & ~word & EVERY_BYTE(0x80);
    return word ^ (lower >> 2); /* 0x80 >> 2 is 0x20, the case bit */
}

static int upper(const uint8_t *input, size_t length, wh_plugin_output *out)
{
    /* One buffer of the right size, filled in place: no growth, no second copy. */
    if (wh_output_reserve(out, length) != 0)
        return -1;
    size_t i = 0;
    for (; i + 8 <= length; i += 8) {
        uint64_t word;
        __builtin_memcpy(&word, input + i, 8); /* one i64.load: unaligned loads are allowed */
        word = upper_word(word);
        __builtin_memcpy(out->data + i, &word, 8);
    }
    for (; i < length; i++) {
        uint8_t c = input[i];
        out->data[i] = c >= 'a' && c <= 'z' ? (uint8_t)(c - 'a' + 'A') : c;
    }
    out->length = length;
    return 0;
}

WASMHOST_PLUGIN_EXPORT(process, upper)
/* The same under the name the HTTP side of wasmhost calls by default. */
WASMHOST_PLUGIN_EXPORT(handle_request, upper)
