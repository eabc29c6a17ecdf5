/* module.h: the in-memory form of a decoded (and later validated and compiled) WebAssembly module. */
#ifndef WH_MODULE_H
#define WH_MODULE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Value types carry their binary encoding as their value. */
typedef enum wh_valtype {
    WH_I32 = 0x7F,
    WH_I64 = 0x7E,
    WH_F32 = 0x7D,
    WH_F64 = 0x7C,
    WH_V128 = 0x7B,
    WH_FUNCREF = 0x70,
    WH_EXTERNREF = 0x6F,
} wh_valtype;

const char *valtype_name(wh_valtype type); /* "i32", "funcref", ... */
bool valtype_is_ref(wh_valtype type);

/* A name from the binary: UTF-8 (validated by the decoder), not NUL-free in general,
 * but always followed by a NUL terminator for convenience. */
typedef struct wh_name {
    char *data;
    uint32_t length;
} wh_name;

typedef struct wh_functype {
    uint32_t param_count;
    uint32_t result_count;
    wh_valtype *types; /* params then results: param_count + result_count entries */
    uint64_t hash;     /* of the whole signature, to make structural comparison cheap */
} wh_functype;

static inline const wh_valtype *functype_params(const wh_functype *type) { return type->types; }
static inline const wh_valtype *functype_results(const wh_functype *type) { return type->types + type->param_count; }
bool functype_equal(const wh_functype *a, const wh_functype *b);
void functype_compute_hash(wh_functype *type);

typedef struct wh_limits {
    uint64_t min;
    uint64_t max; /* meaningful only when has_max */
    bool has_max;
} wh_limits;

typedef struct wh_tabletype {
    wh_valtype element_type; /* WH_FUNCREF or WH_EXTERNREF */
    wh_limits limits;        /* in elements */
} wh_tabletype;

typedef struct wh_memtype {
    wh_limits limits; /* in 64 KiB pages */
} wh_memtype;

typedef struct wh_globaltype {
    wh_valtype type;
    bool is_mutable;
} wh_globaltype;

typedef enum wh_externkind {
    WH_EXTERN_FUNC = 0,
    WH_EXTERN_TABLE = 1,
    WH_EXTERN_MEMORY = 2,
    WH_EXTERN_GLOBAL = 3,
} wh_externkind;

const char *externkind_name(wh_externkind kind); /* "func", "table", "memory", "global" */

/* WebAssembly 2.0 constant expressions are a single instruction followed by `end`. */
typedef enum wh_constexpr_kind {
    WH_CONST_VALUE,      /* i32/i64/f32/f64.const: bits holds the value (f32 in the low 32 bits) */
    WH_CONST_GLOBAL_GET, /* index is a global index */
    WH_CONST_REF_FUNC,   /* index is a function index */
    WH_CONST_REF_NULL,   /* type is the reference type */
} wh_constexpr_kind;

typedef struct wh_constexpr {
    wh_constexpr_kind kind;
    wh_valtype type; /* the value type the instruction produces (for GLOBAL_GET: filled by validation) */
    uint64_t bits;
    uint32_t index;
    uint32_t offset; /* byte offset of the expression in the module, for error messages */
} wh_constexpr;

typedef struct wh_import {
    wh_name module;
    wh_name name;
    wh_externkind kind;
    union {
        uint32_t type_index; /* WH_EXTERN_FUNC */
        wh_tabletype table;
        wh_memtype memory;
        wh_globaltype global;
    };
} wh_import;

typedef struct wh_export {
    wh_name name;
    wh_externkind kind;
    uint32_t index; /* in the index space of its kind (imports first) */
} wh_export;

typedef struct wh_global_def {
    wh_globaltype type;
    wh_constexpr init;
} wh_global_def;

typedef enum wh_segment_mode {
    WH_SEGMENT_ACTIVE,
    WH_SEGMENT_PASSIVE,
    WH_SEGMENT_DECLARATIVE, /* element segments only */
} wh_segment_mode;

typedef struct wh_elem_segment {
    wh_segment_mode mode;
    uint32_t table_index; /* active only */
    wh_constexpr offset;  /* active only */
    wh_valtype type;      /* WH_FUNCREF or WH_EXTERNREF */
    uint32_t item_count;
    wh_constexpr *items; /* each a REF_FUNC, REF_NULL or GLOBAL_GET (function-index encodings become REF_FUNC) */
} wh_elem_segment;

