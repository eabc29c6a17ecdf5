/* matmul.c: double arithmetic. Dense N x N double matrix products (i-k-j order), C = A * B, then
 * A = C scaled, repeated. Each product is checked with the column-sum/row-sum identity
 * sum(C) = sum_k colsum(A)_k * rowsum(B)_k. Returns a checksum >= 0, or -1 if the identity fails. */
#include <stdint.h>
#include <string.h>

#define N 512
static volatile int reps_v = 10;
static volatile uint32_t seed_v = 12345u;
static double A[N * N], B[N * N], C[N * N];

static uint32_t rng_state;
static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

/* A uniform double in [-1, 1). */
static double rnd(void) { return (double)(xorshift32() >> 8) / 8388608.0 - 1.0; }

static double dabs(double x) { return x < 0 ? -x : x; }

static void matmul(double *c, const double *a, const double *b)
{
    for (int i = 0; i < N * N; i++)
        c[i] = 0.0;
    for (int i = 0; i < N; i++) {
        double *ci = c + i * N;
        for (int k = 0; k < N; k++) {
            double aik = a[i * N + k];
            const double *bk = b + k * N;
            for (int j = 0; j < N; j++)
                ci[j] += aik * bk[j];
        }
    }
}

static uint32_t hash_bits(uint32_t h, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    h ^= (uint32_t)u;
    h *= 16777619u;
    h ^= (uint32_t)(u >> 32);
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
        if (!(dabs(total - expect) <= 1e-9 * (scale + 1.0)))
            return -1;
        for (int i = 0; i < N * N; i += 97)
            check = hash_bits(check, C[i]);
        /* Next round: A = C / (max |C|), so the values stay in [-1, 1]. */
        double m = 0.0;
        for (int i = 0; i < N * N; i++)
            if (dabs(C[i]) > m)
                m = dabs(C[i]);
        for (int i = 0; i < N * N; i++)
            A[i] = C[i] / m;
    }
    return (int)(check & 0x7fffffff);
}
