/* cli_call.c: `wasmhost call [OPTIONS] FILE EXPORT`: one call of a plugin's export, bytes in from stdin or a file, bytes out. */
#include "cli.h"
#include "cli_limits.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char call_usage[] =
    "usage: wasmhost call [OPTIONS] FILE EXPORT\n"
    "\n"
    "Loads the plugin FILE (a WebAssembly module) and calls its export EXPORT once, in a fresh\n"
    "instance, with the input bytes; writes the bytes it answers to stdout as they are. A plugin\n"
    "follows the bytes-in, bytes-out convention (docs/embedding.md, \"Plugins\"; sdk/c/wasmhost_plugin.h\n"
    "for C): it exports \"memory\", \"wasmhost_alloc\" and functions (i32 ptr, i32 len) -> (i64). It sees\n"
    "nothing of the host but the variables given with --env. What it logs goes to stderr, one line\n"
    "\"log: TEXT\" each.\n"
    "\n"
    "Options (before FILE):\n"
    "%s" /* the command's options */
    "  -h, --help                  show this help\n"
    "  --                          end of options\n"
    "\n"
    "Limits (before FILE), for the call:\n"
    "%s" /* the limit options */
    "\n"
    "Exit status: 0 success; 1 the module is not a plugin (or not valid), or the call trapped, including\n"
    "an error the plugin reported and a trap from a limit (\"trap: ...\" and a backtrace go to stderr,\n"
    "then a line \"wasmhost: limit: ...\" naming the limit); 2 usage error (options, an EXPORT the\n"
    "plugin does not have, an input that cannot be read).\n";

typedef struct call_options {
    const char *input; /* NULL: stdin unless it is a terminal */
    cli_list env;      /* NAME=VALUE */
    cli_limits limits;
    char cache_dir[4096]; /* the folder of compiled code, for the plugin's configuration */
} call_options;

static const cli_command_line call_command = {
    "call", call_usage, "\nRun `wasmhost call --help` for usage.\n",
    true, /* options before FILE only, as every command that runs a module */
};

/* The input bytes: --input FILE, --input - or no --input (stdin, empty when it is a terminal). */
static bool read_input(const char *input, uint8_t **bytes, size_t *size)
{
    char why[512];
    bool from_stdin = !input || strcmp(input, "-") == 0;
    if (from_stdin && !input && isatty(STDIN_FILENO)) {
        *bytes = NULL;
        *size = 0;
        return true;
    }
    bool read = from_stdin ? cli_read_stream(stdin, "standard input", bytes, size, why, sizeof why)
                           : cli_read_file(input, bytes, size, why, sizeof why);
    if (!read)
        fprintf(stderr, "wasmhost call: --input %s\n", why);
    return read;
}

/* The plugin's log lines, to stderr. */
static void log_line(void *user, const char *text, size_t length)
{
    (void)user;
    fprintf(stderr, "log: %.*s\n", (int)(length > INT32_MAX ? INT32_MAX : length), text);
}

static void report_exports(const char *path, const char *name, const wh_plugin_t *plugin)
{
    fprintf(stderr, "wasmhost call: %s has no export \"%s\" of the plugin shape (i32 ptr, i32 len) -> (i64)\n", path,
            name);
    fputs("plugin exports: ", stderr);
    for (size_t i = 0; i < wh_plugin_export_count(plugin); i++)
        fprintf(stderr, "%s\"%s\"", i ? ", " : "", wh_plugin_export_name(plugin, i));
    fputc('\n', stderr);
}

/* The configuration the options give; the environment's arrays are the caller's to free. */
static bool configure(call_options *options, wh_plugin_config_t *config)
{
    const cli_limits *limits = &options->limits;
    memset(config, 0, sizeof *config);
    config->tier = limits->tier;
    if (limits->tier != WH_TIER_INTERP && !limits->no_cache &&
        cli_cache_dir(limits->cache_dir, options->cache_dir, sizeof options->cache_dir))
        config->cache_dir = options->cache_dir;
    config->max_memory_bytes = limits->has_max_memory ? limits->max_memory : 0;
    config->max_table_elements = limits->has_max_table ? limits->max_table : 0;
    config->max_stack_bytes = limits->has_max_stack ? limits->max_stack : 0;
    config->fuel = limits->has_fuel ? limits->fuel : 0;
    config->timeout_ns = limits->has_timeout ? limits->timeout_ns : 0;
    config->log = log_line;
    size_t count = options->env.count;
    char **names = calloc(count + 1, sizeof *names);
    const char **values = calloc(count + 1, sizeof *values);
    config->env_names = (const char *const *)names;
    config->env_values = values;
    if (!names || !values)
        return false;
    for (size_t i = 0; i < count; i++) {
        const char *assignment = options->env.values[i], *equals = strchr(assignment, '=');
        if (!(names[i] = strndup(assignment, (size_t)(equals - assignment))))
            return false;
        values[i] = equals + 1;
        config->env_count++;
    }
    return true;
}

