/* validate.c: module-level validation (WebAssembly 2.0), then validation and compilation of every function body. */
#include "module.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "code.h"

#define ENG_MAX_MEMORY_PAGES 65536u

static eng_error *check_type_index(const eng_module *m, uint32_t type_index, const char *where)
{
    if (type_index >= m->type_count)
        return eng_error_new("%s: unknown type %u (the module has %u types)", where, type_index, m->type_count);
    return NULL;
}

static eng_error *check_limits(const eng_limits *limits, const char *where)
{
    if (limits->has_max && limits->min > limits->max)
        return eng_error_new("%s: size minimum must not be greater than maximum (%llu > %llu)", where,
                             (unsigned long long)limits->min, (unsigned long long)limits->max);
    return NULL;
}

static eng_error *check_memtype(const eng_memtype *type, const char *where)
{
    const eng_limits *limits = &type->limits;
    if (limits->min > ENG_MAX_MEMORY_PAGES || (limits->has_max && limits->max > ENG_MAX_MEMORY_PAGES))
        return eng_error_new("%s: memory size must be at most 65536 pages (4GiB)", where);
    return check_limits(limits, where);
}

static void mark_declared(eng_module *m, uint32_t func_index)
{
    if (func_index < m->func_count)
        m->declared_funcs[func_index / 8] |= (uint8_t)(1u << (func_index % 8));
}

/*
 * A constant expression must produce `expected`. global.get may only read imported immutable
 * globals (2.0: the context for constant expressions holds just the imported globals, and
 * only immutable globals are constant). Fills in the type of global.get and records ref.func
 * targets as declared.
 */
static eng_error *check_constexpr(eng_module *m, eng_constexpr *e, eng_valtype expected, const char *where)
{
    switch (e->kind) {
    case ENG_CONST_VALUE:
    case ENG_CONST_REF_NULL: break;
    case ENG_CONST_REF_FUNC:
        if (e->index >= m->func_count)
            return eng_error_new("%s at offset 0x%x: unknown function %u", where, e->offset, e->index);
        mark_declared(m, e->index);
        break;
    case ENG_CONST_GLOBAL_GET:
        if (e->index >= m->imported_global_count)
            return eng_error_new("%s at offset 0x%x: unknown global %u (constant expressions may only read "
                                 "imported globals, and the module imports %u)",
                                 where, e->offset, e->index, m->imported_global_count);
        if (m->global_types[e->index].is_mutable)
            return eng_error_new("%s at offset 0x%x: constant expression required (global %u is mutable)", where,
                                 e->offset, e->index);
        e->type = m->global_types[e->index].type;
        break;
    }
    if (e->type != expected)
        return eng_error_new("%s at offset 0x%x: type mismatch: expected %s, found %s", where, e->offset,
                             eng_valtype_name(expected), eng_valtype_name(e->type));
    return NULL;
}

static const char *export_kind_noun(eng_externkind kind)
{
    switch (kind) {
    case ENG_EXTERN_FUNC: return "function";
    case ENG_EXTERN_TABLE: return "table";
    case ENG_EXTERN_MEMORY: return "memory";
    case ENG_EXTERN_GLOBAL: return "global";
    }
    return "item";
}

static int compare_export_names(const void *a, const void *b)
{
    const eng_export *x = *(const eng_export *const *)a, *y = *(const eng_export *const *)b;
    uint32_t common = x->name.length < y->name.length ? x->name.length : y->name.length;
    int order = memcmp(x->name.data, y->name.data, common);
    if (order)
        return order;
    return (x->name.length > y->name.length) - (x->name.length < y->name.length);
}

static eng_error *validate_exports(eng_module *m)
{
    for (uint32_t i = 0; i < m->export_count; i++) {
        eng_export *export = &m->exports[i];
        uint32_t limit = 0;
        switch (export->kind) {
        case ENG_EXTERN_FUNC: limit = m->func_count; break;
        case ENG_EXTERN_TABLE: limit = m->table_count; break;
        case ENG_EXTERN_MEMORY: limit = m->memory_count; break;
        case ENG_EXTERN_GLOBAL: limit = m->global_count; break;
        }
        if (export->index >= limit)
            return eng_error_new("export \"%s\": unknown %s %u", export->name.data, export_kind_noun(export->kind),
                                 export->index);
        if (export->kind == ENG_EXTERN_FUNC)
            mark_declared(m, export->index);
    }
    /* Sort pointers by name to find duplicates in n log n. */
    if (m->export_count < 2)
        return NULL;
    eng_export **sorted = malloc(m->export_count * sizeof *sorted);
    if (!sorted)
        return eng_error_new("out of memory while validating %u exports", m->export_count);
    for (uint32_t i = 0; i < m->export_count; i++)
        sorted[i] = &m->exports[i];
    qsort(sorted, m->export_count, sizeof *sorted, compare_export_names);
    eng_error *error = NULL;
    for (uint32_t i = 1; i < m->export_count && !error; i++)
        if (compare_export_names(&sorted[i - 1], &sorted[i]) == 0)
            error = eng_error_new("export \"%s\": duplicate export name", sorted[i]->name.data);
    free(sorted);
    return error;
}

