/* api_store.c: config, engine, store; object identities, handles and their functions; externs; foreign objects. */
#include "api_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- configuration and engine ----
 * The engine holds only its configuration (everything else lives in stores), so it may be
 * shared by any number of threads. */

wasm_config_t *wasm_config_new(void)
{
    wasm_config_t *config = calloc(1, sizeof *config);
    if (!config) {
        api_fail(WH_ERROR_RESOURCE, "wasm_config_new: out of memory");
        return NULL;
    }
    config->consume_fuel = false;
    config->interruptible = true;
    config->cache_max = (uint64_t)1 << 30;
    config->compile_timeout_ns = API_DEFAULT_COMPILE_TIMEOUT_NS;
    return config;
}

void wasm_config_delete(wasm_config_t *config)
{
    if (config)
        free(config->cache_dir);
    free(config);
}

/* Code checks for the stop flag (deadlines, interrupts) when interruptible, and charges fuel
 * (which looks at the same flag in the same places) when consuming fuel. */
static uint32_t config_checks(const wasm_config_t *config)
{
    return (config->interruptible ? ENG_CHECK_EPOCH : 0) | (config->consume_fuel ? ENG_CHECK_FUEL : 0);
}

/* The test hook of wasmhost.h: WASMHOST_COMPILE_CHECKS=fuel or all adds the fuel accounting
 * (which implies the epoch checks) to an engine left at its defaults. Only adds: a default
 * engine is interruptible, so its code must keep the epoch checks whatever the variable says. */
static uint32_t environment_checks(void)
{
    const char *setting = getenv("WASMHOST_COMPILE_CHECKS");
    if (setting && (strcmp(setting, "fuel") == 0 || strcmp(setting, "all") == 0))
        return ENG_CHECK_EPOCH | ENG_CHECK_FUEL;
    return 0;
}

wasm_engine_t *wasm_engine_new_with_config(wasm_config_t *config)
{
    wasm_engine_t *engine = calloc(1, sizeof *engine);
    if (!engine) {
        api_fail(WH_ERROR_RESOURCE, "wasm_engine_new: out of memory");
        wasm_config_delete(config);
        return NULL;
    }
    engine->config = (wasm_config_t){
        .consume_fuel = false, .interruptible = true, .compile_timeout_ns = API_DEFAULT_COMPILE_TIMEOUT_NS};
    if (config) {
        engine->config = *config;
        config->cache_dir = NULL; /* the engine owns it now */
    }
    /* A pool's own pool: every engine of a pool counts in the same place. */
    engine->instance_pool = engine->config.instance_pool ? engine->config.instance_pool->instance_pool : engine;
    engine->checks = config_checks(&engine->config);
    if (!config || !config->changed)
        engine->checks |= environment_checks();
    wasm_config_delete(config);
    return engine;
}

wasm_engine_t *wasm_engine_new(void) { return wasm_engine_new_with_config(NULL); }

void wasm_engine_delete(wasm_engine_t *engine)
{
    if (engine)
        free(engine->config.cache_dir);
    free(engine);
}

void wh_config_consume_fuel(wasm_config_t *config, bool enable)
{
    if (!config) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_config_consume_fuel: the config is NULL");
        return;
    }
    config->consume_fuel = enable;
    config->changed = true;
}

void wh_config_set_tier(wasm_config_t *config, wh_tier_t tier)
{
    if (!config || (tier != WH_TIER_AUTO && tier != WH_TIER_INTERP && tier != WH_TIER_COMPILED)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_config_set_tier: %s",
                 config ? "the tier is not one of WH_TIER_AUTO, WH_TIER_INTERP, WH_TIER_COMPILED"
                        : "the config is NULL");
        return;
    }
    config->tier = tier;
}

void wh_config_set_compile_timeout(wasm_config_t *config, uint64_t timeout_ns)
{
    if (!config) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_config_set_compile_timeout: the config is NULL");
        return;
    }
    config->compile_timeout_ns = timeout_ns;
}

void wh_config_set_max_instances(wasm_config_t *config, uint32_t max)
{
    if (!config) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_config_set_max_instances: the config is NULL");
        return;
    }
    config->max_instances = max;
}

