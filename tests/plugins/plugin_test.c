/* plugin_test.c: plugins through wasmhost.h alone: the examples on sample inputs, refused modules, traps, limits, sessions, instance pools, WASI, logs. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "wasm.h"
#include "wasmhost.h"

/* Usage: plugin_test EXAMPLES_DIR MODULES_DIR: build/examples/plugins (the example plugins) and
 * build/tests/plugins (this folder's modules, built from .wat and .c). */
static const char *examples_dir, *modules_dir;

static wh_plugin_t *load(const char *dir, const char *name, const wh_plugin_config_t *config)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    wh_plugin_t *plugin = wh_plugin_load(path, config);
    CHECK(plugin, "%s: %s", name, wh_last_error_message());
    return plugin;
}

/* The log lines a plugin wrote. */
typedef struct log_record {
    char lines[8][128];
    int count;
} log_record;

static void record_line(void *user, const char *text, size_t length)
{
    log_record *log = user;
    if (log->count < 8)
        snprintf(log->lines[log->count], sizeof log->lines[0], "%.*s", (int)length, text);
    log->count++;
}

/* Calls `name` with `size` bytes of `input`; NULL and *trap on a trap, otherwise the output,
 * NUL-terminated, for the caller to free (and *trap NULL). */
static char *call(const wh_plugin_t *plugin, const char *name, const char *input, size_t size, wasm_trap_t **trap)
{
    wasm_byte_vec_t in = {size, (wasm_byte_t *)input}, out;
    *trap = wh_plugin_call(plugin, name, &in, &out);
    if (*trap) {
        CHECK(out.size == 0 && out.data == NULL, "%s: output left after a trap", name);
        return NULL;
    }
    char *text = malloc(out.size + 1);
    if (out.size)
        memcpy(text, out.data, out.size);
    text[out.size] = '\0';
    wasm_byte_vec_delete(&out);
    return text;
}

static char *trap_message(const wasm_trap_t *trap)
{
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    char *text = strdup(message.size ? message.data : "");
    wasm_byte_vec_delete(&message);
    return text;
}

/* The call of `name` on `input` must answer exactly `expected`. */
#define CHECK_OUTPUT(plugin, name, input, expected) check_output(plugin, name, input, expected, __LINE__)

static void check_output(const wh_plugin_t *plugin, const char *name, const char *input, const char *expected, int line)
{
    wasm_trap_t *trap;
    char *output = call(plugin, name, input, strlen(input), &trap);
    char *message = trap ? trap_message(trap) : NULL;
    CHECK(output && strcmp(output, expected) == 0, "line %d: %s(\"%s\") gave \"%s\"%s%s, expected \"%s\"", line, name,
          input, output ? output : "", trap ? ", trap: " : "", message ? message : "", expected);
    free(output);
    free(message);
    wasm_trap_delete(trap);
}

/* The call must trap with `code` and a message containing `fragment`. */
#define CHECK_TRAP(plugin, name, input, code, fragment) check_trap(plugin, name, input, code, fragment, __LINE__)

static void check_trap(const wh_plugin_t *plugin, const char *name, const char *input, wh_trap_code_t code,
                       const char *fragment, int line)
{
    wasm_trap_t *trap;
    char *output = call(plugin, name, input, strlen(input), &trap);
    char *message = trap ? trap_message(trap) : NULL;
    CHECK(trap && wh_trap_code(trap) == code && strstr(message, fragment),
          "line %d: %s(\"%s\"): expected a trap of code %d with \"%s\", got %s (code %d: %s)", line, name, input,
          (int)code, fragment, trap ? "a trap" : "an answer", trap ? (int)wh_trap_code(trap) : -1,
          trap ? message : output);
    free(output);
    free(message);
    wasm_trap_delete(trap);
}

/* ---- the example plugins ---- */

