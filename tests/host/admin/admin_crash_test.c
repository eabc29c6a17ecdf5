/* admin_crash_test.c: kill -9 of `wasmhost serve --state` amid deploys, rollbacks, removals; each restart consistent. */
#include <dirent.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdatomic.h>

#include "admin_support.h"

/* The issue asks for at least 50; a cycle costs a start, ~150 ms of operations and the checks (about
 * 0.2 s in all, as much under ASan: the time goes to fsync), so more kills are cheap. */
#define KILLS 100
/* Fixed, so that a failure replays the same operations and delays (the timing of the kills varies
 * a little from run to run: the server's speed decides how far each cycle gets). */
#define SEED 0x5eedc2a5u
/* Kills between 5 and 300 ms after the operations start: short ones land in the first upload,
 * long ones after several deploys, and any of them inside a write, an fsync or a transaction. */
#define SHORTEST_DELAY_MS 5
#define LONGEST_DELAY_MS 300
/* Padding of each module variant: up to 96 KiB, so that blob writes take a while. */
#define LARGEST_PAD (96u << 10)

#define SERVICE_COUNT 3
static const char *const service_names[SERVICE_COUNT] = {"amber", "beryl", "coral"};
static const char *const service_routes[SERVICE_COUNT] = {"/amber", "/beryl", "/coral"};

/* The two guests every module is a variant of, and what they answer. */
typedef enum color { BLUE, GREEN } color;
static const char *const color_names[] = {"blue", "green"};

/* ---- what the test knows ---- */

/* Every module variant made, so that a version's digest tells which answer its route gives. */
typedef struct known_module {
    char hex[65];
    color color;
} known_module;

static known_module *known_modules;
static size_t known_count, known_capacity;

static void remember_module(const char *hex, color c)
{
    if (known_count == known_capacity) {
        known_capacity = known_capacity ? known_capacity * 2 : 256;
        known_modules = realloc(known_modules, known_capacity * sizeof *known_modules);
        if (!known_modules) {
            perror("realloc");
            exit(1);
        }
    }
    snprintf(known_modules[known_count].hex, sizeof known_modules[known_count].hex, "%s", hex);
    known_modules[known_count++].color = c;
}

static const char *color_of(const char *hex)
{
    for (size_t i = 0; i < known_count; i++)
        if (strcmp(known_modules[i].hex, hex) == 0)
            return color_names[known_modules[i].color];
    return "(a module this test never made)";
}

typedef struct version_record {
    char hex[65];
    uint32_t previous; /* the version active when it was deployed: where a plain rollback goes */
} version_record;

/* A service as the acknowledged replies left it. Versions are numbered 1, 2, ... (a removal
 * deletes them all, and the numbering starts again), so version N is versions[N - 1]. */
typedef struct service_model {
    bool exists;
    uint32_t active;
    version_record *versions;
    size_t version_count, capacity;
} service_model;

static void apply_deploy(service_model *m, const char *hex)
{
    if (m->version_count == m->capacity) {
        m->capacity = m->capacity ? m->capacity * 2 : 16;
        m->versions = realloc(m->versions, m->capacity * sizeof *m->versions);
        if (!m->versions) {
            perror("realloc");
            exit(1);
        }
    }
    version_record *v = &m->versions[m->version_count++];
    snprintf(v->hex, sizeof v->hex, "%s", hex);
    v->previous = m->exists ? m->active : 0;
    m->exists = true;
    m->active = (uint32_t)m->version_count;
}

static void apply_removal(service_model *m)
{
    m->exists = false;
    m->active = 0;
    m->version_count = 0;
}

typedef enum operation_kind { NOTHING, UPLOAD, DEPLOY, ROLLBACK, REMOVAL, KIND_COUNT } operation_kind;
static const char *const kind_names[KIND_COUNT] = {"nothing", "upload", "deploy", "rollback", "removal"};

/* A request: what it may change when the server dies before answering it. */
typedef struct operation {
    operation_kind kind;
    int service;
    char hex[65];    /* DEPLOY: the module */
    uint32_t target; /* ROLLBACK: the version it makes active; 0 when it is to be refused */
} operation;

