/* cli_validate.c: `wasmhost validate FILE`: decode, validate and compile a module, report the first error. */
#include "cli.h"

#include <string.h>

static const char validate_usage[] =
    "usage: wasmhost validate FILE\n"
    "\n"
    "Decodes, validates and compiles the WebAssembly binary FILE. Prints nothing and exits 0\n"
    "when it is valid; otherwise prints the first error (where it is and what is wrong) and\n"
    "exits 1. Exit status 2: usage error.\n";

int cli_validate(int argc, char **argv)
{
    const char *path = NULL;
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!options_done && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
            fputs(validate_usage, stdout);
            return CLI_OK;
        }
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = true;
        } else if (!options_done && arg[0] == '-' && arg[1] != '\0') {
            fprintf(stderr, "wasmhost validate: unknown option '%s'\n\n%s", arg, validate_usage);
            return CLI_USAGE;
        } else if (path) {
            fprintf(stderr, "wasmhost validate: expected one FILE, got '%s' and '%s'\n\n%s", path, arg,
                    validate_usage);
            return CLI_USAGE;
        } else {
            path = arg;
        }
    }
    if (!path) {
        fprintf(stderr, "wasmhost validate: missing FILE\n\n%s", validate_usage);
        return CLI_USAGE;
    }
    /* Compiling for a plain engine: the checks a limit would add do not change what is valid. */
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = engine ? wasm_store_new(engine) : NULL;
    if (!store) {
        fprintf(stderr, "wasmhost: cannot create an engine: %s\n", cli_error_message());
        if (engine)
            wasm_engine_delete(engine);
        return CLI_FAILED;
    }
    wasm_module_t *module = cli_load_module(store, path);
    int status = module ? CLI_OK : CLI_FAILED;
    if (module)
        wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return status;
}
