/* api_internal.h: shared within src/api: handles, object identities, type and value conversions, text in memory. */
#ifndef WH_API_INTERNAL_H
#define WH_API_INTERNAL_H

#include <stdio.h>

#include "engine.h"
#include "wasm.h"
#include "wasmhost.h"

/* ---- errors (api_error.c) ---- */

/* Records the calling thread's last failure (see wh_last_error_message). */
void api_fail(wh_error_code_t code, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* Records an engine error under `code`, prefixed with `where`, and frees it. */
void api_fail_error(wh_error_code_t code, const char *where, eng_error *error);

/* ---- object identities and handles ----
 *
 * Every reference handle (wasm_func_t*, wasm_extern_t*, wasm_ref_t*, ...) is a small heap
 * block pointing to the identity of the object it refers to: an api_object, one per object,
 * shared by all its handles. The identity holds the host info and the engine object.
 *
 * Store-owned identities (functions, globals, tables, memories, instances, foreign objects)
 * live as long as their store: they are registered with the engine store and freed, finalizer
 * first, by wasm_store_delete. Identities of modules and traps are not tied to a store: they
 * count their handles and go with the last one. WebAssembly values of type externref are
 * pointers to identities (NULL is null); funcref values are eng_func pointers (code.h). */

typedef enum api_kind {
    API_FUNC,
    API_GLOBAL,
    API_TABLE,
    API_MEMORY,
    API_FOREIGN,
    API_INSTANCE,
    API_MODULE,
    API_TRAP,
} api_kind;

typedef struct api_object {
    api_kind kind;
    void *host_info;
    void (*host_finalizer)(void *);
    union {
        eng_func *func;
        eng_global *global;
        eng_table *table;
        eng_memory *memory;
        eng_instance *instance;
        eng_module *module; /* one engine reference, released with the identity */
        eng_trap *trap;     /* owned */
        void *engine_object;
    };
    /* Modules and traps only: handles (and stores holding the object as an externref).
     * Atomic, as a module's handles may be copied and deleted by several threads at once. */
    _Atomic size_t reference_count;
    /* The serial number of the last store that took a reference (see api_pin): only saves
     * pinning twice in a row. A number, not the store's address, which a later store may reuse. */
    _Atomic uint64_t pinned_in;
    wh_trap_code_t trap_code; /* traps only */
    /* Traps only: a module reference the trap holds so that its frames' names (which point into
     * the module) stay readable after the store and whatever else held the module are gone (the
     * traps of wh_plugin_call); NULL for the others, whose frames the store keeps alive. */
    eng_module *frames_module;
    /* Instances only: the handle wasm_frame_instance returns, owned by the identity. */
    struct wasm_ref_t *frame_handle;
} api_object;

/* A handle: a reference to an object, as seen by the user. Every handle type of wasm.h has
 * this layout (struct wasm_func_t { wasm_ref_t ref; } ...), so that a handle converts to
 * wasm_ref_t* and wasm_extern_t* and back by a cast. */
struct wasm_ref_t {
    api_object *object;
    wasm_store_t *store; /* the store the object lives in (NULL for a trap made without one) */
};

#define API_HANDLE(name)     \
    struct wasm_##name##_t { \
        wasm_ref_t ref;      \
    };
API_HANDLE(func)
API_HANDLE(global)
API_HANDLE(table)
API_HANDLE(memory)
API_HANDLE(extern)
API_HANDLE(foreign)
API_HANDLE(instance)
API_HANDLE(module)
API_HANDLE(trap)
#undef API_HANDLE

/* wh_config_set_compile_timeout's default (wasmhost.h says why 60 s). */
#define API_DEFAULT_COMPILE_TIMEOUT_NS (UINT64_C(60) * 1000000000u)

/* The configuration (wh_config_*), copied into the engine, which keeps nothing else: everything
 * runs in stores. */
