/* http_message.h: an HTTP request and response as the server hands them to the host and guests. */
#ifndef WH_HTTP_MESSAGE_H
#define WH_HTTP_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct http_header {
    char *name;  /* NUL-terminated, as received (case kept); compare case-insensitively */
    char *value; /* NUL-terminated, surrounding whitespace removed */
} http_header;

typedef struct http_request {
    char method[24]; /* "GET", ... */
    char *target;    /* the request target as received: "/a/b?x=1" */
    char *path;      /* the target up to '?', not percent-decoded */
    char *query;     /* after '?' (without it), "" when none */
    http_header *headers;
    size_t header_count;
    uint8_t *body; /* the whole body (chunked bodies joined), NULL when empty */
    size_t body_length;
    int http_major, http_minor;
    char remote_address[64]; /* "127.0.0.1" */
    uint16_t remote_port;
    char request_id[24];  /* unique per process run, for logs and 500 pages */
    uint64_t received_ns; /* CLOCK_MONOTONIC when the request line arrived */
    void *route;          /* the host's, set in server_callbacks.on_headers */
    bool stream;          /* set by the host in on_headers: the body is streamed (server.h, streams) */
    bool packed;          /* true for requests made by the server or http_request_create: the
                              strings and the header array share the request's allocation */
} http_request;

typedef struct http_response {
    int status;
    http_header *headers;
    size_t header_count, header_capacity;
    uint8_t *body;
    size_t body_length, body_capacity;
} http_response;

/* The first header called `name` (case-insensitive), or NULL. */
const char *http_request_header(const http_request *request, const char *name);
/* Frees what it points to, and itself. For a request that is not `packed` (built field by field
 * with malloc), it frees target, path, query, each header name and value, headers and body
 * separately, so path and query must then be allocations of their own. */
void http_request_free(http_request *request);
/* A packed request (one allocation besides the body) with copies of everything given, for
 * tests and internal requests; NULL when out of memory. `body` may be NULL. */
http_request *http_request_create(const char *method, const char *target, const http_header *headers,
                                  size_t header_count, const void *body, size_t body_length);

/* Bytes http_request_place_target needs for a target of `length` bytes. */
#define HTTP_TARGET_TEXT_SIZE(length) (2 * ((size_t)(length) + 1) + 1)
/* For packed requests: lays out the `length` bytes at `target` in `text` as the request's target,
 * path and query ("" when none), HTTP_TARGET_TEXT_SIZE(length) bytes; returns the byte after. */
char *http_request_place_target(http_request *request, char *text, const char *target, size_t length);

void http_response_init(http_response *response, int status);
/* Content-Length, Connection, Date and Transfer-Encoding: the server writes them itself. */
bool http_header_is_servers(const char *name);
/* Adds a header (copies both); false when out of memory. The server's headers (above) are
 * ignored. */
bool http_response_add_header(http_response *response, const char *name, const char *value);
bool http_response_append(http_response *response, const void *data, size_t length);
/* A short text response: status, "content-type: text/plain; charset=utf-8", body `text`. */
void http_response_text(http_response *response, int status, const char *text);
void http_response_free(http_response *response); /* frees what it points to, not itself */

/* The standard reason phrase ("Not Found"), "Unknown" for codes it does not know. */
const char *http_status_reason(int status);

#endif