static void check_upper(const char *file)
{
    wh_plugin_t *plugin = load(examples_dir, file, NULL);
    if (!plugin)
        return;
    CHECK(wh_plugin_export_count(plugin) == 2 && strcmp(wh_plugin_export_name(plugin, 0), "process") == 0 &&
          strcmp(wh_plugin_export_name(plugin, 1), "handle_request") == 0 && !wh_plugin_export_name(plugin, 2));
    CHECK_OUTPUT(plugin, "process", "Hello, plugin! 123", "HELLO, PLUGIN! 123");
    CHECK_OUTPUT(plugin, "handle_request", "mixed Case_and_{braces}@`z", "MIXED CASE_AND_{BRACES}@`Z");
    CHECK_OUTPUT(plugin, "process", "", "");
    /* Every byte value, at every alignment of the eight-byte steps: only a-z change. */
    char input[300], expected[300];
    for (int i = 0; i < 299; i++) {
        unsigned char c = (unsigned char)(i % 255 + 1);
        input[i] = (char)c;
        expected[i] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    for (int start = 0; start < 9; start++) {
        input[299] = expected[299] = '\0';
        wasm_trap_t *trap;
        char *output = call(plugin, "process", input + start, strlen(input + start), &trap);
        CHECK(output && strcmp(output, expected + start) == 0, "%s: bytes from %d not upper-cased right", file, start);
        free(output);
        wasm_trap_delete(trap);
    }
    wh_plugin_delete(plugin);
}

static void check_wordcount(void)
{
    wh_plugin_t *plugin = load(examples_dir, "wordcount.wasm", NULL);
    if (!plugin)
        return;
    CHECK_OUTPUT(plugin, "process", "hello world\nfoo  bar\tbaz\n", "{\"words\":5,\"lines\":2,\"bytes\":25}\n");
    CHECK_OUTPUT(plugin, "process", "", "{\"words\":0,\"lines\":0,\"bytes\":0}\n");
    CHECK_OUTPUT(plugin, "process", "  no newline at the end", "{\"words\":5,\"lines\":0,\"bytes\":23}\n");
    CHECK_OUTPUT(plugin, "process", "\n\n\r\n\v\f", "{\"words\":0,\"lines\":3,\"bytes\":6}\n");
    wh_plugin_delete(plugin);
}

static void check_csv2json(void)
{
    wh_plugin_t *plugin = load(examples_dir, "csv2json.wasm", NULL);
    if (!plugin)
        return;
    CHECK_OUTPUT(plugin, "process", "name,age\nAda,36\nBob,41\n",
                 "[{\"name\":\"Ada\",\"age\":\"36\"},{\"name\":\"Bob\",\"age\":\"41\"}]\n");
    /* Quoted fields: commas, quotes written twice, a line break; CRLF; an empty line; no final newline. */
    CHECK_OUTPUT(plugin, "process",
                 "\"full name\",note\r\n\"Lovelace, Ada\",\"said \"\"hi\"\"\"\r\n\r\nBob,\"two\nlines\"\r\nCy,",
                 "[{\"full name\":\"Lovelace, Ada\",\"note\":\"said \\\"hi\\\"\"},"
                 "{\"full name\":\"Bob\",\"note\":\"two\\nlines\"},{\"full name\":\"Cy\",\"note\":\"\"}]\n");
    CHECK_OUTPUT(plugin, "process", "a\\b,\"tab\there\"\n1,2\n", "[{\"a\\\\b\":\"1\",\"tab\\there\":\"2\"}]\n");
    CHECK_OUTPUT(plugin, "process", "", "[]\n");
    CHECK_OUTPUT(plugin, "process", "only,a,header\n", "[]\n");
    CHECK_TRAP(plugin, "process", "a,b\n1,2,3\n", WH_TRAP_CODE_PLUGIN_ERROR,
               "plugin error: line 2: the record has more fields than the header");
    CHECK_TRAP(plugin, "process", "a,b\n1,2\n3\n", WH_TRAP_CODE_PLUGIN_ERROR,
               "plugin error: line 3: the record has fewer fields than the header");
    CHECK_TRAP(plugin, "process", "a,b\n\"1,2\n", WH_TRAP_CODE_PLUGIN_ERROR,
               "plugin error: line 2: a quoted field is not closed");
    CHECK_TRAP(plugin, "process", "a,b\n\"1\"x,2\n", WH_TRAP_CODE_PLUGIN_ERROR,
               "plugin error: line 2: a closing quote must end its field");
    wh_plugin_delete(plugin);
}

static void check_redact(void)
{
    wh_plugin_t *plugin = load(examples_dir, "redact.wasm", NULL);
    if (!plugin)
        return;
    CHECK_OUTPUT(plugin, "process", "Write to ada@example.com or bob.smith+tag@mail.example.co.uk.",
                 "Write to [redacted] or [redacted].");
    CHECK_OUTPUT(plugin, "process", "<x_y%z-1@a-b.io>,second@host.org", "<[redacted]>,[redacted]");
    /* Not addresses: no local part, no dot in the domain, a domain starting with a dot. */
    CHECK_OUTPUT(plugin, "process", "at @home, a@b, x@.com, user@localhost.", "at @home, a@b, x@.com, user@localhost.");
    CHECK_OUTPUT(plugin, "process", "", "");
    wh_plugin_delete(plugin);
}

static void check_running_mean(void)
{
    wh_plugin_t *plugin = load(examples_dir, "running_mean.wasm", NULL);
    if (!plugin)
        return;
    CHECK_OUTPUT(plugin, "process", "a,1\nb,10\na,2\na,6\nb,0\n", "a,1\nb,10\na,1.5\na,3\nb,5\n");
    CHECK_OUTPUT(plugin, "process", "k,1\r\nk,0\n\nk,0", "k,1\nk,0.5\nk,0.333333\n");
    CHECK_OUTPUT(plugin, "process", "x,-2.5\nx,1e2\nx,.5\n", "x,-2.5\nx,48.75\nx,32.666667\n");
    /* A fresh instance per call: the means start again. */
    CHECK_OUTPUT(plugin, "process", "a,3\n", "a,3\n");
    CHECK_OUTPUT(plugin, "process", "a,3\n", "a,3\n");
    CHECK_TRAP(plugin, "process", "a,1\nb,x\n", WH_TRAP_CODE_PLUGIN_ERROR, "plugin error: line 2: expected KEY,NUMBER");
    CHECK_TRAP(plugin, "process", "no comma\n", WH_TRAP_CODE_PLUGIN_ERROR, "line 1: expected KEY,NUMBER");
    wh_plugin_delete(plugin);
}

/* The host functions a plugin built with the SDK may import, for an instance made here. */
static wasm_trap_t *ignore_log(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args;
    (void)results;
    return NULL;
}

/* running_mean as a stream: one instance kept for several calls through wh_call_bytes, whose
 * globals carry the means from call to call, and whose buffers go back through wasmhost_free: a
 * thousand calls later the memory has not grown (with wasi-libc's malloc, and with the SDK's own
 * allocator in a build without a C library). */
static void check_running_mean_stream(const char *dir, const char *file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *stream_file = fopen(path, "rb");
    CHECK(stream_file, "%s", path);
    if (!stream_file)
        return;
    wasm_byte_vec_t binary;
    wasm_byte_vec_new_uninitialized(&binary, 1 << 20);
    binary.size = fread(binary.data, 1, binary.size, stream_file);
    fclose(stream_file);
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    CHECK(module, "%s: %s", file, wh_last_error_message());
    wh_wasi_t *wasi = wh_wasi_new();
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    wasm_functype_t *type = wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t *host = wasm_func_new(store, type, ignore_log);
    wasm_functype_delete(type);
    CHECK(module && wh_wasi_imports(wasi, store, module, &imports));
    for (size_t i = 0; i < imports.size; i++)
        if (!imports.data[i])
            imports.data[i] = wasm_func_as_extern(wasm_func_copy(host));
    wasm_instance_t *instance = module ? wasm_instance_new(store, module, &imports, NULL) : NULL;
    CHECK(instance && wh_wasi_bind(wasi, instance), "%s: %s", file, wh_last_error_message());
    wasm_extern_t *initialize = instance ? wh_instance_export(instance, "_initialize") : NULL;
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    if (initialize)
        CHECK(!wasm_func_call(wasm_extern_as_func(initialize), &none, &none));
    static const char *const stream[][2] = {
        {"a,1\n", "a,1\n"},
        {"b,4\na,3\n", "b,4\na,2\n"},
        {"a,8\nb,0\n", "a,4\nb,2\n"},
    };
    for (size_t i = 0; instance && i < sizeof stream / sizeof stream[0]; i++) {
        wasm_byte_vec_t input = {strlen(stream[i][0]), (wasm_byte_t *)stream[i][0]}, output;
        wasm_trap_t *trap = wh_call_bytes(instance, "process", &input, &output);
        CHECK(!trap && output.size == strlen(stream[i][1]) && memcmp(output.data, stream[i][1], output.size) == 0,
              "%s: record %zu of the stream: \"%.*s\"", file, i, (int)output.size, output.data ? output.data : "");
        wasm_byte_vec_delete(&output);
        wasm_trap_delete(trap);
    }
    wasm_extern_t *memory_extern = instance ? wh_instance_export(instance, "memory") : NULL;
    const wasm_memory_t *memory = wasm_extern_as_memory(memory_extern);
    wasm_memory_pages_t pages = memory ? wasm_memory_size(memory) : 0;
    char records[1024];
    for (int i = 0; instance && i < 1000; i++) {
        size_t used = 0; /* twenty records a call: buffers that would soon fill the memory if kept */
        for (int k = 0; k < 20; k++)
            used += (size_t)snprintf(records + used, sizeof records - used, "key%d,%d\n", (i + k) % 50, i);
        wasm_byte_vec_t input = {used, records}, output;
        wasm_trap_t *trap = wh_call_bytes(instance, "process", &input, &output);
        CHECK(!trap, "%s: call %d", file, i);
        wasm_byte_vec_delete(&output);
        wasm_trap_delete(trap);
    }
    CHECK(memory && wasm_memory_size(memory) == pages, "%s: the memory grew from %u to %u pages", file, pages,
          memory ? wasm_memory_size(memory) : 0);
    wasm_extern_delete(memory_extern);
    wasm_extern_delete(initialize);
    wasm_instance_delete(instance);
    wasm_extern_vec_delete(&imports);
    wasm_func_delete(host);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wh_wasi_delete(wasi);
    wasm_engine_delete(engine);
}

/* ---- sessions: one instance kept across calls ---- */

/* A session call of `name` on `input`: its output ("" after a trap), the trap's code in *code
 * (-1 without one). */
static char *session_call(wh_plugin_session_t *session, const char *name, const char *input, int *code)
{
    wasm_byte_vec_t in = {strlen(input), (wasm_byte_t *)input}, out;
    wasm_trap_t *trap = wh_plugin_session_call(session, name, &in, &out);
    *code = trap ? (int)wh_trap_code(trap) : -1;
    wasm_trap_delete(trap);
    char *text = calloc(1, out.size + 1);
    if (out.size)
        memcpy(text, out.data, out.size);
    wasm_byte_vec_delete(&out);
    return text;
}

#define CHECK_SESSION(session, name, input, expected_code, expected)                                                  \
    do {                                                                                                              \
        int code_;                                                                                                    \
        char *output_ = session_call(session, name, input, &code_);                                                   \
        CHECK(code_ == (expected_code) && strcmp(output_, expected) == 0, "%s(\"%s\"): \"%s\", code %d", name, input, \
              output_, code_);                                                                                        \
        free(output_);                                                                                                \
    } while (0)

static void check_sessions(void)
{
    CHECK(wh_plugin_session_new(NULL) == NULL && wh_last_error_code() == WH_ERROR_INVALID_ARGUMENT);
    wh_plugin_config_t limited = {.fuel = 20000, .timeout_ns = 200 * 1000000};
    wh_plugin_t *plugin = load(modules_dir, "test_plugin.wasm", &limited);
    if (!plugin)
        return;
    /* the instance is kept: its global counts the calls; a trap starts a fresh one */
    wh_plugin_session_t *session = wh_plugin_session_new(plugin);
    CHECK(session != NULL);
    CHECK_SESSION(session, "count", "", -1, "1");
    CHECK_SESSION(session, "count", "", -1, "2");
    CHECK_SESSION(session, "echo", "between", -1, "between");
    CHECK_SESSION(session, "count", "", -1, "3");
    CHECK_SESSION(session, "trap", "", WH_TRAP_CODE_UNREACHABLE, "");
    CHECK_SESSION(session, "count", "", -1, "1");
    CHECK_SESSION(session, "fail", "", WH_TRAP_CODE_PLUGIN_ERROR, "");
    CHECK_SESSION(session, "count", "", -1, "1");
    CHECK_SESSION(session, "nothing", "", WH_TRAP_CODE_API, "");
    CHECK(wh_last_error_code() == WH_ERROR_NOT_FOUND, "no such export: %s", wh_last_error_message());
    CHECK_SESSION(session, "count", "", -1, "2"); /* a refused name is not a trap of the instance */
    /* fuel and the timeout are each call's: 500 calls use far more than one call's fuel */
    bool all = true;
    for (int i = 0; i < 500 && all; i++) {
        int code;
        char *output = session_call(session, "echo", "fuel", &code);
        all = code == -1 && strcmp(output, "fuel") == 0;
        free(output);
    }
    CHECK(all, "every call has its own fuel");
    CHECK_SESSION(session, "spin", "", WH_TRAP_CODE_FUEL_EXHAUSTED, "");
    CHECK_SESSION(session, "echo", "after", -1, "after");
    wh_plugin_session_delete(session);
    wh_plugin_delete(plugin);

    wh_plugin_config_t timed = {.timeout_ns = 50 * 1000000};
    plugin = load(modules_dir, "test_plugin.wasm", &timed);
    session = wh_plugin_session_new(plugin);
    CHECK_SESSION(session, "echo", "first", -1, "first");
    nanosleep(&(struct timespec){0, 80 * 1000000}, NULL); /* longer than the timeout: it counts from each call */
    CHECK_SESSION(session, "echo", "later", -1, "later");
    CHECK_SESSION(session, "spin", "", WH_TRAP_CODE_DEADLINE_EXCEEDED, "");
    wh_plugin_session_delete(session);
    wh_plugin_delete(plugin);

    /* running_mean keeps its means across the calls of a session, and its buffers go back
     * through wasmhost_free: 20,000 calls fit in the memory cap */
    wh_plugin_config_t capped = {.max_memory_bytes = 2 << 20};
    plugin = load(examples_dir, "running_mean.wasm", &capped);
    session = wh_plugin_session_new(plugin);
    CHECK_SESSION(session, "process", "a,1\n", -1, "a,1\n");
    CHECK_SESSION(session, "process", "a,3\n", -1, "a,2\n");
    all = true;
    char record[64];
    snprintf(record, sizeof record, "k,%0*d\n", 40, 5);
    for (int i = 0; i < 20000 && all; i++) {
        int code;
        char *output = session_call(session, "process", record, &code);
        all = code == -1;
        free(output);
    }
    CHECK(all, "20,000 calls in one instance under a 2 MiB cap");
    CHECK_SESSION(session, "process", "a,5\n", -1, "a,3\n");
    wh_plugin_session_delete(session);
    wh_plugin_delete(plugin);
}

/* ---- an instance pool: the plugin's instances counted against an engine's max_instances ---- */

static void check_instance_pool(void)
{
    wasm_config_t *engine_config = wasm_config_new();
    wh_config_set_max_instances(engine_config, 1);
    wasm_engine_t *pool = wasm_engine_new_with_config(engine_config);
    wh_plugin_config_t pooled = {.instance_pool = pool};
    wh_plugin_t *plugin = load(examples_dir, "upper.wasm", &pooled);
    if (!plugin) {
        wasm_engine_delete(pool);
        return;
    }
    CHECK_OUTPUT(plugin, "process", "one place", "ONE PLACE"); /* each call gives its place back */
    CHECK_OUTPUT(plugin, "process", "again", "AGAIN");
    /* A session holds the one place from its first call until it is deleted. */
    wh_plugin_session_t *session = wh_plugin_session_new(plugin);
    CHECK_SESSION(session, "process", "held", -1, "HELD");
    wh_clear_error();
    CHECK_TRAP(plugin, "process", "refused", WH_TRAP_CODE_CAPACITY,
               "wh_plugin_call: the engine has its limit of 1 instance alive");
    CHECK(wh_last_error_code() == WH_ERROR_CAPACITY, "last error %d: %s", (int)wh_last_error_code(),
          wh_last_error_message());
    wh_plugin_session_t *second = wh_plugin_session_new(plugin); /* made, but cannot instantiate */
    CHECK_SESSION(second, "process", "refused", WH_TRAP_CODE_CAPACITY, "");
    wh_plugin_session_delete(session);
    CHECK_OUTPUT(plugin, "process", "free again", "FREE AGAIN");
    CHECK_SESSION(second, "process", "now", -1, "NOW"); /* it tries again, and gets the place */
    CHECK_TRAP(plugin, "process", "refused", WH_TRAP_CODE_CAPACITY, "limit of 1 instance alive");
    wh_plugin_session_delete(second);
    /* The pool's own stores count in the same place: an instance of an empty module there. */
    wasm_store_t *store = wasm_store_new(pool);
    wasm_byte_vec_t empty = {8, (wasm_byte_t *)"\0asm\1\0\0\0"};
    wasm_module_t *module = wasm_module_new(store, &empty);
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    wasm_instance_t *instance = module ? wasm_instance_new(store, module, &none, NULL) : NULL;
    CHECK(instance, "an empty module in the pool's store: %s", wh_last_error_message());
    CHECK_TRAP(plugin, "process", "refused", WH_TRAP_CODE_CAPACITY, "limit of 1 instance alive");
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    CHECK_OUTPUT(plugin, "process", "last", "LAST");
    wh_plugin_delete(plugin);
    wasm_engine_delete(pool);
}

/* ---- modules that are not plugins, and configurations that cannot be ---- */

#define CHECK_REFUSED(name, config, code, fragment) check_refused(name, config, code, fragment, __LINE__)

static void check_refused(const char *name, const wh_plugin_config_t *config, wh_error_code_t code,
                          const char *fragment, int line)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", modules_dir, name);
    wh_plugin_t *plugin = wh_plugin_load(path, config);
    CHECK(!plugin && wh_last_error_code() == code && strstr(wh_last_error_message(), fragment) &&
              strncmp(wh_last_error_message(), "wh_plugin_load: ", 16) == 0 && strstr(wh_last_error_message(), path),
          "line %d: %s: expected error %d with \"%s\", got %d: %s", line, name, (int)code, fragment,
          (int)wh_last_error_code(), wh_last_error_message());
    wh_plugin_delete(plugin);
}

