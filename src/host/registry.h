/* registry.h: the services deployed now, from the manifest and from the admin API, and the routing table made from them. */
#ifndef WH_REGISTRY_H
#define WH_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "services.h"

/* Two sets of services share the routes: the manifest's (replaced whole by a reload) and the
 * admin API's (one per name, each replaced by a deploy or a rollback). A service name belongs to
 * one of them, and a route (as written: "/api/..." and "/api" differ) to one service. Every
 * change builds a new routing table from both sets and swaps it in; requests already routed
 * keep their service (services are reference counted), so a swap never fails a request.
 *
 * Changes that take several steps (check, compile, write the state, install) hold the registry's
 * change lock throughout (registry_lock_changes), so that a reload and a deploy cannot both pass
 * their checks and then clash. Routing takes only a short lock of its own. */
typedef struct registry registry;

registry *registry_new(void);
/* Releases every service and the table (requests still holding them keep them alive). */
void registry_free(registry *registry);

void registry_lock_changes(registry *registry);
void registry_unlock_changes(registry *registry);

/* The table routing requests now, with a reference for the caller; NULL until the first change. */
service_table *registry_table(registry *registry);

/* Why the API may not deploy `name` with `routes`: false with the message in `error` when the
 * name is a manifest service's, or a route is served by another service. `*manifest_owned` tells
 * which (both map to 409 Conflict; the caller says so in words). */
bool registry_check_api(registry *registry, const char *name, const manifest_service *entry, bool *manifest_owned,
                        char *error, size_t error_size);
/* Replaces the manifest's services with `services` (each retained). False, with the clash in
 * `error`, when one has the name or a route of an API service; nothing changes then. */
bool registry_set_manifest(registry *registry, service *const *services, size_t count, char *error, size_t error_size);
/* Makes `service` (retained) the API service of its name, in place of the one there. False when
 * out of memory or when it clashes (checked again here). */
bool registry_put(registry *registry, service *service, char *error, size_t error_size);
/* Stops routing to the API service `name`; false when there is none. */
bool registry_remove(registry *registry, const char *name);

/* The service called `name` (retained: service_release it), or NULL. */
service *registry_find(registry *registry, const char *name);
/* Every service, manifest's first, each retained, in a malloc'd array (release each, free it);
 * NULL with *count 0 when there are none or out of memory. */
service **registry_list(registry *registry, size_t *count);

#endif
