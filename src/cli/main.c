/* main.c: the wasmhost tool: picks the command; file reading, module loading, error and trap text for all commands. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifndef WASMHOST_VERSION
#define WASMHOST_VERSION "unknown"
#endif

static const char usage[] =
    "usage: wasmhost COMMAND [ARGS...]\n"
    "\n"
    "WebAssembly runtime. Commands:\n"
    "  validate FILE                       check that FILE is a valid WebAssembly module\n"
    "  inspect FILE                        list a module's imports, exports, types, memories, tables,\n"
    "                                      globals and custom sections\n"
    "  invoke [OPTIONS] FILE FUNC [ARGS...]\n"
    "                                      call an exported function and print its results\n"
    "  run [OPTIONS] FILE [ARGS...]        run a WASI program (its _start) with only the directories and\n"
    "                                      environment variables given by OPTIONS\n"
    "  call [OPTIONS] FILE EXPORT          call a plugin's export with bytes in (stdin or --input) and\n"
    "                                      write the bytes it answers to stdout\n"
    "  wast FILE.json...                   run spec test scripts converted by wast2json\n"
    "  serve [OPTIONS] [MANIFEST]          serve the WebAssembly services of MANIFEST (and, with --state,\n"
    "                                      those deployed through the admin API) over HTTP\n"
    "  compile [-o OUT.cwasm] FILE.wasm    compile FILE.wasm to native code (an artifact run, invoke and\n"
    "                                      serve load without compiling)\n"
    "  probe [OPTIONS] URL                 GET an http:// URL; exit 0 on a 2xx answer (a container's\n"
    "                                      health check: wasmhost probe http://127.0.0.1:8080/healthz)\n"
    "\n"
    "Admin API commands, for a running `wasmhost serve --state DIR --admin ADDR:PORT`:\n"
    "  deploy [OPTIONS] NAME FILE.wasm     upload FILE.wasm and make it the new version of the service NAME\n"
    "  services [OPTIONS]                  list the services: versions, routes, modules\n"
    "  rollback [OPTIONS] NAME             make NAME's previous version (or --version N) active again\n"
    "  rm [OPTIONS] NAME                   remove the service NAME\n"
#ifdef WASMHOST_STATIC
    "  (not in this static build, -DWASMHOST_STATIC=ON: see docs/deploy.md)\n"
#endif
    "\n"
    "`wasmhost COMMAND --help` describes a command. `wasmhost --version` prints the version.\n"
    "Exit status: 0 success, 1 failure (invalid module, trap, failed test, the admin API refused or\n"
    "cannot be reached), 2 usage error;\n"
    "`run` exits with the program's own exit code (134 when it traps).\n";

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} command;

#ifdef WASMHOST_STATIC
/* The static build has no admin API client: Debian's libcurl cannot be linked statically (its
 * GSS-API library has no archive). Its commands say so and where to turn instead. */
static int admin_client_left_out(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr,
            "wasmhost %s: this wasmhost is a static build (-DWASMHOST_STATIC=ON), which has no admin API client "
            "(libcurl cannot be linked statically); run `wasmhost %s` from a regular build against the admin "
            "address, or send the request with curl (docs/admin-api.md, docs/deploy.md)\n",
            argv[0], argv[0]);
    return CLI_FAILED;
}
#define ADMIN_CLIENT(run) admin_client_left_out
#else
#define ADMIN_CLIENT(run) run
#endif

static const command commands[] = {
    {"validate", cli_validate},
    {"inspect", cli_inspect},
    {"invoke", cli_invoke},
    {"run", cli_run},
    {"call", cli_call},
    {"wast", cli_wast},
    {"serve", cli_serve},
    {"probe", cli_probe},
    {"compile", cli_compile},
    {"deploy", ADMIN_CLIENT(cli_deploy)},
    {"services", ADMIN_CLIENT(cli_services)},
    {"rollback", ADMIN_CLIENT(cli_rollback)},
    {"rm", ADMIN_CLIENT(cli_remove)},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        /* `wasmhost help COMMAND` is `wasmhost COMMAND --help`. */
        if (strcmp(name, "help") == 0 && argc > 2) {
            for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
                if (strcmp(argv[2], commands[i].name) == 0) {
                    char *help_argv[] = {argv[2], "--help", NULL};
                    return commands[i].run(2, help_argv);
                }
            }
            fprintf(stderr, "wasmhost: unknown command '%s'\n", argv[2]);
            return CLI_USAGE;
        }
        fputs(usage, stdout);
        return CLI_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("wasmhost %s\n", WASMHOST_VERSION);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "wasmhost: unknown command '%s'\n\n%s", name, usage);
    return CLI_USAGE;
}

