/* echo_http.c: an example http-ABI service answering with what it was sent: method, path, query, headers and body. */
#include "wasmhost_http.h"

/* Room for one header name or value, or a chunk of the body. */
static char buffer[16384];

/* Writes a getter's result, however long, through `buffer`. */
static void write_got(int32_t length)
{
    wh_http_write(buffer, (uint32_t)(length < (int32_t)sizeof buffer ? length : (int32_t)sizeof buffer));
}

static void echo(void)
{
    wh_http_set_status(200);
    wh_http_set_header("content-type", "text/plain; charset=utf-8");

    wh_http_write_text("method: ");
    write_got(wh_http_method(buffer, sizeof buffer));
    wh_http_write_text("\npath: ");
    write_got(wh_http_path(buffer, sizeof buffer));
    wh_http_write_text("\nquery: ");
    write_got(wh_http_query(buffer, sizeof buffer));
    wh_http_write_text("\n");

    int32_t count = wh_http_header_count();
    for (int32_t i = 0; i < count; i++) {
        wh_http_write_text("header: ");
        write_got(wh_http_header_name((uint32_t)i, buffer, sizeof buffer));
        wh_http_write_text(": ");
        write_got(wh_http_header_value((uint32_t)i, buffer, sizeof buffer));
        wh_http_write_text("\n");
    }

    /* The body in chunks, as a large one would be read. */
    wh_http_write_text("\n");
    for (int32_t n; (n = wh_http_body_read(buffer, sizeof buffer)) > 0;)
        wh_http_write(buffer, (uint32_t)n);
}

WASMHOST_HTTP_HANDLER(echo)
