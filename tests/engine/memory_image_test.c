/* memory_image_test.c: copy-on-write memory images (src/engine/memory_image.h) seen from the public API: contents, isolation between instances, reuse across modules, imported memories, traps. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "module_builder.h"
#include "wasm.h"
#include "wasmhost.h"

#define PAGE 65536u
#define BIG 40000u /* bytes in the first segment: above ENG_MEMORY_IMAGE_MIN_BYTES */

/* A byte of module `seed`'s first segment, never zero. */
static uint8_t pattern(unsigned seed, size_t i) { return (uint8_t)((i * 2654435761u + seed * 97u) >> 24) | 1; }

typedef struct module_spec {
    unsigned seed;
    bool import_memory;     /* memory 0 is imported as "env" "memory" instead of defined (2 pages) */
    uint32_t second_offset; /* a second segment of 100 bytes 0xAB there, overlapping the first (0: none) */
    uint32_t first_offset;  /* of the first segment (BIG bytes) */
} module_spec;

/* Exports: "memory" (when defined), "scribble" (fills all of memory with 0xFF), "grow" (memory.grow 1). */
static module_bytes build(const module_spec *spec)
{
    module_bytes m = {0}, body = {0};
    module_put(&m, "\0asm\1\0\0\0", 8);
    module_put(&body, (const uint8_t[]){2, 0x60, 0, 0, 0x60, 0, 1, 0x7f}, 8); /* [] -> [], [] -> [i32] */
    module_put_section(&m, 1, &body);
    if (spec->import_memory) {
        module_put(&body, (const uint8_t[]){1, 3, 'e', 'n', 'v', 6, 'm', 'e', 'm', 'o', 'r', 'y', 2, 0, 2}, 15);
        module_put_section(&m, 2, &body);
    }
    module_put(&body, (const uint8_t[]){2, 0, 1}, 3); /* scribble: type 0, grow: type 1 */
    module_put_section(&m, 3, &body);
    if (!spec->import_memory) {
        module_put(&body, (const uint8_t[]){1, 0, 2}, 3); /* one memory of 2 pages */
        module_put_section(&m, 5, &body);
    }
    module_put(&body, (const uint8_t[]){spec->import_memory ? 2 : 3}, 1);
    module_put(&body, (const uint8_t[]){8, 's', 'c', 'r', 'i', 'b', 'b', 'l', 'e', 0, 0}, 11);
    module_put(&body, (const uint8_t[]){4, 'g', 'r', 'o', 'w', 0, 1}, 7);
    if (!spec->import_memory)
        module_put(&body, (const uint8_t[]){6, 'm', 'e', 'm', 'o', 'r', 'y', 2, 0}, 9);
    module_put_section(&m, 7, &body);
    /* memory.fill(0, 0xFF, memory.size * 65536); memory.grow(1) */
    static const uint8_t scribble[] = {0,    0x41, 0, 0x41, 0xff, 1,    0x3f, 0,   0x41,
                                       0x80, 0x80, 4, 0x6c, 0xfc, 0x0b, 0,    0x0b};
    static const uint8_t grow[] = {0, 0x41, 1, 0x40, 0, 0x0b};
    module_put(&body, (const uint8_t[]){2, sizeof scribble}, 2);
    module_put(&body, scribble, sizeof scribble);
    module_put_byte(&body, sizeof grow);
    module_put(&body, grow, sizeof grow);
    module_put_section(&m, 10, &body);
    module_put_byte(&body, spec->second_offset ? 2 : 1);
    module_put(&body, (const uint8_t[]){0, 0x41}, 2);
    /* i32.const takes a signed LEB128: the unsigned form is the same when its last byte has bit 6
     * clear, as for every offset used here. */
    module_put_leb(&body, spec->first_offset);
    module_put_byte(&body, 0x0b);
    module_put_leb(&body, BIG);
    for (size_t i = 0; i < BIG; i++)
        module_put_byte(&body, pattern(spec->seed, i));
    if (spec->second_offset) {
        module_put(&body, (const uint8_t[]){0, 0x41}, 2);
        module_put_leb(&body, spec->second_offset);
        module_put(&body, (const uint8_t[]){0x0b, 100}, 2);
        for (int i = 0; i < 100; i++)
            module_put_byte(&body, 0xab);
    }
    module_put_section(&m, 11, &body);
    free(body.data);
    return m;
}

/* What memory byte `i` must hold after instantiation. */
static uint8_t expected(const module_spec *spec, size_t i)
{
    if (spec->second_offset && i >= spec->second_offset && i < spec->second_offset + 100u)
        return 0xab;
    if (i >= spec->first_offset && i < spec->first_offset + BIG)
        return pattern(spec->seed, i - spec->first_offset);
    return 0;
}

/* The index of the first byte of `memory` that differs from what `spec` says, or -1. */
static long first_difference(const module_spec *spec, const wasm_memory_t *memory)
{
    const uint8_t *data = (const uint8_t *)wasm_memory_data((wasm_memory_t *)memory);
    size_t size = wasm_memory_data_size(memory);
    for (size_t i = 0; i < size; i++)
        if (data[i] != expected(spec, i))
            return (long)i;
    return -1;
}

static wasm_module_t *compile(wasm_store_t *store, const module_spec *spec)
{
    module_bytes bytes = build(spec);
    wasm_byte_vec_t binary = {bytes.size, (wasm_byte_t *)bytes.data};
    wasm_module_t *module = wasm_module_new(store, &binary);
    free(bytes.data);
    CHECK(module != NULL, "%s", wh_last_error_message());
    return module;
}

