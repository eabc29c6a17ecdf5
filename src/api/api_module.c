/* api_module.c: compiling, validating, reflection (imports, exports, names, custom sections), serializing, sharing. */
#include "api_internal.h"

#include <stdlib.h>
#include <string.h>

/* Decodes and validates, recording why not: malformed (decoding) or invalid (validation).
 * Validation compiles, with the checks of the engine (fuel, interruption): the compiler takes
 * them from a per-thread setting, set here for the call and restored after. */
eng_module *api_module_compile(const wasm_engine_t *engine, const wasm_byte_vec_t *binary, const char *where)
{
    if (!binary || (binary->size && !binary->data)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "%s: the binary is NULL", where);
        return NULL;
    }
    static const uint8_t nothing[1];
    const uint8_t *bytes = binary->size ? (const uint8_t *)binary->data : nothing;
    eng_module *module;
    eng_error *error = eng_module_decode(bytes, binary->size, &module);
    if (error) {
        api_fail_error(WH_ERROR_MALFORMED, where, error);
        return NULL;
    }
    uint32_t checks = engine ? engine->checks : ENG_CHECK_EPOCH;
    uint32_t previous_checks = eng_compile_set_checks(checks);
    error = eng_module_validate(module);
    eng_compile_set_checks(previous_checks);
    if (error) {
        eng_module_release(module);
        api_fail_error(WH_ERROR_INVALID, where, error);
        return NULL;
    }
    /* Compiled code: from the cache (both tiers but the interpreter's), else compiled (the
     * compiled tier), then cached. */
    wh_tier_t tier = engine ? engine->config.tier : WH_TIER_AUTO;
    bool cached =
        tier != WH_TIER_INTERP && engine && engine->config.cache_dir && api_cache_lookup(engine, module, checks);
    if (tier == WH_TIER_COMPILED && !cached) {
        eng_native_image *image;
        error = eng_native_compile(module, checks, engine->config.compile_timeout_ns, &image);
        if (error) {
            eng_module_release(module);
            api_fail_error(WH_ERROR_CONFIG, where, error);
            return NULL;
        }
        eng_module_attach_native(module, image);
        if (engine->config.cache_dir)
            api_cache_store(engine, module, checks);
    }
    return module;
}

eng_module *api_module_load(const wasm_engine_t *engine, const wasm_byte_vec_t *binary, const char *where)
{
    const uint8_t *bytes = binary && binary->data ? (const uint8_t *)binary->data : NULL;
    if (!bytes || !eng_artifact_is(bytes, binary->size))
        return api_module_compile(engine, binary, where);
    eng_module *module;
    eng_error *error = eng_artifact_load(bytes, binary->size, &module);
    if (error) {
        api_fail_error(WH_ERROR_SERIALIZED, where, error);
        return NULL;
    }
    /* The artifact's code (native and interpreted alike) has the checks it was compiled with:
     * an engine that needs more would see its fuel or deadlines ignored. */
    const eng_native_image *image = atomic_load_explicit(&module->native, memory_order_acquire);
    uint32_t missing = (engine ? engine->checks : ENG_CHECK_EPOCH) & ~(image ? image->checks : 0);
    if (missing) {
        eng_module_release(module);
        api_fail(WH_ERROR_CONFIG, "%s: the artifact's code %s: load the module's .wasm instead", where,
                 missing & ENG_CHECK_FUEL
                     ? "does not meter fuel, and this engine meters it (wh_config_consume_fuel, --fuel)"
                     : "does not check for deadlines, and this engine has them (wh_config_interruptible, --timeout)");
        return NULL;
    }
    return module;
}

bool api_module_compile_native(const wasm_engine_t *engine, eng_module *module, const char *where)
{
    if (atomic_load_explicit(&module->native, memory_order_acquire))
        return true;
    if (engine->config.cache_dir && api_cache_lookup(engine, module, engine->checks))
        return true;
    eng_native_image *image;
    eng_error *error = eng_native_compile(module, engine->checks, engine->config.compile_timeout_ns, &image);
    if (error) {
        api_fail_error(WH_ERROR_CONFIG, where, error);
        return false;
    }
    eng_module_attach_native(module, image);
    if (engine->config.cache_dir)
        api_cache_store(engine, module, engine->checks);
    return true;
}

