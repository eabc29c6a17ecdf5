/* wasi.c: a WASI program given args, environment, a read-only directory, in-memory or callback stdio, an output cap. */
#include "example.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* stderr of the guest, collected by a callback. */
static char errors[1024];
static size_t errors_used;

static ptrdiff_t collect_stderr(void *user, int fd, const uint8_t *data, size_t size)
{
    (void)user;
    CHECK(fd == 2);
    size_t room = sizeof errors - 1 - errors_used;
    size_t taken = size < room ? size : room;
    memcpy(errors + errors_used, data, taken);
    errors_used += taken;
    return (ptrdiff_t)size;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "wasi_guest.wasm";
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, path);

    /* A directory for the guest, with one file in it. */
    char directory[] = "/tmp/wasmhost-embed-XXXXXX";
    CHECK(mkdtemp(directory) != NULL);
    char file_path[256];
    snprintf(file_path, sizeof file_path, "%s/input.txt", directory);
    FILE *file = fopen(file_path, "w");
    fputs("a line from the host's file\n", file);
    fclose(file);

    printf("Running the command in one call...\n");
    wh_wasi_t *wasi = wh_wasi_new();
    const char *guest_argv[] = {"guest", "alpha", "beta gamma"};
    CHECK(wh_wasi_set_args(wasi, 3, guest_argv));
    CHECK(wh_wasi_add_env(wasi, "GREETING", "hello"));
    CHECK(wh_wasi_preopen_dir(wasi, directory, "/data", true));
    CHECK(wh_wasi_stdin_buffer(wasi, "bytes from the host", 19));
    CHECK(wh_wasi_output_buffer(wasi, 1));
    CHECK(wh_wasi_output_callback(wasi, 2, collect_stderr, NULL));
    CHECK(!wh_wasi_preopen_dir(wasi, "/no/such/directory", "/x", false));
    CHECK(wh_last_error_code() == WH_ERROR_WASI);
    printf("refused: %s\n", wh_last_error_message());

    int exit_code = -1;
    wasm_trap_t *trap = wh_wasi_run(wasi, store, module, &exit_code);
    CHECK(trap == NULL && exit_code == 3);
    if (trap)
        print_trap("trap", trap);
    int exited = -1;
    CHECK(wh_wasi_exited(wasi, &exited) && exited == 3);
    size_t size = 0;
    const uint8_t *output = wh_wasi_output(wasi, 1, &size);
    printf("--- the guest's stdout ---\n%.*s--- its stderr ---\n%s", (int)size, (const char *)output, errors);
    const char *expected = "args: [guest] [alpha] [beta gamma]\n"
                           "GREETING=hello\n"
                           "HOME=(unset)\n"
                           "read: a line from the host's file\n"
                           "write: refused\n"
                           "/etc/passwd: invisible\n";
    CHECK(size == strlen(expected) && memcmp(output, expected, size) == 0);
    CHECK(strcmp(errors, "stdin said: bytes from the host\n") == 0);
    wh_wasi_delete(wasi); /* the store still holds it: the order does not matter */

    printf("Step by step, with stdout capped at 100 bytes...\n");
    wasi = wh_wasi_new();
    const char *flood_argv[] = {"guest", "flood"};
    CHECK(wh_wasi_set_args(wasi, 2, flood_argv));
    CHECK(wh_wasi_output_buffer(wasi, 1));
    CHECK(wh_wasi_output_limit(wasi, 1, 100));
    wasm_extern_vec_t imports;
    CHECK(wh_wasi_imports(wasi, store, module, &imports));
    for (size_t i = 0; i < imports.size; i++)
        CHECK(imports.data[i] != NULL); /* every import of this guest is WASI's */
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
    wasm_extern_vec_delete(&imports);
    CHECK(instance && wh_wasi_bind(wasi, instance));
    wasm_extern_t *start = wh_instance_export(instance, "_start");
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    trap = wasm_func_call(wasm_extern_as_func(start), &none, &none);
    CHECK(trap == NULL); /* main returned 0: wasi-libc's _start returns without proc_exit */
    if (trap) {
        CHECK(wh_trap_exit_code(trap, &exit_code) && exit_code == 0);
        wasm_trap_delete(trap);
    }
    output = wh_wasi_output(wasi, 1, &size);
    printf("stdout kept %zu bytes, ending: %.*s\n", size, 20, size >= 20 ? (const char *)output + size - 20 : "");
    CHECK(size == 100);
    wasm_extern_delete(start);
    wasm_instance_delete(instance);

    wasm_module_delete(module);
    wasm_store_delete(store);
    wh_wasi_delete(wasi); /* after the store this time */
    wasm_engine_delete(engine);
    unlink(file_path);
    rmdir(directory);
    return example_finish("wasi");
}
