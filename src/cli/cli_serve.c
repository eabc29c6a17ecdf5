/* cli_serve.c: `wasmhost serve`: runs the HTTP host until SIGTERM; SIGHUP or a changed file reloads the manifest; --check. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_limits.h"
#include "cli_options.h"
#include "host.h"
#include "manifest.h"
#include "systemd_notify.h"

/* Only the public API and src/host/ are used here, as everywhere in src/cli: no engine internals. */

static const char serve_usage[] =
    "usage: wasmhost serve [OPTIONS] MANIFEST\n"
    "       wasmhost serve --state DIR [--admin HOST:PORT] [--admin-token-file FILE] [OPTIONS] [MANIFEST]\n"
    "\n"
    "Serves the WebAssembly services listed in MANIFEST (YAML, see docs/manifest.md) over HTTP/1.1.\n"
    "Every request runs in a fresh instance. Built in: GET /healthz, /readyz, /metrics (Prometheus).\n"
    "With --state, an admin API on its own listener deploys, rolls back and removes services while\n"
    "serving (docs/admin-api.md; `wasmhost deploy`), kept in DIR across restarts.\n"
    "SIGHUP reloads the manifest without dropping requests (so does a change of the file, with\n"
    "--watch-manifest); SIGTERM or SIGINT stops accepting, lets the requests in flight finish (up to\n"
    "--grace) and exits 0. Under systemd (Type=notify) it tells readiness, reloads and stopping.\n"
    "\n"
    "Options:\n"
    "%s" /* serve_options() */
    "  -h, --help               show this help\n"
    "\n"
    "Environment: WASM_TIMEOUT (request timeout for services that set none: 30s by default),\n"
    "WASM_CACHE_SIZE (compiled modules kept in memory across reloads: 64 by default).\n"
    "Exit status: 0 after SIGTERM (or when --check finds nothing wrong), 1 when the manifest or a module\n"
    "is wrong or the address is taken, 2 usage error.\n";

/* Option values: false (a usage error) when out of range. */

static bool bad_value(const char *name, const char *value, char *why, size_t why_size)
{
    snprintf(why, why_size, "%s: bad value '%s'", name, value);
    return false;
}

static bool parse_milliseconds(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    uint64_t ns;
    if (!manifest_parse_duration(value, &ns) || ns / 1000000 > UINT32_MAX)
        return bad_value(name, value, why, why_size);
    *(uint32_t *)target = (uint32_t)(ns / 1000000);
    return true;
}

/* A thread, header or instance count, 1 to 100,000. */
static bool parse_count(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    uint64_t count;
    if (!manifest_parse_count(value, &count) || count == 0 || count > 100000)
        return bad_value(name, value, why, why_size);
    *(unsigned *)target = (unsigned)count;
    return true;
}

static bool parse_size(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    return manifest_parse_size(value, target) || bad_value(name, value, why, why_size);
}

static bool parse_nonzero_size(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    uint64_t bytes;
    if (!manifest_parse_size(value, &bytes) || bytes == 0)
        return bad_value(name, value, why, why_size);
    *(uint64_t *)target = bytes;
    return true;
}

/* --max-memory-per-instance: more than zero and at most 4GiB, as a service's max_memory. */
static bool parse_memory_cap(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    uint64_t bytes;
    if (!manifest_parse_size(value, &bytes) || bytes == 0 || bytes > ((uint64_t)4 << 30))
        return cli_bad_value(why, why_size, name, value, "expected a size from 1 byte to 4GiB");
    *(uint64_t *)target = bytes;
    return true;
}

/* --watch-manifest: "off" or how often to look at the file, 100ms to 1h. */
static bool parse_watch(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    uint64_t ns;
    if (strcmp(value, "off") == 0) {
        *(uint32_t *)target = 0;
        return true;
    }
    if (!manifest_parse_duration(value, &ns) || ns < 100000000ull || ns > 3600000000000ull)
        return cli_bad_value(why, why_size, name, value, "expected off or a duration from 100ms to 1h");
    *(uint32_t *)target = (uint32_t)(ns / 1000000);
    return true;
}

/* What the command line sets besides host_options. */
typedef struct serve_settings {
    bool check;
    uint32_t watch_ms; /* --watch-manifest; 0: off */
    const char *cache_dir;
    bool no_cache;
} serve_settings;

enum { SERVE_OPTION_COUNT = 24 };