bool cli_read_file(const char *path, uint8_t **bytes, size_t *size, char *why, size_t why_size)
{
    *bytes = NULL;
    *size = 0;
    FILE *file = fopen(path, "rb");
    if (!file) {
        snprintf(why, why_size, "%s: cannot open: %s", path, strerror(errno));
        return false;
    }
    bool read = cli_read_stream(file, path, bytes, size, why, why_size);
    fclose(file);
    return read;
}

bool cli_read_stream(FILE *file, const char *name, uint8_t **bytes, size_t *size, char *why, size_t why_size)
{
    *bytes = NULL;
    *size = 0;
    /* Read in growing chunks rather than trusting a size from fstat: works for pipes too. */
    size_t capacity = 0, used = 0;
    uint8_t *data = NULL;
    for (;;) {
        if (used == capacity) {
            size_t new_capacity = capacity ? capacity * 2 : 65536;
            uint8_t *grown = realloc(data, new_capacity);
            if (!grown) {
                free(data);
                snprintf(why, why_size, "%s: out of memory reading the file", name);
                return false;
            }
            data = grown;
            capacity = new_capacity;
        }
        size_t got = fread(data + used, 1, capacity - used, file);
        used += got;
        if (got == 0)
            break;
    }
    if (ferror(file)) {
        int saved_errno = errno;
        free(data);
        snprintf(why, why_size, "%s: read error: %s", name, strerror(saved_errno));
        return false;
    }
    *bytes = data;
    *size = used;
    return true;
}

const char *cli_error_message(void)
{
    /* Messages start "function_name: " (lower case letters, digits and underscores). */
    const char *message = wh_last_error_message();
    const char *p = message;
    while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')
        p++;
    if (p > message && p[0] == ':' && p[1] == ' ' &&
        (strncmp(message, "wasm_", 5) == 0 || strncmp(message, "wh_", 3) == 0))
        return p + 2;
    return message;
}

wasm_module_t *cli_load_module(wasm_store_t *store, const char *path)
{
    uint8_t *bytes;
    size_t size;
    char why[512];
    if (!cli_read_file(path, &bytes, &size, why, sizeof why)) {
        fprintf(stderr, "wasmhost: %s\n", why);
        return NULL;
    }
    wasm_byte_vec_t binary = {size, (wasm_byte_t *)bytes};
    /* A compiled artifact (`wasmhost compile`) is recognised by its magic, whatever its name. */
    wasm_module_t *module = size >= 4 && memcmp(bytes, WH_ARTIFACT_MAGIC, 4) == 0
                                ? wasm_module_deserialize(store, &binary)
                                : wasm_module_new(store, &binary);
    free(bytes);
    if (!module) {
        fprintf(stderr, "wasmhost: %s: %s\n", path, cli_error_message());
        return NULL;
    }
    /* A developer's aid (tests and benchmarks use it): how much of the module runs native. */
    if (getenv("WASMHOST_TIER_REPORT")) {
        double seconds;
        uint32_t native = wh_module_native_functions(module, &seconds);
        fprintf(stderr, "wasmhost: %s: %u functions compiled to native code in %.1f ms\n", path, native, seconds * 1e3);
    }
    return module;
}

void cli_print_trap(const wasm_trap_t *trap)
{
    wasm_byte_vec_t text;
    wh_trap_format(trap, &text);
    fwrite(text.data, 1, text.size, stderr);
    wasm_byte_vec_delete(&text);
}
