/* wasm.h: the standard WebAssembly C API (the wasm-c-api project's interface), as wasmhost implements it.
 *
 * Every name, type and signature below is the standard one, so that a program written against
 * this interface for another engine compiles and runs unchanged with wasmhost. The text is
 * wasmhost's own. wasmhost's additions live in wasmhost.h, under the prefix wh_.
 *
 * Ownership. The marker `own` says who must release what:
 *   - an `own T*` result belongs to the caller, who releases it with the matching wasm_T_delete;
 *   - an `own` parameter hands the object over: the caller must not use or delete it afterwards;
 *   - an `own T*` parameter named `out` is an output: the callee fills it and the caller then owns it;
 *   - an owned vector owns its elements too: wasm_T_vec_delete deletes every element;
 *   - anything not marked `own` is borrowed and must not be deleted by the one who receives it.
 * Runtime objects (functions, globals, tables, memories, instances, foreign objects) live in a
 * store: a handle (wasm_func_t* and the like) is a reference to such an object, and deleting the
 * handle releases only the reference. The objects themselves, and the finalizers attached to
 * them, go when their store is deleted. Every handle must be deleted before its store.
 *
 * wasmhost accepts NULL for any pointer parameter: a function given NULL where it needs an object
 * does nothing and returns NULL, false, 0 or an empty vector (wasm_func_call returns a trap), and
 * wh_last_error_message() (wasmhost.h) says what was wrong.
 */
#ifndef WASM_H
#define WASM_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Every function of the interface is exported from libwasmhost; nothing else is. */
#ifndef WASM_API_EXTERN
#if defined(_WIN32) && !defined(__MINGW32__) && !defined(LIBWASM_STATIC)
#define WASM_API_EXTERN __declspec(dllimport)
#elif defined(__GNUC__)
#define WASM_API_EXTERN __attribute__((visibility("default")))
#else
#define WASM_API_EXTERN
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================================== */
/* Basic types                                                                               */

/* The interface assumes IEEE single and double floats and 32- or 64-bit pointers. */
#ifdef __cplusplus
static_assert(sizeof(float) == sizeof(uint32_t), "float must be 32 bits");
static_assert(sizeof(double) == sizeof(uint64_t), "double must be 64 bits");
#else
_Static_assert(sizeof(float) == sizeof(uint32_t), "float must be 32 bits");
_Static_assert(sizeof(double) == sizeof(uint64_t), "double must be 64 bits");
_Static_assert(sizeof(intptr_t) == sizeof(uint32_t) || sizeof(intptr_t) == sizeof(uint64_t),
               "pointers must be 32 or 64 bits");
#endif

typedef char byte_t;
typedef float float32_t;
typedef double float64_t;

#define own

/* Declares an owned object type and its destructor. */
#define WASM_DECLARE_OWN(name)                      \
    typedef struct wasm_##name##_t wasm_##name##_t; \
    WASM_API_EXTERN void wasm_##name##_delete(own wasm_##name##_t *);

/* Declares wasm_NAME_vec_t, a counted array of NAME (of pointers to NAME with `*`), and its
 * functions: new_empty (size 0), new_uninitialized (size elements, pointers set to NULL),
 * new (takes over the given elements), copy (deep) and delete (deletes the elements too). */
#define WASM_DECLARE_VEC(name, ptr_or_none)                                                                 \
    typedef struct wasm_##name##_vec_t {                                                                    \
        size_t size;                                                                                        \
        wasm_##name##_t ptr_or_none *data;                                                                  \
    } wasm_##name##_vec_t;                                                                                  \
    WASM_API_EXTERN void wasm_##name##_vec_new_empty(own wasm_##name##_vec_t *out);                         \
    WASM_API_EXTERN void wasm_##name##_vec_new_uninitialized(own wasm_##name##_vec_t *out, size_t);         \
    WASM_API_EXTERN void wasm_##name##_vec_new(own wasm_##name##_vec_t *out, size_t,                        \
                                               own wasm_##name##_t ptr_or_none const[]);                    \
    WASM_API_EXTERN void wasm_##name##_vec_copy(own wasm_##name##_vec_t *out, const wasm_##name##_vec_t *); \
    WASM_API_EXTERN void wasm_##name##_vec_delete(own wasm_##name##_vec_t *);

