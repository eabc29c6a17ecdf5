/* snapshot.c: writes an instance's current memory and globals back as a WebAssembly module (snapshot.h). */
#include "snapshot.h"

#include "reader.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Memory is written as runs of non-zero bytes; two runs closer than the gap are one segment (a
 * segment's header costs about as much as 16 zero bytes). Past the count the gap doubles until
 * the segments are fewer: engines bound a module's data segments (100,000 in the JS API). */
#define MIN_ZERO_GAP 16u
#define MAX_NEW_SEGMENTS 10000u
#define MAX_SEGMENT_BYTES ((size_t)1 << 30)

/* Where each kind of non-custom section stands in a module (the order the binary format
 * requires: the data count section sits between the element and code sections). */
static int section_rank(int id) { return id == ENG_SECTION_DATA_COUNT ? 10 : id <= ENG_SECTION_ELEMENT ? id : id + 1; }

/* ---- a growing byte buffer: a failed allocation is remembered and reported once at the end ---- */

typedef struct buffer {
    uint8_t *data;
    size_t size, capacity;
    bool failed;
} buffer;

static bool buffer_reserve(buffer *b, size_t more)
{
    if (b->failed)
        return false;
    if (more <= b->capacity - b->size)
        return true;
    size_t capacity = b->capacity ? b->capacity : 256;
    while (capacity - b->size < more) {
        if (capacity > SIZE_MAX / 2) {
            b->failed = true;
            return false;
        }
        capacity *= 2;
    }
    uint8_t *data = realloc(b->data, capacity);
    if (!data) {
        b->failed = true;
        return false;
    }
    b->data = data;
    b->capacity = capacity;
    return true;
}

static void put_bytes(buffer *b, const void *bytes, size_t size)
{
    if (size && buffer_reserve(b, size)) {
        memcpy(b->data + b->size, bytes, size);
        b->size += size;
    }
}

static void put_byte(buffer *b, uint8_t byte) { put_bytes(b, &byte, 1); }

static void put_u32(buffer *b, uint32_t value)
{
    do {
        uint8_t byte = value & 0x7F;
        value >>= 7;
        put_byte(b, byte | (value ? 0x80 : 0));
    } while (value);
}

static void put_s64(buffer *b, int64_t value)
{
    for (;;) {
        uint8_t byte = value & 0x7F;
        value >>= 7; /* arithmetic on the targets wasmhost builds for */
        bool done = (value == 0 && !(byte & 0x40)) || (value == -1 && (byte & 0x40));
        put_byte(b, byte | (done ? 0 : 0x80));
        if (done)
            return;
    }
}

static void put_le(buffer *b, uint64_t bits, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        put_byte(b, (uint8_t)(bits >> (8 * i)));
}

static void put_name(buffer *b, const eng_name *name)
{
    put_u32(b, name->length);
    put_bytes(b, name->data, name->length);
}

/* A section: its id, its size, then the payload. */
static void put_section(buffer *out, int id, const buffer *payload)
{
    if (payload->failed || payload->size > UINT32_MAX) {
        out->failed = true;
        return;
    }
    put_byte(out, (uint8_t)id);
    put_u32(out, (uint32_t)payload->size);
    put_bytes(out, payload->data, payload->size);
}

/* ---- constant expressions ---- */

/* A value of `type` from its slots (as a global or a constant expression holds it). */
static void put_const(buffer *b, eng_valtype type, uint64_t bits, uint64_t bits_high)
{
    switch (type) {
    case ENG_I32: put_byte(b, 0x41), put_s64(b, (int32_t)(uint32_t)bits); break;
    case ENG_I64: put_byte(b, 0x42), put_s64(b, (int64_t)bits); break;
    case ENG_F32: put_byte(b, 0x43), put_le(b, bits, 4); break;
    case ENG_F64: put_byte(b, 0x44), put_le(b, bits, 8); break;
    case ENG_V128:
        put_byte(b, 0xFD), put_u32(b, 12); /* v128.const */
        put_le(b, bits, 8), put_le(b, bits_high, 8);
        break;
    default: b->failed = true; break; /* references are written by the callers */
    }
}

