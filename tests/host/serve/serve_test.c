/* serve_test.c: end-to-end tests of `wasmhost serve`: a real server process, real HTTP over loopback. */
#define _GNU_SOURCE /* memmem, strcasestr */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h" /* tests/check.h */

static const char *wasmhost, *manifest_a, *manifest_b, *workdir, *promtool;
static char manifest_path[4096];
static pid_t server_pid;
static int server_port;

/* The server's standard output (the access log), drained by a thread so the server never blocks. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char *log_text;
static size_t log_length;
static int log_fd;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&t, NULL);
}

static bool log_contains(const char *needle)
{
    pthread_mutex_lock(&log_lock);
    bool found = log_text && strstr(log_text, needle);
    pthread_mutex_unlock(&log_lock);
    return found;
}

static void *drain_log(void *unused)
{
    (void)unused;
    char buffer[4096];
    for (;;) {
        ssize_t n = read(log_fd, buffer, sizeof buffer);
        if (n <= 0)
            return NULL;
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
}

static bool copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    bool ok = in && out;
    char buffer[4096];
    size_t n;
    while (ok && (n = fread(buffer, 1, sizeof buffer, in)) > 0)
        ok = fwrite(buffer, 1, n, out) == n;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = false;
    return ok;
}

/* Starts the server and waits for its "listening on" line (compiling takes a while under ASan). */
static bool start_server(void)
{
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0)
        return false;
    server_pid = fork();
    if (server_pid == 0) {
        dup2(pipe_fds[1], STDOUT_FILENO);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        execl(wasmhost, wasmhost, "serve", "--listen", "127.0.0.1:0", "--header-timeout", "1s", "--body-timeout", "1s",
              "--grace", "5s", "--workers", "6", manifest_path, (char *)NULL);
        perror("exec wasmhost");
        _exit(127);
    }
    close(pipe_fds[1]);
    log_fd = pipe_fds[0];
    pthread_t thread;
    pthread_create(&thread, NULL, drain_log, NULL);
    pthread_detach(thread);
    double give_up = now_ms() + 60000;
    while (now_ms() < give_up) {
        pthread_mutex_lock(&log_lock);
        const char *line = log_text ? strstr(log_text, "listening on http://127.0.0.1:") : NULL;
        if (line)
            server_port = atoi(line + strlen("listening on http://127.0.0.1:"));
        pthread_mutex_unlock(&log_lock);
        if (server_port)
            return true;
        int status;
        if (waitpid(server_pid, &status, WNOHANG) == server_pid) {
            fprintf(stderr, "the server exited before listening (status %d)\n", status);
            return false;
        }
        sleep_ms(20);
    }
    return false;
}

static int connect_server(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)server_port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval timeout = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool send_all(int fd, const char *data, size_t size)
{
    while (size) {
        ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        data += n;
        size -= (size_t)n;
    }
    return true;
}

typedef struct response {
    int status;
    char head[16384];
    char *body;
    size_t body_length;
    bool closed; /* the server closed the connection after it */
} response;

/* Reads one response (Content-Length bodies, which is all the server sends). Leftover bytes of
 * a next pipelined response stay in `pending`. */
typedef struct connection {
    int fd;
    char pending[1 << 20];
    size_t pending_length;
} connection;

static bool read_more(connection *c)
{
    if (c->pending_length == sizeof c->pending)
        return false;
    ssize_t n = recv(c->fd, c->pending + c->pending_length, sizeof c->pending - c->pending_length, 0);
    if (n <= 0)
        return false;
    c->pending_length += (size_t)n;
    return true;
}

static bool read_response(connection *c, response *r)
{
    memset(r, 0, sizeof *r);
    char *end;
    while (!(end = memmem(c->pending, c->pending_length, "\r\n\r\n", 4)))
        if (!read_more(c))
            return false;
    size_t head_length = (size_t)(end - c->pending) + 4;
    snprintf(r->head, sizeof r->head, "%.*s", (int)head_length, c->pending);
    if (sscanf(r->head, "HTTP/1.%*d %d", &r->status) != 1)
        return false;
    size_t length = 0;
    for (char *line = strstr(r->head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, "content-length:", 15) == 0)
            length = strtoul(line + 17, NULL, 10);
        if (strncasecmp(line + 2, "connection: close", 17) == 0)
            r->closed = true;
    }
    while (c->pending_length < head_length + length)
        if (!read_more(c))
            return false;
    r->body = malloc(length + 1);
    memcpy(r->body, c->pending + head_length, length);
    r->body[length] = '\0';
    r->body_length = length;
    memmove(c->pending, c->pending + head_length + length, c->pending_length - head_length - length);
    c->pending_length -= head_length + length;
    return true;
}

