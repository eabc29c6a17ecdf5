/* guest_http.c: the native `http` ABI: wasmhost_http's host functions, resolving imports to them (once, in an instance pre, for modules without WASI), running "handle". */
#include "guest_capabilities.h"
#include "guest_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What one request's host functions work on (their env). */
typedef struct http_call {
    const guest_service *service;
    const http_request *request;
    const char *matched_route;
    http_response *response;
    wasm_store_t *store;
    wasm_memory_t *memory; /* NULL until the instance exists */
    size_t body_offset;    /* what body_read has given so far */
    uint64_t max_response_bytes;
    size_t header_bytes; /* names and values added so far */
    size_t logged;       /* bytes passed to the log through `log` */
    guest_log log;
    capability_call capabilities; /* the wasmhost_capabilities functions' state */
    bool malformed;               /* the response is not valid: answer 502 */
    char problem[256];            /* the first reason why */
} http_call;

/* ---- guest memory ---- */

static wasm_trap_t *call_trap(http_call *call, const char *format, ...) __attribute__((format(printf, 2, 3)));

static wasm_trap_t *call_trap(http_call *call, const char *format, ...)
{
    char text[300];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(text, sizeof text, format, arguments);
    va_end(arguments);
    wasm_message_t message;
    wasm_name_new_from_string_nt(&message, text);
    wasm_trap_t *trap = wasm_trap_new(call->store, &message);
    wasm_name_delete(&message);
    return trap;
}

/* The guest's bytes [address, address + length), both read as unsigned; NULL with *trap set when
 * they are not all inside its memory. */
static uint8_t *guest_bytes(http_call *call, const char *function, int32_t address, int32_t length, wasm_trap_t **trap)
{
    uint32_t start = (uint32_t)address, size = (uint32_t)length;
    if (!call->memory) {
        *trap =
            call_trap(call, "wasmhost_http.%s: called before the instance exists (from a start function?)", function);
        return NULL;
    }
    size_t memory_size = wasm_memory_data_size(call->memory);
    if ((uint64_t)start + size > memory_size) {
        *trap =
            call_trap(call, "wasmhost_http.%s: the buffer at %u of %u bytes is outside the guest's memory (%zu bytes)",
                      function, start, size, memory_size);
        return NULL;
    }
    return (uint8_t *)wasm_memory_data(call->memory) + start;
}

static int32_t clamp_i32(size_t value) { return value > INT32_MAX ? INT32_MAX : (int32_t)value; }

/* The getter convention: copies up to `capacity` bytes of `data` to the guest's buffer and
 * returns the whole length, so that a guest whose buffer was too small can ask again. */
static wasm_trap_t *give(http_call *call, const char *function, const wasm_val_t *buffer_arguments,
                         wasm_val_vec_t *results, const void *data, size_t length)
{
    wasm_trap_t *trap = NULL;
    uint32_t capacity = (uint32_t)buffer_arguments[1].of.i32;
    uint8_t *buffer = guest_bytes(call, function, buffer_arguments[0].of.i32, buffer_arguments[1].of.i32, &trap);
    if (!buffer)
        return trap;
    if (length)
        memcpy(buffer, data, length < capacity ? length : capacity);
    results->data[0].of.i32 = clamp_i32(length);
    return NULL;
}

static void mark_malformed(http_call *call, const char *format, ...) __attribute__((format(printf, 2, 3)));

static void mark_malformed(http_call *call, const char *format, ...)
{
    if (call->malformed)
        return; /* the first problem is the one to fix */
    call->malformed = true;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(call->problem, sizeof call->problem, format, arguments);
    va_end(arguments);
}

/* ---- the request ---- */

static wasm_trap_t *import_method(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    http_call *call = env;
    const char *method = call->request->method;
    return give(call, "method", args->data, results, method, strlen(method));
}

