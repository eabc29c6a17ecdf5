/* sieve.c: integer loops. The sieve of Eratosthenes over a byte array, repeated; each pass counts the
 * primes below LIMIT and sums them, checked against the known values. Returns a checksum >= 0, or -1. */
#include <stdint.h>

#define LIMIT 1000000
static volatile int passes = 160;
static volatile int limit_v = LIMIT;
static uint8_t composite[LIMIT + 1];

int run(void)
{
    int limit = limit_v;
    uint32_t check = 0;
    for (int pass = 0; pass < passes; pass++) {
        for (int i = 0; i <= limit; i++)
            composite[i] = 0;
        for (int i = 2; i * i <= limit; i++)
            if (!composite[i])
                for (int j = i * i; j <= limit; j += i)
                    composite[j] = 1;
        uint32_t count = 0;
        uint64_t sum = 0;
        for (int i = 2; i <= limit; i++)
            if (!composite[i]) {
                count++;
                sum += (uint64_t)i;
            }
        /* pi(10^6) = 78498; the primes below 10^6 add up to 37550402023. */
        if (count != 78498 || sum != 37550402023ull)
            return -1;
        check = check * 33u + count + (uint32_t)sum + (uint32_t)pass;
    }
    return (int)(check & 0x7fffffff);
}
