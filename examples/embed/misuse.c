/* misuse.c: bad input to the API: NULLs, empty vectors, wrong kinds and counts, garbage modules. None may crash. */
#include "example.h"

#include <string.h>

static wasm_trap_t *add_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    results->data[0] = (wasm_val_t)WASM_I32_VAL(args->data[0].of.i32 + args->data[1].of.i32);
    return NULL;
}

/* Returns an f32 where its type says i32. */
static wasm_trap_t *liar_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args;
    results->data[0] = (wasm_val_t)WASM_F32_VAL(1.0f);
    return NULL;
}

/* Expects a trap of code WH_TRAP_CODE_API whose message contains `expected`. */
static void expect_misuse(wasm_trap_t *trap, const char *expected)
{
    CHECK(trap != NULL);
    if (!trap)
        return;
    CHECK(wh_trap_code(trap) == WH_TRAP_CODE_API);
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    printf("trap: %s\n", message.data);
    CHECK(strstr(message.data, expected) != NULL);
    wasm_byte_vec_delete(&message);
    wasm_trap_delete(trap);
}

/* (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)) */
static const unsigned char add_module[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01,
                                           0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07,
                                           0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09, 0x01,
                                           0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b};
/* The same with the body's i32.add missing: it leaves two values where one is expected. */
static const unsigned char invalid_module[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07,
                                               0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01,
                                               0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00,
                                               0x0a, 0x08, 0x01, 0x06, 0x00, 0x20, 0x00, 0x20, 0x01, 0x0b};

