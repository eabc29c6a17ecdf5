/* wasmhost.h: wasmhost's additions to the standard WebAssembly C API (wasm.h), under the prefix wh_.
 *
 * What the standard leaves out and an embedder of wasmhost needs: why a call failed (messages
 * with codes), trap kinds and exit codes, WASI for an instance, looking exports up by name,
 * module metadata, a one-call "bytes in, bytes out" convention for plugin-style exports, and
 * plugins: modules that follow it, loaded once and called in a fresh instance each time.
 * The ownership rules of wasm.h apply here too (`own` results belong to the caller).
 *
 * Threads: an engine (wasm_engine_t) and a compiled module (wasm_module_t) may be used by any
 * number of threads at once: compile a module once, then instantiate it in each thread's own
 * stores; module handles may be copied and deleted from any thread. A store and everything in
 * it (instances, functions, memories, traps it returned, ...) is used by one thread at a time,
 * and so is a WASI context (wh_wasi_t) with the store it serves. Interrupt handles (below) may
 * be used from any thread. The last-error record is per thread.
 */
#ifndef WASMHOST_H
#define WASMHOST_H

#include <stddef.h>
#include <stdint.h>

#include "wasm.h"

#ifndef WH_API
#if defined(__GNUC__)
#define WH_API __attribute__((visibility("default")))
#else
#define WH_API
#endif
#endif

/* `own` marks ownership as in wasm.h (which undefines it at its end). */
#ifndef own
#define own
#define WH_UNDEFINE_OWN_
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- version ---- */

#define WH_VERSION_MAJOR 0
#define WH_VERSION_MINOR 1
#define WH_VERSION_PATCH 0

/* The library's version, "MAJOR.MINOR.PATCH" (that of the library loaded, which may be newer
 * than the header a program was compiled with). */
WH_API const char *wh_version(void);

/* ---- errors ----
 * A wasm_* or wh_* function that fails (returns NULL, false, an empty result or does nothing)
 * records why, for the calling thread: a code and a message a user can act on, e.g.
 * "wasm_module_new: section 3 at offset 0x1a: unexpected end". Successful calls leave the record
 * as it was, so read it right after the failing call. Traps are not errors: they are returned
 * as wasm_trap_t values (see wh_trap_code below). */
typedef enum wh_error_code_t {
    WH_OK = 0,                 /* no failure recorded */
    WH_ERROR_INVALID_ARGUMENT, /* NULL where an object was needed, wrong kind, type or arity */
    WH_ERROR_MALFORMED,        /* the bytes are not a WebAssembly binary (decoding failed) */
    WH_ERROR_INVALID,          /* the module does not validate */
    WH_ERROR_LINK,             /* the imports do not match what the module needs */
    WH_ERROR_TRAP,             /* instantiation trapped (segment out of bounds, start function) */
    WH_ERROR_RESOURCE,         /* out of memory or address space, or an implementation limit */
    WH_ERROR_NOT_FOUND,        /* no export, section or file of that name */
    WH_ERROR_SERIALIZED,       /* not a module serialized by this version of wasmhost */
    WH_ERROR_WASI,             /* a WASI setting was refused (directory cannot be opened, ...) */
    WH_ERROR_LIMIT,            /* a store limit refused it (memory or table cap) or is out of range */
    WH_ERROR_CONFIG,           /* the engine's configuration does not allow it (e.g. fuel not enabled) */
    WH_ERROR_CONVENTION,       /* the module is not a plugin: it does not follow the convention (wh_plugin_new) */
    WH_ERROR_CAPACITY,         /* the engine has its max_instances alive: retry once a store is deleted */
    WH_ERROR_SNAPSHOT,         /* the instance's state cannot be written as a module (wh_instance_snapshot) */
} wh_error_code_t;

WH_API wh_error_code_t wh_last_error_code(void);
/* "" when no failure is recorded. Valid until the thread's next failing call. */
WH_API const char *wh_last_error_message(void);
WH_API void wh_clear_error(void);

/* ---- traps ---- */

typedef enum wh_trap_code_t {
    WH_TRAP_CODE_UNREACHABLE,
    WH_TRAP_CODE_INTEGER_DIVIDE_BY_ZERO,
    WH_TRAP_CODE_INTEGER_OVERFLOW,
    WH_TRAP_CODE_INVALID_CONVERSION,
    WH_TRAP_CODE_OUT_OF_BOUNDS_MEMORY,
    WH_TRAP_CODE_OUT_OF_BOUNDS_TABLE,
    WH_TRAP_CODE_INDIRECT_CALL_TYPE_MISMATCH,
    WH_TRAP_CODE_UNDEFINED_ELEMENT,
    WH_TRAP_CODE_UNINITIALIZED_ELEMENT,
    WH_TRAP_CODE_CALL_STACK_EXHAUSTED,
    WH_TRAP_CODE_HOST,              /* raised by a host function (wasm_trap_new) */
    WH_TRAP_CODE_EXIT,              /* not a failure: the guest called WASI proc_exit (see wh_trap_exit_code) */
    WH_TRAP_CODE_API,               /* the call itself was wrong: arguments or results of the wrong kind or count */
    WH_TRAP_CODE_FUEL_EXHAUSTED,    /* the store's fuel ran out (wh_store_set_fuel) */
    WH_TRAP_CODE_DEADLINE_EXCEEDED, /* the store's deadline passed (wh_store_set_deadline) */
    WH_TRAP_CODE_INTERRUPTED,       /* wh_interrupt_handle_interrupt was called */
    WH_TRAP_CODE_PLUGIN_ERROR,      /* a plugin reported an error: "plugin error: ..." (see wh_plugin_call) */
    WH_TRAP_CODE_CAPACITY,          /* nothing ran: its instance pool had max_instances alive (wh_plugin_call) */
    WH_TRAP_CODE_OTHER,             /* a kind this list does not name (yet): see the trap's message */
} wh_trap_code_t;

