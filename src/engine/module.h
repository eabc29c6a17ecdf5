/* module.h: the in-memory form of a decoded (and later validated and compiled) WebAssembly module. */
#ifndef ENG_MODULE_H
#define ENG_MODULE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

/* Value types carry their binary encoding as their value. */
typedef enum eng_valtype {
    ENG_I32 = 0x7F,
    ENG_I64 = 0x7E,
    ENG_F32 = 0x7D,
    ENG_F64 = 0x7C,
    ENG_V128 = 0x7B,
    ENG_FUNCREF = 0x70,
    ENG_EXTERNREF = 0x6F,
} eng_valtype;

const char *eng_valtype_name(eng_valtype type); /* "i32", "funcref", ... */
bool eng_valtype_is_ref(eng_valtype type);

/* Values live in 8-byte slots (code.h); a v128 takes two consecutive ones, its bytes 0-7 in the
 * first. Wherever values sit side by side (parameters, results, locals, the operand stack),
 * each takes its own width. */
static inline uint32_t eng_valtype_slots(eng_valtype type) { return type == ENG_V128 ? 2 : 1; }
static inline uint32_t eng_values_slots(const eng_valtype *types, uint32_t count)
{
    uint32_t slots = count;
    for (uint32_t i = 0; i < count; i++)
        slots += types[i] == ENG_V128;
    return slots;
}

/* A name from the binary: UTF-8 (validated by the decoder), not NUL-free in general,
 * but always followed by a NUL terminator for convenience. */
typedef struct eng_name {
    char *data;
    uint32_t length;
} eng_name;

typedef struct eng_functype {
    uint32_t param_count;
    uint32_t result_count;
    eng_valtype *types;                 /* params then results: param_count + result_count entries */
    uint64_t hash;                      /* of the whole signature, to make structural comparison cheap */
    uint32_t param_slots, result_slots; /* the slots they take (eng_valtype_slots) */
} eng_functype;

static inline const eng_valtype *eng_functype_params(const eng_functype *type) { return type->types; }
static inline const eng_valtype *eng_functype_results(const eng_functype *type)
{
    return type->types + type->param_count;
}
bool eng_functype_equal(const eng_functype *a, const eng_functype *b);
/* Fills in what follows from the types: the hash and the slot counts. */
void eng_functype_complete(eng_functype *type);

/* ---- as text (text.c): the one writer of each, for the engine's messages and wasmhost's tools ---- */

/* A name double-quoted, bytes that would garble a terminal or hide (control characters, quotes,
 * backslashes) as \hh as in the text format; past `max_length` bytes, "..." (SIZE_MAX: all). */
void eng_name_write(FILE *out, const char *data, size_t length, size_t max_length);
/* A function type as "func [i32 i64] -> [f32]". */
void eng_functype_write(FILE *out, const eng_functype *type);
/* The same for any representation of a function type: name_at(type, i) names value i of the
 * parameters followed by the results. */
typedef const char *eng_value_name_at(const void *type, size_t index);
void eng_functype_write_with(FILE *out, const void *type, size_t param_count, size_t result_count,
                             eng_value_name_at *name_at);
/* The eng_value_name_at of an eng_functype. */
const char *eng_functype_value_name(const void *type, size_t index);

typedef struct eng_limits {
    uint64_t min;
    uint64_t max; /* meaningful only when has_max */
    bool has_max;
} eng_limits;

typedef struct eng_tabletype {
    eng_valtype element_type; /* ENG_FUNCREF or ENG_EXTERNREF */
    eng_limits limits;        /* in elements */
} eng_tabletype;

typedef struct eng_memtype {
    eng_limits limits; /* in 64 KiB pages */
} eng_memtype;

typedef struct eng_globaltype {
    eng_valtype type;
    bool is_mutable;
} eng_globaltype;

typedef enum eng_externkind {
    ENG_EXTERN_FUNC = 0,
    ENG_EXTERN_TABLE = 1,
    ENG_EXTERN_MEMORY = 2,
    ENG_EXTERN_GLOBAL = 3,
} eng_externkind;

const char *eng_externkind_name(eng_externkind kind); /* "func", "table", "memory", "global" */

/* WebAssembly 2.0 constant expressions are a single instruction followed by `end`. */
typedef enum eng_constexpr_kind {
    ENG_CONST_VALUE,      /* i32/i64/f32/f64/v128.const: bits holds the value (f32 in the low 32 bits;
                             v128: bytes 0-7, bits_high bytes 8-15) */
    ENG_CONST_GLOBAL_GET, /* index is a global index */
    ENG_CONST_REF_FUNC,   /* index is a function index */
    ENG_CONST_REF_NULL,   /* type is the reference type */
} eng_constexpr_kind;

typedef struct eng_constexpr {
    eng_constexpr_kind kind;
    eng_valtype type; /* the value type the instruction produces (for GLOBAL_GET: filled by validation) */
    uint64_t bits, bits_high;
    uint32_t index;
    uint32_t offset; /* byte offset of the expression in the module, for error messages */
} eng_constexpr;

typedef struct eng_import {
    eng_name module;
    eng_name name;
    eng_externkind kind;
    union {
        uint32_t type_index; /* ENG_EXTERN_FUNC */
        eng_tabletype table;
        eng_memtype memory;
        eng_globaltype global;
    };
} eng_import;

typedef struct eng_export {
    eng_name name;
    eng_externkind kind;
    uint32_t index; /* in the index space of its kind (imports first) */
} eng_export;

typedef struct eng_global_def {
    eng_globaltype type;
    eng_constexpr init;
} eng_global_def;

typedef enum eng_segment_mode {
    ENG_SEGMENT_ACTIVE,
    ENG_SEGMENT_PASSIVE,
    ENG_SEGMENT_DECLARATIVE, /* element segments only */
} eng_segment_mode;

