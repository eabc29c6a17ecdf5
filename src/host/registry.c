/* registry.c: the services deployed now, from the manifest and from the admin API, and the routing table made from them. */
#include "registry.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct registry {
    pthread_mutex_t changes; /* held through a whole change (registry_lock_changes) */
    pthread_mutex_t lock;    /* guards the fields below; held briefly */
    service **manifest_services;
    size_t manifest_count;
    service **api_services;
    size_t api_count, api_capacity;
    service_table *table; /* NULL until the first change */
};

registry *registry_new(void)
{
    registry *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    pthread_mutex_init(&r->changes, NULL);
    pthread_mutex_init(&r->lock, NULL);
    return r;
}

void registry_free(registry *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->manifest_count; i++)
        service_release(r->manifest_services[i]);
    for (size_t i = 0; i < r->api_count; i++)
        service_release(r->api_services[i]);
    free(r->manifest_services);
    free(r->api_services);
    service_table_release(r->table);
    pthread_mutex_destroy(&r->lock);
    pthread_mutex_destroy(&r->changes);
    free(r);
}

void registry_lock_changes(registry *r) { pthread_mutex_lock(&r->changes); }
void registry_unlock_changes(registry *r) { pthread_mutex_unlock(&r->changes); }

service_table *registry_table(registry *r)
{
    pthread_mutex_lock(&r->lock);
    service_table *table = r->table;
    if (table)
        service_table_retain(table);
    pthread_mutex_unlock(&r->lock);
    return table;
}

/* A route as the tables write it: "/api/..." for the prefix "/api", "/..." for the prefix "/". */
static void route_pattern(const manifest_route *route, char *out, size_t size)
{
    if (route->prefix)
        snprintf(out, size, "%s/...", strcmp(route->path, "/") == 0 ? "" : route->path);
    else
        snprintf(out, size, "%s", route->path);
}

/* The service other than one named `name` that serves `pattern`, among `services`. */
static const service *route_owner(service *const *services, size_t count, const char *name, const char *pattern)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(services[i]->name, name) == 0)
            continue;
        for (size_t r = 0; r < services[i]->route_count; r++)
            if (strcmp(services[i]->routes[r].pattern, pattern) == 0)
                return services[i];
    }
    return NULL;
}

static const service *find_in(service *const *services, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(services[i]->name, name) == 0)
            return services[i];
    return NULL;
}

/* Under the lock: registry_check_api's checks, for the `route_count` routes `pattern(user, i, ...)` gives. */
static bool check_api_locked(registry *r, const char *name,
                             const char *(*pattern)(const void *, size_t, char *, size_t), const void *user,
                             size_t route_count, bool *manifest_owned, char *error, size_t error_size)
{
    *manifest_owned = false;
    const service *owned = find_in(r->manifest_services, r->manifest_count, name);
    if (owned) {
        *manifest_owned = true;
        snprintf(error, error_size,
                 "%s '%s' comes from the manifest: change it there (SIGHUP reloads it), not through the API",
                 manifest_kind_name(owned->kind), name);
        return false;
    }
    for (size_t i = 0; i < route_count; i++) {
        char buffer[4096];
        const char *text = pattern(user, i, buffer, sizeof buffer);
        const service *owner = route_owner(r->manifest_services, r->manifest_count, name, text);
        if (!owner)
            owner = route_owner(r->api_services, r->api_count, name, text);
        if (owner) {
            snprintf(error, error_size, "route '%.1000s' is already served by service '%s'%s", text, owner->name,
                     owner->from_manifest ? " (from the manifest)" : "");
            return false;
        }
    }
    return true;
}

static const char *entry_pattern(const void *user, size_t index, char *buffer, size_t size)
{
    route_pattern(&((const manifest_service *)user)->routes[index], buffer, size);
    return buffer;
}

static const char *service_pattern(const void *user, size_t index, char *buffer, size_t size)
{
    (void)buffer, (void)size;
    return ((const service *)user)->routes[index].pattern;
}

bool registry_check_api(registry *r, const char *name, const manifest_service *entry, bool *manifest_owned, char *error,
                        size_t error_size)
{
    pthread_mutex_lock(&r->lock);
    bool ok = check_api_locked(r, name, entry_pattern, entry, entry->route_count, manifest_owned, error, error_size);
    pthread_mutex_unlock(&r->lock);
    return ok;
}

/* Under the lock: a table of both sets swapped in. False when out of memory (nothing changes). */
static bool rebuild_locked(registry *r)
{
    size_t count = r->manifest_count + r->api_count;
    service **all = malloc((count + 1) * sizeof *all);
    if (!all)
        return false;
    if (r->manifest_count)
        memcpy(all, r->manifest_services, r->manifest_count * sizeof *all);
    if (r->api_count)
        memcpy(all + r->manifest_count, r->api_services, r->api_count * sizeof *all);
    service_table *table = service_table_new(all, count);
    free(all);
    if (!table)
        return false;
    service_table_release(r->table); /* freed when its last request lets go */
    r->table = table;
    return true;
}