WH_API wh_trap_code_t wh_trap_code(const wasm_trap_t *);
/* True when the trap is a WASI proc_exit; *exit_code is then the code the guest gave. */
WH_API bool wh_trap_exit_code(const wasm_trap_t *, int *exit_code);
/* The trap as text: "trap: MESSAGE" then one "  at FUNCTION (offset 0x...)" line per frame,
 * innermost first, with function names from the module's name section when it has one. */
WH_API void wh_trap_format(const wasm_trap_t *, own wasm_byte_vec_t *out);
/* The name of a frame's function from the module's name section; false (and `out` empty) when
 * the module does not name it. */
WH_API bool wh_frame_func_name(const wasm_frame_t *, own wasm_name_t *out);

/* ---- modules and instances ---- */

/* The module's name from its name section; false (and `out` empty) when it has none. */
WH_API bool wh_module_name(const wasm_module_t *, own wasm_name_t *out);
/* The contents of the module's first custom section called `name` (a NUL-terminated string),
 * e.g. a plugin's version or manifest; false (and `out` empty) when there is none. */
WH_API bool wh_module_custom_section(const wasm_module_t *, const char *name, own wasm_byte_vec_t *out);
/* The export called `name` (a NUL-terminated string); NULL when there is none. */
WH_API own wasm_extern_t *wh_instance_export(const wasm_instance_t *, const char *name);

/* ---- linking once: instance pre ----
 * A server instantiates the same module with the same host functions for every request. With
 * wasm_instance_new that means, each time, a wasm_func_t per import (its type converted and
 * checked) and a vector of externs. An instance pre does the linking once: wh_instance_pre_new
 * takes one callback per import of `module` (every import must be a function, `callbacks[i]`
 * serves import i in wasm_module_imports order, with the import's own type; no v128), checks them
 * and keeps the module; wh_instance_pre_instantiate then makes an instance in any store of the
 * module's engine with none of that work. The host function of import i is called with envs[i]
 * as given to wh_instance_pre_instantiate (envs NULL: every env NULL): the context of that
 * instance, a request say, or a part of it.
 * A pre is immutable, may be used by several threads at once, and may be deleted while instances
 * made from it live. Failures return NULL with wh_last_error_message set (and *trap, when given,
 * as wasm_instance_new does). */
typedef struct wh_instance_pre_t wh_instance_pre_t;
WH_API own wh_instance_pre_t *wh_instance_pre_new(const wasm_module_t *module,
                                                  const wasm_func_callback_with_env_t *callbacks, size_t count);
WH_API own wasm_instance_t *wh_instance_pre_instantiate(const wh_instance_pre_t *, wasm_store_t *store,
                                                        void *const *envs, own wasm_trap_t **trap);
WH_API void wh_instance_pre_delete(own wh_instance_pre_t *);

/* ---- snapshots ----
 * A snapshot is a plain WebAssembly module, equivalent to the instance's module, whose instances
 * start in the state the instance is in now: its initialisation has run once, ahead of time
 * (what Wizer does; `wasmhost snapshot` and serve's `init:` are built on this call). Any
 * WebAssembly 2.0 engine can run it. In the module written to `out`:
 *   - memory 0's current size is its minimum (its maximum is kept) and its current contents are
 *     active data segments (runs of non-zero bytes, a few zeros apart at most);
 *   - each mutable defined global starts at its current value;
 *   - the start section is gone, and so is the export "_initialize" (a WASI reactor's
 *     constructors): both have run. Call "_initialize" before snapshotting a reactor.
 *   - the export named `drop_export` (an init function, say) is gone too (NULL: none);
 *   - the original data segments keep their indices (memory.init and data.drop name them): the
 *     active ones, applied and dropped at instantiation, and the passive ones the instance
 *     dropped, become empty passive segments; the new ones follow them;
 *   - every other section is copied byte for byte (code, names, custom sections).
 * State outside the instance is not captured (files WASI opened, the host's): only what the
 * guest kept of it in its memory. Refused (false, WH_ERROR_SNAPSHOT, saying what) when the state
 * cannot be written faithfully: an imported memory or table, more than one memory, a mutable
 * imported global, a table grown or changed since instantiation (it holds functions, which data
 * cannot express), a passive element segment dropped, a global holding a host reference or a
 * function of another instance; WH_ERROR_NOT_FOUND when there is no export `drop_export`.
 * `out` is empty on failure. The instance is not changed. */
WH_API bool wh_instance_snapshot(const wasm_instance_t *instance, const char *drop_export, own wasm_byte_vec_t *out);

