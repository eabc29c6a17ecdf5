/* server_fuzz.c: thousands of hostile connections to the HTTP server: mutations, bad framing, garbage, early closes, streams. */
/* The inputs are deterministic. Every answer must be well-formed HTTP/1.1; the server stays up, drains, frees all. */
#define _GNU_SOURCE /* memmem */
#include "server.h"
#include "test_support.h"
#include "test_worker.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CONNECTIONS 3000
#define CLIENT_THREADS 12
#define SEED 0x5EED5EEDull
#define MAX_INPUT (256u << 10)

/* What the worker thread (test_worker.h) answers to /thread and /slow: "METHOD PATH BODY-LENGTH",
 * enough to show the request got through whole. */
static void echo_response(const http_request *request, http_response *response)
{
    char line[256];
    http_response_init(response, 200);
    snprintf(line, sizeof line, "%s %s %zu\n", request->method, request->path, request->body_length);
    http_response_append(response, line, strlen(line));
    http_response_add_header(response, "content-type", "text/plain");
}

/* ---- the server's callbacks ---- */

static atomic_int server_responses_by_class[10]; /* status / 100, as on_response saw them */

static bool on_headers(void *user, http_request *request, uint64_t *max_body_bytes, http_response *early)
{
    (void)user;
    if (strcmp(request->path, "/small") == 0)
        *max_body_bytes = 16;
    request->stream = strcmp(request->path, "/stream") == 0;
    if (strcmp(request->path, "/early") == 0) {
        http_response_text(early, 404, "early\n");
        return false;
    }
    return true;
}

/* /stream: a thread per stream echoes the body as it comes, in a chunked answer. */
static void *stream_echo(void *argument)
{
    server_exchange *exchange = argument;
    http_response head;
    http_response_init(&head, 200);
    server_stream_begin(exchange, &head);
    char buffer[4096];
    long got;
    while ((got = server_stream_read(exchange, buffer, sizeof buffer)) > 0 &&
           server_stream_write(exchange, buffer, (size_t)got))
        ;
    server_stream_end(exchange, false);
    return NULL;
}

static void on_request(void *user, server_exchange *exchange, http_request *request)
{
    (void)user;
    if (request->stream) {
        pthread_t thread;
        CHECK(pthread_create(&thread, NULL, stream_echo, exchange) == 0, "a stream's thread");
        pthread_detach(thread);
    } else if (strcmp(request->path, "/slow") == 0) {
        submit(exchange, request, 5);
    } else if (strcmp(request->path, "/thread") == 0) {
        submit(exchange, request, 0);
    } else {
        http_response response;
        echo_response(request, &response);
        server_respond(exchange, &response, strcmp(request->path, "/close") == 0);
    }
}

static void on_response(void *user, const http_request *request, int status, uint64_t duration_ns)
{
    (void)user, (void)request, (void)duration_ns;
    CHECK(status >= 100 && status <= 999, "on_response status %d", status);
    if (status >= 100 && status <= 999)
        atomic_fetch_add(&server_responses_by_class[status / 100], 1);
}

static const server_callbacks callbacks = {
    .on_headers = on_headers, .on_request = on_request, .on_response = on_response};

/* ---- deterministic inputs ---- */

/* Valid requests, the seeds for mutation (no HEAD: the reader below frames bodies by
 * Content-Length, and a HEAD response has none). */
static const char *const valid_requests[] = {
    "GET /hello?x=1 HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /thread HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n",
    "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /early HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /close HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /hello HTTP/1.0\r\n\r\n",
    "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
    "POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: 20\r\n\r\n01234567890123456789",
    "POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd",
    "POST /thread HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;x=y\r\nabc\r\n0\r\n\r\n",
    "POST /small HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n1\r\nz\r\n0\r\nTrailer: "
    "t\r\n\r\n",
    "PUT /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
    "POST /stream HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello\n\r\n3\r\nab\n\r\n0\r\n\r\n",
    "POST /stream HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabc\n",
    "POST /stream HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
    "POST /stream HTTP/1.0\r\nContent-Length: 2\r\n\r\nok",
    "DELETE /slow?a=b&c HTTP/1.1\r\nHost: a\r\nCookie: x=1; y=2\r\n\r\n",
    "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /up HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nafter the upgrade",
    "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
};
#define VALID_COUNT (sizeof valid_requests / sizeof valid_requests[0])

