/* host.c: `wasmhost serve` as a library: manifest, admin API, services, workers and server; reload and shutdown. */
#include "host.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "access_log.h"
#include "admin.h"
#include "grants.h"
#include "guest.h"
#include "host_clock.h"
#include "manifest.h"
#include "metrics.h"
#include "module_cache.h"
#include "pipelines.h"
#include "plugin_endpoints.h"
#include "registry.h"
#include "services.h"
#include "workers.h"

#define DEFAULT_TIMEOUT_NS (30ull * 1000000000ull)

/* Which file the manifest's path named when it was last read: a change of any field means the
 * file was replaced (Kubernetes swaps a symlink to a new folder: a new inode) or rewritten. */
typedef struct file_identity {
    bool known;
    dev_t device;
    ino_t inode;
    off_t size;
    struct timespec modified;
} file_identity;

struct host {
    uint32_t grace_ms;
    char *manifest_path;         /* NULL: services come from the admin API only */
    file_identity manifest_read; /* the file behind manifest_path when it was last read */
    uint32_t manifest_readings;  /* the version of the manifest's services: 1 at start, +1 per reload */
    service_defaults defaults;
    module_cache *cache;
    metrics *metrics;
    access_log *log;
    workers *workers;
    server *server;
    registry *registry;           /* the services and plugins deployed now */
    pipeline_set *pipelines;      /* the pipelines deployed now */
    plugin_endpoints endpoints;   /* POST /v1/plugins/NAME/call/EXPORT, /wasm/execute, ... */
    admin *admin;                 /* NULL without --state */
    capability_host capabilities; /* what services' grants share: the stores' file, the log */
    _Atomic bool ready;
};

/* A request on its way through a worker. */
typedef struct request_job {
    job base; /* base.service: held, so that a change does not free the service under the request */
    host *host;
    server_exchange *exchange;
    http_request *request;
    const char *pattern;
} request_job;

/* A version whose health policy tripped, rolled back on a worker (the admin API blocks). */
typedef struct rollback_job {
    job base;
    host *host;
    service *service; /* held */
    char reason[256];
} rollback_job;

void host_options_default(host_options *o)
{
    memset(o, 0, sizeof *o);
    o->access_log = "-";
    o->grace_ms = 10000;
    o->compile_timeout_ns = UINT64_MAX;
    server_limits_default(&o->limits);
}

/* The background compiler could not compile a module: it stays on the interpreter. */
static void report_compile_failure(void *data, const char *name, const char *why)
{
    host *h = data;
    access_log_event(h->log, "error", NULL, NULL, "compiling %s to native code failed; it stays on the interpreter: %s",
                     name, why);
}

/* ---- built-in endpoints ---- */

static bool builtin_path(const char *path)
{
    return strcmp(path, "/healthz") == 0 || strcmp(path, "/readyz") == 0 || strcmp(path, "/metrics") == 0;
}

static void builtin_answer(host *h, const http_request *request, http_response *response)
{
    if (strcmp(request->method, "GET") != 0 && strcmp(request->method, "HEAD") != 0) {
        http_response_text(response, 405, "Method Not Allowed\n");
        http_response_add_header(response, "allow", "GET, HEAD");
        return;
    }
    if (strcmp(request->path, "/healthz") == 0) {
        http_response_text(response, 200, "ok\n");
    } else if (strcmp(request->path, "/readyz") == 0) {
        if (atomic_load(&h->ready))
            http_response_text(response, 200, "ready\n");
        else
            http_response_text(response, 503, "loading services\n");
    } else {
        service_table *table = registry_table(h->registry);
        size_t loaded = table ? table->service_count : 0;
        /* The background compiler attaches native code to modules at any time: read it now. */
        for (size_t i = 0; i < loaded; i++) {
            service *s = table->services[i];
            double seconds = 0;
            uint32_t native = s->module   ? wh_module_native_functions(s->module, &seconds)
                              : s->plugin ? wh_plugin_native_functions(s->plugin, &seconds)
                                          : 0;
            if (s->metrics)
                metrics_set_native(s->metrics, native, seconds);
        }
        service_table_release(table);
        size_t compiled, failed, queued;
        char why[8];
        module_cache_native_stats(h->cache, &compiled, &failed, &queued, why, sizeof why);
        metrics_set_compiles(h->metrics, compiled, failed);
        size_t length = 0;
        char *text = metrics_render(h->metrics, loaded, &length);
        if (!text) {
            http_response_text(response, 500, "out of memory\n");
            return;
        }
        http_response_init(response, 200);
        http_response_add_header(response, "content-type", "text/plain; version=0.0.4; charset=utf-8");
        http_response_append(response, text, length);
        free(text);
    }
}

