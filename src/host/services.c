/* services.c: one version of a service (compiled module, limits, routes, health) and the routing table. */
#include "services.h"

#include "guest_capabilities.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The request a plugin call on this thread serves, for its log lines (service_plugin_call). */
static _Thread_local const char *plugin_request_id;

/* A plugin's log line, to the host's log with the plugin's name and the request's id. */
static void plugin_log(void *user, const char *text, size_t length)
{
    service *s = user;
    if (s->guest.log_stderr)
        s->guest.log_stderr(s->guest.log_user, s->name, plugin_request_id, (const uint8_t *)text, length);
}

/* The capabilities' state of the plugin call on this thread (its counts, open responses, log). */
static _Thread_local capability_call *plugin_capabilities;

/* A wasmhost_capabilities function for plugins: `user` is its index in the table. */
static const char *plugin_capability(void *user, uint8_t *memory, size_t memory_size, const int32_t *params,
                                     int32_t *results)
{
    capability_call *call = plugin_capabilities;
    if (!call)
        return "wasmhost_capabilities: called outside a plugin call of wasmhost serve";
    if (!capability_function_run((int)(intptr_t)user, call, memory, memory_size, params, results))
        return "wasmhost_capabilities: a function that blocks was called on an event loop";
    return NULL;
}

/* Runs one call of the plugin `s` (through `session` when not NULL) with its grants. */
static wasm_trap_t *plugin_call_with_capabilities(service *s, wh_plugin_session_t *session, const char *export_name,
                                                  const wasm_byte_vec_t *input, wasm_byte_vec_t *output,
                                                  const char *request_id)
{
    capability_call call;
    capability_call_start(&call, s->grants, request_id, s->guest.timeout_ns, false);
    capability_call *outer = plugin_capabilities; /* a call made from inside another one's callback */
    plugin_capabilities = &call;
    plugin_request_id = request_id;
    wasm_trap_t *trap = session ? wh_plugin_session_call(session, export_name, input, output)
                                : wh_plugin_call(s->plugin, export_name, input, output);
    plugin_request_id = NULL;
    plugin_capabilities = outer;
    capability_call_finish(&call, true);
    return trap;
}

wasm_trap_t *service_plugin_call(service *s, const char *export_name, const wasm_byte_vec_t *input,
                                 wasm_byte_vec_t *output, const char *request_id)
{
    return plugin_call_with_capabilities(s, NULL, export_name, input, output, request_id);
}

wasm_trap_t *service_plugin_session_call(service *s, wh_plugin_session_t *session, const char *export_name,
                                         const wasm_byte_vec_t *input, wasm_byte_vec_t *output, const char *request_id)
{
    return plugin_call_with_capabilities(s, session, export_name, input, output, request_id);
}

/* The wasmhost_capabilities functions as a plugin's configuration lists them, made once. */
static wh_plugin_import_t plugin_imports[32];
static size_t plugin_import_count;
static pthread_once_t plugin_imports_once = PTHREAD_ONCE_INIT;

static void make_plugin_imports(void)
{
    for (int i = 0; capability_function_name_or_null(i) && plugin_import_count < 32; i++)
        plugin_imports[plugin_import_count++] = (wh_plugin_import_t){
            .module = CAPABILITY_MODULE,
            .name = capability_function_name(i),
            .param_count = capability_function_params(i),
            .result_count = 1,
            .callback = plugin_capability,
            .user = (void *)(intptr_t)i,
        };
}

static void service_free(service *s)
{
    capability_grants_free(s->grants);
    if (s->metrics)
        metrics_service_release(s->metrics);
    if (s->plan)
        guest_plan_delete(s->plan);
    if (s->plugin)
        wh_plugin_delete(s->plugin);
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
    for (size_t i = 0; i < s->route_count; i++) {
        free((char *)s->routes[i].pattern);
        free((char *)s->routes[i].base);
    }
    free(s->routes);
    free(s->module_id);
    free(s->name);
    free(s);
}

void service_retain(service *s) { atomic_fetch_add_explicit(&s->references, 1, memory_order_relaxed); }

void service_release(service *s)
{
    if (s && atomic_fetch_sub_explicit(&s->references, 1, memory_order_acq_rel) == 1)
        service_free(s);
}

