/* outbound.c: outbound HTTP for guests (libcurl): allow-list checks before any connection, manual redirects, limits, the guest's deadline. */
#include "outbound.h"

#include <arpa/inet.h>
#ifndef WASMHOST_STATIC
#include "curl_lazy.h"
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host_clock.h"
#include "wasmhost_results.h"

#ifndef WASMHOST_STATIC
/* One easy handle per thread, reset for each request: its connection cache lets a worker reuse
 * a connection to the same upstream (what makes a local call cost tens of microseconds). */
static pthread_key_t handle_key;
static pthread_once_t handle_once = PTHREAD_ONCE_INIT;

static void handle_free(void *handle) { curl_lazy.curl_easy_cleanup(handle); }

static void handle_init(void) { pthread_key_create(&handle_key, handle_free); }

static CURL *thread_handle(void)
{
    pthread_once(&handle_once, handle_init);
    CURL *handle = pthread_getspecific(handle_key);
    if (handle) {
        curl_lazy.curl_easy_reset(handle); /* options only: the connection cache stays */
        return handle;
    }
    handle = curl_lazy.curl_easy_init();
    if (handle && pthread_setspecific(handle_key, handle) != 0) {
        curl_lazy.curl_easy_cleanup(handle);
        return NULL;
    }
    return handle;
}

/* One hop's state, as the callbacks see it. */
typedef struct transfer {
    const allow_list *list;
    char scheme[8];
    int port;
    bool address_refused;
    char refused_address[64];
    outbound_response *response;
    uint64_t max_body_bytes;
    bool too_large;
} transfer;

/* Every address curl is about to connect to, whatever DNS answered, is checked here first. */
static curl_socket_t open_socket(void *user, curlsocktype purpose, struct curl_sockaddr *address)
{
    transfer *t = user;
    if (purpose == CURLSOCKTYPE_IPCXN && !allow_list_permits_address(t->list, t->scheme, t->port, &address->addr)) {
        t->address_refused = true;
        char text[64] = "?";
        if (address->family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)&address->addr)->sin_addr, text, sizeof text);
        else if (address->family == AF_INET6)
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&address->addr)->sin6_addr, text, sizeof text);
        snprintf(t->refused_address, sizeof t->refused_address, "%s", text);
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

static bool buffer_append(char **data, size_t *length, size_t *capacity, const void *bytes, size_t size)
{
    if (*length + size > *capacity) {
        size_t grown_capacity = (*capacity ? *capacity * 2 : 1024) + size;
        char *grown = realloc(*data, grown_capacity);
        if (!grown)
            return false;
        *data = grown;
        *capacity = grown_capacity;
    }
    if (size)
        memcpy(*data + *length, bytes, size);
    *length += size;
    return true;
}

static size_t on_header(char *data, size_t size, size_t count, void *user)
{
    transfer *t = user;
    outbound_response *r = t->response;
    size_t length = size * count;
    if (length >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        r->headers_length = 0; /* a new answer (after a 1xx): its headers only */
        return length;
    }
    if (length == 0 || data[0] == '\r' || data[0] == '\n')
        return length; /* the blank line after the headers */
    if (r->headers_length + length > OUTBOUND_MAX_HEADER_BYTES) {
        t->too_large = true;
        return 0;
    }
    return buffer_append(&r->headers, &r->headers_length, &r->headers_capacity, data, length) ? length : 0;
}

static size_t on_body(char *data, size_t size, size_t count, void *user)
{
    transfer *t = user;
    outbound_response *r = t->response;
    size_t length = size * count;
    if ((uint64_t)r->body_length + length > t->max_body_bytes) {
        t->too_large = true;
        return 0; /* curl stops: CURLE_WRITE_ERROR */
    }
    return buffer_append(&r->body, &r->body_length, &r->body_capacity, data, length) ? length : 0;
}

/* The code for what curl answered. */
static int result_of(CURLcode code, const transfer *t, char *why, size_t why_size)
{
    if (t->address_refused) {
        bool v6 = strchr(t->refused_address, ':') != NULL;
        snprintf(why, why_size,
                 "the host resolved to %s, a private, loopback or special address that allowed_outbound_hosts does "
                 "not name (to allow it, name the address itself: %s://%s%s%s:%d)",
                 t->refused_address, t->scheme, v6 ? "[" : "", t->refused_address, v6 ? "]" : "", t->port);
        return WH_RESULT_ADDRESS_NOT_ALLOWED;
    }
    if (t->too_large) {
        snprintf(why, why_size, "the answer is larger than the limit of %llu bytes",
                 (unsigned long long)t->max_body_bytes);
        return WH_RESULT_RESPONSE_TOO_LARGE;
    }
    snprintf(why, why_size, "%s", curl_lazy.curl_easy_strerror(code));
    switch (code) {
    case CURLE_OK: return WH_RESULT_OK;
    case CURLE_OPERATION_TIMEDOUT: return WH_RESULT_TIMEOUT;
    case CURLE_OUT_OF_MEMORY: return WH_RESULT_RESOURCE;
    case CURLE_FILESIZE_EXCEEDED: return WH_RESULT_RESPONSE_TOO_LARGE;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL: return WH_RESULT_BAD_URL;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS: return WH_RESULT_TLS_FAILED;
    default: return WH_RESULT_CONNECT_FAILED;
    }
}

