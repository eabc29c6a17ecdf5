/* server_stream.c: streams, the host's side: blocking reads of the body and writes of a chunked response, from any thread but the loops. */
#include "server_internal.h"

#include <stdlib.h>
#include <string.h>

server_stream *server_stream_new(void)
{
    server_stream *stream = calloc(1, sizeof *stream);
    if (!stream)
        return NULL;
    uv_mutex_init(&stream->mutex);
    uv_cond_init(&stream->changed);
    http_response_init(&stream->head, 200);
    return stream;
}

void server_stream_free(server_stream *stream)
{
    if (!stream)
        return;
    uv_cond_destroy(&stream->changed);
    uv_mutex_destroy(&stream->mutex);
    http_response_free(&stream->head);
    free(stream->input);
    free(stream->output);
    free(stream);
}

void server_stream_abort(server_stream *stream)
{
    uv_mutex_lock(&stream->mutex);
    stream->aborted = true;
    uv_cond_broadcast(&stream->changed);
    uv_mutex_unlock(&stream->mutex);
}

bool server_stream_aborted(server_exchange *exchange)
{
    server_stream *stream = exchange->stream;
    uv_mutex_lock(&stream->mutex);
    bool aborted = stream->aborted;
    uv_mutex_unlock(&stream->mutex);
    return aborted;
}

/* Tells the loop the stream has news (once until it looked); false when the loop is gone. */
static bool stream_notify(server_exchange *exchange)
{
    server_inbox *inbox = exchange->inbox;
    uv_mutex_lock(&inbox->mutex);
    bool open = !inbox->closed;
    if (open && !exchange->stream->queued) {
        exchange->stream->queued = true;
        exchange->next_stream = inbox->streams;
        inbox->streams = exchange;
        uv_async_send(inbox->wakeup);
    }
    uv_mutex_unlock(&inbox->mutex);
    return open;
}

long server_stream_read(server_exchange *exchange, void *buffer, size_t size)
{
    server_stream *stream = exchange->stream;
    uv_mutex_lock(&stream->mutex);
    while (stream->input_length == 0 && !stream->input_ended && !stream->aborted)
        uv_cond_wait(&stream->changed, &stream->mutex);
    if (stream->aborted) {
        uv_mutex_unlock(&stream->mutex);
        return -1;
    }
    size_t taken = stream->input_length < size ? stream->input_length : size;
    if (taken > 0) { /* none at the body's end, when `input` may never have been allocated */
        memcpy(buffer, stream->input, taken);
        memmove(stream->input, stream->input + taken, stream->input_length - taken);
        stream->input_length -= taken;
    }
    /* Half empty again: the loop may read the socket (hysteresis, so that it does not stop and
     * start for every read). */
    bool resume = stream->input_full && stream->input_length < SERVER_STREAM_BUFFER / 2;
    if (resume) {
        stream->input_full = false;
        stream->resume_wanted = true;
    }
    uv_mutex_unlock(&stream->mutex);
    if (resume)
        stream_notify(exchange);
    return (long)taken;
}

void server_stream_begin(server_exchange *exchange, http_response *head)
{
    server_stream *stream = exchange->stream;
    http_response taken = *head;
    http_response_init(head, taken.status); /* the caller's copy owns nothing any more */
    uv_mutex_lock(&stream->mutex);
    bool first = !stream->begun;
    if (first) {
        http_response_free(&stream->head);
        stream->head = taken;
        stream->begun = true;
    }
    uv_mutex_unlock(&stream->mutex);
    if (!first)
        http_response_free(&taken);
    else
        stream_notify(exchange);
}

bool server_stream_write(server_exchange *exchange, const void *data, size_t length)
{
    server_stream *stream = exchange->stream;
    uv_mutex_lock(&stream->mutex);
    /* Waits before copying, so that what waits is bounded by one write past the limit. */
    while (!stream->aborted && stream->output_length + stream->unsent > SERVER_STREAM_BUFFER)
        uv_cond_wait(&stream->changed, &stream->mutex);
    bool ok = !stream->aborted;
    if (ok && length > 0 && stream->output_length + length > stream->output_capacity) {
        size_t capacity = stream->output_capacity ? stream->output_capacity : 16384;
        while (capacity < stream->output_length + length)
            capacity *= 2;
        char *output = realloc(stream->output, capacity);
        if (output) {
            stream->output = output;
            stream->output_capacity = capacity;
        } else {
            /* Out of memory: the stream cannot go on, and its answer must not look complete. */
            ok = false;
            stream->truncated = stream->aborted = true;
        }
    }
    if (ok && length > 0) {
        memcpy(stream->output + stream->output_length, data, length);
        stream->output_length += length;
    }
    stream->begun = true; /* a write before server_stream_begin answers 200 */
    uv_mutex_unlock(&stream->mutex);
    if (ok)
        ok = stream_notify(exchange);
    return ok;
}

void server_stream_end(server_exchange *exchange, bool close)
{
    server_stream *stream = exchange->stream;
    server_inbox *inbox = exchange->inbox;
    uv_mutex_lock(&stream->mutex);
    stream->begun = true;
    stream->ended = true;
    stream->close_requested = close;
    uv_mutex_unlock(&stream->mutex);
    uv_mutex_lock(&inbox->mutex);
    if (inbox->closed) {
        /* The server gave up on this exchange at shutdown: the host's hold was the last. */
        uv_mutex_unlock(&inbox->mutex);
        server_stream_free(stream);
        http_response_free(&exchange->response);
        http_request_free(exchange->request);
        free(exchange);
        server_inbox_release(inbox);
        return;
    }
    stream->end_posted = true;
    if (!stream->queued) {
        stream->queued = true;
        exchange->next_stream = inbox->streams;
        inbox->streams = exchange;
    }
    uv_async_send(inbox->wakeup);
    uv_mutex_unlock(&inbox->mutex);
}
