/* cli_options.c: the one option parser of the commands: options from tables, operands, "--", --help, usage errors; WASI capability options. */
#include "cli_options.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_COUNT (sizeof((cli_arguments *)NULL)->tables / sizeof((cli_arguments *)NULL)->tables[0])

void cli_arguments_start(cli_arguments *args, const cli_command_line *command, int argc, char **argv,
                         const cli_option *options, size_t count)
{
    memset(args, 0, sizeof *args);
    args->command = command;
    args->argc = argc;
    args->argv = argv;
    args->next = 1;
    args->exit_status = -1;
    args->tables[0] = (cli_option_table){options, count};
    args->table_count = 1;
}

void cli_arguments_add(cli_arguments *args, const cli_option *options, size_t count)
{
    if (args->table_count < TABLE_COUNT)
        args->tables[args->table_count++] = (cli_option_table){options, count};
}

bool cli_bad_value(char *why, size_t why_size, const char *name, const char *value, const char *expected)
{
    snprintf(why, why_size, "%s '%s': %s", name, value, expected);
    return false;
}

bool cli_assignment_valid(const char *name, const char *value, char *why, size_t why_size)
{
    const char *equals = strchr(value, '=');
    return (equals && equals != value) || cli_bad_value(why, why_size, name, value, "expected NAME=VALUE");
}

bool cli_list_append_assignment(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    return cli_assignment_valid(name, value, why, why_size) && cli_list_append(target, name, value, why, why_size);
}

bool cli_list_append(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    cli_list *list = target;
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 8;
        const char **grown = realloc(list->values, capacity * sizeof *grown);
        if (!grown) {
            snprintf(why, why_size, "%s: out of memory", name);
            return false;
        }
        list->values = grown;
        list->capacity = capacity;
    }
    list->values[list->count++] = value;
    return true;
}

void cli_list_free(cli_list *list)
{
    free(list->values);
    *list = (cli_list){0};
}

/* The usage text with each %s replaced by the help lines of the next table. */
static void print_usage(FILE *out, const cli_arguments *args)
{
    size_t table = 0;
    for (const char *p = args->command->usage; *p; p++) {
        if (p[0] != '%' || p[1] != 's') {
            fputc(*p, out);
            continue;
        }
        for (size_t i = 0; table < args->table_count && i < args->tables[table].count; i++)
            if (args->tables[table].options[i].help)
                fputs(args->tables[table].options[i].help, out);
        table++;
        p++;
    }
}

int cli_usage_error(cli_arguments *args, const char *format, ...)
{
    fprintf(stderr, "wasmhost %s: ", args->command->name);
    va_list list;
    va_start(list, format);
    vfprintf(stderr, format, list);
    va_end(list);
    fputc('\n', stderr);
    if (args->command->error_hint) {
        fputs(args->command->error_hint, stderr);
    } else {
        fputc('\n', stderr);
        print_usage(stderr, args);
    }
    args->exit_status = CLI_USAGE;
    return CLI_USAGE;
}

/* The option `arg` names ("--name" or "--name=VALUE"; a flag only without a value). */
static const cli_option *find_option(const cli_arguments *args, const char *arg)
{
    const char *equals = strchr(arg, '=');
    size_t length = equals ? (size_t)(equals - arg) : strlen(arg);
    for (size_t t = 0; t < args->table_count; t++) {
        for (size_t i = 0; i < args->tables[t].count; i++) {
            const cli_option *option = &args->tables[t].options[i];
            if (strlen(option->name) == length && strncmp(option->name, arg, length) == 0 && !(option->flag && equals))
                return option;
        }
    }
    return NULL;
}

/* Reads option `arg` (argv[next - 1]) and its value; a usage error when either is wrong. */
static void read_option(cli_arguments *args, const char *arg)
{
    const cli_option *option = find_option(args, arg);
    if (!option) {
        cli_usage_error(args, "unknown option '%s'", arg);
        return;
    }
    if (option->flag) {
        *option->flag = true;
        return;
    }
    const char *equals = strchr(arg, '=');
    const char *value = equals ? equals + 1 : NULL;
    if (!value && args->next >= args->argc) {
        cli_usage_error(args, "option '%s' needs a value", option->name);
        return;
    }
    if (!value)
        value = args->argv[args->next++];
    if (option->text) {
        *option->text = value;
        return;
    }
    char why[512] = "";
    if (!option->parse(option->target, option->name, value, why, sizeof why))
        cli_usage_error(args, "%s", why);
}

const char *cli_next_operand(cli_arguments *args)
{
    while (args->exit_status < 0 && args->next < args->argc) {
        const char *arg = args->argv[args->next++];
        if (args->options_done || arg[0] != '-' || arg[1] == '\0') {
            if (args->command->options_first)
                args->options_done = true;
            return arg;
        }
        if (strcmp(arg, "--") == 0) {
            args->options_done = true;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_usage(stdout, args);
            args->exit_status = CLI_OK;
        } else {
            read_option(args, arg);
        }
    }
    return NULL;
}

