/* module_cache.h: compiled modules kept by content (XXH3-128 of the file), so a reload recompiles only what changed. */
#ifndef WH_MODULE_CACHE_H
#define WH_MODULE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm.h"
#include "wasmhost.h"

typedef struct module_cache module_cache;

/* Keeps up to `capacity` compiled modules (WASM_CACHE_SIZE), least recently used dropped first.
 * Two engines: fuel metering is compiled into code, so services with fuel use the second.
 * `tier` (serve --tier) and `code_cache_dir` (the folder of compiled code; NULL: none) decide
 * how services run, with fuel or without: WH_TIER_AUTO loads a module on the interpreter (or compiled code
 * from the folder) and queues it for one background thread that compiles it to native code, so
 * that the requests that start after it finished run native code; WH_TIER_COMPILED compiles
 * before the module is used; WH_TIER_INTERP never compiles. Code with fuel metering is compiled
 * and cached apart from code without (the cache key holds the checks). */
module_cache *module_cache_new(size_t capacity, wh_tier_t tier, const char *code_cache_dir);
void module_cache_free(module_cache *cache);

/* The compiled module for the file at `path`, as a new handle owned by the caller (valid after
 * the cache drops its own). `fuel`: compiled with fuel metering. On failure returns NULL with a
 * message ("cannot read ...", "not a valid module: ...") in `error`. Thread-safe. */
wasm_module_t *module_cache_load(module_cache *cache, const char *path, bool fuel, wasm_engine_t **engine, char *error,
                                 size_t error_size);

/* Compiles `size` bytes (for services without fuel) and keeps the module, so that loading the
 * same bytes from a file later is a hit: the admin API checks an upload this way. False with
 * "not a valid module: <the validator's message>" in `error`. Thread-safe. */
bool module_cache_check(module_cache *cache, const uint8_t *bytes, size_t size, char *error, size_t error_size);

/* Hits and compilations so far, for logs and tests. */
void module_cache_stats(module_cache *cache, size_t *hits, size_t *compilations);
/* Background compilations to native code: done, failed (the module stays interpreted; the last
 * reason in `why`, "" when none) and waiting. */
void module_cache_native_stats(module_cache *cache, size_t *compiled, size_t *failed, size_t *queued, char *why,
                               size_t why_size);

#endif
