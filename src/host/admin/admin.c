/* admin.c: the admin API's listener: start-up checks, bearer tokens, and requests dispatched to the operations. */
#include "admin_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "json_response.h"
#include "manifest.h"

#define DEFAULT_MAX_MODULE_BYTES (64ull << 20)
/* Bodies other than modules: service configurations, rollbacks. */
#define MAX_JSON_BODY_BYTES (1u << 20)

int admin_error(json_t **reply, int status, const char *format, ...)
{
    char message[2048];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    *reply = json_pack("{s:o}", "error", json_message(message));
    return status;
}

/* ---- start-up ---- */

static bool is_loopback(const char *host)
{
    struct in_addr v4;
    struct in6_addr v6;
    if (strcmp(host, "localhost") == 0)
        return true;
    if (inet_pton(AF_INET, host, &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    return inet_pton(AF_INET6, host, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

static void sha256(const void *data, size_t size, unsigned char out[32])
{
    unsigned length = 32;
    EVP_Digest(data, size, out, &length, EVP_sha256(), NULL);
}

/* The token: the file's first line without surrounding whitespace. */
static bool read_token(admin *a, const char *path, char *error, size_t error_size)
{
    FILE *file = fopen(path, "r");
    if (!file) {
        snprintf(error, error_size, "--admin-token-file %s: %s", path, strerror(errno));
        return false;
    }
    char line[4096] = "";
    bool read = fgets(line, sizeof line, file) != NULL;
    fclose(file);
    char *start = line;
    while (*start == ' ' || *start == '\t')
        start++;
    size_t length = strlen(start);
    while (length && (start[length - 1] == '\n' || start[length - 1] == '\r' || start[length - 1] == ' ' ||
                      start[length - 1] == '\t'))
        length--;
    if (!read || length == 0) {
        snprintf(error, error_size, "--admin-token-file %s: the file is empty: write the token on its first line",
                 path);
        return false;
    }
    sha256(start, length, a->token_digest);
    a->has_token = true;
    return true;
}

admin *admin_open(const admin_options *options, const admin_host *host, char *error, size_t error_size)
{
    admin *a = calloc(1, sizeof *a);
    char address[256];
    if (!a) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    a->host = *host;
    a->max_module_bytes = options->max_module_bytes ? options->max_module_bytes : DEFAULT_MAX_MODULE_BYTES;
    const char *listen = options->listen ? options->listen : ADMIN_DEFAULT_ADDRESS;
    if (!manifest_parse_listen(listen, address, sizeof address, &a->listen_port)) {
        snprintf(error, error_size, "--admin %s: expected HOST:PORT, [IPV6]:PORT or :PORT", listen);
        goto failed;
    }
    if (!(a->listen_host = strdup(address))) {
        snprintf(error, error_size, "out of memory");
        goto failed;
    }
    if (options->token_file && !read_token(a, options->token_file, error, error_size))
        goto failed;
    if (!a->has_token && !is_loopback(address)) {
        snprintf(error, error_size,
                 "--admin %s is not a loopback address: anyone who reaches it could deploy code; give "
                 "--admin-token-file FILE too (or listen on 127.0.0.1)",
                 listen);
        goto failed;
    }
    if (mkdir(options->state_dir, 0700) != 0 && errno != EEXIST) {
        snprintf(error, error_size, "--state %s: %s", options->state_dir, strerror(errno));
        goto failed;
    }
    if (!(a->blobs = blob_store_open(options->state_dir, error, error_size)) ||
        !(a->state = state_open(options->state_dir, error, error_size)))
        goto failed;
    return a;

failed:
    admin_close(a);
    return NULL;
}

void admin_close(admin *a)
{
    if (!a)
        return;
    if (a->server)
        server_shutdown(a->server, 5000);
    state_close(a->state);
    blob_store_close(a->blobs);
    free(a->listen_host);
    free(a);
}

uint16_t admin_port(const admin *a) { return a->server ? server_port(a->server) : 0; }

/* ---- requests ---- */

/* The bearer token, checked by comparing SHA-256 digests in constant time (the digest's length
 * is fixed, so not even the token's length leaks). */
static bool authorized(const admin *a, const http_request *request)
{
    if (!a->has_token)
        return true;
    const char *header = http_request_header(request, "authorization");
    if (!header || strncasecmp(header, "Bearer ", 7) != 0)
        return false;
    unsigned char digest[32];
    sha256(header + 7, strlen(header + 7), digest);
    return CRYPTO_memcmp(digest, a->token_digest, sizeof digest) == 0;
}

/* Where services and plugins are managed: /v1/services/NAME and /v1/plugins/NAME, each with
 * /rollback. One table, so that both kinds get every endpoint alike. */
static const struct {
    const char *collection; /* "/v1/services" */
    manifest_kind kind;
} collections[] = {{"/v1/services", MANIFEST_SERVICE}, {"/v1/plugins", MANIFEST_PLUGIN}};

/* "COLLECTION[/NAME[/rest]]": which collection (false: none), NAME into `name` ("" when the path
 * is the collection itself) and what follows it ("" or "/rollback"). False too when NAME is too
 * long to be one. */
static bool collection_path(const char *path, manifest_kind *kind, char *name, size_t name_size, const char **rest)
{
    for (size_t i = 0; i < sizeof collections / sizeof *collections; i++) {
        size_t length = strlen(collections[i].collection);
        if (strncmp(path, collections[i].collection, length) != 0 || (path[length] != '\0' && path[length] != '/'))
            continue;
        *kind = collections[i].kind;
        const char *start = path + length + (path[length] == '/');
        size_t name_length = strcspn(start, "/");
        if (name_length >= name_size || (path[length] == '/' && name_length == 0))
            return false;
        memcpy(name, start, name_length);
        name[name_length] = '\0';
        *rest = start + name_length;
        return true;
    }
    return false;
}

static int method_not_allowed(http_response *response, const char *allow)
{
    json_t *reply;
    admin_error(&reply, 405, "method not allowed here: use %s", allow);
    json_response(response, 405, reply, true);
    http_response_add_header(response, "allow", allow);
    return 405;
}

/* The endpoint for the request's method and path: its status and reply. */
static void dispatch(admin *a, const http_request *request, http_response *response)
{
    const char *method = request->method, *path = request->path;
    const uint8_t *body = request->body;
    size_t size = request->body_length;
    json_t *reply = NULL;
    int status;
    char name[128];
    const char *rest;
    manifest_kind kind;
    if (strcmp(path, "/v1/modules") == 0) {
        if (strcmp(method, "POST") != 0)
            return (void)method_not_allowed(response, "POST");
        status = admin_upload_module(a, body, size, &reply);
    } else if (strcmp(path, "/v1/pipelines") == 0) {
        if (strcmp(method, "GET") != 0)
            return (void)method_not_allowed(response, "GET");
        status = admin_list_pipelines(a, &reply);
    } else if (strncmp(path, "/v1/pipelines/", 14) == 0 && path[14] && !strchr(path + 14, '/') &&
               strlen(path + 14) < sizeof name) {
        snprintf(name, sizeof name, "%s", path + 14);
        if (strcmp(method, "PUT") == 0)
            status = admin_put_pipeline(a, name, body, size, &reply);
        else if (strcmp(method, "GET") == 0)
            status = admin_get_pipeline(a, name, &reply);
        else if (strcmp(method, "DELETE") == 0)
            status = admin_remove_pipeline(a, name, &reply);
        else
            return (void)method_not_allowed(response, "GET, PUT, DELETE");
    } else if (collection_path(path, &kind, name, sizeof name, &rest) && !name[0]) {
        if (strcmp(method, "GET") != 0)
            return (void)method_not_allowed(response, "GET");
        status = admin_list_services(a, kind, &reply);
    } else if (collection_path(path, &kind, name, sizeof name, &rest) && strcmp(rest, "") == 0) {
        if (strcmp(method, "PUT") == 0)
            status = admin_put_service(a, kind, name, body, size, &reply);
        else if (strcmp(method, "GET") == 0)
            status = admin_get_service(a, kind, name, &reply);
        else if (strcmp(method, "DELETE") == 0)
            status = admin_remove_service(a, kind, name, &reply);
        else
            return (void)method_not_allowed(response, "GET, PUT, DELETE");
    } else if (collection_path(path, &kind, name, sizeof name, &rest) && strcmp(rest, "/rollback") == 0) {
        if (strcmp(method, "POST") != 0)
            return (void)method_not_allowed(response, "POST");
        status = admin_rollback(a, kind, name, body, size, &reply);
    } else {
        status =
            admin_error(&reply, 404,
                        "no admin endpoint %s %.200s: see docs/admin-api.md (/v1/modules, /v1/services, "
                        "/v1/services/NAME, /v1/services/NAME/rollback, the same under /v1/plugins, /v1/pipelines, "
                        "/v1/pipelines/NAME)",
                        method, path);
    }
    json_response(response, status, reply, true);
}

static bool on_headers(void *user, http_request *request, uint64_t *max_body_bytes, http_response *early)
{
    admin *a = user;
    if (!authorized(a, request)) {
        json_t *reply;
        admin_error(&reply, 401,
                    "this admin API needs \"Authorization: Bearer TOKEN\" with the token of "
                    "--admin-token-file");
        json_response(early, 401, reply, true);
        http_response_add_header(early, "www-authenticate", "Bearer");
        return false;
    }
    *max_body_bytes = strcmp(request->path, "/v1/modules") == 0 ? a->max_module_bytes : MAX_JSON_BODY_BYTES;
    return true;
}

static void on_request(void *user, server_exchange *exchange, http_request *request)
{
    http_response response;
    dispatch(user, request, &response);
    server_respond(exchange, &response, false);
}

static void on_response(void *user, const http_request *request, int status, uint64_t duration_ns)
{
    (void)user, (void)request, (void)status, (void)duration_ns;
}

bool admin_listen(admin *a, char *error, size_t error_size)
{
    server_limits limits;
    server_limits_default(&limits);
    limits.max_body_bytes = a->max_module_bytes;
    limits.body_timeout_ms = 5 * 60 * 1000; /* a 64 MiB module over a slow link */
    server_callbacks callbacks = {
        .user = a, .on_headers = on_headers, .on_request = on_request, .on_response = on_response};
    char reason[1024];
    /* One loop: the admin's requests run one at a time, in the order they came. */
    a->server = server_start(a->listen_host, a->listen_port, 1, &limits, &callbacks, reason, sizeof reason);
    if (!a->server) {
        snprintf(error, error_size, "admin API: %s", reason);
        return false;
    }
    return true;
}
