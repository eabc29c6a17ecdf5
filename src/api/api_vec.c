/* api_vec.c: the wasm_*_vec_t functions of every vector type (new_empty, new_uninitialized, new, copy, delete). */
#include "api_internal.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Zeroed storage for `size` elements: pointer vectors start out as NULLs, so deleting a vector
 * that was never filled is safe. Size 0 gives data NULL. */
static void *allocate_elements(size_t size, size_t element_size, const char *where)
{
    if (size == 0)
        return NULL;
    /* No object may be larger than PTRDIFF_MAX bytes: refuse before asking the allocator. */
    if (size > PTRDIFF_MAX / element_size) {
        api_fail(WH_ERROR_RESOURCE, "%s: a vector of %zu elements is too large", where, size);
        return NULL;
    }
    void *data = calloc(size, element_size);
    if (!data)
        api_fail(WH_ERROR_RESOURCE, "%s: out of memory allocating a vector of %zu elements", where, size);
    return data;
}

/* The five functions of one vector type. `element_in` is how vec_new takes its elements;
 * copy_element and delete_element copy and delete one element in place. */
#define API_VEC(name, element_in, copy_element, delete_element)                                         \
    void wasm_##name##_vec_new_empty(wasm_##name##_vec_t *out)                                          \
    {                                                                                                   \
        if (!out)                                                                                       \
            return;                                                                                     \
        out->size = 0;                                                                                  \
        out->data = NULL;                                                                               \
    }                                                                                                   \
    void wasm_##name##_vec_new_uninitialized(wasm_##name##_vec_t *out, size_t size)                     \
    {                                                                                                   \
        if (!out)                                                                                       \
            return;                                                                                     \
        out->data = allocate_elements(size, sizeof *out->data, "wasm_" #name "_vec_new_uninitialized"); \
        out->size = out->data ? size : 0;                                                               \
    }                                                                                                   \
    void wasm_##name##_vec_new(wasm_##name##_vec_t *out, size_t size, element_in data[])                \
    {                                                                                                   \
        if (!out)                                                                                       \
            return;                                                                                     \
        out->data = allocate_elements(size, sizeof *out->data, "wasm_" #name "_vec_new");               \
        out->size = out->data ? size : 0;                                                               \
        if (out->size && data)                                                                          \
            memcpy(out->data, data, size * sizeof *out->data);                                          \
    }                                                                                                   \
    void wasm_##name##_vec_copy(wasm_##name##_vec_t *out, const wasm_##name##_vec_t *in)                \
    {                                                                                                   \
        if (!out)                                                                                       \
            return;                                                                                     \
        size_t size = in && in->data ? in->size : 0;                                                    \
        out->data = allocate_elements(size, sizeof *out->data, "wasm_" #name "_vec_copy");              \
        out->size = out->data ? size : 0;                                                               \
        for (size_t i = 0; i < out->size; i++)                                                          \
            copy_element(&out->data[i], &in->data[i]);                                                  \
    }                                                                                                   \
    void wasm_##name##_vec_delete(wasm_##name##_vec_t *vec)                                             \
    {                                                                                                   \
        if (!vec)                                                                                       \
            return;                                                                                     \
        if (vec->data)                                                                                  \
            for (size_t i = 0; i < vec->size; i++)                                                      \
                delete_element(&vec->data[i]);                                                          \
        free(vec->data);                                                                                \
        vec->size = 0;                                                                                  \
        vec->data = NULL;                                                                               \
    }

/* Vectors of owned pointers: copying copies every element, deleting deletes every element. */
#define API_POINTER_VEC(name)                                                                          \
    static void copy_##name##_element(wasm_##name##_t **out, wasm_##name##_t *const *in)               \
    {                                                                                                  \
        *out = *in ? wasm_##name##_copy(*in) : NULL;                                                   \
    }                                                                                                  \
    static void delete_##name##_element(wasm_##name##_t **element) { wasm_##name##_delete(*element); } \
    API_VEC(name, wasm_##name##_t *const, copy_##name##_element, delete_##name##_element)

API_POINTER_VEC(valtype)
API_POINTER_VEC(functype)
API_POINTER_VEC(globaltype)
API_POINTER_VEC(tabletype)
API_POINTER_VEC(memorytype)
API_POINTER_VEC(tagtype)
API_POINTER_VEC(externtype)
API_POINTER_VEC(importtype)
API_POINTER_VEC(exporttype)
API_POINTER_VEC(frame)
API_POINTER_VEC(extern)

/* Vectors of plain elements: bytes are copied as they are; values copy and delete the
 * references they hold. */
static void copy_byte(wasm_byte_t *out, const wasm_byte_t *in) { *out = *in; }
static void delete_byte(wasm_byte_t *byte) { (void)byte; }

API_VEC(byte, const wasm_byte_t, copy_byte, delete_byte)
API_VEC(val, const wasm_val_t, wasm_val_copy, wasm_val_delete)
