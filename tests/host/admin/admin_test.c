/* admin_test.c: the admin API end to end: every endpoint and error, tokens, restarts, a corrupt blob, a full disk, automatic rollback. */
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>

#include "admin_support.h"

static const char *wasmhost, *guests, *host_guests, *work;
static uint8_t *blue, *green, *trap;
static size_t blue_size, green_size, trap_size;

/* GET on the public port: the body (trimmed of its newline) into `out`; the status. */
static long get_public(const served *s, const char *path, char *out, size_t size)
{
    reply r = http("GET", s->public_port, path, NULL);
    snprintf(out, size, "%s", r.body ? r.body : "");
    long status = r.status;
    reply_free(&r);
    return status;
}

/* The status of METHOD PATH on the admin port with `body`, and the reply in *out when given. */
static long admin_call(const served *s, const char *method, const char *path, const char *body, reply *out)
{
    reply r = http(method, s->admin_port, path, body);
    long status = r.status;
    if (out)
        *out = r;
    else
        reply_free(&r);
    return status;
}

/* ---- the API ---- */

static void test_uploads(served *s, const char *state, char *blue_digest, char *green_digest)
{
    char digest[128], again[128], blobs[4400];
    snprintf(blobs, sizeof blobs, "%s/blobs/sha256", state);
    CHECK(upload(s->admin_port, blue, blue_size, blue_digest, 128) == 201);
    CHECK(strncmp(blue_digest, "sha256:", 7) == 0 && strlen(blue_digest) == 71, "digest '%s'", blue_digest);
    CHECK(upload(s->admin_port, blue, blue_size, again, sizeof again) == 200, "the same bytes again: 200");
    CHECK(strcmp(again, blue_digest) == 0);
    CHECK(upload(s->admin_port, green, green_size, green_digest, 128) == 201);
    CHECK(count_files(blobs) == 2);

    reply r;
    r = http_on(NULL, "POST", s->admin_port, "/v1/modules", "\0asm\2\0\0\0", 8, NULL);
    CHECK(r.status == 400 && reply_contains(&r, "not a valid module") && reply_contains(&r, "offset"), "%s", r.body);
    reply_free(&r);
    const char junk[] = "\0asm\1\0\0\0\x01\x04\x01\x60\x00"; /* a type section cut short */
    r = http_on(NULL, "POST", s->admin_port, "/v1/modules", junk, sizeof junk - 1, NULL);
    CHECK(r.status == 400 && reply_contains(&r, "section"), "%ld %s", r.status, r.body);
    reply_free(&r);
    CHECK(admin_call(s, "POST", "/v1/modules", "", &r) == 400 && reply_contains(&r, "empty"));
    reply_free(&r);
    /* Past --admin-max-module (64KiB here): 413, before the body is read. */
    size_t big_size;
    uint8_t *big = module_variant(blue, blue_size, 100 << 10, 1, &big_size);
    CHECK(upload(s->admin_port, big, big_size, digest, sizeof digest) == 413);
    free(big);
    CHECK(count_files(blobs) == 2, "refused uploads store nothing");
    CHECK(admin_call(s, "GET", "/v1/modules", NULL, &r) == 405 && reply_contains(&r, "POST"));
    reply_free(&r);
}