static wasm_trap_t *import_path(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    http_call *call = env;
    const char *path = call->request->path ? call->request->path : "/";
    return give(call, "path", args->data, results, path, strlen(path));
}

static wasm_trap_t *import_query(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    http_call *call = env;
    const char *query = call->request->query ? call->request->query : "";
    return give(call, "query", args->data, results, query, strlen(query));
}

static wasm_trap_t *import_route(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    http_call *call = env;
    const char *route = call->matched_route ? call->matched_route : "";
    return give(call, "route", args->data, results, route, strlen(route));
}

static wasm_trap_t *import_request_id(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    http_call *call = env;
    const char *id = call->request->request_id;
    return give(call, "request_id", args->data, results, id, strlen(id));
}

static wasm_trap_t *import_header(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    http_call *call = env;
    wasm_trap_t *trap = NULL;
    int32_t name_length = args->data[1].of.i32;
    const char *name = (const char *)guest_bytes(call, "header", args->data[0].of.i32, name_length, &trap);
    if (!name || !guest_bytes(call, "header", args->data[2].of.i32, args->data[3].of.i32, &trap))
        return trap;
    const http_request *request = call->request;
    for (size_t i = 0; i < request->header_count; i++) {
        const char *candidate = request->headers[i].name;
        if (strlen(candidate) == (uint32_t)name_length && strncasecmp(candidate, name, (uint32_t)name_length) == 0) {
            const char *value = request->headers[i].value;
            return give(call, "header", args->data + 2, results, value, strlen(value));
        }
    }
    results->data[0].of.i32 = -1;
    return NULL;
}

static wasm_trap_t *import_header_count(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args;
    http_call *call = env;
    results->data[0].of.i32 = clamp_i32(call->request->header_count);
    return NULL;
}

/* header_name and header_value: (index, buffer, capacity); -1 for an index past the last. */
static wasm_trap_t *give_header_part(http_call *call, const char *function, const wasm_val_vec_t *args,
                                     wasm_val_vec_t *results, bool value)
{
    wasm_trap_t *trap = NULL;
    if (!guest_bytes(call, function, args->data[1].of.i32, args->data[2].of.i32, &trap))
        return trap;
    uint32_t index = (uint32_t)args->data[0].of.i32;
    if (index >= call->request->header_count) {
        results->data[0].of.i32 = -1;
        return NULL;
    }
    const http_header *header = &call->request->headers[index];
    const char *text = value ? header->value : header->name;
    return give(call, function, args->data + 1, results, text, strlen(text));
}

static wasm_trap_t *import_header_name(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    return give_header_part(env, "header_name", args, results, false);
}

static wasm_trap_t *import_header_value(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    return give_header_part(env, "header_value", args, results, true);
}

static wasm_trap_t *import_body_length(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args;
    http_call *call = env;
    results->data[0].of.i32 = clamp_i32(call->request->body_length);
    return NULL;
}

static wasm_trap_t *import_body_read(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    http_call *call = env;
    wasm_trap_t *trap = NULL;
    uint8_t *buffer = guest_bytes(call, "body_read", args->data[0].of.i32, args->data[1].of.i32, &trap);
    if (!buffer)
        return trap;
    size_t remaining = call->request->body_length - call->body_offset;
    size_t count = remaining < (uint32_t)args->data[1].of.i32 ? remaining : (uint32_t)args->data[1].of.i32;
    if (count > INT32_MAX)
        count = INT32_MAX;
    if (count)
        memcpy(buffer, call->request->body + call->body_offset, count);
    call->body_offset += count;
    results->data[0].of.i32 = (int32_t)count;
    return NULL;
}

/* ---- the response ---- */

static wasm_trap_t *import_set_status(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)results;
    http_call *call = env;
    int32_t status = args->data[0].of.i32;
    if (status < 100 || status > 999)
        mark_malformed(call, "wasmhost_http.set_status(%d): a status is a number from 100 to 999", status);
    else
        call->response->status = status;
    return NULL;
}

