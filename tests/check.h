/* check.h: CHECK, the one check macro of the C tests (native and wasm32-wasi); checks_done, which main returns. */
#ifndef WASMHOST_TESTS_CHECK_H
#define WASMHOST_TESTS_CHECK_H

/* Only standard C (stdio, string, stdarg, stdatomic): the same header serves the native tests and
 * the test programs compiled to wasm32-wasi with wasi-libc. Functions are static inline, so each
 * test uses what it needs without unused-function warnings.
 *
 *   CHECK(condition);
 *   CHECK(condition, "format", arguments...);
 *
 * A false condition prints "FILE:LINE: check failed: CONDITION" on stderr, followed on the same
 * line by ": MESSAGE" when a printf-style message is given (a string literal: it is pasted onto
 * the separator). The test carries on, so one run shows every failure and cleans up after itself
 * (temporary folders, server processes, threads), and main ends with `return checks_done(NAME);`:
 * exit status 1 when any check failed, which is what fails the ctest. Checks stay on in Release
 * builds (assert would vanish with NDEBUG).
 *
 * A test header may define CHECK_PRINT_ERRNO before including this one (the WASI guests do: most
 * of their checks follow a libc call): each failure then ends with " (errno N: text)" when errno
 * is not 0. */

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* Failures printed; later ones are only counted, so a fuzzer that goes wrong everywhere does not
 * flood the log. */
#define CHECK_PRINT_LIMIT 20

/* Atomic: the host tests check from client and worker threads too. A test may count a failure
 * that CHECK cannot express with failures++ (after printing why). */
static atomic_int check_count, failures;

/* What CHECK calls on a false condition; `format` starts with the ": " separator. */
static inline void check_failed(const char *file, int line, const char *condition, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

static inline void check_failed(const char *file, int line, const char *condition, const char *format, ...)
{
    int error = errno; /* before stdio can change it */
    if (atomic_fetch_add(&failures, 1) >= CHECK_PRINT_LIMIT)
        return;
    /* One write per failure, so that lines from different threads do not mix. */
    char text[4096];
    int length = snprintf(text, sizeof text, "%s:%d: check failed: %s", file, line, condition);
    if (format[2] != '\0' && length >= 0 && (size_t)length < sizeof text) { /* a message was given */
        va_list arguments;
        va_start(arguments, format);
        length += vsnprintf(text + length, sizeof text - (size_t)length, format, arguments);
        va_end(arguments);
    }
#ifdef CHECK_PRINT_ERRNO
    if (error != 0 && length >= 0 && (size_t)length < sizeof text)
        length += snprintf(text + length, sizeof text - (size_t)length, " (errno %d: %s)", error, strerror(error));
#else
    (void)error;
#endif
    fprintf(stderr, "%s\n", text);
}

#define CHECK(condition, ...)                                               \
    do {                                                                    \
        atomic_fetch_add(&check_count, 1);                                  \
        if (!(condition))                                                   \
            check_failed(__FILE__, __LINE__, #condition, ": " __VA_ARGS__); \
    } while (0)

/* The end of main: prints "NAME: all N checks passed" on stdout, or how many failed on stderr,
 * and gives the exit status (0, or 1 when anything failed). */
static inline int checks_done(const char *name)
{
    int failed = atomic_load(&failures), made = atomic_load(&check_count);
    if (failed) {
        fprintf(stderr, "%s: %d of %d checks failed", name, failed, made);
        if (failed > CHECK_PRINT_LIMIT)
            fprintf(stderr, " (the first %d printed)", CHECK_PRINT_LIMIT);
        fputc('\n', stderr);
        return 1;
    }
    printf("%s: all %d checks passed\n", name, made);
    return 0;
}

#endif
