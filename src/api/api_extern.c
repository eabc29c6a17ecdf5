/* api_extern.c: globals, tables and memories made or reached through the interface. */
#include "api_internal.h"

#include <stdio.h>
#include <stdlib.h>

/* How values are named in messages. */
static const api_value_name initial_value = {"the initial value", -1, NULL};
static const api_value_name new_value = {"the value", -1, NULL};
static const api_value_name initial_element = {"the initial element", -1, NULL};
static const api_value_name new_element = {"the element", -1, NULL};

/* ---- globals ---- */

wasm_global_t *wasm_global_new(wasm_store_t *store, const wasm_globaltype_t *type, const wasm_val_t *val)
{
    if (!store || !val) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_global_new: the %s is NULL", store ? "value" : "store");
        return NULL;
    }
    eng_globaltype engine_type;
    if (!api_globaltype_to(type, &engine_type, "wasm_global_new"))
        return NULL;
    eng_slot value;
    char message[256];
    if (api_val_to_slot(store, engine_type.type, val, &value, initial_value, message, sizeof message)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_global_new: %s", message);
        return NULL;
    }
    eng_global *global = eng_global_new(store->engine, &engine_type, &value);
    api_object *object = global ? api_object_for(store, API_GLOBAL, global) : NULL;
    if (!object) {
        api_fail(WH_ERROR_RESOURCE, "wasm_global_new: out of memory");
        return NULL;
    }
    return (wasm_global_t *)api_handle_new(store, object);
}

wasm_globaltype_t *wasm_global_type(const wasm_global_t *global)
{
    if (!global) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_global_type: the global is NULL");
        return NULL;
    }
    return api_globaltype_from(&global->ref.object->global->type);
}

void wasm_global_get(const wasm_global_t *handle, wasm_val_t *out)
{
    if (!out)
        return;
    if (!handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_global_get: the global is NULL");
        out->kind = WASM_EXTERNREF;
        out->of.ref = NULL;
        return;
    }
    const eng_global *global = handle->ref.object->global;
    if (global->type.type == ENG_V128) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_global_get: the global holds a v128, which a wasm_val_t cannot hold");
        out->kind = WH_V128;
        out->of.i64 = 0;
        return;
    }
    api_val_from_slot(handle->ref.store, global->type.type, global->value, out);
}

void wasm_global_set(wasm_global_t *handle, const wasm_val_t *val)
{
    if (!handle || !val) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_global_set: the %s is NULL", handle ? "value" : "global");
        return;
    }
    eng_global *global = handle->ref.object->global;
    if (!global->type.is_mutable) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_global_set: the global is immutable");
        return;
    }
    eng_slot value;
    char message[256];
    if (api_val_to_slot(handle->ref.store, global->type.type, val, &value, new_value, message, sizeof message)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_global_set: %s", message);
        return;
    }
    global->value = value;
}

/* ---- tables ---- */

wasm_table_t *wasm_table_new(wasm_store_t *store, const wasm_tabletype_t *type, wasm_ref_t *init)
{
    if (!store) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_table_new: the store is NULL");
        return NULL;
    }
    eng_tabletype engine_type;
    if (!api_tabletype_to(type, &engine_type, "wasm_table_new"))
        return NULL;
    void *element;
    char message[256];
    if (api_ref_to_pointer(store, engine_type.element_type, init, &element, initial_element, message, sizeof message)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_table_new: %s", message);
        return NULL;
    }
    eng_error *error = NULL;
    api_limit_mark mark = api_limit_mark_now(store);
    eng_table *table = eng_table_new(store->engine, &engine_type, element, &error);
    if (!table) {
        api_fail_error(api_cap_refused(store, mark) ? WH_ERROR_LIMIT : WH_ERROR_RESOURCE, "wasm_table_new", error);
        return NULL;
    }
    api_object *object = api_object_for(store, API_TABLE, table);
    return object ? (wasm_table_t *)api_handle_new(store, object) : NULL;
}

wasm_tabletype_t *wasm_table_type(const wasm_table_t *handle)
{
    if (!handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_table_type: the table is NULL");
        return NULL;
    }
    const eng_table *table = handle->ref.object->table;
    eng_tabletype type = table->type;
    type.limits.min = table->size;
    return api_tabletype_from(&type);
}

wasm_ref_t *wasm_table_get(const wasm_table_t *handle, wasm_table_size_t index)
{
    if (!handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_table_get: the table is NULL");
        return NULL;
    }
    const eng_table *table = handle->ref.object->table;
    if (index >= table->size) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_table_get: index %u is out of bounds (the table has %u elements)",
                 index, table->size);
        return NULL;
    }
    return api_ref_from_pointer(handle->ref.store, table->type.element_type, table->elements[index]);
}