static wasm_trap_t *import_add_header(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    http_call *call = env;
    wasm_trap_t *trap = NULL;
    uint32_t name_length = (uint32_t)args->data[1].of.i32, value_length = (uint32_t)args->data[3].of.i32;
    const char *name = (const char *)guest_bytes(call, "add_header", args->data[0].of.i32, args->data[1].of.i32, &trap);
    const char *value =
        name ? (const char *)guest_bytes(call, "add_header", args->data[2].of.i32, args->data[3].of.i32, &trap) : NULL;
    if (!value)
        return trap;
    results->data[0].of.i32 = -1;
    if (!guest_header_name_valid(name, name_length)) {
        mark_malformed(call,
                       "wasmhost_http.add_header: \"%.*s\" is not a header name (letters, digits and !#$%%&'*+-.^_`|~)",
                       (int)(name_length > 64 ? 64 : name_length), name);
        return NULL;
    }
    if (!guest_header_value_valid(value, value_length)) {
        mark_malformed(call, "wasmhost_http.add_header: the value of \"%.*s\" holds a control character (CR, LF, ...)",
                       (int)(name_length > 64 ? 64 : name_length), name);
        return NULL;
    }
    if (call->response->header_count >= GUEST_MAX_RESPONSE_HEADERS ||
        (uint64_t)call->header_bytes + name_length + value_length > GUEST_MAX_RESPONSE_HEADER_BYTES) {
        mark_malformed(call, "wasmhost_http.add_header: more than %d headers or %u bytes of headers",
                       GUEST_MAX_RESPONSE_HEADERS, GUEST_MAX_RESPONSE_HEADER_BYTES);
        return NULL;
    }
    if (!guest_response_add_header(call->response, name, name_length, value, value_length))
        return call_trap(call, "wasmhost_http.add_header: out of memory");
    call->header_bytes += name_length + value_length;
    results->data[0].of.i32 = 0;
    return NULL;
}

static wasm_trap_t *import_write(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    http_call *call = env;
    wasm_trap_t *trap = NULL;
    uint32_t length = (uint32_t)args->data[1].of.i32;
    const uint8_t *data = guest_bytes(call, "write", args->data[0].of.i32, args->data[1].of.i32, &trap);
    if (!data)
        return trap;
    if ((uint64_t)call->response->body_length + length > call->max_response_bytes) {
        mark_malformed(call, "wasmhost_http.write: the body would pass the service's limit of %llu bytes",
                       (unsigned long long)call->max_response_bytes);
        results->data[0].of.i32 = -1;
        return NULL;
    }
    if (!http_response_append(call->response, data, length))
        return call_trap(call, "wasmhost_http.write: out of memory");
    results->data[0].of.i32 = 0;
    return NULL;
}

static wasm_trap_t *import_log(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)results;
    http_call *call = env;
    wasm_trap_t *trap = NULL;
    uint32_t length = (uint32_t)args->data[1].of.i32;
    const uint8_t *data = guest_bytes(call, "log", args->data[0].of.i32, args->data[1].of.i32, &trap);
    if (!data)
        return trap;
    if (length > GUEST_LOG_LIMIT_BYTES - call->logged)
        length = (uint32_t)(GUEST_LOG_LIMIT_BYTES - call->logged);
    call->logged += length;
    guest_log_write(&call->log, 2, data, length);
    return NULL;
}

/* ---- wasmhost_capabilities (guest_capabilities.c), shared with plugins ---- */

/* One import of a wasmhost_capabilities function: which, for which request. */
typedef struct capability_binding {
    http_call *call;
    int function;
} capability_binding;

