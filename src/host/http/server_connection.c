/* server_connection.c: one connection: llhttp parsing, limits, timeouts, pipelined exchanges answered in order, streams (the loop's side). */
#include "server_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PIPELINE 32         /* requests read ahead of their answers; reading pauses past it */
#define LINGER_MS 2000          /* input drained after a last response, see connection_linger */
#define SMALL_WRITE (64 * 1024) /* batches up to this size are serialized in the loop's buffer */

typedef enum connection_state {
    CONNECTION_OPEN,
    CONNECTION_LINGERING, /* last response written, output shut down, input drained */
    CONNECTION_CLOSING,   /* handles closing; freed once they are and the host holds no exchange */
} connection_state;

typedef enum request_phase { PHASE_IDLE, PHASE_HEAD, PHASE_BODY } request_phase;

typedef enum timer_kind {
    TIMER_UNSET, /* to be recomputed */
    TIMER_NONE,  /* waiting for the host: its own deadlines apply */
    TIMER_IDLE,
    TIMER_HEAD,
    TIMER_BODY,
    TIMER_SEND, /* a response the client does not read */
    TIMER_LINGER,
} timer_kind;

/* A header of the request being read, as offsets into the connection's head buffer. */
typedef struct header_span {
    uint32_t name_offset, name_length;
    uint32_t value_offset, value_length;
} header_span;

struct server_connection {
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_shutdown_t shutdown_request;
    server_loop *loop;
    server_connection *previous, *next; /* in loop->connections */
    connection_state state;
    int open_handles;   /* tcp and timer, until their close callbacks */
    unsigned host_held; /* exchanges handed to on_request and not answered yet */
    bool reading, eof;
    bool in_parse; /* inside llhttp_execute: writing waits for its end */
    bool flush_pending;
    bool input_done;    /* no further request is read; later input is discarded */
    bool stop_quietly;  /* parsing stopped on purpose, already answered */
    bool paused;        /* MAX_PIPELINE reached: pending_input waits for answers */
    bool stream_paused; /* the stream whose body is read has SERVER_STREAM_BUFFER unread */
    bool resuming;
    bool keep_alive; /* of the request being read */
    char *pending_input;
    size_t pending_length;
    llhttp_t parser;
    request_phase phase;
    timer_kind timer_kind;
    uint64_t phase_started_ms; /* loop time */
    uint64_t received_ns;
    int error_status; /* a limit hit inside a parser callback */

    /* The head (request line and headers) of the request being read: its bytes are gathered
     * here, NUL-terminated (URL first), so that parsing allocates nothing per header. */
    char *head;
    size_t head_length, head_capacity;
    header_span *headers;
    uint32_t header_count, header_capacity;
    bool in_field, url_complete;
    size_t url_length;
    uint64_t head_counted;  /* head bytes in earlier reads */
    const char *head_start; /* where the head began in the current input, NULL: at its start */
    bool head_start_known;
    const char *input_base; /* the input being parsed */

    http_request *request;     /* headers read, body being read (its exchange owns it) */
    server_exchange *exchange; /* its exchange, in the pipeline */
    uint64_t max_body, body_hint;
    size_t body_capacity;

    server_exchange *first, *last; /* the pipeline: exchanges in request order */
    unsigned pipeline_length;
    bool write_in_progress;
    char remote_address[64];
    uint16_t remote_port;
};

typedef struct write_request {
    uv_write_t request;
    server_connection *connection;
    unsigned exchange_count;
    bool close_after;
    server_stream *stream; /* a stream's output: `stream_bytes` of it are in this write */
    size_t stream_bytes;
    char data[];
} write_request;

static const char continue_line[] = "HTTP/1.1 100 Continue\r\n\r\n";

static void connection_close(server_connection *c);
static void connection_flush(server_connection *c);
static void connection_update_timer(server_connection *c);
static void connection_resume_input(server_connection *c);
static int read_start(server_connection *c);
static int stream_start(server_connection *c, server_exchange *exchange);
static int stream_input(server_connection *c, server_stream *stream, const char *at, size_t length);
static void stream_pause_input(server_connection *c);
static bool stream_flush(server_connection *c, server_exchange *exchange);
static void stream_sent(server_stream *stream, size_t bytes);
static void on_write_done(uv_write_t *request, int status);
static void connection_complete(server_connection *c, unsigned count, bool close_after);
static void connection_free(server_connection *c);

static const server_limits *limits_of(const server_connection *c) { return &c->loop->server->limits; }

/* ---- exchanges ---- */

void server_exchange_release(server_exchange *exchange)
{
    if (exchange->counted)
        atomic_fetch_sub_explicit(&exchange->connection->loop->server->in_flight, 1, memory_order_relaxed);
    http_response_free(&exchange->response);
    http_request_free(exchange->request);
    server_stream_free(exchange->stream);
    free(exchange);
}

/* A new exchange at the end of the pipeline, owning `request`; without one (a request cut
 * short), its summary for on_response holds `method` and `target` when they are known. */
static server_exchange *exchange_create(server_connection *c, http_request *request, const char *method,
                                        const char *target)
{
    if (request)
        target = NULL;
    size_t target_length = target ? strlen(target) : 0;
    size_t text_size = target ? HTTP_TARGET_TEXT_SIZE(target_length) : 0;
    server_exchange *exchange = calloc(1, sizeof *exchange + text_size);
    if (!exchange)
        return NULL;
    exchange->connection = c;
    exchange->inbox = c->loop->inbox;
    exchange->keep_alive = true;
    exchange->request = request;
    if (target) {
        http_request *summary = &exchange->summary;
        snprintf(summary->method, sizeof summary->method, "%s", method);
        summary->http_major = llhttp_get_http_major(&c->parser);
        summary->http_minor = llhttp_get_http_minor(&c->parser);
        memcpy(summary->remote_address, c->remote_address, sizeof summary->remote_address);
        summary->remote_port = c->remote_port;
        server_request_id(c->loop->server, summary->request_id, sizeof summary->request_id);
        summary->received_ns = c->received_ns;
        summary->packed = true;
        http_request_place_target(summary, (char *)(exchange + 1), target, target_length);
        exchange->has_summary = true;
    }
    if (c->last)
        c->last->next = exchange;
    else
        c->first = exchange;
    c->last = exchange;
    c->pipeline_length++;
    return exchange;
}

