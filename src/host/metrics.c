/* metrics.c: the host's counters and latency histograms, written out in Prometheus text format. */
#include "metrics.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Upper bounds in microseconds; the last bucket is +Inf. Fine at the low end, where a fresh
 * instance per request answers in tens of microseconds. */
static const uint64_t latency_bounds_us[METRICS_LATENCY_BUCKETS - 1] = {
    50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 1000000, 10000000,
};

/* Deploys, rollbacks and removals of one service name. */
typedef struct change_counters {
    char *name;
    uint64_t counts[3]; /* by metrics_change, under the lock */
    struct change_counters *next;
} change_counters;

/* The latency of one stage of one pipeline (with the plugin that ran it). */
typedef struct stage_metrics {
    char *pipeline, *plugin;
    size_t stage;
    metrics_latency latency;
    struct stage_metrics *next;
} stage_metrics;

struct metrics {
    pthread_mutex_t lock; /* guards the lists and the change counts; the request counters are atomics */
    service_metrics *services;
    stage_metrics *stages;
    change_counters *changes;
    service_metrics host; /* requests the host answered itself */
    _Atomic uint64_t reloads, reload_failures;
    _Atomic uint64_t native_compiles, native_compile_failures; /* copied from the module cache */
};

#define RELAXED memory_order_relaxed

metrics *metrics_new(void)
{
    metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    pthread_mutex_init(&m->lock, NULL);
    return m;
}

void metrics_free(metrics *m)
{
    if (!m)
        return;
    service_metrics *next;
    for (service_metrics *s = m->services; s; s = next) {
        next = s->next;
        free(s->name);
        free(s);
    }
    stage_metrics *next_stage;
    for (stage_metrics *stage = m->stages; stage; stage = next_stage) {
        next_stage = stage->next;
        free(stage->pipeline);
        free(stage->plugin);
        free(stage);
    }
    change_counters *next_change;
    for (change_counters *c = m->changes; c; c = next_change) {
        next_change = c->next;
        free(c->name);
        free(c);
    }
    pthread_mutex_destroy(&m->lock);
    free(m);
}

/* Zero again, for another version (a late response of the old one may still count: harmless). */
static void reset_counters(service_metrics *s, uint32_t version)
{
    for (size_t i = 0; i < 600; i++)
        atomic_store_explicit(&s->requests_by_status[i], 0, RELAXED);
    for (size_t i = 0; i < METRICS_LATENCY_BUCKETS; i++)
        atomic_store_explicit(&s->latency.buckets[i], 0, RELAXED);
    _Atomic uint64_t *counters[] = {&s->latency.sum_us, &s->traps,         &s->timeouts,          &s->memory_exceeded,
                                    &s->fuel_exhausted, &s->bad_responses, &s->instances_created, &s->instances_refused,
                                    &s->queued};
    for (size_t i = 0; i < sizeof counters / sizeof *counters; i++)
        atomic_store_explicit(counters[i], 0, RELAXED);
    atomic_store_explicit(&s->in_flight, 0, RELAXED);
    _Atomic uint64_t *capability = (_Atomic uint64_t *)&s->capabilities;
    for (size_t i = 0; i < sizeof s->capabilities / sizeof *capability; i++)
        atomic_store_explicit(&capability[i], 0, RELAXED);
    s->version = version;
}

service_metrics *metrics_service(metrics *m, const char *name, uint32_t version)
{
    pthread_mutex_lock(&m->lock);
    service_metrics *found = m->services, *last = NULL, *oldest_unused = NULL;
    size_t unused = 0;
    for (; found; last = found, found = found->next) {
        if (strcmp(found->name, name) != 0)
            continue;
        if (found->version == version)
            break;
        if (atomic_load(&found->users) == 0) {
            unused++;
            if (!oldest_unused || found->version < oldest_unused->version)
                oldest_unused = found;
        }
    }
    if (!found && unused >= METRICS_VERSIONS_KEPT) {
        found = oldest_unused;
        reset_counters(found, version);
    } else if (!found) {
        found = calloc(1, sizeof *found);
        if (found && !(found->name = strdup(name))) {
            free(found);
            found = NULL;
        }
        /* Appended, so that the exposition lists services in the order they first appeared. */
        if (found) {
            found->version = version;
            if (last)
                last->next = found;
            else
                m->services = found;
        }
    }
    if (found)
        atomic_fetch_add(&found->users, 1);
    pthread_mutex_unlock(&m->lock);
    return found;
}