/* Byte vectors; names are byte vectors too (UTF-8, not NUL-terminated unless said so). */
typedef byte_t wasm_byte_t;
WASM_DECLARE_VEC(byte, )

typedef wasm_byte_vec_t wasm_name_t;

#define wasm_name wasm_byte_vec
#define wasm_name_new wasm_byte_vec_new
#define wasm_name_new_empty wasm_byte_vec_new_empty
#define wasm_name_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_copy wasm_byte_vec_copy
#define wasm_name_delete wasm_byte_vec_delete

/* A name holding the characters of `s`, without its terminating NUL. */
static inline void wasm_name_new_from_string(own wasm_name_t *out, const char *s) { wasm_name_new(out, strlen(s), s); }

/* A name holding the characters of `s` and its terminating NUL. */
static inline void wasm_name_new_from_string_nt(own wasm_name_t *out, const char *s)
{
    wasm_name_new(out, strlen(s) + 1, s);
}

/* ======================================================================================== */
/* Runtime environment: configuration, engine, store                                         */

WASM_DECLARE_OWN(config)
WASM_API_EXTERN own wasm_config_t *wasm_config_new(void);

WASM_DECLARE_OWN(engine)
WASM_API_EXTERN own wasm_engine_t *wasm_engine_new(void);
WASM_API_EXTERN own wasm_engine_t *wasm_engine_new_with_config(own wasm_config_t *);

/* A store holds runtime objects. One thread at a time may use a store and what is in it. */
WASM_DECLARE_OWN(store)
WASM_API_EXTERN own wasm_store_t *wasm_store_new(wasm_engine_t *);

/* ======================================================================================== */
/* Types                                                                                     */

typedef uint8_t wasm_mutability_t;
enum wasm_mutability_enum {
    WASM_CONST,
    WASM_VAR,
};

/* Limits of a table (in elements) or memory (in 64 KiB pages). */
typedef struct wasm_limits_t {
    uint32_t min;
    uint32_t max; /* wasm_limits_max_default: no maximum */
} wasm_limits_t;

static const uint32_t wasm_limits_max_default = 0xffffffff;

/* An owned type, its vector, and copying. */
#define WASM_DECLARE_TYPE(name) \
    WASM_DECLARE_OWN(name)      \
    WASM_DECLARE_VEC(name, *)   \
    WASM_API_EXTERN own wasm_##name##_t *wasm_##name##_copy(const wasm_##name##_t *);

/* ---- value types ---- */

WASM_DECLARE_TYPE(valtype)

typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum {
    WASM_I32,
    WASM_I64,
    WASM_F32,
    WASM_F64,
    /* A host reference: the wasm-c-api header calls it WASM_ANYREF, WebAssembly 2.0 (and Wasmtime's
     * header) externref. Both names are the same kind. */
    WASM_ANYREF = 128,
    WASM_EXTERNREF = WASM_ANYREF,
    WASM_FUNCREF,
};

WASM_API_EXTERN own wasm_valtype_t *wasm_valtype_new(wasm_valkind_t);
WASM_API_EXTERN wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t *);

static inline bool wasm_valkind_is_num(wasm_valkind_t k) { return k < WASM_EXTERNREF; }
static inline bool wasm_valkind_is_ref(wasm_valkind_t k) { return k >= WASM_EXTERNREF; }
static inline bool wasm_valtype_is_num(const wasm_valtype_t *t) { return wasm_valkind_is_num(wasm_valtype_kind(t)); }
static inline bool wasm_valtype_is_ref(const wasm_valtype_t *t) { return wasm_valkind_is_ref(wasm_valtype_kind(t)); }

/* ---- function types ---- */

WASM_DECLARE_TYPE(functype)

/* Takes over both vectors (and their elements). */
WASM_API_EXTERN own wasm_functype_t *wasm_functype_new(own wasm_valtype_vec_t *params, own wasm_valtype_vec_t *results);
WASM_API_EXTERN const wasm_valtype_vec_t *wasm_functype_params(const wasm_functype_t *);
WASM_API_EXTERN const wasm_valtype_vec_t *wasm_functype_results(const wasm_functype_t *);

