/* matmul_f32.c: float matrix products, C = A * B (N x N), with wasm_simd128.h intrinsics when built with
 * -msimd128 and plain loops otherwise: the two builds are SIMD/scalar twins and must print the same
 * checksum. Each C element sums its products in k order from 0 in both paths, so the results are
 * bit-identical. Checked with the column-sum/row-sum identity and sampled elements recomputed by a
 * scalar dot product. Returns a checksum >= 0, or a negative value if a check fails. */
#include <stdint.h>
#include <string.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define N 256 /* a multiple of 16 (the SIMD path's strip) and of 2 (its row pair) */
static volatile int reps_v = 8;
static volatile uint32_t seed_v = 2024u;
static float A[N * N], B[N * N], C[N * N];

static uint32_t rng_state;
static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

/* A uniform float in [-1, 1). */
static float rnd(void) { return (float)(xorshift32() >> 8) / 8388608.0f - 1.0f; }

static double dabs(double x) { return x < 0 ? -x : x; }

#ifdef __wasm_simd128__
/* Two rows of C by 16 columns at a time in eight vector accumulators: per k, two splats and four
 * vector loads of B feed sixteen multiply-adds on four lanes each. */
static void matmul(float *c, const float *a, const float *b)
{
    for (int i = 0; i < N; i += 2) {
        const float *a0 = a + i * N, *a1 = a0 + N;
        for (int j = 0; j < N; j += 16) {
            v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c02 = c00, c03 = c00;
            v128_t c10 = c00, c11 = c00, c12 = c00, c13 = c00;
            const float *bk = b + j;
            for (int k = 0; k < N; k++, bk += N) {
                v128_t b0 = wasm_v128_load(bk), b1 = wasm_v128_load(bk + 4);
                v128_t b2 = wasm_v128_load(bk + 8), b3 = wasm_v128_load(bk + 12);
                v128_t x = wasm_f32x4_splat(a0[k]), y = wasm_f32x4_splat(a1[k]);
                c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x, b0));
                c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x, b1));
                c02 = wasm_f32x4_add(c02, wasm_f32x4_mul(x, b2));
                c03 = wasm_f32x4_add(c03, wasm_f32x4_mul(x, b3));
                c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(y, b0));
                c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(y, b1));
                c12 = wasm_f32x4_add(c12, wasm_f32x4_mul(y, b2));
                c13 = wasm_f32x4_add(c13, wasm_f32x4_mul(y, b3));
            }
            float *c0 = c + i * N + j, *c1 = c0 + N;
            wasm_v128_store(c0, c00);
            wasm_v128_store(c0 + 4, c01);
            wasm_v128_store(c0 + 8, c02);
            wasm_v128_store(c0 + 12, c03);
            wasm_v128_store(c1, c10);
            wasm_v128_store(c1 + 4, c11);
            wasm_v128_store(c1 + 8, c12);
            wasm_v128_store(c1 + 12, c13);
        }
    }
}
#else
static void matmul(float *c, const float *a, const float *b)
{
    for (int i = 0; i < N * N; i++)
        c[i] = 0.0f;
    for (int i = 0; i < N; i++) {
        float *ci = c + i * N;
        for (int k = 0; k < N; k++) {
            float aik = a[i * N + k];
            const float *bk = b + k * N;
            for (int j = 0; j < N; j++)
                ci[j] += aik * bk[j];
        }
    }
}
#endif

/* C[i][j] the plain way, summing in the same order as both matmul paths. */
static float dot(const float *a, const float *b, int i, int j)
{
    float sum = 0.0f;
    for (int k = 0; k < N; k++)
        sum += a[i * N + k] * b[k * N + j];
    return sum;
}

static uint32_t hash_bits(uint32_t h, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    h ^= u;
    h *= 16777619u;
    return h;
}

int run(void)
{
    rng_state = seed_v;
    for (int i = 0; i < N * N; i++) {
        A[i] = rnd();
        B[i] = rnd();
    }
    int reps = reps_v;
    uint32_t check = 2166136261u;
    for (int r = 0; r < reps; r++) {
        matmul(C, A, B);
        for (int s = 0; s < 64; s++) {
            int i = (int)(xorshift32() % N), j = (int)(xorshift32() % N);
            if (C[i * N + j] != dot(A, B, i, j))
                return -2;
        }
        double expect = 0.0, total = 0.0, scale = 0.0;
        for (int k = 0; k < N; k++) {
            double colsum = 0.0, rowsum = 0.0;
            for (int i = 0; i < N; i++) {
                colsum += A[i * N + k];
                rowsum += B[k * N + i];
            }
            expect += colsum * rowsum;
        }
        for (int i = 0; i < N * N; i++) {
            total += C[i];
            scale += dabs(C[i]);
        }
        /* float products and sums: a relative error of a few 1e-7 per term */
        if (!(dabs(total - expect) <= 1e-5 * (scale + 1.0)))
            return -1;
        for (int i = 0; i < N * N; i++)
            check = hash_bits(check, C[i]);
        /* Next round: A = C / (max |C|), so the values stay in [-1, 1]. */
        float m = 0.0f;
        for (int i = 0; i < N * N; i++) {
            float v = C[i] < 0 ? -C[i] : C[i];
            if (v > m)
                m = v;
        }
        for (int i = 0; i < N * N; i++)
            A[i] = C[i] / m;
    }
    return (int)(check & 0x7fffffff);
}