/* One request on a new connection. */
static bool exchange(const char *request, size_t size, response *r)
{
    connection *c = calloc(1, sizeof *c);
    c->fd = connect_server();
    bool ok = c->fd >= 0 && send_all(c->fd, request, size) && read_response(c, r);
    if (c->fd >= 0)
        close(c->fd);
    free(c);
    return ok;
}

static bool get(const char *path, response *r)
{
    char request[2048];
    int n = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: test\r\n\r\n", path);
    return exchange(request, (size_t)n, r);
}

static void expect(const char *name, const char *path, int status, const char *body_part)
{
    response r;
    bool ok = get(path, &r);
    CHECK(ok && r.status == status && (!body_part || strstr(r.body, body_part)),
          "%s: GET %s: got %d '%s', expected %d with '%s'", name, path, ok ? r.status : -1,
          ok ? r.body : "(no response)", status, body_part ? body_part : "");
    if (ok)
        free(r.body);
}

static void test_routing_and_abis(void)
{
    expect("http abi /health", "/health", 200, "OK");
    expect("http abi /api/users", "/api/users", 200, "{\"users\": []}");
    expect("http abi unknown path under its prefix -> its own 404", "/api/nothing", 404, NULL);
    expect("no route -> 404", "/no/such/route", 404, NULL);
    expect("wagi /wagi/health", "/wagi/health", 200, "OK");
    expect("wagi /wagi/api/users", "/wagi/api/users", 200, "{\"users\": []}");
    expect("wagi 404", "/wagi/elsewhere", 404, NULL);
    expect("healthz", "/healthz", 200, NULL);
    expect("readyz", "/readyz", 200, NULL);

    const char post[] =
        "POST /echo/x?a=1 HTTP/1.1\r\nHost: test\r\nX-Test: yes\r\nContent-Length: 11\r\n\r\nhello world";
    response r;
    bool ok = exchange(post, sizeof post - 1, &r);
    CHECK(ok && r.status == 200 && strstr(r.body, "POST") && strstr(r.body, "/echo/x") &&
              strstr(r.body, "hello world") && strcasestr(r.body, "x-test"),
          "echo returns method, path, headers and body: got %d '%s'", ok ? r.status : -1, ok ? r.body : "");
    if (ok)
        free(r.body);

    const char chunked[] = "POST /echo/c HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "5\r\nhello\r\n6\r\n chunk\r\n0\r\n\r\n";
    ok = exchange(chunked, sizeof chunked - 1, &r);
    CHECK(ok && r.status == 200 && strstr(r.body, "hello chunk"), "chunked request body: got %d '%s'",
          ok ? r.status : -1, ok ? r.body : "");
    if (ok)
        free(r.body);
}

static void test_keep_alive_and_pipelining(void)
{
    connection *c = calloc(1, sizeof *c);
    c->fd = connect_server();
    const char two[] = "GET /health HTTP/1.1\r\nHost: t\r\n\r\nGET /api/users HTTP/1.1\r\nHost: t\r\n\r\n";
    response first, second, third;
    bool ok = send_all(c->fd, two, sizeof two - 1) && read_response(c, &first) && read_response(c, &second);
    CHECK(ok && first.status == 200 && strstr(first.body, "OK") && second.status == 200 && strstr(second.body, "users"),
          "pipelined responses in order: ok=%d", ok);
    const char again[] = "GET /counter HTTP/1.1\r\nHost: t\r\n\r\n";
    bool reused = ok && send_all(c->fd, again, sizeof again - 1) && read_response(c, &third);
    CHECK(reused && third.status == 200, "keep-alive connection reused: ok=%d", reused);
    if (ok) {
        free(first.body);
        free(second.body);
    }
    if (reused)
        free(third.body);
    close(c->fd);
    free(c);
}

static void test_isolation(void)
{
    for (int i = 0; i < 3; i++) {
        response r;
        bool ok = get("/counter", &r);
        CHECK(ok && r.status == 200 && strncmp(r.body, "1", 1) == 0 && r.body_length <= 2,
              "fresh instance per request (counter is 1): got %d '%s'", ok ? r.status : -1, ok ? r.body : "");
        if (ok)
            free(r.body);
    }
}