static void check_refusals(void)
{
    CHECK_REFUSED("no_alloc.wasm", NULL, WH_ERROR_CONVENTION,
                  "the module is not a plugin: it exports no function \"wasmhost_alloc\" func [i32] -> [i32]");
    CHECK_REFUSED("alloc_wrong_type.wasm", NULL, WH_ERROR_CONVENTION,
                  "its export \"wasmhost_alloc\" is func [i32 i32] -> [i32]; the convention needs func [i32] -> [i32]");
    CHECK_REFUSED("no_memory.wasm", NULL, WH_ERROR_CONVENTION, "it exports no memory named \"memory\"");
    CHECK_REFUSED("no_plugin_export.wasm", NULL, WH_ERROR_CONVENTION,
                  "none of its exports has the plugin shape func [i32 i32] -> [i64]");
    CHECK_REFUSED("foreign_import.wasm", NULL, WH_ERROR_CONVENTION,
                  "import 0 \"env\".\"lookup\" (func [i32] -> [i32]) is neither a WASI function");
    CHECK_REFUSED("log_wrong_type.wasm", NULL, WH_ERROR_CONVENTION,
                  "import 0 \"wasmhost_plugin\".\"log\" is func [i32] -> []; the host's is func [i32 i32] -> []");
    CHECK_REFUSED("unknown_wasi.wasm", NULL, WH_ERROR_LINK, "import 0: ");
    CHECK_REFUSED("unknown_wasi.wasm", NULL, WH_ERROR_LINK, "fd_teleport");
    wh_plugin_config_t small = {.max_memory_bytes = 1 << 20};
    CHECK_REFUSED("big_memory.wasm", &small, WH_ERROR_LIMIT,
                  "the plugin's memory needs 4194304 bytes to start, over its memory cap of 1048576");
    wh_plugin_t *fits = load(modules_dir, "big_memory.wasm", NULL);
    wh_plugin_delete(fits);
    CHECK_REFUSED("no-such-plugin.wasm", NULL, WH_ERROR_NOT_FOUND, "cannot open: No such file or directory");

    /* Configurations. */
    wh_plugin_config_t tiny_stack = {.max_stack_bytes = 100};
    CHECK_REFUSED("test_plugin.wasm", &tiny_stack, WH_ERROR_LIMIT, "a stack of 100 bytes is out of range");
    const char *names[] = {"A=B"}, *values[] = {"c"};
    wh_plugin_config_t bad_env = {.env_names = names, .env_values = values, .env_count = 1};
    CHECK_REFUSED("test_plugin.wasm", &bad_env, WH_ERROR_INVALID_ARGUMENT, "the name is not a variable name");

    /* From bytes, and with NULL. */
    wasm_byte_vec_t garbage = {4, "\0asX"};
    CHECK(!wh_plugin_new(&garbage, NULL) && wh_last_error_code() == WH_ERROR_MALFORMED &&
          strncmp(wh_last_error_message(), "wh_plugin_new: ", 15) == 0);
    CHECK(!wh_plugin_new(NULL, NULL) && wh_last_error_code() == WH_ERROR_INVALID_ARGUMENT);
    CHECK(!wh_plugin_load(NULL, NULL) && wh_last_error_code() == WH_ERROR_INVALID_ARGUMENT);
    wh_plugin_delete(NULL);
}

