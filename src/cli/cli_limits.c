/* cli_limits.c: the engine options of `invoke`, `run` and `call` (limits, --tier, the compile cache, --compile-timeout): parsing, applying, reporting which limit stopped a program. */
#include "cli_limits.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The range wh_store_set_limits accepts for the stack (wasmhost.h): 1 KiB .. 4 GiB. */
#define MIN_STACK_BYTES (UINT64_C(1) << 10)
#define MAX_STACK_BYTES (UINT64_C(1) << 32)

/* A decimal integer without sign; false on anything else or overflow. Sets *end after it. */
static bool parse_integer(const char *text, uint64_t *out, const char **end)
{
    if (*text < '0' || *text > '9')
        return false;
    uint64_t value = 0;
    for (; *text >= '0' && *text <= '9'; text++) {
        unsigned digit = (unsigned)(*text - '0');
        if (value > (UINT64_MAX - digit) / 10)
            return false;
        value = value * 10 + digit;
    }
    *out = value;
    *end = text;
    return true;
}

static bool parse_bytes(const char *text, uint64_t *out)
{
    const char *end;
    uint64_t value;
    if (!parse_integer(text, &value, &end))
        return false;
    unsigned shift = 0;
    switch (*end) {
    case '\0': break;
    case 'k':
    case 'K':
        shift = 10;
        end++;
        break;
    case 'm':
    case 'M':
        shift = 20;
        end++;
        break;
    case 'g':
    case 'G':
        shift = 30;
        end++;
        break;
    default: return false;
    }
    if (shift && (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0 || strcmp(end, "i") == 0))
        end += strlen(end);
    if (*end != '\0' || (shift && value > UINT64_MAX >> shift))
        return false;
    *out = value << shift;
    return true;
}

/* "500ms", "2s", "1.5m": a decimal number and a unit. */
static bool parse_duration(const char *text, uint64_t *out_ns)
{
    const char *end;
    uint64_t whole, fraction = 0, fraction_scale = 1;
    if (!parse_integer(text, &whole, &end))
        return false;
    if (*end == '.') {
        end++;
        if (*end < '0' || *end > '9')
            return false;
        for (; *end >= '0' && *end <= '9'; end++) {
            if (fraction_scale < 1000000000u) {
                fraction = fraction * 10 + (uint64_t)(*end - '0');
                fraction_scale *= 10;
            }
        }
    }
    static const struct {
        const char *unit;
        uint64_t ns;
    } units[] = {
        {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}, {"m", 60000000000}, {"h", 3600000000000},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(end, units[i].unit) != 0)
            continue;
        if (whole > UINT64_MAX / units[i].ns)
            return false;
        *out_ns = whole * units[i].ns + (uint64_t)((double)fraction / (double)fraction_scale * (double)units[i].ns);
        return true;
    }
    return false;
}

/* ---- the options ---- */

static bool parse_max_memory(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    cli_limits *limits = target;
    if (!parse_bytes(value, &limits->max_memory))
        return cli_bad_value(why, why_size, name, value, "expected a number of bytes (e.g. 1048576, 64K, 16M, 1G)");
    limits->has_max_memory = true;
    return true;
}

static bool parse_max_table(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    cli_limits *limits = target;
    const char *end;
    if (!parse_integer(value, &limits->max_table, &end) || *end)
        return cli_bad_value(why, why_size, name, value, "expected a number of elements");
    limits->has_max_table = true;
    return true;
}

static bool parse_max_stack(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    cli_limits *limits = target;
    if (!parse_bytes(value, &limits->max_stack))
        return cli_bad_value(why, why_size, name, value, "expected a number of bytes (e.g. 65536, 512K, 8M)");
    if (limits->max_stack < MIN_STACK_BYTES || limits->max_stack > MAX_STACK_BYTES)
        return cli_bad_value(why, why_size, name, value, "the wasm stack must be between 1K and 4G");
    limits->has_max_stack = true;
    return true;
}

static bool parse_fuel(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    cli_limits *limits = target;
    const char *end;
    if (!parse_integer(value, &limits->fuel, &end) || *end)
        return cli_bad_value(why, why_size, name, value, "expected a number of fuel units");
    limits->has_fuel = true;
    return true;
}

static bool parse_timeout(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    cli_limits *limits = target;
    if (!parse_duration(value, &limits->timeout_ns))
        return cli_bad_value(why, why_size, name, value, "expected a duration with a unit (e.g. 500ms, 2s, 1.5m)");
    limits->timeout_text = value;
    limits->has_timeout = true;
    return true;
}

/* --tier NAME, the names as wh_tier_t lists them. */
static bool parse_tier(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    static const struct {
        const char *name;
        wh_tier_t tier;
    } tiers[] = {{"auto", WH_TIER_AUTO}, {"interp", WH_TIER_INTERP}, {"compiled", WH_TIER_COMPILED}};
    for (size_t i = 0; i < sizeof tiers / sizeof tiers[0]; i++) {
        if (strcmp(value, tiers[i].name) == 0) {
            *(wh_tier_t *)target = tiers[i].tier;
            return true;
        }
    }
    return cli_bad_value(why, why_size, name, value, "expected interp, compiled or auto");
}