struct wasm_config_t {
    bool consume_fuel;
    bool interruptible;
    wh_tier_t tier;
    char *cache_dir;                     /* compiled code cache (api_cache.c), owned; NULL: none */
    uint64_t cache_max;                  /* its bound in bytes */
    uint64_t compile_timeout_ns;         /* a compile to native code taking longer is stopped (0: no bound) */
    uint32_t max_instances;              /* instances alive at once in the engine's stores (0: no bound) */
    uint64_t max_memory_per_instance;    /* the memories one instance defines (0: the engine's default) */
    struct wasm_engine_t *instance_pool; /* the engine whose instance count it shares (NULL: its own) */
    bool changed;                        /* a wh_config_* call was made: WASMHOST_COMPILE_CHECKS is then ignored */
};

struct wasm_engine_t {
    wasm_config_t config;
    uint32_t checks; /* ENG_CHECK_* its modules are compiled with (from the configuration) */
    /* The engine whose config.max_instances bounds its instances and whose live_instances counts
     * them (api_instance_slot_take): itself, or the one of wh_config_set_instance_pool. */
    struct wasm_engine_t *instance_pool;
    _Atomic uint32_t live_instances;
};

/* api_cache.c: attaches cached compiled code to `module` (true on a hit); stores the compiled
 * code `module` has. Only for an engine with a cache_dir. */
bool api_cache_lookup(const wasm_engine_t *engine, eng_module *module, uint32_t checks);
void api_cache_store(const wasm_engine_t *engine, const eng_module *module, uint32_t checks);

/* Identity lookup for engine objects: open addressing, keyed by the engine pointer. */
typedef struct api_object_map {
    api_object **slots;
    size_t capacity; /* a power of two, or 0 */
    size_t count;
} api_object_map;

struct wasm_store_t {
    eng_store *engine;
    uint64_t serial;         /* unique in the process (never reused, unlike the store's address) */
    wasm_engine_t *made_by;  /* its engine: the configuration that decides what limits may be set */
    uint32_t instance_slots; /* of made_by's max_instances, held until the store is deleted */
    /* Fuel: what was granted since wh_store_set_fuel (as the engine counts it), so that consumed
     * = granted - remaining however often fuel is added. */
    uint64_t fuel_granted;
    api_object_map objects;
    api_object **instances; /* every instance made through the API, for wasm_frame_instance */
    size_t instance_count, instance_capacity;
};

/* A new handle to `object` in `store`; NULL (error recorded) when out of memory. */
wasm_ref_t *api_handle_new(wasm_store_t *store, api_object *object);
void api_handle_delete(wasm_ref_t *handle);
/* The identity of an engine object of the store, created on first use; NULL when out of memory. */
api_object *api_object_for(wasm_store_t *store, api_kind kind, void *engine_object);
/* A refcounted identity (module or trap) with one reference; NULL when out of memory. */
api_object *api_object_new_counted(api_kind kind);
void api_object_release(api_object *object);
/* Makes `store` hold a reference to a module or trap identity that became a WebAssembly value
 * (externref), so that it outlives its handles while the store may use it. */
bool api_pin(wasm_store_t *store, api_object *object);
/* Registers an instance made in the store (for wasm_frame_instance). */
bool api_store_add_instance(wasm_store_t *store, api_object *object);
/* api_instance.c: instantiates `module` with `externs` (one per import, belonging to `store`) and
 * makes its handle; on failure records the error (messages start with `where`), sets *trap_out
 * when given, and returns NULL. */
wasm_instance_t *api_instantiate(wasm_store_t *store, eng_module *module, const eng_extern *externs, uint32_t count,
                                 wasm_trap_t **trap_out, const char *where);
void api_fail_instantiation(wasm_store_t *store, wasm_trap_t **trap_out, wh_error_code_t code, const char *where,
                            const char *message);
/* api_func.c: a host function for `type` (complete, no v128) whose calls go to `callback` with
 * `env`, living in the store's arena; NULL when out of memory. */
eng_func *api_host_func_new(wasm_store_t *store, const eng_functype *type, wasm_func_callback_with_env_t callback,
                            void *env);
/* Takes one of the engine's max_instances for an instance about to be made in `store`: true, or
 * false with the reason in `why` (for a WH_ERROR_CAPACITY failure) when all are alive. The store
 * gives it back when it is deleted; api_instance_slot_return gives it back at once, when
 * instantiating failed before the instance existed. */
bool api_instance_slot_take(wasm_store_t *store, char *why, size_t why_size);
void api_instance_slot_return(wasm_store_t *store);