static void exchange_answer_locally(server_exchange *exchange, int status)
{
    char text[64];
    snprintf(text, sizeof text, "%s\n", http_status_reason(status));
    http_response_free(&exchange->response);
    http_response_text(&exchange->response, status, text);
    exchange->state = EXCHANGE_ANSWERED;
    exchange->continue_pending = false;
}

/* Frees what the server owns in the pipeline; exchanges the host holds are left to it (they
 * come back through connection_receive_answer, or are freed by server_respond at shutdown). */
static void connection_detach_pipeline(server_connection *c)
{
    server_exchange *exchange = c->first;
    while (exchange) {
        server_exchange *next = exchange->next;
        if (exchange->state != EXCHANGE_WITH_HOST)
            server_exchange_release(exchange);
        else if (exchange->stream)
            server_stream_abort(exchange->stream); /* its host thread stops waiting */
        exchange = next;
    }
    c->first = c->last = NULL;
    c->pipeline_length = 0;
    c->exchange = NULL;
    c->request = NULL;
}

/* ---- reading the head ---- */

static bool head_append(server_connection *c, const char *data, size_t length)
{
    if (length == 0)
        return true; /* llhttp reports empty spans ("CONNECT \r\n"), maybe before `head` exists */
    if (c->head_length + length > c->head_capacity) {
        size_t capacity = c->head_capacity ? c->head_capacity : 1024;
        while (capacity < c->head_length + length)
            capacity *= 2;
        char *head = realloc(c->head, capacity);
        if (!head) {
            c->error_status = 503;
            return false;
        }
        c->head = head;
        c->head_capacity = capacity;
    }
    memcpy(c->head + c->head_length, data, length);
    c->head_length += length;
    return true;
}

/* Counts the raw bytes of the head (request line and headers, whitespace included) up to the
 * end of the span at..at+length; false past max_header_bytes. */
static bool head_within_limit(server_connection *c, const char *at, size_t length)
{
    if (!c->head_start_known) {
        c->head_start = at;
        c->head_start_known = true;
    }
    const char *start = c->head_start ? c->head_start : c->input_base;
    if (c->head_counted + (uint64_t)(at + length - start) > limits_of(c)->max_header_bytes) {
        c->error_status = 431;
        return false;
    }
    return true;
}

static int on_message_begin(llhttp_t *parser)
{
    server_connection *c = parser->data;
    c->phase = PHASE_HEAD;
    c->timer_kind = TIMER_UNSET;
    c->phase_started_ms = uv_now(&c->loop->loop);
    c->received_ns = uv_hrtime();
    c->head_length = 0;
    c->header_count = 0;
    c->in_field = false;
    c->url_complete = false;
    c->url_length = 0;
    c->head_counted = 0;
    c->head_start = NULL;
    c->head_start_known = false;
    c->error_status = 0;
    return 0;
}

static int on_method(llhttp_t *parser, const char *at, size_t length)
{
    return head_within_limit(parser->data, at, length) ? 0 : -1;
}

static int on_url(llhttp_t *parser, const char *at, size_t length)
{
    server_connection *c = parser->data;
    c->url_length += length;
    if (c->url_length > limits_of(c)->max_url_bytes) {
        c->error_status = 414;
        return -1;
    }
    return head_within_limit(c, at, length) && head_append(c, at, length) ? 0 : -1;
}

static int on_url_complete(llhttp_t *parser)
{
    server_connection *c = parser->data;
    if (!head_append(c, "", 1))
        return -1;
    c->url_complete = true;
    return 0;
}

/* Trailers (headers after a chunked body) come through the same callbacks: they are dropped. */
static int on_header_field(llhttp_t *parser, const char *at, size_t length)
{
    server_connection *c = parser->data;
    if (c->phase == PHASE_BODY)
        return 0;
    if (!head_within_limit(c, at, length))
        return -1;
    if (!c->in_field) {
        if (c->header_count >= limits_of(c)->max_header_count) {
            c->error_status = 431;
            return -1;
        }
        if (c->header_count == c->header_capacity) {
            uint32_t capacity = c->header_capacity ? 2 * c->header_capacity : 16;
            header_span *headers = realloc(c->headers, capacity * sizeof *headers);
            if (!headers) {
                c->error_status = 503;
                return -1;
            }
            c->headers = headers;
            c->header_capacity = capacity;
        }
        c->headers[c->header_count].name_offset = (uint32_t)c->head_length;
        c->in_field = true;
    }
    return head_append(c, at, length) ? 0 : -1;
}

static int on_header_field_complete(llhttp_t *parser)
{
    server_connection *c = parser->data;
    if (c->phase == PHASE_BODY || !c->in_field)
        return 0;
    header_span *span = &c->headers[c->header_count];
    span->name_length = (uint32_t)c->head_length - span->name_offset;
    if (!head_append(c, "", 1))
        return -1;
    span->value_offset = (uint32_t)c->head_length;
    span->value_length = 0;
    c->in_field = false;
    c->header_count++;
    return 0;
}

static int on_header_value(llhttp_t *parser, const char *at, size_t length)
{
    server_connection *c = parser->data;
    if (c->phase == PHASE_BODY)
        return 0;
    return head_within_limit(c, at, length) && head_append(c, at, length) ? 0 : -1;
}

static int on_header_value_complete(llhttp_t *parser)
{
    server_connection *c = parser->data;
    if (c->phase == PHASE_BODY || c->header_count == 0)
        return 0;
    header_span *span = &c->headers[c->header_count - 1];
    size_t end = c->head_length; /* llhttp skips leading whitespace, not trailing */
    while (end > span->value_offset && (c->head[end - 1] == ' ' || c->head[end - 1] == '\t'))
        end--;
    c->head_length = end;
    span->value_length = (uint32_t)(end - span->value_offset);
    return head_append(c, "", 1) ? 0 : -1;
}