static void test_deploys(served *s, const char *blue_digest, const char *green_digest)
{
    char body[256];
    long status;
    CHECK(deploy(s->admin_port, "color", blue_digest, "/color", "", &status) == 1, "status %ld", status);
    CHECK(get_public(s, "/color", body, sizeof body) == 200 && strcmp(body, "blue") == 0, "'%s'", body);
    CHECK(deploy(s->admin_port, "color", green_digest, "/color", "", &status) == 2);
    CHECK(get_public(s, "/color", body, sizeof body) == 200 && strcmp(body, "green") == 0, "'%s'", body);

    reply r;
    CHECK(admin_call(s, "PUT", "/v1/services/other",
                     "{\"module\": \"sha256:0000000000000000000000000000000000000000000000000000000000000000\", "
                     "\"routes\": [\"/other\"]}",
                     &r) == 404);
    CHECK(reply_contains(&r, "not uploaded"), "%s", r.body);
    reply_free(&r);
    char json[512];
    snprintf(json, sizeof json, "{\"module\": \"%s\", \"routes\": [\"/color\"]}", blue_digest);
    CHECK(admin_call(s, "PUT", "/v1/services/other", json, &r) == 409);
    CHECK(reply_contains(&r, "/color") && reply_contains(&r, "'color'"), "%s", r.body);
    reply_free(&r);
    snprintf(json, sizeof json, "{\"module\": \"%s\", \"routes\": [\"/static\"]}", blue_digest);
    CHECK(admin_call(s, "PUT", "/v1/services/static", json, &r) == 409);
    CHECK(reply_contains(&r, "manifest"), "%s", r.body);
    reply_free(&r);
    CHECK(admin_call(s, "PUT", "/v1/services/other", json, &r) == 409 && reply_contains(&r, "/static"),
          "a route of a manifest service: %s", r.body);
    reply_free(&r);
    CHECK(admin_call(s, "PUT", "/v1/services/other", "{", &r) == 400 && reply_contains(&r, "not valid JSON"));
    reply_free(&r);
    CHECK(admin_call(s, "PUT", "/v1/services/other", "[1]", &r) == 400 && reply_contains(&r, "JSON object"));
    reply_free(&r);
    snprintf(json, sizeof json, "{\"module\": \"%s\", \"routes\": [\"/o\"], \"bogus\": 1}", blue_digest);
    CHECK(admin_call(s, "PUT", "/v1/services/other", json, &r) == 400 && reply_contains(&r, "'bogus'"), "%s", r.body);
    reply_free(&r);
    snprintf(json, sizeof json, "{\"module\": \"%s\", \"routes\": [\"/o\"], \"limits\": {\"timeout\": \"soon\"}}",
             blue_digest);
    CHECK(admin_call(s, "PUT", "/v1/services/other", json, &r) == 400 && reply_contains(&r, "timeout"), "%s", r.body);
    reply_free(&r);
    snprintf(json, sizeof json, "{\"module\": \"%s\", \"routes\": [\"/o\"], \"name\": \"else\"}", blue_digest);
    CHECK(admin_call(s, "PUT", "/v1/services/other", json, &r) == 400 && reply_contains(&r, "URL"), "%s", r.body);
    reply_free(&r);
    snprintf(json, sizeof json, "{\"module\": \"%s\", \"routes\": [\"/o\"]}", blue_digest);
    CHECK(admin_call(s, "PUT", "/v1/services/Bad_Name", json, &r) == 400 && reply_contains(&r, "lowercase"));
    reply_free(&r);
    CHECK(admin_call(s, "PUT", "/v1/services/-dash", json, &r) == 400 && reply_contains(&r, "lowercase"));
    reply_free(&r);
    /* A value quoted in a message is cut at 60 bytes, here inside an 'é': the cut byte becomes '?',
     * so that the error stays valid JSON (found by fuzz_admin: the reply was empty). */
    char long_value[512];
    snprintf(long_value, sizeof long_value,
             "{\"module\": \"%s\", \"routes\": [\"/o\"], \"limits\": {\"timeout\": \"%059d\u00e9\"}}", blue_digest, 0);
    CHECK(admin_call(s, "PUT", "/v1/services/other", long_value, &r) == 400 &&
              reply_contains(&r, "0?' is not a duration"),
          "%s", r.body);
    reply_free(&r);
    /* A module that does not fit its ABI: refused when deployed, nothing changes. */
    char trap_digest[128];
    CHECK(upload(s->admin_port, trap, trap_size, trap_digest, sizeof trap_digest) == 201);
    snprintf(json, sizeof json, "{\"module\": \"%s\", \"routes\": [\"/o\"], \"abi\": \"wagi\"}", trap_digest);
    CHECK(admin_call(s, "PUT", "/v1/services/other", json, &r) == 400 && reply_contains(&r, "wagi"), "%s", r.body);
    reply_free(&r);
    CHECK(admin_call(s, "GET", "/v1/services/other", NULL, NULL) == 404);
    CHECK(get_public(s, "/color", body, sizeof body) == 200 && strcmp(body, "green") == 0);
}

