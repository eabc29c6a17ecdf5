/* snapshot_test.c: wh_instance_snapshot: memory, globals, segments and exports of a snapshot module, and its refusals with their messages. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wasm.h"
#include "wasmhost.h"

static const char *folder; /* where the test modules are */

static wasm_byte_vec_t read_module(const char *name)
{
    wasm_byte_vec_t binary = WASM_EMPTY_VEC;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.wasm", folder, name);
    FILE *file = fopen(path, "rb");
    CHECK(file != NULL, "cannot open %s", path);
    if (!file)
        return binary;
    fseek(file, 0, SEEK_END);
    wasm_byte_vec_new_uninitialized(&binary, (size_t)ftell(file));
    rewind(file);
    CHECK(fread(binary.data, 1, binary.size, file) == binary.size);
    fclose(file);
    return binary;
}

static wasm_instance_t *instantiate(wasm_store_t *store, const wasm_byte_vec_t *binary, wasm_extern_vec_t *imports)
{
    wasm_module_t *module = wasm_module_new(store, binary);
    CHECK(module != NULL, "module: %s", wh_last_error_message());
    if (!module)
        return NULL;
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    wasm_instance_t *instance = wasm_instance_new(store, module, imports ? imports : &none, NULL);
    CHECK(instance != NULL, "instance: %s", wh_last_error_message());
    wasm_module_delete(module);
    return instance;
}

/* Calls export `name` with at most one i32 argument (`arg_count` 0 or 1); true when it did not
 * trap, its first result (if any) in *result. */
static bool call(const wasm_instance_t *instance, const char *name, int arg_count, int32_t arg, wh_val_t *result)
{
    wasm_extern_t *export = wh_instance_export(instance, name);
    wasm_func_t *func = wasm_extern_as_func(export);
    CHECK(func != NULL, "no function \"%s\"", name);
    if (!func)
        return false;
    wh_val_t args[1] = {{.kind = WASM_I32, .of.i32 = arg}};
    wh_val_t results[1];
    wasm_trap_t *trap = wh_func_call(func, args, (size_t)arg_count, results, wasm_func_result_arity(func));
    wasm_extern_delete(export);
    if (trap) {
        wasm_trap_delete(trap);
        return false;
    }
    if (result)
        *result = results[0];
    return true;
}

static int32_t call_i32(const wasm_instance_t *instance, const char *name, int arg_count, int32_t arg)
{
    wh_val_t result = {.kind = WASM_I32, .of.i32 = -12345};
    CHECK(call(instance, name, arg_count, arg, &result), "\"%s\" trapped", name);
    return result.of.i32;
}

static bool has_export(const wasm_instance_t *instance, const char *name)
{
    wasm_extern_t *export = wh_instance_export(instance, name);
    wasm_extern_delete(export);
    return export != NULL;
}

/* The module's description (wh_module_describe) contains `text`. */
static bool describes(const wasm_byte_vec_t *binary, const char *text)
{
    wasm_byte_vec_t description;
    if (!wh_module_describe(binary, WH_DESCRIBE_MODULE, &description))
        return false;
    char *copy = strndup(description.data, description.size);
    bool found = copy && strstr(copy, text);
    if (!found)
        fprintf(stderr, "not in the description: %s\n%s\n", text, copy ? copy : "");
    free(copy);
    wasm_byte_vec_delete(&description);
    return found;
}