void metrics_service_release(service_metrics *s) { atomic_fetch_sub(&s->users, 1); }

static void latency_record(metrics_latency *latency, uint64_t duration_ns)
{
    uint64_t us = duration_ns / 1000;
    size_t bucket = 0;
    while (bucket < METRICS_LATENCY_BUCKETS - 1 && us > latency_bounds_us[bucket])
        bucket++;
    atomic_fetch_add_explicit(&latency->buckets[bucket], 1, RELAXED);
    atomic_fetch_add_explicit(&latency->sum_us, us, RELAXED);
}

void metrics_record_request(metrics *m, service_metrics *service, int status, uint64_t duration_ns)
{
    service_metrics *s = service ? service : &m->host;
    if (status < 100 || status > 599)
        status = 599;
    atomic_fetch_add_explicit(&s->requests_by_status[status], 1, RELAXED);
    latency_record(&s->latency, duration_ns);
}

/* -code for a failure, 0 for any success (a length, a handle). */
static size_t result_index(int result)
{
    return result >= 0 ? 0 : (size_t)-result < METRICS_RESULTS ? (size_t)-result : METRICS_RESULTS - 1;
}

void metrics_record_outbound(service_metrics *s, int result, uint64_t bytes_sent, uint64_t bytes_received)
{
    if (!s)
        return;
    atomic_fetch_add_explicit(&s->capabilities.outbound[result_index(result)], 1, RELAXED);
    atomic_fetch_add_explicit(&s->capabilities.outbound_bytes[0], bytes_sent, RELAXED);
    atomic_fetch_add_explicit(&s->capabilities.outbound_bytes[1], bytes_received, RELAXED);
}

void metrics_record_kv(service_metrics *s, kv_operation operation, int result, uint64_t bytes_read,
                       uint64_t bytes_written)
{
    if (!s)
        return;
    atomic_fetch_add_explicit(&s->capabilities.kv[operation][result_index(result)], 1, RELAXED);
    atomic_fetch_add_explicit(&s->capabilities.kv_bytes[0], bytes_read, RELAXED);
    atomic_fetch_add_explicit(&s->capabilities.kv_bytes[1], bytes_written, RELAXED);
}

void metrics_record_guest_log(service_metrics *s, int level, bool refused)
{
    if (!s)
        return;
    if (refused)
        atomic_fetch_add_explicit(&s->capabilities.log_refused, 1, RELAXED);
    else if (level >= 0 && level < METRICS_LOG_LEVELS)
        atomic_fetch_add_explicit(&s->capabilities.log_lines[level], 1, RELAXED);
}

void metrics_record_stage(metrics *m, const char *pipeline, size_t stage, const char *plugin, uint64_t duration_ns)
{
    pthread_mutex_lock(&m->lock);
    stage_metrics *found = m->stages, *last = NULL;
    for (; found; last = found, found = found->next)
        if (found->stage == stage && strcmp(found->pipeline, pipeline) == 0 && strcmp(found->plugin, plugin) == 0)
            break;
    if (!found && (found = calloc(1, sizeof *found)) != NULL) {
        found->pipeline = strdup(pipeline);
        found->plugin = strdup(plugin);
        found->stage = stage;
        if (!found->pipeline || !found->plugin) {
            free(found->pipeline);
            free(found->plugin);
            free(found);
            found = NULL;
        } else if (last) {
            last->next = found;
        } else {
            m->stages = found;
        }
    }
    if (found)
        latency_record(&found->latency, duration_ns);
    pthread_mutex_unlock(&m->lock);
}

