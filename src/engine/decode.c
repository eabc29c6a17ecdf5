/* decode.c: parses a WebAssembly 2.0 binary into an eng_module (structure only; validate.c checks it). */
#include "instructions.h"
#include "module.h"
#include "reader.h"

#include <stdlib.h>
#include <string.h>

/* Locals declared by one function, parameters excluded. The spec allows 2^32 - 1, but every
 * local is a slot of every frame of the function; engines cap it (V8 and Wasmtime at 50000). */
#define ENG_MAX_FUNCTION_LOCALS 50000u

#define TRY(expression)    \
    do {                   \
        if (!(expression)) \
            return false;  \
    } while (0)

static const char *const section_names[] = {
    "custom", "type",  "import",  "function", "table", "memory",     "global",
    "export", "start", "element", "code",     "data",  "data count",
};

/* Position of each section id in the required order (data count sits between element and code). */
static const int section_rank[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};

typedef struct decoder {
    eng_module *module;
    int section_id;         /* section being read, -1 outside sections */
    int64_t function_index; /* code section: function being read, else -1 */
    bool has_code_section;
    bool has_data_section;
    const uint8_t *name_section; /* payload of the first "name" custom section, NULL if none */
    size_t name_section_size;
    uint32_t custom_capacity;
} decoder;

/* calloc that records "out of memory" in the reader on failure; never returns NULL for 0 entries. */
static void *alloc_array(eng_reader *r, size_t count, size_t size)
{
    void *memory = calloc(count ? count : 1, size);
    if (!memory)
        reader_fail(r, "out of memory");
    return memory;
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static bool utf8_is_valid(const uint8_t *s, size_t length)
{
    size_t i = 0;
    while (i < length) {
        uint8_t lead = s[i];
        if (lead < 0x80) {
            i++;
            continue;
        }
        size_t sequence_length;
        uint32_t code_point, minimum;
        if ((lead & 0xE0) == 0xC0) {
            sequence_length = 2, code_point = lead & 0x1F, minimum = 0x80;
        } else if ((lead & 0xF0) == 0xE0) {
            sequence_length = 3, code_point = lead & 0x0F, minimum = 0x800;
        } else if ((lead & 0xF8) == 0xF0) {
            sequence_length = 4, code_point = lead & 0x07, minimum = 0x10000;
        } else {
            return false;
        }
        if (length - i < sequence_length)
            return false;
        for (size_t k = 1; k < sequence_length; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            code_point = code_point << 6 | (s[i + k] & 0x3F);
        }
        if (code_point < minimum || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF))
            return false;
        i += sequence_length;
    }
    return true;
}

/* A name: length-prefixed UTF-8, copied out with a NUL terminator. */
static bool read_name(eng_reader *r, eng_name *out)
{
    uint32_t length;
    const uint8_t *bytes;
    TRY(read_count(r, &length));
    TRY(read_bytes(r, length, &bytes));
    if (!utf8_is_valid(bytes, length))
        return reader_fail_at(r, bytes, "malformed UTF-8 encoding");
    char *copy = malloc((size_t)length + 1);
    if (!copy)
        return reader_fail(r, "out of memory");
    memcpy(copy, bytes, length);
    copy[length] = '\0';
    out->data = copy;
    out->length = length;
    return true;
}

static bool read_limits(eng_reader *r, eng_limits *out)
{
    const uint8_t *at = r->pos;
    uint8_t flags;
    uint32_t min, max = 0;
    TRY(read_u8(r, &flags));
    /* The flags are a LEB128 u32 in the grammar; only 0 and 1 exist in 2.0. */
    if (flags & 0x80)
        return reader_fail_at(r, at, "integer representation too long");
    if (flags > 1)
        return reader_fail_at(r, at, "integer too large");
    TRY(read_u32_leb(r, &min));
    if (flags == 1)
        TRY(read_u32_leb(r, &max));
    out->min = min;
    out->max = max;
    out->has_max = flags == 1;
    return true;
}

static bool read_tabletype(eng_reader *r, eng_tabletype *out)
{
    TRY(read_reftype(r, &out->element_type));
    return read_limits(r, &out->limits);
}

