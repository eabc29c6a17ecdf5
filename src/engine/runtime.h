/* runtime.h: run-time objects (store, instances, functions, memories, tables, globals, traps). */
#ifndef ENG_RUNTIME_H
#define ENG_RUNTIME_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "code.h"
#include "module.h"

typedef struct eng_store eng_store;

/* One value: see code.h for what each type keeps where. */
typedef union eng_slot {
    int32_t i32;
    uint32_t u32;
    int64_t i64;
    uint64_t u64;
    float f32;
    double f64;
    void *ref;
} eng_slot;

typedef enum eng_trap_kind {
    ENG_TRAP_UNREACHABLE,
    ENG_TRAP_INTEGER_DIVIDE_BY_ZERO,
    ENG_TRAP_INTEGER_OVERFLOW,
    ENG_TRAP_INVALID_CONVERSION,
    ENG_TRAP_OUT_OF_BOUNDS_MEMORY,
    ENG_TRAP_OUT_OF_BOUNDS_TABLE,
    ENG_TRAP_INDIRECT_CALL_TYPE_MISMATCH,
    ENG_TRAP_UNDEFINED_ELEMENT,
    ENG_TRAP_UNINITIALIZED_ELEMENT,
    ENG_TRAP_CALL_STACK_EXHAUSTED,
    ENG_TRAP_HOST, /* raised by a host function: message set */
    ENG_TRAP_EXIT, /* not an error: a host function ended the program (WASI proc_exit); see exit_code */
    /* Sandbox limits (see "Limits" below). */
    ENG_TRAP_FUEL_EXHAUSTED,    /* "fuel exhausted" */
    ENG_TRAP_DEADLINE_EXCEEDED, /* "deadline exceeded" */
    ENG_TRAP_INTERRUPTED,       /* "interrupted" */
} eng_trap_kind;

#define ENG_TRAP_KIND_LAST ENG_TRAP_INTERRUPTED

/* "unreachable", "integer divide by zero", ... (the spec's wording). */
const char *eng_trap_kind_message(eng_trap_kind kind);

typedef struct eng_backtrace_frame {
    const eng_module *module; /* NULL for host functions */
    uint32_t func_index;      /* in the module's function index space */
    uint32_t byte_offset;     /* of the wasm instruction in the module, 0 when unknown */
    /* The instance it ran in (NULL for host functions), for the embedding API to name: compared,
     * never followed, as the trap may outlive it. */
    const struct eng_instance *instance;
} eng_backtrace_frame;

typedef struct eng_trap {
    eng_trap_kind kind;
    char *message; /* owned: eng_trap_kind_message() text, or the host's message */
    uint32_t frame_count;
    eng_backtrace_frame *frames; /* innermost first */
    int exit_code;               /* ENG_TRAP_EXIT only: the code the program exits with */
} eng_trap;

eng_trap *eng_trap_new(eng_trap_kind kind, const char *host_message);
void eng_trap_free(eng_trap *trap);
/* Writes "trap: MESSAGE\n  at NAME (offset 0x...)\n..." lines. */
void eng_trap_print(const eng_trap *trap, void *file /* FILE * */);

typedef struct eng_instance eng_instance;
typedef struct eng_func eng_func;

/* Host function: arguments in args_results[0 .. param_count), results written to
 * args_results[0 .. result_count). Return NULL, or a trap (ownership passes to the caller). */
typedef eng_trap *(*eng_host_callback)(void *env, eng_slot *args_results);

/* The entry of a function compiled to native code (native.h): parameters in slots[0 ..),
 * results written to slots[0 ..), as for host functions. */
typedef void (*eng_native_entry)(struct eng_instance *instance, eng_slot *slots);

struct eng_func {
    const eng_functype *type;      /* for wasm functions points into its module; host: owned copy */
    eng_instance *instance;        /* NULL for host functions */
    uint32_t func_index;           /* index in the instance's module */
    const eng_code *code;          /* NULL for host functions; a NATIVE stub when native_entry is set */
    eng_native_entry native_entry; /* compiled code (code is then its stub), else NULL */
    /* The same code with the typed signature R f(eng_instance *, P...), for call_indirect from
     * compiled code of the same instance (which checks the type first); NULL when not compiled. */
    const void *native_function;
    eng_host_callback callback;
    void *env;
    eng_functype owned_type; /* storage for host function types */
};

