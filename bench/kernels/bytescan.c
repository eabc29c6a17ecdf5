/* bytescan.c: byte scanning over 1 MiB of CSV-like text: counting three delimiters and the non-ASCII
 * bytes in one pass, then finding every line end (memchr-style) for line counts, positions and the
 * longest line. With wasm_simd128.h intrinsics when built with -msimd128 and byte loops otherwise:
 * the two builds are SIMD/scalar twins and must print the same checksum. Checked against the counts
 * the generator kept. Returns a checksum >= 0, or a negative value if a check fails. */
#include <stdint.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define SIZE (1u << 20) /* a multiple of 16 */
static volatile int reps_v = 24;
static volatile uint32_t seed_v = 777u;
static unsigned char text[SIZE];

static uint32_t rng_state;
static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

struct counts {
    uint32_t commas, newlines, quotes, high; /* ',' '\n' '"' and bytes >= 0x80 */
};

struct lines {
    uint32_t count, position_sum, longest; /* line ends, the sum of their offsets, the longest line */
};

/* What the generator put in, to check the scanners against. */
static struct counts made;
static struct lines made_lines;

/* Fields of letters, digits and spaces, some quoted, some with two-byte UTF-8 letters, separated by
 * commas, in lines of 1 to 12 fields; the last byte is a newline. */
static void generate(void)
{
    uint32_t i = 0, line_start = 0;
    made = (struct counts){0, 0, 0, 0};
    made_lines = (struct lines){0, 0, 0};
    while (i < SIZE) {
        uint32_t fields = 1 + xorshift32() % 12;
        for (uint32_t f = 0; f < fields && i < SIZE - 8; f++) {
            uint32_t len = xorshift32() % 14;
            int quoted = xorshift32() % 5 == 0;
            if (quoted) {
                text[i++] = '"';
                made.quotes++;
            }
            for (uint32_t c = 0; c < len && i < SIZE - 8; c++) {
                uint32_t r = xorshift32() % 64;
                if (r < 2) { /* é: C3 A9 */
                    text[i++] = 0xC3;
                    text[i++] = 0xA9;
                    made.high += 2;
                } else {
                    text[i++] = (unsigned char)(r < 10 ? ' ' : r < 20 ? '0' + r - 10 : 'a' + r % 26);
                }
            }
            if (quoted) {
                text[i++] = '"';
                made.quotes++;
            }
            if (f + 1 < fields) {
                text[i++] = ',';
                made.commas++;
            }
        }
        if (i >= SIZE - 8) { /* pad to the end and close the last line there */
            while (i < SIZE - 1)
                text[i++] = 'x';
        }
        text[i] = '\n';
        made.newlines++;
        made_lines.count++;
        made_lines.position_sum += i;
        if (i - line_start > made_lines.longest)
            made_lines.longest = i - line_start;
        line_start = ++i;
    }
}

#ifdef __wasm_simd128__
static uint32_t lanes_sum(v128_t v)
{
    return wasm_u32x4_extract_lane(v, 0) + wasm_u32x4_extract_lane(v, 1) + wasm_u32x4_extract_lane(v, 2) +
           wasm_u32x4_extract_lane(v, 3);
}

/* 16 bytes per step: each comparison gives 0xFF (-1) per matching lane, subtracted from per-lane
 * byte counters, which are widened into 32-bit totals before they can wrap (every 255 steps). */
static struct counts count_bytes(const unsigned char *p, uint32_t n)
{
    const v128_t comma = wasm_i8x16_splat(','), newline = wasm_i8x16_splat('\n'), quote = wasm_i8x16_splat('"');
    v128_t total_c = wasm_i32x4_splat(0), total_n = total_c, total_q = total_c, total_h = total_c;
    for (uint32_t i = 0; i < n;) {
        uint32_t end = i + 255 * 16 < n ? i + 255 * 16 : n;
        v128_t sum_c = wasm_i8x16_splat(0), sum_n = sum_c, sum_q = sum_c, sum_h = sum_c;
        for (; i < end; i += 16) {
            v128_t v = wasm_v128_load(p + i);
            sum_c = wasm_i8x16_sub(sum_c, wasm_i8x16_eq(v, comma));
            sum_n = wasm_i8x16_sub(sum_n, wasm_i8x16_eq(v, newline));
            sum_q = wasm_i8x16_sub(sum_q, wasm_i8x16_eq(v, quote));
            sum_h = wasm_i8x16_add(sum_h, wasm_u8x16_shr(v, 7));
        }
        total_c = wasm_i32x4_add(total_c, wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(sum_c)));
        total_n = wasm_i32x4_add(total_n, wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(sum_n)));
        total_q = wasm_i32x4_add(total_q, wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(sum_q)));
        total_h = wasm_i32x4_add(total_h, wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(sum_h)));
    }
    struct counts result = {lanes_sum(total_c), lanes_sum(total_n), lanes_sum(total_q), lanes_sum(total_h)};
    return result;
}

/* 16 bytes per step; only a step holding a newline looks at single bytes, through its bitmask. */
static struct lines find_lines(const unsigned char *p, uint32_t n)
{
    const v128_t newline = wasm_i8x16_splat('\n');
    struct lines result = {0, 0, 0};
    uint32_t line_start = 0;
    for (uint32_t i = 0; i < n; i += 16) {
        uint32_t mask = wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(p + i), newline));
        while (mask) {
            uint32_t at = i + (uint32_t)__builtin_ctz(mask);
            mask &= mask - 1;
            result.count++;
            result.position_sum += at;
            if (at - line_start > result.longest)
                result.longest = at - line_start;
            line_start = at + 1;
        }
    }
    return result;
}
#else
static struct counts count_bytes(const unsigned char *p, uint32_t n)
{
    struct counts result = {0, 0, 0, 0};
    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        result.commas += c == ',';
        result.newlines += c == '\n';
        result.quotes += c == '"';
        result.high += c >> 7;
    }
    return result;
}

static struct lines find_lines(const unsigned char *p, uint32_t n)
{
    struct lines result = {0, 0, 0};
    uint32_t line_start = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (p[i] != '\n')
            continue;
        result.count++;
        result.position_sum += i;
        if (i - line_start > result.longest)
            result.longest = i - line_start;
        line_start = i + 1;
    }
    return result;
}
#endif

static uint32_t mix(uint32_t h, uint32_t v)
{
    h ^= v;
    h *= 16777619u;
    return h;
}

int run(void)
{
    rng_state = seed_v;
    int reps = reps_v;
    uint32_t check = 2166136261u;
    generate();
    for (int r = 0; r < reps; r++) {
        struct counts c = count_bytes(text, SIZE);
        if (c.commas != made.commas || c.newlines != made.newlines || c.quotes != made.quotes || c.high != made.high)
            return -1;
        struct lines l = find_lines(text, SIZE);
        if (l.count != made_lines.count || l.position_sum != made_lines.position_sum || l.longest != made_lines.longest)
            return -2;
        check = mix(check, c.commas);
        check = mix(check, c.quotes);
        check = mix(check, c.high);
        check = mix(check, l.count);
        check = mix(check, l.position_sum);
        check = mix(check, l.longest);
    }
    return (int)(check & 0x7fffffff);
}
