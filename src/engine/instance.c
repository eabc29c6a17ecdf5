/* instance.c: instantiation (import matching, allocation, segments, start function) and exports. */
#include "limits.h"
#include "memory_image.h"
#include "native.h"
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages ---- */

/* Names in link errors are cut after this many bytes: a hostile module's names can be long. */
#define NAME_MAX_SHOWN 64

static void write_limits(FILE *out, const eng_limits *limits)
{
    if (limits->has_max)
        fprintf(out, "{min %llu, max %llu}", (unsigned long long)limits->min, (unsigned long long)limits->max);
    else
        fprintf(out, "{min %llu, no max}", (unsigned long long)limits->min);
}

static void write_globaltype(FILE *out, const eng_globaltype *type)
{
    if (type->is_mutable)
        fprintf(out, "global (mut %s)", eng_valtype_name(type->type));
    else
        fprintf(out, "global %s", eng_valtype_name(type->type));
}

/* What the module expects for import `index`. */
static void write_import_type(FILE *out, const eng_module *module, uint32_t index)
{
    const eng_import *import = &module->imports[index];
    switch (import->kind) {
    case ENG_EXTERN_FUNC: eng_functype_write(out, &module->types[import->type_index]); break;
    case ENG_EXTERN_TABLE:
        fprintf(out, "table %s ", eng_valtype_name(import->table.element_type));
        write_limits(out, &import->table.limits);
        break;
    case ENG_EXTERN_MEMORY:
        fprintf(out, "memory (pages) ");
        write_limits(out, &import->memory.limits);
        break;
    case ENG_EXTERN_GLOBAL: write_globaltype(out, &import->global); break;
    }
}

/* What was given. */
static void write_extern_type(FILE *out, const eng_extern *ext)
{
    switch (ext->kind) {
    case ENG_EXTERN_FUNC: eng_functype_write(out, ext->func->type); break;
    case ENG_EXTERN_TABLE: {
        eng_limits limits = ext->table->type.limits;
        limits.min = ext->table->size;
        fprintf(out, "table %s ", eng_valtype_name(ext->table->type.element_type));
        write_limits(out, &limits);
        break;
    }
    case ENG_EXTERN_MEMORY: {
        eng_limits limits = ext->memory->type.limits;
        limits.min = memory_pages(ext->memory);
        fprintf(out, "memory (pages) ");
        write_limits(out, &limits);
        break;
    }
    case ENG_EXTERN_GLOBAL: write_globaltype(out, &ext->global->type); break;
    }
}

/* ---- import matching (the spec's external-type subtyping) ---- */

static bool limits_match(uint64_t actual_min, bool actual_has_max, uint64_t actual_max, const eng_limits *expected)
{
    if (actual_min < expected->min)
        return false;
    if (expected->has_max && (!actual_has_max || actual_max > expected->max))
        return false;
    return true;
}

static bool extern_matches(const eng_module *module, const eng_import *import, const eng_extern *ext)
{
    switch (import->kind) {
    case ENG_EXTERN_FUNC: return eng_functype_equal(ext->func->type, &module->types[import->type_index]);
    case ENG_EXTERN_TABLE: {
        const eng_table *table = ext->table;
        return table->type.element_type == import->table.element_type &&
               limits_match(table->size, table->type.limits.has_max, table->type.limits.max, &import->table.limits);
    }
    case ENG_EXTERN_MEMORY: {
        const eng_memory *memory = ext->memory;
        return limits_match(memory_pages(memory), memory->type.limits.has_max, memory->type.limits.max,
                            &import->memory.limits);
    }
    case ENG_EXTERN_GLOBAL:
        return ext->global->type.type == import->global.type &&
               ext->global->type.is_mutable == import->global.is_mutable;
    }
    return false;
}

static bool extern_is_null(const eng_extern *ext)
{
    switch (ext->kind) {
    case ENG_EXTERN_FUNC: return ext->func == NULL;
    case ENG_EXTERN_TABLE: return ext->table == NULL;
    case ENG_EXTERN_MEMORY: return ext->memory == NULL;
    case ENG_EXTERN_GLOBAL: return ext->global == NULL;
    }
    return true;
}