/* ---- exports and traps ---- */

static void check_exports_and_traps(void)
{
    wh_plugin_t *plugin = load(modules_dir, "test_plugin.wasm", NULL);
    if (!plugin)
        return;
    static const char *const expected[] = {
        "echo", "count",        "log",    "log_outside", "fail", "trap", "pointer_outside", "length_past_end",
        "spin", "grow_forever", "recurse"};
    size_t count = sizeof expected / sizeof expected[0];
    CHECK(wh_plugin_export_count(plugin) == count, "%zu exports", wh_plugin_export_count(plugin));
    for (size_t i = 0; i < count; i++)
        CHECK(wh_plugin_export_name(plugin, i) && strcmp(wh_plugin_export_name(plugin, i), expected[i]) == 0);
    CHECK(wh_plugin_has_export(plugin, "echo") && !wh_plugin_has_export(plugin, "helper") &&
          !wh_plugin_has_export(plugin, "wasmhost_alloc") && !wh_plugin_has_export(plugin, "memory") &&
          !wh_plugin_has_export(plugin, NULL) && !wh_plugin_has_export(NULL, "echo"));

    CHECK_OUTPUT(plugin, "echo", "bytes in, bytes out", "bytes in, bytes out");
    CHECK_OUTPUT(plugin, "echo", "", "");
    CHECK_TRAP(plugin, "helper", "x", WH_TRAP_CODE_API, "the plugin has no export \"helper\" of the plugin shape");
    wasm_trap_t *trap;
    free(call(plugin, "nope", "x", 1, &trap));
    CHECK(trap && wh_trap_code(trap) == WH_TRAP_CODE_API && wh_last_error_code() == WH_ERROR_NOT_FOUND &&
          strstr(wh_last_error_message(), "it has \"echo\", \"count\""));
    wasm_trap_delete(trap);
    wasm_byte_vec_t output;
    trap = wh_plugin_call(plugin, NULL, NULL, &output);
    CHECK(trap && wh_trap_code(trap) == WH_TRAP_CODE_API && output.size == 0);
    wasm_trap_delete(trap);
    trap = wh_plugin_call(NULL, "echo", NULL, &output);
    CHECK(trap && wh_trap_code(trap) == WH_TRAP_CODE_API);
    wasm_trap_delete(trap);

    CHECK_TRAP(plugin, "trap", "x", WH_TRAP_CODE_UNREACHABLE, "unreachable");
    CHECK_TRAP(plugin, "fail", "x", WH_TRAP_CODE_PLUGIN_ERROR, "plugin error: hello from the plugin");
    CHECK_TRAP(plugin, "pointer_outside", "x", WH_TRAP_CODE_API,
               "\"pointer_outside\" returned an output pointer 131072, outside memory (65536 bytes)");
    CHECK_TRAP(plugin, "length_past_end", "x", WH_TRAP_CODE_API,
               "\"length_past_end\" returned an output of 100 bytes at 65530, which runs 94 bytes past the end of "
               "memory (65536 bytes)");
    CHECK_TRAP(plugin, "log_outside", "", WH_TRAP_CODE_API,
               "wasmhost_plugin.log(65530, 100): the text is not inside memory (65536 bytes)");
    /* After all that, a call works as ever. */
    CHECK_OUTPUT(plugin, "echo", "still here", "still here");

    /* A trap outlives its plugin: its backtrace names the module's functions. */
    free(call(plugin, "trap", "", 0, &trap));
    wh_plugin_delete(plugin);
    wasm_byte_vec_t text = WASM_EMPTY_VEC;
    wh_trap_format(trap, &text);
    CHECK(text.size && strstr(text.data, "trap: unreachable\n  at trap"), "%.*s", (int)text.size,
          text.size ? text.data : "");
    wasm_byte_vec_delete(&text);
    wasm_trap_delete(trap);

    wh_plugin_t *stingy = load(modules_dir, "alloc_fails.wasm", NULL);
    CHECK_TRAP(stingy, "process", "abc", WH_TRAP_CODE_API,
               "wasmhost_alloc(3) returned 0, which is not a buffer of that size in memory");
    CHECK_OUTPUT(stingy, "process", "", ""); /* no input, no buffer asked for */
    wh_plugin_delete(stingy);
    wh_plugin_t *early = load(modules_dir, "start_log.wasm", NULL);
    CHECK_TRAP(early, "process", "", WH_TRAP_CODE_API, "wasmhost_plugin.log was called by the start function");
    wh_plugin_delete(early);
}