/* ---- v128 values (SIMD) ----
 * wasm.h has no value kind for SIMD's 128-bit vectors; wasmhost's is WH_V128. wasm_valtype_kind
 * gives it for v128 parameters, results and globals, and wasm_valtype_new(WH_V128) makes the type.
 * A wasm_val_t cannot hold 16 bytes, so wasm_func_call refuses (with a trap that says so) a
 * function that takes or returns v128 values, wasm_global_get and wasm_global_set refuse a v128
 * global, and host functions cannot take or return them. wh_func_call takes wh_val_t, which can. */
#define WH_V128 ((wasm_valkind_t)4)
typedef struct wh_val_t {
    wasm_valkind_t kind; /* a wasm_valkind_t or WH_V128 */
    union {
        int32_t i32;
        int64_t i64;
        float32_t f32;
        float64_t f64;
        struct wasm_ref_t *ref;
        uint8_t v128[16]; /* the vector's bytes in memory order (lane 0 first) */
    } of;
} wh_val_t;
/* wasm_func_call with wh_val_t: `args` holds arg_count values, `results` room for result_count
 * (checked once the call has returned, as wasm_func_call does). Same ownership rules. */
WH_API own wasm_trap_t *wh_func_call(const wasm_func_t *, const wh_val_t *args, size_t arg_count, wh_val_t *results,
                                     size_t result_count);

/* A module as text, one line per item, for people (not a stable format to parse): what
 * `wasmhost inspect` prints. With WH_DESCRIBE_MODULE: its name, types, imports, functions,
 * tables, memories, globals, exports, start function, element and data segments and custom
 * sections; with WH_DESCRIBE_CODE: each defined function's code as the engine translated it
 * (for engine developers; left out when the module does not validate). The binary is decoded
 * but not validated, so that a module that does not validate can still be listed (see
 * wasm_module_validate). False (WH_ERROR_MALFORMED) when the bytes do not decode. */
enum { WH_DESCRIBE_MODULE = 1, WH_DESCRIBE_CODE = 2 };
WH_API bool wh_module_describe(const wasm_byte_vec_t *binary, int what, own wasm_byte_vec_t *out);
/* A value as text, as `wasmhost invoke` prints it: integers in signed decimal, floats in the
 * shortest decimal that reads back to the same bits (inf, nan, nan:0xPAYLOAD for other NaNs,
 * with a leading - when the sign is set), references as "ref" or "null". Always NUL-terminated
 * within `size` bytes. */
WH_API void wh_val_format(const wasm_val_t *value, char *buf, size_t size);
/* A value kind's name as the text format writes it: "i32", "i64", "f32", "f64", "externref",
 * "funcref" or "v128"; "unknown kind" for a number that is none of these. */
WH_API const char *wh_valkind_name(wasm_valkind_t kind);
/* An extern kind's name: "func", "global", "table" or "memory"; "unknown kind" for another number. */
WH_API const char *wh_externkind_name(wasm_externkind_t kind);
/* A function type as text, as wasmhost's messages write it: "func [i32 i64] -> [f32]" (an
 * empty list as "[]"). Always NUL-terminated within `size` bytes. */
WH_API void wh_functype_format(const wasm_functype_t *type, char *buf, size_t size);
/* A name (of an import, export, module or custom section) as text, as `wasmhost inspect` writes
 * it: double-quoted, with control characters, quotes and backslashes as \hh (two hexadecimal
 * digits: a"b is "a\22b"). `out` owns the text, which is not NUL-terminated; it is empty (and an
 * error recorded) when `name` is NULL or memory runs out. */
WH_API void wh_name_format(const wasm_name_t *name, own wasm_byte_vec_t *out);

/* ---- limits ----
 * Every store bounds what the code running in it may take (defaults in brackets):
 *  - memory: all memories of the store together [4 GiB]. memory.grow past the cap returns -1;
 *    instantiating a module whose memory minimum does not fit fails (WH_ERROR_LIMIT).
 *  - tables: all table elements of the store together [10,000,000]; likewise.
 *  - stack: wasm value stack plus call records [8 MiB]; past it a call traps "call stack
 *    exhausted" (WH_TRAP_CODE_CALL_STACK_EXHAUSTED).
 *  - fuel [off]: a budget of work, about one unit per instruction executed; running out traps
 *    "fuel exhausted". Needs an engine made with wh_config_consume_fuel(config, true).
 *  - deadline [none]: a running call traps "deadline exceeded" at the next function entry or
 *    loop back-edge once the deadline has passed (within about 0.1 ms plus scheduling).
 *  - interruption: from any thread, through an interrupt handle: the running call (or, when
 *    none runs, the next one) traps "interrupted".
 * Deadlines and interruption need an engine whose code checks for them: on by default, off with
 * wh_config_interruptible(config, false) for code that runs at full speed and can only be
 * stopped by fuel or not at all. After any trap the store, its instances and the engine stay
 * usable. */

/* Engine configuration, before wasm_engine_new_with_config. */
WH_API void wh_config_consume_fuel(wasm_config_t *, bool enable);  /* default false */
WH_API void wh_config_interruptible(wasm_config_t *, bool enable); /* default true */
/* A test hook: an engine left at these defaults (wasm_engine_new, or a configuration on which
 * no wh_config_* function was called) also compiles fuel accounting into every function when
 * the environment variable WASMHOST_COMPILE_CHECKS is "fuel" or "all", so that a test suite can
 * run its code with every check compiled in. Fuel metering stays off (wh_store_set_fuel still
 * needs wh_config_consume_fuel); other values ("none", "epoch") change nothing. */