/* An original constant expression, as the decoder read it (WebAssembly 2.0: one instruction). */
static void put_constexpr(buffer *b, const eng_constexpr *expr)
{
    switch (expr->kind) {
    case ENG_CONST_VALUE: put_const(b, expr->type, expr->bits, expr->bits_high); break;
    case ENG_CONST_GLOBAL_GET: put_byte(b, 0x23), put_u32(b, expr->index); break;
    case ENG_CONST_REF_FUNC: put_byte(b, 0xD2), put_u32(b, expr->index); break;
    case ENG_CONST_REF_NULL: put_byte(b, 0xD0), put_byte(b, (uint8_t)expr->type); break;
    }
    put_byte(b, 0x0B);
}

/* ---- what the snapshot is made of ---- */

typedef struct run {
    uint32_t offset, size;
} run;

typedef struct snapshot {
    const eng_instance *instance;
    const eng_module *module;
    const eng_memory *memory; /* memory 0 (defined), or NULL */
    run *runs;                /* the new active data segments */
    uint32_t run_count;
    uint32_t dropped_export; /* its index in module->exports, or UINT32_MAX */
    uint32_t initialize_export;
    /* Functions ref.func may name: those the original declares but the snapshot would not any
     * more (a dropped export's, a replaced global initialiser's) go into one declarative element
     * segment appended to the original ones. */
    uint32_t *undeclared;
    uint32_t undeclared_count;
} snapshot;

/* The function index of a funcref value of the instance, or UINT32_MAX. */
static uint32_t func_index_of(const eng_instance *instance, const void *ref)
{
    for (uint32_t i = 0; i < instance->module->func_count; i++)
        if (instance->funcs[i] == ref)
            return i;
    return UINT32_MAX;
}

static uint64_t constant_value(const eng_instance *instance, const eng_constexpr *expr)
{
    switch (expr->kind) {
    case ENG_CONST_VALUE: return expr->bits;
    case ENG_CONST_GLOBAL_GET: return instance->globals[expr->index]->value.u64;
    case ENG_CONST_REF_FUNC: return (uint64_t)(uintptr_t)instance->funcs[expr->index];
    case ENG_CONST_REF_NULL: return 0;
    }
    return 0;
}

/* The tables must be as instantiation left them: each defined table at its minimum size, null
 * except for what the active element segments wrote. */
static eng_error *check_tables(const snapshot *s)
{
    const eng_module *module = s->module;
    const eng_instance *instance = s->instance;
    if (module->imported_table_count)
        return eng_error_new("table 0 is imported: its contents belong to the importer and cannot be captured");
    for (uint32_t t = 0; t < module->table_count; t++) {
        const eng_table *table = instance->tables[t];
        if (table->size != module->tables[t].limits.min)
            return eng_error_new("table %u was grown from %llu to %u elements: a snapshot cannot capture tables", t,
                                 (unsigned long long)module->tables[t].limits.min, table->size);
        void **expected = calloc(table->size ? table->size : 1, sizeof *expected);
        if (!expected)
            return eng_error_new("out of memory while comparing table %u", t);
        for (uint32_t i = 0; i < module->elem_count; i++) {
            const eng_elem_segment *segment = &module->elems[i];
            if (segment->mode != ENG_SEGMENT_ACTIVE || segment->table_index != t)
                continue;
            uint32_t offset = (uint32_t)constant_value(instance, &segment->offset);
            for (uint32_t k = 0; k < segment->item_count && (uint64_t)offset + k < table->size; k++)
                expected[offset + k] = (void *)(uintptr_t)constant_value(instance, &segment->items[k]);
        }
        uint32_t differs = UINT32_MAX;
        for (uint32_t k = 0; k < table->size && differs == UINT32_MAX; k++)
            if (table->elements[k] != expected[k])
                differs = k;
        free(expected);
        if (differs != UINT32_MAX)
            return eng_error_new("table %u was changed after instantiation (element %u differs): a snapshot cannot "
                                 "capture tables",
                                 t, differs);
    }
    for (uint32_t i = 0; i < module->elem_count; i++)
        if (module->elems[i].mode == ENG_SEGMENT_PASSIVE && instance->elems[i].count != module->elems[i].item_count)
            return eng_error_new("element segment %u was dropped (elem.drop): a snapshot cannot capture it", i);
    return NULL;
}

