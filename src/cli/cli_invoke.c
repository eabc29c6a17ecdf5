/* cli_invoke.c: `wasmhost invoke FILE FUNC ARGS...`: instantiate a module without imports and call an export. */
#include "cli.h"
#include "cli_limits.h"

#include <stdlib.h>
#include <string.h>

static const char invoke_usage[] =
    "usage: wasmhost invoke [OPTIONS] FILE FUNC [ARGS...]\n"
    "\n"
    "Instantiates the WebAssembly module FILE (it must need no imports), calls its exported\n"
    "function FUNC with ARGS and prints each result on its own line.\n"
    "\n"
    "Arguments are parsed by the function's parameter types:\n"
    "  i32, i64    signed or unsigned decimal, or 0x hexadecimal (-1 and 4294967295 are the same i32)\n"
    "  f32, f64    decimal (1.5, -2e10), inf, -inf, nan, -nan, nan:0xPAYLOAD\n"
    "  externref   null, or a number N (host reference N); funcref: null\n"
    "Results: integers in signed decimal, floats in the shortest decimal that reads back to the\n"
    "same bits, NaNs as nan/-nan (canonical) or nan:0xPAYLOAD, references as null or ref.\n"
    "\n"
    "Options (before FILE):\n"
    "%s"
    "  -h, --help                  show this help\n"
    "  --                          end of options\n"
    "\n"
    "Exit status: 0 success; 1 the module is invalid, needs imports, does not fit the limits, or the\n"
    "call trapped, including a trap from a limit (the trap and a backtrace go to stderr, then a line\n"
    "\"wasmhost: limit: ...\" naming the limit and its numbers); 2 usage error (flags, unknown\n"
    "function, argument count or value).\n";

static int usage_error(const char *message)
{
    fprintf(stderr, "wasmhost invoke: %s\n\nRun `wasmhost invoke --help` for usage.\n", message);
    return CLI_USAGE;
}

/* A module with imports cannot run here: name every import so the user knows what it needs. */
static void report_imports(const char *path, const wh_module *module)
{
    fprintf(stderr, "wasmhost: %s needs %u import%s, but `invoke` can only run modules without imports:\n", path,
            module->import_count, module->import_count == 1 ? "" : "s");
    for (uint32_t i = 0; i < module->import_count; i++) {
        const wh_import *import = &module->imports[i];
        fprintf(stderr, "  %s ", externkind_name(import->kind));
        name_print(stderr, import->module.data, import->module.length);
        fputc('.', stderr);
        name_print(stderr, import->name.data, import->name.length);
        fputc('\n', stderr);
    }
}

static void report_exported_functions(const wh_module *module)
{
    bool any = false;
    for (uint32_t i = 0; i < module->export_count; i++) {
        const wh_export *export = &module->exports[i];
        if (export->kind != WH_EXTERN_FUNC)
            continue;
        fprintf(stderr, "%s", any ? ", " : "exported functions: ");
        name_print(stderr, export->name.data, export->name.length);
        any = true;
    }
    fprintf(stderr, "%s\n", any ? "" : "the module exports no functions");
}

/* Finds the export named `name`; NULL when missing. */
static const wh_export *find_export(const wh_module *module, const char *name)
{
    size_t length = strlen(name);
    for (uint32_t i = 0; i < module->export_count; i++) {
        const wh_export *export = &module->exports[i];
        if (export->name.length == length && memcmp(export->name.data, name, length) == 0)
            return export;
    }
    return NULL;
}

