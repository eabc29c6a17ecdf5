/* guest_internal.h: what guest.c, guest_wagi.c and guest_http.c share: plans, stores with limits, outcomes, buffers. */
#ifndef WH_GUEST_INTERNAL_H
#define WH_GUEST_INTERNAL_H

#include <stdarg.h>

#include "guest.h"

/* The body a guest may write when the service does not say (guest_service.max_response_bytes). */
#define GUEST_DEFAULT_MAX_RESPONSE_BYTES (16u << 20)
/* What one request may write to the log (stderr, WASI stdout of http guests, wasmhost_http.log):
 * past it, writes fail (WASI: ENOSPC) or are dropped (log), so a chatty guest cannot flood it. */
#define GUEST_LOG_LIMIT_BYTES (1u << 20)
/* Response headers an http guest may add, in number and in bytes. */
#define GUEST_MAX_RESPONSE_HEADERS 100
#define GUEST_MAX_RESPONSE_HEADER_BYTES (64u << 10)

/* What an import of an http-ABI module is bound to: one of the wasmhost_http functions
 * (guest_http.c's table, by index), one of wasmhost_capabilities' (GUEST_IMPORT_CAPABILITY + its
 * index), or WASI. */
#define GUEST_IMPORT_CAPABILITY 1000
#define GUEST_IMPORT_WASI (-1)

struct guest_plan {
    guest_abi abi;
    size_t import_count;
    int *imports;              /* http: per import, a wasmhost_http function index or GUEST_IMPORT_WASI */
    bool uses_wasi;            /* http: some import is WASI, so each instance gets a WASI context */
    size_t capability_imports; /* http: imports of wasmhost_capabilities (guest_capabilities.h) */
    bool has_initialize;       /* http: exports "_initialize" (a WASI reactor), called before "handle" */
    wh_instance_pre_t *pre;    /* http without WASI: the imports linked once (guest_http_pre_new); may be NULL */
};

/* ---- plans and checks (guest_http.c, guest_wagi.c) ---- */

/* Fills `plan` (imports allocated) for an http-ABI module; false with a message otherwise. */
bool guest_http_plan(const wasm_module_t *module, guest_plan *plan, char *error, size_t error_size);
/* An instance pre for an http-ABI module without WASI imports (whose functions wh_wasi_imports
 * makes per request), its imports bound to this ABI's functions; NULL otherwise or on failure
 * (requests then link their imports themselves). */
wh_instance_pre_t *guest_http_pre_new(const wasm_module_t *module, const guest_plan *plan);
bool guest_wagi_check(const wasm_module_t *module, char *error, size_t error_size);
/* Whether an export's type is a function [] -> [] ("handle", "_start", "_initialize"). */
bool guest_func_without_values(const wasm_externtype_t *type);

/* ---- running a request (guest_http.c, guest_wagi.c) ---- */

void guest_http_handle(const guest_service *service, const guest_plan *plan, const char *matched_route,
                       const http_request *request, http_response *response, guest_outcome *outcome);
void guest_wagi_handle(const guest_service *service, const char *matched_route, const http_request *request,
                       http_response *response, guest_outcome *outcome);
/* Parses a wagi guest's stdout (CGI headers, a blank line, the body) into `response` (initialised
 * by the caller); on bad output sets outcome GUEST_BAD_RESPONSE with why. `data` is not NULL.
 * Not static so that tests/host/wagi_fuzz.c can feed it hostile output. */
void guest_wagi_parse_output(const uint8_t *data, size_t length, http_response *response, guest_outcome *outcome);

/* ---- shared by both (guest.c) ---- */

/* A new store for one request, with the service's memory cap, deadline and fuel; NULL with
 * outcome GUEST_INSTANTIATE when one cannot be made. */
wasm_store_t *guest_store_new(const guest_service *service, guest_outcome *outcome);

/* A WASI context with what the service gives every instance: its environment (entries whose
 * name `skip_env` accepts are left out: the request's own variables win), read-only directories,
 * and stderr into the log. NULL (outcome GUEST_INSTANTIATE) when it cannot be made. */
typedef struct guest_log {
    const guest_service *service;
    const char *request_id;
} guest_log;
wh_wasi_t *guest_wasi_new(const guest_service *service, guest_log *log,
                          bool (*skip_env)(const char *name, size_t name_length, const void *user), const void *user,
                          guest_outcome *outcome);
/* A wh_wasi_output_callback that passes what the guest writes to the service's log. */
ptrdiff_t guest_log_write(void *guest_log_pointer, int fd, const uint8_t *data, size_t size);

uint64_t guest_max_response_bytes(const guest_service *service);

void guest_outcome_set(guest_outcome *outcome, guest_outcome_kind kind, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
/* The outcome of a trap the guest raised in `store` (deadline, fuel, memory cap or other). */
void guest_outcome_from_trap(guest_outcome *outcome, const guest_service *service, wasm_store_t *store,
                             const wasm_trap_t *trap);
/* The outcome of a wasm_instance_new that failed, right after it (trap: what it returned). */
void guest_outcome_from_instantiation(guest_outcome *outcome, const guest_service *service, wasm_store_t *store,
                                      const wasm_trap_t *trap);

/* A growable byte buffer. */
typedef struct guest_buffer {
    uint8_t *data;
    size_t length, capacity;
} guest_buffer;
bool guest_buffer_reserve(guest_buffer *buffer, size_t more);
bool guest_buffer_append(guest_buffer *buffer, const void *data, size_t length);
void guest_buffer_free(guest_buffer *buffer);

/* Adds a header given as bytes that are not NUL-terminated (a guest's); false when out of memory. */
bool guest_response_add_header(http_response *response, const char *name, size_t name_length, const char *value,
                               size_t value_length);
/* RFC 9110: a header name is a token; a value has no CR, LF, NUL or other control bytes but tab. */
bool guest_header_name_valid(const char *name, size_t length);
bool guest_header_value_valid(const char *value, size_t length);

#endif
