/* server_internal.h: what server.c (loops, listeners, answers from other threads), server_connection.c and server_stream.c share. */
#ifndef WH_SERVER_INTERNAL_H
#define WH_SERVER_INTERNAL_H

#include <stdatomic.h>
#include <time.h>

#include <llhttp.h>
#include <uv.h>

#include "server.h"

#define SERVER_READ_BUFFER_SIZE 65536 /* per loop, shared by its connections */

typedef struct server_connection server_connection;
typedef struct server_loop server_loop;

/* Where other threads hand answered exchanges to a loop. Reference counted because it outlives
 * the loop while the host still holds exchanges that point to it (after server_shutdown gave
 * up on them): server_respond then finds it closed and frees the exchange itself. */
typedef struct server_inbox {
    uv_mutex_t mutex;
    atomic_size_t references;      /* the loop's, plus one per exchange the host holds */
    bool closed;                   /* the loop is gone */
    server_exchange *first, *last; /* answered by other threads, for the loop to write */
    server_exchange *streams;      /* streams with news for the loop (linked by next_stream) */
    bool stop_accepting, shutdown; /* commands for the loop */
    bool abort_streams;            /* a command too: server_abort_streams */
    uv_async_t *wakeup;            /* the loop's; only signalled while not closed */
} server_inbox;

typedef enum exchange_state {
    EXCHANGE_READING,   /* headers read, body not yet complete: the server's */
    EXCHANGE_WITH_HOST, /* handed to on_request: the host answers it from any thread */
    EXCHANGE_ANSWERED,  /* response set, waiting for the earlier ones of its connection */
    EXCHANGE_WRITING,   /* serialized, being written */
} exchange_state;

/* What a stream's host thread and its loop share, under `mutex` (server_stream.c has the host's
 * side, server_connection.c the loop's). */
typedef struct server_stream {
    uv_mutex_t mutex;
    uv_cond_t changed; /* input came, output went to the socket, the stream was aborted */
    char *input;       /* body read from the socket, not yet by the host: input_length bytes */
    size_t input_length, input_capacity;
    bool input_ended;   /* the whole body was read */
    bool input_full;    /* past SERVER_STREAM_BUFFER: the loop stops reading the socket */
    bool resume_wanted; /* the host read enough: the loop reads the socket again */
    char *output;       /* written by the host, not yet taken by the loop */
    size_t output_length, output_capacity;
    size_t unsent;      /* taken by the loop, not yet in the socket */
    http_response head; /* from server_stream_begin */
    bool begun, ended, close_requested;
    bool aborted;   /* the connection closed: reads and writes fail */
    bool truncated; /* a write was lost (out of memory): the answer must not end as if complete */
    /* Under the inbox's mutex: */
    bool queued;     /* in the inbox's list of streams */
    bool end_posted; /* server_stream_end queued it: no news can follow */
    /* The loop's own, outside both mutexes: */
    bool end_seen; /* end_posted, as the loop popped it: the host let go */
    bool head_sent;
} server_stream;

struct server_exchange {
    server_connection *connection;
    server_inbox *inbox;
    server_exchange *next;          /* in the connection's pipeline (loop thread only) */
    server_exchange *next_answered; /* in the inbox (under its mutex) */
    server_exchange *next_stream;   /* in the inbox's streams (under its mutex) */
    server_exchange *next_news;     /* in the streams the loop took from the inbox (loop thread only: the
                                       host may queue the exchange again meanwhile, through next_stream) */
    server_stream *stream;          /* a stream (request->stream), else NULL */
    exchange_state state;
    bool keep_alive;       /* another request may follow on the connection */
    bool close_requested;  /* by server_respond */
    bool head;             /* a HEAD request: the response goes without its body */
    bool continue_pending; /* "Expect: 100-continue" not answered yet */
    bool counted;          /* counted in server.in_flight */
    bool has_summary;
    int status; /* the response's, kept for on_response once the response is freed */
    http_response response;
    http_request *request; /* owned: freed once on_response for it has returned */
    http_request summary;  /* without `request` (a request cut short): what was read of it, for
                              on_response; its strings follow the struct */
};

struct server_loop {
    server *server;
    int index;
    bool loop_ready, wakeup_ready, listener_ready; /* what loop_init got to, for loop_destroy */
    uv_loop_t loop;
    uv_thread_t thread;
    bool thread_started;
    uv_tcp_t listener;
    bool listener_open;
    atomic_bool listener_closed; /* read by server_stop_accepting on another thread */
    uv_async_t wakeup;
    server_inbox *inbox;
    server_connection *connections; /* every connection not yet freed */
    bool draining;                  /* stopped accepting: connections close after their last response */
    char *read_buffer;              /* shared by the loop's connections: input is parsed as soon as read */
    char *write_buffer;             /* small responses are serialized here, then written at once */
    size_t write_capacity;
    char date_line[48]; /* "Date: ...\r\n", rebuilt when the second changes */
    time_t date_second;
};

struct server {
    server_limits limits;
    server_callbacks callbacks;
    int loop_count;
    server_loop *loops;
    uint16_t port;
    atomic_uint_fast64_t in_flight;
    atomic_uint connection_count;
    atomic_uint_fast64_t next_request_number;
    char request_id_prefix[10]; /* random per server: ids stay unique across restarts in one log */
    bool stopped_accepting;
};

/* The loop running on the calling thread, NULL on other threads. */
extern _Thread_local server_loop *server_current_loop;

/* server_connection.c, all on the loop's thread: */
void connection_accept(server_loop *loop);
/* A test hook (tests/fuzz/fuzz_http.c): a connection on `loop` over `fd`, a connected stream
 * socket (a socketpair's end, closed with the connection), served as an accepted one is. */
void connection_open_socket(server_loop *loop, uv_os_sock_t fd);
/* The host answered `exchange` (popped from the inbox, or directly on the loop's thread). */
void connection_receive_answer(server_exchange *exchange);
/* Closes the connections that have a stream (server_abort_streams). */
void connections_abort_streams(server_loop *loop);
/* Closes idle connections; the others close after their last response. */
void connections_stop_accepting(server_loop *loop);
/* Closes every connection now; exchanges the host still holds are left to it (under the inbox
 * lock, the inbox already closed). */
void connections_abandon(server_loop *loop);
/* A stream has news for the loop (popped from the inbox): input to resume, output, its end. */
void connection_stream_news(server_exchange *exchange);
/* server_stream.c: */
server_stream *server_stream_new(void);
void server_stream_free(server_stream *stream);
/* Marks the stream aborted and wakes its host thread (on the loop, when the connection closes). */
void server_stream_abort(server_stream *stream);
/* Takes back an inbox reference an exchange held (server.c). */
void server_inbox_release(server_inbox *inbox);
void server_request_id(server *server, char *out, size_t size);
void server_exchange_release(server_exchange *exchange); /* frees an exchange on its loop's thread */

#endif
