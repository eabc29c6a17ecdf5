/* streams.h: record streams on the public listener: POST /v1/streams/PLUGIN[/EXPORT] and /v1/pipelines/NAME/stream. */
#ifndef WH_STREAMS_H
#define WH_STREAMS_H

#include <stdbool.h>

#include "http_message.h"
#include "plugin_endpoints.h"
#include "server.h"

/* POST (or PUT, as `curl -T -` sends). The body is newline-delimited records (chunked or not; a
 * last record without its newline counts; an empty line is an empty record); the answer is
 * chunked, one output record per input record, in order, each followed by a newline (unless the
 * plugin ended it with one) and written as soon as it is ready. One session (wh_plugin_session_t:
 * one instance, kept) per stream and per pipeline stage, called once per record, so a plugin may
 * keep state across the records of one stream and never across streams. The versions a stream
 * started with serve it to its end (a deploy meanwhile serves the streams that start after it).
 *
 * A record whose call traps is answered by an error record, {"error": ..., "record": INDEX}
 * (INDEX counts from 0; pipelines add "stage" and "plugin"), and the stream goes on in a fresh
 * instance (a trap may leave one half-way), unless ?on_error=stop, which ends the stream after
 * that error record. A record longer than ?max_record=SIZE (bytes, or with a K or M suffix;
 * default 1M, at most 64M) is an error record too, never given to the plugin.
 *
 * Each stream holds one worker thread for its whole life (waiting for the client's records
 * included; the server's body timeout bounds the wait between two pieces of the body), and counts
 * against the plugin's concurrency limit (a pipeline's stages do not). Memory stays bounded
 * whatever the stream's length: the server's stream buffers (server.h) plus one record per stage.
 * A client that goes away aborts the stream: its instances are freed at once. One that stays but
 * stops reading holds the stream (back-pressure: nothing more is read or computed) until the
 * server's idle timeout (--idle-timeout, 60 s) aborts it.
 * While a session lives, its plugin's wasmhost_requests_in_flight counts it. Docs: docs/plugins.md. */

/* Whether `path` is /v1/streams/... or /v1/pipelines/NAME/stream. */
bool stream_endpoint_match(const char *path);
/* On the loop, after the headers: the plugin (pipeline) and export exist and the query is valid:
 * request->stream set, and true; otherwise false with `early` (404, 400). */
bool stream_endpoint_headers(plugin_endpoints *endpoints, http_request *request, http_response *early);
/* On the loop, right after the headers: runs the stream on a worker. */
void stream_endpoint_request(plugin_endpoints *endpoints, server_exchange *exchange, http_request *request);

#endif