static void check_state(wasm_engine_t *engine, const char *output_path)
{
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t binary = read_module("state");
    wasm_instance_t *original = instantiate(store, &binary, NULL);
    if (!original)
        return;
    CHECK(call_i32(original, "counter", 0, 0) == 1, "the start function ran once");
    CHECK(call(original, "init", 0, 0, NULL));
    CHECK(call_i32(original, "counter", 0, 0) == 11);

    wasm_byte_vec_t snapshot;
    CHECK(wh_instance_snapshot(original, "init", &snapshot), "%s", wh_last_error_message());
    /* The original instance is untouched, and the snapshot is written for wasm-validate. */
    CHECK(call_i32(original, "load8", 1, 16) == 'A' && call_i32(original, "pages", 0, 0) == 2);
    FILE *file = fopen(output_path, "wb");
    CHECK(file && fwrite(snapshot.data, 1, snapshot.size, file) == snapshot.size);
    if (file)
        fclose(file);

    /* The layout: memory min = current pages (max kept), the old segments empty passive ones
     * (but the one the instance kept), then the memory's runs, two close ones merged. */
    CHECK(describes(&snapshot, "0: min 2, max 5 pages"));
    CHECK(describes(&snapshot, "data segments: 7\n"));
    CHECK(describes(&snapshot, "0: 0 bytes, passive\n  1: 8 bytes, passive\n  2: 0 bytes, passive\n"));
    CHECK(describes(&snapshot, "6 bytes, active, memory 0 at i32.const 16\n"));
    CHECK(describes(&snapshot, "20 bytes, active, memory 0 at i32.const 100\n"));
    CHECK(describes(&snapshot, "1 bytes, active, memory 0 at i32.const 5000\n"));
    CHECK(describes(&snapshot, "1 bytes, active, memory 0 at i32.const 70000\n"));
    CHECK(!describes(&snapshot, "start function"), "the start section is gone");
    /* "init" was the only declaration of its function for ref.func: a declarative segment keeps it. */
    CHECK(describes(&snapshot, "1: 1 funcref, declarative\n"));

    wasm_store_t *store2 = wasm_store_new(engine);
    wasm_instance_t *copy = instantiate(store2, &snapshot, NULL);
    if (copy) {
        CHECK(!has_export(copy, "init") && has_export(copy, "counter"), "init dropped, the others kept");
        CHECK(call_i32(copy, "counter", 0, 0) == 11, "the start function did not run again");
        wh_val_t value;
        CHECK(call(copy, "wide", 0, 0, &value) && value.of.i64 == -5000000000);
        CHECK(call(copy, "single", 0, 0, &value) && value.of.f32 == -2.5f);
        CHECK(call(copy, "double", 0, 0, &value) && value.of.f64 == 0.1);
        uint32_t lanes[4] = {0};
        CHECK(call(copy, "vector", 0, 0, &value));
        memcpy(lanes, value.of.v128, sizeof lanes);
        CHECK(lanes[0] == 1 && lanes[1] == 2 && lanes[2] == 3 && lanes[3] == 0xffffffffu);
        CHECK(call_i32(copy, "fixed", 0, 0) == 99);
        CHECK(call_i32(copy, "call_table", 1, 0) == 7 && call_i32(copy, "call_table", 1, 1) == 8);
        CHECK(call_i32(copy, "call_callee", 0, 0) == 8, "a funcref global keeps its function");
        CHECK(call_i32(copy, "load8", 1, 16) == 'A' && call_i32(copy, "load8", 1, 17) == 'c');
        CHECK(call_i32(copy, "load32", 1, 100) == 0x01020304 && call_i32(copy, "load8", 1, 119) == 1);
        CHECK(call_i32(copy, "load8", 1, 5000) == 2 && call_i32(copy, "load8", 1, 70000) == 0x5a);
        CHECK(call_i32(copy, "load8", 1, 4999) == 0 && call_i32(copy, "load8", 1, 130000) == 0);
        /* The passive segment is still there; the dropped and the active one are empty. */
        CHECK(call_i32(copy, "init_passive", 1, 8) == 'p');
        CHECK(call(copy, "init_dropped", 1, 0, NULL) && !call(copy, "init_dropped", 1, 1, NULL));
        CHECK(call(copy, "init_active", 1, 0, NULL) && !call(copy, "init_active", 1, 1, NULL));
        CHECK(call_i32(copy, "pages", 0, 0) == 2 && call_i32(copy, "grow", 1, 3) == 2);
        CHECK(call_i32(copy, "grow", 1, 1) == -1, "the maximum (5 pages) is kept");
        wasm_instance_delete(copy);
    }
    wasm_store_delete(store2);

    /* A name that is not an export. */
    wasm_byte_vec_t nothing;
    CHECK(!wh_instance_snapshot(original, "nope", &nothing) && nothing.size == 0);
    CHECK(wh_last_error_code() == WH_ERROR_NOT_FOUND &&
              strstr(wh_last_error_message(), "wh_instance_snapshot: the instance has no export \"nope\""),
          "%s", wh_last_error_message());
    wasm_byte_vec_delete(&snapshot);
    wasm_instance_delete(original);
    wasm_byte_vec_delete(&binary);
    wasm_store_delete(store);
}

/* The module `name` snapshots before its export `change` runs, and is refused after, saying
 * `message`. */
