/* cli.h: what the files of the wasmhost command-line tool share (commands, value text, file and module loading). */
#ifndef WH_CLI_H
#define WH_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "host.h" /* ADMIN_DEFAULT_ADDRESS: the server's default is the client's */
#include "wasm.h"
#include "wasmhost.h"

/* Exit statuses of every command. */
enum {
    CLI_OK = 0,     /* success */
    CLI_FAILED = 1, /* the module is invalid, failed to link, trapped, or a test failed */
    CLI_USAGE = 2,  /* wrong flags, argument counts or argument values */
};

/* Each command gets argv with argv[0] = the command's name and returns an exit status. */
typedef int cli_command_function(int argc, char **argv);

/* Every command: CORE ones are in the wasmhost binary; PLATFORM ones (the server and what talks to
 * it) in libwasmhost_platform.so, which the binary loads only to run one of them, so that run,
 * invoke and the others never load libuv, SQLite, OpenSSL, libyaml (start-up time and memory,
 * docs/internals.md); ADMIN ones are platform commands the static build leaves out (libcurl). The
 * static build (-DWASMHOST_STATIC=ON) links the platform into the binary. */
#define CLI_COMMANDS(CORE, PLATFORM, ADMIN) \
    CORE(validate, cli_validate)            \
    CORE(inspect, cli_inspect)              \
    CORE(invoke, cli_invoke)                \
    CORE(run, cli_run)                      \
    CORE(call, cli_call)                    \
    CORE(wast, cli_wast)                    \
    PLATFORM(serve, cli_serve)              \
    PLATFORM(probe, cli_probe)              \
    CORE(compile, cli_compile)              \
    CORE(snapshot, cli_snapshot)            \
    ADMIN(deploy, cli_deploy)               \
    ADMIN(services, cli_services)           \
    ADMIN(rollback, cli_rollback)           \
    ADMIN(rm, cli_remove)

/* cli_validate.c, cli_inspect.c ...: one file per command (cli_admin.c: the admin API's client,
 * for a running `wasmhost serve --state DIR --admin ADDR:PORT`; cli_probe.c: a container's health
 * check). Platform commands are exported from libwasmhost_platform.so under these names. */
#define CLI_DECLARE_COMMAND(name, function) cli_command_function function;
#define CLI_DECLARE_PLATFORM_COMMAND(name, function) \
    __attribute__((visibility("default"))) cli_command_function function;
CLI_COMMANDS(CLI_DECLARE_COMMAND, CLI_DECLARE_PLATFORM_COMMAND, CLI_DECLARE_PLATFORM_COMMAND)
#undef CLI_DECLARE_COMMAND
#undef CLI_DECLARE_PLATFORM_COMMAND

/* cli_platform.c: the platform command `symbol` (named `command` in messages), from
 * libwasmhost_platform.so, loaded on first use; NULL after printing why it cannot be loaded. */
cli_command_function *cli_platform_function(const char *command, const char *symbol);

/* cli_admin_http.c: those commands' exchanges with the admin API (libcurl; answers in jansson's json_t). */
#define CLI_ADMIN_DEFAULT_URL "http://" ADMIN_DEFAULT_ADDRESS
struct json_t;
typedef struct cli_admin_client {
    const char *command; /* "deploy": messages start "wasmhost deploy: " */
    char *url;           /* "http://127.0.0.1:8081", without a trailing '/' */
    char *token;         /* NULL: none. Never printed. */
    char *token_source;  /* "--token-file FILE" or "WASMHOST_ADMIN_TOKEN", for the message of a 401 */
} cli_admin_client;
/* Sets `client` up for `command`: the admin API at `url` (--admin; NULL: $WASMHOST_ADMIN, else
 * CLI_ADMIN_DEFAULT_URL; HOST:PORT means http://HOST:PORT), the token on the first line of
 * `token_file` (--token-file; NULL: $WASMHOST_ADMIN_TOKEN, else none). False after printing why;
 * cli_admin_close in either case. */
