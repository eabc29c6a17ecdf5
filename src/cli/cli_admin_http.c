/* cli_admin_http.c: the admin API commands' HTTP exchanges (libcurl): address, token, requests, error messages. */
#include "curl_lazy.h"
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "http_message.h" /* http_status_reason */

/* A server on this machine or nearby answers a connection in milliseconds: 10 s means it is not there. */
#define CONNECT_TIMEOUT_SECONDS 10L
/* No limit on a whole exchange: uploading a 64 MiB module over a slow link and compiling it may take
 * minutes. An exchange gives up only when nothing has moved for this long. */
#define STALL_TIMEOUT_SECONDS 300L
/* Answers are small JSON documents: one this large does not come from the admin API. */
#define MAX_ANSWER_BYTES (16u << 20)

/* printf into a new malloc'ed string; NULL when out of memory. */
static char *format_text(const char *format, ...) __attribute__((format(printf, 1, 2)));

static char *format_text(const char *format, ...)
{
    va_list list;
    va_start(list, format);
    int length = vsnprintf(NULL, 0, format, list);
    va_end(list);
    char *text = length < 0 ? NULL : malloc((size_t)length + 1);
    if (text) {
        va_start(list, format);
        vsnprintf(text, (size_t)length + 1, format, list);
        va_end(list);
    }
    return text;
}

void cli_admin_error(const cli_admin_client *client, const char *format, ...)
{
    fprintf(stderr, "wasmhost %s: ", client->command);
    va_list list;
    va_start(list, format);
    vfprintf(stderr, format, list);
    va_end(list);
    fputc('\n', stderr);
}

/* Keeps the first `length` bytes of `text` as the token. Its text never goes into a message. */
static bool set_token(cli_admin_client *client, const char *text, size_t length, const char *source)
{
    for (size_t i = 0; i < length; i++) {
        if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f) {
            cli_admin_error(client, "%s: the token holds control characters, which an HTTP header cannot carry",
                            source);
            return false;
        }
    }
    if (length == 0) {
        cli_admin_error(client, "%s: the first line is empty; it should hold the admin token", source);
        return false;
    }
    client->token = strndup(text, length);
    client->token_source = strdup(source);
    if (!client->token || !client->token_source) {
        cli_admin_error(client, "out of memory");
        return false;
    }
    return true;
}

/* The token is the file's first line without its trailing whitespace (editors add a newline). */
static bool read_token(cli_admin_client *client, const char *path)
{
    uint8_t *bytes;
    size_t size;
    char why[1024];
    if (!cli_read_file(path, &bytes, &size, why, sizeof why)) {
        cli_admin_error(client, "--token-file %s", why);
        return false;
    }
    size_t length = 0;
    while (length < size && bytes[length] != '\n')
        length++;
    while (length > 0 && (bytes[length - 1] == ' ' || bytes[length - 1] == '\t' || bytes[length - 1] == '\r'))
        length--;
    char *source = format_text("--token-file %s", path);
    bool ok = source && set_token(client, (const char *)bytes, length, source);
    if (!source)
        cli_admin_error(client, "out of memory");
    free(source);
    free(bytes);
    return ok;
}

bool cli_admin_open(cli_admin_client *client, const char *command, const char *url, const char *token_file)
{
    memset(client, 0, sizeof *client);
    client->command = command;
    char why[600];
    if (!curl_lazy_load(why, sizeof why)) {
        cli_admin_error(client, "%s", why);
        return false;
    }
    if (!url)
        url = getenv("WASMHOST_ADMIN");
    if (!url || !*url)
        url = CLI_ADMIN_DEFAULT_URL;
    /* HOST:PORT, as `serve --admin` takes it, means plain HTTP. */
    int length = (int)strlen(url);
    while (length > 0 && url[length - 1] == '/')
        length--;
    client->url = format_text("%s%.*s", strstr(url, "://") ? "" : "http://", length, url);
    if (!client->url) {
        cli_admin_error(client, "out of memory");
        return false;
    }
    if (token_file)
        return read_token(client, token_file);
    const char *token = getenv("WASMHOST_ADMIN_TOKEN");
    return !token || !*token || set_token(client, token, strlen(token), "WASMHOST_ADMIN_TOKEN");
}

void cli_admin_close(cli_admin_client *client)
{
    free(client->url);
    free(client->token);
    free(client->token_source);
}

/* ---- one exchange ---- */

