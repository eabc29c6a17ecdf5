/* simd_api_test.c: v128 values through the public API: wh_func_call with v128 arguments and results among other widths, and the clear refusals of wasm_val_t's paths (wasm_func_call, globals, host functions). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wasm.h"
#include "wasmhost.h"

static wh_val_t v128_of_i32(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    wh_val_t value = {.kind = WH_V128};
    uint32_t lanes[4] = {a, b, c, d};
    memcpy(value.of.v128, lanes, sizeof lanes);
    return value;
}

static uint32_t lane(const wh_val_t *value, int i)
{
    uint32_t lanes[4];
    memcpy(lanes, value->of.v128, sizeof lanes);
    return lanes[i];
}

static bool trap_says(wasm_trap_t *trap, const char *text)
{
    if (!trap)
        return false;
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    bool found = message.size && strstr(message.data, text) != NULL;
    if (!found)
        fprintf(stderr, "trap message: %.*s\n", (int)message.size, message.data);
    wasm_byte_vec_delete(&message);
    wasm_trap_delete(trap);
    return found;
}

static wasm_trap_t *host_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args, (void)results;
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: simd_api_test SIMD_API.wasm\n");
        return 2;
    }
    FILE *file = fopen(argv[1], "rb");
    CHECK(file != NULL, "cannot open %s", argv[1]);
    if (!file)
        return checks_done("simd_api");
    wasm_byte_vec_t binary;
    fseek(file, 0, SEEK_END);
    wasm_byte_vec_new_uninitialized(&binary, (size_t)ftell(file));
    rewind(file);
    CHECK(fread(binary.data, 1, binary.size, file) == binary.size);
    fclose(file);

    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = wasm_module_new(store, &binary);
    CHECK(module != NULL, "module: %s", wh_last_error_message());
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    wasm_instance_t *instance = module ? wasm_instance_new(store, module, &imports, NULL) : NULL;
    CHECK(instance != NULL);
    if (!instance)
        return checks_done("simd_api");
    wasm_func_t *add = wasm_extern_as_func(wh_instance_export(instance, "add"));
    wasm_func_t *mixed = wasm_extern_as_func(wh_instance_export(instance, "mixed"));
    wasm_func_t *load = wasm_extern_as_func(wh_instance_export(instance, "load"));
    wasm_func_t *plain = wasm_extern_as_func(wh_instance_export(instance, "plain"));
    wasm_global_t *global = wasm_extern_as_global(wh_instance_export(instance, "g"));

    /* The type says v128. */
    wasm_functype_t *type = wasm_func_type(add);
    CHECK(wasm_valtype_kind(wasm_functype_params(type)->data[0]) == WH_V128);
    CHECK(wasm_valtype_kind(wasm_functype_results(type)->data[0]) == WH_V128);
    CHECK(strcmp(wh_valkind_name(WH_V128), "v128") == 0);
    wasm_functype_delete(type);

    /* wh_func_call: lanes in and out. */
    wh_val_t args[3] = {v128_of_i32(1, 2, 3, 0xffffffffu), v128_of_i32(10, 20, 30, 2)};
    wh_val_t results[3];
    wasm_trap_t *trap = wh_func_call(add, args, 2, results, 1);
    CHECK(trap == NULL);
    CHECK(results[0].kind == WH_V128);
    CHECK(lane(&results[0], 0) == 11 && lane(&results[0], 1) == 22 && lane(&results[0], 2) == 33 &&
          lane(&results[0], 3) == 1);

    /* Mixed widths: each value in its own slots, in order. */
    args[0] = (wh_val_t){.kind = WASM_I32, .of.i32 = -5};
    args[1] = v128_of_i32(7, 8, 9, 10);
    args[2] = (wh_val_t){.kind = WASM_I64, .of.i64 = INT64_C(0x123456789abcdef)};
    trap = wh_func_call(mixed, args, 3, results, 3);
    CHECK(trap == NULL);
    CHECK(results[0].kind == WASM_I64 && results[0].of.i64 == INT64_C(0x123456789abcdef));
    CHECK(results[1].kind == WH_V128 && lane(&results[1], 0) == (uint32_t)-5 && lane(&results[1], 3) == 10);
    CHECK(results[2].kind == WASM_I32 && results[2].of.i32 == 10);

    /* A non-v128 function through wh_func_call too. */
    args[0] = (wh_val_t){.kind = WASM_I32, .of.i32 = 42};
    trap = wh_func_call(plain, args, 1, results, 1);
    CHECK(trap == NULL && results[0].kind == WASM_I32 && results[0].of.i32 == 42);

    /* Wrong kind, count, room. */
    args[0] = (wh_val_t){.kind = WASM_I32, .of.i32 = 1};
    args[1] = v128_of_i32(0, 0, 0, 0);
    CHECK(trap_says(wh_func_call(add, args, 2, results, 1), "argument 0 is i32 but must be v128"));
    CHECK(trap_says(wh_func_call(add, args, 1, results, 1), "takes 2 arguments but 1 was given"));
    args[0] = v128_of_i32(0, 0, 0, 0);
    CHECK(trap_says(wh_func_call(add, args, 2, results, 0), "has room for 0"));

    /* A trap in a v128 load. */
    args[0] = (wh_val_t){.kind = WASM_I32, .of.i32 = 65536 - 8};
    trap = wh_func_call(load, args, 1, results, 1);
    CHECK(trap != NULL && wh_trap_code(trap) == WH_TRAP_CODE_OUT_OF_BOUNDS_MEMORY);
    wasm_trap_delete(trap);

    /* wasm_val_t's paths refuse v128 with a message that says what to use. */
    wasm_val_t plain_args[2] = {WASM_I32_VAL(1), WASM_I32_VAL(2)};
    wasm_val_t plain_results[1] = {WASM_INIT_VAL};
    wasm_val_vec_t arg_vec = {2, plain_args}, result_vec = {1, plain_results};
    CHECK(trap_says(wasm_func_call(add, &arg_vec, &result_vec), "call it with wh_func_call"));
    wasm_val_t value;
    wasm_global_get(global, &value);
    CHECK(value.kind == WH_V128 && strstr(wh_last_error_message(), "v128") != NULL);
    wasm_val_t seven = WASM_I32_VAL(7);
    wasm_global_set(global, &seven);
    CHECK(strstr(wh_last_error_message(), "v128") != NULL);

    wasm_valtype_vec_t params, no_results;
    wasm_valtype_t *v128_type = wasm_valtype_new(WH_V128);
    CHECK(v128_type != NULL);
    wasm_valtype_vec_new(&params, 1, &v128_type);
    wasm_valtype_vec_new_empty(&no_results);
    wasm_functype_t *host_type = wasm_functype_new(&params, &no_results);
    wasm_func_t *host = wasm_func_new(store, host_type, host_callback);
    CHECK(host == NULL);
    CHECK(strstr(wh_last_error_message(), "cannot take or return v128") != NULL, "%s", wh_last_error_message());
    wasm_functype_delete(host_type);

    wasm_func_delete(add);
    wasm_func_delete(mixed);
    wasm_func_delete(load);
    wasm_func_delete(plain);
    wasm_global_delete(global);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    wasm_byte_vec_delete(&binary);
    return checks_done("simd_api");
}