void wh_config_set_max_memory_per_instance(wasm_config_t *config, uint64_t bytes)
{
    if (!config) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_config_set_max_memory_per_instance: the config is NULL");
        return;
    }
    config->max_memory_per_instance = bytes;
}

void wh_config_set_instance_pool(wasm_config_t *config, wasm_engine_t *pool)
{
    if (!config) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_config_set_instance_pool: the config is NULL");
        return;
    }
    config->instance_pool = pool;
}

void wh_config_interruptible(wasm_config_t *config, bool enable)
{
    if (!config) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_config_interruptible: the config is NULL");
        return;
    }
    config->interruptible = enable;
    config->changed = true;
}

/* ---- stores ---- */

static _Atomic uint64_t next_store_serial = 1;

wasm_store_t *wasm_store_new(wasm_engine_t *engine)
{
    if (!engine) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_store_new: the engine is NULL");
        return NULL;
    }
    wasm_store_t *store = calloc(1, sizeof *store);
    if (!store) {
        api_fail(WH_ERROR_RESOURCE, "wasm_store_new: out of memory");
        return NULL;
    }
    store->engine = eng_store_new();
    if (!store->engine) {
        free(store);
        api_fail(WH_ERROR_RESOURCE, "wasm_store_new: cannot allocate the store's stack (out of memory)");
        return NULL;
    }
    if (engine->config.max_memory_per_instance) {
        eng_store_limits limits;
        eng_store_get_limits(store->engine, &limits);
        limits.max_instance_memory_bytes = engine->config.max_memory_per_instance;
        eng_error_free(eng_store_set_limits(store->engine, &limits)); /* the stack is unchanged: cannot fail */
    }
    store->made_by = engine;
    store->serial = atomic_fetch_add_explicit(&next_store_serial, 1, memory_order_relaxed);
    return store;
}

void wasm_store_delete(wasm_store_t *store)
{
    if (!store)
        return;
    /* Frees every object, identities included (their finalizers run here), and the store's
     * arena, where the identities, their map and the list of instances live. */
    eng_store_free(store->engine);
    if (store->instance_slots)
        atomic_fetch_sub_explicit(&store->made_by->instance_pool->live_instances, store->instance_slots,
                                  memory_order_release);
    free(store);
}

bool api_store_add_instance(wasm_store_t *store, api_object *object)
{
    if (store->instance_count == store->instance_capacity) {
        size_t capacity = store->instance_capacity ? store->instance_capacity * 2 : 8;
        api_object **instances = eng_store_alloc(store->engine, capacity * sizeof *instances);
        if (!instances)
            return false;
        if (store->instance_count) /* the old array stays in the arena, unused */
            memcpy(instances, store->instances, store->instance_count * sizeof *instances);
        store->instances = instances;
        store->instance_capacity = capacity;
    }
    store->instances[store->instance_count++] = object;
    return true;
}

/* A compare-and-swap loop rather than an add then a check: the count never passes the limit, even
 * for a moment, so that a thread refused never saw a place another thread was about to give back. */
bool api_instance_slot_take(wasm_store_t *store, char *why, size_t why_size)
{
    wasm_engine_t *engine = store->made_by->instance_pool;
    uint32_t max = engine->config.max_instances;
    if (max == 0)
        return true;
    uint32_t live = atomic_load_explicit(&engine->live_instances, memory_order_relaxed);
    do {
        if (live >= max) {
            snprintf(why, why_size,
                     "the engine has its limit of %u instance%s alive (wh_config_set_max_instances): retry once a "
                     "store holding one is deleted",
                     max, max == 1 ? "" : "s");
            return false;
        }
    } while (!atomic_compare_exchange_weak_explicit(&engine->live_instances, &live, live + 1, memory_order_acquire,
                                                    memory_order_relaxed));
    store->instance_slots++;
    return true;
}

void api_instance_slot_return(wasm_store_t *store)
{
    wasm_engine_t *engine = store->made_by->instance_pool;
    if (engine->config.max_instances == 0)
        return;
    store->instance_slots--;
    atomic_fetch_sub_explicit(&engine->live_instances, 1, memory_order_release);
}

