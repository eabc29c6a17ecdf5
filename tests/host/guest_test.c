/* guest_test.c: guest_handle on both ABIs: responses, CGI, isolation, failures, load-time checks, threads, timing. */
#include "guest.h"
#include "test_support.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *examples_dir, *guests_dir;
static wasm_engine_t *engine, *fuel_engine;

/* ---- the log: what guests write to stderr, as "service request-id: text" ---- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_text[65536];
static size_t log_length;

static void log_stderr(void *user, const char *service, const char *request_id, const uint8_t *data, size_t size)
{
    (void)user;
    pthread_mutex_lock(&log_lock);
    int room = (int)(sizeof log_text - log_length);
    int written = snprintf(log_text + log_length, (size_t)room, "%s %s: %.*s", service, request_id, (int)size,
                           (const char *)data);
    if (written > 0)
        log_length += written < room ? (size_t)written : (size_t)room - 1;
    pthread_mutex_unlock(&log_lock);
}

static void log_clear(void)
{
    pthread_mutex_lock(&log_lock);
    log_length = 0;
    log_text[0] = '\0';
    pthread_mutex_unlock(&log_lock);
}

/* ---- modules, services and requests ---- */

static wasm_module_t *load(wasm_engine_t *with, const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.wasm", dir, name);
    FILE *file = fopen(path, "rb");
    CHECK(file != NULL, "cannot open %s", path);
    if (!file)
        exit(checks_done("guest_test"));
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    wasm_byte_vec_t bytes;
    wasm_byte_vec_new_uninitialized(&bytes, (size_t)size);
    bool whole = fread(bytes.data, 1, (size_t)size, file) == (size_t)size;
    CHECK(whole, "cannot read %s", path);
    if (!whole)
        exit(checks_done("guest_test"));
    fclose(file);
    wasm_store_t *store = wasm_store_new(with);
    wasm_module_t *module = wasm_module_new(store, &bytes);
    wasm_store_delete(store);
    wasm_byte_vec_delete(&bytes);
    CHECK(module != NULL, "cannot compile %s: %s", path, wh_last_error_message());
    if (!module)
        exit(checks_done("guest_test"));
    return module;
}

static guest_service service_for(const char *name, guest_abi abi, wasm_module_t *module)
{
    return (guest_service){
        .name = name,
        .abi = abi,
        .engine = engine,
        .module = module,
        .timeout_ns = 10000000000u,
        .max_response_bytes = 1u << 20,
        .log_stderr = log_stderr,
    };
}

static http_request *make_request(const char *method, const char *target, const http_header *headers,
                                  size_t header_count, const char *body)
{
    http_request *request = http_request_create(method, target, headers, header_count, body, body ? strlen(body) : 0);
    snprintf(request->remote_address, sizeof request->remote_address, "127.0.0.1");
    static int next_id;
    snprintf(request->request_id, sizeof request->request_id, "req-%d", ++next_id);
    return request;
}

/* One request and what came of it. */
typedef struct exchange {
    http_response response;
    guest_outcome outcome;
    char body[8192]; /* the body, NUL-terminated (cut at 8 KiB) */
} exchange;

static void run(const guest_service *service, const char *route, http_request *request, exchange *out)
{
    http_response_init(&out->response, 200);
    guest_handle(service, route, request, &out->response, &out->outcome);
    size_t length = out->response.body_length < sizeof out->body - 1 ? out->response.body_length : sizeof out->body - 1;
    if (length)
        memcpy(out->body, out->response.body, length);
    out->body[length] = '\0';
    http_request_free(request);
}

static void done(exchange *out) { http_response_free(&out->response); }

static const char *response_header(const http_response *response, const char *name)
{
    for (size_t i = 0; i < response->header_count; i++)
        if (strcasecmp(response->headers[i].name, name) == 0)
            return response->headers[i].value;
    return NULL;
}

static const char *kind_name(guest_outcome_kind kind)
{
    static const char *const names[] = {"OK", "TRAP", "TIMEOUT", "MEMORY", "FUEL", "BAD_RESPONSE", "INSTANTIATE"};
    return kind <= GUEST_INSTANTIATE ? names[kind] : "?";
}