/* What the operations thread and the main thread share; the main thread reads and checks it only
 * once the operations thread has ended. */
typedef struct run {
    const uint8_t *guests[2];
    size_t guest_sizes[2];
    service_model services[SERVICE_COUNT];
    prng random;
    int admin_port;
    atomic_bool stopping; /* set just before the kill: no new operation starts */
    int cycle;
    operation in_flight; /* the request the kill left without an answer, or NOTHING */
    size_t acknowledged[KIND_COUNT];
} run;

/* ---- the operations ---- */

static void digest_hex(const uint8_t *bytes, size_t size, char hex[65])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    EVP_Digest(bytes, size, digest, &length, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", i < length ? digest[i] : 0);
    hex[64] = '\0';
}

/* Whether the request got an answer. No answer ends the thread, with the request left in
 * `in_flight`; it is only expected once the kill is under way. */
static bool answered(run *r, long status)
{
    if (status != 0) {
        r->acknowledged[r->in_flight.kind]++;
        r->in_flight.kind = NOTHING;
        return true;
    }
    CHECK(atomic_load(&r->stopping), "cycle %d: a %s got no answer before the kill: the server died by itself",
          r->cycle, kind_names[r->in_flight.kind]);
    return false;
}

static bool deploy_module(run *r, int which, const char *hex)
{
    service_model *m = &r->services[which];
    r->in_flight = (operation){.kind = DEPLOY, .service = which};
    snprintf(r->in_flight.hex, sizeof r->in_flight.hex, "%s", hex);
    char digest[80];
    snprintf(digest, sizeof digest, "sha256:%s", hex);
    long status;
    int version = deploy(r->admin_port, service_names[which], digest, service_routes[which], "", &status);
    if (!answered(r, status))
        return false;
    CHECK(status == 200 && version == (int)m->version_count + 1, "cycle %d: deploy of %s to %s: %ld, version %d",
          r->cycle, digest, service_names[which], status, version);
    if (status == 200)
        apply_deploy(m, hex);
    return true;
}

/* Upload of a variant of blue or green never seen before (a new blob), then its deploy. */
static bool deploy_new(run *r, int which)
{
    color c = (color)prng_below(&r->random, 2);
    size_t size;
    uint8_t *bytes = module_variant(r->guests[c], r->guest_sizes[c], 1 + prng_below(&r->random, LARGEST_PAD),
                                    prng_next(&r->random), &size);
    if (!bytes) {
        CHECK(bytes != NULL, "out of memory");
        return false;
    }
    char hex[65], digest[80], expected[80];
    digest_hex(bytes, size, hex);
    remember_module(hex, c);
    r->in_flight = (operation){.kind = UPLOAD, .service = which};
    long status = upload(r->admin_port, bytes, size, digest, sizeof digest);
    free(bytes);
    if (!answered(r, status))
        return false;
    snprintf(expected, sizeof expected, "sha256:%s", hex);
    CHECK(status == 201 && strcmp(digest, expected) == 0, "cycle %d: upload: %ld, digest '%s' for %s", r->cycle, status,
          digest, expected);
    /* The kill may come between the two: an uploaded module no version refers to. */
    if (status != 201 || atomic_load(&r->stopping))
        return status == 201;
    return deploy_module(r, which, hex);
}

/* A new version with the module of one of the service's versions (an existing blob). */
static bool deploy_again(run *r, int which)
{
    service_model *m = &r->services[which];
    char hex[65];
    snprintf(hex, sizeof hex, "%s", m->versions[prng_below(&r->random, m->version_count)].hex);
    return deploy_module(r, which, hex);
}

/* To a version chosen at random, or to the previous one (refused with 409 when there is none);
 * 404 when the service does not exist. */
