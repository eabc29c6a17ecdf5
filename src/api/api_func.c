/* api_func.c: values, host functions (wasm_func_new*) and calls both ways (wasm_func_call, the host trampoline). */
#include "api_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- values ---- */

void wasm_val_delete(wasm_val_t *val)
{
    if (val && wasm_valkind_is_ref(val->kind) && val->of.ref) {
        wasm_ref_delete(val->of.ref);
        val->of.ref = NULL;
    }
}

void wasm_val_copy(wasm_val_t *out, const wasm_val_t *val)
{
    if (!out)
        return;
    if (!val) {
        memset(out, 0, sizeof *out);
        return;
    }
    *out = *val;
    if (wasm_valkind_is_ref(val->kind) && val->of.ref)
        out->of.ref = wasm_ref_copy(val->of.ref);
}

wasm_ref_t *api_ref_from_pointer(wasm_store_t *store, eng_valtype type, void *pointer)
{
    if (!pointer)
        return NULL;
    api_object *object = type == ENG_FUNCREF ? api_object_for(store, API_FUNC, pointer) : pointer;
    return object ? api_handle_new(store, object) : NULL;
}

/* "argument 2", "the initial value", ... */
static const char *value_name(api_value_name name, char *buffer, size_t size)
{
    if (name.index < 0 && !name.after)
        return name.what;
    if (name.index < 0)
        snprintf(buffer, size, "%s %s", name.what, name.after);
    else
        snprintf(buffer, size, "%s %d%s%s", name.what, name.index, name.after ? " " : "", name.after ? name.after : "");
    return buffer;
}

const char *api_ref_to_pointer(wasm_store_t *store, eng_valtype type, const wasm_ref_t *ref, void **out,
                               api_value_name name, char *message, size_t message_size)
{
    *out = NULL;
    if (!ref)
        return NULL;
    char buffer[64];
    api_object *object = ref->object;
    bool store_owned = object->kind != API_MODULE && object->kind != API_TRAP;
    if (store_owned && ref->store != store) {
        snprintf(message, message_size, "%s is a reference to an object of another store",
                 value_name(name, buffer, sizeof buffer));
        return message;
    }
    if (type == ENG_FUNCREF) {
        if (object->kind != API_FUNC) {
            snprintf(message, message_size, "%s must be a function reference (funcref)",
                     value_name(name, buffer, sizeof buffer));
            return message;
        }
        *out = object->func;
        return NULL;
    }
    if (!api_pin(store, object)) {
        snprintf(message, message_size, "%s: out of memory", value_name(name, buffer, sizeof buffer));
        return message;
    }
    *out = object;
    return NULL;
}

bool api_val_from_slot(wasm_store_t *store, eng_valtype type, eng_slot slot, wasm_val_t *out)
{
    out->kind = api_valkind(type);
    switch (type) {
    case ENG_I32: out->of.i32 = slot.i32; return true;
    case ENG_I64: out->of.i64 = slot.i64; return true;
    case ENG_F32: out->of.f32 = slot.f32; return true;
    case ENG_F64: out->of.f64 = slot.f64; return true;
    case ENG_FUNCREF:
    case ENG_EXTERNREF: out->of.ref = api_ref_from_pointer(store, type, slot.ref); return !slot.ref || out->of.ref;
    case ENG_V128: break;
    }
    out->of.i64 = 0;
    return false;
}

const char *api_val_to_slot(wasm_store_t *store, eng_valtype type, const wasm_val_t *val, eng_slot *out,
                            api_value_name name, char *message, size_t message_size)
{
    out->u64 = 0;
    if (val->kind != api_valkind(type)) {
        char buffer[64], kind[32];
        eng_valtype given;
        if (api_valtype(val->kind, &given))
            snprintf(kind, sizeof kind, "%s", eng_valtype_name(given));
        else
            snprintf(kind, sizeof kind, "unknown kind %u", (unsigned)val->kind);
        snprintf(message, message_size, "%s is %s but must be %s", value_name(name, buffer, sizeof buffer), kind,
                 eng_valtype_name(type));
        return message;
    }
    switch (type) {
    case ENG_I32: out->i32 = val->of.i32; return NULL;
    case ENG_I64: out->i64 = val->of.i64; return NULL;
    case ENG_F32: out->f32 = val->of.f32; return NULL;
    case ENG_F64: out->f64 = val->of.f64; return NULL;
    case ENG_FUNCREF:
    case ENG_EXTERNREF: return api_ref_to_pointer(store, type, val->of.ref, &out->ref, name, message, message_size);
    case ENG_V128: break;
    }
    snprintf(message, message_size, "a value has a type this runtime does not support");
    return message;
}

/* ---- host functions ---- */