/* Everything after option parsing; the caller frees what it gets back through `module`. */
static int invoke(const char *path, const char *func_name, int arg_count, char **args, cli_limits *limits,
                  wh_module **module_out)
{
    wh_module *module;
    cli_limits_prepare(limits);
    wh_error *error = cli_load_module(path, &module);
    if (error) {
        fprintf(stderr, "wasmhost: %s\n", error->message);
        wh_error_free(error);
        return CLI_FAILED;
    }
    *module_out = module;

    const wh_export *export = find_export(module, func_name);
    if (!export || export->kind != WH_EXTERN_FUNC) {
        if (export)
            fprintf(stderr, "wasmhost invoke: export \"%s\" of %s is a %s, not a function\n", func_name, path,
                    externkind_name(export->kind));
        else
            fprintf(stderr, "wasmhost invoke: %s has no export named \"%s\"\n", path, func_name);
        report_exported_functions(module);
        return CLI_USAGE;
    }
    const wh_functype *type = module_func_type(module, export->index);
    char type_text[512];
    functype_format(type, type_text, sizeof type_text);
    if ((uint32_t)arg_count != type->param_count) {
        fprintf(stderr, "wasmhost invoke: \"%s\" takes %u argument%s (%s) but %d %s given\n", func_name,
                type->param_count, type->param_count == 1 ? "" : "s", type_text, arg_count,
                arg_count == 1 ? "was" : "were");
        return CLI_USAGE;
    }

    wh_slot *slots = calloc(functype_slot_count(type) + 1, sizeof *slots);
    if (!slots) {
        fprintf(stderr, "wasmhost: out of memory\n");
        return CLI_FAILED;
    }
    for (int i = 0; i < arg_count; i++) {
        wh_valtype param_type = functype_params(type)[i];
        char why[160];
        if (!value_parse(args[i], param_type, &slots[i], why, sizeof why)) {
            fprintf(stderr, "wasmhost invoke: argument %d of \"%s\" ('%s') is not a valid %s: %s\n", i + 1,
                    func_name, args[i], valtype_name(param_type), why);
            free(slots);
            return CLI_USAGE;
        }
    }

    if (module->import_count > 0) {
        report_imports(path, module);
        free(slots);
        return CLI_FAILED;
    }

    wh_store *store = store_new();
    if (!store) {
        fprintf(stderr, "wasmhost: cannot create a store: out of memory\n");
        free(slots);
        return CLI_FAILED;
    }
    int status = CLI_OK;
    wh_instance *instance;
    wh_trap *trap = NULL;
    error = cli_limits_apply(limits, store);
    if (error) {
        fprintf(stderr, "wasmhost: %s\n", error->message);
        wh_error_free(error);
        store_free(store);
        free(slots);
        return CLI_FAILED;
    }
    error = instance_new(store, module, NULL, 0, &instance, &trap);
    if (error) {
        fprintf(stderr, "wasmhost: %s: %s\n", path, error->message);
        wh_error_free(error);
        status = CLI_FAILED;
    } else if (trap) {
        fprintf(stderr, "wasmhost: %s: instantiation failed:\n", path);
        trap_print(trap, stderr);
        cli_limits_report(limits, store, trap);
        trap_free(trap);
        status = CLI_FAILED;
    } else {
        wh_extern func;
        if (!instance_export(instance, func_name, strlen(func_name), &func) || func.kind != WH_EXTERN_FUNC) {
            fprintf(stderr, "wasmhost: internal error: export \"%s\" disappeared\n", func_name);
            status = CLI_FAILED;
        } else if ((trap = func_call(store, func.func, slots)) != NULL) {
            fflush(stdout);
            trap_print(trap, stderr);
            cli_limits_report(limits, store, trap);
            trap_free(trap);
            status = CLI_FAILED;
        } else {
            for (uint32_t i = 0; i < type->result_count; i++) {
                char text[64];
                value_format(functype_results(type)[i], slots[i], text, sizeof text);
                printf("%s\n", text);
            }
            fflush(stdout);
            cli_limits_report(limits, store, NULL);
        }
    }
    store_free(store);
    free(slots);
    return status;
}

int cli_invoke(int argc, char **argv)
{
    int i = 1;
    cli_limits limits;
    memset(&limits, 0, sizeof limits);
    /* Options come before FILE only, so that negative numbers among ARGS are not taken for flags. */
    for (; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            printf(invoke_usage, cli_limits_help);
            return CLI_OK;
        }
        if (strcmp(arg, "--") == 0) {
            i++;
            break;
        }
        if (arg[0] != '-' || arg[1] == '\0')
            break;
        int parsed = cli_limits_parse(&limits, argc, argv, &i, "invoke");
        if (parsed < 0)
            return CLI_USAGE;
        if (parsed > 0)
            continue;
        char message[256];
        snprintf(message, sizeof message, "unknown option '%s'", arg);
        return usage_error(message);
    }
    if (i >= argc)
        return usage_error("missing FILE and FUNC");
    if (i + 1 >= argc)
        return usage_error("missing FUNC (the name of an exported function)");

    wh_module *module = NULL;
    int status = invoke(argv[i], argv[i + 1], argc - i - 2, argv + i + 2, &limits, &module);
    if (module)
        module_release(module);
    fflush(stdout);
    return status;
}