bool cli_admin_open(cli_admin_client *client, const char *command, const char *url, const char *token_file);
void cli_admin_close(cli_admin_client *client);
/* Prints "wasmhost COMMAND: MESSAGE" to stderr. */
void cli_admin_error(const cli_admin_client *client, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* A request: `method` on `path` ("/v1/services") with `body_size` bytes of `content_type` (NULL:
 * no body). True for a 2xx answer, with its JSON in *answer (NULL when empty; the caller's); else
 * false after printing why (unreachable, refused with the server's reason, not JSON). */
bool cli_admin_request(const cli_admin_client *client, const char *method, const char *path, const char *content_type,
                       const void *body, size_t body_size, struct json_t **answer);
/* "/v1/services/NAME" ("/v1/plugins/NAME" for a plugin) and `suffix`, NAME percent-encoded; NULL
 * after printing "out of memory". */
char *cli_admin_service_path(const cli_admin_client *client, bool plugin, const char *name, const char *suffix);

/* cli_wast.c: runs one wast2json script held in memory (`size` bytes at `json`) as `wasmhost wast`
 * runs the file `path`: the modules it names are read from path's folder, the report goes to
 * stdout. `store_ready` (may be NULL) gets the script's store before its first command
 * (tests/fuzz/fuzz_wast.c sets limits and fuel there). Returns the number of failed commands. */
uint64_t cli_wast_run_json(wasm_engine_t *engine, const char *path, const char *json, size_t size,
                           void (*store_ready)(wasm_store_t *));

/* cli_files.c: files and modules.
 * Reads a whole file (regular file or pipe) into a malloc'ed buffer; on failure writes
 * "PATH: why" to `why`. */
bool cli_read_file(const char *path, uint8_t **bytes, size_t *size, char *why, size_t why_size);
/* The same for an open stream (standard input) called `name` in messages; does not close it. */
bool cli_read_stream(FILE *file, const char *name, uint8_t **bytes, size_t *size, char *why, size_t why_size);
/* Writes `size` bytes to `path` through a temporary file next to it and a rename, so that the
 * file is never seen half written; false (errno says why) when it cannot. */
bool cli_write_file_atomically(const char *path, const void *bytes, size_t size);
/* Reads and compiles the module in `path` for `store`; on failure prints "wasmhost: PATH: why"
 * to stderr and returns NULL. */
wasm_module_t *cli_load_module(wasm_store_t *store, const char *path);
/* The calling thread's last API error without the name of the function that recorded it
 * ("wasm_module_new: section 3 ..." becomes "section 3 ..."): the user did not call it. */
const char *cli_error_message(void);
/* Prints a trap to stderr: "trap: MESSAGE" and a backtrace (wh_trap_format). */
void cli_print_trap(const wasm_trap_t *trap);

/* values.c: text forms of values.
 * Parses a command-line argument as a value of `kind` (see value_parse in values.c for the
 * accepted forms); a host reference (externref N) is a new foreign object of `store`. On failure
 * returns false and writes the reason to `why`. */
bool value_parse(const char *text, wasm_valkind_t kind, wasm_store_t *store, wasm_val_t *out, char *why,
                 size_t why_size);
/* A v128 argument: SHAPE:LANE,... (i32x4:1,2,3,4; f32x4:1.5,nan,-inf,0; i8x16, i16x8, i64x2 and
 * f64x2 likewise, lanes as value_parse reads integers and floats), bytes in memory order. */
bool value_parse_v128(const char *text, uint8_t out[16], char *why, size_t why_size);
/* A v128 as "i32x4:0x...,0x...,0x...,0x..." (lanes in hexadecimal, lane 0 first). */
void value_format_v128(const uint8_t value[16], char *buf, size_t size);
/* (Other values, value and extern kinds and function types are printed with wh_val_format,
 * wh_valkind_name, wh_externkind_name and wh_functype_format, wasmhost.h.) */
/* Writes a wasm name double-quoted and escaped (wh_name_format). */
void cli_print_name(FILE *out, const wasm_name_t *name);
/* One line naming an import: `  func "env"."log"`. */
void import_print(FILE *out, const wasm_importtype_t *import);

#endif
