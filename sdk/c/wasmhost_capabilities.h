/* wasmhost_capabilities.h: the C SDK for what a service or plugin may reach (docs/abi.md): outbound HTTP, key-value stores, variables, logs.
 *
 * The functions are imported from the module "wasmhost_capabilities" and work the same in a
 * service on the http ABI (with wasmhost_http.h) and in a plugin (with wasmhost_plugin.h). Each is
 * deny by default: it reaches only what the entry of the service or plugin grants in the manifest
 * or the admin API (allowed_outbound_hosts, key_value_stores, variables). Every function returns
 * an i32: a length, count or handle (>= 0), or a negative WH_RESULT_* code (wasmhost_results.h).
 * Getters follow the wasmhost_http convention: they copy up to `capacity` bytes and return the
 * full length, so a result larger than `capacity` means "call again with a bigger buffer".
 * Nothing here needs the C library. */
#ifndef WASMHOST_CAPABILITIES_H
#define WASMHOST_CAPABILITIES_H

#include <stdint.h>

#include "wasmhost_results.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WH_CAPABILITY_IMPORT(name) __attribute__((import_module("wasmhost_capabilities"), import_name(#name)))

/* ---- outbound HTTP (allowed_outbound_hosts) ----
 * Sends a request and waits for the whole answer (up to the response limit, 10 MiB unless set).
 * `headers` is "Name: value" lines, each ending in "\n" (may be empty); `body` may be empty.
 * Returns a response handle, or HOST_NOT_ALLOWED, REDIRECT_NOT_ALLOWED, ADDRESS_NOT_ALLOWED,
 * BAD_URL, TOO_MANY_REQUESTS (10 per request unless set), RESPONSE_TOO_LARGE, TIMEOUT (the
 * guest's own deadline), CONNECT_FAILED, TLS_FAILED. Redirects are followed (at most 5), each
 * checked against the list. */
WH_CAPABILITY_IMPORT(http_send)
int32_t wh_outbound_send(const char *method, uint32_t method_length, const char *url, uint32_t url_length,
                         const char *headers, uint32_t headers_length, const void *body, uint32_t body_length);
/* The answer's status (200, 404, ...). */
WH_CAPABILITY_IMPORT(http_status) int32_t wh_outbound_status(int32_t response);
/* The answer's first header called `name` (case-insensitive); NOT_FOUND when there is none. */
WH_CAPABILITY_IMPORT(http_header)
int32_t wh_outbound_header(int32_t response, const char *name, uint32_t name_length, char *buffer, uint32_t capacity);
/* The answer's body in chunks: the next bytes, up to `capacity`; 0 at its end. */
WH_CAPABILITY_IMPORT(http_body_read) int32_t wh_outbound_read(int32_t response, void *buffer, uint32_t capacity);
/* Frees the response (the host frees what is left when the request ends). */
WH_CAPABILITY_IMPORT(http_close) int32_t wh_outbound_close(int32_t response);

/* ---- key-value stores (key_value_stores) ----
 * A key is 1..256 bytes without "\n" or NUL; a value at most 1 MiB; a store at most 64 MiB
 * (keys and values). A write is durable when the call returns, and seen by every request after. */
/* A store the entry grants, by name: its handle, or NOT_GRANTED. */
WH_CAPABILITY_IMPORT(kv_open) int32_t wh_kv_open(const char *name, uint32_t name_length);
/* The value of `key` (getter convention), or NOT_FOUND. */
WH_CAPABILITY_IMPORT(kv_get)
int32_t wh_kv_get(int32_t store, const char *key, uint32_t key_length, void *buffer, uint32_t capacity);
/* 0, or KEY_TOO_LONG, VALUE_TOO_LARGE, STORE_FULL, STORAGE_FAILED. */
WH_CAPABILITY_IMPORT(kv_set)
int32_t wh_kv_set(int32_t store, const char *key, uint32_t key_length, const void *value, uint32_t value_length);
/* 0, or NOT_FOUND when there was no such key. */
WH_CAPABILITY_IMPORT(kv_delete) int32_t wh_kv_delete(int32_t store, const char *key, uint32_t key_length);
/* 1 when the key exists, 0 when not. */
WH_CAPABILITY_IMPORT(kv_exists) int32_t wh_kv_exists(int32_t store, const char *key, uint32_t key_length);
/* The keys that start with `prefix`, in byte order, each followed by "\n" (getter convention). */
WH_CAPABILITY_IMPORT(kv_list)
int32_t wh_kv_list(int32_t store, const char *prefix, uint32_t prefix_length, char *buffer, uint32_t capacity);

/* ---- variables (variables) ----
 * The value of the variable `name` (getter convention), or NOT_FOUND. */
WH_CAPABILITY_IMPORT(variable_get)
int32_t wh_variable_get(const char *name, uint32_t name_length, char *buffer, uint32_t capacity);

/* ---- logs ----
 * A line for the host's JSON log, with the service, its version and the request id; `level` is a
 * WH_LOG_* level. 0, or RATE_LIMITED past 100 lines or 64 KiB in one request, BAD_ARGUMENT for
 * an unknown level. */
WH_CAPABILITY_IMPORT(log) int32_t wh_log(int32_t level, const char *message, uint32_t length);

/* ---- helpers ---- */

static inline uint32_t wh_capability_strlen_(const char *text)
{
    uint32_t length = 0;
    while (text[length])
        length++;
    return length;
}

static inline int32_t wh_log_text(int32_t level, const char *text)
{
    return wh_log(level, text, wh_capability_strlen_(text));
}

/* A GET of `url` without headers or body. */
static inline int32_t wh_outbound_get(const char *url)
{
    return wh_outbound_send("GET", 3, url, wh_capability_strlen_(url), "", 0, "", 0);
}

/* A variable NUL-terminated in `buffer`: its length, or a negative code (NOT_FOUND, or
 * RESOURCE when it does not fit; the buffer then holds a terminated prefix). */
static inline int32_t wh_variable_read(const char *name, char *buffer, uint32_t capacity)
{
    if (capacity == 0)
        return WH_RESULT_RESOURCE;
    int32_t length = wh_variable_get(name, wh_capability_strlen_(name), buffer, capacity);
    if (length < 0) {
        buffer[0] = '\0';
        return length;
    }
    if ((uint32_t)length >= capacity) {
        buffer[capacity - 1] = '\0';
        return WH_RESULT_RESOURCE;
    }
    buffer[length] = '\0';
    return length;
}

static inline int32_t wh_kv_open_named(const char *name) { return wh_kv_open(name, wh_capability_strlen_(name)); }

#ifdef __cplusplus
}
#endif

#endif