/* The options, each parsing into its field of `options`. */
static void serve_options(host_options *options, serve_settings *settings, cli_option out[SERVE_OPTION_COUNT])
{
    server_limits *limits = &options->limits;
    const cli_option table[SERVE_OPTION_COUNT] = {
        {"--check", .flag = &settings->check,
         .help = "  --check                  read MANIFEST and compile its services, plugins and pipelines, then\n"
                 "                           exit: 0 and a summary when all is well, 1 and the first mistake\n"
                 "                           (FILE:LINE:COLUMN) otherwise; listens on nothing, opens no --state\n"},
        {"--watch-manifest", .parse = parse_watch, .target = &settings->watch_ms,
         .help = "  --watch-manifest DURATION|off  look at MANIFEST this often and reload it when the file\n"
                 "                           changed, as on SIGHUP (a Kubernetes ConfigMap swaps a symlink);\n"
                 "                           default off\n"},
        {"--tier", .parse = cli_tier_option.parse, .target = &options->tier,
         .help = "  --tier interp|compiled|auto  auto (default): start on the interpreter and compile each\n"
                 "                           module to native code in the background (requests that start\n"
                 "                           after it finished run it); compiled: before serving; interp: never\n"},
        {"--cache-dir", .text = &settings->cache_dir,
         .help = "  --cache-dir DIR          keep compiled code in DIR (default $XDG_CACHE_HOME/wasmhost, else\n"
                 "                           ~/.cache/wasmhost): a restart loads it instead of compiling\n"},
        {"--no-cache", .flag = &settings->no_cache,
         .help = "  --no-cache               neither read nor write compiled code on disk\n"},
        {"--compile-timeout", .parse = cli_compile_timeout_option.parse, .target = &options->compile_timeout_ns,
         .help = "  --compile-timeout DURATION|off  stop compiling a module to native code after DURATION\n"
                 "                           (default 60s); it stays on the interpreter (logged, counted in\n"
                 "                           wasmhost_native_compiles_total)\n"},
        {"--listen", .text = &options->listen,
         .help = "  --listen HOST:PORT       address to listen on (overrides the manifest's listen; [::1]:8080,\n"
                 "                           :8080 for every interface; port 0 picks a free one)\n"},
        {"--state", .text = &options->state_dir,
         .help = "  --state DIR              the admin API's state (SQLite database and module blobs), made\n"
                 "                           when missing; turns the admin API on\n"},
        {"--admin", .text = &options->admin_listen,
         .help =
             "  --admin HOST:PORT        the admin API's address (default " ADMIN_DEFAULT_ADDRESS "); one that is not\n"
             "                           loopback needs --admin-token-file\n"},
        {"--admin-token-file", .text = &options->admin_token_file,
         .help = "  --admin-token-file FILE  admin requests need \"Authorization: Bearer TOKEN\", TOKEN being\n"
                 "                           the file's first line\n"},
        {"--admin-max-module", .parse = parse_nonzero_size, .target = &options->admin_max_module_bytes,
         .help = "  --admin-max-module SIZE  largest module POST /v1/modules takes (default 64MiB): 413\n"},
        {"--access-log", .text = &options->access_log,
         .help = "  --access-log PATH        JSON lines, one per response: - (standard output, the default), off,\n"
                 "                           or a file to append to\n"},
        {"--loops", .parse = parse_count, .target = &options->loops,
         .help = "  --loops N                event-loop threads (default: one per core)\n"},
        {"--workers", .parse = parse_count, .target = &options->workers,
         .help = "  --workers N              threads running guests (default: 2 per core, at least 4)\n"},
        {"--max-instances", .parse = parse_count, .target = &options->max_instances,
         .help = "  --max-instances N        instances of services and plugins alive at once (default: no\n"
                 "                           bound); past it a request is answered 503 with Retry-After: 1\n"
                 "                           (counted in wasmhost_instances_refused_total)\n"},
        {"--max-memory-per-instance", .parse = parse_memory_cap, .target = &options->max_memory_per_instance,
         .help = "  --max-memory-per-instance SIZE  the memories of one instance together (default 4GiB), over\n"
                 "                           every service's and plugin's max_memory; past it 500, as max_memory\n"},
        {"--grace", .parse = parse_milliseconds, .target = &options->grace_ms,
         .help = "  --grace DURATION         how long requests in flight may take at SIGTERM (default 10s)\n"},
        {"--max-body", .parse = parse_size, .target = &limits->max_body_bytes,
         .help = "  --max-body SIZE          request body limit for services that set none (default 1MiB): 413\n"},
        {"--max-header-bytes", .parse = parse_nonzero_size, .target = &limits->max_header_bytes,
         .help = "  --max-header-bytes SIZE  request line and headers (default 64KiB): 431\n"},
        {"--max-headers", .parse = parse_count, .target = &limits->max_header_count,
         .help = "  --max-headers N          header count (default 100): 431\n"},
        {"--max-url", .parse = parse_nonzero_size, .target = &limits->max_url_bytes,
         .help = "  --max-url SIZE           request target (default 8KiB): 414\n"},
        {"--idle-timeout", .parse = parse_milliseconds, .target = &limits->idle_timeout_ms,
         .help = "  --idle-timeout DURATION  keep-alive connection with no request (default 60s)\n"},
        {"--header-timeout", .parse = parse_milliseconds, .target = &limits->header_timeout_ms,
         .help = "  --header-timeout DURATION  first byte of a request to its last header (default 10s): 408\n"},
        {"--body-timeout", .parse = parse_milliseconds, .target = &limits->body_timeout_ms,
         .help = "  --body-timeout DURATION  end of the headers to the end of the body (default 30s): 408\n"},
    };
    memcpy(out, table, sizeof table);
}