static bool roll_back(run *r, int which)
{
    service_model *m = &r->services[which];
    uint32_t target = 0;
    char body[64] = "";
    if (m->exists && m->version_count >= 2 && prng_below(&r->random, 2)) {
        target = 1 + (uint32_t)prng_below(&r->random, m->version_count - 1);
        if (target >= m->active)
            target++; /* any version but the active one */
        snprintf(body, sizeof body, "{\"version\": %u}", target);
    } else if (m->exists) {
        target = m->versions[m->active - 1].previous;
    }
    long expected = !m->exists ? 404 : target ? 200 : 409;
    r->in_flight = (operation){.kind = ROLLBACK, .service = which, .target = target};
    char path[128];
    snprintf(path, sizeof path, "/v1/services/%s/rollback", service_names[which]);
    reply got = http("POST", r->admin_port, path, body);
    long status = got.status;
    int version = reply_version(&got);
    reply_free(&got);
    if (!answered(r, status))
        return false;
    CHECK(status == expected && (expected != 200 || version == (int)target),
          "cycle %d: rollback of %s (body '%s', active %u): %ld (expected %ld), version %d", r->cycle,
          service_names[which], body, m->active, status, expected, version);
    if (status == 200 && expected == 200)
        m->active = target;
    return true;
}

static bool remove_service(run *r, int which)
{
    service_model *m = &r->services[which];
    r->in_flight = (operation){.kind = REMOVAL, .service = which};
    char path[128];
    snprintf(path, sizeof path, "/v1/services/%s", service_names[which]);
    reply got = http("DELETE", r->admin_port, path, NULL);
    long status = got.status;
    reply_free(&got);
    if (!answered(r, status))
        return false;
    long expected = m->exists ? 204 : 404;
    CHECK(status == expected, "cycle %d: removal of %s: %ld (expected %ld)", r->cycle, service_names[which], status,
          expected);
    if (status == 204)
        apply_removal(m);
    return true;
}

/* Mostly uploads of new modules (a blob written each time) and their deploys; the rest are
 * deploys of a version's module again, rollbacks and removals. Until the kill is under way. */
static void *operate(void *user)
{
    run *r = user;
    r->in_flight.kind = NOTHING;
    while (!atomic_load(&r->stopping)) {
        int which = (int)prng_below(&r->random, SERVICE_COUNT);
        size_t dice = prng_below(&r->random, 100);
        bool exists = r->services[which].exists, going;
        if (dice < 60 || (dice < 72 && !exists))
            going = deploy_new(r, which);
        else if (dice < 72)
            going = deploy_again(r, which);
        else if (dice < 90)
            going = roll_back(r, which);
        else
            going = remove_service(r, which);
        if (!going)
            break;
    }
    return NULL;
}

/* ---- the invariants ---- */

/* (b) Every file of DIR/blobs/sha256 is complete: its content hashes to its name. The number of files. */
static size_t check_blob_files(const char *state_dir, const char *when)
{
    char folder[4096];
    snprintf(folder, sizeof folder, "%s/blobs/sha256", state_dir);
    DIR *dir = opendir(folder);
    CHECK(dir != NULL, "%s: cannot open %s", when, folder);
    if (!dir)
        return 0;
    size_t count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char path[4096 + 256], hex[65];
        snprintf(path, sizeof path, "%s/%s", folder, entry->d_name);
        size_t size;
        uint8_t *bytes = read_bytes(path, &size);
        CHECK(bytes != NULL, "%s: cannot read %s", when, path);
        if (bytes) {
            digest_hex(bytes, size, hex);
            CHECK(strcmp(hex, entry->d_name) == 0, "%s: blob %s is half-written: its %zu bytes hash to %s", when,
                  entry->d_name, size, hex);
        }
        free(bytes);
        count++;
    }
    closedir(dir);
    return count;
}
/* Checks that the query returns no row; the first row's columns in the message when it does. */
static void no_rows(sqlite3 *db, const char *sql, const char *what, const char *when)
{
    sqlite3_stmt *query = NULL;
    int prepared = sqlite3_prepare_v2(db, sql, -1, &query, NULL);
    CHECK(prepared == SQLITE_OK, "%s: %s: %s", when, sql, sqlite3_errmsg(db));
    int step = prepared == SQLITE_OK ? sqlite3_step(query) : SQLITE_ERROR;
    if (step == SQLITE_ROW) {
        char row[512] = "";
        for (int i = 0; i < sqlite3_column_count(query); i++) {
            const unsigned char *text = sqlite3_column_text(query, i);
            size_t used = strlen(row);
            snprintf(row + used, sizeof row - used, "%s%s", i ? " | " : "", text ? (const char *)text : "NULL");
        }
        CHECK(step != SQLITE_ROW, "%s: %s, e.g. %s", when, what, row);
    } else {
        CHECK(step == SQLITE_DONE, "%s: %s: %s", when, sql, sqlite3_errmsg(db));
    }
    sqlite3_finalize(query);
}

