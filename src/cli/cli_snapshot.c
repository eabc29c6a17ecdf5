/* cli_snapshot.c: `wasmhost snapshot FILE.wasm --init EXPORT -o OUT.wasm`: run a module's initialisation once and write the initialised module. */
#include "cli_limits.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char snapshot_usage[] =
    "usage: wasmhost snapshot [OPTIONS] FILE.wasm --init EXPORT -o OUT.wasm\n"
    "\n"
    "Pre-initialises a module: instantiates FILE.wasm as a WASI program with the capabilities below\n"
    "(none by default; its other function imports trap if called), calls its _initialize when it\n"
    "exports one (a WASI reactor), then EXPORT (a function without parameters or results), and\n"
    "writes OUT.wasm: a plain WebAssembly module that starts in the state EXPORT left (memory and\n"
    "mutable globals), without EXPORT, _initialize and the start function, which have run. Any\n"
    "WebAssembly engine can run it; `wasmhost run` and `invoke` do without running EXPORT again.\n"
    "State outside the module (files it opened) is not kept. docs/snapshots.md says what cannot be\n"
    "captured (tables the code changed, imported memories, ...): such a module is refused with the\n"
    "reason.\n"
    "\n"
    "Options:\n"
    "%s" /* snapshot_options */
    "  -h, --help                       show this help\n"
    "\n"
    "Limits (for the initialisation):\n"
    "%s" /* the limit options */
    "\n"
    "The initialisation's stdout and stderr are the host's; its argv is FILE.wasm; stdin is empty.\n"
    "Exit status: 0 written; 1 the module is invalid, cannot be linked, its initialisation trapped or\n"
    "exited with a non-zero code, its state cannot be captured, or OUT cannot be written (nothing is\n"
    "written then); 2 usage error.\n";

static const cli_command_line snapshot_command = {"snapshot", snapshot_usage,
                                                  "\nRun `wasmhost snapshot --help` for usage.\n", false};

/* The import types of the module (for `unavailable`'s messages) and the store its traps belong
 * to: one module per process. */
static wasm_importtype_vec_t import_types;
static wasm_store_t *unavailable_store;

typedef struct snapshot_options {
    const char *path, *init, *output;
    cli_capabilities capabilities;
    cli_limits limits;
} snapshot_options;

/* An import other than WASI: a function that traps, naming it, if the initialisation calls it
 * (the host that runs the snapshot gives the real one). `env` is the import's type. */
static wasm_trap_t *unavailable(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args, (void)results;
    const wasm_importtype_t *import = env;
    const wasm_name_t *module = wasm_importtype_module(import), *name = wasm_importtype_name(import);
    char text[300];
    snprintf(text, sizeof text, "\"%.*s\".\"%.*s\" is not available in `wasmhost snapshot` (only WASI is)",
             (int)(module->size > 100 ? 100 : module->size), module->data, (int)(name->size > 100 ? 100 : name->size),
             name->data);
    wasm_message_t message;
    wasm_name_new_from_string_nt(&message, text);
    wasm_trap_t *trap = wasm_trap_new(unavailable_store, &message);
    wasm_byte_vec_delete(&message);
    return trap;
}

/* WASI's functions, and `unavailable` for every other function import; CLI_FAILED after saying
 * why (a WASI import that does not exist, an import that is not a function). */
static int link_imports(const char *path, wasm_store_t *store, const wasm_module_t *module, wh_wasi_t *wasi,
                        wasm_extern_vec_t *imports)
{
    if (!wh_wasi_imports(wasi, store, module, imports)) {
        fprintf(stderr, "wasmhost snapshot: %s: %s\n", path, cli_error_message());
        return CLI_FAILED;
    }
    unavailable_store = store;
    for (size_t i = 0; i < imports->size && i < import_types.size; i++) {
        if (imports->data[i])
            continue;
        const wasm_functype_t *type = wasm_externtype_as_functype_const(wasm_importtype_type(import_types.data[i]));
        wasm_func_t *func =
            type ? wasm_func_new_with_env(store, type, unavailable, (void *)import_types.data[i], NULL) : NULL;
        if (!func) {
            fprintf(stderr,
                    "wasmhost snapshot: %s: import %zu is not a WASI function, and only functions can be given\n", path,
                    i);
            import_print(stderr, import_types.data[i]);
            return CLI_FAILED;
        }
        imports->data[i] = wasm_func_as_extern(func);
    }
    return CLI_OK;
}