/* Checks a response: outcome OK, the status, content-type and body. */
static void expect(const char *what, const guest_service *service, const char *route, http_request *request, int status,
                   const char *content_type, const char *body)
{
    exchange x;
    run(service, route, request, &x);
    CHECK(x.outcome.kind == GUEST_OK, "%s: outcome %s: %s", what, kind_name(x.outcome.kind), x.outcome.message);
    CHECK(x.response.status == status, "%s: status %d, expected %d", what, x.response.status, status);
    const char *type = response_header(&x.response, "content-type");
    CHECK(type && strcmp(type, content_type) == 0, "%s: content-type \"%s\", expected \"%s\"", what,
          type ? type : "(none)", content_type);
    CHECK(strcmp(x.body, body) == 0, "%s: body \"%s\", expected \"%s\"", what, x.body, body);
    done(&x);
}

/* Checks that a request fails with `kind`, the message holding `message`, and the response is
 * left empty with the status for that kind. */
static void expect_failure(const char *what, const guest_service *service, const char *route, http_request *request,
                           guest_outcome_kind kind, const char *message)
{
    exchange x;
    run(service, route, request, &x);
    CHECK(x.outcome.kind == kind, "%s: outcome %s, expected %s: %s", what, kind_name(x.outcome.kind), kind_name(kind),
          x.outcome.message);
    CHECK(strstr(x.outcome.message, message) != NULL, "%s: message \"%s\" lacks \"%s\"", what, x.outcome.message,
          message);
    int status = kind == GUEST_TIMEOUT ? 504 : kind == GUEST_BAD_RESPONSE ? 502 : 500;
    CHECK(x.response.status == status, "%s: status %d, expected %d", what, x.response.status, status);
    CHECK(x.response.body_length == 0 && x.response.header_count == 0, "%s: the response kept what the guest wrote",
          what);
    done(&x);
}

static double seconds_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* ---- the example services ---- */

static void test_hello(guest_service *http, guest_service *wagi)
{
    for (int with_plan = 0; with_plan < 2; with_plan++) {
        char error[256] = "";
        guest_plan *plan = with_plan ? guest_plan_new(GUEST_ABI_HTTP, engine, http->module, error, sizeof error) : NULL;
        CHECK(!with_plan || plan, "guest_plan_new(hello_http): %s", error);
        http->plan = plan;
        expect("http /health", http, "/...", make_request("GET", "/health", NULL, 0, NULL), 200, "text/plain", "OK");
        expect("http /api/users", http, "/...", make_request("GET", "/api/users", NULL, 0, NULL), 200,
               "application/json", "{\"users\": []}");
        expect("http /nope", http, "/...", make_request("GET", "/nope?x=1", NULL, 0, NULL), 404, "text/plain",
               "Not Found\n");
        http->plan = NULL;
        guest_plan_delete(plan);
    }
    /* The wagi guest answers by the path within its route (PATH_INFO; SCRIPT_NAME for an exact
     * route), so it behaves the same wherever it is mounted. */
    expect("wagi /health", wagi, "/...", make_request("GET", "/health", NULL, 0, NULL), 200, "text/plain", "OK");
    expect("wagi /health exact", wagi, "/health", make_request("GET", "/health", NULL, 0, NULL), 200, "text/plain",
           "OK");
    expect("wagi /api/users", wagi, "/wagi/...", make_request("GET", "/wagi/api/users", NULL, 0, NULL), 200,
           "application/json", "{\"users\": []}");
    expect("wagi /nope", wagi, "/...", make_request("GET", "/nope", NULL, 0, NULL), 404, "text/plain", "Not Found\n");
}

