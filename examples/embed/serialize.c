/* serialize.c: a module serialized to bytes and back, and shared with another thread's store. */
#include "example.h"

#include <pthread.h>
#include <string.h>

static wasm_trap_t *hello_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    results->data[0] = (wasm_val_t)WASM_I32_VAL(args->data[0].of.i32 * 2);
    return NULL;
}

static wasm_trap_t *count_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args;
    (void)results;
    return NULL;
}

/* Instantiates hello.wasm's module in `store` and returns run(n). */
static int32_t run(wasm_store_t *store, const wasm_module_t *module, int32_t n)
{
    wasm_functype_t *hello_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_functype_t *count_type = wasm_functype_new_0_0();
    wasm_func_t *hello = wasm_func_new(store, hello_type, hello_callback);
    wasm_func_t *count = wasm_func_new(store, count_type, count_callback);
    wasm_extern_t *externs[] = {wasm_func_as_extern(hello), wasm_func_as_extern(count)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    int32_t value = -1;
    if (instance) {
        wasm_extern_t *run_extern = wh_instance_export(instance, "run");
        wasm_val_t arg = WASM_I32_VAL(n), result = WASM_INIT_VAL;
        wasm_val_vec_t args = {1, &arg}, results = {1, &result};
        wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(run_extern), &args, &results);
        if (!trap)
            value = result.of.i32;
        wasm_trap_delete(trap);
        wasm_extern_delete(run_extern);
        wasm_instance_delete(instance);
    }
    wasm_func_delete(hello);
    wasm_func_delete(count);
    wasm_functype_delete(hello_type);
    wasm_functype_delete(count_type);
    return value;
}

struct thread_work {
    wasm_engine_t *engine;
    wasm_shared_module_t *shared;
    int32_t result;
};

static void *thread_main(void *argument)
{
    struct thread_work *work = argument;
    wasm_store_t *store = wasm_store_new(work->engine);
    wasm_module_t *module = wasm_module_obtain(store, work->shared);
    work->result = module ? run(store, module, 50) : -1;
    wasm_module_delete(module);
    wasm_store_delete(store);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "hello.wasm";
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, path);

    printf("Serializing...\n");
    wasm_byte_vec_t serialized;
    wasm_module_serialize(module, &serialized);
    CHECK(serialized.size > 16 && memcmp(serialized.data, "\0whm", 4) == 0);
    printf("%zu bytes\n", serialized.size);

    printf("Sharing with another thread...\n");
    wasm_shared_module_t *shared = wasm_module_share(module);
    wasm_module_delete(module);
    struct thread_work work = {engine, shared, 0};
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, thread_main, &work) == 0);
    pthread_join(thread, NULL);
    CHECK(work.result == 101);
    wasm_shared_module_delete(shared);

    printf("Deserializing...\n");
    wasm_module_t *restored = wasm_module_deserialize(store, &serialized);
    CHECK(restored);
    CHECK(run(store, restored, 21) == 43);
    wasm_module_delete(restored);

    /* Damaged or foreign bytes are refused with a reason. */
    serialized.data[5] = 9; /* the format version */
    CHECK(wasm_module_deserialize(store, &serialized) == NULL && wh_last_error_code() == WH_ERROR_SERIALIZED);
    printf("refused: %s\n", wh_last_error_message());
    serialized.data[5] = 0;
    serialized.size -= 1; /* truncated */
    CHECK(wasm_module_deserialize(store, &serialized) == NULL && wh_last_error_code() == WH_ERROR_SERIALIZED);
    printf("refused: %s\n", wh_last_error_message());
    serialized.size += 1;
    wasm_byte_vec_t not_serialized;
    load_file(path, &not_serialized); /* a plain .wasm file */
    CHECK(wasm_module_deserialize(store, &not_serialized) == NULL && wh_last_error_code() == WH_ERROR_SERIALIZED);
    wasm_byte_vec_delete(&not_serialized);
    wasm_byte_vec_delete(&serialized);

    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return example_finish("serialize");
}