static eng_error *validate_module_fields(eng_module *m)
{
    char where[96];
    eng_error *error;

    for (uint32_t i = 0; i < m->import_count; i++) {
        const eng_import *import = &m->imports[i];
        snprintf(where, sizeof where, "import %u (%s)", i, eng_externkind_name(import->kind));
        if (import->kind == ENG_EXTERN_FUNC && (error = check_type_index(m, import->type_index, where)))
            return error;
    }
    for (uint32_t i = 0; i < m->func_def_count; i++) {
        snprintf(where, sizeof where, "function %u", m->imported_func_count + i);
        if ((error = check_type_index(m, m->func_defs[i].type_index, where)))
            return error;
    }
    for (uint32_t i = 0; i < m->table_count; i++) {
        snprintf(where, sizeof where, "table %u", i);
        if ((error = check_limits(&m->tables[i].limits, where)))
            return error;
    }
    if (m->memory_count > 1)
        return eng_error_new(
            "multiple memories: the module has %u memories (imported and defined), WebAssembly 2.0 allows at most one",
            m->memory_count);
    for (uint32_t i = 0; i < m->memory_count; i++) {
        snprintf(where, sizeof where, "memory %u", i);
        if ((error = check_memtype(&m->memories[i], where)))
            return error;
    }
    for (uint32_t i = 0; i < m->global_def_count; i++) {
        eng_global_def *global = &m->global_defs[i];
        snprintf(where, sizeof where, "global %u initializer", m->imported_global_count + i);
        if ((error = check_constexpr(m, &global->init, global->type.type, where)))
            return error;
    }
    if ((error = validate_exports(m)))
        return error;
    if (m->has_start) {
        if (m->start_func >= m->func_count)
            return eng_error_new("start section: unknown function %u", m->start_func);
        const eng_functype *type = eng_module_func_type(m, m->start_func);
        if (type->param_count != 0 || type->result_count != 0)
            return eng_error_new("start section: start function %u must take no parameters and return no results",
                                 m->start_func);
    }
    for (uint32_t i = 0; i < m->elem_count; i++) {
        eng_elem_segment *segment = &m->elems[i];
        if (segment->mode == ENG_SEGMENT_ACTIVE) {
            if (segment->table_index >= m->table_count)
                return eng_error_new("element segment %u: unknown table %u", i, segment->table_index);
            snprintf(where, sizeof where, "element segment %u offset", i);
            if ((error = check_constexpr(m, &segment->offset, ENG_I32, where)))
                return error;
            eng_valtype table_type = m->tables[segment->table_index].element_type;
            if (table_type != segment->type)
                return eng_error_new("element segment %u: type mismatch: segment of %s for table %u of %s", i,
                                     eng_valtype_name(segment->type), segment->table_index,
                                     eng_valtype_name(table_type));
        }
        for (uint32_t k = 0; k < segment->item_count; k++) {
            snprintf(where, sizeof where, "element segment %u item %u", i, k);
            if ((error = check_constexpr(m, &segment->items[k], segment->type, where)))
                return error;
        }
    }
    for (uint32_t i = 0; i < m->data_segment_count; i++) {
        eng_data_segment *segment = &m->datas[i];
        if (segment->mode != ENG_SEGMENT_ACTIVE)
            continue;
        if (segment->memory_index >= m->memory_count)
            return eng_error_new("data segment %u: unknown memory %u", i, segment->memory_index);
        snprintf(where, sizeof where, "data segment %u offset", i);
        if ((error = check_constexpr(m, &segment->offset, ENG_I32, where)))
            return error;
    }
    return NULL;
}

eng_error *eng_module_validate(eng_module *m)
{
    /* C.refs: functions named outside function bodies (globals, elements, exports) may be
     * referenced with ref.func inside bodies; check_constexpr and validate_exports fill it. */
    free(m->declared_funcs);
    m->declared_funcs = calloc((size_t)m->func_count / 8 + 1, 1);
    if (!m->declared_funcs)
        return eng_error_new("out of memory while validating a module with %u functions", m->func_count);
    eng_error *error = validate_module_fields(m);
    if (error)
        return error;
    eng_compile_scratch *scratch = eng_compile_scratch_new();
    if (!scratch)
        return eng_error_new("out of memory while validating a module with %u functions", m->func_count);
    for (uint32_t i = 0; i < m->func_def_count && !error; i++) {
        eng_func_def *function = &m->func_defs[i];
        if (function->code) /* validated before */
            continue;
        eng_code *code = NULL;
        error = eng_compile_function(m, m->imported_func_count + i, scratch, &code);
        function->code = code;
    }
    eng_compile_scratch_free(scratch);
    return error;
}
