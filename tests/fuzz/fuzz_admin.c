/* fuzz_admin.c: libFuzzer target: the admin API's operations (upload, deploy, rollback, remove, list) on any bytes. */
/*
 * One admin (src/host/admin) with its state in a scratch folder, made once per process, with the
 * module FUZZ_ADMIN_MODULE (tests/host/guests/minimal.wat) uploaded. An input is:
 *   byte 0: the operation: upload, put, get, list, rollback, remove (modulo 6), on a plugin
 *           when its high bit is set, else on a service;
 *   byte 1: the service name: "s0".."s3" below 0xf0, else the body's first line (any bytes);
 *   the rest: the body, where each "@DIGEST@" stands for the uploaded module's digest, so that
 *   deploys reach past the digest check.
 * Invariants, each an abort() (besides ASan, UBSan and LeakSanitizer): every answer is one of the
 * API's statuses and never 500 or 507 (nothing here fails but the input); an error carries a
 * non-empty "error" string; a deploy's 200 routes that version at once; a removal's 204 leaves
 * nothing routed under the name; a deployed service can always be removed (fuzz_admin_trim).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin_internal.h"

static admin *fuzz_admin;
static registry *fuzz_registry;
static service_defaults fuzz_defaults = {.timeout_ns = 1000000000, .max_body_bytes = 1 << 20, .concurrency = 2};
static char fuzz_digest[80];
static char fuzz_folder[PATH_MAX];

static void fuzz_admin_fail(const char *what, int status, json_t *reply)
{
    char *text = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
    fprintf(stderr, "fuzz_admin: invariant broken: %s (status %d, reply %s)\n", what, status, text ? text : "none");
    abort();
}

static void fuzz_admin_cleanup(void)
{
    char command[PATH_MAX + 16];
    snprintf(command, sizeof command, "rm -rf '%s'", fuzz_folder);
    if (system(command) != 0)
        fprintf(stderr, "fuzz_admin: could not remove %s\n", fuzz_folder);
}

static void fuzz_admin_setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz_folder, sizeof fuzz_folder, "%s/fuzz_admin_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fuzz_folder)) {
        perror("mkdtemp");
        abort();
    }
    atexit(fuzz_admin_cleanup);
    char error[2048];
    access_log *log = access_log_open("off", error, sizeof error);
    module_cache *cache = module_cache_new(16, NULL); /* the interpreter only: no background compiles while fuzzing */
    metrics *counters = metrics_new();
    fuzz_registry = registry_new();
    admin_options options = {.state_dir = fuzz_folder, .listen = "127.0.0.1:0"};
    admin_host host = {fuzz_registry, pipeline_set_new(), cache, counters, log, &fuzz_defaults, {NULL, NULL}};
    if (!log || !cache || !counters || !fuzz_registry ||
        !(fuzz_admin = admin_open(&options, &host, error, sizeof error))) {
        fprintf(stderr, "fuzz_admin: setup: %s\n", error);
        abort();
    }
    char manifest_error[16];
    registry_set_manifest(fuzz_registry, NULL, 0, manifest_error, sizeof manifest_error);
    FILE *file = fopen(FUZZ_ADMIN_MODULE, "rb");
    uint8_t bytes[4096];
    size_t size = file ? fread(bytes, 1, sizeof bytes, file) : 0;
    if (file)
        fclose(file);
    json_t *reply = NULL;
    if (!size || admin_upload_module(fuzz_admin, bytes, size, &reply) != 201) {
        fprintf(stderr, "fuzz_admin: cannot upload %s\n", FUZZ_ADMIN_MODULE);
        abort();
    }
    snprintf(fuzz_digest, sizeof fuzz_digest, "%s", json_string_value(json_object_get(reply, "digest")));
    json_decref(reply);
    /* The cache, metrics and log live as long as the process, as the host's do. */
}