/* The request as the host gets it: one allocation holding the header array and the strings. */
static http_request *request_build(server_connection *c)
{
    size_t text_size = HTTP_TARGET_TEXT_SIZE(c->url_length);
    for (uint32_t i = 0; i < c->header_count; i++)
        text_size += c->headers[i].name_length + c->headers[i].value_length + 2;
    size_t header_bytes = c->header_count * sizeof(http_header);
    http_request *request = malloc(sizeof *request + header_bytes + text_size);
    if (!request)
        return NULL;
    memset(request, 0, sizeof *request);
    request->packed = true;
    snprintf(request->method, sizeof request->method, "%s", llhttp_method_name(c->parser.method));
    request->http_major = c->parser.http_major;
    request->http_minor = c->parser.http_minor;
    memcpy(request->remote_address, c->remote_address, sizeof request->remote_address);
    request->remote_port = c->remote_port;
    server_request_id(c->loop->server, request->request_id, sizeof request->request_id);
    request->received_ns = c->received_ns;

    request->headers = (http_header *)(request + 1);
    request->header_count = c->header_count;
    char *text = (char *)request->headers + header_bytes;
    text = http_request_place_target(request, text, c->head, c->url_length);
    for (uint32_t i = 0; i < c->header_count; i++) {
        const header_span *span = &c->headers[i];
        request->headers[i].name = memcpy(text, c->head + span->name_offset, span->name_length + 1);
        text += span->name_length + 1;
        request->headers[i].value = memcpy(text, c->head + span->value_offset, span->value_length + 1);
        text += span->value_length + 1;
    }
    return request;
}

static int on_headers_complete(llhttp_t *parser)
{
    server_connection *c = parser->data;
    server *server = c->loop->server;
    http_request *request = request_build(c);
    if (!request) {
        c->error_status = 503;
        return -1;
    }
    uint64_t max_body = server->limits.max_body_bytes;
    http_response early;
    http_response_init(&early, 500);
    bool proceed = true;
    if (server->callbacks.on_headers)
        proceed = server->callbacks.on_headers(server->callbacks.user, request, &max_body, &early);
    server_exchange *exchange = exchange_create(c, request, NULL, NULL); /* owns the request from now on */
    if (!exchange) {
        http_response_free(&early);
        http_request_free(request);
        c->error_status = 503;
        return -1;
    }
    c->keep_alive = llhttp_should_keep_alive(parser) && !c->loop->draining;
    exchange->keep_alive = c->keep_alive;
    exchange->head = parser->method == HTTP_HEAD;
    bool chunked = (parser->flags & F_CHUNKED) != 0;
    uint64_t declared = (parser->flags & F_CONTENT_LENGTH) ? parser->content_length : 0;
    bool has_body = chunked || declared > 0;

    if (!proceed || (declared > max_body && !request->stream)) {
        /* Answered without reading the body (which, if any, is never read: the connection
         * closes after the answer). */
        if (!proceed) {
            exchange->response = early;
            if (exchange->response.status < 200 || exchange->response.status > 999)
                exchange->response.status = 500;
            exchange->state = EXCHANGE_ANSWERED;
        } else {
            http_response_free(&early);
            exchange_answer_locally(exchange, 413);
        }
        c->flush_pending = true;
        if (!has_body)
            return 0;
        exchange->keep_alive = c->keep_alive = false;
        c->input_done = true;
        c->stop_quietly = true;
        c->phase = PHASE_IDLE;
        return -1;
    }
    http_response_free(&early);
    c->request = request;
    c->exchange = exchange;
    c->max_body = max_body;
    c->body_hint = declared;
    c->body_capacity = 0;
    if (has_body) {
        c->phase = PHASE_BODY;
        c->timer_kind = TIMER_UNSET;
        c->phase_started_ms = uv_now(&c->loop->loop);
        const char *expect = http_request_header(request, "expect");
        if (expect && strcasecmp(expect, "100-continue") == 0 &&
            (request->http_major > 1 || (request->http_major == 1 && request->http_minor >= 1))) {
            exchange->continue_pending = true;
            c->flush_pending = true;
        }
    }
    if (request->stream)
        return stream_start(c, exchange);
    return 0;
}

static int on_body(llhttp_t *parser, const char *at, size_t length)
{
    server_connection *c = parser->data;
    if (c->exchange && c->exchange->stream)
        return stream_input(c, c->exchange->stream, at, length);
    http_request *request = c->request;
    if (!request)
        return 0;
    size_t needed = request->body_length + length;
    if (needed > c->max_body) {
        c->error_status = 413;
        return -1;
    }
    if (needed > c->body_capacity) {
        /* a declared length is allocated at once; chunks grow the buffer by doubling */
        size_t capacity = c->body_capacity ? 2 * c->body_capacity : 4096;
        if (capacity < c->body_hint)
            capacity = c->body_hint;
        if (capacity > c->max_body)
            capacity = c->max_body;
        if (capacity < needed)
            capacity = needed;
        uint8_t *body = realloc(request->body, capacity);
        if (!body) {
            c->error_status = 503;
            return -1;
        }
        request->body = body;
        c->body_capacity = capacity;
    }
    memcpy(request->body + request->body_length, at, length);
    request->body_length = needed;
    return 0;
}

static int on_message_complete(llhttp_t *parser)
{
    server_connection *c = parser->data;
    server *server = c->loop->server;
    c->phase = PHASE_IDLE;
    c->timer_kind = TIMER_UNSET;
    server_exchange *exchange = c->exchange;
    if (exchange && exchange->stream) {
        server_stream *stream = exchange->stream;
        uv_mutex_lock(&stream->mutex);
        stream->input_ended = true;
        uv_cond_broadcast(&stream->changed);
        uv_mutex_unlock(&stream->mutex);
        c->exchange = NULL;
        exchange->continue_pending = false;
        c->flush_pending = true; /* an end that waited for the body's end may now be written */
    } else if (exchange) {
        http_request *request = exchange->request;
        c->exchange = NULL;
        c->request = NULL;
        exchange->continue_pending = false;
        exchange->state = EXCHANGE_WITH_HOST;
        exchange->counted = true;
        atomic_fetch_add_explicit(&server->in_flight, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&exchange->inbox->references, 1, memory_order_relaxed);
        c->host_held++;
        if (server->callbacks.on_request) {
            server->callbacks.on_request(server->callbacks.user, exchange, request);
        } else {
            http_response response;
            http_response_text(&response, 500, "no request handler\n");
            server_respond(exchange, &response, false);
        }
    }
    if (!c->keep_alive) {
        c->input_done = true;
        return HPE_PAUSED;
    }
    if (c->pipeline_length >= MAX_PIPELINE) {
        c->paused = true;
        return HPE_PAUSED;
    }
    return 0;
}