/* ---- server callbacks ---- */

static bool on_headers(void *user, http_request *request, uint64_t *max_body_bytes, http_response *early)
{
    host *h = user;
    request->route = NULL;
    if (builtin_path(request->path)) {
        *max_body_bytes = 0; /* the built-in endpoints take no body */
        return true;
    }
    if (plugin_endpoint_match(request->path))
        return plugin_endpoint_headers(&h->endpoints, request, max_body_bytes, early);
    const char *pattern;
    service_table *table = registry_table(h->registry);
    service *s = table ? service_table_route(table, request->path, &pattern) : NULL;
    if (s) {
        *max_body_bytes = s->max_body_bytes;
        request->route = s->metrics; /* lives as long as the host: safe for on_response */
    }
    bool loaded = table != NULL && atomic_load(&h->ready);
    service_table_release(table);
    if (!s) {
        if (loaded)
            http_response_text(early, 404, "Not Found\n");
        else
            http_response_text(early, 503, "Service Unavailable: loading services\n");
        return false;
    }
    return true;
}

/* The answer for an outcome that is not GUEST_OK: counted, logged with the details, and a page
 * for the client with only the request id to quote. */
static void answer_failure(host *h, service *s, const http_request *request, const guest_outcome *outcome,
                           http_response *response)
{
    int status = 500;
    const char *what = "trap";
    _Atomic uint64_t *counter = &s->metrics->traps;
    switch (outcome->kind) {
    case GUEST_OK: return;
    case GUEST_TRAP: break;
    case GUEST_INSTANTIATE: what = "instantiation failed"; break;
    case GUEST_MEMORY: what = "memory limit", counter = &s->metrics->memory_exceeded; break;
    case GUEST_FUEL: what = "fuel exhausted", counter = &s->metrics->fuel_exhausted; break;
    case GUEST_TIMEOUT: status = 504, what = "deadline exceeded", counter = &s->metrics->timeouts; break;
    case GUEST_BAD_RESPONSE: status = 502, what = "malformed response", counter = &s->metrics->bad_responses; break;
    case GUEST_NEEDS_WORKER: status = 503, what = "capability on an event loop"; break; /* never on a worker */
    case GUEST_CAPACITY: status = 503, what = "instance refused", counter = &s->metrics->instances_refused; break;
    }
    atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
    access_log_event(h->log, "error", s->name, request->request_id, "%s: %s", what, outcome->message);
    http_response_free(response);
    char body[160];
    snprintf(body, sizeof body, "%s%s\nrequest id: %s\n", http_status_reason(status),
             outcome->kind == GUEST_CAPACITY ? ": at capacity, retry" : "", request->request_id);
    http_response_text(response, status, body);
    if (outcome->kind == GUEST_CAPACITY) /* a busy host, not a broken service: the client may come back */
        http_response_add_header(response, "retry-after", "1");
}

static void rollback_run(job *base)
{
    rollback_job *j = (rollback_job *)base;
    admin_rollback_unhealthy(j->host->admin, j->service, j->reason);
}

static void rollback_finish(job *base)
{
    rollback_job *j = (rollback_job *)base;
    service_release(j->service);
    free(j);
}