static bool read_globaltype(eng_reader *r, eng_globaltype *out)
{
    TRY(read_valtype(r, &out->type));
    const uint8_t *at = r->pos;
    uint8_t mutability;
    TRY(read_u8(r, &mutability));
    if (mutability > 1)
        return reader_fail_at(r, at, "malformed mutability");
    out->is_mutable = mutability == 1;
    return true;
}

/* A constant expression: in 2.0 exactly one constant instruction, then `end`. Instructions
 * that are not constant fail here; a wrong number of constant instructions leaves the wrong
 * number of values on the stack, which is a type error. */
static bool read_constexpr(eng_reader *r, eng_constexpr *out)
{
    const uint8_t *begin = r->pos;
    uint32_t instruction_count = 0;
    memset(out, 0, sizeof *out);
    out->offset = reader_offset(r);
    for (;;) {
        const uint8_t *at = r->pos;
        uint8_t opcode;
        TRY(read_u8(r, &opcode));
        const eng_wasm_instruction *instruction = eng_wasm_find(opcode);
        if (opcode == ENG_WASM_PREFIX_SIMD) {
            uint32_t code;
            TRY(read_u32_leb(r, &code));
            instruction = eng_wasm_find_simd(code);
        }
        eng_wasm_index index = instruction ? eng_wasm_index_of(instruction) : ENG_WASM_INSTRUCTION_COUNT;
        if (index == ENG_WASM_END)
            break;
        eng_constexpr e = {0};
        e.offset = (uint32_t)(at - r->start);
        switch (index) {
        case ENG_WASM_I32_CONST: {
            int32_t value;
            TRY(read_s32_leb(r, &value));
            e.kind = ENG_CONST_VALUE, e.type = ENG_I32, e.bits = (uint32_t)value;
            break;
        }
        case ENG_WASM_I64_CONST: {
            int64_t value;
            TRY(read_s64_leb(r, &value));
            e.kind = ENG_CONST_VALUE, e.type = ENG_I64, e.bits = (uint64_t)value;
            break;
        }
        case ENG_WASM_F32_CONST: {
            uint32_t bits;
            TRY(read_f32_bits(r, &bits));
            e.kind = ENG_CONST_VALUE, e.type = ENG_F32, e.bits = bits;
            break;
        }
        case ENG_WASM_F64_CONST:
            TRY(read_f64_bits(r, &e.bits));
            e.kind = ENG_CONST_VALUE, e.type = ENG_F64;
            break;
        case ENG_WASM_V128_CONST:
            TRY(read_f64_bits(r, &e.bits));
            TRY(read_f64_bits(r, &e.bits_high));
            e.kind = ENG_CONST_VALUE, e.type = ENG_V128;
            break;
        case ENG_WASM_REF_NULL:
            TRY(read_reftype(r, &e.type));
            e.kind = ENG_CONST_REF_NULL;
            break;
        case ENG_WASM_REF_FUNC:
            TRY(read_u32_leb(r, &e.index));
            e.kind = ENG_CONST_REF_FUNC, e.type = ENG_FUNCREF;
            break;
        case ENG_WASM_GLOBAL_GET:
            TRY(read_u32_leb(r, &e.index));
            e.kind = ENG_CONST_GLOBAL_GET; /* type filled by validation */
            break;
        default: {
            /* An instruction of WebAssembly 2.0 that is not constant, or no instruction at all. */
            bool exists = instruction || opcode == ENG_WASM_PREFIX_MISC || opcode == ENG_WASM_PREFIX_SIMD;
            return reader_fail_at(r, at, exists ? "constant expression required" : "illegal opcode");
        }
        }
        if (instruction_count++ == 0)
            *out = e;
    }
    if (instruction_count != 1)
        return reader_fail_at(r, begin,
                              instruction_count == 0 ? "type mismatch: constant expression is empty"
                                                     : "type mismatch: constant expression leaves more than one value");
    return true;
}

/* ---- sections ---- */