/* The engine whose checks a module compiled for `store` gets (NULL: the defaults). */
static const wasm_engine_t *engine_of(const wasm_store_t *store) { return store ? store->made_by : NULL; }

static wasm_module_t *module_handle(wasm_store_t *store, eng_module *module)
{
    api_object *object = api_object_new_counted(API_MODULE);
    if (!object) {
        eng_module_release(module);
        return NULL;
    }
    object->module = module;
    wasm_module_t *handle = (wasm_module_t *)api_handle_new(store, object);
    api_object_release(object); /* the handle holds it now (or nothing does) */
    return handle;
}

wasm_module_t *wasm_module_new(wasm_store_t *store, const wasm_byte_vec_t *binary)
{
    eng_module *module = api_module_compile(engine_of(store), binary, "wasm_module_new");
    return module ? module_handle(store, module) : NULL;
}

bool wasm_module_validate(wasm_store_t *store, const wasm_byte_vec_t *binary)
{
    eng_module *module = api_module_compile(engine_of(store), binary, "wasm_module_validate");
    eng_module_release(module);
    return module != NULL;
}

bool wh_module_compile(wasm_engine_t *engine, wasm_module_t *handle)
{
    if (!engine || !handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_module_compile: the %s is NULL", engine ? "module" : "engine");
        return false;
    }
    return api_module_compile_native(engine, handle->ref.object->module, "wh_module_compile");
}

uint32_t wh_module_native_functions(const wasm_module_t *handle, double *compile_seconds)
{
    if (compile_seconds)
        *compile_seconds = 0;
    if (!handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_module_native_functions: the module is NULL");
        return 0;
    }
    const eng_native_image *image = atomic_load_explicit(&handle->ref.object->module->native, memory_order_acquire);
    if (!image)
        return 0;
    if (compile_seconds)
        *compile_seconds = image->compile_seconds;
    return image->native_count;
}

/* ---- reflection ---- */

static wasm_externtype_t *import_type(const eng_module *module, const eng_import *import)
{
    switch (import->kind) {
    case ENG_EXTERN_FUNC: return (wasm_externtype_t *)api_functype_from(&module->types[import->type_index]);
    case ENG_EXTERN_TABLE: return (wasm_externtype_t *)api_tabletype_from(&import->table);
    case ENG_EXTERN_MEMORY: return (wasm_externtype_t *)api_memorytype_from(&import->memory);
    case ENG_EXTERN_GLOBAL: return (wasm_externtype_t *)api_globaltype_from(&import->global);
    }
    return NULL;
}

static wasm_externtype_t *export_type(const eng_module *module, const eng_export *export)
{
    switch (export->kind) {
    case ENG_EXTERN_FUNC: return (wasm_externtype_t *)api_functype_from(eng_module_func_type(module, export->index));
    case ENG_EXTERN_TABLE: return (wasm_externtype_t *)api_tabletype_from(&module->tables[export->index]);
    case ENG_EXTERN_MEMORY: return (wasm_externtype_t *)api_memorytype_from(&module->memories[export->index]);
    case ENG_EXTERN_GLOBAL: return (wasm_externtype_t *)api_globaltype_from(&module->global_types[export->index]);
    }
    return NULL;
}

void wasm_module_imports(const wasm_module_t *handle, wasm_importtype_vec_t *out)
{
    if (!out)
        return;
    wasm_importtype_vec_new_empty(out);
    if (!handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_module_imports: the module is NULL");
        return;
    }
    const eng_module *module = handle->ref.object->module;
    wasm_importtype_vec_new_uninitialized(out, module->import_count);
    if (out->size != module->import_count)
        return;
    for (uint32_t i = 0; i < module->import_count; i++) {
        const eng_import *import = &module->imports[i];
        wasm_name_t module_name, name;
        wasm_name_new(&module_name, import->module.length, import->module.data);
        wasm_name_new(&name, import->name.length, import->name.data);
        out->data[i] = wasm_importtype_new(&module_name, &name, import_type(module, import));
        if (!out->data[i]) {
            wasm_importtype_vec_delete(out);
            return;
        }
    }
}

