/* cli_limits.h: the sandbox-limit options that `invoke` and `run` share (--max-memory, --fuel, --timeout, ...). */
#ifndef WH_CLI_LIMITS_H
#define WH_CLI_LIMITS_H

#include "cli.h"

typedef struct cli_limits {
    bool has_max_memory, has_max_table, has_fuel, has_timeout, has_max_stack;
    uint64_t max_memory;     /* bytes */
    uint64_t max_table;      /* elements */
    uint64_t fuel;           /* units */
    uint64_t timeout_ns;
    const char *timeout_text; /* as given, for messages */
    uint64_t max_stack;      /* bytes */
    uint64_t deadline_set_ns; /* CLOCK_MONOTONIC when the deadline was set */
} cli_limits;

/* The options' help lines, for the commands' usage texts. */
extern const char cli_limits_help[];

/* "--name VALUE" or "--name=VALUE": the value, or NULL when argv[*i] is not this option. Moves
 * *i past a separate value; sets *missing when the value is absent. */
const char *cli_option_value(int argc, char **argv, int *i, const char *name, bool *missing);

/* If argv[*i] is a limit option ("--fuel N" or "--fuel=N", ...), parses it (moving *i past a
 * separate value) and returns 1; returns 0 when it is not one; on a bad or missing value prints
 * "wasmhost COMMAND: ..." and returns -1. */
int cli_limits_parse(cli_limits *limits, int argc, char **argv, int *i, const char *command);

/* An engine whose code has the checks the limits need (fuel, deadline), and only those, so that
 * without limits code runs at full speed. NULL (message printed) when it cannot be made. */
wasm_engine_t *cli_limits_engine(const cli_limits *limits);

/* Applies the limits to a new store and starts the deadline clock; false when the store refuses
 * them (see cli_error_message). */
bool cli_limits_apply(cli_limits *limits, wasm_store_t *store);

/* Prints which limit stopped the program, with the numbers ("wasmhost: limit: ...") when the
 * trap (may be NULL) or the store's last limit event calls for it. */
void cli_limits_report(const cli_limits *limits, const wasm_store_t *store, const wasm_trap_t *trap);

#endif
