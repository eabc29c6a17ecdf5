/* api_error.c: the calling thread's last failure (wh_last_error_*), and the library version. */
#include "api_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Messages longer than this are cut: they are sentences, not dumps. */
#define ERROR_MESSAGE_SIZE 1024

static _Thread_local wh_error_code_t last_code;
static _Thread_local char last_message[ERROR_MESSAGE_SIZE];

void api_fail(wh_error_code_t code, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(last_message, sizeof last_message, format, args);
    va_end(args);
    last_code = code;
}

void api_fail_error(wh_error_code_t code, const char *where, eng_error *error)
{
    api_fail(code, "%s: %s", where, error ? error->message : "unknown error");
    eng_error_free(error);
}

wh_error_code_t wh_last_error_code(void) { return last_code; }

const char *wh_last_error_message(void) { return last_message; }

void wh_clear_error(void)
{
    last_code = WH_OK;
    last_message[0] = '\0';
}

const char *wh_version(void)
{
#define WH_STRINGIFY_(x) #x
#define WH_STRINGIFY(x) WH_STRINGIFY_(x)
    return WH_STRINGIFY(WH_VERSION_MAJOR) "." WH_STRINGIFY(WH_VERSION_MINOR) "." WH_STRINGIFY(WH_VERSION_PATCH);
}