static wasm_trap_t *import_capability(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    capability_binding *binding = env;
    http_call *call = binding->call;
    if (!call->memory)
        return call_trap(call, CAPABILITY_MODULE ".%s: called before the instance exists (from a start function?)",
                         capability_function_name(binding->function));
    int32_t values[8] = {0};
    for (size_t i = 0; i < args->size && i < 8; i++)
        values[i] = args->data[i].of.i32;
    if (!capability_function_run(binding->function, &call->capabilities, (uint8_t *)wasm_memory_data(call->memory),
                                 wasm_memory_data_size(call->memory), values, &results->data[0].of.i32))
        return call_trap(call, CAPABILITY_MODULE ".%s blocks: the request moves to a worker thread",
                         capability_function_name(binding->function));
    return NULL;
}

/* The type of each capability function: all i32, one result, made once (not tied to a store). */
static wasm_functype_t *capability_types[9]; /* by parameter count */
static pthread_once_t capability_types_once = PTHREAD_ONCE_INIT;

static void valtypes_i32(wasm_valtype_vec_t *out, size_t count);

static void make_capability_types(void)
{
    for (size_t i = 0; i < sizeof capability_types / sizeof *capability_types; i++) {
        wasm_valtype_vec_t params, results;
        valtypes_i32(&params, i);
        valtypes_i32(&results, 1);
        capability_types[i] = wasm_functype_new(&params, &results);
    }
}

/* ---- the import table ---- */

/* The function types the imports use, as parameter and result kinds ("ii" -> "i"). */
typedef enum http_signature {
    SIGNATURE_BUFFER,         /* (i32 buffer, i32 capacity) -> i32, also (ptr, len) -> i32 */
    SIGNATURE_TWO_BUFFERS,    /* (i32, i32, i32, i32) -> i32 */
    SIGNATURE_COUNT,          /* () -> i32 */
    SIGNATURE_INDEXED_BUFFER, /* (i32 index, i32 buffer, i32 capacity) -> i32 */
    SIGNATURE_CODE,           /* (i32) -> () */
    SIGNATURE_BYTES,          /* (i32 ptr, i32 len) -> () */
    SIGNATURE_KINDS,
} http_signature;

static const struct {
    const char *params, *results;
} signature_shapes[SIGNATURE_KINDS] = {
    [SIGNATURE_BUFFER] = {"ii", "i"}, [SIGNATURE_TWO_BUFFERS] = {"iiii", "i"},
    [SIGNATURE_COUNT] = {"", "i"},    [SIGNATURE_INDEXED_BUFFER] = {"iii", "i"},
    [SIGNATURE_CODE] = {"i", ""},     [SIGNATURE_BYTES] = {"ii", ""},
};

static const struct http_import {
    const char *name;
    http_signature signature;
    wasm_func_callback_with_env_t callback;
} http_imports[] = {
    {"method", SIGNATURE_BUFFER, import_method},
    {"path", SIGNATURE_BUFFER, import_path},
    {"query", SIGNATURE_BUFFER, import_query},
    {"route", SIGNATURE_BUFFER, import_route},
    {"request_id", SIGNATURE_BUFFER, import_request_id},
    {"header", SIGNATURE_TWO_BUFFERS, import_header},
    {"header_count", SIGNATURE_COUNT, import_header_count},
    {"header_name", SIGNATURE_INDEXED_BUFFER, import_header_name},
    {"header_value", SIGNATURE_INDEXED_BUFFER, import_header_value},
    {"body_length", SIGNATURE_COUNT, import_body_length},
    {"body_read", SIGNATURE_BUFFER, import_body_read},
    {"set_status", SIGNATURE_CODE, import_set_status},
    {"add_header", SIGNATURE_TWO_BUFFERS, import_add_header},
    {"write", SIGNATURE_BUFFER, import_write},
    {"log", SIGNATURE_BYTES, import_log},
};
#define HTTP_IMPORT_COUNT (sizeof http_imports / sizeof *http_imports)

/* Function types are not tied to a store: made once, then only read (by every thread). */
static wasm_functype_t *signature_types[SIGNATURE_KINDS];
static pthread_once_t signature_types_once = PTHREAD_ONCE_INIT;

