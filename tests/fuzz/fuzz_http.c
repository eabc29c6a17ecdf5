/* fuzz_http.c: libFuzzer target: an HTTP/1.1 connection (src/host/server_connection.c) fed a byte stream in pieces. */
/*
 * One event loop on this thread (no listener, no threads): each input opens a connection on one
 * end of a Unix socketpair (connection_open_socket, the server's test hook) and writes the
 * stream to the other end in chunks, running the loop after each one, so llhttp, the limits,
 * pipelining, chunked bodies and Expect: 100-continue see requests cut at arbitrary places.
 *
 * Input: byte 0 the mode (bits 0-1 how the client ends: 0 shuts down its side, 1 the
 * connection's timers expire, 2 it closes, 3 timers expire then it shuts down; bit 2 the host
 * answers later and in reverse order; bit 3 the server starts draining after the first chunk),
 * byte 1 the limits (below 0x40, '0' say: the defaults, else small ones derived from it), byte 2
 * the body limit of /small, byte 3 the seed of the chunk sizes; the rest is what the client sends
 * (host_seeds.cmake writes the seeds, headers in ASCII: "0000GET / HTTP/1.1...").
 *
 * The host side answers "METHOD PATH BODY-LENGTH" with an x-seq header (the request's number in
 * on_headers order); /status/NNN answers NNN, /early is answered from on_headers, /close asks to
 * close, a query "name=value" (value percent-decoded) becomes a response header.
 *
 * Invariants, each an abort() (besides ASan, UBSan and LeakSanitizer):
 * - what the server writes is a sequence of well-formed HTTP/1.1 responses (status line, header
 *   lines "token: value", Content-Length exactly when a body is allowed, Connection), framed by
 *   their Content-Length;
 * - answers come in request order: the x-seq responses are 1, 2, 3... with at most one response
 *   of the server's own (a 4xx, no x-seq) after them, which closes the connection;
 * - nothing follows a "Connection: close" response, and the server then closes its side; it
 *   closes too after the client shut down its side and everything was answered; a request that
 *   asks to close ("Connection: close", or HTTP/1.0 without keep-alive) is answered with close;
 * - every connection is freed once the client is gone (timers expired), nothing stays in flight.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server_internal.h"

#define HTTP_FUZZ_MAX_REQUESTS 4096 /* requests remembered per input (x-seq beyond: not checked) */
#define HTTP_FUZZ_MAX_DEFERRED 256

typedef struct http_fuzz_request {
    bool head;       /* a HEAD request: its response has no body */
    bool must_close; /* "Connection: close", or HTTP/1.0 without "Connection: keep-alive" */
} http_fuzz_request;

typedef struct http_fuzz_deferred {
    server_exchange *exchange;
    http_request *request;
} http_fuzz_deferred;

/* The process's one server and loop, made once. */
static server *http_fuzz_server;
static server_loop *http_fuzz_loop;

/* What one input's host side saw and holds. */
static struct {
    bool defer;
    uint64_t small_body;
    unsigned seq;
    http_fuzz_request requests[HTTP_FUZZ_MAX_REQUESTS];
    http_fuzz_deferred deferred[HTTP_FUZZ_MAX_DEFERRED];
    size_t deferred_count;
    char *output;
    size_t output_length, output_capacity;
    bool output_ended; /* the server closed or shut down its side */
} state;

static void http_fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz_http: invariant broken: %s\n", what);
    if (state.output)
        fprintf(stderr, "fuzz_http: output (%zu bytes):\n%.*s\n", state.output_length,
                (int)(state.output_length < 4096 ? state.output_length : 4096), state.output);
    abort();
}

/* ---- the host side ---- */

