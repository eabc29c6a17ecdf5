/* cli_options.c: the one option parser of the commands: options from tables, operands, "--", --help, usage errors. */
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