/* Counts the answer for `s`'s health policy; the one answer that breaks it starts a rollback. */
static void record_health(host *h, service *s, int status)
{
    if (!s->health.armed_at_ns || !h->admin || !service_health_record(s, status, host_now_ns()))
        return;
    uint64_t requests = atomic_load(&s->health.requests), errors = atomic_load(&s->health.errors);
    rollback_job *j = calloc(1, sizeof *j);
    access_log_event(h->log, "error", s->name, NULL,
                     "version %u fails its health policy: %llu of %llu requests answered 5xx", s->version,
                     (unsigned long long)errors, (unsigned long long)requests);
    if (!j)
        return;
    snprintf(j->reason, sizeof j->reason,
             "automatic rollback: %llu of the first %llu requests answered 5xx (more than %g) within %gs of the deploy",
             (unsigned long long)errors, (unsigned long long)requests, s->health.max_error_rate,
             (double)s->health.window_ns / 1e9);
    service_retain(s);
    j->host = h;
    j->service = s;
    j->base.run = rollback_run;
    j->base.finish = rollback_finish;
    workers_submit(h->workers, &j->base);
}

static void plugin_answered(void *user, service *plugin, int status) { record_health(user, plugin, status); }

static void run_guest(const guest_service *guest, service *s, const char *pattern, const http_request *request,
                      http_response *response, guest_outcome *outcome)
{
    http_response_init(response, 200);
    memset(outcome, 0, sizeof *outcome);
    guest_handle(guest, pattern, request, response, outcome);
    if (outcome->kind != GUEST_INSTANTIATE && outcome->kind != GUEST_CAPACITY)
        atomic_fetch_add_explicit(&s->metrics->instances_created, 1, memory_order_relaxed);
}

static void request_run(job *base)
{
    request_job *j = (request_job *)base;
    service *s = base->service;
    http_response response;
    guest_outcome outcome;
    run_guest(&s->guest, s, j->pattern, j->request, &response, &outcome);
    answer_failure(j->host, s, j->request, &outcome, &response);
    atomic_fetch_sub_explicit(&s->metrics->in_flight, 1, memory_order_relaxed);
    if (outcome.kind != GUEST_CAPACITY) /* a busy host is not an unhealthy version */
        record_health(j->host, s, response.status);
    server_respond(j->exchange, &response, false);
}

/* ---- running on the loop thread ----
 * Handing a request to a worker and its answer back costs two thread wake-ups, more than a
 * small guest takes to run. So a loop runs the guest itself, with a deadline of INLINE_BUDGET_NS:
 * a guest that needs longer is stopped there and its request runs again from the start on a
 * worker (a fresh instance sees the same request). A second overrun of the same service within
 * INLINE_STRIKE_WINDOW_NS (a lone one can be the loop thread being preempted, not the guest)
 * sends the service to the workers for INLINE_BAN_NS; successes in between do not undo it, so a
 * guest alternating fast and slow requests is caught too. A loop is thus held at most the budget
 * per request, twice per service per ban. What a stopped run wrote to stderr is dropped with it. */
#define INLINE_BUDGET_NS (2ull * 1000 * 1000)
#define INLINE_STRIKE_WINDOW_NS (1000ull * 1000 * 1000)
#define INLINE_BAN_NS (10ull * 1000 * 1000 * 1000)

typedef struct inline_output {
    uint8_t *data;
    size_t length;
} inline_output;

static void collect_stderr(void *user, const char *service, const char *request_id, const uint8_t *data, size_t size)
{
    (void)service, (void)request_id;
    inline_output *output = user;
    uint8_t *grown = realloc(output->data, output->length + size);
    if (!grown)
        return;
    memcpy(grown + output->length, data, size);
    output->data = grown;
    output->length += size;
}

