/* guest_wagi.c: the `wagi` ABI: a WASI command per request, given CGI variables, args and stdin; its stdout parsed. */
#include "guest_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One request's streams. */
typedef struct wagi_run {
    const http_request *request;
    size_t stdin_offset;
    guest_buffer output; /* stdout */
    uint64_t max_output;
    bool overflowed; /* stdout passed max_output */
} wagi_run;

static ptrdiff_t read_stdin(void *user, uint8_t *buffer, size_t size)
{
    wagi_run *run = user;
    size_t remaining = run->request->body_length - run->stdin_offset;
    size_t count = size < remaining ? size : remaining;
    if (count)
        memcpy(buffer, run->request->body + run->stdin_offset, count);
    run->stdin_offset += count;
    return (ptrdiff_t)count;
}

static ptrdiff_t write_stdout(void *user, int fd, const uint8_t *data, size_t size)
{
    (void)fd;
    wagi_run *run = user;
    if ((uint64_t)run->output.length + size > run->max_output) {
        run->overflowed = true;
        return -1; /* the guest gets EIO */
    }
    return guest_buffer_append(&run->output, data, size) ? (ptrdiff_t)size : -1;
}

/* ---- CGI variables ---- */

/* The variables every request sets: a service's environment cannot override them. */
static const char *const cgi_variables[] = {
    "AUTH_TYPE",       "CONTENT_LENGTH", "CONTENT_TYPE",    "GATEWAY_INTERFACE", "PATH_INFO",
    "PATH_TRANSLATED", "QUERY_STRING",   "REMOTE_ADDR",     "REMOTE_HOST",       "REMOTE_USER",
    "REQUEST_METHOD",  "SCRIPT_NAME",    "SERVER_NAME",     "SERVER_PORT",       "SERVER_PROTOCOL",
    "SERVER_SOFTWARE", "X_FULL_URL",     "X_MATCHED_ROUTE", "X_RAW_PATH_INFO",   "X_REQUEST_ID",
};

/* Headers that do not become HTTP_* variables: Connection is hop-by-hop, and a client's "Proxy"
 * header would become HTTP_PROXY, which many HTTP libraries take as their proxy ("httpoxy"). */
static bool header_hidden(const char *name)
{
    return strcasecmp(name, "connection") == 0 || strcasecmp(name, "proxy") == 0;
}

/* Whether `variable` (length bytes, without "HTTP_") is header `name` in CGI form (upper case,
 * '-' as '_'). */
static bool is_cgi_form(const char *name, const char *variable, size_t length)
{
    size_t i = 0;
    for (; i < length && name[i]; i++) {
        char c = name[i] == '-' ? '_' : (char)toupper((unsigned char)name[i]);
        if (c != variable[i])
            return false;
    }
    return i == length && name[i] == '\0';
}

