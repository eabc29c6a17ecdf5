/* streams.c: record streams: newline-delimited records in, one plugin (or pipeline) call per record in a session kept for the stream, records out as they are ready. */
#include "streams.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host_clock.h"
#include "json_response.h"
#include "services.h"

#define STREAMS_PREFIX "/v1/streams/"
#define PIPELINES_PREFIX "/v1/pipelines/"
#define PIPELINE_SUFFIX "/stream"
#define DEFAULT_MAX_RECORD (1u << 20)
#define MAX_MAX_RECORD (64u << 20)
#define READ_SIZE 65536

/* What a stream's path and query say. */
typedef struct stream_target {
    bool pipeline;
    char name[128];
    char export_name[128];
    bool stop_on_error;
    size_t max_record;
} stream_target;

static bool copy_part(char *out, size_t size, const char *start, size_t length)
{
    if (length == 0 || length >= size || memchr(start, '/', length))
        return false;
    memcpy(out, start, length);
    out[length] = '\0';
    return true;
}

/* /v1/streams/PLUGIN[/EXPORT] or /v1/pipelines/NAME/stream; false for another path. */
static bool parse_path(const char *path, stream_target *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->export_name, sizeof out->export_name, "%s", PIPELINE_DEFAULT_EXPORT);
    if (strncmp(path, STREAMS_PREFIX, strlen(STREAMS_PREFIX)) == 0) {
        const char *name = path + strlen(STREAMS_PREFIX), *slash = strchr(name, '/');
        if (!slash)
            return copy_part(out->name, sizeof out->name, name, strlen(name));
        return copy_part(out->name, sizeof out->name, name, (size_t)(slash - name)) &&
               copy_part(out->export_name, sizeof out->export_name, slash + 1, strlen(slash + 1));
    }
    size_t length = strlen(path), suffix = strlen(PIPELINE_SUFFIX), prefix = strlen(PIPELINES_PREFIX);
    if (strncmp(path, PIPELINES_PREFIX, prefix) != 0 || length <= prefix + suffix ||
        strcmp(path + length - suffix, PIPELINE_SUFFIX) != 0)
        return false;
    out->pipeline = true;
    return copy_part(out->name, sizeof out->name, path + prefix, length - prefix - suffix);
}

bool stream_endpoint_match(const char *path)
{
    /* By prefix and suffix only (every request passes here): parse_path runs once, in the headers. */
    static const char pipelines[] = "/v1/pipelines/", suffix[] = "/stream";
    size_t length = strlen(path);
    return strncmp(path, STREAMS_PREFIX, strlen(STREAMS_PREFIX)) == 0 ||
           (strncmp(path, pipelines, sizeof pipelines - 1) == 0 && length >= sizeof suffix - 1 &&
            strcmp(path + length - (sizeof suffix - 1), suffix) == 0);
}

/* A size: digits, then optionally K or M (binary). False when it is not one or is out of range. */
static bool parse_size(const char *text, size_t length, size_t *out)
{
    uint64_t value = 0;
    size_t i = 0;
    for (; i < length && text[i] >= '0' && text[i] <= '9' && value <= MAX_MAX_RECORD; i++)
        value = value * 10 + (uint64_t)(text[i] - '0');
    if (i == 0)
        return false;
    if (i < length && (text[i] == 'k' || text[i] == 'K'))
        value *= 1024, i++;
    else if (i < length && (text[i] == 'm' || text[i] == 'M'))
        value *= 1024 * 1024, i++;
    if (i != length || value == 0 || value > MAX_MAX_RECORD)
        return false;
    *out = (size_t)value;
    return true;
}

