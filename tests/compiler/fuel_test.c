/* fuel_test.c: fuel in compiled code: the same consumption as the interpreter, "fuel exhausted" at the same budget, with deadlines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wasmhost.h>

#include "compiler_support.h"

static wasm_byte_vec_t binary;

/* One instance of fuel.wasm on `tier`, in a store that meters fuel (and is interruptible). */
typedef struct guest {
    wasm_engine_t *engine;
    wasm_store_t *store;
    wasm_module_t *module;
    wasm_instance_t *instance;
    wasm_extern_vec_t exports;
} guest;

static const char *const tier_names[] = {[WH_TIER_INTERP] = "interp", [WH_TIER_COMPILED] = "compiled"};

static bool guest_open(guest *g, wh_tier_t tier)
{
    memset(g, 0, sizeof *g);
    wasm_config_t *config = wasm_config_new();
    wh_config_consume_fuel(config, true);
    wh_config_set_tier(config, tier);
    g->engine = wasm_engine_new_with_config(config);
    g->store = wasm_store_new(g->engine);
    g->module = wasm_module_new(g->store, &binary);
    CHECK(g->module != NULL, "%s: %s", tier_names[tier], wh_last_error_message());
    if (!g->module)
        return false;
    /* Every function runs native code on the compiled tier (none is left interpreted). */
    uint32_t native = wh_module_native_functions(g->module, NULL);
    CHECK(native == (tier == WH_TIER_COMPILED ? 6u : 0u), "%s: %u functions compiled", tier_names[tier], native);
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    g->instance = wasm_instance_new(g->store, g->module, &imports, NULL);
    CHECK(g->instance != NULL, "%s", wh_last_error_message());
    if (!g->instance)
        return false;
    wasm_instance_exports(g->instance, &g->exports);
    return true;
}

static void guest_close(guest *g)
{
    wasm_extern_vec_delete(&g->exports);
    if (g->instance)
        wasm_instance_delete(g->instance);
    if (g->module)
        wasm_module_delete(g->module);
    wasm_store_delete(g->store);
    wasm_engine_delete(g->engine);
}

static wasm_func_t *export_named(guest *g, const char *name)
{
    wasm_exporttype_vec_t types;
    wasm_module_exports(g->module, &types);
    wasm_func_t *found = NULL;
    for (size_t i = 0; i < types.size; i++) {
        const wasm_name_t *export_name = wasm_exporttype_name(types.data[i]);
        if (export_name->size == strlen(name) && memcmp(export_name->data, name, export_name->size) == 0)
            found = wasm_extern_as_func(g->exports.data[i]);
    }
    wasm_exporttype_vec_delete(&types);
    CHECK(found != NULL, "no export %s", name);
    return found;
}

/* What one call did: its result (when it returned), its trap message (else), the fuel it used. */
typedef struct outcome {
    bool trapped;
    int32_t result;
    char message[128];
    uint64_t consumed;
} outcome;

/* Calls export `name` (with `arg` when it takes one) with `fuel` units and, when
 * `deadline_ns` is set, that deadline. */
static outcome call(wh_tier_t tier, const char *name, int32_t arg, uint64_t fuel, uint64_t deadline_ns)
{
    outcome out = {0};
    guest g;
    if (guest_open(&g, tier)) {
        wasm_func_t *func = export_named(&g, name);
        CHECK(wh_store_set_fuel(g.store, fuel));
        if (deadline_ns)
            CHECK(wh_store_set_deadline(g.store, deadline_ns));
        wasm_val_t arg_list[1] = {WASM_I32_VAL(arg)};
        wasm_val_t result_list[1] = {WASM_INIT_VAL};
        wasm_val_vec_t args = {func ? wasm_func_param_arity(func) : 0, arg_list};
        wasm_val_vec_t results = {func ? wasm_func_result_arity(func) : 0, result_list};
        wasm_trap_t *trap = func ? wasm_func_call(func, &args, &results) : NULL;
        if (trap) {
            wasm_message_t message;
            wasm_trap_message(trap, &message);
            snprintf(out.message, sizeof out.message, "%.*s", (int)message.size, message.data);
            wasm_byte_vec_delete(&message);
            wasm_trap_delete(trap);
            out.trapped = true;
        } else {
            out.result = result_list[0].of.i32;
        }
        CHECK(wh_store_fuel_consumed(g.store, &out.consumed));
    }
    guest_close(&g);
    return out;
}