/* ---- tiers ----
 * Code runs on the interpreter or as native code compiled with LLVM (the compiling tier, in
 * libwasmhost_llvm.so, loaded the first time something is compiled):
 *  - WH_TIER_INTERP: the interpreter only.
 *  - WH_TIER_COMPILED: wasm_module_new compiles every function the tier supports before it
 *    returns (the others stay interpreted, and calls between the two work both ways). Fails
 *    with WH_ERROR_CONFIG, saying why, when the compiler library is missing.
 *  - WH_TIER_AUTO [default]: compiled code from the cache (wh_config_set_cache_dir) when it
 *    holds the module, else the interpreter (compiling in the background is to come:
 *    docs/compiler.md).
 * Traps, their messages, deadlines, interruption and fuel (the same units consumed by a run)
 * are the same on both tiers. */
typedef enum wh_tier_t { WH_TIER_AUTO, WH_TIER_INTERP, WH_TIER_COMPILED } wh_tier_t;
WH_API void wh_config_set_tier(wasm_config_t *, wh_tier_t tier);
/* Compiled code is kept in `dir` (created 0700 when missing; NULL or "" [default]: no cache),
 * keyed by the module, the engine build, the run-time checks and the CPU features, and bounded
 * to `bytes` [1 GiB] by removing the least recently used entries. A module compiled before is
 * then loaded instead of compiled, by WH_TIER_COMPILED and WH_TIER_AUTO alike (which never maps
 * the compiler library for it). A damaged entry is detected and replaced, never run. */
WH_API void wh_config_set_cache_dir(wasm_config_t *, const char *dir);
WH_API void wh_config_set_cache_max(wasm_config_t *, uint64_t bytes);
/* Bounds on compiling to native code (WH_TIER_COMPILED, wh_module_compile). A compile runs in a
 * child process of its own: one taking longer than `timeout_ns` [60 s; 0: no bound] is killed
 * and fails ("... took longer than the 60 s compile timeout"); a crash or a fatal error of LLVM
 * ends that process only and fails the compile, saying so; its memory is capped (2 GiB over the
 * host's). A module with a function whose body exceeds 1 MiB or which has more than 10000 locals
 * (parameters included) is refused before anything is compiled, naming the function. Either way
 * the module can still run on the interpreter. The default is about 70 times the longest
 * compile of the bench kernels (docs/compiler.md has the figures): only a pathological module or
 * a very large one (tens of MiB of code) reaches it. */
WH_API void wh_config_set_compile_timeout(wasm_config_t *, uint64_t timeout_ns);

/* Bounded instances, for a host that makes one per request on several threads (wasmhost serve):
 *  - max_instances [0: unlimited]: instances alive at once across all the stores of the engine
 *    (and of the engines and plugins in its pool: wh_config_set_instance_pool,
 *    wh_plugin_config_t.instance_pool). An instance counts from wasm_instance_new until its store
 *    is deleted, including one whose start function trapped; an instantiation that fails
 *    otherwise gives its place back at once. The count is one atomic counter, exact under any
 *    number of threads. Past it wasm_instance_new returns NULL with WH_ERROR_CAPACITY and "... the
 *    engine has its limit of N instances alive ...", before anything is allocated, so that a host
 *    can answer "busy, retry" (503) rather than "bad module". Without a limit nothing is counted.
 *  - max_memory_per_instance [0: the default, 4 GiB]: the memories one instance defines (not those
 *    it imports) together. An instance whose memories' minimum sizes do not fit fails with
 *    WH_ERROR_LIMIT; a memory.grow past it returns -1, as for the store's max_memory_bytes, and
 *    wh_store_last_limit reports it the same way (WH_LIMIT_KIND_MEMORY, with this cap). Each store
 *    of the engine takes it with its limits; the store's max_memory_bytes still applies too. */
WH_API void wh_config_set_max_instances(wasm_config_t *, uint32_t max);
WH_API void wh_config_set_max_memory_per_instance(wasm_config_t *, uint64_t bytes);
/* Makes the engine count its instances in `pool`'s count, against `pool`'s max_instances (its own
 * setting is then ignored), so that engines differing only in what their code checks (one that
 * meters fuel, one that does not) share one bound. `pool` must outlive the engine's stores. NULL
 * [default]: its own. */
WH_API void wh_config_set_instance_pool(wasm_config_t *, wasm_engine_t *pool);

/* The first four bytes of an artifact: a module with its native code, as `wasmhost compile` and
 * wasm_module_serialize (of a module that has native code) write it. wasm_module_deserialize
 * loads it, refusing (WH_ERROR_SERIALIZED) one made by another build or for a CPU without its
 * features, or damaged, and (WH_ERROR_CONFIG) one whose code lacks checks the store's engine
 * needs: fuel metering (wh_config_consume_fuel) or deadline checks (wh_config_interruptible).
 * Its code runs native whatever the engine's tier. */
#define WH_ARTIFACT_MAGIC "\0whc"
/* Compiles `module` (made by `engine`) to native code now, unless it has native code already (from
 * the cache, or an earlier call), and stores it in the engine's cache. Instances made afterwards
 * run it; those running keep their tier. Meant for a background thread (wasmhost serve compiles
 * this way while the interpreter serves). False (WH_ERROR_CONFIG, saying why) when it cannot
 * compile: the module stays on the interpreter. Thread-safe. */