static void valtypes_i32(wasm_valtype_vec_t *out, size_t count)
{
    wasm_valtype_vec_new_uninitialized(out, count);
    for (size_t i = 0; i < out->size; i++)
        out->data[i] = wasm_valtype_new_i32();
}

static void make_signature_types(void)
{
    for (int i = 0; i < SIGNATURE_KINDS; i++) {
        wasm_valtype_vec_t params, results;
        valtypes_i32(&params, strlen(signature_shapes[i].params));
        valtypes_i32(&results, strlen(signature_shapes[i].results));
        signature_types[i] = wasm_functype_new(&params, &results);
    }
}

static bool signature_matches(http_signature signature, const wasm_functype_t *type)
{
    const wasm_valtype_vec_t *params = wasm_functype_params(type), *results = wasm_functype_results(type);
    if (params->size != strlen(signature_shapes[signature].params) ||
        results->size != strlen(signature_shapes[signature].results))
        return false;
    for (size_t i = 0; i < params->size; i++)
        if (wasm_valtype_kind(params->data[i]) != WASM_I32)
            return false;
    for (size_t i = 0; i < results->size; i++)
        if (wasm_valtype_kind(results->data[i]) != WASM_I32)
            return false;
    return true;
}

/* All i32: `params` parameters and one result. */
static bool capability_signature_matches(size_t params, const wasm_functype_t *type)
{
    const wasm_valtype_vec_t *have = wasm_functype_params(type), *results = wasm_functype_results(type);
    if (have->size != params || results->size != 1 || wasm_valtype_kind(results->data[0]) != WASM_I32)
        return false;
    for (size_t i = 0; i < have->size; i++)
        if (wasm_valtype_kind(have->data[i]) != WASM_I32)
            return false;
    return true;
}

/* "func [i32 i32] -> [i32]" */
static bool name_is(const wasm_name_t *name, const char *text)
{
    size_t length = strlen(text);
    return name->size == length && memcmp(name->data, text, length) == 0;
}

static int name_length_for_message(const wasm_name_t *name) { return name->size > 64 ? 64 : (int)name->size; }

static bool check_exports(const wasm_module_t *module, guest_plan *plan, char *error, size_t error_size)
{
    wasm_exporttype_vec_t exports;
    wasm_module_exports(module, &exports);
    bool has_handle = false, has_memory = false, fits = true;
    for (size_t i = 0; i < exports.size && fits; i++) {
        const wasm_name_t *name = wasm_exporttype_name(exports.data[i]);
        const wasm_externtype_t *type = wasm_exporttype_type(exports.data[i]);
        if (name_is(name, "handle")) {
            has_handle = true;
            if (!guest_func_without_values(type)) {
                snprintf(error, error_size,
                         "the http ABI needs the export \"handle\" to be a function [] -> [] "
                         "(it sets the status through wasmhost_http.set_status)");
                fits = false;
            }
        } else if (name_is(name, "memory")) {
            has_memory = wasm_externtype_kind(type) == WASM_EXTERN_MEMORY;
        } else if (name_is(name, "_initialize")) {
            plan->has_initialize = guest_func_without_values(type);
        }
    }
    wasm_exporttype_vec_delete(&exports);
    if (fits && !has_handle) {
        snprintf(error, error_size,
                 "the http ABI needs an export \"handle\" (a function [] -> []); the module has "
                 "none (C: WASMHOST_HTTP_HANDLER(function) from sdk/c/wasmhost_http.h)");
        fits = false;
    }
    if (fits && !has_memory) {
        snprintf(error, error_size, "the http ABI needs the module to export its memory as \"memory\"");
        fits = false;
    }
    return fits;
}

