/* bench_support.h: what the C benchmark programs share: a monotonic clock in nanoseconds and the comparison qsort needs for medians. */
#ifndef WH_BENCH_SUPPORT_H
#define WH_BENCH_SUPPORT_H

#include <time.h>

static inline double bench_now_ns(void)
{
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (double)time.tv_sec * 1e9 + (double)time.tv_nsec;
}

/* For qsort of doubles, ascending. */
static inline int bench_compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#endif
