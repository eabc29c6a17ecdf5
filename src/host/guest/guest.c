/* guest.c: requests in fresh instances: ABI dispatch, plans, stores with service limits, WASI set-up, outcomes. */
#include "guest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- requests ---- */

static int outcome_status(guest_outcome_kind kind)
{
    switch (kind) {
    case GUEST_OK: return 200;
    case GUEST_TIMEOUT: return 504;
    case GUEST_BAD_RESPONSE: return 502;
    case GUEST_NEEDS_WORKER:
    case GUEST_CAPACITY: return 503;
    default: return 500;
    }
}

void guest_handle(const guest_service *service, const char *matched_route, const http_request *request,
                  http_response *response, guest_outcome *outcome)
{
    memset(outcome, 0, sizeof *outcome);
    outcome->kind = GUEST_OK;
    if (service->abi == GUEST_ABI_WAGI) {
        guest_wagi_handle(service, matched_route, request, response, outcome);
    } else {
        /* Without a plan made at load time, make one for this request (slower, same result). */
        const guest_plan *plan = service->plan;
        guest_plan temporary = {0};
        char error[sizeof outcome->message];
        if (plan && plan->abi == GUEST_ABI_HTTP)
            guest_http_handle(service, plan, matched_route, request, response, outcome);
        else if (guest_http_plan(service->module, &temporary, error, sizeof error))
            guest_http_handle(service, &temporary, matched_route, request, response, outcome);
        else
            guest_outcome_set(outcome, GUEST_INSTANTIATE, "%s", error);
        free(temporary.imports);
    }
    if (outcome->kind != GUEST_OK) {
        /* Whatever the guest wrote before failing is not sent. */
        http_response_free(response);
        http_response_init(response, outcome_status(outcome->kind));
    }
}

/* ---- checks and plans ---- */

bool guest_check_module(guest_abi abi, const wasm_module_t *module, char *error, size_t error_size)
{
    if (!module) {
        snprintf(error, error_size, "no module");
        return false;
    }
    if (abi == GUEST_ABI_WAGI)
        return guest_wagi_check(module, error, error_size);
    guest_plan plan = {0};
    bool fits = guest_http_plan(module, &plan, error, error_size);
    free(plan.imports);
    return fits;
}

bool guest_func_without_values(const wasm_externtype_t *type)
{
    const wasm_functype_t *func = wasm_externtype_as_functype_const(type);
    return func && wasm_functype_params(func)->size == 0 && wasm_functype_results(func)->size == 0;
}

/* Links the module's WASI imports in a scratch store, so that a WASI function wasmhost does not
 * have is reported now rather than on every request. */
static bool trial_link_wasi(wasm_engine_t *engine, const wasm_module_t *module, char *error, size_t error_size)
{
    wasm_store_t *store = wasm_store_new(engine);
    wh_wasi_t *wasi = wh_wasi_new();
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    bool linked = store && wasi && wh_wasi_imports(wasi, store, module, &imports);
    if (!linked)
        snprintf(error, error_size, "cannot link the module's WASI imports: %s", wh_last_error_message());
    wasm_extern_vec_delete(&imports);
    wh_wasi_delete(wasi);
    wasm_store_delete(store);
    return linked;
}

guest_plan *guest_plan_new(guest_abi abi, wasm_engine_t *engine, const wasm_module_t *module, char *error,
                           size_t error_size)
{
    if (!engine || !module) {
        snprintf(error, error_size, "no %s", engine ? "module" : "engine");
        return NULL;
    }
    guest_plan *plan = calloc(1, sizeof *plan);
    if (!plan) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    plan->abi = abi;
    bool fits = abi == GUEST_ABI_WAGI ? guest_wagi_check(module, error, error_size)
                                      : guest_http_plan(module, plan, error, error_size);
    if (fits && (abi == GUEST_ABI_WAGI || plan->uses_wasi))
        fits = trial_link_wasi(engine, module, error, error_size);
    if (!fits) {
        guest_plan_delete(plan);
        return NULL;
    }
    if (abi == GUEST_ABI_HTTP)
        plan->pre = guest_http_pre_new(module, plan);
    return plan;
}

