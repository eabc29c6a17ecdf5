/* stencil.c: memory-heavy loops over int arrays with loads and stores at offsets. Each step transposes
 * a square int matrix (blocked) and then applies a 5-point stencil back into the first matrix, with
 * the neighbours read at -N, +N, -1 and +1 from the centre. The first transpose is checked by
 * transposing back, and every stencil step is spot-checked against the formula. Returns a checksum >= 0,
 * or a negative value if a check fails. */
#include <stdint.h>

#define N 512
#define BLOCK 16
static volatile int steps_v = 900;
static volatile uint32_t seed_v = 0x9e3779b9u;
static uint32_t a[N * N], b[N * N], c[N * N];

static uint32_t rng_state;
static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

static void transpose(uint32_t *dst, const uint32_t *src)
{
    for (int ib = 0; ib < N; ib += BLOCK)
        for (int jb = 0; jb < N; jb += BLOCK)
            for (int i = ib; i < ib + BLOCK; i++) {
                const uint32_t *s = src + i * N + jb;
                for (int j = 0; j < BLOCK; j++)
                    dst[(jb + j) * N + i] = s[j];
            }
}

static uint32_t stencil_at(const uint32_t *s, int i, int j, int step)
{
    const uint32_t *p = s + i * N + j;
    return ((p[0] * 4u + p[-N] + p[N] + p[-1] + p[1]) >> 3) ^ (uint32_t)((i * j + step) & 0xff);
}

/* Interior points only; the border rows and columns keep the values they have. */
static void stencil(uint32_t *dst, const uint32_t *src, int step)
{
    for (int i = 1; i < N - 1; i++) {
        const uint32_t *up = src + (i - 1) * N, *mid = src + i * N, *down = src + (i + 1) * N;
        uint32_t *out = dst + i * N;
        for (int j = 1; j < N - 1; j++)
            out[j] =
                ((mid[j] * 4u + up[j] + down[j] + mid[j - 1] + mid[j + 1]) >> 3) ^ (uint32_t)((i * j + step) & 0xff);
    }
}

int run(void)
{
    rng_state = seed_v;
    for (int i = 0; i < N * N; i++)
        a[i] = xorshift32() & 0xffffff;

    /* Transposing twice must give the matrix back. */
    transpose(b, a);
    transpose(c, b);
    for (int i = 0; i < N * N; i++)
        if (c[i] != a[i])
            return -1;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            if (b[j * N + i] != a[i * N + j])
                return -2;

    int steps = steps_v;
    uint32_t check = 0;
    for (int step = 0; step < steps; step++) {
        transpose(b, a);
        stencil(a, b, step);
        /* Spot checks: a few interior points against the formula on b, which is still intact. */
        for (int k = 0; k < 16; k++) {
            int i = 1 + (int)(xorshift32() % (N - 2)), j = 1 + (int)(xorshift32() % (N - 2));
            if (a[i * N + j] != stencil_at(b, i, j, step))
                return -3;
        }
        check = check * 31u + a[(step * 7919) % (N * N)];
    }
    for (int i = 0; i < N * N; i += 61)
        check = check * 17u + a[i];
    return (int)(check & 0x7fffffff);
}