void metrics_set_compiles(metrics *m, uint64_t compiled, uint64_t failed)
{
    atomic_store_explicit(&m->native_compiles, compiled, RELAXED);
    atomic_store_explicit(&m->native_compile_failures, failed, RELAXED);
}

void metrics_record_reload(metrics *m, bool succeeded)
{
    atomic_fetch_add_explicit(succeeded ? &m->reloads : &m->reload_failures, 1, RELAXED);
}

void metrics_record_change(metrics *m, const char *service, metrics_change change)
{
    pthread_mutex_lock(&m->lock);
    change_counters *c = m->changes, *last = NULL;
    for (; c; last = c, c = c->next)
        if (strcmp(c->name, service) == 0)
            break;
    if (!c && (c = calloc(1, sizeof *c)) != NULL) {
        if ((c->name = strdup(service)) == NULL) {
            free(c);
            c = NULL;
        } else if (last) { /* appended: listed in the order they first changed */
            last->next = c;
        } else {
            m->changes = c;
        }
    }
    if (c)
        c->counts[change]++;
    pthread_mutex_unlock(&m->lock);
}

/* ---- exposition ---- */

typedef struct text {
    char *data;
    size_t length, capacity;
    bool failed;
} text;

static void text_printf(text *t, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void text_printf(text *t, const char *format, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list args;
        va_start(args, format);
        int n = vsnprintf(t->data + t->length, t->capacity - t->length, format, args);
        va_end(args);
        if (n < 0) {
            t->failed = true;
            return;
        }
        if ((size_t)n < t->capacity - t->length) {
            t->length += (size_t)n;
            return;
        }
        size_t capacity = (t->capacity + (size_t)n + 1) * 2;
        char *data = realloc(t->data, capacity);
        if (!data) {
            t->failed = true;
            return;
        }
        t->data = data;
        t->capacity = capacity;
    }
}

/* Service names come from the manifest: escape what the label syntax needs escaped. */
static void text_label(text *t, const char *value)
{
    for (const char *c = value; *c; c++) {
        if (*c == '\\' || *c == '"')
            text_printf(t, "\\%c", *c);
        else if (*c == '\n')
            text_printf(t, "\\n");
        else
            text_printf(t, "%c", *c);
    }
}

static uint64_t load(_Atomic uint64_t *counter) { return atomic_load_explicit(counter, RELAXED); }

/* service="NAME",version="N" (the labels of every per-service series), or service="-" for the
 * requests the host answered itself. */
static void text_service(text *t, const service_metrics *s)
{
    text_printf(t, "service=\"");
    text_label(t, s->name ? s->name : "-");
    if (s->name)
        text_printf(t, "\",version=\"%u", s->version);
    text_printf(t, "\"");
}

static void render_requests(text *t, service_metrics *s)
{
    for (int status = 100; status < 600; status++) {
        uint64_t count = load(&s->requests_by_status[status]);
        if (!count)
            continue;
        text_printf(t, "wasmhost_requests_total{");
        text_service(t, s);
        text_printf(t, ",code=\"%d\"} %llu\n", status, (unsigned long long)count);
    }
}

/* A histogram's series: `labels` (already written label pairs, without braces) on each. */
static void render_histogram(text *t, const char *family, const char *labels, const metrics_latency *latency)
{
    uint64_t cumulative = 0;
    for (size_t b = 0; b < METRICS_LATENCY_BUCKETS; b++) {
        cumulative += load((_Atomic uint64_t *)&latency->buckets[b]);
        if (b < METRICS_LATENCY_BUCKETS - 1)
            text_printf(t, "%s_bucket{%s,le=\"%g\"} %llu\n", family, labels, latency_bounds_us[b] / 1e6,
                        (unsigned long long)cumulative);
        else
            text_printf(t, "%s_bucket{%s,le=\"+Inf\"} %llu\n", family, labels, (unsigned long long)cumulative);
    }
    text_printf(t, "%s_sum{%s} %.6f\n", family, labels, load((_Atomic uint64_t *)&latency->sum_us) / 1e6);
    text_printf(t, "%s_count{%s} %llu\n", family, labels, (unsigned long long)cumulative);
}

