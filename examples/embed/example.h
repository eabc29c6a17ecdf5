/* example.h: what every examples/embed program shares: loading a .wasm file, and checks that count failures. */
#ifndef EXAMPLE_H
#define EXAMPLE_H

#include <stdio.h>
#include <stdlib.h>

#include "wasm.h"
#include "wasmhost.h"

static int example_failures;

/* Reports a failed expectation (with wasmhost's last error, which often says why) and goes on. */
#define CHECK(condition)                                                  \
    do {                                                                  \
        if (!(condition)) {                                               \
            printf("FAILED %s:%d: %s\n", __FILE__, __LINE__, #condition); \
            if (wh_last_error_code() != WH_OK)                            \
                printf("  last error: %s\n", wh_last_error_message());    \
            example_failures++;                                           \
        }                                                                 \
    } while (0)

/* Reads a whole file into an owned byte vector; exits when it cannot. */
static inline void load_file(const char *path, wasm_byte_vec_t *out)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        printf("cannot open %s\n", path);
        exit(2);
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    wasm_byte_vec_new_uninitialized(out, (size_t)size);
    if (size > 0 && fread(out->data, (size_t)size, 1, file) != 1) {
        printf("cannot read %s\n", path);
        exit(2);
    }
    fclose(file);
}

/* Compiles the module in `path`; exits when it cannot. */
static inline wasm_module_t *load_module(wasm_store_t *store, const char *path)
{
    wasm_byte_vec_t binary;
    load_file(path, &binary);
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    if (!module) {
        printf("cannot compile %s: %s\n", path, wh_last_error_message());
        exit(2);
    }
    return module;
}

/* The trap's message (without its NUL) printed after `label`; then the trap is deleted. */
static inline void print_trap(const char *label, wasm_trap_t *trap)
{
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    printf("%s: %s\n", label, message.size ? message.data : "");
    wasm_byte_vec_delete(&message);
    wasm_trap_delete(trap);
}

/* The exit status: 0 when every check passed. */
static inline int example_finish(const char *name)
{
    if (example_failures) {
        printf("%s: %d check%s failed\n", name, example_failures, example_failures == 1 ? "" : "s");
        return 1;
    }
    printf("ok: %s\n", name);
    return 0;
}

#endif