const char *cli_only_operand(cli_arguments *args, const char *what)
{
    const char *operand = NULL, *arg;
    while ((arg = cli_next_operand(args)) != NULL) {
        if (operand) {
            cli_usage_error(args, "expected one %s, got '%s' and '%s'", what, operand, arg);
            return NULL;
        }
        operand = arg;
    }
    if (args->exit_status < 0 && !operand)
        cli_usage_error(args, "missing %s", what);
    return args->exit_status < 0 ? operand : NULL;
}

/* ---- WASI capabilities (run, snapshot) ---- */

static bool add_dir(cli_capabilities *capabilities, const char *spec, bool read_only, char *why, size_t why_size)
{
    cli_wasi_dir dir = {spec, spec, read_only};
    const char *separator = strstr(spec, "::");
    if (separator) {
        size_t host_length = (size_t)(separator - spec);
        if (host_length == 0 || separator[2] == '\0') {
            snprintf(why, why_size, "'%s': expected HOST_DIR::GUEST_PATH with both parts non-empty", spec);
            return false;
        }
        dir.guest_path = separator + 2;
    } else if (spec[0] == '\0') {
        snprintf(why, why_size, "--dir needs a directory");
        return false;
    }
    if (capabilities->dir_count == capabilities->dir_capacity) {
        size_t capacity = capabilities->dir_capacity ? capabilities->dir_capacity * 2 : 4;
        cli_wasi_dir *grown = realloc(capabilities->dirs, capacity * sizeof *grown);
        if (!grown) {
            snprintf(why, why_size, "out of memory");
            return false;
        }
        capabilities->dirs = grown;
        capabilities->dir_capacity = capacity;
    }
    if (separator && !(dir.host_path = strndup(spec, (size_t)(separator - spec)))) {
        snprintf(why, why_size, "out of memory");
        return false;
    }
    capabilities->dirs[capabilities->dir_count++] = dir;
    return true;
}

static bool parse_dir(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    (void)name;
    return add_dir(target, value, false, why, why_size);
}

static bool parse_dir_ro(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    (void)name;
    return add_dir(target, value, true, why, why_size);
}

static bool parse_env(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    return cli_list_append_assignment(&((cli_capabilities *)target)->env_assignments, name, value, why, why_size);
}

static bool parse_env_inherit(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    if (value[0] == '\0' || strchr(value, '='))
        return cli_bad_value(why, why_size, name, value, "expected a variable NAME");
    return cli_list_append(&((cli_capabilities *)target)->env_inherits, name, value, why, why_size);
}

void cli_capability_options(cli_capabilities *capabilities, cli_option out[CLI_CAPABILITY_OPTION_COUNT])
{
    const cli_option options[CLI_CAPABILITY_OPTION_COUNT] = {
        {"--dir", .parse = parse_dir, .target = capabilities,
         .help = "  --dir HOST_DIR[::GUEST_PATH]     give the program the directory HOST_DIR, read-write, under the\n"
                 "                                   name GUEST_PATH (default: HOST_DIR as written)\n"},
        {"--dir-ro", .parse = parse_dir_ro, .target = capabilities,
         .help = "  --dir-ro HOST_DIR[::GUEST_PATH]  the same, read-only: every write, create, truncate, delete,\n"
                 "                                   rename, link, symlink or time change fails (ENOTCAPABLE)\n"},
        {"--env", .parse = parse_env, .target = capabilities,
         .help = "  --env NAME=VALUE                 set an environment variable for the program\n"},
        {"--env-inherit", .parse = parse_env_inherit, .target = capabilities,
         .help = "  --env-inherit NAME               pass the host's variable NAME (nothing when it is unset)\n"},
    };
    memcpy(out, options, sizeof options);
}

bool cli_capabilities_apply(const cli_capabilities *capabilities, wh_wasi_t *wasi)
{
    bool ok = true;
    for (size_t i = 0; ok && i < capabilities->env_assignments.count; i++) {
        const char *assignment = capabilities->env_assignments.values[i];
        const char *equals = strchr(assignment, '=');
        char *name = strndup(assignment, (size_t)(equals - assignment));
        ok = name && wh_wasi_add_env(wasi, name, equals + 1);
        free(name);
    }
    for (size_t i = 0; ok && i < capabilities->env_inherits.count; i++) {
        const char *value = getenv(capabilities->env_inherits.values[i]);
        if (value)
            ok = wh_wasi_add_env(wasi, capabilities->env_inherits.values[i], value);
    }
    for (size_t i = 0; ok && i < capabilities->dir_count; i++) {
        const cli_wasi_dir *dir = &capabilities->dirs[i];
        ok = wh_wasi_preopen_dir(wasi, dir->host_path, dir->guest_path, dir->read_only);
    }
    return ok;
}

void cli_capabilities_free(cli_capabilities *capabilities)
{
    for (size_t i = 0; i < capabilities->dir_count; i++)
        if (capabilities->dirs[i].host_path != capabilities->dirs[i].guest_path)
            free((char *)capabilities->dirs[i].host_path);
    free(capabilities->dirs);
    cli_list_free(&capabilities->env_assignments);
    cli_list_free(&capabilities->env_inherits);
    *capabilities = (cli_capabilities){0};
}