/* ---- identities ---- */

/* A store-owned identity lives in the store's arena: only its finalizer and frame handle remain. */
static void store_object_destroy(void *pointer)
{
    api_object *object = pointer;
    if (object->host_finalizer)
        object->host_finalizer(object->host_info);
    free(object->frame_handle);
}

static size_t pointer_hash(const void *pointer)
{
    uint64_t x = (uint64_t)(uintptr_t)pointer;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdu;
    x ^= x >> 33;
    return (size_t)x;
}

/* The slots live in the store's arena (the old ones stay there unused until the store goes). */
static bool map_grow(eng_store *store, api_object_map *map)
{
    size_t capacity = map->capacity ? map->capacity * 2 : 64;
    api_object **slots = eng_store_alloc(store, capacity * sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < map->capacity; i++) {
        api_object *object = map->slots[i];
        if (!object)
            continue;
        size_t k = pointer_hash(object->engine_object) & (capacity - 1);
        while (slots[k])
            k = (k + 1) & (capacity - 1);
        slots[k] = object;
    }
    map->slots = slots;
    map->capacity = capacity;
    return true;
}

api_object *api_object_for(wasm_store_t *store, api_kind kind, void *engine_object)
{
    api_object_map *map = &store->objects;
    if (map->capacity) {
        size_t k = pointer_hash(engine_object) & (map->capacity - 1);
        for (api_object *object; (object = map->slots[k]) != NULL; k = (k + 1) & (map->capacity - 1))
            if (object->engine_object == engine_object)
                return object;
    }
    /* Keep the table at most half full. */
    if ((map->count + 1) * 2 > map->capacity && !map_grow(store->engine, map)) {
        api_fail(WH_ERROR_RESOURCE, "out of memory registering an object");
        return NULL;
    }
    api_object *object = eng_store_alloc(store->engine, sizeof *object);
    if (!object) {
        api_fail(WH_ERROR_RESOURCE, "out of memory registering an object");
        return NULL;
    }
    object->kind = kind;
    object->engine_object = engine_object;
    if (!eng_store_own(store->engine, object, store_object_destroy)) {
        api_fail(WH_ERROR_RESOURCE, "out of memory registering an object");
        return NULL;
    }
    size_t k = pointer_hash(engine_object) & (map->capacity - 1);
    while (map->slots[k])
        k = (k + 1) & (map->capacity - 1);
    map->slots[k] = object;
    map->count++;
    return object;
}

static bool is_counted(api_kind kind) { return kind == API_MODULE || kind == API_TRAP; }

api_object *api_object_new_counted(api_kind kind)
{
    api_object *object = calloc(1, sizeof *object);
    if (!object) {
        api_fail(WH_ERROR_RESOURCE, "out of memory");
        return NULL;
    }
    object->kind = kind;
    atomic_init(&object->reference_count, 1);
    atomic_init(&object->pinned_in, 0);
    return object;
}

void api_object_release(api_object *object)
{
    if (!object || atomic_fetch_sub_explicit(&object->reference_count, 1, memory_order_acq_rel) > 1)
        return;
    if (object->host_finalizer)
        object->host_finalizer(object->host_info);
    if (object->kind == API_MODULE) {
        eng_module_release(object->module);
    } else if (object->kind == API_TRAP) {
        eng_trap_free(object->trap);
        eng_module_release(object->frames_module); /* after the frames that name it */
    }
    free(object);
}

static void release_pinned(void *object) { api_object_release(object); }

bool api_pin(wasm_store_t *store, api_object *object)
{
    if (!is_counted(object->kind) || atomic_load_explicit(&object->pinned_in, memory_order_relaxed) == store->serial)
        return true;
    atomic_fetch_add_explicit(&object->reference_count, 1, memory_order_relaxed);
    if (!eng_store_own(store->engine, object, release_pinned))
        return false; /* eng_store_own released it again */
    atomic_store_explicit(&object->pinned_in, store->serial, memory_order_relaxed);
    return true;
}

/* ---- handles ---- */

