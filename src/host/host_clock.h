/* host_clock.h: the host's one clock for durations, deadlines and health windows (CLOCK_MONOTONIC, nanoseconds). */
#ifndef WH_HOST_CLOCK_H
#define WH_HOST_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t host_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

#endif