bool wasm_table_set(wasm_table_t *handle, wasm_table_size_t index, wasm_ref_t *ref)
{
    if (!handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_table_set: the table is NULL");
        return false;
    }
    eng_table *table = handle->ref.object->table;
    if (index >= table->size) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_table_set: index %u is out of bounds (the table has %u elements)",
                 index, table->size);
        return false;
    }
    void *element;
    char message[256];
    if (api_ref_to_pointer(handle->ref.store, table->type.element_type, ref, &element, new_element, message,
                           sizeof message)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_table_set: %s", message);
        return false;
    }
    table->elements[index] = element;
    return true;
}

wasm_table_size_t wasm_table_size(const wasm_table_t *handle) { return handle ? handle->ref.object->table->size : 0; }

bool wasm_table_grow(wasm_table_t *handle, wasm_table_size_t delta, wasm_ref_t *init)
{
    if (!handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_table_grow: the table is NULL");
        return false;
    }
    eng_table *table = handle->ref.object->table;
    void *element;
    char message[256];
    if (api_ref_to_pointer(handle->ref.store, table->type.element_type, init, &element, initial_element, message,
                           sizeof message)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_table_grow: %s", message);
        return false;
    }
    api_limit_mark mark = api_limit_mark_now(handle->ref.store);
    if (eng_table_grow(table, delta, element) < 0) {
        if (api_cap_refused(handle->ref.store, mark))
            api_fail(WH_ERROR_LIMIT,
                     "wasm_table_grow: cannot grow the table from %u by %u elements: the store's table "
                     "cap is %llu elements",
                     table->size, delta, (unsigned long long)table->store->limits.max_table_elements);
        else
            api_fail(WH_ERROR_RESOURCE,
                     "wasm_table_grow: cannot grow the table from %u by %u elements (maximum or memory)", table->size,
                     delta);
        return false;
    }
    return true;
}

/* ---- memories ---- */

wasm_memory_t *wasm_memory_new(wasm_store_t *store, const wasm_memorytype_t *type)
{
    if (!store) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_memory_new: the store is NULL");
        return NULL;
    }
    eng_memtype engine_type;
    if (!api_memorytype_to(type, &engine_type, "wasm_memory_new"))
        return NULL;
    eng_error *error = NULL;
    api_limit_mark mark = api_limit_mark_now(store);
    eng_memory *memory = eng_memory_new(store->engine, &engine_type, NULL, &error);
    if (!memory) {
        api_fail_error(api_cap_refused(store, mark) ? WH_ERROR_LIMIT : WH_ERROR_RESOURCE, "wasm_memory_new", error);
        return NULL;
    }
    api_object *object = api_object_for(store, API_MEMORY, memory);
    return object ? (wasm_memory_t *)api_handle_new(store, object) : NULL;
}

wasm_memorytype_t *wasm_memory_type(const wasm_memory_t *handle)
{
    if (!handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_memory_type: the memory is NULL");
        return NULL;
    }
    const eng_memory *memory = handle->ref.object->memory;
    eng_memtype type = memory->type;
    type.limits.min = memory_pages(memory);
    return api_memorytype_from(&type);
}

byte_t *wasm_memory_data(wasm_memory_t *handle)
{
    return handle ? (byte_t *)eng_memory_bytes_for_host(handle->ref.object->memory) : NULL;
}

size_t wasm_memory_data_size(const wasm_memory_t *handle)
{
    return handle ? (size_t)handle->ref.object->memory->size : 0;
}

wasm_memory_pages_t wasm_memory_size(const wasm_memory_t *handle)
{
    return handle ? (wasm_memory_pages_t)memory_pages(handle->ref.object->memory) : 0;
}

bool wasm_memory_grow(wasm_memory_t *handle, wasm_memory_pages_t delta)
{
    if (!handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_memory_grow: the memory is NULL");
        return false;
    }
    eng_memory *memory = handle->ref.object->memory;
    api_limit_mark mark = api_limit_mark_now(handle->ref.store);
    if (eng_memory_grow(memory, delta) < 0) {
        if (api_cap_refused(handle->ref.store, mark))
            api_fail(WH_ERROR_LIMIT,
                     "wasm_memory_grow: cannot grow the memory from %llu by %u pages: the store's memory "
                     "cap is %llu bytes",
                     (unsigned long long)memory_pages(memory), delta,
                     (unsigned long long)memory->store->limits.max_memory_bytes);
        else
            api_fail(WH_ERROR_RESOURCE,
                     "wasm_memory_grow: cannot grow the memory from %llu by %u pages (maximum or memory)",
                     (unsigned long long)memory_pages(memory), delta);
        return false;
    }
    return true;
}