int main(void)
{
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_store_t *other_store = wasm_store_new(engine);

    printf("NULL everywhere...\n");
    CHECK(wasm_store_new(NULL) == NULL && wh_last_error_code() == WH_ERROR_INVALID_ARGUMENT);
    CHECK(wasm_module_new(store, NULL) == NULL && wh_last_error_code() == WH_ERROR_INVALID_ARGUMENT);
    CHECK(!wasm_module_validate(store, NULL));
    CHECK(wasm_instance_new(NULL, NULL, NULL, NULL) == NULL);
    CHECK(wasm_func_new(NULL, NULL, NULL) == NULL);
    CHECK(wasm_global_new(store, NULL, NULL) == NULL);
    CHECK(wasm_table_new(store, NULL, NULL) == NULL);
    CHECK(wasm_memory_new(store, NULL) == NULL);
    CHECK(wasm_foreign_new(NULL) == NULL);
    expect_misuse(wasm_func_call(NULL, NULL, NULL), "the function is NULL");
    CHECK(wasm_func_type(NULL) == NULL && wasm_func_param_arity(NULL) == 0);
    CHECK(wasm_extern_as_func(NULL) == NULL && wasm_func_as_extern(NULL) == NULL && wasm_ref_as_trap(NULL) == NULL);
    CHECK(wasm_memory_data(NULL) == NULL && wasm_memory_size(NULL) == 0 && wasm_table_size(NULL) == 0);
    CHECK(wasm_table_get(NULL, 0) == NULL && !wasm_table_set(NULL, 0, NULL) && !wasm_table_grow(NULL, 1, NULL));
    CHECK(!wasm_memory_grow(NULL, 1) && wasm_trap_origin(NULL) == NULL && wasm_frame_instance(NULL) == NULL);
    CHECK(!wasm_ref_same(NULL, NULL) && wasm_ref_copy(NULL) == NULL && wasm_ref_get_host_info(NULL) == NULL);
    CHECK(wasm_externtype_as_functype(NULL) == NULL && wasm_functype_params(NULL)->size == 0);
    CHECK(wh_instance_export(NULL, "x") == NULL && wasm_module_share(NULL) == NULL &&
          wasm_module_obtain(store, NULL) == NULL);
    wasm_global_get(NULL, NULL);
    wasm_global_set(NULL, NULL);
    wasm_module_imports(NULL, NULL);
    wasm_instance_exports(NULL, NULL);
    wasm_trap_message(NULL, NULL);
    wasm_byte_vec_new(NULL, 3, "abc");
    wasm_val_vec_copy(NULL, NULL);
    wasm_extern_vec_t empty_externs;
    wasm_instance_exports(NULL, &empty_externs);
    CHECK(empty_externs.size == 0 && empty_externs.data == NULL);
    wasm_importtype_vec_t empty_imports;
    wasm_module_imports(NULL, &empty_imports);
    CHECK(empty_imports.size == 0);
    /* Deleting NULL does nothing. */
    wasm_engine_delete(NULL);
    wasm_store_delete(NULL);
    wasm_module_delete(NULL);
    wasm_instance_delete(NULL);
    wasm_func_delete(NULL);
    wasm_trap_delete(NULL);
    wasm_frame_delete(NULL);
    wasm_ref_delete(NULL);
    wasm_valtype_delete(NULL);
    wasm_functype_delete(NULL);
    wasm_externtype_delete(NULL);
    wasm_importtype_delete(NULL);
    wasm_shared_module_delete(NULL);
    wasm_val_vec_delete(NULL);
    wasm_val_delete(NULL);
    wh_wasi_delete(NULL);

    printf("Empty and odd vectors...\n");
    wasm_byte_vec_t bytes;
    wasm_byte_vec_new_empty(&bytes);
    CHECK(bytes.size == 0 && bytes.data == NULL);
    wasm_byte_vec_delete(&bytes);
    wasm_byte_vec_new_uninitialized(&bytes, (size_t)-1); /* impossible: an empty vector and an error */
    CHECK(bytes.size == 0 && bytes.data == NULL && wh_last_error_code() == WH_ERROR_RESOURCE);
    wasm_valtype_vec_t types;
    wasm_valtype_vec_new_uninitialized(&types, 3); /* NULL elements: deleting them is fine */
    wasm_valtype_vec_t types_copy;
    wasm_valtype_vec_copy(&types_copy, &types);
    CHECK(types_copy.size == 3 && types_copy.data[1] == NULL);
    wasm_valtype_vec_delete(&types_copy);
    /* ... but a function type cannot have a NULL parameter type. */
    wasm_valtype_vec_t no_results;
    wasm_valtype_vec_new_empty(&no_results);
    CHECK(wasm_functype_new(&types, &no_results) == NULL);
    CHECK(types.size == 0 && types.data == NULL);             /* it was taken over all the same */
    wasm_functype_t *nothing = wasm_functype_new(NULL, NULL); /* () -> () */
    CHECK(nothing && wasm_functype_params(nothing)->size == 0);
    wasm_functype_delete(nothing);
    CHECK(wasm_valtype_new(77) == NULL);
    CHECK(wasm_globaltype_new(NULL, WASM_VAR) == NULL);
    CHECK(wasm_globaltype_new(wasm_valtype_new_i32(), 5) == NULL);
    wasm_val_vec_t vals;
    wasm_val_vec_new_uninitialized(&vals, 2);
    wasm_val_vec_delete(&vals);

    printf("Modules that are not...\n");
    wasm_byte_vec_t empty = WASM_EMPTY_VEC;
    CHECK(wasm_module_new(store, &empty) == NULL && wh_last_error_code() == WH_ERROR_MALFORMED);
    printf("refused: %s\n", wh_last_error_message());
    wasm_byte_vec_t garbage = {13, "not wasm at all"};
    CHECK(wasm_module_new(store, &garbage) == NULL && wh_last_error_code() == WH_ERROR_MALFORMED);
    CHECK(strstr(wh_last_error_message(), "magic header not detected") != NULL);
    wasm_byte_vec_t truncated = {sizeof add_module - 3, (wasm_byte_t *)add_module};
    CHECK(wasm_module_new(store, &truncated) == NULL && wh_last_error_code() == WH_ERROR_MALFORMED);
    printf("refused: %s\n", wh_last_error_message());
    wasm_byte_vec_t invalid = {sizeof invalid_module, (wasm_byte_t *)invalid_module};
    CHECK(!wasm_module_validate(store, &invalid) && wh_last_error_code() == WH_ERROR_INVALID);
    CHECK(strstr(wh_last_error_message(), "type mismatch") != NULL);
    printf("refused: %s\n", wh_last_error_message());
    wasm_byte_vec_t binary = {sizeof add_module, (wasm_byte_t *)add_module};
    CHECK(wasm_module_validate(store, &binary));
    wasm_module_t *module = wasm_module_new(store, &binary);
    CHECK(module);

    printf("Imports that do not fit...\n");
    wasm_trap_t *trap = NULL;
    wasm_functype_t *add_type =
        wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t *host_add = wasm_func_new(store, add_type, add_callback);
    wasm_extern_t *one[] = {wasm_func_as_extern(host_add)};
    wasm_extern_vec_t too_many = WASM_ARRAY_VEC(one);
    CHECK(wasm_instance_new(store, module, &too_many, &trap) == NULL && wh_last_error_code() == WH_ERROR_LINK);
    expect_misuse(trap, "the module has 0 imports but 1 was given");

    wasm_instance_t *instance = wasm_instance_new(store, module, NULL, &trap);
    CHECK(instance && !trap);
    wasm_extern_t *add_extern = wh_instance_export(instance, "add");
    wasm_func_t *add = wasm_extern_as_func(add_extern);
    CHECK(wh_instance_export(instance, "nope") == NULL && wh_last_error_code() == WH_ERROR_NOT_FOUND);
    CHECK(wasm_extern_as_global(add_extern) == NULL && wasm_extern_as_memory(add_extern) == NULL);

    printf("Calls that do not fit...\n");
    wasm_val_t args_data[3] = {WASM_I32_VAL(1), WASM_I32_VAL(2), WASM_I32_VAL(3)};
    wasm_val_t result = WASM_INIT_VAL;
    wasm_val_vec_t two_args = {2, args_data}, one_arg = {1, args_data}, three_args = {3, args_data};
    wasm_val_vec_t results = {1, &result}, no_results_vec = WASM_EMPTY_VEC;
    CHECK(wasm_func_call(add, &two_args, &results) == NULL && result.of.i32 == 3);
    expect_misuse(wasm_func_call(add, &one_arg, &results), "takes 2 arguments but 1 was given");
    expect_misuse(wasm_func_call(add, &three_args, &results), "takes 2 arguments but 3 were given");
    expect_misuse(wasm_func_call(add, NULL, &results), "but 0 were given");
    expect_misuse(wasm_func_call(add, &two_args, &no_results_vec), "returned 1 result but");
    expect_misuse(wasm_func_call(add, &two_args, NULL), "has room for 0");
    wasm_val_vec_t null_data = {2, NULL};
    expect_misuse(wasm_func_call(add, &null_data, &results), "no data");
    args_data[1] = (wasm_val_t)WASM_F64_VAL(2.0);
    expect_misuse(wasm_func_call(add, &two_args, &results), "argument 1 is f64 but must be i32");
    args_data[1] = (wasm_val_t){.kind = 99};
    expect_misuse(wasm_func_call(add, &two_args, &results), "argument 1 is unknown kind 99 but must be i32");
    args_data[1] = (wasm_val_t)WASM_I32_VAL(2);
    /* Extra room for results is fine. */
    wasm_val_t room[3];
    wasm_val_vec_t big_results = WASM_ARRAY_VEC(room);
    CHECK(wasm_func_call(add, &two_args, &big_results) == NULL && room[0].of.i32 == 3);

    printf("A host function that breaks its type...\n");
    wasm_func_t *liar = wasm_func_new(store, add_type, liar_callback);
    expect_misuse(wasm_func_call(host_add, &one_arg, &results), "takes 2 arguments");
    trap = wasm_func_call(liar, &two_args, &results);
    CHECK(trap && wh_trap_code(trap) == WH_TRAP_CODE_HOST);
    if (trap)
        print_trap("trap", trap);

    printf("Objects of another store...\n");
    wasm_instance_t *other_instance = wasm_instance_new(other_store, module, NULL, NULL);
    CHECK(other_instance);
    wasm_foreign_t *foreign = wasm_foreign_new(other_store);
    wasm_limits_t limits = {1, 1};
    wasm_tabletype_t *table_type = wasm_tabletype_new(wasm_valtype_new_externref(), &limits);
    CHECK(wasm_table_new(store, table_type, wasm_foreign_as_ref(foreign)) == NULL);
    printf("refused: %s\n", wh_last_error_message());
    CHECK(strstr(wh_last_error_message(), "another store") != NULL);
    wasm_tabletype_delete(table_type);
    wasm_foreign_delete(foreign);
    wasm_instance_delete(other_instance);

    wasm_functype_delete(add_type);
    wasm_func_delete(liar);
    wasm_func_delete(host_add);
    wasm_extern_delete(add_extern);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(other_store);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return example_finish("misuse");
}