static void test_echo(guest_service *echo)
{
    http_header headers[] = {{"Host", "example.com"}, {"X-Test", "yes"}};
    expect(
        "echo", echo, "/echo/...", make_request("POST", "/echo/x?a=1&b=%20", headers, 2, "hello body"), 200,
        "text/plain; charset=utf-8",
        "method: POST\npath: /echo/x\nquery: a=1&b=%20\nheader: Host: example.com\nheader: X-Test: yes\n\nhello body");

    /* A body larger than the guest's 16 KiB buffer comes back whole, read in chunks. */
    size_t size = 100000;
    char *body = malloc(size + 1);
    for (size_t i = 0; i < size; i++)
        body[i] = (char)('a' + i % 26);
    body[size] = '\0';
    exchange x;
    http_response_init(&x.response, 200);
    http_request *request = make_request("PUT", "/big", NULL, 0, body);
    guest_handle(echo, "/...", request, &x.response, &x.outcome);
    http_request_free(request);
    const char *expected_head = "method: PUT\npath: /big\nquery: \n\n";
    size_t head = strlen(expected_head);
    CHECK(x.outcome.kind == GUEST_OK, "echo big: %s", x.outcome.message);
    CHECK(x.response.body_length == head + size && memcmp(x.response.body, expected_head, head) == 0 &&
              memcmp(x.response.body + head, body, size) == 0,
          "echo big: %zu bytes back, expected %zu", x.response.body_length, head + size);
    done(&x);
    free(body);
}

/* ---- wagi: CGI variables, arguments, stdin, output conventions ---- */

static void expect_line(const char *body, const char *line, bool present)
{
    char needle[512];
    snprintf(needle, sizeof needle, "\n%s\n", line);
    const char *found = strstr(body, needle);
    if (!found && strncmp(body, line, strlen(line)) == 0 && body[strlen(line)] == '\n')
        found = body;
    CHECK((found != NULL) == present, "cgi_dump: line \"%s\" %s in:\n%s", line, present ? "missing" : "present", body);
}

static void test_cgi(guest_service *dump)
{
    const char *env_names[] = {"GREETING", "PATH_INFO", "HTTP_X_CUSTOM_HEADER", "EMPTY"};
    const char *env_values[] = {"hi there", "override", "no", ""};
    dump->env_names = env_names;
    dump->env_values = env_values;
    dump->env_count = 4;
    http_header headers[] = {
        {"Host", "example.com:8080"}, {"X-Custom-Header", "v1"}, {"Content-Type", "text/plain"},
        {"x-custom-header", "v2"},    {"Proxy", "http://evil"},  {"Authorization", "Bearer t"},
    };
    exchange x;
    run(dump, "/dump/...", make_request("POST", "/dump/sub%20dir?x=1&y=a%20b&&z=%00", headers, 6, "stdin data"), &x);
    CHECK(x.outcome.kind == GUEST_OK, "cgi_dump: %s: %s", kind_name(x.outcome.kind), x.outcome.message);
    CHECK(x.response.status == 201, "cgi_dump: status %d (\"status: 201 Created\")", x.response.status);
    const char *guest = response_header(&x.response, "x-guest");
    CHECK(guest && strcmp(guest, "cgi_dump") == 0, "cgi_dump: x-guest header %s", guest ? guest : "(none)");
    CHECK(!response_header(&x.response, "status"), "cgi_dump: the status header was passed through");
    const char *lines[] = {
        "arg 0=/dump/sub%20dir",
        "arg 1=x=1",
        "arg 2=y=a b",
        "arg 3=",
        "arg 4=z=%00",
        "env REQUEST_METHOD=POST",
        "env PATH_INFO=/sub dir",
        "env PATH_TRANSLATED=/sub dir",
        "env X_RAW_PATH_INFO=/sub%20dir",
        "env SCRIPT_NAME=/dump",
        "env X_MATCHED_ROUTE=/dump/...",
        "env QUERY_STRING=x=1&y=a%20b&&z=%00",
        "env SERVER_NAME=example.com",
        "env SERVER_PORT=8080",
        "env SERVER_PROTOCOL=HTTP/1.1",
        "env GATEWAY_INTERFACE=CGI/1.1",
        "env CONTENT_LENGTH=10",
        "env CONTENT_TYPE=text/plain",
        "env REMOTE_ADDR=127.0.0.1",
        "env REMOTE_HOST=127.0.0.1",
        "env X_FULL_URL=http://example.com:8080/dump/sub%20dir?x=1&y=a%20b&&z=%00",
        "env HTTP_HOST=example.com:8080",
        "env HTTP_X_CUSTOM_HEADER=v1, v2",
        "env HTTP_AUTHORIZATION=Bearer t",
        "env GREETING=hi there",
        "env EMPTY=",
        "stdin stdin data",
    };
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        expect_line(x.body, lines[i], true);
    /* The request's variables win over the service's; "Proxy" does not become HTTP_PROXY. */
    expect_line(x.body, "env PATH_INFO=override", false);
    expect_line(x.body, "env HTTP_X_CUSTOM_HEADER=no", false);
    expect_line(x.body, "env HTTP_PROXY=http://evil", false);
    CHECK(strstr(x.body, "arg 5") == NULL, "cgi_dump: too many arguments:\n%s", x.body);
    done(&x);

    /* An exact route: SCRIPT_NAME is the route, PATH_INFO empty. */
    run(dump, "/dump", make_request("GET", "/dump", NULL, 0, NULL), &x);
    expect_line(x.body, "env SCRIPT_NAME=/dump", true);
    expect_line(x.body, "env PATH_INFO=", true);
    expect_line(x.body, "env X_MATCHED_ROUTE=/dump", true);
    expect_line(x.body, "env CONTENT_LENGTH=0", true);
    expect_line(x.body, "env SERVER_NAME=localhost", true);
    done(&x);
    /* "/...": SCRIPT_NAME "/", PATH_INFO the whole path. */
    run(dump, "/...", make_request("GET", "/a/b", NULL, 0, NULL), &x);
    expect_line(x.body, "env SCRIPT_NAME=/", true);
    expect_line(x.body, "env PATH_INFO=/a/b", true);
    done(&x);
    dump->env_names = dump->env_values = NULL;
    dump->env_count = 0;

    /* Output past the service's limit. */
    uint64_t limit = dump->max_response_bytes;
    dump->max_response_bytes = 100;
    expect_failure("wagi output limit", dump, "/...", make_request("GET", "/", NULL, 0, NULL), GUEST_BAD_RESPONSE,
                   "limit of 100 bytes");
    dump->max_response_bytes = limit;
}

