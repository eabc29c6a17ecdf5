/* hash64.c: i64 arithmetic. Deterministic Miller-Rabin (bases 2, 7, 61, exact below 4759123141) over
 * a window of 32-bit integers, with 64-bit products and remainders, checked against a segmented sieve
 * of the same window; then a 64-bit xorshift64* / splitmix64 / multiply-rotate hash over the primes
 * found. Returns a checksum >= 0, or -1 if the two prime counts differ. */
#include <stdint.h>

#define WINDOW 3000000
static volatile uint32_t base_v = 4000000000u;
static volatile uint32_t window_v = WINDOW;
static volatile int hash_rounds_v = 8;
static uint8_t composite[WINDOW];
static uint32_t primes[WINDOW / 4];

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
    return a * b % m; /* a, b < m < 2^32: the product fits in 64 bits */
}

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m)
{
    uint64_t r = 1;
    b %= m;
    while (e) {
        if (e & 1)
            r = mulmod(r, b, m);
        b = mulmod(b, b, m);
        e >>= 1;
    }
    return r;
}

static int is_prime(uint64_t n)
{
    static const uint64_t bases[3] = {2, 7, 61};
    if (n < 2)
        return 0;
    for (int i = 0; i < 3; i++)
        if (n % bases[i] == 0)
            return n == bases[i];
    uint64_t d = n - 1;
    int s = 0;
    while ((d & 1) == 0) {
        d >>= 1;
        s++;
    }
    for (int i = 0; i < 3; i++) {
        uint64_t x = powmod(bases[i], d, n);
        if (x == 1 || x == n - 1)
            continue;
        int r;
        for (r = 1; r < s; r++) {
            x = mulmod(x, x, n);
            if (x == n - 1)
                break;
        }
        if (r == s)
            return 0;
    }
    return 1;
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

int run(void)
{
    uint64_t base = base_v;
    uint32_t window = window_v;

    /* Segmented sieve of [base, base + window) with the primes below 2^16 (enough: base + window < 2^32). */
    for (uint32_t i = 0; i < window; i++)
        composite[i] = 0;
    for (uint64_t p = 2; p < 65536; p++) {
        int small_prime = 1;
        for (uint64_t q = 2; q * q <= p; q++)
            if (p % q == 0) {
                small_prime = 0;
                break;
            }
        if (!small_prime)
            continue;
        uint64_t start = (base + p - 1) / p * p;
        for (uint64_t m = start; m < base + window; m += p)
            composite[m - base] = 1;
    }
    uint32_t sieve_count = 0;
    for (uint32_t i = 0; i < window; i++)
        sieve_count += !composite[i];

    uint32_t count = 0;
    for (uint32_t i = 0; i < window; i++)
        if (is_prime(base + i))
            primes[count++] = (uint32_t)(base + i);
    if (count != sieve_count || count == 0)
        return -1;

    /* Hash the primes. */
    uint64_t h = 0x243f6a8885a308d3ull, state = 42, xs = 88172645463325252ull;
    int rounds = hash_rounds_v;
    for (int r = 0; r < rounds; r++)
        for (uint32_t i = 0; i < count; i++) {
            xs ^= xs >> 12;
            xs ^= xs << 25;
            xs ^= xs >> 27;
            uint64_t k = (uint64_t)primes[i] * 0x2545f4914f6cdd1dull + xs * 0x2545f4914f6cdd1dull;
            k ^= splitmix64(&state);
            h = rotl64(h ^ k, 27) * 0x9e3779b97f4a7c15ull + (uint64_t)r;
            h ^= h >> 33;
        }
    uint32_t check = (uint32_t)(h ^ (h >> 32)) ^ (count * 2654435761u);
    return (int)(check & 0x7fffffff);
}