static void test_failures(void)
{
    response r;
    bool ok = get("/trap", &r);
    CHECK(ok && r.status == 500 && strstr(r.body, "request id"), "trap -> 500 with request id: got %d",
          ok ? r.status : -1);
    if (ok) {
        /* The trap's details go to the log, not to the client. */
        CHECK(!strstr(r.body, "unreachable"), "trap details not sent to the client: body '%s'", r.body);
        free(r.body);
    }
    sleep_ms(100);
    CHECK(log_contains("unreachable"), "trap logged: no 'unreachable' in the log");

    double start = now_ms();
    ok = get("/loop", &r);
    double took = now_ms() - start;
    CHECK(ok && r.status == 504, "guest past its deadline -> 504: got %d after %.0f ms", ok ? r.status : -1, took);
    CHECK(took < 5000, "504 comes near the service's 300 ms timeout: %.0f ms", took);
    if (ok)
        free(r.body);

    expect("guest over its memory cap -> 500", "/memhog", 500, NULL);
    expect("malformed response -> 502", "/malformed", 502, NULL);
    expect("wagi guest writing to stderr answers", "/stderr", 200, "answered");
    expect("service still fine after failures", "/health", 200, "OK");
}

static void test_limits(void)
{
    response r;
    char request[4096];
    int n = snprintf(request, sizeof request, "POST /echo/big HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n");
    bool ok = exchange(request, (size_t)n, &r);
    CHECK(ok && r.status == 413, "body over the service's max_body -> 413: got %d", ok ? r.status : -1);
    if (ok)
        free(r.body);

    size_t url_length = 9000;
    char *long_request = malloc(url_length + 100);
    n = sprintf(long_request, "GET /health?");
    memset(long_request + n, 'a', url_length);
    n += (int)url_length;
    n += sprintf(long_request + n, " HTTP/1.1\r\nHost: t\r\n\r\n");
    ok = exchange(long_request, (size_t)n, &r);
    CHECK(ok && r.status == 414, "URL over 8 KiB -> 414: got %d", ok ? r.status : -1);
    if (ok)
        free(r.body);

    size_t header_size = 70000;
    char *big_header = malloc(header_size + 200);
    n = sprintf(big_header, "GET /health HTTP/1.1\r\nHost: t\r\nX-Big: ");
    memset(big_header + n, 'b', header_size);
    n += (int)header_size;
    n += sprintf(big_header + n, "\r\n\r\n");
    ok = exchange(big_header, (size_t)n, &r);
    CHECK(ok && r.status == 431, "headers over 64 KiB -> 431: got %d", ok ? r.status : -1);
    if (ok)
        free(r.body);
    free(big_header);

    char *many = malloc(200 * 16 + 100);
    n = sprintf(many, "GET /health HTTP/1.1\r\nHost: t\r\n");
    for (int i = 0; i < 200; i++)
        n += sprintf(many + n, "X-H%d: v\r\n", i);
    n += sprintf(many + n, "\r\n");
    ok = exchange(many, (size_t)n, &r);
    CHECK(ok && r.status == 431, "more than 100 headers -> 431: got %d", ok ? r.status : -1);
    if (ok)
        free(r.body);
    free(many);
    free(long_request);

    ok = exchange("BLAH\r\n\r\n", 8, &r);
    CHECK(ok && r.status == 400, "garbage -> 400: got %d", ok ? r.status : -1);
    if (ok)
        free(r.body);
}

/* A client sending a byte every 300 ms is cut off at the 1 s header timeout, while another
 * client is answered at once. */
static void test_slow_client(void)
{
    connection *slow = calloc(1, sizeof *slow);
    slow->fd = connect_server();
    const char *trickle = "GET /health HTTP/1.1\r\nHost: t\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    double start = now_ms();
    bool cut = false;
    for (size_t i = 0; trickle[i] && now_ms() - start < 8000; i++) {
        if (!send_all(slow->fd, trickle + i, 1)) {
            cut = true;
            break;
        }
        if (i == 2) {
            double asked = now_ms();
            response other;
            bool ok = get("/health", &other);
            CHECK(ok && other.status == 200 && now_ms() - asked < 1000,
                  "others answered while a client trickles: got %d after %.0f ms", ok ? other.status : -1,
                  now_ms() - asked);
            if (ok)
                free(other.body);
        }
        struct pollfd p = {.fd = slow->fd, .events = POLLIN};
        if (poll(&p, 1, 300) > 0) {
            cut = true;
            break;
        }
    }
    response r;
    bool got = cut && read_response(slow, &r);
    double took = now_ms() - start;
    CHECK(got && r.status == 408 && took < 6000, "trickling client cut off with 408: cut=%d status %d after %.0f ms",
          cut, got ? r.status : -1, took);
    if (got)
        free(r.body);
    close(slow->fd);
    free(slow);
}