/* ---- limits ---- */

static void check_limits(void)
{
    wh_plugin_config_t capped = {.max_memory_bytes = 1 << 20};
    wh_plugin_t *plugin = load(modules_dir, "test_plugin.wasm", &capped);
    CHECK_TRAP(plugin, "grow_forever", "", WH_TRAP_CODE_UNREACHABLE,
               "unreachable (after the plugin reached its memory cap of 1048576 bytes)");
    CHECK_OUTPUT(plugin, "echo", "fresh memory", "fresh memory");
    wh_plugin_delete(plugin);

    wh_plugin_config_t timed = {.timeout_ns = 50 * 1000000};
    plugin = load(modules_dir, "test_plugin.wasm", &timed);
    CHECK_TRAP(plugin, "spin", "", WH_TRAP_CODE_DEADLINE_EXCEEDED, "deadline exceeded");
    CHECK_OUTPUT(plugin, "echo", "on time", "on time"); /* each call has its own deadline */
    wh_plugin_delete(plugin);

    wh_plugin_config_t fueled = {.fuel = 10000};
    plugin = load(modules_dir, "test_plugin.wasm", &fueled);
    CHECK_TRAP(plugin, "spin", "", WH_TRAP_CODE_FUEL_EXHAUSTED, "fuel exhausted");
    CHECK_OUTPUT(plugin, "echo", "enough fuel", "enough fuel"); /* and its own fuel */
    wh_plugin_delete(plugin);

    /* The example plugins under every limit at once, with room to spare. */
    wh_plugin_config_t all = {.max_memory_bytes = 4 << 20,
                              .max_table_elements = 100,
                              .max_stack_bytes = 256 << 10,
                              .fuel = 1000000,
                              .timeout_ns = 10ull * 1000000000};
    plugin = load(examples_dir, "csv2json.wasm", &all);
    CHECK_OUTPUT(plugin, "process", "a\n1\n", "[{\"a\":\"1\"}]\n");
    wh_plugin_delete(plugin);
}

