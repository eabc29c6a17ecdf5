/* runtime.h: run-time objects (store, instances, functions, memories, tables, globals, traps). */
#ifndef WH_RUNTIME_H
#define WH_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "code.h"
#include "module.h"

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
} wh_trap_kind;

/* "unreachable", "integer divide by zero", ... (the spec's wording). */
const char *trap_kind_message(wh_trap_kind kind);

typedef struct wh_backtrace_frame {
    const wh_module *module; /* NULL for host functions */
    uint32_t func_index;     /* in the module's function index space */
    uint32_t byte_offset;    /* of the wasm instruction in the module, 0 when unknown */
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

typedef struct wh_store wh_store;
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
} wh_memory;

#define WH_PAGE_SIZE 65536u
#define WH_MAX_PAGES 65536u

typedef struct wh_table {
    wh_tabletype type;
    uint32_t size;
    uint32_t capacity;
    void **elements; /* wh_func * for funcref, host pointer for externref; NULL = null */
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

/* A store owns every run-time object created in it; they live until the store is freed
 * (as in the spec's store: a failed instantiation may leave its functions in shared tables). */
struct wh_store {
    wh_slot *stack;        /* value stack */
    size_t stack_slots;
    wh_slot *stack_top;    /* first free slot: where a new outermost (or re-entrant) call starts */
    wh_frame *frames;
    uint32_t max_frames;
    uint32_t frame_depth;
    /* Every object allocated in the store, freed with it. */
    void **objects;
    void (**object_destructors)(void *);
    size_t object_count, object_capacity;
};

wh_store *store_new(void);
void store_free(wh_store *store);
/* Registers `object` to be destroyed with the store; returns false on OOM (object destroyed). */
bool store_own(wh_store *store, void *object, void (*destroy)(void *));

/* memory.c: reserves the address space (guard regions included) and commits min pages. */
wh_memory *memory_new(wh_store *store, const wh_memtype *type, wh_error **error);
/* Returns the old size in pages, or -1 if growing is not possible (max, 4 GiB, or OOM). */
int64_t memory_grow(wh_memory *memory, uint64_t delta_pages);
static inline uint64_t memory_pages(const wh_memory *memory) { return memory->size / WH_PAGE_SIZE; }

/* table.c */
wh_table *table_new(wh_store *store, const wh_tabletype *type, void *init, wh_error **error);
int64_t table_grow(wh_table *table, uint32_t delta, void *init); /* old size or -1 */

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
