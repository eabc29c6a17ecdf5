/* cli_run.c: `wasmhost run [OPTIONS] FILE [ARGS...]`: run a WASI program with only the capabilities the command line gives it. */
#include "cli.h"
#include "cli_limits.h"
#include "wasi.h"

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
    "  --dir HOST_DIR[::GUEST_PATH]     give the program the directory HOST_DIR, read-write, under the\n"
    "                                   name GUEST_PATH (default: HOST_DIR as written)\n"
    "  --dir-ro HOST_DIR[::GUEST_PATH]  the same, read-only: every write, create, truncate, delete,\n"
    "                                   rename, link, symlink or time change fails (ENOTCAPABLE)\n"
    "  --env NAME=VALUE                 set an environment variable for the program\n"
    "  --env-inherit NAME               pass the host's variable NAME (nothing when it is unset)\n"
    "  --invoke FUNC                    call the exported function FUNC instead of _start, after\n"
    "                                   _initialize when the module exports it (a WASI reactor); ARGS\n"
    "                                   are then FUNC's arguments, and its results are printed, as\n"
    "                                   with `wasmhost invoke`\n"
    "  -h, --help                       show this help\n"
    "  --                               end of options\n"
    "\n"
    "Limits (before FILE):\n"
    "%s"
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

typedef struct run_dir {
    const char *host_path;
    const char *guest_path;
    bool read_only;
} run_dir;

/* Resource limits (memory, tables, stack, fuel, time): parsed by parse_options() and applied to
 * the store by apply_limits(), both below (see cli_limits.c). */
typedef cli_limits run_limits;

typedef struct run_options {
    const char *path;
    int arg_count; /* ARGS after FILE */
    char **args;
    const char *invoke; /* NULL: run _start */
    run_dir *dirs;
    int dir_count;
    const char **env_assignments; /* "NAME=VALUE" */
    int env_assignment_count;
    const char **env_inherits;
    int env_inherit_count;
    run_limits limits;
} run_options;

static int usage_error(const char *format, const char *detail)
{
    fputs("wasmhost run: ", stderr);
    fprintf(stderr, format, detail);
    fputs("\n\nRun `wasmhost run --help` for usage.\n", stderr);
    return CLI_USAGE;
}

/* "--name VALUE" or "--name=VALUE": the value, or NULL when `arg` is not this option. Moves *i
 * past a separate value; sets *missing when the value is absent. */
