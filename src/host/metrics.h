/* metrics.h: the host's counters and latency histograms, written out in Prometheus text format. */
#ifndef WH_METRICS_H
#define WH_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kv_store.h"         /* KV_OPERATION_COUNT */
#include "wasmhost_results.h" /* WH_RESULT_CODES: the outcomes of guests' capability calls */

/* Latency buckets (seconds) of wasmhost_request_duration_seconds. */
#define METRICS_LATENCY_BUCKETS 14

/* A latency histogram: counts by bucket and the sum, in microseconds. */
typedef struct metrics_latency {
    _Atomic uint64_t buckets[METRICS_LATENCY_BUCKETS];
    _Atomic uint64_t sum_us;
} metrics_latency;

/* The counters of one version of one service: they outlive reloads and removals (looked up by
 * name and version), so a version loaded again keeps counting where it was. Updated with relaxed
 * atomics from any thread. Never freed before the metrics, but recycled: a name keeps the
 * counters of at most METRICS_VERSIONS_KEPT versions that no service uses any more, so that a
 * server deployed to every day does not grow without end. */
#define METRICS_VERSIONS_KEPT 8

/* The outcomes of the wasmhost_capabilities calls, indexed by -code (the codes run 0, -1, -2, ...). */
#define METRICS_COUNT_ONE_(name, value, label, meaning) +1
enum { METRICS_RESULTS = 0 WH_RESULT_CODES(METRICS_COUNT_ONE_) };
#define METRICS_LOG_LEVELS 4

/* What a service's guests did with what they may reach (docs/abi.md); only atomics, so that a
 * new version zeroes them as an array. */
typedef struct capability_counters {
    _Atomic uint64_t outbound[METRICS_RESULTS]; /* outbound HTTP requests by result */
    _Atomic uint64_t outbound_bytes[2];         /* sent, received */
    _Atomic uint64_t kv[KV_OPERATION_COUNT][METRICS_RESULTS];
    _Atomic uint64_t kv_bytes[2];                   /* read, written */
    _Atomic uint64_t log_lines[METRICS_LOG_LEVELS]; /* logged, by level */
    _Atomic uint64_t log_refused;                   /* past the per-request limit */
} capability_counters;

typedef struct service_metrics {
    char *name;
    uint32_t version;
    _Atomic uint32_t users;                   /* services (versions loaded) counting here */
    _Atomic uint64_t requests_by_status[600]; /* index: the status code (100..599) */
    metrics_latency latency;
    _Atomic int64_t in_flight;
    _Atomic uint64_t traps, timeouts, memory_exceeded, fuel_exhausted, bad_responses;
    _Atomic uint64_t instances_created;
    _Atomic uint64_t instances_refused; /* at --max-instances (503) */
    _Atomic uint64_t queued;            /* requests waiting for the service's concurrency limit now */
    /* Its module's tier, brought up to date before each rendering (metrics_set_native). */
    _Atomic uint64_t native_functions, compile_us;
    capability_counters capabilities;
    struct service_metrics *next;
} service_metrics;

typedef struct metrics metrics;

metrics *metrics_new(void);
void metrics_free(metrics *metrics);

/* The counters of version `version` of the service called `name`, made on first use (or recycled
 * from an old version), with one more user; NULL when out of memory. metrics_service_release when
 * the service goes. */
service_metrics *metrics_service(metrics *metrics, const char *name, uint32_t version);
void metrics_service_release(service_metrics *service);

/* A request answered by `service` (NULL: answered by the host itself: 404, 4xx from the server,
 * built-in endpoints) with `status` after `duration_ns`. */
void metrics_record_request(metrics *metrics, service_metrics *service, int status, uint64_t duration_ns);
/* A guest's capability call: `result` a WH_RESULT_* code (or a non-negative success). */
void metrics_record_outbound(service_metrics *service, int result, uint64_t bytes_sent, uint64_t bytes_received);
void metrics_record_kv(service_metrics *service, kv_operation operation, int result, uint64_t bytes_read,
                       uint64_t bytes_written);
void metrics_record_guest_log(service_metrics *service, int level, bool refused);
/* The module of `service` runs `native_functions` functions as native code, compiled in
 * `compile_seconds` (gauges wasmhost_native_functions, wasmhost_compile_seconds). */
void metrics_set_native(service_metrics *service, uint32_t native_functions, double compile_seconds);
/* Host-wide gauges and counters. */
void metrics_record_reload(metrics *metrics, bool succeeded);
/* The background compiler's totals so far (module_cache_native_stats): modules compiled to native
 * code, and those whose compile failed or timed out (they stay on the interpreter): the counter
 * wasmhost_native_compiles_total{result}. */
void metrics_set_compiles(metrics *metrics, uint64_t compiled, uint64_t failed);

/* One stage of a pipeline run: its latency in wasmhost_pipeline_stage_duration_seconds{pipeline,
 * stage, plugin}. */
void metrics_record_stage(metrics *metrics, const char *pipeline, size_t stage, const char *plugin,
                          uint64_t duration_ns);

/* What the admin API (or the health policy) did to a service, counted per service name. */
typedef enum metrics_change { METRICS_DEPLOY, METRICS_ROLLBACK, METRICS_REMOVAL } metrics_change;
void metrics_record_change(metrics *metrics, const char *service, metrics_change change);

/* The whole text exposition (format 0.0.4) into a malloc'd buffer; `*length` set. NULL when out
 * of memory. `services_loaded`: for the wasmhost_services gauge. */
char *metrics_render(metrics *metrics, size_t services_loaded, size_t *length);

#endif
