/* manifest_test.c: the serve manifest reader: every key, defaults, overrides, each error at its file:line:column. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifest.h"
#include "test_support.h"

static char folder[PATH_MAX];      /* the temporary folder the manifests are written to */
static char real_folder[PATH_MAX]; /* the same, with symbolic links resolved */
static char manifest_path[PATH_MAX + 16];

static void write_file(const char *name, const char *text)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    FILE *file = fopen(path, "wb");
    if (!file) {
        perror(path);
        exit(1);
    }
    fputs(text, file);
    fclose(file);
}

static void make_folder(const char *name)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    if (mkdir(path, 0755) != 0) {
        perror(path);
        exit(1);
    }
}

static manifest *load(const char *text, char *error, size_t error_size)
{
    write_file("wasmhost.yaml", text);
    return manifest_load(manifest_path, error, error_size);
}

static uint64_t env_value_count(const manifest_service *service, const char *name, const char **value)
{
    uint64_t found = 0;
    for (size_t i = 0; i < service->env_count; i++)
        if (strcmp(service->env[i].name, name) == 0) {
            *value = service->env[i].value;
            found++;
        }
    return found;
}

/* Loading `text` fails with "PATH:LINE:COLUMN: " followed by a message containing each of the
 * `...` fragments (NULL-terminated). */
static void expect_error_at(int source_line, const char *text, int line, int column, ...)
{
    char error[1024] = "";
    manifest *m = load(text, error, sizeof error);
    char prefix[PATH_MAX + 64];
    snprintf(prefix, sizeof prefix, "%s:%d:%d: ", manifest_path, line, column);
    bool positioned = m == NULL && strncmp(error, prefix, strlen(prefix)) == 0;
    if (getenv("MANIFEST_TEST_VERBOSE"))
        printf("%s\n", error);
    bool fragments_found = true;
    va_list fragments;
    va_start(fragments, column);
    for (const char *fragment; (fragment = va_arg(fragments, const char *));)
        if (!strstr(error, fragment)) {
            fprintf(stderr, "  missing fragment: %s\n", fragment);
            fragments_found = false;
        }
    va_end(fragments);
    CHECK(positioned && fragments_found, "the case at line %d: expected an error at %d:%d, got %s: %s", source_line,
          line, column, m ? "a manifest" : "", error);
    manifest_free(m);
}
#define EXPECT_ERROR(text, line, column, ...) expect_error_at(__LINE__, text, line, column, __VA_ARGS__, NULL)

static void test_values(void)
{
    uint64_t value;
    CHECK(manifest_parse_size("65536", &value) && value == 65536);
    CHECK(manifest_parse_size("64KiB", &value) && value == 65536);
    CHECK(manifest_parse_size("16MiB", &value) && value == 16u << 20);
    CHECK(manifest_parse_size("1GiB", &value) && value == 1u << 30);
    CHECK(manifest_parse_size("2TiB", &value) && value == 2ull << 40);
    CHECK(manifest_parse_size("1KB", &value) && value == 1000);
    CHECK(manifest_parse_size("3MB", &value) && value == 3000000);
    CHECK(manifest_parse_size("1GB", &value) && value == 1000000000);
    CHECK(manifest_parse_size("512B", &value) && value == 512);
    CHECK(manifest_parse_size("64 KiB", &value) && value == 65536);
    CHECK(manifest_parse_size("1.5GiB", &value) && value == 1610612736);
    CHECK(manifest_parse_size("0", &value) && value == 0);
    CHECK(manifest_parse_size("18446744073709551615", &value) && value == UINT64_MAX);
    CHECK(!manifest_parse_size("18446744073709551616", &value));
    CHECK(!manifest_parse_size("16777216TiB", &value)); /* 2^64 bytes */
    CHECK(!manifest_parse_size("", &value));
    CHECK(!manifest_parse_size("KiB", &value));
    CHECK(!manifest_parse_size("-1", &value));
    CHECK(!manifest_parse_size("64kib", &value));
    CHECK(!manifest_parse_size("64 ", &value));
    CHECK(!manifest_parse_size("1.", &value));
    CHECK(!manifest_parse_size("1e6", &value));
    CHECK(!manifest_parse_size(NULL, &value));

    CHECK(manifest_parse_duration("500ms", &value) && value == 500000000);
    CHECK(manifest_parse_duration("2s", &value) && value == 2000000000);
    CHECK(manifest_parse_duration("1.5s", &value) && value == 1500000000);
    CHECK(manifest_parse_duration("250us", &value) && value == 250000);
    CHECK(manifest_parse_duration("250\xc2\xb5s", &value) && value == 250000);
    CHECK(manifest_parse_duration("1m", &value) && value == 60000000000);
    CHECK(manifest_parse_duration("1h", &value) && value == 3600000000000);
    CHECK(manifest_parse_duration("7ns", &value) && value == 7);
    CHECK(manifest_parse_duration("30", &value) && value == 30000000000);
    CHECK(manifest_parse_duration("0.25", &value) && value == 250000000);
    CHECK(manifest_parse_duration("000000000000000000000000000001s", &value) && value == 1000000000);
    CHECK(!manifest_parse_duration("fast", &value));
    CHECK(!manifest_parse_duration("5x", &value));
    CHECK(!manifest_parse_duration("-1s", &value));
    CHECK(!manifest_parse_duration(".5s", &value));
    CHECK(!manifest_parse_duration("10000000000000h", &value));

    CHECK(manifest_parse_count("100000000", &value) && value == 100000000);
    CHECK(!manifest_parse_count("1e8", &value));
    CHECK(!manifest_parse_count("", &value));

    char host[64];
    uint16_t port;
    CHECK(manifest_parse_listen("127.0.0.1:8080", host, sizeof host, &port) && !strcmp(host, "127.0.0.1") &&
          port == 8080);
    CHECK(manifest_parse_listen("[::1]:8081", host, sizeof host, &port) && !strcmp(host, "::1") && port == 8081);
    CHECK(manifest_parse_listen(":8082", host, sizeof host, &port) && !strcmp(host, "0.0.0.0") && port == 8082);
    CHECK(manifest_parse_listen("localhost:0", host, sizeof host, &port) && !strcmp(host, "localhost") && port == 0);
    CHECK(!manifest_parse_listen("8080", host, sizeof host, &port));
    CHECK(!manifest_parse_listen("::1:8080", host, sizeof host, &port));
    CHECK(!manifest_parse_listen("[::1]8080", host, sizeof host, &port));
    CHECK(!manifest_parse_listen("[]:8080", host, sizeof host, &port));
    CHECK(!manifest_parse_listen("host:65536", host, sizeof host, &port));
    CHECK(!manifest_parse_listen("host:", host, sizeof host, &port));
    CHECK(!manifest_parse_listen("host:80x", host, sizeof host, &port));
    CHECK(!manifest_parse_listen("a very long host name:80", host, 8, &port));
}