/* Calls `func` ([] -> []); CLI_OK when it returned or called proc_exit(0). */
static int call_init(const snapshot_options *options, wasm_store_t *store, const wasm_func_t *func, const char *name,
                     const wh_wasi_t *wasi)
{
    if (wasm_func_param_arity(func) || wasm_func_result_arity(func)) {
        fprintf(stderr, "wasmhost snapshot: %s: export \"%s\" must be a function with no parameters and no results\n",
                options->path, name);
        return CLI_FAILED;
    }
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    wasm_trap_t *trap = wasm_func_call(func, &none, &none);
    if (!trap)
        return CLI_OK;
    int exit_code = 0;
    bool exited = wh_trap_exit_code(trap, &exit_code);
    if (exited)
        wh_wasi_exited(wasi, &exit_code);
    if (exited && exit_code == 0) {
        wasm_trap_delete(trap);
        return CLI_OK;
    }
    fflush(stdout);
    if (exited) {
        fprintf(stderr, "wasmhost snapshot: %s: \"%s\" exited with code %d: no snapshot written\n", options->path, name,
                exit_code);
    } else {
        cli_print_trap(trap);
        cli_limits_report(&options->limits, store, trap);
        fprintf(stderr, "wasmhost snapshot: %s: \"%s\" trapped: no snapshot written\n", options->path, name);
    }
    wasm_trap_delete(trap);
    return CLI_FAILED;
}

/* Runs _initialize (when exported) and the init export, as the options say. */
static int initialise(const snapshot_options *options, wasm_store_t *store, wasm_instance_t *instance,
                      const wh_wasi_t *wasi)
{
    int status = CLI_OK;
    wasm_extern_t *initialize = wh_instance_export(instance, "_initialize");
    if (initialize && strcmp(options->init, "_initialize") != 0) {
        const wasm_func_t *func = wasm_extern_as_func_const(initialize);
        if (!func) {
            fprintf(stderr, "wasmhost snapshot: %s: export \"_initialize\" is not a function\n", options->path);
            status = CLI_FAILED;
        } else {
            status = call_init(options, store, func, "_initialize", wasi);
        }
    }
    wasm_extern_delete(initialize);
    if (status != CLI_OK)
        return status;
    if (wh_wasi_exited(wasi, NULL)) {
        fprintf(stderr, "wasmhost snapshot: %s: _initialize called proc_exit: no snapshot written\n", options->path);
        return CLI_FAILED;
    }
    wasm_extern_t *init = wh_instance_export(instance, options->init);
    const wasm_func_t *func = wasm_extern_as_func_const(init);
    if (!func) {
        fprintf(stderr, "wasmhost snapshot: %s has no exported function \"%s\"\n", options->path, options->init);
        status = CLI_FAILED;
    } else {
        status = call_init(options, store, func, options->init, wasi);
    }
    wasm_extern_delete(init);
    return status;
}