typedef struct wh_data_segment {
    wh_segment_mode mode;
    uint32_t memory_index; /* active only */
    wh_constexpr offset;   /* active only */
    const uint8_t *bytes;  /* points into wh_module.bytes */
    uint32_t size;
} wh_data_segment;

typedef struct wh_custom_section {
    wh_name name;
    uint32_t offset; /* of the section's payload (after the name) in the module */
    uint32_t size;   /* of the payload */
} wh_custom_section;

struct wh_code; /* compiled function body: see code.h */

typedef struct wh_func_def {
    uint32_t type_index;
    /* Locals declared in the body, excluding parameters. Expanded: one entry per local. */
    uint32_t local_count;
    wh_valtype *local_types;
    /* The instruction sequence: from the first instruction after the local declarations
     * to (and including) the final `end`. Points into wh_module.bytes. */
    const uint8_t *body;
    uint32_t body_size;
    uint32_t body_offset; /* byte offset of `body` in the module, for errors and backtraces */
    wh_name name;         /* from the name section; data == NULL when absent */
    struct wh_code *code; /* filled by module_validate (compile.c) */
} wh_func_def;

typedef struct wh_module {
    uint8_t *bytes; /* owned copy of the binary; every pointer into the binary points here */
    size_t size;

    uint32_t type_count;
    wh_functype *types;

    uint32_t import_count;
    wh_import *imports;
    /* Counts of imports per kind: the first imported_X_count entries of each index space. */
    uint32_t imported_func_count, imported_table_count, imported_memory_count, imported_global_count;

    /* Index spaces (imports first, then definitions), filled by the decoder for convenience. */
    uint32_t func_count;           /* imports + definitions */
    uint32_t *func_type_indices;   /* func_count entries: type index of every function */
    uint32_t table_count;
    wh_tabletype *tables;          /* table_count entries: imported then defined */
    uint32_t memory_count;
    wh_memtype *memories;          /* memory_count entries */
    uint32_t global_count;
    wh_globaltype *global_types;   /* global_count entries */

    uint32_t func_def_count;
    wh_func_def *func_defs; /* defined functions: function index = imported_func_count + i */

    uint32_t global_def_count;
    wh_global_def *global_defs; /* defined globals: global index = imported_global_count + i */

    uint32_t export_count;
    wh_export *exports;

    bool has_start;
    uint32_t start_func;

    uint32_t elem_count;
    wh_elem_segment *elems;

    bool has_data_count;
    uint32_t data_count; /* from the data count section when present */
    uint32_t data_segment_count;
    wh_data_segment *datas;

    uint32_t custom_section_count;
    wh_custom_section *custom_sections;

    wh_name *imported_func_names; /* imported_func_count entries from the name section (data NULL when absent) */
    wh_name module_name;          /* from the name section; data NULL when absent */

    /* Computed by validation: functions that may be referenced by ref.func in bodies
     * (those named in element segments, exports and global initialisers). func_count bits. */
    uint8_t *declared_funcs;

    /* Instances (and embedders) hold references: freed when it drops to zero. Atomic: a module
     * is shared by the threads that instantiate it; nothing else in it changes after loading. */
    _Atomic int reference_count;
} wh_module;

/* decode.c: parses the binary (copies it). On error, *out is NULL and the error names
 * the section, the byte offset and the reason. Does not validate function bodies. */
wh_error *module_decode(const uint8_t *bytes, size_t size, wh_module **out);

/* validate.c: module-level validation, then compile_function() on every body.
 * After success every func_defs[i].code is set. */
wh_error *module_validate(wh_module *module);

/* decode + validate + compile, the one call loaders use. */
wh_error *module_load(const uint8_t *bytes, size_t size, wh_module **out);

void module_retain(wh_module *module);
void module_release(wh_module *module); /* frees at zero (module_decode returns a count of 1) */

/* Type of function `func_index` (imports included). */
static inline const wh_functype *module_func_type(const wh_module *module, uint32_t func_index)
{
    return &module->types[module->func_type_indices[func_index]];
}

/* Name of a function for backtraces: the name section's, else NULL. */
const wh_name *module_func_name(const wh_module *module, uint32_t func_index);

#endif
