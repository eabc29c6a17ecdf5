/* cli_platform.c: finding and loading libwasmhost_platform.so, which holds serve, probe and the admin API's client.
 *
 * The platform (src/host and its command-line front ends) needs libuv, SQLite, OpenSSL, libyaml
 * and jansson; linked into the binary, they were loaded and relocated at every start of every
 * command (hello: 3.2 ms and 4.7 MiB against 1.3 ms and 2.8 MiB without them). The binary exports
 * the public API (wasm.h, wasmhost.h) and the library uses nothing else of it: one engine per
 * process. Looked up in this order: $WASMHOST_PLATFORM_LIBRARY; next to the binary, then in
 * ../lib/wasmhost/ from there (where `cmake --install` puts it); the build tree's copy. Never
 * unloaded. Not compiled into the static build, which links the platform in.
 */
#include "cli.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef WASMHOST_BUILD_ID
#error "WASMHOST_BUILD_ID must be defined by the build"
#endif

#define LIBRARY_NAME "libwasmhost_platform.so"
#define PATH_BYTES 4096

static void *library;

/* dlopen's reason for the first path that exists but cannot be loaded, else "". */
static char failure[PATH_BYTES + 256];

static void *open_at(const char *path)
{
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle && !failure[0]) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure, "%s", why ? why : path);
    }
    return handle;
}

static void *open_library(void)
{
    const char *chosen = getenv("WASMHOST_PLATFORM_LIBRARY");
    if (chosen && *chosen)
        return open_at(chosen);
    char binary[PATH_BYTES];
    ssize_t length = readlink("/proc/self/exe", binary, sizeof binary - 1);
    if (length > 0) {
        binary[length] = '\0';
        char *slash = strrchr(binary, '/');
        int directory = slash ? (int)(slash - binary) : 1;
        static const char *const relative[] = {"/" LIBRARY_NAME, "/../lib/wasmhost/" LIBRARY_NAME};
        for (size_t i = 0; i < sizeof relative / sizeof relative[0]; i++) {
            char path[PATH_BYTES];
            if (snprintf(path, sizeof path, "%.*s%s", directory, slash ? binary : ".", relative[i]) <
                    (int)sizeof path &&
                access(path, R_OK) == 0)
                return open_at(path);
        }
    }
#ifdef WASMHOST_PLATFORM_BUILD_PATH
    if (access(WASMHOST_PLATFORM_BUILD_PATH, R_OK) == 0)
        return open_at(WASMHOST_PLATFORM_BUILD_PATH);
#endif
    return NULL;
}

static bool load_library(const char *command)
{
    if (library)
        return true;
    void *handle = open_library();
    if (!handle) {
        fprintf(stderr,
                "wasmhost %s: cannot load " LIBRARY_NAME ", which holds this command: %s (install it beside "
                "the wasmhost binary or in ../lib/wasmhost/, or set WASMHOST_PLATFORM_LIBRARY to its path)\n",
                command, failure[0] ? failure : "not found");
        return false;
    }
    const char *build_id = dlsym(handle, "cli_platform_build_id");
    if (!build_id || strcmp(build_id, WASMHOST_BUILD_ID) != 0) {
        fprintf(stderr,
                "wasmhost %s: " LIBRARY_NAME " is from another build of wasmhost (build %.64s, this is %s): "
                "install the two together\n",
                command, build_id ? build_id : "unknown", WASMHOST_BUILD_ID);
        dlclose(handle);
        return false;
    }
    library = handle;
    return true;
}

cli_command_function *cli_platform_function(const char *command, const char *symbol)
{
    if (!load_library(command))
        return NULL;
    cli_command_function *function = (cli_command_function *)dlsym(library, symbol);
    if (!function)
        fprintf(stderr, "wasmhost %s: " LIBRARY_NAME " has no %s\n", command, symbol);
    return function;
}
