/* http_message.c: HTTP requests and responses: header lookup, building, freeing, reason phrases. */
#include "http_message.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *http_request_header(const http_request *request, const char *name)
{
    for (size_t i = 0; i < request->header_count; i++)
        if (strcasecmp(request->headers[i].name, name) == 0)
            return request->headers[i].value;
    return NULL;
}

void http_request_free(http_request *request)
{
    if (!request)
        return;
    if (!request->packed) {
        free(request->target);
        free(request->path);
        free(request->query);
        for (size_t i = 0; i < request->header_count; i++) {
            free(request->headers[i].name);
            free(request->headers[i].value);
        }
        free(request->headers);
    }
    free(request->body);
    free(request);
}

char *http_request_place_target(http_request *request, char *text, const char *target, size_t length)
{
    request->target = memcpy(text, target, length);
    text[length] = '\0';
    text += length + 1;
    /* path and query are split from a second copy */
    request->path = memcpy(text, target, length);
    text[length] = '\0';
    char *question = memchr(text, '?', length);
    text += length + 1;
    *text = '\0'; /* the empty query, when there is none */
    if (question) {
        *question = '\0';
        request->query = question + 1;
    } else {
        request->query = text;
    }
    return text + 1;
}

http_request *http_request_create(const char *method, const char *target, const http_header *headers,
                                  size_t header_count, const void *body, size_t body_length)
{
    size_t target_length = strlen(target);
    size_t text_size = HTTP_TARGET_TEXT_SIZE(target_length);
    for (size_t i = 0; i < header_count; i++)
        text_size += strlen(headers[i].name) + strlen(headers[i].value) + 2;
    size_t header_bytes = header_count * sizeof(http_header);
    http_request *request = calloc(1, sizeof *request + header_bytes + text_size);
    if (!request)
        return NULL;
    if (body_length) {
        request->body = malloc(body_length);
        if (!request->body) {
            free(request);
            return NULL;
        }
        memcpy(request->body, body, body_length);
        request->body_length = body_length;
    }
    request->packed = true;
    request->headers = (http_header *)(request + 1);
    request->header_count = header_count;
    char *text = (char *)request->headers + header_bytes;

    snprintf(request->method, sizeof request->method, "%s", method);
    text = http_request_place_target(request, text, target, target_length);
    for (size_t i = 0; i < header_count; i++) {
        size_t name_length = strlen(headers[i].name), value_length = strlen(headers[i].value);
        request->headers[i].name = memcpy(text, headers[i].name, name_length + 1);
        text += name_length + 1;
        request->headers[i].value = memcpy(text, headers[i].value, value_length + 1);
        text += value_length + 1;
    }
    request->http_major = 1;
    request->http_minor = 1;
    return request;
}

void http_response_init(http_response *response, int status)
{
    memset(response, 0, sizeof *response);
    response->status = status;
}

/* Content-Length, Connection and Date are written by the server from what it knows;
 * Transfer-Encoding too, since the server always sends a Content-Length. */
bool http_header_is_servers(const char *name)
{
    return strcasecmp(name, "content-length") == 0 || strcasecmp(name, "connection") == 0 ||
           strcasecmp(name, "date") == 0 || strcasecmp(name, "transfer-encoding") == 0;
}

bool http_response_add_header(http_response *response, const char *name, const char *value)
{
    if (http_header_is_servers(name))
        return true;
    if (response->header_count == response->header_capacity) {
        size_t capacity = response->header_capacity ? 2 * response->header_capacity : 4;
        http_header *headers = realloc(response->headers, capacity * sizeof *headers);
        if (!headers)
            return false;
        response->headers = headers;
        response->header_capacity = capacity;
    }
    char *name_copy = strdup(name), *value_copy = strdup(value);
    if (!name_copy || !value_copy) {
        free(name_copy);
        free(value_copy);
        return false;
    }
    response->headers[response->header_count].name = name_copy;
    response->headers[response->header_count].value = value_copy;
    response->header_count++;
    return true;
}

bool http_response_append(http_response *response, const void *data, size_t length)
{
    if (length == 0)
        return true;
    if (response->body_length + length < length)
        return false;
    if (response->body_length + length > response->body_capacity) {
        size_t capacity = response->body_capacity ? response->body_capacity : 256;
        while (capacity < response->body_length + length)
            capacity *= 2;
        uint8_t *body = realloc(response->body, capacity);
        if (!body)
            return false;
        response->body = body;
        response->body_capacity = capacity;
    }
    memcpy(response->body + response->body_length, data, length);
    response->body_length += length;
    return true;
}

void http_response_text(http_response *response, int status, const char *text)
{
    http_response_init(response, status);
    /* Out of memory leaves a shorter response; the status still goes out. */
    http_response_add_header(response, "content-type", "text/plain; charset=utf-8");
    http_response_append(response, text, strlen(text));
}

void http_response_free(http_response *response)
{
    for (size_t i = 0; i < response->header_count; i++) {
        free(response->headers[i].name);
        free(response->headers[i].value);
    }
    free(response->headers);
    free(response->body);
    int status = response->status;
    memset(response, 0, sizeof *response);
    response->status = status;
}

const char *http_status_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 418: return "I'm a teapot";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 507: return "Insufficient Storage";
    case 511: return "Network Authentication Required";
    default: return "Unknown";
    }
}