/* The scheme, canonical host and port of `url` (absolute http or https); false when it is not one. */
static bool split_url(const char *url, char *scheme, size_t scheme_size, char *host, size_t host_size, int *port)
{
    CURLU *parts = curl_lazy.curl_url();
    char *part_scheme = NULL, *part_host = NULL, *part_port = NULL;
    bool ok = parts && curl_lazy.curl_url_set(parts, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_lazy.curl_url_get(parts, CURLUPART_SCHEME, &part_scheme, 0) == CURLUE_OK &&
              curl_lazy.curl_url_get(parts, CURLUPART_HOST, &part_host, 0) == CURLUE_OK &&
              curl_lazy.curl_url_get(parts, CURLUPART_PORT, &part_port, CURLU_DEFAULT_PORT) == CURLUE_OK;
    ok = ok && (strcmp(part_scheme, "http") == 0 || strcmp(part_scheme, "https") == 0) &&
         strlen(part_scheme) < scheme_size && allow_host_canonical(part_host, host, host_size);
    if (ok) {
        strcpy(scheme, part_scheme);
        *port = atoi(part_port);
        ok = *port > 0 && *port <= 65535;
    }
    curl_lazy.curl_free(part_scheme);
    curl_lazy.curl_free(part_host);
    curl_lazy.curl_free(part_port);
    curl_lazy.curl_url_cleanup(parts);
    return ok;
}

/* One request to `url` (already checked) with `method`; the answer into t->response. */
static CURLcode perform(CURL *handle, transfer *t, const char *url, const char *method, struct curl_slist *headers,
                        const uint8_t *body, size_t body_length, uint64_t remaining_ns)
{
    long timeout_ms = (long)(remaining_ns / 1000000);
    if (timeout_ms < 1)
        timeout_ms = 1;
    curl_lazy.curl_easy_setopt(handle, CURLOPT_URL, url);
    curl_lazy.curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_lazy.curl_easy_setopt(handle, CURLOPT_PROXY,
                               ""); /* no proxy from the environment: the list is the only way out */
    curl_lazy.curl_easy_setopt(handle, CURLOPT_NOPROXY, "*");
    curl_lazy.curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_lazy.curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L); /* followed here, each hop checked */
    curl_lazy.curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_lazy.curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_lazy.curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_lazy.curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, t);
    curl_lazy.curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
    curl_lazy.curl_easy_setopt(handle, CURLOPT_HEADERDATA, t);
    curl_lazy.curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
    curl_lazy.curl_easy_setopt(handle, CURLOPT_WRITEDATA, t);
    curl_lazy.curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
    curl_lazy.curl_easy_setopt(handle, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t->max_body_bytes);
    bool sends_body =
        body_length > 0 || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0;
    if (strcmp(method, "HEAD") == 0) {
        curl_lazy.curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
    } else if (sends_body) {
        curl_lazy.curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body_length ? (const char *)body : "");
        curl_lazy.curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
        if (strcmp(method, "POST") != 0)
            curl_lazy.curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method);
    } else {
        curl_lazy.curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
        if (strcmp(method, "GET") != 0)
            curl_lazy.curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method);
    }
    return curl_lazy.curl_easy_perform(handle);
}

#endif

void outbound_response_free(outbound_response *response)
{
    free(response->headers);
    free(response->body);
    memset(response, 0, sizeof *response);
}

#ifdef WASMHOST_STATIC
/* The static build has no libcurl (Debian ships no static GSS-API library, which its libcurl
 * needs), and refuses allowed_outbound_hosts at load (grants.c): nothing reaches this. */