/* ---- one fresh instance per call, from any number of threads ---- */

static void *count_calls(void *plugin)
{
    for (int i = 0; i < 200; i++)
        CHECK_OUTPUT(plugin, "count", "", "1");
    return NULL;
}

static void check_isolation(void)
{
    wh_plugin_t *plugin = load(modules_dir, "test_plugin.wasm", NULL);
    if (!plugin)
        return;
    for (int i = 0; i < 3; i++)
        CHECK_OUTPUT(plugin, "count", "", "1");
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        CHECK(pthread_create(&threads[i], NULL, count_calls, plugin) == 0);
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    wh_plugin_delete(plugin);
}

/* ---- logs and WASI ---- */

static void check_logs(void)
{
    log_record log = {0};
    wh_plugin_config_t config = {.log = record_line, .log_user = &log};
    wh_plugin_t *plugin = load(modules_dir, "test_plugin.wasm", &config);
    CHECK_OUTPUT(plugin, "log", "and the input", "");
    CHECK(log.count == 2 && strcmp(log.lines[0], "hello from the plugin") == 0 &&
          strcmp(log.lines[1], "and the input") == 0);
    wh_plugin_delete(plugin);
    /* Without a callback, the lines go nowhere. */
    plugin = load(modules_dir, "test_plugin.wasm", NULL);
    CHECK_OUTPUT(plugin, "log", "nobody reads this", "");
    wh_plugin_delete(plugin);
}

