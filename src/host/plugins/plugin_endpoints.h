/* plugin_endpoints.h: the public listener's plugin endpoints: calls, POST /wasm/execute, model predictions, pipeline runs. */
#ifndef WH_PLUGIN_ENDPOINTS_H
#define WH_PLUGIN_ENDPOINTS_H

#include <stdbool.h>
#include <stdint.h>

#include "access_log.h"
#include "http_message.h"
#include "pipelines.h"
#include "registry.h"
#include "server.h"
#include "services.h"
#include "workers.h"

/* Every call runs a fresh instance of the plugin's active version on a worker (the plugin's
 * concurrency limit applies), under its limits. Answers are JSON except a call's output, which is
 * the plugin's bytes. Statuses: 404 unknown plugin, export, pipeline or model (with what is
 * missing); 413 past the plugin's max_body; 500 a trap, the memory cap, fuel, or a plugin that
 * broke the convention ({"error", "request_id"}); 504 its timeout; 422 a pipeline stage that
 * failed ({"error", "stage", "plugin", "request_id"}); 400 a malformed JSON body. Docs:
 * docs/plugins.md. */
typedef struct plugin_endpoints {
    registry *registry;
    pipeline_set *pipelines;
    workers *workers;
    access_log *log;
    uint64_t default_max_body_bytes;
    /* Each call's outcome as a status, for the plugin's health policy (NULL: none). */
    void (*answered)(void *user, service *plugin, int status);
    void *answered_user;
} plugin_endpoints;

/* Whether `path` is one of them: /v1/plugins/NAME/call/EXPORT, /wasm/execute,
 * /v1/models/NAME/predict, /v1/pipelines/NAME/run. */
bool plugin_endpoint_match(const char *path);
/* On the loop, after the headers: the body limit, and request->route set to the plugin's metrics
 * when the path names one. False with `early` set (405) when the method is not POST. */
bool plugin_endpoint_headers(plugin_endpoints *endpoints, http_request *request, uint64_t *max_body_bytes,
                             http_response *early);
/* On the loop, with the whole body: answers `exchange` from a worker. */
void plugin_endpoint_request(plugin_endpoints *endpoints, server_exchange *exchange, http_request *request);

#endif