static void test_wagi_failures(wasm_module_t *malformed, wasm_module_t *exit3, wasm_module_t *stderr_module,
                               wasm_module_t *hog, wasm_module_t *hello)
{
    guest_service service = service_for("malformed", GUEST_ABI_WAGI, malformed);
    expect_failure("malformed", &service, "/...", make_request("GET", "/", NULL, 0, NULL), GUEST_BAD_RESPONSE,
                   "no blank line");

    service = service_for("exit3", GUEST_ABI_WAGI, exit3);
    expect_failure("exit 3", &service, "/...", make_request("GET", "/", NULL, 0, NULL), GUEST_TRAP, "code 3");

    service = service_for("chatty", GUEST_ABI_WAGI, stderr_module);
    log_clear();
    http_request *request = make_request("GET", "/", NULL, 0, NULL);
    char line[128];
    snprintf(line, sizeof line, "chatty %s: written to stderr by the guest\n", request->request_id);
    expect("stderr", &service, "/...", request, 200, "text/plain", "answered");
    CHECK(strstr(log_text, line) != NULL, "stderr: the log lacks \"%s\": \"%s\"", line, log_text);

    service = service_for("hog", GUEST_ABI_WAGI, hog);
    service.max_memory_bytes = 2u << 20;
    expect_failure("wagi memory hog", &service, "/...", make_request("GET", "/", NULL, 0, NULL), GUEST_MEMORY,
                   "memory cap of 2097152 bytes");

    /* A cap below the module's initial memory refuses the instance. */
    service = service_for("tiny", GUEST_ABI_WAGI, hello);
    service.max_memory_bytes = 65536;
    expect_failure("wagi below initial memory", &service, "/...", make_request("GET", "/health", NULL, 0, NULL),
                   GUEST_MEMORY, "does not fit");
}

/* ---- http: isolation and failures ---- */

