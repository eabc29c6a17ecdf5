/* shortener.c: the example URL shortener: links kept in a key-value store, targets checked with outbound HTTP, the public base URL from a variable, a log line per link. */
#include "wasmhost_capabilities.h"
#include "wasmhost_http.h"

/*   POST /links          body: a URL -> 201 and BASE/links/KEY (the target must answer a HEAD below 400)
 *   GET  /links/KEY      -> 302 to the target, or 404
 *   GET  /links          -> the keys, one a line */

static char path[512], target[2048], base[256], text[4096];

static void fail(int32_t status, const char *why)
{
    wh_http_respond(status, "text/plain", why);
    wh_http_write_text("\n");
}

/* The next key: a counter kept in the store itself, written in base 36. */
static int32_t next_key(int32_t store, char *key)
{
    char digits[16];
    int32_t length = wh_kv_get(store, "#next", 5, digits, sizeof digits - 1);
    uint32_t next = 0;
    for (int32_t i = 0; i < length && i < (int32_t)sizeof digits - 1; i++)
        next = next * 36 + (uint32_t)(digits[i] <= '9' ? digits[i] - '0' : digits[i] - 'a' + 10);
    next++;
    int32_t n = 0;
    char reversed[16];
    for (uint32_t v = next; v; v /= 36)
        reversed[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
    for (int32_t i = 0; i < n; i++)
        key[i] = reversed[n - 1 - i];
    if (wh_kv_set(store, "#next", 5, key, (uint32_t)n) != 0)
        return -1;
    return n;
}

static void create(int32_t store)
{
    int32_t length = wh_http_body_read(target, sizeof target);
    if (length <= 0 || length == (int32_t)sizeof target)
        return fail(400, "give the target URL as the body (at most 2047 bytes)");
    /* The target must exist: a HEAD through the allow-list (refused hosts say so). */
    int32_t response = wh_outbound_send("HEAD", 4, target, (uint32_t)length, "", 0, "", 0);
    if (response == WH_RESULT_HOST_NOT_ALLOWED || response == WH_RESULT_ADDRESS_NOT_ALLOWED ||
        response == WH_RESULT_REDIRECT_NOT_ALLOWED)
        return fail(422, "the target is not on the hosts this service may reach");
    if (response < 0)
        return fail(422, "the target cannot be reached");
    int32_t status = wh_outbound_status(response);
    wh_outbound_close(response);
    if (status >= 400)
        return fail(422, "the target answers with an error");
    char key[16];
    int32_t key_length = next_key(store, key);
    if (key_length < 0 || wh_kv_set(store, key, (uint32_t)key_length, target, (uint32_t)length) != 0)
        return fail(507, "the link cannot be stored");
    wh_log_text(WH_LOG_INFO, "link created");
    if (wh_variable_read("base_url", base, sizeof base) < 0)
        base[0] = '\0';
    wh_http_set_status(201);
    wh_http_set_header("content-type", "text/plain");
    wh_http_write_text(base);
    wh_http_write_text("/links/");
    wh_http_write(key, (uint32_t)key_length);
    wh_http_write_text("\n");
}

static void shortener(void)
{
    int32_t store = wh_kv_open_named("links");
    int32_t length = wh_http_path(path, sizeof path);
    wh_http_method(text, sizeof text);
    int post = wh_http_starts_with(text, 4, "POST");
    if (store < 0)
        return fail(500, "the store 'links' is not granted");
    if (wh_http_equals(path, length, "/links")) {
        if (post)
            return create(store);
        int32_t listed = wh_kv_list(store, "", 0, text, sizeof text);
        if (listed < 0 || listed > (int32_t)sizeof text)
            return fail(500, "the keys cannot be listed");
        wh_http_respond(200, "text/plain", 0);
        wh_http_write(text, (uint32_t)listed);
        return;
    }
    if (!wh_http_starts_with(path, length, "/links/") || length == 7)
        return fail(404, "Not Found");
    const char *key = path + 7;
    int32_t found = wh_kv_get(store, key, (uint32_t)(length - 7), target, sizeof target);
    if (found < 0 || key[0] == '#')
        return fail(404, "no such link");
    wh_http_set_status(302);
    wh_http_add_header("location", 8, target, (uint32_t)found);
}

WASMHOST_HTTP_HANDLER(shortener)
