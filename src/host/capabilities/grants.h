/* grants.h: what one service or plugin may reach (allow-list, stores, variables, limits), built from its manifest or admin entry. */
#ifndef WH_GRANTS_H
#define WH_GRANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access_log.h"
#include "allow_list.h"
#include "kv_store.h"
#include "manifest.h"
#include "metrics.h"

/* What the host gives every service's grants. */
typedef struct capability_host {
    kv_database *kv; /* the stores' file */
    access_log *log; /* where guests' log lines go */
} capability_host;

typedef struct capability_variable {
    char *name, *value;
    bool secret; /* from {env: ...} or {file: ...}: never logged or listed */
} capability_variable;

/* Read-only once built: every request of the version uses it at once. */
typedef struct capability_grants {
    char *service; /* name, and version, for the log */
    uint32_t version;
    service_metrics *metrics; /* the version's counters (not held: the service holds them) */
    access_log *log;
    allow_list outbound; /* empty: no outbound HTTP */
    uint32_t max_outbound_requests;
    uint64_t max_outbound_response_bytes;
    char **stores; /* key_value_stores */
    size_t store_count;
    kv_database *kv;
    capability_variable *variables;
    size_t variable_count;
} capability_grants;

/* The grants of `entry` (version `version`): its allow-list parsed, its variables read from the
 * environment and files now. NULL with the reason in `error` ("variable 'token': the environment
 * variable API_TOKEN is not set"); the reason never holds a variable's value. */
capability_grants *capability_grants_new(const manifest_service *entry, uint32_t version, service_metrics *metrics,
                                         const capability_host *host, char *error, size_t error_size);
void capability_grants_free(capability_grants *grants);

#endif