/* Whole requests that are wrong on purpose: framing, sizes, protocols. */
static const char *const hostile_requests[] = {
    "POST /echo HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc",
    "POST /echo HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
    "POST /echo HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nhello",
    "POST /echo HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
    "POST /echo HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n",
    "POST /echo HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
    "POST /echo HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\n",
    "POST /echo HTTP/1.1\r\nContent-Length: 2000000\r\n\r\nxx",
    "POST /echo HTTP/1.1\r\nContent-Length:\r\n\r\n",
    "POST /echo HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nabc",
    "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
    "POST /echo HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n",
    "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
    "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nabc\r\n0\r\n\r\n",
    "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\nabc\r\n",
    "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\nabc\r\n",
    "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n200000\r\nabc\r\n",
    "POST /small HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n11\r\n0123456789abcdefg\r\n0\r\n\r\n",
    "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
    "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n",
    "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n",
    "GET /\r\n", /* HTTP/0.9 */
    "GET / HTTP/0.9\r\n\r\n",
    "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", /* the HTTP/2 preface */
    "GET / HTTP/2.0\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "GET / HTTP/1.1\r\n Folded: x\r\n\r\n",
    "GET / HTTP/1.1\r\nX: a\r\n continued\r\n\r\n",
    "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
    "GET / HTTP/1.1\r\n: empty\r\n\r\n",
    "GET /a b HTTP/1.1\r\n\r\n",
    "G\x01T / HTTP/1.1\r\n\r\n",
    "GET / HTTP/1.1\r\nX: \x01\x7f\r\n\r\n",
    "GET / HTTP/9.9\r\n\r\n",
    "\r\n\r\n\r\nGET /hello HTTP/1.1\r\n\r\n",
    "POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2000000\r\n\r\n",
    "POST /echo HTTP/1.1\r\nExpect: bogus\r\nContent-Length: 1\r\n\r\nx",
};
#define HOSTILE_COUNT (sizeof hostile_requests / sizeof hostile_requests[0])

/* Bytes that matter to an HTTP parser, favoured by insertions. */
static const char interesting[] = "\r\n:;, \t\0-0123456789abcdefxX/?%\x7f\x80\xff";

typedef struct input {
    char data[MAX_INPUT];
    size_t length;
} input;

static void insert_bytes(input *in, size_t at, const void *bytes, size_t count)
{
    if (in->length + count > MAX_INPUT)
        return;
    memmove(in->data + at + count, in->data + at, in->length - at);
    memcpy(in->data + at, bytes, count);
    in->length += count;
}

static void append_text(input *in, const char *text) { insert_bytes(in, in->length, text, strlen(text)); }

static void append_run(input *in, char byte, size_t count)
{
    if (in->length + count > MAX_INPUT)
        count = MAX_INPUT - in->length;
    memset(in->data + in->length, byte, count);
    in->length += count;
}

static void mutate(prng *p, input *in)
{
    size_t at = prng_below(p, in->length + 1);
    switch (prng_below(p, 8)) {
    case 0: /* bit flip */
        if (in->length)
            in->data[prng_below(p, in->length)] ^= (char)(1u << prng_below(p, 8));
        break;
    case 1:
    case 2: /* an interesting byte, NUL included */
        insert_bytes(in, at, &interesting[prng_below(p, sizeof interesting - 1)], 1);
        break;
    case 3: /* a random byte */ {
        char byte = (char)prng_next(p);
        insert_bytes(in, at, &byte, 1);
        break;
    }
    case 4: /* deletion of a few bytes */ {
        size_t count = 1 + prng_below(p, 6);
        if (at + count <= in->length) {
            memmove(in->data + at, in->data + at + count, in->length - at - count);
            in->length -= count;
        }
        break;
    }
    case 5: /* truncation */ in->length = at; break;
    case 6: /* a line duplicated (a header twice, say) */ {
        if (at >= in->length)
            break;
        size_t start = at, end = at;
        while (start > 0 && in->data[start - 1] != '\n')
            start--;
        while (end < in->length && in->data[end] != '\n')
            end++;
        char line[1024];
        size_t count = end - start + (end < in->length ? 1 : 0);
        if (count <= sizeof line) {
            memcpy(line, in->data + start, count);
            insert_bytes(in, start, line, count);
        }
        break;
    }
    default: /* \n-only line ends */
        for (size_t i = 0; i + 1 < in->length; i++)
            if (in->data[i] == '\r' && in->data[i + 1] == '\n') {
                memmove(in->data + i, in->data + i + 1, in->length - i - 1);
                in->length--;
            }
        break;
    }
}