static const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
    const char *arg = argv[*i];
    size_t length = strlen(name);
    if (strncmp(arg, name, length) != 0)
        return NULL;
    if (arg[length] == '=')
        return arg + length + 1;
    if (arg[length] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

static int parse_dir(run_options *options, const char *spec, bool read_only)
{
    run_dir dir = {spec, spec, read_only};
    const char *separator = strstr(spec, "::");
    if (separator) {
        size_t host_length = (size_t)(separator - spec);
        char *host = malloc(host_length + 1);
        if (!host)
            return usage_error("%s", "out of memory");
        memcpy(host, spec, host_length);
        host[host_length] = '\0';
        dir.host_path = host; /* freed in free_options: guest_path != host_path marks it owned */
        dir.guest_path = separator + 2;
        if (host_length == 0 || dir.guest_path[0] == '\0') {
            free(host);
            return usage_error("'%s': expected HOST_DIR::GUEST_PATH with both parts non-empty", spec);
        }
    } else if (spec[0] == '\0') {
        return usage_error("%s", "--dir needs a directory");
    }
    options->dirs[options->dir_count++] = dir;
    return CLI_OK;
}

static void free_options(run_options *options)
{
    for (int i = 0; i < options->dir_count; i++) {
        if (options->dirs[i].host_path != options->dirs[i].guest_path)
            free((char *)options->dirs[i].host_path);
    }
    free(options->dirs);
    free(options->env_assignments);
    free(options->env_inherits);
}

/* Options come before FILE only: everything after FILE belongs to the program. */
static int parse_options(int argc, char **argv, run_options *options, bool *help)
{
    options->dirs = calloc((size_t)argc, sizeof *options->dirs);
    options->env_assignments = calloc((size_t)argc, sizeof *options->env_assignments);
    options->env_inherits = calloc((size_t)argc, sizeof *options->env_inherits);
    if (!options->dirs || !options->env_assignments || !options->env_inherits)
        return usage_error("%s", "out of memory");
    int i = 1;
    for (; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            *help = true;
            return CLI_OK;
        }
        if (strcmp(arg, "--") == 0) {
            i++;
            break;
        }
        if (arg[0] != '-' || arg[1] == '\0')
            break;
        bool missing = false;
        const char *value;
        int status = CLI_OK;
        if ((value = option_value(argc, argv, &i, "--dir", &missing)) != NULL) {
            status = parse_dir(options, value, false);
        } else if (!missing && (value = option_value(argc, argv, &i, "--dir-ro", &missing)) != NULL) {
            status = parse_dir(options, value, true);
        } else if (!missing && (value = option_value(argc, argv, &i, "--env", &missing)) != NULL) {
            const char *equals = strchr(value, '=');
            if (!equals || equals == value)
                return usage_error("--env '%s': expected NAME=VALUE", value);
            options->env_assignments[options->env_assignment_count++] = value;
        } else if (!missing && (value = option_value(argc, argv, &i, "--env-inherit", &missing)) != NULL) {
            if (value[0] == '\0' || strchr(value, '='))
                return usage_error("--env-inherit '%s': expected a variable NAME", value);
            options->env_inherits[options->env_inherit_count++] = value;
        } else if (!missing && (value = option_value(argc, argv, &i, "--invoke", &missing)) != NULL) {
            if (value[0] == '\0')
                return usage_error("%s", "--invoke needs a function name");
            options->invoke = value;
        } else if (missing) {
            return usage_error("option '%s' needs a value", arg);
        } else {
            int parsed = cli_limits_parse(&options->limits, argc, argv, &i, "run");
            if (parsed < 0)
                return CLI_USAGE;
            if (parsed == 0)
                return usage_error("unknown option '%s'", arg);
        }
        if (status != CLI_OK)
            return status;
    }
    if (i >= argc)
        return usage_error("%s", "missing FILE (the WebAssembly module to run)");
    options->path = argv[i];
    options->args = argv + i + 1;
    options->arg_count = argc - i - 1;
    return CLI_OK;
}

static wh_error *apply_limits(run_limits *limits, wh_store *store, wh_wasi *wasi)
{
    (void)wasi;
    return cli_limits_apply(limits, store);
}