static void test_listings(served *s, const char *green_digest)
{
    reply r;
    CHECK(admin_call(s, "GET", "/v1/services", NULL, &r) == 200);
    json_t *json = reply_json(&r), *services = json_object_get(json, "services");
    CHECK(json_array_size(services) == 2, "%s", r.body);
    bool saw_color = false, saw_static = false;
    for (size_t i = 0; i < json_array_size(services); i++) {
        json_t *entry = json_array_get(services, i);
        const char *name = json_string_value(json_object_get(entry, "name"));
        const char *source = json_string_value(json_object_get(entry, "source"));
        if (name && strcmp(name, "color") == 0) {
            saw_color = true;
            CHECK(json_integer_value(json_object_get(entry, "version")) == 2);
            CHECK(strcmp(json_string_value(json_object_get(entry, "module")), green_digest) == 0);
            CHECK(strcmp(json_string_value(json_object_get(entry, "abi")), "http") == 0);
            CHECK(strcmp(json_string_value(json_array_get(json_object_get(entry, "routes"), 0)), "/color") == 0);
            CHECK(source && strcmp(source, "api") == 0);
        } else if (name && strcmp(name, "static") == 0) {
            saw_static = true;
            CHECK(source && strcmp(source, "manifest") == 0);
        }
    }
    CHECK(saw_color && saw_static);
    json_decref(json);
    reply_free(&r);

    CHECK(admin_call(s, "GET", "/v1/services/color", NULL, &r) == 200);
    json = reply_json(&r);
    json_t *versions = json_object_get(json, "versions");
    CHECK(json_integer_value(json_object_get(json, "version")) == 2);
    CHECK(json_array_size(versions) == 2, "%s", r.body);
    CHECK(strcmp(json_string_value(json_object_get(json_array_get(versions, 0), "state")), "superseded") == 0);
    CHECK(strcmp(json_string_value(json_object_get(json_array_get(versions, 1), "state")), "active") == 0);
    CHECK(json_string_value(json_object_get(json_array_get(versions, 1), "deployed_at")) != NULL);
    json_decref(json);
    reply_free(&r);
    CHECK(admin_call(s, "GET", "/v1/services/nothing", NULL, NULL) == 404);
    CHECK(admin_call(s, "GET", "/v1/nothing", NULL, NULL) == 404);
}

static void test_rollbacks(served *s)
{
    char body[256];
    reply r;
    CHECK(admin_call(s, "POST", "/v1/services/color/rollback", NULL, &r) == 200 && reply_version(&r) == 1);
    reply_free(&r);
    CHECK(get_public(s, "/color", body, sizeof body) == 200 && strcmp(body, "blue") == 0, "'%s'", body);
    CHECK(admin_call(s, "GET", "/v1/services/color", NULL, &r) == 200);
    json_t *json = reply_json(&r), *second = json_array_get(json_object_get(json, "versions"), 1);
    CHECK(strcmp(json_string_value(json_object_get(second, "state")), "rolled_back") == 0, "%s", r.body);
    CHECK(strstr(json_string_value(json_object_get(second, "reason")), "version 1") != NULL);
    json_decref(json);
    reply_free(&r);
    CHECK(admin_call(s, "POST", "/v1/services/color/rollback", NULL, &r) == 409 && reply_contains(&r, "no earlier"),
          "%s", r.body);
    reply_free(&r);
    CHECK(admin_call(s, "POST", "/v1/services/color/rollback", "{\"version\": 2}", &r) == 200 &&
          reply_version(&r) == 2);
    reply_free(&r);
    CHECK(get_public(s, "/color", body, sizeof body) == 200 && strcmp(body, "green") == 0);
    CHECK(admin_call(s, "POST", "/v1/services/color/rollback", "{\"version\": 2}", NULL) == 409, "already active");
    CHECK(admin_call(s, "POST", "/v1/services/color/rollback", "{\"version\": 9}", NULL) == 404);
    CHECK(admin_call(s, "POST", "/v1/services/color/rollback", "{\"version\": \"one\"}", NULL) == 400);
    CHECK(admin_call(s, "POST", "/v1/services/color/rollback", "x", NULL) == 400);
    CHECK(admin_call(s, "POST", "/v1/services/static/rollback", NULL, NULL) == 409);
    CHECK(admin_call(s, "POST", "/v1/services/nothing/rollback", NULL, NULL) == 404);
    CHECK(admin_call(s, "GET", "/v1/services/color/rollback", NULL, NULL) == 405);
}

