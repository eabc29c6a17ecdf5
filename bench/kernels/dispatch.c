/* dispatch.c: indirect calls through function pointers. A generated program of operation numbers is
 * run through a table of 16 small functions (call_indirect in WebAssembly), and through a small set of
 * "objects" with per-object method pointers; the first pass is checked against the same operations
 * done by a switch. Returns a checksum >= 0, or a negative value if the two disagree. */
#include <stdint.h>

#define PROGRAM 4096
static volatile int passes_v = 12000;
static volatile uint32_t seed_v = 0x1234567u;
static uint8_t ops[PROGRAM];
static uint32_t args[PROGRAM];

static uint32_t rotl32(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

typedef uint32_t (*op_fn)(uint32_t acc, uint32_t arg);

static uint32_t op_add(uint32_t a, uint32_t x) { return a + x; }
static uint32_t op_sub(uint32_t a, uint32_t x) { return a - x; }
static uint32_t op_xor(uint32_t a, uint32_t x) { return a ^ x; }
static uint32_t op_mul(uint32_t a, uint32_t x) { return a * (x | 1); }
static uint32_t op_rotl(uint32_t a, uint32_t x) { return rotl32(a, (int)(x & 31) | 1); }
static uint32_t op_shr(uint32_t a, uint32_t x) { return a ^ (a >> ((x & 15) + 1)); }
static uint32_t op_shl(uint32_t a, uint32_t x) { return a ^ (a << ((x & 15) + 1)); }
static uint32_t op_and(uint32_t a, uint32_t x) { return (a & x) + (a >> 1); }
static uint32_t op_or(uint32_t a, uint32_t x) { return (a | x) - (x >> 2); }
static uint32_t op_neg(uint32_t a, uint32_t x) { return (0u - a) ^ x; }
static uint32_t op_min(uint32_t a, uint32_t x) { return (a < x ? a : x) + 0x9e3779b9u; }
static uint32_t op_max(uint32_t a, uint32_t x) { return (a > x ? a : x) ^ 0x7f4a7c15u; }
static uint32_t op_div(uint32_t a, uint32_t x) { return a / ((x & 0xff) + 1) + x; }
static uint32_t op_rem(uint32_t a, uint32_t x) { return a % ((x & 0xffff) + 1) * 2654435761u; }
static uint32_t op_popc(uint32_t a, uint32_t x)
{
    uint32_t v = a ^ x, c = 0;
    while (v) {
        v &= v - 1;
        c++;
    }
    return a + c * 0x01000193u;
}
static uint32_t op_mix(uint32_t a, uint32_t x)
{
    a ^= a >> 16;
    a *= 0x85ebca6bu;
    a ^= a >> 13;
    return a + x;
}

static op_fn table[16] = {op_add, op_sub, op_xor, op_mul, op_rotl, op_shr, op_shl,  op_and,
                          op_or,  op_neg, op_min, op_max, op_div,  op_rem, op_popc, op_mix};

static uint32_t by_switch(uint32_t a, int op, uint32_t x)
{
    switch (op) {
    case 0: return a + x;
    case 1: return a - x;
    case 2: return a ^ x;
    case 3: return a * (x | 1);
    case 4: return rotl32(a, (int)(x & 31) | 1);
    case 5: return a ^ (a >> ((x & 15) + 1));
    case 6: return a ^ (a << ((x & 15) + 1));
    case 7: return (a & x) + (a >> 1);
    case 8: return (a | x) - (x >> 2);
    case 9: return (0u - a) ^ x;
    case 10: return (a < x ? a : x) + 0x9e3779b9u;
    case 11: return (a > x ? a : x) ^ 0x7f4a7c15u;
    case 12: return a / ((x & 0xff) + 1) + x;
    case 13: return a % ((x & 0xffff) + 1) * 2654435761u;
    case 14: {
        uint32_t v = a ^ x, c = 0;
        while (v) {
            v &= v - 1;
            c++;
        }
        return a + c * 0x01000193u;
    }
    default:
        a ^= a >> 16;
        a *= 0x85ebca6bu;
        a ^= a >> 13;
        return a + x;
    }
}

/* "Objects": a state word and two method pointers each, as a C vtable would hold them. */
struct object {
    uint32_t state;
    op_fn step;
    op_fn combine;
};
static struct object objects[8];

static uint32_t rng_state;
static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

int run(void)
{
    rng_state = seed_v;
    for (int i = 0; i < PROGRAM; i++) {
        ops[i] = (uint8_t)(xorshift32() & 15);
        args[i] = xorshift32();
    }
    for (int i = 0; i < 8; i++) {
        objects[i].state = xorshift32();
        objects[i].step = table[xorshift32() & 15];
        objects[i].combine = table[xorshift32() & 15];
    }

    /* Check pass: the table against the switch. */
    uint32_t a = 1, b = 1;
    for (int i = 0; i < PROGRAM; i++) {
        a = table[ops[i]](a, args[i]);
        b = by_switch(b, ops[i], args[i]);
        if (a != b)
            return -1;
    }

    int passes = passes_v;
    uint32_t acc = a;
    for (int p = 0; p < passes; p++) {
        for (int i = 0; i < PROGRAM; i++)
            acc = table[ops[i]](acc, args[i]);
        struct object *o = &objects[acc & 7];
        o->state = o->step(o->state, acc);
        acc = o->combine(acc, o->state);
    }
    for (int i = 0; i < 8; i++)
        acc = acc * 31u + objects[i].state;
    return (int)(acc & 0x7fffffff);
}