/* (c) no row points at a missing blob or version, and (d) the database is intact: read-only, so
 * that the check before a restart leaves the crashed WAL for the server to recover. After a start
 * (`started`) every blob also has its row: the sweep took the others. */
static void check_database(const char *state_dir, bool started, const char *when)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/state.db", state_dir);
    sqlite3 *db = NULL;
    int opened = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    CHECK(opened == SQLITE_OK, "%s: cannot open %s: %s", when, path, db ? sqlite3_errmsg(db) : "out of memory");
    if (opened != SQLITE_OK) {
        sqlite3_close(db);
        return;
    }
    sqlite3_busy_timeout(db, 5000);

    sqlite3_stmt *query = NULL;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &query, NULL);
    const unsigned char *verdict = query && sqlite3_step(query) == SQLITE_ROW ? sqlite3_column_text(query, 0) : NULL;
    CHECK(verdict && strcmp((const char *)verdict, "ok") == 0, "%s: PRAGMA integrity_check: %s", when,
          verdict ? (const char *)verdict : sqlite3_errmsg(db));
    CHECK(!query || sqlite3_step(query) == SQLITE_DONE, "%s: PRAGMA integrity_check gave more than one line", when);
    sqlite3_finalize(query);

    no_rows(db, "PRAGMA foreign_key_check", "a row refers to a missing one", when);
    no_rows(db, "SELECT service, version, module FROM versions WHERE module NOT IN (SELECT digest FROM modules)",
            "a version's module has no modules row", when);
    no_rows(db,
            "SELECT name, active FROM services s WHERE NOT EXISTS "
            "(SELECT 1 FROM versions v WHERE v.service = s.name AND v.version = s.active AND v.state = 'active')",
            "a service's active version is missing or not marked active", when);
    no_rows(db, "SELECT service, COUNT(*) FROM versions WHERE state = 'active' GROUP BY service HAVING COUNT(*) <> 1",
            "a service has more than one active version", when);
    no_rows(db, "SELECT service, version FROM versions WHERE service NOT IN (SELECT name FROM services)",
            "versions of a service that does not exist", when);

    /* Every module a row names has its blob. */
    sqlite3_prepare_v2(db,
                       "SELECT digest, 'modules' FROM modules UNION ALL "
                       "SELECT module, 'versions of ' || service || ' ' || version FROM versions",
                       -1, &query, NULL);
    while (query && sqlite3_step(query) == SQLITE_ROW) {
        char blob[4096 + 128];
        snprintf(blob, sizeof blob, "%s/blobs/sha256/%s", state_dir, (const char *)sqlite3_column_text(query, 0));
        CHECK(access(blob, F_OK) == 0, "%s: the blob of %s in %s is missing", when,
              (const char *)sqlite3_column_text(query, 0), (const char *)sqlite3_column_text(query, 1));
    }
    sqlite3_finalize(query);

    if (started) {
        char folder[4096];
        snprintf(folder, sizeof folder, "%s/blobs/sha256", state_dir);
        DIR *dir = opendir(folder);
        struct dirent *entry;
        sqlite3_prepare_v2(db, "SELECT 1 FROM modules WHERE digest = ?", -1, &query, NULL);
        while (dir && query && (entry = readdir(dir)) != NULL) {
            if (entry->d_name[0] == '.')
                continue;
            sqlite3_reset(query);
            sqlite3_bind_text(query, 1, entry->d_name, -1, SQLITE_TRANSIENT);
            CHECK(sqlite3_step(query) == SQLITE_ROW, "%s: blob %s has no modules row: the start should sweep it", when,
                  entry->d_name);
        }
        sqlite3_finalize(query);
        if (dir)
            closedir(dir);
    }
    sqlite3_close(db);
}