static void generate(prng *p, input *in)
{
    in->length = 0;
    switch (prng_below(p, 10)) {
    case 0:
    case 1:
    case 2:
    case 3: /* a valid request, mutated */
        append_text(in, valid_requests[prng_below(p, VALID_COUNT)]);
        for (size_t count = 1 + prng_below(p, 3); count; count--)
            mutate(p, in);
        break;
    case 4: /* a hostile request, sometimes mutated too */
        append_text(in, hostile_requests[prng_below(p, HOSTILE_COUNT)]);
        if (prng_below(p, 3) == 0)
            mutate(p, in);
        break;
    case 5:
    case 6: /* a pipelined batch mixed with garbage (long enough, sometimes, to fill the pipeline) */ {
        size_t count = 2 + prng_below(p, prng_below(p, 4) == 0 ? 60 : 6);
        for (size_t i = 0; i < count; i++) {
            append_text(in, valid_requests[prng_below(p, VALID_COUNT)]);
            if (prng_below(p, 8) == 0)
                append_text(in, hostile_requests[prng_below(p, HOSTILE_COUNT)]);
            if (prng_below(p, 10) == 0)
                mutate(p, in);
        }
        break;
    }
    case 7: /* too many or too large headers, or a very long request line */ {
        size_t kind = prng_below(p, 4);
        append_text(in, kind == 3 ? "GET /" : "GET /hello HTTP/1.1\r\n");
        if (kind == 0) {
            for (size_t i = 0, count = 50 + prng_below(p, 150); i < count; i++)
                append_text(in, "X-Many: value\r\n");
        } else if (kind == 1) {
            append_text(in, "X-Long: ");
            append_run(in, 'v', 1000 + prng_below(p, 100000));
            append_text(in, "\r\n");
        } else if (kind == 2) {
            append_run(in, 'N', 1000 + prng_below(p, 80000));
            append_text(in, ": long name\r\n");
        } else {
            append_run(in, 'p', 1000 + prng_below(p, 20000));
            append_text(in, " HTTP/1.1\r\n");
        }
        append_text(in, "\r\n");
        if (prng_below(p, 4) == 0)
            mutate(p, in);
        break;
    }
    case 8: /* binary garbage, or NUL bytes */ {
        size_t length = 1 + prng_below(p, 2048);
        bool nul = prng_below(p, 4) == 0;
        for (size_t i = 0; i < length; i++)
            in->data[i] = nul ? '\0' : (char)prng_next(p);
        in->length = length;
        break;
    }
    default: /* a body larger than allowed, whole or chunked */
        if (prng_below(p, 2)) {
            append_text(in, "POST /echo HTTP/1.1\r\nContent-Length: 1100000\r\n\r\n");
            append_run(in, 'b', 1100000 > MAX_INPUT - in->length ? MAX_INPUT - in->length : 1100000);
        } else {
            append_text(in, "POST /small HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (size_t i = 0, count = 1 + prng_below(p, 40); i < count; i++)
                append_text(in, "4\r\nabcd\r\n");
            append_text(in, "0\r\n\r\n");
        }
        break;
    }
}

/* ---- the client side ---- */

static uint16_t port;
static atomic_int client_responses_by_class[10];
static atomic_int connections_sent, connections_failed;

static int connect_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    struct timeval timeout = {5, 0}; /* sends: generous, a loaded machine must not fail the test */
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    return fd;
}

