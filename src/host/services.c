/* services.c: the services built from a manifest (compiled modules, limits, routes) and routing. */
#include "services.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void service_free(service *s)
{
    if (s->plan)
        guest_plan_delete(s->plan);
    if (s->module)
        wasm_module_delete(s->module);
    for (size_t i = 0; i < s->env_count; i++) {
        free(s->env_names[i]);
        free(s->env_values[i]);
    }
    for (size_t i = 0; i < s->dir_count; i++) {
        free(s->dir_host_paths[i]);
        free(s->dir_guest_paths[i]);
    }
    free(s->env_names);
    free(s->env_values);
    free(s->dir_host_paths);
    free(s->dir_guest_paths);
    free(s->name);
    free(s);
}

void service_table_retain(service_table *table)
{
    atomic_fetch_add_explicit(&table->references, 1, memory_order_relaxed);
}

/* One service from its manifest entry; NULL with the reason in `error` (without position). */
static service *service_build(const manifest_service *entry, module_cache *cache, metrics *metrics,
                              const service_defaults *defaults, char *error, size_t error_size)
{
    service *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    s->name = strdup(entry->name);
    s->env_names = calloc(entry->env_count + 1, sizeof *s->env_names);
    s->env_values = calloc(entry->env_count + 1, sizeof *s->env_values);
    s->dir_host_paths = calloc(entry->dir_count + 1, sizeof *s->dir_host_paths);
    s->dir_guest_paths = calloc(entry->dir_count + 1, sizeof *s->dir_guest_paths);
    bool ok = s->name && s->env_names && s->env_values && s->dir_host_paths && s->dir_guest_paths;
    for (size_t i = 0; ok && i < entry->env_count; i++, s->env_count++) {
        s->env_names[i] = strdup(entry->env[i].name);
        s->env_values[i] = strdup(entry->env[i].value);
        ok = s->env_names[i] && s->env_values[i];
    }
    for (size_t i = 0; ok && i < entry->dir_count; i++, s->dir_count++) {
        s->dir_host_paths[i] = strdup(entry->dirs[i].host_path);
        s->dir_guest_paths[i] = strdup(entry->dirs[i].guest_path);
        ok = s->dir_host_paths[i] && s->dir_guest_paths[i];
    }
    if (ok)
        ok = (s->metrics = metrics_service(metrics, entry->name)) != NULL;
    if (!ok) {
        snprintf(error, error_size, "out of memory");
        service_free(s);
        return NULL;
    }

    wasm_engine_t *engine = NULL;
    s->module = module_cache_load(cache, entry->module_path, entry->fuel != 0, &engine, error, error_size);
    if (!s->module) {
        service_free(s);
        return NULL;
    }
    guest_abi abi = entry->abi == MANIFEST_ABI_HTTP ? GUEST_ABI_HTTP : GUEST_ABI_WAGI;
    /* The plan checks the module against its ABI and resolves its imports once, not per request. */
    if (!(s->plan = guest_plan_new(abi, engine, s->module, error, error_size))) {
        service_free(s);
        return NULL;
    }
    s->max_body_bytes = entry->max_body_bytes ? entry->max_body_bytes : defaults->max_body_bytes;
    s->concurrency = entry->concurrency ? entry->concurrency : defaults->concurrency;
    s->guest = (guest_service){
        .name = s->name,
        .abi = abi,
        .engine = engine,
        .module = s->module,
        .plan = s->plan,
        .env_names = (const char *const *)s->env_names,
        .env_values = (const char *const *)s->env_values,
        .env_count = s->env_count,
        .dir_host_paths = (const char *const *)s->dir_host_paths,
        .dir_guest_paths = (const char *const *)s->dir_guest_paths,
        .dir_count = s->dir_count,
        .max_memory_bytes = entry->max_memory_bytes, /* 0: the engine's */
        .timeout_ns = entry->timeout_ns ? entry->timeout_ns : defaults->timeout_ns,
        .fuel = entry->fuel,
        .max_response_bytes = 16u << 20,
    };
    return s;
}

