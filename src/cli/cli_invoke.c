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
    "  v128        SHAPE:LANE,... with SHAPE i8x16, i16x8, i32x4, i64x2, f32x4 or f64x2 (i32x4:1,2,3,-1)\n"
    "Results: integers in signed decimal, floats in the shortest decimal that reads back to the\n"
    "same bits, NaNs as nan/-nan (canonical) or nan:0xPAYLOAD, references as null or ref, v128\n"
    "as i32x4:0x...,0x...,0x...,0x... (hexadecimal lanes, lane 0 first).\n"
    "\n"
    "Options (before FILE):\n"
    "%s" /* the limit options */
    "  -h, --help                  show this help\n"
    "  --                          end of options\n"
    "\n"
    "Exit status: 0 success; 1 the module is invalid, needs imports, does not fit the limits, or the\n"
    "call trapped, including a trap from a limit (the trap and a backtrace go to stderr, then a line\n"
    "\"wasmhost: limit: ...\" naming the limit and its numbers); 2 usage error (flags, unknown\n"
    "function, argument count or value).\n";

/* A module with imports cannot run here: name every import so the user knows what it needs. */
static void report_imports(const char *path, const wasm_importtype_vec_t *imports)
{
    fprintf(stderr, "wasmhost: %s needs %zu import%s, but `invoke` can only run modules without imports:\n", path,
            imports->size, imports->size == 1 ? "" : "s");
    for (size_t i = 0; i < imports->size; i++)
        import_print(stderr, imports->data[i]);
}

static void report_exported_functions(const wasm_exporttype_vec_t *exports)
{
    bool any = false;
    for (size_t i = 0; i < exports->size; i++) {
        const wasm_exporttype_t *export = exports->data[i];
        if (wasm_externtype_kind(wasm_exporttype_type(export)) != WASM_EXTERN_FUNC)
            continue;
        const wasm_name_t *name = wasm_exporttype_name(export);
        fprintf(stderr, "%s", any ? ", " : "exported functions: ");
        cli_print_name(stderr, name);
        any = true;
    }
    fprintf(stderr, "%s\n", any ? "" : "the module exports no functions");
}

/* Finds the export named `name`; NULL when missing. */
static const wasm_exporttype_t *find_export(const wasm_exporttype_vec_t *exports, const char *name)
{
    size_t length = strlen(name);
    for (size_t i = 0; i < exports->size; i++) {
        const wasm_name_t *export_name = wasm_exporttype_name(exports->data[i]);
        if (export_name->size == length && memcmp(export_name->data, name, length) == 0)
            return exports->data[i];
    }
    return NULL;
}

/* What invoke() makes, for the caller to delete in the right order whatever it returns. */
typedef struct invocation {
    wasm_engine_t *engine;
    wasm_store_t *store;
    wasm_module_t *module;
    wasm_exporttype_vec_t exports;
    wasm_importtype_vec_t imports;
    wh_val_t *args, *results; /* wh_val_t: v128 values too */
    size_t arg_count, result_count;
    wasm_instance_t *instance;
    wasm_extern_t *func;
} invocation;

static void invocation_delete(invocation *call)
{
    for (size_t i = 0; call->args && i < call->arg_count; i++)
        if (wasm_valkind_is_ref(call->args[i].kind) && call->args[i].of.ref)
            wasm_ref_delete(call->args[i].of.ref);
    for (size_t i = 0; call->results && i < call->result_count; i++)
        if (wasm_valkind_is_ref(call->results[i].kind) && call->results[i].of.ref)
            wasm_ref_delete(call->results[i].of.ref);
    free(call->args);
    free(call->results);
    wasm_extern_delete(call->func);
    wasm_instance_delete(call->instance);
    wasm_importtype_vec_delete(&call->imports);
    wasm_exporttype_vec_delete(&call->exports);
    wasm_module_delete(call->module);
    wasm_store_delete(call->store);
    wasm_engine_delete(call->engine);
}