typedef struct eng_memory {
    uint8_t *base;     /* start of a reservation of `reserved` bytes; [0, size) accessible */
    uint64_t size;     /* current size in bytes */
    size_t reserved;   /* bytes of address space reserved, guard region included */
    eng_memtype type;  /* limits: min is the current page count's lower bound, max the cap */
    eng_store *store;  /* the store it was created in, whose memory cap it counts against */
    uint64_t image_id; /* the module's image mapped over its start (memory_image.h); 0: none */
    size_t image_size;
    /* What it holds until the store writes (eng_store.memory_written), when contents_known: the
     * data of the module whose eng_module_memory_contents id is contents_id, in [0, contents_end),
     * and zeros elsewhere (contents_id 0: zeros everywhere). */
    bool contents_known;
    uint64_t contents_id;
    size_t contents_end;
    /* The instance that defined it, whose memories count together against the store's
     * max_instance_memory_bytes; NULL for a memory the host made. */
    eng_instance *instance;
} eng_memory;

#define ENG_PAGE_SIZE 65536u
#define ENG_MAX_PAGES 65536u

typedef struct eng_table {
    eng_tabletype type;
    uint32_t size;
    uint32_t capacity;
    void **elements;  /* eng_func * for funcref, host pointer for externref; NULL = null */
    eng_store *store; /* the store it was created in, whose table cap it counts against */
} eng_table;

typedef struct eng_global {
    eng_globaltype type;
    union {
        eng_slot value;   /* every type but v128 */
        eng_slot v128[2]; /* v128: bytes 0-7, then 8-15, as in two slots of a frame */
    };
} eng_global;

/* An external value: what imports are given and exports yield. */
typedef struct eng_extern {
    eng_externkind kind;
    union {
        eng_func *func;
        eng_table *table;
        eng_memory *memory;
        eng_global *global;
    };
} eng_extern;

typedef struct eng_elem_instance {
    uint32_t count; /* 0 once dropped */
    void **items;
} eng_elem_instance;

typedef struct eng_data_instance {
    uint32_t size; /* 0 once dropped */
    const uint8_t *bytes;
} eng_data_instance;

struct eng_instance {
    eng_store *store;
    eng_module *module; /* retained */
    eng_func **funcs;   /* module->func_count entries, imports first */
    eng_table **tables;
    eng_memory **memories;
    eng_global **globals;
    eng_elem_instance *elems; /* module->elem_count */
    eng_data_instance *datas; /* module->data_segment_count */
    /* Memory 0's base, cached for the interpreter (NULL without memory). */
    uint8_t *memory_base;
    eng_memory *memory0;
};

/* A call frame saved by the interpreter on a wasm-to-wasm call. */
typedef struct eng_frame {
    const uint32_t *return_pc; /* caller's pc to resume at */
    eng_slot *return_fp;       /* caller's frame */
    eng_func *caller;          /* function the caller frame belongs to */
} eng_frame;

#define ENG_DEFAULT_STACK_SLOTS (1u << 20) /* 8 MiB of values */
#define ENG_DEFAULT_MAX_FRAMES (1u << 16)  /* nested wasm calls */

/* ---- Limits ----
 *
 * Every store carries limits that bound what the code running in it may take:
 *  - memory: the sizes of all memories created in the store together. memory.grow past the
 *    cap returns -1; creating a memory whose minimum does not fit fails ("memory cap N bytes
 *    exceeded: module needs M"). Tables likewise, counted in elements.
 *  - memory per instance: the memories one instance defines (not those it imports) together,
 *    checked the same way when they are created and at every memory.grow, and reported as the
 *    same event (ENG_LIMIT_MEMORY, with this cap as its limit). The API sets it from the engine's
 *    configuration (wh_config_set_max_memory_per_instance).
 *  - stack: the bytes of value stack plus call records (24 bytes a call) that wasm calls may
 *    use together; past it a call traps "call stack exhausted". Host functions that call back
 *    into wasm are bounded too (nesting depth and the thread's remaining C stack).
 *  - fuel (off by default): a budget of work, charged per block of straight-line code (see
 *    ENG_CHECK_FUEL in code.h); running out traps "fuel exhausted" before the block runs.
 *  - deadline (none by default): a running call traps "deadline exceeded" at the first function
 *    entry or loop back-edge after it has passed. Time is an engine-wide epoch counter (ticks of
 *    ENG_EPOCH_TICK_NS) that one timer thread advances: it sleeps until the earliest deadline of
 *    any store falls due, publishes the epoch and raises the stop flag of each store whose
 *    deadline it has reached, so it costs nothing between deadlines, and running code reads one
 *    flag. A deadline stays passed until it is set again or cleared.
 *  - interruption: eng_store_interrupt(), or an interrupt handle from any thread, raises the stop
 *    flag: the running call (or, when none runs, the next one) traps "interrupted" at its next
 *    check.
 * Fuel and loop checks need code compiled with ENG_CHECK_FUEL / ENG_CHECK_EPOCH
 * (eng_compile_set_checks before loading the module); calling code without the checks that the
 * store's settings need traps with a message that says so.
 * After any trap the store, its instances and the engine stay usable. */

