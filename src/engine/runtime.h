/* runtime.h: run-time objects (store, instances, functions, memories, tables, globals, traps). */
#ifndef WH_RUNTIME_H
#define WH_RUNTIME_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "code.h"
#include "module.h"

typedef struct wh_store wh_store;

/* One value: see code.h for what each type keeps where. */
typedef union wh_slot {
    int32_t i32;
    uint32_t u32;
    int64_t i64;
    uint64_t u64;
    float f32;
    double f64;
    void *ref;
} wh_slot;

typedef enum wh_trap_kind {
    WH_TRAP_UNREACHABLE,
    WH_TRAP_INTEGER_DIVIDE_BY_ZERO,
    WH_TRAP_INTEGER_OVERFLOW,
    WH_TRAP_INVALID_CONVERSION,
    WH_TRAP_OUT_OF_BOUNDS_MEMORY,
    WH_TRAP_OUT_OF_BOUNDS_TABLE,
    WH_TRAP_INDIRECT_CALL_TYPE_MISMATCH,
    WH_TRAP_UNDEFINED_ELEMENT,
    WH_TRAP_UNINITIALIZED_ELEMENT,
    WH_TRAP_CALL_STACK_EXHAUSTED,
    WH_TRAP_HOST, /* raised by a host function: message set */
    WH_TRAP_EXIT, /* not an error: a host function ended the program (WASI proc_exit); see exit_code */
    /* Sandbox limits (see "Limits" below). */
    WH_TRAP_FUEL_EXHAUSTED,    /* "fuel exhausted" */
    WH_TRAP_DEADLINE_EXCEEDED, /* "deadline exceeded" */
    WH_TRAP_INTERRUPTED,       /* "interrupted" */
} wh_trap_kind;

#define WH_TRAP_KIND_LAST WH_TRAP_INTERRUPTED

/* "unreachable", "integer divide by zero", ... (the spec's wording). */
const char *trap_kind_message(wh_trap_kind kind);

typedef struct wh_backtrace_frame {
    const wh_module *module; /* NULL for host functions */
    uint32_t func_index;     /* in the module's function index space */
    uint32_t byte_offset;    /* of the wasm instruction in the module, 0 when unknown */
    /* The instance it ran in (NULL for host functions), for the embedding API to name: compared,
     * never followed, as the trap may outlive it. */
    const struct wh_instance *instance;
} wh_backtrace_frame;

typedef struct wh_trap {
    wh_trap_kind kind;
    char *message; /* owned: trap_kind_message() text, or the host's message */
    uint32_t frame_count;
    wh_backtrace_frame *frames; /* innermost first */
    int exit_code;              /* WH_TRAP_EXIT only: the code the program exits with */
} wh_trap;

wh_trap *trap_new(wh_trap_kind kind, const char *host_message);
void trap_free(wh_trap *trap);
/* Writes "trap: MESSAGE\n  at NAME (offset 0x...)\n..." lines. */
void trap_print(const wh_trap *trap, void *file /* FILE * */);

typedef struct wh_instance wh_instance;
typedef struct wh_func wh_func;

/* Host function: arguments in args_results[0 .. param_count), results written to
 * args_results[0 .. result_count). Return NULL, or a trap (ownership passes to the caller). */
typedef wh_trap *(*wh_host_callback)(void *env, wh_slot *args_results);

struct wh_func {
    const wh_functype *type; /* for wasm functions points into its module; host: owned copy */
    wh_instance *instance;   /* NULL for host functions */
    uint32_t func_index;     /* index in the instance's module */
    const wh_code *code;     /* NULL for host functions */
    wh_host_callback callback;
    void *env;
    wh_functype owned_type; /* storage for host function types */
};

typedef struct wh_memory {
    uint8_t *base;        /* start of a reservation of `reserved` bytes; [0, size) accessible */
    uint64_t size;        /* current size in bytes */
    size_t reserved;      /* bytes of address space reserved, guard region included */
    wh_memtype type;      /* limits: min is the current page count's lower bound, max the cap */
    wh_store *store;      /* the store it was created in, whose memory cap it counts against */
} wh_memory;

#define WH_PAGE_SIZE 65536u
#define WH_MAX_PAGES 65536u

