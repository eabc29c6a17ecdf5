/* capabilities_test.c: end to end over loopback: a `wasmhost serve` whose guests reach an upstream started here (allow-list, redirects, DNS, deadline), key-value stores across requests and restarts, variables, logs, bad pointers, quotas, metrics, plugins and the admin API. */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_support.h" /* CHECK, now_ms, sleep_ms */

static const char *wasmhost, *guests, *workdir, *examples;
static char manifest_path[4096], state_dir[4096];
static pid_t server_pid;
static int server_port, admin_port, upstream_port;

/* ---- the server's log (its standard output), drained by a thread ---- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char *log_text;
static size_t log_length;

static void *drain_log(void *fd_pointer)
{
    int fd = (int)(intptr_t)fd_pointer;
    char buffer[4096];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) {
        pthread_mutex_lock(&log_lock);
        char *grown = realloc(log_text, log_length + (size_t)n + 1);
        if (grown) {
            log_text = grown;
            memcpy(log_text + log_length, buffer, (size_t)n);
            log_length += (size_t)n;
            log_text[log_length] = '\0';
        }
        pthread_mutex_unlock(&log_lock);
    }
    close(fd);
    return NULL;
}

static bool log_contains(const char *needle)
{
    pthread_mutex_lock(&log_lock);
    bool found = log_text && strstr(log_text, needle);
    pthread_mutex_unlock(&log_lock);
    return found;
}

/* The number after the last `marker` in the log, or 0. */
static int log_number_after(const char *marker)
{
    int value = 0;
    pthread_mutex_lock(&log_lock);
    for (const char *at = log_text; at && (at = strstr(at, marker)); at += strlen(marker))
        value = atoi(at + strlen(marker));
    pthread_mutex_unlock(&log_lock);
    return value;
}

/* ---- the upstream: a small HTTP/1.1 server on loopback ---- */

static void upstream_reply(int fd, int status, const char *headers, const char *body, size_t body_length)
{
    char head[512];
    int n = snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n%s\r\n", status, body_length, headers);
    send(fd, head, (size_t)n, MSG_NOSIGNAL);
    for (size_t sent = 0; sent < body_length;) {
        ssize_t k = send(fd, body + sent, body_length - sent, MSG_NOSIGNAL);
        if (k <= 0)
            return;
        sent += (size_t)k;
    }
}

static void *upstream_connection(void *fd_pointer)
{
    int fd = (int)(intptr_t)fd_pointer;
    char request[8192];
    size_t length = 0;
    for (;;) {
        ssize_t n = recv(fd, request + length, sizeof request - 1 - length, 0);
        if (n <= 0)
            break;
        length += (size_t)n;
        request[length] = '\0';
        char *end = strstr(request, "\r\n\r\n");
        if (!end)
            continue;
        char path[256] = "";
        sscanf(request, "%*s %255s", path);
        char location[256];
        if (strcmp(path, "/ok") == 0) {
            upstream_reply(fd, 200, strcasestr(request, "x-test: 1") ? "x-upstream: up\r\n" : "", "hello upstream", 14);
        } else if (strcmp(path, "/redirect-in") == 0) {
            upstream_reply(fd, 302, "Location: /ok\r\n", "", 0);
        } else if (strcmp(path, "/redirect-out") == 0) {
            snprintf(location, sizeof location, "Location: http://127.0.0.2:%d/ok\r\n", upstream_port);
            upstream_reply(fd, 302, location, "", 0);
        } else if (strcmp(path, "/big") == 0) {
            size_t size = 2u << 20;
            char *body = calloc(1, size);
            upstream_reply(fd, 200, "", body, size);
            free(body);
        } else if (strcmp(path, "/slow") == 0) {
            struct pollfd wait = {fd, POLLIN, 0};
            poll(&wait, 1, 5000); /* until the client goes away, or 5 s */
            upstream_reply(fd, 200, "", "late", 4);
        } else {
            upstream_reply(fd, 404, "", "", 0);
        }
        size_t used = (size_t)(end + 4 - request);
        memmove(request, request + used, length - used);
        length -= used;
    }
    close(fd);
    return NULL;
}

static void *upstream_accept(void *listener_pointer)
{
    int listener = (int)(intptr_t)listener_pointer;
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0)
            return NULL;
        pthread_t thread;
        pthread_create(&thread, NULL, upstream_connection, (void *)(intptr_t)fd);
        pthread_detach(thread);
    }
}

