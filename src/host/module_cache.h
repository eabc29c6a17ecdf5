/* module_cache.h: compiled modules kept by content (XXH3-128 of the file), so a reload recompiles only what changed. */
#ifndef WH_MODULE_CACHE_H
#define WH_MODULE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm.h"

typedef struct module_cache module_cache;

/* Keeps up to `capacity` compiled modules (WASM_CACHE_SIZE), least recently used dropped first.
 * Two engines: fuel metering is compiled into code, so services with fuel use the second. */
module_cache *module_cache_new(size_t capacity);
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

#endif
