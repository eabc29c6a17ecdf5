/* services.h: one version of a service or plugin (compiled module, limits, routes, health) and the routing table. */
#ifndef WH_SERVICES_H
#define WH_SERVICES_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grants.h"
#include "guest.h"
#include "manifest.h"
#include "metrics.h"
#include "module_cache.h"

struct job;

/* When a version counts as failing (the admin API's "health" policy): within `window_ns` of its
 * deploy, at least `min_requests` answered and more than `max_error_rate` of them 5xx. */
typedef struct service_health {
    uint64_t window_ns; /* 0: no policy */
    uint64_t min_requests;
    double max_error_rate;
    uint64_t armed_at_ns; /* CLOCK_MONOTONIC at the deploy; 0: not watched */
    _Atomic uint64_t requests, errors;
    _Atomic bool tripped; /* set once, by the request that crossed the line */
} service_health;

typedef struct service_route {
    const char *pattern; /* as written: "/health", "/api/..." */
    const char *base;    /* the path to match: "/health", "/api" ("" for "/...") */
    size_t base_length;
    bool prefix;
    struct service *service;
} service_route;

/* One version of one service: its compiled module, limits and routes. Immutable once built,
 * except its scheduling state (workers.c) and its health counters. Reference counted: the
 * routing table holds one, and so does every request routed to it, so that a deploy, rollback,
 * reload or removal that replaces it lets the requests it already has finish on it. */
typedef struct service {
    _Atomic uint32_t references;
    manifest_kind kind; /* a service (routes, an HTTP ABI) or a plugin (called with bytes) */
    char *name;
    uint32_t version;      /* admin API: deploys of this name; manifest: readings of the manifest */
    bool from_manifest;    /* else deployed through the admin API */
    char *module_id;       /* "sha256:<hex>" (admin API) or the module's path (manifest), for listings */
    guest_service guest;   /* what guest_handle needs (points into the fields below) */
    wasm_module_t *module; /* this service's handle on the cached module */
    guest_plan *plan;      /* its imports resolved for its ABI */
    wh_plugin_t *plugin;   /* a plugin's compiled module (then module and plan are NULL) */
    char **env_names, **env_values;
    char **dir_host_paths, **dir_guest_paths;
    size_t env_count, dir_count;
    service_route *routes; /* its own routes; the table points at them */
    size_t route_count;
    uint64_t max_body_bytes;
    uint32_t concurrency;
    service_metrics *metrics;  /* of this name and version */
    capability_grants *grants; /* what its guests may reach */
    service_health health;
    /* Until when (CLOCK_MONOTONIC) its guests run on workers only, not on the loops (host.c). */
    _Atomic uint64_t inline_banned_until_ns;
    _Atomic uint64_t inline_last_overrun_ns; /* when a run on a loop last passed its budget */
    /* Scheduling, guarded by the workers' lock. */
    uint32_t running;
    struct job *waiting_first, *waiting_last;
} service;

/* The host-wide settings that services inherit when their entry is silent. */
typedef struct service_defaults {
    uint64_t timeout_ns;                 /* when neither the entry, defaults.timeout nor WASM_TIMEOUT set one */
    uint64_t max_body_bytes;             /* --max-body */
    uint32_t concurrency;                /* requests one service runs at once */
    const capability_host *capabilities; /* the key-value stores' file, the log for guests' lines */
} service_defaults;

/* Where a service's guests write their stderr. */
typedef struct service_log {
    void (*stderr_write)(void *user, const char *service, const char *request_id, const uint8_t *data, size_t size);
    void *user;
} service_log;

/* Builds version `version` of the service `entry` describes (a manifest entry, or one the admin
 * API read, whose module_path is its blob): compiles its module (or takes it from `cache`) and
 * checks it against its ABI. The new service holds one reference. On failure returns NULL with
 * the reason (without position: "x is not a valid module: ...") in `error`. */
service *service_new(const manifest_service *entry, uint32_t version, bool from_manifest, module_cache *cache,
                     metrics *metrics, const service_defaults *defaults, const service_log *log, char *error,
                     size_t error_size);
void service_retain(service *service);
void service_release(service *service);

/* Calls the export `export_name` of the plugin `service` with `input` (wh_plugin_call), its log
 * lines marked with `request_id`. NULL on success (`output` filled), else the trap. */
wasm_trap_t *service_plugin_call(service *service, const char *export_name, const wasm_byte_vec_t *input,
                                 wasm_byte_vec_t *output, const char *request_id);

/* The same in `session`, an instance of the plugin `service` kept across the calls of a stream
 * (wh_plugin_session_call). */
wasm_trap_t *service_plugin_session_call(service *service, wh_plugin_session_t *session, const char *export_name,
                                         const wasm_byte_vec_t *input, wasm_byte_vec_t *output, const char *request_id);

/* Counts one answered request of `service` while its health policy watches it. True for the
 * one call that finds the policy broken (the caller rolls back); false otherwise. */
bool service_health_record(service *service, int status, uint64_t now_ns);

/* The routing table: every route of a set of services, swapped whole when the set changes. */
typedef struct service_table {
    _Atomic uint32_t references;
    service **services; /* each held */
    size_t service_count;
    service_route *routes; /* exact routes first, then prefixes longest first */
    size_t route_count;
} service_table;

/* A table of `count` services (each retained); NULL when out of memory. Routes are not checked
 * for clashes here (the manifest reader and the registry do). */
service_table *service_table_new(service *const *services, size_t count);
void service_table_retain(service_table *table);
void service_table_release(service_table *table);

/* The service for `path` (the most specific route: an exact route, else the longest prefix),
 * and the route's pattern in *pattern; NULL when none matches. Both live as long as the table. */
service *service_table_route(service_table *table, const char *path, const char **pattern);

#endif
