/* guest_capabilities.c: the wasmhost_capabilities host functions: arguments read from guest memory, results as codes, counts, metrics and logs. */
#include "guest_capabilities.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_log.h"
#include "host_clock.h"
#include "kv_store.h"
#include "metrics.h"
#include "wasmhost_results.h"

#define CHECK_RESULT_(name, value, label, meaning) _Static_assert(-(value) < METRICS_RESULTS, "codes run 0, -1, ...");
WH_RESULT_CODES(CHECK_RESULT_)
#undef CHECK_RESULT_

#define LEVEL_LABEL_(name, value, label) [value] = label,
static const char *const level_labels[] = {WH_LOG_LEVELS(LEVEL_LABEL_)};
#undef LEVEL_LABEL_

/* A request's outbound headers: at most this many, of at most this many bytes together. */
#define MAX_OUTBOUND_HEADERS 100
#define MAX_OUTBOUND_HEADER_BYTES (64u << 10)
#define MAX_URL_BYTES (8u << 10)

/* The guest's memory during one call. */
typedef struct guest_view {
    uint8_t *memory;
    size_t size;
} guest_view;

/* The guest's bytes [address, address + length), both unsigned; NULL when not all inside. */
static uint8_t *view_bytes(const guest_view *view, int32_t address, int32_t length)
{
    uint64_t start = (uint32_t)address, size = (uint32_t)length;
    if (start + size > view->size)
        return NULL;
    return view->memory ? view->memory + start : (uint8_t *)"";
}

static int32_t clamp_i32(size_t value) { return value > INT32_MAX ? INT32_MAX : (int32_t)value; }

/* The getter convention: copy up to `capacity` bytes, answer the full length. */
static int32_t give(const guest_view *view, int32_t buffer, int32_t capacity, const void *data, size_t length)
{
    uint8_t *out = view_bytes(view, buffer, capacity);
    if (!out)
        return WH_RESULT_BAD_POINTER;
    size_t copied = length < (uint32_t)capacity ? length : (uint32_t)capacity;
    if (copied)
        memcpy(out, data, copied);
    return clamp_i32(length);
}

static service_metrics *metrics_of(const capability_call *call) { return call->grants ? call->grants->metrics : NULL; }

static void log_event(const capability_call *call, const char *format, const char *detail)
{
    if (call->grants && call->grants->log)
        access_log_event(call->grants->log, "warn", call->grants->service, call->request_id, format, detail);
}

/* A blocking function on an event loop: stop the guest, run the request again on a worker. */
static bool must_leave_loop(capability_call *call)
{
    if (!call->on_loop)
        return false;
    call->needs_worker = true;
    return true;
}

/* ---- outbound HTTP ---- */

static bool token(const uint8_t *text, size_t length)
{
    if (length == 0)
        return false;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = text[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  (c && strchr("!#$%&'*+-.^_`|~", c));
        if (!ok)
            return false;
    }
    return true;
}

static bool plain_text(const uint8_t *text, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if ((text[i] < 0x20 && text[i] != '\t') || text[i] == 0x7f)
            return false;
    return true;
}

/* The guest's "Name: value\n" lines as "Name: value" strings (one allocation: *storage); a
 * WH_RESULT_* code. */
static int32_t split_headers(const uint8_t *text, size_t length, char ***lines, size_t *count, char **storage)
{
    *lines = NULL;
    *count = 0;
    *storage = NULL;
    if (length > MAX_OUTBOUND_HEADER_BYTES)
        return WH_RESULT_BAD_ARGUMENT;
    char **list = calloc(MAX_OUTBOUND_HEADERS, sizeof *list);
    char *copy = malloc(length + 1);
    if (!list || !copy) {
        free(list);
        free(copy);
        return WH_RESULT_RESOURCE;
    }
    *lines = list;
    *storage = copy;
    size_t used = 0;
    for (size_t start = 0; start < length;) {
        const uint8_t *newline = memchr(text + start, '\n', length - start);
        size_t end = newline ? (size_t)(newline - text) : length, stop = end;
        if (stop > start && text[stop - 1] == '\r')
            stop--;
        if (stop > start) {
            const uint8_t *colon = memchr(text + start, ':', stop - start);
            size_t name_length = colon ? (size_t)(colon - (text + start)) : 0;
            if (!colon || !token(text + start, name_length) || !plain_text(colon + 1, stop - start - name_length - 1) ||
                *count == MAX_OUTBOUND_HEADERS)
                return WH_RESULT_BAD_ARGUMENT;
            list[(*count)++] = copy + used;
            memcpy(copy + used, text + start, stop - start);
            used += stop - start;
            copy[used++] = '\0';
        }
        start = end + 1;
    }
    return WH_RESULT_OK;
}