/* True when the request was answered here; false when it must go to a worker. */
static bool run_inline(host *h, service *s, const char *pattern, server_exchange *exchange, http_request *request)
{
    uint64_t start = host_now_ns();
    if (start < atomic_load_explicit(&s->inline_banned_until_ns, memory_order_relaxed))
        return false;
    bool budget_binds = !s->guest.timeout_ns || s->guest.timeout_ns > INLINE_BUDGET_NS;
    guest_service guest = s->guest;
    inline_output output = {0};
    if (budget_binds)
        guest.timeout_ns = INLINE_BUDGET_NS;
    guest.log_stderr = collect_stderr;
    guest.log_user = &output;
    guest.on_loop = true;
    http_response response;
    guest_outcome outcome;
    atomic_fetch_add_explicit(&s->metrics->in_flight, 1, memory_order_relaxed);
    run_guest(&guest, s, pattern, request, &response, &outcome);
    atomic_fetch_sub_explicit(&s->metrics->in_flight, 1, memory_order_relaxed);
    if (outcome.kind == GUEST_NEEDS_WORKER) {
        /* Its guests call outbound HTTP or the stores, which block: from now on they run on the
         * workers only (this run left nothing behind: it is run again from the start). */
        atomic_store_explicit(&s->inline_banned_until_ns, UINT64_MAX, memory_order_relaxed);
        http_response_free(&response);
        free(output.data);
        return false;
    }
    if (outcome.kind == GUEST_TIMEOUT && budget_binds) {
        uint64_t now = host_now_ns();
        uint64_t previous = atomic_exchange_explicit(&s->inline_last_overrun_ns, now, memory_order_relaxed);
        if (previous && now - previous < INLINE_STRIKE_WINDOW_NS)
            atomic_store_explicit(&s->inline_banned_until_ns, now + INLINE_BAN_NS, memory_order_relaxed);
        http_response_free(&response);
        free(output.data);
        return false;
    }
    if (output.length)
        access_log_guest_output(h->log, s->name, request->request_id, output.data, output.length);
    free(output.data);
    answer_failure(h, s, request, &outcome, &response);
    if (outcome.kind != GUEST_CAPACITY) /* a busy host is not an unhealthy version */
        record_health(h, s, response.status);
    server_respond(exchange, &response, false);
    return true;
}

static void request_finish(job *base)
{
    request_job *j = (request_job *)base;
    service_release(j->base.service);
    free(j);
}

static void on_request(void *user, server_exchange *exchange, http_request *request)
{
    host *h = user;
    http_response response;
    if (builtin_path(request->path)) {
        builtin_answer(h, request, &response);
        server_respond(exchange, &response, false);
        return;
    }
    if (plugin_endpoint_match(request->path)) {
        plugin_endpoint_request(&h->endpoints, exchange, request);
        return;
    }
    /* Routed again: a change may have come between the headers and the end of the body; the
     * request starts on the version routed now. The service is held while it runs, so a change
     * cannot free it meanwhile. */
    const char *pattern = NULL;
    service_table *table = registry_table(h->registry);
    service *s = table ? service_table_route(table, request->path, &pattern) : NULL;
    if (s)
        service_retain(s);
    service_table_release(table);
    if (!s) {
        request->route = NULL; /* answered by the host, not by the service on_headers found */
        http_response_text(&response, 404, "Not Found\n");
        server_respond(exchange, &response, false);
        return;
    }
    request->route = s->metrics;
    if (run_inline(h, s, pattern, exchange, request)) {
        service_release(s);
        return;
    }
    request_job *j = calloc(1, sizeof *j);
    if (!j) {
        service_release(s);
        http_response_text(&response, 503, "Service Unavailable\n");
        server_respond(exchange, &response, false);
        return;
    }
    atomic_fetch_add_explicit(&s->metrics->in_flight, 1, memory_order_relaxed);
    j->base.service = s;
    j->base.run = request_run;
    j->base.finish = request_finish;
    j->host = h;
    j->exchange = exchange;
    j->request = request;
    j->pattern = pattern;
    workers_submit(h->workers, &j->base);
}

static void on_response(void *user, const http_request *request, int status, uint64_t duration_ns)
{
    host *h = user;
    service_metrics *s = request ? request->route : NULL;
    metrics_record_request(h->metrics, s, status, duration_ns);
    if (request)
        access_log_request(h->log, s ? s->name : NULL, request->method, request->target, status, duration_ns,
                           request->request_id, request->remote_address);
    else
        access_log_request(h->log, NULL, NULL, NULL, status, duration_ns, NULL, NULL);
}