void guest_plan_delete(guest_plan *plan)
{
    if (!plan)
        return;
    free(plan->imports);
    wh_instance_pre_delete(plan->pre);
    free(plan);
}

/* ---- stores and WASI ---- */

uint64_t guest_max_response_bytes(const guest_service *service)
{
    return service->max_response_bytes ? service->max_response_bytes : GUEST_DEFAULT_MAX_RESPONSE_BYTES;
}

wasm_store_t *guest_store_new(const guest_service *service, guest_outcome *outcome)
{
    wasm_store_t *store = wasm_store_new(service->engine);
    if (!store) {
        guest_outcome_set(outcome, GUEST_INSTANTIATE, "cannot make a store: %s", wh_last_error_message());
        return NULL;
    }
    const char *failed = NULL;
    if (service->max_memory_bytes) {
        wh_limits_t limits;
        wh_store_limits(store, &limits);
        limits.max_memory_bytes = service->max_memory_bytes;
        if (!wh_store_set_limits(store, &limits))
            failed = "memory cap";
    }
    /* The deadline counts from here: it covers instantiation (start functions) and the call. */
    if (!failed && service->timeout_ns && !wh_store_set_deadline(store, service->timeout_ns))
        failed = "timeout";
    if (!failed && service->fuel && !wh_store_set_fuel(store, service->fuel))
        failed = "fuel";
    if (failed) {
        guest_outcome_set(outcome, GUEST_INSTANTIATE, "cannot apply the service's %s: %s", failed,
                          wh_last_error_message());
        wasm_store_delete(store);
        return NULL;
    }
    return store;
}

ptrdiff_t guest_log_write(void *guest_log_pointer, int fd, const uint8_t *data, size_t size)
{
    (void)fd;
    const guest_log *log = guest_log_pointer;
    if (log->service->log_stderr && size)
        log->service->log_stderr(log->service->log_user, log->service->name, log->request_id, data, size);
    return (ptrdiff_t)size;
}

wh_wasi_t *guest_wasi_new(const guest_service *service, guest_log *log,
                          bool (*skip_env)(const char *name, size_t name_length, const void *user), const void *user,
                          guest_outcome *outcome)
{
    wh_wasi_t *wasi = wh_wasi_new();
    bool ready = wasi != NULL;
    for (size_t i = 0; ready && i < service->env_count; i++) {
        const char *name = service->env_names[i];
        if (!(skip_env && skip_env(name, strlen(name), user)))
            ready = wh_wasi_add_env(wasi, name, service->env_values[i]);
    }
    for (size_t i = 0; ready && i < service->dir_count; i++)
        ready = wh_wasi_preopen_dir(wasi, service->dir_host_paths[i], service->dir_guest_paths[i], true);
    ready = ready && wh_wasi_output_callback(wasi, 2, guest_log_write, log) &&
            wh_wasi_output_limit(wasi, 2, GUEST_LOG_LIMIT_BYTES);
    if (!ready) {
        guest_outcome_set(outcome, GUEST_INSTANTIATE, "cannot set up WASI: %s",
                          wasi ? wh_last_error_message() : "out of memory");
        wh_wasi_delete(wasi);
        return NULL;
    }
    return wasi;
}

/* ---- outcomes ---- */

void guest_outcome_set(guest_outcome *outcome, guest_outcome_kind kind, const char *format, ...)
{
    outcome->kind = kind;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(outcome->message, sizeof outcome->message, format, arguments);
    va_end(arguments);
}

