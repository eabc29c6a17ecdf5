/* test_support.h: what the host tests share: CHECK (tests/check.h), a deterministic random stream, milliseconds. */
#ifndef WASMHOST_TEST_SUPPORT_H
#define WASMHOST_TEST_SUPPORT_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "check.h" /* tests/check.h: CHECK, checks_done */

/* Functions are static inline: each test uses what it needs without unused-function warnings. */

/* splitmix64: the same stream for the same seed on every run, so a failure replays; any seed
 * works, so each connection or case can have its own stream. */
typedef struct prng {
    uint64_t state;
} prng;

static inline uint64_t prng_next(prng *p)
{
    uint64_t z = (p->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline size_t prng_below(prng *p, size_t bound) { return bound ? (size_t)(prng_next(p) % bound) : 0; }

static inline uint64_t now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

static inline void sleep_ms(long milliseconds)
{
    struct timespec pause = {milliseconds / 1000, (milliseconds % 1000) * 1000000L};
    nanosleep(&pause, NULL);
}

#endif