static const char full_manifest[] =
    "# every key\n"
    "listen: 127.0.0.1:9090\n"
    "defaults:\n"
    "  timeout: 2s\n"
    "  max_memory: 64MiB\n"
    "  max_body: 1MiB\n"
    "  fuel: 5000\n"
    "  concurrency: 4\n"
    "services:\n"
    "  - name: hello\n"
    "    module: hello.wasm\n"
    "    abi: http\n"
    "    routes: [/health, /api/users, /api/...]\n"
    "    env: {GREETING: hi, EMPTY: \"\", PORT: 8080}\n"
    "    dirs: {/data: ./data, /static: sub/../static/}\n"
    "    limits: {max_memory: 16MiB, timeout: 500ms, fuel: 100000000, max_body: 64KiB}\n"
    "    concurrency: 8\n"
    "  - name: echo\n"
    "    module: ./sub/../sub/./echo.wasm\n"
    "    abi: wagi\n"
    "    routes:\n"
    "      - /echo\n"
    "      - /...\n"
    "  -\n"
    "    name: absolute\n"
    "    module: ABSOLUTE\n"
    "    routes: [/absolute/...]\n"
    "    limits: {fuel: 0}\n";

static void test_full(void)
{
    char text[sizeof full_manifest + 2 * PATH_MAX], absolute[PATH_MAX + 32], expected[PATH_MAX + 64];
    snprintf(absolute, sizeof absolute, "%s/sub/echo.wasm", folder);
    const char *mark = strstr(full_manifest, "ABSOLUTE");
    snprintf(text, sizeof text, "%.*s%s%s", (int)(mark - full_manifest), full_manifest, absolute, mark + 8);
    char error[1024] = "";
    manifest *m = load(text, error, sizeof error);
    CHECK(m != NULL);
    if (!m) {
        fprintf(stderr, "  %s\n", error);
        return;
    }
    CHECK(strcmp(m->path, manifest_path) == 0);
    CHECK(strcmp(m->folder, real_folder) == 0);
    CHECK(m->listen_host && strcmp(m->listen_host, "127.0.0.1") == 0);
    CHECK(m->listen_port == 9090);
    CHECK(m->default_timeout_ns == 2000000000);
    CHECK(m->cache_size == 64);
    CHECK(m->service_count == 3);
    if (m->service_count != 3) {
        manifest_free(m);
        return;
    }

    const manifest_service *hello = &m->services[0];
    CHECK(strcmp(hello->name, "hello") == 0);
    snprintf(expected, sizeof expected, "%s/hello.wasm", real_folder);
    CHECK(strcmp(hello->module_path, expected) == 0);
    CHECK(hello->abi == MANIFEST_ABI_HTTP);
    CHECK(hello->route_count == 3);
    CHECK(strcmp(hello->routes[0].path, "/health") == 0 && !hello->routes[0].prefix);
    CHECK(strcmp(hello->routes[1].path, "/api/users") == 0 && !hello->routes[1].prefix);
    CHECK(strcmp(hello->routes[2].path, "/api") == 0 && hello->routes[2].prefix);
    CHECK(hello->env_count == 3);
    const char *value = NULL;
    CHECK(env_value_count(hello, "GREETING", &value) == 1 && strcmp(value, "hi") == 0);
    CHECK(env_value_count(hello, "EMPTY", &value) == 1 && strcmp(value, "") == 0);
    CHECK(env_value_count(hello, "PORT", &value) == 1 && strcmp(value, "8080") == 0);
    CHECK(hello->dir_count == 2);
    snprintf(expected, sizeof expected, "%s/data", real_folder);
    CHECK(strcmp(hello->dirs[0].guest_path, "/data") == 0 && strcmp(hello->dirs[0].host_path, expected) == 0);
    snprintf(expected, sizeof expected, "%s/static", real_folder);
    CHECK(strcmp(hello->dirs[1].guest_path, "/static") == 0 && strcmp(hello->dirs[1].host_path, expected) == 0);
    CHECK(hello->max_memory_bytes == 16u << 20);
    CHECK(hello->timeout_ns == 500000000 && hello->timeout_is_own);
    CHECK(hello->fuel == 100000000);
    CHECK(hello->max_body_bytes == 64u << 10);
    CHECK(hello->concurrency == 8);
    CHECK(hello->line == 10 && hello->column == 5);

    /* The second takes every limit from `defaults`. */
    const manifest_service *echo = &m->services[1];
    CHECK(strcmp(echo->name, "echo") == 0);
    snprintf(expected, sizeof expected, "%s/sub/echo.wasm", real_folder);
    CHECK(strcmp(echo->module_path, expected) == 0);
    CHECK(echo->abi == MANIFEST_ABI_WAGI);
    CHECK(echo->route_count == 2);
    CHECK(strcmp(echo->routes[0].path, "/echo") == 0 && !echo->routes[0].prefix);
    CHECK(strcmp(echo->routes[1].path, "/") == 0 && echo->routes[1].prefix);
    CHECK(echo->env_count == 0 && echo->dir_count == 0);
    CHECK(echo->max_memory_bytes == 64u << 20);
    CHECK(echo->timeout_ns == 2000000000 && !echo->timeout_is_own);
    CHECK(echo->fuel == 5000);
    CHECK(echo->max_body_bytes == 1u << 20);
    CHECK(echo->concurrency == 4);
    CHECK(echo->line == 18 && echo->column == 5);

    /* An absolute module path is kept; "fuel: 0" turns off the default fuel. */
    const manifest_service *third = &m->services[2];
    CHECK(strcmp(third->module_path, expected) == 0);
    CHECK(third->fuel == 0);
    CHECK(third->line == 25 && third->column == 5);

    /* WASM_TIMEOUT replaces defaults.timeout, not a service's own; WASM_CACHE_SIZE the cache. */
    setenv("WASM_TIMEOUT", "750ms", 1);
    setenv("WASM_CACHE_SIZE", "10", 1);
    CHECK(manifest_env_overrides(m, error, sizeof error));
    CHECK(m->default_timeout_ns == 750000000);
    CHECK(hello->timeout_ns == 500000000);
    CHECK(echo->timeout_ns == 750000000 && third->timeout_ns == 750000000);
    CHECK(m->cache_size == 10);
    setenv("WASM_TIMEOUT", "3", 1);
    setenv("WASM_CACHE_SIZE", "", 1); /* empty: unchanged */
    CHECK(manifest_env_overrides(m, error, sizeof error));
    CHECK(echo->timeout_ns == 3000000000 && m->cache_size == 10);
    setenv("WASM_TIMEOUT", "soon", 1);
    CHECK(!manifest_env_overrides(m, error, sizeof error) && strstr(error, "WASM_TIMEOUT='soon'") &&
          strstr(error, "500ms"));
    setenv("WASM_TIMEOUT", "0s", 1);
    CHECK(!manifest_env_overrides(m, error, sizeof error) && strstr(error, "WASM_TIMEOUT"));
    unsetenv("WASM_TIMEOUT");
    setenv("WASM_CACHE_SIZE", "lots", 1);
    CHECK(!manifest_env_overrides(m, error, sizeof error) && strstr(error, "WASM_CACHE_SIZE='lots'"));
    setenv("WASM_CACHE_SIZE", "0", 1);
    CHECK(!manifest_env_overrides(m, error, sizeof error) && strstr(error, "WASM_CACHE_SIZE='0'"));
    unsetenv("WASM_CACHE_SIZE");
    CHECK(manifest_env_overrides(m, error, sizeof error));
    manifest_free(m);
}