static void test_http_failures(const char *dir)
{
    wasm_module_t *counter = load(engine, dir, "counter"), *trap = load(engine, dir, "trap"),
                  *loop = load(engine, dir, "loop"), *hog = load(engine, dir, "memory_hog"),
                  *misbehave = load(engine, dir, "misbehave"), *fuel_loop = load(fuel_engine, dir, "loop");

    guest_service service = service_for("counter", GUEST_ABI_HTTP, counter);
    for (int i = 0; i < 3; i++)
        expect("counter", &service, "/...", make_request("GET", "/", NULL, 0, NULL), 200, "text/plain", "1");

    service = service_for("trap", GUEST_ABI_HTTP, trap);
    expect_failure("trap", &service, "/...", make_request("GET", "/", NULL, 0, NULL), GUEST_TRAP, "unreachable");

    service = service_for("loop", GUEST_ABI_HTTP, loop);
    service.timeout_ns = 200000000;
    double start = seconds_now();
    expect_failure("loop", &service, "/...", make_request("GET", "/", NULL, 0, NULL), GUEST_TIMEOUT,
                   "timeout of 200 ms");
    double elapsed = seconds_now() - start;
    CHECK(elapsed >= 0.19 && elapsed < 20, "loop: stopped after %.3f s (timeout 0.2 s)", elapsed);

    service = service_for("fuel", GUEST_ABI_HTTP, fuel_loop);
    service.engine = fuel_engine;
    service.fuel = 1000000;
    exchange x;
    run(&service, "/...", make_request("GET", "/", NULL, 0, NULL), &x);
    CHECK(x.outcome.kind == GUEST_FUEL, "fuel: outcome %s: %s", kind_name(x.outcome.kind), x.outcome.message);
    CHECK(x.outcome.fuel_consumed >= 990000, "fuel: %llu consumed", (unsigned long long)x.outcome.fuel_consumed);
    CHECK(x.response.status == 500, "fuel: status %d", x.response.status);
    done(&x);

    service = service_for("hog", GUEST_ABI_HTTP, hog);
    service.max_memory_bytes = 2u << 20;
    expect_failure("http memory hog", &service, "/...", make_request("GET", "/", NULL, 0, NULL), GUEST_MEMORY,
                   "memory cap of 2097152 bytes");

    service = service_for("misbehave", GUEST_ABI_HTTP, misbehave);
    service.max_response_bytes = 65536;
    expect_failure("bad status", &service, "/...", make_request("GET", "/bad-status", NULL, 0, NULL),
                   GUEST_BAD_RESPONSE, "set_status(42)");
    expect_failure("bad header", &service, "/...", make_request("GET", "/bad-header", NULL, 0, NULL),
                   GUEST_BAD_RESPONSE, "control character");
    expect_failure("out of bounds", &service, "/...", make_request("GET", "/oob", NULL, 0, NULL), GUEST_TRAP,
                   "outside the guest's memory");
    expect_failure("big body", &service, "/...", make_request("GET", "/big", NULL, 0, NULL), GUEST_BAD_RESPONSE,
                   "limit of 65536 bytes");
    log_clear();
    run(&service, "/...", make_request("GET", "/log", NULL, 0, NULL), &x);
    CHECK(x.outcome.kind == GUEST_OK && x.response.status == 204, "log: %s %d", kind_name(x.outcome.kind),
          x.response.status);
    CHECK(strstr(log_text, "misbehave req-") && strstr(log_text, ": a line for the log"), "log: \"%s\"", log_text);
    done(&x);

    wasm_module_delete(counter);
    wasm_module_delete(trap);
    wasm_module_delete(loop);
    wasm_module_delete(hog);
    wasm_module_delete(misbehave);
    wasm_module_delete(fuel_loop);
}

/* An http guest built with wasi-libc: environment, constructors, stdout and stderr to the log. */
static void test_wasi_http(const char *dir)
{
    wasm_module_t *module = load(engine, dir, "wasi_http");
    guest_service service = service_for("wasi_http", GUEST_ABI_HTTP, module);
    const char *env_names[] = {"GREETING"}, *env_values[] = {"hello"};
    service.env_names = env_names;
    service.env_values = env_values;
    service.env_count = 1;
    char error[256] = "";
    guest_plan *plan = guest_plan_new(GUEST_ABI_HTTP, engine, module, error, sizeof error);
    CHECK(plan != NULL, "guest_plan_new(wasi_http): %s", error);
    service.plan = plan;
    log_clear();
    expect("wasi_http", &service, "/...", make_request("GET", "/", NULL, 0, NULL), 200, "text/plain",
           "hello (constructed: 1)");
    CHECK(strstr(log_text, "stdout line from wasi_http") && strstr(log_text, "stderr line from wasi_http"),
          "wasi_http: log \"%s\"", log_text);
    guest_plan_delete(plan);
    wasm_module_delete(module);
}

