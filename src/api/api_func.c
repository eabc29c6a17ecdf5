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
    case ENG_V128: break; /* a wasm_val_t cannot hold one: callers check the type first */
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
    char buffer[64];
    snprintf(message, message_size, "%s is a v128, which a wasm_val_t cannot hold (wh_val_t can)",
             value_name(name, buffer, sizeof buffer));
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

/* The record lives in the store's arena: only the finalizer is left to run. */
static void host_function_destroy(void *pointer)
{
    api_host_function *host = pointer;
    if (host->finalizer)
        host->finalizer(host->env);
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
    if (engine_type.param_slots != engine_type.param_count || engine_type.result_slots != engine_type.result_count) {
        free(engine_type.types);
        api_fail(WH_ERROR_INVALID_ARGUMENT,
                 "%s: host functions cannot take or return v128 values (a wasm_val_t cannot hold one)", where);
        return NULL;
    }
    eng_func *func = api_host_func_new(store, &engine_type, callback_with_env, env);
    free(engine_type.types);
    api_host_function *host = func ? func->env : NULL;
    /* Registered for its finalizer, which is set only once registered: a function that was
     * never made has none to run. */
    if (!host || (finalizer && !eng_store_own(store->engine, host, host_function_destroy))) {
        api_fail(WH_ERROR_RESOURCE, "%s: out of memory", where);
        return NULL;
    }
    host->callback = callback;
    host->finalizer = finalizer;
    api_object *object = api_object_for(store, API_FUNC, host->func);
    return object ? (wasm_func_t *)api_handle_new(store, object) : NULL;
}