static const llhttp_settings_t parser_settings = {
    .on_message_begin = on_message_begin,
    .on_method = on_method,
    .on_url = on_url,
    .on_url_complete = on_url_complete,
    .on_header_field = on_header_field,
    .on_header_field_complete = on_header_field_complete,
    .on_header_value = on_header_value,
    .on_header_value_complete = on_header_value_complete,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

/* ---- failing a request: a status of the server's own, then close ---- */

static void connection_fail(server_connection *c, int status)
{
    server_exchange *exchange = c->exchange;
    if (exchange && exchange->stream) {
        /* The host has it (its response may have begun): no status can be sent, only closed. */
        connection_close(c);
        return;
    }
    if (!exchange) {
        const char *method = llhttp_method_name(c->parser.method);
        exchange = exchange_create(c, NULL, method, c->url_complete ? c->head : NULL);
        if (!exchange) {
            connection_close(c);
            return;
        }
    }
    if (!exchange->request && !exchange->has_summary)
        exchange->summary.received_ns = c->phase != PHASE_IDLE ? c->received_ns : uv_hrtime();
    exchange_answer_locally(exchange, status);
    exchange->keep_alive = false;
    c->exchange = NULL;
    c->request = NULL;
    c->input_done = true;
    c->phase = PHASE_IDLE;
    c->timer_kind = TIMER_UNSET;
    free(c->pending_input);
    c->pending_input = NULL;
    c->paused = false;
    connection_flush(c);
}

/* ---- parsing ---- */

static void connection_stop_reading(server_connection *c)
{
    if (c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
}

static void connection_parse(server_connection *c, const char *data, size_t length)
{
    c->in_parse = true;
    c->input_base = data;
    llhttp_errno_t error = llhttp_execute(&c->parser, data, length);
    c->in_parse = false;
    if (error == HPE_OK) {
        if (c->phase == PHASE_HEAD) {
            /* all of this input after the head's start belongs to the head, whitespace included */
            c->head_counted += (uint64_t)(data + length - (c->head_start ? c->head_start : data));
            c->head_start = NULL;
            c->head_start_known = true;
            if (c->head_counted > limits_of(c)->max_header_bytes)
                connection_fail(c, 431);
        }
    } else if (error == HPE_PAUSED) {
        if (c->paused && !c->input_done) {
            /* MAX_PIPELINE reached: keep the rest until answers make room */
            const char *rest = llhttp_get_error_pos(&c->parser);
            size_t rest_length = (size_t)(data + length - rest);
            c->pending_input = malloc(rest_length ? rest_length : 1);
            if (!c->pending_input) {
                connection_close(c);
                return;
            }
            memcpy(c->pending_input, rest, rest_length);
            c->pending_length = rest_length;
            connection_stop_reading(c);
        }
    } else if (error == HPE_PAUSED_UPGRADE) {
        c->input_done = true; /* nothing after an upgrade request is HTTP/1.1 */
    } else if (!c->stop_quietly) {
        connection_fail(c, c->error_status ? c->error_status : 400);
    }
    if (c->state == CONNECTION_OPEN)
        stream_pause_input(c);
    if (c->flush_pending) {
        c->flush_pending = false;
        connection_flush(c);
    } else {
        connection_update_timer(c);
    }
}

/* Answers made room in the pipeline: parse what was kept, then read again. */
static void connection_resume_input(server_connection *c)
{
    if (c->resuming)
        return;
    c->resuming = true;
    while (c->paused && c->state == CONNECTION_OPEN && !c->input_done && c->pipeline_length < MAX_PIPELINE) {
        char *input = c->pending_input;
        size_t length = c->pending_length;
        c->pending_input = NULL;
        c->pending_length = 0;
        c->paused = false;
        llhttp_resume(&c->parser);
        connection_parse(c, input, length);
        free(input);
    }
    c->resuming = false;
}

/* ---- writing ---- */

static void date_refresh(server_loop *loop)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t now = time(NULL);
    if (now == loop->date_second && loop->date_line[0])
        return;
    struct tm tm;
    gmtime_r(&now, &tm);
    snprintf(loop->date_line, sizeof loop->date_line, "Date: %s, %02d %s %04d %02d:%02d:%02d GMT\r\n",
             days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
             tm.tm_sec);
    loop->date_second = now;
}

static bool status_allows_body(int status) { return status >= 200 && status != 204 && status != 304; }

static bool header_name_valid(const char *name)
{
    if (!*name)
        return false;
    for (; *name; name++) {
        unsigned char ch = (unsigned char)*name;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              strchr("!#$%&'*+-.^_`|~", ch)))
            return false;
    }
    return true;
}

/* Headers the server writes itself, and headers that could split the response, are skipped. */
static bool header_writable(const http_header *header)
{
    return header_name_valid(header->name) && !strpbrk(header->value, "\r\n") && !http_header_is_servers(header->name);
}

/* The most `response`'s head takes serialized (its body not counted). */
static size_t response_size_bound_of(const http_response *response, size_t date_length)
{
    size_t size = 160 + date_length; /* status line, content-length or transfer-encoding, connection, blank line */
    for (size_t i = 0; i < response->header_count; i++)
        size += strlen(response->headers[i].name) + strlen(response->headers[i].value) + 4;
    return size;
}

static size_t response_size_bound(const server_exchange *exchange, size_t date_length)
{
    return response_size_bound_of(&exchange->response, date_length) + exchange->response.body_length;
}

static char *append(char *out, const char *text, size_t length)
{
    memcpy(out, text, length);
    return out + length;
}

static char *append_string(char *out, const char *text) { return append(out, text, strlen(text)); }

static char *append_decimal(char *out, uint64_t value)
{
    char digits[20];
    int count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (count)
        *out++ = digits[--count];
    return out;
}

/* The status a response goes with: one the client can read, else 500. */
static int response_status(const http_response *response)
{
    return response->status >= 200 && response->status <= 999 ? response->status : 500;
}

/* Writes a response's head at `out`: the status line, Date, `framing` (a Content-Length or
 * Transfer-Encoding line, or ""), Connection and the response's own headers, then the blank line;
 * keeps the status for on_response. Returns the end. For whole responses and streams alike. */
static char *head_serialize(const server_loop *loop, server_exchange *exchange, const http_response *response,
                            const char *framing, bool close, char *out)
{
    int status = response_status(response);
    exchange->status = status;
    char *p = append(out, "HTTP/1.1 ", 9);
    p = append_decimal(p, (uint64_t)status);
    *p++ = ' ';
    p = append_string(p, http_status_reason(status));
    p = append(p, "\r\n", 2);
    p = append_string(p, loop->date_line);
    p = append_string(p, framing);
    p = close ? append_string(p, "Connection: close\r\n") : append_string(p, "Connection: keep-alive\r\n");
    for (size_t i = 0; i < response->header_count; i++) {
        const http_header *header = &response->headers[i];
        if (!header_writable(header))
            continue;
        p = append_string(p, header->name);
        p = append(p, ": ", 2);
        p = append_string(p, header->value);
        p = append(p, "\r\n", 2);
    }
    return append(p, "\r\n", 2);
}

