/* admin.h: the admin API of `wasmhost serve --state DIR`: deploy, roll back and remove services at run time. */
#ifndef WH_ADMIN_H
#define WH_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access_log.h"
#include "host.h" /* ADMIN_DEFAULT_ADDRESS */
#include "metrics.h"
#include "module_cache.h"
#include "pipelines.h"
#include "registry.h"
#include "services.h"

/* The admin API listens on its own address (loopback unless a token guards it) and answers on
 * one event-loop thread of its own, one request at a time: its changes are serialised, and a
 * slow one (compiling a large module, fsync) holds up no public request. Every change follows one
 * order: check, compile, make durable (blob, then database row), then route (registry_put), so
 * that a crash at any point leaves each service at its old or its new version. docs/admin-api.md
 * is the API; state.h and blobs.h say what is on disk. */
typedef struct admin admin;

typedef struct admin_options {
    const char *state_dir;     /* required: made when missing */
    const char *listen;        /* "HOST:PORT" of the admin listener; NULL: ADMIN_DEFAULT_ADDRESS */
    const char *token_file;    /* its first line is the bearer token; NULL: none (loopback only) */
    uint64_t max_module_bytes; /* POST /v1/modules bodies: 413 past it; 0: 64 MiB */
} admin_options;

/* What the admin API changes and uses of the host's. */
typedef struct admin_host {
    registry *registry;
    pipeline_set *pipelines;
    module_cache *cache;
    metrics *metrics;
    access_log *log;
    const service_defaults *defaults;
    service_log service_log;
} admin_host;

/* Opens the state (database and blobs) and reads the token; refuses a non-loopback address
 * without a token. NULL with the reason in `error`. */
admin *admin_open(const admin_options *options, const admin_host *host, char *error, size_t error_size);
/* Starts the admin listener; false with the reason (address taken...) in `error`. */
bool admin_listen(admin *admin, char *error, size_t error_size);
uint16_t admin_port(const admin *admin);
/* Sweeps crash leftovers from the blobs, then routes every service of the state at its active
 * version. A service that cannot load (missing or corrupt blob, route clash with the manifest) is
 * logged with its name and stays down; the others start. Returns how many stayed down. */
size_t admin_load_services(admin *admin);
/* Rolls `service` back to the version active before it was deployed, because its health policy
 * tripped (`reason`), unless it is no longer the active version. Blocks (database, compiling):
 * call it from a worker, not from an event loop. */
void admin_rollback_unhealthy(admin *admin, service *service, const char *reason);
/* Stops the listener (requests in flight are answered first) and closes the state. */
void admin_close(admin *admin);

#endif