eng_func *api_host_func_new(wasm_store_t *store, const eng_functype *type, wasm_func_callback_with_env_t callback,
                            void *env)
{
    /* No finalizer, so nothing to run when the store goes: the arena holds it all. */
    api_host_function *host = eng_store_alloc(store->engine, sizeof *host);
    if (!host)
        return NULL;
    host->store = store;
    host->callback_with_env = callback;
    host->env = env;
    host->func = eng_func_new_host(store->engine, type, host_trampoline, host);
    return host->func;
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

/* The values of a call, as wasm_func_call (wasm_val_t: `plain`) or wh_func_call (wh_val_t, which
 * may hold a v128: `wide`) gives them. */
typedef struct call_values {
    bool is_wide;
    wasm_val_t *plain;
    wh_val_t *wide;
    size_t count;
} call_values;

static bool has_values(const call_values *values)
{
    return values->is_wide ? values->wide != NULL : values->plain != NULL;
}

/* Value i as a wasm_val_t (a wh_val_t that is not a v128 has the same kind and fields). */
static wasm_val_t plain_value(const call_values *values, size_t i)
{
    if (!values->is_wide)
        return values->plain[i];
    wasm_val_t value = {.kind = values->wide[i].kind};
    memcpy(&value.of, &values->wide[i].of, sizeof value.of);
    return value;
}

static void set_plain_value(call_values *values, size_t i, const wasm_val_t *value)
{
    if (!values->is_wide) {
        values->plain[i] = *value;
        return;
    }
    memset(&values->wide[i], 0, sizeof values->wide[i]);
    values->wide[i].kind = value->kind;
    memcpy(&values->wide[i].of, &value->of, sizeof value->of);
}

/* What wasm_func_call and wh_func_call share: checks the arguments, lays them out in slots (a v128
 * takes two), calls, and converts the results back. */
static wasm_trap_t *call_with_values(const wasm_func_t *handle, call_values args, call_values results)
{
    const char *where = args.is_wide ? "wh_func_call" : "wasm_func_call";
    if (!handle)
        return api_trap_misuse(NULL, "%s: the function is NULL", where);
    wasm_store_t *store = handle->ref.store;
    eng_func *func = handle->ref.object->func;
    const eng_functype *type = func->type;
    uint32_t param_count = type->param_count, result_count = type->result_count;
    char message[256];

    if (!args.is_wide && (type->param_slots != param_count || type->result_slots != result_count))
        return call_mismatch(
            store, func, "it takes or returns v128 values, which a wasm_val_t cannot hold: call it with wh_func_call");
    if (args.count != param_count) {
        snprintf(message, sizeof message, "takes %u argument%s but %zu %s given", param_count,
                 param_count == 1 ? "" : "s", args.count, args.count == 1 ? "was" : "were");
        return call_mismatch(store, func, message);
    }
    if (param_count && !has_values(&args))
        return call_mismatch(store, func, "the arguments vector has no data");

    uint32_t slot_count = type->param_slots > type->result_slots ? type->param_slots : type->result_slots;
    eng_slot inline_slots[INLINE_VALUES];
    eng_slot *slots = inline_slots;
    if (slot_count > INLINE_VALUES) {
        slots = malloc(slot_count * sizeof *slots);
        if (!slots)
            return api_trap_misuse(store, "%s: out of memory", where);
    }
    for (uint32_t i = 0, slot = 0; i < param_count; slot += eng_valtype_slots(eng_functype_params(type)[i]), i++) {
        char problem[200];
        api_value_name name = {"argument", (int)i, NULL};
        eng_valtype param = eng_functype_params(type)[i];
        if (param == ENG_V128 && args.is_wide && args.wide[i].kind == WH_V128) {
            memcpy(&slots[slot], args.wide[i].of.v128, sizeof args.wide[i].of.v128);
            continue;
        }
        wasm_val_t arg = plain_value(&args, i);
        if (api_val_to_slot(store, param, &arg, &slots[slot], name, problem, sizeof problem)) {
            if (slots != inline_slots)
                free(slots);
            return call_mismatch(store, func, problem);
        }
    }

    eng_trap *trap = eng_func_call(store->engine, func, slots);
    /* Room for the results is checked once they exist: a call that traps needs none, and
     * programs written for other engines rely on that (passing an empty vector to a call they
     * expect to trap). */
    size_t room = has_values(&results) ? results.count : 0;
    wasm_trap_t *result = NULL;
    if (trap) {
        result = api_trap_from(store, trap);
    } else if (room < result_count) {
        snprintf(message, sizeof message, "returned %u result%s but the results vector has room for %zu", result_count,
                 result_count == 1 ? "" : "s", room);
        result = call_mismatch(store, func, message);
    } else {
        for (uint32_t i = 0, slot = 0; i < result_count;
             slot += eng_valtype_slots(eng_functype_results(type)[i]), i++) {
            eng_valtype type_i = eng_functype_results(type)[i];
            if (type_i == ENG_V128) { /* only with wh_val_t: checked above */
                memset(&results.wide[i], 0, sizeof results.wide[i]);
                results.wide[i].kind = WH_V128;
                memcpy(results.wide[i].of.v128, &slots[slot], sizeof results.wide[i].of.v128);
                continue;
            }
            wasm_val_t value;
            if (!api_val_from_slot(store, type_i, slots[slot], &value)) {
                for (uint32_t k = 0; k < i; k++) {
                    wasm_val_t made = plain_value(&results, k);
                    wasm_val_delete(&made);
                }
                result = api_trap_misuse(store, "%s: out of memory returning a reference", where);
                break;
            }
            set_plain_value(&results, i, &value);
        }
    }
    if (slots != inline_slots)
        free(slots);
    return result;
}

wasm_trap_t *wasm_func_call(const wasm_func_t *handle, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    call_values in = {false, args ? args->data : NULL, NULL, args ? args->size : 0};
    call_values out = {false, results ? results->data : NULL, NULL, results ? results->size : 0};
    return call_with_values(handle, in, out);
}

wasm_trap_t *wh_func_call(const wasm_func_t *handle, const wh_val_t *args, size_t arg_count, wh_val_t *results,
                          size_t result_count)
{
    call_values in = {true, NULL, (wh_val_t *)args, arg_count};
    call_values out = {true, NULL, results, result_count};
    return call_with_values(handle, in, out);
}
