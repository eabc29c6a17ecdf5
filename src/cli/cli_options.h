/* cli_options.h: the commands' one option parser: option tables, operands, "--", --help and usage errors (exit 2); the WASI capability options run and snapshot share. */
#ifndef WH_CLI_OPTIONS_H
#define WH_CLI_OPTIONS_H

#include "cli.h"

/* Parses the value of option `name` into `target`; false with the reason in `why`, which is
 * printed as a usage error ("wasmhost COMMAND: WHY"). */
typedef bool (*cli_option_parse)(void *target, const char *name, const char *value, char *why, size_t why_size);

/* For parse functions: writes "NAME 'VALUE': EXPECTED" to `why` ("--fuel 'x': expected a number
 * of fuel units") and returns false. */
bool cli_bad_value(char *why, size_t why_size, const char *name, const char *value, const char *expected);

/* The values of a repeatable option ("--route /a --route /b"), in the order given: give the option
 * cli_list_append as its parse function (or one that checks the value, then calls it) and the list
 * as its target. The values are argv's own strings; the array is the caller's (cli_list_free). */
typedef struct cli_list {
    const char **values;
    size_t count, capacity;
} cli_list;
bool cli_list_append(void *target, const char *name, const char *value, char *why, size_t why_size);
/* The check of a NAME=VALUE option (--env): false with "NAME 'VALUE': expected NAME=VALUE" in `why`
 * when there is no '=' or nothing before it. */
bool cli_assignment_valid(const char *name, const char *value, char *why, size_t why_size);
/* A parse function: cli_assignment_valid, then cli_list_append into the cli_list `target`. */
bool cli_list_append_assignment(void *target, const char *name, const char *value, char *why, size_t why_size);
void cli_list_free(cli_list *list);

/* One option. A flag when `flag` is set (given: *flag = true); otherwise it takes a value,
 * "--name VALUE" or "--name=VALUE", which is kept as written in *text or handed to `parse`. */
typedef struct cli_option {
    const char *name; /* "--fuel" */
    bool *flag;
    const char **text;
    cli_option_parse parse;
    void *target;     /* for parse */
    const char *help; /* its lines in the command's --help, as printed */
} cli_option;

typedef struct cli_option_table {
    const cli_option *options;
    size_t count;
} cli_option_table;

/* What the parser needs to know of a command besides its options. */
typedef struct cli_command_line {
    const char *name; /* "run": messages start "wasmhost run: " */
    /* The --help text; each %s in it (and no other %) stands for the help lines of the next table. */
    const char *usage;
    /* What follows a usage error's message: NULL for a blank line and the --help text. */
    const char *error_hint;
    /* Options only before the first operand, so that every argument after it is an operand
     * (a program's arguments, negative numbers); otherwise options may come anywhere. */
    bool options_first;
} cli_command_line;

/* The command line being read. "--" ends the options; "-" is an operand. */
typedef struct cli_arguments {
    const cli_command_line *command;
    cli_option_table tables[2]; /* the command's own options, then shared ones (limits) */
    size_t table_count;
    int argc;
    char **argv;
    int next;          /* argv index of the next argument to read */
    bool options_done; /* after "--", or (options_first) after the first operand */
    /* -1 while all is well; otherwise the exit status the command returns: CLI_OK after --help
     * (printed), CLI_USAGE after a usage error (printed). */
    int exit_status;
} cli_arguments;

/* Starts reading argv[1..argc-1], with `count` options (more with cli_arguments_add). */
void cli_arguments_start(cli_arguments *args, const cli_command_line *command, int argc, char **argv,
                         const cli_option *options, size_t count);
/* Adds a second table of options (its help lines stand for the usage text's second %s). */
void cli_arguments_add(cli_arguments *args, const cli_option *options, size_t count);
/* Reads the options up to the next operand and returns it; NULL when no argument is left, or
 * after --help or a usage error (see exit_status). */
const char *cli_next_operand(cli_arguments *args);
/* Reads every argument for a command of one operand, `what` ("FILE"), and returns it; NULL after
 * --help or a usage error ("missing FILE", "expected one FILE, got 'a' and 'b'"): see exit_status. */
const char *cli_only_operand(cli_arguments *args, const char *what);
/* Prints "wasmhost COMMAND: MESSAGE" and the command's error hint to stderr; returns CLI_USAGE
 * (also left in args->exit_status). */
int cli_usage_error(cli_arguments *args, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* The capabilities a command gives a WASI guest (run, snapshot): the options --dir, --dir-ro,
 * --env and --env-inherit, in this order. Deny by default: nothing but what they name. */
typedef struct cli_wasi_dir {
    const char *host_path; /* owned when it differs from guest_path (HOST_DIR::GUEST_PATH) */
    const char *guest_path;
    bool read_only;
} cli_wasi_dir;
typedef struct cli_capabilities {
    cli_wasi_dir *dirs;
    size_t dir_count, dir_capacity;
    cli_list env_assignments; /* "NAME=VALUE" */
    cli_list env_inherits;    /* "NAME" */
} cli_capabilities;
#define CLI_CAPABILITY_OPTION_COUNT 4
/* Fills `out` with the options, which write into `capabilities` (zeroed by the caller). */
void cli_capability_options(cli_capabilities *capabilities, cli_option out[CLI_CAPABILITY_OPTION_COUNT]);
/* Gives `wasi` the variables and directories; false (the reason in cli_error_message) when one
 * is refused (a directory that cannot be opened). */
bool cli_capabilities_apply(const cli_capabilities *capabilities, wh_wasi_t *wasi);
void cli_capabilities_free(cli_capabilities *capabilities);

#endif