/* Two PUTs of one service at once: both succeed, one after the other. */
typedef struct concurrent_put {
    const served *server;
    const char *digest;
    int version;
} concurrent_put;

static void *put_once(void *user)
{
    concurrent_put *put = user;
    put->version = deploy(put->server->admin_port, "color", put->digest, "/color", "", NULL);
    return NULL;
}

static void test_concurrent_puts(served *s, const char *blue_digest, const char *green_digest)
{
    concurrent_put puts[2] = {{s, blue_digest, 0}, {s, green_digest, 0}};
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&threads[i], NULL, put_once, &puts[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(threads[i], NULL);
    int low = puts[0].version < puts[1].version ? puts[0].version : puts[1].version;
    int high = puts[0].version ^ puts[1].version ^ low;
    CHECK(low == 3 && high == 4, "versions %d and %d", puts[0].version, puts[1].version);
    char body[64];
    const char *last = puts[0].version == 4 ? "blue" : "green";
    CHECK(get_public(s, "/color", body, sizeof body) == 200 && strcmp(body, last) == 0, "'%s'", body);
}

static void test_removal(served *s, const char *state)
{
    char body[64], blobs[4400];
    snprintf(blobs, sizeof blobs, "%s/blobs/sha256", state);
    /* The public listener never serves the admin endpoints. */
    CHECK(get_public(s, "/v1/services", body, sizeof body) == 404);
    reply r = http_on(NULL, "POST", s->public_port, "/v1/modules", blue, blue_size, NULL);
    CHECK(r.status == 404, "public POST /v1/modules: %ld", r.status);
    reply_free(&r);

    CHECK(admin_call(s, "DELETE", "/v1/services/static", NULL, &r) == 409 && reply_contains(&r, "manifest"));
    reply_free(&r);
    size_t before = count_files(blobs);
    CHECK(admin_call(s, "DELETE", "/v1/services/color", NULL, NULL) == 204);
    CHECK(get_public(s, "/color", body, sizeof body) == 404);
    CHECK(admin_call(s, "GET", "/v1/services/color", NULL, NULL) == 404);
    CHECK(admin_call(s, "DELETE", "/v1/services/color", NULL, NULL) == 404);
    /* blue and green were color's alone; the trap module was never deployed and stays. */
    CHECK(count_files(blobs) == before - 2, "%zu blobs before, %zu after", before, count_files(blobs));
    CHECK(get_public(s, "/static", body, sizeof body) == 200 && strcmp(body, "blue") == 0);

    r = http("GET", s->public_port, "/metrics", NULL);
    CHECK(r.status == 200);
    CHECK(reply_contains(&r, "wasmhost_deploys_total{service=\"color\"} 4"), "deploys");
    CHECK(reply_contains(&r, "wasmhost_rollbacks_total{service=\"color\"} 2"), "rollbacks");
    CHECK(reply_contains(&r, "wasmhost_removals_total{service=\"color\"} 1"), "removals");
    CHECK(reply_contains(&r, "wasmhost_requests_total{service=\"color\",version=\"1\",code=\"200\"}"), "version label");
    reply_free(&r);
    CHECK(served_log_waits_for(s, "admin: deployed version 2", 2000));
    CHECK(served_log_waits_for(s, "admin: removed", 2000));
}

static void test_api(void)
{
    char state[4200], manifest[4200], blue_digest[128], green_digest[128];
    fresh_folder(work, "api", state, sizeof state);
    snprintf(manifest, sizeof manifest, "%s/api-manifest.yaml", work);
    FILE *file = fopen(manifest, "w");
    CHECK(file != NULL);
    if (!file)
        return;
    fprintf(file, "services:\n  - name: static\n    module: %s/blue.wasm\n    abi: http\n    routes: [/static]\n",
            guests);
    fclose(file);
    served s;
    const char *args[] = {"--admin-max-module", "64KiB", manifest, NULL};
    CHECK(served_start(&s, wasmhost, state, 0, args), "%s", s.log ? s.log : "");
    if (s.pid > 0) {
        CHECK(get_public(&s, "/readyz", NULL, 0) == 200);
        test_uploads(&s, state, blue_digest, green_digest);
        test_deploys(&s, blue_digest, green_digest);
        test_listings(&s, green_digest);
        test_rollbacks(&s);
        test_concurrent_puts(&s, blue_digest, green_digest);
        test_removal(&s, state);
    }
    CHECK(served_stop(&s, false) == 0);
    served_free(&s);
}

/* ---- tokens ---- */

static void test_token(void)
{
    char state[4200], token_file[4200];
    fresh_folder(work, "token", state, sizeof state);
    snprintf(token_file, sizeof token_file, "%s/token.txt", work);
    FILE *file = fopen(token_file, "w");
    CHECK(file != NULL);
    if (!file)
        return;
    fputs("  s3cret-token \n", file);
    fclose(file);
    served s;
    const char *args[] = {"--admin-token-file", token_file, NULL};
    CHECK(served_start(&s, wasmhost, state, 0, args), "%s", s.log ? s.log : "");
    reply r = http("GET", s.admin_port, "/v1/services", NULL);
    CHECK(r.status == 401 && reply_contains(&r, "Bearer"), "%ld", r.status);
    reply_free(&r);
    r = http_on(NULL, "GET", s.admin_port, "/v1/services", NULL, 0, "Authorization: Bearer s3cret-tokens");
    CHECK(r.status == 401);
    reply_free(&r);
    r = http_on(NULL, "POST", s.admin_port, "/v1/modules", blue, blue_size, "Authorization: Bearer wrong");
    CHECK(r.status == 401, "refused before the body");
    reply_free(&r);
    r = http_on(NULL, "GET", s.admin_port, "/v1/services", NULL, 0, "Authorization: Bearer s3cret-token");
    CHECK(r.status == 200, "%ld %s", r.status, r.body);
    reply_free(&r);
    CHECK(served_stop(&s, false) == 0);
    served_free(&s);
}

/* ---- restarts: services come back; a corrupt or missing blob keeps its service down ---- */

static void test_restart(void)
{
    char state[4200], body[64], a_digest[128], b_digest[128], path[4400];
    fresh_folder(work, "restart", state, sizeof state);
    served s;
    CHECK(served_start(&s, wasmhost, state, 0, NULL));
    CHECK(upload(s.admin_port, blue, blue_size, a_digest, sizeof a_digest) == 201);
    CHECK(upload(s.admin_port, green, green_size, b_digest, sizeof b_digest) == 201);
    CHECK(deploy(s.admin_port, "a", a_digest, "/a", "", NULL) == 1);
    CHECK(deploy(s.admin_port, "b", b_digest, "/b", "", NULL) == 1);
    CHECK(deploy(s.admin_port, "b", a_digest, "/b", "", NULL) == 2);
    CHECK(admin_call(&s, "POST", "/v1/services/b/rollback", NULL, NULL) == 200);
    CHECK(served_stop(&s, false) == 0);
    served_free(&s);

    CHECK(served_start(&s, wasmhost, state, 0, NULL));
    CHECK(get_public(&s, "/readyz", NULL, 0) == 200);
    CHECK(get_public(&s, "/a", body, sizeof body) == 200 && strcmp(body, "blue") == 0, "'%s'", body);
    CHECK(get_public(&s, "/b", body, sizeof body) == 200 && strcmp(body, "green") == 0, "'%s'", body);
    reply r;
    CHECK(admin_call(&s, "GET", "/v1/services/b", NULL, &r) == 200 && reply_version(&r) == 1);
    reply_free(&r);
    CHECK(deploy(s.admin_port, "b", b_digest, "/b", "", NULL) == 3, "version numbers go on after a restart");
    CHECK(served_stop(&s, false) == 0);
    served_free(&s);

    /* A blob changed on disk (same length, other bytes): its service stays down, the others start. */
    snprintf(path, sizeof path, "%s/blobs/sha256/%s", state, a_digest + 7);
    FILE *file = fopen(path, "r+b");
    CHECK(file != NULL);
    if (file) {
        fseek(file, 20, SEEK_SET);
        fputc('X', file);
        fclose(file);
    }
    CHECK(served_start(&s, wasmhost, state, 0, NULL));
    CHECK(get_public(&s, "/readyz", NULL, 0) == 200);
    CHECK(get_public(&s, "/a", body, sizeof body) == 404);
    CHECK(get_public(&s, "/b", body, sizeof body) == 200 && strcmp(body, "green") == 0);
    CHECK(served_log_waits_for(&s, "\"service\":\"a\"", 2000) && served_log_waits_for(&s, "is corrupt", 2000), "%s",
          s.log);
    CHECK(admin_call(&s, "GET", "/v1/services", NULL, &r) == 200 && reply_contains(&r, "\"down\""), "%s", r.body);
    reply_free(&r);
    CHECK(served_stop(&s, false) == 0);
    served_free(&s);

    /* A blob gone: the same. */
    snprintf(path, sizeof path, "%s/blobs/sha256/%s", state, b_digest + 7);
    CHECK(unlink(path) == 0);
    CHECK(served_start(&s, wasmhost, state, 0, NULL));
    CHECK(get_public(&s, "/readyz", NULL, 0) == 200);
    CHECK(get_public(&s, "/b", body, sizeof body) == 404);
    CHECK(served_log_waits_for(&s, "\"service\":\"b\"", 2000) && served_log_waits_for(&s, "missing", 2000), "%s",
          s.log);
    CHECK(served_stop(&s, false) == 0);
    served_free(&s);
}

/* ---- a full disk: 507, nothing stored, nothing changed, still serving ---- */

static void test_disk_full(void)
{
    char state[4200], blobs[4400], temporaries[4400], digest[128], body[64];
    fresh_folder(work, "full", state, sizeof state);
    snprintf(blobs, sizeof blobs, "%s/blobs/sha256", state);
    snprintf(temporaries, sizeof temporaries, "%s/blobs/tmp", state);
    served s;
    CHECK(served_start(&s, wasmhost, state, 512 << 10, NULL), "%s", s.log ? s.log : "");
    CHECK(upload(s.admin_port, blue, blue_size, digest, sizeof digest) == 201);
    CHECK(deploy(s.admin_port, "small", digest, "/small", "", NULL) == 1);
    size_t big_size;
    uint8_t *big = module_variant(blue, blue_size, 2 << 20, 7, &big_size);
    reply r = http_on(NULL, "POST", s.admin_port, "/v1/modules", big, big_size, NULL);
    CHECK(r.status == 507 && reply_contains(&r, "disk is full"), "%ld %s", r.status, r.body);
    reply_free(&r);
    free(big);
    CHECK(count_files(blobs) == 1 && count_files(temporaries) == 0, "nothing half-written stays");
    CHECK(get_public(&s, "/small", body, sizeof body) == 200 && strcmp(body, "blue") == 0);
    CHECK(upload(s.admin_port, green, green_size, digest, sizeof digest) == 201, "small uploads still work");
    CHECK(served_stop(&s, false) == 0);
    served_free(&s);
}

/* ---- automatic rollback: a version that traps goes, the one before comes back ---- */

static void test_auto_rollback(void)
{
    char state[4200], blue_digest[128], trap_digest[128], green_digest[128], body[64];
    fresh_folder(work, "health", state, sizeof state);
    served s;
    CHECK(served_start(&s, wasmhost, state, 0, NULL));
    CHECK(upload(s.admin_port, blue, blue_size, blue_digest, sizeof blue_digest) == 201);
    CHECK(upload(s.admin_port, trap, trap_size, trap_digest, sizeof trap_digest) == 201);
    CHECK(upload(s.admin_port, green, green_size, green_digest, sizeof green_digest) == 201);
    const char *health = ", \"health\": {\"window\": \"60s\", \"min_requests\": 5, \"max_error_rate\": 0.5}";
    CHECK(deploy(s.admin_port, "shaky", blue_digest, "/shaky", "", NULL) == 1);
    CHECK(deploy(s.admin_port, "shaky", trap_digest, "/shaky", health, NULL) == 2);
    int failed = 0;
    bool back = false;
    /* Until a deadline, not a count; past the policy's 5 requests, slowly enough that 50 failures
     * leave the rollback (on a worker, waiting for a database commit) a second on a busy machine. */
    for (uint64_t give_up = now_ms() + 20000; !back && now_ms() < give_up;) {
        long status = get_public(&s, "/shaky", body, sizeof body);
        failed += status == 500;
        back = status == 200 && strcmp(body, "blue") == 0;
        if (!back && failed >= 5)
            sleep_ms(20);
    }
    CHECK(back, "rolled back to blue after %d failures", failed);
    CHECK(failed >= 5 && failed < 50, "%d requests failed", failed);
    reply r;
    CHECK(admin_call(&s, "GET", "/v1/services/shaky", NULL, &r) == 200 && reply_version(&r) == 1, "%s", r.body);
    json_t *json = reply_json(&r), *second = json_array_get(json_object_get(json, "versions"), 1);
    CHECK(strcmp(json_string_value(json_object_get(second, "state")), "rolled_back") == 0);
    const char *reason = json_string_value(json_object_get(second, "reason"));
    CHECK(reason && strstr(reason, "automatic"), "%s", reason ? reason : "(none)");
    json_decref(json);
    reply_free(&r);
    r = http("GET", s.public_port, "/metrics", NULL);
    CHECK(reply_contains(&r, "wasmhost_rollbacks_total{service=\"shaky\"} 1"));
    reply_free(&r);
    CHECK(served_log_waits_for(&s, "fails its health policy", 2000));

    /* A healthy version under a policy stays. */
    CHECK(deploy(s.admin_port, "shaky", green_digest, "/shaky", health, NULL) == 3);
    for (int i = 0; i < 20; i++)
        CHECK(get_public(&s, "/shaky", body, sizeof body) == 200 && strcmp(body, "green") == 0);
    CHECK(admin_call(&s, "GET", "/v1/services/shaky", NULL, &r) == 200 && reply_version(&r) == 3);
    reply_free(&r);
    /* Bad policies are refused with the key's name. */
    char json_body[512];
    snprintf(json_body, sizeof json_body,
             "{\"module\": \"%s\", \"routes\": [\"/shaky\"], \"health\": {\"window\": \"10s\", \"max_error_rate\": 2}}",
             green_digest);
    CHECK(admin_call(&s, "PUT", "/v1/services/shaky", json_body, &r) == 400 && reply_contains(&r, "max_error_rate"));
    reply_free(&r);
    CHECK(served_stop(&s, false) == 0);
    served_free(&s);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: admin_test WASMHOST GUESTS HOST_GUESTS WORK\n");
        return 2;
    }
    wasmhost = argv[1], guests = argv[2], host_guests = argv[3], work = argv[4];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char path[4200];
    snprintf(path, sizeof path, "%s/blue.wasm", guests);
    blue = read_bytes(path, &blue_size);
    snprintf(path, sizeof path, "%s/green.wasm", guests);
    green = read_bytes(path, &green_size);
    snprintf(path, sizeof path, "%s/trap.wasm", host_guests);
    trap = read_bytes(path, &trap_size);
    CHECK(blue && green && trap, "the test modules are built");
    if (blue && green && trap) {
        test_api();
        test_token();
        test_restart();
        test_disk_full();
        test_auto_rollback();
    }
    free(blue);
    free(green);
    free(trap);
    curl_global_cleanup();
    return checks_done("admin_test");
}