static bool decode_types(decoder *d, eng_reader *r)
{
    eng_module *m = d->module;
    uint32_t count;
    TRY(read_count(r, &count));
    TRY(m->types = alloc_array(r, count, sizeof *m->types));
    m->type_count = count;
    for (uint32_t i = 0; i < count; i++) {
        eng_functype *type = &m->types[i];
        const uint8_t *at = r->pos;
        uint8_t form;
        TRY(read_u8(r, &form));
        if (form != 0x60)
            return reader_fail_at(r, at, form & 0x80 ? "integer representation too long" : "malformed function type");
        uint32_t param_count, result_count;
        TRY(read_count(r, &param_count));
        TRY(type->types = alloc_array(r, param_count, sizeof *type->types));
        for (uint32_t k = 0; k < param_count; k++)
            TRY(read_valtype(r, &type->types[k]));
        TRY(read_count(r, &result_count));
        if (result_count) {
            eng_valtype *grown = realloc(type->types, ((size_t)param_count + result_count) * sizeof *grown);
            if (!grown)
                return reader_fail(r, "out of memory");
            type->types = grown;
        }
        for (uint32_t k = 0; k < result_count; k++)
            TRY(read_valtype(r, &type->types[param_count + k]));
        type->param_count = param_count;
        type->result_count = result_count;
        eng_functype_complete(type);
    }
    return true;
}

static bool decode_imports(decoder *d, eng_reader *r)
{
    eng_module *m = d->module;
    uint32_t count;
    TRY(read_count(r, &count));
    TRY(m->imports = alloc_array(r, count, sizeof *m->imports));
    m->import_count = count;
    for (uint32_t i = 0; i < count; i++) {
        eng_import *import = &m->imports[i];
        TRY(read_name(r, &import->module));
        TRY(read_name(r, &import->name));
        const uint8_t *at = r->pos;
        uint8_t kind;
        TRY(read_u8(r, &kind));
        switch (kind) {
        case ENG_EXTERN_FUNC:
            TRY(read_u32_leb(r, &import->type_index));
            m->imported_func_count++;
            break;
        case ENG_EXTERN_TABLE:
            TRY(read_tabletype(r, &import->table));
            m->imported_table_count++;
            break;
        case ENG_EXTERN_MEMORY:
            TRY(read_limits(r, &import->memory.limits));
            m->imported_memory_count++;
            break;
        case ENG_EXTERN_GLOBAL:
            TRY(read_globaltype(r, &import->global));
            m->imported_global_count++;
            break;
        default: return reader_fail_at(r, at, "malformed import kind");
        }
        import->kind = (eng_externkind)kind;
    }
    return true;
}

static bool decode_functions(decoder *d, eng_reader *r)
{
    eng_module *m = d->module;
    uint32_t count;
    TRY(read_count(r, &count));
    TRY(m->func_defs = alloc_array(r, count, sizeof *m->func_defs));
    m->func_def_count = count;
    for (uint32_t i = 0; i < count; i++)
        TRY(read_u32_leb(r, &m->func_defs[i].type_index));
    return true;
}

/* The table, memory and global index spaces start with the imports of that kind. */
static bool init_tables(eng_module *m, eng_reader *r, uint32_t defined)
{
    TRY(m->tables = alloc_array(r, (size_t)m->imported_table_count + defined, sizeof *m->tables));
    m->table_count = m->imported_table_count + defined;
    uint32_t next = 0;
    for (uint32_t i = 0; i < m->import_count; i++)
        if (m->imports[i].kind == ENG_EXTERN_TABLE)
            m->tables[next++] = m->imports[i].table;
    return true;
}

static bool init_memories(eng_module *m, eng_reader *r, uint32_t defined)
{
    TRY(m->memories = alloc_array(r, (size_t)m->imported_memory_count + defined, sizeof *m->memories));
    m->memory_count = m->imported_memory_count + defined;
    uint32_t next = 0;
    for (uint32_t i = 0; i < m->import_count; i++)
        if (m->imports[i].kind == ENG_EXTERN_MEMORY)
            m->memories[next++] = m->imports[i].memory;
    return true;
}

static bool init_globals(eng_module *m, eng_reader *r, uint32_t defined)
{
    TRY(m->global_types = alloc_array(r, (size_t)m->imported_global_count + defined, sizeof *m->global_types));
    m->global_count = m->imported_global_count + defined;
    uint32_t next = 0;
    for (uint32_t i = 0; i < m->import_count; i++)
        if (m->imports[i].kind == ENG_EXTERN_GLOBAL)
            m->global_types[next++] = m->imports[i].global;
    return true;
}

