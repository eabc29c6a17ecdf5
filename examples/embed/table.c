/* table.c: a module's table of functions seen, changed and grown by the host, and a table made by the host. */
#include "example.h"

static wasm_trap_t *negate_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    results->data[0] = (wasm_val_t)WASM_I32_VAL(-args->data[0].of.i32);
    return NULL;
}

/* call(x, i) = table[i](x); returns the trap code, or -1 when it returned (result in *out). */
static int call_through(wasm_func_t *call, int32_t x, int32_t i, int32_t *out)
{
    wasm_val_t args_data[] = {WASM_I32_VAL(x), WASM_I32_VAL(i)};
    wasm_val_t result = WASM_INIT_VAL;
    wasm_val_vec_t args = WASM_ARRAY_VEC(args_data), results = {1, &result};
    wasm_trap_t *trap = wasm_func_call(call, &args, &results);
    if (!trap) {
        *out = result.of.i32;
        return -1;
    }
    int code = (int)wh_trap_code(trap);
    print_trap("  trap", trap);
    return code;
}

static bool element_is_set(wasm_table_t *table, wasm_table_size_t index)
{
    wasm_ref_t *ref = wasm_table_get(table, index);
    if (!ref)
        return false;
    wasm_ref_delete(ref);
    return true;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "table.wasm";
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, path);
    wasm_instance_t *instance = wasm_instance_new(store, module, NULL, NULL);
    CHECK(instance);

    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_table_t *table = wasm_extern_as_table(exports.data[0]);
    wasm_func_t *square = wasm_extern_as_func(exports.data[1]);
    wasm_func_t *wrong_type = wasm_extern_as_func(exports.data[2]);
    wasm_func_t *call = wasm_extern_as_func(exports.data[3]);
    CHECK(table && square && wrong_type && call);

    wasm_functype_t *negate_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t *negate = wasm_func_new(store, negate_type, negate_callback);
    wasm_functype_delete(negate_type);

    printf("Checking the table...\n");
    int32_t result = 0;
    CHECK(wasm_table_size(table) == 2);
    CHECK(!element_is_set(table, 0) && element_is_set(table, 1));
    CHECK(call_through(call, 7, 1, &result) == -1 && result == 14);
    CHECK(call_through(call, 7, 0, &result) == WH_TRAP_CODE_UNINITIALIZED_ELEMENT);
    CHECK(call_through(call, 7, 2, &result) == WH_TRAP_CODE_UNDEFINED_ELEMENT);

    printf("Changing the table...\n");
    CHECK(wasm_table_set(table, 0, wasm_func_as_ref(square)));
    CHECK(wasm_table_set(table, 1, NULL));
    CHECK(!wasm_table_set(table, 2, wasm_func_as_ref(square))); /* out of bounds */
    CHECK(call_through(call, 7, 0, &result) == -1 && result == 49);
    CHECK(call_through(call, 7, 1, &result) == WH_TRAP_CODE_UNINITIALIZED_ELEMENT);
    CHECK(wasm_table_set(table, 1, wasm_func_as_ref(wrong_type)));
    CHECK(call_through(call, 7, 1, &result) == WH_TRAP_CODE_INDIRECT_CALL_TYPE_MISMATCH);
    /* The element read back is the function put in. */
    wasm_ref_t *element = wasm_table_get(table, 0);
    CHECK(element && wasm_ref_same(element, wasm_func_as_ref(square)));
    wasm_ref_delete(element);
    /* A host reference is not a function: a funcref table refuses it. */
    wasm_foreign_t *foreign = wasm_foreign_new(store);
    CHECK(!wasm_table_set(table, 0, wasm_foreign_as_ref(foreign)));
    printf("refused: %s\n", wh_last_error_message());

    printf("Growing the table...\n");
    CHECK(wasm_table_grow(table, 3, NULL));
    CHECK(wasm_table_size(table) == 5);
    CHECK(wasm_table_set(table, 3, wasm_func_as_ref(negate)));
    CHECK(call_through(call, 6, 3, &result) == -1 && result == -6); /* a host function through call_indirect */
    CHECK(call_through(call, 6, 4, &result) == WH_TRAP_CODE_UNINITIALIZED_ELEMENT);
    CHECK(wasm_table_grow(table, 2, wasm_func_as_ref(square)));
    CHECK(wasm_table_size(table) == 7 && element_is_set(table, 5) && element_is_set(table, 6));
    CHECK(!wasm_table_grow(table, 4, NULL)); /* past the maximum of 10 */
    CHECK(wasm_table_grow(table, 3, NULL));
    CHECK(wasm_table_grow(table, 0, NULL));
    wasm_tabletype_t *type = wasm_table_type(table);
    CHECK(wasm_tabletype_limits(type)->min == 10 && wasm_tabletype_limits(type)->max == 10);
    CHECK(wasm_valtype_kind(wasm_tabletype_element(type)) == WASM_FUNCREF);
    wasm_tabletype_delete(type);

    wasm_func_delete(negate);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_module_delete(module);

    printf("Creating tables of the host's...\n");
    wasm_limits_t limits = {5, 5};
    wasm_tabletype_t *tabletype = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
    wasm_table_t *table2 = wasm_table_new(store, tabletype, NULL);
    CHECK(table2 && wasm_table_size(table2) == 5);
    CHECK(!wasm_table_grow(table2, 1, NULL));
    CHECK(wasm_table_grow(table2, 0, NULL));
    wasm_tabletype_delete(tabletype);
    wasm_table_delete(table2);

    wasm_limits_t open = {2, wasm_limits_max_default};
    wasm_tabletype_t *externref_type = wasm_tabletype_new(wasm_valtype_new_externref(), &open);
    wasm_table_t *table3 = wasm_table_new(store, externref_type, wasm_foreign_as_ref(foreign));
    CHECK(table3 && wasm_table_size(table3) == 2);
    wasm_ref_t *initial = wasm_table_get(table3, 1);
    CHECK(initial && wasm_ref_same(initial, wasm_foreign_as_ref(foreign)));
    wasm_ref_delete(initial);
    CHECK(wasm_table_grow(table3, 100, NULL) && wasm_table_size(table3) == 102);
    wasm_tabletype_delete(externref_type);
    wasm_table_delete(table3);
    wasm_foreign_delete(foreign);

    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return example_finish("table");
}
