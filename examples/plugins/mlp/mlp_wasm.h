/* mlp_wasm.h: mlp.wasm compiled through wasm.h, for the test and the benchmark that run it beside the native model. */
#ifndef MLP_WASM_H
#define MLP_WASM_H

#include <stdio.h>

#include "wasm.h"
#include "wasmhost.h"

/* The module in the file `path`, compiled for `store`; NULL after printing "WHO: PATH: why". */
static inline wasm_module_t *mlp_wasm_load(wasm_store_t *store, const char *path, const char *who)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        fprintf(stderr, "%s: ", who);
        perror(path);
        return NULL;
    }
    wasm_byte_vec_t binary;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    wasm_byte_vec_new_uninitialized(&binary, size > 0 ? (size_t)size : 0);
    size_t read = size > 0 ? fread(binary.data, 1, (size_t)size, file) : 0;
    fclose(file);
    wasm_module_t *module = size > 0 && read == (size_t)size ? wasm_module_new(store, &binary) : NULL;
    wasm_byte_vec_delete(&binary);
    if (!module)
        fprintf(stderr, "%s: %s: %s\n", who, path,
                size > 0 && read == (size_t)size ? wh_last_error_message() : "cannot read");
    return module;
}

#endif