typedef struct answer_buffer {
    char *data;
    size_t size, capacity;
    bool too_large;
} answer_buffer;

static size_t receive_answer(char *data, size_t size, size_t count, void *userdata)
{
    answer_buffer *buffer = userdata;
    size_t length = size * count;
    if (length > MAX_ANSWER_BYTES - buffer->size) {
        buffer->too_large = true;
        return 0; /* ends the transfer (CURLE_WRITE_ERROR) */
    }
    if (buffer->size + length > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 4096;
        while (capacity < buffer->size + length)
            capacity *= 2;
        char *grown = realloc(buffer->data, capacity);
        if (!grown)
            return 0;
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->size, data, length);
    buffer->size += length;
    return length;
}

/* "409 Conflict", or "599" for a code without a standard reason phrase. */
static void status_text(long status, char *text, size_t text_size)
{
    const char *reason = http_status_reason((int)status);
    if (strcmp(reason, "Unknown") == 0)
        snprintf(text, text_size, "%ld", status);
    else
        snprintf(text, text_size, "%ld %s", status, reason);
}

/* The start of an answer that is not JSON, on one line, for a message: what answered may tell
 * the user which server that was. */
static void excerpt(const answer_buffer *buffer, char *text, size_t text_size)
{
    size_t size = buffer->size, length = 0, i = 0;
    while (size > 0 && (buffer->data[size - 1] == '\n' || buffer->data[size - 1] == '\r'))
        size--; /* a last line ending is not more to tell */
    for (; i < size && buffer->data[i] != '\n' && length < 60 && length + 4 < text_size; i++) {
        unsigned char c = (unsigned char)buffer->data[i];
        text[length++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    if (i < size) {
        memcpy(text + length, "...", 3);
        length += 3;
    }
    text[length] = '\0';
}

/* Explains an answer outside 2xx, with the server's "error" string when it sent one. */
static void report_refusal(const cli_admin_client *client, long status, const json_t *json, const answer_buffer *buffer)
{
    char status_line[96], start[96], hint[640] = "";
    status_text(status, status_line, sizeof status_line);
    const char *message = json_string_value(json_object_get(json, "error"));
    if (status == 401 && !client->token)
        snprintf(hint, sizeof hint, " (give the admin token with --token-file FILE or WASMHOST_ADMIN_TOKEN)");
    else if (status == 401)
        snprintf(hint, sizeof hint, " (the token from %s was not accepted)", client->token_source);
    /* Without JSON, the HTTP layer's own limits answered before the admin API, or this is another
     * server (a service's port answers 404 to /v1/...). */
    else if (!message && status == 413)
        snprintf(hint, sizeof hint, " (the upload is larger than the server takes: its --admin-max-module)");
    else if (!message && status == 404)
        snprintf(hint, sizeof hint, " (is that the admin address?)");
    if (message) {
        cli_admin_error(client, "the server %s (%s): %s%s", status >= 500 ? "failed" : "refused", status_line, message,
                        hint);
    } else if (buffer->size == 0) {
        cli_admin_error(client, "the admin API at %s answered %s without a reason%s", client->url, status_line, hint);
    } else {
        excerpt(buffer, start, sizeof start);
        cli_admin_error(client, "the admin API at %s answered %s, not in JSON: \"%s\"%s", client->url, status_line,
                        start, hint);
    }
}

/* Says why the exchange did not happen or broke off, from curl's result. */
static void report_transfer_error(const cli_admin_client *client, CURL *curl, CURLcode code, const char *curl_error,
                                  const answer_buffer *buffer)
{
    const char *reason = curl_error[0] ? curl_error : curl_lazy.curl_easy_strerror(code);
    curl_off_t connect_time = 0;
    curl_lazy.curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connect_time);
    if (buffer->too_large)
        cli_admin_error(client, "the server at %s answered more than %u MiB: that is not the admin API", client->url,
                        MAX_ANSWER_BYTES >> 20);
    else if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL)
        cli_admin_error(client, "'%s' is not an admin address (give http://HOST:PORT or HOST:PORT): %s", client->url,
                        reason);
    else if (code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_CONNECT ||
             (code == CURLE_OPERATION_TIMEDOUT && connect_time == 0))
        cli_admin_error(client,
                        "cannot reach the admin API at %s: %s (is `wasmhost serve --state DIR` running with that "
                        "--admin address?)",
                        client->url, reason);
    else
        cli_admin_error(client, "the exchange with the admin API at %s broke off: %s", client->url, reason);
}

