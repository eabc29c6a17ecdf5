/* server.c: the HTTP server's event loops: SO_REUSEPORT listeners, threads, answers from other threads, shutdown. */
#define _GNU_SOURCE /* pthread_setname_np */
#include "server_internal.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define LISTEN_BACKLOG 1024
#define MAX_LOOPS 256

_Thread_local server_loop *server_current_loop;

void server_limits_default(server_limits *out)
{
    out->max_header_bytes = 64 * 1024;
    out->max_header_count = 100;
    out->max_url_bytes = 8 * 1024;
    out->max_body_bytes = 1024 * 1024;
    out->idle_timeout_ms = 60 * 1000;
    out->header_timeout_ms = 10 * 1000;
    out->body_timeout_ms = 30 * 1000;
    out->max_connections = 10000;
}

static void sleep_ms(long milliseconds)
{
    struct timespec pause = {milliseconds / 1000, (milliseconds % 1000) * 1000000L};
    nanosleep(&pause, NULL);
}

/* ---- request ids: a random prefix per server, then a counter ---- */

void server_request_id(server *server, char *out, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    uint64_t number = atomic_fetch_add_explicit(&server->next_request_number, 1, memory_order_relaxed) + 1;
    char digits[16];
    size_t count = 0;
    do {
        digits[count++] = hex[number & 15];
        number >>= 4;
    } while (number && count < sizeof digits);
    size_t prefix_length = strlen(server->request_id_prefix);
    if (prefix_length + 1 + count + 1 > size) /* cannot happen with the 24-byte field */
        count = size > prefix_length + 2 ? size - prefix_length - 2 : 0;
    memcpy(out, server->request_id_prefix, prefix_length);
    out[prefix_length] = '-';
    for (size_t i = 0; i < count; i++)
        out[prefix_length + 1 + i] = digits[count - 1 - i];
    out[prefix_length + 1 + count] = '\0';
}

/* ---- answers from other threads ---- */

void server_inbox_release(server_inbox *inbox)
{
    if (atomic_fetch_sub_explicit(&inbox->references, 1, memory_order_acq_rel) == 1) {
        uv_mutex_destroy(&inbox->mutex);
        free(inbox);
    }
}

void server_respond(server_exchange *exchange, http_response *response, bool close)
{
    server_inbox *inbox = exchange->inbox;
    http_response taken = *response;
    http_response_init(response, taken.status); /* the caller's copy owns nothing any more */

    if (server_current_loop && server_current_loop->inbox == inbox) {
        /* On the exchange's own loop (an inline answer from on_request): no queue, no wakeup. */
        exchange->response = taken;
        exchange->close_requested = close;
        server_inbox_release(inbox); /* never the last reference: the loop holds one */
        connection_receive_answer(exchange);
        return;
    }
    uv_mutex_lock(&inbox->mutex);
    if (inbox->closed) {
        /* The server gave up on this exchange at shutdown: nothing to write it to. */
        uv_mutex_unlock(&inbox->mutex);
        http_response_free(&taken);
        http_request_free(exchange->request);
        free(exchange);
        server_inbox_release(inbox);
        return;
    }
    exchange->response = taken;
    exchange->close_requested = close;
    exchange->next_answered = NULL;
    if (inbox->last)
        inbox->last->next_answered = exchange;
    else
        inbox->first = exchange;
    inbox->last = exchange;
    uv_async_send(inbox->wakeup);
    uv_mutex_unlock(&inbox->mutex);
}

static void loop_stop_accepting(server_loop *loop)
{
    if (loop->draining)
        return;
    loop->draining = true;
    if (loop->listener_open) {
        loop->listener_open = false;
        uv_close((uv_handle_t *)&loop->listener, NULL); /* closes the socket now; new connections are refused */
    }
    atomic_store(&loop->listener_closed, true);
    connections_stop_accepting(loop);
}

/* Pops the streams with news (under the inbox's mutex). */
static server_exchange *take_streams(server_inbox *inbox)
{
    server_exchange *streams = inbox->streams;
    inbox->streams = NULL;
    for (server_exchange *exchange = streams; exchange; exchange = exchange->next_stream) {
        exchange->stream->queued = false;
        exchange->stream->end_seen = exchange->stream->end_posted;
        exchange->next_news = exchange->next_stream;
    }
    return streams;
}