static bool start_upstream(void)
{
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 64) != 0 ||
        getsockname(listener, (struct sockaddr *)&address, &size) != 0)
        return false;
    upstream_port = ntohs(address.sin_port);
    pthread_t thread;
    pthread_create(&thread, NULL, upstream_accept, (void *)(intptr_t)listener);
    pthread_detach(thread);
    return true;
}

/* ---- the server under test ---- */

static bool start_server(void)
{
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0)
        return false;
    pthread_mutex_lock(&log_lock);
    free(log_text);
    log_text = NULL;
    log_length = 0;
    pthread_mutex_unlock(&log_lock);
    server_port = admin_port = 0;
    server_pid = fork();
    if (server_pid == 0) {
        dup2(pipe_fds[1], STDOUT_FILENO);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        execl(wasmhost, wasmhost, "serve", "--listen", "127.0.0.1:0", "--state", state_dir, "--admin", "127.0.0.1:0",
              "--workers", "4", manifest_path, (char *)NULL);
        _exit(127);
    }
    close(pipe_fds[1]);
    pthread_t thread;
    pthread_create(&thread, NULL, drain_log, (void *)(intptr_t)pipe_fds[0]);
    pthread_detach(thread);
    for (uint64_t give_up = now_ms() + 120000; now_ms() < give_up; sleep_ms(20)) {
        server_port = log_number_after("listening on http://127.0.0.1:");
        admin_port = log_number_after("admin API on port ");
        if (server_port && admin_port)
            return true;
        int status;
        if (waitpid(server_pid, &status, WNOHANG) == server_pid)
            return false;
    }
    return false;
}

static void stop_server(void)
{
    kill(server_pid, SIGTERM);
    int status;
    waitpid(server_pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the server stops cleanly on SIGTERM (status %d)", status);
}

/* ---- a client (libcurl) ---- */

typedef struct reply {
    long status;
    char *body;
    size_t length;
} reply;

static size_t collect(char *data, size_t size, size_t count, void *user)
{
    reply *r = user;
    char *grown = realloc(r->body, r->length + size * count + 1);
    if (!grown)
        return 0;
    memcpy(grown + r->length, data, size * count);
    r->body = grown;
    r->length += size * count;
    r->body[r->length] = '\0';
    return size * count;
}

static reply call(int port, const char *method, const char *path, const void *body, size_t body_length)
{
    reply r = {0, calloc(1, 1), 0};
    char url[8192];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    CURL *handle = curl_easy_init();
    curl_easy_setopt(handle, CURLOPT_URL, url);
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &r);
    if (body) {
        curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE, (long)body_length);
    }
    if (curl_easy_perform(handle) == CURLE_OK)
        curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_cleanup(handle);
    return r;
}

/* A request to the public listener whose answer must be `status` with `expected` in its body. */
static void expect(const char *method, const char *path, const char *body, int status, const char *expected)
{
    reply r = call(server_port, method, path, body, body ? strlen(body) : 0);
    CHECK(r.status == status && strstr(r.body, expected), "%s %s: got %ld '%.300s', expected %d with '%s'", method,
          path, r.status, r.body, status, expected);
    free(r.body);
}

/* ---- the checks ---- */

