/* module_cache.c: compiled modules kept by content (XXH3-128 of the file), so a reload recompiles only what changed, and the one background thread that compiles modules and plugins to native code. */
#define _GNU_SOURCE /* pthread_timedjoin_np */
#include "module_cache.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "wasmhost.h"

typedef struct cache_entry {
    XXH128_hash_t key;
    bool fuel;
    wasm_module_t *module;
    uint64_t last_used; /* the cache's clock at the last hit */
} cache_entry;

/* A module or a plugin waiting for the background compiler (a handle of its own). */
typedef struct compile_job {
    wasm_module_t *module; /* or NULL, and: */
    wh_plugin_t *plugin;
    bool fuel;  /* a module compiled by engines[fuel]: with the checks its interpreter code has */
    char *name; /* for the failure report: the file, or NULL */
    struct compile_job *next;
} compile_job;

struct module_cache {
    pthread_mutex_t lock;
    wasm_engine_t *engines[2]; /* [fuel] */
    cache_entry *entries;
    size_t count, capacity;
    uint64_t clock;
    size_t hits, compilations;
    /* Background compilation (WH_TIER_AUTO): one thread, started with the first job, so that
     * compiling takes at most one core from the requests. Guarded by `lock`. */
    wh_tier_t tier;
    char *code_cache_dir;             /* for plugins' configurations (NULL: none) */
    uint64_t max_memory_per_instance; /* likewise: their memory cap's ceiling (0: none) */
    void (*compile_failed)(void *data, const char *name, const char *why);
    void *compile_failed_data;
    compile_job *jobs, *last_job;
    pthread_cond_t wake;
    pthread_t compiler;
    bool compiler_running, stopping;
    struct timespec stop_deadline; /* set with `stopping`: how long module_cache_free waits */
    bool exited;                   /* the compiler thread has left its loop (it reads `abandoned` then) */
    bool abandoned;                /* module_cache_free stopped waiting for it: the compiler thread frees the cache */
    size_t native_compiled, native_failed, native_queued;
    char native_why[256];
};

static void free_job(compile_job *job)
{
    if (job->module)
        wasm_module_delete(job->module);
    wh_plugin_delete(job->plugin);
    free(job->name);
    free(job);
}

static void cache_destroy(module_cache *cache);

static void *compile_in_background(void *data)
{
    module_cache *cache = data;
    pthread_mutex_lock(&cache->lock);
    for (;;) {
        while (!cache->jobs && !cache->stopping)
            pthread_cond_wait(&cache->wake, &cache->lock);
        if (cache->stopping)
            break;
        compile_job *job = cache->jobs;
        cache->jobs = job->next;
        if (!cache->jobs)
            cache->last_job = NULL;
        pthread_mutex_unlock(&cache->lock);
        bool ok =
            job->module ? wh_module_compile(cache->engines[job->fuel], job->module) : wh_plugin_compile(job->plugin);
        pthread_mutex_lock(&cache->lock);
        cache->native_queued--;
        if (ok) {
            cache->native_compiled++;
        } else {
            cache->native_failed++;
            snprintf(cache->native_why, sizeof cache->native_why, "%s", wh_last_error_message());
        }
        /* Under the lock and only while the cache is in use: once module_cache_free has returned,
         * the host that receives the report may be gone. */
        if (!ok && cache->compile_failed && !cache->stopping) {
            /* Without the API function's name ("wh_module_compile: "): the user did not call it. */
            const char *why = wh_last_error_message();
            const char *colon = strstr(why, ": ");
            if (colon && strncmp(why, "wh_", 3) == 0 && (size_t)(colon - why) < 32)
                why = colon + 2;
            cache->compile_failed(cache->compile_failed_data,
                                  job->name     ? job->name
                                  : job->plugin ? "a plugin"
                                                : "a module",
                                  why);
        }
        free_job(job);
    }
    cache->exited = true;
    bool abandoned = cache->abandoned;
    pthread_mutex_unlock(&cache->lock);
    if (abandoned)
        cache_destroy(cache);
    return NULL;
}

/* Queues `module` (compiled by engines[fuel]) or `plugin` (the other NULL), called `name` in
 * failure reports (may be NULL), for the background compiler (called with the lock held). */
