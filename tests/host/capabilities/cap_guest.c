/* cap_guest.c: an http guest that exercises every wasmhost_capabilities function, one route each, for capabilities_test.c. */
#include "wasmhost_capabilities.h"
#include "wasmhost_http.h"

static char path[4096], text[4096], out[8192];
static uint32_t out_length;
static char big[(1u << 20) + 64]; /* a value one byte past the limit, and room to read one */

static void put(const char *data, uint32_t length)
{
    for (uint32_t i = 0; i < length && out_length < sizeof out; i++)
        out[out_length++] = data[i];
}

static void put_text(const char *data) { put(data, wh_http_strlen(data)); }

static void put_int(int32_t value)
{
    char digits[12];
    int n = 0;
    uint32_t magnitude = value < 0 ? (uint32_t)(-(int64_t)value) : (uint32_t)value;
    do
        digits[n++] = (char)('0' + magnitude % 10);
    while ((magnitude /= 10) != 0);
    if (value < 0)
        put("-", 1);
    while (n)
        put(&digits[--n], 1);
}

static void answer(void)
{
    wh_http_set_status(200);
    wh_http_set_header("content-type", "text/plain");
    wh_http_write(out, out_length);
}

/* The rest of the path after `prefix`, or NULL. */
static const char *after(int32_t length, const char *prefix, uint32_t *rest_length)
{
    if (!wh_http_starts_with(path, length, prefix))
        return 0;
    uint32_t skip = wh_http_strlen(prefix);
    *rest_length = (uint32_t)length - skip;
    return path + skip;
}

/* GET /fetch?URL: "status S body B" or "error CODE". */
static void fetch(void)
{
    int32_t url_length = wh_http_query(text, sizeof text);
    int32_t response = wh_outbound_send("GET", 3, text, (uint32_t)url_length, "x-test: 1\n", 10, "", 0);
    if (response < 0) {
        put_text("error ");
        put_int(response);
        return;
    }
    put_text("status ");
    put_int(wh_outbound_status(response));
    int32_t header = wh_outbound_header(response, "x-upstream", 10, text, sizeof text);
    if (header >= 0) {
        put_text(" header ");
        put(text, (uint32_t)header);
    }
    put_text(" body ");
    int32_t n;
    while ((n = wh_outbound_read(response, text, 7)) > 0) /* small chunks on purpose */
        put(text, (uint32_t)n);
    wh_outbound_close(response);
}

static int32_t store(void) { return wh_kv_open("links", 5); }

static void kv(const char *operation, const char *key, uint32_t key_length)
{
    int32_t result;
    if (wh_http_equals(operation, 3, "set")) {
        int32_t length = wh_http_body_read(text, sizeof text);
        result = wh_kv_set(store(), key, key_length, text, (uint32_t)length);
    } else if (wh_http_equals(operation, 3, "get")) {
        result = wh_kv_get(store(), key, key_length, text, sizeof text);
        if (result >= 0) {
            put_text("value ");
            put(text, (uint32_t)result);
            return;
        }
    } else if (wh_http_equals(operation, 6, "delete")) {
        result = wh_kv_delete(store(), key, key_length);
    } else if (wh_http_equals(operation, 6, "exists")) {
        result = wh_kv_exists(store(), key, key_length);
    } else {
        result = wh_kv_list(store(), key, key_length, text, sizeof text);
        if (result >= 0) {
            put_text("keys ");
            put(text, (uint32_t)result);
            return;
        }
    }
    put_text("result ");
    put_int(result);
}

static void handle(void)
{
    int32_t length = wh_http_path(path, sizeof path);
    /* A first segment starting with "_" (/_dns/fetch) names the service entry, not the route. */
    if (length > 2 && path[1] == '_') {
        int32_t skip = 1;
        while (skip < length && path[skip] != '/')
            skip++;
        for (int32_t i = skip; i < length; i++)
            path[i - skip] = path[i];
        length -= skip;
    }
    uint32_t rest = 0;
    const char *tail;
    out_length = 0;
    if (wh_http_equals(path, length, "/fetch")) {
        fetch();
    } else if (wh_http_equals(path, length, "/fetch-many")) {
        /* The same URL until a call fails: "calls N error CODE". */
        int32_t url_length = wh_http_query(text, sizeof text), calls = 0, result;
        while ((result = wh_outbound_send("GET", 3, text, (uint32_t)url_length, "", 0, "", 0)) >= 0 && calls < 100) {
            wh_outbound_close(result);
            calls++;
        }
        put_text("calls ");
        put_int(calls);
        put_text(" error ");
        put_int(result);
    } else if ((tail = after(length, "/kv/set/", &rest)) || (tail = after(length, "/kv/get/", &rest)) ||
               (tail = after(length, "/kv/delete/", &rest)) || (tail = after(length, "/kv/exists/", &rest)) ||
               (tail = after(length, "/kv/list/", &rest))) {
        const char *operation = path + 4;
        uint32_t operation_length = (uint32_t)(tail - operation) - 1;
        (void)operation_length;
        kv(operation, tail, rest);
    } else if (wh_http_equals(path, length, "/kv/ungranted")) {
        put_text("result ");
        put_int(wh_kv_open("other", 5));
    } else if (wh_http_equals(path, length, "/kv/longkey")) {
        for (int i = 0; i < 257; i++)
            big[i] = 'k';
        put_text("result ");
        put_int(wh_kv_set(store(), big, 257, "v", 1));
    } else if (wh_http_equals(path, length, "/kv/bigvalue")) {
        put_text("result ");
        put_int(wh_kv_set(store(), "big", 3, big, (1u << 20) + 1));
    } else if ((tail = after(length, "/var/", &rest))) {
        int32_t result = wh_variable_get(tail, rest, text, sizeof text);
        if (result >= 0) {
            put_text("value ");
            put(text, (uint32_t)result);
        } else {
            put_text("result ");
            put_int(result);
        }
    } else if ((tail = after(length, "/log/", &rest))) {
        int32_t count = 0, ok = 0, first_error = 0;
        for (uint32_t i = 0; i < rest; i++)
            count = count * 10 + (tail[i] - '0');
        for (int32_t i = 0; i < count; i++) {
            int32_t result = wh_log_text(WH_LOG_INFO, "a line from the guest");
            if (result == 0)
                ok++;
            else if (!first_error)
                first_error = result;
        }
        put_text("ok ");
        put_int(ok);
        put_text(" first_error ");
        put_int(first_error);
        put_text(" bad_level ");
        put_int(wh_log_text(7, "no such level"));
    } else if (wh_http_equals(path, length, "/bad")) {
        /* Pointers and lengths outside memory: codes, never a trap. */
        put_text("bad ");
        put_int(wh_kv_open((const char *)0xfffffff0u, 100));
        put_text(" ");
        put_int(wh_variable_get("greeting", 8, (char *)0xffffff00u, 1000));
        put_text(" ");
        put_int(wh_outbound_send("GET", 3, (const char *)0xfffffff0u, 0x7fffffff, "", 0, "", 0));
        put_text(" ");
        put_int(wh_log(WH_LOG_INFO, (const char *)0xfffffff0u, 100));
        put_text(" ");
        put_int(wh_kv_get(store(), "k", 1, (void *)0xfffffff0u, 0x1000));
        put_text(" ");
        put_int(wh_outbound_status(12345));
    } else {
        wh_http_respond(404, "text/plain", "no such route\n");
        return;
    }
    answer();
}

WASMHOST_HTTP_HANDLER(handle)