/* Hands each stream its news; next_news is read first, as the news may free the exchange. */
static void give_streams_news(server_exchange *streams)
{
    while (streams) {
        server_exchange *next = streams->next_news;
        connection_stream_news(streams);
        streams = next;
    }
}

/* Closes everything the loop has, so that uv_run returns. */
static void loop_shutdown(server_loop *loop)
{
    server_inbox *inbox = loop->inbox;
    loop_stop_accepting(loop);
    /* Under the lock: server_respond on another thread either queued its exchange before
     * `closed` (taken here) or frees it itself, never while the connections are torn down. */
    uv_mutex_lock(&inbox->mutex);
    inbox->closed = true;
    server_exchange *answered = inbox->first;
    inbox->first = inbox->last = NULL;
    while (answered) {
        server_exchange *next = answered->next_answered;
        server_inbox_release(inbox);
        connection_receive_answer(answered); /* written if the socket takes it at once */
        answered = next;
    }
    give_streams_news(take_streams(inbox));
    connections_abandon(loop);
    uv_mutex_unlock(&inbox->mutex);
    if (!uv_is_closing((uv_handle_t *)&loop->wakeup))
        uv_close((uv_handle_t *)&loop->wakeup, NULL);
}

static void on_wakeup(uv_async_t *async)
{
    server_loop *loop = async->data;
    server_inbox *inbox = loop->inbox;
    uv_mutex_lock(&inbox->mutex);
    server_exchange *answered = inbox->first;
    inbox->first = inbox->last = NULL;
    server_exchange *streams = take_streams(inbox);
    bool stop_accepting = inbox->stop_accepting, shutdown = inbox->shutdown, abort_streams = inbox->abort_streams;
    inbox->stop_accepting = inbox->abort_streams = false;
    uv_mutex_unlock(&inbox->mutex);
    give_streams_news(streams);
    if (abort_streams)
        connections_abort_streams(loop);
    while (answered) {
        server_exchange *next = answered->next_answered;
        server_inbox_release(inbox);
        connection_receive_answer(answered);
        answered = next;
    }
    if (stop_accepting)
        loop_stop_accepting(loop);
    if (shutdown)
        loop_shutdown(loop);
}

static void on_connection(uv_stream_t *listener, int status)
{
    if (status == 0)
        connection_accept(listener->data);
}

static void loop_run(void *argument)
{
    server_loop *loop = argument;
    server_current_loop = loop;
    char name[16];
    snprintf(name, sizeof name, "http-loop-%d", loop->index); /* at most 15 characters */
    pthread_setname_np(pthread_self(), name);
    uv_run(&loop->loop, UV_RUN_DEFAULT);
}

/* ---- start ---- */

static void address_text(const struct sockaddr *address, char *out, size_t size)
{
    char host[INET6_ADDRSTRLEN] = "?";
    if (address->sa_family == AF_INET6) {
        uv_ip6_name((const struct sockaddr_in6 *)address, host, sizeof host);
        snprintf(out, size, "[%s]:%u", host, ntohs(((const struct sockaddr_in6 *)address)->sin6_port));
    } else {
        uv_ip4_name((const struct sockaddr_in *)address, host, sizeof host);
        snprintf(out, size, "%s:%u", host, ntohs(((const struct sockaddr_in *)address)->sin_port));
    }
}

/* A listening socket of its own for one loop: with SO_REUSEPORT the kernel spreads new
 * connections over the loops (libuv 1.44 has no flag for it, hence the socket made here). */