/* (a) After a restart: the service is at its acknowledged version or at the one of the request in
 * flight (which then becomes the acknowledged state), its versions are those acknowledged, and its
 * route answers with its active module's color. Counts in *applied an in-flight change found done. */
static void check_service(run *r, const served *s, int which, size_t *applied)
{
    service_model *m = &r->services[which];
    const operation *f = &r->in_flight;
    bool touched = f->kind != NOTHING && f->kind != UPLOAD && f->service == which;
    const char *name = service_names[which];
    char path[128];
    snprintf(path, sizeof path, "/v1/services/%s", name);
    reply got = http("GET", s->admin_port, path, NULL);
    json_t *json = got.status == 200 ? reply_json(&got) : NULL;
    bool consistent = false;
    if (got.status == 404) {
        consistent = !m->exists || (touched && f->kind == REMOVAL);
        CHECK(consistent, "restart %d: %s is gone, yet it was acknowledged at version %u (in flight: %s)", r->cycle,
              name, m->active, touched ? kind_names[f->kind] : "nothing");
        if (consistent && m->exists) {
            apply_removal(m);
            (*applied)++;
        }
    } else if (json) {
        uint32_t version = (uint32_t)json_integer_value(json_object_get(json, "version"));
        if (m->exists && version == m->active) {
            consistent = true;
        } else if (touched && f->kind == DEPLOY && version == m->version_count + 1) {
            consistent = true;
            apply_deploy(m, f->hex);
            (*applied)++;
        } else if (touched && f->kind == ROLLBACK && f->target && version == f->target) {
            consistent = true;
            m->active = f->target;
            (*applied)++;
        }
        CHECK(consistent,
              "restart %d: %s is at version %u: neither the acknowledged %s%u nor what was in flight (%s, target %u)",
              r->cycle, name, version, m->exists ? "" : "removal, ", m->active,
              touched ? kind_names[f->kind] : "nothing",
              f->kind == ROLLBACK ? f->target : (uint32_t)m->version_count + 1);
    } else {
        CHECK(false, "restart %d: GET %s: %ld %s", r->cycle, path, got.status, got.body ? got.body : got.error);
    }

    if (consistent && m->exists) {
        const version_record *active = &m->versions[m->active - 1];
        char expected[80];
        snprintf(expected, sizeof expected, "sha256:%s", active->hex);
        const char *module = json_string_value(json_object_get(json, "module"));
        const char *status = json_string_value(json_object_get(json, "status"));
        CHECK(module && strcmp(module, expected) == 0, "restart %d: %s runs %s, not %s", r->cycle, name,
              module ? module : "(none)", expected);
        CHECK(status && strcmp(status, "running") == 0, "restart %d: %s is %s", r->cycle, name,
              status ? status : "(no status)");
        json_t *versions = json_object_get(json, "versions");
        CHECK(json_array_size(versions) == m->version_count, "restart %d: %s has %zu versions, %zu acknowledged",
              r->cycle, name, json_array_size(versions), m->version_count);
        for (size_t i = 0; i < json_array_size(versions) && i < m->version_count; i++) {
            json_t *entry = json_array_get(versions, i);
            uint32_t number = (uint32_t)json_integer_value(json_object_get(entry, "version"));
            const char *entry_module = json_string_value(json_object_get(entry, "module"));
            const char *state = json_string_value(json_object_get(entry, "state"));
            snprintf(expected, sizeof expected, "sha256:%s", m->versions[i].hex);
            CHECK(number == i + 1 && entry_module && strcmp(entry_module, expected) == 0,
                  "restart %d: %s version %zu is %u with %s, acknowledged with %s", r->cycle, name, i + 1, number,
                  entry_module ? entry_module : "(none)", expected);
            CHECK(state && (strcmp(state, "active") == 0) == (number == m->active),
                  "restart %d: %s version %u is '%s' (active: %u)", r->cycle, name, number, state ? state : "(none)",
                  m->active);
        }
        reply answer = http("GET", s->public_port, service_routes[which], NULL);
        const char *color = color_of(active->hex);
        CHECK(answer.status == 200 && strcmp(answer.body, color) == 0,
              "restart %d: %s (version %u, %s) answers %ld '%.80s'", r->cycle, service_routes[which], m->active, color,
              answer.status, answer.body);
        reply_free(&answer);
    } else if (consistent) {
        reply answer = http("GET", s->public_port, service_routes[which], NULL);
        CHECK(answer.status == 404, "restart %d: %s of the removed %s answers %ld '%.80s'", r->cycle,
              service_routes[which], name, answer.status, answer.body);
        reply_free(&answer);
    }
    json_decref(json);
    reply_free(&got);
}

