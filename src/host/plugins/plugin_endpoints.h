/* plugin_endpoints.h: the public listener's plugin endpoints: calls, POST /wasm/execute, model predictions, pipeline runs. */
#ifndef WH_PLUGIN_ENDPOINTS_H
#define WH_PLUGIN_ENDPOINTS_H

#include <stdbool.h>
#include <stdint.h>

#include "access_log.h"
#include "http_message.h"
#include "metrics.h"
#include "pipelines.h"
#include "registry.h"
#include "server.h"
#include "services.h"
#include "workers.h"

/* Every call runs a fresh instance of the plugin's active version on a worker, under its limits;
 * calls and predictions count against the plugin's concurrency limit (/wasm/execute, whose plugin
 * is named in the body, and pipeline stages do not). Answers are JSON except a call's output,
 * which is the plugin's bytes. Statuses: 404 unknown plugin, export, pipeline or model (with what
 * is missing); 405 a method other than POST; 413 past the plugin's max_body; 500 a trap, the
 * memory cap, fuel, or a plugin that broke the convention ({"error", "request_id"}); 502 an
 * /wasm/execute output that is not UTF-8 text; 503 out of memory; 504 its timeout; 422 a pipeline
 * stage that failed ({"error", "stage", "plugin", "request_id"}); 400 a malformed JSON body.
 * Docs: docs/plugins.md. */
typedef struct plugin_endpoints {
    registry *registry;
    pipeline_set *pipelines;
    workers *workers;
    access_log *log;
    metrics *metrics; /* each pipeline stage's latency */
    uint64_t default_max_body_bytes;
    /* Each call's outcome as a status, for the plugin's health policy (NULL: none). */
    void (*answered)(void *user, service *plugin, int status);
    void *answered_user;
} plugin_endpoints;

/* A JSON error answer {"error": MESSAGE, "request_id": ...} (invalid UTF-8 in the message shown
 * as '?'), for these endpoints and the streams'; a 503 says Retry-After: 1. */
void plugin_endpoint_error(http_response *response, int status, const http_request *request, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

/* Whether `path` is one of them: /v1/plugins/NAME/call/EXPORT, /wasm/execute,
 * /v1/models/NAME/predict, /v1/pipelines/NAME/run, and the streams of streams.h. */
bool plugin_endpoint_match(const char *path);
/* On the loop, after the headers: the body limit, and request->route set to the plugin's metrics
 * when the path names one. False with `early` set (405) when the method is not POST. */
bool plugin_endpoint_headers(plugin_endpoints *endpoints, http_request *request, uint64_t *max_body_bytes,
                             http_response *early);
/* On the loop, with the whole body (a stream's: after its headers): answers `exchange` from a worker. */
void plugin_endpoint_request(plugin_endpoints *endpoints, server_exchange *exchange, http_request *request);

/* The plugin called `name` now (retained), or NULL when there is none (or a service has the name). */
service *plugin_endpoint_find(plugin_endpoints *endpoints, const char *name);
/* The status a failed call answers (500, 504 for the timeout, 503 when refused at --max-instances),
 * counted in the plugin's metrics; the trap's text into `message`. */
int plugin_endpoint_failure(service *plugin, const wasm_trap_t *trap, char *message, size_t size);
/* That status without counting (200 for no trap), for the plugin's health policy, which is told
 * (through `answered`) of every call but those refused at --max-instances: a busy host is not an
 * unhealthy version. */
int plugin_endpoint_status(const wasm_trap_t *trap);

#endif