static void render_latency(text *t, service_metrics *s)
{
    text labels = {0};
    text_service(&labels, s);
    if (!labels.failed)
        render_histogram(t, "wasmhost_request_duration_seconds", labels.data, &s->latency);
    t->failed |= labels.failed;
    free(labels.data);
}

static void render_stage(text *t, stage_metrics *stage)
{
    text labels = {0};
    text_printf(&labels, "pipeline=\"");
    text_label(&labels, stage->pipeline);
    text_printf(&labels, "\",stage=\"%zu\",plugin=\"", stage->stage);
    text_label(&labels, stage->plugin);
    text_printf(&labels, "\"");
    if (!labels.failed)
        render_histogram(t, "wasmhost_pipeline_stage_duration_seconds", labels.data, &stage->latency);
    t->failed |= labels.failed;
    free(labels.data);
}

/* One counter family over every service. */
void metrics_set_native(service_metrics *service, uint32_t native_functions, double compile_seconds)
{
    atomic_store_explicit(&service->native_functions, native_functions, RELAXED);
    atomic_store_explicit(&service->compile_us, (uint64_t)(compile_seconds * 1e6), RELAXED);
}

/* The two gauges of the compiling tier, per service. */
static void render_native(text *t, metrics *m)
{
    text_printf(t, "# HELP wasmhost_native_functions Functions of a service's module that run as native code "
                   "(0: interpreted, or not compiled yet).\n# TYPE wasmhost_native_functions gauge\n");
    for (service_metrics *s = m->services; s; s = s->next) {
        text_printf(t, "wasmhost_native_functions{");
        text_service(t, s);
        text_printf(t, "} %llu\n", (unsigned long long)load(&s->native_functions));
    }
    text_printf(t, "# HELP wasmhost_compile_seconds Time compiling a service's module to native code took (0: "
                   "not compiled, or loaded from the cache).\n# TYPE wasmhost_compile_seconds gauge\n");
    for (service_metrics *s = m->services; s; s = s->next) {
        text_printf(t, "wasmhost_compile_seconds{");
        text_service(t, s);
        text_printf(t, "} %.6f\n", load(&s->compile_us) / 1e6);
    }
}

static void render_service_counter(text *t, metrics *m, const char *family, const char *help, size_t offset)
{
    text_printf(t, "# HELP %s %s\n# TYPE %s counter\n", family, help, family);
    for (service_metrics *s = m->services; s; s = s->next) {
        text_printf(t, "%s{", family);
        text_service(t, s);
        text_printf(t, "} %llu\n", (unsigned long long)load((_Atomic uint64_t *)((char *)s + offset)));
    }
}

/* ---- the capability counters: one table of families ---- */

#define METRICS_RESULT_LABEL_(name, value, label, meaning) label,
static const char *const result_labels[METRICS_RESULTS] = {WH_RESULT_CODES(METRICS_RESULT_LABEL_)};
#define METRICS_LEVEL_LABEL_(name, value, label) label,
static const char *const level_labels[METRICS_LOG_LEVELS] = {WH_LOG_LEVELS(METRICS_LEVEL_LABEL_)};
static const char *const outbound_directions[2] = {"sent", "received"};
static const char *const kv_directions[2] = {"read", "written"};

/* A family of counters over every service: `rows` outer values of `outer_label` (NULL: one row)
 * times `count` values of `label`, at `offset` in service_metrics; zero series are left out when
 * `sparse` (results that never happened). */
typedef struct capability_family {
    const char *family, *help;
    const char *outer_label;
    const char *const *outer_names;
    size_t rows;
    const char *label;
    const char *const *names;
    size_t count;
    size_t offset;
    bool sparse;
} capability_family;