static void free_configuration(wh_plugin_config_t *config)
{
    for (size_t i = 0; i < config->env_count; i++)
        free((char *)config->env_names[i]);
    free((char **)config->env_names);
    free((const char **)config->env_values);
}

/* Everything after the command line. */
static int call(const char *path, const char *name, call_options *options, wh_plugin_config_t *config)
{
    uint8_t *input = NULL;
    size_t input_size = 0;
    if (!read_input(options->input, &input, &input_size))
        return CLI_USAGE;
    int status = CLI_OK;
    wh_plugin_t *plugin = NULL;
    if (!configure(options, config)) {
        fputs("wasmhost: out of memory\n", stderr);
        status = CLI_FAILED;
    } else if (!(plugin = wh_plugin_load(path, config))) {
        /* The message starts with the path: "FILE: the module is not a plugin: ..." */
        fprintf(stderr, "wasmhost: %s\n", cli_error_message());
        status = CLI_FAILED;
    } else if (!wh_plugin_has_export(plugin, name)) {
        report_exports(path, name, plugin);
        status = CLI_USAGE;
    }
    if (status != CLI_OK) {
        wh_plugin_delete(plugin);
        free(input);
        return status;
    }

    wasm_byte_vec_t input_vec = {input_size, (wasm_byte_t *)input}, output;
    cli_limits_start_clock(&options->limits);
    wasm_trap_t *trap = wh_plugin_call(plugin, name, &input_vec, &output);
    if (trap) {
        fflush(stdout);
        cli_print_trap(trap);
        cli_limits_report_trap(&options->limits, trap, options->limits.has_max_stack ? options->limits.max_stack : 0);
        wasm_trap_delete(trap);
        status = CLI_FAILED;
    } else {
        if ((output.size && fwrite(output.data, 1, output.size, stdout) != output.size) || fflush(stdout) != 0) {
            fprintf(stderr, "wasmhost call: cannot write the output: %s\n", strerror(errno));
            status = CLI_FAILED;
        }
        wasm_byte_vec_delete(&output);
    }
    wh_plugin_delete(plugin);
    free(input);
    return status;
}

int cli_call(int argc, char **argv)
{
    call_options options;
    memset(&options, 0, sizeof options);
    const cli_option call_option_table[] = {
        {"--input", .text = &options.input,
         .help = "  --input FILE                the input bytes: the file FILE, or stdin for - (default: stdin,\n"
                 "                              or nothing when stdin is a terminal)\n"},
        {"--env", .parse = cli_list_append_assignment, .target = &options.env,
         .help = "  --env NAME=VALUE            set an environment variable for the plugin (repeatable)\n"},
    };
    cli_option limit_table[CLI_LIMIT_OPTION_COUNT];
    cli_limits_options(&options.limits, limit_table);
    cli_arguments args;
    cli_arguments_start(&args, &call_command, argc, argv, call_option_table,
                        sizeof call_option_table / sizeof call_option_table[0]);
    cli_arguments_add(&args, limit_table, CLI_LIMIT_OPTION_COUNT);
    const char *path = cli_next_operand(&args);
    const char *name = path ? cli_next_operand(&args) : NULL;
    const char *extra = name ? cli_next_operand(&args) : NULL;
    int status = args.exit_status;
    if (status < 0 && !path)
        status = cli_usage_error(&args, "missing FILE and EXPORT");
    else if (status < 0 && !name)
        status = cli_usage_error(&args, "missing EXPORT (the name of the plugin function to call)");
    else if (status < 0 && extra)
        status = cli_usage_error(&args, "unexpected argument '%s' after EXPORT (the input comes from stdin or --input)",
                                 extra);
    if (status < 0) {
        wh_plugin_config_t config = {0};
        status = call(path, name, &options, &config);
        free_configuration(&config);
    }
    cli_list_free(&options.env);
    return status;
}