/* ---- load-time checks ---- */

static void expect_check(const char *what, guest_abi abi, wasm_module_t *module, bool fits, const char *message)
{
    char error[512] = "";
    bool result = guest_check_module(abi, module, error, sizeof error);
    CHECK(result == fits, "%s: guest_check_module %s: %s", what, result ? "accepted" : "refused", error);
    CHECK(fits || strstr(error, message), "%s: message \"%s\" lacks \"%s\"", what, error, message);
    guest_plan *plan = guest_plan_new(abi, engine, module, error, sizeof error);
    CHECK((plan != NULL) == fits, "%s: guest_plan_new %s: %s", what, plan ? "accepted" : "refused", error);
    guest_plan_delete(plan);
}

static void test_checks(wasm_module_t *hello_http, wasm_module_t *hello_wagi, const char *dir)
{
    wasm_module_t *no_handle = load(engine, dir, "no_handle"), *unknown = load(engine, dir, "unknown_import"),
                  *wrong = load(engine, dir, "wrong_signature");
    expect_check("hello_http as http", GUEST_ABI_HTTP, hello_http, true, NULL);
    expect_check("hello_wagi as wagi", GUEST_ABI_WAGI, hello_wagi, true, NULL);
    expect_check("no handle", GUEST_ABI_HTTP, no_handle, false, "export \"handle\"");
    expect_check("unknown import", GUEST_ABI_HTTP, unknown, false, "\"wasmhost_http\".\"teleport\"");
    expect_check("wrong signature", GUEST_ABI_HTTP, wrong, false,
                 "\"wasmhost_http\".\"write\": must be a func [i32 i32] -> [i32]");
    expect_check("hello_http as wagi", GUEST_ABI_WAGI, hello_http, false, "may import only WASI");
    expect_check("hello_wagi as http", GUEST_ABI_HTTP, hello_wagi, false, "export \"handle\"");
    wasm_module_delete(no_handle);
    wasm_module_delete(unknown);
    wasm_module_delete(wrong);

    /* The WAT example of docs/abi.md: no content-type unless the guest adds one. */
    wasm_module_t *minimal = load(engine, dir, "minimal");
    guest_service service = service_for("minimal", GUEST_ABI_HTTP, minimal);
    exchange x;
    run(&service, "/...", make_request("GET", "/", NULL, 0, NULL), &x);
    CHECK(x.outcome.kind == GUEST_OK && x.response.status == 200 && strcmp(x.body, "OK") == 0 &&
              x.response.header_count == 0,
          "minimal: %s %d \"%s\" with %zu headers", kind_name(x.outcome.kind), x.response.status, x.body,
          x.response.header_count);
    done(&x);
    wasm_module_delete(minimal);
}

/* ---- threads: one service, many requests at once ---- */

#define THREADS 4
#define REQUESTS_PER_THREAD 500

typedef struct thread_work {
    const guest_service *service;
    int wrong;
} thread_work;

static void *thread_main(void *argument)
{
    thread_work *work = argument;
    for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
        http_request *request = http_request_create("GET", "/", NULL, 0, NULL, 0);
        http_response response;
        http_response_init(&response, 200);
        guest_outcome outcome;
        guest_handle(work->service, "/...", request, &response, &outcome);
        if (outcome.kind != GUEST_OK || response.body_length != 1 || response.body[0] != '1')
            work->wrong++;
        http_response_free(&response);
        http_request_free(request);
    }
    return NULL;
}

static void test_threads(const char *dir)
{
    wasm_module_t *counter = load(engine, dir, "counter");
    guest_service service = service_for("counter", GUEST_ABI_HTTP, counter);
    char error[256];
    guest_plan *plan = guest_plan_new(GUEST_ABI_HTTP, engine, counter, error, sizeof error);
    service.plan = plan;
    pthread_t threads[THREADS];
    thread_work work[THREADS];
    for (int i = 0; i < THREADS; i++) {
        work[i] = (thread_work){&service, 0};
        pthread_create(&threads[i], NULL, thread_main, &work[i]);
    }
    int wrong = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        wrong += work[i].wrong;
    }
    CHECK(wrong == 0, "threads: %d of %d requests did not answer \"1\"", wrong, THREADS * REQUESTS_PER_THREAD);
    guest_plan_delete(plan);
    wasm_module_delete(counter);
}