/* ?on_error=stop|continue&max_record=SIZE; false with the reason in `message`. */
static bool parse_query(const char *query, stream_target *out, char *message, size_t size)
{
    out->max_record = DEFAULT_MAX_RECORD;
    while (*query) {
        const char *end = strchr(query, '&');
        size_t length = end ? (size_t)(end - query) : strlen(query);
        const char *equals = memchr(query, '=', length);
        size_t name_length = equals ? (size_t)(equals - query) : length;
        const char *value = equals ? equals + 1 : query + length;
        size_t value_length = (size_t)(query + length - value);
        if (name_length == 8 && memcmp(query, "on_error", 8) == 0) {
            if (value_length == 4 && memcmp(value, "stop", 4) == 0)
                out->stop_on_error = true;
            else if (!(value_length == 8 && memcmp(value, "continue", 8) == 0)) {
                snprintf(message, size, "on_error must be stop or continue, not '%.*s'", (int)value_length, value);
                return false;
            }
        } else if (name_length == 10 && memcmp(query, "max_record", 10) == 0) {
            if (!parse_size(value, value_length, &out->max_record)) {
                snprintf(message, size,
                         "max_record must be a size from 1 byte to 64M (e.g. 65536, 64K, 2M), not '%.*s'",
                         (int)value_length, value);
                return false;
            }
        } else if (length > 0) {
            snprintf(message, size, "unknown query parameter '%.*s': a stream takes on_error and max_record",
                     (int)name_length, query);
            return false;
        }
        query += length + (end ? 1 : 0);
    }
    return true;
}

/* Whether `name` is a plugin with the export; false with the reason in `message`. */
static bool plugin_ready(plugin_endpoints *e, const char *name, const char *export_name, char *message, size_t size)
{
    service *plugin = plugin_endpoint_find(e, name);
    bool ready = plugin && wh_plugin_has_export(plugin->plugin, export_name);
    if (!plugin)
        snprintf(message, size, "no plugin '%s'", name);
    else if (!ready)
        snprintf(message, size, "plugin '%s' has no export '%s' taking bytes", name, export_name);
    if (plugin)
        service_release(plugin);
    return ready;
}

bool stream_endpoint_headers(plugin_endpoints *e, http_request *request, http_response *early)
{
    stream_target target;
    char message[512];
    if (strcmp(request->method, "POST") != 0 && strcmp(request->method, "PUT") != 0) {
        plugin_endpoint_error(early, 405, request, "use POST (or PUT): %s takes its records as the request's body",
                              request->path);
        http_response_add_header(early, "allow", "POST, PUT");
        return false;
    }
    if (!parse_path(request->path, &target)) {
        plugin_endpoint_error(early, 404, request,
                              "no such endpoint: POST /v1/streams/PLUGIN, /v1/streams/PLUGIN/EXPORT or "
                              "/v1/pipelines/NAME/stream");
        return false;
    }
    if (!parse_query(request->query, &target, message, sizeof message)) {
        plugin_endpoint_error(early, 400, request, "%s", message);
        return false;
    }
    if (target.pipeline) {
        pipeline *p = pipeline_set_find(e->pipelines, target.name);
        if (!p) {
            plugin_endpoint_error(early, 404, request, "no pipeline '%s'", target.name);
            return false;
        }
        pipeline_release(p); /* its stages are checked when it runs, as for /run */
    } else {
        if (!plugin_ready(e, target.name, target.export_name, message, sizeof message)) {
            plugin_endpoint_error(early, 404, request, "%s", message);
            return false;
        }
        service *plugin = plugin_endpoint_find(e, target.name);
        if (plugin) {
            request->route = plugin->metrics; /* lives as long as the host: safe for on_response */
            service_release(plugin);
        }
    }
    request->stream = true;
    return true;
}

/* ---- a stream on a worker ---- */

/* One stage: the plugin (held for the stream's life) and its session. */
typedef struct stream_stage {
    service *plugin;
    const char *export_name;
    wh_plugin_session_t *session;
} stream_stage;

typedef struct stream_job {
    job base; /* base.service: the plugin, held, for its concurrency limit; NULL for pipelines */
    plugin_endpoints *endpoints;
    server_exchange *exchange;
    http_request *request;
    stream_target target;
    pipeline *pipeline; /* a pipeline's stream: the pipeline it started with */
    stream_stage *stages;
    size_t stage_count;
    char *record; /* the record being gathered, up to max_record bytes */
    size_t record_length, record_capacity;
    bool record_too_long; /* its bytes past max_record are skipped, up to its newline */
    uint64_t records;
    bool aborted, stopped;
} stream_job;

