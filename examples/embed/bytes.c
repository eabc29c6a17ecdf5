/* bytes.c: bytes in, bytes out: calling a plugin-style export with wh_call_bytes. */
#include "example.h"

#include <string.h>

/* Calls `name` with `text`; returns the trap code, or -1 when it answered (copied to `out`). */
static int call(const wasm_instance_t *instance, const char *name, const char *text, char *out, size_t size)
{
    wasm_byte_vec_t input = {strlen(text), (wasm_byte_t *)text}, output;
    wasm_trap_t *trap = wh_call_bytes(instance, name, &input, &output);
    if (trap) {
        int code = (int)wh_trap_code(trap);
        CHECK(output.size == 0 && output.data == NULL);
        print_trap(name, trap);
        return code;
    }
    snprintf(out, size, "%.*s", (int)output.size, output.data ? output.data : "");
    printf("%s(\"%s\") = \"%s\"\n", name, text, out);
    wasm_byte_vec_delete(&output);
    return -1;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "bytes_guest.wasm";
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, path);
    wasm_instance_t *instance = wasm_instance_new(store, module, NULL, NULL);
    CHECK(instance);
    char out[256];

    CHECK(call(instance, "upper", "Hello, plugin!", out, sizeof out) == -1 && strcmp(out, "HELLO, PLUGIN!") == 0);
    CHECK(call(instance, "upper", "", out, sizeof out) == -1 && out[0] == '\0');

    /* Every buffer was given back: input and output of the first call, and the empty output the
     * guest allocated for the second (an empty input is passed as (0, 0), with no buffer). */
    wasm_extern_t *frees_extern = wh_instance_export(instance, "frees");
    wasm_val_t result = WASM_INIT_VAL;
    wasm_val_vec_t none = WASM_EMPTY_VEC, results = {1, &result};
    wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(frees_extern), &none, &results);
    CHECK(!trap && result.of.i32 == 3);
    wasm_extern_delete(frees_extern);

    CHECK(call(instance, "crash", "x", out, sizeof out) == WH_TRAP_CODE_UNREACHABLE);
    CHECK(call(instance, "broken", "x", out, sizeof out) == WH_TRAP_CODE_API);
    CHECK(call(instance, "frees", "x", out, sizeof out) == WH_TRAP_CODE_API); /* wrong type */
    CHECK(call(instance, "missing", "x", out, sizeof out) == WH_TRAP_CODE_API);

    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return example_finish("bytes");
}