typedef struct wh_table {
    wh_tabletype type;
    uint32_t size;
    uint32_t capacity;
    void **elements; /* wh_func * for funcref, host pointer for externref; NULL = null */
    wh_store *store; /* the store it was created in, whose table cap it counts against */
} wh_table;

typedef struct wh_global {
    wh_globaltype type;
    wh_slot value;
} wh_global;

/* An external value: what imports are given and exports yield. */
typedef struct wh_extern {
    wh_externkind kind;
    union {
        wh_func *func;
        wh_table *table;
        wh_memory *memory;
        wh_global *global;
    };
} wh_extern;

typedef struct wh_elem_instance {
    uint32_t count; /* 0 once dropped */
    void **items;
} wh_elem_instance;

typedef struct wh_data_instance {
    uint32_t size; /* 0 once dropped */
    const uint8_t *bytes;
} wh_data_instance;

struct wh_instance {
    wh_store *store;
    wh_module *module; /* retained */
    wh_func **funcs;   /* module->func_count entries, imports first */
    wh_table **tables;
    wh_memory **memories;
    wh_global **globals;
    wh_elem_instance *elems; /* module->elem_count */
    wh_data_instance *datas; /* module->data_segment_count */
    /* Memory 0's base, cached for the interpreter (NULL without memory). */
    uint8_t *memory_base;
    wh_memory *memory0;
};

/* A call frame saved by the interpreter on a wasm-to-wasm call. */
typedef struct wh_frame {
    const uint32_t *return_pc; /* caller's pc to resume at */
    wh_slot *return_fp;        /* caller's frame */
    wh_func *caller;           /* function the caller frame belongs to */
} wh_frame;

#define WH_DEFAULT_STACK_SLOTS (1u << 20)  /* 8 MiB of values */
#define WH_DEFAULT_MAX_FRAMES (1u << 16)   /* nested wasm calls */

/* ---- Limits ----
 *
 * Every store carries limits that bound what the code running in it may take:
 *  - memory: the sizes of all memories created in the store together. memory.grow past the
 *    cap returns -1; creating a memory whose minimum does not fit fails ("memory cap N bytes
 *    exceeded: module needs M"). Tables likewise, counted in elements.
 *  - stack: the bytes of value stack plus call records (24 bytes a call) that wasm calls may
 *    use together; past it a call traps "call stack exhausted". Host functions that call back
 *    into wasm are bounded too (nesting depth and the thread's remaining C stack).
 *  - fuel (off by default): a budget of work, charged per block of straight-line code (see
 *    WH_CHECK_FUEL in code.h); running out traps "fuel exhausted" before the block runs.
 *  - deadline (none by default): a running call traps "deadline exceeded" at the first function
 *    entry or loop back-edge after it has passed. Time is an engine-wide epoch counter (ticks of
 *    WH_EPOCH_TICK_NS) that one timer thread advances: it sleeps until the earliest deadline of
 *    any store falls due, publishes the epoch and raises the stop flag of each store whose
 *    deadline it has reached, so it costs nothing between deadlines, and running code reads one
 *    flag. A deadline stays passed until it is set again or cleared.
 *  - interruption: store_interrupt(), or an interrupt handle from any thread, raises the stop
 *    flag: the running call (or, when none runs, the next one) traps "interrupted" at its next
 *    check.
 * Fuel and loop checks need code compiled with WH_CHECK_FUEL / WH_CHECK_EPOCH
 * (compile_set_checks before loading the module); calling code without the checks that the
 * store's settings need traps with a message that says so.
 * After any trap the store, its instances and the engine stay usable. */

typedef struct wh_store_limits {
    uint64_t max_memory_bytes;   /* all memories of the store together */
    uint64_t max_table_elements; /* all tables of the store together */
    uint64_t max_stack_bytes;    /* wasm value stack and call records together */
    uint32_t max_host_nesting;   /* wasm -> host -> wasm re-entries on one thread */
} wh_store_limits;