/* Writes the response of `exchange` at `out`; returns its length. */
static size_t response_serialize(const server_loop *loop, server_exchange *exchange, char *out, bool close)
{
    http_response *response = &exchange->response;
    bool body_allowed = status_allows_body(response_status(response));
    char framing[48] = "";
    if (body_allowed) {
        char *end = append(framing, "Content-Length: ", 16);
        end = append_decimal(end, response->body_length);
        *append(end, "\r\n", 2) = '\0';
    }
    char *p = head_serialize(loop, exchange, response, framing, close, out);
    if (body_allowed && !exchange->head && response->body_length)
        p = append(p, (const char *)response->body, response->body_length);
    return (size_t)(p - out);
}

/* Whether the connection closes after this response. */
static bool exchange_closes(const server_connection *c, const server_exchange *exchange)
{
    if (!exchange->keep_alive || exchange->close_requested)
        return true;
    bool no_more_requests = c->input_done || (c->loop->draining && c->phase == PHASE_IDLE);
    return exchange->next == NULL && no_more_requests;
}

/* After its last response: shut down output, then drain input for a while before closing, so
 * that closing with unread input (a body never read after a 413) does not reset the connection
 * before the client read the response. */
static void on_shutdown_done(uv_shutdown_t *request, int status)
{
    server_connection *c = request->data;
    if (status < 0 && c->state == CONNECTION_LINGERING)
        connection_close(c);
}

static void on_timer(uv_timer_t *timer);

static void connection_linger(server_connection *c)
{
    connection_detach_pipeline(c);
    c->input_done = true;
    if (c->eof) {
        connection_close(c);
        return;
    }
    c->state = CONNECTION_LINGERING;
    c->shutdown_request.data = c;
    if (uv_shutdown(&c->shutdown_request, (uv_stream_t *)&c->tcp, on_shutdown_done) != 0) {
        connection_close(c);
        return;
    }
    free(c->pending_input);
    c->pending_input = NULL;
    c->paused = false;
    if (!c->reading)
        c->reading = read_start(c) == 0;
    c->timer_kind = TIMER_LINGER;
    uv_timer_start(&c->timer, on_timer, LINGER_MS, 0);
}

/* The first `count` exchanges were written: report and free them. */
static void connection_complete(server_connection *c, unsigned count, bool close_after)
{
    server *server = c->loop->server;
    uint64_t now = uv_hrtime();
    for (unsigned i = 0; i < count; i++) {
        server_exchange *exchange = c->first;
        c->first = exchange->next;
        if (!c->first)
            c->last = NULL;
        c->pipeline_length--;
        if (server->callbacks.on_response) {
            const http_request *request = exchange->request;
            if (!request && exchange->has_summary)
                request = &exchange->summary;
            uint64_t received_ns = request ? request->received_ns : exchange->summary.received_ns;
            server->callbacks.on_response(server->callbacks.user, request, exchange->status, now - received_ns);
        }
        server_exchange_release(exchange);
    }
    if (close_after)
        connection_linger(c);
}

static void on_write_done(uv_write_t *request, int status)
{
    write_request *pending = (write_request *)request;
    server_connection *c = pending->connection;
    unsigned count = pending->exchange_count;
    bool close_after = pending->close_after;
    server_stream *stream = pending->stream;
    size_t stream_bytes = pending->stream_bytes;
    free(pending);
    if (c->state == CONNECTION_CLOSING)
        return; /* cancelled by the close; the exchanges went with it */
    if (stream)
        stream_sent(stream, stream_bytes);
    c->write_in_progress = false;
    if (status < 0) {
        connection_close(c);
        return;
    }
    connection_complete(c, count, close_after);
    connection_flush(c);
}

/* After output: close what has nothing left to do, read again when the pipeline has room. */
static void connection_after_output(server_connection *c)
{
    if (c->state != CONNECTION_OPEN || c->write_in_progress)
        return;
    if (!c->first && c->phase == PHASE_IDLE && !c->paused && (c->input_done || c->loop->draining)) {
        connection_close(c);
        return;
    }
    connection_resume_input(c);
    if (c->state == CONNECTION_OPEN && !c->paused && !c->stream_paused && !c->input_done && !c->reading)
        c->reading = read_start(c) == 0;
}

/* Where `bound` bytes of output are serialized: the loop's buffer when they fit, else a write
 * request of their size (*pending). NULL when out of memory. */
static char *write_buffer(server_loop *loop, size_t bound, write_request **pending)
{
    *pending = NULL;
    if (bound <= SMALL_WRITE) {
        if (loop->write_capacity < bound) {
            free(loop->write_buffer);
            loop->write_buffer = malloc(SMALL_WRITE);
            loop->write_capacity = loop->write_buffer ? SMALL_WRITE : 0;
        }
        return loop->write_buffer;
    }
    *pending = malloc(sizeof **pending + bound);
    return *pending ? (*pending)->data : NULL;
}

/* Writes `length` bytes at `buffer` (in `pending`'s data, or the loop's buffer when `pending` is
 * NULL); `what` says what completes with them. True when the socket took them all at once (they
 * are complete); false when the rest goes with uv_write (whose callback completes them) or the
 * connection closed. */
static bool connection_send(server_connection *c, char *buffer, size_t length, write_request *pending,
                            const write_request *what)
{
    uv_buf_t buf = uv_buf_init(buffer, (unsigned)length);
    int written = length ? uv_try_write((uv_stream_t *)&c->tcp, &buf, 1) : 0;
    if (written == (int)length) {
        free(pending);
        if (what->stream)
            stream_sent(what->stream, what->stream_bytes);
        connection_complete(c, what->exchange_count, what->close_after);
        return true;
    }
    if (written < 0 && written != UV_EAGAIN) {
        free(pending);
        connection_close(c);
        return false;
    }
    if (written < 0)
        written = 0;
    /* The socket is full: the rest goes with uv_write, whose callback completes the batch. */
    if (!pending) {
        pending = malloc(sizeof *pending + length - (size_t)written);
        if (!pending) {
            connection_close(c);
            return false;
        }
        memcpy(pending->data, buffer + written, length - (size_t)written);
        buf = uv_buf_init(pending->data, (unsigned)(length - (size_t)written));
    } else {
        buf = uv_buf_init(pending->data + written, (unsigned)(length - (size_t)written));
    }
    pending->connection = c;
    pending->exchange_count = what->exchange_count;
    pending->close_after = what->close_after;
    pending->stream = what->stream;
    pending->stream_bytes = what->stream_bytes;
    if (uv_write(&pending->request, (uv_stream_t *)&c->tcp, &buf, 1, on_write_done) != 0) {
        free(pending);
        connection_close(c);
        return false;
    }
    c->write_in_progress = true;
    return false;
}