static bool request_sets(const char *name, size_t length, const void *user)
{
    const http_request *request = user;
    for (size_t i = 0; i < sizeof cgi_variables / sizeof *cgi_variables; i++)
        if (strlen(cgi_variables[i]) == length && memcmp(cgi_variables[i], name, length) == 0)
            return true;
    if (length > 5 && memcmp(name, "HTTP_", 5) == 0)
        for (size_t i = 0; i < request->header_count; i++)
            if (!header_hidden(request->headers[i].name) && is_cgi_form(request->headers[i].name, name + 5, length - 5))
                return true;
    return false;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Appends `text` percent-decoded and a NUL. "%00" and malformed escapes stay as they are (a
 * variable or argument cannot hold a NUL). */
static bool append_decoded(guest_buffer *out, const char *text, size_t length)
{
    if (!guest_buffer_reserve(out, length + 1))
        return false;
    for (size_t i = 0; i < length; i++) {
        if (text[i] == '%' && i + 2 < length) {
            int a = hex_value(text[i + 1]), b = hex_value(text[i + 2]);
            if (a >= 0 && b >= 0 && (a || b)) {
                out->data[out->length++] = (uint8_t)(a * 16 + b);
                i += 2;
                continue;
            }
        }
        out->data[out->length++] = (uint8_t)text[i];
    }
    out->data[out->length++] = '\0';
    return true;
}

typedef struct cgi_env {
    wh_wasi_t *wasi;
    guest_buffer scratch;
    bool ok;
} cgi_env;

static void add(cgi_env *env, const char *name, const char *value)
{
    if (env->ok)
        env->ok = wh_wasi_add_env(env->wasi, name, value);
}

/* Adds a variable whose value is formatted. */
static void add_formatted(cgi_env *env, const char *name, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void add_formatted(cgi_env *env, const char *name, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int length = vsnprintf(NULL, 0, format, arguments);
    va_end(arguments);
    env->scratch.length = 0;
    if (!env->ok || length < 0 || !guest_buffer_reserve(&env->scratch, (size_t)length + 1)) {
        env->ok = false;
        return;
    }
    va_start(arguments, format);
    vsnprintf((char *)env->scratch.data, (size_t)length + 1, format, arguments);
    va_end(arguments);
    add(env, name, (const char *)env->scratch.data);
}

/* The HTTP_* variables: one per header name; repeated headers joined with ", " (RFC 3875 4.1.18). */
static void add_header_variables(cgi_env *env, const http_request *request)
{
    for (size_t i = 0; i < request->header_count && env->ok; i++) {
        const char *name = request->headers[i].name;
        if (header_hidden(name))
            continue;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcasecmp(request->headers[k].name, name) == 0;
        if (seen)
            continue;
        guest_buffer *text = &env->scratch;
        text->length = 0;
        size_t name_length = strlen(name);
        env->ok = guest_buffer_append(text, "HTTP_", 5) && guest_buffer_reserve(text, name_length + 1);
        for (size_t k = 0; k < name_length && env->ok; k++)
            text->data[text->length++] = name[k] == '-' ? '_' : (uint8_t)toupper((unsigned char)name[k]);
        env->ok = env->ok && guest_buffer_append(text, "", 1);
        size_t value_start = text->length;
        for (size_t k = i; k < request->header_count && env->ok; k++) {
            if (strcasecmp(request->headers[k].name, name) != 0)
                continue;
            if (text->length > value_start)
                env->ok = guest_buffer_append(text, ", ", 2);
            env->ok =
                env->ok && guest_buffer_append(text, request->headers[k].value, strlen(request->headers[k].value));
        }
        env->ok = env->ok && guest_buffer_append(text, "", 1);
        add(env, (const char *)text->data, (const char *)text->data + value_start);
    }
}

/* The route as the manifest wrote it: "/api/..." (a prefix) or "/health" (exact). */
typedef struct route_parts {
    const char *text;
    size_t base_length; /* the prefix without "/...", or the whole exact route */
    bool prefix;
} route_parts;

static route_parts split_route(const char *route)
{
    route_parts parts = {route ? route : "/...", 0, false};
    size_t length = strlen(parts.text);
    parts.prefix = length >= 4 && strcmp(parts.text + length - 4, "/...") == 0;
    parts.base_length = parts.prefix ? length - 4 : length;
    return parts;
}

static void add_cgi_variables(cgi_env *env, const http_request *request, const route_parts *route)
{
    const char *path = request->path ? request->path : "/";
    const char *query = request->query ? request->query : "";
    const char *host = http_request_header(request, "host");
    const char *content_type = http_request_header(request, "content-type");

    add(env, "AUTH_TYPE", "");
    add_formatted(env, "CONTENT_LENGTH", "%zu", request->body_length);
    add(env, "CONTENT_TYPE", content_type ? content_type : "");
    add(env, "GATEWAY_INTERFACE", "CGI/1.1");
    /* As WAGI: SCRIPT_NAME is the route's base ("/" for "/..."), PATH_INFO what follows it. */
    const char *raw_path_info = "";
    if (strncmp(path, route->text, route->base_length) == 0)
        raw_path_info = path + route->base_length;
    add(env, "X_RAW_PATH_INFO", raw_path_info);
    env->scratch.length = 0;
    if (env->ok)
        env->ok = append_decoded(&env->scratch, raw_path_info, strlen(raw_path_info));
    add(env, "PATH_INFO", (const char *)env->scratch.data);
    add(env, "PATH_TRANSLATED", (const char *)env->scratch.data);
    if (route->prefix)
        add_formatted(env, "SCRIPT_NAME", "%.*s", route->base_length ? (int)route->base_length : 1,
                      route->base_length ? route->text : "/");
    else
        add(env, "SCRIPT_NAME", route->text);
    add(env, "QUERY_STRING", query);
    add(env, "REMOTE_ADDR", request->remote_address);
    add(env, "REMOTE_HOST", request->remote_address);
    add(env, "REMOTE_USER", "");
    add(env, "REQUEST_METHOD", request->method);
    /* SERVER_NAME and SERVER_PORT from the Host header ("[::1]:8080" too), as WAGI does. */
    const char *host_text = host && *host ? host : "localhost";
    const char *colon = strrchr(host_text, ':');
    if (colon && strchr(colon, ']'))
        colon = NULL;
    add_formatted(env, "SERVER_NAME", "%.*s", colon ? (int)(colon - host_text) : (int)strlen(host_text), host_text);
    add(env, "SERVER_PORT", colon ? colon + 1 : "80");
    add_formatted(env, "SERVER_PROTOCOL", "HTTP/%d.%d", request->http_major, request->http_minor);
    add_formatted(env, "SERVER_SOFTWARE", "wasmhost/%s", wh_version());
    if (request->target)
        add_formatted(env, "X_FULL_URL", "http://%s%s", host_text, request->target);
    else
        add_formatted(env, "X_FULL_URL", "http://%s%s%s%s", host_text, path, *query ? "?" : "", query);
    add(env, "X_MATCHED_ROUTE", route->text);
    add(env, "X_REQUEST_ID", request->request_id);
    add_header_variables(env, request);
}

/* argv: the path, then the query's items split on '&', percent-decoded (as WAGI). */
static bool set_arguments(wh_wasi_t *wasi, const http_request *request)
{
    const char *path = request->path ? request->path : "/";
    const char *query = request->query ? request->query : "";
    size_t count = 1;
    if (*query) {
        count++;
        for (const char *p = query; *p; p++)
            count += *p == '&';
    }
    guest_buffer text = {0};
    size_t *offsets = malloc(count * sizeof *offsets);
    const char **argv = malloc(count * sizeof *argv);
    bool ok = offsets && argv && guest_buffer_append(&text, path, strlen(path) + 1);
    offsets[0] = 0;
    const char *item = query;
    for (size_t i = 1; i < count && ok; i++) {
        const char *end = strchr(item, '&');
        size_t length = end ? (size_t)(end - item) : strlen(item);
        offsets[i] = text.length;
        ok = append_decoded(&text, item, length);
        item += length + 1;
    }
    if (ok) {
        for (size_t i = 0; i < count; i++)
            argv[i] = (const char *)text.data + offsets[i];
        ok = wh_wasi_set_args(wasi, (int)count, argv);
    }
    free(offsets);
    free(argv);
    guest_buffer_free(&text);
    return ok;
}

/* ---- the response: CGI headers, a blank line, the body ---- */

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* "404" or "404 Not Found": the code, or -1. */
static int parse_status(const char *value, size_t length)
{
    if (length < 3 || !isdigit((unsigned char)value[0]) || !isdigit((unsigned char)value[1]) ||
        !isdigit((unsigned char)value[2]) || (length > 3 && value[3] != ' '))
        return -1;
    int status = (value[0] - '0') * 100 + (value[1] - '0') * 10 + (value[2] - '0');
    return status >= 100 ? status : -1;
}

void guest_wagi_parse_output(const uint8_t *data, size_t length, http_response *response, guest_outcome *outcome)
{
    const char *text = (const char *)data;
    size_t position = 0, header_bytes = 0;
    bool has_type = false, has_location = false, has_status = false;
    int status = 200;
    for (int line = 1;; line++) {
        const char *newline = memchr(text + position, '\n', length - position);
        if (!newline) {
            guest_outcome_set(outcome, GUEST_BAD_RESPONSE,
                              "the output has no blank line after its headers (a wagi guest writes CGI headers such "
                              "as \"content-type: text/plain\", an empty line, then the body)");
            return;
        }
        size_t start = position, end = (size_t)(newline - text);
        position = end + 1;
        if (end > start && text[end - 1] == '\r')
            end--;
        if (end == start)
            break; /* the blank line */
        const char *colon = memchr(text + start, ':', end - start);
        size_t name_length = colon ? (size_t)(colon - (text + start)) : 0;
        while (name_length && is_blank(text[start + name_length - 1]))
            name_length--;
        if (!colon || !guest_header_name_valid(text + start, name_length)) {
            guest_outcome_set(outcome, GUEST_BAD_RESPONSE,
                              "line %d of the output's headers is not \"name: value\": \"%.*s\"", line,
                              (int)(end - start > 80 ? 80 : end - start), text + start);
            return;
        }
        const char *value = colon + 1;
        size_t value_length = (size_t)(text + end - value);
        while (value_length && is_blank(*value))
            value++, value_length--;
        while (value_length && is_blank(value[value_length - 1]))
            value_length--;
        if (!guest_header_value_valid(value, value_length)) {
            guest_outcome_set(outcome, GUEST_BAD_RESPONSE,
                              "line %d of the output's headers has a control character in "
                              "its value",
                              line);
            return;
        }
        header_bytes += name_length + value_length;
        if (response->header_count >= GUEST_MAX_RESPONSE_HEADERS || header_bytes > GUEST_MAX_RESPONSE_HEADER_BYTES) {
            guest_outcome_set(outcome, GUEST_BAD_RESPONSE, "the output has more than %d headers or %u bytes of headers",
                              GUEST_MAX_RESPONSE_HEADERS, GUEST_MAX_RESPONSE_HEADER_BYTES);
            return;
        }
        if (name_length == 6 && strncasecmp(text + start, "status", 6) == 0) {
            status = parse_status(value, value_length);
            if (status < 0) {
                guest_outcome_set(outcome, GUEST_BAD_RESPONSE,
                                  "line %d: \"status: %.*s\" is not a status (\"404\" or "
                                  "\"404 Not Found\")",
                                  line, (int)(value_length > 40 ? 40 : value_length), value);
                return;
            }
            has_status = true;
            continue;
        }
        has_type = has_type || (name_length == 12 && strncasecmp(text + start, "content-type", 12) == 0);
        has_location = has_location || (name_length == 8 && strncasecmp(text + start, "location", 8) == 0);
        if (!guest_response_add_header(response, text + start, name_length, value, value_length)) {
            guest_outcome_set(outcome, GUEST_INSTANTIATE, "out of memory reading the guest's response");
            return;
        }
    }
    /* CGI wants a content-type or a location; WAGI also takes a status alone (e.g. 204). */
    if (!has_type && !has_location && !has_status) {
        guest_outcome_set(outcome, GUEST_BAD_RESPONSE, "the output's headers have no content-type, location or status");
        return;
    }
    response->status = has_status ? status : has_location ? 302 : 200;
    if (!http_response_append(response, text + position, length - position))
        guest_outcome_set(outcome, GUEST_INSTANTIATE, "out of memory reading the guest's response");
}

/* ---- a request ---- */

void guest_wagi_handle(const guest_service *service, const char *matched_route, const http_request *request,
                       http_response *response, guest_outcome *outcome)
{
    wasm_store_t *store = guest_store_new(service, outcome);
    if (!store)
        return;
    wagi_run run = {.request = request, .max_output = guest_max_response_bytes(service)};
    guest_log log = {service, request->request_id};
    route_parts route = split_route(matched_route);
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    wasm_instance_t *instance = NULL;
    wasm_trap_t *trap = NULL;
    cgi_env env = {.ok = true};

    wh_wasi_t *wasi = guest_wasi_new(service, &log, request_sets, request, outcome);
    if (!wasi)
        goto done;
    env.wasi = wasi;
    add_cgi_variables(&env, request, &route);
    if (!env.ok || !set_arguments(wasi, request) || !wh_wasi_stdin_callback(wasi, read_stdin, &run) ||
        !wh_wasi_output_callback(wasi, 1, write_stdout, &run) ||
        !wh_wasi_imports(wasi, store, service->module, &imports)) {
        guest_outcome_set(outcome, GUEST_INSTANTIATE, "cannot set up WASI: %s", wh_last_error_message());
        goto done;
    }
    instance = wasm_instance_new(store, service->module, &imports, &trap);
    if (!instance) {
        guest_outcome_from_instantiation(outcome, service, store, trap);
        goto done;
    }
    if (!wh_wasi_bind(wasi, instance)) {
        guest_outcome_set(outcome, GUEST_INSTANTIATE, "cannot bind WASI: %s", wh_last_error_message());
        goto done;
    }
    wasm_extern_t *start = wh_instance_export(instance, "_start");
    wasm_func_t *func = wasm_extern_as_func(start);
    if (func) {
        wasm_val_vec_t none = WASM_EMPTY_VEC;
        trap = wasm_func_call(func, &none, &none);
    } else {
        guest_outcome_set(outcome, GUEST_INSTANTIATE, "the module exports no function \"_start\" (not a WASI command)");
    }
    wasm_extern_delete(start);
    if (!func)
        goto done;

    int exit_code = 0;
    if (run.overflowed)
        guest_outcome_set(outcome, GUEST_BAD_RESPONSE, "the output passed the service's limit of %llu bytes",
                          (unsigned long long)run.max_output);
    else if (trap && !wh_trap_exit_code(trap, &exit_code))
        guest_outcome_from_trap(outcome, service, store, trap);
    else if (exit_code != 0)
        guest_outcome_set(outcome, GUEST_TRAP, "the program exited with code %d", exit_code);
    else
        guest_wagi_parse_output(run.output.data ? run.output.data : (const uint8_t *)"", run.output.length, response,
                                outcome);

done:
    if (service->fuel)
        wh_store_fuel_consumed(store, &outcome->fuel_consumed);
    wasm_trap_delete(trap);
    wasm_instance_delete(instance);
    wasm_extern_vec_delete(&imports);
    wh_wasi_delete(wasi);
    wasm_store_delete(store);
    guest_buffer_free(&env.scratch);
    guest_buffer_free(&run.output);
}

/* ---- load-time check ---- */

bool guest_wagi_check(const wasm_module_t *module, char *error, size_t error_size)
{
    bool fits = true;
    wasm_importtype_vec_t imports;
    wasm_module_imports(module, &imports);
    for (size_t i = 0; i < imports.size && fits; i++) {
        const wasm_name_t *module_name = wasm_importtype_module(imports.data[i]);
        const wasm_name_t *name = wasm_importtype_name(imports.data[i]);
        bool wasi = module_name->size == 22 && memcmp(module_name->data, "wasi_snapshot_preview1", 22) == 0;
        if (!wasi || wasm_externtype_kind(wasm_importtype_type(imports.data[i])) != WASM_EXTERN_FUNC) {
            snprintf(error, error_size,
                     "import \"%.*s\".\"%.*s\": a wagi module may import only WASI functions "
                     "(wasi_snapshot_preview1)",
                     (int)(module_name->size > 64 ? 64 : module_name->size), module_name->data,
                     (int)(name->size > 64 ? 64 : name->size), name->data);
            fits = false;
        }
    }
    wasm_importtype_vec_delete(&imports);

    bool has_start = false, has_memory = false;
    wasm_exporttype_vec_t exports;
    wasm_module_exports(module, &exports);
    for (size_t i = 0; i < exports.size; i++) {
        const wasm_name_t *name = wasm_exporttype_name(exports.data[i]);
        const wasm_externtype_t *type = wasm_exporttype_type(exports.data[i]);
        if (name->size == 6 && memcmp(name->data, "_start", 6) == 0)
            has_start = guest_func_without_values(type);
        else if (name->size == 6 && memcmp(name->data, "memory", 6) == 0)
            has_memory = wasm_externtype_kind(type) == WASM_EXTERN_MEMORY;
    }
    wasm_exporttype_vec_delete(&exports);
    if (fits && !has_start) {
        snprintf(error, error_size,
                 "the wagi ABI needs a WASI command: an export \"_start\" (a function [] -> []); "
                 "build with a main() and without -mexec-model=reactor");
        fits = false;
    }
    if (fits && !has_memory) {
        snprintf(error, error_size, "the wagi ABI needs the module to export its memory as \"memory\"");
        fits = false;
    }
    return fits;
}
