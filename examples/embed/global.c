/* global.c: globals imported from the host and defined by the module, read and written from both sides. */
#include "example.h"

static wasm_val_t call0(wasm_func_t *func)
{
    wasm_val_t result = WASM_INIT_VAL;
    wasm_val_vec_t args = WASM_EMPTY_VEC, results = {1, &result};
    wasm_trap_t *trap = wasm_func_call(func, &args, &results);
    CHECK(!trap);
    if (trap)
        wasm_trap_delete(trap);
    return result;
}

static void call1(wasm_func_t *func, wasm_val_t arg)
{
    wasm_val_vec_t args = {1, &arg}, results = WASM_EMPTY_VEC;
    wasm_trap_t *trap = wasm_func_call(func, &args, &results);
    CHECK(!trap);
    if (trap)
        wasm_trap_delete(trap);
}

static wasm_func_t *func_named(const wasm_instance_t *instance, const char *name, wasm_extern_t **keep)
{
    *keep = wh_instance_export(instance, name);
    return wasm_extern_as_func(*keep);
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "global.wasm";
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, path);

    /* The host's globals: a constant f32 and a mutable i64. */
    wasm_globaltype_t *const_type = wasm_globaltype_new(wasm_valtype_new_f32(), WASM_CONST);
    wasm_globaltype_t *var_type = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
    wasm_val_t const_value = WASM_F32_VAL(2.5f), var_value = WASM_I64_VAL(-3);
    wasm_global_t *host_const = wasm_global_new(store, const_type, &const_value);
    wasm_global_t *host_var = wasm_global_new(store, var_type, &var_value);
    CHECK(host_const && host_var);
    /* A value of the wrong kind is refused. */
    wasm_val_t wrong = WASM_I32_VAL(1);
    CHECK(wasm_global_new(store, var_type, &wrong) == NULL);
    printf("refused: %s\n", wh_last_error_message());
    wasm_globaltype_delete(const_type);
    wasm_globaltype_delete(var_type);

    wasm_extern_t *externs[] = {wasm_global_as_extern(host_const), wasm_global_as_extern(host_var)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    CHECK(instance);

    wasm_extern_t *keep[8];
    wasm_global_t *defined_const = wasm_extern_as_global(keep[0] = wh_instance_export(instance, "const_i32"));
    wasm_global_t *defined_var = wasm_extern_as_global(keep[1] = wh_instance_export(instance, "var_f64"));
    wasm_global_t *reexported = wasm_extern_as_global(keep[2] = wh_instance_export(instance, "var_i64"));
    wasm_func_t *get_imported_const = func_named(instance, "get_imported_const", &keep[3]);
    wasm_func_t *get_imported_var = func_named(instance, "get_imported_var", &keep[4]);
    wasm_func_t *set_imported_var = func_named(instance, "set_imported_var", &keep[5]);
    wasm_func_t *get_defined_var = func_named(instance, "get_defined_var", &keep[6]);
    wasm_func_t *set_defined_var = func_named(instance, "set_defined_var", &keep[7]);
    CHECK(defined_const && defined_var && reexported && get_imported_const && get_imported_var && set_imported_var &&
          get_defined_var && set_defined_var);

    /* The re-exported import is the host's own global. */
    CHECK(wasm_global_same(reexported, host_var));

    wasm_globaltype_t *type = wasm_global_type(defined_var);
    CHECK(wasm_valtype_kind(wasm_globaltype_content(type)) == WASM_F64 && wasm_globaltype_mutability(type) == WASM_VAR);
    wasm_globaltype_delete(type);

    printf("Reading...\n");
    wasm_val_t value;
    wasm_global_get(defined_const, &value);
    CHECK(value.kind == WASM_I32 && value.of.i32 == 7);
    wasm_global_get(host_const, &value);
    CHECK(value.kind == WASM_F32 && value.of.f32 == 2.5f);
    CHECK(call0(get_imported_const).of.f32 == 2.5f);
    CHECK(call0(get_imported_var).of.i64 == -3);
    CHECK(call0(get_defined_var).of.f64 == 1.5);

    printf("Writing from the host...\n");
    wasm_val_t new_i64 = WASM_I64_VAL(1234567890123LL), new_f64 = WASM_F64_VAL(-0.25);
    wasm_global_set(host_var, &new_i64);
    wasm_global_set(defined_var, &new_f64);
    CHECK(call0(get_imported_var).of.i64 == 1234567890123LL);
    CHECK(call0(get_defined_var).of.f64 == -0.25);

    printf("Writing from WebAssembly...\n");
    call1(set_imported_var, (wasm_val_t)WASM_I64_VAL(42));
    call1(set_defined_var, (wasm_val_t)WASM_F64_VAL(3.75));
    wasm_global_get(host_var, &value);
    CHECK(value.of.i64 == 42);
    wasm_global_get(defined_var, &value);
    CHECK(value.of.f64 == 3.75);

    printf("Refusing what is not allowed...\n");
    wasm_val_t seven = WASM_I32_VAL(8);
    wasm_global_set(defined_const, &seven); /* immutable: nothing happens */
    CHECK(wh_last_error_code() == WH_ERROR_INVALID_ARGUMENT);
    wasm_global_get(defined_const, &value);
    CHECK(value.of.i32 == 7);
    wasm_global_set(defined_var, &seven); /* wrong kind */
    wasm_global_get(defined_var, &value);
    CHECK(value.of.f64 == 3.75);

    printf("A host reference in a global...\n");
    wasm_extern_t *ref_extern = wh_instance_export(instance, "ref");
    wasm_global_t *ref_global = wasm_extern_as_global(ref_extern);
    wasm_foreign_t *foreign = wasm_foreign_new(store);
    wasm_val_t ref_value = WASM_REF_VAL(wasm_foreign_as_ref(foreign));
    wasm_global_set(ref_global, &ref_value);
    wasm_global_get(ref_global, &value);
    CHECK(value.kind == WASM_EXTERNREF && value.of.ref && wasm_ref_same(value.of.ref, wasm_foreign_as_ref(foreign)));
    wasm_val_delete(&value);
    wasm_extern_t *get_ref_extern = wh_instance_export(instance, "get_ref");
    value = call0(wasm_extern_as_func(get_ref_extern));
    CHECK(value.of.ref && wasm_ref_as_foreign(value.of.ref) &&
          wasm_ref_same(value.of.ref, wasm_foreign_as_ref(foreign)));
    wasm_val_delete(&value);
    wasm_extern_delete(get_ref_extern);
    wasm_foreign_delete(foreign);
    wasm_extern_delete(ref_extern);

    for (int i = 0; i < 8; i++)
        wasm_extern_delete(keep[i]);
    wasm_instance_delete(instance);
    wasm_global_delete(host_const);
    wasm_global_delete(host_var);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return example_finish("global");
}
