/* fuzz_module_support.c: what fuzz_run and fuzz_compile share: arguments for exports, default imports, and the structure-aware mutator. */
#include "fuzz_module_support.h"

#include <stdlib.h>
#include <string.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/* ---- imports and arguments ---- */

static eng_trap *return_defaults(void *env, eng_slot *args_results)
{
    const eng_functype *type = env;
    for (uint32_t i = 0; i < type->result_count; i++)
        args_results[i].u64 = 0; /* 0, +0.0 or a null reference */
    return NULL;
}

static const uint64_t interesting_values[] = {0,
                                              1,
                                              UINT64_MAX,
                                              0x7fffffff,
                                              0x80000000,
                                              0xffffffff,
                                              0x10000,
                                              0x7fffffffffffffff,
                                              0x8000000000000000,
                                              0x3f800000 /* 1.0f */,
                                              0x7fc00000 /* NaN f32 */,
                                              0x3ff0000000000000 /* 1.0 */,
                                              0x7ff8000000000000 /* NaN f64 */,
                                              100,
                                              65535,
                                              4096};
#define INTERESTING_COUNT (sizeof interesting_values / sizeof interesting_values[0])

static uint64_t next_bits(fuzz_args *source)
{
    if (!source->bytes || source->size == 0)
        return interesting_values[source->counter++ % INTERESTING_COUNT];
    /* One byte chooses: an interesting value, or the next 8 bytes as they are. */
    uint8_t choice = source->bytes[source->position++ % source->size];
    if (choice < 0x80)
        return interesting_values[choice % INTERESTING_COUNT];
    uint64_t bits = 0;
    for (int i = 0; i < 8; i++)
        bits = bits << 8 | source->bytes[source->position++ % source->size];
    return bits;
}

static const char host_object[1]; /* what non-null externref arguments point at */

void fuzz_args_make(const eng_functype *type, fuzz_args *source, eng_slot *slots)
{
    const eng_valtype *params = eng_functype_params(type);
    for (uint32_t i = 0, slot = 0; i < type->param_count; slot += eng_valtype_slots(params[i]), i++) {
        uint64_t bits = next_bits(source);
        switch (params[i]) {
        case ENG_I32:
        case ENG_F32: slots[slot].u64 = 0, slots[slot].u32 = (uint32_t)bits; break;
        case ENG_EXTERNREF: slots[slot].ref = bits & 1 ? (void *)host_object : NULL; break;
        case ENG_FUNCREF: slots[slot].ref = NULL; break; /* a function reference must be one of the store's */
        case ENG_V128: slots[slot].u64 = bits, slots[slot + 1].u64 = next_bits(source); break;
        default: slots[slot].u64 = bits; break;
        }
    }
}

void fuzz_args_find(const eng_module *module, fuzz_args *source)
{
    for (uint32_t i = 0; i < module->custom_section_count; i++) {
        const eng_custom_section *section = &module->custom_sections[i];
        if (section->name.length == strlen(ARGS_SECTION) && memcmp(section->name.data, ARGS_SECTION, 9) == 0) {
            source->bytes = module->bytes + section->offset;
            source->size = section->size;
            return;
        }
    }
}

/* Imports of the module's own types; false when one cannot be made under the caps. */
bool fuzz_make_imports(eng_store *store, const eng_module *module, eng_extern *imports)
{
    for (uint32_t i = 0; i < module->import_count; i++) {
        const eng_import *import = &module->imports[i];
        eng_error *error = NULL;
        imports[i].kind = import->kind;
        switch (import->kind) {
        case ENG_EXTERN_FUNC: {
            const eng_functype *type = &module->types[import->type_index];
            imports[i].func = eng_func_new_host(store, type, return_defaults, (void *)type);
            if (!imports[i].func)
                return false;
            break;
        }
        case ENG_EXTERN_TABLE: imports[i].table = eng_table_new(store, &import->table, NULL, &error); break;
        case ENG_EXTERN_MEMORY: imports[i].memory = eng_memory_new(store, &import->memory, NULL, &error); break;
        case ENG_EXTERN_GLOBAL:
            imports[i].global = eng_global_new(store, &import->global, (eng_slot[2]){{.u64 = 0}, {.u64 = 0}});
            if (!imports[i].global)
                return false;
            break;
        }
        if (error) { /* over the caps */
            eng_error_free(error);
            return false;
        }
    }
    return true;
}

/* ---- structure-aware mutation ---- */

#define MAX_SECTIONS 64

typedef struct span {
    size_t start, size;
    size_t header; /* sections: where the id byte is */
} span;

static uint32_t rng_next(uint32_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

/* An unsigned LEB128 number of at most 32 bits at data[*at .. end); false when malformed. */
static bool read_u32(const uint8_t *data, size_t end, size_t *at, uint32_t *out)
{
    uint32_t value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        if (*at >= end)
            return false;
        uint8_t byte = data[(*at)++];
        value |= (uint32_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *out = value;
            return true;
        }
    }
    return false;
}

static size_t write_u32(uint8_t *out, uint32_t value)
{
    size_t count = 0;
    do {
        uint8_t byte = value & 0x7f;
        value >>= 7;
        out[count++] = byte | (value ? 0x80 : 0);
    } while (value);
    return count;
}

/* The payloads of the module's sections, and their ids; 0 sections when not a module. */
static size_t split_sections(const uint8_t *data, size_t size, span *payloads, uint8_t *ids)
{
    static const uint8_t header[8] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    if (size < 8 || memcmp(data, header, 8) != 0)
        return 0;
    size_t count = 0, at = 8;
    while (at < size && count < MAX_SECTIONS) {
        uint32_t length;
        size_t header = at;
        ids[count] = data[at++];
        if (!read_u32(data, size, &at, &length) || length > size - at)
            return 0;
        payloads[count++] = (span){at, length, header};
        at += length;
    }
    return at == size ? count : 0;
}

