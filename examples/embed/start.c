/* start.c: start functions: one that runs during instantiation, and one that traps so that instantiation fails. */
#include "example.h"

#include <string.h>

static int logged = -1;

static wasm_trap_t *log_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)results;
    logged = args->data[0].of.i32;
    printf("start function logged %d\n", logged);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "start.wasm";
    const char *trap_path = argc > 2 ? argv[2] : "start_trap.wasm";
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);

    wasm_module_t *module = load_module(store, path);
    wasm_functype_t *log_type = wasm_functype_new_1_0(wasm_valtype_new_i32());
    wasm_func_t *log = wasm_func_new(store, log_type, log_callback);
    wasm_functype_delete(log_type);
    wasm_extern_t *externs[] = {wasm_func_as_extern(log)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    wasm_trap_t *trap = NULL;
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
    CHECK(instance && !trap);
    CHECK(logged == 42);
    wasm_extern_t *started = wh_instance_export(instance, "started");
    wasm_val_t value;
    wasm_global_get(wasm_extern_as_global(started), &value);
    CHECK(value.of.i32 == 1);
    wasm_extern_delete(started);
    wasm_instance_delete(instance);
    wasm_func_delete(log);
    wasm_module_delete(module);

    printf("A start function that traps...\n");
    wasm_module_t *failing = load_module(store, trap_path);
    instance = wasm_instance_new(store, failing, NULL, &trap);
    CHECK(instance == NULL && trap != NULL);
    CHECK(wh_last_error_code() == WH_ERROR_TRAP);
    if (trap) {
        CHECK(wh_trap_code(trap) == WH_TRAP_CODE_UNREACHABLE);
        wasm_frame_t *origin = wasm_trap_origin(trap);
        CHECK(origin && wasm_frame_func_index(origin) == 0); /* $check */
        wasm_frame_delete(origin);
        wasm_frame_vec_t trace;
        wasm_trap_trace(trap, &trace);
        CHECK(trace.size == 2);
        wasm_frame_vec_delete(&trace);
        wasm_byte_vec_t text;
        wh_trap_format(trap, &text);
        printf("%.*s", (int)text.size, text.data);
        CHECK(text.size && strstr(text.data, "at check") && strstr(text.data, "at start"));
        wasm_byte_vec_delete(&text);
        wasm_trap_delete(trap);
    }
    /* Without a place for the trap, failure is still reported. */
    CHECK(wasm_instance_new(store, failing, NULL, NULL) == NULL);
    printf("last error: %s\n", wh_last_error_message());
    wasm_module_delete(failing);

    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return example_finish("start");
}