WH_API bool wh_module_compile(wasm_engine_t *engine, wasm_module_t *module);
/* How many of the module's defined functions run as native code (0 on the interpreter), and
 * the seconds their compilation took (compile_seconds may be NULL). */
WH_API uint32_t wh_module_native_functions(const wasm_module_t *, double *compile_seconds);

typedef struct wh_limits_t {
    uint64_t max_memory_bytes;   /* all memories of the store together */
    uint64_t max_table_elements; /* all tables of the store together */
    uint64_t max_stack_bytes;    /* value stack and call records, 1 KiB .. 4 GiB */
} wh_limits_t;

/* The store's limits (the defaults for a new store). */
WH_API void wh_store_limits(const wasm_store_t *, wh_limits_t *out);
/* Sets them; a cap below what the store already uses only stops further growth. False
 * (WH_ERROR_LIMIT, naming the value) when a value is out of range, or the stack is changed
 * while a call runs in the store. */
WH_API bool wh_store_set_limits(wasm_store_t *, const wh_limits_t *);

/* Fuel. set: turns metering on with `fuel` units (false, WH_ERROR_CONFIG, when the store's
 * engine was not configured to consume fuel); add: adds to what remains (saturating; false when
 * metering is off); remaining / consumed: false when metering is off. consumed counts from the
 * last set: what was set and added since, less what remains. */
WH_API bool wh_store_set_fuel(wasm_store_t *, uint64_t fuel);
WH_API bool wh_store_add_fuel(wasm_store_t *, uint64_t fuel);
WH_API bool wh_store_fuel_remaining(const wasm_store_t *, uint64_t *out);
WH_API bool wh_store_fuel_consumed(const wasm_store_t *, uint64_t *out);

/* A deadline `timeout_ns` nanoseconds from now for every call in the store (0: already passed);
 * it stays until set again or cleared. False (WH_ERROR_CONFIG) when the store's engine is not
 * interruptible. */
WH_API bool wh_store_set_deadline(wasm_store_t *, uint64_t timeout_ns);
WH_API void wh_store_clear_deadline(wasm_store_t *);

/* An interrupt handle may be used from any thread, and outlives its store: interrupting after
 * the store is deleted does nothing. Delete each handle once. NULL (WH_ERROR_CONFIG) when the
 * store's engine is neither interruptible nor consumes fuel (its code never looks). */
typedef struct wh_interrupt_handle_t wh_interrupt_handle_t;
WH_API own wh_interrupt_handle_t *wh_store_interrupt_handle(wasm_store_t *);
WH_API void wh_interrupt_handle_interrupt(const wh_interrupt_handle_t *);
WH_API void wh_interrupt_handle_delete(own wh_interrupt_handle_t *);

/* Which limit the store last ran into, for messages and metrics (a refused memory.grow does not
 * trap, so the guest may fail later in its own way, e.g. with "unreachable" after malloc fails). */
typedef enum wh_limit_kind_t {
    WH_LIMIT_KIND_NONE,
    WH_LIMIT_KIND_MEMORY,    /* a memory would have passed max_memory_bytes (or max_memory_per_instance) */
    WH_LIMIT_KIND_TABLE,     /* a table would have passed max_table_elements */
    WH_LIMIT_KIND_STACK,     /* call stack exhausted */
    WH_LIMIT_KIND_FUEL,      /* fuel exhausted */
    WH_LIMIT_KIND_DEADLINE,  /* deadline exceeded */
    WH_LIMIT_KIND_INTERRUPT, /* interrupted */
} wh_limit_kind_t;
/* The kind, and in *limit (may be NULL) the limit in force: bytes (memory, stack), elements
 * (table), fuel units (all fuel set and added), 0 (deadline, interrupt, none). */
WH_API wh_limit_kind_t wh_store_last_limit(const wasm_store_t *, uint64_t *limit);
/* When that last limit was a memory.grow or table.grow the cap refused (rather than a memory or
 * table too large to create): true, with the growth asked for and what the store already had
 * (bytes for memories, elements for tables), either pointer may be NULL; false otherwise. */
WH_API bool wh_store_last_refused_grow(const wasm_store_t *, uint64_t *requested, uint64_t *in_use);

/* ---- bytes in, bytes out ----
 * Calls the export `name` of an instance that follows this convention:
 *   - it exports its memory as "memory" and a function "wasmhost_alloc" (i32 size) -> (i32 ptr)
 *     that returns a buffer of `size` bytes (0 when it cannot);
 *   - the export takes (i32 ptr, i32 len), the input bytes the host wrote into a buffer from
 *     wasmhost_alloc, and returns an i64: the output buffer's address in the high 32 bits and its
 *     length in the low 32 bits;
 *   - when it also exports "wasmhost_free" (i32 ptr, i32 size) -> (), the host gives both buffers
 *     back through it after the call.
 * An empty input is passed as (0, 0) without calling wasmhost_alloc. On success returns NULL and
 * `output` owns a copy of the output bytes; otherwise returns a trap (the guest's, or one of code
 * WH_TRAP_CODE_API saying which part of the convention was not met) and `output` is empty. */
WH_API own wasm_trap_t *wh_call_bytes(const wasm_instance_t *, const char *name, const wasm_byte_vec_t *input,
                                      own wasm_byte_vec_t *output);

