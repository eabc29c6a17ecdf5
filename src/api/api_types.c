/* api_types.c: value, function, global, table, memory, tag, extern, import and export types and their engine forms. */
/* Value and external kinds and function types as text, too: wh_valkind_name, wh_externkind_name, wh_functype_format. */
#include "api_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- value types ----
 * Value types carry nothing but their kind, so there is one shared object per kind: "new"
 * returns it, "copy" returns it again and "delete" does nothing. Ownership rules still hold
 * for the caller; they just cost nothing here. */

static wasm_valtype_t valtypes[] = {
    {WASM_I32}, {WASM_I64}, {WASM_F32}, {WASM_F64}, {WASM_EXTERNREF}, {WASM_FUNCREF}, {WH_V128},
};

static wasm_valtype_t *shared_valtype(wasm_valkind_t kind)
{
    for (size_t i = 0; i < sizeof valtypes / sizeof valtypes[0]; i++)
        if (valtypes[i].kind == kind)
            return &valtypes[i];
    return NULL;
}

wasm_valtype_t *wasm_valtype_new(wasm_valkind_t kind)
{
    wasm_valtype_t *type = shared_valtype(kind);
    if (!type)
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_valtype_new: %u is not a value kind", (unsigned)kind);
    return type;
}

wasm_valtype_t *wasm_valtype_copy(const wasm_valtype_t *type) { return type ? shared_valtype(type->kind) : NULL; }

void wasm_valtype_delete(wasm_valtype_t *type) { (void)type; }

wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t *type) { return type ? type->kind : WASM_I32; }

wasm_valkind_t api_valkind(eng_valtype type)
{
    switch (type) {
    case ENG_I32: return WASM_I32;
    case ENG_I64: return WASM_I64;
    case ENG_F32: return WASM_F32;
    case ENG_F64: return WASM_F64;
    case ENG_FUNCREF: return WASM_FUNCREF;
    case ENG_EXTERNREF: return WASM_EXTERNREF;
    case ENG_V128: return WH_V128;
    }
    return WASM_EXTERNREF; /* never reached: every eng_valtype is above */
}

bool api_valtype(wasm_valkind_t kind, eng_valtype *out)
{
    switch (kind) {
    case WASM_I32: *out = ENG_I32; return true;
    case WASM_I64: *out = ENG_I64; return true;
    case WASM_F32: *out = ENG_F32; return true;
    case WASM_F64: *out = ENG_F64; return true;
    case WASM_FUNCREF: *out = ENG_FUNCREF; return true;
    case WASM_EXTERNREF: *out = ENG_EXTERNREF; return true;
    case WH_V128: *out = ENG_V128; return true;
    }
    return false;
}

const char *wh_valkind_name(wasm_valkind_t kind)
{
    eng_valtype type;
    return api_valtype(kind, &type) ? eng_valtype_name(type) : "unknown kind";
}

const char *wh_externkind_name(wasm_externkind_t kind)
{
    switch (kind) {
    case WASM_EXTERN_FUNC: return eng_externkind_name(ENG_EXTERN_FUNC);
    case WASM_EXTERN_GLOBAL: return eng_externkind_name(ENG_EXTERN_GLOBAL);
    case WASM_EXTERN_TABLE: return eng_externkind_name(ENG_EXTERN_TABLE);
    case WASM_EXTERN_MEMORY: return eng_externkind_name(ENG_EXTERN_MEMORY);
    }
    return "unknown kind";
}

/* ---- function types ---- */

/* Takes the vector's contents and leaves it empty, so that a caller who deletes it anyway
 * (against the rules) frees nothing twice. */
static wasm_valtype_vec_t take_vec(wasm_valtype_vec_t *vec)
{
    wasm_valtype_vec_t taken = {0, NULL};
    if (vec) {
        taken = *vec;
        if (!taken.data)
            taken.size = 0;
        vec->size = 0;
        vec->data = NULL;
    }
    return taken;
}

