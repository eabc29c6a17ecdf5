/* main.c: the wasmhost tool: its usage text, its commands and the dispatch to one (in the binary or in libwasmhost_platform.so). */
#include "cli.h"

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
    "  snapshot FILE.wasm --init EXPORT -o OUT.wasm\n"
    "                                      run EXPORT once and write the initialised module to OUT.wasm\n"
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
#endif

/* A command runs `run`, or, when that is NULL, the function named `platform_symbol` in
 * libwasmhost_platform.so (cli_platform.c). The static build links the platform in. */
typedef struct command {
    const char *name;
    cli_command_function *run;
    const char *platform_symbol;
} command;

static const command commands[] = {
#define CORE_COMMAND(name, function) {#name, function, NULL},
#ifdef WASMHOST_STATIC
#define PLATFORM_COMMAND(name, function) {#name, function, NULL},
#define ADMIN_COMMAND(name, function) {#name, admin_client_left_out, NULL},
#else
#define PLATFORM_COMMAND(name, function) {#name, NULL, #function},
#define ADMIN_COMMAND PLATFORM_COMMAND
#endif
    CLI_COMMANDS(CORE_COMMAND, PLATFORM_COMMAND, ADMIN_COMMAND)
#undef CORE_COMMAND
#undef PLATFORM_COMMAND
#undef ADMIN_COMMAND
};

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(name, commands[i].name) == 0)
            return &commands[i];
    }
    return NULL;
}

static int run_command(const command *chosen, int argc, char **argv)
{
#ifdef WASMHOST_STATIC
    cli_command_function *run = chosen->run;
#else
    cli_command_function *run =
        chosen->run ? chosen->run : cli_platform_function(chosen->name, chosen->platform_symbol);
#endif
    return run ? run(argc, argv) : CLI_FAILED;
}

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
            const command *chosen = find_command(argv[2]);
            if (!chosen) {
                fprintf(stderr, "wasmhost: unknown command '%s'\n", argv[2]);
                return CLI_USAGE;
            }
            char *help_argv[] = {argv[2], "--help", NULL};
            return run_command(chosen, 2, help_argv);
        }
        fputs(usage, stdout);
        return CLI_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("wasmhost %s\n", WASMHOST_VERSION);
        return CLI_OK;
    }
    const command *chosen = find_command(name);
    if (chosen)
        return run_command(chosen, argc - 1, argv + 1);
    fprintf(stderr, "wasmhost: unknown command '%s'\n\n%s", name, usage);
    return CLI_USAGE;
}
