/* fuzz_manifest.c: libFuzzer target: manifest_load on any bytes, written to a manifest file in a scratch folder. */
/*
 * The scratch folder (made once per process, removed at exit) holds wasmhost.yaml, rewritten for
 * each input, and the modules and folders the seeds name (empty files: manifest_load checks that
 * they exist, it does not load them). Invariants, each an abort() (besides ASan, UBSan and
 * LeakSanitizer): an input gives a manifest or an error "FILE:LINE:COLUMN: message" (line and
 * column from 1) or "FILE: message"; a manifest has at least one service or plugin, each with a
 * name and an absolute module path; a service has at least one route starting with '/', a plugin
 * none; a pipeline has a name and at least one stage naming a plugin.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/manifest_errors.h"
#include "manifest.h"

static char manifest_fuzz_folder[PATH_MAX];
static char manifest_fuzz_path[PATH_MAX + 16];

static void manifest_fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_manifest: invariant broken: %s: \"%s\"\n", what, detail);
    abort();
}

static void manifest_fuzz_write(const char *name, const void *data, size_t length)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", manifest_fuzz_folder, name);
    FILE *file = fopen(path, "wb");
    if (!file || fwrite(data, 1, length, file) != length || fclose(file) != 0) {
        perror(path);
        abort();
    }
}

static void manifest_fuzz_remove_folder(void)
{
    char command[PATH_MAX + 16];
    snprintf(command, sizeof command, "rm -rf '%s'", manifest_fuzz_folder);
    if (system(command) != 0)
        fprintf(stderr, "fuzz_manifest: could not remove %s\n", manifest_fuzz_folder);
}

static void manifest_fuzz_setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(manifest_fuzz_folder, sizeof manifest_fuzz_folder, "%s/fuzz_manifest_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(manifest_fuzz_folder)) {
        perror("mkdtemp");
        abort();
    }
    atexit(manifest_fuzz_remove_folder);
    snprintf(manifest_fuzz_path, sizeof manifest_fuzz_path, "%s/wasmhost.yaml", manifest_fuzz_folder);
    static const char *const folders[] = {"sub", "data", "static"};
    for (size_t i = 0; i < sizeof folders / sizeof *folders; i++) {
        char path[PATH_MAX + 64];
        snprintf(path, sizeof path, "%s/%s", manifest_fuzz_folder, folders[i]);
        if (mkdir(path, 0755) != 0) {
            perror(path);
            abort();
        }
    }
    /* the modules of the seeds (host.cmake writes them with their folders replaced by "."):
     * the manifests of tests/host/serve, examples/wasmhost.yaml, tests/host/manifest_test.c */
    static const char *const modules[] = {"hello_http.wasm", "hello_wagi.wasm", "echo_http.wasm", "counter.wasm",
                                          "trap.wasm", "loop.wasm", "memory_hog.wasm", "malformed.wasm", "stderr.wasm",
                                          "reply.wasm", "hello.wasm", "sub/echo.wasm",
                                          /* examples/wasmhost.yaml's plugins */
                                          "upper.wasm", "wordcount.wasm", "csv2json.wasm", "redact.wasm", "mlp.wasm"};
    for (size_t i = 0; i < sizeof modules / sizeof *modules; i++)
        manifest_fuzz_write(modules[i], "", 0);
    unsetenv("WASM_TIMEOUT");
    unsetenv("WASM_CACHE_SIZE");
}

static void manifest_fuzz_check(const manifest *m)
{
    if (m->service_count == 0)
        manifest_fuzz_fail("a manifest without services or plugins", m->path);
    for (size_t i = 0; i < m->service_count; i++) {
        const manifest_service *service = &m->services[i];
        if (!service->name || !service->name[0])
            manifest_fuzz_fail("a service without a name", m->path);
        if (!service->module_path || service->module_path[0] != '/')
            manifest_fuzz_fail("a module path that is not absolute", service->name);
        if ((service->route_count == 0) != (service->kind == MANIFEST_PLUGIN))
            manifest_fuzz_fail(service->kind == MANIFEST_PLUGIN ? "a plugin with routes" : "a service without routes",
                               service->name);
        for (size_t r = 0; r < service->route_count; r++)
            if (!service->routes[r].path || service->routes[r].path[0] != '/')
                manifest_fuzz_fail("a route that does not start with '/'", service->name);
    }
    for (size_t i = 0; i < m->pipeline_count; i++) {
        const manifest_pipeline *pipeline = &m->pipelines[i];
        if (!pipeline->name || !pipeline->name[0] || pipeline->stage_count == 0)
            manifest_fuzz_fail("a pipeline without a name or stages", m->path);
        for (size_t k = 0; k < pipeline->stage_count; k++)
            if (!pipeline->stages[k][0] || pipeline->stages[k][0] == ':')
                manifest_fuzz_fail("a stage that names no plugin", pipeline->name);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!manifest_fuzz_folder[0])
        manifest_fuzz_setup();
    manifest_fuzz_write("wasmhost.yaml", data, size);
    char error[1024];
    error[0] = '\0';
    manifest *m = manifest_load(manifest_fuzz_path, error, sizeof error);
    if (m) {
        manifest_fuzz_check(m);
        manifest_free(m);
    } else if (!manifest_error_well_formed(error, manifest_fuzz_path)) {
        manifest_fuzz_fail("an error without FILE:LINE:COLUMN: or FILE:", error);
    }
    return 0;
}