typedef struct eng_store_limits {
    uint64_t max_memory_bytes;          /* all memories of the store together */
    uint64_t max_instance_memory_bytes; /* the memories one instance defines, together */
    uint64_t max_table_elements;        /* all tables of the store together */
    uint64_t max_stack_bytes;           /* wasm value stack and call records together */
    uint32_t max_host_nesting;          /* wasm -> host -> wasm re-entries on one thread */
} eng_store_limits;

#define ENG_DEFAULT_MAX_MEMORY_BYTES ((uint64_t)4 << 30)                    /* 4 GiB */
#define ENG_DEFAULT_MAX_TABLE_ELEMENTS 10000000u                            /* 80 MB of references */
#define ENG_DEFAULT_MAX_STACK_BYTES ((uint64_t)ENG_DEFAULT_STACK_SLOTS * 8) /* 8 MiB */
#define ENG_MIN_STACK_BYTES 1024u
#define ENG_MAX_STACK_BYTES ((uint64_t)4 << 30)
#define ENG_DEFAULT_MAX_HOST_NESTING 1000u
#define ENG_EPOCH_TICK_NS 100000u /* 0.1 ms */

/* The last limit a store ran into, for messages: which, the limit, and the request. */
typedef enum eng_limit_kind {
    ENG_LIMIT_NONE,
    ENG_LIMIT_MEMORY,   /* a memory would have exceeded max_memory_bytes or max_instance_memory_bytes */
    ENG_LIMIT_TABLE,    /* a table would have exceeded max_table_elements */
    ENG_LIMIT_STACK,    /* "call stack exhausted" (value stack, call records or host nesting) */
    ENG_LIMIT_FUEL,     /* "fuel exhausted" */
    ENG_LIMIT_DEADLINE, /* "deadline exceeded" */
    ENG_LIMIT_INTERRUPT /* "interrupted" */
} eng_limit_kind;

typedef struct eng_limit_event {
    eng_limit_kind kind;
    bool refused_grow;  /* MEMORY/TABLE: a grow was refused (else: creating one failed) */
    uint64_t limit;     /* MEMORY: bytes, TABLE: elements, STACK: bytes, FUEL: budget set */
    uint64_t requested; /* MEMORY/TABLE: the size asked for in addition to in_use */
    uint64_t in_use;    /* MEMORY/TABLE: what the store (the instance, for its cap) had already */
    uint64_t count;     /* how many times this kind of limit was hit since the last reset */
} eng_limit_event;

/* Shared between a store and its interrupt handles, which may outlive it (reference counted). */
typedef struct eng_interrupt eng_interrupt;

/* A store owns every run-time object created in it; they live until the store is freed
 * (as in the spec's store: a failed instantiation may leave its functions in shared tables). */