static const capability_family capability_families[] = {
    {"wasmhost_outbound_requests_total", "Outbound HTTP requests of guests, by result (docs/abi.md).", NULL, NULL, 1,
     "result", result_labels, METRICS_RESULTS, offsetof(service_metrics, capabilities.outbound), true},
    {"wasmhost_outbound_bytes_total", "Bytes of guests' outbound HTTP requests (sent) and answers (received).", NULL,
     NULL, 1, "direction", outbound_directions, 2, offsetof(service_metrics, capabilities.outbound_bytes), false},
    {"wasmhost_kv_operations_total", "Key-value store operations of guests, by operation and result.", "operation",
     kv_operation_names, KV_OPERATION_COUNT, "result", result_labels, METRICS_RESULTS,
     offsetof(service_metrics, capabilities.kv), true},
    {"wasmhost_kv_bytes_total", "Bytes guests read from and wrote to key-value stores (values; keys listed).", NULL,
     NULL, 1, "direction", kv_directions, 2, offsetof(service_metrics, capabilities.kv_bytes), false},
    {"wasmhost_guest_log_lines_total", "Lines guests logged through wasmhost_capabilities.log, by level.", NULL, NULL,
     1, "level", level_labels, METRICS_LOG_LEVELS, offsetof(service_metrics, capabilities.log_lines), false},
    {"wasmhost_guest_log_refused_total", "Log lines refused: past 100 lines or 64 KiB in one request.", NULL, NULL, 1,
     NULL, NULL, 1, offsetof(service_metrics, capabilities.log_refused), false},
};

static void render_capability_family(text *t, metrics *m, const capability_family *f)
{
    text_printf(t, "# HELP %s %s\n# TYPE %s counter\n", f->family, f->help, f->family);
    for (service_metrics *s = m->services; s; s = s->next) {
        _Atomic uint64_t *counters = (_Atomic uint64_t *)((char *)s + f->offset);
        for (size_t row = 0; row < f->rows; row++)
            for (size_t i = 0; i < f->count; i++) {
                uint64_t value = load(&counters[row * f->count + i]);
                if (!value && f->sparse)
                    continue;
                text_printf(t, "%s{", f->family);
                text_service(t, s);
                if (f->outer_label)
                    text_printf(t, ",%s=\"%s\"", f->outer_label, f->outer_names[row]);
                if (f->label)
                    text_printf(t, ",%s=\"%s\"", f->label, f->names[i]);
                text_printf(t, "} %llu\n", (unsigned long long)value);
            }
    }
}

/* One family of the admin API's changes, by service name. */
static void render_change_counter(text *t, metrics *m, const char *family, const char *help, metrics_change change)
{
    text_printf(t, "# HELP %s %s\n# TYPE %s counter\n", family, help, family);
    for (change_counters *c = m->changes; c; c = c->next) {
        text_printf(t, "%s{service=\"", family);
        text_label(t, c->name);
        text_printf(t, "\"} %llu\n", (unsigned long long)c->counts[change]);
    }
}