/* What a host function made through the API carries: the embedder's callback and its env. */
typedef struct api_host_function {
    wasm_store_t *store;
    eng_func *func; /* for its type */
    wasm_func_callback_t callback;
    wasm_func_callback_with_env_t callback_with_env;
    void *env;
    void (*finalizer)(void *);
} api_host_function;

static void host_function_destroy(void *pointer)
{
    api_host_function *host = pointer;
    if (host->finalizer)
        host->finalizer(host->env);
    free(host);
}

/* Values for up to this many parameters or results live on the C stack during a call. */
#define INLINE_VALUES 16

/* Called by the engine: converts the arguments, calls the embedder's callback, converts the
 * results back. A result of the wrong kind becomes a trap rather than a wrong value. */
static eng_trap *host_trampoline(void *env, eng_slot *slots)
{
    api_host_function *host = env;
    wasm_store_t *store = host->store;
    const eng_functype *type = host->func->type;
    uint32_t param_count = type->param_count, result_count = type->result_count;

    wasm_val_t inline_values[2 * INLINE_VALUES];
    wasm_val_t *args = inline_values, *results = inline_values + INLINE_VALUES;
    wasm_val_t *allocated = NULL;
    if (param_count > INLINE_VALUES || result_count > INLINE_VALUES) {
        allocated = calloc((size_t)param_count + result_count + 1, sizeof *allocated);
        if (!allocated)
            return eng_trap_new(ENG_TRAP_HOST, "out of memory calling a host function");
        args = allocated;
        results = allocated + param_count;
    }
    uint32_t converted = 0;
    eng_trap *trap = NULL;
    for (; converted < param_count; converted++) {
        if (!api_val_from_slot(store, eng_functype_params(type)[converted], slots[converted], &args[converted])) {
            trap = eng_trap_new(ENG_TRAP_HOST, "out of memory passing a reference to a host function");
            goto done;
        }
    }
    for (uint32_t i = 0; i < result_count; i++) {
        results[i].kind = api_valkind(eng_functype_results(type)[i]);
        results[i].of.i64 = 0;
    }

    wasm_val_vec_t arg_vec = {param_count, args}, result_vec = {result_count, results};
    wasm_trap_t *raised = host->callback_with_env ? host->callback_with_env(host->env, &arg_vec, &result_vec)
                                                  : host->callback(&arg_vec, &result_vec);
    /* A callback may have replaced the results vector with one of its own (wasm_val_vec_copy
     * into it): then that one holds the results, and it is ours to delete. */
    bool replaced = result_vec.data != results;
    if (raised) {
        trap = api_trap_take(raised);
    } else if (result_vec.size < result_count || (result_count && !result_vec.data)) {
        trap = eng_trap_new(ENG_TRAP_HOST, "a host function gave fewer results than its type has");
    } else {
        char message[256];
        for (uint32_t i = 0; i < result_count; i++) {
            api_value_name name = {"result", (int)i, "of a host function"};
            if (api_val_to_slot(store, eng_functype_results(type)[i], &result_vec.data[i], &slots[i], name, message,
                                sizeof message)) {
                trap = eng_trap_new(ENG_TRAP_HOST, message);
                break;
            }
        }
    }
    if (replaced)
        wasm_val_vec_delete(&result_vec);
    else
        for (uint32_t i = 0; i < result_count; i++)
            wasm_val_delete(&results[i]);
done:
    for (uint32_t i = 0; i < converted; i++)
        wasm_val_delete(&args[i]);
    free(allocated);
    return trap;
}

static wasm_func_t *host_func_new(wasm_store_t *store, const wasm_functype_t *type, wasm_func_callback_t callback,
                                  wasm_func_callback_with_env_t callback_with_env, void *env, void (*finalizer)(void *),
                                  const char *where)
{
    if (!store || (!callback && !callback_with_env)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "%s: the %s is NULL", where, store ? "callback" : "store");
        return NULL;
    }
    eng_functype engine_type;
    if (!api_functype_to(type, &engine_type, where))
        return NULL;
    api_host_function *host = calloc(1, sizeof *host);
    /* Registered before the function exists: the function must never outlive it. */
    if (!host || !eng_store_own(store->engine, host, host_function_destroy)) {
        free(engine_type.types);
        api_fail(WH_ERROR_RESOURCE, "%s: out of memory", where);
        return NULL;
    }
    host->store = store;
    host->callback = callback;
    host->callback_with_env = callback_with_env;
    host->env = env;
    host->func = eng_func_new_host(store->engine, &engine_type, host_trampoline, host);
    free(engine_type.types);
    if (!host->func) {
        api_fail(WH_ERROR_RESOURCE, "%s: out of memory", where);
        return NULL;
    }
    /* Only now: a function that was never made has no finalizer to run. */
    host->finalizer = finalizer;
    api_object *object = api_object_for(store, API_FUNC, host->func);
    return object ? (wasm_func_t *)api_handle_new(store, object) : NULL;
}