struct eng_store {
    struct eng_arena_chunk *arena; /* what eng_store_alloc hands out (store.c), the store's own record first */
    eng_slot *stack;               /* value stack */
    size_t stack_slots;            /* its size: a call's frame may end at most here, less 3 slots
                              (ENG_FRAME_RECORD_SLOTS) per call record in use */
    eng_slot *stack_top;           /* first free slot: where a new outermost (or re-entrant) call starts */
    eng_frame *frames;
    uint32_t max_frames; /* room in frames[]: more than the stack's budget lets calls use */
    uint32_t frame_depth;
    /* How far calls have used the stack limit since the stack was allocated: the highest
     * address a frame plus the ENG_FRAME_RECORD_SLOTS slots of each call record in use reached
     * (as the interpreter checks it against the limit). It bounds both the slots and the
     * records used: what must be given back before the stack is reused. */
    uintptr_t stack_high_water;
    /* Every object allocated in the store, freed with it. */
    void **objects;
    void (**object_destructors)(void *);
    size_t object_count, object_capacity;
    /* Limits, and what the store uses of them. */
    eng_store_limits limits;
    uint64_t memory_bytes;   /* sizes of the store's memories together */
    uint64_t table_elements; /* sizes of its tables together */
    /* Something may have written the store's memories since instantiation put their data in:
     * code that can (eng_code.may_write_memory) or a host function ran (eng_func_call), or the
     * host was handed a memory's bytes (eng_memory_bytes_for_host). Until then a memory still
     * holds exactly what instantiation left, and goes back to the pool as such (memory.c). */
    bool memory_written;
    int64_t fuel; /* remaining (metering on) or INT64_MAX (off): see limits.c */
    bool fuel_enabled;
    uint64_t fuel_budget;     /* for messages: the fuel last set (eng_store_set_fuel plus additions) */
    uint64_t deadline_epoch;  /* UINT64_MAX: none */
    uint32_t required_checks; /* ENG_CHECK_* the settings need in the code that runs */
    /* Set from any thread: running code stops to look why at its next check. */
    _Atomic uint32_t stop;
    _Atomic uint32_t interrupt_requested;
    eng_interrupt *interrupt; /* the store's end of its interrupt handles and of the timer */
    eng_limit_event last_limit;
    /* Compiled code traps "call stack exhausted" when its frame address goes below this (set by
     * eng_func_call for the thread running the store: max_stack_bytes below the outermost call,
     * and never within C_STACK_RESERVE of the thread's stack end). */
    uintptr_t native_stack_limit;
};

/* Stack slots a call record (eng_frame) counts for against the stack limit. */
#define ENG_FRAME_RECORD_SLOTS 3u

eng_store *eng_store_new(void);
void eng_store_free(eng_store *store);

/* limits.c: see "Limits" above. */
void eng_store_limits_default(eng_store_limits *out);
/* Applies `limits` (the stack size only while no call runs in the store). Caps below what the
 * store already uses only stop further growth. Errors name the bad value. */
eng_error *eng_store_set_limits(eng_store *store, const eng_store_limits *limits);
void eng_store_get_limits(const eng_store *store, eng_store_limits *out);

/* Fuel: eng_store_set_fuel turns metering on with `fuel` units (code must be compiled with
 * ENG_CHECK_FUEL); eng_store_add_fuel adds to it (saturating; false when metering is off);
 * eng_store_get_fuel gives what remains (false when metering is off); eng_store_disable_fuel stops
 * metering. */
void eng_store_set_fuel(eng_store *store, uint64_t fuel);
bool eng_store_add_fuel(eng_store *store, uint64_t fuel);
bool eng_store_get_fuel(const eng_store *store, uint64_t *remaining);
void eng_store_disable_fuel(eng_store *store);

/* Deadline `timeout_ns` from now (starts the timer thread the first time); 0 means now.
 * eng_store_clear_deadline removes it. Code must be compiled with ENG_CHECK_EPOCH to be stopped
 * inside loops. */
void eng_store_set_deadline(eng_store *store, uint64_t timeout_ns);
void eng_store_clear_deadline(eng_store *store);
/* True when a deadline is set and has passed (by the epoch counter). */
bool eng_store_deadline_passed(const eng_store *store);

/* Stops the call running in the store at its next check, from any thread; when none runs,
 * the next call stops at its first check. The request is used up by the trap. It only stores
 * two atomic flags, so a signal handler may call it (while the store exists). */
void eng_store_interrupt(eng_store *store);
/* A handle to interrupt the store from another thread, valid even after the store is freed
 * (interrupting then does nothing). Free each with eng_interrupt_handle_free. */
eng_interrupt *eng_store_interrupt_handle(eng_store *store);
void eng_interrupt_handle_interrupt(eng_interrupt *handle);
void eng_interrupt_handle_free(eng_interrupt *handle);

/* The engine-wide epoch counter as last published (ticks of ENG_EPOCH_TICK_NS since the timer
 * thread started; it is brought up to date whenever a deadline falls due). */
uint64_t eng_engine_epoch(void);

/* The last limit the store ran into (kind ENG_LIMIT_NONE when none); eng_store_clear_limit_event
 * forgets it. */
