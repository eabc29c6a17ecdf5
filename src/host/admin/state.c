/* state.c: the admin API's durable state: modules, services and their versions in SQLite (DIR/state.db). */
#include "state.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct state {
    pthread_mutex_t lock; /* one call at a time: each is one transaction on the one connection */
    sqlite3 *db;
};

static const char schema[] = "CREATE TABLE IF NOT EXISTS modules("
                             "  digest TEXT PRIMARY KEY, size INTEGER NOT NULL, uploaded_at TEXT NOT NULL);"
                             "CREATE TABLE IF NOT EXISTS services("
                             "  name TEXT PRIMARY KEY, active INTEGER NOT NULL, kind TEXT NOT NULL DEFAULT 'service');"
                             "CREATE TABLE IF NOT EXISTS pipelines("
                             "  name TEXT PRIMARY KEY, config TEXT NOT NULL, updated_at TEXT NOT NULL);"
                             "CREATE TABLE IF NOT EXISTS versions("
                             "  service TEXT NOT NULL, version INTEGER NOT NULL,"
                             "  module TEXT NOT NULL REFERENCES modules(digest),"
                             "  config TEXT NOT NULL, deployed_at TEXT NOT NULL, state TEXT NOT NULL, reason TEXT,"
                             "  previous INTEGER NOT NULL DEFAULT 0,"
                             "  PRIMARY KEY(service, version));";

/* A failure's result: the disk is full when SQLite says so or the write failed with ENOSPC,
 * EDQUOT or EFBIG (a file size limit). */
static state_result failure(state *s, const char *what, char *error, size_t error_size)
{
    int code = sqlite3_extended_errcode(s->db), system = sqlite3_system_errno(s->db);
    bool full = (code & 0xff) == SQLITE_FULL ||
                ((code & 0xff) == SQLITE_IOERR && (system == ENOSPC || system == EDQUOT || system == EFBIG));
    snprintf(error, error_size, "%s: %s%s", what, full ? "the disk is full: " : "", sqlite3_errmsg(s->db));
    return full ? STATE_FULL : STATE_FAILED;
}

state *state_open(const char *state_dir, char *error, size_t error_size)
{
    state *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    char path[4096];
    snprintf(path, sizeof path, "%s/state.db", state_dir);
    int opened =
        sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
    const char *setup = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
    char *message = NULL;
    if (opened != SQLITE_OK || sqlite3_exec(s->db, setup, NULL, NULL, &message) != SQLITE_OK ||
        sqlite3_exec(s->db, schema, NULL, NULL, &message) != SQLITE_OK) {
        snprintf(error, error_size, "cannot open the state database %s: %s", path,
                 message ? message
                 : s->db ? sqlite3_errmsg(s->db)
                         : "out of memory");
        sqlite3_free(message);
        state_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_stmt *check = NULL;
    bool ok = sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &check, NULL) == SQLITE_OK &&
              sqlite3_step(check) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(check, 0), "ok") == 0;
    if (!ok)
        snprintf(error, error_size, "the state database %s is damaged (PRAGMA quick_check: %s)", path,
                 check && sqlite3_column_text(check, 0) ? (const char *)sqlite3_column_text(check, 0)
                                                        : sqlite3_errmsg(s->db));
    sqlite3_finalize(check);
    if (!ok) {
        state_close(s);
        return NULL;
    }
    return s;
}

void state_close(state *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* ---- statements ---- */

/* Prepares `sql` and binds the arguments `types` names: 't' text, 'i' integer (int64_t). */
static sqlite3_stmt *prepare(state *s, const char *sql, const char *types, ...)
{
    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &statement, NULL) != SQLITE_OK)
        return NULL;
    va_list args;
    va_start(args, types);
    for (int i = 0; types[i]; i++) {
        if (types[i] == 't') {
            const char *text = va_arg(args, const char *);
            sqlite3_bind_text(statement, i + 1, text, -1, SQLITE_TRANSIENT);
        } else {
            sqlite3_bind_int64(statement, i + 1, va_arg(args, int64_t));
        }
    }
    va_end(args);
    return statement;
}

/* Runs a statement that returns no rows; false on failure. */
static bool run(sqlite3_stmt *statement)
{
    if (!statement)
        return false;
    int result = sqlite3_step(statement);
    sqlite3_finalize(statement);
    return result == SQLITE_DONE;
}