void wasm_module_exports(const wasm_module_t *handle, wasm_exporttype_vec_t *out)
{
    if (!out)
        return;
    wasm_exporttype_vec_new_empty(out);
    if (!handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_module_exports: the module is NULL");
        return;
    }
    const eng_module *module = handle->ref.object->module;
    wasm_exporttype_vec_new_uninitialized(out, module->export_count);
    if (out->size != module->export_count)
        return;
    for (uint32_t i = 0; i < module->export_count; i++) {
        const eng_export *export = &module->exports[i];
        wasm_name_t name;
        wasm_name_new(&name, export->name.length, export->name.data);
        out->data[i] = wasm_exporttype_new(&name, export_type(module, export));
        if (!out->data[i]) {
            wasm_exporttype_vec_delete(out);
            return;
        }
    }
}

bool wh_module_name(const wasm_module_t *handle, wasm_name_t *out)
{
    if (!out)
        return false;
    wasm_name_new_empty(out);
    if (!handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_module_name: the module is NULL");
        return false;
    }
    const eng_name *name = &handle->ref.object->module->module_name;
    if (!name->data) {
        api_fail(WH_ERROR_NOT_FOUND,
                 "wh_module_name: the module has no name (no name section, or no module name in it)");
        return false;
    }
    wasm_name_new(out, name->length, name->data);
    return out->size == name->length;
}

bool wh_module_custom_section(const wasm_module_t *handle, const char *name, wasm_byte_vec_t *out)
{
    if (!out)
        return false;
    wasm_byte_vec_new_empty(out);
    if (!handle || !name) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_module_custom_section: the %s is NULL", handle ? "name" : "module");
        return false;
    }
    const eng_module *module = handle->ref.object->module;
    size_t length = strlen(name);
    for (uint32_t i = 0; i < module->custom_section_count; i++) {
        const eng_custom_section *section = &module->custom_sections[i];
        if (section->name.length != length || memcmp(section->name.data, name, length) != 0)
            continue;
        wasm_byte_vec_new(out, section->size, (const char *)module->bytes + section->offset);
        return out->size == section->size;
    }
    api_fail(WH_ERROR_NOT_FOUND, "wh_module_custom_section: the module has no custom section \"%s\"", name);
    return false;
}

/* ---- serializing ----
 * The serialized form is the module's own binary behind a small header; deserializing
 * decodes, validates and compiles it again (compiling is fast, and the form then stays valid
 * across wasmhost versions that change the internal code). Layout, little-endian:
 *   bytes 0-3   magic "\0whm"
 *   bytes 4-7   format version, 1
 *   bytes 8-15  length of the binary
 *   bytes 16-   the WebAssembly binary */

#define SERIAL_HEADER 16
#define SERIAL_VERSION 1u
static const char serial_magic[4] = {'\0', 'w', 'h', 'm'};

static void put_le(uint8_t *out, uint64_t value, int bytes)
{
    for (int i = 0; i < bytes; i++)
        out[i] = (uint8_t)(value >> (8 * i));
}

static uint64_t get_le(const uint8_t *in, int bytes)
{
    uint64_t value = 0;
    for (int i = 0; i < bytes; i++)
        value |= (uint64_t)in[i] << (8 * i);
    return value;
}