wasm_ref_t *api_handle_new(wasm_store_t *store, api_object *object)
{
    wasm_ref_t *handle = malloc(sizeof *handle);
    if (!handle) {
        api_fail(WH_ERROR_RESOURCE, "out of memory allocating a reference");
        return NULL;
    }
    handle->object = object;
    handle->store = store;
    if (is_counted(object->kind))
        atomic_fetch_add_explicit(&object->reference_count, 1, memory_order_relaxed);
    return handle;
}

void api_handle_delete(wasm_ref_t *handle)
{
    if (!handle)
        return;
    if (is_counted(handle->object->kind))
        api_object_release(handle->object);
    free(handle);
}

static wasm_ref_t *handle_copy(const wasm_ref_t *handle)
{
    return handle ? api_handle_new(handle->store, handle->object) : NULL;
}

static bool handle_same(const wasm_ref_t *a, const wasm_ref_t *b) { return a && b && a->object == b->object; }

static void *handle_host_info(const wasm_ref_t *handle) { return handle ? handle->object->host_info : NULL; }

static void handle_set_host_info(wasm_ref_t *handle, void *info, void (*finalizer)(void *))
{
    if (!handle)
        return;
    handle->object->host_info = info;
    handle->object->host_finalizer = finalizer;
}

/* The functions every reference type has. `matches` says whether a generic reference is of
 * this type. */