/* Its routes as the table matches them: "/api/..." becomes the prefix "/api", "/..." the prefix "". */
static bool copy_routes(service *s, const manifest_service *entry)
{
    if (!(s->routes = calloc(entry->route_count + 1, sizeof *s->routes)))
        return false;
    for (size_t r = 0; r < entry->route_count; r++, s->route_count++) {
        const manifest_route *route = &entry->routes[r];
        service_route *out = &s->routes[r];
        char *base = strdup(route->path), *pattern = malloc(strlen(route->path) + 5);
        out->base = base;
        out->pattern = pattern;
        if (!base || !pattern)
            return false;
        if (route->prefix && strcmp(base, "/") == 0)
            base[0] = '\0';
        sprintf(pattern, "%s%s", base, route->prefix ? "/..." : "");
        out->base_length = strlen(base);
        out->prefix = route->prefix;
        out->service = s;
    }
    return true;
}

/* init: (docs/snapshots.md): runs the entry's init export once in an instance of `module`
 * (compiled by `engine`) with what a request of the service gets (environment, read-only
 * directories, limits; no request), and gives the snapshot's bytes in `out`. */
static bool snapshot_for_init(const manifest_service *entry, const service *s, wasm_engine_t *engine,
                              wasm_module_t *module, uint64_t timeout_ns, const service_log *log, wasm_byte_vec_t *out,
                              char *error, size_t error_size)
{
    guest_service init = {
        .name = s->name,
        .engine = engine,
        .module = module,
        .env_names = (const char *const *)s->env_names,
        .env_values = (const char *const *)s->env_values,
        .env_count = s->env_count,
        .dir_host_paths = (const char *const *)s->dir_host_paths,
        .dir_guest_paths = (const char *const *)s->dir_guest_paths,
        .dir_count = s->dir_count,
        .max_memory_bytes = entry->max_memory_bytes,
        .timeout_ns = timeout_ns,
        .fuel = entry->fuel,
        .log_stderr = log->stderr_write,
        .log_user = log->user,
    };
    return guest_snapshot(&init, entry->init_export, out, error, error_size);
}

/* The module of a service with init: (its module's snapshot), compiled through `cache` as any
 * module is; NULL with the reason in `error`. */
static wasm_module_t *load_initialised(const manifest_service *entry, const service *s, module_cache *cache,
                                       uint64_t timeout_ns, const service_log *log, wasm_engine_t **engine, char *error,
                                       size_t error_size)
{
    bool fuel = entry->fuel != 0;
    wasm_module_t *original = module_cache_load_once(cache, entry->module_path, fuel, engine, error, error_size);
    wasm_byte_vec_t snapshot = WASM_EMPTY_VEC;
    bool ok = original && snapshot_for_init(entry, s, *engine, original, timeout_ns, log, &snapshot, error, error_size);
    wasm_module_delete(original);
    wasm_module_t *module = NULL;
    if (ok) {
        char name[512];
        snprintf(name, sizeof name, "the snapshot of %s after init \"%.64s\"", entry->module_path, entry->init_export);
        module = module_cache_load_bytes(cache, name, &snapshot, fuel, engine, error, error_size);
    }
    wasm_byte_vec_delete(&snapshot);
    return module;
}