/* Exact routes first; then prefixes, longest first, so the first match is the most specific. */
static int route_order(const void *a, const void *b)
{
    const service_route *x = a, *y = b;
    if (x->prefix != y->prefix)
        return x->prefix ? 1 : -1;
    if (x->base_length != y->base_length)
        return x->base_length > y->base_length ? -1 : 1;
    return strcmp(x->base, y->base);
}

service_table *service_table_build(const manifest *m, module_cache *cache, metrics *metrics,
                                   const service_defaults *defaults,
                                   void (*log_stderr)(void *, const char *, const char *, const uint8_t *, size_t),
                                   void *log_user, char *error, size_t error_size)
{
    service_table *table = calloc(1, sizeof *table);
    size_t route_total = 0;
    for (size_t i = 0; i < m->service_count; i++)
        route_total += m->services[i].route_count;
    if (table) {
        atomic_init(&table->references, 1);
        table->services = calloc(m->service_count + 1, sizeof *table->services);
        table->routes = calloc(route_total + 1, sizeof *table->routes);
    }
    if (!table || !table->services || !table->routes) {
        snprintf(error, error_size, "%s: out of memory", m->path);
        service_table_release(table);
        return NULL;
    }
    for (size_t i = 0; i < m->service_count; i++) {
        const manifest_service *entry = &m->services[i];
        char reason[1024];
        service *s = service_build(entry, cache, metrics, defaults, reason, sizeof reason);
        if (!s) {
            snprintf(error, error_size, "%s:%d:%d: service '%s': %s", m->path, entry->line, entry->column, entry->name,
                     reason);
            service_table_release(table);
            return NULL;
        }
        s->guest.log_stderr = log_stderr;
        s->guest.log_user = log_user;
        table->services[table->service_count++] = s;
        for (size_t r = 0; r < entry->route_count; r++) {
            const manifest_route *route = &entry->routes[r];
            service_route *out = &table->routes[table->route_count];
            out->base = strdup(route->path);
            out->pattern = malloc(strlen(route->path) + 5);
            if (!out->base || !out->pattern) {
                free(out->base);
                free(out->pattern);
                snprintf(error, error_size, "%s: out of memory", m->path);
                service_table_release(table);
                return NULL;
            }
            /* The root prefix is stored as "" so that "/..." matches every path. */
            if (route->prefix && strcmp(out->base, "/") == 0)
                out->base[0] = '\0';
            sprintf(out->pattern, "%s%s", out->base, route->prefix ? "/..." : "");
            out->base_length = strlen(out->base);
            out->prefix = route->prefix;
            out->service = s;
            table->route_count++;
        }
    }
    qsort(table->routes, table->route_count, sizeof *table->routes, route_order);
    return table;
}

void service_table_release(service_table *table)
{
    if (!table || atomic_fetch_sub_explicit(&table->references, 1, memory_order_acq_rel) != 1)
        return;
    for (size_t i = 0; i < table->route_count; i++) {
        free(table->routes[i].base);
        free(table->routes[i].pattern);
    }
    for (size_t i = 0; i < table->service_count; i++)
        service_free(table->services[i]);
    free(table->routes);
    free(table->services);
    free(table);
}

service *service_table_route(service_table *table, const char *path, const char **pattern)
{
    for (size_t i = 0; i < table->route_count; i++) {
        const service_route *route = &table->routes[i];
        bool match;
        if (!route->prefix)
            match = strcmp(path, route->base) == 0;
        else /* "/api/..." matches "/api" and everything under "/api/" */
            match = strncmp(path, route->base, route->base_length) == 0 &&
                    (path[route->base_length] == '\0' || path[route->base_length] == '/');
        if (match) {
            *pattern = route->pattern;
            return route->service;
        }
    }
    return NULL;
}