static void log_guest_stderr(void *user, const char *service, const char *request_id, const uint8_t *data, size_t size)
{
    host *h = user;
    access_log_guest_output(h->log, service, request_id, data, size);
}

/* ---- start, reload, stop ---- */

/* The identity of the file `path` names now (symlinks followed); unknown when it cannot be read. */
static file_identity identify_file(const char *path)
{
    struct stat status;
    if (stat(path, &status) != 0)
        return (file_identity){.known = false};
    return (file_identity){.known = true,
                           .device = status.st_dev,
                           .inode = status.st_ino,
                           .size = status.st_size,
                           .modified = status.st_mtim};
}

static bool same_file(const file_identity *a, const file_identity *b)
{
    return a->known == b->known && a->device == b->device && a->inode == b->inode && a->size == b->size &&
           a->modified.tv_sec == b->modified.tv_sec && a->modified.tv_nsec == b->modified.tv_nsec;
}

/* The manifest with the environment's overrides applied, as at start and at every reload. The
 * file's identity is taken before reading: a change while it is read is seen at the next look. */
static manifest *read_manifest(host *h, char *error, size_t error_size)
{
    h->manifest_read = identify_file(h->manifest_path);
    manifest *m = manifest_load(h->manifest_path, error, error_size);
    if (m && !manifest_env_overrides(m, error, error_size)) {
        manifest_free(m);
        return NULL;
    }
    return m;
}

/* Builds every service of `m` as version `version` and routes them in place of the manifest's
 * services before. False with "FILE:LINE:COLUMN: service 'x': ..." in `error`; nothing changes then. */
static bool install_manifest(host *h, const manifest *m, uint32_t version, char *error, size_t error_size)
{
    service **built = calloc(m->service_count + 1, sizeof *built);
    if (!built) {
        snprintf(error, error_size, "%s: out of memory", m->path);
        return false;
    }
    const service_log log = {log_guest_stderr, h};
    bool ok = true;
    size_t count = 0;
    for (; ok && count < m->service_count; count++) {
        const manifest_service *entry = &m->services[count];
        char reason[1024];
        built[count] =
            service_new(entry, version, true, h->cache, h->metrics, &h->defaults, &log, reason, sizeof reason);
        if (!built[count]) {
            snprintf(error, error_size, "%s:%d:%d: service '%s': %s", m->path, entry->line, entry->column, entry->name,
                     reason);
            ok = false;
        }
    }
    pipeline **pipelines = calloc(m->pipeline_count + 1, sizeof *pipelines);
    size_t pipeline_count = 0;
    for (; ok && pipelines && pipeline_count < m->pipeline_count; pipeline_count++)
        if (!(pipelines[pipeline_count] = pipeline_new(&m->pipelines[pipeline_count], true))) {
            snprintf(error, error_size, "%s: out of memory", m->path);
            ok = false;
        }
    if (ok && !pipelines) {
        snprintf(error, error_size, "%s: out of memory", m->path);
        ok = false;
    }
    if (ok) {
        char reason[1024];
        registry_lock_changes(h->registry);
        /* The pipelines first: when they clash nothing has changed yet. */
        ok = pipeline_set_manifest(h->pipelines, pipelines, pipeline_count, reason, sizeof reason) &&
             registry_set_manifest(h->registry, built, count, reason, sizeof reason);
        registry_unlock_changes(h->registry);
        if (!ok)
            snprintf(error, error_size, "%s: %s", m->path, reason);
    }
    for (size_t i = 0; i < count; i++)
        service_release(built[i]);
    free(built);
    for (size_t i = 0; i < pipeline_count; i++)
        pipeline_release(pipelines[i]);
    free(pipelines);
    return ok;
}