wasm_func_t *wasm_func_new(wasm_store_t *store, const wasm_functype_t *type, wasm_func_callback_t callback)
{
    return host_func_new(store, type, callback, NULL, NULL, NULL, "wasm_func_new");
}

wasm_func_t *wasm_func_new_with_env(wasm_store_t *store, const wasm_functype_t *type,
                                    wasm_func_callback_with_env_t callback, void *env, void (*finalizer)(void *))
{
    return host_func_new(store, type, NULL, callback, env, finalizer, "wasm_func_new_with_env");
}

wasm_functype_t *wasm_func_type(const wasm_func_t *func)
{
    if (!func) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wasm_func_type: the function is NULL");
        return NULL;
    }
    return api_functype_from(func->ref.object->func->type);
}

size_t wasm_func_param_arity(const wasm_func_t *func) { return func ? func->ref.object->func->type->param_count : 0; }

size_t wasm_func_result_arity(const wasm_func_t *func) { return func ? func->ref.object->func->type->result_count : 0; }

/* ---- calls from the host ---- */

/* "function 3 "add"" or "host function", for messages. */
static void describe_func(const eng_func *func, char *buffer, size_t size)
{
    if (!func->instance) {
        snprintf(buffer, size, "host function");
        return;
    }
    const eng_name *name = eng_module_func_name(func->instance->module, func->func_index);
    if (name)
        snprintf(buffer, size, "function %u \"%.*s\"", func->func_index, name->length > 64 ? 64 : (int)name->length,
                 name->data);
    else
        snprintf(buffer, size, "function %u", func->func_index);
}

static wasm_trap_t *call_mismatch(wasm_store_t *store, const eng_func *func, const char *problem)
{
    char name[96], type[256];
    describe_func(func, name, sizeof name);
    api_format_functype(func->type, type, sizeof type);
    return api_trap_misuse(store, "wasm_func_call: %s (%s): %s", name, type, problem);
}

wasm_trap_t *wasm_func_call(const wasm_func_t *handle, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    if (!handle)
        return api_trap_misuse(NULL, "wasm_func_call: the function is NULL");
    wasm_store_t *store = handle->ref.store;
    eng_func *func = handle->ref.object->func;
    const eng_functype *type = func->type;
    uint32_t param_count = type->param_count, result_count = type->result_count;
    char message[256];

    size_t arg_count = args ? args->size : 0;
    if (arg_count != param_count) {
        snprintf(message, sizeof message, "takes %u argument%s but %zu %s given", param_count,
                 param_count == 1 ? "" : "s", arg_count, arg_count == 1 ? "was" : "were");
        return call_mismatch(store, func, message);
    }
    if (param_count && !args->data)
        return call_mismatch(store, func, "the arguments vector has no data");

    uint32_t slot_count = param_count > result_count ? param_count : result_count;
    eng_slot inline_slots[INLINE_VALUES];
    eng_slot *slots = inline_slots;
    if (slot_count > INLINE_VALUES) {
        slots = malloc(slot_count * sizeof *slots);
        if (!slots)
            return api_trap_misuse(store, "wasm_func_call: out of memory");
    }
    for (uint32_t i = 0; i < param_count; i++) {
        char problem[200];
        api_value_name name = {"argument", (int)i, NULL};
        if (api_val_to_slot(store, eng_functype_params(type)[i], &args->data[i], &slots[i], name, problem,
                            sizeof problem)) {
            if (slots != inline_slots)
                free(slots);
            return call_mismatch(store, func, problem);
        }
    }

    eng_trap *trap = eng_func_call(store->engine, func, slots);
    /* Room for the results is checked once they exist: a call that traps needs none, and
     * programs written for other engines rely on that (passing an empty vector to a call they
     * expect to trap). */
    size_t room = results && results->data ? results->size : 0;
    wasm_trap_t *result = NULL;
    if (trap) {
        result = api_trap_from(store, trap);
    } else if (room < result_count) {
        snprintf(message, sizeof message, "returned %u result%s but the results vector has room for %zu", result_count,
                 result_count == 1 ? "" : "s", room);
        result = call_mismatch(store, func, message);
    } else {
        for (uint32_t i = 0; i < result_count; i++) {
            if (!api_val_from_slot(store, eng_functype_results(type)[i], slots[i], &results->data[i])) {
                for (uint32_t k = 0; k < i; k++)
                    wasm_val_delete(&results->data[k]);
                result = api_trap_misuse(store, "wasm_func_call: out of memory returning a reference");
                break;
            }
        }
    }
    if (slots != inline_slots)
        free(slots);
    return result;
}