static bool valtypes_present(const wasm_valtype_vec_t *vec)
{
    for (size_t i = 0; i < vec->size; i++)
        if (!vec->data[i])
            return false;
    return true;
}

wasm_functype_t *wasm_functype_new(wasm_valtype_vec_t *params, wasm_valtype_vec_t *results)
{
    wasm_valtype_vec_t taken_params = take_vec(params), taken_results = take_vec(results);
    if (!valtypes_present(&taken_params) || !valtypes_present(&taken_results)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_functype_new: a value type is NULL");
        wasm_valtype_vec_delete(&taken_params);
        wasm_valtype_vec_delete(&taken_results);
        return NULL;
    }
    wasm_functype_t *type = malloc(sizeof *type);
    if (!type) {
        api_fail(WH_ERROR_RESOURCE, "wasm_functype_new: out of memory");
        wasm_valtype_vec_delete(&taken_params);
        wasm_valtype_vec_delete(&taken_results);
        return NULL;
    }
    type->head.kind = WASM_EXTERN_FUNC;
    type->params = taken_params;
    type->results = taken_results;
    return type;
}

wasm_functype_t *wasm_functype_copy(const wasm_functype_t *type)
{
    if (!type)
        return NULL;
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_copy(&params, &type->params);
    wasm_valtype_vec_copy(&results, &type->results);
    if (params.size != type->params.size || results.size != type->results.size) {
        wasm_valtype_vec_delete(&params);
        wasm_valtype_vec_delete(&results);
        return NULL;
    }
    return wasm_functype_new(&params, &results);
}

void wasm_functype_delete(wasm_functype_t *type)
{
    if (!type)
        return;
    wasm_valtype_vec_delete(&type->params);
    wasm_valtype_vec_delete(&type->results);
    free(type);
}

const wasm_valtype_vec_t *wasm_functype_params(const wasm_functype_t *type)
{
    static const wasm_valtype_vec_t empty = {0, NULL};
    return type ? &type->params : &empty;
}

const wasm_valtype_vec_t *wasm_functype_results(const wasm_functype_t *type)
{
    static const wasm_valtype_vec_t empty = {0, NULL};
    return type ? &type->results : &empty;
}

static bool fill_valtypes(wasm_valtype_vec_t *vec, const eng_valtype *types, uint32_t count)
{
    wasm_valtype_vec_new_uninitialized(vec, count);
    if (vec->size != count)
        return false;
    for (uint32_t i = 0; i < count; i++)
        vec->data[i] = shared_valtype(api_valkind(types[i]));
    return true;
}

wasm_functype_t *api_functype_from(const eng_functype *source)
{
    wasm_valtype_vec_t params, results;
    if (!fill_valtypes(&params, eng_functype_params(source), source->param_count))
        return NULL;
    if (!fill_valtypes(&results, eng_functype_results(source), source->result_count)) {
        wasm_valtype_vec_delete(&params);
        return NULL;
    }
    return wasm_functype_new(&params, &results);
}

bool api_functype_to(const wasm_functype_t *type, eng_functype *out, const char *where)
{
    memset(out, 0, sizeof *out);
    if (!type) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "%s: the function type is NULL", where);
        return false;
    }
    if (type->params.size > UINT32_MAX / 2 || type->results.size > UINT32_MAX / 2) {
        api_fail(WH_ERROR_RESOURCE, "%s: too many parameters or results", where);
        return false;
    }
    size_t count = type->params.size + type->results.size;
    out->types = malloc(count ? count * sizeof *out->types : 1);
    if (!out->types) {
        api_fail(WH_ERROR_RESOURCE, "%s: out of memory", where);
        return false;
    }
    out->param_count = (uint32_t)type->params.size;
    out->result_count = (uint32_t)type->results.size;
    for (size_t i = 0; i < count; i++) {
        const wasm_valtype_t *valtype =
            i < type->params.size ? type->params.data[i] : type->results.data[i - type->params.size];
        if (!valtype || !api_valtype(valtype->kind, &out->types[i])) {
            api_fail(WH_ERROR_INVALID_ARGUMENT, "%s: %s %zu of the function type is not a value type", where,
                     i < type->params.size ? "parameter" : "result", i < type->params.size ? i : i - type->params.size);
            free(out->types);
            out->types = NULL;
            return false;
        }
    }
    eng_functype_complete(out);
    return true;
}