/* Writes into `out` (room for max_size bytes) the module in data with the bytes `part` of the
 * section whose payload is `payload` replaced by `replacement`, and the section's size updated;
 * returns the new size, 0 when it does not fit. */
static size_t rebuild(const uint8_t *data, size_t size, const span *payload, span part, const uint8_t *replacement,
                      size_t replacement_size, uint8_t *out, size_t max_size)
{
    /* Everything up to the section's id, the id, the new size, the payload with the part
     * replaced, then the rest. The size LEB of the part itself (a function body's) is written by
     * the caller into `replacement`. */
    size_t id_at = payload->header;
    size_t new_payload = payload->size - part.size + replacement_size;
    if (new_payload > UINT32_MAX)
        return 0;
    uint8_t leb[5];
    size_t leb_size = write_u32(leb, (uint32_t)new_payload);
    size_t total = id_at + 1 + leb_size + new_payload + (size - payload->start - payload->size);
    if (total > max_size)
        return 0;
    memcpy(out, data, id_at + 1);
    size_t at = id_at + 1;
    memcpy(out + at, leb, leb_size);
    at += leb_size;
    memcpy(out + at, data + payload->start, part.start - payload->start);
    at += part.start - payload->start;
    memcpy(out + at, replacement, replacement_size);
    at += replacement_size;
    size_t after = part.start + part.size;
    memcpy(out + at, data + after, size - after);
    return at + size - after;
}

/* The function bodies of a code section's payload (each with its size LEB). */
static size_t split_bodies(const uint8_t *data, span payload, span *bodies, size_t max_bodies)
{
    size_t at = payload.start, end = payload.start + payload.size;
    uint32_t count;
    if (!read_u32(data, end, &at, &count))
        return 0;
    size_t found = 0;
    for (uint32_t i = 0; i < count && found < max_bodies; i++) {
        size_t start = at;
        uint32_t length;
        if (!read_u32(data, end, &at, &length) || length > end - at)
            return found;
        at += length;
        bodies[found++] = (span){start, at - start, 0};
    }
    return found;
}

size_t fuzz_mutate_module(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    uint32_t state = seed | 1;
    span payloads[MAX_SECTIONS];
    uint8_t ids[MAX_SECTIONS];
    size_t sections = split_sections(data, size, payloads, ids);
    /* Not a module, or now and then: libFuzzer's own mutations of the whole input. */
    if (sections == 0 || rng_next(&state) % 8 == 0)
        return LLVMFuzzerMutate(data, size, max_size);

    uint8_t *out = malloc(max_size), *scratch = malloc(max_size + 8);
    if (!out || !scratch) {
        free(out);
        free(scratch);
        return LLVMFuzzerMutate(data, size, max_size);
    }
    size_t result = 0;
    bool has_args = false;
    int code = -1;
    for (size_t i = 0; i < sections; i++) {
        if (ids[i] == 10)
            code = (int)i;
        if (ids[i] == 0) {
            size_t at = payloads[i].start;
            uint32_t length;
            if (read_u32(data, payloads[i].start + payloads[i].size, &at, &length) && length == 9 &&
                payloads[i].start + payloads[i].size - at >= 9 && memcmp(data + at, ARGS_SECTION, 9) == 0)
                has_args = true;
        }
    }
    uint32_t choice = rng_next(&state) % 16;
    if (!has_args && choice == 0) {
        /* Add the arguments section: a custom section "fuzz-args" with 16 bytes. */
        uint8_t section[1 + 1 + 1 + 9 + 16] = {0, 1 + 9 + 16, 9};
        memcpy(section + 3, ARGS_SECTION, 9);
        for (size_t i = 12; i < sizeof section; i++)
            section[i] = (uint8_t)rng_next(&state);
        if (size + sizeof section <= max_size) {
            memcpy(out, data, size);
            memcpy(out + size, section, sizeof section);
            result = size + sizeof section;
        }
    } else if (code >= 0 && choice < 12) {
        /* A function body: its bytes mutated, then its size and the section's written back. */
        span bodies[256];
        size_t body_count = split_bodies(data, payloads[code], bodies, 256);
        span body = body_count ? bodies[rng_next(&state) % body_count] : (span){0, 0, 0};
        size_t at = body.start;
        uint32_t length = 0;
        if (body_count > 0 && read_u32(data, body.start + body.size, &at, &length) && length > 0) {
            size_t room = max_size > size ? max_size - size : 0;
            memcpy(scratch + 5, data + at, length);
            size_t new_length = LLVMFuzzerMutate(scratch + 5, length, length + room);
            uint8_t leb[5];
            size_t leb_size = write_u32(leb, (uint32_t)new_length);
            memmove(scratch + 5 - leb_size, leb, leb_size);
            result = rebuild(data, size, &payloads[code], body, scratch + 5 - leb_size, leb_size + new_length, out,
                             max_size);
        }
    } else {
        /* Any section's payload (a custom section's name included). */
        span *payload = &payloads[rng_next(&state) % sections];
        size_t room = max_size > size ? max_size - size : 0;
        if (payload->size > 0) {
            memcpy(scratch, data + payload->start, payload->size);
            size_t new_size = LLVMFuzzerMutate(scratch, payload->size, payload->size + room);
            result = rebuild(data, size, payload, *payload, scratch, new_size, out, max_size);
        }
    }
    if (result > 0)
        memcpy(data, out, result);
    free(out);
    free(scratch);
    return result > 0 ? result : LLVMFuzzerMutate(data, size, max_size);
}
