/* clocks_random.c: clocks exist, have a resolution and advance; random bytes are random;
 * sched_yield works. */
#include "wasi_test.h"

#include <time.h>
#include <unistd.h>

static __wasi_timestamp_t now(__wasi_clockid_t clock)
{
    __wasi_timestamp_t t = 0;
    CHECK_OK(__wasi_clock_time_get(clock, 1, &t));
    return t;
}

int main(void)
{
    static const __wasi_clockid_t clocks[] = {__WASI_CLOCKID_REALTIME, __WASI_CLOCKID_MONOTONIC,
                                              __WASI_CLOCKID_PROCESS_CPUTIME_ID, __WASI_CLOCKID_THREAD_CPUTIME_ID};
    for (int i = 0; i < 4; i++) {
        __wasi_timestamp_t resolution = 0;
        CHECK_OK(__wasi_clock_res_get(clocks[i], &resolution));
        CHECK(resolution > 0 && resolution <= 1000000000ull);
    }
    __wasi_timestamp_t t;
    CHECK_ERRNO(__wasi_clock_time_get(4, 0, &t), __WASI_ERRNO_INVAL);
    CHECK_ERRNO(__wasi_clock_res_get(99, &t), __WASI_ERRNO_INVAL);

    /* Realtime is after 2020-01-01. */
    CHECK(now(__WASI_CLOCKID_REALTIME) > 1577836800ull * 1000000000ull);
    /* Monotonic advances across a 20 ms sleep (poll_oneoff underneath), by at least that. */
    __wasi_timestamp_t before = now(__WASI_CLOCKID_MONOTONIC);
    __wasi_timestamp_t wall_before = now(__WASI_CLOCKID_REALTIME);
    struct timespec sleep = {0, 20 * 1000 * 1000};
    CHECK(nanosleep(&sleep, NULL) == 0);
    __wasi_timestamp_t after = now(__WASI_CLOCKID_MONOTONIC);
    CHECK(after - before >= 20 * 1000 * 1000);
    CHECK(after - before < 5ull * 1000 * 1000 * 1000);
    CHECK(now(__WASI_CLOCKID_REALTIME) - wall_before >= 19 * 1000 * 1000);
    /* CPU time advances while we compute. */
    __wasi_timestamp_t cpu_before = now(__WASI_CLOCKID_PROCESS_CPUTIME_ID);
    __wasi_timestamp_t thread_before = now(__WASI_CLOCKID_THREAD_CPUTIME_ID);
    volatile uint64_t sum = 0;
    (void)sum;
    for (uint64_t i = 0; i < 20000000 && now(__WASI_CLOCKID_PROCESS_CPUTIME_ID) - cpu_before < 5000000; i++)
        sum += i * i;
    CHECK(now(__WASI_CLOCKID_PROCESS_CPUTIME_ID) > cpu_before);
    CHECK(now(__WASI_CLOCKID_THREAD_CPUTIME_ID) > thread_before);
    /* libc's clock functions agree. */
    struct timespec ts;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0 && ts.tv_sec >= 0);
    CHECK(time(NULL) > 1577836800);

    /* Random bytes: two draws differ, not all zero; large and empty draws work. */
    uint8_t a[32], b[32], zero[32] = {0};
    CHECK_OK(__wasi_random_get(a, sizeof a));
    CHECK_OK(__wasi_random_get(b, sizeof b));
    CHECK(memcmp(a, b, sizeof a) != 0);
    CHECK(memcmp(a, zero, sizeof a) != 0);
    size_t big_size = 4 << 20;
    uint8_t *big = calloc(1, big_size);
    CHECK_OK(__wasi_random_get(big, big_size));
    size_t zeros = 0;
    for (size_t i = 0; i < big_size; i++)
        zeros += big[i] == 0;
    CHECK(zeros > big_size / 256 / 2 && zeros < big_size / 256 * 2); /* about 1 in 256 */
    free(big);
    CHECK_OK(__wasi_random_get(a, 0));
    CHECK_ERRNO(__wasi_random_get((uint8_t *)0xfffffff0u, 32), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, (__wasi_timestamp_t *)0xfffffffcu),
                __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, (__wasi_timestamp_t *)0xfffffffcu), __WASI_ERRNO_FAULT);
    CHECK_OK(__wasi_sched_yield());
    return checks_done("clocks_random");
}