char *metrics_render(metrics *m, size_t services_loaded, size_t *length)
{
    text t = {0};
    pthread_mutex_lock(&m->lock);
    text_printf(&t, "# HELP wasmhost_requests_total HTTP requests answered, by service, version and status code "
                    "(service \"-\": answered by the host itself).\n"
                    "# TYPE wasmhost_requests_total counter\n");
    for (service_metrics *s = m->services; s; s = s->next)
        render_requests(&t, s);
    render_requests(&t, &m->host);
    text_printf(&t, "# HELP wasmhost_request_duration_seconds Time from the request line to the response, by service.\n"
                    "# TYPE wasmhost_request_duration_seconds histogram\n");
    for (service_metrics *s = m->services; s; s = s->next)
        render_latency(&t, s);
    text_printf(&t, "# HELP wasmhost_requests_in_flight Requests a service is running or has queued now.\n"
                    "# TYPE wasmhost_requests_in_flight gauge\n");
    for (service_metrics *s = m->services; s; s = s->next) {
        text_printf(&t, "wasmhost_requests_in_flight{");
        text_service(&t, s);
        text_printf(&t, "} %lld\n", (long long)atomic_load_explicit(&s->in_flight, RELAXED));
    }
    text_printf(&t, "# HELP wasmhost_requests_queued Requests waiting for a service's concurrency limit now.\n"
                    "# TYPE wasmhost_requests_queued gauge\n");
    for (service_metrics *s = m->services; s; s = s->next) {
        text_printf(&t, "wasmhost_requests_queued{");
        text_service(&t, s);
        text_printf(&t, "} %llu\n", (unsigned long long)load(&s->queued));
    }
    render_service_counter(&t, m, "wasmhost_traps_total", "Requests whose guest trapped (500).",
                           offsetof(service_metrics, traps));
    render_service_counter(&t, m, "wasmhost_timeouts_total", "Requests whose guest passed its deadline (504).",
                           offsetof(service_metrics, timeouts));
    render_service_counter(&t, m, "wasmhost_memory_limit_total", "Requests whose guest hit its memory cap (500).",
                           offsetof(service_metrics, memory_exceeded));
    render_service_counter(&t, m, "wasmhost_fuel_exhausted_total", "Requests whose guest ran out of fuel (500).",
                           offsetof(service_metrics, fuel_exhausted));
    render_service_counter(&t, m, "wasmhost_bad_responses_total",
                           "Requests whose guest wrote a malformed response (502).",
                           offsetof(service_metrics, bad_responses));
    render_service_counter(&t, m, "wasmhost_instances_created_total", "WebAssembly instances created.",
                           offsetof(service_metrics, instances_created));
    render_service_counter(&t, m, "wasmhost_instances_refused_total",
                           "Requests answered 503 because --max-instances instances were alive.",
                           offsetof(service_metrics, instances_refused));
    render_native(&t, m);
    for (size_t f = 0; f < sizeof capability_families / sizeof *capability_families; f++)
        render_capability_family(&t, m, &capability_families[f]);
    text_printf(&t, "# HELP wasmhost_pipeline_stage_duration_seconds Time each stage of a pipeline run took, by "
                    "pipeline, stage (from 0) and plugin.\n"
                    "# TYPE wasmhost_pipeline_stage_duration_seconds histogram\n");
    for (stage_metrics *stage = m->stages; stage; stage = stage->next)
        render_stage(&t, stage);
    render_change_counter(&t, m, "wasmhost_deploys_total", "Versions deployed through the admin API.", METRICS_DEPLOY);
    render_change_counter(&t, m, "wasmhost_rollbacks_total",
                          "Rollbacks to an earlier version: asked for, or automatic (health policy).",
                          METRICS_ROLLBACK);
    render_change_counter(&t, m, "wasmhost_removals_total", "Services removed through the admin API.", METRICS_REMOVAL);
    pthread_mutex_unlock(&m->lock);
    text_printf(&t,
                "# HELP wasmhost_services Services loaded and routable.\n"
                "# TYPE wasmhost_services gauge\nwasmhost_services %zu\n",
                services_loaded);
    text_printf(&t,
                "# HELP wasmhost_reloads_total Manifest reloads (SIGHUP or a changed file), by result.\n"
                "# TYPE wasmhost_reloads_total counter\n"
                "wasmhost_reloads_total{result=\"ok\"} %llu\nwasmhost_reloads_total{result=\"failed\"} %llu\n",
                (unsigned long long)load(&m->reloads), (unsigned long long)load(&m->reload_failures));
    text_printf(&t,
                "# HELP wasmhost_native_compiles_total Modules the background compiler compiled to native code, by "
                "result (failed: an error, a crash or --compile-timeout; the module stays on the interpreter and "
                "the log says why).\n"
                "# TYPE wasmhost_native_compiles_total counter\n"
                "wasmhost_native_compiles_total{result=\"ok\"} %llu\n"
                "wasmhost_native_compiles_total{result=\"failed\"} %llu\n",
                (unsigned long long)load(&m->native_compiles), (unsigned long long)load(&m->native_compile_failures));
    if (t.failed) {
        free(t.data);
        return NULL;
    }
    *length = t.length;
    return t.data;
}