/* Writes every response that is next in order, several at once when pipelined: one buffer, and
 * one write call when the socket takes it all (the usual case). */
static void connection_flush(server_connection *c)
{
    server_loop *loop = c->loop;
    while (c->state == CONNECTION_OPEN && !c->write_in_progress) {
        date_refresh(loop);
        size_t date_length = strlen(loop->date_line);
        size_t bound = 0;
        unsigned count = 0;
        bool close_after = false, send_continue = false;
        server_exchange *exchange;
        if (c->first && c->first->stream) {
            if (!stream_flush(c, c->first))
                break;
            continue;
        }
        for (exchange = c->first; exchange && exchange->state == EXCHANGE_ANSWERED && !exchange->stream;
             exchange = exchange->next) {
            bound += response_size_bound(exchange, date_length);
            count++;
            if (exchange_closes(c, exchange)) {
                close_after = true;
                break;
            }
        }
        if (!close_after && exchange && exchange->state == EXCHANGE_READING && exchange->continue_pending) {
            send_continue = true;
            bound += sizeof continue_line;
        }
        if (count == 0 && !send_continue)
            break;

        write_request *pending = NULL;
        char *buffer = write_buffer(loop, bound, &pending);
        if (!buffer) {
            connection_close(c);
            return;
        }
        size_t length = 0;
        server_exchange *written_exchange = c->first;
        for (unsigned i = 0; i < count; i++, written_exchange = written_exchange->next) {
            length += response_serialize(loop, written_exchange, buffer + length, close_after && i == count - 1);
            http_response_free(&written_exchange->response);
            written_exchange->state = EXCHANGE_WRITING;
        }
        if (send_continue) {
            memcpy(buffer + length, continue_line, sizeof continue_line - 1);
            length += sizeof continue_line - 1;
            exchange->continue_pending = false;
        }
        write_request batch = {.exchange_count = count, .close_after = close_after};
        if (!connection_send(c, buffer, length, pending, &batch))
            break;
    }
    connection_after_output(c);
    connection_update_timer(c);
}

/* ---- streams: the loop's side (server_stream.c has the host's) ---- */

/* After its headers: the host gets the exchange now, and its body as it comes. */
static int stream_start(server_connection *c, server_exchange *exchange)
{
    server *server = c->loop->server;
    exchange->stream = server_stream_new();
    if (!exchange->stream) {
        c->error_status = 503;
        return -1;
    }
    c->request = NULL; /* the body is not gathered */
    exchange->state = EXCHANGE_WITH_HOST;
    exchange->counted = true;
    atomic_fetch_add_explicit(&server->in_flight, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&exchange->inbox->references, 1, memory_order_relaxed);
    c->host_held++;
    server->callbacks.on_request(server->callbacks.user, exchange, exchange->request);
    return 0;
}

static int stream_input(server_connection *c, server_stream *stream, const char *at, size_t length)
{
    c->phase_started_ms = uv_now(&c->loop->loop); /* the body timeout counts from the last byte */
    c->timer_kind = TIMER_UNSET;
    bool ok = true;
    uv_mutex_lock(&stream->mutex);
    if (!stream->ended) { /* after its end, the host reads no more: dropped */
        if (stream->input_length + length > stream->input_capacity) {
            size_t capacity = stream->input_capacity ? stream->input_capacity : 16384;
            while (capacity < stream->input_length + length)
                capacity *= 2;
            char *input = realloc(stream->input, capacity);
            ok = input != NULL;
            if (ok) {
                stream->input = input;
                stream->input_capacity = capacity;
            }
        }
        if (ok) {
            memcpy(stream->input + stream->input_length, at, length);
            stream->input_length += length;
            if (stream->input_length >= SERVER_STREAM_BUFFER)
                stream->input_full = true;
            uv_cond_broadcast(&stream->changed);
        }
    }
    uv_mutex_unlock(&stream->mutex);
    if (!ok)
        c->error_status = 503;
    return ok ? 0 : -1;
}

/* After parsing: stops reading the socket while the stream being read has enough unread input
 * (what this read brought is kept: the buffer passes its limit by one read at most). */
static void stream_pause_input(server_connection *c)
{
    server_exchange *exchange = c->exchange;
    if (!exchange || !exchange->stream || !c->reading)
        return;
    uv_mutex_lock(&exchange->stream->mutex);
    bool full = exchange->stream->input_full;
    uv_mutex_unlock(&exchange->stream->mutex);
    if (full) {
        connection_stop_reading(c);
        c->stream_paused = true;
        c->timer_kind = TIMER_UNSET;
    }
}

/* `bytes` of a stream's output are in the socket: a waiting write may go on. */
static void stream_sent(server_stream *stream, size_t bytes)
{
    uv_mutex_lock(&stream->mutex);
    stream->unsent -= bytes;
    uv_cond_broadcast(&stream->changed);
    uv_mutex_unlock(&stream->mutex);
}

/* The head of a streamed response (Transfer-Encoding: chunked unless the client is HTTP/1.0, which
 * then reads to the connection's close). */
static size_t stream_head_serialize(const server_loop *loop, server_exchange *exchange, char *out, bool chunked)
{
    /* HTTP/1.0 has no chunks: the body ends with the connection. */
    char *end = head_serialize(loop, exchange, &exchange->stream->head, chunked ? "Transfer-Encoding: chunked\r\n" : "",
                               !(chunked && exchange->keep_alive), out);
    return (size_t)(end - out);
}

/* Writes what the stream at the head of the pipeline has for the socket: a 100 Continue, its head,
 * its output as one chunk, its end. False when there is nothing to write yet. */