static const char *kind_value_name(const void *type, size_t index)
{
    const wasm_functype_t *functype = type;
    size_t param_count = functype->params.size;
    const wasm_valtype_t *value =
        index < param_count ? functype->params.data[index] : functype->results.data[index - param_count];
    return wh_valkind_name(value->kind);
}

/* A function type as text into buffer (truncated, NUL-terminated), by the engine's one writer. */
static void format_functype(const void *type, size_t param_count, size_t result_count, eng_value_name_at *name_at,
                            char *buffer, size_t size)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    if (out)
        eng_functype_write_with(out, type, param_count, result_count, name_at);
    snprintf(buffer, size, "%s", out && fclose(out) == 0 ? text : "(out of memory)");
    free(text);
}

void api_format_functype(const eng_functype *type, char *buffer, size_t size)
{
    if (buffer && size)
        format_functype(type, type->param_count, type->result_count, eng_functype_value_name, buffer, size);
}

void wh_functype_format(const wasm_functype_t *type, char *buf, size_t size)
{
    if (!buf || !size)
        return;
    if (!type) {
        snprintf(buf, size, "(no type)");
        return;
    }
    format_functype(type, type->params.size, type->results.size, kind_value_name, buf, size);
}

/* ---- global types ---- */

wasm_globaltype_t *wasm_globaltype_new(wasm_valtype_t *content, wasm_mutability_t mutability)
{
    if (!content) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_globaltype_new: the value type is NULL");
        return NULL;
    }
    if (mutability != WASM_CONST && mutability != WASM_VAR) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_globaltype_new: mutability %u is neither WASM_CONST nor WASM_VAR",
                 (unsigned)mutability);
        return NULL;
    }
    wasm_globaltype_t *type = malloc(sizeof *type);
    if (!type) {
        api_fail(WH_ERROR_RESOURCE, "wasm_globaltype_new: out of memory");
        wasm_valtype_delete(content);
        return NULL;
    }
    type->head.kind = WASM_EXTERN_GLOBAL;
    type->content = content;
    type->mutability = mutability;
    return type;
}

wasm_globaltype_t *wasm_globaltype_copy(const wasm_globaltype_t *type)
{
    return type ? wasm_globaltype_new(wasm_valtype_copy(type->content), type->mutability) : NULL;
}

void wasm_globaltype_delete(wasm_globaltype_t *type)
{
    if (!type)
        return;
    wasm_valtype_delete(type->content);
    free(type);
}

const wasm_valtype_t *wasm_globaltype_content(const wasm_globaltype_t *type) { return type ? type->content : NULL; }

wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t *type)
{
    return type ? type->mutability : WASM_CONST;
}

wasm_globaltype_t *api_globaltype_from(const eng_globaltype *type)
{
    return wasm_globaltype_new(shared_valtype(api_valkind(type->type)), type->is_mutable ? WASM_VAR : WASM_CONST);
}

bool api_globaltype_to(const wasm_globaltype_t *type, eng_globaltype *out, const char *where)
{
    if (!type || !type->content || !api_valtype(type->content->kind, &out->type)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "%s: %s", where,
                 type ? "the global type has no value type" : "the global type is NULL");
        return false;
    }
    out->is_mutable = type->mutability == WASM_VAR;
    return true;
}

/* ---- limits ---- */

static wasm_limits_t limits_from(const eng_limits *limits)
{
    wasm_limits_t out = {(uint32_t)limits->min, wasm_limits_max_default};
    if (limits->has_max && limits->max < wasm_limits_max_default)
        out.max = (uint32_t)limits->max;
    return out;
}

static eng_limits limits_to(const wasm_limits_t *limits)
{
    eng_limits out = {limits->min, limits->max, limits->max != wasm_limits_max_default};
    return out;
}