/* Globals: no mutable imported one (its value is the importer's, and whether the instance set it
 * cannot be told), and every mutable reference one null or a function of the instance. */
static eng_error *check_globals(const snapshot *s)
{
    const eng_module *module = s->module;
    for (uint32_t i = 0; i < module->global_count; i++) {
        const eng_global *global = s->instance->globals[i];
        if (!global->type.is_mutable)
            continue;
        if (i < module->imported_global_count)
            return eng_error_new("global %u is a mutable import: its value belongs to the importer and cannot be "
                                 "captured",
                                 i);
        if (global->type.type == ENG_EXTERNREF && global->value.ref)
            return eng_error_new("global %u holds a non-null externref: a module cannot express a host reference", i);
        if (global->type.type == ENG_FUNCREF && global->value.ref &&
            func_index_of(s->instance, global->value.ref) == UINT32_MAX)
            return eng_error_new("global %u holds a function of another instance: a module cannot express it", i);
    }
    return NULL;
}

static uint32_t find_export(const eng_module *module, const char *name)
{
    size_t length = strlen(name);
    for (uint32_t i = 0; i < module->export_count; i++)
        if (module->exports[i].name.length == length && memcmp(module->exports[i].name.data, name, length) == 0)
            return i;
    return UINT32_MAX;
}

static bool export_kept(const snapshot *s, uint32_t index)
{
    return index != s->dropped_export && index != s->initialize_export;
}

/* The functions the original module declares for ref.func that the snapshot would not. */
static eng_error *find_undeclared(snapshot *s)
{
    const eng_module *module = s->module;
    if (!module->declared_funcs)
        return NULL;
    uint8_t *declared = calloc(module->func_count / 8 + 1, 1);
    if (!declared)
        return eng_error_new("out of memory while writing the snapshot");
#define DECLARE(index) (declared[(index) / 8] |= (uint8_t)(1u << ((index) % 8)))
    for (uint32_t i = 0; i < module->export_count; i++)
        if (export_kept(s, i) && module->exports[i].kind == ENG_EXTERN_FUNC)
            DECLARE(module->exports[i].index);
    for (uint32_t i = 0; i < module->elem_count; i++)
        for (uint32_t k = 0; k < module->elems[i].item_count; k++)
            if (module->elems[i].items[k].kind == ENG_CONST_REF_FUNC)
                DECLARE(module->elems[i].items[k].index);
    for (uint32_t i = 0; i < module->global_def_count; i++) {
        const eng_global_def *def = &module->global_defs[i];
        const eng_global *global = s->instance->globals[module->imported_global_count + i];
        if (!def->type.is_mutable && def->init.kind == ENG_CONST_REF_FUNC)
            DECLARE(def->init.index);
        else if (def->type.is_mutable && def->type.type == ENG_FUNCREF && global->value.ref)
            DECLARE(func_index_of(s->instance, global->value.ref));
    }
#undef DECLARE
    for (uint32_t f = 0; f < module->func_count; f++) {
        bool was = module->declared_funcs[f / 8] & (1u << (f % 8));
        bool is = declared[f / 8] & (1u << (f % 8));
        if (was && !is) {
            uint32_t *grown = realloc(s->undeclared, (s->undeclared_count + 1) * sizeof *grown);
            if (!grown) {
                free(declared);
                return eng_error_new("out of memory while writing the snapshot");
            }
            s->undeclared = grown;
            s->undeclared[s->undeclared_count++] = f;
        }
    }
    free(declared);
    return NULL;
}

