/* manifest.h: the serve manifest (YAML, read with libyaml): listen address and services. */
#ifndef WH_MANIFEST_H
#define WH_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum manifest_abi { MANIFEST_ABI_WAGI, MANIFEST_ABI_HTTP } manifest_abi;

/* What an entry is: a service (routes, an ABI) or a plugin (bytes in, bytes out; no routes). */
typedef enum manifest_kind { MANIFEST_SERVICE, MANIFEST_PLUGIN } manifest_kind;

/* "service" or "plugin": the word in messages, the admin API's URLs (/v1/services, /v1/plugins)
 * and the admin state's kind column. */
const char *manifest_kind_name(manifest_kind kind);
/* The kind called `name`; false when it is neither. */
bool manifest_kind_from_name(const char *name, manifest_kind *kind);

typedef struct manifest_route {
    char *path;  /* "/health" (exact) or "/api/..." (prefix: the part before "/..."; "/" for "/...") */
    bool prefix; /* it ended in "/..."; `path` holds "/api" without the suffix */
} manifest_route;

typedef struct manifest_variable {
    char *name, *value;
} manifest_variable;

/* Where a value of `variables` comes from. */
typedef enum manifest_value_source {
    MANIFEST_VALUE_LITERAL, /* name: value */
    MANIFEST_VALUE_ENV,     /* name: {env: NAME}: the host's environment variable, read at load */
    MANIFEST_VALUE_FILE,    /* name: {file: PATH}: the file's contents (a secret), read at load */
} manifest_value_source;

typedef struct manifest_setting {
    char *name;
    manifest_value_source source;
    char *text; /* the value, the environment variable's name, or the file's absolute path */
} manifest_setting;

typedef struct manifest_dir {
    char *host_path;  /* absolute (resolved against the manifest's folder) */
    char *guest_path; /* where the guest sees it ("/data") */
} manifest_dir;

/* The admin API's "health" policy of a deploy (services.h: service_health). */
typedef struct manifest_health {
    uint64_t window_ns; /* 0: none */
    uint64_t min_requests;
    double max_error_rate;
} manifest_health;

typedef struct manifest_service {
    manifest_kind kind;
    char *name;
    char *module_path;   /* absolute (resolved against the manifest's folder); admin API: NULL until
                          the caller sets the blob's path */
    char *module_digest; /* admin API: "sha256:<hex>" as given; NULL in a manifest */
    manifest_abi abi;
    char *init_export; /* init: run once at load, every request starts from its state; NULL: none */
    manifest_route *routes;
    size_t route_count;
    manifest_variable *env;
    size_t env_count;
    manifest_dir *dirs; /* read-only */
    size_t dir_count;
    /* What the guest may reach (docs/abi.md, "wasmhost_capabilities"); nothing when empty. */
    char **outbound_hosts; /* allowed_outbound_hosts, as written (each checked by allow_rule_parse) */
    size_t outbound_host_count;
    char **kv_stores; /* key_value_stores: store names */
    size_t kv_store_count;
    manifest_setting *variables;
    size_t variable_count;
    /* Limits; 0 = the host's default. */
    uint64_t max_memory_bytes;
    uint64_t timeout_ns;
    uint64_t fuel; /* 0: no fuel metering */
    uint64_t max_body_bytes;
    uint32_t max_outbound_requests;       /* limits.outbound_requests */
    uint64_t max_outbound_response_bytes; /* limits.outbound_response */
    uint32_t concurrency;                 /* requests run at once; more wait their turn */
    manifest_health health;               /* admin API only */
    /* Where the entry starts in the file, for later messages (e.g. an invalid module). */
    int line, column;
    /* The entry's own limits.timeout set timeout_ns (so WASM_TIMEOUT does not replace it). */
    bool timeout_is_own;
} manifest_service;

/* A pipeline: plugins called in turn, each one's output the next one's input. */
typedef struct manifest_pipeline {
    char *name;
    char **stages; /* "plugin" (its export "process") or "plugin:export", as written */
    size_t stage_count;
    int line, column;
} manifest_pipeline;