/* ---- table types ---- */

wasm_tabletype_t *wasm_tabletype_new(wasm_valtype_t *element, const wasm_limits_t *limits)
{
    if (!element || !limits) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_tabletype_new: the %s is NULL",
                 element ? "limits are" : "element type");
        wasm_valtype_delete(element);
        return NULL;
    }
    wasm_tabletype_t *type = malloc(sizeof *type);
    if (!type) {
        api_fail(WH_ERROR_RESOURCE, "wasm_tabletype_new: out of memory");
        wasm_valtype_delete(element);
        return NULL;
    }
    type->head.kind = WASM_EXTERN_TABLE;
    type->element = element;
    type->limits = *limits;
    return type;
}

wasm_tabletype_t *wasm_tabletype_copy(const wasm_tabletype_t *type)
{
    return type ? wasm_tabletype_new(wasm_valtype_copy(type->element), &type->limits) : NULL;
}

void wasm_tabletype_delete(wasm_tabletype_t *type)
{
    if (!type)
        return;
    wasm_valtype_delete(type->element);
    free(type);
}

const wasm_valtype_t *wasm_tabletype_element(const wasm_tabletype_t *type) { return type ? type->element : NULL; }

const wasm_limits_t *wasm_tabletype_limits(const wasm_tabletype_t *type)
{
    static const wasm_limits_t none = {0, 0xffffffff};
    return type ? &type->limits : &none;
}

wasm_tabletype_t *api_tabletype_from(const eng_tabletype *type)
{
    wasm_limits_t limits = limits_from(&type->limits);
    return wasm_tabletype_new(shared_valtype(api_valkind(type->element_type)), &limits);
}

bool api_tabletype_to(const wasm_tabletype_t *type, eng_tabletype *out, const char *where)
{
    if (!type || !type->element || !api_valtype(type->element->kind, &out->element_type) ||
        !eng_valtype_is_ref(out->element_type)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "%s: %s", where,
                 type ? "a table's elements must be funcref or externref" : "the table type is NULL");
        return false;
    }
    out->limits = limits_to(&type->limits);
    if (out->limits.has_max && out->limits.max < out->limits.min) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "%s: size minimum must not be greater than maximum (min %u, max %u)", where,
                 type->limits.min, type->limits.max);
        return false;
    }
    return true;
}

/* ---- memory types ---- */

wasm_memorytype_t *wasm_memorytype_new(const wasm_limits_t *limits)
{
    if (!limits) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_memorytype_new: the limits are NULL");
        return NULL;
    }
    wasm_memorytype_t *type = malloc(sizeof *type);
    if (!type) {
        api_fail(WH_ERROR_RESOURCE, "wasm_memorytype_new: out of memory");
        return NULL;
    }
    type->head.kind = WASM_EXTERN_MEMORY;
    type->limits = *limits;
    return type;
}

wasm_memorytype_t *wasm_memorytype_copy(const wasm_memorytype_t *type)
{
    return type ? wasm_memorytype_new(&type->limits) : NULL;
}

void wasm_memorytype_delete(wasm_memorytype_t *type) { free(type); }

const wasm_limits_t *wasm_memorytype_limits(const wasm_memorytype_t *type)
{
    static const wasm_limits_t none = {0, 0xffffffff};
    return type ? &type->limits : &none;
}

wasm_memorytype_t *api_memorytype_from(const eng_memtype *type)
{
    wasm_limits_t limits = limits_from(&type->limits);
    return wasm_memorytype_new(&limits);
}

bool api_memorytype_to(const wasm_memorytype_t *type, eng_memtype *out, const char *where)
{
    if (!type) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "%s: the memory type is NULL", where);
        return false;
    }
    out->limits = limits_to(&type->limits);
    if (out->limits.min > ENG_MAX_PAGES || (out->limits.has_max && out->limits.max > ENG_MAX_PAGES)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "%s: memory size must be at most 65536 pages (4GiB)", where);
        return false;
    }
    if (out->limits.has_max && out->limits.max < out->limits.min) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "%s: size minimum must not be greater than maximum (min %u, max %u)", where,
                 type->limits.min, type->limits.max);
        return false;
    }
    return true;
}