static void check_outbound(void)
{
    char path[512];
#define FETCH(target) (snprintf(path, sizeof path, "/fetch?http://127.0.0.1:%d%s", upstream_port, target), path)
    expect("GET", FETCH("/ok"), NULL, 200, "status 200 header up body hello upstream");
    expect("GET", FETCH("/redirect-in"), NULL, 200, "status 200 header up body hello upstream");
    expect("GET", FETCH("/redirect-out"), NULL, 200, "error -6");         /* REDIRECT_NOT_ALLOWED */
    expect("GET", FETCH("/big"), NULL, 200, "error -10");                 /* RESPONSE_TOO_LARGE */
    expect("GET", "/fetch?http://example.com/", NULL, 200, "error -5");   /* HOST_NOT_ALLOWED */
    expect("GET", "/fetch?http://127.0.0.1:1/ok", NULL, 200, "error -5"); /* a port not on the list */
    expect("GET", "/fetch?ftp://127.0.0.1/x", NULL, 200, "error -8");     /* BAD_URL */
    /* localhost is on the list of _dns by name, but resolves to loopback, which it does not name. */
    snprintf(path, sizeof path, "/_dns/fetch?http://localhost:%d/ok", upstream_port);
    expect("GET", path, NULL, 200, "error -7"); /* ADDRESS_NOT_ALLOWED */
    /* The deadline (1 s) interrupts a call to an upstream that answers after 5 s: 504 in time. */
    /* The call ends with TIMEOUT when the deadline comes; the guest then answers that in what is
     * left of its time, or the deadline stops it first (504): either way, in time. */
    uint64_t start = now_ms();
    reply slow = call(server_port, "GET", FETCH("/slow"), NULL, 0);
    uint64_t took = now_ms() - start;
    CHECK((slow.status == 200 && strstr(slow.body, "error -11")) || slow.status == 504,
          "a slow upstream: TIMEOUT for the guest, or 504: got %ld '%s'", slow.status, slow.body);
    free(slow.body);
    CHECK(took >= 900 && took < 3000, "the deadline of 1 s ends a call to a slow upstream (took %llu ms)",
          (unsigned long long)took);
    /* outbound_requests: 5 per request, then TOO_MANY_REQUESTS; a redirect counts as a request. */
    snprintf(path, sizeof path, "/fetch-many?http://127.0.0.1:%d/ok", upstream_port);
    expect("GET", path, NULL, 200, "calls 5 error -9");
    snprintf(path, sizeof path, "/fetch-many?http://127.0.0.1:%d/redirect-in", upstream_port);
    expect("GET", path, NULL, 200, "calls 2 error -9");
#undef FETCH
}

static void check_key_value(void)
{
    expect("POST", "/kv/set/alpha", "one", 200, "result 0");
    expect("GET", "/kv/get/alpha", NULL, 200, "value one");
    expect("GET", "/kv/exists/alpha", NULL, 200, "result 1");
    expect("GET", "/kv/exists/nope", NULL, 200, "result 0");
    expect("POST", "/kv/set/alphabet", "two", 200, "result 0");
    expect("POST", "/kv/set/beta", "three", 200, "result 0");
    expect("GET", "/kv/list/alph", NULL, 200, "keys alpha\nalphabet\n");
    expect("GET", "/kv/delete/alphabet", NULL, 200, "result 0");
    expect("GET", "/kv/delete/alphabet", NULL, 200, "result -1"); /* NOT_FOUND */
    expect("GET", "/kv/get/alphabet", NULL, 200, "result -1");
    expect("GET", "/kv/ungranted", NULL, 200, "result -4"); /* NOT_GRANTED */
    expect("GET", "/kv/longkey", NULL, 200, "result -14");  /* KEY_TOO_LONG */
    expect("GET", "/kv/bigvalue", NULL, 200, "result -15"); /* VALUE_TOO_LARGE */
}

static void check_variables_logs_and_bad_pointers(void)
{
    expect("GET", "/var/greeting", NULL, 200, "value hello");
    expect("GET", "/var/token", NULL, 200, "value s3cret-env");
    expect("GET", "/var/key", NULL, 200, "value s3cret-file");
    expect("GET", "/var/none", NULL, 200, "result -1");
    /* 100 lines a request, then RATE_LIMITED; an unknown level is BAD_ARGUMENT. */
    expect("GET", "/log/150", NULL, 200, "ok 100 first_error -17 bad_level -3");
    for (uint64_t give_up = now_ms() + 5000; now_ms() < give_up && !log_contains("a line from the guest");)
        sleep_ms(20);
    CHECK(log_contains("\"type\":\"guest\",\"level\":\"info\",\"service\":\"cap\",\"version\":1,\"request_id\":"),
          "guest log lines carry the service, its version and the request id");
    /* Buffers outside the guest's memory: BAD_POINTER, never a trap; an unknown handle NOT_FOUND. */
    expect("GET", "/bad", NULL, 200, "bad -2 -2 -2 -2 -2 -1");
}

static void check_plugin(const char *input, const char *expected)
{
    reply r = call(server_port, "POST", "/v1/plugins/capplug/call/process", input, strlen(input));
    CHECK(r.status == 200 && strcmp(r.body, expected) == 0, "plugin call: got %ld '%s', expected '%s'", r.status,
          r.body, expected);
    free(r.body);
}

