/* curl_lazy.h: libcurl loaded with dlopen on first use instead of linked, one table of the functions wasmhost calls.
 *
 * Linked, libcurl and the ~25 libraries it needs (GnuTLS, Kerberos, LDAP, SSH, RTMP ...) are
 * loaded and relocated at every start of the wasmhost binary: measured at 4.6 ms of the 5.6 ms
 * `wasmhost --version` took, for every command, though only the admin API's client and guests'
 * outbound HTTP use it. Loaded on first use, a command that makes no HTTP request never pays.
 * Callers include this header (not <curl/curl.h> alone), call curl_lazy_load once before their
 * first request, and call every libcurl function through `curl_lazy`: curl_lazy.curl_easy_init().
 */
#ifndef WH_CURL_LAZY_H
#define WH_CURL_LAZY_H

/* curl_easy_setopt is then a plain function (not GCC's type-checking macro), reachable through a pointer. */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

#define CURL_LAZY_FUNCTIONS(X) \
    X(curl_global_init)        \
    X(curl_easy_init)          \
    X(curl_easy_cleanup)       \
    X(curl_easy_reset)         \
    X(curl_easy_setopt)        \
    X(curl_easy_getinfo)       \
    X(curl_easy_perform)       \
    X(curl_easy_strerror)      \
    X(curl_easy_escape)        \
    X(curl_free)               \
    X(curl_slist_append)       \
    X(curl_slist_free_all)     \
    X(curl_url)                \
    X(curl_url_cleanup)        \
    X(curl_url_get)            \
    X(curl_url_set)

typedef struct curl_lazy_functions {
#define CURL_LAZY_FIELD(name) __typeof__(&name) name;
    CURL_LAZY_FUNCTIONS(CURL_LAZY_FIELD)
#undef CURL_LAZY_FIELD
} curl_lazy_functions;

/* Filled by curl_lazy_load; read only after it returned true. */
extern curl_lazy_functions curl_lazy;

/* Loads libcurl and runs curl_global_init, once per process (thread-safe). False with the reason
 * ("cannot load libcurl.so.4: ...") in `why`. */
bool curl_lazy_load(char *why, size_t why_size);

#endif