static bool http_fuzz_on_headers(void *user, http_request *request, uint64_t *max_body_bytes, http_response *early)
{
    (void)user;
    unsigned seq = ++state.seq;
    request->route = (void *)(uintptr_t)seq;
    if (seq <= HTTP_FUZZ_MAX_REQUESTS) {
        http_fuzz_request *r = &state.requests[seq - 1];
        r->head = strcmp(request->method, "HEAD") == 0;
        /* llhttp reads Proxy-Connection as Connection; HTTP/1.0 closes unless one says keep-alive */
        size_t connections = 0, closes = 0;
        for (size_t i = 0; i < request->header_count; i++)
            if (strcasecmp(request->headers[i].name, "connection") == 0 ||
                strcasecmp(request->headers[i].name, "proxy-connection") == 0) {
                connections++;
                closes += strcasecmp(request->headers[i].value, "close") == 0;
            }
        bool version_1_0 = request->http_major == 1 && request->http_minor == 0;
        r->must_close = (version_1_0 && closes == connections) ||
                        (request->http_major == 1 && request->http_minor >= 1 && closes > 0);
    }
    if (strncmp(request->path, "/small", 6) == 0)
        *max_body_bytes = state.small_body;
    if (strcmp(request->path, "/early") == 0) {
        char text[16];
        snprintf(text, sizeof text, "%u", seq);
        http_response_text(early, 404, "early\n");
        http_response_add_header(early, "x-seq", text);
        return false;
    }
    return true;
}