/* The body with every "@DIGEST@" replaced by the module's digest (malloc'd, NUL-terminated). */
static char *fuzz_admin_body(const uint8_t *data, size_t size, size_t *out_size)
{
    static const char marker[] = "@DIGEST@";
    size_t marker_length = sizeof marker - 1, digest_length = strlen(fuzz_digest);
    char *out = malloc(size / marker_length * digest_length + size + 1);
    size_t used = 0;
    for (size_t i = 0; i < size;) {
        if (i + marker_length <= size && memcmp(data + i, marker, marker_length) == 0) {
            memcpy(out + used, fuzz_digest, digest_length);
            used += digest_length;
            i += marker_length;
        } else {
            out[used++] = (char)data[i++];
        }
    }
    out[used] = '\0';
    *out_size = used;
    return out;
}

/* Inputs with names of their own can deploy without end: past 16 services, every one is removed
 * (through the API, which must then succeed), so that a long run's memory stays bounded. */
static void fuzz_admin_trim(void)
{
    size_t count;
    service **all = registry_list(fuzz_registry, &count);
    for (size_t i = 0; i < count; i++) {
        if (count > 16) {
            json_t *reply = NULL;
            int status = admin_remove_service(fuzz_admin, all[i]->kind, all[i]->name, &reply);
            if (status != 204)
                fuzz_admin_fail("removing a deployed service", status, reply);
            json_decref(reply);
        }
        service_release(all[i]);
    }
    free(all);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_admin)
        fuzz_admin_setup();
    if (size < 2)
        return 0;
    int operation = data[0] % 6;
    /* Plugins when byte 0 is 0x80 or more: the same operations under /v1/plugins. */
    manifest_kind kind = data[0] & 0x80 ? MANIFEST_PLUGIN : MANIFEST_SERVICE;
    char name[128];
    const uint8_t *rest = data + 2;
    size_t rest_size = size - 2;
    if (data[1] < 0xf0) {
        snprintf(name, sizeof name, "s%d", data[1] % 4);
    } else {
        const uint8_t *newline = memchr(rest, '\n', rest_size);
        size_t length = newline ? (size_t)(newline - rest) : rest_size;
        if (length >= sizeof name)
            length = sizeof name - 1;
        memcpy(name, rest, length);
        name[length] = '\0';
        size_t skip = newline ? (size_t)(newline - rest) + 1 : rest_size;
        rest += skip;
        rest_size -= skip;
    }
    size_t body_size;
    char *body = fuzz_admin_body(rest, rest_size, &body_size);
    json_t *reply = NULL;
    int status = 0;
    switch (operation) {
    case 0: status = admin_upload_module(fuzz_admin, (const uint8_t *)body, body_size, &reply); break;
    case 1: status = admin_put_service(fuzz_admin, kind, name, (const uint8_t *)body, body_size, &reply); break;
    case 2: status = admin_get_service(fuzz_admin, kind, name, &reply); break;
    case 3: status = admin_list_services(fuzz_admin, kind, &reply); break;
    case 4: status = admin_rollback(fuzz_admin, kind, name, (const uint8_t *)body, body_size, &reply); break;
    case 5: status = admin_remove_service(fuzz_admin, kind, name, &reply); break;
    }
    free(body);
    static const int allowed[] = {200, 201, 204, 400, 404, 409};
    bool known = false;
    for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
        known |= status == allowed[i];
    if (!known)
        fuzz_admin_fail("an unexpected status", status, reply);
    if (status >= 400) {
        const char *message = json_string_value(json_object_get(reply, "error"));
        if (!message || !*message)
            fuzz_admin_fail("an error without a message", status, reply);
    }
    service *routed = status < 400 && (operation == 1 || operation == 5) ? registry_find(fuzz_registry, name) : NULL;
    if (operation == 1 && status == 200 &&
        (!routed || routed->version != (uint32_t)json_integer_value(json_object_get(reply, "version"))))
        fuzz_admin_fail("a deploy answered 200 but its version is not routed", status, reply);
    if (operation == 5 && status == 204 && routed)
        fuzz_admin_fail("a removal answered 204 but the service is still routed", status, reply);
    if (routed)
        service_release(routed);
    json_decref(reply);
    fuzz_admin_trim();
    return 0;
}
