/* module_builder.h: writing small WebAssembly binaries in C (sections, LEB128), for tests and benchmarks that generate modules too large or too many to write as WAT. */
#ifndef WH_TESTS_MODULE_BUILDER_H
#define WH_TESTS_MODULE_BUILDER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct module_bytes {
    uint8_t *data;
    size_t size, capacity;
} module_bytes;

static inline void module_put(module_bytes *b, const void *data, size_t size)
{
    if (b->size + size > b->capacity) {
        b->capacity = (b->size + size) * 2;
        b->data = realloc(b->data, b->capacity);
        if (!b->data) {
            fprintf(stderr, "module_builder: out of memory\n");
            exit(1);
        }
    }
    memcpy(b->data + b->size, data, size);
    b->size += size;
}

static inline void module_put_byte(module_bytes *b, uint8_t byte) { module_put(b, &byte, 1); }

static inline void module_put_leb(module_bytes *b, uint64_t value)
{
    do {
        uint8_t byte = value & 0x7f;
        value >>= 7;
        module_put_byte(b, byte | (value ? 0x80 : 0));
    } while (value);
}

/* Appends section `id` with `body` as its contents, and empties `body` for the next one. */
static inline void module_put_section(module_bytes *module, uint8_t id, module_bytes *body)
{
    module_put_byte(module, id);
    module_put_leb(module, body->size);
    module_put(module, body->data, body->size);
    body->size = 0;
}

#endif