/* ---- tag types ---- */

wasm_tagtype_t *wasm_tagtype_new(wasm_functype_t *functype)
{
    if (!functype) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_tagtype_new: the function type is NULL");
        return NULL;
    }
    wasm_tagtype_t *type = malloc(sizeof *type);
    if (!type) {
        api_fail(WH_ERROR_RESOURCE, "wasm_tagtype_new: out of memory");
        wasm_functype_delete(functype);
        return NULL;
    }
    type->head.kind = WASM_EXTERN_TAG;
    type->functype = functype;
    return type;
}

wasm_tagtype_t *wasm_tagtype_copy(const wasm_tagtype_t *type)
{
    if (!type)
        return NULL;
    wasm_functype_t *functype = wasm_functype_copy(type->functype);
    return functype ? wasm_tagtype_new(functype) : NULL;
}

void wasm_tagtype_delete(wasm_tagtype_t *type)
{
    if (!type)
        return;
    wasm_functype_delete(type->functype);
    free(type);
}

const wasm_functype_t *wasm_tagtype_functype(const wasm_tagtype_t *type) { return type ? type->functype : NULL; }

/* ---- external types ---- */

wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t *type) { return type ? type->kind : WASM_EXTERN_FUNC; }

wasm_externtype_t *wasm_externtype_copy(const wasm_externtype_t *type)
{
    if (!type)
        return NULL;
    /* Each full type starts with its head, so a full type's pointer is its head's pointer. */
    switch (type->kind) {
    case WASM_EXTERN_FUNC: return (wasm_externtype_t *)wasm_functype_copy((const wasm_functype_t *)type);
    case WASM_EXTERN_GLOBAL: return (wasm_externtype_t *)wasm_globaltype_copy((const wasm_globaltype_t *)type);
    case WASM_EXTERN_TABLE: return (wasm_externtype_t *)wasm_tabletype_copy((const wasm_tabletype_t *)type);
    case WASM_EXTERN_MEMORY: return (wasm_externtype_t *)wasm_memorytype_copy((const wasm_memorytype_t *)type);
    case WASM_EXTERN_TAG: return (wasm_externtype_t *)wasm_tagtype_copy((const wasm_tagtype_t *)type);
    }
    return NULL;
}

void wasm_externtype_delete(wasm_externtype_t *type)
{
    if (!type)
        return;
    switch (type->kind) {
    case WASM_EXTERN_FUNC: wasm_functype_delete((wasm_functype_t *)type); break;
    case WASM_EXTERN_GLOBAL: wasm_globaltype_delete((wasm_globaltype_t *)type); break;
    case WASM_EXTERN_TABLE: wasm_tabletype_delete((wasm_tabletype_t *)type); break;
    case WASM_EXTERN_MEMORY: wasm_memorytype_delete((wasm_memorytype_t *)type); break;
    case WASM_EXTERN_TAG: wasm_tagtype_delete((wasm_tagtype_t *)type); break;
    }
}

