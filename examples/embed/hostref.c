/* hostref.c: host references (externref) and function references held by WebAssembly; host info and finalizers. */
#include "example.h"

static wasm_trap_t *identity_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    wasm_val_copy(&results->data[0], &args->data[0]);
    return NULL;
}

static wasm_trap_t *triple_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    results->data[0] = (wasm_val_t)WASM_I32_VAL(3 * args->data[0].of.i32);
    return NULL;
}

static int finalized[3];
static void finalize(void *info) { finalized[(intptr_t)info]++; }

/* Calls a function of one argument and one result. */
static wasm_val_t call1(wasm_func_t *func, wasm_val_t arg)
{
    wasm_val_t result = WASM_INIT_VAL;
    wasm_val_vec_t args = {1, &arg}, results = {1, &result};
    wasm_trap_t *trap = wasm_func_call(func, &args, &results);
    CHECK(!trap);
    if (trap)
        print_trap("trap", trap);
    return result;
}

/* Whether `val` holds a reference to the same object as `expected` (both may be NULL). */
static bool holds(wasm_val_t val, const wasm_ref_t *expected)
{
    bool same = val.of.ref == expected || (val.of.ref && expected && wasm_ref_same(val.of.ref, expected));
    wasm_val_delete(&val);
    return same;
}

/* A module handle given to WebAssembly as an externref in one short-lived store after another
 * (which the allocator tends to place where the last one was): each store keeps the module while
 * it may use it, even once the embedder's handle is gone. */