static void check_metrics(void)
{
    reply r = call(server_port, "GET", "/metrics", NULL, 0);
    static const char *const series[] = {
        "wasmhost_outbound_requests_total{service=\"cap\",version=\"1\",result=\"ok\"} ",
        "wasmhost_outbound_requests_total{service=\"cap\",version=\"1\",result=\"host_not_allowed\"} 2",
        "wasmhost_outbound_requests_total{service=\"cap\",version=\"1\",result=\"redirect_not_allowed\"} 1",
        "wasmhost_outbound_requests_total{service=\"cap\",version=\"1\",result=\"timeout\"} 1",
        "wasmhost_outbound_requests_total{service=\"cap\",version=\"1\",result=\"too_many_requests\"} 2",
        "wasmhost_outbound_requests_total{service=\"_dns\",version=\"1\",result=\"address_not_allowed\"} 1",
        "wasmhost_kv_operations_total{service=\"cap\",version=\"1\",operation=\"set\",result=\"key_too_long\"} 1",
        "wasmhost_kv_operations_total{service=\"cap\",version=\"1\",operation=\"set\",result=\"value_too_large\"} 1",
        "wasmhost_kv_operations_total{service=\"capplug\",version=\"1\",operation=\"set\",result=\"ok\"} 2",
        "wasmhost_guest_log_refused_total{service=\"cap\",version=\"1\"} 50",
        "wasmhost_guest_log_lines_total{service=\"cap\",version=\"1\",level=\"info\"} 100",
        "wasmhost_kv_bytes_total{service=\"cap\",version=\"1\",direction=\"written\"} 11",
    };
    for (size_t i = 0; i < sizeof series / sizeof *series; i++)
        CHECK(r.status == 200 && strstr(r.body, series[i]), "/metrics has %s", series[i]);
    free(r.body);
}

/* examples/services/shortener.c: a link checked upstream, stored, listed and followed. */
static void check_shortener(void)
{
    char target[256];
    snprintf(target, sizeof target, "http://127.0.0.1:%d/ok", upstream_port);
    expect("POST", "/links", target, 201, "http://short.example/links/1\n");
    expect("POST", "/links", "http://example.com/", 422, "not on the hosts");
    snprintf(target, sizeof target, "http://127.0.0.1:%d/missing", upstream_port);
    expect("POST", "/links", target, 422, "answers with an error");
    expect("GET", "/links", NULL, 200, "1\n");
    reply r = call(server_port, "GET", "/links/1", NULL, 0);
    CHECK(r.status == 302, "GET /links/1 redirects: %ld", r.status);
    free(r.body);
    expect("GET", "/links/2", NULL, 404, "no such link");
}

/* A service deployed through the admin API with the same keys: its secrets stay out of GET. */
static void check_admin(void)
{
    char module_path[4096];
    snprintf(module_path, sizeof module_path, "%s/cap_guest.wasm", guests);
    FILE *file = fopen(module_path, "rb");
    static char module[1 << 20];
    size_t size = file ? fread(module, 1, sizeof module, file) : 0;
    if (file)
        fclose(file);
    reply uploaded = call(admin_port, "POST", "/v1/modules", module, size);
    char *digest = strstr(uploaded.body, "sha256:");
    CHECK(uploaded.status == 200 || uploaded.status == 201, "module upload: %ld %s", uploaded.status, uploaded.body);
    if (!digest) {
        free(uploaded.body);
        return;
    }
    char digest_text[72];
    snprintf(digest_text, sizeof digest_text, "%.71s", digest);
    free(uploaded.body);
    char body[2048];
    snprintf(body, sizeof body,
             "{\"module\": \"%s\", \"abi\": \"http\", \"routes\": [\"/_admin/...\"], \"key_value_stores\": [\"links\"],"
             " \"variables\": {\"token\": {\"env\": \"CAP_TEST_TOKEN\"}, \"plain\": \"visible\"},"
             " \"allowed_outbound_hosts\": [\"http://127.0.0.1:%d\"]}",
             digest_text, upstream_port);
    reply put = call(admin_port, "PUT", "/v1/services/capadmin", body, strlen(body));
    CHECK(put.status == 200 || put.status == 201, "PUT /v1/services/capadmin: %ld %s", put.status, put.body);
    free(put.body);
    expect("GET", "/_admin/var/token", NULL, 200, "value s3cret-env");
    expect("GET", "/_admin/kv/get/alpha", NULL, 200, "value one"); /* the same store as the manifest's service */
    reply got = call(admin_port, "GET", "/v1/services/capadmin", NULL, 0);
    CHECK(got.status == 200 && strstr(got.body, "CAP_TEST_TOKEN") && strstr(got.body, "visible") &&
              !strstr(got.body, "s3cret"),
          "GET /v1/services/capadmin names the variable's source, not its value: %s", got.body);
    free(got.body);
    /* A bad entry is refused with the manifest's words. */
    snprintf(body, sizeof body, "{\"module\": \"%s\", \"routes\": [\"/x\"], \"allowed_outbound_hosts\": [\"ftp://x\"]}",
             digest_text);
    reply bad = call(admin_port, "PUT", "/v1/services/capbad", body, strlen(body));
    CHECK(bad.status == 400 && strstr(bad.body, "allowed_outbound_hosts entry #1 'ftp://x'"),
          "a bad allow-list entry is refused: %ld %s", bad.status, bad.body);
    free(bad.body);
}

