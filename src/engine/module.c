/* module.c: loading (decode + validate), reference counting and small helpers for eng_module. */
#include "module.h"

#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "memory_image.h"
#include "native.h"

const char *eng_valtype_name(eng_valtype type)
{
    switch (type) {
    case ENG_I32: return "i32";
    case ENG_I64: return "i64";
    case ENG_F32: return "f32";
    case ENG_F64: return "f64";
    case ENG_V128: return "v128";
    case ENG_FUNCREF: return "funcref";
    case ENG_EXTERNREF: return "externref";
    }
    return "unknown type";
}

bool eng_valtype_is_ref(eng_valtype type) { return type == ENG_FUNCREF || type == ENG_EXTERNREF; }

const char *eng_externkind_name(eng_externkind kind)
{
    switch (kind) {
    case ENG_EXTERN_FUNC: return "func";
    case ENG_EXTERN_TABLE: return "table";
    case ENG_EXTERN_MEMORY: return "memory";
    case ENG_EXTERN_GLOBAL: return "global";
    }
    return "unknown kind";
}

/* The hash: FNV-1a over the counts and the types, so that different splits of the same list differ. */
void eng_functype_complete(eng_functype *type)
{
    type->param_slots = eng_values_slots(type->types, type->param_count);
    type->result_slots = eng_values_slots(type->types + type->param_count, type->result_count);
    uint64_t hash = 0xcbf29ce484222325u;
    uint32_t words[2] = {type->param_count, type->result_count};
    for (int i = 0; i < 2; i++) {
        for (int shift = 0; shift < 32; shift += 8) {
            hash ^= (words[i] >> shift) & 0xFF;
            hash *= 0x100000001b3u;
        }
    }
    uint64_t count = (uint64_t)type->param_count + type->result_count;
    for (uint64_t i = 0; i < count; i++) {
        hash ^= (uint8_t)type->types[i];
        hash *= 0x100000001b3u;
    }
    type->hash = hash;
}

bool eng_functype_equal(const eng_functype *a, const eng_functype *b)
{
    if (a == b)
        return true;
    if (a->hash != b->hash || a->param_count != b->param_count || a->result_count != b->result_count)
        return false;
    size_t count = (size_t)a->param_count + a->result_count;
    return count == 0 || memcmp(a->types, b->types, count * sizeof *a->types) == 0;
}

const eng_name *eng_module_func_name(const eng_module *module, uint32_t func_index)
{
    const eng_name *name = NULL;
    if (func_index < module->imported_func_count) {
        if (module->imported_func_names)
            name = &module->imported_func_names[func_index];
    } else if (func_index - module->imported_func_count < module->func_def_count) {
        name = &module->func_defs[func_index - module->imported_func_count].name;
    }
    return name && name->data ? name : NULL;
}

eng_error *eng_module_load(const uint8_t *bytes, size_t size, eng_module **out)
{
    eng_module *module;
    eng_error *error = eng_module_decode(bytes, size, &module);
    if (error) {
        *out = NULL;
        return error;
    }
    error = eng_module_validate(module);
    if (error) {
        eng_module_release(module);
        *out = NULL;
        return error;
    }
    *out = module;
    return NULL;
}

void eng_module_retain(eng_module *module)
{
    atomic_fetch_add_explicit(&module->reference_count, 1, memory_order_relaxed);
}

/* Also frees partially decoded modules: every array's count matches what was allocated,
 * and entries not yet filled are zero. */
void eng_module_release(eng_module *module)
{
    /* acq_rel: the last releaser sees every other thread's use of the module as finished. */
    if (!module || atomic_fetch_sub_explicit(&module->reference_count, 1, memory_order_acq_rel) > 1)
        return;
    for (uint32_t i = 0; i < module->type_count; i++)
        free(module->types[i].types);
    free(module->types);
    for (uint32_t i = 0; i < module->import_count; i++) {
        free(module->imports[i].module.data);
        free(module->imports[i].name.data);
    }
    free(module->imports);
    free(module->func_type_indices);
    free(module->tables);
    free(module->memories);
    free(module->global_types);
    for (uint32_t i = 0; i < module->func_def_count; i++) {
        eng_func_def *function = &module->func_defs[i];
        free(function->body_local_types);
        free(function->name.data);
        if (function->code)
            eng_code_free(function->code);
    }
    free(module->func_defs);
    free(module->global_defs);
    for (uint32_t i = 0; i < module->export_count; i++)
        free(module->exports[i].name.data);
    free(module->exports);
    for (uint32_t i = 0; i < module->elem_count; i++)
        free(module->elems[i].items);
    free(module->elems);
    free(module->datas);
    for (uint32_t i = 0; i < module->custom_section_count; i++)
        free(module->custom_sections[i].name.data);
    free(module->custom_sections);
    if (module->imported_func_names) {
        for (uint32_t i = 0; i < module->imported_func_count; i++)
            free(module->imported_func_names[i].data);
        free(module->imported_func_names);
    }
    free(module->module_name.data);
    free(module->declared_funcs);
    eng_native_image_free(atomic_load_explicit(&module->native, memory_order_relaxed));
    eng_memory_image_free(module->memory_image);
    free(module->bytes);
    free(module);
}