#define WH_DEFAULT_MAX_MEMORY_BYTES ((uint64_t)4 << 30)              /* 4 GiB */
#define WH_DEFAULT_MAX_TABLE_ELEMENTS 10000000u                      /* 80 MB of references */
#define WH_DEFAULT_MAX_STACK_BYTES ((uint64_t)WH_DEFAULT_STACK_SLOTS * 8) /* 8 MiB */
#define WH_MIN_STACK_BYTES 1024u
#define WH_MAX_STACK_BYTES ((uint64_t)4 << 30)
#define WH_DEFAULT_MAX_HOST_NESTING 1000u
#define WH_EPOCH_TICK_NS 100000u /* 0.1 ms */

/* The last limit a store ran into, for messages: which, the limit, and the request. */
typedef enum wh_limit_kind {
    WH_LIMIT_NONE,
    WH_LIMIT_MEMORY,   /* a memory would have exceeded max_memory_bytes */
    WH_LIMIT_TABLE,    /* a table would have exceeded max_table_elements */
    WH_LIMIT_STACK,    /* "call stack exhausted" (value stack, call records or host nesting) */
    WH_LIMIT_FUEL,     /* "fuel exhausted" */
    WH_LIMIT_DEADLINE, /* "deadline exceeded" */
    WH_LIMIT_INTERRUPT /* "interrupted" */
} wh_limit_kind;

typedef struct wh_limit_event {
    wh_limit_kind kind;
    bool refused_grow;  /* MEMORY/TABLE: a grow was refused (else: creating one failed) */
    uint64_t limit;     /* MEMORY: bytes, TABLE: elements, STACK: bytes, FUEL: budget set */
    uint64_t requested; /* MEMORY/TABLE: the size asked for in addition to in_use */
    uint64_t in_use;    /* MEMORY/TABLE: what the store had already */
    uint64_t count;     /* how many times this kind of limit was hit since the last reset */
} wh_limit_event;

/* Shared between a store and its interrupt handles, which may outlive it (reference counted). */
typedef struct wh_interrupt wh_interrupt;

/* A store owns every run-time object created in it; they live until the store is freed
 * (as in the spec's store: a failed instantiation may leave its functions in shared tables). */
struct wh_store {
    wh_slot *stack;        /* value stack */
    size_t stack_slots;    /* its size: a call's frame may end at most here, less 3 slots
                              (WH_FRAME_RECORD_SLOTS) per call record in use */
    wh_slot *stack_top;    /* first free slot: where a new outermost (or re-entrant) call starts */
    wh_frame *frames;
    uint32_t max_frames;   /* room in frames[]: more than the stack's budget lets calls use */
    uint32_t frame_depth;
    /* How far calls have used the stack limit since the stack was allocated: the highest
     * address a frame plus the WH_FRAME_RECORD_SLOTS slots of each call record in use reached
     * (as the interpreter checks it against the limit). It bounds both the slots and the
     * records used: what must be given back before the stack is reused. */
    uintptr_t stack_high_water;
    /* Every object allocated in the store, freed with it. */
    void **objects;
    void (**object_destructors)(void *);
    size_t object_count, object_capacity;
    /* Limits, and what the store uses of them. */
    wh_store_limits limits;
    uint64_t memory_bytes;   /* sizes of the store's memories together */
    uint64_t table_elements; /* sizes of its tables together */
    int64_t fuel;            /* remaining (metering on) or INT64_MAX (off): see limits.c */
    bool fuel_enabled;
    uint64_t fuel_budget;    /* for messages: the fuel last set (store_set_fuel plus additions) */
    uint64_t deadline_epoch; /* UINT64_MAX: none */
    uint32_t required_checks; /* WH_CHECK_* the settings need in the code that runs */
    /* Set from any thread: running code stops to look why at its next check. */
    _Atomic uint32_t stop;
    _Atomic uint32_t interrupt_requested;
    wh_interrupt *interrupt;  /* the store's end of its interrupt handles and of the timer */
    wh_limit_event last_limit;
};

/* Stack slots a call record (wh_frame) counts for against the stack limit. */
#define WH_FRAME_RECORD_SLOTS 3u

wh_store *store_new(void);
void store_free(wh_store *store);

/* limits.c: see "Limits" above. */
void store_limits_default(wh_store_limits *out);
/* Applies `limits` (the stack size only while no call runs in the store). Caps below what the
 * store already uses only stop further growth. Errors name the bad value. */
wh_error *store_set_limits(wh_store *store, const wh_store_limits *limits);
void store_get_limits(const wh_store *store, wh_store_limits *out);