static void check_wasi(void)
{
    log_record log = {0};
    const char *names[] = {"GREETING", "EMPTY"}, *values[] = {"hello, plugin", ""};
    wh_plugin_config_t config = {
        .env_names = names, .env_values = values, .env_count = 2, .log = record_line, .log_user = &log};
    wh_plugin_t *plugin = load(modules_dir, "wasi_plugin.wasm", &config);
    if (!plugin)
        return;
    CHECK_OUTPUT(plugin, "environment", "GREETING", "hello, plugin");
    CHECK_OUTPUT(plugin, "environment", "EMPTY", "");
    /* Nothing of the host's own environment. */
    CHECK_TRAP(plugin, "environment", "PATH", WH_TRAP_CODE_PLUGIN_ERROR, "plugin error: the variable is not set");
    CHECK_OUTPUT(plugin, "stderr_lines", "one\ntwo\n", "");
    CHECK(log.count == 2 && strcmp(log.lines[0], "one") == 0 && strcmp(log.lines[1], "two") == 0, "%d lines",
          log.count);
    wasm_trap_t *trap;
    free(call(plugin, "exit", "", 0, &trap));
    int exit_code = 0;
    CHECK(trap && wh_trap_code(trap) == WH_TRAP_CODE_EXIT && wh_trap_exit_code(trap, &exit_code) && exit_code == 3);
    wasm_trap_delete(trap);
    CHECK_TRAP(plugin, "give_up", "", WH_TRAP_CODE_PLUGIN_ERROR, "plugin error: give_up returned 7");
    wh_plugin_delete(plugin);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: plugin_test EXAMPLES_DIR MODULES_DIR\n");
        return 2;
    }
    examples_dir = argv[1];
    modules_dir = argv[2];
    check_upper("upper.wasm");
    check_upper("upper_freestanding.wasm");
    check_wordcount();
    check_csv2json();
    check_redact();
    check_running_mean();
    check_running_mean_stream(examples_dir, "running_mean.wasm");
    check_running_mean_stream(modules_dir, "running_mean_freestanding.wasm");
    check_refusals();
    check_exports_and_traps();
    check_limits();
    check_sessions();
    check_instance_pool();
    check_isolation();
    check_logs();
    check_wasi();
    return checks_done("plugin_test");
}