static int32_t function_http_send(capability_call *call, const guest_view *view, const int32_t *args, bool *stop)
{
    const uint8_t *method = view_bytes(view, args[0], args[1]), *url = view_bytes(view, args[2], args[3]);
    const uint8_t *headers = view_bytes(view, args[4], args[5]), *body = view_bytes(view, args[6], args[7]);
    uint32_t method_length = (uint32_t)args[1], url_length = (uint32_t)args[3];
    int32_t result = WH_RESULT_OK;
    if (!method || !url || !headers || !body)
        result = WH_RESULT_BAD_POINTER;
    else if (method_length > 16 || !token(method, method_length))
        result = WH_RESULT_BAD_ARGUMENT;
    else if (url_length == 0 || url_length > MAX_URL_BYTES || !plain_text(url, url_length) ||
             memchr(url, '\t', url_length))
        result = WH_RESULT_BAD_URL;
    int slot = 0;
    while (slot < CAPABILITY_MAX_RESPONSES && call->responses[slot])
        slot++;
    if (result == WH_RESULT_OK && slot == CAPABILITY_MAX_RESPONSES)
        result = WH_RESULT_RESOURCE;
    char **lines = NULL, *storage = NULL;
    size_t line_count = 0;
    if (result == WH_RESULT_OK)
        result = split_headers(headers, (uint32_t)args[5], &lines, &line_count, &storage);
    if (result == WH_RESULT_OK && must_leave_loop(call)) {
        *stop = true;
        free(lines);
        free(storage);
        return 0;
    }
    outbound_response *response = NULL;
    char why[512] = "";
    if (result == WH_RESULT_OK) {
        char method_text[17], *url_text = malloc(url_length + 1);
        response = calloc(1, sizeof *response);
        if (!url_text || !response) {
            result = WH_RESULT_RESOURCE;
        } else {
            memcpy(method_text, method, method_length);
            method_text[method_length] = '\0';
            memcpy(url_text, url, url_length);
            url_text[url_length] = '\0';
            static const allow_list nothing;
            const capability_grants *grants = call->grants;
            outbound_request request = {method_text, url_text, (const char *const *)lines,
                                        line_count,  body,     (uint32_t)args[7]};
            result = outbound_send(grants ? &grants->outbound : &nothing, &request, call->deadline_ns,
                                   grants ? grants->max_outbound_response_bytes : OUTBOUND_DEFAULT_RESPONSE_BYTES,
                                   &call->outbound_left, response, why, sizeof why);
        }
        free(url_text);
    }
    free(lines);
    free(storage);
    metrics_record_outbound(metrics_of(call), result, response ? response->bytes_sent : 0,
                            response && result == WH_RESULT_OK ? response->body_length : 0);
    if (result != WH_RESULT_OK) {
        if (*why)
            log_event(call, "outbound HTTP refused or failed: %s", why);
        free(response);
        return result;
    }
    call->responses[slot] = response;
    return slot;
}

static outbound_response *response_of(capability_call *call, int32_t handle)
{
    return handle >= 0 && handle < CAPABILITY_MAX_RESPONSES ? call->responses[handle] : NULL;
}

static int32_t function_http_status(capability_call *call, const guest_view *view, const int32_t *args, bool *stop)
{
    (void)view, (void)stop;
    outbound_response *response = response_of(call, args[0]);
    return response ? response->status : WH_RESULT_NOT_FOUND;
}

static int32_t function_http_header(capability_call *call, const guest_view *view, const int32_t *args, bool *stop)
{
    (void)stop;
    outbound_response *response = response_of(call, args[0]);
    const uint8_t *name = view_bytes(view, args[1], args[2]);
    if (!name || !view_bytes(view, args[3], args[4]))
        return WH_RESULT_BAD_POINTER;
    const char *value;
    size_t value_length;
    if (!response || !outbound_response_header(response, (const char *)name, (uint32_t)args[2], &value, &value_length))
        return WH_RESULT_NOT_FOUND;
    return give(view, args[3], args[4], value, value_length);
}