#define TIER_HELP                                                                                       \
    "  --tier interp|compiled|auto run on the interpreter, or compile to native code with LLVM first\n" \
    "                              (compiled); auto (the default): compiled code from the cache\n"      \
    "                              when the module was compiled before, else the interpreter\n"

const cli_option cli_tier_option = {"--tier", .parse = parse_tier, .help = TIER_HELP};

static bool parse_limits_tier(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    return parse_tier(&((cli_limits *)target)->tier, name, value, why, why_size);
}

static bool parse_cache_dir(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    if (!*value)
        return cli_bad_value(why, why_size, name, value, "expected a folder");
    ((cli_limits *)target)->cache_dir = value;
    return true;
}

static bool parse_cache_max(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    cli_limits *limits = target;
    if (!parse_bytes(value, &limits->cache_max))
        return cli_bad_value(why, why_size, name, value, "expected a number of bytes (e.g. 64M, 1G)");
    limits->has_cache_max = true;
    return true;
}

/* --compile-timeout DURATION|off into a uint64_t of nanoseconds (0: off). */
static bool parse_compile_timeout(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    uint64_t ns = 0;
    if (strcmp(value, "off") != 0 && (!parse_duration(value, &ns) || ns == 0))
        return cli_bad_value(why, why_size, name, value,
                             "expected a duration with a unit (e.g. 500ms, 30s, 2m) or off");
    *(uint64_t *)target = ns;
    return true;
}

#define COMPILE_TIMEOUT_HELP                                                                              \
    "  --compile-timeout DURATION|off  stop compiling to native code after DURATION (default 60s): the\n" \
    "                              module is refused (compiled tier) or stays interpreted (serve)\n"

const cli_option cli_compile_timeout_option = {"--compile-timeout", .parse = parse_compile_timeout,
                                               .help = COMPILE_TIMEOUT_HELP};

static bool parse_limits_compile_timeout(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    cli_limits *limits = target;
    limits->has_compile_timeout = true;
    return parse_compile_timeout(&limits->compile_timeout_ns, name, value, why, why_size);
}

#define CACHE_DIR_HELP                                                                                  \
    "  --cache-dir DIR             keep compiled code in DIR (default $XDG_CACHE_HOME/wasmhost, else\n" \
    "                              ~/.cache/wasmhost): a module compiled once is loaded, not compiled\n"

static const cli_option limit_options[CLI_LIMIT_OPTION_COUNT] = {
    {"--tier", .parse = parse_limits_tier, .help = TIER_HELP},
    {"--cache-dir", .parse = parse_cache_dir, .help = CACHE_DIR_HELP},
    {"--cache-max", .parse = parse_cache_max,
     .help = "  --cache-max BYTES           bound on the cache (default 1G): least recently used entries go\n"},
    {"--no-cache", .help = "  --no-cache                  neither read nor write compiled code on disk\n"},
    {"--compile-timeout", .parse = parse_limits_compile_timeout, .help = COMPILE_TIMEOUT_HELP},
    {"--max-memory", .parse = parse_max_memory,
     .help = "  --max-memory BYTES          cap on all linear memories together (default 4G): memory.grow\n"
             "                              past it returns -1, and a module whose memories do not fit fails\n"
             "                              to instantiate. BYTES: a number, optionally with K, M or G (x1024)\n"},
    {"--max-table-elements", .parse = parse_max_table,
     .help = "  --max-table-elements N      cap on all table elements together (default 10000000)\n"},
    {"--max-stack", .parse = parse_max_stack,
     .help = "  --max-stack BYTES           wasm stack: value slots plus 24 bytes per call (default 8M);\n"
             "                              deeper recursion traps \"call stack exhausted\"\n"},
    {"--fuel", .parse = parse_fuel,
     .help = "  --fuel N                    trap \"fuel exhausted\" after N units of work: one unit per wasm\n"
             "                              instruction, charged per block of straight-line code\n"},
    {"--timeout", .parse = parse_timeout,
     .help = "  --timeout DURATION          trap \"deadline exceeded\" after DURATION of wall-clock time, e.g.\n"
             "                              500ms, 2s, 1.5m (units ns, us, ms, s, m, h)\n"},
};

void cli_limits_options(cli_limits *limits, cli_option out[CLI_LIMIT_OPTION_COUNT])
{
    for (size_t i = 0; i < CLI_LIMIT_OPTION_COUNT; i++) {
        out[i] = limit_options[i];
        out[i].target = limits;
        if (strcmp(out[i].name, "--no-cache") == 0)
            out[i].flag = &limits->no_cache;
    }
}

/* ---- engine, store and report ---- */

bool cli_cache_dir(const char *chosen, char *out, size_t size)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int length;
    if (chosen)
        length = snprintf(out, size, "%s", chosen);
    else if (xdg && *xdg == '/')
        length = snprintf(out, size, "%s/wasmhost", xdg);
    else if (home && *home)
        length = snprintf(out, size, "%s/.cache/wasmhost", home);
    else
        return false;
    if (length < 0 || (size_t)length >= size)
        return false;
    /* The parents of the default folder may not exist yet (~/.cache on a fresh account). */
    if (!chosen && !xdg && home) {
        char parent[4096];
        snprintf(parent, sizeof parent, "%s/.cache", home);
        mkdir(parent, 0700);
    }
    return true;
}