/* Sessions for the stages; false with the reason in `message` (and *status) when one is missing. */
static bool stages_open(stream_job *j, char *message, size_t size, int *status)
{
    plugin_endpoints *e = j->endpoints;
    size_t count = j->pipeline ? j->pipeline->stage_count : 1;
    j->stages = calloc(count, sizeof *j->stages);
    if (!j->stages) {
        snprintf(message, size, "out of memory");
        *status = 503;
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        const char *name = j->pipeline ? j->pipeline->stages[i].plugin : j->target.name;
        const char *export_name = j->pipeline ? j->pipeline->stages[i].export_name : j->target.export_name;
        if (!plugin_ready(e, name, export_name, message, size)) {
            *status = 404;
            return false;
        }
        stream_stage *stage = &j->stages[j->stage_count];
        stage->plugin = plugin_endpoint_find(e, name);
        stage->export_name = export_name;
        stage->session = stage->plugin ? wh_plugin_session_new(stage->plugin->plugin) : NULL;
        if (!stage->session) {
            if (stage->plugin)
                service_release(stage->plugin);
            snprintf(message, size, "plugin '%s' (stage %zu) cannot be started: %s", name, i,
                     stage->plugin ? wh_last_error_message() : "it was removed");
            *status = 503;
            return false;
        }
        j->stage_count++;
        atomic_fetch_add_explicit(&stage->plugin->metrics->in_flight, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&stage->plugin->metrics->instances_created, 1, memory_order_relaxed);
    }
    return true;
}

/* Frees the instances at once (the stream's end, or its client gone). */
static void stages_close(stream_job *j)
{
    for (size_t i = 0; i < j->stage_count; i++) {
        wh_plugin_session_delete(j->stages[i].session);
        atomic_fetch_sub_explicit(&j->stages[i].plugin->metrics->in_flight, 1, memory_order_relaxed);
        service_release(j->stages[i].plugin);
    }
    free(j->stages);
    j->stages = NULL;
    j->stage_count = 0;
}

static void stream_write(stream_job *j, const void *data, size_t length)
{
    if (!j->aborted && !server_stream_write(j->exchange, data, length))
        j->aborted = true;
}

/* An error record for record `index`: {"error", "record"[, "stage", "plugin"]}; ends the stream
 * with ?on_error=stop. */
static void write_error(stream_job *j, uint64_t index, const char *message, const stream_stage *stage, size_t number)
{
    json_t *line = json_object();
    json_object_set_new(line, "error", json_message(message));
    json_object_set_new(line, "record", json_integer((json_int_t)index));
    if (j->pipeline && stage) {
        json_object_set_new(line, "stage", json_integer((json_int_t)number));
        json_object_set_new(line, "plugin", json_string(stage->plugin->name));
    }
    char *text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    if (text) {
        stream_write(j, text, strlen(text));
        stream_write(j, "\n", 1);
    }
    free(text);
    if (j->target.stop_on_error)
        j->stopped = true;
}

/* One record through every stage; its output record (or an error record) written. */
static void record_run(stream_job *j, const uint8_t *data, size_t length)
{
    plugin_endpoints *e = j->endpoints;
    uint64_t index = j->records++;
    if (j->record_too_long) {
        char message[160];
        snprintf(message, sizeof message, "the record is longer than max_record (%zu bytes)", j->target.max_record);
        write_error(j, index, message, NULL, 0);
        return;
    }
    wasm_byte_vec_t input = {length, (wasm_byte_t *)data}, output = {0, NULL}, previous = {0, NULL};
    for (size_t i = 0; i < j->stage_count; i++) {
        stream_stage *stage = &j->stages[i];
        uint64_t start = host_now_ns();
        wasm_trap_t *trap = service_plugin_session_call(stage->plugin, stage->session, stage->export_name, &input,
                                                        &output, j->request->request_id);
        if (j->pipeline)
            metrics_record_stage(e->metrics, j->pipeline->name, i, stage->plugin->name, host_now_ns() - start);
        int status = plugin_endpoint_status(trap);
        if (e->answered && status != 503) /* see plugin_endpoint_status */
            e->answered(e->answered_user, stage->plugin, status);
        wasm_byte_vec_delete(&previous);
        if (trap) {
            char message[768];
            plugin_endpoint_failure(stage->plugin, trap, message, sizeof message);
            wasm_trap_delete(trap);
            access_log_event(e->log, "error", stage->plugin->name, j->request->request_id, "stream record %llu: %s",
                             (unsigned long long)index, message);
            write_error(j, index, message, stage, i);
            return;
        }
        previous = output;
        input = output;
    }
    stream_write(j, input.data, input.size);
    if (input.size == 0 || input.data[input.size - 1] != '\n') /* a plugin that ends its lines itself */
        stream_write(j, "\n", 1);
    wasm_byte_vec_delete(&previous);
}

