/* guest.h: running one HTTP request in a fresh instance of a service's module (wagi and http ABIs). */
#ifndef WH_GUEST_H
#define WH_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "http_message.h"
#include "wasm.h"
#include "wasmhost.h"

typedef enum guest_abi { GUEST_ABI_WAGI, GUEST_ABI_HTTP } guest_abi;

typedef struct guest_plan guest_plan; /* see guest_plan_new */
struct capability_grants;             /* grants.h: what the guest may reach (wasmhost_capabilities) */

/* What a service's requests share: compiled once, read by many workers at once (const). */
typedef struct guest_service {
    const char *name;
    guest_abi abi;
    wasm_engine_t *engine;
    wasm_module_t *module;        /* compiled by the host with `engine` */
    const char *const *env_names; /* the manifest's variables, env_count of them */
    const char *const *env_values;
    size_t env_count;
    const char *const *dir_host_paths; /* read-only preopens, dir_count of them */
    const char *const *dir_guest_paths;
    size_t dir_count;
    uint64_t max_memory_bytes;   /* 0: engine default */
    uint64_t timeout_ns;         /* 0: none */
    uint64_t fuel;               /* 0: no metering (the engine must consume fuel otherwise) */
    uint64_t max_response_bytes; /* body the guest may write [16 MiB] */
    /* Where the guest's stderr goes (one call per write), e.g. the log with the service name. */
    void (*log_stderr)(void *user, const char *service, const char *request_id, const uint8_t *data, size_t size);
    void *log_user;
    /* What its guests may reach through wasmhost_capabilities (NULL: nothing). */
    const struct capability_grants *grants;
    /* The request runs on an event loop: a capability that blocks stops it (GUEST_NEEDS_WORKER). */
    bool on_loop;
    /* Optional, for speed: from guest_plan_new for this module and ABI. NULL: guest_handle works
     * out on every request what the plan holds (which host function each import is). */
    const guest_plan *plan;
} guest_service;

typedef enum guest_outcome_kind {
    GUEST_OK,           /* response holds what the guest wrote */
    GUEST_TRAP,         /* 500: the guest trapped (or exited non-zero: wagi) */
    GUEST_TIMEOUT,      /* 504: deadline exceeded */
    GUEST_MEMORY,       /* 500: the guest hit its memory cap */
    GUEST_FUEL,         /* 500: fuel exhausted */
    GUEST_BAD_RESPONSE, /* 502: what the guest wrote is not a valid response */
    GUEST_INSTANTIATE,  /* 500: the instance could not be made (link error, memory cap, ...) */
    GUEST_CAPACITY,     /* 503 with Retry-After: the engine has --max-instances instances alive */
    GUEST_NEEDS_WORKER, /* on_loop only: the guest called a capability that blocks; run it again on a worker */
} guest_outcome_kind;

typedef struct guest_outcome {
    guest_outcome_kind kind;
    char message[512]; /* for the log: the trap with its backtrace (first lines), or why the
                              response is malformed; never sent to the client */
    uint64_t fuel_consumed;
} guest_outcome;

/* Runs `request` (routed by `matched_route`, as the manifest wrote it: "/api/...", for
 * X_MATCHED_ROUTE) in a new store and instance of `service->module` on the calling thread and
 * fills `response` (status, headers, body) when outcome->kind is GUEST_OK. `response` comes
 * initialised (http_response_init); on any other outcome it is left empty, with the status that
 * kind answers (500, 502 or 504), and the caller frees it either way. Thread-safe: any
 * number of calls may run at once for one service. Never lets a guest's failure escape. */
void guest_handle(const guest_service *service, const char *matched_route, const http_request *request,
                  http_response *response, guest_outcome *outcome);

/* Checks at load time that `module` fits the ABI (imports it may use, exports it must have);
 * false with a message in `error` ("the http ABI needs an export "handle" ...").*/
bool guest_check_module(guest_abi abi, const wasm_module_t *module, char *error, size_t error_size);

/* What guest_handle needs to know about a module, worked out once: guest_check_module's checks,
 * plus a trial link of the module's WASI imports in a store of `engine` (so that an unknown WASI
 * function is reported at load time). NULL with a message in `error` when the module does not
 * fit. Read-only once made: any number of requests may use it at once. */
guest_plan *guest_plan_new(guest_abi abi, wasm_engine_t *engine, const wasm_module_t *module, char *error,
                           size_t error_size);
void guest_plan_delete(guest_plan *plan);

/* The `init:` of a service or plugin (docs/snapshots.md): makes an instance of `service->module`
 * with the service's WASI capabilities and limits (its stdout and stderr go to the log; imports
 * other than WASI trap, as there is no request), calls "_initialize" when exported, then
 * `init_export`, and writes the snapshot of the instance (wh_instance_snapshot, without
 * `init_export`) into `out`. False with a message in `error` ("init: ...") when the export is
 * missing, traps, exits non-zero, or its state cannot be captured. */
bool guest_snapshot(const guest_service *service, const char *init_export, wasm_byte_vec_t *out, char *error,
                    size_t error_size);

#endif