typedef struct eng_elem_segment {
    eng_segment_mode mode;
    uint32_t table_index; /* active only */
    eng_constexpr offset; /* active only */
    eng_valtype type;     /* ENG_FUNCREF or ENG_EXTERNREF */
    uint32_t item_count;
    eng_constexpr *items; /* each a REF_FUNC, REF_NULL or GLOBAL_GET (function-index encodings become REF_FUNC) */
} eng_elem_segment;

typedef struct eng_data_segment {
    eng_segment_mode mode;
    uint32_t memory_index; /* active only */
    eng_constexpr offset;  /* active only */
    const uint8_t *bytes;  /* points into eng_module.bytes */
    uint32_t size;
} eng_data_segment;

typedef struct eng_custom_section {
    eng_name name;
    uint32_t offset; /* of the section's payload (after the name) in the module */
    uint32_t size;   /* of the payload */
} eng_custom_section;

struct eng_code; /* compiled function body: see code.h */

typedef struct eng_func_def {
    uint32_t type_index;
    /* The locals declared in the body, one entry per local (parameters not included: elsewhere
     * local_count means parameters plus these, as local.get numbers them). */
    uint32_t body_local_count;
    eng_valtype *body_local_types;
    /* The instruction sequence: from the first instruction after the local declarations
     * to (and including) the final `end`. Points into eng_module.bytes. */
    const uint8_t *body;
    uint32_t body_size;
    uint32_t body_offset;  /* byte offset of `body` in the module, for errors and backtraces */
    eng_name name;         /* from the name section; data == NULL when absent */
    struct eng_code *code; /* filled by eng_module_validate (compile.c) */
} eng_func_def;

typedef struct eng_module {
    uint8_t *bytes; /* owned copy of the binary; every pointer into the binary points here */
    size_t size;

    uint32_t type_count;
    eng_functype *types;

    uint32_t import_count;
    eng_import *imports;
    /* Counts of imports per kind: the first imported_X_count entries of each index space. */
    uint32_t imported_func_count, imported_table_count, imported_memory_count, imported_global_count;

    /* Index spaces (imports first, then definitions), filled by the decoder for convenience. */
    uint32_t func_count;         /* imports + definitions */
    uint32_t *func_type_indices; /* func_count entries: type index of every function */
    uint32_t table_count;
    eng_tabletype *tables; /* table_count entries: imported then defined */
    uint32_t memory_count;
    eng_memtype *memories; /* memory_count entries */
    uint32_t global_count;
    eng_globaltype *global_types; /* global_count entries */

    uint32_t func_def_count;
    eng_func_def *func_defs; /* defined functions: function index = imported_func_count + i */

    uint32_t global_def_count;
    eng_global_def *global_defs; /* defined globals: global index = imported_global_count + i */

    uint32_t export_count;
    eng_export *exports;

    bool has_start;
    uint32_t start_func;

    uint32_t elem_count;
    eng_elem_segment *elems;

    bool has_data_count;
    uint32_t data_count; /* from the data count section when present */
    uint32_t data_segment_count;
    eng_data_segment *datas;

    uint32_t custom_section_count;
    eng_custom_section *custom_sections;

    eng_name *imported_func_names; /* imported_func_count entries from the name section (data NULL when absent) */
    eng_name module_name;          /* from the name section; data NULL when absent */

    /* Computed by validation: functions that may be referenced by ref.func in bodies
     * (those named in element segments, exports and global initialisers). func_count bits. */
    uint8_t *declared_funcs;

    /* Native code for its functions (native.h), attached at most once and kept until the module
     * is freed; instances made after it was attached run it. NULL: interpreted only. */
    struct eng_native_image *_Atomic native;

    /* memory_image.h: memory 0's copy-on-write image, built on the first instantiation, and
     * what every instance's memory 0 starts with when that is the same for all of them
     * (eng_module_memory_contents). Set before memory_image_state leaves UNKNOWN (release/acquire). */
    struct eng_memory_image *memory_image;
    bool memory_contents_constant;
    uint64_t memory_contents_id;
    size_t memory_contents_end;
    _Atomic int memory_image_state; /* ENG_MEMORY_IMAGE_UNKNOWN (zero), _NONE or _READY */

    /* Instances (and embedders) hold references: freed when it drops to zero. Atomic: a module
     * is shared by the threads that instantiate it; nothing else in it changes after loading. */
    _Atomic int reference_count;
} eng_module;

enum { ENG_MEMORY_IMAGE_UNKNOWN, ENG_MEMORY_IMAGE_NONE, ENG_MEMORY_IMAGE_READY };

/* decode.c: parses the binary (copies it). On error, *out is NULL and the error names
 * the section, the byte offset and the reason. Does not validate function bodies. */
eng_error *eng_module_decode(const uint8_t *bytes, size_t size, eng_module **out);

/* validate.c: module-level validation, then eng_compile_function() on every body.
 * After success every func_defs[i].code is set. */
eng_error *eng_module_validate(eng_module *module);

/* decode + validate + compile, the one call loaders use. */
eng_error *eng_module_load(const uint8_t *bytes, size_t size, eng_module **out);

void eng_module_retain(eng_module *module);
void eng_module_release(eng_module *module); /* frees at zero (eng_module_decode returns a count of 1) */

/* Type of function `func_index` (imports included). */
static inline const eng_functype *eng_module_func_type(const eng_module *module, uint32_t func_index)
{
    return &module->types[module->func_type_indices[func_index]];
}

/* Name of a function for backtraces: the name section's, else NULL. */
const eng_name *eng_module_func_name(const eng_module *module, uint32_t func_index);

#endif
