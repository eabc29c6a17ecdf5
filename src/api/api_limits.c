/* api_limits.c: wasmhost.h's store limits: memory, table and stack caps, fuel, deadlines, interrupt handles. */
#include "api_internal.h"

/* ---- noticing that a cap refused something ---- */

api_limit_mark api_limit_mark_now(const wasm_store_t *store)
{
    const eng_limit_event *event = eng_store_last_limit(store->engine);
    return (api_limit_mark){event->kind, event->count};
}

bool api_cap_refused(const wasm_store_t *store, api_limit_mark mark)
{
    const eng_limit_event *event = eng_store_last_limit(store->engine);
    bool changed = event->kind != mark.kind || event->count != mark.count;
    return changed && (event->kind == ENG_LIMIT_MEMORY || event->kind == ENG_LIMIT_TABLE);
}

/* ---- caps ---- */

void wh_store_limits(const wasm_store_t *store, wh_limits_t *out)
{
    if (!out)
        return;
    eng_store_limits limits;
    eng_store_limits_default(&limits);
    if (store)
        eng_store_get_limits(store->engine, &limits);
    else
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_store_limits: the store is NULL");
    out->max_memory_bytes = limits.max_memory_bytes;
    out->max_table_elements = limits.max_table_elements;
    out->max_stack_bytes = limits.max_stack_bytes;
}

bool wh_store_set_limits(wasm_store_t *store, const wh_limits_t *limits)
{
    if (!store || !limits) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_store_set_limits: the %s is NULL", store ? "limits" : "store");
        return false;
    }
    eng_store_limits engine_limits;
    eng_store_get_limits(store->engine, &engine_limits); /* keeps what wasmhost.h does not set */
    engine_limits.max_memory_bytes = limits->max_memory_bytes;
    engine_limits.max_table_elements = limits->max_table_elements;
    engine_limits.max_stack_bytes = limits->max_stack_bytes;
    eng_error *error = eng_store_set_limits(store->engine, &engine_limits);
    if (error) {
        api_fail_error(WH_ERROR_LIMIT, "wh_store_set_limits", error);
        return false;
    }
    return true;
}

/* ---- fuel ---- */

static bool consumes_fuel(const wasm_store_t *store, const char *where)
{
    if (!store) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "%s: the store is NULL", where);
        return false;
    }
    if (!store->made_by->config.consume_fuel) {
        api_fail(WH_ERROR_CONFIG,
                 "%s: the store's engine does not meter fuel (make it with wh_config_consume_fuel(config, true))",
                 where);
        return false;
    }
    return true;
}

static bool metering(const wasm_store_t *store, const char *where, uint64_t *remaining)
{
    if (!consumes_fuel(store, where))
        return false;
    if (!eng_store_get_fuel(store->engine, remaining)) {
        api_fail(WH_ERROR_CONFIG, "%s: fuel is not metered in this store (wh_store_set_fuel turns it on)", where);
        return false;
    }
    return true;
}

bool wh_store_set_fuel(wasm_store_t *store, uint64_t fuel)
{
    if (!consumes_fuel(store, "wh_store_set_fuel"))
        return false;
    eng_store_set_fuel(store->engine, fuel);
    /* The engine may hold less than asked (it counts in a signed 64-bit number). */
    eng_store_get_fuel(store->engine, &store->fuel_granted);
    return true;
}

bool wh_store_add_fuel(wasm_store_t *store, uint64_t fuel)
{
    uint64_t before;
    if (!metering(store, "wh_store_add_fuel", &before))
        return false;
    uint64_t consumed = store->fuel_granted - before, after;
    eng_store_add_fuel(store->engine, fuel);
    eng_store_get_fuel(store->engine, &after);
    store->fuel_granted = after > UINT64_MAX - consumed ? UINT64_MAX : after + consumed;
    return true;
}

bool wh_store_fuel_remaining(const wasm_store_t *store, uint64_t *out)
{
    uint64_t remaining;
    if (!out || !metering(store, "wh_store_fuel_remaining", &remaining))
        return false;
    *out = remaining;
    return true;
}