static eng_error *check_import(const eng_module *module, uint32_t index, const eng_extern *ext)
{
    const eng_import *import = &module->imports[index];
    bool missing = (unsigned)ext->kind > ENG_EXTERN_GLOBAL || extern_is_null(ext);
    /* The common case, a match, formats nothing: instantiation is on the per-request path. */
    if (!missing && ext->kind == import->kind && extern_matches(module, import, ext))
        return NULL;
    char *message = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&message, &size);
    if (!out)
        return eng_error_new("import %u: out of memory while describing why it does not match", index);
    fprintf(out, "import %u ", index);
    eng_name_write(out, import->module.data, import->module.length, NAME_MAX_SHOWN);
    fputc('.', out);
    eng_name_write(out, import->name.data, import->name.length, NAME_MAX_SHOWN);
    fputs(": ", out);
    if (missing) {
        fprintf(out, "no %s was given for it", eng_externkind_name(import->kind));
    } else if (ext->kind != import->kind) {
        fprintf(out, "incompatible import type: expected %s, got %s", eng_externkind_name(import->kind),
                eng_externkind_name(ext->kind));
    } else {
        fputs("incompatible import type: expected ", out);
        write_import_type(out, module, index);
        fputs(", got ", out);
        write_extern_type(out, ext);
    }
    eng_error *error = fclose(out) == 0
                           ? eng_error_new("%s", message)
                           : eng_error_new("import %u: out of memory while describing why it does not match", index);
    free(message);
    return error;
}

/* ---- instance objects ---- */

/* The instance's record and arrays live in the store's arena: only the module is let go. */
static void instance_destroy(void *object)
{
    eng_instance *instance = object;
    if (instance->module)
        eng_module_release(instance->module);
}

/* From the store's arena, never NULL for a zero count, so that NULL always means OOM and the
 * arrays are valid pointers for memcpy even when empty. */
static void *allocate_array(eng_store *store, size_t count, size_t size)
{
    if (count > SIZE_MAX / size)
        return NULL;
    return eng_store_alloc(store, count ? count * size : 1);
}

static eng_error *out_of_memory(const char *what)
{
    return eng_error_new("out of memory while instantiating: allocating %s", what);
}

/* Constant expressions: a single instruction in WebAssembly 2.0. Globals read here are the
 * imported ones and those defined before (validation decides which are allowed). `out` has two
 * slots, both written (the second holds the high half of a v128). */
static eng_error *evaluate_constant(const eng_instance *instance, const eng_constexpr *expr, eng_slot out[2])
{
    const eng_module *module = instance->module;
    out[0].u64 = 0;
    out[1].u64 = 0;
    switch (expr->kind) {
    case ENG_CONST_VALUE:
        out[0].u64 = expr->bits;
        out[1].u64 = expr->bits_high;
        return NULL;
    case ENG_CONST_GLOBAL_GET:
        if (expr->index >= module->global_count || !instance->globals[expr->index])
            return eng_error_new("constant expression at offset 0x%x: unknown global %u", expr->offset, expr->index);
        out[0] = instance->globals[expr->index]->v128[0];
        out[1] = instance->globals[expr->index]->v128[1];
        return NULL;
    case ENG_CONST_REF_FUNC:
        if (expr->index >= module->func_count)
            return eng_error_new("constant expression at offset 0x%x: unknown function %u", expr->offset, expr->index);
        out->ref = instance->funcs[expr->index];
        return NULL;
    case ENG_CONST_REF_NULL: out->ref = NULL; return NULL;
    }
    return eng_error_new("constant expression at offset 0x%x: unknown kind", expr->offset);
}

/* Distributes the imports over the index spaces (they come first in each). */
static void link_imports(eng_instance *instance, const eng_extern *imports, uint32_t import_count)
{
    uint32_t funcs = 0, tables = 0, memories = 0, globals = 0;
    for (uint32_t i = 0; i < import_count; i++) {
        switch (imports[i].kind) {
        case ENG_EXTERN_FUNC: instance->funcs[funcs++] = imports[i].func; break;
        case ENG_EXTERN_TABLE: instance->tables[tables++] = imports[i].table; break;
        case ENG_EXTERN_MEMORY: instance->memories[memories++] = imports[i].memory; break;
        case ENG_EXTERN_GLOBAL: instance->globals[globals++] = imports[i].global; break;
        }
    }
}

