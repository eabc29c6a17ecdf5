/* plugin_endpoints.c: the public listener's plugin endpoints: calls, POST /wasm/execute, model predictions, pipeline runs (streams: streams.c). */
#include "plugin_endpoints.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host_clock.h"
#include "json_response.h"
#include "services.h"
#include "streams.h"

/* The endpoints, one row each: how a path is recognised and what answers it on a worker. */
typedef enum endpoint_kind { ENDPOINT_CALL, ENDPOINT_EXECUTE, ENDPOINT_PREDICT, ENDPOINT_PIPELINE } endpoint_kind;

typedef struct endpoint_path {
    endpoint_kind kind;
    const char *prefix; /* then the name */
    const char *suffix; /* after the name ("/call/" takes an export after it) */
} endpoint_path;

static const endpoint_path endpoint_paths[] = {
    {ENDPOINT_CALL, "/v1/plugins/", "/call/"},
    {ENDPOINT_EXECUTE, "/wasm/execute", NULL},
    {ENDPOINT_PREDICT, "/v1/models/", "/predict"},
    {ENDPOINT_PIPELINE, "/v1/pipelines/", "/run"},
};

/* What a path names: the endpoint, the plugin (model, pipeline) and, for calls, the export. */
typedef struct endpoint_target {
    endpoint_kind kind;
    char name[128];
    char export_name[128];
} endpoint_target;

static bool parse_path(const char *path, endpoint_target *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < sizeof endpoint_paths / sizeof *endpoint_paths; i++) {
        const endpoint_path *row = &endpoint_paths[i];
        size_t prefix_length = strlen(row->prefix);
        if (strncmp(path, row->prefix, prefix_length) != 0)
            continue;
        out->kind = row->kind;
        if (!row->suffix)
            return path[prefix_length] == '\0';
        const char *name = path + prefix_length, *end = strchr(name, '/');
        if (!end || end == name || (size_t)(end - name) >= sizeof out->name)
            return false;
        memcpy(out->name, name, (size_t)(end - name));
        size_t suffix_length = strlen(row->suffix);
        if (strncmp(end, row->suffix, suffix_length) != 0)
            return false;
        const char *rest = end + suffix_length;
        if (row->kind != ENDPOINT_CALL)
            return *rest == '\0';
        if (!*rest || strchr(rest, '/') || strlen(rest) >= sizeof out->export_name)
            return false;
        snprintf(out->export_name, sizeof out->export_name, "%s", rest);
        return true;
    }
    return false;
}

bool plugin_endpoint_match(const char *path)
{
    if (stream_endpoint_match(path))
        return true;
    /* By prefix only (every request passes here): the whole path is parsed once, on a worker. */
    for (size_t i = 0; i < sizeof endpoint_paths / sizeof *endpoint_paths; i++) {
        size_t length = strlen(endpoint_paths[i].prefix);
        if (strncmp(path, endpoint_paths[i].prefix, length) == 0)
            return endpoint_paths[i].suffix != NULL || path[length] == '\0';
    }
    return false;
}

service *plugin_endpoint_find(plugin_endpoints *e, const char *name)
{
    service *s = registry_find(e->registry, name);
    if (s && s->kind != MANIFEST_PLUGIN) {
        service_release(s);
        s = NULL;
    }
    return s;
}