/* ---- plugins ----
 * A plugin is a module that follows the bytes-in, bytes-out convention above, loaded once and
 * called any number of times, each call in a fresh store and instance: nothing a call leaves
 * (globals, memory, a trap) reaches the next, the isolation the services of `wasmhost serve` get.
 * A session (wh_plugin_session_new, below) keeps one instance across its calls instead, for a
 * plugin that keeps state between the records of a stream.
 * sdk/c/wasmhost_plugin.h writes the plugin's side in C; examples/plugins/ has complete plugins.
 *
 * Loading compiles the module once and checks that it is a plugin. It is refused (NULL, and the
 * error names the first thing wrong) unless:
 *   - it exports its memory as "memory", and "wasmhost_alloc" (i32 size) -> (i32 ptr); when it
 *     exports "wasmhost_free" or "_initialize", they are (i32 ptr, i32 size) -> () and () -> ();
 *   - at least one of its exports has the plugin shape (i32 ptr, i32 len) -> (i64): those are the
 *     functions wh_plugin_call calls (wh_plugin_export_name lists them);
 *   - it imports only WASI functions ("wasi_snapshot_preview1", which must exist with their WASI
 *     types: WH_ERROR_LINK otherwise), the host's plugin functions, "wasmhost_plugin" "log"
 *     and "error", both (i32 ptr, i32 len) -> (), and the functions the configuration adds
 *     (wh_plugin_import_t, with their types);
 * (WH_ERROR_CONVENTION otherwise), and its memories' and tables' initial sizes fit the caps
 * (WH_ERROR_LIMIT). Malformed or invalid modules fail as wasm_module_new does. The binary may be
 * an artifact (WH_ARTIFACT_MAGIC), loaded as wasm_module_deserialize does.
 *
 * A call makes a store with the configured limits, links the imports and instantiates; runs
 * "_initialize" when the module exports it (a WASI reactor's constructors); then calls the
 * export as wh_call_bytes does, with the same checks of the convention (a trap of code
 * WH_TRAP_CODE_API naming what was not met: wasmhost_alloc's buffer, an output pointer outside
 * memory, an output running past its end). The buffers are not given back through
 * wasmhost_free: the instance is thrown away with everything in it. The host's functions:
 *   log(ptr, len)   the bytes at ptr are one line (without its newline) for the log callback;
 *   error(ptr, len) ends the call with a trap of code WH_TRAP_CODE_PLUGIN_ERROR and the message
 *                   "plugin error: " followed by those bytes;
 * either traps (WH_TRAP_CODE_API) when the bytes are not inside memory. WASI is deny by
 * default: the configured environment variables only, no arguments, no directories, stdin
 * empty, stdout discarded, and stderr to the log callback, one line per line written. A plugin
 * that calls proc_exit ends its call with a trap of code WH_TRAP_CODE_EXIT.
 *
 * Fuel and the timeout hold for each call, instantiation included. A call that traps after the
 * memory cap refused a memory.grow says so at the end of the trap's message ("... (after the
 * plugin reached its memory cap of N bytes)"), as the guest often fails later in its own way.
 *
 * Threads: a plugin may be called by any number of threads at once. The log callback runs on
 * the thread that called wh_plugin_call, during the call, so a host can tell calls apart by
 * its own per-thread state. The traps wh_plugin_call returns belong to no store and may outlive
 * the plugin. */
typedef struct wh_plugin_t wh_plugin_t;

/* A line the plugin logged: `length` bytes, not NUL-terminated, without a newline. */
typedef void (*wh_plugin_log_callback_t)(void *user, const char *text, size_t length);

/* A function the embedder gives plugins to import (e.g. wasmhost serve's "wasmhost_capabilities"),
 * on i32 values only: `param_count` parameters and `result_count` (0 or 1) results. The callback
 * runs on the thread that called wh_plugin_call (or wh_plugin_session_call), during the call, with
 * the plugin's memory as it is then (NULL and 0 when the plugin has none yet: a start function);
 * it writes its result into results[0]. It returns NULL, or a message: the call then ends with a
 * trap (WH_TRAP_CODE_HOST) saying it (the text is copied at once). */
typedef const char *(*wh_plugin_import_callback_t)(void *user, uint8_t *memory, size_t memory_size,
                                                   const int32_t *params, int32_t *results);
typedef struct wh_plugin_import_t {
    const char *module, *name; /* neither "wasi_snapshot_preview1" nor "wasmhost_plugin" */
    size_t param_count;        /* at most 16 */
    size_t result_count;       /* 0 or 1 */
    wh_plugin_import_callback_t callback;
    void *user; /* passed to `callback` */
} wh_plugin_import_t;