/* ---- cost: the median time of one request to hello_http /health ---- */

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void measure(wasm_module_t *hello_http, int count)
{
    guest_service service = service_for("hello", GUEST_ABI_HTTP, hello_http);
    char error[256];
    guest_plan *plan = guest_plan_new(GUEST_ABI_HTTP, engine, hello_http, error, sizeof error);
    http_request *request = http_request_create("GET", "/health", NULL, 0, NULL, 0);
    double *times = malloc((size_t)count * sizeof *times);
    for (int with_plan = 1; with_plan >= 0; with_plan--) {
        service.plan = with_plan ? plan : NULL;
        int ok = 0;
        for (int i = 0; i < count; i++) {
            http_response response;
            http_response_init(&response, 200);
            guest_outcome outcome;
            double start = seconds_now();
            guest_handle(&service, "/...", request, &response, &outcome);
            times[i] = seconds_now() - start;
            ok += outcome.kind == GUEST_OK && response.status == 200;
            http_response_free(&response);
        }
        CHECK(ok == count, "measure: %d of %d requests answered 200", ok, count);
        qsort(times, (size_t)count, sizeof *times, compare_doubles);
        printf("guest_handle, hello_http GET /health, %s: median %.1f us, p99 %.1f us (%d requests)\n",
               with_plan ? "with a plan" : "without a plan", times[count / 2] * 1e6, times[count * 99 / 100] * 1e6,
               count);
    }
    free(times);
    http_request_free(request);
    guest_plan_delete(plan);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: guest_test EXAMPLES_SERVICES_DIR GUESTS_DIR [REQUESTS_TO_TIME]\n");
        return 2;
    }
    examples_dir = argv[1];
    guests_dir = argv[2];
    int timed = argc > 3 ? atoi(argv[3]) : 20000;
    engine = wasm_engine_new();
    wasm_config_t *config = wasm_config_new();
    wh_config_consume_fuel(config, true);
    fuel_engine = wasm_engine_new_with_config(config);

    wasm_module_t *hello_http = load(engine, examples_dir, "hello_http"),
                  *hello_wagi = load(engine, examples_dir, "hello_wagi"),
                  *echo_http = load(engine, examples_dir, "echo_http"), *dump = load(engine, guests_dir, "cgi_dump"),
                  *malformed = load(engine, guests_dir, "malformed"), *exit3 = load(engine, guests_dir, "exit3"),
                  *stderr_module = load(engine, guests_dir, "stderr"),
                  *hog_wagi = load(engine, guests_dir, "memory_hog_wagi");

    guest_service http = service_for("hello_http", GUEST_ABI_HTTP, hello_http);
    guest_service wagi = service_for("hello_wagi", GUEST_ABI_WAGI, hello_wagi);
    guest_service echo = service_for("echo", GUEST_ABI_HTTP, echo_http);
    guest_service dump_service = service_for("dump", GUEST_ABI_WAGI, dump);

    test_hello(&http, &wagi);
    test_echo(&echo);
    test_cgi(&dump_service);
    test_wagi_failures(malformed, exit3, stderr_module, hog_wagi, hello_wagi);
    test_http_failures(guests_dir);
    test_wasi_http(guests_dir);
    test_checks(hello_http, hello_wagi, guests_dir);
    test_threads(guests_dir);
    if (timed > 0)
        measure(hello_http, timed);

    wasm_module_delete(hello_http);
    wasm_module_delete(hello_wagi);
    wasm_module_delete(echo_http);
    wasm_module_delete(dump);
    wasm_module_delete(malformed);
    wasm_module_delete(exit3);
    wasm_module_delete(stderr_module);
    wasm_module_delete(hog_wagi);
    wasm_engine_delete(fuel_engine);
    wasm_engine_delete(engine);
    return checks_done("guest_test");
}