void plugin_endpoint_error(http_response *response, int status, const http_request *request, const char *format, ...)
{
    char message[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    json_t *body = json_object();
    json_object_set_new(body, "error", json_message(message));
    json_object_set_new(body, "request_id", json_string(request->request_id));
    json_response(response, status, body, false);
    if (status == 503) /* busy, not broken: the client may come back */
        http_response_add_header(response, "retry-after", "1");
}

bool plugin_endpoint_headers(plugin_endpoints *e, http_request *request, uint64_t *max_body_bytes, http_response *early)
{
    request->route = NULL;
    if (stream_endpoint_match(request->path))
        return stream_endpoint_headers(e, request, early); /* POST, or PUT as `curl -T -` sends */
    if (strcmp(request->method, "POST") != 0) {
        plugin_endpoint_error(early, 405, request, "use POST: %s takes its input as the request's body", request->path);
        http_response_add_header(early, "allow", "POST");
        return false;
    }
    *max_body_bytes = e->default_max_body_bytes;
    endpoint_target target;
    if (parse_path(request->path, &target) && target.kind != ENDPOINT_EXECUTE && target.kind != ENDPOINT_PIPELINE) {
        service *plugin = plugin_endpoint_find(e, target.name);
        if (plugin) {
            *max_body_bytes = plugin->max_body_bytes;
            request->route = plugin->metrics; /* lives as long as the host: safe for on_response */
            service_release(plugin);
        }
    }
    return true;
}

/* ---- running a plugin ---- */

int plugin_endpoint_failure(service *plugin, const wasm_trap_t *trap, char *message, size_t size)
{
    wasm_byte_vec_t text;
    wh_trap_format(trap, &text);
    snprintf(message, size, "%.*s", (int)(text.size && text.data[text.size - 1] == '\n' ? text.size - 1 : text.size),
             text.data ? text.data : "");
    wasm_byte_vec_delete(&text);
    _Atomic uint64_t *counter = &plugin->metrics->traps;
    int status = 500;
    switch (wh_trap_code(trap)) {
    case WH_TRAP_CODE_DEADLINE_EXCEEDED: status = 504, counter = &plugin->metrics->timeouts; break;
    case WH_TRAP_CODE_FUEL_EXHAUSTED: counter = &plugin->metrics->fuel_exhausted; break;
    case WH_TRAP_CODE_API: counter = &plugin->metrics->bad_responses; break;
    case WH_TRAP_CODE_CAPACITY: status = 503, counter = &plugin->metrics->instances_refused; break;
    default: break;
    }
    atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
    return status;
}

int plugin_endpoint_status(const wasm_trap_t *trap)
{
    switch (trap ? wh_trap_code(trap) : WH_TRAP_CODE_OTHER) {
    case WH_TRAP_CODE_DEADLINE_EXCEEDED: return 504;
    case WH_TRAP_CODE_CAPACITY: return 503;
    default: return trap ? 500 : 200;
    }
}

/* Calls `export_name` of `plugin` with `input`; NULL and `output` on success, else the trap. The
 * outcome counts for the plugin's health policy (plugin_endpoint_status). */
static wasm_trap_t *call(plugin_endpoints *e, service *plugin, const char *export_name, const uint8_t *input,
                         size_t size, wasm_byte_vec_t *output, const http_request *request)
{
    wasm_byte_vec_t bytes = {.size = size, .data = (wasm_byte_t *)input};
    wasm_trap_t *trap = service_plugin_call(plugin, export_name, &bytes, output, request->request_id);
    int status = plugin_endpoint_status(trap);
    if (status != 503)
        atomic_fetch_add_explicit(&plugin->metrics->instances_created, 1, memory_order_relaxed);
    if (e->answered && status != 503)
        e->answered(e->answered_user, plugin, status);
    return trap;
}

/* POST /v1/plugins/NAME/call/EXPORT: the body in, the output bytes out. */
static void answer_call(plugin_endpoints *e, service *plugin, const endpoint_target *target,
                        const http_request *request, http_response *response)
{
    if (!plugin)
        plugin_endpoint_error(response, 404, request, "no plugin '%s'", target->name);
    else if (!wh_plugin_has_export(plugin->plugin, target->export_name)) {
        plugin_endpoint_error(response, 404, request, "plugin '%s' has no export '%s' taking bytes", target->name,
                              target->export_name);
    } else {
        wasm_byte_vec_t output;
        wasm_trap_t *trap = call(e, plugin, target->export_name, request->body, request->body_length, &output, request);
        if (trap) {
            char message[768];
            int status = plugin_endpoint_failure(plugin, trap, message, sizeof message);
            wasm_trap_delete(trap);
            access_log_event(e->log, "error", plugin->name, request->request_id, "%s: %s", target->export_name,
                             message);
            plugin_endpoint_error(response, status, request, "%s", message);
        } else {
            http_response_init(response, 200);
            http_response_add_header(response, "content-type", "application/octet-stream");
            http_response_append(response, output.data, output.size);
            wasm_byte_vec_delete(&output);
        }
    }
}

/* POST /wasm/execute {"service_id", "data", "function"?}: the peers' front end. */
static void answer_execute(plugin_endpoints *e, const http_request *request, http_response *response)
{
    json_error_t parse_error;
    json_t *body = json_loadb((const char *)request->body, request->body_length, 0, &parse_error);
    const char *id = json_string_value(json_object_get(body, "service_id"));
    json_t *data = json_object_get(body, "data");
    json_t *function = json_object_get(body, "function");
    if (!body)
        plugin_endpoint_error(response, 400, request, "the body is not valid JSON: %s (line %d, column %d)",
                              parse_error.text, parse_error.line, parse_error.column);
    else if (!id || !json_is_string(data) || (function && !json_is_string(function)))
        plugin_endpoint_error(response, 400, request,
                              "the body must be {\"service_id\": \"<plugin>\", \"data\": \"<text>\"} (and optionally "
                              "\"function\": \"<export>\")");
    else {
        service *plugin = plugin_endpoint_find(e, id);
        const char *export_name = function ? json_string_value(function) : "handle_request";
        if (!plugin) {
            plugin_endpoint_error(response, 404, request, "no plugin '%s'", id);
        } else if (!wh_plugin_has_export(plugin->plugin, export_name)) {
            plugin_endpoint_error(response, 404, request, "plugin '%s' has no export '%s' taking bytes", id,
                                  export_name);
        } else {
            wasm_byte_vec_t output;
            uint64_t start = host_now_ns();
            wasm_trap_t *trap = call(e, plugin, export_name, (const uint8_t *)json_string_value(data),
                                     json_string_length(data), &output, request);
            uint64_t elapsed_us = (host_now_ns() - start) / 1000;
            if (trap) {
                char message[768];
                int status = plugin_endpoint_failure(plugin, trap, message, sizeof message);
                wasm_trap_delete(trap);
                access_log_event(e->log, "error", plugin->name, request->request_id, "%s: %s", export_name, message);
                plugin_endpoint_error(response, status, request, "%s", message);
            } else {
                /* Bytes that are not UTF-8 cannot be a JSON string: 502. */
                json_t *result = json_stringn(output.size ? (const char *)output.data : "", output.size);
                if (!result) {
                    plugin_endpoint_error(response, 502, request, "the output of '%s' is not UTF-8 text (%zu bytes)",
                                          export_name, output.size);
                } else {
                    json_response(response, 200,
                                  json_pack("{s:o,s:I,s:I}", "result", result, "execution_time",
                                            (json_int_t)(elapsed_us / 1000), "execution_time_us",
                                            (json_int_t)elapsed_us),
                                  false);
                }
                wasm_byte_vec_delete(&output);
            }
        }
        if (plugin)
            service_release(plugin);
    }
    json_decref(body);
}

/* ---- models ---- */

/* A model's sizes from its `info` export: {"inputs": N, "outputs": M, ...}; 200, else the status
 * to answer (the trap's: 500 or 504) with the reason in `message`. */
static int model_sizes(plugin_endpoints *e, service *model, const http_request *request, size_t *inputs,
                       size_t *outputs, char *message, size_t size)
{
    wasm_byte_vec_t output;
    wasm_trap_t *trap = call(e, model, "info", NULL, 0, &output, request);
    if (trap) {
        int status = plugin_endpoint_failure(model, trap, message, size);
        wasm_trap_delete(trap);
        return status;
    }
    json_t *info = json_loadb(output.size ? (const char *)output.data : "", output.size, 0, NULL);
    wasm_byte_vec_delete(&output);
    json_int_t in = json_integer_value(json_object_get(info, "inputs"));
    json_int_t out = json_integer_value(json_object_get(info, "outputs"));
    json_decref(info);
    if (in <= 0 || out <= 0 || in > 1 << 20 || out > 1 << 20) {
        snprintf(message, size, "its info export does not give {\"inputs\": N, \"outputs\": M}");
        return 500;
    }
    *inputs = (size_t)in;
    *outputs = (size_t)out;
    return 200;
}

/* The vectors of {"input": [...]} or {"inputs": [[...], ...]} as little-endian f32, each of
 * `width` numbers; NULL with the reason in `message`. */
static uint8_t *model_input(json_t *body, size_t width, bool *batch, size_t *count, char *message, size_t size)
{
    json_t *one = json_object_get(body, "input"), *many = json_object_get(body, "inputs");
    *batch = many != NULL;
    if (!json_is_array(one) == !json_is_array(many)) {
        snprintf(message, size, "the body must be {\"input\": [numbers]} or {\"inputs\": [[numbers], ...]}");
        return NULL;
    }
    *count = *batch ? json_array_size(many) : 1;
    if (*count == 0 || *count > 65536) {
        snprintf(message, size, "\"inputs\" must hold 1 to 65536 vectors");
        return NULL;
    }
    uint8_t *bytes = malloc(*count * width * 4);
    for (size_t v = 0; bytes && v < *count; v++) {
        json_t *vector = *batch ? json_array_get(many, v) : one;
        if (!json_is_array(vector) || json_array_size(vector) != width) {
            snprintf(message, size, "vector %zu has %zu numbers: the model takes %zu", v,
                     json_is_array(vector) ? json_array_size(vector) : 0, width);
            free(bytes);
            return NULL;
        }
        for (size_t i = 0; i < width; i++) {
            json_t *number = json_array_get(vector, i);
            if (!json_is_number(number)) {
                snprintf(message, size, "vector %zu: element %zu is not a number", v, i);
                free(bytes);
                return NULL;
            }
            float value = (float)json_number_value(number);
            uint32_t word;
            memcpy(&word, &value, 4);
            for (int b = 0; b < 4; b++) /* little-endian, as the plugin reads it */
                bytes[(v * width + i) * 4 + (size_t)b] = (uint8_t)(word >> (8 * b));
        }
    }
    if (!bytes)
        snprintf(message, size, "out of memory");
    return bytes;
}

static json_t *float_array(const uint8_t *bytes, size_t count)
{
    json_t *array = json_array();
    for (size_t i = 0; i < count; i++) {
        uint32_t word = (uint32_t)bytes[i * 4] | (uint32_t)bytes[i * 4 + 1] << 8 | (uint32_t)bytes[i * 4 + 2] << 16 |
                        (uint32_t)bytes[i * 4 + 3] << 24;
        float value;
        memcpy(&value, &word, 4);
        json_array_append_new(array, json_real(value));
    }
    return array;
}

/* POST /v1/models/NAME/predict. */
static void answer_predict(plugin_endpoints *e, service *model, const endpoint_target *target,
                           const http_request *request, http_response *response)
{
    if (!model) {
        plugin_endpoint_error(response, 404, request, "no model '%s'", target->name);
        return;
    }
    char message[768];
    size_t inputs = 0, outputs = 0, count;
    bool batch;
    json_t *body = json_loadb((const char *)request->body, request->body_length, 0, NULL);
    uint8_t *vectors = NULL;
    int status;
    if (!wh_plugin_has_export(model->plugin, "predict") || !wh_plugin_has_export(model->plugin, "info"))
        plugin_endpoint_error(response, 404, request,
                              "plugin '%s' is not a model: it needs the exports predict and info", target->name);
    else if (!body)
        plugin_endpoint_error(response, 400, request,
                              "the body is not JSON: {\"input\": [numbers]} or {\"inputs\": [[...], ...]}");
    else if ((status = model_sizes(e, model, request, &inputs, &outputs, message, sizeof message)) != 200)
        plugin_endpoint_error(response, status, request, "model '%s': %s", target->name, message);
    else if (!(vectors = model_input(body, inputs, &batch, &count, message, sizeof message)))
        plugin_endpoint_error(response, 400, request, "%s", message);
    else {
        wasm_byte_vec_t output;
        uint64_t start = host_now_ns();
        wasm_trap_t *trap = call(e, model, "predict", vectors, count * inputs * 4, &output, request);
        uint64_t elapsed_us = (host_now_ns() - start) / 1000;
        if (trap) {
            int status = plugin_endpoint_failure(model, trap, message, sizeof message);
            wasm_trap_delete(trap);
            plugin_endpoint_error(response, status, request, "%s", message);
        } else if (output.size != count * outputs * 4) {
            plugin_endpoint_error(response, 500, request,
                                  "model '%s' answered %zu bytes for %zu vectors of %zu outputs", target->name,
                                  output.size, count, outputs);
            wasm_byte_vec_delete(&output);
        } else {
            json_t *result = json_object();
            if (batch) {
                json_t *list = json_array();
                for (size_t v = 0; v < count; v++)
                    json_array_append_new(list, float_array((const uint8_t *)output.data + v * outputs * 4, outputs));
                json_object_set_new(result, "outputs", list);
            } else {
                json_object_set_new(result, "output", float_array((const uint8_t *)output.data, outputs));
            }
            json_object_set_new(result, "execution_time_us", json_integer((json_int_t)elapsed_us));
            json_response(response, 200, result, false);
            wasm_byte_vec_delete(&output);
        }
    }
    free(vectors);
    json_decref(body);
}

/* ---- pipelines ---- */

/* POST /v1/pipelines/NAME/run: each stage's output is the next one's input. */
static void answer_pipeline(plugin_endpoints *e, const endpoint_target *target, const http_request *request,
                            http_response *response)
{
    pipeline *p = pipeline_set_find(e->pipelines, target->name);
    if (!p) {
        plugin_endpoint_error(response, 404, request, "no pipeline '%s'", target->name);
        return;
    }
    wasm_byte_vec_t data = {0};
    const uint8_t *input = request->body;
    size_t size = request->body_length;
    for (size_t i = 0; i < p->stage_count; i++) {
        const pipeline_stage *stage = &p->stages[i];
        service *plugin = plugin_endpoint_find(e, stage->plugin);
        char message[768] = "";
        int status = 200;
        wasm_byte_vec_t output = {0};
        if (!plugin) {
            status = 404;
            snprintf(message, sizeof message, "no plugin '%s'", stage->plugin);
        } else if (!wh_plugin_has_export(plugin->plugin, stage->export_name)) {
            status = 404;
            snprintf(message, sizeof message, "plugin '%s' has no export '%s' taking bytes", stage->plugin,
                     stage->export_name);
        } else {
            uint64_t start = host_now_ns();
            wasm_trap_t *trap = call(e, plugin, stage->export_name, input, size, &output, request);
            metrics_record_stage(e->metrics, p->name, i, stage->plugin, host_now_ns() - start);
            if (trap) {
                /* The stage failed (422), unless it could not run for --max-instances (503). */
                status = plugin_endpoint_failure(plugin, trap, message, sizeof message) == 503 ? 503 : 422;
                wasm_trap_delete(trap);
                access_log_event(e->log, "error", stage->plugin, request->request_id, "pipeline %s, stage %zu: %s",
                                 p->name, i, message);
            }
        }
        if (plugin)
            service_release(plugin);
        if (status != 200) {
            json_t *failure = json_object();
            json_object_set_new(failure, "error", json_message(message));
            json_object_set_new(failure, "stage", json_integer((json_int_t)i));
            json_object_set_new(failure, "plugin", json_string(stage->plugin));
            json_object_set_new(failure, "request_id", json_string(request->request_id));
            json_response(response, status, failure, false);
            if (status == 503)
                http_response_add_header(response, "retry-after", "1");
            wasm_byte_vec_delete(&data);
            pipeline_release(p);
            return;
        }
        wasm_byte_vec_delete(&data);
        data = output;
        input = (const uint8_t *)data.data;
        size = data.size;
    }
    http_response_init(response, 200);
    http_response_add_header(response, "content-type", "application/octet-stream");
    http_response_append(response, input, size);
    wasm_byte_vec_delete(&data);
    pipeline_release(p);
}

/* ---- on a worker ---- */

typedef struct endpoint_job {
    job base; /* base.service: the plugin of a call or prediction, held; NULL for /wasm/execute and pipelines */
    plugin_endpoints *endpoints;
    server_exchange *exchange;
    http_request *request;
    endpoint_target target;
} endpoint_job;

static void endpoint_run(job *base)
{
    endpoint_job *j = (endpoint_job *)base;
    http_response response;
    switch (j->target.kind) {
    case ENDPOINT_CALL: answer_call(j->endpoints, j->base.service, &j->target, j->request, &response); break;
    case ENDPOINT_EXECUTE: answer_execute(j->endpoints, j->request, &response); break;
    case ENDPOINT_PREDICT: answer_predict(j->endpoints, j->base.service, &j->target, j->request, &response); break;
    case ENDPOINT_PIPELINE: answer_pipeline(j->endpoints, &j->target, j->request, &response); break;
    }
    server_respond(j->exchange, &response, false);
}

static void endpoint_finish(job *base)
{
    endpoint_job *j = (endpoint_job *)base;
    if (j->base.service)
        service_release(j->base.service);
    free(j);
}

void plugin_endpoint_request(plugin_endpoints *e, server_exchange *exchange, http_request *request)
{
    if (request->stream) {
        stream_endpoint_request(e, exchange, request);
        return;
    }
    http_response response;
    endpoint_job *j = calloc(1, sizeof *j);
    if (!j) {
        plugin_endpoint_error(&response, 503, request, "out of memory");
        server_respond(exchange, &response, false);
        return;
    }
    if (!parse_path(request->path, &j->target)) {
        free(j);
        plugin_endpoint_error(
            &response, 404, request,
            "no such endpoint: POST /v1/plugins/NAME/call/EXPORT, /wasm/execute, /v1/models/NAME/predict or "
            "/v1/pipelines/NAME/run");
        server_respond(exchange, &response, false);
        return;
    }
    if (j->target.kind == ENDPOINT_CALL || j->target.kind == ENDPOINT_PREDICT)
        /* Held for its concurrency limit, and the version the call runs; NULL: answered 404. */
        j->base.service = plugin_endpoint_find(e, j->target.name);
    j->base.run = endpoint_run;
    j->base.finish = endpoint_finish;
    j->endpoints = e;
    j->exchange = exchange;
    j->request = request;
    workers_submit(e->workers, &j->base);
}
