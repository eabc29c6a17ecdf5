/* cli_serve.c: `wasmhost serve`: runs the HTTP host on a manifest until SIGTERM; SIGHUP reloads. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "manifest.h"

/* Only the public API and src/host/ are used here, as everywhere in src/cli: no engine internals. */
int cli_serve(int argc, char **argv);

static const char serve_usage[] =
    "usage: wasmhost serve [OPTIONS] MANIFEST\n"
    "\n"
    "Serves the WebAssembly services listed in MANIFEST (YAML, see docs/manifest.md) over HTTP/1.1.\n"
    "Every request runs in a fresh instance. Built in: GET /healthz, /readyz, /metrics (Prometheus).\n"
    "SIGHUP reloads the manifest without dropping requests; SIGTERM or SIGINT stops accepting,\n"
    "lets the requests in flight finish (up to --grace) and exits 0.\n"
    "\n"
    "Options:\n"
    "  --listen HOST:PORT       address to listen on (overrides the manifest's listen; [::1]:8080,\n"
    "                           :8080 for every interface; port 0 picks a free one)\n"
    "  --access-log PATH        JSON lines, one per response: - (standard output, the default), off,\n"
    "                           or a file to append to\n"
    "  --loops N                event-loop threads (default: one per core)\n"
    "  --workers N              threads running guests (default: 2 per core, at least 4)\n"
    "  --grace DURATION         how long requests in flight may take at SIGTERM (default 10s)\n"
    "  --max-body SIZE          request body limit for services that set none (default 1MiB): 413\n"
    "  --max-header-bytes SIZE  request line and headers (default 64KiB): 431\n"
    "  --max-headers N          header count (default 100): 431\n"
    "  --max-url SIZE           request target (default 8KiB): 414\n"
    "  --idle-timeout DURATION  keep-alive connection with no request (default 60s)\n"
    "  --header-timeout DURATION  first byte of a request to its last header (default 10s): 408\n"
    "  --body-timeout DURATION  end of the headers to the end of the body (default 30s): 408\n"
    "  -h, --help               show this help\n"
    "\n"
    "Environment: WASM_TIMEOUT (request timeout for services that set none: 30s by default),\n"
    "WASM_CACHE_SIZE (compiled modules kept in memory across reloads: 64 by default).\n"
    "Exit status: 0 after SIGTERM, 1 when the manifest or a module is wrong or the address is taken,\n"
    "2 usage error.\n";

static int usage_error(const char *format, const char *value)
{
    fputs("wasmhost serve: ", stderr);
    fprintf(stderr, format, value);
    fputs("\n(see wasmhost serve --help)\n", stderr);
    return 2;
}

static bool parse_milliseconds(const char *text, uint32_t *out)
{
    uint64_t ns;
    if (!manifest_parse_duration(text, &ns) || ns / 1000000 > UINT32_MAX)
        return false;
    *out = (uint32_t)(ns / 1000000);
    return true;
}

static bool parse_count(const char *text, uint32_t *out)
{
    uint64_t value;
    if (!manifest_parse_count(text, &value) || value == 0 || value > 100000)
        return false;
    *out = (uint32_t)value;
    return true;
}

int cli_serve(int argc, char **argv)
{
    host_options options;
    host_options_default(&options);
    const char *manifest_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(serve_usage, stdout);
            return 0;
        }
        if (arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (manifest_path)
                return usage_error("one manifest only (got '%s' too)", arg);
            manifest_path = arg;
            continue;
        }
        /* Every option takes a value: "--name VALUE" or "--name=VALUE". */
        char name[64];
        const char *value;
        const char *equals = strchr(arg, '=');
        if (equals) {
            snprintf(name, sizeof name, "%.*s", (int)(equals - arg), arg);
            value = equals + 1;
        } else {
            snprintf(name, sizeof name, "%s", arg);
            if (i + 1 >= argc)
                return usage_error("%s needs a value", arg);
            value = argv[++i];
        }
        uint32_t count;
        uint64_t bytes;
        bool ok = true;
        if (strcmp(name, "--listen") == 0)
            options.listen = value;
        else if (strcmp(name, "--access-log") == 0)
            options.access_log = value;
        else if (strcmp(name, "--loops") == 0)
            ok = parse_count(value, &count) && (options.loops = count);
        else if (strcmp(name, "--workers") == 0)
            ok = parse_count(value, &count) && (options.workers = count);
        else if (strcmp(name, "--grace") == 0)
            ok = parse_milliseconds(value, &options.grace_ms);
        else if (strcmp(name, "--max-body") == 0)
            ok = manifest_parse_size(value, &options.limits.max_body_bytes);
        else if (strcmp(name, "--max-header-bytes") == 0)
            ok = manifest_parse_size(value, &bytes) && bytes && (options.limits.max_header_bytes = bytes);
        else if (strcmp(name, "--max-headers") == 0)
            ok = parse_count(value, &options.limits.max_header_count);
        else if (strcmp(name, "--max-url") == 0)
            ok = manifest_parse_size(value, &bytes) && bytes && (options.limits.max_url_bytes = bytes);
        else if (strcmp(name, "--idle-timeout") == 0)
            ok = parse_milliseconds(value, &options.limits.idle_timeout_ms);
        else if (strcmp(name, "--header-timeout") == 0)
            ok = parse_milliseconds(value, &options.limits.header_timeout_ms);
        else if (strcmp(name, "--body-timeout") == 0)
            ok = parse_milliseconds(value, &options.limits.body_timeout_ms);
        else
            return usage_error("unknown option '%s'", name);
        if (!ok) {
            fprintf(stderr, "wasmhost serve: %s: bad value '%s'\n(see wasmhost serve --help)\n", name, value);
            return 2;
        }
    }
    if (!manifest_path)
        return usage_error("%s", "a manifest is needed: wasmhost serve [OPTIONS] MANIFEST");
    options.manifest_path = manifest_path;

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
    for (;;) {
        int signal_number = 0;
        if (sigwait(&signals, &signal_number) != 0)
            continue;
        if (signal_number == SIGHUP) {
            host_reload(h, error, sizeof error); /* a failure is logged; the old services stay */
            continue;
        }
        break;
    }
    host_stop(h);
    return 0;
}