static int32_t function_http_body_read(capability_call *call, const guest_view *view, const int32_t *args, bool *stop)
{
    (void)stop;
    outbound_response *response = response_of(call, args[0]);
    uint8_t *buffer = view_bytes(view, args[1], args[2]);
    if (!buffer)
        return WH_RESULT_BAD_POINTER;
    if (!response)
        return WH_RESULT_NOT_FOUND;
    size_t left = response->body_length - response->read_offset;
    size_t count = left < (uint32_t)args[2] ? left : (uint32_t)args[2];
    if (count > INT32_MAX)
        count = INT32_MAX;
    if (count)
        memcpy(buffer, response->body + response->read_offset, count);
    response->read_offset += count;
    return (int32_t)count;
}

static int32_t function_http_close(capability_call *call, const guest_view *view, const int32_t *args, bool *stop)
{
    (void)view, (void)stop;
    outbound_response *response = response_of(call, args[0]);
    if (!response)
        return WH_RESULT_NOT_FOUND;
    outbound_response_free(response);
    free(response);
    call->responses[args[0]] = NULL;
    return WH_RESULT_OK;
}

/* ---- key-value stores ---- */

static int32_t function_kv_open(capability_call *call, const guest_view *view, const int32_t *args, bool *stop)
{
    (void)stop;
    const uint8_t *name = view_bytes(view, args[0], args[1]);
    if (!name)
        return WH_RESULT_BAD_POINTER;
    for (size_t i = 0; call->grants && i < call->grants->store_count; i++)
        if (strlen(call->grants->stores[i]) == (uint32_t)args[1] &&
            memcmp(call->grants->stores[i], name, (uint32_t)args[1]) == 0)
            return (int32_t)i;
    return WH_RESULT_NOT_GRANTED;
}

/* The store of handle `store`, or NULL. */
static const char *store_of(const capability_call *call, int32_t store)
{
    return call->grants && store >= 0 && (size_t)store < call->grants->store_count ? call->grants->stores[store] : NULL;
}

/* The checks every operation on a key makes; WH_RESULT_OK with *key and *store set. */
static int32_t kv_arguments(capability_call *call, const guest_view *view, const int32_t *args, const char **store,
                            const uint8_t **key)
{
    *key = view_bytes(view, args[1], args[2]);
    *store = store_of(call, args[0]);
    size_t length = (uint32_t)args[2];
    if (!*key)
        return WH_RESULT_BAD_POINTER;
    if (!*store)
        return WH_RESULT_NOT_GRANTED;
    if (length == 0 || length > KV_MAX_KEY_BYTES)
        return WH_RESULT_KEY_TOO_LONG;
    if (memchr(*key, '\n', length) || memchr(*key, '\0', length))
        return WH_RESULT_BAD_ARGUMENT;
    return WH_RESULT_OK;
}

/* Counts the operation and logs why storage failed. */
static int32_t kv_done(capability_call *call, kv_operation operation, int32_t result, uint64_t read, uint64_t written)
{
    metrics_record_kv(metrics_of(call), operation, result, read, written);
    if (result == WH_RESULT_STORAGE_FAILED)
        log_event(call, "%s", kv_last_error());
    return result;
}

static int32_t function_kv_get(capability_call *call, const guest_view *view, const int32_t *args, bool *stop)
{
    const char *store;
    const uint8_t *key;
    int32_t result = kv_arguments(call, view, args, &store, &key);
    if (result == WH_RESULT_OK && !view_bytes(view, args[3], args[4]))
        result = WH_RESULT_BAD_POINTER;
    if (result != WH_RESULT_OK)
        return kv_done(call, KV_GET, result, 0, 0);
    if (must_leave_loop(call))
        return *stop = true, 0;
    uint8_t *value = NULL;
    size_t length = 0;
    result = kv_get(call->grants->kv, store, key, (uint32_t)args[2], &value, &length);
    if (result == WH_RESULT_OK)
        result = give(view, args[3], args[4], value, length);
    free(value);
    return kv_done(call, KV_GET, result, result >= 0 ? length : 0, 0);
}

