/* guest_capabilities.h: the wasmhost_capabilities host functions (outbound HTTP, key-value stores, variables, logs), for http guests and plugins alike. */
#ifndef WH_GUEST_CAPABILITIES_H
#define WH_GUEST_CAPABILITIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grants.h"
#include "outbound.h"

#define CAPABILITY_MODULE "wasmhost_capabilities"
/* What one request may log through `log`: past it, RATE_LIMITED (and a counter). */
#define CAPABILITY_LOG_LINES 100
#define CAPABILITY_LOG_BYTES (64u << 10)
/* Outbound responses a request may hold open at once. */
#define CAPABILITY_MAX_RESPONSES 16

/* One request's (or one plugin call's) use of its grants: its counts and open responses. */
typedef struct capability_call {
    const capability_grants *grants; /* NULL: nothing granted */
    const char *request_id;
    uint64_t deadline_ns; /* host_now_ns clock; 0: none */
    /* Running on an event loop: a function that blocks (outbound HTTP, the stores) does not run,
     * sets needs_worker and stops the guest, whose request then runs again on a worker. */
    bool on_loop, needs_worker;
    uint32_t outbound_left;
    uint32_t log_lines;
    size_t log_bytes;
    uint8_t *pending_log; /* lines kept until the request ends (a run on a loop may be discarded) */
    size_t pending_log_length, pending_log_capacity;
    outbound_response *responses[CAPABILITY_MAX_RESPONSES];
} capability_call;

/* Starts a call under `grants` (NULL: none); the deadline is `timeout_ns` from now (0: none). */
void capability_call_start(capability_call *call, const capability_grants *grants, const char *request_id,
                           uint64_t timeout_ns, bool on_loop);
/* Ends it: frees its responses, and writes its log lines to the log when `keep_log` (false for a
 * run whose request runs again). */
void capability_call_finish(capability_call *call, bool keep_log);

/* The functions of CAPABILITY_MODULE: each takes `capability_function_params` i32 values and
 * returns one i32. The index of `name` (not NUL-terminated), or -1. */
int capability_function_find(const char *name, size_t length);
const char *capability_function_name(int index);
/* The same, NULL past the last function (to walk the table). */
const char *capability_function_name_or_null(int index);
size_t capability_function_params(int index);
/* Runs function `index` with `args` on the guest's memory [memory, memory + memory_size); its
 * result in *result. False when the guest must stop (call->needs_worker): the caller traps. A
 * buffer outside the memory is the result BAD_POINTER, never a trap. */
bool capability_function_run(int index, capability_call *call, uint8_t *memory, size_t memory_size, const int32_t *args,
                             int32_t *result);

#endif
