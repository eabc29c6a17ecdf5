/* cli_run.c: `wasmhost run [OPTIONS] FILE [ARGS...]`: runs a WASI program with just the capabilities given to it. */
#include "cli.h"
#include "cli_limits.h"

#include <stdlib.h>
#include <string.h>

static const char run_usage[] =
    "usage: wasmhost run [OPTIONS] FILE [ARGS...]\n"
    "\n"
    "Runs the WebAssembly module FILE as a WASI (preview 1) program: calls its exported function\n"
    "_start. The program's argv is FILE as written followed by ARGS. It sees nothing of the host but\n"
    "what the options below give it: no file, directory or environment variable otherwise. stdin,\n"
    "stdout and stderr are the host's.\n"
    "\n"
    "Options (before FILE):\n"
    "%s" /* run_option_table */
    "  -h, --help                       show this help\n"
    "  --                               end of options\n"
    "\n"
    "Limits (before FILE):\n"
    "%s" /* the limit options */
    "\n"
    "Paths never lead out of a directory given with --dir: `..` above it, absolute paths and\n"
    "symbolic links pointing outside are refused (ENOTCAPABLE).\n"
    "\n"
    "Exit status: the code the program gave to proc_exit (0 when _start returns; the system keeps\n"
    "the low 8 bits); 134 when it trapped, including a trap from a limit (fuel, timeout, stack: the\n"
    "trap and a backtrace go to stderr, then a line \"wasmhost: limit: ...\" naming the limit); 1 when\n"
    "the module is invalid, cannot be linked or does not fit the memory or table cap; 2 usage error\n"
    "(options, directories, arguments).\n";

/* Exit status of a program that trapped: 128 + SIGABRT, as a native program that aborts. */
#define CLI_TRAPPED 134

/* Resource limits (memory, tables, stack, fuel, time): parsed by parse_options() and applied to
 * the store by cli_limits_apply() (see cli_limits.c). */
typedef cli_limits run_limits;

typedef struct run_options {
    const char *path;
    int arg_count; /* ARGS after FILE */
    char **args;
    const char *invoke; /* NULL: run _start */
    cli_capabilities capabilities;
    run_limits limits;
} run_options;

/* ---- options ---- */

static bool parse_invoke(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    if (value[0] == '\0') {
        snprintf(why, why_size, "%s needs a function name", name);
        return false;
    }
    ((run_options *)target)->invoke = value;
    return true;
}

static void free_options(run_options *options) { cli_capabilities_free(&options->capabilities); }

static const cli_command_line run_command = {
    "run", run_usage, "\nRun `wasmhost run --help` for usage.\n",
    true, /* options before FILE only: everything after FILE belongs to the program */
};

/* Reads the command line into `options`; returns -1 to go on, or the exit status when the
 * command ends here (--help, a usage error). */
static int parse_options(int argc, char **argv, run_options *options)
{
    /* The capabilities (--dir, --dir-ro, --env, --env-inherit), then --invoke. */
    cli_option run_option_table[CLI_CAPABILITY_OPTION_COUNT + 1];
    cli_capability_options(&options->capabilities, run_option_table);
    run_option_table[CLI_CAPABILITY_OPTION_COUNT] = (cli_option){
        "--invoke", .parse = parse_invoke, .target = options,
        .help = "  --invoke FUNC                    call the exported function FUNC instead of _start, after\n"
                "                                   _initialize when the module exports it (a WASI reactor); ARGS\n"
                "                                   are then FUNC's arguments, and its results are printed, as\n"
                "                                   with `wasmhost invoke`\n"};
    cli_option limit_table[CLI_LIMIT_OPTION_COUNT];
    cli_limits_options(&options->limits, limit_table);
    cli_arguments args;
    cli_arguments_start(&args, &run_command, argc, argv, run_option_table,
                        sizeof run_option_table / sizeof run_option_table[0]);
    cli_arguments_add(&args, limit_table, CLI_LIMIT_OPTION_COUNT);

    options->path = cli_next_operand(&args);
    if (args.exit_status >= 0)
        return args.exit_status;
    if (!options->path)
        return cli_usage_error(&args, "missing FILE (the WebAssembly module to run)");
    options->args = argv + args.next;
    options->arg_count = argc - args.next;
    return -1;
}

/* The import module every WASI preview 1 function comes from. */
static const char wasi_module_name[] = "wasi_snapshot_preview1";