/* Creates the module's own functions, tables, memories and globals. */
static eng_error *allocate_definitions(eng_store *store, eng_instance *instance)
{
    const eng_module *module = instance->module;
    eng_error *error = NULL;

    /* Compiled code, when the module has it: read once, so the instance never changes tier. */
    const eng_native_image *native = atomic_load_explicit(&module->native, memory_order_acquire);
    if (module->func_def_count) {
        /* One block for all defined functions: they live exactly as long as the instance. */
        eng_func *block = allocate_array(store, module->func_def_count, sizeof *block);
        if (!block)
            return out_of_memory("functions");
        for (uint32_t i = 0; i < module->func_def_count; i++) {
            uint32_t index = module->imported_func_count + i;
            eng_func *func = &block[i];
            func->type = eng_module_func_type(module, index);
            func->instance = instance;
            func->func_index = index;
            func->code = module->func_defs[i].code;
            if (native && native->entries[i]) {
                func->code = &native->stubs[i];
                func->native_entry = native->entries[i];
                func->native_function = native->functions[i];
            }
            instance->funcs[index] = func;
        }
    }
    for (uint32_t index = module->imported_table_count; index < module->table_count; index++) {
        instance->tables[index] = eng_table_new(store, &module->tables[index], NULL, &error);
        if (!instance->tables[index])
            return eng_error_wrap(error, "table %u", index);
    }
    for (uint32_t index = module->imported_memory_count; index < module->memory_count; index++) {
        if ((error = eng_limits_instance_memory_check(instance, &module->memories[index])))
            return eng_error_wrap(error, "memory %u", index);
        instance->memories[index] = eng_memory_new(store, &module->memories[index], index == 0 ? module : NULL, &error);
        if (!instance->memories[index])
            return eng_error_wrap(error, "memory %u", index);
        instance->memories[index]->instance = instance;
    }
    for (uint32_t i = 0; i < module->global_def_count; i++) {
        const eng_global_def *def = &module->global_defs[i];
        uint32_t index = module->imported_global_count + i;
        eng_slot value[2];
        if ((error = evaluate_constant(instance, &def->init, value)))
            return eng_error_wrap(error, "global %u", index);
        instance->globals[index] = eng_global_new(store, &def->type, value);
        if (!instance->globals[index])
            return out_of_memory("a global");
    }
    if (module->memory_count > 0) {
        instance->memory0 = instance->memories[0];
        instance->memory_base = instance->memory0->base;
    }
    return NULL;
}

/* Evaluates every element segment's items and records every data segment. */
static eng_error *allocate_segments(eng_instance *instance)
{
    const eng_module *module = instance->module;
    for (uint32_t i = 0; i < module->elem_count; i++) {
        const eng_elem_segment *segment = &module->elems[i];
        void **items = allocate_array(instance->store, segment->item_count, sizeof *items);
        if (!items)
            return out_of_memory("an element segment");
        instance->elems[i].items = items;
        for (uint32_t k = 0; k < segment->item_count; k++) {
            eng_slot value[2];
            eng_error *error = evaluate_constant(instance, &segment->items[k], value);
            if (error)
                return eng_error_wrap(error, "element segment %u, item %u", i, k);
            items[k] = value[0].ref;
        }
        instance->elems[i].count = segment->item_count;
    }
    static const uint8_t no_bytes[1];
    for (uint32_t i = 0; i < module->data_segment_count; i++) {
        const eng_data_segment *segment = &module->datas[i];
        instance->datas[i].size = segment->size;
        instance->datas[i].bytes = segment->bytes ? segment->bytes : no_bytes;
    }
    return NULL;
}

/* Active element segments behave as table.init followed by elem.drop, in order: a segment
 * out of bounds traps, and the writes of the segments before it stay (WebAssembly 2.0). */
static eng_error *apply_elem_segments(eng_instance *instance, eng_trap **trap)
{
    const eng_module *module = instance->module;
    for (uint32_t i = 0; i < module->elem_count; i++) {
        const eng_elem_segment *segment = &module->elems[i];
        eng_elem_instance *elem = &instance->elems[i];
        if (segment->mode == ENG_SEGMENT_DECLARATIVE) {
            elem->count = 0;
            continue;
        }
        if (segment->mode != ENG_SEGMENT_ACTIVE)
            continue;
        eng_slot offset_value[2];
        eng_error *error = evaluate_constant(instance, &segment->offset, offset_value);
        eng_slot offset = offset_value[0];
        if (error)
            return eng_error_wrap(error, "element segment %u offset", i);
        if (segment->table_index >= module->table_count)
            return eng_error_new("element segment %u: unknown table %u", i, segment->table_index);
        eng_table *table = instance->tables[segment->table_index];
        if ((uint64_t)offset.u32 + elem->count > table->size) {
            *trap = eng_trap_new(ENG_TRAP_OUT_OF_BOUNDS_TABLE, NULL);
            return *trap ? NULL : out_of_memory("a trap");
        }
        memcpy(table->elements + offset.u32, elem->items, (size_t)elem->count * sizeof *elem->items);
        elem->count = 0;
    }
    return NULL;
}

/* Active data segments behave as memory.init followed by data.drop, in order. When memory 0
 * already holds them (the module's image mapped, or a memory the module left unwritten: memory.c),
 * they are only dropped. Afterwards memory 0 is labelled with what it holds when that is the same
 * for every instance, so that it can go back to the pool as such. */