void guest_outcome_from_trap(guest_outcome *outcome, const guest_service *service, wasm_store_t *store,
                             const wasm_trap_t *trap)
{
    wasm_byte_vec_t text = WASM_EMPTY_VEC;
    wh_trap_format(trap, &text);
    int length = text.data ? (int)strnlen(text.data, text.size < 480 ? text.size : 480) : 0;
    uint64_t limit = 0;
    switch (wh_trap_code(trap)) {
    case WH_TRAP_CODE_DEADLINE_EXCEEDED:
    case WH_TRAP_CODE_INTERRUPTED:
        guest_outcome_set(outcome, GUEST_TIMEOUT, "the request ran past its timeout of %llu ms\n%.*s",
                          (unsigned long long)(service->timeout_ns / 1000000), length, text.data);
        break;
    case WH_TRAP_CODE_FUEL_EXHAUSTED:
        guest_outcome_set(outcome, GUEST_FUEL, "the request used all its fuel (%llu units)\n%.*s",
                          (unsigned long long)service->fuel, length, text.data);
        break;
    default:
        /* A refused memory.grow does not trap: the guest fails later in its own way (malloc
         * returns NULL, then abort), so a trap after the store met its cap is put down to it. */
        if (wh_store_last_limit(store, &limit) == WH_LIMIT_KIND_MEMORY)
            guest_outcome_set(outcome, GUEST_MEMORY, "the guest reached its memory cap of %llu bytes\n%.*s",
                              (unsigned long long)limit, length, text.data);
        else
            guest_outcome_set(outcome, GUEST_TRAP, "%.*s", length, text.data);
        break;
    }
    wasm_byte_vec_delete(&text);
}

void guest_outcome_from_instantiation(guest_outcome *outcome, const guest_service *service, wasm_store_t *store,
                                      const wasm_trap_t *trap)
{
    wh_error_code_t code = wh_last_error_code();
    uint64_t limit = 0; /* the cap that refused it: the service's, or the host's per instance */
    bool memory_cap = wh_store_last_limit(store, &limit) == WH_LIMIT_KIND_MEMORY;
    if (!memory_cap)
        limit = service->max_memory_bytes;
    if (trap && code == WH_ERROR_TRAP)
        guest_outcome_from_trap(outcome, service, store, trap); /* the start function trapped */
    else if (code == WH_ERROR_CAPACITY)
        guest_outcome_set(outcome, GUEST_CAPACITY, "at capacity: %s", wh_last_error_message());
    else if (code == WH_ERROR_LIMIT || memory_cap)
        guest_outcome_set(outcome, GUEST_MEMORY, "the module's memory does not fit under the cap of %llu bytes: %s",
                          (unsigned long long)limit, wh_last_error_message());
    else
        guest_outcome_set(outcome, GUEST_INSTANTIATE, "cannot instantiate the module: %s", wh_last_error_message());
}

/* ---- byte buffers ---- */

bool guest_buffer_reserve(guest_buffer *buffer, size_t more)
{
    if (more <= buffer->capacity - buffer->length)
        return true;
    if (more > SIZE_MAX / 2 - buffer->length)
        return false;
    size_t capacity = buffer->capacity ? buffer->capacity : 256;
    while (capacity - buffer->length < more)
        capacity *= 2;
    uint8_t *data = realloc(buffer->data, capacity);
    if (!data)
        return false;
    buffer->data = data;
    buffer->capacity = capacity;
    return true;
}

bool guest_buffer_append(guest_buffer *buffer, const void *data, size_t length)
{
    if (!guest_buffer_reserve(buffer, length))
        return false;
    if (length)
        memcpy(buffer->data + buffer->length, data, length);
    buffer->length += length;
    return true;
}

void guest_buffer_free(guest_buffer *buffer)
{
    free(buffer->data);
    *buffer = (guest_buffer){0};
}

/* ---- response headers ---- */

bool guest_response_add_header(http_response *response, const char *name, size_t name_length, const char *value,
                               size_t value_length)
{
    /* The response keeps NUL-terminated copies; the guest's bytes are not terminated. */
    char *copy = malloc(name_length + value_length + 2);
    if (!copy)
        return false;
    memcpy(copy, name, name_length);
    copy[name_length] = '\0';
    memcpy(copy + name_length + 1, value, value_length);
    copy[name_length + 1 + value_length] = '\0';
    bool added = http_response_add_header(response, copy, copy + name_length + 1);
    free(copy);
    return added;
}

bool guest_header_name_valid(const char *name, size_t length)
{
    if (length == 0)
        return false;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)name[i];
        bool token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     (c && strchr("!#$%&'*+-.^_`|~", c));
        if (!token)
            return false;
    }
    return true;
}

bool guest_header_value_valid(const char *value, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)value[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return false;
    }
    return true;
}
