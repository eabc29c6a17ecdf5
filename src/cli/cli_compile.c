/* cli_compile.c: `wasmhost compile [-o OUT.cwasm] FILE.wasm`: compile a module to native code and write the artifact. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli_limits.h"
#include "cli_options.h"

static const char compile_usage[] =
    "usage: wasmhost compile [OPTIONS] FILE.wasm\n"
    "\n"
    "Compiles the WebAssembly module FILE.wasm to native code for this CPU with the compiling tier\n"
    "(LLVM) and writes an artifact that `run`, `invoke`, `call` and `wasm_module_deserialize` load\n"
    "without compiling (recognised by its contents, whatever its name). The code checks for\n"
    "deadlines and interruption (as `--timeout` needs), and with --fuel also meters fuel (as\n"
    "`--fuel N` needs; that code runs a little slower: docs/compiler.md). An\n"
    "artifact only loads in the wasmhost build that made it, on a CPU with the features it was\n"
    "compiled for; otherwise, or when damaged, it is refused with the reason and never run.\n"
    "\n"
    "Options:\n"
    "%s"
    "\n"
    "Exit status: 0 written, 1 the module is invalid or cannot be compiled or written, 2 usage error.\n";

static const cli_command_line compile_command = {"compile", compile_usage, NULL, true};

int cli_compile(int argc, char **argv)
{
    const char *output = NULL;
    uint64_t compile_timeout_ns = UINT64_MAX; /* not given */
    bool fuel = false;
    const cli_option options[] = {
        {"-o", .text = &output,
         .help = "  -o OUT.cwasm    where to write (default: FILE with .wasm replaced by .cwasm)\n"},
        {"--fuel", .flag = &fuel, .help = "  --fuel          compile fuel metering in, for `run/invoke --fuel N`\n"},
        {"--compile-timeout", .parse = cli_compile_timeout_option.parse, .target = &compile_timeout_ns,
         .help = cli_compile_timeout_option.help},
    };
    cli_arguments args;
    cli_arguments_start(&args, &compile_command, argc, argv, options, sizeof options / sizeof options[0]);
    const char *path = cli_only_operand(&args, "FILE.wasm");
    if (!path)
        return args.exit_status;
    char default_output[4096];
    if (!output) {
        size_t length = strlen(path);
        size_t stem = length > 5 && strcmp(path + length - 5, ".wasm") == 0 ? length - 5 : length;
        if (snprintf(default_output, sizeof default_output, "%.*s.cwasm", (int)stem, path) >=
            (int)sizeof default_output)
            return cli_usage_error(&args, "FILE.wasm: the path is too long");
        output = default_output;
    }

    wasm_config_t *config = wasm_config_new();
    if (config) {
        wh_config_set_tier(config, WH_TIER_COMPILED);
        wh_config_consume_fuel(config, fuel);
        if (compile_timeout_ns != UINT64_MAX)
            wh_config_set_compile_timeout(config, compile_timeout_ns);
    }
    wasm_engine_t *engine = config ? wasm_engine_new_with_config(config) : NULL;
    wasm_store_t *store = engine ? wasm_store_new(engine) : NULL;
    if (!store) {
        fprintf(stderr, "wasmhost: cannot create an engine: %s\n", cli_error_message());
        if (engine)
            wasm_engine_delete(engine);
        return CLI_FAILED;
    }
    int status = CLI_FAILED;
    wasm_module_t *module = cli_load_module(store, path);
    if (module) {
        wasm_byte_vec_t artifact;
        wasm_module_serialize(module, &artifact);
        if (!artifact.size)
            fprintf(stderr, "wasmhost: %s: %s\n", path, cli_error_message());
        else if (!cli_write_file_atomically(output, artifact.data, artifact.size))
            fprintf(stderr, "wasmhost: cannot write %s: %s\n", output, strerror(errno));
        else
            status = CLI_OK;
        wasm_byte_vec_delete(&artifact);
        wasm_module_delete(module);
    }
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return status;
}