static void test_minimal(void)
{
    char error[1024] = "";
    manifest *m = load("services:\n- {name: a, module: hello.wasm, routes: [/]}\n", error, sizeof error);
    CHECK(m != NULL);
    if (!m) {
        fprintf(stderr, "  %s\n", error);
        return;
    }
    CHECK(m->listen_host == NULL && m->listen_port == 0);
    CHECK(m->default_timeout_ns == 0 && m->cache_size == 64);
    CHECK(m->service_count == 1);
    const manifest_service *a = &m->services[0];
    CHECK(a->abi == MANIFEST_ABI_WAGI);
    CHECK(a->route_count == 1 && strcmp(a->routes[0].path, "/") == 0 && !a->routes[0].prefix);
    CHECK(a->env_count == 0 && a->dir_count == 0);
    CHECK(a->max_memory_bytes == 0 && a->timeout_ns == 0 && a->fuel == 0 && a->max_body_bytes == 0 &&
          a->concurrency == 0 && !a->timeout_is_own);
    CHECK(a->line == 2 && a->column == 3);
    CHECK(a->kind == MANIFEST_SERVICE);
    manifest_free(m);

    /* Plugins: after the services in the same list, without routes. */
    m = load("services:\n- {name: a, module: hello.wasm, routes: [/]}\nplugins:\n- name: up\n  module: hello.wasm\n"
             "  env: {MODE: x}\n  limits: {timeout: 2s}\n",
             error, sizeof error);
    CHECK(m && m->service_count == 2, "%s", error);
    if (m) {
        CHECK(m->services[0].kind == MANIFEST_SERVICE && m->services[1].kind == MANIFEST_PLUGIN);
        CHECK(strcmp(m->services[1].name, "up") == 0 && m->services[1].route_count == 0);
        CHECK(m->services[1].env_count == 1 && m->services[1].timeout_ns == 2000000000ull);
        manifest_free(m);
    }
    m = load("plugins:\n- {name: up, module: hello.wasm}\npipelines:\n- name: shout\n  stages: [up, "
             "\"up:handle_request\"]\n",
             error, sizeof error);
    CHECK(m && m->pipeline_count == 1, "pipelines: %s", error);
    if (m) {
        CHECK(strcmp(m->pipelines[0].name, "shout") == 0 && m->pipelines[0].stage_count == 2);
        CHECK(strcmp(m->pipelines[0].stages[1], "up:handle_request") == 0 && m->pipelines[0].line == 4);
        manifest_free(m);
    }
    m = load("plugins:\n- {name: up, module: hello.wasm}\n", error, sizeof error);
    CHECK(m && m->service_count == 1 && m->services[0].kind == MANIFEST_PLUGIN, "plugins alone: %s", error);
    manifest_free(m);

    /* Other listen forms; empty optional mappings; a block-style list of routes. */
    m = load("listen: '[::1]:8080'\ndefaults:\nservices:\n  - name: a\n    module: hello.wasm\n    limits:\n"
             "    env:\n    dirs:\n    routes:\n    - /x\n",
             error, sizeof error);
    CHECK(m && strcmp(m->listen_host, "::1") == 0 && m->listen_port == 8080);
    if (!m)
        fprintf(stderr, "  %s\n", error);
    manifest_free(m);
    m = load("defaults: ~\nservices:\n- {name: a, module: hello.wasm, routes: [/], limits: null, env: ~}\n", error,
             sizeof error);
    CHECK(m && m->services[0].env_count == 0 && m->services[0].max_memory_bytes == 0);
    manifest_free(m);
    m = load("listen: :8080\nservices: [{name: a, module: hello.wasm, routes: [/x]}]\n", error, sizeof error);
    CHECK(m && strcmp(m->listen_host, "0.0.0.0") == 0 && m->listen_port == 8080);
    manifest_free(m);

    /* A relative manifest path: paths resolve against its folder, not the working directory's
     * name, and messages name the file as given. */
    char previous[PATH_MAX];
    CHECK(getcwd(previous, sizeof previous) != NULL);
    CHECK(chdir(folder) == 0);
    m = manifest_load("wasmhost.yaml", error, sizeof error);
    CHECK(m && strcmp(m->folder, real_folder) == 0 && strcmp(m->path, "wasmhost.yaml") == 0);
    manifest_free(m);
    write_file("wasmhost.yaml", "services: 5\n");
    CHECK(manifest_load("wasmhost.yaml", error, sizeof error) == NULL &&
          strncmp(error, "wasmhost.yaml:1:11: ", 20) == 0);
    CHECK(chdir(previous) == 0);
}

