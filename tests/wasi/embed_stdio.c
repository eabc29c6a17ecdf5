/* embed_stdio.c: WASI stdio for embedders: memory buffers, callbacks, the default (empty stdin,
 * discarded output) and the cap on output, driven through the C interface in src/wasi/wasi.h. */
#include "check.h" /* tests/check.h */
#include "wasi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail_on_error(eng_error *error)
{
    if (error) {
        fprintf(stderr, "error: %s\n", error->message);
        eng_error_free(error);
        exit(2);
    }
}

/* Instantiates the guest with `wasi` and runs _start; returns the exit code (-1 for a trap). */
static int run_guest(const eng_module *module, wasi_context *wasi)
{
    eng_store *store = eng_store_new();
    eng_extern *imports = calloc(module->import_count + 1, sizeof *imports);
    for (uint32_t i = 0; i < module->import_count; i++) {
        CHECK(wasi_is_import(&module->imports[i]));
        fail_on_error(wasi_import(wasi, store, module, i, &imports[i]));
    }
    eng_instance *instance;
    eng_trap *trap = NULL;
    fail_on_error(eng_instance_new(store, (eng_module *)module, imports, module->import_count, &instance, &trap));
    CHECK(trap == NULL);
    fail_on_error(wasi_bind(wasi, instance));
    eng_extern start;
    CHECK(eng_instance_export(instance, "_start", 6, &start) && start.kind == ENG_EXTERN_FUNC);
    eng_slot slot;
    trap = eng_func_call(store, start.func, &slot);
    int code = 0;
    if (trap) {
        code = trap->kind == ENG_TRAP_EXIT ? trap->exit_code : -1;
        if (trap->kind != ENG_TRAP_EXIT)
            eng_trap_print(trap, stderr);
        eng_trap_free(trap);
    }
    eng_store_free(store);
    free(imports);
    return code;
}

static wasi_context *context(const char *arg1, const char *arg2)
{
    wasi_context *wasi = wasi_new();
    const char *argv[] = {"echo_guest", arg1, arg2};
    int argc = arg1 ? (arg2 ? 3 : 2) : 1;
    fail_on_error(wasi_set_args(wasi, argc, argv));
    return wasi;
}

static bool output_is(const wasi_context *wasi, int fd, const char *expected)
{
    size_t size;
    const uint8_t *data = wasi_output(wasi, fd, &size);
    if (size != strlen(expected) || (size && memcmp(data, expected, size) != 0)) {
        fprintf(stderr, "fd %d holds %zu bytes: '%.*s', expected '%s'\n", fd, size, (int)size,
                data ? (const char *)data : "", expected);
        return false;
    }
    return true;
}

/* Callbacks: stdin in chunks of 3 bytes, output collected into a string. */
typedef struct feed {
    const char *text;
    size_t position;
    char collected[256];
    size_t collected_size;
    int calls;
} feed;

static ptrdiff_t feed_read(void *user, uint8_t *buffer, size_t size)
{
    feed *f = user;
    size_t left = strlen(f->text) - f->position;
    size_t n = left < 3 ? left : 3;
    if (n > size)
        n = size;
    memcpy(buffer, f->text + f->position, n);
    f->position += n;
    return (ptrdiff_t)n;
}

