/* wasi_plugin.c: a plugin with wasi-libc for tests/plugins: its environment, its stderr, proc_exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmhost_plugin.h"

/* The value of the environment variable named by the input. */
static int environment_value(const uint8_t *input, size_t length, wh_plugin_output *out)
{
    char name[64];
    if (length >= sizeof name)
        return wh_plugin_fail("the name is too long");
    memcpy(name, input, length);
    name[length] = '\0';
    const char *value = getenv(name);
    if (!value)
        return wh_plugin_fail("the variable is not set");
    return wh_output_string(out, value);
}

/* Writes the input to stderr. */
static int write_stderr(const uint8_t *input, size_t length, wh_plugin_output *out)
{
    (void)out;
    fprintf(stderr, "%.*s", (int)length, (const char *)input);
    fflush(stderr);
    return 0;
}

/* Ends the program through proc_exit. */
static int end_program(const uint8_t *input, size_t length, wh_plugin_output *out)
{
    (void)input;
    (void)length;
    (void)out;
    exit(3);
}

/* Returns non-zero without saying why. */
static int give_up(const uint8_t *input, size_t length, wh_plugin_output *out)
{
    (void)input;
    (void)length;
    wh_output_string(out, "discarded");
    return 7;
}

WASMHOST_PLUGIN_EXPORT(environment, environment_value)
WASMHOST_PLUGIN_EXPORT(stderr_lines, write_stderr)
WASMHOST_PLUGIN_EXPORT(exit, end_program)
WASMHOST_PLUGIN_EXPORT(give_up, give_up)
