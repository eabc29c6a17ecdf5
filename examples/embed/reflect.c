/* reflect.c: a module's imports and exports, and an instance's externals, described through their types. */
#include "example.h"

#include <string.h>

static void describe_valtypes(const wasm_valtype_vec_t *types, char *out, size_t size)
{
    static const char *names[] = {"i32", "i64", "f32", "f64"};
    size_t used = strlen(out);
    for (size_t i = 0; i < types->size && used < size; i++) {
        wasm_valkind_t kind = wasm_valtype_kind(types->data[i]);
        const char *name = kind < 4 ? names[kind] : kind == WASM_FUNCREF ? "funcref" : "externref";
        used += (size_t)snprintf(out + used, size - used, "%s%s", i ? " " : "", name);
    }
}

/* A one-line description of an external type, e.g. "func [i32 f64] -> [i64]". */
static void describe(const wasm_externtype_t *type, char *out, size_t size)
{
    out[0] = '\0';
    switch (wasm_externtype_kind(type)) {
    case WASM_EXTERN_FUNC: {
        const wasm_functype_t *func = wasm_externtype_as_functype_const(type);
        strcat(out, "func [");
        describe_valtypes(wasm_functype_params(func), out, size);
        strcat(out, "] -> [");
        describe_valtypes(wasm_functype_results(func), out, size);
        strcat(out, "]");
        break;
    }
    case WASM_EXTERN_GLOBAL: {
        const wasm_globaltype_t *global = wasm_externtype_as_globaltype_const(type);
        wasm_valtype_vec_t content = {1, (wasm_valtype_t **)&(const wasm_valtype_t *){wasm_globaltype_content(global)}};
        strcat(out, wasm_globaltype_mutability(global) == WASM_VAR ? "global var " : "global const ");
        describe_valtypes(&content, out, size);
        break;
    }
    case WASM_EXTERN_TABLE: {
        const wasm_tabletype_t *table = wasm_externtype_as_tabletype_const(type);
        const wasm_limits_t *limits = wasm_tabletype_limits(table);
        wasm_valtype_vec_t element = {1, (wasm_valtype_t **)&(const wasm_valtype_t *){wasm_tabletype_element(table)}};
        strcat(out, "table ");
        describe_valtypes(&element, out, size);
        snprintf(out + strlen(out), size - strlen(out), " %u..%u", limits->min, limits->max);
        break;
    }
    case WASM_EXTERN_MEMORY: {
        const wasm_limits_t *limits = wasm_memorytype_limits(wasm_externtype_as_memorytype_const(type));
        snprintf(out, size, "memory %u..%u", limits->min, limits->max);
        break;
    }
    }
}