/* Appends `line` (curl copies it) to `headers`; false when it or the copy is NULL (out of memory). */
static bool add_header(struct curl_slist **headers, const char *line)
{
    struct curl_slist *grown = line ? curl_lazy.curl_slist_append(*headers, line) : NULL;
    if (grown)
        *headers = grown;
    return grown != NULL;
}

/* The request's headers; NULL when out of memory. */
static struct curl_slist *request_headers(const cli_admin_client *client, const char *content_type)
{
    /* Without a body the Content-Type header is removed ("Content-Type:"): curl would otherwise
     * label a bodiless POST as a form. */
    char *content = format_text("Content-Type:%s%s", content_type ? " " : "", content_type ? content_type : "");
    char *authorization = client->token ? format_text("Authorization: Bearer %s", client->token) : NULL;
    struct curl_slist *headers = NULL;
    bool ok = add_header(&headers, "Accept: application/json") && add_header(&headers, content) &&
              (!client->token || add_header(&headers, authorization));
    free(content);
    free(authorization);
    if (!ok) {
        curl_lazy.curl_slist_free_all(headers);
        return NULL;
    }
    return headers;
}

bool cli_admin_request(const cli_admin_client *client, const char *method, const char *path, const char *content_type,
                       const void *body, size_t body_size, json_t **answer)
{
    *answer = NULL;
    char *url = format_text("%s%s", client->url, path);
    struct curl_slist *headers = request_headers(client, content_type);
    CURL *curl = curl_lazy.curl_easy_init();
    if (!url || !headers || !curl) {
        cli_admin_error(client, "out of memory");
        free(url);
        curl_lazy.curl_slist_free_all(headers);
        curl_lazy.curl_easy_cleanup(curl);
        return false;
    }
    char curl_error[CURL_ERROR_SIZE] = "";
    answer_buffer buffer = {0};
    curl_lazy.curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_lazy.curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
    /* HTTP or HTTPS only; redirects are not followed, so the token goes to this server alone. */
    curl_lazy.curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_lazy.curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_SECONDS);
    curl_lazy.curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_lazy.curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, STALL_TIMEOUT_SECONDS);
    curl_lazy.curl_easy_setopt(curl, CURLOPT_USERAGENT, "wasmhost/" WASMHOST_VERSION);
    curl_lazy.curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_lazy.curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, receive_answer);
    curl_lazy.curl_easy_setopt(curl, CURLOPT_WRITEDATA, &buffer);
    if (content_type || strcmp(method, "POST") == 0) {
        /* Sent from `body` as it is, not copied: a module may be 64 MiB. */
        curl_lazy.curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
        curl_lazy.curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_size);
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
        curl_lazy.curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);

    CURLcode code = curl_lazy.curl_easy_perform(curl);
    bool ok = false;
    if (code != CURLE_OK) {
        report_transfer_error(client, curl, code, curl_error, &buffer);
    } else {
        long status = 0;
        curl_lazy.curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        json_t *json = buffer.size ? json_loadb(buffer.data, buffer.size, 0, NULL) : NULL;
        if (status < 200 || status > 299) {
            report_refusal(client, status, json, &buffer);
        } else if (buffer.size && !json) {
            char status_line[96], start[96];
            status_text(status, status_line, sizeof status_line);
            excerpt(&buffer, start, sizeof start);
            cli_admin_error(client,
                            "the admin API at %s answered %s, but not in JSON: \"%s\" (is that the admin address?)",
                            client->url, status_line, start);
        } else {
            *answer = json;
            json = NULL;
            ok = true;
        }
        json_decref(json);
    }
    free(buffer.data);
    curl_lazy.curl_easy_cleanup(curl);
    curl_lazy.curl_slist_free_all(headers);
    free(url);
    return ok;
}

char *cli_admin_service_path(const cli_admin_client *client, bool plugin, const char *name, const char *suffix)
{
    char *escaped = curl_lazy.curl_easy_escape(NULL, name, 0);
    char *path = escaped ? format_text("/v1/%s/%s%s", plugin ? "plugins" : "services", escaped, suffix) : NULL;
    curl_lazy.curl_free(escaped);
    if (!path)
        cli_admin_error(client, "out of memory");
    return path;
}