/* Frees what host_start made; the server, workers and admin API must be stopped already. */
static void host_free(host *h)
{
    registry_free(h->registry);
    pipeline_set_free(h->pipelines);
    kv_database_free(h->capabilities.kv); /* after the services, whose grants use it */
    module_cache_free(h->cache);
    metrics_free(h->metrics);
    access_log_close(h->log);
    free(h->manifest_path);
    free(h);
}

/* Where the public listener goes: --listen, else the manifest's listen, else 127.0.0.1:8080. */
static bool listen_address(const host_options *options, const manifest *m, char *address, size_t address_size,
                           uint16_t *port, char *error, size_t error_size)
{
    *port = 8080;
    snprintf(address, address_size, "127.0.0.1");
    if (options->listen) {
        if (manifest_parse_listen(options->listen, address, address_size, port))
            return true;
        snprintf(error, error_size, "--listen %s: expected HOST:PORT, [IPV6]:PORT or :PORT", options->listen);
        return false;
    }
    if (m && m->listen_host) {
        snprintf(address, address_size, "%s", m->listen_host);
        *port = m->listen_port;
    }
    return true;
}

/* The admin API on the host's registry, cache, metrics and log (--state). */
static admin *open_admin(host *h, const host_options *options, char *error, size_t error_size)
{
    admin_options settings = {
        .state_dir = options->state_dir,
        .listen = options->admin_listen,
        .token_file = options->admin_token_file,
        .max_module_bytes = options->admin_max_module_bytes,
    };
    admin_host parts = {
        .registry = h->registry,
        .pipelines = h->pipelines,
        .cache = h->cache,
        .metrics = h->metrics,
        .log = h->log,
        .defaults = &h->defaults,
        .service_log = {log_guest_stderr, h},
    };
    return admin_open(&settings, &parts, error, error_size);
}

/* The worker threads: --workers, else two per core, at least 4. Two per core: enough that a guest
 * waiting on its deadline leaves the others a core, few enough that hand-offs between threads do
 * not cost more than the guests (measured with wrk on /health before quick guests ran on the
 * loops, 2 cores: 4 workers served 84k requests/s, 8 served 52k). */
static unsigned worker_count(const host_options *options)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        cores = 1;
    return options->workers ? options->workers : (unsigned)(cores * 2 < 4 ? 4 : cores * 2);
}

/* What host_start and host_check share: the manifest read and checked (into *m, NULL without
 * one), the listen address checked, the defaults, and an empty module cache, metrics, registry and
 * pipelines. NULL with the reason in `error`. */
static host *host_new(const host_options *options, manifest **m, char *address, size_t address_size, uint16_t *port,
                      char *error, size_t error_size)
{
    *m = NULL;
    host *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    h->grace_ms = options->grace_ms;
    unsigned workers = worker_count(options);
    h->defaults = (service_defaults){
        .timeout_ns = DEFAULT_TIMEOUT_NS,
        .max_body_bytes = options->limits.max_body_bytes,
        /* Half the threads per service: a service whose guests all run to their deadline
         * leaves the other half to the rest. */
        .concurrency = workers / 2 ? workers / 2 : 1,
    };
    if (!options->manifest_path && !options->state_dir) {
        snprintf(error, error_size, "nothing to serve: give a manifest, or --state DIR for the admin API");
        goto failed;
    }
    if (options->manifest_path && !(h->manifest_path = strdup(options->manifest_path))) {
        snprintf(error, error_size, "out of memory");
        goto failed;
    }
    if (h->manifest_path && !(*m = read_manifest(h, error, error_size)))
        goto failed;
    if (!listen_address(options, *m, address, address_size, port, error, error_size))
        goto failed;
    /* The key-value stores live in the state folder, else next to the manifest (opened on first use). */
    char kv_path[4096];
    snprintf(kv_path, sizeof kv_path, "%s/%s", options->state_dir ? options->state_dir : (*m)->folder,
             options->state_dir ? "kv.sqlite" : "wasmhost-kv.sqlite");
    h->defaults.capabilities = &h->capabilities;
    module_cache_tier tier = {.tier = options->tier,
                              .code_cache_dir = options->code_cache_dir,
                              .compile_timeout_ns = options->compile_timeout_ns,
                              .max_instances = options->max_instances,
                              .max_memory_per_instance = options->max_memory_per_instance,
                              .compile_failed = report_compile_failure,
                              .data = h};
    if (!(h->capabilities.kv = kv_database_new(kv_path)) || !(h->metrics = metrics_new()) ||
        !(h->cache = module_cache_new(*m ? (*m)->cache_size : 64, &tier)) || !(h->registry = registry_new()) ||
        !(h->pipelines = pipeline_set_new())) {
        snprintf(error, error_size, "out of memory");
        goto failed;
    }
    return h;

failed:
    manifest_free(*m);
    *m = NULL;
    host_free(h);
    return NULL;
}

