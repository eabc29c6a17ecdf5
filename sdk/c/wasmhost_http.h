/* wasmhost_http.h: the C SDK for services on wasmhost's native `http` ABI (docs/abi.md), header only.
 *
 * A service is a function that reads the request and writes the response through the
 * wasmhost_http host functions, exported as "handle":
 *
 *     #include "wasmhost_http.h"
 *     static void hello(void) { wh_http_respond(200, "text/plain", "Hello\n"); }
 *     WASMHOST_HTTP_HANDLER(hello)
 *
 * Without a C library (the smallest modules, fastest to instantiate):
 *     clang --target=wasm32 -ffreestanding -nostdlib -O2 -Wl,--no-entry -I sdk/c -o hello.wasm hello.c
 * With wasi-libc (malloc, printf to the log, getenv for the service's environment):
 *     clang --target=wasm32-wasi --sysroot=/usr -O2 -mexec-model=reactor -I sdk/c -o hello.wasm hello.c
 * Nothing here needs the C library: the helpers use their own loops.
 */
#ifndef WASMHOST_HTTP_H
#define WASMHOST_HTTP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WH_HTTP_IMPORT(name) __attribute__((import_module("wasmhost_http"), import_name(#name)))

/* ---- the request ----
 * Each getter copies up to `capacity` bytes into `buffer` and returns the full length, so a
 * result larger than `capacity` means the copy was cut short: call again with a bigger buffer.
 * Nothing is NUL-terminated (the wh_http_read_* helpers below are). */

WH_HTTP_IMPORT(method) int32_t wh_http_method(char *buffer, uint32_t capacity); /* "GET" */
WH_HTTP_IMPORT(path) int32_t wh_http_path(char *buffer, uint32_t capacity);     /* "/a/b", not decoded */
WH_HTTP_IMPORT(query) int32_t wh_http_query(char *buffer, uint32_t capacity);   /* "x=1&y=2", "" when none */
WH_HTTP_IMPORT(route) int32_t wh_http_route(char *buffer, uint32_t capacity);   /* "/api/..." as the manifest says */
WH_HTTP_IMPORT(request_id) int32_t wh_http_request_id(char *buffer, uint32_t capacity); /* for the guest's own logs */
/* The first header called `name` (case-insensitive); -1 when there is none. */
WH_HTTP_IMPORT(header)
int32_t wh_http_header(const char *name, uint32_t name_length, char *buffer, uint32_t capacity);
WH_HTTP_IMPORT(header_count) int32_t wh_http_header_count(void);
/* Header `index` (0 .. count-1) as received; -1 past the last. */
WH_HTTP_IMPORT(header_name) int32_t wh_http_header_name(uint32_t index, char *buffer, uint32_t capacity);
WH_HTTP_IMPORT(header_value) int32_t wh_http_header_value(uint32_t index, char *buffer, uint32_t capacity);
WH_HTTP_IMPORT(body_length) int32_t wh_http_body_length(void);
/* The body's next bytes, up to `capacity`; 0 at its end. */
WH_HTTP_IMPORT(body_read) int32_t wh_http_body_read(void *buffer, uint32_t capacity);

/* ---- the response ---- */

/* 100..999 (anything else answers 502); 200 unless set. */
WH_HTTP_IMPORT(set_status) void wh_http_set_status(int32_t status);
/* 0, or -1 when the name or value is not valid HTTP (the response then answers 502).
 * Content-Length, Connection, Date and Transfer-Encoding are the server's and are ignored. */
WH_HTTP_IMPORT(add_header)
int32_t wh_http_add_header(const char *name, uint32_t name_length, const char *value, uint32_t value_length);
/* Appends to the body: 0, or -1 past the service's response limit (the response answers 502). */
WH_HTTP_IMPORT(write) int32_t wh_http_write(const void *data, uint32_t length);
/* A line for the host's log (with the service name and request id), never sent to the client. */
WH_HTTP_IMPORT(log) void wh_http_log(const char *text, uint32_t length);

/* ---- helpers ---- */

static inline uint32_t wh_http_strlen(const char *text)
{
    uint32_t length = 0;
    while (text[length])
        length++;
    return length;
}

/* Whether `data` (length bytes) is the string `text`. */
static inline int wh_http_equals(const char *data, int32_t length, const char *text)
{
    int32_t i = 0;
    for (; i < length && text[i]; i++)
        if (data[i] != text[i])
            return 0;
    return i == length && text[i] == '\0';
}

/* Whether `data` (length bytes) starts with `prefix`. */
static inline int wh_http_starts_with(const char *data, int32_t length, const char *prefix)
{
    int32_t i = 0;
    for (; prefix[i]; i++)
        if (i >= length || data[i] != prefix[i])
            return 0;
    return 1;
}

/* A getter's result NUL-terminated in `buffer`: the length, or -1 when it does not fit (the buffer
 * then holds a terminated prefix) or, for a header, when there is none. */
static inline int32_t wh_http_terminate_(char *buffer, uint32_t capacity, int32_t length)
{
    if (capacity == 0)
        return -1;
    if (length < 0 || (uint32_t)length >= capacity) {
        buffer[length < 0 ? 0 : capacity - 1] = '\0';
        return -1;
    }
    buffer[length] = '\0';
    return length;
}

static inline int32_t wh_http_read_method(char *buffer, uint32_t capacity)
{
    return wh_http_terminate_(buffer, capacity, wh_http_method(buffer, capacity));
}

static inline int32_t wh_http_read_path(char *buffer, uint32_t capacity)
{
    return wh_http_terminate_(buffer, capacity, wh_http_path(buffer, capacity));
}

static inline int32_t wh_http_read_query(char *buffer, uint32_t capacity)
{
    return wh_http_terminate_(buffer, capacity, wh_http_query(buffer, capacity));
}

static inline int32_t wh_http_read_header(const char *name, char *buffer, uint32_t capacity)
{
    return wh_http_terminate_(buffer, capacity, wh_http_header(name, wh_http_strlen(name), buffer, capacity));
}

static inline int32_t wh_http_set_header(const char *name, const char *value)
{
    return wh_http_add_header(name, wh_http_strlen(name), value, wh_http_strlen(value));
}

static inline int32_t wh_http_write_text(const char *text) { return wh_http_write(text, wh_http_strlen(text)); }

/* The whole response in one call; `content_type` may be NULL (no header). */
static inline int32_t wh_http_respond(int32_t status, const char *content_type, const char *body)
{
    wh_http_set_status(status);
    if (content_type && wh_http_set_header("content-type", content_type) != 0)
        return -1;
    return body ? wh_http_write_text(body) : 0;
}

/* Exports `function` (void function(void)) as the module's "handle". */
#define WASMHOST_HTTP_HANDLER(function) \
    __attribute__((export_name("handle"))) void wasmhost_http_handle(void) { function(); }

#ifdef __cplusplus
}
#endif

#endif