static void queue_compile(module_cache *cache, const wasm_module_t *module, bool fuel, const wh_plugin_t *plugin,
                          const char *name)
{
    if (cache->stopping)
        return; /* the server is stopping: it stays interpreted */
    compile_job *job = malloc(sizeof *job);
    if (job)
        *job = (compile_job){module ? wasm_module_copy(module) : NULL, plugin ? wh_plugin_copy(plugin) : NULL, fuel,
                             name ? strdup(name) : NULL, NULL};
    if (job && ((!job->module && !job->plugin) || (name && !job->name))) {
        free_job(job);
        job = NULL;
    }
    if (!job) {
        free(job);
        return; /* out of memory: it stays interpreted */
    }
    if (!cache->compiler_running) {
        if (pthread_create(&cache->compiler, NULL, compile_in_background, cache) != 0) {
            free_job(job);
            return;
        }
        cache->compiler_running = true;
    }
    if (cache->last_job)
        cache->last_job->next = job;
    else
        cache->jobs = job;
    cache->last_job = job;
    cache->native_queued++;
    pthread_cond_signal(&cache->wake);
}

module_cache *module_cache_new(size_t capacity, const module_cache_tier *settings)
{
    module_cache *cache = calloc(1, sizeof *cache);
    if (!cache)
        return NULL;
    cache->capacity = capacity ? capacity : 1;
    cache->entries = calloc(cache->capacity, sizeof *cache->entries);
    wh_tier_t tier = settings ? settings->tier : WH_TIER_INTERP;
    const char *code_cache_dir = settings ? settings->code_cache_dir : NULL;
    cache->tier = tier;
    if (settings) {
        cache->max_memory_per_instance = settings->max_memory_per_instance;
        cache->compile_failed = settings->compile_failed;
        cache->compile_failed_data = settings->data;
    }
    cache->code_cache_dir = code_cache_dir ? strdup(code_cache_dir) : NULL;
    pthread_mutex_init(&cache->lock, NULL);
    pthread_cond_init(&cache->wake, NULL);
    for (int fuel = 0; fuel < 2; fuel++) {
        wasm_config_t *config = wasm_config_new();
        if (config) {
            wh_config_consume_fuel(config, fuel);
            wh_config_set_tier(config, tier);
            if (code_cache_dir)
                wh_config_set_cache_dir(config, code_cache_dir);
            if (settings && settings->compile_timeout_ns != UINT64_MAX)
                wh_config_set_compile_timeout(config, settings->compile_timeout_ns);
            if (settings) {
                wh_config_set_max_instances(config, settings->max_instances);
                wh_config_set_max_memory_per_instance(config, settings->max_memory_per_instance);
                wh_config_set_instance_pool(config, cache->engines[0]); /* fuel or not: one bound */
            }
            cache->engines[fuel] = wasm_engine_new_with_config(config);
        }
    }
    if (!cache->entries || !cache->engines[0] || !cache->engines[1] || (code_cache_dir && !cache->code_cache_dir)) {
        module_cache_free(cache);
        return NULL;
    }
    return cache;
}

/* How long module_cache_free waits for a compile in progress before leaving it to its thread. */
#define STOP_WAIT_SECONDS 5

void module_cache_stop(module_cache *cache)
{
    if (!cache)
        return;
    pthread_mutex_lock(&cache->lock);
    if (!cache->stopping) {
        cache->stopping = true;
        clock_gettime(CLOCK_REALTIME, &cache->stop_deadline);
        cache->stop_deadline.tv_sec += STOP_WAIT_SECONDS;
        pthread_cond_signal(&cache->wake);
    }
    pthread_mutex_unlock(&cache->lock);
}

void module_cache_free(module_cache *cache)
{
    if (!cache)
        return;
    /* Waiting jobs are dropped; a compile in progress gets until STOP_WAIT_SECONDS after
     * module_cache_stop to finish (it may take up to its --compile-timeout, and the API cannot
     * cancel it), then is left to its thread, which frees the cache when it ends, so that a server
     * stops promptly; the process usually exits first, which ends the compile and its child
     * process (PR_SET_PDEATHSIG). Not leaving at once: the first compile of a process loads
     * libLLVM, whose constructors must not race the exit. */
    module_cache_stop(cache);
    if (cache->compiler_running) {
        if (pthread_timedjoin_np(cache->compiler, NULL, &cache->stop_deadline) != 0) {
            pthread_mutex_lock(&cache->lock);
            bool leave = !cache->exited;
            cache->abandoned = leave;
            pthread_mutex_unlock(&cache->lock);
            if (leave) {
                pthread_detach(cache->compiler);
                return;
            }
            pthread_join(cache->compiler, NULL); /* leaving its loop now */
        }
    }
    cache_destroy(cache);
}