static bool stream_flush(server_connection *c, server_exchange *exchange)
{
    server_stream *stream = exchange->stream;
    const http_request *request = exchange->request;
    bool chunked = request->http_major > 1 || (request->http_major == 1 && request->http_minor >= 1);
    if (!chunked)
        exchange->keep_alive = false;
    bool send_continue = exchange->continue_pending;
    bool end = exchange->state == EXCHANGE_ANSWERED; /* the host ended it, all its output written */
    uv_mutex_lock(&stream->mutex);
    bool send_head = stream->begun && !stream->head_sent;
    size_t data_length = stream->begun ? stream->output_length : 0;
    /* the loop's buffer (up to SMALL_WRITE) or one allocation of this size */
    size_t bound =
        sizeof continue_line + (send_head ? response_size_bound_of(&stream->head, 64) : 0) + 32 + data_length + 8;
    date_refresh(c->loop);
    write_request *pending = NULL;
    char *buffer = send_continue || send_head || data_length || end ? write_buffer(c->loop, bound, &pending) : NULL;
    size_t length = 0;
    if (buffer) {
        if (send_continue) {
            length += (size_t)(append(buffer, continue_line, sizeof continue_line - 1) - buffer);
            exchange->continue_pending = false;
        }
        if (send_head) {
            length += stream_head_serialize(c->loop, exchange, buffer + length, chunked);
            stream->head_sent = true;
        }
        if (data_length) {
            char *p = buffer + length;
            if (chunked) {
                static const char hex[] = "0123456789abcdef";
                char digits[16];
                int count = 0;
                for (size_t rest = data_length; rest; rest >>= 4)
                    digits[count++] = hex[rest & 15];
                while (count)
                    *p++ = digits[--count];
                p = append(p, "\r\n", 2);
            }
            p = append(p, stream->output, data_length);
            if (chunked)
                p = append(p, "\r\n", 2);
            length = (size_t)(p - buffer);
            stream->output_length = 0;
            stream->unsent += data_length;
        }
    }
    bool truncated = stream->truncated;
    uv_mutex_unlock(&stream->mutex);
    if (!buffer) {
        if (send_continue || send_head || data_length || end)
            connection_close(c); /* out of memory */
        return false;
    }
    bool close_after = false;
    if (end) {
        /* A truncated answer ends with the connection, never with the last chunk of a whole one. */
        if (chunked && !truncated)
            length += (size_t)(append(buffer + length, "0\r\n\r\n", 5) - (buffer + length));
        /* A body not read to its end cannot be skipped reliably: the connection closes. */
        close_after = exchange_closes(c, exchange) || c->exchange == exchange || truncated;
        exchange->state = EXCHANGE_WRITING;
    }
    write_request what = {
        .exchange_count = end ? 1 : 0, .close_after = close_after, .stream = stream, .stream_bytes = data_length};
    return connection_send(c, buffer, length, pending, &what);
}

void connection_stream_news(server_exchange *exchange)
{
    server_connection *c = exchange->connection;
    server_stream *stream = exchange->stream;
    uv_mutex_lock(&stream->mutex);
    bool resume = stream->resume_wanted;
    stream->resume_wanted = false;
    uv_mutex_unlock(&stream->mutex);
    if (stream->end_seen && exchange->state == EXCHANGE_WITH_HOST) {
        /* The host let go: the exchange is the server's again. */
        c->host_held--;
        server_inbox_release(exchange->inbox);
        if (c->state != CONNECTION_OPEN) {
            server_exchange_release(exchange); /* its connection let it go at its close */
            if (c->state == CONNECTION_CLOSING && c->open_handles == 0 && c->host_held == 0)
                connection_free(c);
            return;
        }
        exchange->state = EXCHANGE_ANSWERED;
        exchange->close_requested = stream->close_requested;
    }
    if (c->state != CONNECTION_OPEN)
        return;
    if (resume && c->stream_paused) {
        c->stream_paused = false;
        c->phase_started_ms = uv_now(&c->loop->loop); /* the pause was the host's, not the client's */
        c->timer_kind = TIMER_UNSET;
        if (!c->paused && !c->input_done && !c->reading)
            c->reading = read_start(c) == 0;
    }
    if (c->in_parse)
        c->flush_pending = true;
    else
        connection_flush(c);
}

/* ---- timers ---- */

static void on_timer(uv_timer_t *timer)
{
    server_connection *c = timer->data;
    if (c->state != CONNECTION_OPEN) {
        connection_close(c);
        return;
    }
    switch (c->timer_kind) {
    case TIMER_HEAD:
    case TIMER_BODY: connection_fail(c, 408); break;
    default: connection_close(c); break;
    }
}

/* One timer per connection, re-armed only when what it guards changes. */
static void connection_update_timer(server_connection *c)
{
    if (c->state != CONNECTION_OPEN)
        return;
    const server_limits *limits = limits_of(c);
    uint64_t now = uv_now(&c->loop->loop);
    uint64_t started = now, timeout = 0;
    timer_kind kind;
    if (c->phase == PHASE_HEAD) {
        kind = TIMER_HEAD;
        started = c->phase_started_ms;
        timeout = limits->header_timeout_ms;
    } else if (c->phase == PHASE_BODY && !c->stream_paused) {
        kind = TIMER_BODY; /* for a stream, restarted by each piece of body: an inactivity timeout */
        started = c->phase_started_ms;
        timeout = limits->body_timeout_ms;
    } else if (c->write_in_progress) {
        kind = TIMER_SEND;
        timeout = limits->idle_timeout_ms;
    } else if (!c->first) {
        kind = TIMER_IDLE;
        timeout = limits->idle_timeout_ms;
    } else {
        kind = TIMER_NONE;
    }
    if (kind == c->timer_kind)
        return;
    c->timer_kind = kind;
    if (kind == TIMER_NONE || timeout == 0) {
        uv_timer_stop(&c->timer);
        return;
    }
    uint64_t deadline = started + timeout;
    uv_timer_start(&c->timer, on_timer, deadline > now ? deadline - now : 0, 0);
}

/* ---- connection life ---- */

static void connection_free(server_connection *c)
{
    server_loop *loop = c->loop;
    if (c->previous)
        c->previous->next = c->next;
    else
        loop->connections = c->next;
    if (c->next)
        c->next->previous = c->previous;
    free(c);
}

static void on_handle_closed(uv_handle_t *handle)
{
    server_connection *c = handle->data;
    if (--c->open_handles == 0 && c->host_held == 0)
        connection_free(c);
}

