/* host.c: `wasmhost serve` as a library: manifest, services, workers and server; reload and shutdown. */
#include "host.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "access_log.h"
#include "guest.h"
#include "manifest.h"
#include "metrics.h"
#include "module_cache.h"
#include "services.h"
#include "workers.h"

#define DEFAULT_TIMEOUT_NS (30ull * 1000000000ull)

struct host {
    uint32_t grace_ms;
    char *manifest_path;
    service_defaults defaults;
    module_cache *cache;
    metrics *metrics;
    access_log *log;
    workers *workers;
    server *server;
    /* The services now routed; replaced whole by a reload. */
    pthread_mutex_t table_lock;
    service_table *table;
    _Atomic bool ready;
};

/* A request on its way through a worker. */
typedef struct request_job {
    job base;
    host *host;
    server_exchange *exchange;
    http_request *request;
    service_table *table; /* held so that a reload does not free the service under the request */
    const char *pattern;
} request_job;

void host_options_default(host_options *o)
{
    memset(o, 0, sizeof *o);
    o->access_log = "-";
    o->grace_ms = 10000;
    server_limits_default(&o->limits);
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
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
        pthread_mutex_lock(&h->table_lock);
        size_t loaded = h->table ? h->table->service_count : 0;
        pthread_mutex_unlock(&h->table_lock);
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
    const char *pattern;
    pthread_mutex_lock(&h->table_lock);
    service *s = h->table ? service_table_route(h->table, request->path, &pattern) : NULL;
    if (s) {
        *max_body_bytes = s->max_body_bytes;
        request->route = s->metrics; /* lives as long as the host: safe for on_response */
    }
    bool loaded = h->table != NULL;
    pthread_mutex_unlock(&h->table_lock);
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
    }
    atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
    access_log_event(h->log, "error", s->name, request->request_id, "%s: %s", what, outcome->message);
    http_response_free(response);
    char body[160];
    snprintf(body, sizeof body, "%s\nrequest id: %s\n", http_status_reason(status), request->request_id);
    http_response_text(response, status, body);
}