/* Zero in a field means its default (so `wh_plugin_config_t config = {0};` is all defaults). */
typedef struct wh_plugin_config_t {
    uint64_t max_memory_bytes;   /* cap on a call's memories together [0: 4 GiB, as for a store] */
    uint64_t max_table_elements; /* cap on a call's table elements together [0: 10,000,000] */
    uint64_t max_stack_bytes;    /* wasm stack, 1 KiB .. 4 GiB [0: 8 MiB] */
    uint64_t fuel;               /* fuel units per call [0: not metered] */
    uint64_t timeout_ns;         /* wall-clock time per call [0: none] */
    /* The WASI environment: env_count variables, NAME=VALUE (copied). */
    const char *const *env_names;
    const char *const *env_values;
    size_t env_count;
    wh_plugin_log_callback_t log; /* where the plugin's log lines go [NULL: dropped] */
    void *log_user;               /* passed to `log` */
    /* Functions a plugin may import besides WASI and wasmhost_plugin (copied; the strings and
     * `user` must outlive the plugin). A plugin that imports none of them works as before. */
    const wh_plugin_import_t *imports;
    size_t import_count;
    /* The tier of the plugin's code, as wh_config_set_tier [0: WH_TIER_AUTO], and the folder of
     * compiled code, as wh_config_set_cache_dir [NULL: none]; with fuel, the compiled code meters
     * it (the same units as the interpreter's). WH_TIER_AUTO
     * uses compiled code from the folder when it holds the module, else interprets until
     * wh_plugin_compile; WH_TIER_COMPILED compiles at load. */
    wh_tier_t tier;
    const char *cache_dir;
    /* The engine whose max_instances bounds the plugin's instances, counted with its own (as
     * wh_config_set_instance_pool) [NULL: no bound]; it must outlive the plugin. A call made past
     * the bound, or a session's first, runs nothing and returns a trap of code
     * WH_TRAP_CODE_CAPACITY (last error WH_ERROR_CAPACITY); a session holds its place until it is
     * deleted or trapped. */
    wasm_engine_t *instance_pool;
} wh_plugin_config_t;

/* Compiles `binary` as a plugin with `config` (copied; NULL: all defaults). NULL when it is not
 * a plugin or cannot be compiled (see above), or a configuration value is out of range
 * (WH_ERROR_LIMIT, WH_ERROR_INVALID_ARGUMENT). The bytes are not kept. */
WH_API own wh_plugin_t *wh_plugin_new(const wasm_byte_vec_t *binary, const wh_plugin_config_t *config);
/* The same with the module read from the file `path`; WH_ERROR_NOT_FOUND when it cannot be
 * read (the message says why), and every message starts with the path. */
WH_API own wh_plugin_t *wh_plugin_load(const char *path, const wh_plugin_config_t *config);
WH_API void wh_plugin_delete(own wh_plugin_t *);
/* Another handle of the same plugin (shared, reference counted: each handle is deleted once). */
WH_API own wh_plugin_t *wh_plugin_copy(const wh_plugin_t *);
/* As wh_module_compile for the plugin's module: native code for the calls (and sessions'
 * instances) that start afterwards, stored in the configured cache_dir. Thread-safe. False
 * (WH_ERROR_CONFIG, saying why) when it cannot compile (no compiler library, the compile
 * timeout): the plugin stays on the interpreter. */
WH_API bool wh_plugin_compile(const wh_plugin_t *);
/* As wh_module_native_functions for the plugin's module. */
WH_API uint32_t wh_plugin_native_functions(const wh_plugin_t *, double *compile_seconds);

/* The exports of the plugin shape, in the module's order: how many, and the name of each
 * (NUL-terminated, the plugin's until wh_plugin_delete; NULL past the last). */
WH_API size_t wh_plugin_export_count(const wh_plugin_t *);
WH_API const char *wh_plugin_export_name(const wh_plugin_t *, size_t index);
/* Whether wh_plugin_call can call `name` (a NUL-terminated string). */
WH_API bool wh_plugin_has_export(const wh_plugin_t *, const char *name);

/* Calls the export `name` with `input` in a fresh instance. On success returns NULL and `output`
 * owns a copy of the output bytes; otherwise returns a trap (the plugin's; one of the codes above;
 * WH_TRAP_CODE_API for a NULL argument or a name that is not a plugin export, the latter with the
 * last error WH_ERROR_NOT_FOUND) and `output` is empty. */
WH_API own wasm_trap_t *wh_plugin_call(const wh_plugin_t *, const char *name, const wasm_byte_vec_t *input,
                                       own wasm_byte_vec_t *output);

/* A session: one instance of the plugin kept across calls, for a plugin that keeps state between
 * the records of one stream (counters, windows, dedup): what a call leaves in the instance's
 * globals and memory, the next call of the same session sees. Each call has the plugin's checks
 * and limits as wh_plugin_call has (fuel and the timeout are set again for each call; the memory
 * cap holds for the instance's whole life); the input and output buffers are given back through
 * wasmhost_free when the plugin exports it (otherwise they stay in the instance's memory, which
 * then grows with every call up to the memory cap). The instance is made at the first call,
 * which pays for instantiation within its limits. A call that traps (any code, a plugin error
 * included) throws the instance away, as it may have stopped half-way through its own
 * bookkeeping: the next call starts in a fresh instance, with fresh state. A session is used by
 * one thread at a time; it refers to the plugin, which must outlive it. NULL (WH_ERROR_RESOURCE,
 * WH_ERROR_INVALID_ARGUMENT) when it cannot be made. */
typedef struct wh_plugin_session_t wh_plugin_session_t;
WH_API own wh_plugin_session_t *wh_plugin_session_new(const wh_plugin_t *);
/* As wh_plugin_call, in the session's instance. */
WH_API own wasm_trap_t *wh_plugin_session_call(wh_plugin_session_t *, const char *name, const wasm_byte_vec_t *input,
                                               own wasm_byte_vec_t *output);
WH_API void wh_plugin_session_delete(own wh_plugin_session_t *);

