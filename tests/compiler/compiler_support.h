/* compiler_support.h: what the compiling tier's C tests share (reading a module file into a byte vector). */
#ifndef WASMHOST_TESTS_COMPILER_SUPPORT_H
#define WASMHOST_TESTS_COMPILER_SUPPORT_H

#include <stdio.h>
#include <wasm.h>

#include "check.h"

/* The bytes of the file at `path` (an empty vector, and a failed check, when it cannot be read). */
static inline wasm_byte_vec_t read_file(const char *path)
{
    wasm_byte_vec_t bytes = {0, NULL};
    FILE *file = fopen(path, "rb");
    CHECK(file != NULL, "%s", path);
    if (!file)
        return bytes;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    wasm_byte_vec_new_uninitialized(&bytes, (size_t)size);
    CHECK(fread(bytes.data, 1, (size_t)size, file) == (size_t)size);
    fclose(file);
    return bytes;
}

#endif