static inline bool api_is_extern_kind(api_kind kind) { return kind <= API_MEMORY; }

/* ---- modules (api_module.c) ---- */

/* Decodes and validates `binary` with the checks of `engine` (NULL: an engine's defaults); NULL
 * when it cannot, with the error (malformed or invalid) recorded under `where`. One reference. */
eng_module *api_module_compile(const wasm_engine_t *engine, const wasm_byte_vec_t *binary, const char *where);
/* As api_module_compile, or, for an artifact (eng_artifact_is), its module with its native code,
 * refused when its code lacks checks `engine` needs (fuel, deadlines). */
eng_module *api_module_load(const wasm_engine_t *engine, const wasm_byte_vec_t *binary, const char *where);
/* Native code for `module` with `engine`'s checks: already there, from the engine's cache, or
 * compiled now (and cached). False (WH_ERROR_CONFIG, under `where`) when it cannot compile. */
bool api_module_compile_native(const wasm_engine_t *engine, eng_module *module, const char *where);

/* ---- types (api_types.c) ---- */

struct wasm_valtype_t {
    wasm_valkind_t kind;
};

/* The common head of the five external types. */
struct wasm_externtype_t {
    wasm_externkind_t kind;
};

struct wasm_functype_t {
    wasm_externtype_t head;
    wasm_valtype_vec_t params, results;
};

struct wasm_globaltype_t {
    wasm_externtype_t head;
    wasm_valtype_t *content;
    wasm_mutability_t mutability;
};

struct wasm_tabletype_t {
    wasm_externtype_t head;
    wasm_valtype_t *element;
    wasm_limits_t limits;
};

struct wasm_memorytype_t {
    wasm_externtype_t head;
    wasm_limits_t limits;
};

struct wasm_tagtype_t {
    wasm_externtype_t head;
    wasm_functype_t *functype;
};

struct wasm_importtype_t {
    wasm_name_t module, name;
    wasm_externtype_t *type;
};

struct wasm_exporttype_t {
    wasm_name_t name;
    wasm_externtype_t *type;
};

/* Engine value types <-> API kinds. api_valtype returns false for kinds the engine lacks. (Names:
 * eng_valtype_name, module.h, and wh_valkind_name, wasmhost.h.) */
wasm_valkind_t api_valkind(eng_valtype type);
bool api_valtype(wasm_valkind_t kind, eng_valtype *out);

/* API types from engine types (NULL when out of memory). */
wasm_functype_t *api_functype_from(const eng_functype *type);
wasm_globaltype_t *api_globaltype_from(const eng_globaltype *type);
wasm_tabletype_t *api_tabletype_from(const eng_tabletype *type);
wasm_memorytype_t *api_memorytype_from(const eng_memtype *type);
/* Engine types from API types: false (error recorded, prefixed with `where`) when the API type
 * cannot be one (unknown kinds, bad limits). The eng_functype's types array must be freed. */
bool api_functype_to(const wasm_functype_t *type, eng_functype *out, const char *where);
bool api_globaltype_to(const wasm_globaltype_t *type, eng_globaltype *out, const char *where);
bool api_tabletype_to(const wasm_tabletype_t *type, eng_tabletype *out, const char *where);
bool api_memorytype_to(const wasm_memorytype_t *type, eng_memtype *out, const char *where);
/* "func [i32 i32] -> [i32]", for messages: wh_functype_format (wasmhost.h) for an engine type. */
void api_format_functype(const eng_functype *type, char *buffer, size_t size);

/* ---- values (api_func.c) ---- */

/* A WebAssembly value of engine type `type` as an API value (references become new handles,
 * owned by *out). False when out of memory (error recorded). */
bool api_val_from_slot(wasm_store_t *store, eng_valtype type, eng_slot slot, wasm_val_t *out);
/* Names a value in messages: `what`, then ` index` unless index is negative, then ` after`
 * when not NULL ("argument 2", "result 0 of a host function"). Formatted only when there is
 * something to say, so that calls that go well pay nothing for it. */
typedef struct api_value_name {
    const char *what;
    int index;
    const char *after;
} api_value_name;

/* An API value as a WebAssembly value of type `type`: NULL, or a message (written to
 * `message`) saying why it cannot be one: kind mismatch, a reference of another store, a
 * function reference that is not a function. */
