/* host.h: `wasmhost serve` as a library: manifest, admin API, services, workers and server; reload and shutdown. */
#ifndef WH_HOST_H
#define WH_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server.h"
#include "wasmhost.h" /* wh_tier_t */

/* Where the admin API listens unless told (the CLI client's default too). */
#define ADMIN_DEFAULT_ADDRESS "127.0.0.1:8081"

typedef struct host_options {
    const char *manifest_path;       /* NULL: none (then state_dir is needed) */
    const char *state_dir;           /* --state: the admin API's database and module blobs; NULL: no admin API */
    const char *admin_listen;        /* --admin HOST:PORT; NULL: ADMIN_DEFAULT_ADDRESS */
    const char *admin_token_file;    /* --admin-token-file; NULL: none (loopback addresses only) */
    uint64_t admin_max_module_bytes; /* --admin-max-module; 0: 64 MiB */
    const char *listen;              /* "HOST:PORT" overriding the manifest's; NULL: the manifest's, else
                               127.0.0.1:8080 */
    const char *access_log;          /* "-" (standard output), "off" or a file */
    unsigned loops;                  /* event-loop threads; 0: one per core */
    unsigned workers;                /* guest threads; 0: 2 per core, at least 4 */
    uint32_t grace_ms;               /* SIGTERM: how long requests in flight may take to finish */
    server_limits limits;
    wh_tier_t tier;              /* --tier: WH_TIER_AUTO (default) compiles in the background (module_cache.h) */
    const char *code_cache_dir;  /* compiled code kept here (--cache-dir); NULL: none */
    uint64_t compile_timeout_ns; /* --compile-timeout (0: off); UINT64_MAX [default]: the API's default */
    /* --max-instances, --max-memory-per-instance: wh_config_set_* of the services' engines, with
     * one count for them and the plugins' (module_cache.h); an instantiation past max_instances
     * is answered 503 (0: no bound; the engine's default). */
    uint32_t max_instances;
    uint64_t max_memory_per_instance;
} host_options;

/* The defaults. The environment's overrides (WASM_TIMEOUT, WASM_CACHE_SIZE) apply to the
 * manifest, at start and at every reload (manifest_env_overrides). */
void host_options_default(host_options *options);

typedef struct host host;

/* Reads the manifest and opens the state, listens, then compiles the services of both (GET
 * /readyz answers 503 until they are loaded). NULL with "FILE:LINE:COLUMN: ..." or another
 * message in `error` when it cannot. A service of the state that cannot load stays down (logged);
 * the others start. */
host *host_start(const host_options *options, char *error, size_t error_size);
/* serve --check: reads the manifest and builds its services, plugins and pipelines as host_start
 * does (modules compiled, imports resolved, routes and names checked), without listening, opening
 * the state or running a guest. False with "FILE:LINE:COLUMN: ..." or another message in `error`. */
typedef struct host_check_counts {
    size_t services, plugins, pipelines;
    /* Pipeline stages naming a plugin the manifest does not have: not a mistake (the admin API
     * may deploy it later; until then the pipeline answers 404), but worth a word: "'p' stage 2:
     * no plugin 'x' in the manifest", the first few, "; "-separated. */
    size_t unresolved_stages;
    char unresolved[512];
} host_check_counts;
bool host_check(const host_options *options, host_check_counts *counts, char *error, size_t error_size);
/* True when the file the manifest's path names is no longer the one last read (replaced, as
 * Kubernetes does by swapping a symlink to a new folder, or rewritten); the caller reloads
 * (host_reload, which reads it and remembers it). False without a manifest. */
bool host_manifest_changed(host *host);
uint16_t host_port(const host *host);
/* The admin API's port; 0 without --state. */
uint16_t host_admin_port(const host *host);
/* Reads the manifest again and swaps in its services; requests in flight finish on the old
 * ones. On failure keeps the services it has and returns false with the reason in `error`. */
bool host_reload(host *host, char *error, size_t error_size);
/* Stops accepting, lets requests in flight finish (up to the grace period, then as long as their
 * guests' deadlines), and frees everything. Returns how many requests were cut off. */
uint64_t host_stop(host *host);

#endif