/* GET /v1/services lists exactly the services that exist, none of them down. */
static void check_list(run *r, const served *s)
{
    reply got = http("GET", s->admin_port, "/v1/services", NULL);
    json_t *json = reply_json(&got);
    json_t *list = json_object_get(json, "services");
    size_t expected = 0;
    for (int i = 0; i < SERVICE_COUNT; i++)
        expected += r->services[i].exists;
    CHECK(got.status == 200 && json_array_size(list) == expected,
          "restart %d: GET /v1/services: %ld, %zu services listed, %zu exist: %.300s", r->cycle, got.status,
          json_array_size(list), expected, got.body);
    for (size_t i = 0; i < json_array_size(list); i++) {
        const char *status = json_string_value(json_object_get(json_array_get(list, i), "status"));
        CHECK(!status || strcmp(status, "down") != 0, "restart %d: GET /v1/services lists one down: %.300s", r->cycle,
              got.body);
    }
    json_decref(json);
    reply_free(&got);
}

/* Prints the end of the server's log: what it said about a cycle that failed a check. */
static void print_log_tail(served *s, const char *which)
{
    pthread_mutex_lock(&s->lock);
    size_t length = s->log_length, shown = length < 6000 ? length : 6000;
    fprintf(stderr, "---- the end of the log of the %s server ----\n%s\n----\n", which,
            s->log ? s->log + (length - shown) : "");
    pthread_mutex_unlock(&s->lock);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s WASMHOST GUESTS_DIR HOST_GUESTS_DIR WORK_DIR\n", argv[0]);
        return 2;
    }
    const char *wasmhost = argv[1], *guests = argv[2], *work = argv[4];
    uint64_t started_at = now_ms();
    static run r;
    r.random = (prng){SEED};
    for (int c = BLUE; c <= GREEN; c++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.wasm", guests, color_names[c]);
        uint8_t *bytes = read_bytes(path, &r.guest_sizes[c]);
        if (!bytes) {
            fprintf(stderr, "cannot read %s\n", path);
            return 1;
        }
        r.guests[c] = bytes;
    }
    char folder[4096], state_dir[4096 + 16], temporaries[4096 + 32];
    snprintf(folder, sizeof folder, "%s/crash_XXXXXX", work);
    if (!mkdtemp(folder)) {
        perror(folder);
        return 1;
    }
    snprintf(state_dir, sizeof state_dir, "%s/state", folder);
    snprintf(temporaries, sizeof temporaries, "%s/blobs/tmp", state_dir);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    /* The delays have their own stream: the operations' stream advances by how many fit in a cycle. */
    prng delays = {SEED ^ 0xde1a7u};
    size_t kills = 0, in_flight[KIND_COUNT] = {0}, applied = 0, temporaries_left = 0, largest_blob_count = 0;
    for (r.cycle = 0; r.cycle <= KILLS; r.cycle++) {
        int failures_before = atomic_load(&failures);
        char when[64];
        served s;
        bool up = served_start(&s, wasmhost, state_dir, 0, NULL);
        CHECK(up, "restart %d: the server does not start", r.cycle);
        if (!up) {
            print_log_tail(&s, "restarted");
            served_stop(&s, true);
            served_free(&s);
            break;
        }
        r.admin_port = s.admin_port;
        if (r.cycle > 0) {
            snprintf(when, sizeof when, "after restart %d", r.cycle);
            CHECK(count_files(temporaries) == 0, "%s: %zu files left in %s", when, count_files(temporaries),
                  temporaries);
            size_t blob_count = check_blob_files(state_dir, when);
            if (blob_count > largest_blob_count)
                largest_blob_count = blob_count;
            check_database(state_dir, true, when);
            for (int i = 0; i < SERVICE_COUNT; i++)
                check_service(&r, &s, i, &applied);
            check_list(&r, &s);
            r.in_flight.kind = NOTHING;
        }
        if (r.cycle == KILLS || atomic_load(&failures) != failures_before) {
            /* The end, or a failure: the later cycles would only repeat it. */
            if (atomic_load(&failures) != failures_before)
                print_log_tail(&s, "restarted");
            int status = served_stop(&s, false);
            CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the last server stopped with status %d", status);
            served_free(&s);
            break;
        }

        atomic_store(&r.stopping, false);
        pthread_t operations;
        pthread_create(&operations, NULL, operate, &r);
        sleep_ms(SHORTEST_DELAY_MS + (long)prng_below(&delays, LONGEST_DELAY_MS - SHORTEST_DELAY_MS + 1));
        atomic_store(&r.stopping, true);
        int status = served_stop(&s, true);
        pthread_join(operations, NULL);
        kills++;
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "kill %d: the server had ended before (status %d)",
              r.cycle + 1, status);
        if (r.in_flight.kind != NOTHING)
            in_flight[r.in_flight.kind]++;

        snprintf(when, sizeof when, "after kill %d (before the restart)", r.cycle + 1);
        temporaries_left += count_files(temporaries) > 0;
        check_blob_files(state_dir, when);
        check_database(state_dir, false, when);
        if (atomic_load(&failures) != failures_before) {
            print_log_tail(&s, "killed");
            served_free(&s);
            break;
        }
        served_free(&s);
    }

    size_t acknowledged = 0, landed = 0;
    for (int k = UPLOAD; k < KIND_COUNT; k++) {
        acknowledged += r.acknowledged[k];
        landed += in_flight[k];
    }
    printf("admin_crash_test: seed %#x, %zu kills, %zu with a request in flight (%zu uploads, %zu deploys, %zu "
           "rollbacks, %zu removals; %zu of the changes found done after the restart), %zu operations acknowledged "
           "(%zu uploads, %zu deploys, %zu rollbacks, %zu removals), %zu kills left temporaries, up to %zu blobs, "
           "%.1f s\n",
           SEED, kills, landed, in_flight[UPLOAD], in_flight[DEPLOY], in_flight[ROLLBACK], in_flight[REMOVAL], applied,
           acknowledged, r.acknowledged[UPLOAD], r.acknowledged[DEPLOY], r.acknowledged[ROLLBACK],
           r.acknowledged[REMOVAL], temporaries_left, largest_blob_count, (double)(now_ms() - started_at) / 1000);
    CHECK(kills >= 50, "only %zu kills", kills);

    if (atomic_load(&failures) == 0) {
        char command[4096 + 16];
        snprintf(command, sizeof command, "rm -rf '%s'", folder);
        if (system(command) != 0)
            fprintf(stderr, "could not remove %s\n", folder);
    } else {
        fprintf(stderr, "the state is kept in %s\n", state_dir);
    }
    for (int i = 0; i < SERVICE_COUNT; i++)
        free(r.services[i].versions);
    free(known_modules);
    free((void *)r.guests[BLUE]);
    free((void *)r.guests[GREEN]);
    curl_global_cleanup();
    return checks_done("admin_crash_test");
}