/* Never called: the functions below only need to exist to be imported. */
static wasm_trap_t *unused_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args;
    (void)results;
    return NULL;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "reflect.wasm";
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, path);
    char text[256];

    static const char *expected_imports[] = {
        "env.callback: func [i32 f64] -> [i64]",
        "env.table: table funcref 1..4294967295",
        "env.memory: memory 1..2",
        "env.counter: global var i32",
    };
    wasm_importtype_vec_t imports;
    wasm_module_imports(module, &imports);
    CHECK(imports.size == 4);
    for (size_t i = 0; i < imports.size && i < 4; i++) {
        const wasm_name_t *module_name = wasm_importtype_module(imports.data[i]);
        const wasm_name_t *name = wasm_importtype_name(imports.data[i]);
        char line[512];
        describe(wasm_importtype_type(imports.data[i]), text, sizeof text);
        snprintf(line, sizeof line, "%.*s.%.*s: %s", (int)module_name->size, module_name->data, (int)name->size,
                 name->data, text);
        printf("import %s\n", line);
        CHECK(strcmp(line, expected_imports[i]) == 0);
    }
    /* Copies are deep and equal. */
    wasm_importtype_vec_t imports_copy;
    wasm_importtype_vec_copy(&imports_copy, &imports);
    CHECK(imports_copy.size == 4 && imports_copy.data[0] != imports.data[0]);
    wasm_importtype_vec_delete(&imports_copy);
    wasm_importtype_vec_delete(&imports);

    static const char *expected_exports[] = {
        "func: func [i32 f64 f32] -> [i32]",
        "global: global const f64",
        "table: table externref 0..50",
        "memory: memory 1..2",
    };
    wasm_exporttype_vec_t exports;
    wasm_module_exports(module, &exports);
    CHECK(exports.size == 4);
    for (size_t i = 0; i < exports.size && i < 4; i++) {
        const wasm_name_t *name = wasm_exporttype_name(exports.data[i]);
        char line[512];
        describe(wasm_exporttype_type(exports.data[i]), text, sizeof text);
        snprintf(line, sizeof line, "%.*s: %s", (int)name->size, name->data, text);
        printf("export %s\n", line);
        CHECK(strcmp(line, expected_exports[i]) == 0);
    }
    wasm_exporttype_vec_delete(&exports);

    wasm_name_t module_name;
    CHECK(wh_module_name(module, &module_name) && module_name.size == 9 &&
          memcmp(module_name.data, "reflected", 9) == 0);
    wasm_name_delete(&module_name);

    /* Instantiate with one external of each kind and reflect on the instance's externals. */
    wasm_functype_t *callback_type =
        wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_f64(), wasm_valtype_new_i64());
    wasm_limits_t table_limits = {1, wasm_limits_max_default}, memory_limits = {1, 2};
    wasm_tabletype_t *table_type = wasm_tabletype_new(wasm_valtype_new_funcref(), &table_limits);
    wasm_memorytype_t *memory_type = wasm_memorytype_new(&memory_limits);
    wasm_globaltype_t *global_type = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_VAR);
    wasm_val_t zero = WASM_I32_VAL(0);
    wasm_extern_t *externs[] = {
        wasm_func_as_extern(wasm_func_new(store, callback_type, NULL)), /* refused: no callback */
        wasm_table_as_extern(wasm_table_new(store, table_type, NULL)),
        wasm_memory_as_extern(wasm_memory_new(store, memory_type)),
        wasm_global_as_extern(wasm_global_new(store, global_type, &zero)),
    };
    CHECK(externs[0] == NULL && wh_last_error_code() == WH_ERROR_INVALID_ARGUMENT);
    wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(externs);
    wasm_trap_t *trap = NULL;
    CHECK(wasm_instance_new(store, module, &import_vec, &trap) == NULL); /* entry 0 is NULL */
    CHECK(trap != NULL && wh_last_error_code() == WH_ERROR_LINK);
    if (trap)
        print_trap("refused", trap);
    /* A real function this time, but of the wrong type first. */
    wasm_functype_t *wrong_type = wasm_functype_new_0_0();
    externs[0] = wasm_func_as_extern(wasm_func_new(store, wrong_type, unused_callback));
    CHECK(wasm_instance_new(store, module, &import_vec, &trap) == NULL && trap);
    if (trap)
        print_trap("refused", trap);
    wasm_extern_delete(externs[0]);
    wasm_functype_delete(wrong_type);

    wasm_instance_t *instance = NULL;
    externs[0] = wasm_func_as_extern(wasm_func_new(store, callback_type, unused_callback));
    instance = wasm_instance_new(store, module, &import_vec, NULL);
    CHECK(instance);
    wasm_extern_vec_t instance_exports;
    wasm_instance_exports(instance, &instance_exports);
    for (size_t i = 0; i < instance_exports.size; i++) {
        wasm_externtype_t *type = wasm_extern_type(instance_exports.data[i]);
        describe(type, text, sizeof text);
        printf("instance export %zu: %s\n", i, text);
        wasm_externtype_delete(type);
    }
    CHECK(instance_exports.size == 4 && wasm_extern_kind(instance_exports.data[3]) == WASM_EXTERN_MEMORY);
    /* The exported memory is the imported one. */
    CHECK(wasm_extern_same(instance_exports.data[3], externs[2]));
    wasm_extern_vec_delete(&instance_exports);

    for (int i = 0; i < 4; i++)
        wasm_extern_delete(externs[i]);
    wasm_functype_delete(callback_type);
    wasm_tabletype_delete(table_type);
    wasm_memorytype_delete(memory_type);
    wasm_globaltype_delete(global_type);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return example_finish("reflect");
}