static int32_t function_kv_set(capability_call *call, const guest_view *view, const int32_t *args, bool *stop)
{
    const char *store;
    const uint8_t *key, *value = view_bytes(view, args[3], args[4]);
    int32_t result = kv_arguments(call, view, args, &store, &key);
    if (result == WH_RESULT_OK && !value)
        result = WH_RESULT_BAD_POINTER;
    if (result != WH_RESULT_OK)
        return kv_done(call, KV_SET, result, 0, 0);
    if (must_leave_loop(call))
        return *stop = true, 0;
    result = kv_set(call->grants->kv, store, key, (uint32_t)args[2], value, (uint32_t)args[4]);
    return kv_done(call, KV_SET, result, 0, result == WH_RESULT_OK ? (uint32_t)args[4] : 0);
}

static int32_t function_kv_delete(capability_call *call, const guest_view *view, const int32_t *args, bool *stop)
{
    const char *store;
    const uint8_t *key;
    int32_t result = kv_arguments(call, view, args, &store, &key);
    if (result != WH_RESULT_OK)
        return kv_done(call, KV_DELETE, result, 0, 0);
    if (must_leave_loop(call))
        return *stop = true, 0;
    return kv_done(call, KV_DELETE, kv_delete(call->grants->kv, store, key, (uint32_t)args[2]), 0, 0);
}

static int32_t function_kv_exists(capability_call *call, const guest_view *view, const int32_t *args, bool *stop)
{
    const char *store;
    const uint8_t *key;
    int32_t result = kv_arguments(call, view, args, &store, &key);
    if (result != WH_RESULT_OK)
        return kv_done(call, KV_EXISTS, result, 0, 0);
    if (must_leave_loop(call))
        return *stop = true, 0;
    bool exists = false;
    result = kv_exists(call->grants->kv, store, key, (uint32_t)args[2], &exists);
    kv_done(call, KV_EXISTS, result, 0, 0);
    return result == WH_RESULT_OK ? exists : result;
}

static int32_t function_kv_list(capability_call *call, const guest_view *view, const int32_t *args, bool *stop)
{
    const uint8_t *prefix = view_bytes(view, args[1], args[2]);
    const char *store = store_of(call, args[0]);
    int32_t result = !prefix || !view_bytes(view, args[3], args[4]) ? WH_RESULT_BAD_POINTER
                     : !store                                       ? WH_RESULT_NOT_GRANTED
                                                                    : WH_RESULT_OK;
    if (result != WH_RESULT_OK)
        return kv_done(call, KV_LIST, result, 0, 0);
    if (must_leave_loop(call))
        return *stop = true, 0;
    uint8_t *keys = NULL;
    size_t length = 0;
    result = kv_list(call->grants->kv, store, prefix, (uint32_t)args[2], &keys, &length);
    if (result == WH_RESULT_OK)
        result = give(view, args[3], args[4], keys, length);
    free(keys);
    return kv_done(call, KV_LIST, result, result >= 0 ? length : 0, 0);
}

/* ---- variables and logs ---- */

static int32_t function_variable_get(capability_call *call, const guest_view *view, const int32_t *args, bool *stop)
{
    (void)stop;
    const uint8_t *name = view_bytes(view, args[0], args[1]);
    if (!name || !view_bytes(view, args[2], args[3]))
        return WH_RESULT_BAD_POINTER;
    for (size_t i = 0; call->grants && i < call->grants->variable_count; i++) {
        const capability_variable *variable = &call->grants->variables[i];
        if (strlen(variable->name) == (uint32_t)args[1] && memcmp(variable->name, name, (uint32_t)args[1]) == 0)
            return give(view, args[2], args[3], variable->value, strlen(variable->value));
    }
    return WH_RESULT_NOT_FOUND;
}

static int32_t function_log(capability_call *call, const guest_view *view, const int32_t *args, bool *stop)
{
    (void)stop;
    int32_t level = args[0];
    uint32_t length = (uint32_t)args[2];
    const uint8_t *message = view_bytes(view, args[1], args[2]);
    if (!message)
        return WH_RESULT_BAD_POINTER;
    if (level < 0 || level >= METRICS_LOG_LEVELS)
        return WH_RESULT_BAD_ARGUMENT;
    if (!call->grants)
        return WH_RESULT_NOT_GRANTED;
    if (call->log_lines >= CAPABILITY_LOG_LINES || length > CAPABILITY_LOG_BYTES - call->log_bytes) {
        metrics_record_guest_log(metrics_of(call), level, true);
        return WH_RESULT_RATE_LIMITED;
    }
    /* Kept as [level][length, 4 bytes][message] until the request ends. */
    size_t needed = call->pending_log_length + 5 + length;
    if (needed > call->pending_log_capacity) {
        size_t capacity = needed * 2;
        uint8_t *grown = realloc(call->pending_log, capacity);
        if (!grown)
            return WH_RESULT_RESOURCE;
        call->pending_log = grown;
        call->pending_log_capacity = capacity;
    }
    uint8_t *out = call->pending_log + call->pending_log_length;
    out[0] = (uint8_t)level;
    memcpy(out + 1, &length, 4);
    if (length)
        memcpy(out + 5, message, length);
    call->pending_log_length = needed;
    call->log_lines++;
    call->log_bytes += length;
    metrics_record_guest_log(metrics_of(call), level, false);
    return WH_RESULT_OK;
}