static void connection_close(server_connection *c)
{
    if (c->state == CONNECTION_CLOSING)
        return;
    connection_detach_pipeline(c);
    c->state = CONNECTION_CLOSING;
    atomic_fetch_sub_explicit(&c->loop->server->connection_count, 1, memory_order_relaxed);
    free(c->pending_input);
    c->pending_input = NULL;
    free(c->head);
    c->head = NULL;
    free(c->headers);
    c->headers = NULL;
    uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
    uv_close((uv_handle_t *)&c->timer, on_handle_closed);
}

static void on_alloc(uv_handle_t *handle, size_t suggested_size, uv_buf_t *buf)
{
    (void)suggested_size;
    server_connection *c = handle->data;
    *buf = uv_buf_init(c->loop->read_buffer, SERVER_READ_BUFFER_SIZE);
}

static void connection_input_ended(server_connection *c, ssize_t status)
{
    c->eof = true;
    connection_stop_reading(c);
    if (status != UV_EOF || c->state != CONNECTION_OPEN) {
        connection_close(c);
        return;
    }
    /* The client shut down its side: answer what it sent, then close. */
    if (c->phase != PHASE_IDLE) {
        connection_fail(c, 400); /* a request cut short */
        return;
    }
    c->input_done = true;
    if (!c->first && !c->write_in_progress)
        connection_close(c);
    else
        connection_flush(c);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    server_connection *c = stream->data;
    if (nread > 0) {
        if (c->state == CONNECTION_OPEN && !c->input_done)
            connection_parse(c, buf->base, (size_t)nread);
        return; /* otherwise discarded: after the last request, or while lingering */
    }
    if (nread < 0)
        connection_input_ended(c, nread);
}

static int read_start(server_connection *c) { return uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read); }

/* A new connection on `loop`: its socket accepted from the listener, or, when fd >= 0, that
 * connected socket (connection_open_socket). */
static void connection_open(server_loop *loop, uv_os_sock_t fd)
{
    server *server = loop->server;
    server_connection *c = calloc(1, sizeof *c);
    if (!c) {
        if (fd >= 0) {
            close(fd);
            return;
        }
        /* Out of memory: take the connection off the queue and close it. */
        int listener_fd;
        if (uv_fileno((uv_handle_t *)&loop->listener, &listener_fd) == 0) {
            int client = accept(listener_fd, NULL, NULL);
            if (client >= 0)
                close(client);
        }
        return;
    }
    c->loop = loop;
    uv_tcp_init(&loop->loop, &c->tcp);
    uv_timer_init(&loop->loop, &c->timer);
    c->tcp.data = c;
    c->timer.data = c;
    c->open_handles = 2;
    c->state = CONNECTION_OPEN;
    c->timer_kind = TIMER_UNSET;
    c->next = loop->connections;
    if (loop->connections)
        loop->connections->previous = c;
    loop->connections = c;
    unsigned count = atomic_fetch_add_explicit(&server->connection_count, 1, memory_order_relaxed) + 1;
    int status = fd >= 0 ? uv_tcp_open(&c->tcp, fd) : uv_accept((uv_stream_t *)&loop->listener, (uv_stream_t *)&c->tcp);
    if (status != 0) {
        if (fd >= 0)
            close(fd);
        connection_close(c);
        return;
    }
    if (server->limits.max_connections && count > server->limits.max_connections) {
        static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        uv_buf_t buf = uv_buf_init((char *)busy, sizeof busy - 1);
        uv_try_write((uv_stream_t *)&c->tcp, &buf, 1);
        if (server->callbacks.on_response)
            server->callbacks.on_response(server->callbacks.user, NULL, 503, 0);
        connection_close(c);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    struct sockaddr_storage peer;
    int peer_length = sizeof peer;
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&peer, &peer_length) == 0) {
        if (peer.ss_family == AF_INET6) {
            uv_ip6_name((struct sockaddr_in6 *)&peer, c->remote_address, sizeof c->remote_address);
            c->remote_port = ntohs(((struct sockaddr_in6 *)&peer)->sin6_port);
        } else if (peer.ss_family == AF_INET) { /* not a Unix socket (connection_open_socket) */
            uv_ip4_name((struct sockaddr_in *)&peer, c->remote_address, sizeof c->remote_address);
            c->remote_port = ntohs(((struct sockaddr_in *)&peer)->sin_port);
        }
    }
    llhttp_init(&c->parser, HTTP_REQUEST, &parser_settings);
    c->parser.data = c;
    c->reading = read_start(c) == 0;
    if (!c->reading) {
        connection_close(c);
        return;
    }
    connection_update_timer(c);
}

void connection_accept(server_loop *loop) { connection_open(loop, -1); }

void connection_open_socket(server_loop *loop, uv_os_sock_t fd) { connection_open(loop, fd); }

/* ---- from server.c ---- */

void connection_receive_answer(server_exchange *exchange)
{
    server_connection *c = exchange->connection;
    c->host_held--;
    if (c->state != CONNECTION_OPEN) {
        /* the client went away, or the connection closes after an earlier response */
        server_exchange_release(exchange);
        if (c->state == CONNECTION_CLOSING && c->open_handles == 0 && c->host_held == 0)
            connection_free(c);
        return;
    }
    exchange->state = EXCHANGE_ANSWERED;
    if (c->in_parse)
        c->flush_pending = true;
    else
        connection_flush(c);
}

void connections_abort_streams(server_loop *loop)
{
    server_connection *c = loop->connections;
    while (c) {
        server_connection *next = c->next;
        bool streaming = false;
        for (server_exchange *exchange = c->first; exchange && !streaming; exchange = exchange->next)
            streaming = exchange->stream != NULL;
        if (streaming && c->state != CONNECTION_CLOSING)
            connection_close(c);
        c = next;
    }
}

void connections_stop_accepting(server_loop *loop)
{
    for (server_connection *c = loop->connections; c; c = c->next)
        if (c->state == CONNECTION_OPEN && !c->first && c->phase == PHASE_IDLE && !c->write_in_progress)
            connection_close(c);
}

void connections_abandon(server_loop *loop)
{
    server_connection *c = loop->connections;
    while (c) {
        server_connection *next = c->next;
        c->host_held = 0; /* their exchanges are the host's to free, through server_respond */
        if (c->state != CONNECTION_CLOSING)
            connection_close(c);
        else if (c->open_handles == 0)
            connection_free(c);
        c = next;
    }
}