static bool init_functions(eng_module *m, eng_reader *r)
{
    uint32_t count = m->imported_func_count + m->func_def_count;
    TRY(m->func_type_indices = alloc_array(r, count, sizeof *m->func_type_indices));
    m->func_count = count;
    uint32_t next = 0;
    for (uint32_t i = 0; i < m->import_count; i++)
        if (m->imports[i].kind == ENG_EXTERN_FUNC)
            m->func_type_indices[next++] = m->imports[i].type_index;
    for (uint32_t i = 0; i < m->func_def_count; i++)
        m->func_type_indices[next++] = m->func_defs[i].type_index;
    return true;
}

static bool decode_tables(decoder *d, eng_reader *r)
{
    eng_module *m = d->module;
    uint32_t count;
    TRY(read_count(r, &count));
    TRY(init_tables(m, r, count));
    for (uint32_t i = 0; i < count; i++)
        TRY(read_tabletype(r, &m->tables[m->imported_table_count + i]));
    return true;
}

static bool decode_memories(decoder *d, eng_reader *r)
{
    eng_module *m = d->module;
    uint32_t count;
    TRY(read_count(r, &count));
    TRY(init_memories(m, r, count));
    for (uint32_t i = 0; i < count; i++)
        TRY(read_limits(r, &m->memories[m->imported_memory_count + i].limits));
    return true;
}

static bool decode_globals(decoder *d, eng_reader *r)
{
    eng_module *m = d->module;
    uint32_t count;
    TRY(read_count(r, &count));
    TRY(init_globals(m, r, count));
    TRY(m->global_defs = alloc_array(r, count, sizeof *m->global_defs));
    m->global_def_count = count;
    for (uint32_t i = 0; i < count; i++) {
        eng_global_def *global = &m->global_defs[i];
        TRY(read_globaltype(r, &global->type));
        TRY(read_constexpr(r, &global->init));
        m->global_types[m->imported_global_count + i] = global->type;
    }
    return true;
}

static bool decode_exports(decoder *d, eng_reader *r)
{
    eng_module *m = d->module;
    uint32_t count;
    TRY(read_count(r, &count));
    TRY(m->exports = alloc_array(r, count, sizeof *m->exports));
    m->export_count = count;
    for (uint32_t i = 0; i < count; i++) {
        eng_export *export = &m->exports[i];
        TRY(read_name(r, &export->name));
        const uint8_t *at = r->pos;
        uint8_t kind;
        TRY(read_u8(r, &kind));
        if (kind > ENG_EXTERN_GLOBAL)
            return reader_fail_at(r, at, "malformed export kind");
        export->kind = (eng_externkind)kind;
        TRY(read_u32_leb(r, &export->index));
    }
    return true;
}

static bool decode_start(decoder *d, eng_reader *r)
{
    TRY(read_u32_leb(r, &d->module->start_func));
    d->module->has_start = true;
    return true;
}

/*
 * Element segments. The flags value selects one of eight encodings:
 *   bit 0: passive or declarative (else active)
 *   bit 1: active: explicit table index; otherwise: declarative (else passive)
 *   bit 2: items are constant expressions (else function indices)
 * An element kind byte (function indices) or reference type (expressions) is present
 * unless the encoding is an active one for table 0 (flags 0 and 4), which imply funcref.
 */
static bool decode_elements(decoder *d, eng_reader *r)
{
    eng_module *m = d->module;
    uint32_t count;
    TRY(read_count(r, &count));
    TRY(m->elems = alloc_array(r, count, sizeof *m->elems));
    m->elem_count = count;
    for (uint32_t i = 0; i < count; i++) {
        eng_elem_segment *segment = &m->elems[i];
        const uint8_t *at = r->pos;
        uint32_t flags;
        TRY(read_u32_leb(r, &flags));
        if (flags > 7)
            return reader_fail_at(r, at, "malformed elements segment kind");
        bool uses_expressions = flags & 4;
        if (!(flags & 1)) {
            segment->mode = ENG_SEGMENT_ACTIVE;
            if (flags & 2)
                TRY(read_u32_leb(r, &segment->table_index));
            TRY(read_constexpr(r, &segment->offset));
        } else {
            segment->mode = flags & 2 ? ENG_SEGMENT_DECLARATIVE : ENG_SEGMENT_PASSIVE;
        }
        segment->type = ENG_FUNCREF;
        if (flags & 3) {
            if (uses_expressions) {
                TRY(read_reftype(r, &segment->type));
            } else {
                const uint8_t *kind_at = r->pos;
                uint8_t element_kind;
                TRY(read_u8(r, &element_kind));
                if (element_kind != 0x00)
                    return reader_fail_at(r, kind_at, "malformed element kind");
            }
        }
        uint32_t item_count;
        TRY(read_count(r, &item_count));
        TRY(segment->items = alloc_array(r, item_count, sizeof *segment->items));
        segment->item_count = item_count;
        for (uint32_t k = 0; k < item_count; k++) {
            eng_constexpr *item = &segment->items[k];
            if (uses_expressions) {
                TRY(read_constexpr(r, item));
            } else {
                item->kind = ENG_CONST_REF_FUNC;
                item->type = ENG_FUNCREF;
                item->offset = reader_offset(r);
                TRY(read_u32_leb(r, &item->index));
            }
        }
    }
    return true;
}

