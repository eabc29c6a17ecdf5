/* outbound.h: outbound HTTP for guests (libcurl): allow-list checks before any connection, manual redirects, limits, the guest's deadline. */
#ifndef WH_OUTBOUND_H
#define WH_OUTBOUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "allow_list.h"

#define OUTBOUND_DEFAULT_REQUESTS 10                /* per guest request (each redirect counts) */
#define OUTBOUND_DEFAULT_RESPONSE_BYTES (10u << 20) /* body of one answer */
#define OUTBOUND_MAX_REDIRECTS 5
#define OUTBOUND_MAX_HEADER_BYTES (64u << 10) /* of one answer */
/* A guest with no deadline (a plugin without a timeout) still gets an answer or an error within this. */
#define OUTBOUND_DEFAULT_TIMEOUT_NS (30ull * 1000000000ull)

typedef struct outbound_request {
    const char *method;         /* NUL-terminated token: "GET", "POST", ... */
    const char *url;            /* NUL-terminated */
    const char *const *headers; /* "Name: value", checked by the caller */
    size_t header_count;
    const uint8_t *body;
    size_t body_length;
} outbound_request;

typedef struct outbound_response {
    int status;
    char *headers; /* the final answer's header lines, "Name: value\r\n" each */
    size_t headers_length, headers_capacity;
    char *body;
    size_t body_length, body_capacity;
    size_t read_offset; /* what the guest has read of the body */
    uint32_t hops;      /* requests made: 1 + redirects followed */
    uint64_t bytes_sent;
} outbound_response;

/* Sends `request` and fills `response` with the final answer (redirects followed, each hop
 * checked against `list` and counted against *requests_left). Returns a WH_RESULT_* code: OK,
 * HOST_NOT_ALLOWED, REDIRECT_NOT_ALLOWED, ADDRESS_NOT_ALLOWED, BAD_URL, TOO_MANY_REQUESTS,
 * RESPONSE_TOO_LARGE, TIMEOUT (deadline_ns on host_now_ns's clock, 0: none), CONNECT_FAILED,
 * TLS_FAILED, RESOURCE; on failure `why` says what happened (for the log) and `response` is
 * freed. Runs on the calling thread, which it blocks (never call it on an event loop). */
int outbound_send(const allow_list *list, const outbound_request *request, uint64_t deadline_ns,
                  uint64_t max_response_bytes, uint32_t *requests_left, outbound_response *response, char *why,
                  size_t why_size);
void outbound_response_free(outbound_response *response);

/* The value of the answer's first header called `name` (case-insensitive); false when none. */
bool outbound_response_header(const outbound_response *response, const char *name, size_t name_length,
                              const char **value, size_t *value_length);

#endif