/* ---- the table ---- */

typedef int32_t (*capability_handler)(capability_call *call, const guest_view *view, const int32_t *args, bool *stop);

/* X(name, i32 parameters, handler): every function returns one i32. */
#define CAPABILITY_FUNCTIONS(X)                   \
    X(http_send, 8, function_http_send)           \
    X(http_status, 1, function_http_status)       \
    X(http_header, 5, function_http_header)       \
    X(http_body_read, 3, function_http_body_read) \
    X(http_close, 1, function_http_close)         \
    X(kv_open, 2, function_kv_open)               \
    X(kv_get, 5, function_kv_get)                 \
    X(kv_set, 5, function_kv_set)                 \
    X(kv_delete, 3, function_kv_delete)           \
    X(kv_exists, 3, function_kv_exists)           \
    X(kv_list, 5, function_kv_list)               \
    X(variable_get, 4, function_variable_get)     \
    X(log, 3, function_log)

#define CAPABILITY_ROW_(name, params, handler) {#name, params, handler},
static const struct capability_function {
    const char *name;
    size_t params;
    capability_handler handler;
} capability_functions[] = {CAPABILITY_FUNCTIONS(CAPABILITY_ROW_)};
#undef CAPABILITY_ROW_
#define CAPABILITY_FUNCTION_COUNT (int)(sizeof capability_functions / sizeof *capability_functions)

int capability_function_find(const char *name, size_t length)
{
    for (int i = 0; i < CAPABILITY_FUNCTION_COUNT; i++)
        if (strlen(capability_functions[i].name) == length && memcmp(capability_functions[i].name, name, length) == 0)
            return i;
    return -1;
}

const char *capability_function_name(int index) { return capability_functions[index].name; }

const char *capability_function_name_or_null(int index)
{
    return index >= 0 && index < CAPABILITY_FUNCTION_COUNT ? capability_functions[index].name : NULL;
}

size_t capability_function_params(int index) { return capability_functions[index].params; }

bool capability_function_run(int index, capability_call *call, uint8_t *memory, size_t memory_size, const int32_t *args,
                             int32_t *result)
{
    guest_view view = {memory, memory_size};
    bool stop = false;
    *result = capability_functions[index].handler(call, &view, args, &stop);
    return !stop;
}

/* ---- calls ---- */

void capability_call_start(capability_call *call, const capability_grants *grants, const char *request_id,
                           uint64_t timeout_ns, bool on_loop)
{
    memset(call, 0, sizeof *call);
    call->grants = grants;
    call->request_id = request_id;
    call->deadline_ns = timeout_ns ? host_now_ns() + timeout_ns : 0;
    call->on_loop = on_loop;
    call->outbound_left = grants ? grants->max_outbound_requests : 0;
}

void capability_call_finish(capability_call *call, bool keep_log)
{
    for (int i = 0; i < CAPABILITY_MAX_RESPONSES; i++)
        if (call->responses[i]) {
            outbound_response_free(call->responses[i]);
            free(call->responses[i]);
            call->responses[i] = NULL;
        }
    const capability_grants *grants = call->grants;
    for (size_t at = 0; keep_log && grants && grants->log && at < call->pending_log_length;) {
        uint8_t level = call->pending_log[at];
        uint32_t length;
        memcpy(&length, call->pending_log + at + 1, 4);
        access_log_guest_line(grants->log, level_labels[level], grants->service, grants->version, call->request_id,
                              (const char *)call->pending_log + at + 5, length);
        at += 5 + length;
    }
    free(call->pending_log);
    call->pending_log = NULL;
    call->pending_log_length = call->pending_log_capacity = 0;
}