/* Builds the WASI context from the options; errors are the user's (exit 2). */
static int make_context(const run_options *options, wh_wasi_t **out)
{
    wh_wasi_t *wasi = wh_wasi_new();
    *out = wasi;
    if (!wasi) {
        fprintf(stderr, "wasmhost: out of memory\n");
        return CLI_FAILED;
    }
    /* argv: FILE as written, then ARGS (with --invoke, ARGS are the function's instead). */
    int guest_argc = 1 + (options->invoke ? 0 : options->arg_count);
    const char **guest_argv = malloc((size_t)guest_argc * sizeof *guest_argv);
    if (!guest_argv) {
        fprintf(stderr, "wasmhost: out of memory\n");
        return CLI_FAILED;
    }
    guest_argv[0] = options->path;
    for (int i = 1; i < guest_argc; i++)
        guest_argv[i] = options->args[i - 1];
    bool ok = wh_wasi_set_args(wasi, guest_argc, guest_argv);
    free(guest_argv);
    ok = ok && cli_capabilities_apply(&options->capabilities, wasi);
    for (int fd = 0; ok && fd < 3; fd++)
        ok = wh_wasi_inherit_stdio(wasi, fd);
    if (!ok) {
        fprintf(stderr, "wasmhost run: %s\n", cli_error_message());
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* Every import must be a WASI function: `run` provides nothing else. */
static int link_imports(const char *path, const wasm_module_t *module, wh_wasi_t *wasi, wasm_store_t *store,
                        wasm_extern_vec_t *imports)
{
    wasm_importtype_vec_t types;
    wasm_module_imports(module, &types);
    bool foreign = false;
    for (size_t i = 0; i < types.size; i++) {
        const wasm_importtype_t *import = types.data[i];
        const wasm_name_t *module_name = wasm_importtype_module(import);
        if (module_name->size == strlen(wasi_module_name) &&
            memcmp(module_name->data, wasi_module_name, module_name->size) == 0)
            continue;
        if (!foreign)
            fprintf(stderr,
                    "wasmhost: %s imports what `wasmhost run` does not provide (it provides only "
                    "the \"%s\" functions):\n",
                    path, wasi_module_name);
        foreign = true;
        import_print(stderr, import);
    }
    wasm_importtype_vec_delete(&types);
    if (foreign)
        return CLI_FAILED;
    if (!wh_wasi_imports(wasi, store, module, imports)) {
        fprintf(stderr, "wasmhost: %s: %s\n", path, cli_error_message());
        return CLI_FAILED;
    }
    return CLI_OK;
}

/* Set by run() for trap_status: where to look for the limit that stopped a program. */
static const run_limits *reported_limits;
static const wasm_store_t *reported_store;
static bool limits_reported;

/* The exit status for a call that ended with `trap` (NULL: returned normally); deletes the trap. */
static int trap_status(wasm_trap_t *trap, const wh_wasi_t *wasi)
{
    if (!trap)
        return CLI_OK;
    int status;
    if (wh_trap_exit_code(trap, &status)) {
        wh_wasi_exited(wasi, &status); /* the code the guest gave, when it went through this context */
    } else {
        fflush(stdout);
        cli_print_trap(trap);
        if (reported_store) {
            cli_limits_report(reported_limits, reported_store, trap);
            limits_reported = true;
        }
        status = CLI_TRAPPED;
    }
    wasm_trap_delete(trap);
    return status;
}

/* The exported function `name` of type [] -> [] ; NULL when missing (or of another type,
 * reported). The caller deletes `*holder` (the export). */
static wasm_func_t *find_nullary(const char *path, const wasm_instance_t *instance, const char *name,
                                 wasm_extern_t **holder, bool *wrong_type)
{
    *wrong_type = false;
    *holder = wh_instance_export(instance, name);
    if (!*holder)
        return NULL;
    wasm_func_t *func = wasm_extern_as_func(*holder);
    if (!func || wasm_func_param_arity(func) || wasm_func_result_arity(func)) {
        fprintf(stderr, "wasmhost: %s: export \"%s\" must be a function with no parameters and no results\n", path,
                name);
        *wrong_type = true;
        return NULL;
    }
    return func;
}

static int call_nullary(wasm_func_t *func, const wh_wasi_t *wasi)
{
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    return trap_status(wasm_func_call(func, &none, &none), wasi);
}

/* --invoke FUNC ARGS: call like `wasmhost invoke` and print the results. */
static int call_and_print(const run_options *options, wasm_store_t *store, const wasm_instance_t *instance,
                          const wh_wasi_t *wasi)
{
    wasm_extern_t *export = wh_instance_export(instance, options->invoke);
    wasm_func_t *func = wasm_extern_as_func(export);
    if (!func) {
        fprintf(stderr, "wasmhost run: %s has no exported function \"%s\"\n", options->path, options->invoke);
        wasm_extern_delete(export);
        return CLI_USAGE;
    }
    wasm_functype_t *type = wasm_func_type(func);
    const wasm_valtype_vec_t *params = type ? wasm_functype_params(type) : NULL;
    wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_EMPTY_VEC;
    int status = CLI_OK;
    if (!type) {
        fprintf(stderr, "wasmhost: out of memory\n");
        status = CLI_FAILED;
    } else if ((size_t)options->arg_count != params->size) {
        char text[512];
        wh_functype_format(type, text, sizeof text);
        fprintf(stderr, "wasmhost run: \"%s\" takes %zu argument%s (%s) but %d %s given\n", options->invoke,
                params->size, params->size == 1 ? "" : "s", text, options->arg_count,
                options->arg_count == 1 ? "was" : "were");
        status = CLI_USAGE;
    } else {
        size_t result_count = wasm_functype_results(type)->size;
        wasm_val_vec_new_uninitialized(&args, params->size);
        wasm_val_vec_new_uninitialized(&results, result_count);
        if (args.size != params->size || results.size != result_count) {
            fprintf(stderr, "wasmhost: out of memory\n");
            status = CLI_FAILED;
        }
        for (size_t i = 0; i < args.size; i++)
            args.data[i] = (wasm_val_t)WASM_INIT_VAL; /* deletable whatever happens below */
        for (size_t i = 0; i < results.size; i++)
            results.data[i] = (wasm_val_t)WASM_INIT_VAL;
        for (int i = 0; status == CLI_OK && i < options->arg_count; i++) {
            char why[160];
            wasm_valkind_t kind = wasm_valtype_kind(params->data[i]);
            if (!value_parse(options->args[i], kind, store, &args.data[i], why, sizeof why)) {
                fprintf(stderr, "wasmhost run: argument %d of \"%s\" ('%s') is not a valid %s: %s\n", i + 1,
                        options->invoke, options->args[i], wh_valkind_name(kind), why);
                status = CLI_USAGE;
            }
        }
    }
    if (status == CLI_OK) {
        wasm_trap_t *trap = wasm_func_call(func, &args, &results);
        status = trap_status(trap, wasi);
        for (size_t i = 0; !trap && i < results.size; i++) {
            char text[64];
            wh_val_format(&results.data[i], text, sizeof text);
            printf("%s\n", text);
        }
    }
    wasm_val_vec_delete(&args);
    wasm_val_vec_delete(&results);
    wasm_functype_delete(type);
    wasm_extern_delete(export);
    return status;
}

static int run(run_options *options, wasm_store_t *store, const wasm_module_t *module, wh_wasi_t *wasi)
{
    const char *path = options->path;
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    int status = link_imports(path, module, wasi, store, &imports);
    if (status == CLI_OK && !cli_limits_apply(&options->limits, store)) {
        fprintf(stderr, "wasmhost run: %s\n", cli_error_message());
        status = CLI_USAGE;
    }
    reported_limits = &options->limits;
    reported_store = store;
    wasm_instance_t *instance = NULL;
    wasm_trap_t *trap = NULL;
    if (status == CLI_OK && !(instance = wasm_instance_new(store, module, &imports, &trap))) {
        if (trap && wh_last_error_code() == WH_ERROR_TRAP) {
            /* The start section ran and trapped (or called proc_exit). The memory may not be
             * bound yet, which is fine: the program is over. */
            status = trap_status(trap, wasi);
        } else {
            fprintf(stderr, "wasmhost: %s: %s\n", path, cli_error_message());
            wasm_trap_delete(trap);
            status = CLI_FAILED;
        }
    } else if (status == CLI_OK && !wh_wasi_bind(wasi, instance)) {
        fprintf(stderr, "wasmhost: %s: %s\n", path, cli_error_message());
        status = CLI_FAILED;
    } else if (status == CLI_OK) {
        bool wrong_type;
        wasm_extern_t *holder;
        if (options->invoke) {
            wasm_func_t *initialize = find_nullary(path, instance, "_initialize", &holder, &wrong_type);
            if (wrong_type)
                status = CLI_FAILED;
            else if (initialize)
                status = call_nullary(initialize, wasi);
            wasm_extern_delete(holder);
            if (status == CLI_OK && !wh_wasi_exited(wasi, NULL))
                status = call_and_print(options, store, instance, wasi);
        } else {
            wasm_func_t *start = find_nullary(path, instance, "_start", &holder, &wrong_type);
            if (start) {
                status = call_nullary(start, wasi);
            } else if (!wrong_type) {
                fprintf(stderr,
                        "wasmhost: %s exports no _start function, so it is not a WASI command; to call a "
                        "function of a reactor, use --invoke FUNC\n",
                        path);
                status = CLI_FAILED;
            } else {
                status = CLI_FAILED;
            }
            wasm_extern_delete(holder);
        }
    }
    fflush(stdout);
    /* A refused memory.grow or table.grow that the program survived is worth a note too. */
    if (!limits_reported)
        cli_limits_report(&options->limits, store, NULL);
    reported_store = NULL;
    wasm_instance_delete(instance);
    wasm_extern_vec_delete(&imports);
    return status;
}

int cli_run(int argc, char **argv)
{
    run_options options;
    memset(&options, 0, sizeof options);
    int status = parse_options(argc, argv, &options);
    if (status >= 0) {
        free_options(&options);
        return status;
    }
    wasm_engine_t *engine = cli_limits_engine(&options.limits);
    wasm_store_t *store = engine ? wasm_store_new(engine) : NULL;
    if (engine && !store)
        fprintf(stderr, "wasmhost: cannot create a store: %s\n", cli_error_message());
    wasm_module_t *module = store ? cli_load_module(store, options.path) : NULL;
    wh_wasi_t *wasi = NULL;
    status = module ? make_context(&options, &wasi) : CLI_FAILED;
    if (status == CLI_OK)
        status = run(&options, store, module, wasi);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wh_wasi_delete(wasi);
    wasm_engine_delete(engine);
    free_options(&options);
    return status;
}
