/* error.h: wh_error, the error value returned by loading and linking functions; WH_ASSERT for internal invariants. */
#ifndef WH_ERROR_H
#define WH_ERROR_H

#include <stdarg.h>

typedef struct wh_error {
    char *message; /* a sentence a user can act on, no trailing newline */
} wh_error;

/* printf-style constructor; never returns NULL (falls back to a static error on OOM). */
wh_error *wh_error_new(const char *format, ...) __attribute__((format(printf, 1, 2)));
wh_error *wh_error_newv(const char *format, va_list args);
/* Prepends "prefix: " to the message of an existing error and returns it. */
wh_error *wh_error_wrap(wh_error *error, const char *format, ...) __attribute__((format(printf, 2, 3)));
void wh_error_free(wh_error *error);

/* Internal invariants, checked in developer and sanitizer builds (WASMHOST_ASSERTS, which
 * WASMHOST_SANITIZE turns on) and compiled out of release builds. A failed one is a bug in
 * the engine, never a user's mistake: it prints where and aborts. */
#ifdef WASMHOST_ASSERTS
#define WH_ASSERT(condition) ((condition) ? (void)0 : wh_assert_failed(#condition, __FILE__, __LINE__))
#else
#define WH_ASSERT(condition) ((void)0)
#endif
_Noreturn void wh_assert_failed(const char *condition, const char *file, int line);

#endif