typedef struct manifest {
    char *path;        /* as given */
    char *folder;      /* absolute folder of the file, against which paths resolve */
    char *listen_host; /* NULL when the manifest has no listen key */
    uint16_t listen_port;
    manifest_service *services; /* the services, then the plugins (`kind`); names are unique across both */
    size_t service_count;
    manifest_pipeline *pipelines; /* names of their own (a URL space of their own: /v1/pipelines/NAME) */
    size_t pipeline_count;
    /* defaults.timeout, replaced by WASM_TIMEOUT in manifest_env_overrides; 0: none given. */
    uint64_t default_timeout_ns;
    /* Compiled modules kept in memory: 64, or WASM_CACHE_SIZE (manifest_env_overrides). */
    size_t cache_size;
} manifest;

/* Reads and checks `path`: YAML syntax, unknown keys, wrong types, bad durations and sizes
 * ("500ms", "2s", "64MiB"), duplicate service names and routes, missing module files. On failure
 * returns NULL and writes "FILE:LINE:COLUMN: message" into `error`. Does not load modules (the
 * caller does, reporting an invalid one at the service's line and column). */
manifest *manifest_load(const char *path, char *error, size_t error_size);
void manifest_free(manifest *manifest);

/* A service as the admin API's PUT /v1/services/NAME gives it (a plugin, PUT /v1/plugins/NAME,
 * with `kind` MANIFEST_PLUGIN: the same without "routes" and "abi"): an object (JSON, which the YAML
 * reader takes as it is) with the keys of a manifest's service entry, read with the same key
 * tables, so values have the same syntax and errors the same words, at "ORIGIN:LINE:COLUMN".
 * Differences: "name" may be left out (it is `name`; when given it must be the same), "module" is
 * a digest ("sha256:<64 hex>", into module_digest; module_path stays NULL), "dirs" host paths
 * must be absolute, and "health" {window, min_requests, max_error_rate} is allowed. NULL with the
 * message in `error` when it is not valid. */
manifest_service *manifest_service_read(const char *origin, const unsigned char *text, size_t size, const char *name,
                                        manifest_kind kind, char *error, size_t error_size);
void manifest_service_free(manifest_service *service);

/* A pipeline as PUT /v1/pipelines/NAME gives it: {"stages": ["plugin", "plugin:export", ...]}
 * ("name" optional, as for services), read with the manifest's pipeline keys. NULL with the
 * message in `error` when it is not valid. */
manifest_pipeline *manifest_pipeline_read(const char *origin, const unsigned char *text, size_t size, const char *name,
                                          char *error, size_t error_size);
void manifest_pipeline_free(manifest_pipeline *pipeline);

/* Applies the environment's overrides to a loaded manifest: WASM_TIMEOUT (a duration; replaces
 * `defaults.timeout` for every service whose entry has no limits.timeout of its own) and
 * WASM_CACHE_SIZE (a count >= 1, into cache_size). Unset or empty variables change nothing. On
 * an invalid value returns false with a message naming the variable in `error`. */
bool manifest_env_overrides(manifest *manifest, char *error, size_t error_size);

/* "127.0.0.1:8080", "[::1]:8080", "localhost:80", ":8080" (host "0.0.0.0") -> host (without
 * brackets, in `host` of `host_size` bytes) and port (0 allowed: any free port). For --listen. */
bool manifest_parse_listen(const char *text, char *host, size_t host_size, uint16_t *port);

/* "500ms", "2s", "1.5s", "250us", "1m", or a bare number of seconds -> nanoseconds; false when
 * it is not one. Used for WASM_TIMEOUT too. */
bool manifest_parse_duration(const char *text, uint64_t *nanoseconds);
/* "65536", "64KiB", "16MiB", "1GiB" (also KB/MB/GB as powers of 1000) -> bytes. */
bool manifest_parse_size(const char *text, uint64_t *bytes);
/* A whole number written in decimal digits ("100000000"), for fuel, concurrency and counts. */
bool manifest_parse_count(const char *text, uint64_t *count);

#endif
