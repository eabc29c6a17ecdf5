/* cli_limits.h: the engine options that `invoke`, `run` and `call` share: sandbox limits (--max-memory, --fuel, ...), --tier and the compile cache. */
#ifndef WH_CLI_LIMITS_H
#define WH_CLI_LIMITS_H

#include "cli_options.h"

typedef struct cli_limits {
    bool has_max_memory, has_max_table, has_fuel, has_timeout, has_max_stack;
    uint64_t max_memory; /* bytes */
    uint64_t max_table;  /* elements */
    uint64_t fuel;       /* units */
    uint64_t timeout_ns;
    const char *timeout_text; /* as given, for messages */
    uint64_t max_stack;       /* bytes */
    uint64_t deadline_set_ns; /* CLOCK_MONOTONIC when the deadline was set */
    wh_tier_t tier;           /* --tier */
    const char *cache_dir;    /* --cache-dir (NULL: the default folder) */
    bool no_cache;            /* --no-cache */
    bool has_cache_max;
    uint64_t cache_max; /* --cache-max */
    bool has_compile_timeout;
    uint64_t compile_timeout_ns; /* --compile-timeout (0: off) */
} cli_limits;

/* The limit options ("--fuel N" or "--fuel=N", ...) with their help lines, parsing into
 * `limits`, for a command's option table (cli_options.h). */
enum { CLI_LIMIT_OPTION_COUNT = 10 };
void cli_limits_options(cli_limits *limits, cli_option out[CLI_LIMIT_OPTION_COUNT]);
/* The cache folder: `chosen` (--cache-dir), else $XDG_CACHE_HOME/wasmhost, else
 * ~/.cache/wasmhost; false when there is none. */
bool cli_cache_dir(const char *chosen, char *out, size_t size);
/* The --tier option alone (for `wast`), parsing into a wh_tier_t. */
extern const cli_option cli_tier_option;
/* The --compile-timeout option alone (wast, serve, compile), parsing into a uint64_t of
 * nanoseconds (0: off), for wh_config_set_compile_timeout. */
extern const cli_option cli_compile_timeout_option;

/* An engine whose code has the checks the limits need (fuel, deadline), and only those, so that
 * without limits code runs at full speed. NULL (message printed) when it cannot be made. */
wasm_engine_t *cli_limits_engine(const cli_limits *limits);

/* Applies the limits to a new store and starts the deadline clock; false when the store refuses
 * them (see cli_error_message). */
bool cli_limits_apply(cli_limits *limits, wasm_store_t *store);

/* Prints which limit stopped the program, with the numbers ("wasmhost: limit: ...") when the
 * trap (may be NULL) or the store's last limit event calls for it. */
void cli_limits_report(const cli_limits *limits, const wasm_store_t *store, const wasm_trap_t *trap);
/* Its part about the trap alone (fuel, deadline, stack, interruption), for a command that does not
 * see the store (`call`: wh_plugin_call makes its own); `max_stack_bytes` is the stack in force,
 * 0 for the default. The deadline's clock starts with cli_limits_start_clock then. */
void cli_limits_report_trap(const cli_limits *limits, const wasm_trap_t *trap, uint64_t max_stack_bytes);
/* Starts the clock a deadline report measures from (cli_limits_apply does it for a store). */
void cli_limits_start_clock(cli_limits *limits);

#endif
