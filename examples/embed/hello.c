/* hello.c: the smallest embedding: compiling a module, host functions (one with an environment), calling an export. */
#include "example.h"

/* A host function without environment: doubles its argument. */
static wasm_trap_t *hello_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    printf("Hello from the host, called with %d\n", args->data[0].of.i32);
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = args->data[0].of.i32 * 2;
    return NULL;
}

/* A host function with an environment: counts its calls. */
static wasm_trap_t *count_callback(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args;
    (void)results;
    ++*(int *)env;
    return NULL;
}

static int finalized;
static void finalize_counter(void *env)
{
    (void)env;
    finalized++;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "hello.wasm";
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, path);

    wasm_functype_t *hello_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t *hello = wasm_func_new(store, hello_type, hello_callback);
    wasm_functype_delete(hello_type);

    int calls = 0;
    wasm_functype_t *count_type = wasm_functype_new_0_0();
    wasm_func_t *count = wasm_func_new_with_env(store, count_type, count_callback, &calls, finalize_counter);
    wasm_functype_delete(count_type);
    CHECK(hello && count);

    /* Imports in the module's order: "host" "hello", then "host" "count". */
    wasm_extern_t *externs[] = {wasm_func_as_extern(hello), wasm_func_as_extern(count)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    wasm_trap_t *trap = NULL;
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
    CHECK(instance && !trap);

    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    CHECK(exports.size == 1);
    wasm_func_t *run = wasm_extern_as_func(exports.data[0]);
    CHECK(run && wasm_func_param_arity(run) == 1 && wasm_func_result_arity(run) == 1);

    for (int i = 1; i <= 3; i++) {
        wasm_val_t args_data[] = {WASM_I32_VAL(20 * i)};
        wasm_val_t results_data[1] = {WASM_INIT_VAL};
        wasm_val_vec_t args = WASM_ARRAY_VEC(args_data), results = WASM_ARRAY_VEC(results_data);
        trap = wasm_func_call(run, &args, &results);
        CHECK(!trap);
        CHECK(results_data[0].kind == WASM_I32 && results_data[0].of.i32 == 40 * i + 1);
        printf("run(%d) = %d\n", 20 * i, results_data[0].of.i32);
    }
    CHECK(calls == 3);

    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_func_delete(hello);
    wasm_func_delete(count);
    wasm_module_delete(module);
    CHECK(finalized == 0); /* the function lives as long as its store */
    wasm_store_delete(store);
    CHECK(finalized == 1);
    wasm_engine_delete(engine);
    return example_finish("hello");
}
