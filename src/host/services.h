/* services.h: the services built from a manifest (compiled modules, limits, routes) and routing. */
#ifndef WH_SERVICES_H
#define WH_SERVICES_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest.h"
#include "manifest.h"
#include "metrics.h"
#include "module_cache.h"

struct job;

/* One deployed service. Immutable once built, except its scheduling state (workers.c). Its
 * table owns it; a request routed to it holds a reference to the table, so a reload that
 * replaces or removes the service lets the requests it already has finish on it. */
typedef struct service {
    char *name;
    guest_service guest;   /* what guest_handle needs (points into the fields below) */
    wasm_module_t *module; /* this service's handle on the cached module */
    guest_plan *plan;      /* its imports resolved for its ABI */
    char **env_names, **env_values;
    char **dir_host_paths, **dir_guest_paths;
    size_t env_count, dir_count;
    uint64_t max_body_bytes;
    uint32_t concurrency;
    service_metrics *metrics;
    /* Until when (CLOCK_MONOTONIC) its guests run on workers only, not on the loops (host.c). */
    _Atomic uint64_t inline_banned_until_ns;
    _Atomic uint64_t inline_last_overrun_ns; /* when a run on a loop last passed its budget */
    /* Scheduling, guarded by the workers' lock. */
    uint32_t running;
    struct job *waiting_first, *waiting_last;
} service;

typedef struct service_route {
    char *pattern; /* as the manifest wrote it: "/health", "/api/..." */
    char *base;    /* the path to match: "/health", "/api" */
    size_t base_length;
    bool prefix;
    service *service;
} service_route;

/* The services of one manifest and their routes: swapped whole on reload. */
typedef struct service_table {
    _Atomic uint32_t references;
    service **services;
    size_t service_count;
    service_route *routes; /* exact routes first, then prefixes longest first */
    size_t route_count;
} service_table;

/* The host-wide settings that services inherit when their manifest entry is silent. */
typedef struct service_defaults {
    uint64_t timeout_ns;     /* when neither the entry, defaults.timeout nor WASM_TIMEOUT set one */
    uint64_t max_body_bytes; /* --max-body */
    uint32_t concurrency;    /* requests one service runs at once */
} service_defaults;

/* Builds every service of `manifest`: compiles (or takes from `cache`) each module, checks it
 * against its ABI. On failure returns NULL with "FILE:LINE:COLUMN: service 'x': ..." in `error`.
 * `log_stderr`/`log_user` receive the guests' stderr. */
service_table *service_table_build(const manifest *manifest, module_cache *cache, metrics *metrics,
                                   const service_defaults *defaults,
                                   void (*log_stderr)(void *, const char *, const char *, const uint8_t *, size_t),
                                   void *log_user, char *error, size_t error_size);
void service_table_release(service_table *table);

/* The service for `path` (the most specific route: an exact route, else the longest prefix),
 * and the route's pattern in *pattern; NULL when none matches. Both live as long as the table. */
service *service_table_route(service_table *table, const char *path, const char **pattern);

void service_table_retain(service_table *table);

#endif
