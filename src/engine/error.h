/* error.h: wh_error, the error value returned by loading and linking functions. */
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

#endif