/* One integer from a one-row query; `fallback` when there is no row. */
static int64_t query_integer(sqlite3_stmt *statement, int64_t fallback, bool *failed)
{
    int64_t value = fallback;
    int result = statement ? sqlite3_step(statement) : SQLITE_ERROR;
    if (result == SQLITE_ROW)
        value = sqlite3_column_int64(statement, 0);
    else if (result != SQLITE_DONE && failed)
        *failed = true;
    sqlite3_finalize(statement);
    return value;
}

static bool begin(state *s) { return sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK; }

/* COMMIT when `ok`, else ROLLBACK; the result of the whole transaction. */
static state_result finish(state *s, bool ok, const char *what, char *error, size_t error_size)
{
    if (ok && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return STATE_OK;
    state_result result = failure(s, what, error, error_size);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return result;
}

static void now_text(char out[32])
{
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &utc);
}

/* ---- modules ---- */

state_result state_add_module(state *s, const char *hex, uint64_t size, char *error, size_t error_size)
{
    char now[32];
    now_text(now);
    pthread_mutex_lock(&s->lock);
    bool ok = run(prepare(s, "INSERT OR IGNORE INTO modules(digest, size, uploaded_at) VALUES(?, ?, ?)", "tit", hex,
                          (int64_t)size, now));
    state_result result = ok ? STATE_OK : failure(s, "cannot record the module", error, error_size);
    pthread_mutex_unlock(&s->lock);
    return result;
}

bool state_has_module(state *s, const char *hex, uint64_t *size)
{
    pthread_mutex_lock(&s->lock);
    int64_t found = query_integer(prepare(s, "SELECT size FROM modules WHERE digest = ?", "t", hex), -1, NULL);
    pthread_mutex_unlock(&s->lock);
    if (found >= 0 && size)
        *size = (uint64_t)found;
    return found >= 0;
}

/* ---- services and versions ---- */

state_result state_deploy(state *s, const char *kind, const char *name, uint32_t version, const char *hex,
                          const char *config, char *error, size_t error_size)
{
    char now[32];
    now_text(now);
    pthread_mutex_lock(&s->lock);
    bool failed = false, ok = begin(s);
    int64_t active =
        ok ? query_integer(prepare(s, "SELECT active FROM services WHERE name = ?", "t", name), 0, &failed) : 0;
    /* (service, version) is the primary key: a version given twice fails here, never overwrites. */
    ok = ok && !failed &&
         run(prepare(s, "UPDATE versions SET state = 'superseded' WHERE service = ? AND version = ?", "ti", name,
                     active)) &&
         run(prepare(s,
                     "INSERT INTO versions(service, version, module, config, deployed_at, state, previous) "
                     "VALUES(?, ?, ?, ?, ?, 'active', ?)",
                     "tittti", name, (int64_t)version, hex, config, now, active)) &&
         run(prepare(s, "INSERT OR REPLACE INTO services(name, active, kind) VALUES(?, ?, ?)", "tit", name,
                     (int64_t)version, kind));
    state_result result = finish(s, ok, "cannot record the deploy", error, error_size);
    pthread_mutex_unlock(&s->lock);
    return result;
}

state_result state_rollback(state *s, const char *name, uint32_t to, const char *reason, char *error, size_t error_size)
{
    pthread_mutex_lock(&s->lock);
    bool failed = false, ok = begin(s);
    int64_t active =
        ok ? query_integer(prepare(s, "SELECT active FROM services WHERE name = ?", "t", name), 0, &failed) : 0;
    ok = ok && !failed &&
         run(prepare(s, "UPDATE versions SET state = 'rolled_back', reason = ? WHERE service = ? AND version = ?",
                     "tti", reason, name, active)) &&
         run(prepare(s, "UPDATE versions SET state = 'active', reason = NULL WHERE service = ? AND version = ?", "ti",
                     name, (int64_t)to)) &&
         run(prepare(s, "UPDATE services SET active = ? WHERE name = ?", "it", (int64_t)to, name));
    state_result result = finish(s, ok, "cannot record the rollback", error, error_size);
    pthread_mutex_unlock(&s->lock);
    return result;
}