/* ---- memory as data segments ---- */

/* The first non-zero byte at or after `at` (or `end`), eight bytes at a time where it can. */
static size_t skip_zeros(const uint8_t *bytes, size_t at, size_t end)
{
    while (at < end && (at & 7))
        if (bytes[at++])
            return at - 1;
    for (uint64_t word; at + 8 <= end; at += 8) {
        memcpy(&word, bytes + at, 8);
        if (word)
            break;
    }
    while (at < end && !bytes[at])
        at++;
    return at;
}

/* Splits [0, size) into runs of non-zero bytes, merging those less than `gap` zeros apart;
 * stops (returning false) past `max` runs. */
static bool collect_runs(snapshot *s, const uint8_t *bytes, size_t size, size_t gap, uint32_t max)
{
    s->run_count = 0;
    size_t at = skip_zeros(bytes, 0, size);
    while (at < size) {
        size_t start = at, end;
        for (;;) {
            const uint8_t *zero = memchr(bytes + at, 0, size - at);
            end = zero ? (size_t)(zero - bytes) : size;
            at = skip_zeros(bytes, end, size);
            if (at >= size || at - end >= gap)
                break;
        }
        for (size_t piece = start; piece < end; piece += MAX_SEGMENT_BYTES) { /* sizes are u32 */
            if (s->run_count == max)
                return false;
            size_t size = end - piece < MAX_SEGMENT_BYTES ? end - piece : MAX_SEGMENT_BYTES;
            s->runs[s->run_count++] = (run){(uint32_t)piece, (uint32_t)size};
        }
    }
    return true;
}

static eng_error *find_runs(snapshot *s)
{
    if (!s->memory)
        return NULL;
    s->runs = malloc(MAX_NEW_SEGMENTS * sizeof *s->runs);
    if (!s->runs)
        return eng_error_new("out of memory while writing the snapshot");
    size_t gap = MIN_ZERO_GAP;
    while (!collect_runs(s, s->memory->base, s->memory->size, gap, MAX_NEW_SEGMENTS))
        gap *= 2;
    return NULL;
}

/* ---- the sections that change ---- */

static void write_memory_section(const snapshot *s, buffer *out)
{
    buffer payload = {0};
    const eng_limits *limits = &s->module->memories[0].limits;
    put_u32(&payload, 1);
    put_byte(&payload, limits->has_max ? 1 : 0);
    put_u32(&payload, (uint32_t)memory_pages(s->memory));
    if (limits->has_max)
        put_u32(&payload, (uint32_t)limits->max);
    put_section(out, ENG_SECTION_MEMORY, &payload);
    free(payload.data);
}

static void write_global_section(const snapshot *s, buffer *out)
{
    const eng_module *module = s->module;
    buffer payload = {0};
    put_u32(&payload, module->global_def_count);
    for (uint32_t i = 0; i < module->global_def_count; i++) {
        const eng_global_def *def = &module->global_defs[i];
        const eng_global *global = s->instance->globals[module->imported_global_count + i];
        put_byte(&payload, (uint8_t)def->type.type);
        put_byte(&payload, def->type.is_mutable);
        if (!def->type.is_mutable) {
            put_constexpr(&payload, &def->init);
            continue;
        }
        if (eng_valtype_is_ref(def->type.type) && !global->value.ref)
            put_byte(&payload, 0xD0), put_byte(&payload, (uint8_t)def->type.type);
        else if (def->type.type == ENG_FUNCREF)
            put_byte(&payload, 0xD2), put_u32(&payload, func_index_of(s->instance, global->value.ref));
        else
            put_const(&payload, def->type.type, global->v128[0].u64, global->v128[1].u64);
        put_byte(&payload, 0x0B);
    }
    put_section(out, ENG_SECTION_GLOBAL, &payload);
    free(payload.data);
}

