/* memory.c: reading, writing and growing a module's memory from the host, and a memory made by the host. */
#include "example.h"

#include <string.h>

static wasm_func_t *export_func(const wasm_extern_vec_t *exports, size_t i)
{
    return i < exports->size ? wasm_extern_as_func(exports->data[i]) : NULL;
}

/* Calls a function of up to two i32 arguments and at most one i32 result; true when it trapped. */
static bool call(wasm_func_t *func, int argc, int32_t a, int32_t b, int32_t *result)
{
    wasm_val_t args_data[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
    wasm_val_t results_data[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = {(size_t)argc, args_data};
    wasm_val_vec_t results = {wasm_func_result_arity(func), results_data};
    wasm_trap_t *trap = wasm_func_call(func, &args, &results);
    if (trap) {
        wasm_trap_delete(trap);
        return true;
    }
    if (result)
        *result = results_data[0].of.i32;
    return false;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "memory.wasm";
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, path);
    wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
    wasm_instance_t *instance = wasm_instance_new(store, module, &no_imports, NULL);
    CHECK(instance);
    wasm_module_delete(module); /* the instance keeps what it needs */

    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_memory_t *memory = wasm_extern_as_memory(exports.data[0]);
    wasm_func_t *size = export_func(&exports, 1), *load = export_func(&exports, 2);
    wasm_func_t *store_byte = export_func(&exports, 3), *grow = export_func(&exports, 4);
    CHECK(memory && size && load && store_byte && grow);

    /* Copies of a reference are the same object. */
    wasm_memory_t *copy = wasm_memory_copy(memory);
    CHECK(wasm_memory_same(memory, copy));
    wasm_memory_delete(copy);

    printf("Checking memory...\n");
    CHECK(wasm_memory_size(memory) == 2);
    CHECK(wasm_memory_data_size(memory) == 2 * MEMORY_PAGE_SIZE);
    CHECK(wasm_memory_data(memory)[0] == 0);
    CHECK(memcmp(wasm_memory_data(memory) + 0x1000, "\1\2\3\4", 4) == 0);
    int32_t result = -1;
    CHECK(!call(size, 0, 0, 0, &result) && result == 2);
    CHECK(!call(load, 1, 0x1003, 0, &result) && result == 4);
    CHECK(!call(load, 1, 0x1ffff, 0, &result) && result == 0);
    CHECK(call(load, 1, 0x20000, 0, NULL)); /* out of bounds: a trap */

    printf("Mutating memory...\n");
    wasm_memory_data(memory)[0x1003] = 5;
    CHECK(!call(load, 1, 0x1003, 0, &result) && result == 5);
    CHECK(!call(store_byte, 2, 0x1002, 6, NULL));
    CHECK(wasm_memory_data(memory)[0x1002] == 6);
    CHECK(call(store_byte, 2, 0x20000, 0, NULL));

    printf("Growing memory...\n");
    CHECK(wasm_memory_grow(memory, 1));
    CHECK(wasm_memory_size(memory) == 3 && wasm_memory_data_size(memory) == 3 * MEMORY_PAGE_SIZE);
    CHECK(!call(load, 1, 0x20000, 0, &result) && result == 0);
    CHECK(call(load, 1, 0x30000, 0, NULL));
    CHECK(!wasm_memory_grow(memory, 1)); /* past the maximum of 3 */
    CHECK(wh_last_error_code() == WH_ERROR_RESOURCE);
    CHECK(wasm_memory_grow(memory, 0));
    CHECK(!call(grow, 1, 1, 0, &result) && result == -1); /* the same limit from inside */

    wasm_memorytype_t *type = wasm_memory_type(memory);
    CHECK(wasm_memorytype_limits(type)->min == 3 && wasm_memorytype_limits(type)->max == 3);
    wasm_memorytype_delete(type);

    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);

    printf("Creating a memory of the host's...\n");
    wasm_limits_t limits = {5, 5};
    wasm_memorytype_t *memorytype = wasm_memorytype_new(&limits);
    wasm_memory_t *memory2 = wasm_memory_new(store, memorytype);
    CHECK(memory2 && wasm_memory_size(memory2) == 5);
    CHECK(!wasm_memory_grow(memory2, 1));
    CHECK(wasm_memory_grow(memory2, 0));
    wasm_memorytype_delete(memorytype);
    wasm_memory_delete(memory2);

    wasm_limits_t bad = {3, 2};
    wasm_memorytype_t *bad_type = wasm_memorytype_new(&bad);
    CHECK(wasm_memory_new(store, bad_type) == NULL);
    CHECK(wh_last_error_code() == WH_ERROR_INVALID_ARGUMENT);
    printf("refused: %s\n", wh_last_error_message());
    wasm_memorytype_delete(bad_type);

    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return example_finish("memory");
}
