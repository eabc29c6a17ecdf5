/* cli_inspect.c: `wasmhost inspect FILE`: prints what a module imports, exports and defines. */
#include "cli_options.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char inspect_usage[] =
    "usage: wasmhost inspect [--code] FILE\n"
    "\n"
    "Prints the WebAssembly module FILE's types, imports, functions, tables, memories, globals,\n"
    "exports, start function, segments and custom sections (names and sizes), then whether it\n"
    "validates. Exit status: 0 valid, 1 unreadable or invalid (the listing is still printed when\n"
    "the binary decodes), 2 usage error.\n"
    "\n"
    "%s";

static const cli_command_line inspect_command = {"inspect", inspect_usage, NULL, false};

int cli_inspect(int argc, char **argv)
{
    bool show_code = false;
    const cli_option options[] = {
        {"--code", .flag = &show_code,
         .help = "  --code   also print each function's translated internal code (for engine developers)\n"},
    };
    cli_arguments args;
    cli_arguments_start(&args, &inspect_command, argc, argv, options, sizeof options / sizeof options[0]);
    const char *path = cli_only_operand(&args, "FILE");
    if (!path)
        return args.exit_status;

    uint8_t *bytes;
    size_t size;
    char why[512];
    if (!cli_read_file(path, &bytes, &size, why, sizeof why)) {
        fprintf(stderr, "wasmhost: %s\n", why);
        return CLI_FAILED;
    }
    /* Listed even when it does not validate: wh_module_describe only decodes. */
    wasm_byte_vec_t binary = {size, (wasm_byte_t *)bytes}, text;
    if (!wh_module_describe(&binary, WH_DESCRIBE_MODULE, &text)) {
        fprintf(stderr, "wasmhost: %s: %s\n", path, cli_error_message());
        free(bytes);
        return CLI_FAILED;
    }
    printf("module %s (%zu bytes)\n", path, size);
    fwrite(text.data, 1, text.size, stdout);
    wasm_byte_vec_delete(&text);
    fflush(stdout);

    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = engine ? wasm_store_new(engine) : NULL;
    bool valid = store && wasm_module_validate(store, &binary);
    /* The message of the failed validation, before anything else can replace it. */
    char message[1024];
    snprintf(message, sizeof message, "%s", cli_error_message());
    if (valid && show_code && wh_module_describe(&binary, WH_DESCRIBE_CODE, &text)) {
        if (text.size) /* a module without functions has no code: data is NULL */
            fwrite(text.data, 1, text.size, stdout);
        wasm_byte_vec_delete(&text);
    }
    if (store)
        wasm_store_delete(store);
    if (engine)
        wasm_engine_delete(engine);
    free(bytes);
    if (!valid) {
        printf("valid: no\n");
        fflush(stdout);
        fprintf(stderr, "wasmhost: %s: %s\n", path, message);
        return CLI_FAILED;
    }
    printf("valid: yes\n");
    return CLI_OK;
}