/* Builds the WASI context from the options; errors are the user's (exit 2). */
static int make_context(const run_options *options, wh_wasi **out)
{
    wh_wasi *wasi = wasi_new();
    *out = wasi;
    if (!wasi) {
        fprintf(stderr, "wasmhost: out of memory\n");
        return CLI_FAILED;
    }
    wh_error *error = NULL;
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
    error = wasi_set_args(wasi, guest_argc, guest_argv);
    free(guest_argv);
    for (int i = 0; !error && i < options->env_assignment_count; i++) {
        const char *assignment = options->env_assignments[i];
        const char *equals = strchr(assignment, '=');
        char *name = strndup(assignment, (size_t)(equals - assignment));
        error = name ? wasi_add_env(wasi, name, equals + 1) : wh_error_new("out of memory");
        free(name);
    }
    for (int i = 0; !error && i < options->env_inherit_count; i++) {
        const char *value = getenv(options->env_inherits[i]);
        if (value)
            error = wasi_add_env(wasi, options->env_inherits[i], value);
    }
    for (int i = 0; !error && i < options->dir_count; i++) {
        const run_dir *dir = &options->dirs[i];
        error = wasi_preopen_dir(wasi, dir->host_path, dir->guest_path, dir->read_only);
    }
    for (int fd = 0; !error && fd < 3; fd++)
        error = wasi_stdio_inherit(wasi, fd);
    if (error) {
        fprintf(stderr, "wasmhost run: %s\n", error->message);
        wh_error_free(error);
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* Every import must be a WASI function: `run` provides nothing else. */
static int link_imports(const char *path, const wh_module *module, wh_wasi *wasi, wh_store *store, wh_extern *imports)
{
    bool foreign = false;
    for (uint32_t i = 0; i < module->import_count; i++) {
        const wh_import *import = &module->imports[i];
        if (!wasi_is_import(import)) {
            if (!foreign)
                fprintf(stderr, "wasmhost: %s imports what `wasmhost run` does not provide (it provides only "
                                "the \"%s\" functions):\n",
                        path, WASI_MODULE_NAME);
            foreign = true;
            fprintf(stderr, "  %s ", externkind_name(import->kind));
            name_print(stderr, import->module.data, import->module.length);
            fputc('.', stderr);
            name_print(stderr, import->name.data, import->name.length);
            fputc('\n', stderr);
            continue;
        }
        wh_error *error = wasi_import(wasi, store, module, i, &imports[i]);
        if (error) {
            fprintf(stderr, "wasmhost: %s: %s\n", path, error->message);
            wh_error_free(error);
            return CLI_FAILED;
        }
    }
    return foreign ? CLI_FAILED : CLI_OK;
}

/* Set by run() for trap_status: where to look for the limit that stopped a program. */
static const run_limits *reported_limits;
static const wh_store *reported_store;
static bool limits_reported;

/* The exit status for a call that ended with `trap` (NULL: returned normally). */
static int trap_status(wh_trap *trap, const wh_wasi *wasi)
{
    if (!trap)
        return CLI_OK;
    int status;
    uint32_t code;
    if (trap->kind == WH_TRAP_EXIT) {
        status = wasi_exited(wasi, &code) ? (int)code : trap->exit_code;
    } else {
        fflush(stdout);
        trap_print(trap, stderr);
        if (reported_store) {
            cli_limits_report(reported_limits, reported_store, trap);
            limits_reported = true;
        }
        status = CLI_TRAPPED;
    }
    trap_free(trap);
    return status;
}

/* The exported function `name` of type [] -> [] ; NULL when missing (or of another type, reported). */
static wh_func *find_nullary(const char *path, wh_instance *instance, const char *name, bool *wrong_type)
{
    wh_extern ext;
    *wrong_type = false;
    if (!instance_export(instance, name, strlen(name), &ext))
        return NULL;
    if (ext.kind != WH_EXTERN_FUNC || ext.func->type->param_count || ext.func->type->result_count) {
        fprintf(stderr, "wasmhost: %s: export \"%s\" must be a function with no parameters and no results\n", path,
                name);
        *wrong_type = true;
        return NULL;
    }
    return ext.func;
}

/* --invoke FUNC ARGS: call like `wasmhost invoke` and print the results. */
static int call_and_print(const run_options *options, wh_store *store, wh_instance *instance, const wh_wasi *wasi)
{
    wh_extern ext;
    if (!instance_export(instance, options->invoke, strlen(options->invoke), &ext) || ext.kind != WH_EXTERN_FUNC) {
        fprintf(stderr, "wasmhost run: %s has no exported function \"%s\"\n", options->path, options->invoke);
        return CLI_USAGE;
    }
    const wh_functype *type = ext.func->type;
    if ((uint32_t)options->arg_count != type->param_count) {
        char text[512];
        functype_format(type, text, sizeof text);
        fprintf(stderr, "wasmhost run: \"%s\" takes %u argument%s (%s) but %d %s given\n", options->invoke,
                type->param_count, type->param_count == 1 ? "" : "s", text, options->arg_count,
                options->arg_count == 1 ? "was" : "were");
        return CLI_USAGE;
    }
    wh_slot *slots = calloc(functype_slot_count(type) + 1, sizeof *slots);
    if (!slots) {
        fprintf(stderr, "wasmhost: out of memory\n");
        return CLI_FAILED;
    }
    for (int i = 0; i < options->arg_count; i++) {
        char why[160];
        wh_valtype param_type = functype_params(type)[i];
        if (!value_parse(options->args[i], param_type, &slots[i], why, sizeof why)) {
            fprintf(stderr, "wasmhost run: argument %d of \"%s\" ('%s') is not a valid %s: %s\n", i + 1,
                    options->invoke, options->args[i], valtype_name(param_type), why);
            free(slots);
            return CLI_USAGE;
        }
    }
    wh_trap *trap = func_call(store, ext.func, slots);
    int status = trap_status(trap, wasi);
    if (!trap) {
        for (uint32_t i = 0; i < type->result_count; i++) {
            char text[64];
            value_format(functype_results(type)[i], slots[i], text, sizeof text);
            printf("%s\n", text);
        }
    }
    free(slots);
    return status;
}

static int run(run_options *options, wh_module *module, wh_wasi *wasi)
{
    const char *path = options->path;
    wh_store *store = store_new();
    wh_extern *imports = calloc(module->import_count + 1, sizeof *imports);
    if (!store || !imports) {
        fprintf(stderr, "wasmhost: out of memory\n");
        store_free(store);
        free(imports);
        return CLI_FAILED;
    }
    int status = link_imports(path, module, wasi, store, imports);
    wh_error *error = NULL;
    if (status == CLI_OK && (error = apply_limits(&options->limits, store, wasi)) != NULL) {
        fprintf(stderr, "wasmhost run: %s\n", error->message);
        status = CLI_USAGE;
    }
    reported_limits = &options->limits;
    reported_store = store;
    wh_instance *instance = NULL;
    wh_trap *trap = NULL;
    if (status == CLI_OK && (error = instance_new(store, module, imports, module->import_count, &instance, &trap))) {
        fprintf(stderr, "wasmhost: %s: %s\n", path, error->message);
        status = CLI_FAILED;
    } else if (status == CLI_OK && trap) {
        /* The start section ran and trapped (or called proc_exit). The memory may not be bound
         * yet, which is fine: the program is over. */
        status = trap_status(trap, wasi);
    } else if (status == CLI_OK && (error = wasi_bind(wasi, instance))) {
        fprintf(stderr, "wasmhost: %s: %s\n", path, error->message);
        status = CLI_FAILED;
    } else if (status == CLI_OK) {
        bool wrong_type;
        if (options->invoke) {
            wh_func *initialize = find_nullary(path, instance, "_initialize", &wrong_type);
            if (wrong_type)
                status = CLI_FAILED;
            else if (initialize) {
                wh_slot unused;
                status = trap_status(func_call(store, initialize, &unused), wasi);
            }
            if (status == CLI_OK && !wasi_exited(wasi, NULL))
                status = call_and_print(options, store, instance, wasi);
        } else {
            wh_func *start = find_nullary(path, instance, "_start", &wrong_type);
            if (start) {
                wh_slot unused;
                status = trap_status(func_call(store, start, &unused), wasi);
            } else if (!wrong_type) {
                fprintf(stderr,
                        "wasmhost: %s exports no _start function, so it is not a WASI command; to call a "
                        "function of a reactor, use --invoke FUNC\n",
                        path);
                status = CLI_FAILED;
            } else {
                status = CLI_FAILED;
            }
        }
    }
    wh_error_free(error);
    fflush(stdout);
    /* A refused memory.grow or table.grow that the program survived is worth a note too. */
    if (!limits_reported)
        cli_limits_report(&options->limits, store, NULL);
    reported_store = NULL;
    store_free(store);
    free(imports);
    return status;
}

int cli_run(int argc, char **argv)
{
    run_options options;
    memset(&options, 0, sizeof options);
    bool help = false;
    int status = parse_options(argc, argv, &options, &help);
    if (status != CLI_OK || help) {
        free_options(&options);
        if (help)
            printf(run_usage, cli_limits_help);
        return status;
    }
    wh_module *module = NULL;
    cli_limits_prepare(&options.limits);
    wh_error *error = cli_load_module(options.path, &module);
    if (error) {
        fprintf(stderr, "wasmhost: %s\n", error->message);
        wh_error_free(error);
        free_options(&options);
        return CLI_FAILED;
    }
    wh_wasi *wasi = NULL;
    status = make_context(&options, &wasi);
    if (status == CLI_OK)
        status = run(&options, module, wasi);
    wasi_free(wasi);
    module_release(module);
    free_options(&options);
    return status;
}