state_result state_remove(state *s, const char *name, char ***orphans, size_t *orphan_count, char *error,
                          size_t error_size)
{
    *orphans = NULL;
    *orphan_count = 0;
    pthread_mutex_lock(&s->lock);
    bool ok = begin(s);
    /* The modules only this service's versions use: deleted with it. */
    sqlite3_stmt *query = ok ? prepare(s,
                                       "SELECT DISTINCT module FROM versions WHERE service = ?1 AND module NOT IN "
                                       "(SELECT module FROM versions WHERE service <> ?1)",
                                       "t", name)
                             : NULL;
    ok = query != NULL;
    size_t capacity = 0;
    int step;
    while (ok && (step = sqlite3_step(query)) == SQLITE_ROW) {
        if (*orphan_count == capacity) {
            capacity = capacity ? capacity * 2 : 8;
            char **grown = realloc(*orphans, capacity * sizeof *grown);
            if (!grown) {
                ok = false;
                break;
            }
            *orphans = grown;
        }
        char *digest = strdup((const char *)sqlite3_column_text(query, 0));
        if (!digest)
            ok = false;
        else
            (*orphans)[(*orphan_count)++] = digest;
    }
    if (ok && step != SQLITE_DONE)
        ok = false;
    sqlite3_finalize(query);
    ok = ok && run(prepare(s, "DELETE FROM versions WHERE service = ?", "t", name)) &&
         run(prepare(s, "DELETE FROM services WHERE name = ?", "t", name));
    for (size_t i = 0; ok && i < *orphan_count; i++)
        ok = run(prepare(s, "DELETE FROM modules WHERE digest = ?", "t", (*orphans)[i]));
    state_result result = finish(s, ok, "cannot record the removal", error, error_size);
    pthread_mutex_unlock(&s->lock);
    if (result != STATE_OK) {
        for (size_t i = 0; i < *orphan_count; i++)
            free((*orphans)[i]);
        free(*orphans);
        *orphans = NULL;
        *orphan_count = 0;
    }
    return result;
}

uint32_t state_next_version(state *s, const char *name)
{
    pthread_mutex_lock(&s->lock);
    int64_t next = query_integer(
        prepare(s, "SELECT COALESCE(MAX(version), 0) + 1 FROM versions WHERE service = ?", "t", name), 1, NULL);
    pthread_mutex_unlock(&s->lock);
    return (uint32_t)next;
}

uint32_t state_active(state *s, const char *name)
{
    pthread_mutex_lock(&s->lock);
    int64_t active = query_integer(prepare(s, "SELECT active FROM services WHERE name = ?", "t", name), 0, NULL);
    pthread_mutex_unlock(&s->lock);
    return (uint32_t)active;
}

void state_version_clear(state_version *v)
{
    free(v->config);
    free(v->reason);
    memset(v, 0, sizeof *v);
}

static const char version_columns[] = "SELECT version, module, config, deployed_at, state, reason, previous "
                                      "FROM versions WHERE service = ?";

/* The current row of a version_columns query; false when out of memory. */
static bool read_version(sqlite3_stmt *statement, state_version *out)
{
    memset(out, 0, sizeof *out);
    out->version = (uint32_t)sqlite3_column_int64(statement, 0);
    snprintf(out->module, sizeof out->module, "%s", (const char *)sqlite3_column_text(statement, 1));
    out->config = strdup((const char *)sqlite3_column_text(statement, 2));
    snprintf(out->deployed_at, sizeof out->deployed_at, "%s", (const char *)sqlite3_column_text(statement, 3));
    snprintf(out->state, sizeof out->state, "%s", (const char *)sqlite3_column_text(statement, 4));
    const unsigned char *reason = sqlite3_column_text(statement, 5);
    out->reason = reason ? strdup((const char *)reason) : NULL;
    out->previous = (uint32_t)sqlite3_column_int64(statement, 6);
    return out->config && (!reason || out->reason);
}

bool state_get_version(state *s, const char *name, uint32_t version, state_version *out)
{
    char sql[256];
    snprintf(sql, sizeof sql, "%s AND version = ?", version_columns);
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *query = prepare(s, sql, "ti", name, (int64_t)version);
    bool found = query && sqlite3_step(query) == SQLITE_ROW;
    if (found && !read_version(query, out)) {
        state_version_clear(out);
        found = false;
    }
    sqlite3_finalize(query);
    pthread_mutex_unlock(&s->lock);
    return found;
}

