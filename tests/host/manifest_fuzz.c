/* manifest_fuzz.c: manifest_load on deterministic mutations of a manifest with every key. */
/* Each gives a manifest or a "FILE:LINE:COLUMN: message" (or "FILE: message") error, never a crash or a leak. */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifest.h"
#include "manifest_errors.h"
#include "test_support.h"

#define CASES 5000

/* One fixed seed: the same cases on every run, so a failure replays. */
static prng random_stream = {0x2545F4914F6CDD1Dull};

static char folder[PATH_MAX];
static char manifest_path[PATH_MAX + 16];

/* Every key manifest.c knows; ABSOLUTE becomes an absolute module path. */
static const char full_manifest[] =
    "# every key\n"
    "listen: 127.0.0.1:9090\n"
    "defaults:\n"
    "  timeout: 2s\n"
    "  max_memory: 64MiB\n"
    "  max_body: 1MiB\n"
    "  fuel: 5000\n"
    "  concurrency: 4\n"
    "services:\n"
    "  - name: hello\n"
    "    module: hello.wasm\n"
    "    abi: http\n"
    "    routes: [/health, /api/users, /api/...]\n"
    "    env: {GREETING: hi, EMPTY: \"\", PORT: 8080, QUOTED: 'it''s'}\n"
    "    dirs: {/data: ./data, /static: sub/../static/}\n"
    "    limits: {max_memory: 16MiB, timeout: 500ms, fuel: 100000000, max_body: 64KiB}\n"
    "    concurrency: 8\n"
    "  - name: echo\n"
    "    module: ./sub/../sub/./echo.wasm\n"
    "    abi: wagi\n"
    "    routes:\n"
    "      - /echo\n"
    "      - /...\n"
    "    env:\n"
    "      LONG: |\n"
    "        two\n"
    "        lines\n"
    "    dirs:\n"
    "      /data: data\n"
    "    limits:\n"
    "      timeout: 1.5s\n"
    "      max_memory: 1GB\n"
    "  -\n"
    "    name: absolute\n"
    "    module: ABSOLUTE\n"
    "    routes: [/absolute/...]\n"
    "    limits: {fuel: 0}\n";

/* Characters that mean something to YAML, favoured by insertions. */
static const char punctuation[] = ":-[]{},&*!|>'\"#%@\t\n ";

static void write_file(const char *name, const void *data, size_t length)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    FILE *file = fopen(path, "wb");
    if (!file || fwrite(data, 1, length, file) != length) {
        perror(path);
        exit(1);
    }
    fclose(file);
}

static void make_folder(const char *name)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    if (mkdir(path, 0755) != 0) {
        perror(path);
        exit(1);
    }
}

typedef struct text {
    char data[16384];
    size_t length;
} text;

static void insert_bytes(text *t, size_t at, const void *bytes, size_t count)
{
    if (t->length + count > sizeof t->data)
        return;
    memmove(t->data + at + count, t->data + at, t->length - at);
    memcpy(t->data + at, bytes, count);
    t->length += count;
}

static void mutate(text *t)
{
    size_t at = prng_below(&random_stream, t->length + 1);
    switch (prng_below(&random_stream, 7)) {
    case 0: /* bit flip */
        if (t->length)
            t->data[prng_below(&random_stream, t->length)] ^= (char)(1u << prng_below(&random_stream, 8));
        break;
    case 1: /* deletion of a few bytes */ {
        size_t count = 1 + prng_below(&random_stream, 6);
        if (at + count <= t->length) {
            memmove(t->data + at, t->data + at + count, t->length - at - count);
            t->length -= count;
        }
        break;
    }
    case 2:
    case 3: /* YAML punctuation, a tab or a newline */ {
        size_t count = 1 + prng_below(&random_stream, 3);
        for (size_t i = 0; i < count; i++)
            insert_bytes(t, at, &punctuation[prng_below(&random_stream, sizeof punctuation - 1)], 1);
        break;
    }
    case 4: /* truncation */ t->length = at; break;
    case 5: /* a line duplicated */ {
        if (at >= t->length)
            break;
        size_t start = at, end = at;
        while (start > 0 && t->data[start - 1] != '\n')
            start--;
        while (end < t->length && t->data[end] != '\n')
            end++;
        char line[1024];
        size_t count = end - start + (end < t->length ? 1 : 0);
        if (count > sizeof line)
            break;
        memcpy(line, t->data + start, count);
        insert_bytes(t, start, line, count);
        break;
    }
    default: /* a random byte (NUL and non-UTF-8 included) */ {
        char byte = (char)prng_next(&random_stream);
        insert_bytes(t, at, &byte, 1);
        break;
    }
    }
}

int main(void)
{
    snprintf(folder, sizeof folder, "%s/manifest_fuzz_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(folder)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(manifest_path, sizeof manifest_path, "%s/wasmhost.yaml", folder);
    write_file("hello.wasm", "", 0);
    make_folder("sub");
    write_file("sub/echo.wasm", "", 0);
    make_folder("data");
    make_folder("static");
    unsetenv("WASM_TIMEOUT");
    unsetenv("WASM_CACHE_SIZE");

    static text seed, t;
    const char *mark = strstr(full_manifest, "ABSOLUTE");
    int n = snprintf(seed.data, sizeof seed.data, "%.*s%s/sub/echo.wasm%s", (int)(mark - full_manifest), full_manifest,
                     folder, mark + 8);
    seed.length = (size_t)n;

    char error[1024] = "";
    write_file("wasmhost.yaml", seed.data, seed.length);
    manifest *m = manifest_load(manifest_path, error, sizeof error);
    CHECK(m && m->service_count == 3, "the unmutated manifest loads: %s", error);
    manifest_free(m);

    size_t loaded = 0, with_position = 0, without_position = 0;
    for (size_t i = 0; i < CASES; i++) {
        t = seed;
        for (size_t count = 1 + prng_below(&random_stream, 4); count; count--)
            mutate(&t);
        write_file("wasmhost.yaml", t.data, t.length);
        error[0] = '\0';
        m = manifest_load(manifest_path, error, sizeof error);
        if (m) {
            loaded++;
            manifest_free(m);
            continue;
        }
        CHECK(manifest_error_well_formed(error, manifest_path), "case %zu: error \"%s\"", i, error);
        if (error[strlen(manifest_path)] == ':' && error[strlen(manifest_path) + 1] != ' ')
            with_position++;
        else
            without_position++;
    }
    printf("manifest fuzz: %d mutations: %zu loaded, %zu errors at a line and column, %zu without\n", CASES, loaded,
           with_position, without_position);
    CHECK(loaded > 0 && with_position > CASES / 4, "both answers seen");

    char command[PATH_MAX + 16];
    snprintf(command, sizeof command, "rm -rf '%s'", folder);
    if (system(command) != 0)
        fprintf(stderr, "could not remove %s\n", folder);
    return checks_done("manifest_fuzz");
}