/* The head is the first member, so the views are casts (and NULL stays NULL). */
#define API_EXTERNTYPE_VIEWS(name, KIND)                                                                        \
    wasm_externtype_t *wasm_##name##_as_externtype(wasm_##name##_t *type) { return (wasm_externtype_t *)type; } \
    const wasm_externtype_t *wasm_##name##_as_externtype_const(const wasm_##name##_t *type)                     \
    {                                                                                                           \
        return (const wasm_externtype_t *)type;                                                                 \
    }                                                                                                           \
    wasm_##name##_t *wasm_externtype_as_##name(wasm_externtype_t *type)                                         \
    {                                                                                                           \
        return type && type->kind == KIND ? (wasm_##name##_t *)type : NULL;                                     \
    }                                                                                                           \
    const wasm_##name##_t *wasm_externtype_as_##name##_const(const wasm_externtype_t *type)                     \
    {                                                                                                           \
        return type && type->kind == KIND ? (const wasm_##name##_t *)type : NULL;                               \
    }

API_EXTERNTYPE_VIEWS(functype, WASM_EXTERN_FUNC)
API_EXTERNTYPE_VIEWS(globaltype, WASM_EXTERN_GLOBAL)
API_EXTERNTYPE_VIEWS(tabletype, WASM_EXTERN_TABLE)
API_EXTERNTYPE_VIEWS(memorytype, WASM_EXTERN_MEMORY)
API_EXTERNTYPE_VIEWS(tagtype, WASM_EXTERN_TAG)

/* ---- import and export types ---- */

static wasm_name_t take_name(wasm_name_t *name)
{
    wasm_name_t taken = {0, NULL};
    if (name) {
        taken = *name;
        if (!taken.data)
            taken.size = 0;
        name->size = 0;
        name->data = NULL;
    }
    return taken;
}

wasm_importtype_t *wasm_importtype_new(wasm_name_t *module, wasm_name_t *name, wasm_externtype_t *type)
{
    wasm_name_t taken_module = take_name(module), taken_name = take_name(name);
    wasm_importtype_t *import = type ? malloc(sizeof *import) : NULL;
    if (!import) {
        api_fail(type ? WH_ERROR_RESOURCE : WH_ERROR_INVALID_ARGUMENT, "wasm_importtype_new: %s",
                 type ? "out of memory" : "the type is NULL");
        wasm_name_delete(&taken_module);
        wasm_name_delete(&taken_name);
        wasm_externtype_delete(type);
        return NULL;
    }
    import->module = taken_module;
    import->name = taken_name;
    import->type = type;
    return import;
}

wasm_importtype_t *wasm_importtype_copy(const wasm_importtype_t *import)
{
    if (!import)
        return NULL;
    wasm_name_t module, name;
    wasm_name_copy(&module, &import->module);
    wasm_name_copy(&name, &import->name);
    return wasm_importtype_new(&module, &name, wasm_externtype_copy(import->type));
}

void wasm_importtype_delete(wasm_importtype_t *import)
{
    if (!import)
        return;
    wasm_name_delete(&import->module);
    wasm_name_delete(&import->name);
    wasm_externtype_delete(import->type);
    free(import);
}

const wasm_name_t *wasm_importtype_module(const wasm_importtype_t *import) { return import ? &import->module : NULL; }
const wasm_name_t *wasm_importtype_name(const wasm_importtype_t *import) { return import ? &import->name : NULL; }
const wasm_externtype_t *wasm_importtype_type(const wasm_importtype_t *import) { return import ? import->type : NULL; }

wasm_exporttype_t *wasm_exporttype_new(wasm_name_t *name, wasm_externtype_t *type)
{
    wasm_name_t taken_name = take_name(name);
    wasm_exporttype_t *export = type ? malloc(sizeof *export) : NULL;
    if (!export) {
        api_fail(type ? WH_ERROR_RESOURCE : WH_ERROR_INVALID_ARGUMENT, "wasm_exporttype_new: %s",
                 type ? "out of memory" : "the type is NULL");
        wasm_name_delete(&taken_name);
        wasm_externtype_delete(type);
        return NULL;
    }
    export->name = taken_name;
    export->type = type;
    return export;
}

wasm_exporttype_t *wasm_exporttype_copy(const wasm_exporttype_t *export)
{
    if (!export)
        return NULL;
    wasm_name_t name;
    wasm_name_copy(&name, &export->name);
    return wasm_exporttype_new(&name, wasm_externtype_copy(export->type));
}

void wasm_exporttype_delete(wasm_exporttype_t *export)
{
    if (!export)
        return;
    wasm_name_delete(&export->name);
    wasm_externtype_delete(export->type);
    free(export);
}

const wasm_name_t *wasm_exporttype_name(const wasm_exporttype_t *export) { return export ? &export->name : NULL; }
const wasm_externtype_t *wasm_exporttype_type(const wasm_exporttype_t *export) { return export ? export->type : NULL; }