/* Adds `length` bytes to the record being gathered (those past max_record are skipped). */
static void record_append(stream_job *j, const char *data, size_t length)
{
    if (j->record_too_long || length == 0)
        return;
    if (j->record_length + length > j->target.max_record) {
        j->record_too_long = true;
        return;
    }
    if (j->record_length + length > j->record_capacity) {
        size_t capacity = j->record_capacity ? j->record_capacity : 4096;
        while (capacity < j->record_length + length)
            capacity *= 2;
        char *record = realloc(j->record, capacity);
        if (!record) {
            j->record_too_long = true; /* answered as too long: the stream goes on */
            return;
        }
        j->record = record;
        j->record_capacity = capacity;
    }
    memcpy(j->record + j->record_length, data, length);
    j->record_length += length;
}

static void record_end(stream_job *j)
{
    record_run(j, (const uint8_t *)j->record, j->record_length);
    j->record_length = 0;
    j->record_too_long = false;
}

/* Reads the body, runs each record as soon as its newline is in. */
static void stream_records(stream_job *j)
{
    char *buffer = malloc(READ_SIZE);
    long got = buffer ? 0 : -1;
    while (buffer && !j->aborted && !j->stopped && (got = server_stream_read(j->exchange, buffer, READ_SIZE)) > 0) {
        const char *p = buffer, *end = buffer + got;
        while (p < end && !j->aborted && !j->stopped) {
            const char *newline = memchr(p, '\n', (size_t)(end - p));
            record_append(j, p, (size_t)((newline ? newline : end) - p));
            if (!newline)
                break;
            record_end(j);
            p = newline + 1;
        }
    }
    if (got < 0)
        j->aborted = true;
    if (got == 0 && !j->aborted && !j->stopped && (j->record_length > 0 || j->record_too_long))
        record_end(j); /* the last record, without its newline */
    free(buffer);
}

static void stream_run(job *base)
{
    stream_job *j = (stream_job *)base;
    char message[768];
    int status = 200;
    if (j->target.pipeline && !(j->pipeline = pipeline_set_find(j->endpoints->pipelines, j->target.name))) {
        snprintf(message, sizeof message, "no pipeline '%s'", j->target.name);
        status = 404;
    }
    /* Fails only after a change between the headers and now: answered as the headers would have been. */
    if (status == 200)
        stages_open(j, message, sizeof message, &status);
    /* The head only: an error goes as the stream's only record. */
    http_response head;
    http_response_init(&head, status);
    http_response_add_header(&head, "content-type", status == 200 ? "application/octet-stream" : "application/json");
    http_response_add_header(&head, "x-request-id", j->request->request_id);
    server_stream_begin(j->exchange, &head);
    if (status != 200)
        write_error(j, 0, message, NULL, 0);
    else
        stream_records(j);
    stages_close(j); /* before the end: a client gone frees the instances at once */
    if (j->aborted)
        access_log_event(j->endpoints->log, "info", j->target.name, j->request->request_id,
                         "stream aborted by the client after %llu records; its instances are freed",
                         (unsigned long long)j->records);
    server_stream_end(j->exchange, false);
}

static void stream_finish(job *base)
{
    stream_job *j = (stream_job *)base;
    if (j->base.service)
        service_release(j->base.service);
    if (j->pipeline)
        pipeline_release(j->pipeline);
    free(j->record);
    free(j);
}

void stream_endpoint_request(plugin_endpoints *e, server_exchange *exchange, http_request *request)
{
    stream_job *j = calloc(1, sizeof *j);
    char message[512];
    if (!j || !parse_path(request->path, &j->target) ||
        !parse_query(request->query, &j->target, message, sizeof message)) {
        /* on_headers checked both: only memory can be short here */
        free(j);
        http_response head;
        http_response_init(&head, 503);
        server_stream_begin(exchange, &head);
        server_stream_end(exchange, true);
        return;
    }
    if (!j->target.pipeline)
        j->base.service = plugin_endpoint_find(e, j->target.name); /* its concurrency limit */
    j->base.run = stream_run;
    j->base.finish = stream_finish;
    j->endpoints = e;
    j->exchange = exchange;
    j->request = request;
    workers_submit(e->workers, &j->base);
}