bool wh_store_fuel_consumed(const wasm_store_t *store, uint64_t *out)
{
    uint64_t remaining;
    if (!out || !metering(store, "wh_store_fuel_consumed", &remaining))
        return false;
    *out = store->fuel_granted - remaining;
    return true;
}

/* ---- deadlines and interruption ---- */

bool wh_store_set_deadline(wasm_store_t *store, uint64_t timeout_ns)
{
    if (!store) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_store_set_deadline: the store is NULL");
        return false;
    }
    if (!store->made_by->config.interruptible) {
        api_fail(WH_ERROR_CONFIG, "wh_store_set_deadline: the store's engine was made with "
                                  "wh_config_interruptible(config, false): its code cannot be stopped by a deadline");
        return false;
    }
    eng_store_set_deadline(store->engine, timeout_ns);
    return true;
}

void wh_store_clear_deadline(wasm_store_t *store)
{
    if (store)
        eng_store_clear_deadline(store->engine);
}

/* A handle is the engine's interrupt object itself (reference counted, outliving the store). */
wh_interrupt_handle_t *wh_store_interrupt_handle(wasm_store_t *store)
{
    if (!store) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_store_interrupt_handle: the store is NULL");
        return NULL;
    }
    /* Code that charges fuel looks at the stop flag where interruptible code does. */
    if (!store->made_by->checks) {
        api_fail(WH_ERROR_CONFIG,
                 "wh_store_interrupt_handle: the store's engine was made with "
                 "wh_config_interruptible(config, false) and without fuel: its code cannot be interrupted");
        return NULL;
    }
    return (wh_interrupt_handle_t *)eng_store_interrupt_handle(store->engine);
}

void wh_interrupt_handle_interrupt(const wh_interrupt_handle_t *handle)
{
    if (handle)
        eng_interrupt_handle_interrupt((eng_interrupt *)handle);
}

void wh_interrupt_handle_delete(wh_interrupt_handle_t *handle) { eng_interrupt_handle_free((eng_interrupt *)handle); }

/* ---- the last limit reached ---- */

wh_limit_kind_t wh_store_last_limit(const wasm_store_t *store, uint64_t *limit)
{
    if (limit)
        *limit = 0;
    if (!store) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_store_last_limit: the store is NULL");
        return WH_LIMIT_KIND_NONE;
    }
    const eng_limit_event *event = eng_store_last_limit(store->engine);
    wh_limit_kind_t kind = WH_LIMIT_KIND_NONE;
    switch (event->kind) {
    case ENG_LIMIT_NONE: kind = WH_LIMIT_KIND_NONE; break;
    case ENG_LIMIT_MEMORY: kind = WH_LIMIT_KIND_MEMORY; break;
    case ENG_LIMIT_TABLE: kind = WH_LIMIT_KIND_TABLE; break;
    case ENG_LIMIT_STACK: kind = WH_LIMIT_KIND_STACK; break;
    case ENG_LIMIT_FUEL: kind = WH_LIMIT_KIND_FUEL; break;
    case ENG_LIMIT_DEADLINE: kind = WH_LIMIT_KIND_DEADLINE; break;
    case ENG_LIMIT_INTERRUPT: kind = WH_LIMIT_KIND_INTERRUPT; break;
    }
    /* A deadline's limit is an internal epoch, and an interrupt has none: 0 for both. */
    if (limit && kind != WH_LIMIT_KIND_DEADLINE && kind != WH_LIMIT_KIND_INTERRUPT)
        *limit = event->limit;
    return kind;
}

bool wh_store_last_refused_grow(const wasm_store_t *store, uint64_t *requested, uint64_t *in_use)
{
    if (requested)
        *requested = 0;
    if (in_use)
        *in_use = 0;
    if (!store) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_store_last_refused_grow: the store is NULL");
        return false;
    }
    const eng_limit_event *event = eng_store_last_limit(store->engine);
    if ((event->kind != ENG_LIMIT_MEMORY && event->kind != ENG_LIMIT_TABLE) || !event->refused_grow)
        return false;
    if (requested)
        *requested = event->requested;
    if (in_use)
        *in_use = event->in_use;
    return true;
}
