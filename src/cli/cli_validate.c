/* cli_validate.c: `wasmhost validate FILE`: decode, validate and compile a module, report the first error. */
#include "cli_options.h"

static const char validate_usage[] =
    "usage: wasmhost validate FILE\n"
    "\n"
    "Decodes, validates and compiles the WebAssembly binary FILE. Prints nothing and exits 0\n"
    "when it is valid; otherwise prints the first error (where it is and what is wrong) and\n"
    "exits 1. Exit status 2: usage error.\n";

static const cli_command_line validate_command = {"validate", validate_usage, NULL, false};

int cli_validate(int argc, char **argv)
{
    cli_arguments args;
    cli_arguments_start(&args, &validate_command, argc, argv, NULL, 0);
    const char *path = cli_only_operand(&args, "FILE");
    if (!path)
        return args.exit_status;
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