static void set_receive_timeout(int fd, long milliseconds)
{
    struct timeval timeout = {milliseconds / 1000, (milliseconds % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
}

/* Sends all of `data`; false when the server closed or reset the connection first. */
static bool send_all(int fd, const char *data, size_t length)
{
    while (length) {
        ssize_t sent = send(fd, data, length, MSG_NOSIGNAL);
        if (sent <= 0)
            return false;
        data += sent;
        length -= (size_t)sent;
    }
    return true;
}

typedef struct received {
    char *data;
    size_t length, capacity;
} received;

/* Reads until EOF, reset, `silence_ms` without a byte, or `total_ms` in all. */
static void receive(int fd, received *r, long silence_ms, long total_ms)
{
    uint64_t deadline = now_ms() + (uint64_t)total_ms;
    set_receive_timeout(fd, silence_ms);
    while (now_ms() < deadline) {
        if (r->length == r->capacity) {
            r->capacity = r->capacity ? 2 * r->capacity : 8192;
            r->data = realloc(r->data, r->capacity);
            if (!r->data)
                abort();
        }
        ssize_t got = recv(fd, r->data + r->length, r->capacity - r->length, 0);
        if (got <= 0)
            return;
        r->length += (size_t)got;
    }
}

static const char status_prefix[] = "HTTP/1.1 ";

/* The length of a chunked body (a stream's answer) at `body`, its last chunk included; 0 when it
 * is cut short. Each chunk must be well-formed: hexadecimal size, CRLF, data, CRLF. */
static size_t chunked_length(const char *body, size_t left, size_t connection)
{
    size_t position = 0;
    for (;;) {
        const char *line_end = memmem(body + position, left - position, "\r\n", 2);
        if (!line_end)
            return 0;
        char *digits_end;
        size_t size = strtoul(body + position, &digits_end, 16);
        CHECK(digits_end == line_end && digits_end > body + position, "connection %zu: chunk size line \"%.*s\"",
              connection, (int)(line_end - body - position), body + position);
        position = (size_t)(line_end - body) + 2;
        if (position + size + 2 > left)
            return 0;
        CHECK(memcmp(body + position + size, "\r\n", 2) == 0, "connection %zu: a chunk not ended by CRLF", connection);
        position += size + 2;
        if (size == 0)
            return position;
    }
}

/* Checks that what came back is a sequence of well-formed responses (the last one may be cut
 * short by the client's own timeout), and counts them. */
static void check_responses(const received *r, size_t connection)
{
    size_t position = 0;
    while (position < r->length) {
        const char *start = r->data + position;
        size_t left = r->length - position;
        if (left < 13) { /* a response cut short: still the start of a status line */
            size_t compare = left < 9 ? left : 9;
            CHECK(memcmp(start, status_prefix, compare) == 0, "connection %zu: response starts \"%.*s\"", connection,
                  (int)left, start);
            return;
        }
        bool status_line_valid = memcmp(start, status_prefix, 9) == 0 && start[9] >= '1' && start[9] <= '9' &&
                                 start[10] >= '0' && start[10] <= '9' && start[11] >= '0' && start[11] <= '9' &&
                                 start[12] == ' ';
        CHECK(status_line_valid, "connection %zu: response at byte %zu starts \"%.20s\"", connection, position, start);
        if (!status_line_valid)
            return;
        int status = (start[9] - '0') * 100 + (start[10] - '0') * 10 + (start[11] - '0');
        const char *head_end = memmem(start, left, "\r\n\r\n", 4);
        if (!head_end)
            return; /* cut short */
        atomic_fetch_add(&client_responses_by_class[status / 100], 1);
        size_t head_length = (size_t)(head_end - start) + 4, body_length = 0;
        const char *length_header = memmem(start, head_length, "\r\nContent-Length: ", 18);
        if (length_header && status >= 200 && status != 204 && status != 304)
            body_length = strtoul(length_header + 18, NULL, 10);
        if (!length_header && memmem(start, head_length, "\r\nConnection: close\r\n", 21) &&
            !memmem(start, head_length, "\r\nTransfer-Encoding: chunked\r\n", 30))
            return; /* a stream's answer to HTTP/1.0: its body runs to the close */
        if (memmem(start, head_length, "\r\nTransfer-Encoding: chunked\r\n", 30)) {
            body_length = chunked_length(start + head_length, left - head_length, connection);
            if (!body_length)
                return; /* cut short (or malformed: checked there) */
        }
        position += head_length + body_length;
    }
}

/* One connection: input number `connection`, sent whole or in pieces, then closed at once,
 * half-closed and read to the end, or read until the server falls silent. */
static void run_connection(size_t connection, input *in, received *r)
{
    /* Its own stream from SEED and its number: the inputs do not depend on which client thread sends them. */
    prng p = {SEED ^ (connection * 0xD1B54A32D192ED03ull)};
    generate(&p, in);
    int fd = connect_port();
    if (fd < 0) {
        atomic_fetch_add(&connections_failed, 1);
        return;
    }
    atomic_fetch_add(&connections_sent, 1);
    size_t send_kind = prng_below(&p, 4), end_kind = prng_below(&p, 20);
    bool sent = true;
    if (send_kind == 0) { /* random small pieces */
        size_t largest = in->length > 4096 ? 4096 : 16;
        for (size_t position = 0; sent && position < in->length;) {
            size_t piece = 1 + prng_below(&p, largest);
            if (piece > in->length - position)
                piece = in->length - position;
            sent = send_all(fd, in->data + position, piece);
            position += piece;
            if (prng_below(&p, 64) == 0)
                sleep_ms(1);
        }
    } else if (send_kind == 1 && in->length > 1) { /* stop partway: the rest never comes */
        sent = send_all(fd, in->data, 1 + prng_below(&p, in->length - 1));
    } else {
        sent = send_all(fd, in->data, in->length);
    }
    r->length = 0;
    if (end_kind == 0) { /* gone at once, with a reset */
        struct linger linger = {1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
    } else if (end_kind <= 2) {
        /* gone at once */
    } else if (end_kind == 3) { /* slow: past the header and body timeouts */
        sleep_ms(350);
        receive(fd, r, 200, 2000);
    } else if (end_kind <= 11 && sent) { /* half-closed: the server answers what it has, then closes */
        shutdown(fd, SHUT_WR);
        receive(fd, r, 1000, 3000);
    } else {
        receive(fd, r, 30, 2000);
    }
    close(fd);
    check_responses(r, connection);
}

static atomic_size_t next_connection;

static void *client_main(void *argument)
{
    (void)argument;
    input *in = malloc(sizeof *in);
    received r = {0};
    if (!in)
        abort();
    for (size_t connection; (connection = atomic_fetch_add(&next_connection, 1)) < CONNECTIONS;)
        run_connection(connection, in, &r);
    free(r.data);
    free(in);
    return NULL;
}

/* After the storm, a plain request on a new connection is answered as usual. */
static void check_still_serving(void)
{
    int fd = connect_port();
    CHECK(fd >= 0, "connect after the fuzzing");
    if (fd < 0)
        return;
    const char request[] = "GET /hello?after=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    received r = {0};
    CHECK(send_all(fd, request, sizeof request - 1), "send after the fuzzing");
    receive(fd, &r, 10000, 10000);
    close(fd);
    const char expected_body[] = "\r\n\r\nGET /hello 0\n";
    CHECK(r.length > 13 && memcmp(r.data, "HTTP/1.1 200 ", 13) == 0 &&
              memmem(r.data, r.length, expected_body, sizeof expected_body - 1),
          "a normal GET answered 200: \"%.*s\"", (int)(r.length > 200 ? 200 : r.length), r.data ? r.data : "");
    free(r.data);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    pthread_t worker;
    worker_start(&worker);

    server_limits limits;
    server_limits_default(&limits);
    limits.header_timeout_ms = 300;
    limits.body_timeout_ms = 300;
    limits.idle_timeout_ms = 300;
    char error[256];
    server *s = server_start("127.0.0.1", 0, 2, &limits, &callbacks, error, sizeof error);
    CHECK(s != NULL, "server_start: %s", error);
    if (!s)
        return checks_done("server_fuzz");
    port = server_port(s);

    uint64_t started = now_ms();
    pthread_t clients[CLIENT_THREADS];
    for (int i = 0; i < CLIENT_THREADS; i++)
        pthread_create(&clients[i], NULL, client_main, NULL);
    for (int i = 0; i < CLIENT_THREADS; i++)
        pthread_join(clients[i], NULL);
    uint64_t elapsed = now_ms() - started;

    check_still_serving();
    uint64_t deadline = now_ms() + 10000;
    while (server_in_flight(s) > 0 && now_ms() < deadline)
        sleep_ms(10);
    CHECK(server_in_flight(s) == 0, "nothing in flight at the end (%llu)", (unsigned long long)server_in_flight(s));
    CHECK(server_shutdown(s, 5000) == 0, "shutdown with nothing left in flight");

    worker_stop(worker);

    printf("server fuzz: %d connections sent (%d could not connect) in %llu ms; responses read: "
           "1xx %d, 2xx %d, 3xx %d, 4xx %d, 5xx %d, other %d; written (on_response): 2xx %d, 4xx %d, 5xx %d\n",
           atomic_load(&connections_sent), atomic_load(&connections_failed), (unsigned long long)elapsed,
           atomic_load(&client_responses_by_class[1]), atomic_load(&client_responses_by_class[2]),
           atomic_load(&client_responses_by_class[3]), atomic_load(&client_responses_by_class[4]),
           atomic_load(&client_responses_by_class[5]),
           atomic_load(&client_responses_by_class[6]) + atomic_load(&client_responses_by_class[7]) +
               atomic_load(&client_responses_by_class[8]) + atomic_load(&client_responses_by_class[9]),
           atomic_load(&server_responses_by_class[2]), atomic_load(&server_responses_by_class[4]),
           atomic_load(&server_responses_by_class[5]));
    CHECK(atomic_load(&connections_failed) == 0, "every connection made");
    CHECK(atomic_load(&client_responses_by_class[2]) > CONNECTIONS / 10 &&
              atomic_load(&client_responses_by_class[4]) > CONNECTIONS / 20,
          "both successes and refusals seen");
    return checks_done("server_fuzz");
}