static void check_refused(wasm_store_t *store, const char *name, wasm_extern_vec_t *imports, const char *message)
{
    wasm_byte_vec_t binary = read_module(name);
    wasm_instance_t *instance = instantiate(store, &binary, imports);
    if (instance) {
        wasm_byte_vec_t snapshot;
        bool before = wh_instance_snapshot(instance, NULL, &snapshot);
        wasm_byte_vec_delete(&snapshot);
        CHECK(call(instance, "change", 0, 0, NULL), "%s: change trapped", name);
        CHECK(!wh_instance_snapshot(instance, "change", &snapshot) && snapshot.size == 0 && snapshot.data == NULL,
              "%s: a snapshot after the change", name);
        CHECK(wh_last_error_code() == WH_ERROR_SNAPSHOT, "%s: code %d", name, (int)wh_last_error_code());
        CHECK(strstr(wh_last_error_message(), message), "%s: \"%s\" not in \"%s\"", name, message,
              wh_last_error_message());
        /* Imports make the module refused whatever it did; the others were fine before. */
        CHECK(before == (imports == NULL), "%s: a snapshot before the change: %s", name, wh_last_error_message());
        wasm_instance_delete(instance);
    }
    wasm_byte_vec_delete(&binary);
}

/* A global holding a host reference cannot be written. */
static void check_externref(wasm_engine_t *engine)
{
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t binary = read_module("refuse_externref");
    wasm_instance_t *instance = instantiate(store, &binary, NULL);
    if (instance) {
        wasm_extern_t *export = wh_instance_export(instance, "keep");
        wasm_foreign_t *foreign = wasm_foreign_new(store);
        wasm_val_t args[1] = {{.kind = WASM_EXTERNREF, .of.ref = wasm_foreign_as_ref(foreign)}};
        wasm_val_vec_t arguments = {1, args}, results = WASM_EMPTY_VEC;
        CHECK(wasm_func_call(wasm_extern_as_func(export), &arguments, &results) == NULL);
        wasm_byte_vec_t snapshot;
        CHECK(!wh_instance_snapshot(instance, NULL, &snapshot));
        CHECK(strstr(wh_last_error_message(), "global 0 holds a non-null externref"), "%s", wh_last_error_message());
        wasm_foreign_delete(foreign);
        wasm_extern_delete(export);
        wasm_instance_delete(instance);
    }
    wasm_byte_vec_delete(&binary);
    wasm_store_delete(store);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: snapshot_test MODULE_FOLDER OUTPUT.wasm\n");
        return 2;
    }
    folder = argv[1];
    wasm_engine_t *engine = wasm_engine_new();
    check_state(engine, argv[2]);
    wasm_store_t *store = wasm_store_new(engine);
    check_refused(store, "refuse_table_set", NULL, "table 0 was changed after instantiation (element 1 differs)");
    check_refused(store, "refuse_table_grow", NULL, "table 0 was grown from 1 to 3 elements");
    check_refused(store, "refuse_elem_drop", NULL, "element segment 0 was dropped (elem.drop)");
    check_externref(engine);

    /* Imports: a memory and a mutable global the test gives. */
    wasm_limits_t limits = {1, 1};
    wasm_memorytype_t *memory_type = wasm_memorytype_new(&limits);
    wasm_memory_t *memory = wasm_memory_new(store, memory_type);
    wasm_extern_t *memory_import[1] = {wasm_memory_as_extern(memory)};
    wasm_extern_vec_t memory_imports = {1, memory_import};
    check_refused(store, "refuse_memory_import", &memory_imports, "memory 0 is imported");
    wasm_globaltype_t *global_type = wasm_globaltype_new(wasm_valtype_new(WASM_I32), WASM_VAR);
    wasm_val_t zero = WASM_I32_VAL(0);
    wasm_global_t *global = wasm_global_new(store, global_type, &zero);
    wasm_extern_t *global_import[1] = {wasm_global_as_extern(global)};
    wasm_extern_vec_t global_imports = {1, global_import};
    check_refused(store, "refuse_global_import", &global_imports, "global 0 is a mutable import");
    wasm_globaltype_delete(global_type);
    wasm_global_delete(global);
    wasm_memorytype_delete(memory_type);
    wasm_memory_delete(memory);
    wasm_store_delete(store);

    wasm_byte_vec_t nothing;
    CHECK(!wh_instance_snapshot(NULL, NULL, &nothing) && wh_last_error_code() == WH_ERROR_INVALID_ARGUMENT);
    wasm_engine_delete(engine);
    return checks_done("snapshot");
}