static bool decode_data_count(decoder *d, eng_reader *r)
{
    TRY(read_u32_leb(r, &d->module->data_count));
    d->module->has_data_count = true;
    return true;
}

/* A function body: local declarations (count, type) pairs, then the instructions. */
static bool decode_body(eng_reader *r, eng_func_def *function)
{
    uint32_t group_count;
    TRY(read_count(r, &group_count));
    /* First pass: add up the locals before allocating one entry per local. */
    const uint8_t *groups = r->pos;
    uint64_t total = 0;
    for (uint32_t g = 0; g < group_count; g++) {
        const uint8_t *at = r->pos;
        uint32_t n;
        eng_valtype type;
        TRY(read_u32_leb(r, &n));
        TRY(read_valtype(r, &type));
        total += n;
        if (total > ENG_MAX_FUNCTION_LOCALS)
            return reader_fail_at(r, at, "too many locals");
    }
    r->pos = groups;
    TRY(function->body_local_types = alloc_array(r, total, sizeof *function->body_local_types));
    function->body_local_count = (uint32_t)total;
    uint32_t next = 0;
    for (uint32_t g = 0; g < group_count; g++) {
        uint32_t n;
        eng_valtype type;
        TRY(read_u32_leb(r, &n));
        TRY(read_valtype(r, &type));
        for (uint32_t k = 0; k < n; k++)
            function->body_local_types[next++] = type;
    }
    if (reader_at_end(r))
        return reader_fail(r, r->eof_message);
    if (r->end[-1] != eng_wasm_instructions[ENG_WASM_END].code)
        return reader_fail_at(r, r->end - 1, "END opcode expected");
    function->body = r->pos;
    function->body_size = (uint32_t)reader_remaining(r);
    function->body_offset = reader_offset(r);
    r->pos = r->end;
    return true;
}

static bool decode_code(decoder *d, eng_reader *r)
{
    eng_module *m = d->module;
    const uint8_t *at = r->pos;
    uint32_t count;
    TRY(read_count(r, &count));
    if (count != m->func_def_count)
        return reader_fail_at(r, at, "function and code section have inconsistent lengths");
    d->has_code_section = true;
    for (uint32_t i = 0; i < count; i++) {
        d->function_index = (int64_t)m->imported_func_count + i;
        uint32_t size;
        TRY(read_u32_leb(r, &size));
        if (size > reader_remaining(r))
            return reader_fail(r, r->eof_message);
        eng_reader body = reader_sub(r, size);
        if (!decode_body(&body, &m->func_defs[i])) {
            *r = body;
            return false;
        }
        r->pos = body.end;
    }
    d->function_index = -1;
    return true;
}

static bool decode_data(decoder *d, eng_reader *r)
{
    eng_module *m = d->module;
    const uint8_t *at = r->pos;
    uint32_t count;
    TRY(read_count(r, &count));
    if (m->has_data_count && count != m->data_count)
        return reader_fail_at(r, at, "data count and data section have inconsistent lengths");
    d->has_data_section = true;
    TRY(m->datas = alloc_array(r, count, sizeof *m->datas));
    m->data_segment_count = count;
    for (uint32_t i = 0; i < count; i++) {
        eng_data_segment *segment = &m->datas[i];
        const uint8_t *flags_at = r->pos;
        uint32_t flags;
        TRY(read_u32_leb(r, &flags));
        switch (flags) {
        case 0:
            segment->mode = ENG_SEGMENT_ACTIVE;
            TRY(read_constexpr(r, &segment->offset));
            break;
        case 1: segment->mode = ENG_SEGMENT_PASSIVE; break;
        case 2:
            segment->mode = ENG_SEGMENT_ACTIVE;
            TRY(read_u32_leb(r, &segment->memory_index));
            TRY(read_constexpr(r, &segment->offset));
            break;
        default: return reader_fail_at(r, flags_at, "malformed data segment kind");
        }
        TRY(read_u32_leb(r, &segment->size));
        TRY(read_bytes(r, segment->size, &segment->bytes));
    }
    return true;
}