static void cache_destroy(module_cache *cache)
{
    while (cache->jobs) {
        compile_job *job = cache->jobs;
        cache->jobs = job->next;
        free_job(job);
    }
    free(cache->code_cache_dir);
    pthread_cond_destroy(&cache->wake);
    for (size_t i = 0; i < cache->count; i++)
        wasm_module_delete(cache->entries[i].module);
    free(cache->entries);
    for (int fuel = 1; fuel >= 0; fuel--) /* the second counts its instances in the first */
        if (cache->engines[fuel])
            wasm_engine_delete(cache->engines[fuel]);
    pthread_mutex_destroy(&cache->lock);
    free(cache);
}

static bool read_file(const char *path, wasm_byte_vec_t *out, char *error, size_t error_size)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        snprintf(error, error_size, "cannot read module %s: %s", path, strerror(errno));
        return false;
    }
    long size = -1;
    if (fseek(file, 0, SEEK_END) == 0)
        size = ftell(file);
    if (size < 0 || fseek(file, 0, SEEK_SET) != 0) {
        snprintf(error, error_size, "cannot read module %s: %s", path, strerror(errno));
        fclose(file);
        return false;
    }
    wasm_byte_vec_new_uninitialized(out, (size_t)size);
    if (size && (!out->data || fread(out->data, 1, (size_t)size, file) != (size_t)size)) {
        snprintf(error, error_size, "cannot read module %s: %s", path, out->data ? "short read" : "out of memory");
        wasm_byte_vec_delete(out);
        fclose(file);
        return false;
    }
    fclose(file);
    return true;
}

/* `bytes` compiled by `engine`, as a new handle; NULL with the validator's message (after `name`:
 * "x.wasm is not a valid module: ...") in `error`. An artifact of `wasmhost compile` (by its
 * magic, whatever the file's name) is loaded with its native code, whatever the tier: its checks
 * are the engine's (wasm_module_deserialize refuses one that would leave fuel or deadlines
 * unchecked). */
static wasm_module_t *compile_bytes(wasm_engine_t *engine, const char *name, const wasm_byte_vec_t *bytes, char *error,
                                    size_t error_size)
{
    bool artifact = bytes->size >= sizeof WH_ARTIFACT_MAGIC - 1 &&
                    memcmp(bytes->data, WH_ARTIFACT_MAGIC, sizeof WH_ARTIFACT_MAGIC - 1) == 0;
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = !store     ? NULL
                            : artifact ? wasm_module_deserialize(store, bytes)
                                       : wasm_module_new(store, bytes);
    if (store)
        wasm_store_delete(store);
    if (!module) {
        /* Without the API function's name ("wasm_module_new: "): the user did not call it. */
        const char *message = wh_last_error_message();
        const char *colon = strstr(message, ": ");
        if (colon && strncmp(message, "wasm_", 5) == 0)
            message = colon + 2;
        if (artifact)
            snprintf(error, error_size, "%s: cannot load the compiled artifact: %s", name, message);
        else if (wh_last_error_code() == WH_ERROR_CONFIG) /* --tier compiled, and the compile failed */
            snprintf(error, error_size, "%s: %s", name, message);
        else
            snprintf(error, error_size, "%s is not a valid module: %s", name, message);
        return NULL;
    }
    return module;
}

/* The module for `bytes`, compiled or from the cache, as a new handle; NULL with the validator's
 * message (after `name`: "x.wasm is not a valid module: ...") in `error`. */
