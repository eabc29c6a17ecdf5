/* error.h: eng_error, the error value returned by loading and linking functions; ENG_ASSERT for internal invariants; ENG_UNDER_ASAN. */
#ifndef ENG_ERROR_H
#define ENG_ERROR_H

#include <stdarg.h>

typedef struct eng_error {
    char *message; /* a sentence a user can act on, no trailing newline */
} eng_error;

/* printf-style constructor; never returns NULL (falls back to a static error on OOM). */
eng_error *eng_error_new(const char *format, ...) __attribute__((format(printf, 1, 2)));
eng_error *eng_error_newv(const char *format, va_list args);
/* Prepends "prefix: " to the message of an existing error and returns it. */
eng_error *eng_error_wrap(eng_error *error, const char *format, ...) __attribute__((format(printf, 2, 3)));
void eng_error_free(eng_error *error);

/* Internal invariants, checked in developer and sanitizer builds (WASMHOST_ASSERTS, which
 * WASMHOST_SANITIZE turns on) and compiled out of release builds. A failed one is a bug in
 * the engine, never a user's mistake: it prints where and aborts. */
#ifdef WASMHOST_ASSERTS
#define ENG_ASSERT(condition) ((condition) ? (void)0 : eng_assert_failed(#condition, __FILE__, __LINE__))
#else
#define ENG_ASSERT(condition) ((void)0)
#endif
_Noreturn void eng_assert_failed(const char *condition, const char *file, int line);

/* ENG_UNDER_ASAN: built with AddressSanitizer (gcc says so one way, clang another). The engine
 * changes course there in two places: the interpreter's dispatch (interp.c) and the store arena
 * keeping no chunks (store.c). */
#if defined(__SANITIZE_ADDRESS__)
#define ENG_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ENG_UNDER_ASAN 1
#endif
#endif

#endif