bool guest_http_plan(const wasm_module_t *module, guest_plan *plan, char *error, size_t error_size)
{
    pthread_once(&signature_types_once, make_signature_types);
    plan->abi = GUEST_ABI_HTTP;
    wasm_importtype_vec_t imports;
    wasm_module_imports(module, &imports);
    plan->import_count = imports.size;
    plan->imports = calloc(imports.size ? imports.size : 1, sizeof *plan->imports);
    bool fits = plan->imports != NULL;
    if (!fits)
        snprintf(error, error_size, "out of memory");
    for (size_t i = 0; i < imports.size && fits; i++) {
        const wasm_name_t *module_name = wasm_importtype_module(imports.data[i]);
        const wasm_name_t *name = wasm_importtype_name(imports.data[i]);
        const wasm_externtype_t *type = wasm_importtype_type(imports.data[i]);
        const wasm_functype_t *func = wasm_externtype_as_functype_const(type);
        if (name_is(module_name, "wasi_snapshot_preview1")) {
            plan->imports[i] = GUEST_IMPORT_WASI;
            plan->uses_wasi = true;
            continue;
        }
        if (name_is(module_name, CAPABILITY_MODULE)) {
            int function = capability_function_find(name->data, name->size);
            if (function < 0) {
                snprintf(error, error_size,
                         "import \"" CAPABILITY_MODULE "\".\"%.*s\": " CAPABILITY_MODULE
                         " has no function of that name (see docs/abi.md)",
                         name_length_for_message(name), name->data);
                fits = false;
            } else if (!func || !capability_signature_matches(capability_function_params(function), func)) {
                char expected[64];
                pthread_once(&capability_types_once, make_capability_types);
                wh_functype_format(capability_types[capability_function_params(function)], expected, sizeof expected);
                snprintf(error, error_size, "import \"" CAPABILITY_MODULE "\".\"%s\": must be a %s",
                         capability_function_name(function), expected);
                fits = false;
            } else {
                plan->imports[i] = GUEST_IMPORT_CAPABILITY + function;
                plan->capability_imports++;
            }
            continue;
        }
        if (!name_is(module_name, "wasmhost_http")) {
            snprintf(error, error_size,
                     "import \"%.*s\".\"%.*s\": an http-ABI module may import only from "
                     "\"wasmhost_http\", \"" CAPABILITY_MODULE "\" and \"wasi_snapshot_preview1\"",
                     name_length_for_message(module_name), module_name->data, name_length_for_message(name),
                     name->data);
            fits = false;
            break;
        }
        size_t k = 0;
        while (k < HTTP_IMPORT_COUNT && !name_is(name, http_imports[k].name))
            k++;
        if (k == HTTP_IMPORT_COUNT) {
            snprintf(error, error_size,
                     "import \"wasmhost_http\".\"%.*s\": wasmhost_http has no function of that name "
                     "(see docs/abi.md)",
                     name_length_for_message(name), name->data);
            fits = false;
        } else if (!func || !signature_matches(http_imports[k].signature, func)) {
            char expected[64];
            wh_functype_format(signature_types[http_imports[k].signature], expected, sizeof expected);
            snprintf(error, error_size, "import \"wasmhost_http\".\"%s\": must be a %s", http_imports[k].name,
                     expected);
            fits = false;
        } else {
            plan->imports[i] = (int)k;
        }
    }
    wasm_importtype_vec_delete(&imports);
    return fits && check_exports(module, plan, error, error_size);
}

/* ---- a request ---- */

/* Calls an export [] -> []; NULL or the trap. */
static wasm_trap_t *call_export(wasm_instance_t *instance, const char *name)
{
    wasm_extern_t *export = wh_instance_export(instance, name);
    wasm_func_t *func = wasm_extern_as_func(export);
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    wasm_trap_t *trap = func ? wasm_func_call(func, &none, &none) : NULL;
    wasm_extern_delete(export);
    return trap;
}

