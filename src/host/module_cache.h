/* module_cache.h: compiled modules kept by content (XXH3-128 of the file), so a reload recompiles only what changed. */
#ifndef WH_MODULE_CACHE_H
#define WH_MODULE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm.h"
#include "wasmhost.h"

typedef struct module_cache module_cache;

/* How services without fuel run (serve --tier, --cache-dir, --compile-timeout). */
typedef struct module_cache_tier {
    wh_tier_t tier;
    const char *code_cache_dir;  /* the folder of compiled code; NULL: none */
    uint64_t compile_timeout_ns; /* wh_config_set_compile_timeout; UINT64_MAX: its default */
    /* wh_config_set_max_instances and wh_config_set_max_memory_per_instance of the engines (0:
     * their defaults), which count their instances together, and those of plugins (whose
     * max_memory_bytes the memory cap lowers). */
    uint32_t max_instances;
    uint64_t max_memory_per_instance;
    /* Called from the background compiler when a module could not be compiled (it stays on the
     * interpreter): `name` is the file (or "the upload"), `why` the reason. May be NULL. */
    void (*compile_failed)(void *data, const char *name, const char *why);
    void *data;
} module_cache_tier;

/* Keeps up to `capacity` compiled modules (WASM_CACHE_SIZE), least recently used dropped first.
 * Two engines: fuel metering is compiled into code, so services with fuel use the second.
 * `tier` (NULL: the interpreter only) decides how services run, with fuel or without:
 * WH_TIER_AUTO loads a module on the interpreter (or compiled code from the folder) and queues it
 * for one background thread that compiles it to native code, so that the requests that start
 * after it finished run native code (a compile that fails or times out leaves the module on the
 * interpreter, reported through compile_failed); WH_TIER_COMPILED compiles before the module is
 * used; WH_TIER_INTERP never compiles. Code with fuel metering is compiled and cached apart from
 * code without (the cache key holds the checks). Plugins too, through module_cache_plugin_config
 * and module_cache_compile_plugin. */
module_cache *module_cache_new(size_t capacity, const module_cache_tier *tier);
/* Stops compiling: queued compiles are dropped, and the few seconds module_cache_free waits for
 * a compile in progress start now (a server calls it when it starts stopping, so that the wait
 * overlaps its grace period rather than following it). */
void module_cache_stop(module_cache *cache);
/* Stops (if not yet) and waits for a compile in progress until those seconds are over; past them
 * the compiler thread finishes it, reports nothing, and frees the cache (modules stay valid for
 * those holding copies). */
void module_cache_free(module_cache *cache);

/* The compiled module for the file at `path`, as a new handle owned by the caller (valid after
 * the cache drops its own). `fuel`: compiled with fuel metering. On failure returns NULL with a
 * message ("cannot read ...", "not a valid module: ...") in `error`. Thread-safe. */
wasm_module_t *module_cache_load(module_cache *cache, const char *path, bool fuel, wasm_engine_t **engine, char *error,
                                 size_t error_size);

/* The module at `path` compiled for one use, neither kept nor compiled to native code later: the
 * module of a service with init:, which runs once before its snapshot replaces it. */
wasm_module_t *module_cache_load_once(module_cache *cache, const char *path, bool fuel, wasm_engine_t **engine,
                                      char *error, size_t error_size);

/* module_cache_load for a module in memory (a snapshot made at load: docs/snapshots.md), called
 * `name` in messages: cached by its contents as a file's are. */
wasm_module_t *module_cache_load_bytes(module_cache *cache, const char *name, const wasm_byte_vec_t *bytes, bool fuel,
                                       wasm_engine_t **engine, char *error, size_t error_size);

/* Compiles `size` bytes (for services without fuel) and keeps the module, so that loading the
 * same bytes from a file later is a hit: the admin API checks an upload this way. False with
 * "not a valid module: <the validator's message>" in `error`. Thread-safe. */
bool module_cache_check(module_cache *cache, const uint8_t *bytes, size_t size, char *error, size_t error_size);

/* Plugins compile themselves (wh_plugin_load) on the tier and with the folder of compiled code
 * of this cache: sets both in `config`, which must not outlive the cache, lowers its
 * max_memory_bytes to the cache's max_memory_per_instance, and makes the services' engines'
 * max_instances count the plugin's instances too (its instance_pool). */
void module_cache_plugin_config(module_cache *cache, wh_plugin_config_t *config);
/* With WH_TIER_AUTO, queues `plugin` (a handle of its own is kept; `name`, its file, for a
 * failure's report) for the background compiler, unless it runs native code already. Thread-safe. */
void module_cache_compile_plugin(module_cache *cache, const wh_plugin_t *plugin, const char *name);

/* Hits and compilations so far, for logs and tests. */
void module_cache_stats(module_cache *cache, size_t *hits, size_t *compilations);
/* Background compilations to native code: done, failed (the module stays interpreted; the last
 * reason in `why`, "" when none) and waiting. */
void module_cache_native_stats(module_cache *cache, size_t *compiled, size_t *failed, size_t *queued, char *why,
                               size_t why_size);

#endif