/* Completed runs use the same fuel on both tiers; one unit less traps on both, at the same count. */
static void same_consumption(const char *name, int32_t arg)
{
    const uint64_t plenty = 1000000000;
    outcome interp = call(WH_TIER_INTERP, name, arg, plenty, 0);
    outcome compiled = call(WH_TIER_COMPILED, name, arg, plenty, 0);
    CHECK(!interp.trapped && !compiled.trapped, "%s(%d): %s / %s", name, arg, interp.message, compiled.message);
    CHECK(interp.result == compiled.result, "%s(%d): %d, compiled %d", name, arg, interp.result, compiled.result);
    CHECK(interp.consumed > 0 && interp.consumed == compiled.consumed, "%s(%d): %llu units, compiled %llu", name, arg,
          (unsigned long long)interp.consumed, (unsigned long long)compiled.consumed);
    printf("%s(%d) = %d: %llu units on both tiers\n", name, arg, interp.result, (unsigned long long)interp.consumed);

    /* Exactly enough completes; one unit less is exhausted on both tiers. */
    outcome exact = call(WH_TIER_COMPILED, name, arg, interp.consumed, 0);
    CHECK(!exact.trapped && exact.result == interp.result, "%s(%d) with exactly its fuel: %s", name, arg,
          exact.message);
    for (wh_tier_t tier = WH_TIER_INTERP; tier <= WH_TIER_COMPILED; tier++) {
        outcome short_of = call(tier, name, arg, interp.consumed - 1, 0);
        CHECK(short_of.trapped && strcmp(short_of.message, "fuel exhausted") == 0, "%s(%d), %s, one unit short: %s",
              name, arg, tier_names[tier], short_of.trapped ? short_of.message : "no trap");
    }
    /* Half the fuel: both tiers stop in the same block, having charged the same. */
    outcome half_interp = call(WH_TIER_INTERP, name, arg, interp.consumed / 2, 0);
    outcome half_compiled = call(WH_TIER_COMPILED, name, arg, interp.consumed / 2, 0);
    CHECK(half_interp.trapped && half_compiled.trapped && strcmp(half_compiled.message, "fuel exhausted") == 0 &&
              half_interp.consumed == half_compiled.consumed,
          "%s(%d) with half its fuel: %s after %llu units, compiled %s after %llu", name, arg, half_interp.message,
          (unsigned long long)half_interp.consumed, half_compiled.message, (unsigned long long)half_compiled.consumed);
}

int main(int argc, char **argv)
{
    CHECK(argc == 2, "usage: fuel_test FUEL.wasm");
    if (argc != 2)
        return 1;
    binary = read_file(argv[1]);

    same_consumption("count", 1000);     /* a loop without calls */
    same_consumption("table_loops", 40); /* back-edges from br_table */
    same_consumption("fib", 18);         /* recursion */
    same_consumption("calls", 300);      /* calls in a loop, direct and indirect */

    uint64_t spun_consumed[WH_TIER_COMPILED + 1] = {0};
    for (wh_tier_t tier = WH_TIER_INTERP; tier <= WH_TIER_COMPILED; tier++) {
        /* A loop that never ends: fuel stops it, with and without a (later) deadline... */
        outcome spun = call(tier, "spin", 0, 100000, 0);
        spun_consumed[tier] = spun.consumed;
        CHECK(spun.trapped && strcmp(spun.message, "fuel exhausted") == 0, "%s: spin: %s", tier_names[tier],
              spun.message);
        outcome fuel_first = call(tier, "spin", 0, 100000, 60ull * 1000000000);
        CHECK(fuel_first.trapped && strcmp(fuel_first.message, "fuel exhausted") == 0 &&
                  fuel_first.consumed == spun.consumed,
              "%s: spin with a deadline: %s", tier_names[tier], fuel_first.message);
        /* ... and a deadline stops it before plenty of fuel runs out. */
        outcome deadline_first = call(tier, "spin", 0, UINT64_MAX / 2, 50ull * 1000000);
        CHECK(deadline_first.trapped && strcmp(deadline_first.message, "deadline exceeded") == 0,
              "%s: spin with plenty of fuel: %s", tier_names[tier], deadline_first.message);
        CHECK(deadline_first.consumed > spun.consumed, "%s: spin used %llu units in 50 ms", tier_names[tier],
              (unsigned long long)deadline_first.consumed);
        /* Recursion under a deadline too. */
        outcome deep = call(tier, "fib", 40, UINT64_MAX / 2, 50ull * 1000000);
        CHECK(deep.trapped && strcmp(deep.message, "deadline exceeded") == 0, "%s: fib(40) with a deadline: %s",
              tier_names[tier], deep.message);
    }
    CHECK(spun_consumed[WH_TIER_INTERP] == spun_consumed[WH_TIER_COMPILED], "spin: %llu units, compiled %llu",
          (unsigned long long)spun_consumed[WH_TIER_INTERP], (unsigned long long)spun_consumed[WH_TIER_COMPILED]);
    wasm_byte_vec_delete(&binary);
    return checks_done("fuel_test");
}