const char *api_val_to_slot(wasm_store_t *store, eng_valtype type, const wasm_val_t *val, eng_slot *out,
                            api_value_name name, char *message, size_t message_size);
/* A reference handle (or NULL) as a reference of type `type` (ENG_FUNCREF or ENG_EXTERNREF). */
const char *api_ref_to_pointer(wasm_store_t *store, eng_valtype type, const wasm_ref_t *ref, void **out,
                               api_value_name name, char *message, size_t message_size);
/* The handle for a reference value of type `type` (NULL for null or when out of memory). */
wasm_ref_t *api_ref_from_pointer(wasm_store_t *store, eng_valtype type, void *pointer);

/* ---- text (api_describe.c) ---- */

/* Text written to a stream in memory, for the functions that return text in an own byte vector
 * (wh_module_describe, wh_name_format, wh_trap_format). */
typedef struct api_text {
    FILE *stream;
    char *data;
    size_t size;
} api_text;
/* Opens text->stream; false (WH_ERROR_RESOURCE "WHERE: out of memory" recorded) when it cannot. */
bool api_text_open(api_text *text, const char *where);
/* Closes the stream and gives what was written to `out` (own); false, `out` empty and the error
 * recorded as by api_text_open, when memory ran out on the way. */
bool api_text_close(api_text *text, wasm_byte_vec_t *out, const char *where);

/* ---- traps (api_trap.c) ---- */

/* A trap handle for an engine trap (taken over). Never NULL unless out of memory. */
wasm_trap_t *api_trap_from(wasm_store_t *store, eng_trap *trap);
/* A trap of code WH_TRAP_CODE_API with a printf-style message; also recorded as the last error. */
wasm_trap_t *api_trap_misuse(wasm_store_t *store, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* The engine trap for a trap a host function returned (taken over and deleted). */
eng_trap *api_trap_take(wasm_trap_t *trap);
/* Adds `text` to the end of the trap's message (nothing when memory runs out). */
void api_trap_append(wasm_trap_t *trap, const char *text);
/* Makes the trap hold a reference to `module`, whose functions its frames name (see
 * frames_module above). */
void api_trap_hold_module(wasm_trap_t *trap, eng_module *module);

/* ---- bytes in, bytes out (api_bytes.c) ---- */

/* Whether `type` is exactly `params` -> `results`, one letter per value: 'i' for i32, 'I' for i64
 * (the plugin shape is "ii" -> "I"). */
bool api_functype_is(const eng_functype *type, const char *params, const char *results);

/* What one call of the bytes-in, bytes-out convention (wasmhost.h, wh_call_bytes) uses. */
typedef struct api_bytes_call {
    eng_store *store;         /* where the calls run */
    wasm_store_t *trap_store; /* the store trap handles name; NULL for traps that outlive the store */
    const char *where;        /* what messages start with: "wh_call_bytes" */
    const char *name;         /* the export's name, for messages */
    eng_func *function;       /* the export, of the plugin shape */
    eng_func *allocate;       /* wasmhost_alloc; NULL when missing: only an empty input can be passed */
    eng_func *release;        /* wasmhost_free; NULL: the buffers are not given back */
    eng_memory *memory;       /* the instance's "memory" */
} api_bytes_call;
/* Copies `input` into a buffer from wasmhost_alloc, calls, checks where the output lies and copies
 * it to `output` (own), then gives the buffers back; NULL, or a trap (the guest's, or one of code
 * WH_TRAP_CODE_API naming the part of the convention the guest did not meet) with `output` empty. */
wasm_trap_t *api_call_bytes(const api_bytes_call *call, const wasm_byte_vec_t *input, wasm_byte_vec_t *output);

/* ---- limits (api_limits.c) ---- */

/* Where the store's record of limits reached stands, to tell afterwards whether an operation
 * that failed was refused by the memory or table cap (WH_ERROR_LIMIT) or for another reason. */
typedef struct api_limit_mark {
    eng_limit_kind kind;
    uint64_t count;
} api_limit_mark;
api_limit_mark api_limit_mark_now(const wasm_store_t *store);
bool api_cap_refused(const wasm_store_t *store, api_limit_mark mark);

#endif