wasm_engine_t *cli_limits_engine(const cli_limits *limits)
{
    wasm_config_t *config = wasm_config_new();
    if (config) {
        wh_config_consume_fuel(config, limits->has_fuel);
        wh_config_interruptible(config, limits->has_timeout);
        wh_config_set_tier(config, limits->tier);
        char dir[4096];
        if (limits->tier != WH_TIER_INTERP && !limits->no_cache && cli_cache_dir(limits->cache_dir, dir, sizeof dir))
            wh_config_set_cache_dir(config, dir);
        if (limits->has_cache_max)
            wh_config_set_cache_max(config, limits->cache_max);
        if (limits->has_compile_timeout)
            wh_config_set_compile_timeout(config, limits->compile_timeout_ns);
    }
    wasm_engine_t *engine = config ? wasm_engine_new_with_config(config) : NULL;
    if (!engine)
        fprintf(stderr, "wasmhost: cannot create an engine: %s\n", cli_error_message());
    return engine;
}

static uint64_t monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

void cli_limits_start_clock(cli_limits *limits) { limits->deadline_set_ns = monotonic_ns(); }

bool cli_limits_apply(cli_limits *limits, wasm_store_t *store)
{
    wh_limits_t settings;
    wh_store_limits(store, &settings);
    if (limits->has_max_memory)
        settings.max_memory_bytes = limits->max_memory;
    if (limits->has_max_table)
        settings.max_table_elements = limits->max_table;
    if (limits->has_max_stack)
        settings.max_stack_bytes = limits->max_stack;
    if (!wh_store_set_limits(store, &settings))
        return false;
    if (limits->has_fuel && !wh_store_set_fuel(store, limits->fuel))
        return false;
    if (limits->has_timeout) {
        limits->deadline_set_ns = monotonic_ns();
        if (!wh_store_set_deadline(store, limits->timeout_ns))
            return false;
    }
    return true;
}

void cli_limits_report(const cli_limits *limits, const wasm_store_t *store, const wasm_trap_t *trap)
{
    uint64_t limit, requested, in_use;
    wh_limit_kind_t kind = wh_store_last_limit(store, &limit);
    bool refused_grow = wh_store_last_refused_grow(store, &requested, &in_use);
    if (kind == WH_LIMIT_KIND_MEMORY && refused_grow)
        fprintf(stderr,
                "wasmhost: limit: memory cap %llu bytes reached: memory.grow by %llu bytes refused (%llu bytes in "
                "use%s)\n",
                (unsigned long long)limit, (unsigned long long)requested, (unsigned long long)in_use,
                limits->has_max_memory ? ", --max-memory" : ", the default cap");
    if (kind == WH_LIMIT_KIND_TABLE && refused_grow)
        fprintf(stderr,
                "wasmhost: limit: table cap %llu elements reached: table.grow by %llu elements refused (%llu in "
                "use%s)\n",
                (unsigned long long)limit, (unsigned long long)requested, (unsigned long long)in_use,
                limits->has_max_table ? ", --max-table-elements" : ", the default cap");
    if (!trap)
        return;
    wh_limits_t settings;
    wh_store_limits(store, &settings);
    cli_limits_report_trap(limits, trap, settings.max_stack_bytes);
}

void cli_limits_report_trap(const cli_limits *limits, const wasm_trap_t *trap, uint64_t max_stack_bytes)
{
    switch (wh_trap_code(trap)) {
    case WH_TRAP_CODE_FUEL_EXHAUSTED:
        fprintf(stderr, "wasmhost: limit: fuel exhausted: all %llu units of --fuel used\n",
                (unsigned long long)limits->fuel);
        break;
    case WH_TRAP_CODE_DEADLINE_EXCEEDED: {
        uint64_t elapsed = monotonic_ns() - limits->deadline_set_ns;
        fprintf(stderr, "wasmhost: limit: deadline exceeded: --timeout %s (stopped after %llu.%03llu s)\n",
                limits->timeout_text ? limits->timeout_text : "?", (unsigned long long)(elapsed / 1000000000u),
                (unsigned long long)(elapsed / 1000000u % 1000u));
        break;
    }
    case WH_TRAP_CODE_CALL_STACK_EXHAUSTED:
        if (max_stack_bytes)
            fprintf(stderr, "wasmhost: limit: call stack exhausted: the wasm stack is %llu bytes (%s)\n",
                    (unsigned long long)max_stack_bytes, limits->has_max_stack ? "--max-stack" : "the default");
        else
            fputs("wasmhost: limit: call stack exhausted: the wasm stack is the default size (--max-stack sets "
                  "it)\n",
                  stderr);
        break;
    case WH_TRAP_CODE_INTERRUPTED: fputs("wasmhost: limit: interrupted\n", stderr); break;
    default: break;
    }
}