/* What a guest may reach: allowed_outbound_hosts, key_value_stores, variables and their limits. */
static void test_capabilities(void)
{
    char error[1024] = "";
    manifest *m =
        load("services:\n"
             "  - name: a\n"
             "    module: hello.wasm\n"
             "    routes: [/]\n"
             "    allowed_outbound_hosts: [\"https://api.example.com\", \"http://127.0.0.1:*\", \"*://*:8080\"]\n"
             "    key_value_stores: [links, other]\n"
             "    variables: {plain: 5, token: {env: TOKEN}, key: {file: secret.txt}}\n"
             "    limits: {outbound_requests: 3, outbound_response: 2MiB}\n",
             error, sizeof error);
    CHECK(m != NULL, "%s", error);
    if (m) {
        const manifest_service *a = &m->services[0];
        CHECK(a->outbound_host_count == 3 && strcmp(a->outbound_hosts[1], "http://127.0.0.1:*") == 0);
        CHECK(a->kv_store_count == 2 && strcmp(a->kv_stores[0], "links") == 0);
        CHECK(a->variable_count == 3);
        CHECK(a->variable_count == 3 && a->variables[0].source == MANIFEST_VALUE_LITERAL &&
              strcmp(a->variables[0].text, "5") == 0 && a->variables[1].source == MANIFEST_VALUE_ENV &&
              strcmp(a->variables[1].text, "TOKEN") == 0 && a->variables[2].source == MANIFEST_VALUE_FILE &&
              a->variables[2].text[0] == '/' && strstr(a->variables[2].text, "/secret.txt"));
        CHECK(a->max_outbound_requests == 3 && a->max_outbound_response_bytes == 2u << 20);
    }
    manifest_free(m);
    const char *head = "services:\n  - name: a\n    module: hello.wasm\n    routes: [/]\n";
    char text[1024];
#define WITH(line) (snprintf(text, sizeof text, "%s%s", head, line), text)
    EXPECT_ERROR(WITH("    allowed_outbound_hosts: [api.example.com]\n"), 5, 30,
                 "entry #1 'api.example.com' has no scheme");
    EXPECT_ERROR(WITH("    allowed_outbound_hosts: [\"ftp://x\"]\n"), 5, 30, "scheme other than http, https or *");
    EXPECT_ERROR(WITH("    allowed_outbound_hosts: [\"http://x:99999\"]\n"), 5, 30, "port that is not a number");
    EXPECT_ERROR(WITH("    allowed_outbound_hosts: [\"http://x/path\"]\n"), 5, 30, "has a path");
    EXPECT_ERROR(WITH("    allowed_outbound_hosts: [\"http://a b\"]\n"), 5, 30, "neither a name");
    EXPECT_ERROR(WITH("    allowed_outbound_hosts: https://x\n"), 5, 29, "must be a list");
    EXPECT_ERROR(WITH("    key_value_stores: [links, links]\n"), 5, 31, "'links' is listed twice");
    EXPECT_ERROR(WITH("    key_value_stores: [\"a b\"]\n"), 5, 24, "key-value store #1 'a b'");
    EXPECT_ERROR(WITH("    variables: {x: {envv: A}}\n"), 5, 20, "variable 'x' must be a single value, {env: NAME}");
    EXPECT_ERROR(WITH("    variables: {x: 1, x: 2}\n"), 5, 23, "variable 'x' is set twice");
    EXPECT_ERROR(WITH("    limits: {outbound_requests: 0}\n"), 5, 33, "from 1 to 10000");
#undef WITH
}