/* Fills the non-WASI imports with this request's host functions (WASI's are in place already). */
static bool link_imports(const guest_plan *plan, http_call *call, capability_binding *bindings, wasm_store_t *store,
                         wasm_extern_vec_t *imports, guest_outcome *outcome)
{
    if (imports->size != plan->import_count) {
        guest_outcome_set(outcome, GUEST_INSTANTIATE, "out of memory linking the module");
        return false;
    }
    for (size_t i = 0, bound = 0; i < plan->import_count; i++) {
        if (plan->imports[i] == GUEST_IMPORT_WASI)
            continue;
        if (plan->imports[i] >= GUEST_IMPORT_CAPABILITY) {
            capability_binding *binding = &bindings[bound++];
            *binding = (capability_binding){call, plan->imports[i] - GUEST_IMPORT_CAPABILITY};
            wasm_func_t *func =
                wasm_func_new_with_env(store, capability_types[capability_function_params(binding->function)],
                                       import_capability, binding, NULL);
            if (!func) {
                guest_outcome_set(outcome, GUEST_INSTANTIATE, "cannot make " CAPABILITY_MODULE ".%s: %s",
                                  capability_function_name(binding->function), wh_last_error_message());
                return false;
            }
            imports->data[i] = wasm_func_as_extern(func);
            continue;
        }
        const struct http_import *import = &http_imports[plan->imports[i]];
        wasm_func_t *func =
            wasm_func_new_with_env(store, signature_types[import->signature], import->callback, call, NULL);
        if (!func) {
            guest_outcome_set(outcome, GUEST_INSTANTIATE, "cannot make wasmhost_http.%s: %s", import->name,
                              wh_last_error_message());
            return false;
        }
        imports->data[i] = wasm_func_as_extern(func);
    }
    return true;
}

wh_instance_pre_t *guest_http_pre_new(const wasm_module_t *module, const guest_plan *plan)
{
    if (plan->uses_wasi)
        return NULL;
    wasm_func_callback_with_env_t *callbacks = calloc(plan->import_count + 1, sizeof *callbacks);
    if (!callbacks)
        return NULL;
    for (size_t i = 0; i < plan->import_count; i++)
        callbacks[i] =
            plan->imports[i] >= GUEST_IMPORT_CAPABILITY ? import_capability : http_imports[plan->imports[i]].callback;
    wh_instance_pre_t *pre = wh_instance_pre_new(module, callbacks, plan->import_count);
    free(callbacks);
    return pre;
}

/* The instance from the plan's pre: each import's env is this request's call, or for a
 * capability its binding. */
static wasm_instance_t *instantiate_pre(const guest_plan *plan, http_call *call, capability_binding *bindings,
                                        wasm_store_t *store, wasm_trap_t **trap)
{
    void *inline_envs[32];
    void **envs = plan->import_count <= 32 ? inline_envs : calloc(plan->import_count, sizeof *envs);
    if (!envs)
        return NULL;
    for (size_t i = 0, bound = 0; i < plan->import_count; i++) {
        if (plan->imports[i] >= GUEST_IMPORT_CAPABILITY) {
            bindings[bound] = (capability_binding){call, plan->imports[i] - GUEST_IMPORT_CAPABILITY};
            envs[i] = &bindings[bound++];
        } else {
            envs[i] = call;
        }
    }
    wasm_instance_t *instance = wh_instance_pre_instantiate(plan->pre, store, envs, trap);
    if (envs != inline_envs)
        free(envs);
    return instance;
}

