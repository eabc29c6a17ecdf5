/* tier_maps.c: the compiling tier's library is mapped only in a process that compiles, and calls and traps cross the tiers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasm.h>
#include <wasmhost.h>

#include "check.h"
#include "compiler_support.h"

/* Whether /proc/self/maps names a file containing `needle`. */
static bool mapped(const char *needle)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    CHECK(maps != NULL);
    if (!maps)
        return false;
    char line[4096];
    bool found = false;
    while (fgets(line, sizeof line, maps))
        if (strstr(line, needle))
            found = true;
    fclose(maps);
    return found;
}

static wasm_trap_t *twice(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = 2 * args->data[0].of.i32;
    return NULL;
}

/* Instantiates tiers.wasm with an engine of `tier` and runs its exports; returns the native count. */
static uint32_t run_module(const wasm_byte_vec_t *binary, wh_tier_t tier)
{
    wasm_config_t *config = wasm_config_new();
    wh_config_set_tier(config, tier);
    wasm_engine_t *engine = wasm_engine_new_with_config(config);
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = wasm_module_new(store, binary);
    CHECK(module != NULL, "%s", wh_last_error_message());
    if (!module) {
        wasm_store_delete(store);
        wasm_engine_delete(engine);
        return 0;
    }
    uint32_t native = wh_module_native_functions(module, NULL);

    wasm_functype_t *type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t *host = wasm_func_new(store, type, twice);
    wasm_functype_delete(type);
    wasm_extern_t *import_list[] = {wasm_func_as_extern(host)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    CHECK(instance != NULL, "%s", wh_last_error_message());
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    CHECK(exports.size == 4);
    wasm_func_t *sum = wasm_extern_as_func(exports.data[0]);
    wasm_func_t *divide = wasm_extern_as_func(exports.data[1]);
    wasm_func_t *deep_trap = wasm_extern_as_func(exports.data[2]);
    wasm_func_t *mismatch = wasm_extern_as_func(exports.data[3]);

    /* sum of squares 1..10 = 385, doubled by the host */
    wasm_val_t arg_list[] = {WASM_I32_VAL(10), WASM_I32_VAL(0)};
    wasm_val_t result_list[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = {1, arg_list}, results = WASM_ARRAY_VEC(result_list);
    wasm_trap_t *trap = wasm_func_call(sum, &args, &results);
    CHECK(trap == NULL && result_list[0].of.i32 == 770, "tier %d: sum gave %d", (int)tier, result_list[0].of.i32);

    struct {
        wasm_func_t *func;
        size_t arg_count;
        const char *message;
    } traps[] = {{divide, 2, "integer divide by zero"},
                 {deep_trap, 1, "out of bounds memory access"},
                 {mismatch, 0, "indirect call type mismatch"}};
    for (size_t i = 0; i < sizeof traps / sizeof traps[0]; i++) {
        wasm_val_vec_t trap_args = {traps[i].arg_count, arg_list};
        arg_list[0].of.i32 = 7;
        trap = wasm_func_call(traps[i].func, &trap_args, &results);
        CHECK(trap != NULL, "tier %d: no trap for %s", (int)tier, traps[i].message);
        if (trap) {
            wasm_message_t message;
            wasm_trap_message(trap, &message);
            CHECK(strstr(message.data, traps[i].message) != NULL, "tier %d: %s", (int)tier, message.data);
            wasm_byte_vec_delete(&message);
            wasm_trap_delete(trap);
        }
    }
    /* The store is usable after the traps. */
    arg_list[0].of.i32 = 3;
    trap = wasm_func_call(sum, &args, &results);
    CHECK(trap == NULL && result_list[0].of.i32 == 28, "tier %d: sum after traps gave %d", (int)tier,
          result_list[0].of.i32);

    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_func_delete(host);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return native;
}

/* An artifact (wasmhost compile) runs native code without mapping the compiler. */
static int run_artifact(const char *path)
{
    wasm_byte_vec_t artifact = read_file(path);
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = wasm_module_deserialize(store, &artifact);
    CHECK(module != NULL, "%s", wh_last_error_message());
    if (module) {
        CHECK(wh_module_native_functions(module, NULL) == 2);
        wasm_extern_vec_t imports = WASM_EMPTY_VEC;
        wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
        wasm_extern_vec_t exports;
        wasm_instance_exports(instance, &exports);
        wasm_val_t arg_list[] = {WASM_I64_VAL(10)};
        wasm_val_t result_list[1] = {WASM_INIT_VAL};
        wasm_val_vec_t args = WASM_ARRAY_VEC(arg_list), results = WASM_ARRAY_VEC(result_list);
        wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results);
        CHECK(trap == NULL && result_list[0].of.i64 == 3628800);
        wasm_extern_vec_delete(&exports);
        wasm_instance_delete(instance);
        wasm_module_delete(module);
    }
    CHECK(!mapped("libLLVM"), "running an artifact mapped libLLVM");
    CHECK(!mapped("libwasmhost_llvm"), "running an artifact mapped libwasmhost_llvm.so");
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    wasm_byte_vec_delete(&artifact);
    return checks_done("tier_maps --artifact");
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--artifact") == 0)
        return run_artifact(argv[2]);
    CHECK(argc == 2, "usage: tier_maps TIERS.wasm | tier_maps --artifact FILE.cwasm");
    if (argc != 2)
        return 1;
    wasm_byte_vec_t binary = read_file(argv[1]);
    /* The compiler's test hook: function 2 ($interp_get) stays on the interpreter. */
    setenv("WASMHOST_LLVM_INTERPRET", "2", 1);
    /* The interpreter (the default tier and the explicit one) never loads the compiler. */
    CHECK(run_module(&binary, WH_TIER_AUTO) == 0);
    CHECK(run_module(&binary, WH_TIER_INTERP) == 0);
    CHECK(!mapped("libLLVM"), "libLLVM is mapped by a process that only interprets");
    CHECK(!mapped("libwasmhost_llvm"), "libwasmhost_llvm.so is mapped by a process that only interprets");

    /* The compiled tier: the same results and traps, the library now mapped (so the check above can fail). */
    uint32_t native = run_module(&binary, WH_TIER_COMPILED);
    CHECK(native == 5, "%u functions compiled, expected 5 (all but $interp_get)", native);
    CHECK(mapped("libwasmhost_llvm"), "the compiled tier ran without mapping libwasmhost_llvm.so");
    CHECK(mapped("libLLVM"), "the compiled tier ran without mapping libLLVM");
    wasm_byte_vec_delete(&binary);
    return checks_done("tier_maps");
}