static bool decode_custom(decoder *d, eng_reader *r)
{
    eng_module *m = d->module;
    eng_custom_section section = {0};
    TRY(read_name(r, &section.name));
    section.offset = reader_offset(r);
    section.size = (uint32_t)reader_remaining(r);
    if (m->custom_section_count == d->custom_capacity) {
        uint32_t capacity = d->custom_capacity ? d->custom_capacity * 2 : 4;
        eng_custom_section *grown = realloc(m->custom_sections, capacity * sizeof *grown);
        if (!grown) {
            free(section.name.data);
            return reader_fail(r, "out of memory");
        }
        m->custom_sections = grown;
        d->custom_capacity = capacity;
    }
    m->custom_sections[m->custom_section_count++] = section;
    if (!d->name_section && section.name.length == 4 && memcmp(section.name.data, "name", 4) == 0) {
        d->name_section = r->pos;
        d->name_section_size = reader_remaining(r);
    }
    r->pos = r->end;
    return true;
}

/*
 * The "name" custom section: subsections (id, size, contents); 0 names the module, 1 the
 * functions. The spec makes errors here non-fatal, so reading just stops at the first one.
 */
static void set_name(eng_name *slot, eng_name name)
{
    free(slot->data);
    *slot = name;
}

static void decode_name_section(eng_module *m, const uint8_t *payload, size_t size)
{
    eng_reader r = reader_make(m->bytes, payload, payload + size);
    while (!reader_at_end(&r)) {
        uint8_t id;
        uint32_t subsection_size;
        if (!read_u8(&r, &id) || !read_u32_leb(&r, &subsection_size) || subsection_size > reader_remaining(&r))
            return;
        eng_reader sub = reader_sub(&r, subsection_size);
        r.pos += subsection_size;
        if (id == 0) {
            eng_name name;
            if (!read_name(&sub, &name))
                return;
            set_name(&m->module_name, name);
        } else if (id == 1) {
            uint32_t count;
            if (!read_count(&sub, &count))
                return;
            for (uint32_t i = 0; i < count; i++) {
                uint32_t index;
                eng_name name;
                if (!read_u32_leb(&sub, &index) || !read_name(&sub, &name))
                    return;
                if (index < m->imported_func_count && m->imported_func_names)
                    set_name(&m->imported_func_names[index], name);
                else if (index >= m->imported_func_count && index < m->func_count)
                    set_name(&m->func_defs[index - m->imported_func_count].name, name);
                else
                    free(name.data);
            }
        }
    }
}

static bool decode_section(decoder *d, eng_reader *r, int id)
{
    switch (id) {
    case ENG_SECTION_CUSTOM: return decode_custom(d, r);
    case ENG_SECTION_TYPE: return decode_types(d, r);
    case ENG_SECTION_IMPORT: return decode_imports(d, r);
    case ENG_SECTION_FUNCTION: return decode_functions(d, r);
    case ENG_SECTION_TABLE: return decode_tables(d, r);
    case ENG_SECTION_MEMORY: return decode_memories(d, r);
    case ENG_SECTION_GLOBAL: return decode_globals(d, r);
    case ENG_SECTION_EXPORT: return decode_exports(d, r);
    case ENG_SECTION_START: return decode_start(d, r);
    case ENG_SECTION_ELEMENT: return decode_elements(d, r);
    case ENG_SECTION_CODE: return decode_code(d, r);
    case ENG_SECTION_DATA: return decode_data(d, r);
    case ENG_SECTION_DATA_COUNT: return decode_data_count(d, r);
    default: return reader_fail(r, "malformed section id");
    }
}

static const uint8_t wasm_magic[4] = {0x00, 0x61, 0x73, 0x6D};
static const uint8_t wasm_version[4] = {0x01, 0x00, 0x00, 0x00};

