/* cli.h: what the files of the wasmhost command-line tool share (commands, value text, file reading). */
#ifndef WH_CLI_H
#define WH_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"

/* Exit statuses of every command. */
enum {
    CLI_OK = 0,      /* success */
    CLI_FAILED = 1,  /* the module is invalid, failed to link, trapped, or a test failed */
    CLI_USAGE = 2,   /* wrong flags, argument counts or argument values */
};

/* Each command gets argv with argv[0] = the command's name and returns an exit status. */
int cli_validate(int argc, char **argv);
int cli_inspect(int argc, char **argv);
int cli_invoke(int argc, char **argv);
int cli_wast(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_serve(int argc, char **argv); /* cli_serve.c: uses only the public API (src/host/) */

/* Reads a whole file (regular file or pipe). The error names the path. */
wh_error *cli_read_file(const char *path, uint8_t **bytes, size_t *size);

/* Loads (decodes, validates, compiles) the module in `path`; the error names the path. */
wh_error *cli_load_module(const char *path, wh_module **out);

/* values.c: text forms of values.
 * Parses a command-line argument as a value of `type` (see value_parse in values.c for the
 * accepted forms). On failure returns false and writes the reason to `why`. */
bool value_parse(const char *text, wh_valtype type, wh_slot *out, char *why, size_t why_size);
/* Formats a value as invoke prints it: signed decimal integers, shortest round-tripping floats,
 * "nan"/"-nan"/"nan:0x..." NaNs, "null"/"ref" references. */
void value_format(wh_valtype type, wh_slot value, char *buf, size_t size);
void f32_format(uint32_t bits, char *buf, size_t size);
void f64_format(uint64_t bits, char *buf, size_t size);
/* "func [i32 i32] -> [i64]" */
void functype_format(const wh_functype *type, char *buf, size_t size);
/* Writes a wasm name double-quoted, escaping control characters, quotes and backslashes as \hh. */
void name_print(FILE *out, const char *data, size_t length);

#endif