static void run_guest(const guest_service *guest, service *s, const char *pattern, const http_request *request,
                      http_response *response, guest_outcome *outcome)
{
    http_response_init(response, 200);
    memset(outcome, 0, sizeof *outcome);
    guest_handle(guest, pattern, request, response, outcome);
    if (outcome->kind != GUEST_INSTANTIATE)
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
    uint64_t start = now_ns();
    if (start < atomic_load_explicit(&s->inline_banned_until_ns, memory_order_relaxed))
        return false;
    bool budget_binds = !s->guest.timeout_ns || s->guest.timeout_ns > INLINE_BUDGET_NS;
    guest_service guest = s->guest;
    inline_output output = {0};
    if (budget_binds)
        guest.timeout_ns = INLINE_BUDGET_NS;
    guest.log_stderr = collect_stderr;
    guest.log_user = &output;
    http_response response;
    guest_outcome outcome;
    atomic_fetch_add_explicit(&s->metrics->in_flight, 1, memory_order_relaxed);
    run_guest(&guest, s, pattern, request, &response, &outcome);
    atomic_fetch_sub_explicit(&s->metrics->in_flight, 1, memory_order_relaxed);
    if (outcome.kind == GUEST_TIMEOUT && budget_binds) {
        uint64_t now = now_ns();
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
    server_respond(exchange, &response, false);
    return true;
}

static void request_finish(job *base)
{
    request_job *j = (request_job *)base;
    service_table_release(j->table);
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
    /* Routed again: a reload may have come between the headers and the end of the body. The
     * table is held while its service runs, so a reload cannot free the service meanwhile. */
    const char *pattern = NULL;
    pthread_mutex_lock(&h->table_lock);
    service_table *table = h->table;
    service *s = table ? service_table_route(table, request->path, &pattern) : NULL;
    if (s)
        service_table_retain(table);
    pthread_mutex_unlock(&h->table_lock);
    if (!s) {
        request->route = NULL; /* answered by the host, not by the service on_headers found */
        http_response_text(&response, 404, "Not Found\n");
        server_respond(exchange, &response, false);
        return;
    }
    request->route = s->metrics;
    if (run_inline(h, s, pattern, exchange, request)) {
        service_table_release(table);
        return;
    }
    request_job *j = calloc(1, sizeof *j);
    if (!j) {
        service_table_release(table);
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
    j->table = table;
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

/* The manifest with the environment's overrides applied, as at start and at every reload. */
static manifest *read_manifest(host *h, char *error, size_t error_size)
{
    manifest *m = manifest_load(h->manifest_path, error, error_size);
    if (m && !manifest_env_overrides(m, error, error_size)) {
        manifest_free(m);
        return NULL;
    }
    return m;
}

static service_table *build_services(host *h, const manifest *m, char *error, size_t error_size)
{
    return service_table_build(m, h->cache, h->metrics, &h->defaults, log_guest_stderr, h, error, error_size);
}

/* Frees what host_start made; the server and workers must be stopped already. */
static void host_free(host *h)
{
    service_table_release(h->table);
    module_cache_free(h->cache);
    metrics_free(h->metrics);
    access_log_close(h->log);
    pthread_mutex_destroy(&h->table_lock);
    free(h->manifest_path);
    free(h);
}

/* Routes new requests to `table` from now on; returns the table it replaces. */
static service_table *install_table(host *h, service_table *table)
{
    pthread_mutex_lock(&h->table_lock);
    service_table *old = h->table;
    h->table = table;
    pthread_mutex_unlock(&h->table_lock);
    return old;
}

host *host_start(const host_options *options, char *error, size_t error_size)
{
    host *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    h->grace_ms = options->grace_ms;
    pthread_mutex_init(&h->table_lock, NULL);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        cores = 1;
    /* Two per core: enough that a guest waiting on its deadline leaves the others a core, few
     * enough that hand-offs between threads do not cost more than the guests (measured with
     * wrk on /health before quick guests ran on the loops, 2 cores: 4 workers served 84k
     * requests/s, 8 served 52k). */
    unsigned worker_count = options->workers ? options->workers : (unsigned)(cores * 2 < 4 ? 4 : cores * 2);
    h->defaults = (service_defaults){
        .timeout_ns = DEFAULT_TIMEOUT_NS,
        .max_body_bytes = options->limits.max_body_bytes,
        /* Half the threads per service: a service whose guests all run to their deadline
         * leaves the other half to the rest. */
        .concurrency = worker_count / 2 ? worker_count / 2 : 1,
    };
    manifest *m = NULL;
    if (!(h->manifest_path = strdup(options->manifest_path))) {
        snprintf(error, error_size, "out of memory");
        goto failed;
    }
    /* The manifest is read (and checked) before listening, so that a mistake in it stops the
     * start-up at once; compiling the modules comes after, while /healthz already answers. */
    if (!(m = read_manifest(h, error, error_size)))
        goto failed;
    char address[256];
    uint16_t port = 8080;
    snprintf(address, sizeof address, "127.0.0.1");
    if (options->listen) {
        if (!manifest_parse_listen(options->listen, address, sizeof address, &port)) {
            snprintf(error, error_size, "--listen %s: expected HOST:PORT, [IPV6]:PORT or :PORT", options->listen);
            goto failed;
        }
    } else if (m->listen_host) {
        snprintf(address, sizeof address, "%s", m->listen_host);
        port = m->listen_port;
    }
    if (!(h->log = access_log_open(options->access_log ? options->access_log : "-", error, error_size)))
        goto failed;
    if (!(h->metrics = metrics_new()) || !(h->cache = module_cache_new(m->cache_size))) {
        snprintf(error, error_size, "out of memory");
        goto failed;
    }
    if (!(h->workers = workers_start(worker_count, error, error_size)))
        goto failed;
    server_callbacks callbacks = {
        .user = h, .on_headers = on_headers, .on_request = on_request, .on_response = on_response};
    h->server = server_start(address, port, (int)options->loops, &options->limits, &callbacks, error, error_size);
    if (!h->server)
        goto failed;

    service_table *table = build_services(h, m, error, error_size);
    if (!table)
        goto failed;
    install_table(h, table);
    atomic_store(&h->ready, true);
    access_log_event(h->log, "info", NULL, NULL, "listening on http://%s%s%s:%u with %zu services, %u workers",
                     strchr(address, ':') ? "[" : "", address, strchr(address, ':') ? "]" : "",
                     (unsigned)server_port(h->server), table->service_count, worker_count);
    manifest_free(m);
    return h;

failed:
    manifest_free(m);
    if (h->server)
        server_shutdown(h->server, 0);
    if (h->workers)
        workers_stop(h->workers);
    host_free(h);
    return NULL;
}

uint16_t host_port(const host *h) { return server_port(h->server); }

bool host_reload(host *h, char *error, size_t error_size)
{
    manifest *m = read_manifest(h, error, error_size);
    service_table *table = m ? build_services(h, m, error, error_size) : NULL;
    manifest_free(m);
    metrics_record_reload(h->metrics, table != NULL);
    if (!table) {
        access_log_event(h->log, "error", NULL, NULL, "reload failed, keeping the services running: %s", error);
        return false;
    }
    service_table_release(install_table(h, table)); /* freed when its last request finishes */
    size_t hits, compilations;
    module_cache_stats(h->cache, &hits, &compilations);
    access_log_event(h->log, "info", NULL, NULL, "reloaded %s: %zu services (module cache: %zu hits, %zu compilations)",
                     h->manifest_path, table->service_count, hits, compilations);
    return true;
}

uint64_t host_stop(host *h)
{
    uint64_t cut = server_drain(h->server, h->grace_ms);
    /* Jobs still queued or running finish first (each bounded by its deadline): they answer
     * through the server, which must outlive them. */
    workers_stop(h->workers);
    server_shutdown(h->server, 0);
    access_log_event(h->log, "info", NULL, NULL, "stopped%s", cut ? " (grace period over)" : "");
    host_free(h);
    return cut;
}
