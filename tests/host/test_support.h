/* test_support.h: what the host tests share: CHECK (on in Release builds), a deterministic random stream, milliseconds. */
#ifndef WASMHOST_TEST_SUPPORT_H
#define WASMHOST_TEST_SUPPORT_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* Functions are static inline: each test uses what it needs without unused-function warnings. */

/* Checks stay on in Release builds (assert would vanish with NDEBUG). Every failure counts; the
 * first 20 are printed, so a fuzzer that goes wrong everywhere does not flood the log. Atomic:
 * client and worker threads check too. */
static atomic_int failures;

static inline void check_failed(const char *file, int line, const char *condition, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

static inline void check_failed(const char *file, int line, const char *condition, const char *format, ...)
{
    if (atomic_fetch_add(&failures, 1) >= 20)
        return;
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, condition);
    if (format[2] != '\0') { /* more than the indentation: a message was given */
        va_list arguments;
        va_start(arguments, format);
        vfprintf(stderr, format, arguments);
        va_end(arguments);
        fputc('\n', stderr);
    }
}

/* CHECK(condition) or CHECK(condition, "format", arguments...): the message, indented under the
 * failed condition, is a string literal (it is pasted onto the indentation). */
#define CHECK(condition, ...)                                                       \
    do {                                                                            \
        if (!(condition))                                                           \
            check_failed(__FILE__, __LINE__, #condition, "  " __VA_ARGS__);         \
    } while (0)

/* main's ending: prints how many checks failed, if any, and gives the exit status. */
static inline int checks_result(void)
{
    int failed = atomic_load(&failures);
    if (failed)
        fprintf(stderr, "%d check%s failed\n", failed, failed == 1 ? "" : "s");
    return failed ? 1 : 0;
}

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