static void test_errors(void)
{
    /* YAML syntax */
    EXPECT_ERROR("services:\n  - name: a\n    routes: [/x\n", 4, 1, "YAML syntax error",
                 "did not find expected ',' or ']'", "line 3, column 13");
    EXPECT_ERROR("services:\n  - name: a\n   module: b\n", 3, 4, "YAML syntax error", "line 2, column 3");
    EXPECT_ERROR("services:\n  - name: \"a\xff\"\n", 2, 13, "not valid YAML text");
    EXPECT_ERROR("", 1, 1, "the manifest is empty");
    EXPECT_ERROR("# nothing\n", 1, 1, "the manifest is empty");
    EXPECT_ERROR("services: [{name: a, module: hello.wasm, routes: [/a]}]\n---\nservices: []\n", 2, 1,
                 "a second YAML document");

    /* Unknown keys, with the key's own position. */
    EXPECT_ERROR("services:\n  - name: api\n    module: hello.wasm\n    rootes: [/x]\n", 4, 5,
                 "unknown key 'rootes' in service 'api' (did you mean 'routes'?)");
    EXPECT_ERROR("listen: :80\nservice:\n  - name: a\n", 2, 1,
                 "unknown key 'service' at the top level (did you mean 'services'?)");
    EXPECT_ERROR(
        "workers: 4\nservices: []\n", 1, 1,
        "unknown key 'workers' at the top level (expected one of: listen, defaults, services, plugins, pipelines)");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    limits: {memory: 1MiB}\n", 5,
                 14, "unknown key 'memory' in 'limits' in service 'a'");
    EXPECT_ERROR("defaults:\n  timout: 1s\nservices: []\n", 2, 3,
                 "unknown key 'timout' in 'defaults' (did you mean 'timeout'?)");
    EXPECT_ERROR("services:\n  - module: hello.wasm\n    routes: [/a]\n    nmae: x\n", 4, 5,
                 "unknown key 'nmae' in service #1");

    /* Wrong types */
    EXPECT_ERROR("services:\n  - name: api\n    module: hello.wasm\n    routes: 5\n", 4, 13,
                 "'routes' in service 'api' must be a list", "not the value '5'");
    EXPECT_ERROR("services:\n  - name: [a]\n    module: hello.wasm\n    routes: [/a]\n", 2, 11,
                 "'name' in service #1 must be a single value, not a list");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a, [/b]]\n", 4, 18,
                 "entry #2 of 'routes' in service 'a' must be a single value, not a list");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n  - 5\n", 5, 5,
                 "service #2 must be a mapping", "not the value '5'");
    EXPECT_ERROR("services: {name: a}\n", 1, 11, "'services' must be a list", "not a mapping");
    EXPECT_ERROR("- a\n", 1, 1, "the manifest must be a mapping", "not a list");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    limits: [1, 2]\n", 5, 13,
                 "'limits' in service 'a' must be a mapping");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    env: [A, B]\n", 5, 10,
                 "'env' in service 'a' must be a mapping of NAME: value, not a list");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    env: {A: [1]}\n", 5, 14,
                 "service 'a': environment variable 'A' must be a single value, not a list");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    dirs: /data\n", 5, 11,
                 "'dirs' in service 'a' must be a mapping of guest path: host path, not the value '/data'");

    /* Sizes, durations, counts */
    EXPECT_ERROR(
        "services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    limits: {max_memory: 16 megs}\n", 5, 26,
        "service 'a': max_memory '16 megs' is not a size", "KiB, MiB, GiB");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    limits:\n      timeout: fast\n",
                 6, 16, "service 'a': timeout 'fast' is not a duration", "500ms");
    EXPECT_ERROR("defaults: {max_body: 1 MiBs}\nservices: []\n", 1, 22, "'defaults': max_body '1 MiBs' is not a size");
    EXPECT_ERROR("defaults: {timeout: 0s}\nservices: []\n", 1, 21, "'defaults': timeout must be more than zero");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    limits: {max_memory: 5GiB}\n",
                 5, 26, "more than the 4GiB");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    concurrency: 0\n", 5, 18,
                 "service 'a': concurrency '0' must be a whole number of requests, at least 1");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    limits: {fuel: lots}\n", 5, 20,
                 "service 'a': fuel 'lots' must be a whole number");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    limits: {timeout: }\n", 5, 23,
                 "service 'a': timeout has no value");

    /* Routes */
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a, api/users]\n", 4, 18,
                 "service 'a': route 'api/users' must start with '/'");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/api/.../users]\n", 4, 14,
                 "service 'a': route '/api/.../users' may use '...' only at its very end");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/api...]\n", 4, 14,
                 "route '/api...' may use '...' only at its very end");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a//b]\n", 4, 14, "empty segment");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a/../b]\n", 4, 14,
                 "must not contain '.' or '..' segments");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: ['/a?b=1']\n", 4, 14,
                 "must be a plain path");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: []\n", 4, 13,
                 "service 'a': 'routes' is empty");

    /* Duplicates */
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n"
                 "  - name: a\n    module: hello.wasm\n    routes: [/b]\n",
                 5, 11, "service name 'a' is used twice (first at line 2)");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a, /b, /a]\n", 4, 22,
                 "service 'a': route '/a' is listed twice");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/api/...]\n"
                 "  - name: b\n    module: hello.wasm\n    routes: [/b, /api/...]\n",
                 7, 18, "service 'b': route '/api/...' is already served by service 'a' (line 4)");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/health]\n"
                 "  - name: b\n    module: hello.wasm\n    routes:\n      - /health\n",
                 8, 9, "service 'b': route '/health' is already served by service 'a'");
    EXPECT_ERROR("services:\n  - name: a\n    name: b\n    module: hello.wasm\n    routes: [/a]\n", 3, 5,
                 "'name' appears twice in service 'a'");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    env: {A: 1, A: 2}\n", 5, 17,
                 "service 'a': environment variable 'A' is set twice");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    dirs: {/d: data, /d: sub}\n", 5,
                 22, "service 'a': guest path '/d' appears twice");

    /* Files */
    char fragment[2 * PATH_MAX];
    snprintf(fragment, sizeof fragment, "service 'api': module 'missing.wasm' not found (resolved to %s/missing.wasm)",
             real_folder);
    EXPECT_ERROR("services:\n  - name: api\n    module: missing.wasm\n    routes: [/a]\n", 3, 13, fragment);
    snprintf(fragment, sizeof fragment, "module 'sub/../nope/./x.wasm' not found (resolved to %s/nope/x.wasm)",
             real_folder);
    EXPECT_ERROR("services:\n  - name: api\n    module: sub/../nope/./x.wasm\n    routes: [/a]\n", 3, 13, fragment);
    EXPECT_ERROR("services:\n  - name: api\n    module: sub\n    routes: [/a]\n", 3, 13,
                 "service 'api': module 'sub' is not a file");
    EXPECT_ERROR("services:\n  - name: api\n    module: ''\n    routes: [/a]\n", 3, 13, "'module' is empty");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    dirs: {/data: nowhere}\n", 5,
                 19, "service 'a': directory 'nowhere' for '/data' not found (resolved to ");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    dirs: {/data: hello.wasm}\n", 5,
                 19, "service 'a': 'hello.wasm' for '/data' is not a directory");

    /* Missing keys, at the start of the mapping that lacks them */
    EXPECT_ERROR("services:\n  - module: hello.wasm\n    routes: [/a]\n", 2, 5,
                 "service #1 has no 'name', which is required");
    EXPECT_ERROR("services:\n  - name: a\n    routes: [/a]\n", 2, 5, "service 'a' has no 'module', which is required");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n  - name: b\n    module: hello.wasm\n", 2, 5,
                 "service 'a' has no 'routes', which is required");
    EXPECT_ERROR("listen: :80\n", 1, 1, "the manifest has no 'services' and no 'plugins': list at least one");
    EXPECT_ERROR("plugins:\n- {name: up, module: hello.wasm, routes: [/up]}\n", 2, 34,
                 "unknown key 'routes' in plugin 'up'");
    EXPECT_ERROR("services:\n- {name: a, module: hello.wasm, routes: [/]}\nplugins:\n- {name: a, module: hello.wasm}\n",
                 4, 10, "plugin name 'a' is used twice (first at line 2, by a service)");
    EXPECT_ERROR("plugins: []\n", 1, 10, "'plugins' is empty: list at least one plugin (name, module)");
    EXPECT_ERROR("plugins: [{name: up, module: hello.wasm}]\npipelines:\n- {name: p, stages: [up, \"up:\"]}\n", 3, 26,
                 "pipeline 'p': stage #2 'up:' has an empty or malformed export");
    EXPECT_ERROR("plugins: [{name: up, module: hello.wasm}]\npipelines:\n- {name: p, stages: []}\n", 3, 21,
                 "pipeline 'p': 'stages' is empty");
    EXPECT_ERROR("plugins: [{name: up, module: hello.wasm}]\npipelines:\n- {name: p, stages: [up]}\n"
                 "- {name: p, stages: [up]}\n",
                 4, 10, "pipeline name 'p' is used twice (first at line 3)");
    EXPECT_ERROR("services: []\n", 1, 11, "'services' is empty");

    /* YAML that is valid but not a manifest */
    EXPECT_ERROR("? [a, b]\n: 1\nservices: []\n", 1, 3, "a key must be a name, not a list");
    EXPECT_ERROR("services:\n  - &one {name: a, module: hello.wasm, routes: [/a]}\n  - *one\n", 2, 17,
                 "service name 'a' is used twice");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    env: *nothing\n", 5, 10,
                 "found undefined alias");

    /* Other values */
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    abi: grpc\n    routes: [/a]\n", 4, 10,
                 "service 'a': abi 'grpc' must be 'wagi' or 'http'");
    EXPECT_ERROR("services:\n  - name: my api\n    module: hello.wasm\n    routes: [/a]\n", 2, 11,
                 "service name 'my api' must be a non-empty word");
    EXPECT_ERROR("listen: 8080\nservices: []\n", 1, 9, "listen address '8080' is not HOST:PORT");
    EXPECT_ERROR("listen: '::1:8080'\nservices: []\n", 1, 9, "listen address '::1:8080' is not HOST:PORT");
}