bool registry_set_manifest(registry *r, service *const *services, size_t count, char *error, size_t error_size)
{
    service **copy = calloc(count + 1, sizeof *copy);
    if (!copy) {
        snprintf(error, error_size, "out of memory");
        return false;
    }
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < count; i++) {
        const service *s = services[i];
        if (find_in(r->api_services, r->api_count, s->name)) {
            snprintf(error, error_size, "%s '%s' is also deployed through the admin API: rename one of them",
                     manifest_kind_name(s->kind), s->name);
            goto clash;
        }
        for (size_t k = 0; k < s->route_count; k++) {
            const service *owner = route_owner(r->api_services, r->api_count, s->name, s->routes[k].pattern);
            if (owner) {
                snprintf(error, error_size, "service '%s': route '%s' is served by service '%s' (admin API)", s->name,
                         s->routes[k].pattern, owner->name);
                goto clash;
            }
        }
    }
    service **old = r->manifest_services;
    size_t old_count = r->manifest_count;
    for (size_t i = 0; i < count; i++) {
        service_retain(services[i]);
        copy[i] = services[i];
    }
    r->manifest_services = copy;
    r->manifest_count = count;
    if (!rebuild_locked(r)) {
        r->manifest_services = old;
        r->manifest_count = old_count;
        pthread_mutex_unlock(&r->lock);
        for (size_t i = 0; i < count; i++)
            service_release(copy[i]);
        free(copy);
        snprintf(error, error_size, "out of memory");
        return false;
    }
    pthread_mutex_unlock(&r->lock);
    for (size_t i = 0; i < old_count; i++)
        service_release(old[i]);
    free(old);
    return true;

clash:
    pthread_mutex_unlock(&r->lock);
    free(copy);
    return false;
}

bool registry_put(registry *r, service *s, char *error, size_t error_size)
{
    pthread_mutex_lock(&r->lock);
    bool manifest_owned;
    bool ok = check_api_locked(r, s->name, service_pattern, s, s->route_count, &manifest_owned, error, error_size);
    size_t slot = r->api_count;
    for (size_t i = 0; i < r->api_count; i++)
        if (strcmp(r->api_services[i]->name, s->name) == 0)
            slot = i;
    if (ok && slot == r->api_count && r->api_count == r->api_capacity) {
        size_t capacity = r->api_capacity ? r->api_capacity * 2 : 8;
        service **grown = realloc(r->api_services, capacity * sizeof *grown);
        if (grown) {
            r->api_services = grown;
            r->api_capacity = capacity;
        } else {
            ok = false;
            snprintf(error, error_size, "out of memory");
        }
    }
    service *old = NULL;
    if (ok) {
        old = slot < r->api_count ? r->api_services[slot] : NULL;
        r->api_services[slot] = s;
        if (!old)
            r->api_count++;
        service_retain(s);
        if (!rebuild_locked(r)) {
            service_release(s);
            if (old)
                r->api_services[slot] = old;
            else
                r->api_count--;
            old = NULL;
            ok = false;
            snprintf(error, error_size, "out of memory");
        }
    }
    pthread_mutex_unlock(&r->lock);
    if (old)
        service_release(old);
    return ok;
}

bool registry_remove(registry *r, const char *name)
{
    pthread_mutex_lock(&r->lock);
    service *removed = NULL;
    for (size_t i = 0; i < r->api_count; i++) {
        if (strcmp(r->api_services[i]->name, name) != 0)
            continue;
        removed = r->api_services[i];
        r->api_services[i] = r->api_services[--r->api_count];
        if (!rebuild_locked(r)) { /* out of memory: it keeps serving, as if not asked */
            r->api_services[r->api_count++] = r->api_services[i];
            r->api_services[i] = removed;
            removed = NULL;
        }
        break;
    }
    pthread_mutex_unlock(&r->lock);
    if (removed)
        service_release(removed);
    return removed != NULL;
}

service *registry_find(registry *r, const char *name)
{
    pthread_mutex_lock(&r->lock);
    service *found = (service *)find_in(r->manifest_services, r->manifest_count, name);
    if (!found)
        found = (service *)find_in(r->api_services, r->api_count, name);
    if (found)
        service_retain(found);
    pthread_mutex_unlock(&r->lock);
    return found;
}

service **registry_list(registry *r, size_t *count)
{
    pthread_mutex_lock(&r->lock);
    *count = r->manifest_count + r->api_count;
    service **all = *count ? malloc(*count * sizeof *all) : NULL;
    if (!all) {
        *count = 0;
    } else {
        for (size_t i = 0; i < r->manifest_count; i++)
            all[i] = r->manifest_services[i];
        for (size_t i = 0; i < r->api_count; i++)
            all[r->manifest_count + i] = r->api_services[i];
        for (size_t i = 0; i < *count; i++)
            service_retain(all[i]);
    }
    pthread_mutex_unlock(&r->lock);
    return all;
}