state_version *state_versions(state *s, const char *name, size_t *count)
{
    char sql[256];
    snprintf(sql, sizeof sql, "%s ORDER BY version", version_columns);
    *count = 0;
    state_version *list = NULL;
    size_t capacity = 0;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *query = prepare(s, sql, "t", name);
    while (query && sqlite3_step(query) == SQLITE_ROW) {
        if (*count == capacity) {
            capacity = capacity ? capacity * 2 : 8;
            state_version *grown = realloc(list, capacity * sizeof *grown);
            if (!grown)
                break;
            list = grown;
        }
        if (!read_version(query, &list[*count])) {
            state_version_clear(&list[*count]);
            break;
        }
        (*count)++;
    }
    sqlite3_finalize(query);
    pthread_mutex_unlock(&s->lock);
    if (!*count) {
        free(list);
        return NULL;
    }
    return list;
}

bool state_kind(state *s, const char *name, char kind[16])
{
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *query = prepare(s, "SELECT kind FROM services WHERE name = ?", "t", name);
    bool found = query && sqlite3_step(query) == SQLITE_ROW;
    if (found)
        snprintf(kind, 16, "%s", (const char *)sqlite3_column_text(query, 0));
    sqlite3_finalize(query);
    pthread_mutex_unlock(&s->lock);
    return found;
}

char **state_service_names(state *s, const char *kind, size_t *count)
{
    *count = 0;
    char **names = NULL;
    size_t capacity = 0;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *query = kind ? prepare(s, "SELECT name FROM services WHERE kind = ? ORDER BY name", "t", kind)
                               : prepare(s, "SELECT name FROM services ORDER BY name", "");
    while (query && sqlite3_step(query) == SQLITE_ROW) {
        if (*count == capacity) {
            capacity = capacity ? capacity * 2 : 8;
            char **grown = realloc(names, capacity * sizeof *grown);
            if (!grown)
                break;
            names = grown;
        }
        if (!(names[*count] = strdup((const char *)sqlite3_column_text(query, 0))))
            break;
        (*count)++;
    }
    sqlite3_finalize(query);
    pthread_mutex_unlock(&s->lock);
    return names;
}

/* ---- pipelines ---- */

state_result state_put_pipeline(state *s, const char *name, const char *config, char *error, size_t error_size)
{
    char now[32];
    now_text(now);
    pthread_mutex_lock(&s->lock);
    bool ok = run(prepare(s, "INSERT OR REPLACE INTO pipelines(name, config, updated_at) VALUES(?, ?, ?)", "ttt", name,
                          config, now));
    state_result result = ok ? STATE_OK : failure(s, "cannot record the pipeline", error, error_size);
    pthread_mutex_unlock(&s->lock);
    return result;
}

state_result state_remove_pipeline(state *s, const char *name, bool *found, char *error, size_t error_size)
{
    pthread_mutex_lock(&s->lock);
    bool ok = run(prepare(s, "DELETE FROM pipelines WHERE name = ?", "t", name));
    *found = ok && sqlite3_changes(s->db) > 0;
    state_result result = ok ? STATE_OK : failure(s, "cannot remove the pipeline", error, error_size);
    pthread_mutex_unlock(&s->lock);
    return result;
}

char **state_pipelines(state *s, char ***configs, size_t *count)
{
    *count = 0;
    *configs = NULL;
    char **names = NULL;
    size_t capacity = 0;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *query = prepare(s, "SELECT name, config FROM pipelines ORDER BY name", "");
    while (query && sqlite3_step(query) == SQLITE_ROW) {
        if (*count == capacity) {
            capacity = capacity ? capacity * 2 : 8;
            char **grown_names = realloc(names, capacity * sizeof *grown_names);
            if (grown_names)
                names = grown_names;
            char **grown_configs = grown_names ? realloc(*configs, capacity * sizeof *grown_configs) : NULL;
            if (!grown_configs)
                break;
            *configs = grown_configs;
        }
        names[*count] = strdup((const char *)sqlite3_column_text(query, 0));
        (*configs)[*count] = strdup((const char *)sqlite3_column_text(query, 1));
        if (!names[*count] || !(*configs)[*count]) {
            free(names[*count]);
            free((*configs)[*count]);
            break;
        }
        (*count)++;
    }
    sqlite3_finalize(query);
    pthread_mutex_unlock(&s->lock);
    return names;
}