service *service_new(const manifest_service *entry, uint32_t version, bool from_manifest, module_cache *cache,
                     metrics *metrics, const service_defaults *defaults, const service_log *log, char *error,
                     size_t error_size)
{
    service *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    atomic_init(&s->references, 1);
    s->kind = entry->kind;
    s->version = version;
    s->from_manifest = from_manifest;
    s->name = strdup(entry->name);
    s->module_id = strdup(entry->module_digest ? entry->module_digest : entry->module_path);
    s->env_names = calloc(entry->env_count + 1, sizeof *s->env_names);
    s->env_values = calloc(entry->env_count + 1, sizeof *s->env_values);
    s->dir_host_paths = calloc(entry->dir_count + 1, sizeof *s->dir_host_paths);
    s->dir_guest_paths = calloc(entry->dir_count + 1, sizeof *s->dir_guest_paths);
    bool ok = s->name && s->module_id && s->env_names && s->env_values && s->dir_host_paths && s->dir_guest_paths;
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
        ok = copy_routes(s, entry) && (s->metrics = metrics_service(metrics, entry->name, version)) != NULL;
    if (!ok) {
        snprintf(error, error_size, "out of memory");
        service_free(s);
        return NULL;
    }
    if (!(s->grants = capability_grants_new(entry, version, s->metrics, defaults->capabilities, error, error_size))) {
        service_free(s);
        return NULL;
    }

    wasm_engine_t *engine = NULL;
    guest_abi abi = entry->abi == MANIFEST_ABI_HTTP ? GUEST_ABI_HTTP : GUEST_ABI_WAGI;
    uint64_t timeout_ns = entry->timeout_ns ? entry->timeout_ns : defaults->timeout_ns;
    if (entry->kind == MANIFEST_PLUGIN) {
        /* A plugin compiles and checks itself (wh_plugin_load: the convention, its imports). */
        wh_plugin_config_t config = {
            .max_memory_bytes = entry->max_memory_bytes,
            .fuel = entry->fuel,
            .timeout_ns = timeout_ns,
            .env_names = (const char *const *)s->env_names,
            .env_values = (const char *const *)s->env_values,
            .env_count = s->env_count,
            .log = plugin_log,
            .log_user = s,
        };
        pthread_once(&plugin_imports_once, make_plugin_imports);
        config.imports = plugin_imports;
        config.import_count = plugin_import_count;
        module_cache_plugin_config(cache, &config); /* the tier of services */
        if (entry->init_export) {
            /* The plugin is made from the snapshot, which init: ran in an instance of the module. */
            wasm_engine_t *init_engine = NULL;
            wasm_module_t *original =
                module_cache_load_once(cache, entry->module_path, entry->fuel != 0, &init_engine, error, error_size);
            wasm_byte_vec_t snapshot = WASM_EMPTY_VEC;
            bool ok = original &&
                      snapshot_for_init(entry, s, init_engine, original, timeout_ns, log, &snapshot, error, error_size);
            wasm_module_delete(original);
            if (ok && !(s->plugin = wh_plugin_new(&snapshot, &config)))
                snprintf(error, error_size, "%s after init: %s", entry->module_path, wh_last_error_message());
            wasm_byte_vec_delete(&snapshot);
        } else if (!(s->plugin = wh_plugin_load(entry->module_path, &config))) {
            snprintf(error, error_size, "%s", wh_last_error_message());
        }
        if (!s->plugin) {
            service_free(s);
            return NULL;
        }
        module_cache_compile_plugin(cache, s->plugin, entry->module_path);
    } else {
        s->module = entry->init_export
                        ? load_initialised(entry, s, cache, timeout_ns, log, &engine, error, error_size)
                        : module_cache_load(cache, entry->module_path, entry->fuel != 0, &engine, error, error_size);
        /* The plan checks the module against its ABI and resolves its imports once, not per request. */
        if (!s->module || !(s->plan = guest_plan_new(abi, engine, s->module, error, error_size))) {
            service_free(s);
            return NULL;
        }
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
        .timeout_ns = timeout_ns,
        .fuel = entry->fuel,
        .max_response_bytes = 16u << 20,
        .log_stderr = log->stderr_write,
        .log_user = log->user,
        .grants = s->grants,
    };
    s->health.window_ns = entry->health.window_ns;
    s->health.min_requests = entry->health.min_requests;
    s->health.max_error_rate = entry->health.max_error_rate;
    return s;
}

bool service_health_record(service *s, int status, uint64_t now_ns)
{
    service_health *health = &s->health;
    if (!health->armed_at_ns || now_ns - health->armed_at_ns > health->window_ns ||
        atomic_load_explicit(&health->tripped, memory_order_relaxed))
        return false;
    uint64_t requests = atomic_fetch_add_explicit(&health->requests, 1, memory_order_relaxed) + 1;
    uint64_t errors = atomic_load_explicit(&health->errors, memory_order_relaxed);
    if (status >= 500)
        errors = atomic_fetch_add_explicit(&health->errors, 1, memory_order_relaxed) + 1;
    if (requests < health->min_requests || (double)errors <= health->max_error_rate * (double)requests)
        return false;
    return !atomic_exchange_explicit(&health->tripped, true, memory_order_relaxed);
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

service_table *service_table_new(service *const *services, size_t count)
{
    service_table *table = calloc(1, sizeof *table);
    size_t route_total = 0;
    for (size_t i = 0; i < count; i++)
        route_total += services[i]->route_count;
    if (!table)
        return NULL;
    atomic_init(&table->references, 1);
    table->services = calloc(count + 1, sizeof *table->services);
    table->routes = calloc(route_total + 1, sizeof *table->routes);
    if (!table->services || !table->routes) {
        service_table_release(table);
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        service_retain(services[i]);
        table->services[table->service_count++] = services[i];
        for (size_t r = 0; r < services[i]->route_count; r++)
            table->routes[table->route_count++] = services[i]->routes[r];
    }
    qsort(table->routes, table->route_count, sizeof *table->routes, route_order);
    return table;
}

void service_table_retain(service_table *table)
{
    atomic_fetch_add_explicit(&table->references, 1, memory_order_relaxed);
}

void service_table_release(service_table *table)
{
    if (!table || atomic_fetch_sub_explicit(&table->references, 1, memory_order_acq_rel) != 1)
        return;
    for (size_t i = 0; i < table->service_count; i++)
        service_release(table->services[i]);
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