/* ---- global types ---- */

WASM_DECLARE_TYPE(globaltype)

WASM_API_EXTERN own wasm_globaltype_t *wasm_globaltype_new(own wasm_valtype_t *, wasm_mutability_t);
WASM_API_EXTERN const wasm_valtype_t *wasm_globaltype_content(const wasm_globaltype_t *);
WASM_API_EXTERN wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t *);

/* ---- table types ---- */

WASM_DECLARE_TYPE(tabletype)

WASM_API_EXTERN own wasm_tabletype_t *wasm_tabletype_new(own wasm_valtype_t *, const wasm_limits_t *);
WASM_API_EXTERN const wasm_valtype_t *wasm_tabletype_element(const wasm_tabletype_t *);
WASM_API_EXTERN const wasm_limits_t *wasm_tabletype_limits(const wasm_tabletype_t *);

/* ---- memory types ---- */

WASM_DECLARE_TYPE(memorytype)

WASM_API_EXTERN own wasm_memorytype_t *wasm_memorytype_new(const wasm_limits_t *);
WASM_API_EXTERN const wasm_limits_t *wasm_memorytype_limits(const wasm_memorytype_t *);

/* ---- tag types (exception handling; wasmhost runs WebAssembly 2.0, whose modules have no
 * tags, so these only exist as type descriptions) ---- */

WASM_DECLARE_TYPE(tagtype)

WASM_API_EXTERN own wasm_tagtype_t *wasm_tagtype_new(own wasm_functype_t *);
WASM_API_EXTERN const wasm_functype_t *wasm_tagtype_functype(const wasm_tagtype_t *);

/* ---- external types: the common view of the five kinds above ---- */

WASM_DECLARE_TYPE(externtype)

typedef uint8_t wasm_externkind_t;
enum wasm_externkind_enum {
    WASM_EXTERN_FUNC,
    WASM_EXTERN_GLOBAL,
    WASM_EXTERN_TABLE,
    WASM_EXTERN_MEMORY,
    WASM_EXTERN_TAG,
};

WASM_API_EXTERN wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t *);

/* Views, not copies: the result is the same object seen as the other type (NULL when the
 * external type is of another kind). */
WASM_API_EXTERN wasm_externtype_t *wasm_functype_as_externtype(wasm_functype_t *);
WASM_API_EXTERN wasm_externtype_t *wasm_globaltype_as_externtype(wasm_globaltype_t *);
WASM_API_EXTERN wasm_externtype_t *wasm_tabletype_as_externtype(wasm_tabletype_t *);
WASM_API_EXTERN wasm_externtype_t *wasm_memorytype_as_externtype(wasm_memorytype_t *);
WASM_API_EXTERN wasm_externtype_t *wasm_tagtype_as_externtype(wasm_tagtype_t *);

WASM_API_EXTERN wasm_functype_t *wasm_externtype_as_functype(wasm_externtype_t *);
WASM_API_EXTERN wasm_globaltype_t *wasm_externtype_as_globaltype(wasm_externtype_t *);
WASM_API_EXTERN wasm_tabletype_t *wasm_externtype_as_tabletype(wasm_externtype_t *);
WASM_API_EXTERN wasm_memorytype_t *wasm_externtype_as_memorytype(wasm_externtype_t *);
WASM_API_EXTERN wasm_tagtype_t *wasm_externtype_as_tagtype(wasm_externtype_t *);

