/* server.h: the HTTP/1.1 server: event loops on libuv, parsing with llhttp, limits and timeouts. */
#ifndef WH_SERVER_H
#define WH_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "http_message.h"

typedef struct server_limits {
    uint64_t max_header_bytes;  /* request line + headers: 431 past it [64 KiB] */
    uint32_t max_header_count;  /* 431 past it [100] */
    uint64_t max_url_bytes;     /* 414 past it [8 KiB] */
    uint64_t max_body_bytes;    /* default when on_headers does not change it: 413 [1 MiB] */
    uint32_t idle_timeout_ms;   /* keep-alive connection with no request started [60 s] */
    uint32_t header_timeout_ms; /* from the first byte of a request to its last header [10 s] */
    uint32_t body_timeout_ms;   /* from the end of the headers to the end of the body [30 s] */
    uint32_t max_connections;   /* per process; past it new connections get 503 and close [10,000] */
} server_limits;                /* a timeout of 0 means none */

void server_limits_default(server_limits *out);

/* One request waiting for its response. The host answers each exactly once, from any thread,
 * with server_respond; the server keeps responses of pipelined requests in order. */
typedef struct server_exchange server_exchange;

typedef struct server_callbacks {
    void *user;
    /* On a loop thread, when the request line and headers are complete (the body not yet read):
     * the host routes the request (request->route) and may lower or raise *max_body_bytes (set to
     * the server default on entry). Returning false answers at once with `early` (e.g. 404,
     * 405) without reading the body; the server frees `early`'s contents. Must not block. */
    bool (*on_headers)(void *user, http_request *request, uint64_t *max_body_bytes, http_response *early);
    /* On a loop thread, when the body is complete (for a stream, as soon as the headers are: see
     * streams below): the host answers with server_respond (from
     * any thread). The server owns `request`: it stays valid until on_response for it has
     * returned, then the server frees it (the host must not use it after server_respond). Must
     * not block: slow work goes to the host's workers. */
    void (*on_request)(void *user, server_exchange *exchange, http_request *request);
    /* On a loop thread, for every response written (including the server's own 4xx), for the
     * access log and metrics; `request` may be NULL when the request never got that far (e.g.
     * a 408 before the request line). For a request cut short after its request line (e.g. 431),
     * it holds what was read: method, target, path, query, remote address, request id. */
    void (*on_response)(void *user, const http_request *request, int status, uint64_t duration_ns);
} server_callbacks;

typedef struct server server;

/* Listens on host:port ("127.0.0.1", 8080; port 0 picks a free one, see server_port) with
 * `loops` event-loop threads (each its own SO_REUSEPORT socket; 0 = one per core). Returns NULL
 * with a message in `error` (size `error_size`) when it cannot listen. Ignores SIGPIPE for the
 * process (a write to a connection the client reset then fails instead of killing it). */
server *server_start(const char *host, uint16_t port, int loops, const server_limits *limits,
                     const server_callbacks *callbacks, char *error, size_t error_size);
uint16_t server_port(const server *server);

/* Answers `exchange` (from any thread). Takes the response's contents (freed by the server).
 * `close` asks to close the connection after it. Safe after the client went away and after
 * server_shutdown gave up on the exchange (the response is then dropped). */
void server_respond(server_exchange *exchange, http_response *response, bool close);

/* ---- streams ----
 * A request whose on_headers set request->stream is a stream: on_request comes right after the
 * headers, and the body is not gathered (neither max_body_bytes nor the body timeout apply; the
 * body timeout becomes an inactivity timeout instead: that long without a byte of body while the
 * server wants more closes the connection). The host reads the body with server_stream_read and
 * answers with server_stream_begin, any number of server_stream_write, then server_stream_end
 * (never server_respond), all from a thread other than the loops (read and write block), e.g. a
 * worker that holds the stream for its whole life. The response goes with Transfer-Encoding:
 * chunked, each write as it comes.
 *
 * Memory stays bounded whatever the stream's length: the server keeps at most about
 * SERVER_STREAM_BUFFER bytes of body not yet read by the host (then stops reading the socket
 * until the host has read half of it; the client's writes wait in TCP), and a write waits while
 * more than SERVER_STREAM_BUFFER bytes written earlier are not yet in the socket (a client that
 * reads slowly slows the host down; one that stops reading for the idle timeout is closed).
 *
 * A client that goes away (or a timeout, or a malformed chunked body) aborts the stream: reads
 * and writes return at once with a failure, so that the host frees what the stream holds; it
 * still calls server_stream_end. A stream holds its connection: requests pipelined behind it
 * wait for its end. */
#define SERVER_STREAM_BUFFER (256 * 1024)

/* Up to `size` bytes of the body into `buffer`, waiting until some are there: how many, 0 at the
 * body's end, -1 when the stream was aborted. */
long server_stream_read(server_exchange *exchange, void *buffer, size_t size);
/* Starts the response: `head`'s status and headers (its body is ignored; the server frees its
 * contents, as server_respond does). Once per stream, before the first write. */
void server_stream_begin(server_exchange *exchange, http_response *head);
/* Copies `length` bytes for the response, waiting while the output is full. False when the stream
 * was aborted (the bytes are dropped). */
bool server_stream_write(server_exchange *exchange, const void *data, size_t length);
/* Ends the response (begins it first with a 200 when it was not) and gives the exchange back: the
 * host must not use it or its request afterwards. `close` closes the connection after it. When
 * the body was not read to its end, the connection closes after the response. */
void server_stream_end(server_exchange *exchange, bool close);
/* Whether the stream was aborted (the client went away, a timeout): from any thread. */
bool server_stream_aborted(server_exchange *exchange);
/* Aborts every stream (closing its connection), e.g. at shutdown once the grace period is over,
 * so that the threads serving them return; from outside the loops, without waiting. */
void server_abort_streams(server *server);

/* Requests read but not yet answered. */
uint64_t server_in_flight(const server *server);
/* Stops accepting new connections and closes idle keep-alive ones; requests in flight still
 * get their responses (then their connections close). When it returns (called from outside
 * the loops), the listening sockets are closed. */
void server_stop_accepting(server *server);
/* Stops accepting and waits until nothing is in flight or `grace_ms` passed (called from outside
 * the loops). Returns the number of requests still in flight. */
uint64_t server_drain(server *server, uint32_t grace_ms);
/* server_drain, then closes every connection, stops the loops and frees the server. Returns the
 * number of requests still in flight when it gave up; the host must still answer those
 * (server_respond then frees them). */
uint64_t server_shutdown(server *server, uint32_t grace_ms);

#endif