static eng_error *apply_data_segments(eng_instance *instance, eng_trap **trap)
{
    const eng_module *module = instance->module;
    uint64_t contents_id = 0;
    size_t contents_end = 0;
    bool constant = eng_module_memory_contents(module, &contents_id, &contents_end);
    eng_memory *memory0 = module->memory_count > 0 ? instance->memories[0] : NULL;
    if (constant && contents_id != 0 && memory0->contents_known && memory0->contents_id == contents_id) {
        for (uint32_t i = 0; i < module->data_segment_count; i++)
            if (module->datas[i].mode == ENG_SEGMENT_ACTIVE)
                instance->datas[i].size = 0;
        return NULL;
    }
    for (uint32_t i = 0; i < module->data_segment_count; i++) {
        const eng_data_segment *segment = &module->datas[i];
        eng_data_instance *data = &instance->datas[i];
        if (segment->mode != ENG_SEGMENT_ACTIVE)
            continue;
        eng_slot offset_value[2];
        eng_error *error = evaluate_constant(instance, &segment->offset, offset_value);
        eng_slot offset = offset_value[0];
        if (error)
            return eng_error_wrap(error, "data segment %u offset", i);
        if (segment->memory_index >= module->memory_count)
            return eng_error_new("data segment %u: unknown memory %u", i, segment->memory_index);
        eng_memory *memory = instance->memories[segment->memory_index];
        if ((uint64_t)offset.u32 + data->size > memory->size) {
            *trap = eng_trap_new(ENG_TRAP_OUT_OF_BOUNDS_MEMORY, NULL);
            return *trap ? NULL : out_of_memory("a trap");
        }
        memcpy(memory->base + offset.u32, data->bytes, data->size);
        memory->contents_known = false; /* until the label below, when the data is constant */
        data->size = 0;
    }
    if (constant) {
        memory0->contents_known = true;
        memory0->contents_id = contents_id;
        memory0->contents_end = contents_end;
    }
    return NULL;
}

eng_error *eng_instance_new(eng_store *store, eng_module *module, const eng_extern *imports, uint32_t import_count,
                            eng_instance **out, eng_trap **trap)
{
    *out = NULL;
    *trap = NULL;

    /* Linking: every failure here is reported before anything is created. */
    if (import_count != module->import_count)
        return eng_error_new("module has %u imports but %u were given", module->import_count, import_count);
    for (uint32_t i = 0; i < import_count; i++) {
        eng_error *error = check_import(module, i, &imports[i]);
        if (error)
            return error;
    }

    eng_instance *instance = eng_store_alloc(store, sizeof *instance);
    if (!instance)
        return out_of_memory("the instance");
    /* Owned by the store from here on: even a failed instantiation may have put its
     * functions into imported tables, so the instance must outlive this call. */
    if (!eng_store_own(store, instance, instance_destroy))
        return out_of_memory("the instance");
    instance->store = store;
    eng_module_retain(module);
    instance->module = module;

    instance->funcs = allocate_array(store, module->func_count, sizeof *instance->funcs);
    instance->tables = allocate_array(store, module->table_count, sizeof *instance->tables);
    instance->memories = allocate_array(store, module->memory_count, sizeof *instance->memories);
    instance->globals = allocate_array(store, module->global_count, sizeof *instance->globals);
    instance->elems = allocate_array(store, module->elem_count, sizeof *instance->elems);
    instance->datas = allocate_array(store, module->data_segment_count, sizeof *instance->datas);
    if (!instance->funcs || !instance->tables || !instance->memories || !instance->globals || !instance->elems ||
        !instance->datas)
        return out_of_memory("the instance's index spaces");

    link_imports(instance, imports, import_count);
    eng_error *error = allocate_definitions(store, instance);
    if (!error)
        error = allocate_segments(instance);
    if (!error)
        error = apply_elem_segments(instance, trap);
    if (!error && !*trap)
        error = apply_data_segments(instance, trap);
    if (error || *trap)
        return error;

    if (module->has_start) {
        eng_slot args[1]; /* the start function takes and returns nothing */
        eng_trap *start_trap = eng_func_call(store, instance->funcs[module->start_func], args);
        if (start_trap) {
            *trap = start_trap;
            return NULL;
        }
    }
    *out = instance;
    return NULL;
}

bool eng_instance_export(const eng_instance *instance, const char *name, size_t name_length, eng_extern *out)
{
    const eng_module *module = instance->module;
    for (uint32_t i = 0; i < module->export_count; i++) {
        const eng_export *export = &module->exports[i];
        if (export->name.length != name_length || (name_length && memcmp(export->name.data, name, name_length) != 0))
            continue;
        out->kind = export->kind;
        switch (export->kind) {
        case ENG_EXTERN_FUNC: out->func = instance->funcs[export->index]; break;
        case ENG_EXTERN_TABLE: out->table = instance->tables[export->index]; break;
        case ENG_EXTERN_MEMORY: out->memory = instance->memories[export->index]; break;
        case ENG_EXTERN_GLOBAL: out->global = instance->globals[export->index]; break;
        }
        return true;
    }
    return false;
}