static int http_fuzz_hex(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = (char)tolower((unsigned char)ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* The response to a request the host got whole. */
static void http_fuzz_answer(server_exchange *exchange, http_request *request)
{
    int status = 200;
    if (strncmp(request->path, "/status/", 8) == 0)
        status = atoi(request->path + 8);
    http_response response;
    http_response_init(&response, status);
    char text[300];
    snprintf(text, sizeof text, "%u", (unsigned)(uintptr_t)request->route);
    http_response_add_header(&response, "x-seq", text);
    /* "name=value" in the query: a header named and valued by the client, %0d%0a included */
    const char *equals = strchr(request->query, '=');
    if (equals && equals > request->query && strncasecmp(request->query, "x-seq=", 6) != 0) {
        char name[128], value[128];
        size_t name_length = (size_t)(equals - request->query), length = 0;
        snprintf(name, sizeof name, "%.*s", (int)(name_length < 127 ? name_length : 127), request->query);
        for (const char *p = equals + 1; *p && length + 1 < sizeof value; p++) {
            if (p[0] == '%' && http_fuzz_hex(p[1]) >= 0 && http_fuzz_hex(p[2]) >= 0) {
                value[length++] = (char)(http_fuzz_hex(p[1]) * 16 + http_fuzz_hex(p[2]));
                p += 2;
            } else {
                value[length++] = *p;
            }
        }
        value[length] = '\0';
        http_response_add_header(&response, name, value);
    }
    int n = snprintf(text, sizeof text, "%s %.200s %zu\n", request->method, request->path, request->body_length);
    http_response_append(&response, text, (size_t)n);
    server_respond(exchange, &response, strcmp(request->path, "/close") == 0);
}

static void http_fuzz_on_request(void *user, server_exchange *exchange, http_request *request)
{
    (void)user;
    if ((state.defer || strncmp(request->path, "/defer", 6) == 0) && state.deferred_count < HTTP_FUZZ_MAX_DEFERRED) {
        state.deferred[state.deferred_count++] = (http_fuzz_deferred){exchange, request};
        return;
    }
    http_fuzz_answer(exchange, request);
}

static void http_fuzz_on_response(void *user, const http_request *request, int status, uint64_t duration_ns)
{
    (void)user, (void)request, (void)duration_ns;
    if (status < 100 || status > 999)
        http_fuzz_fail("on_response with a status outside 100..999");
}

/* Answers what waits, the latest first (the server must still write them in order). */
static void http_fuzz_answer_deferred(void)
{
    http_fuzz_deferred taken[HTTP_FUZZ_MAX_DEFERRED];
    size_t count = state.deferred_count;
    memcpy(taken, state.deferred, count * sizeof *taken);
    state.deferred_count = 0; /* answers may resume parsing, which may defer new requests */
    while (count) {
        count--;
        http_fuzz_answer(taken[count].exchange, taken[count].request);
    }
}

/* ---- the loop and the client's socket ---- */

static void http_fuzz_setup(void)
{
    signal(SIGPIPE, SIG_IGN);
    server *s = calloc(1, sizeof *s);
    server_loop *loop = s ? calloc(1, sizeof *loop) : NULL;
    if (!loop)
        abort();
    server_limits_default(&s->limits);
    s->callbacks = (server_callbacks){
        .on_headers = http_fuzz_on_headers, .on_request = http_fuzz_on_request, .on_response = http_fuzz_on_response};
    s->loop_count = 1;
    s->loops = loop;
    snprintf(s->request_id_prefix, sizeof s->request_id_prefix, "fuzz");
    loop->server = s;
    loop->read_buffer = malloc(SERVER_READ_BUFFER_SIZE);
    loop->inbox = calloc(1, sizeof *loop->inbox);
    if (!loop->read_buffer || !loop->inbox || uv_loop_init(&loop->loop) != 0)
        abort();
    uv_mutex_init(&loop->inbox->mutex);
    atomic_init(&loop->inbox->references, 1);
    loop->loop.data = loop;
    server_current_loop = loop; /* answers from this thread go straight to the connection */
    http_fuzz_server = s;
    http_fuzz_loop = loop;
}

/* Reads what the server wrote so far (the socket is non-blocking). */
static void http_fuzz_drain(int fd)
{
    for (;;) {
        if (state.output_capacity - state.output_length < 65536) {
            state.output_capacity = state.output_capacity ? 2 * state.output_capacity : 1 << 17;
            state.output = realloc(state.output, state.output_capacity);
            if (!state.output)
                abort();
        }
        ssize_t got = recv(fd, state.output + state.output_length, state.output_capacity - state.output_length, 0);
        if (got > 0) {
            state.output_length += (size_t)got;
            continue;
        }
        if (got == 0 || (errno != EAGAIN && errno != EINTR))
            state.output_ended = true;
        if (got < 0 && errno == EINTR)
            continue;
        return;
    }
}

/* A few turns of the loop without waiting, reading the output after each. */
static void http_fuzz_run(int fd)
{
    for (int i = 0; i < 3; i++) {
        uv_run(&http_fuzz_loop->loop, UV_RUN_NOWAIT);
        if (fd >= 0)
            http_fuzz_drain(fd);
    }
}

static void http_fuzz_expire(uv_handle_t *handle, void *argument)
{
    (void)argument;
    if (handle->type == UV_TIMER && uv_is_active(handle)) {
        uv_timer_t *timer = (uv_timer_t *)handle;
        uv_timer_start(timer, timer->timer_cb, 0, 0); /* libuv's own field: the callback it has */
    }
}

/* Every connection timer fires now (header, body, idle, send and linger timeouts). */
static void http_fuzz_expire_timers(int fd)
{
    uv_walk(&http_fuzz_loop->loop, http_fuzz_expire, NULL);
    http_fuzz_run(fd);
}

/* Sends `length` bytes, running the loop while the socket is full; false when the server stopped
 * reading for good. */
static bool http_fuzz_send(int fd, const uint8_t *data, size_t length)
{
    for (int stalls = 0; length && stalls < 8;) {
        ssize_t sent = send(fd, data, length, MSG_NOSIGNAL);
        if (sent > 0) {
            data += sent;
            length -= (size_t)sent;
            stalls = 0;
        } else if (sent < 0 && (errno == EAGAIN || errno == EINTR)) {
            stalls++;
        } else {
            return false;
        }
        http_fuzz_run(fd);
    }
    return length == 0;
}

/* ---- the checks ---- */

static const char *http_fuzz_find(const char *start, const char *end, const char *text)
{
    size_t length = strlen(text);
    for (const char *p = start; p + length <= end; p++)
        if (memcmp(p, text, length) == 0)
            return p;
    return NULL;
}

static bool http_fuzz_token(const char *p, const char *end)
{
    if (p == end)
        return false;
    for (; p < end; p++)
        if (!(isalnum((unsigned char)*p) || strchr("!#$%&'*+-.^_`|~", *p)))
            return false;
    return true;
}

/* Checks the output as a whole; returns whether its last response asked to close. */
static bool http_fuzz_check_output(void)
{
    const char *p = state.output, *end = state.output + state.output_length;
    unsigned expected_seq = 1;
    bool closed = false, servers_own = false;
    while (p < end) {
        if (closed)
            http_fuzz_fail("bytes after a response with Connection: close");
        if (servers_own)
            http_fuzz_fail("a response after the server's own error");
        const char *head_end = http_fuzz_find(p, end, "\r\n\r\n");
        if (!head_end)
            http_fuzz_fail("a response cut short (no blank line)");
        if (end - p < 13 || memcmp(p, "HTTP/1.1 ", 9) != 0 || !isdigit((unsigned char)p[9]) || p[9] == '0' ||
            !isdigit((unsigned char)p[10]) || !isdigit((unsigned char)p[11]) || p[12] != ' ')
            http_fuzz_fail("a status line that is not \"HTTP/1.1 DDD reason\"");
        int status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
        const char *line_end = http_fuzz_find(p, head_end + 2, "\r\n");
        for (const char *q = p + 13; q < line_end; q++)
            if (*q == '\r' || *q == '\n' || *q == '\0')
                http_fuzz_fail("a control character in the reason phrase");
        if (line_end == p + 13)
            http_fuzz_fail("an empty reason phrase");
        if (status == 100) {
            if (line_end != head_end)
                http_fuzz_fail("headers in a 100 Continue");
            p = head_end + 4;
            continue;
        }
        bool has_length = false, has_connection = false, close = false;
        unsigned long long content_length = 0;
        unsigned seq = 0;
        for (const char *line = line_end + 2; line < head_end + 2;) {
            const char *next = http_fuzz_find(line, head_end + 2, "\r\n");
            const char *colon = memchr(line, ':', (size_t)(next - line));
            if (!colon || !http_fuzz_token(line, colon) || colon + 1 >= next || colon[1] != ' ')
                http_fuzz_fail("a header line that is not \"token: value\"");
            for (const char *q = colon + 1; q < next; q++)
                if (*q == '\r' || *q == '\n')
                    http_fuzz_fail("CR or LF inside a header line");
            size_t name_length = (size_t)(colon - line);
            const char *value = colon + 2;
            if (name_length == 14 && strncasecmp(line, "content-length", 14) == 0) {
                if (has_length)
                    http_fuzz_fail("two Content-Length headers");
                has_length = true;
                content_length = strtoull(value, NULL, 10);
            } else if (name_length == 10 && strncasecmp(line, "connection", 10) == 0) {
                if (has_connection)
                    http_fuzz_fail("two Connection headers");
                has_connection = true;
                close = (size_t)(next - value) == 5 && strncasecmp(value, "close", 5) == 0;
            } else if (name_length == 17 && strncasecmp(line, "transfer-encoding", 17) == 0) {
                http_fuzz_fail("a Transfer-Encoding header written by the host");
            } else if (name_length == 5 && strncasecmp(line, "x-seq", 5) == 0) {
                seq = (unsigned)strtoul(value, NULL, 10);
            }
            line = next + 2;
        }
        bool body_allowed = status >= 200 && status != 204 && status != 304;
        if (!has_connection || has_length != body_allowed)
            http_fuzz_fail("Connection or Content-Length missing (or Content-Length where no body is allowed)");
        const char *body = head_end + 4;
        size_t left = (size_t)(end - body);
        bool head = false;
        if (seq) {
            if (seq != expected_seq)
                http_fuzz_fail("a response out of order (x-seq)");
            expected_seq++;
            if (seq <= HTTP_FUZZ_MAX_REQUESTS) {
                head = state.requests[seq - 1].head;
                if (state.requests[seq - 1].must_close && !close)
                    http_fuzz_fail("a request that asked to close answered with keep-alive");
            }
        } else {
            /* The server's own answer (400, 408, 413, 414, 431, 503): it ends the connection.
             * Its request may have been HEAD (no body then): the rest is the body or nothing. */
            servers_own = true;
            if (!close)
                http_fuzz_fail("the server's own error without Connection: close");
            head = body_allowed && left != content_length;
        }
        if (body_allowed && !head) {
            if (left < content_length)
                http_fuzz_fail("a body shorter than its Content-Length");
            body += content_length;
        }
        p = body;
        closed = close;
    }
    return closed;
}

/* ---- one input ---- */

static void http_fuzz_limits(server_limits *limits, uint8_t choice)
{
    server_limits_default(limits);
    if (choice < 0x40)
        return;
    limits->max_header_bytes = 24u << (choice & 7);           /* 24 .. 3072 */
    limits->max_header_count = 1u + ((choice >> 3) & 7) * 3u; /* 1 .. 22 */
    limits->max_url_bytes = 16u << ((choice >> 6) & 3);       /* 32 .. 128 */
}

/* splitmix64, for the chunk sizes */
static uint64_t http_fuzz_random(uint64_t *state_value)
{
    uint64_t z = (*state_value += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!http_fuzz_server)
        http_fuzz_setup();
    uint8_t header[4] = {0, 0, 0, 0};
    size_t header_length = size < 4 ? size : 4;
    memcpy(header, data, header_length);
    data += header_length;
    size -= header_length;
    unsigned ending = header[0] & 3;
    state.defer = (header[0] & 4) != 0;
    bool drain_after_first = (header[0] & 8) != 0;
    http_fuzz_limits(&http_fuzz_server->limits, header[1]);
    state.small_body = header[2];
    uint64_t chunk_random = header[3] * 0x100000001B3ull + size;
    state.seq = 0;
    state.deferred_count = 0;
    state.output_length = 0;
    state.output_ended = false;
    http_fuzz_loop->draining = false;

    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0)
        abort();
    connection_open_socket(http_fuzz_loop, fds[0]);
    int client = fds[1];

    /* the stream, in chunks of 1..8, 1..64, 1..2048 bytes or all the rest */
    bool first = true;
    while (size) {
        uint64_t r = http_fuzz_random(&chunk_random);
        size_t chunk = size;
        switch (r & 3) {
        case 0: chunk = 1 + (r >> 8) % 8; break;
        case 1: chunk = 1 + (r >> 8) % 64; break;
        case 2: chunk = 1 + (r >> 8) % 2048; break;
        default: break;
        }
        if (chunk > size)
            chunk = size;
        if (!http_fuzz_send(client, data, chunk))
            break;
        data += chunk;
        size -= chunk;
        http_fuzz_run(client);
        if (first && drain_after_first) {
            http_fuzz_loop->draining = true; /* as loop_stop_accepting does, without a listener */
            connections_stop_accepting(http_fuzz_loop);
            http_fuzz_run(client);
        }
        first = false;
        http_fuzz_answer_deferred();
        http_fuzz_run(client);
    }
    for (int i = 0; i < 4 && state.deferred_count && ending != 2; i++) { /* 2: answered after the close */
        http_fuzz_answer_deferred();
        http_fuzz_run(client);
    }

    bool shut_down = false;
    if (ending == 1 || ending == 3)
        for (int i = 0; i < 3; i++) {
            http_fuzz_expire_timers(client);
            http_fuzz_answer_deferred();
            http_fuzz_run(client);
        }
    if (ending == 0 || ending == 3) {
        shutdown(client, SHUT_WR);
        shut_down = true;
        for (int i = 0; i < 3; i++) {
            http_fuzz_run(client);
            http_fuzz_answer_deferred();
        }
    }
    http_fuzz_run(client);
    bool asked_to_close = http_fuzz_check_output();
    if (ending != 2 && asked_to_close && !state.output_ended)
        http_fuzz_fail("a Connection: close response, and the connection stays open");
    if (shut_down && state.deferred_count == 0 && !state.output_ended)
        http_fuzz_fail("the client shut down its side, everything was answered, and the connection stays open");

    /* The client goes away: the connection must be freed, at the latest when its timers expire. */
    close(client);
    for (int round = 0; round < 16 && (http_fuzz_loop->connections || state.deferred_count); round++) {
        http_fuzz_answer_deferred();
        http_fuzz_run(-1);
        if (round >= 2)
            http_fuzz_expire_timers(-1);
    }
    if (http_fuzz_loop->connections)
        http_fuzz_fail("a connection is not freed after its client left and its timers expired");
    if (atomic_load(&http_fuzz_server->in_flight) != 0 || atomic_load(&http_fuzz_server->connection_count) != 0)
        http_fuzz_fail("requests in flight or connections counted after the connection closed");
    return 0;
}