host *host_start(const host_options *options, char *error, size_t error_size)
{
    /* The manifest is read (and checked) before listening, so that a mistake in it stops the
     * start-up at once; compiling the modules comes after, while /healthz already answers. */
    manifest *m;
    char address[256];
    uint16_t port;
    host *h = host_new(options, &m, address, sizeof address, &port, error, error_size);
    if (!h)
        return NULL;
    unsigned workers = worker_count(options);
    if (!(h->log = access_log_open(options->access_log ? options->access_log : "-", error, error_size)))
        goto failed;
    h->capabilities.log = h->log;
    if (options->state_dir && !(h->admin = open_admin(h, options, error, error_size)))
        goto failed;
    if (!(h->workers = workers_start(workers, error, error_size)))
        goto failed;
    h->endpoints = (plugin_endpoints){.registry = h->registry,
                                      .pipelines = h->pipelines,
                                      .workers = h->workers,
                                      .log = h->log,
                                      .metrics = h->metrics,
                                      .default_max_body_bytes = options->limits.max_body_bytes,
                                      .answered = plugin_answered,
                                      .answered_user = h};
    server_callbacks callbacks = {
        .user = h, .on_headers = on_headers, .on_request = on_request, .on_response = on_response};
    h->server = server_start(address, port, (int)options->loops, &options->limits, &callbacks, error, error_size);
    if (!h->server || (h->admin && !admin_listen(h->admin, error, error_size)))
        goto failed;

    h->manifest_readings = 1;
    char none[1];
    if (m ? !install_manifest(h, m, h->manifest_readings, error, error_size)
          : !registry_set_manifest(h->registry, NULL, 0, none, sizeof none))
        goto failed;
    size_t down = h->admin ? admin_load_services(h->admin) : 0;
    atomic_store(&h->ready, true);
    service_table *table = registry_table(h->registry);
    access_log_event(h->log, "info", NULL, NULL, "listening on http://%s%s%s:%u with %zu services, %u workers",
                     strchr(address, ':') ? "[" : "", address, strchr(address, ':') ? "]" : "",
                     (unsigned)server_port(h->server), table ? table->service_count : 0, workers);
    if (h->admin)
        access_log_event(h->log, down ? "error" : "info", NULL, NULL, "admin API on port %u, state in %s%s",
                         (unsigned)admin_port(h->admin), options->state_dir,
                         down ? " (some services could not load: see above)" : "");
    service_table_release(table);
    manifest_free(m);
    return h;

failed:
    manifest_free(m);
    if (h->server)
        server_shutdown(h->server, 0);
    if (h->workers)
        workers_stop(h->workers);
    admin_close(h->admin);
    host_free(h);
    return NULL;
}