static int listen_socket(const struct addrinfo *info, uint16_t port, uint16_t *bound_port, char *error,
                         size_t error_size)
{
    struct sockaddr_storage address;
    memcpy(&address, info->ai_addr, info->ai_addrlen);
    if (address.ss_family == AF_INET6)
        ((struct sockaddr_in6 *)&address)->sin6_port = htons(port);
    else
        ((struct sockaddr_in *)&address)->sin_port = htons(port);
    char where[80];
    address_text((struct sockaddr *)&address, where, sizeof where);

    int fd = socket(info->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int on = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0 ||
        bind(fd, (struct sockaddr *)&address, info->ai_addrlen) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
        snprintf(error, error_size, "cannot listen on %s: %s", where, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    struct sockaddr_storage bound;
    socklen_t bound_length = sizeof bound;
    if (getsockname(fd, (struct sockaddr *)&bound, &bound_length) != 0) {
        snprintf(error, error_size, "cannot listen on %s: %s", where, strerror(errno));
        close(fd);
        return -1;
    }
    *bound_port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                    : ((struct sockaddr_in *)&bound)->sin_port);
    return fd;
}

/* Loop setup on the starting thread; the loop's thread takes it over when started. On failure
 * what was set up stays flagged for loop_destroy. */
static bool loop_init(server *server, int index, int fd, char *error, size_t error_size)
{
    server_loop *loop = &server->loops[index];
    loop->server = server;
    loop->index = index;
    loop->read_buffer = malloc(SERVER_READ_BUFFER_SIZE);
    loop->inbox = calloc(1, sizeof *loop->inbox);
    if (!loop->read_buffer || !loop->inbox) {
        close(fd);
        snprintf(error, error_size, "out of memory");
        return false;
    }
    uv_mutex_init(&loop->inbox->mutex);
    atomic_init(&loop->inbox->references, 1);
    int status = uv_loop_init(&loop->loop);
    if (status != 0) {
        close(fd);
        snprintf(error, error_size, "cannot create an event loop: %s", uv_strerror(status));
        return false;
    }
    loop->loop_ready = true;
    loop->loop.data = loop;
    status = uv_async_init(&loop->loop, &loop->wakeup, on_wakeup);
    if (status != 0) {
        close(fd);
        snprintf(error, error_size, "cannot create an event loop: %s", uv_strerror(status));
        return false;
    }
    loop->wakeup_ready = true;
    loop->wakeup.data = loop;
    loop->inbox->wakeup = &loop->wakeup;
    uv_tcp_init(&loop->loop, &loop->listener);
    loop->listener_ready = true;
    loop->listener.data = loop;
    status = uv_tcp_open(&loop->listener, fd);
    if (status != 0) {
        close(fd);
        snprintf(error, error_size, "cannot listen: %s", uv_strerror(status));
        return false;
    }
    loop->listener_open = true;
    status = uv_listen((uv_stream_t *)&loop->listener, LISTEN_BACKLOG, on_connection);
    if (status != 0) {
        snprintf(error, error_size, "cannot listen: %s", uv_strerror(status));
        return false;
    }
    return true;
}

/* After its thread ended (or when it never started): closes and frees what loop_init made. */
static void loop_destroy(server_loop *loop)
{
    if (loop->loop_ready) {
        if (!loop->thread_started) {
            /* never ran: close its handles here */
            if (loop->listener_ready && !uv_is_closing((uv_handle_t *)&loop->listener))
                uv_close((uv_handle_t *)&loop->listener, NULL);
            if (loop->wakeup_ready && !uv_is_closing((uv_handle_t *)&loop->wakeup))
                uv_close((uv_handle_t *)&loop->wakeup, NULL);
            uv_run(&loop->loop, UV_RUN_DEFAULT);
        }
        uv_loop_close(&loop->loop);
    }
    free(loop->read_buffer);
    free(loop->write_buffer);
    if (loop->inbox)
        server_inbox_release(loop->inbox);
}

static void server_free(server *server)
{
    for (int i = 0; i < server->loop_count; i++) {
        server_loop *loop = &server->loops[i];
        if (loop->thread_started)
            uv_thread_join(&loop->thread);
        loop_destroy(loop);
    }
    free(server->loops);
    free(server);
}

static void request_shutdown(server *server)
{
    for (int i = 0; i < server->loop_count; i++) {
        server_loop *loop = &server->loops[i];
        if (!loop->thread_started)
            continue;
        uv_mutex_lock(&loop->inbox->mutex);
        loop->inbox->shutdown = true;
        uv_async_send(loop->inbox->wakeup);
        uv_mutex_unlock(&loop->inbox->mutex);
    }
}

server *server_start(const char *host, uint16_t port, int loops, const server_limits *limits,
                     const server_callbacks *callbacks, char *error, size_t error_size)
{
    /* A write to a connection the client reset must fail with EPIPE, not kill the process. */
    signal(SIGPIPE, SIG_IGN);

    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *info = NULL;
    int status = getaddrinfo(host && *host ? host : NULL, "0", &hints, &info);
    if (status != 0 || !info) {
        snprintf(error, error_size, "cannot listen on %s:%u: %s", host ? host : "*", (unsigned)port,
                 status ? gai_strerror(status) : "no address");
        if (info)
            freeaddrinfo(info);
        return NULL;
    }
    if (loops <= 0)
        loops = (int)uv_available_parallelism();
    if (loops > MAX_LOOPS)
        loops = MAX_LOOPS;

    server *s = calloc(1, sizeof *s);
    if (s)
        s->loops = calloc((size_t)loops, sizeof *s->loops);
    if (!s || !s->loops) {
        free(s);
        freeaddrinfo(info);
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    if (limits)
        s->limits = *limits;
    else
        server_limits_default(&s->limits);
    if (callbacks)
        s->callbacks = *callbacks;
    s->loop_count = loops;
    atomic_init(&s->in_flight, 0);
    atomic_init(&s->connection_count, 0);
    atomic_init(&s->next_request_number, 0);
    uint32_t random_bits;
    if (getrandom(&random_bits, sizeof random_bits, 0) != sizeof random_bits)
        random_bits = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
    snprintf(s->request_id_prefix, sizeof s->request_id_prefix, "%08x", (unsigned)random_bits);

    /* Port 0: the first socket gets a free port, the others share it. */
    bool ok = true;
    for (int i = 0; i < loops && ok; i++) {
        uint16_t bound_port = 0;
        int fd = listen_socket(info, i == 0 ? port : s->port, &bound_port, error, error_size);
        if (fd < 0) {
            ok = false;
            break;
        }
        if (i == 0)
            s->port = bound_port;
        ok = loop_init(s, i, fd, error, error_size);
    }
    freeaddrinfo(info);
    for (int i = 0; i < loops && ok; i++) {
        server_loop *loop = &s->loops[i];
        status = uv_thread_create(&loop->thread, loop_run, loop);
        if (status != 0) {
            snprintf(error, error_size, "cannot start an event-loop thread: %s", uv_strerror(status));
            ok = false;
            break;
        }
        loop->thread_started = true;
    }
    if (!ok) {
        request_shutdown(s);
        server_free(s);
        return NULL;
    }
    return s;
}

uint16_t server_port(const server *server) { return server->port; }

uint64_t server_in_flight(const server *server) { return atomic_load(&server->in_flight); }

void server_stop_accepting(server *server)
{
    if (server->stopped_accepting)
        return;
    server->stopped_accepting = true;
    for (int i = 0; i < server->loop_count; i++) {
        server_loop *loop = &server->loops[i];
        uv_mutex_lock(&loop->inbox->mutex);
        loop->inbox->stop_accepting = true;
        uv_async_send(loop->inbox->wakeup);
        uv_mutex_unlock(&loop->inbox->mutex);
    }
    if (server_current_loop)
        return; /* a loop cannot wait for itself */
    /* Wait (bounded) until every listener is closed, so that the caller knows new connections
     * are refused from now on. */
    for (int waited = 0; waited < 5000; waited++) {
        bool all_closed = true;
        for (int i = 0; i < server->loop_count; i++)
            all_closed = all_closed && atomic_load(&server->loops[i].listener_closed);
        if (all_closed)
            break;
        sleep_ms(1);
    }
}

void server_abort_streams(server *server)
{
    for (int i = 0; i < server->loop_count; i++) {
        server_loop *loop = &server->loops[i];
        uv_mutex_lock(&loop->inbox->mutex);
        loop->inbox->abort_streams = true;
        if (!loop->inbox->closed)
            uv_async_send(loop->inbox->wakeup);
        uv_mutex_unlock(&loop->inbox->mutex);
    }
}

uint64_t server_drain(server *server, uint32_t grace_ms)
{
    server_stop_accepting(server);
    uint64_t deadline = uv_hrtime() + (uint64_t)grace_ms * 1000000u;
    while (server_in_flight(server) > 0 && uv_hrtime() < deadline)
        sleep_ms(2);
    return server_in_flight(server);
}

uint64_t server_shutdown(server *server, uint32_t grace_ms)
{
    uint64_t remaining = server_drain(server, grace_ms);
    request_shutdown(server);
    server_free(server);
    return remaining;
}