static const cli_command_line serve_command = {"serve", serve_usage, "(see wasmhost serve --help)\n", false};

/* Tells systemd `state` (when it started us as Type=notify); a failure is reported, not fatal. */
static void notify(const char *state)
{
    char error[512];
    if (!systemd_notify(state, error, sizeof error))
        fprintf(stderr, "wasmhost serve: cannot notify systemd: %s\n", error);
}

/* A reload, from SIGHUP or a changed file: a failure is logged by the host; the old services stay. */
static void reload(host *h)
{
    char state[96], error[2048];
    systemd_reloading_state(state, sizeof state);
    notify(state);
    host_reload(h, error, sizeof error);
    notify("READY=1");
}

/* --check: the manifest and its modules, nothing else. */
static int check_manifest(const host_options *options)
{
    char error[2048] = "";
    host_check_counts counts;
    if (!host_check(options, &counts, error, sizeof error)) {
        fprintf(stderr, "wasmhost serve: %s\n", error);
        return CLI_FAILED;
    }
    printf("%s: OK: %zu services, %zu plugins, %zu pipelines; every module compiled and its imports resolved\n",
           options->manifest_path, counts.services, counts.plugins, counts.pipelines);
    if (counts.unresolved_stages)
        printf("note: %zu pipeline stages name a plugin that must come through the admin API (until then the "
               "pipeline answers 404): %s%s\n",
               counts.unresolved_stages, counts.unresolved, counts.unresolved_stages > 4 ? "; ..." : "");
    return CLI_OK;
}

int cli_serve(int argc, char **argv)
{
    host_options options;
    host_options_default(&options);
    serve_settings settings = {0};
    cli_option option_table[SERVE_OPTION_COUNT];
    serve_options(&options, &settings, option_table);
    cli_arguments args;
    cli_arguments_start(&args, &serve_command, argc, argv, option_table, SERVE_OPTION_COUNT);
    const char *manifest_path = NULL, *arg;
    while ((arg = cli_next_operand(&args)) != NULL) {
        if (manifest_path)
            return cli_usage_error(&args, "one manifest only (got '%s' too)", arg);
        manifest_path = arg;
    }
    if (args.exit_status >= 0)
        return args.exit_status;
    if (settings.check && !manifest_path)
        return cli_usage_error(&args, "--check needs a manifest: wasmhost serve --check [OPTIONS] MANIFEST");
    if (!manifest_path && !options.state_dir)
        return cli_usage_error(&args, "a manifest is needed (or --state DIR for the admin API): wasmhost serve "
                                      "[OPTIONS] MANIFEST");
    if (!options.state_dir && (options.admin_listen || options.admin_token_file || options.admin_max_module_bytes))
        return cli_usage_error(&args, "--admin, --admin-token-file and --admin-max-module need --state DIR");
    if (settings.watch_ms && !manifest_path)
        return cli_usage_error(&args, "--watch-manifest needs a manifest to watch");
    options.manifest_path = manifest_path;
    if (settings.check) {
        options.tier = WH_TIER_INTERP; /* checking compiles nothing to native code */
        return check_manifest(&options);
    }
    char cache_dir[4096];
    if (!settings.no_cache && options.tier != WH_TIER_INTERP &&
        cli_cache_dir(settings.cache_dir, cache_dir, sizeof cache_dir))
        options.code_cache_dir = cache_dir;

    /* Signals are taken by this thread alone (sigwait), so every thread started from here on
     * inherits the mask; a peer closing its socket must not kill the process. */
    signal(SIGPIPE, SIG_IGN);
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);

    char error[2048] = "";
    host *h = host_start(&options, error, sizeof error);
    if (!h) {
        fprintf(stderr, "wasmhost serve: %s\n", error);
        return 1;
    }
    notify("READY=1"); /* host_start returns once the services are loaded (GET /readyz: 200) */
    /* This thread alone reloads, for a signal or a changed file, so reloads never overlap. */
    const struct timespec watch = {settings.watch_ms / 1000, (long)(settings.watch_ms % 1000) * 1000000};
    for (;;) {
        int signal_number = settings.watch_ms ? sigtimedwait(&signals, NULL, &watch) : sigwaitinfo(&signals, NULL);
        if (signal_number < 0) {
            if (errno == EAGAIN && host_manifest_changed(h))
                reload(h);
            continue;
        }
        if (signal_number == SIGHUP) {
            reload(h);
            continue;
        }
        break;
    }
    notify("STOPPING=1");
    host_stop(h);
    return 0;
}