#define API_REF_FUNCTIONS(name, matches)                                                                               \
    void wasm_##name##_delete(wasm_##name##_t *handle) { api_handle_delete((wasm_ref_t *)handle); }                    \
    wasm_##name##_t *wasm_##name##_copy(const wasm_##name##_t *handle)                                                 \
    {                                                                                                                  \
        return (wasm_##name##_t *)handle_copy((const wasm_ref_t *)handle);                                             \
    }                                                                                                                  \
    bool wasm_##name##_same(const wasm_##name##_t *a, const wasm_##name##_t *b)                                        \
    {                                                                                                                  \
        return handle_same((const wasm_ref_t *)a, (const wasm_ref_t *)b);                                              \
    }                                                                                                                  \
    void *wasm_##name##_get_host_info(const wasm_##name##_t *handle)                                                   \
    {                                                                                                                  \
        return handle_host_info((const wasm_ref_t *)handle);                                                           \
    }                                                                                                                  \
    void wasm_##name##_set_host_info(wasm_##name##_t *handle, void *info)                                              \
    {                                                                                                                  \
        handle_set_host_info((wasm_ref_t *)handle, info, NULL);                                                        \
    }                                                                                                                  \
    void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t *handle, void *info, void (*finalizer)(void *))    \
    {                                                                                                                  \
        handle_set_host_info((wasm_ref_t *)handle, info, finalizer);                                                   \
    }                                                                                                                  \
    wasm_ref_t *wasm_##name##_as_ref(wasm_##name##_t *handle) { return (wasm_ref_t *)handle; }                         \
    const wasm_ref_t *wasm_##name##_as_ref_const(const wasm_##name##_t *handle) { return (const wasm_ref_t *)handle; } \
    wasm_##name##_t *wasm_ref_as_##name(wasm_ref_t *ref) { return ref && (matches) ? (wasm_##name##_t *)ref : NULL; }  \
    const wasm_##name##_t *wasm_ref_as_##name##_const(const wasm_ref_t *ref)                                           \
    {                                                                                                                  \
        return ref && (matches) ? (const wasm_##name##_t *)ref : NULL;                                                 \
    }

API_REF_FUNCTIONS(func, ref->object->kind == API_FUNC)
API_REF_FUNCTIONS(global, ref->object->kind == API_GLOBAL)
API_REF_FUNCTIONS(table, ref->object->kind == API_TABLE)
API_REF_FUNCTIONS(memory, ref->object->kind == API_MEMORY)
API_REF_FUNCTIONS(extern, api_is_extern_kind(ref->object->kind))
API_REF_FUNCTIONS(foreign, ref->object->kind == API_FOREIGN)
API_REF_FUNCTIONS(instance, ref->object->kind == API_INSTANCE)
API_REF_FUNCTIONS(module, ref->object->kind == API_MODULE)
API_REF_FUNCTIONS(trap, ref->object->kind == API_TRAP)

/* The generic reference: the same functions without conversions. */
void wasm_ref_delete(wasm_ref_t *ref) { api_handle_delete(ref); }
wasm_ref_t *wasm_ref_copy(const wasm_ref_t *ref) { return handle_copy(ref); }
bool wasm_ref_same(const wasm_ref_t *a, const wasm_ref_t *b) { return handle_same(a, b); }
void *wasm_ref_get_host_info(const wasm_ref_t *ref) { return handle_host_info(ref); }
void wasm_ref_set_host_info(wasm_ref_t *ref, void *info) { handle_set_host_info(ref, info, NULL); }
void wasm_ref_set_host_info_with_finalizer(wasm_ref_t *ref, void *info, void (*finalizer)(void *))
{
    handle_set_host_info(ref, info, finalizer);
}

/* ---- externals: views of functions, globals, tables and memories ---- */

#define API_EXTERN_VIEWS(name, KIND)                                                                    \
    wasm_extern_t *wasm_##name##_as_extern(wasm_##name##_t *handle) { return (wasm_extern_t *)handle; } \
    const wasm_extern_t *wasm_##name##_as_extern_const(const wasm_##name##_t *handle)                   \
    {                                                                                                   \
        return (const wasm_extern_t *)handle;                                                           \
    }                                                                                                   \
    wasm_##name##_t *wasm_extern_as_##name(wasm_extern_t *handle)                                       \
    {                                                                                                   \
        return handle && handle->ref.object->kind == KIND ? (wasm_##name##_t *)handle : NULL;           \
    }                                                                                                   \
    const wasm_##name##_t *wasm_extern_as_##name##_const(const wasm_extern_t *handle)                   \
    {                                                                                                   \
        return handle && handle->ref.object->kind == KIND ? (const wasm_##name##_t *)handle : NULL;     \
    }

API_EXTERN_VIEWS(func, API_FUNC)
API_EXTERN_VIEWS(global, API_GLOBAL)
API_EXTERN_VIEWS(table, API_TABLE)
API_EXTERN_VIEWS(memory, API_MEMORY)

wasm_externkind_t wasm_extern_kind(const wasm_extern_t *handle)
{
    if (!handle)
        return WASM_EXTERN_FUNC;
    switch (handle->ref.object->kind) {
    case API_GLOBAL: return WASM_EXTERN_GLOBAL;
    case API_TABLE: return WASM_EXTERN_TABLE;
    case API_MEMORY: return WASM_EXTERN_MEMORY;
    default: return WASM_EXTERN_FUNC;
    }
}

wasm_externtype_t *wasm_extern_type(const wasm_extern_t *handle)
{
    if (!handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_extern_type: the extern is NULL");
        return NULL;
    }
    switch (handle->ref.object->kind) {
    case API_FUNC: return wasm_functype_as_externtype(wasm_func_type(wasm_extern_as_func_const(handle)));
    case API_GLOBAL: return wasm_globaltype_as_externtype(wasm_global_type(wasm_extern_as_global_const(handle)));
    case API_TABLE: return wasm_tabletype_as_externtype(wasm_table_type(wasm_extern_as_table_const(handle)));
    case API_MEMORY: return wasm_memorytype_as_externtype(wasm_memory_type(wasm_extern_as_memory_const(handle)));
    default: return NULL;
    }
}

/* ---- foreign objects ---- */

wasm_foreign_t *wasm_foreign_new(wasm_store_t *store)
{
    if (!store) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_foreign_new: the store is NULL");
        return NULL;
    }
    api_object *object = eng_store_alloc(store->engine, sizeof *object);
    if (!object || !eng_store_own(store->engine, object, store_object_destroy)) {
        api_fail(WH_ERROR_RESOURCE, "wasm_foreign_new: out of memory");
        return NULL;
    }
    object->kind = API_FOREIGN;
    object->engine_object = object; /* nothing behind it but the identity */
    return (wasm_foreign_t *)api_handle_new(store, object);
}