/* ---- WASI (wasi_snapshot_preview1) ----
 * A WASI context: the arguments, environment, directories and stdio one instance may use. Deny
 * by default: a new context gives no arguments, no variables and no directories; stdin reads as
 * empty and what the guest writes to stdout and stderr is discarded. Each call below adds a
 * capability and returns false (see wh_last_error_message) when it cannot.
 *
 * One context serves one instance. Use it either in one call:
 *     wh_wasi_t *wasi = wh_wasi_new();  wh_wasi_set_args(wasi, ...);  ...
 *     int exit_code;  wasm_trap_t *trap = wh_wasi_run(wasi, store, module, &exit_code);
 * or step by step, when the module has other imports too:
 *     wasm_extern_vec_t imports;  wh_wasi_imports(wasi, store, module, &imports);
 *     ... put the other imports into the NULL entries ...
 *     wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
 *     wh_wasi_bind(wasi, instance);  ... call exports ...
 * A store that uses a context keeps it alive: wh_wasi_delete may come before or after
 * wasm_store_delete. */
typedef struct wh_wasi_t wh_wasi_t;

WH_API own wh_wasi_t *wh_wasi_new(void);
WH_API void wh_wasi_delete(own wh_wasi_t *);

/* The guest's argv (argv[0] included), copied; replaces earlier arguments. */
WH_API bool wh_wasi_set_args(wh_wasi_t *, int argc, const char *const argv[]);
/* Adds NAME=VALUE to the guest's environment (copied). */
WH_API bool wh_wasi_add_env(wh_wasi_t *, const char *name, const char *value);
/* Gives the guest the host directory `host_path` under the name `guest_path` (e.g. "/data" or
 * "."). Nothing outside it can be reached through it (`..`, absolute paths and symbolic links
 * leading out are refused). With `read_only`, nothing in it can be changed. */
WH_API bool wh_wasi_preopen_dir(wh_wasi_t *, const char *host_path, const char *guest_path, bool read_only);

/* stdio: fd 0 (stdin), 1 (stdout) or 2 (stderr). Each call replaces the previous setting. */
/* The guest's fd is the host process's descriptor of the same number. */
WH_API bool wh_wasi_inherit_stdio(wh_wasi_t *, int fd);
/* stdin reads these bytes (copied), then end of file. */
WH_API bool wh_wasi_stdin_buffer(wh_wasi_t *, const void *data, size_t size);
/* stdin reads by calling `read`: it fills up to `size` bytes and returns how many (0: end of
 * file), or -1 for an error (the guest gets EIO). */
typedef ptrdiff_t (*wh_wasi_read_callback_t)(void *user, uint8_t *buffer, size_t size);
WH_API bool wh_wasi_stdin_callback(wh_wasi_t *, wh_wasi_read_callback_t read, void *user);
/* stdout or stderr is collected in memory: read it with wh_wasi_output. */
WH_API bool wh_wasi_output_buffer(wh_wasi_t *, int fd);
/* stdout or stderr goes to `write`, which returns how many bytes it took or -1 (EIO). */
typedef ptrdiff_t (*wh_wasi_write_callback_t)(void *user, int fd, const uint8_t *data, size_t size);
WH_API bool wh_wasi_output_callback(wh_wasi_t *, int fd, wh_wasi_write_callback_t write, void *user);
/* Caps the bytes the guest may write to stdout or stderr over the whole run: a write that would
 * pass the cap is cut short, later ones fail with ENOSPC. UINT64_MAX (the default): no cap. */
WH_API bool wh_wasi_output_limit(wh_wasi_t *, int fd, uint64_t max_bytes);
/* What a buffered stdout or stderr has collected (NULL and 0 for other settings). The bytes stay
 * valid until the context is deleted or the guest writes again. */
WH_API const uint8_t *wh_wasi_output(const wh_wasi_t *, int fd, size_t *size);

/* An own vector with one entry per import of `module`: the WASI functions for every
 * "wasi_snapshot_preview1" import, NULL for the others (for the caller to fill in with own
 * externs). False when a WASI import names no WASI function or is not a function. */
WH_API bool wh_wasi_imports(wh_wasi_t *, wasm_store_t *, const wasm_module_t *, own wasm_extern_vec_t *out);
/* After instantiation: binds the context to the instance's exported memory "memory". */
WH_API bool wh_wasi_bind(wh_wasi_t *, const wasm_instance_t *);
/* Instantiates a module whose imports are all WASI and binds the context to the instance; on
 * failure returns NULL and sets *trap (when `trap` is not NULL) as wasm_instance_new does. */
WH_API own wasm_instance_t *wh_wasi_instantiate(wh_wasi_t *, wasm_store_t *, const wasm_module_t *,
                                                own wasm_trap_t **trap);
/* Runs a WASI command: instantiates, binds, calls "_start". Returns NULL when the program ended
 * normally, *exit_code being 0 or the code it gave to proc_exit; otherwise a trap (the guest's,
 * or a link error as a trap of code WH_TRAP_CODE_API) and *exit_code is 134 (as for a native
 * program that aborts). */
WH_API own wasm_trap_t *wh_wasi_run(wh_wasi_t *, wasm_store_t *, const wasm_module_t *, int *exit_code);
/* True once the guest has called proc_exit; *exit_code is then the code it gave. */
WH_API bool wh_wasi_exited(const wh_wasi_t *, int *exit_code);

#ifdef __cplusplus
}
#endif

#ifdef WH_UNDEFINE_OWN_
#undef own
#undef WH_UNDEFINE_OWN_
#endif

#endif