/* Everything after option parsing. */
static int invoke(const char *path, const char *func_name, int arg_count, char **args, cli_limits *limits,
                  invocation *call)
{
    call->engine = cli_limits_engine(limits);
    if (!call->engine)
        return CLI_FAILED;
    call->store = wasm_store_new(call->engine);
    if (!call->store) {
        fprintf(stderr, "wasmhost: cannot create a store: %s\n", cli_error_message());
        return CLI_FAILED;
    }
    call->module = cli_load_module(call->store, path);
    if (!call->module)
        return CLI_FAILED;

    wasm_module_exports(call->module, &call->exports);
    const wasm_exporttype_t *export = find_export(&call->exports, func_name);
    const wasm_externtype_t *export_type = export ? wasm_exporttype_type(export) : NULL;
    if (!export || wasm_externtype_kind(export_type) != WASM_EXTERN_FUNC) {
        if (export)
            fprintf(stderr, "wasmhost invoke: export \"%s\" of %s is a %s, not a function\n", func_name, path,
                    wh_externkind_name(wasm_externtype_kind(export_type)));
        else
            fprintf(stderr, "wasmhost invoke: %s has no export named \"%s\"\n", path, func_name);
        report_exported_functions(&call->exports);
        return CLI_USAGE;
    }
    const wasm_functype_t *type = wasm_externtype_as_functype_const(export_type);
    const wasm_valtype_vec_t *params = wasm_functype_params(type), *results = wasm_functype_results(type);
    char type_text[512];
    wh_functype_format(type, type_text, sizeof type_text);
    if ((size_t)arg_count != params->size) {
        fprintf(stderr, "wasmhost invoke: \"%s\" takes %zu argument%s (%s) but %d %s given\n", func_name, params->size,
                params->size == 1 ? "" : "s", type_text, arg_count, arg_count == 1 ? "was" : "were");
        return CLI_USAGE;
    }

    /* Zeroed: deletable (no references) whatever happens below. */
    call->args = calloc(params->size + 1, sizeof *call->args);
    call->results = calloc(results->size + 1, sizeof *call->results);
    if (!call->args || !call->results) {
        fprintf(stderr, "wasmhost: out of memory\n");
        return CLI_FAILED;
    }
    call->arg_count = params->size;
    call->result_count = results->size;
    for (int i = 0; i < arg_count; i++) {
        wasm_valkind_t kind = wasm_valtype_kind(params->data[i]);
        char why[200];
        bool parsed;
        if (kind == WH_V128) {
            call->args[i].kind = WH_V128;
            parsed = value_parse_v128(args[i], call->args[i].of.v128, why, sizeof why);
        } else {
            wasm_val_t value;
            parsed = value_parse(args[i], kind, call->store, &value, why, sizeof why);
            call->args[i].kind = value.kind;
            memcpy(&call->args[i].of, &value.of, sizeof value.of);
        }
        if (!parsed) {
            fprintf(stderr, "wasmhost invoke: argument %d of \"%s\" ('%s') is not a valid %s: %s\n", i + 1, func_name,
                    args[i], wh_valkind_name(kind), why);
            return CLI_USAGE;
        }
    }

    wasm_module_imports(call->module, &call->imports);
    if (call->imports.size > 0) {
        report_imports(path, &call->imports);
        return CLI_FAILED;
    }

    if (!cli_limits_apply(limits, call->store)) {
        fprintf(stderr, "wasmhost: %s\n", cli_error_message());
        return CLI_FAILED;
    }
    wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
    wasm_trap_t *trap = NULL;
    call->instance = wasm_instance_new(call->store, call->module, &no_imports, &trap);
    if (!call->instance) {
        /* A trap from the start function, or a trap standing for an error (link, limit). */
        if (trap && wh_last_error_code() == WH_ERROR_TRAP) {
            fprintf(stderr, "wasmhost: %s: instantiation failed:\n", path);
            cli_print_trap(trap);
            cli_limits_report(limits, call->store, trap);
        } else {
            fprintf(stderr, "wasmhost: %s: %s\n", path, cli_error_message());
        }
        wasm_trap_delete(trap);
        return CLI_FAILED;
    }
    call->func = wh_instance_export(call->instance, func_name);
    wasm_func_t *func = wasm_extern_as_func(call->func);
    if (!func) {
        fprintf(stderr, "wasmhost: internal error: export \"%s\" disappeared\n", func_name);
        return CLI_FAILED;
    }
    trap = wh_func_call(func, call->args, call->arg_count, call->results, call->result_count);
    if (trap) {
        fflush(stdout);
        cli_print_trap(trap);
        cli_limits_report(limits, call->store, trap);
        wasm_trap_delete(trap);
        return CLI_FAILED;
    }
    for (size_t i = 0; i < call->result_count; i++) {
        char text[80];
        if (call->results[i].kind == WH_V128) {
            value_format_v128(call->results[i].of.v128, text, sizeof text);
        } else {
            wasm_val_t value = {.kind = call->results[i].kind};
            memcpy(&value.of, &call->results[i].of, sizeof value.of);
            wh_val_format(&value, text, sizeof text);
        }
        printf("%s\n", text);
    }
    fflush(stdout);
    cli_limits_report(limits, call->store, NULL);
    return CLI_OK;
}

static const cli_command_line invoke_command = {
    "invoke", invoke_usage, "\nRun `wasmhost invoke --help` for usage.\n",
    true, /* so that negative numbers among ARGS are not taken for options */
};

int cli_invoke(int argc, char **argv)
{
    cli_limits limits;
    memset(&limits, 0, sizeof limits);
    cli_option options[CLI_LIMIT_OPTION_COUNT];
    cli_limits_options(&limits, options);
    cli_arguments args;
    cli_arguments_start(&args, &invoke_command, argc, argv, options, CLI_LIMIT_OPTION_COUNT);
    const char *path = cli_next_operand(&args);
    const char *func_name = path ? cli_next_operand(&args) : NULL;
    if (args.exit_status >= 0)
        return args.exit_status;
    if (!path)
        return cli_usage_error(&args, "missing FILE and FUNC");
    if (!func_name)
        return cli_usage_error(&args, "missing FUNC (the name of an exported function)");

    invocation call;
    memset(&call, 0, sizeof call);
    int status = invoke(path, func_name, argc - args.next, argv + args.next, &limits, &call);
    invocation_delete(&call);
    fflush(stdout);
    return status;
}