/* Notes the stages of `m`'s pipelines whose plugin `m` does not have (see host_check_counts). */
static void find_unresolved_stages(const manifest *m, host_check_counts *counts)
{
    for (size_t p = 0; p < m->pipeline_count; p++) {
        const manifest_pipeline *pipeline = &m->pipelines[p];
        for (size_t stage = 0; stage < pipeline->stage_count; stage++) {
            const char *name = pipeline->stages[stage];
            size_t length = strcspn(name, ":"); /* "plugin" or "plugin:export" */
            bool found = false;
            for (size_t i = 0; !found && i < m->service_count; i++)
                found = m->services[i].kind == MANIFEST_PLUGIN && strlen(m->services[i].name) == length &&
                        strncmp(m->services[i].name, name, length) == 0;
            if (found)
                continue;
            size_t used = strlen(counts->unresolved);
            if (counts->unresolved_stages++ < 4 && used + 1 < sizeof counts->unresolved)
                snprintf(counts->unresolved + used, sizeof counts->unresolved - used,
                         "%s'%s' stage %zu: no plugin '%.*s' in the manifest", used ? "; " : "", pipeline->name, stage,
                         (int)length, name);
        }
    }
}

bool host_check(const host_options *options, host_check_counts *counts, char *error, size_t error_size)
{
    memset(counts, 0, sizeof *counts);
    if (!options->manifest_path) {
        snprintf(error, error_size, "nothing to check: give a manifest");
        return false;
    }
    manifest *m;
    char address[256];
    uint16_t port;
    host *h = host_new(options, &m, address, sizeof address, &port, error, error_size);
    if (!h)
        return false;
    bool ok = install_manifest(h, m, 1, error, error_size);
    for (size_t i = 0; ok && i < m->service_count; i++)
        counts->services += m->services[i].kind == MANIFEST_SERVICE;
    counts->plugins = ok ? m->service_count - counts->services : 0;
    counts->pipelines = ok ? m->pipeline_count : 0;
    if (ok)
        find_unresolved_stages(m, counts);
    manifest_free(m);
    host_free(h);
    return ok;
}

bool host_manifest_changed(host *h)
{
    if (!h->manifest_path)
        return false;
    file_identity now = identify_file(h->manifest_path);
    /* A file that cannot be read now (being replaced, removed) is looked at again next time. */
    if (!now.known || same_file(&now, &h->manifest_read))
        return false;
    access_log_event(h->log, "info", NULL, NULL, "%s changed on disk: reloading it", h->manifest_path);
    return true;
}

uint16_t host_port(const host *h) { return server_port(h->server); }

uint16_t host_admin_port(const host *h) { return h->admin ? admin_port(h->admin) : 0; }

bool host_reload(host *h, char *error, size_t error_size)
{
    if (!h->manifest_path) {
        snprintf(error, error_size, "no manifest to reload (serve was started with --state alone)");
        access_log_event(h->log, "info", NULL, NULL, "reload: %s", error);
        return false;
    }
    manifest *m = read_manifest(h, error, error_size);
    bool ok = m && install_manifest(h, m, h->manifest_readings + 1, error, error_size);
    size_t count = m ? m->service_count : 0;
    manifest_free(m);
    metrics_record_reload(h->metrics, ok);
    if (!ok) {
        access_log_event(h->log, "error", NULL, NULL, "reload failed, keeping the services running: %s", error);
        return false;
    }
    h->manifest_readings++;
    size_t hits, compilations;
    module_cache_stats(h->cache, &hits, &compilations);
    access_log_event(h->log, "info", NULL, NULL, "reloaded %s: %zu services (module cache: %zu hits, %zu compilations)",
                     h->manifest_path, count, hits, compilations);
    return true;
}

uint64_t host_stop(host *h)
{
    /* No more compiling; the bounded wait for a compile in progress (module_cache_free) runs
     * alongside the grace period instead of after it. */
    module_cache_stop(h->cache);
    uint64_t cut = server_drain(h->server, h->grace_ms);
    /* A stream may run for ever: past the grace period, its worker is freed by aborting it. */
    server_abort_streams(h->server);
    /* Jobs still queued or running finish first (each bounded by its deadline): they answer
     * through the server, which must outlive them; a rollback job needs the admin API. */
    workers_stop(h->workers);
    admin_close(h->admin);
    server_shutdown(h->server, 0);
    access_log_event(h->log, "info", NULL, NULL, "stopped%s", cut ? " (grace period over)" : "");
    host_free(h);
    return cut;
}