WASM_API_EXTERN const wasm_externtype_t *wasm_functype_as_externtype_const(const wasm_functype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_globaltype_as_externtype_const(const wasm_globaltype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_tabletype_as_externtype_const(const wasm_tabletype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_memorytype_as_externtype_const(const wasm_memorytype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_tagtype_as_externtype_const(const wasm_tagtype_t *);

WASM_API_EXTERN const wasm_functype_t *wasm_externtype_as_functype_const(const wasm_externtype_t *);
WASM_API_EXTERN const wasm_globaltype_t *wasm_externtype_as_globaltype_const(const wasm_externtype_t *);
WASM_API_EXTERN const wasm_tabletype_t *wasm_externtype_as_tabletype_const(const wasm_externtype_t *);
WASM_API_EXTERN const wasm_memorytype_t *wasm_externtype_as_memorytype_const(const wasm_externtype_t *);
WASM_API_EXTERN const wasm_tagtype_t *wasm_externtype_as_tagtype_const(const wasm_externtype_t *);

/* ---- import and export types ---- */

WASM_DECLARE_TYPE(importtype)

/* Takes over both names and the type. */
WASM_API_EXTERN own wasm_importtype_t *wasm_importtype_new(own wasm_name_t *module, own wasm_name_t *name,
                                                           own wasm_externtype_t *);
WASM_API_EXTERN const wasm_name_t *wasm_importtype_module(const wasm_importtype_t *);
WASM_API_EXTERN const wasm_name_t *wasm_importtype_name(const wasm_importtype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_importtype_type(const wasm_importtype_t *);

WASM_DECLARE_TYPE(exporttype)

WASM_API_EXTERN own wasm_exporttype_t *wasm_exporttype_new(own wasm_name_t *, own wasm_externtype_t *);
WASM_API_EXTERN const wasm_name_t *wasm_exporttype_name(const wasm_exporttype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_exporttype_type(const wasm_exporttype_t *);

/* ======================================================================================== */
/* Runtime objects                                                                           */

/* ---- values ---- */

struct wasm_ref_t;

/* A value. For the reference kinds, `ref` is NULL (the null reference) or a reference handle,
 * which an owned value owns. */
typedef struct wasm_val_t {
    wasm_valkind_t kind;
    union {
        int32_t i32;
        int64_t i64;
        float32_t f32;
        float64_t f64;
        struct wasm_ref_t *ref;
    } of;
} wasm_val_t;

WASM_API_EXTERN void wasm_val_delete(own wasm_val_t *v);
WASM_API_EXTERN void wasm_val_copy(own wasm_val_t *out, const wasm_val_t *);

WASM_DECLARE_VEC(val, )

/* ---- references ----
 * Every reference type has: delete (the handle), copy (a new handle to the same object), same
 * (whether two handles refer to one object), and host info: a pointer the embedder attaches to
 * the object (shared by all its handles), with an optional finalizer called with it when the
 * object goes away. */

#define WASM_DECLARE_REF_BASE(name)                                                            \
    WASM_DECLARE_OWN(name)                                                                     \
    WASM_API_EXTERN own wasm_##name##_t *wasm_##name##_copy(const wasm_##name##_t *);          \
    WASM_API_EXTERN bool wasm_##name##_same(const wasm_##name##_t *, const wasm_##name##_t *); \
    WASM_API_EXTERN void *wasm_##name##_get_host_info(const wasm_##name##_t *);                \
    WASM_API_EXTERN void wasm_##name##_set_host_info(wasm_##name##_t *, void *);               \
    WASM_API_EXTERN void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t *, void *, void (*)(void *));

/* A reference type that converts to and from the generic wasm_ref_t (views, not copies). */
#define WASM_DECLARE_REF(name)                                                             \
    WASM_DECLARE_REF_BASE(name)                                                            \
    WASM_API_EXTERN wasm_ref_t *wasm_##name##_as_ref(wasm_##name##_t *);                   \
    WASM_API_EXTERN wasm_##name##_t *wasm_ref_as_##name(wasm_ref_t *);                     \
    WASM_API_EXTERN const wasm_ref_t *wasm_##name##_as_ref_const(const wasm_##name##_t *); \
    WASM_API_EXTERN const wasm_##name##_t *wasm_ref_as_##name##_const(const wasm_ref_t *);

/* A reference type that can be handed to another thread's store through a shared form. */
#define WASM_DECLARE_SHARABLE_REF(name)                                                       \
    WASM_DECLARE_REF(name)                                                                    \
    WASM_DECLARE_OWN(shared_##name)                                                           \
    WASM_API_EXTERN own wasm_shared_##name##_t *wasm_##name##_share(const wasm_##name##_t *); \
    WASM_API_EXTERN own wasm_##name##_t *wasm_##name##_obtain(wasm_store_t *, const wasm_shared_##name##_t *);

WASM_DECLARE_REF_BASE(ref)

/* ---- frames of a trap's backtrace ---- */

WASM_DECLARE_OWN(frame)
WASM_DECLARE_VEC(frame, *)
WASM_API_EXTERN own wasm_frame_t *wasm_frame_copy(const wasm_frame_t *);

WASM_API_EXTERN struct wasm_instance_t *wasm_frame_instance(const wasm_frame_t *);
WASM_API_EXTERN uint32_t wasm_frame_func_index(const wasm_frame_t *);
WASM_API_EXTERN size_t wasm_frame_func_offset(const wasm_frame_t *);
WASM_API_EXTERN size_t wasm_frame_module_offset(const wasm_frame_t *);

/* ---- traps ---- */

typedef wasm_name_t wasm_message_t; /* NUL-terminated: size counts the NUL */

WASM_DECLARE_REF(trap)

WASM_API_EXTERN own wasm_trap_t *wasm_trap_new(wasm_store_t *store, const wasm_message_t *);
WASM_API_EXTERN void wasm_trap_message(const wasm_trap_t *, own wasm_message_t *out);
/* The innermost WebAssembly frame, or NULL when there is none. */
WASM_API_EXTERN own wasm_frame_t *wasm_trap_origin(const wasm_trap_t *);
/* The WebAssembly frames, innermost first. */
WASM_API_EXTERN void wasm_trap_trace(const wasm_trap_t *, own wasm_frame_vec_t *out);

/* ---- foreign objects: host values WebAssembly can hold as externref ---- */

WASM_DECLARE_REF(foreign)

WASM_API_EXTERN own wasm_foreign_t *wasm_foreign_new(wasm_store_t *);

/* ---- modules ---- */

WASM_DECLARE_SHARABLE_REF(module)

WASM_API_EXTERN own wasm_module_t *wasm_module_new(wasm_store_t *, const wasm_byte_vec_t *binary);
WASM_API_EXTERN bool wasm_module_validate(wasm_store_t *, const wasm_byte_vec_t *binary);
WASM_API_EXTERN void wasm_module_imports(const wasm_module_t *, own wasm_importtype_vec_t *out);
WASM_API_EXTERN void wasm_module_exports(const wasm_module_t *, own wasm_exporttype_vec_t *out);
WASM_API_EXTERN void wasm_module_serialize(const wasm_module_t *, own wasm_byte_vec_t *out);
WASM_API_EXTERN own wasm_module_t *wasm_module_deserialize(wasm_store_t *, const wasm_byte_vec_t *);

/* ---- functions ---- */

WASM_DECLARE_REF(func)

/* A host function receives its arguments and writes its results (results->size of them, the
 * kinds preset to the function type's); it returns NULL, or an owned trap to raise. */
typedef own wasm_trap_t *(*wasm_func_callback_t)(const wasm_val_vec_t *args, own wasm_val_vec_t *results);
typedef own wasm_trap_t *(*wasm_func_callback_with_env_t)(void *env, const wasm_val_vec_t *args,
                                                          wasm_val_vec_t *results);

WASM_API_EXTERN own wasm_func_t *wasm_func_new(wasm_store_t *, const wasm_functype_t *, wasm_func_callback_t);
/* `finalizer`, when not NULL, is called with `env` when the function goes (with its store). */
WASM_API_EXTERN own wasm_func_t *wasm_func_new_with_env(wasm_store_t *, const wasm_functype_t *type,
                                                        wasm_func_callback_with_env_t, void *env,
                                                        void (*finalizer)(void *));

WASM_API_EXTERN own wasm_functype_t *wasm_func_type(const wasm_func_t *);
WASM_API_EXTERN size_t wasm_func_param_arity(const wasm_func_t *);
WASM_API_EXTERN size_t wasm_func_result_arity(const wasm_func_t *);

/* Calls the function with `args` (exactly its parameters, in kind and number) and writes its
 * results into results->data, which needs room for at least its result count. Returns NULL, or
 * an owned trap: raised by the function, or describing a mismatch: wrong arguments (then the
 * function is not called), or too little room for the results it returned. */
WASM_API_EXTERN own wasm_trap_t *wasm_func_call(const wasm_func_t *, const wasm_val_vec_t *args,
                                                wasm_val_vec_t *results);

/* ---- globals ---- */

WASM_DECLARE_REF(global)

WASM_API_EXTERN own wasm_global_t *wasm_global_new(wasm_store_t *, const wasm_globaltype_t *, const wasm_val_t *);
WASM_API_EXTERN own wasm_globaltype_t *wasm_global_type(const wasm_global_t *);
WASM_API_EXTERN void wasm_global_get(const wasm_global_t *, own wasm_val_t *out);
/* Does nothing (see wh_last_error_message) when the global is immutable or the kind differs. */
WASM_API_EXTERN void wasm_global_set(wasm_global_t *, const wasm_val_t *);

/* ---- tables ---- */

WASM_DECLARE_REF(table)

typedef uint32_t wasm_table_size_t;

WASM_API_EXTERN own wasm_table_t *wasm_table_new(wasm_store_t *, const wasm_tabletype_t *, wasm_ref_t *init);
WASM_API_EXTERN own wasm_tabletype_t *wasm_table_type(const wasm_table_t *);
/* NULL for a null element or an index out of bounds. */
WASM_API_EXTERN own wasm_ref_t *wasm_table_get(const wasm_table_t *, wasm_table_size_t index);
WASM_API_EXTERN bool wasm_table_set(wasm_table_t *, wasm_table_size_t index, wasm_ref_t *);
WASM_API_EXTERN wasm_table_size_t wasm_table_size(const wasm_table_t *);
WASM_API_EXTERN bool wasm_table_grow(wasm_table_t *, wasm_table_size_t delta, wasm_ref_t *init);

/* ---- memories ---- */

WASM_DECLARE_REF(memory)

typedef uint32_t wasm_memory_pages_t;

static const size_t MEMORY_PAGE_SIZE = 0x10000;

WASM_API_EXTERN own wasm_memory_t *wasm_memory_new(wasm_store_t *, const wasm_memorytype_t *);
WASM_API_EXTERN own wasm_memorytype_t *wasm_memory_type(const wasm_memory_t *);
/* The memory's bytes: valid until the memory grows (wasmhost never moves a memory, but other
 * engines may). */
WASM_API_EXTERN byte_t *wasm_memory_data(wasm_memory_t *);
WASM_API_EXTERN size_t wasm_memory_data_size(const wasm_memory_t *);
WASM_API_EXTERN wasm_memory_pages_t wasm_memory_size(const wasm_memory_t *);
WASM_API_EXTERN bool wasm_memory_grow(wasm_memory_t *, wasm_memory_pages_t delta);

/* ---- externals: a function, global, table or memory seen as an import or export ---- */

WASM_DECLARE_REF(extern)
WASM_DECLARE_VEC(extern, *)

WASM_API_EXTERN wasm_externkind_t wasm_extern_kind(const wasm_extern_t *);
WASM_API_EXTERN own wasm_externtype_t *wasm_extern_type(const wasm_extern_t *);

/* Views, not copies (NULL when the external is of another kind). */
WASM_API_EXTERN wasm_extern_t *wasm_func_as_extern(wasm_func_t *);
WASM_API_EXTERN wasm_extern_t *wasm_global_as_extern(wasm_global_t *);
WASM_API_EXTERN wasm_extern_t *wasm_table_as_extern(wasm_table_t *);
WASM_API_EXTERN wasm_extern_t *wasm_memory_as_extern(wasm_memory_t *);

WASM_API_EXTERN wasm_func_t *wasm_extern_as_func(wasm_extern_t *);
WASM_API_EXTERN wasm_global_t *wasm_extern_as_global(wasm_extern_t *);
WASM_API_EXTERN wasm_table_t *wasm_extern_as_table(wasm_extern_t *);
WASM_API_EXTERN wasm_memory_t *wasm_extern_as_memory(wasm_extern_t *);

WASM_API_EXTERN const wasm_extern_t *wasm_func_as_extern_const(const wasm_func_t *);
WASM_API_EXTERN const wasm_extern_t *wasm_global_as_extern_const(const wasm_global_t *);
WASM_API_EXTERN const wasm_extern_t *wasm_table_as_extern_const(const wasm_table_t *);
WASM_API_EXTERN const wasm_extern_t *wasm_memory_as_extern_const(const wasm_memory_t *);

WASM_API_EXTERN const wasm_func_t *wasm_extern_as_func_const(const wasm_extern_t *);
WASM_API_EXTERN const wasm_global_t *wasm_extern_as_global_const(const wasm_extern_t *);
WASM_API_EXTERN const wasm_table_t *wasm_extern_as_table_const(const wasm_extern_t *);
WASM_API_EXTERN const wasm_memory_t *wasm_extern_as_memory_const(const wasm_extern_t *);

/* ---- module instances ---- */

WASM_DECLARE_REF(instance)

/* Links `imports` (one per module import, in order; NULL counts as an empty vector), creates the
 * instance and runs its start function. Returns NULL on failure; then, when `trap` is not NULL,
 * *trap is an owned trap saying why (a link error, or the trap of the start function). */
WASM_API_EXTERN own wasm_instance_t *wasm_instance_new(wasm_store_t *, const wasm_module_t *,
                                                       const wasm_extern_vec_t *imports, own wasm_trap_t **trap);
/* The exports, in the module's export order. */
WASM_API_EXTERN void wasm_instance_exports(const wasm_instance_t *, own wasm_extern_vec_t *out);

/* ======================================================================================== */
/* Conveniences                                                                              */

#define WASM_EMPTY_VEC \
    {                  \
        0, NULL        \
    }
#define WASM_ARRAY_VEC(array)                   \
    {                                           \
        sizeof(array) / sizeof(*(array)), array \
    }

static inline own wasm_valtype_t *wasm_valtype_new_i32(void) { return wasm_valtype_new(WASM_I32); }
static inline own wasm_valtype_t *wasm_valtype_new_i64(void) { return wasm_valtype_new(WASM_I64); }
static inline own wasm_valtype_t *wasm_valtype_new_f32(void) { return wasm_valtype_new(WASM_F32); }
static inline own wasm_valtype_t *wasm_valtype_new_f64(void) { return wasm_valtype_new(WASM_F64); }
static inline own wasm_valtype_t *wasm_valtype_new_externref(void) { return wasm_valtype_new(WASM_EXTERNREF); }
static inline own wasm_valtype_t *wasm_valtype_new_anyref(void) { return wasm_valtype_new(WASM_ANYREF); }
static inline own wasm_valtype_t *wasm_valtype_new_funcref(void) { return wasm_valtype_new(WASM_FUNCREF); }

/* Function types with up to three parameters and two results: wasm_functype_new_P_R. Each
 * takes over the value types it is given. */

static inline own wasm_functype_t *wasm_functype_new_0_0(void)
{
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new_empty(&params);
    wasm_valtype_vec_new_empty(&results);
    return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t *wasm_functype_new_1_0(own wasm_valtype_t *p)
{
    wasm_valtype_t *ps[1] = {p};
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new(&params, 1, ps);
    wasm_valtype_vec_new_empty(&results);
    return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t *wasm_functype_new_2_0(own wasm_valtype_t *p1, own wasm_valtype_t *p2)
{
    wasm_valtype_t *ps[2] = {p1, p2};
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new(&params, 2, ps);
    wasm_valtype_vec_new_empty(&results);
    return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t *wasm_functype_new_3_0(own wasm_valtype_t *p1, own wasm_valtype_t *p2,
                                                         own wasm_valtype_t *p3)
{
    wasm_valtype_t *ps[3] = {p1, p2, p3};
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new(&params, 3, ps);
    wasm_valtype_vec_new_empty(&results);
    return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t *wasm_functype_new_0_1(own wasm_valtype_t *r)
{
    wasm_valtype_t *rs[1] = {r};
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new_empty(&params);
    wasm_valtype_vec_new(&results, 1, rs);
    return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t *wasm_functype_new_1_1(own wasm_valtype_t *p, own wasm_valtype_t *r)
{
    wasm_valtype_t *ps[1] = {p};
    wasm_valtype_t *rs[1] = {r};
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new(&params, 1, ps);
    wasm_valtype_vec_new(&results, 1, rs);
    return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t *wasm_functype_new_2_1(own wasm_valtype_t *p1, own wasm_valtype_t *p2,
                                                         own wasm_valtype_t *r)
{
    wasm_valtype_t *ps[2] = {p1, p2};
    wasm_valtype_t *rs[1] = {r};
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new(&params, 2, ps);
    wasm_valtype_vec_new(&results, 1, rs);
    return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t *wasm_functype_new_3_1(own wasm_valtype_t *p1, own wasm_valtype_t *p2,
                                                         own wasm_valtype_t *p3, own wasm_valtype_t *r)
{
    wasm_valtype_t *ps[3] = {p1, p2, p3};
    wasm_valtype_t *rs[1] = {r};
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new(&params, 3, ps);
    wasm_valtype_vec_new(&results, 1, rs);
    return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t *wasm_functype_new_0_2(own wasm_valtype_t *r1, own wasm_valtype_t *r2)
{
    wasm_valtype_t *rs[2] = {r1, r2};
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new_empty(&params);
    wasm_valtype_vec_new(&results, 2, rs);
    return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t *wasm_functype_new_1_2(own wasm_valtype_t *p, own wasm_valtype_t *r1,
                                                         own wasm_valtype_t *r2)
{
    wasm_valtype_t *ps[1] = {p};
    wasm_valtype_t *rs[2] = {r1, r2};
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new(&params, 1, ps);
    wasm_valtype_vec_new(&results, 2, rs);
    return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t *wasm_functype_new_2_2(own wasm_valtype_t *p1, own wasm_valtype_t *p2,
                                                         own wasm_valtype_t *r1, own wasm_valtype_t *r2)
{
    wasm_valtype_t *ps[2] = {p1, p2};
    wasm_valtype_t *rs[2] = {r1, r2};
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new(&params, 2, ps);
    wasm_valtype_vec_new(&results, 2, rs);
    return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t *wasm_functype_new_3_2(own wasm_valtype_t *p1, own wasm_valtype_t *p2,
                                                         own wasm_valtype_t *p3, own wasm_valtype_t *r1,
                                                         own wasm_valtype_t *r2)
{
    wasm_valtype_t *ps[3] = {p1, p2, p3};
    wasm_valtype_t *rs[2] = {r1, r2};
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new(&params, 3, ps);
    wasm_valtype_vec_new(&results, 2, rs);
    return wasm_functype_new(&params, &results);
}

/* A host pointer carried as an integer value of pointer width. */
static inline void wasm_val_init_ptr(own wasm_val_t *out, void *p)
{
#if UINTPTR_MAX == UINT32_MAX
    out->kind = WASM_I32;
    out->of.i32 = (int32_t)(intptr_t)p;
#else
    out->kind = WASM_I64;
    out->of.i64 = (int64_t)(intptr_t)p;
#endif
}

static inline void *wasm_val_ptr(const wasm_val_t *val)
{
#if UINTPTR_MAX == UINT32_MAX
    return (void *)(intptr_t)val->of.i32;
#else
    return (void *)(intptr_t)val->of.i64;
#endif
}

#define WASM_I32_VAL(i)                     \
    {                                       \
        .kind = WASM_I32, .of = {.i32 = i } \
    }
#define WASM_I64_VAL(i)                     \
    {                                       \
        .kind = WASM_I64, .of = {.i64 = i } \
    }
#define WASM_F32_VAL(z)                     \
    {                                       \
        .kind = WASM_F32, .of = {.f32 = z } \
    }
#define WASM_F64_VAL(z)                     \
    {                                       \
        .kind = WASM_F64, .of = {.f64 = z } \
    }
#define WASM_REF_VAL(r)                           \
    {                                             \
        .kind = WASM_EXTERNREF, .of = {.ref = r } \
    }
#define WASM_INIT_VAL                                \
    {                                                \
        .kind = WASM_EXTERNREF, .of = {.ref = NULL } \
    }

#undef own

#ifdef __cplusplus
}
#endif

#endif