static bool call(const wasm_instance_t *instance, const char *name)
{
    wasm_extern_t *export = wh_instance_export(instance, name);
    wasm_val_t result = WASM_INIT_VAL;
    wasm_val_vec_t none = WASM_EMPTY_VEC, results = {wasm_func_result_arity(wasm_extern_as_func(export)), &result};
    wasm_trap_t *trap = export ? wasm_func_call(wasm_extern_as_func(export), &none, &results) : NULL;
    wasm_extern_delete(export);
    if (trap)
        wasm_trap_delete(trap);
    return export && !trap;
}

/* Whether this process maps a memory image now (/proc/self/maps names memfds). */
static bool image_mapped(void)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[4096];
    bool found = false;
    while (maps && !found && fgets(line, sizeof line, maps))
        found = strstr(line, "memfd:wasmhost-memory-image") != NULL;
    if (maps)
        fclose(maps);
    return found;
}

/* Instantiates `module` in a fresh store, checks its memory, grows it, scribbles over all of it
 * and frees everything: the next instance must see none of it. */
static void cycle(wasm_engine_t *engine, wasm_module_t *module, const module_spec *spec, int round)
{
    wasm_store_t *store = wasm_store_new(engine);
    wasm_instance_t *instance = wasm_instance_new(store, module, NULL, NULL);
    CHECK(instance != NULL, "round %d: %s", round, wh_last_error_message());
    if (!instance) {
        wasm_store_delete(store);
        return;
    }
    wasm_extern_t *memory_extern = wh_instance_export(instance, "memory");
    wasm_memory_t *memory = wasm_extern_as_memory(memory_extern);
    long differs = first_difference(spec, memory);
    CHECK(differs < 0, "round %d, module %u: byte %ld is wrong", round, spec->seed, differs);
    CHECK(image_mapped(), "round %d: the image is mapped while the instance lives", round);
    CHECK(call(instance, "grow") && wasm_memory_size(memory) == 3, "round %d: grown", round);
    differs = first_difference(spec, memory);
    CHECK(differs < 0, "round %d: after growing, byte %ld is wrong", round, differs);
    CHECK(call(instance, "scribble"), "round %d: scribbled", round);
    CHECK(((uint8_t *)wasm_memory_data(memory))[0] == 0xff &&
              ((uint8_t *)wasm_memory_data(memory))[3 * PAGE - 1] == 0xff,
          "round %d: scribbling reached both ends", round);
    wasm_extern_delete(memory_extern);
    wasm_instance_delete(instance);
    wasm_store_delete(store);
}

int main(void)
{
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    module_spec a = {.seed = 1, .second_offset = 1000}, b = {.seed = 2, .first_offset = 4096};
    wasm_module_t *module_a = compile(store, &a), *module_b = compile(store, &b);
    if (!module_a || !module_b)
        return checks_done("memory_image_test");

    /* Interleaved, so that memories go back and forth between the two modules' images, and
     * each one starts exactly as its module says: segments in order, zeros elsewhere. */
    for (int round = 0; round < 12; round++)
        cycle(engine, round % 3 == 2 ? module_b : module_a, round % 3 == 2 ? &b : &a, round);

    /* An imported memory gets the importing module's segments copied in, even when it maps
     * another module's image: here module a's. */
    wasm_instance_t *owner = wasm_instance_new(store, module_a, NULL, NULL);
    module_spec c = {.seed = 3, .import_memory = true, .first_offset = 20000};
    wasm_module_t *module_c = compile(store, &c);
    wasm_extern_t *memory_extern = owner ? wh_instance_export(owner, "memory") : NULL;
    wasm_extern_vec_t imports = {1, &memory_extern};
    wasm_instance_t *importer = module_c && memory_extern ? wasm_instance_new(store, module_c, &imports, NULL) : NULL;
    CHECK(importer != NULL, "%s", wh_last_error_message());
    const uint8_t *data =
        memory_extern ? (const uint8_t *)wasm_memory_data(wasm_extern_as_memory(memory_extern)) : NULL;
    bool copied = data != NULL;
    for (size_t i = 0; copied && i < BIG; i++)
        copied = data[20000 + i] == pattern(3, i);
    CHECK(copied, "the importer's segment is in the imported memory");
    CHECK(data && data[0] == pattern(1, 0) && data[1000] == 0xab, "around the owner's own data");

    /* A segment past the initial size traps as it always did (no image is made for it). */
    module_spec d = {.seed = 4, .first_offset = 2 * PAGE - 100};
    wasm_module_t *module_d = compile(store, &d);
    wasm_trap_t *trap = NULL;
    wasm_instance_t *failed = module_d ? wasm_instance_new(store, module_d, NULL, &trap) : NULL;
    wasm_message_t message = {0};
    if (trap)
        wasm_trap_message(trap, &message);
    CHECK(!failed && trap && message.data && strstr(message.data, "out of bounds memory access"),
          "a segment out of bounds traps: %.*s", (int)message.size, message.data ? message.data : "");
    wasm_byte_vec_delete(&message);
    if (trap)
        wasm_trap_delete(trap);

    wasm_instance_delete(importer);
    wasm_extern_delete(memory_extern);
    wasm_instance_delete(owner);
    wasm_module_delete(module_c);
    wasm_module_delete(module_d);
    wasm_module_delete(module_a);
    wasm_module_delete(module_b);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return checks_done("memory_image_test");
}