/* `count` copies of `piece`, between `head` and `tail`, in a new buffer (each of at most two %d in
 * `piece` is the copy's number). */
static char *repeat(const char *head, const char *piece, size_t count, const char *tail)
{
    size_t size = strlen(head) + count * (strlen(piece) + 12) + strlen(tail) + 1, used = 0;
    char *text = malloc(size);
    if (!text)
        exit(1);
    used += (size_t)snprintf(text + used, size - used, "%s", head);
    for (size_t i = 0; i < count; i++)
        used += (size_t)snprintf(text + used, size - used, piece, (int)i, (int)i);
    snprintf(text + used, size - used, "%s", tail);
    return text;
}

/* YAML written to hurt: anchors and aliases, deep nesting, a file that stands for a huge one. */
static void test_hostile(void)
{
    /* Aliases work: one env for two services; an anchor defined again means its latest node. */
    char error[1024] = "";
    manifest *m = load("services:\n  - {name: a, module: hello.wasm, routes: [/a], env: &e {A: '1', B: &b /x}}\n"
                       "  - {name: b, module: hello.wasm, routes: [/b], env: *e, dirs: &e {/d: data}}\n"
                       "  - {name: c, module: hello.wasm, routes: [*b], dirs: *e}\n",
                       error, sizeof error);
    CHECK(m && m->service_count == 3, "%s", error);
    if (m && m->service_count == 3) {
        const char *value = NULL;
        CHECK(env_value_count(&m->services[1], "A", &value) == 1 && strcmp(value, "1") == 0);
        CHECK(m->services[2].dir_count == 1 && strcmp(m->services[2].dirs[0].guest_path, "/d") == 0);
        CHECK(m->services[2].route_count == 1 && strcmp(m->services[2].routes[0].path, "/x") == 0);
    }
    manifest_free(m);

    EXPECT_ERROR("services: &s\n  - *s\n", 2, 5, "alias '*s' is inside the node it refers to (line 1)");
    EXPECT_ERROR("services:\n  - name: a\n    module: hello.wasm\n    routes: [/a]\n    env: {A: 1}\n    env: {B: 2}\n",
                 6, 5, "'env' appears twice in service 'a'");
    EXPECT_ERROR("services:\n  - {name: \"a\\0b\", module: hello.wasm, routes: [/a]}\n", 2, 12, "NUL character");
    EXPECT_ERROR("services:\n  - {name: a, module: hello.wasm, routes: [/a],\n"
                 "     concurrency: 99999999999999999999999}\n",
                 3, 19, "service 'a': concurrency '99999999999999999999999' must be a whole number");
    EXPECT_ERROR("services:\n  - {name: a, module: hello.wasm, routes: [/a],\n"
                 "     limits: {timeout: 99999999999999999999h}}\n",
                 3, 24, "service 'a': timeout '99999999999999999999h' is not a duration");

    /* Nesting stops at the 33rd level (the top-level mapping is the first), however deep the file
     * goes: libyaml's scanner slows down with the depth, and a megabyte of '[' must not take minutes. */
    char *text = repeat("services: ", "[", 1000000, "");
    EXPECT_ERROR(text, 1, 42, "lists and mappings are nested more than 32 deep here");
    free(text);
    text = repeat("services:\n", "- ", 100000, "x\n");
    EXPECT_ERROR(text, 2, 63, "nested more than 32 deep");
    free(text);

    /* Too many values, written out or through an alias used many times. */
    text = repeat("services: [", "a, ", 1100000, "a]\n");
    EXPECT_ERROR(text, 1, 3000003, "the manifest holds more than 1000000 values");
    free(text);
    text =
        repeat("services:\n  - {name: a, module: hello.wasm, routes: [/a], env: &e {", "K%d: v, ", 20000, "K: v}}\n");
    size_t length = strlen(text);
    char *more = repeat("", "  - {name: s%d, module: hello.wasm, routes: [/s%d], env: *e}\n", 100, "");
    text = realloc(text, length + strlen(more) + 1);
    if (!text)
        exit(1);
    strcpy(text + length, more);
    free(more);
    m = load(text, error, sizeof error);
    CHECK(!m && strstr(error, "the manifest holds more than 1000000 values once its aliases are expanded"), "%s",
          error);
    manifest_free(m);
    free(text);
}