static ptrdiff_t collect_write(void *user, int fd, const uint8_t *data, size_t size)
{
    feed *f = user;
    f->calls++;
    if (fd != 1 || f->collected_size + size >= sizeof f->collected)
        return -1;
    memcpy(f->collected + f->collected_size, data, size);
    f->collected_size += size;
    return (ptrdiff_t)size;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: embed_stdio echo_guest.wasm\n");
        return 2;
    }
    FILE *file = fopen(argv[1], "rb");
    if (!file) {
        perror(argv[1]);
        return 2;
    }
    static uint8_t bytes[1 << 20];
    size_t size = fread(bytes, 1, sizeof bytes, file);
    fclose(file);
    eng_module *module;
    fail_on_error(eng_module_load(bytes, size, &module));

    /* 1. Buffers. */
    wasi_context *wasi = context(NULL, NULL);
    const char *input = "hello from a buffer\n";
    fail_on_error(wasi_stdin_buffer(wasi, input, strlen(input)));
    fail_on_error(wasi_output_buffer(wasi, 1));
    fail_on_error(wasi_output_buffer(wasi, 2));
    CHECK(run_guest(module, wasi) == 0);
    CHECK(output_is(wasi, 1, input));
    CHECK(output_is(wasi, 2, "to stderr\n"));
    wasi_free(wasi);

    /* 2. Callbacks, and the exit code through proc_exit. */
    wasi = context("x", "y");
    feed f = {"abcdefghij-callbacks\n", 0, "", 0, 0};
    fail_on_error(wasi_stdin_callback(wasi, feed_read, &f));
    fail_on_error(wasi_output_callback(wasi, 1, collect_write, &f));
    fail_on_error(wasi_output_buffer(wasi, 2));
    CHECK(run_guest(module, wasi) == 3);
    uint32_t code;
    CHECK(wasi_exited(wasi, &code) && code == 3);
    CHECK(f.collected_size == strlen(f.text) && memcmp(f.collected, f.text, f.collected_size) == 0);
    CHECK(f.calls >= 7); /* one per 3-byte chunk */
    CHECK(output_is(wasi, 2, "to stderr\n"));
    size_t none;
    CHECK(wasi_output(wasi, 1, &none) == NULL && none == 0);
    wasi_free(wasi);

    /* 3. The output cap: 4096 of 100,000 bytes get through, then ENOSPC (51). */
    wasi = context("flood", NULL);
    fail_on_error(wasi_output_buffer(wasi, 1));
    fail_on_error(wasi_output_buffer(wasi, 2));
    fail_on_error(wasi_output_limit(wasi, 1, 4096));
    CHECK(run_guest(module, wasi) == 0);
    size_t out_size;
    wasi_output(wasi, 1, &out_size);
    CHECK(out_size == 4096);
    CHECK(output_is(wasi, 2, "to stderr\nflood 4096 51\n"));
    wasi_free(wasi);

    /* 4. Nothing configured: stdin is empty, output goes nowhere, and there is no cap. */
    wasi = context("flood", NULL);
    CHECK(run_guest(module, wasi) == 0);
    CHECK(wasi_output(wasi, 1, &none) == NULL);
    wasi_free(wasi);

    /* 5. A cap on stderr with a callback on stdout that stops taking data. */
    wasi = context("flood", NULL);
    feed g = {"", 0, "", 0, 0};
    fail_on_error(wasi_output_callback(wasi, 1, collect_write, &g));
    fail_on_error(wasi_output_buffer(wasi, 2));
    fail_on_error(wasi_output_limit(wasi, 2, 12));
    CHECK(run_guest(module, wasi) == 0);
    CHECK(output_is(wasi, 2, "to stderr\nfl"));
    CHECK(g.collected_size == 0); /* 1000-byte blocks never fit its 256-byte store: EIO */
    wasi_free(wasi);

    /* 6. An empty iovec first, into a buffer that holds nothing yet (found by fuzz_wasi: pointer
     * arithmetic and memcpy on the buffer's NULL data, reported by UBSan). */
    wasi = context("zero_iovec", NULL);
    fail_on_error(wasi_output_buffer(wasi, 1));
    CHECK(run_guest(module, wasi) == 0);
    CHECK(output_is(wasi, 1, "after an empty iovec\n"));
    wasi_free(wasi);

    /* 7. Bad settings are errors, not crashes. */
    wasi = wasi_new();
    eng_error *error = wasi_output_buffer(wasi, 0);
    CHECK(error != NULL);
    eng_error_free(error);
    error = wasi_stdio_inherit(wasi, 3);
    CHECK(error != NULL);
    eng_error_free(error);
    error = wasi_add_env(wasi, "A=B", "c");
    CHECK(error != NULL);
    eng_error_free(error);
    error = wasi_preopen_dir(wasi, "/nonexistent/wasmhost/dir", "/x", false);
    CHECK(error != NULL && strstr(error->message, "/nonexistent/wasmhost/dir"));
    eng_error_free(error);
    wasi_free(wasi);

    eng_module_release(module);
    return checks_done("embed_stdio");
}
