/* lookup_table.c: the example of `init:` (docs/snapshots.md): "init" builds a 4 MiB table once; each request looks a key up in it (/lookup/KEY). */
/* Without init:, a request finds the table empty and builds it first, as a service must that
 * cannot keep state between its fresh instances: the answer is the same, "lazy 1" says it was
 * built during the request, and every request pays for it. */
#include "wasmhost_http.h"

#ifndef ENTRIES
#define ENTRIES (1u << 20) /* 4 MiB of uint32_t; bench/README.md builds other sizes with -DENTRIES= */
#endif
#define BENCH_KEY 12345u

static uint32_t table[ENTRIES];
static uint32_t builds;   /* times the table was built in this instance's history */
static uint32_t lazy;     /* 1: built during this request (no init: at load) */
static uint32_t requests; /* requests this instance served: 1, as every request gets a fresh instance */
static char path[256];
static char text[128];

/* The work a service would rather do once: 2^20 multiplications and stores. */
static void build(void)
{
    for (uint32_t i = 0; i < ENTRIES; i++)
        table[i] = (i * 2654435761u) ^ (i >> 7);
    builds++;
}

__attribute__((export_name("init"))) void init(void) { build(); }

/* One lookup without HTTP, for bench/instance_cycle. */
__attribute__((export_name("lookup"))) uint32_t lookup(void) { return table[BENCH_KEY]; }

static uint32_t append_number(uint32_t at, uint32_t value)
{
    char digits[10];
    uint32_t count = 0;
    do
        digits[count++] = (char)('0' + value % 10);
    while ((value /= 10) != 0);
    while (count)
        text[at++] = digits[--count];
    return at;
}

static uint32_t append_text(uint32_t at, const char *words)
{
    while (*words)
        text[at++] = *words++;
    return at;
}

static void handle(void)
{
    requests++;
    if (!builds) {
        build();
        lazy = 1;
    }
    int32_t length = wh_http_read_path(path, sizeof path);
    uint32_t key = 0;
    int32_t start = length; /* where the path's trailing digits start */
    while (start > 0 && path[start - 1] >= '0' && path[start - 1] <= '9')
        start--;
    for (int32_t i = start; i < length && i < start + 9; i++)
        key = key * 10 + (uint32_t)(path[i] - '0');
    key %= ENTRIES;
    uint32_t value = table[key];
    table[key] = 0; /* a request's writes must not reach the next request */
    uint32_t at = append_text(0, "key ");
    at = append_number(at, key);
    at = append_text(at, " value ");
    at = append_number(at, value);
    at = append_text(at, " builds ");
    at = append_number(at, builds);
    at = append_text(at, " lazy ");
    at = append_number(at, lazy);
    at = append_text(at, " requests ");
    at = append_number(at, requests);
    text[at++] = '\n';
    wh_http_set_status(200);
    wh_http_set_header("content-type", "text/plain");
    wh_http_write(text, at);
}

WASMHOST_HTTP_HANDLER(handle)