static bool write_file(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");
    if (!file)
        return false;
    fputs(text, file);
    return fclose(file) == 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s WASMHOST GUESTS_FOLDER WORK_FOLDER EXAMPLE_SERVICES_FOLDER\n", argv[0]);
        return 2;
    }
    wasmhost = argv[1], guests = argv[2], workdir = argv[3], examples = argv[4];
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CHECK(start_upstream(), "the upstream listens on loopback");
    char command[8192], secret_path[4096];
    snprintf(command, sizeof command, "rm -rf '%s/state' && mkdir -p '%s/state'", workdir, workdir);
    CHECK(system(command) == 0, "a fresh state folder");
    snprintf(state_dir, sizeof state_dir, "%s/state", workdir);
    snprintf(secret_path, sizeof secret_path, "%s/secret.txt", workdir);
    CHECK(write_file(secret_path, "s3cret-file\n"), "the secret's file is written");
    setenv("CAP_TEST_TOKEN", "s3cret-env", 1);
    snprintf(manifest_path, sizeof manifest_path, "%s/capabilities.yaml", workdir);
    char manifest[8192];
    snprintf(manifest, sizeof manifest,
             "services:\n"
             "  - name: cap\n"
             "    module: %s/cap_guest.wasm\n"
             "    abi: http\n"
             "    routes: [/...]\n"
             "    limits: {timeout: 1s, outbound_response: 1MiB, outbound_requests: 5}\n"
             "    allowed_outbound_hosts: [\"http://127.0.0.1:%d\"]\n"
             "    key_value_stores: [links]\n"
             "    variables:\n"
             "      greeting: hello\n"
             "      token: {env: CAP_TEST_TOKEN}\n"
             "      key: {file: secret.txt}\n"
             "  - name: _dns\n"
             "    module: %s/cap_guest.wasm\n"
             "    abi: http\n"
             "    routes: [/_dns/...]\n"
             "    allowed_outbound_hosts: [\"http://localhost:*\"]\n"
             "  - name: shortener\n"
             "    module: %s/shortener.wasm\n"
             "    abi: http\n"
             "    routes: [/links, /links/...]\n"
             "    key_value_stores: [links]\n"
             "    allowed_outbound_hosts: [\"http://127.0.0.1:%d\"]\n"
             "    variables: {base_url: \"http://short.example\"}\n"
             "plugins:\n"
             "  - name: capplug\n"
             "    module: %s/cap_plugin.wasm\n"
             "    key_value_stores: [plugin-store]\n"
             "    variables: {greeting: hi}\n",
             guests, upstream_port, guests, examples, upstream_port, guests);
    CHECK(write_file(manifest_path, manifest), "the manifest is written");
    if (!start_server()) {
        CHECK(false, "the server starts: %s", log_text ? log_text : "(no output)");
        return checks_done("capabilities_test");
    }
    check_outbound();
    check_key_value();
    check_variables_logs_and_bad_pointers();
    check_plugin("x", "hi x (previous: none)");
    check_plugin("y", "hi y (previous: x)");
    check_metrics();
    check_shortener();
    check_admin();
    CHECK(!log_contains("s3cret"), "no secret in the log");
    stop_server();

    /* After a restart, the stores hold what was written (durable when the call returned). */
    CHECK(start_server(), "the server starts again");
    expect("GET", "/kv/get/alpha", NULL, 200, "value one");
    expect("GET", "/kv/get/beta", NULL, 200, "value three");
    check_plugin("z", "hi z (previous: y)");
    expect("GET", "/links", NULL, 200, "1\n");
    expect("GET", "/_admin/var/token", NULL, 200, "value s3cret-env"); /* the admin's version is back too */
    stop_server();
    curl_global_cleanup();
    return checks_done("capabilities_test");
}