static void test_other_failures(void)
{
    char error[1024];
    char missing[PATH_MAX + 32];
    snprintf(missing, sizeof missing, "%s/none.yaml", folder);
    CHECK(manifest_load(missing, error, sizeof error) == NULL && strstr(error, "none.yaml: cannot open") &&
          strstr(error, "No such file"));
    snprintf(missing, sizeof missing, "%s/nowhere/none.yaml", folder);
    CHECK(manifest_load(missing, error, sizeof error) == NULL && strstr(error, "nowhere/none.yaml: "));
    snprintf(missing, sizeof missing, "%s/sub", folder);
    CHECK(manifest_load(missing, error, sizeof error) == NULL && strstr(error, "sub: cannot read"));

    /* A small error buffer truncates the message, never overruns; a zero-sized one is left alone. */
    char small[12];
    memset(small, 'x', sizeof small);
    CHECK(load("services: 5\n", small, sizeof small) == NULL && strlen(small) == sizeof small - 1);
    CHECK(load("services: 5\n", small, 0) == NULL);
}

int main(void)
{
    snprintf(folder, sizeof folder, "%s/manifest_test_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(folder) || !realpath(folder, real_folder)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(manifest_path, sizeof manifest_path, "%s/wasmhost.yaml", folder);
    write_file("hello.wasm", "");
    make_folder("sub");
    write_file("sub/echo.wasm", "");
    make_folder("data");
    make_folder("static");

    unsetenv("WASM_TIMEOUT");
    unsetenv("WASM_CACHE_SIZE");
    test_values();
    test_full();
    test_minimal();
    test_errors();
    test_capabilities();
    test_hostile();
    test_other_failures();

    char command[PATH_MAX + 16];
    snprintf(command, sizeof command, "rm -rf '%s'", folder);
    if (system(command) != 0)
        fprintf(stderr, "could not remove %s\n", folder);
    return checks_done("manifest");
}