void guest_http_handle(const guest_service *service, const guest_plan *plan, const char *matched_route,
                       const http_request *request, http_response *response, guest_outcome *outcome)
{
    pthread_once(&signature_types_once, make_signature_types);
    pthread_once(&capability_types_once, make_capability_types);
    wasm_store_t *store = guest_store_new(service, outcome);
    if (!store)
        return;
    capability_binding *bindings = NULL;
    http_call call = {
        .service = service,
        .request = request,
        .matched_route = matched_route,
        .response = response,
        .store = store,
        .max_response_bytes = guest_max_response_bytes(service),
        .log = {service, request->request_id},
    };
    /* The deadline of the capabilities' calls is the store's, set just before. */
    capability_call_start(&call.capabilities, service->grants, request->request_id, service->timeout_ns,
                          service->on_loop);
    wh_wasi_t *wasi = NULL;
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    wasm_instance_t *instance = NULL;
    wasm_extern_t *memory = NULL;
    wasm_trap_t *trap = NULL;

    if (plan->capability_imports && !(bindings = calloc(plan->capability_imports, sizeof *bindings))) {
        guest_outcome_set(outcome, GUEST_INSTANTIATE, "out of memory linking the module");
        goto done;
    }
    if (plan->pre) {
        instance = instantiate_pre(plan, &call, bindings, store, &trap);
    } else {
        /* WASI only for modules that import it: most http guests do not (and have a pre). */
        if (plan->uses_wasi) {
            wasi = guest_wasi_new(service, &call.log, NULL, NULL, outcome);
            if (!wasi)
                goto done;
            if (!wh_wasi_output_callback(wasi, 1, guest_log_write, &call.log) ||
                !wh_wasi_output_limit(wasi, 1, GUEST_LOG_LIMIT_BYTES) ||
                !wh_wasi_imports(wasi, store, service->module, &imports)) {
                guest_outcome_set(outcome, GUEST_INSTANTIATE, "cannot set up WASI: %s", wh_last_error_message());
                goto done;
            }
        } else {
            wasm_extern_vec_new_uninitialized(&imports, plan->import_count);
            if (imports.size)
                memset(imports.data, 0, imports.size * sizeof *imports.data);
        }
        if (!link_imports(plan, &call, bindings, store, &imports, outcome))
            goto done;
        instance = wasm_instance_new(store, service->module, &imports, &trap);
    }
    if (!instance) {
        guest_outcome_from_instantiation(outcome, service, store, trap);
        goto done;
    }
    memory = wh_instance_export(instance, "memory");
    call.memory = wasm_extern_as_memory(memory);
    if (wasi && !wh_wasi_bind(wasi, instance)) {
        guest_outcome_set(outcome, GUEST_INSTANTIATE, "cannot bind WASI: %s", wh_last_error_message());
        goto done;
    }
    /* A WASI reactor (wasi-libc with -mexec-model=reactor) runs its constructors first. */
    if (plan->has_initialize)
        trap = call_export(instance, "_initialize");
    if (!trap)
        trap = call_export(instance, "handle");

    int exit_code = 0;
    if (trap && call.capabilities.needs_worker) {
        guest_outcome_set(outcome, GUEST_NEEDS_WORKER, "a capability that blocks was called on an event loop");
    } else if (trap && wh_trap_exit_code(trap, &exit_code)) {
        if (exit_code != 0)
            guest_outcome_set(outcome, GUEST_TRAP, "the guest called proc_exit(%d) while handling the request",
                              exit_code);
    } else if (trap) {
        guest_outcome_from_trap(outcome, service, store, trap);
    }
    if (outcome->kind == GUEST_OK && call.malformed)
        guest_outcome_set(outcome, GUEST_BAD_RESPONSE, "%s", call.problem);

done:
    /* A run on a loop that stops (its budget, or a capability that blocks) runs again: its lines
     * would be logged twice. */
    capability_call_finish(&call.capabilities, !(service->on_loop && (outcome->kind == GUEST_TIMEOUT ||
                                                                      outcome->kind == GUEST_NEEDS_WORKER)));
    if (service->fuel)
        wh_store_fuel_consumed(store, &outcome->fuel_consumed);
    wasm_trap_delete(trap);
    wasm_extern_delete(memory);
    wasm_instance_delete(instance);
    wasm_extern_vec_delete(&imports);
    wh_wasi_delete(wasi);
    wasm_store_delete(store);
    free(bindings); /* after the store, whose functions point at them */
}