static void write_export_section(const snapshot *s, buffer *out)
{
    const eng_module *module = s->module;
    buffer payload = {0};
    uint32_t kept = 0;
    for (uint32_t i = 0; i < module->export_count; i++)
        kept += export_kept(s, i);
    put_u32(&payload, kept);
    for (uint32_t i = 0; i < module->export_count; i++) {
        if (!export_kept(s, i))
            continue;
        put_name(&payload, &module->exports[i].name);
        put_byte(&payload, (uint8_t)module->exports[i].kind);
        put_u32(&payload, module->exports[i].index);
    }
    put_section(out, ENG_SECTION_EXPORT, &payload);
    free(payload.data);
}

/* The original element section (NULL: none) with one declarative segment of the functions
 * that would otherwise lose their declaration appended. */
static void write_element_section(const snapshot *s, const uint8_t *original, size_t size, buffer *out)
{
    buffer payload = {0};
    const eng_module *module = s->module;
    uint32_t count = module->elem_count;
    if (original) {
        eng_reader r = reader_make(original, original, original + size);
        if (!read_u32_leb(&r, &count)) {
            out->failed = true;
            return;
        }
        original = r.pos;
        size = reader_remaining(&r);
    }
    put_u32(&payload, count + 1);
    put_bytes(&payload, original, original ? size : 0);
    put_byte(&payload, 0x03); /* declarative, function indices */
    put_byte(&payload, 0x00);
    put_u32(&payload, s->undeclared_count);
    for (uint32_t i = 0; i < s->undeclared_count; i++)
        put_u32(&payload, s->undeclared[i]);
    put_section(out, ENG_SECTION_ELEMENT, &payload);
    free(payload.data);
}

static uint32_t data_segment_total(const snapshot *s) { return s->module->data_segment_count + s->run_count; }

static void write_data_count_section(const snapshot *s, buffer *out)
{
    buffer payload = {0};
    put_u32(&payload, data_segment_total(s));
    put_section(out, ENG_SECTION_DATA_COUNT, &payload);
    free(payload.data);
}

static void write_data_section(const snapshot *s, buffer *out)
{
    const eng_module *module = s->module;
    buffer payload = {0};
    put_u32(&payload, data_segment_total(s));
    for (uint32_t i = 0; i < module->data_segment_count; i++) {
        /* Active ones were applied and dropped; passive ones keep what the instance kept. */
        uint32_t size = module->datas[i].mode == ENG_SEGMENT_PASSIVE ? s->instance->datas[i].size : 0;
        put_byte(&payload, 0x01);
        put_u32(&payload, size);
        put_bytes(&payload, s->instance->datas[i].bytes, size);
    }
    for (uint32_t i = 0; i < s->run_count; i++) {
        put_byte(&payload, 0x00);
        put_byte(&payload, 0x41), put_s64(&payload, (int32_t)s->runs[i].offset), put_byte(&payload, 0x0B);
        put_u32(&payload, s->runs[i].size);
        put_bytes(&payload, s->memory->base + s->runs[i].offset, s->runs[i].size);
    }
    put_section(out, ENG_SECTION_DATA, &payload);
    free(payload.data);
}

/* ---- the module ---- */

/* Sections the original lacks that the snapshot needs, written before the first original
 * section that must follow them (or before trailing custom sections, or at the end). */
typedef struct pending {
    bool element, data_count, data;
} pending;

static void write_pending(const snapshot *s, pending *p, int before_rank, buffer *out)
{
    if (p->element && section_rank(ENG_SECTION_ELEMENT) < before_rank) {
        write_element_section(s, NULL, 0, out);
        p->element = false;
    }
    if (p->data_count && section_rank(ENG_SECTION_DATA_COUNT) < before_rank) {
        write_data_count_section(s, out);
        p->data_count = false;
    }
    if (p->data && section_rank(ENG_SECTION_DATA) < before_rank) {
        write_data_section(s, out);
        p->data = false;
    }
}

