/* wasmhost_results.h: the result codes of the wasmhost_capabilities host functions (docs/abi.md), one table for guests and host.
 *
 * Every wasmhost_capabilities function returns an i32: a length, a count or a handle (>= 0) on
 * success, or one of these negative codes. The host includes this file too (its metrics and
 * messages are generated from the same rows), so a code means the same on both sides.
 * X(NAME, value, "label", "meaning") */
#ifndef WASMHOST_RESULTS_H
#define WASMHOST_RESULTS_H

/* clang-format off */
#define WH_RESULT_CODES(X)                                                                                         \
    X(OK,                    0, "ok",                   "done")                                                  \
    X(NOT_FOUND,            -1, "not_found",            "no such key, variable, header or response handle")      \
    X(BAD_POINTER,          -2, "bad_pointer",          "a buffer is not inside the guest's memory")            \
    X(BAD_ARGUMENT,         -3, "bad_argument",         "an argument is malformed (log level, method, header, key)") \
    X(NOT_GRANTED,          -4, "not_granted",          "the service's entry does not grant it (store, outbound HTTP)") \
    X(HOST_NOT_ALLOWED,     -5, "host_not_allowed",     "the URL's scheme, host or port is not in allowed_outbound_hosts") \
    X(REDIRECT_NOT_ALLOWED, -6, "redirect_not_allowed", "a redirect leads outside allowed_outbound_hosts")       \
    X(ADDRESS_NOT_ALLOWED,  -7, "address_not_allowed",  "the host resolves to a private or loopback address the list does not name") \
    X(BAD_URL,              -8, "bad_url",              "the URL is not an absolute http:// or https:// URL")   \
    X(TOO_MANY_REQUESTS,    -9, "too_many_requests",    "the request has used its outbound requests")           \
    X(RESPONSE_TOO_LARGE,  -10, "response_too_large",   "the answer is larger than the outbound response limit") \
    X(TIMEOUT,             -11, "timeout",              "the guest's deadline passed before the answer came")   \
    X(CONNECT_FAILED,      -12, "connect_failed",       "the upstream could not be reached (DNS, connection refused, reset)") \
    X(TLS_FAILED,          -13, "tls_failed",           "the upstream's certificate was not accepted")          \
    X(KEY_TOO_LONG,        -14, "key_too_long",         "a key is empty or longer than 256 bytes")              \
    X(VALUE_TOO_LARGE,     -15, "value_too_large",      "a value is larger than 1 MiB")                         \
    X(STORE_FULL,          -16, "store_full",           "the store would pass its total size")                  \
    X(RATE_LIMITED,        -17, "rate_limited",         "the request has used its log lines")                   \
    X(STORAGE_FAILED,      -18, "storage_failed",       "the store could not read or write (disk full, I/O error)") \
    X(RESOURCE,            -19, "resource",             "the host ran out of memory or handles")
/* clang-format on */

#define WH_RESULT_ENUM_(name, value, label, meaning) WH_RESULT_##name = value,
enum wh_result_code { WH_RESULT_CODES(WH_RESULT_ENUM_) };
#undef WH_RESULT_ENUM_

/* Log levels of wasmhost_capabilities.log. */
#define WH_LOG_LEVELS(X) X(DEBUG, 0, "debug") X(INFO, 1, "info") X(WARN, 2, "warn") X(ERROR, 3, "error")
#define WH_LOG_ENUM_(name, value, label) WH_LOG_##name = value,
enum wh_log_level { WH_LOG_LEVELS(WH_LOG_ENUM_) };
#undef WH_LOG_ENUM_

#endif
