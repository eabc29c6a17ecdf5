/* error.c: construction and destruction of eng_error values; the report of a failed internal assertion. */
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static eng_error out_of_memory_error = {"out of memory while reporting an error"};

eng_error *eng_error_newv(const char *format, va_list args)
{
    va_list copy;
    va_copy(copy, args);
    int length = vsnprintf(NULL, 0, format, copy);
    va_end(copy);
    eng_error *error = malloc(sizeof *error);
    char *message = length >= 0 ? malloc((size_t)length + 1) : NULL;
    if (!error || !message) {
        free(error);
        free(message);
        return &out_of_memory_error;
    }
    vsnprintf(message, (size_t)length + 1, format, args);
    error->message = message;
    return error;
}

eng_error *eng_error_new(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    eng_error *error = eng_error_newv(format, args);
    va_end(args);
    return error;
}

eng_error *eng_error_wrap(eng_error *error, const char *format, ...)
{
    if (error == &out_of_memory_error)
        return error;
    va_list args;
    va_start(args, format);
    eng_error *prefix = eng_error_newv(format, args);
    va_end(args);
    if (prefix == &out_of_memory_error)
        return error;
    eng_error *joined = eng_error_new("%s: %s", prefix->message, error->message);
    eng_error_free(prefix);
    if (joined == &out_of_memory_error)
        return error;
    eng_error_free(error);
    return joined;
}

void eng_error_free(eng_error *error)
{
    if (!error || error == &out_of_memory_error)
        return;
    free(error->message);
    free(error);
}

void eng_assert_failed(const char *condition, const char *file, int line)
{
    fprintf(stderr, "wasmhost: internal error: %s:%d: assertion failed: %s\n", file, line, condition);
    abort();
}