static eng_error *write_module(const snapshot *s, buffer *out)
{
    const eng_module *module = s->module;
    eng_reader r = reader_make(module->bytes, module->bytes + 8, module->bytes + module->size);
    bool has_data = data_segment_total(s) > 0;
    pending p = {.element = s->undeclared_count > 0, .data_count = has_data, .data = has_data};
    /* Where the last non-custom section starts: custom sections after it trail the module. */
    const uint8_t *last_known = r.pos;
    for (eng_reader scan = r; !reader_at_end(&scan);) {
        const uint8_t *start = scan.pos, *payload;
        uint8_t id;
        uint32_t size;
        if (!read_u8(&scan, &id) || !read_u32_leb(&scan, &size) || !read_bytes(&scan, size, &payload))
            return eng_error_new("the module's bytes do not decode at offset 0x%x", scan.error_offset);
        if (id != ENG_SECTION_CUSTOM)
            last_known = start;
    }
    put_bytes(out, module->bytes, 8); /* magic and version */
    while (!reader_at_end(&r)) {
        const uint8_t *start = r.pos, *payload;
        uint8_t id;
        uint32_t size;
        if (!read_u8(&r, &id) || !read_u32_leb(&r, &size) || !read_bytes(&r, size, &payload))
            return eng_error_new("the module's bytes do not decode at offset 0x%x", r.error_offset);
        write_pending(s, &p, id == ENG_SECTION_CUSTOM ? (start > last_known ? 99 : 0) : section_rank(id), out);
        switch (id) {
        case ENG_SECTION_MEMORY: /* an empty one (no memory defined) is copied */
            if (s->memory)
                write_memory_section(s, out);
            else
                put_bytes(out, start, (size_t)(r.pos - start));
            break;
        case ENG_SECTION_GLOBAL: write_global_section(s, out); break;
        case ENG_SECTION_EXPORT: write_export_section(s, out); break;
        case ENG_SECTION_START: break;
        case ENG_SECTION_ELEMENT:
            if (p.element)
                write_element_section(s, payload, size, out), p.element = false;
            else
                put_bytes(out, start, (size_t)(r.pos - start));
            break;
        case ENG_SECTION_DATA_COUNT: write_data_count_section(s, out), p.data_count = false; break;
        case ENG_SECTION_DATA: write_data_section(s, out), p.data = false; break;
        default: put_bytes(out, start, (size_t)(r.pos - start)); break;
        }
    }
    write_pending(s, &p, 99, out);
    if (out->failed)
        return eng_error_new("out of memory while writing the snapshot (or a section past 4 GiB)");
    return NULL;
}

eng_error *eng_instance_snapshot(const eng_instance *instance, const char *drop_export, uint8_t **out, size_t *out_size)
{
    *out = NULL;
    *out_size = 0;
    const eng_module *module = instance->module;
    snapshot s = {.instance = instance, .module = module};
    if (module->memory_count > 1)
        return eng_error_new("the module has %u memories: a snapshot captures one", module->memory_count);
    if (module->imported_memory_count)
        return eng_error_new("memory 0 is imported: its contents belong to the importer and cannot be captured");
    s.memory = module->memory_count ? instance->memories[0] : NULL;
    s.dropped_export = drop_export ? find_export(module, drop_export) : UINT32_MAX;
    if (drop_export && s.dropped_export == UINT32_MAX)
        return eng_error_new("the module has no export named \"%s\"", drop_export);
    s.initialize_export = find_export(module, "_initialize");
    eng_error *error = check_tables(&s);
    if (!error)
        error = check_globals(&s);
    if (!error)
        error = find_undeclared(&s);
    if (!error)
        error = find_runs(&s);
    buffer result = {0};
    if (!error)
        error = write_module(&s, &result);
    free(s.runs);
    free(s.undeclared);
    if (error) {
        free(result.data);
        return error;
    }
    *out = result.data;
    *out_size = result.size;
    return NULL;
}
