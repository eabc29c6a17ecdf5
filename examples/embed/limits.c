/* limits.c: the limits wasmhost enforces today: memory and table maxima, the call depth, WASI output caps. */
#include "example.h"

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "limits.wasm";
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, path);
    wasm_instance_t *instance = wasm_instance_new(store, module, NULL, NULL);
    CHECK(instance);
    wasm_extern_t *memory_extern = wh_instance_export(instance, "memory");
    wasm_extern_t *table_extern = wh_instance_export(instance, "table");
    wasm_extern_t *recurse_extern = wh_instance_export(instance, "recurse");
    wasm_extern_t *grow_extern = wh_instance_export(instance, "grow");
    wasm_memory_t *memory = wasm_extern_as_memory(memory_extern);
    wasm_table_t *table = wasm_extern_as_table(table_extern);

    printf("The module's memory maximum (4 pages) holds for the host and the guest...\n");
    CHECK(wasm_memory_grow(memory, 3) && wasm_memory_size(memory) == 4);
    CHECK(!wasm_memory_grow(memory, 1));
    printf("refused: %s\n", wh_last_error_message());
    wasm_val_t arg = WASM_I32_VAL(1), result = WASM_INIT_VAL;
    wasm_val_vec_t args = {1, &arg}, results = {1, &result};
    wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(grow_extern), &args, &results);
    CHECK(!trap && result.of.i32 == -1);

    printf("The table's maximum (2 elements)...\n");
    CHECK(wasm_table_grow(table, 1, NULL) && !wasm_table_grow(table, 1, NULL));

    printf("Unbounded recursion ends in a trap, and the store stays usable...\n");
    for (int round = 0; round < 3; round++) {
        arg.of.i32 = 0;
        trap = wasm_func_call(wasm_extern_as_func(recurse_extern), &args, &results);
        CHECK(trap && wh_trap_code(trap) == WH_TRAP_CODE_CALL_STACK_EXHAUSTED);
        if (trap)
            print_trap("trap", trap);
    }
    arg.of.i32 = 0;
    trap = wasm_func_call(wasm_extern_as_func(grow_extern), &args, &results);
    CHECK(!trap && result.of.i32 == 4);

    /* Caps on what a WASI guest writes: see wasi.c (wh_wasi_output_limit). Memory caps beyond a
     * module's maximum, fuel, deadlines, interruption and stack size are not in wasmhost.h yet. */

    wasm_extern_delete(memory_extern);
    wasm_extern_delete(table_extern);
    wasm_extern_delete(recurse_extern);
    wasm_extern_delete(grow_extern);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return example_finish("limits");
}