static wasm_module_t *load_bytes(module_cache *cache, const char *name, const wasm_byte_vec_t *bytes, bool fuel,
                                 char *error, size_t error_size)
{
    XXH128_hash_t key = XXH3_128bits(bytes->data, bytes->size);
    wasm_engine_t *engine = cache->engines[fuel];

    pthread_mutex_lock(&cache->lock);
    cache->clock++;
    for (size_t i = 0; i < cache->count; i++) {
        cache_entry *entry = &cache->entries[i];
        if (entry->fuel == fuel && XXH128_isEqual(entry->key, key)) {
            entry->last_used = cache->clock;
            cache->hits++;
            wasm_module_t *copy = wasm_module_copy(entry->module);
            pthread_mutex_unlock(&cache->lock);
            if (!copy)
                snprintf(error, error_size, "out of memory");
            return copy;
        }
    }
    pthread_mutex_unlock(&cache->lock);

    /* Compiled outside the lock: a large module must not hold up other loads. */
    wasm_module_t *module = compile_bytes(engine, name, bytes, error, error_size);
    if (!module)
        return NULL;

    pthread_mutex_lock(&cache->lock);
    cache->compilations++;
    size_t slot = cache->count;
    if (cache->count == cache->capacity) {
        slot = 0;
        for (size_t i = 1; i < cache->count; i++)
            if (cache->entries[i].last_used < cache->entries[slot].last_used)
                slot = i;
        wasm_module_delete(cache->entries[slot].module);
    } else {
        cache->count++;
    }
    wasm_module_t *kept = wasm_module_copy(module);
    cache->entries[slot] = (cache_entry){.key = key, .fuel = fuel, .module = kept, .last_used = cache->clock};
    if (!kept) /* out of memory: forget the slot rather than keep a NULL module */
        cache->entries[slot] = cache->entries[--cache->count];
    if (cache->tier == WH_TIER_AUTO && !wh_module_native_functions(module, NULL))
        queue_compile(cache, module, fuel, NULL, name);
    pthread_mutex_unlock(&cache->lock);
    return module;
}

wasm_module_t *module_cache_load(module_cache *cache, const char *path, bool fuel, wasm_engine_t **engine, char *error,
                                 size_t error_size)
{
    wasm_byte_vec_t bytes;
    if (!read_file(path, &bytes, error, error_size))
        return NULL;
    *engine = cache->engines[fuel];
    wasm_module_t *module = load_bytes(cache, path, &bytes, fuel, error, error_size);
    wasm_byte_vec_delete(&bytes);
    return module;
}

wasm_module_t *module_cache_load_bytes(module_cache *cache, const char *name, const wasm_byte_vec_t *bytes, bool fuel,
                                       wasm_engine_t **engine, char *error, size_t error_size)
{
    *engine = cache->engines[fuel];
    return load_bytes(cache, name, bytes, fuel, error, error_size);
}

wasm_module_t *module_cache_load_once(module_cache *cache, const char *path, bool fuel, wasm_engine_t **engine,
                                      char *error, size_t error_size)
{
    wasm_byte_vec_t bytes;
    if (!read_file(path, &bytes, error, error_size))
        return NULL;
    *engine = cache->engines[fuel];
    wasm_module_t *module = compile_bytes(*engine, path, &bytes, error, error_size);
    wasm_byte_vec_delete(&bytes);
    return module;
}

void module_cache_plugin_config(module_cache *cache, wh_plugin_config_t *config)
{
    config->tier = cache->tier;
    config->cache_dir = cache->code_cache_dir;
    config->instance_pool = cache->engines[0]; /* --max-instances counts plugins' instances too */
    /* A plugin call's store holds one instance: its memory cap is the instance's. */
    uint64_t cap = cache->max_memory_per_instance;
    if (cap && (!config->max_memory_bytes || config->max_memory_bytes > cap))
        config->max_memory_bytes = cap;
}

void module_cache_compile_plugin(module_cache *cache, const wh_plugin_t *plugin, const char *name)
{
    pthread_mutex_lock(&cache->lock);
    if (cache->tier == WH_TIER_AUTO && !wh_plugin_native_functions(plugin, NULL))
        queue_compile(cache, NULL, false, plugin, name);
    pthread_mutex_unlock(&cache->lock);
}

bool module_cache_check(module_cache *cache, const uint8_t *bytes, size_t size, char *error, size_t error_size)
{
    wasm_byte_vec_t vector = {.size = size, .data = (wasm_byte_t *)bytes};
    wasm_module_t *module = load_bytes(cache, "the upload", &vector, false, error, error_size);
    if (module)
        wasm_module_delete(module);
    return module != NULL;
}

void module_cache_native_stats(module_cache *cache, size_t *compiled, size_t *failed, size_t *queued, char *why,
                               size_t why_size)
{
    pthread_mutex_lock(&cache->lock);
    *compiled = cache->native_compiled;
    *failed = cache->native_failed;
    *queued = cache->native_queued;
    snprintf(why, why_size, "%s", cache->native_why);
    pthread_mutex_unlock(&cache->lock);
}

void module_cache_stats(module_cache *cache, size_t *hits, size_t *compilations)
{
    pthread_mutex_lock(&cache->lock);
    *hits = cache->hits;
    *compilations = cache->compilations;
    pthread_mutex_unlock(&cache->lock);
}