int outbound_send(const allow_list *list, const outbound_request *request, uint64_t deadline_ns,
                  uint64_t max_response_bytes, uint32_t *requests_left, outbound_response *response, char *why,
                  size_t why_size)
{
    (void)list, (void)request, (void)deadline_ns, (void)max_response_bytes, (void)requests_left;
    memset(response, 0, sizeof *response);
    snprintf(why, why_size, "this static build of wasmhost has no outbound HTTP");
    return WH_RESULT_HOST_NOT_ALLOWED;
}
#else
int outbound_send(const allow_list *list, const outbound_request *request, uint64_t deadline_ns,
                  uint64_t max_response_bytes, uint32_t *requests_left, outbound_response *response, char *why,
                  size_t why_size)
{
    memset(response, 0, sizeof *response);
    if (!deadline_ns)
        deadline_ns = host_now_ns() + OUTBOUND_DEFAULT_TIMEOUT_NS;
    if (!curl_lazy_load(why, why_size))
        return WH_RESULT_CONNECT_FAILED;
    CURL *handle = thread_handle();
    struct curl_slist *headers = NULL;
    bool listed = true;
    for (size_t i = 0; listed && i < request->header_count; i++) {
        struct curl_slist *more = curl_lazy.curl_slist_append(headers, request->headers[i]);
        listed = more != NULL;
        if (more)
            headers = more;
    }
    struct curl_slist *with_expect =
        listed ? curl_lazy.curl_slist_append(headers, "Expect:") : NULL; /* no 100-continue wait */
    if (!handle || !with_expect) {
        curl_lazy.curl_slist_free_all(headers);
        snprintf(why, why_size, "out of memory");
        return WH_RESULT_RESOURCE;
    }
    headers = with_expect;
    char *url = strdup(request->url), method[32];
    snprintf(method, sizeof method, "%s", request->method);
    const uint8_t *body = request->body;
    size_t body_length = request->body_length;
    int result = url ? WH_RESULT_OK : WH_RESULT_RESOURCE;
    for (uint32_t hop = 0; result == WH_RESULT_OK; hop++) {
        transfer t = {.list = list, .response = response, .max_body_bytes = max_response_bytes};
        char host[300];
        if (!split_url(url, t.scheme, sizeof t.scheme, host, sizeof host, &t.port)) {
            /* The URL is not quoted: it may hold a secret (a token in its query). */
            snprintf(why, why_size, "%s is not an absolute http:// or https:// URL", hop ? "the redirect" : "the URL");
            result = hop ? WH_RESULT_REDIRECT_NOT_ALLOWED : WH_RESULT_BAD_URL;
            break;
        }
        if (!allow_list_permits(list, t.scheme, host, t.port)) {
            snprintf(why, why_size, "%s%s://%s:%d is not in allowed_outbound_hosts", hop ? "a redirect to " : "",
                     t.scheme, host, t.port);
            result = hop ? WH_RESULT_REDIRECT_NOT_ALLOWED : WH_RESULT_HOST_NOT_ALLOWED;
            break;
        }
        if (*requests_left == 0) {
            snprintf(why, why_size, "the request has made all the outbound requests it may");
            result = WH_RESULT_TOO_MANY_REQUESTS;
            break;
        }
        uint64_t now = host_now_ns();
        if (now >= deadline_ns) {
            snprintf(why, why_size, "the guest's deadline passed");
            result = WH_RESULT_TIMEOUT;
            break;
        }
        (*requests_left)--;
        response->hops++;
        response->body_length = 0;
        response->headers_length = 0;
        result = result_of(perform(handle, &t, url, method, headers, body, body_length, deadline_ns - now), &t, why,
                           why_size);
        if (result != WH_RESULT_OK)
            break;
        long status = 0;
        curl_off_t sent = 0;
        char *next = NULL;
        curl_lazy.curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
        curl_lazy.curl_easy_getinfo(handle, CURLINFO_REQUEST_SIZE, &sent);
        curl_lazy.curl_easy_getinfo(handle, CURLINFO_REDIRECT_URL, &next);
        response->status = (int)status;
        response->bytes_sent += (uint64_t)sent + body_length;
        bool redirect = (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) && next;
        if (!redirect)
            break;
        if (hop + 1 > OUTBOUND_MAX_REDIRECTS) {
            snprintf(why, why_size, "more than %d redirects", OUTBOUND_MAX_REDIRECTS);
            result = WH_RESULT_REDIRECT_NOT_ALLOWED;
            break;
        }
        /* As browsers do: 303 turns any method but HEAD into GET, 301 and 302 turn POST into GET. */
        if ((status == 303 && strcmp(method, "HEAD") != 0) ||
            ((status == 301 || status == 302) && !strcmp(method, "POST"))) {
            strcpy(method, "GET");
            body = NULL;
            body_length = 0;
        }
        char *copy = strdup(next);
        free(url);
        url = copy;
        if (!url)
            result = WH_RESULT_RESOURCE;
    }
    free(url);
    curl_lazy.curl_slist_free_all(headers);
    if (result != WH_RESULT_OK)
        outbound_response_free(response);
    return result;
}
#endif

bool outbound_response_header(const outbound_response *response, const char *name, size_t name_length,
                              const char **value, size_t *value_length)
{
    const char *line = response->headers, *end = response->headers + response->headers_length;
    while (line && line < end) {
        const char *newline = memchr(line, '\n', (size_t)(end - line));
        const char *line_end = newline ? newline : end;
        const char *colon = memchr(line, ':', (size_t)(line_end - line));
        if (colon && (size_t)(colon - line) == name_length && strncasecmp(line, name, name_length) == 0) {
            const char *start = colon + 1, *stop = line_end;
            while (start < stop && (*start == ' ' || *start == '\t'))
                start++;
            while (stop > start && (stop[-1] == '\r' || stop[-1] == ' ' || stop[-1] == '\t'))
                stop--;
            *value = start;
            *value_length = (size_t)(stop - start);
            return true;
        }
        line = newline ? newline + 1 : end;
    }
    return false;
}
