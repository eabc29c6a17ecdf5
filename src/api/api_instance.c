/* api_instance.c: instantiation (wasm_instance_new) and exports, by position and by name. */
#include "api_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void api_fail_instantiation(wasm_store_t *store, wasm_trap_t **trap_out, wh_error_code_t code, const char *where,
                            const char *message)
{
    api_fail(code, "%s: %s", where, message);
    if (trap_out) {
        wasm_trap_t *trap = api_trap_misuse(store, "%s: %s", where, message);
        api_fail(code, "%s: %s", where, message); /* keep the code, not the misuse one */
        *trap_out = trap;
    }
}

/* One engine extern per import, checked to belong to `store`: NULL message when fine. */
static const char *convert_import(wasm_store_t *store, const eng_module *module, uint32_t index,
                                  const wasm_extern_t *handle, eng_extern *out, char *message, size_t size)
{
    const eng_import *import = &module->imports[index];
    if (!handle) {
        snprintf(message, size, "import %u \"%.*s\".\"%.*s\": no %s was given for it (the entry is NULL)", index,
                 (int)(import->module.length > 64 ? 64 : import->module.length), import->module.data,
                 (int)(import->name.length > 64 ? 64 : import->name.length), import->name.data,
                 eng_externkind_name(import->kind));
        return message;
    }
    if (handle->ref.store != store) {
        snprintf(message, size, "import %u \"%.*s\".\"%.*s\": the %s given belongs to another store", index,
                 (int)(import->module.length > 64 ? 64 : import->module.length), import->module.data,
                 (int)(import->name.length > 64 ? 64 : import->name.length), import->name.data,
                 eng_externkind_name(import->kind));
        return message;
    }
    const api_object *object = handle->ref.object;
    switch (object->kind) {
    case API_FUNC:
        out->kind = ENG_EXTERN_FUNC;
        out->func = object->func;
        break;
    case API_GLOBAL:
        out->kind = ENG_EXTERN_GLOBAL;
        out->global = object->global;
        break;
    case API_TABLE:
        out->kind = ENG_EXTERN_TABLE;
        out->table = object->table;
        break;
    case API_MEMORY:
        out->kind = ENG_EXTERN_MEMORY;
        out->memory = object->memory;
        break;
    default:
        snprintf(message, size, "import %u: not an external (function, global, table or memory)", index);
        return message;
    }
    return NULL;
}

wasm_instance_t *wasm_instance_new(wasm_store_t *store, const wasm_module_t *module_handle,
                                   const wasm_extern_vec_t *imports, wasm_trap_t **trap_out)
{
    const char *where = "wasm_instance_new";
    if (trap_out)
        *trap_out = NULL;
    if (!store || !module_handle) {
        api_fail_instantiation(store, trap_out, WH_ERROR_INVALID_ARGUMENT, where,
                               store ? "the module is NULL" : "the store is NULL");
        return NULL;
    }
    eng_module *module = module_handle->ref.object->module;
    size_t given = imports && imports->data ? imports->size : 0;
    char message[512];
    if (given != module->import_count) {
        snprintf(message, sizeof message, "the module has %u import%s but %zu %s given", module->import_count,
                 module->import_count == 1 ? "" : "s", given, given == 1 ? "was" : "were");
        api_fail_instantiation(store, trap_out, WH_ERROR_LINK, where, message);
        return NULL;
    }
    eng_extern inline_externs[16] = {0}; /* zeroed: gcc cannot tell that none is read when there are no imports */
    eng_extern *externs = given <= 16 ? inline_externs : calloc(given, sizeof *externs);
    if (!externs) {
        api_fail_instantiation(store, trap_out, WH_ERROR_RESOURCE, where, "out of memory");
        return NULL;
    }
    for (uint32_t i = 0; i < given; i++) {
        if (convert_import(store, module, i, imports->data[i], &externs[i], message, sizeof message)) {
            if (externs != inline_externs)
                free(externs);
            api_fail_instantiation(store, trap_out, WH_ERROR_LINK, where, message);
            return NULL;
        }
    }

    wasm_instance_t *made = api_instantiate(store, module, externs, (uint32_t)given, trap_out, where);
    if (externs != inline_externs)
        free(externs);
    return made;
}