static void test_metrics(void)
{
    response r;
    bool ok = get("/metrics", &r);
    CHECK(ok && r.status == 200 &&
              strstr(r.body, "wasmhost_requests_total{service=\"hello\",version=\"1\",code=\"200\"}") &&
              strstr(r.body, "wasmhost_request_duration_seconds_bucket") && strstr(r.body, "wasmhost_traps_total") &&
              strstr(r.body, "wasmhost_timeouts_total") && strstr(r.body, "wasmhost_instances_created_total"),
          "metrics list requests, latency, traps, timeouts, instances: got %d", ok ? r.status : -1);
    if (ok && promtool && promtool[0]) {
        char path[4200];
        snprintf(path, sizeof path, "%s/metrics.txt", workdir);
        FILE *file = fopen(path, "w");
        fwrite(r.body, 1, r.body_length, file);
        fclose(file);
        char command[9000];
        snprintf(command, sizeof command, "%s check metrics < %s", promtool, path);
        int status = system(command);
        CHECK(status == 0, "promtool check metrics: exit status %d", status);
    }
    if (ok)
        free(r.body);
    CHECK(log_contains("\"type\":\"access\"") && log_contains("\"request_id\":"),
          "access log as JSON lines: no access line");
    CHECK(log_contains("\"type\":\"stderr\"") && log_contains("written to stderr"),
          "guest stderr in the log: no stderr line");
}

static void test_reload(void)
{
    expect("before reload", "/reply", 200, "one");
    bool copied = copy_file(manifest_b, manifest_path);
    CHECK(copied, "reload manifest written: cannot copy %s", manifest_b);
    if (!copied)
        return;
    kill(server_pid, SIGHUP);
    bool swapped = false;
    double give_up = now_ms() + 30000;
    while (!swapped && now_ms() < give_up) {
        response r;
        if (get("/reply", &r)) {
            swapped = r.status == 200 && strstr(r.body, "two");
            free(r.body);
        }
        if (!swapped)
            sleep_ms(50);
    }
    CHECK(swapped, "SIGHUP reload swaps the service: still the old reply");
    expect("route added by the reload", "/reply-added", 200, "added");
    expect("route removed by the reload", "/counter", 404, NULL);
}

static void test_sigterm(void)
{
    connection *c = calloc(1, sizeof *c);
    c->fd = connect_server();
    const char slow[] = "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n";
    send_all(c->fd, slow, sizeof slow - 1);
    sleep_ms(200); /* the request is running (the guest spins for 800 ms) */
    kill(server_pid, SIGTERM);
    response r;
    bool ok = read_response(c, &r);
    CHECK(ok && r.status == 200 && strstr(r.body, "slow done"), "SIGTERM lets the request in flight finish: got %d",
          ok ? r.status : -1);
    if (ok)
        free(r.body);
    close(c->fd);
    free(c);
    int status = -1;
    double give_up = now_ms() + 20000;
    while (now_ms() < give_up && waitpid(server_pid, &status, WNOHANG) != server_pid)
        sleep_ms(20);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit 0 after SIGTERM: status 0x%x", status);
    int fd = connect_server();
    CHECK(fd < 0, "no new connections after SIGTERM: connected");
    if (fd >= 0)
        close(fd);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: serve_test WASMHOST MANIFEST_A MANIFEST_B WORKDIR [PROMTOOL]\n");
        return 2;
    }
    wasmhost = argv[1], manifest_a = argv[2], manifest_b = argv[3], workdir = argv[4];
    promtool = argc > 5 ? argv[5] : NULL;
    snprintf(manifest_path, sizeof manifest_path, "%s/serve.yaml", workdir);
    if (!copy_file(manifest_a, manifest_path) || !start_server()) {
        fprintf(stderr, "cannot start the server\n%s", log_text ? log_text : "");
        if (server_pid > 0)
            kill(server_pid, SIGKILL);
        return 1;
    }
    test_routing_and_abis();
    test_keep_alive_and_pipelining();
    test_isolation();
    test_failures();
    test_limits();
    test_slow_client();
    test_metrics();
    test_reload();
    test_sigterm();
    if (server_pid > 0 && waitpid(server_pid, NULL, WNOHANG) == 0)
        kill(server_pid, SIGKILL);
    if (failures) {
        pthread_mutex_lock(&log_lock);
        fprintf(stderr, "---- server log ----\n%s\n", log_text ? log_text : "");
        pthread_mutex_unlock(&log_lock);
    }
    return checks_done("serve_test");
}