/* Fuel: store_set_fuel turns metering on with `fuel` units (code must be compiled with
 * WH_CHECK_FUEL); store_add_fuel adds to it (saturating; false when metering is off);
 * store_get_fuel gives what remains (false when metering is off); store_disable_fuel stops
 * metering. */
void store_set_fuel(wh_store *store, uint64_t fuel);
bool store_add_fuel(wh_store *store, uint64_t fuel);
bool store_get_fuel(const wh_store *store, uint64_t *remaining);
void store_disable_fuel(wh_store *store);

/* Deadline `timeout_ns` from now (starts the timer thread the first time); 0 means now.
 * store_clear_deadline removes it. Code must be compiled with WH_CHECK_EPOCH to be stopped
 * inside loops. */
void store_set_deadline(wh_store *store, uint64_t timeout_ns);
void store_clear_deadline(wh_store *store);
/* True when a deadline is set and has passed (by the epoch counter). */
bool store_deadline_passed(const wh_store *store);

/* Stops the call running in the store at its next check, from any thread; when none runs,
 * the next call stops at its first check. The request is used up by the trap. It only stores
 * two atomic flags, so a signal handler may call it (while the store exists). */
void store_interrupt(wh_store *store);
/* A handle to interrupt the store from another thread, valid even after the store is freed
 * (interrupting then does nothing). Free each with interrupt_handle_free. */
wh_interrupt *store_interrupt_handle(wh_store *store);
void interrupt_handle_interrupt(wh_interrupt *handle);
void interrupt_handle_free(wh_interrupt *handle);

/* The engine-wide epoch counter as last published (ticks of WH_EPOCH_TICK_NS since the timer
 * thread started; it is brought up to date whenever a deadline falls due). */
uint64_t engine_epoch(void);

/* The last limit the store ran into (kind WH_LIMIT_NONE when none); store_clear_limit_event
 * forgets it. */
const wh_limit_event *store_last_limit(const wh_store *store);
void store_clear_limit_event(wh_store *store);
/* Registers `object` to be destroyed with the store; returns false on OOM (object destroyed). */
bool store_own(wh_store *store, void *object, void (*destroy)(void *));

/* memory.c: reserves the address space (guard regions included) and commits min pages. */
wh_memory *memory_new(wh_store *store, const wh_memtype *type, wh_error **error);
/* Returns the old size in pages, or -1 if growing is not possible (max, 4 GiB, the store's
 * memory cap, or OOM). memory_new fails when the minimum does not fit under the cap. */
int64_t memory_grow(wh_memory *memory, uint64_t delta_pages);
static inline uint64_t memory_pages(const wh_memory *memory) { return memory->size / WH_PAGE_SIZE; }

/* table.c */
wh_table *table_new(wh_store *store, const wh_tabletype *type, void *init, wh_error **error);
int64_t table_grow(wh_table *table, uint32_t delta, void *init); /* old size or -1 (max, cap, OOM) */

wh_global *global_new(wh_store *store, const wh_globaltype *type, wh_slot value);
wh_func *func_new_host(wh_store *store, const wh_functype *type, wh_host_callback callback, void *env);

/* instance.c: links imports (in module import order, already resolved by the caller; type
 * checked here: "incompatible import type" errors), creates definitions, applies segments and
 * runs the start function. Returns an error for link failures; sets *trap (and returns NULL)
 * when a segment is out of bounds or the start function traps; the instance then still exists
 * in the store, but *out is set only on success. */
wh_error *instance_new(wh_store *store, wh_module *module, const wh_extern *imports, uint32_t import_count,
                       wh_instance **out, wh_trap **trap);
/* Finds an export by name; false when missing. */
bool instance_export(const wh_instance *instance, const char *name, size_t name_length, wh_extern *out);

/* interp.c: calls `func` (wasm or host) with args in args_results[0..param_count); on success
 * the results are in args_results[0..result_count) and NULL is returned; otherwise a trap. */
wh_trap *func_call(wh_store *store, wh_func *func, wh_slot *args_results);

/* trap.c: guard-page fault handling for memory accesses. Installed once, process-wide. */
void trap_install_signal_handler(void);

#endif