wasm_instance_t *api_instantiate(wasm_store_t *store, eng_module *module, const eng_extern *externs, uint32_t count,
                                 wasm_trap_t **trap_out, const char *where)
{
    char message[512];
    if (!api_instance_slot_take(store, message, sizeof message)) {
        api_fail_instantiation(store, trap_out, WH_ERROR_CAPACITY, where, message);
        return NULL;
    }
    eng_instance *instance = NULL;
    eng_trap *trap = NULL;
    api_limit_mark mark = api_limit_mark_now(store);
    eng_error *error = eng_instance_new(store->engine, module, externs, count, &instance, &trap);
    if (error) {
        api_instance_slot_return(store); /* no instance came of it */
        snprintf(message, sizeof message, "%s", error->message);
        eng_error_free(error);
        wh_error_code_t code = api_cap_refused(store, mark)       ? WH_ERROR_LIMIT
                               : strstr(message, "out of memory") ? WH_ERROR_RESOURCE
                                                                  : WH_ERROR_LINK;
        api_fail_instantiation(store, trap_out, code, where, message);
        return NULL;
    }
    if (trap) {
        api_fail(WH_ERROR_TRAP, "%s: instantiation trapped: %s", where, trap->message);
        if (trap_out)
            *trap_out = api_trap_from(store, trap);
        else
            eng_trap_free(trap);
        return NULL;
    }
    api_object *object = api_object_for(store, API_INSTANCE, instance);
    if (!object || !api_store_add_instance(store, object)) {
        api_fail_instantiation(store, trap_out, WH_ERROR_RESOURCE, where, "out of memory");
        return NULL;
    }
    return (wasm_instance_t *)api_handle_new(store, object);
}

/* A new extern handle for the instance's export `index`. */
static wasm_extern_t *export_handle(wasm_store_t *store, const eng_instance *instance, const eng_export *export)
{
    api_object *object = NULL;
    switch (export->kind) {
    case ENG_EXTERN_FUNC: object = api_object_for(store, API_FUNC, instance->funcs[export->index]); break;
    case ENG_EXTERN_TABLE: object = api_object_for(store, API_TABLE, instance->tables[export->index]); break;
    case ENG_EXTERN_MEMORY: object = api_object_for(store, API_MEMORY, instance->memories[export->index]); break;
    case ENG_EXTERN_GLOBAL: object = api_object_for(store, API_GLOBAL, instance->globals[export->index]); break;
    }
    return object ? (wasm_extern_t *)api_handle_new(store, object) : NULL;
}

void wasm_instance_exports(const wasm_instance_t *handle, wasm_extern_vec_t *out)
{
    if (!out)
        return;
    wasm_extern_vec_new_empty(out);
    if (!handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_instance_exports: the instance is NULL");
        return;
    }
    const eng_instance *instance = handle->ref.object->instance;
    const eng_module *module = instance->module;
    wasm_extern_vec_new_uninitialized(out, module->export_count);
    if (out->size != module->export_count)
        return;
    for (uint32_t i = 0; i < module->export_count; i++) {
        out->data[i] = export_handle(handle->ref.store, instance, &module->exports[i]);
        if (!out->data[i]) {
            wasm_extern_vec_delete(out);
            return;
        }
    }
}

wasm_extern_t *wh_instance_export(const wasm_instance_t *handle, const char *name)
{
    if (!handle || !name) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_instance_export: the %s is NULL", handle ? "name" : "instance");
        return NULL;
    }
    const eng_instance *instance = handle->ref.object->instance;
    const eng_module *module = instance->module;
    size_t length = strlen(name);
    for (uint32_t i = 0; i < module->export_count; i++) {
        const eng_export *export = &module->exports[i];
        if (export->name.length == length && memcmp(export->name.data, name, length) == 0)
            return export_handle(handle->ref.store, instance, export);
    }
    api_fail(WH_ERROR_NOT_FOUND, "wh_instance_export: the instance has no export \"%s\"", name);
    return NULL;
}