const eng_limit_event *eng_store_last_limit(const eng_store *store);
void eng_store_clear_limit_event(eng_store *store);
/* Registers `object` to be destroyed with the store; returns false on OOM (object destroyed). */
bool eng_store_own(eng_store *store, void *object, void (*destroy)(void *));
/* `size` zeroed bytes, 16-byte aligned, that live exactly as long as the store (its arena: no
 * free, no destructor; register one with eng_store_own when more must happen); NULL on OOM. */
void *eng_store_alloc(eng_store *store, size_t size);

/* memory.c: reserves the address space (guard regions included) and commits min pages. For
 * memory 0 of `module` (NULL for any other memory), it may come already holding the module's
 * active data (its image mapped, or a pooled memory the module left unwritten): memory->contents_id
 * then equals the module's (eng_module_memory_contents) and the data must not be copied again. */
eng_memory *eng_memory_new(eng_store *store, const eng_memtype *type, const eng_module *module, eng_error **error);
/* Returns the old size in pages, or -1 if growing is not possible (max, 4 GiB, the store's
 * memory cap, or OOM). eng_memory_new fails when the minimum does not fit under the cap. */
int64_t eng_memory_grow(eng_memory *memory, uint64_t delta_pages);
/* memory.fill, memory.copy, memory.init: false (nothing changed) when a range is out of bounds:
 * the caller traps "out of bounds memory access". */
bool eng_memory_fill(eng_memory *memory, uint32_t to, uint8_t value, uint32_t count);
bool eng_memory_copy(eng_memory *memory, uint32_t to, uint32_t from, uint32_t count);
bool eng_memory_init(eng_memory *memory, const eng_data_instance *segment, uint32_t to, uint32_t from, uint32_t count);
static inline uint64_t memory_pages(const eng_memory *memory) { return memory->size / ENG_PAGE_SIZE; }
/* The memory's bytes for the host to write (or keep: it may write later): from then on the store
 * counts as having written its memories (eng_store.memory_written). */
static inline uint8_t *eng_memory_bytes_for_host(eng_memory *memory)
{
    memory->store->memory_written = true;
    return memory->base;
}

/* table.c */
eng_table *eng_table_new(eng_store *store, const eng_tabletype *type, void *init, eng_error **error);
int64_t eng_table_grow(eng_table *table, uint32_t delta, void *init); /* old size or -1 (max, cap, OOM) */
/* table.fill, table.copy, table.init: false (nothing changed) when a range is out of bounds: the
 * caller traps "out of bounds table access". */
bool eng_table_fill(eng_table *table, uint32_t start, void *value, uint32_t count);
bool eng_table_copy(eng_table *destination, const eng_table *source, uint32_t to, uint32_t from, uint32_t count);
bool eng_table_init(eng_table *table, const eng_elem_instance *segment, uint32_t to, uint32_t from, uint32_t count);

/* `value`: eng_valtype_slots(type->type) slots. */
eng_global *eng_global_new(eng_store *store, const eng_globaltype *type, const eng_slot *value);
/* Both live in the store's arena. The host function copies `type` (its hash and slot counts
 * too when it is complete: eng_functype_complete). */
eng_func *eng_func_new_host(eng_store *store, const eng_functype *type, eng_host_callback callback, void *env);

/* instance.c: links imports (in module import order, already resolved by the caller; type
 * checked here: "incompatible import type" errors), creates definitions, applies segments and
 * runs the start function. Returns an error for link failures; sets *trap (and returns NULL)
 * when a segment is out of bounds or the start function traps; the instance then still exists
 * in the store, but *out is set only on success. */
eng_error *eng_instance_new(eng_store *store, eng_module *module, const eng_extern *imports, uint32_t import_count,
                            eng_instance **out, eng_trap **trap);
/* Finds an export by name; false when missing. */
bool eng_instance_export(const eng_instance *instance, const char *name, size_t name_length, eng_extern *out);

/* interp.c: calls `func` (wasm or host) with args in args_results[0..param_count); on success
 * the results are in args_results[0..result_count) and NULL is returned; otherwise a trap. */
eng_trap *eng_func_call(eng_store *store, eng_func *func, eng_slot *args_results);

/* trap.c: guard-page fault handling for memory accesses. Installed once, process-wide. */
void eng_trap_install_signal_handler(void);

#endif