/* Reads the whole module; on failure *r holds the reason and d->section_id where. */
static bool decode_module(decoder *d, eng_reader *r)
{
    eng_module *m = d->module;
    const uint8_t *bytes;
    if (reader_remaining(r) < 4)
        return reader_fail(r, "unexpected end");
    if (memcmp(r->pos, wasm_magic, 4) != 0)
        return reader_fail(r, "magic header not detected");
    r->pos += 4;
    TRY(read_bytes(r, 4, &bytes));
    if (memcmp(bytes, wasm_version, 4) != 0)
        return reader_fail_at(r, bytes, "unknown binary version");

    int last_rank = 0;
    while (!reader_at_end(r)) {
        const uint8_t *section_start = r->pos;
        uint8_t id;
        TRY(read_u8(r, &id));
        if (id > ENG_SECTION_DATA_COUNT)
            return reader_fail_at(r, section_start, "malformed section id");
        d->section_id = id;
        uint32_t size;
        TRY(read_u32_leb(r, &size));
        if (size > reader_remaining(r))
            return reader_fail_at(r, section_start, "length out of bounds");
        if (id != ENG_SECTION_CUSTOM) {
            /* Known sections appear at most once, in order; anything else is trailing junk. */
            if (section_rank[id] <= last_rank)
                return reader_fail_at(r, section_start,
                                      "unexpected content after last section (each section may appear once, in order)");
            last_rank = section_rank[id];
        }
        eng_reader section = reader_sub(r, size);
        section.eof_message = "unexpected end of section or function";
        bool ok = decode_section(d, &section, id);
        if (ok && !reader_at_end(&section))
            ok = reader_fail(&section, "section size mismatch");
        if (!ok) {
            *r = section;
            return false;
        }
        r->pos = section.end;
        d->section_id = -1;
    }

    if (!d->has_code_section && m->func_def_count != 0)
        return reader_fail(r, "function and code section have inconsistent lengths");
    if (m->has_data_count && !d->has_data_section && m->data_count != 0)
        return reader_fail(r, "data count and data section have inconsistent lengths");

    if (!m->tables && m->imported_table_count)
        TRY(init_tables(m, r, 0));
    if (!m->memories && m->imported_memory_count)
        TRY(init_memories(m, r, 0));
    if (!m->global_types && m->imported_global_count)
        TRY(init_globals(m, r, 0));
    TRY(init_functions(m, r));
    if (m->imported_func_count)
        TRY(m->imported_func_names = alloc_array(r, m->imported_func_count, sizeof *m->imported_func_names));
    if (d->name_section)
        decode_name_section(m, d->name_section, d->name_section_size);
    return true;
}

eng_error *eng_module_decode(const uint8_t *bytes, size_t size, eng_module **out)
{
    *out = NULL;
    if (size > UINT32_MAX)
        return eng_error_new("module is too large: %zu bytes (at most 4 GiB - 1 supported)", size);
    eng_module *m = calloc(1, sizeof *m);
    if (!m)
        return eng_error_new("out of memory while decoding a module of %zu bytes", size);
    m->reference_count = 1;
    m->bytes = malloc(size ? size : 1);
    if (!m->bytes) {
        free(m);
        return eng_error_new("out of memory while decoding a module of %zu bytes", size);
    }
    if (size)
        memcpy(m->bytes, bytes, size);
    m->size = size;

    decoder d = {.module = m, .section_id = -1, .function_index = -1};
    eng_reader r = reader_make(m->bytes, m->bytes, m->bytes + size);
    if (decode_module(&d, &r)) {
        *out = m;
        return NULL;
    }
    eng_error *error;
    const char *reason = r.error ? r.error : "malformed module";
    if (d.section_id < 0)
        error = eng_error_new("at offset 0x%x: %s", r.error_offset, reason);
    else if (d.function_index >= 0)
        error = eng_error_new("section %d (%s), function %lld at offset 0x%x: %s", d.section_id,
                              section_names[d.section_id], (long long)d.function_index, r.error_offset, reason);
    else
        error = eng_error_new("section %d (%s) at offset 0x%x: %s", d.section_id, section_names[d.section_id],
                              r.error_offset, reason);
    eng_module_release(m);
    return error;
}