static int snapshot(snapshot_options *options, wasm_store_t *store, const wasm_module_t *module)
{
    wh_wasi_t *wasi = wh_wasi_new();
    bool ok = wasi && wh_wasi_set_args(wasi, 1, &options->path) &&
              cli_capabilities_apply(&options->capabilities, wasi) && wh_wasi_inherit_stdio(wasi, 1) &&
              wh_wasi_inherit_stdio(wasi, 2);
    if (!ok) {
        fprintf(stderr, "wasmhost snapshot: %s\n", wasi ? cli_error_message() : "out of memory");
        wh_wasi_delete(wasi);
        return CLI_USAGE;
    }
    int status = CLI_OK;
    if (!cli_limits_apply(&options->limits, store)) {
        fprintf(stderr, "wasmhost snapshot: %s\n", cli_error_message());
        status = CLI_USAGE;
    }
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    if (status == CLI_OK)
        status = link_imports(options->path, store, module, wasi, &imports);
    wasm_trap_t *trap = NULL;
    wasm_instance_t *instance = status == CLI_OK ? wasm_instance_new(store, module, &imports, &trap) : NULL;
    if (status == CLI_OK && !instance) {
        if (trap && wh_last_error_code() == WH_ERROR_TRAP) {
            cli_print_trap(trap);
            fprintf(stderr, "wasmhost snapshot: %s: instantiation trapped: no snapshot written\n", options->path);
        } else {
            fprintf(stderr, "wasmhost snapshot: %s: %s\n", options->path, cli_error_message());
        }
        status = CLI_FAILED;
    } else if (status == CLI_OK && !wh_wasi_bind(wasi, instance)) {
        fprintf(stderr, "wasmhost snapshot: %s: %s\n", options->path, cli_error_message());
        status = CLI_FAILED;
    }
    wasm_trap_delete(trap);
    if (status == CLI_OK)
        status = initialise(options, store, instance, wasi);
    wasm_byte_vec_t bytes = WASM_EMPTY_VEC;
    if (status == CLI_OK && !wh_instance_snapshot(instance, options->init, &bytes)) {
        fprintf(stderr, "wasmhost snapshot: %s: cannot snapshot: %s\n", options->path, cli_error_message());
        status = CLI_FAILED;
    }
    if (status == CLI_OK && !cli_write_file_atomically(options->output, bytes.data, bytes.size)) {
        fprintf(stderr, "wasmhost snapshot: cannot write %s: %s\n", options->output, strerror(errno));
        status = CLI_FAILED;
    }
    wasm_byte_vec_delete(&bytes);
    wasm_instance_delete(instance);
    wasm_extern_vec_delete(&imports);
    wh_wasi_delete(wasi);
    return status;
}

int cli_snapshot(int argc, char **argv)
{
    snapshot_options options;
    memset(&options, 0, sizeof options);
    cli_option own_options[2 + CLI_CAPABILITY_OPTION_COUNT] = {
        {"--init", .text = &options.init,
         .help = "  --init EXPORT                    the function that initialises the module (required)\n"},
        {"-o", .text = &options.output,
         .help = "  -o OUT.wasm                      where to write the snapshot (required)\n"},
    };
    cli_capability_options(&options.capabilities, own_options + 2);
    cli_option limit_options[CLI_LIMIT_OPTION_COUNT];
    cli_limits_options(&options.limits, limit_options);
    cli_arguments args;
    cli_arguments_start(&args, &snapshot_command, argc, argv, own_options, sizeof own_options / sizeof own_options[0]);
    cli_arguments_add(&args, limit_options, CLI_LIMIT_OPTION_COUNT);
    options.path = cli_only_operand(&args, "FILE.wasm");
    int status = args.exit_status;
    if (status < 0 && (!options.init || !options.init[0]))
        status = cli_usage_error(&args, "missing --init EXPORT (the function that initialises the module)");
    if (status < 0 && (!options.output || !options.output[0]))
        status = cli_usage_error(&args, "missing -o OUT.wasm (where to write the snapshot)");
    if (status >= 0) {
        cli_capabilities_free(&options.capabilities);
        return status;
    }
    wasm_engine_t *engine = cli_limits_engine(&options.limits);
    wasm_store_t *store = engine ? wasm_store_new(engine) : NULL;
    if (engine && !store)
        fprintf(stderr, "wasmhost: cannot create a store: %s\n", cli_error_message());
    wasm_module_t *module = store ? cli_load_module(store, options.path) : NULL;
    if (module)
        wasm_module_imports(module, &import_types);
    status = module ? snapshot(&options, store, module) : CLI_FAILED;
    wasm_importtype_vec_delete(&import_types);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    cli_capabilities_free(&options.capabilities);
    return status;
}