static void module_held_by_stores(wasm_engine_t *engine, const char *path)
{
    printf("A module held by WebAssembly in store after store...\n");
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, path);
    wasm_module_t *payload = load_module(store, path);
    wasm_ref_set_host_info_with_finalizer(wasm_module_as_ref(payload), (void *)0, finalize);
    for (int round = 0; round < 3; round++) {
        if (round > 0)
            store = wasm_store_new(engine);
        wasm_functype_t *identity_type =
            wasm_functype_new_1_1(wasm_valtype_new_externref(), wasm_valtype_new_externref());
        wasm_func_t *identity = wasm_func_new(store, identity_type, identity_callback);
        wasm_functype_delete(identity_type);
        wasm_extern_t *externs[] = {wasm_func_as_extern(identity)};
        wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
        wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
        CHECK(instance);
        wasm_extern_t *set_held = wh_instance_export(instance, "set_held");
        wasm_extern_t *get_held = wh_instance_export(instance, "get_held");
        call1(wasm_extern_as_func(set_held), (wasm_val_t)WASM_REF_VAL(wasm_module_as_ref(payload)));
        if (round == 2) {
            wasm_module_delete(payload); /* the store still holds it */
            payload = NULL;
        }
        wasm_val_t result = WASM_INIT_VAL;
        wasm_val_vec_t no_args = WASM_EMPTY_VEC, one_result = {1, &result};
        CHECK(!wasm_func_call(wasm_extern_as_func(get_held), &no_args, &one_result));
        const wasm_module_t *held = result.of.ref ? wasm_ref_as_module(result.of.ref) : NULL;
        CHECK(held);
        if (held) {
            wasm_exporttype_vec_t exports;
            wasm_module_exports(held, &exports);
            CHECK(exports.size == 11);
            wasm_exporttype_vec_delete(&exports);
        }
        wasm_val_delete(&result);
        wasm_extern_delete(set_held);
        wasm_extern_delete(get_held);
        wasm_func_delete(identity);
        wasm_instance_delete(instance);
        CHECK(finalized[0] == 0);
        wasm_store_delete(store);
    }
    CHECK(finalized[0] == 1); /* the last store let go of it */
    wasm_module_delete(module);
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "hostref.wasm";
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, path);

    wasm_functype_t *identity_type = wasm_functype_new_1_1(wasm_valtype_new_externref(), wasm_valtype_new_externref());
    wasm_func_t *identity = wasm_func_new(store, identity_type, identity_callback);
    wasm_functype_delete(identity_type);
    wasm_extern_t *externs[] = {wasm_func_as_extern(identity)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    CHECK(instance);
    wasm_func_delete(identity);

    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_table_t *refs = wasm_extern_as_table(exports.data[0]);
    wasm_table_t *funcs = wasm_extern_as_table(exports.data[1]);
    wasm_global_t *held = wasm_extern_as_global(exports.data[2]);
    wasm_func_t *set_held = wasm_extern_as_func(exports.data[3]), *get_held = wasm_extern_as_func(exports.data[4]);
    wasm_func_t *table_get = wasm_extern_as_func(exports.data[6]);
    wasm_func_t *through_host = wasm_extern_as_func(exports.data[7]), *is_null = wasm_extern_as_func(exports.data[8]);
    wasm_func_t *func_id = wasm_extern_as_func(exports.data[9]), *call_func = wasm_extern_as_func(exports.data[10]);
    CHECK(refs && funcs && held && set_held && get_held && table_get && through_host && is_null && func_id &&
          call_func);

    /* Two host objects with host info; the first with a finalizer. */
    wasm_ref_t *host1 = wasm_foreign_as_ref(wasm_foreign_new(store));
    wasm_ref_t *host2 = wasm_foreign_as_ref(wasm_foreign_new(store));
    wasm_ref_set_host_info_with_finalizer(host1, (void *)1, finalize);
    wasm_ref_set_host_info(host2, (void *)2);
    CHECK(wasm_ref_get_host_info(host1) == (void *)1 && !wasm_ref_same(host1, host2));
    wasm_ref_t *copy = wasm_ref_copy(host1);
    CHECK(wasm_ref_same(copy, host1) && wasm_ref_get_host_info(copy) == (void *)1); /* info is per object */
    CHECK(wasm_ref_as_foreign(copy) && !wasm_ref_as_func(copy) && !wasm_ref_as_extern(copy));
    wasm_ref_delete(copy);

    printf("Through a global...\n");
    wasm_val_vec_t no_args = WASM_EMPTY_VEC;
    wasm_val_t result = WASM_INIT_VAL;
    wasm_val_vec_t one_result = {1, &result};
    wasm_trap_t *trap = wasm_func_call(get_held, &no_args, &one_result);
    CHECK(!trap && result.kind == WASM_EXTERNREF && result.of.ref == NULL);
    call1(set_held, (wasm_val_t)WASM_REF_VAL(host1));
    trap = wasm_func_call(get_held, &no_args, &one_result);
    CHECK(!trap && holds(result, host1));
    wasm_val_t value;
    wasm_global_get(held, &value);
    CHECK(holds(value, host1));

    printf("Through a table...\n");
    CHECK(wasm_table_set(refs, 2, host2));
    CHECK(holds(call1(table_get, (wasm_val_t)WASM_I32_VAL(2)), host2));
    CHECK(holds(call1(table_get, (wasm_val_t)WASM_I32_VAL(3)), NULL));
    wasm_ref_t *element = wasm_table_get(refs, 2);
    CHECK(element && wasm_ref_get_host_info(element) == (void *)2);
    wasm_ref_delete(element);

    printf("Through a host function and back...\n");
    CHECK(holds(call1(through_host, (wasm_val_t)WASM_REF_VAL(host2)), host2));
    CHECK(holds(call1(through_host, (wasm_val_t)WASM_REF_VAL(NULL)), NULL));
    CHECK(call1(is_null, (wasm_val_t)WASM_REF_VAL(NULL)).of.i32 == 1);
    CHECK(call1(is_null, (wasm_val_t)WASM_REF_VAL(host1)).of.i32 == 0);

    printf("Function references...\n");
    wasm_functype_t *triple_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t *triple = wasm_func_new(store, triple_type, triple_callback);
    wasm_functype_delete(triple_type);
    wasm_val_t func_arg = {.kind = WASM_FUNCREF, .of = {.ref = wasm_func_as_ref(triple)}};
    wasm_val_t returned = call1(func_id, func_arg);
    CHECK(returned.kind == WASM_FUNCREF && returned.of.ref && wasm_ref_as_func(returned.of.ref));
    CHECK(holds(returned, wasm_func_as_ref(triple)));
    CHECK(wasm_table_set(funcs, 1, wasm_func_as_ref(triple)));
    wasm_val_t call_args[] = {WASM_I32_VAL(14), WASM_I32_VAL(1)};
    wasm_val_vec_t call_vec = WASM_ARRAY_VEC(call_args);
    trap = wasm_func_call(call_func, &call_vec, &one_result);
    CHECK(!trap && result.of.i32 == 42);
    /* A host object where a function is expected: the call is refused, with a reason. */
    func_arg.of.ref = host1;
    wasm_val_t none = WASM_INIT_VAL;
    wasm_val_vec_t bad_args = {1, &func_arg}, bad_results = {1, &none};
    trap = wasm_func_call(func_id, &bad_args, &bad_results);
    CHECK(trap && wh_trap_code(trap) == WH_TRAP_CODE_API);
    if (trap)
        print_trap("refused", trap);

    wasm_func_delete(triple);
    wasm_ref_delete(host1);
    wasm_ref_delete(host2);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    CHECK(finalized[1] == 0); /* the object outlives its handles: the store and WebAssembly hold it */
    wasm_store_delete(store);
    CHECK(finalized[1] == 1);
    module_held_by_stores(engine, path);
    wasm_engine_delete(engine);
    return example_finish("hostref");
}
