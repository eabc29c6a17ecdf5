/* multi.c: functions with several parameters and several results, in both directions. */
#include "example.h"

/* (i32 a, i64 b, f32 c, f64 d) -> (f64 d, f32 c, i64 b, i32 a) */
static wasm_trap_t *reverse_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    printf("Reversing %d %lld %g %g\n", args->data[0].of.i32, (long long)args->data[1].of.i64, args->data[2].of.f32,
           args->data[3].of.f64);
    for (size_t i = 0; i < 4; i++)
        results->data[i] = args->data[3 - i];
    return NULL;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "multi.wasm";
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, path);

    wasm_valtype_t *params[] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32(),
                                wasm_valtype_new_f64()};
    wasm_valtype_t *results_types[] = {wasm_valtype_new_f64(), wasm_valtype_new_f32(), wasm_valtype_new_i64(),
                                       wasm_valtype_new_i32()};
    wasm_valtype_vec_t param_vec, result_vec;
    wasm_valtype_vec_new(&param_vec, 4, params);
    wasm_valtype_vec_new(&result_vec, 4, results_types);
    wasm_functype_t *reverse_type = wasm_functype_new(&param_vec, &result_vec);
    wasm_func_t *reverse = wasm_func_new(store, reverse_type, reverse_callback);
    wasm_functype_delete(reverse_type);

    wasm_extern_t *externs[] = {wasm_func_as_extern(reverse)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    CHECK(instance);
    wasm_extern_t *twice_extern = wh_instance_export(instance, "reverse_twice");
    wasm_extern_t *divmod_extern = wh_instance_export(instance, "divmod");
    wasm_func_t *twice = wasm_extern_as_func(twice_extern), *divmod = wasm_extern_as_func(divmod_extern);
    CHECK(twice && divmod && wasm_func_result_arity(twice) == 4);

    wasm_val_t args_data[] = {WASM_I32_VAL(1), WASM_I64_VAL(-2), WASM_F32_VAL(3.5f), WASM_F64_VAL(4.25)};
    wasm_val_t results_data[4] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(args_data), results = WASM_ARRAY_VEC(results_data);
    wasm_trap_t *trap = wasm_func_call(twice, &args, &results);
    CHECK(!trap);
    CHECK(results_data[0].kind == WASM_I32 && results_data[0].of.i32 == 1);
    CHECK(results_data[1].kind == WASM_I64 && results_data[1].of.i64 == -2);
    CHECK(results_data[2].kind == WASM_F32 && results_data[2].of.f32 == 3.5f);
    CHECK(results_data[3].kind == WASM_F64 && results_data[3].of.f64 == 4.25);

    /* Calling the host function from the host gives the reversed values. */
    trap = wasm_func_call(reverse, &args, &results);
    CHECK(!trap && results_data[0].kind == WASM_F64 && results_data[0].of.f64 == 4.25 && results_data[3].of.i32 == 1);

    wasm_val_t divmod_args[] = {WASM_I32_VAL(17), WASM_I32_VAL(5)};
    wasm_val_t divmod_results[2];
    wasm_val_vec_t dargs = WASM_ARRAY_VEC(divmod_args), dresults = WASM_ARRAY_VEC(divmod_results);
    trap = wasm_func_call(divmod, &dargs, &dresults);
    CHECK(!trap && divmod_results[0].of.i32 == 3 && divmod_results[1].of.i32 == 2);
    printf("17 divmod 5 = %d, %d\n", divmod_results[0].of.i32, divmod_results[1].of.i32);

    wasm_extern_delete(twice_extern);
    wasm_extern_delete(divmod_extern);
    wasm_func_delete(reverse);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return example_finish("multi");
}
