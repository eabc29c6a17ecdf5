/* memops.c: memcpy/memset/memmove/memcmp-heavy code. A 1 MiB arena (malloc'd) gets a stream of
 * generated block operations of sizes from 1 byte to 64 KiB at unaligned offsets. A first, short
 * stream is done both with the library functions and with plain byte loops on a second arena, and the
 * two arenas must match; then a long stream with the library functions alone makes the checksum.
 * Returns a checksum >= 0, or a negative value if a check fails. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA (1 << 20)
static volatile int ops_v = 2500000;
static volatile int check_ops_v = 3000;
static volatile uint32_t seed_v = 0xdeadbeefu;

static uint32_t rng_state;
static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

/* A block size: mostly small, sometimes large, like real programs' copies. */
static uint32_t block_size(void)
{
    uint32_t r = xorshift32();
    switch (r & 3) {
    case 0: return 1 + ((r >> 2) & 15);
    case 1: return 1 + ((r >> 2) & 255);
    case 2: return 1 + ((r >> 2) & 4095);
    default: return 1 + ((r >> 2) & 65535);
    }
}

struct op {
    int kind;
    uint32_t dst, src, len;
    uint8_t value;
};

static struct op next_op(void)
{
    struct op o;
    o.kind = (int)(xorshift32() % 4);
    o.len = block_size();
    o.dst = xorshift32() % (ARENA - o.len);
    o.src = xorshift32() % (ARENA - o.len);
    o.value = (uint8_t)xorshift32();
    /* memcpy must not overlap: move the source clear of the destination if it does. */
    if (o.kind == 0 && o.src < o.dst + o.len && o.dst < o.src + o.len)
        o.src = o.dst + o.len <= ARENA - o.len ? o.dst + o.len : 0;
    if (o.kind == 0 && o.src < o.dst + o.len && o.dst < o.src + o.len)
        o.kind = 1;
    return o;
}

/* Applies o with the library; returns a running value that memcmp contributes to. */
static uint32_t apply_lib(uint8_t *m, struct op o)
{
    switch (o.kind) {
    case 0: memcpy(m + o.dst, m + o.src, o.len); return 0;
    case 1: memmove(m + o.dst, m + o.src, o.len); return 0;
    case 2: memset(m + o.dst, o.value, o.len); return 0;
    default: {
        int c = memcmp(m + o.dst, m + o.src, o.len);
        /* Only the sign of memcmp is defined. */
        return c < 0 ? 1u : c > 0 ? 2u : 3u;
    }
    }
}

/* The same with byte loops; volatile keeps compilers from turning them back into library calls. */
static uint32_t apply_loops(volatile uint8_t *m, struct op o)
{
    switch (o.kind) {
    case 0:
        for (uint32_t i = 0; i < o.len; i++)
            m[o.dst + i] = m[o.src + i];
        return 0;
    case 1:
        if (o.dst < o.src)
            for (uint32_t i = 0; i < o.len; i++)
                m[o.dst + i] = m[o.src + i];
        else
            for (uint32_t i = o.len; i-- > 0;)
                m[o.dst + i] = m[o.src + i];
        return 0;
    case 2:
        for (uint32_t i = 0; i < o.len; i++)
            m[o.dst + i] = o.value;
        return 0;
    default:
        for (uint32_t i = 0; i < o.len; i++) {
            uint8_t x = m[o.dst + i], y = m[o.src + i];
            if (x != y)
                return x < y ? 1u : 2u;
        }
        return 3u;
    }
}

static uint32_t fnv1a(const uint8_t *p, uint32_t n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

int run(void)
{
    uint8_t *lib = malloc(ARENA), *ref = malloc(ARENA);
    if (!lib || !ref)
        return -1;
    rng_state = seed_v;
    for (uint32_t i = 0; i < ARENA; i += 4) {
        uint32_t r = xorshift32();
        /* Runs of equal bytes now and then, so memcmp sometimes gets far. */
        if ((r & 0xf0000) == 0)
            r = 0;
        memcpy(lib + i, &r, 4);
    }
    memcpy(ref, lib, ARENA);

    uint32_t check = 0;
    int check_ops = check_ops_v;
    for (int k = 0; k < check_ops; k++) {
        struct op o = next_op();
        uint32_t a = apply_lib(lib, o), b = apply_loops(ref, o);
        if (a != b)
            return -2;
        check = check * 3u + a;
    }
    if (memcmp(lib, ref, ARENA) != 0)
        return -3;
    for (uint32_t i = 0; i < ARENA; i++)
        if (lib[i] != ref[i])
            return -4;
    free(ref);

    int ops = ops_v;
    for (int k = 0; k < ops; k++) {
        struct op o = next_op();
        check = check * 3u + apply_lib(lib, o);
        if ((k & 4095) == 0)
            check ^= fnv1a(lib + o.dst, o.len);
    }
    check ^= fnv1a(lib, ARENA);
    free(lib);
    return (int)(check & 0x7fffffff);
}