void wasm_module_serialize(const wasm_module_t *handle, wasm_byte_vec_t *out)
{
    if (!out)
        return;
    wasm_byte_vec_new_empty(out);
    if (!handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_module_serialize: the module is NULL");
        return;
    }
    const eng_module *module = handle->ref.object->module;
    /* A module with compiled code: the artifact (native_artifact.c), loadable without compiling. */
    if (atomic_load_explicit(&module->native, memory_order_acquire)) {
        uint8_t *artifact;
        size_t size;
        eng_error *error = eng_artifact_write(module, &artifact, &size);
        if (error) {
            api_fail_error(WH_ERROR_RESOURCE, "wasm_module_serialize", error);
            return;
        }
        wasm_byte_vec_new(out, size, (const wasm_byte_t *)artifact);
        free(artifact);
        return;
    }
    wasm_byte_vec_new_uninitialized(out, SERIAL_HEADER + module->size);
    if (out->size != SERIAL_HEADER + module->size)
        return;
    uint8_t *bytes = (uint8_t *)out->data;
    memcpy(bytes, serial_magic, 4);
    put_le(bytes + 4, SERIAL_VERSION, 4);
    put_le(bytes + 8, module->size, 8);
    memcpy(bytes + SERIAL_HEADER, module->bytes, module->size);
}

wasm_module_t *wasm_module_deserialize(wasm_store_t *store, const wasm_byte_vec_t *serialized)
{
    if (!serialized || (serialized->size && !serialized->data)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_module_deserialize: the bytes are NULL");
        return NULL;
    }
    const uint8_t *bytes = (const uint8_t *)serialized->data;
    if (eng_artifact_is(bytes, serialized->size)) {
        eng_module *module = api_module_load(engine_of(store), serialized, "wasm_module_deserialize");
        return module ? module_handle(store, module) : NULL;
    }
    if (serialized->size < SERIAL_HEADER || memcmp(bytes, serial_magic, 4) != 0) {
        api_fail(WH_ERROR_SERIALIZED, "wasm_module_deserialize: not a module serialized by wasmhost (neither a "
                                      "\"\\0whm\" module nor a \"\\0whc\" "
                                      "artifact)");
        return NULL;
    }
    uint64_t version = get_le(bytes + 4, 4), length = get_le(bytes + 8, 8);
    if (version != SERIAL_VERSION) {
        api_fail(WH_ERROR_SERIALIZED,
                 "wasm_module_deserialize: serialized format version %llu, this wasmhost reads version %u",
                 (unsigned long long)version, SERIAL_VERSION);
        return NULL;
    }
    if (length != serialized->size - SERIAL_HEADER) {
        api_fail(WH_ERROR_SERIALIZED,
                 "wasm_module_deserialize: the header announces %llu bytes of module but %zu follow",
                 (unsigned long long)length, serialized->size - SERIAL_HEADER);
        return NULL;
    }
    wasm_byte_vec_t binary = {(size_t)length, (wasm_byte_t *)(bytes + SERIAL_HEADER)};
    eng_module *module = api_module_compile(engine_of(store), &binary, "wasm_module_deserialize");
    return module ? module_handle(store, module) : NULL;
}

/* ---- sharing between threads ----
 * A store and what is in it belong to one thread; a shared module is a copy of the binary
 * that any thread may turn into a module of its own store (which compiles it there). Nothing
 * is shared between the two modules, so no locking is needed anywhere. */

struct wasm_shared_module_t {
    wasm_byte_vec_t binary;
};

wasm_shared_module_t *wasm_module_share(const wasm_module_t *handle)
{
    if (!handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_module_share: the module is NULL");
        return NULL;
    }
    const eng_module *module = handle->ref.object->module;
    wasm_shared_module_t *shared = malloc(sizeof *shared);
    if (shared)
        wasm_byte_vec_new(&shared->binary, module->size, (const char *)module->bytes);
    if (!shared || shared->binary.size != module->size) {
        free(shared);
        api_fail(WH_ERROR_RESOURCE, "wasm_module_share: out of memory");
        return NULL;
    }
    return shared;
}

wasm_module_t *wasm_module_obtain(wasm_store_t *store, const wasm_shared_module_t *shared)
{
    if (!shared) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_module_obtain: the shared module is NULL");
        return NULL;
    }
    eng_module *module = api_module_compile(engine_of(store), &shared->binary, "wasm_module_obtain");
    return module ? module_handle(store, module) : NULL;
}

void wasm_shared_module_delete(wasm_shared_module_t *shared)
{
    if (!shared)
        return;
    wasm_byte_vec_delete(&shared->binary);
    free(shared);
}
