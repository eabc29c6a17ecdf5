/* kv_store.c: the key-value stores guests are granted, in one SQLite file: durable writes, per-store quotas. */
#include "kv_store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmhost_results.h"

#define KV_OPERATION_NAME_(name, label) [KV_##name] = label,
const char *const kv_operation_names[KV_OPERATION_COUNT] = {KV_OPERATIONS(KV_OPERATION_NAME_)};
#undef KV_OPERATION_NAME_

/* The bytes one store holds (keys and values), kept in memory once counted: every write goes
 * through this process under the lock, so the count stays true without a query per write. */
typedef struct store_usage {
    char *name;
    uint64_t bytes;
    struct store_usage *next;
} store_usage;

/* One connection, one lock: SQLite serializes writers anyway, and reads take microseconds. */
struct kv_database {
    pthread_mutex_t lock;
    char *path;
    sqlite3 *db; /* NULL until the first operation */
    bool failed; /* the file could not be opened: every operation says so */
    store_usage *usage;
};

static _Thread_local char last_error[512];

const char *kv_last_error(void) { return last_error; }

kv_database *kv_database_new(const char *path)
{
    kv_database *database = calloc(1, sizeof *database);
    if (!database || !(database->path = strdup(path))) {
        free(database);
        return NULL;
    }
    pthread_mutex_init(&database->lock, NULL);
    return database;
}

void kv_database_free(kv_database *database)
{
    if (!database)
        return;
    sqlite3_close(database->db);
    for (store_usage *u = database->usage, *next; u; u = next) {
        next = u->next;
        free(u->name);
        free(u);
    }
    pthread_mutex_destroy(&database->lock);
    free(database->path);
    free(database);
}

const char *kv_database_path(const kv_database *database) { return database->path; }

static int storage_failed(kv_database *database, const char *what)
{
    snprintf(last_error, sizeof last_error, "key-value store %s: %s: %s", database->path, what,
             database->db ? sqlite3_errmsg(database->db) : "cannot open");
    return WH_RESULT_STORAGE_FAILED;
}

/* Opens the file at the first operation (under the lock). WAL with synchronous=FULL: a commit is
 * on disk when it returns, and readers do not wait for writers. */
static int ensure_open(kv_database *database)
{
    if (database->db)
        return WH_RESULT_OK;
    if (database->failed)
        return storage_failed(database, "earlier failure to open");
    static const char schema[] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                 "CREATE TABLE IF NOT EXISTS kv (store TEXT NOT NULL, key BLOB NOT NULL,"
                                 " value BLOB NOT NULL, PRIMARY KEY (store, key)) WITHOUT ROWID;";
    if (sqlite3_open_v2(database->path, &database->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
        sqlite3_busy_timeout(database->db, 5000) != SQLITE_OK ||
        sqlite3_exec(database->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        int result = storage_failed(database, "cannot open");
        sqlite3_close(database->db);
        database->db = NULL;
        database->failed = true;
        return result;
    }
    return WH_RESULT_OK;
}

static int check_key(size_t key_length)
{
    return key_length == 0 || key_length > KV_MAX_KEY_BYTES ? WH_RESULT_KEY_TOO_LONG : WH_RESULT_OK;
}

/* A statement with the store bound as ?1 and, when it has a ?2, the key as ?2. */
static sqlite3_stmt *prepare(kv_database *database, const char *sql, const char *store, const uint8_t *key,
                             size_t key_length)
{
    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v2(database->db, sql, -1, &statement, NULL) != SQLITE_OK)
        return NULL;
    bool has_key = sqlite3_bind_parameter_count(statement) >= 2;
    if (sqlite3_bind_text(statement, 1, store, -1, SQLITE_STATIC) != SQLITE_OK ||
        (has_key && sqlite3_bind_blob(statement, 2, key_length ? (const void *)key : "", (int)key_length,
                                      SQLITE_STATIC) != SQLITE_OK)) {
        sqlite3_finalize(statement);
        return NULL;
    }
    return statement;
}

/* The usage record of `store`, counted from the file the first time; NULL (with the result in
 * *result) when it cannot be. */
static store_usage *usage_of(kv_database *database, const char *store, int *result)
{
    for (store_usage *u = database->usage; u; u = u->next)
        if (strcmp(u->name, store) == 0)
            return u;
    sqlite3_stmt *statement = prepare(
        database, "SELECT COALESCE(SUM(length(key) + length(value)), 0) FROM kv WHERE store = ?1", store, NULL, 0);
    if (!statement || sqlite3_step(statement) != SQLITE_ROW) {
        *result = storage_failed(database, "cannot count the store's size");
        sqlite3_finalize(statement);
        return NULL;
    }
    store_usage *u = calloc(1, sizeof *u);
    if (!u || !(u->name = strdup(store))) {
        free(u);
        sqlite3_finalize(statement);
        *result = WH_RESULT_RESOURCE;
        return NULL;
    }
    u->bytes = (uint64_t)sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    u->next = database->usage;
    database->usage = u;
    return u;
}

/* The length of the value of `key` (-1: none), or STORAGE_FAILED as *result. */
static int64_t value_length_of(kv_database *database, const char *store, const uint8_t *key, size_t key_length,
                               int *result)
{
    sqlite3_stmt *statement =
        prepare(database, "SELECT length(value) FROM kv WHERE store = ?1 AND key = ?2", store, key, key_length);
    int step = statement ? sqlite3_step(statement) : SQLITE_ERROR;
    int64_t length = step == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : -1;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        *result = storage_failed(database, "cannot read");
    sqlite3_finalize(statement);
    return length;
}

int kv_get(kv_database *database, const char *store, const uint8_t *key, size_t key_length, uint8_t **value,
           size_t *value_length)
{
    *value = NULL;
    *value_length = 0;
    int result = check_key(key_length);
    if (result != WH_RESULT_OK)
        return result;
    pthread_mutex_lock(&database->lock);
    if ((result = ensure_open(database)) == WH_RESULT_OK) {
        sqlite3_stmt *statement =
            prepare(database, "SELECT value FROM kv WHERE store = ?1 AND key = ?2", store, key, key_length);
        int step = statement ? sqlite3_step(statement) : SQLITE_ERROR;
        if (step == SQLITE_ROW) {
            size_t length = (size_t)sqlite3_column_bytes(statement, 0);
            const void *data = sqlite3_column_blob(statement, 0);
            *value = malloc(length ? length : 1);
            if (!*value) {
                result = WH_RESULT_RESOURCE;
            } else {
                if (length)
                    memcpy(*value, data, length);
                *value_length = length;
            }
        } else {
            result = step == SQLITE_DONE ? WH_RESULT_NOT_FOUND : storage_failed(database, "cannot read");
        }
        sqlite3_finalize(statement);
    }
    pthread_mutex_unlock(&database->lock);
    return result;
}

int kv_set(kv_database *database, const char *store, const uint8_t *key, size_t key_length, const uint8_t *value,
           size_t value_length)
{
    int result = check_key(key_length);
    if (result != WH_RESULT_OK)
        return result;
    if (value_length > KV_MAX_VALUE_BYTES)
        return WH_RESULT_VALUE_TOO_LARGE;
    pthread_mutex_lock(&database->lock);
    store_usage *usage = NULL;
    int64_t old_length = -1;
    if ((result = ensure_open(database)) == WH_RESULT_OK && (usage = usage_of(database, store, &result)) != NULL)
        old_length = value_length_of(database, store, key, key_length, &result);
    if (result == WH_RESULT_OK) {
        uint64_t after =
            usage->bytes - (old_length >= 0 ? key_length + (uint64_t)old_length : 0) + key_length + value_length;
        if (after > KV_MAX_STORE_BYTES && after > usage->bytes) {
            result = WH_RESULT_STORE_FULL;
        } else {
            sqlite3_stmt *statement = prepare(
                database, "INSERT OR REPLACE INTO kv (store, key, value) VALUES (?1, ?2, ?3)", store, key, key_length);
            if (!statement ||
                sqlite3_bind_blob(statement, 3, value_length ? (const void *)value : "", (int)value_length,
                                  SQLITE_STATIC) != SQLITE_OK ||
                sqlite3_step(statement) != SQLITE_DONE)
                result = storage_failed(database, "cannot write");
            else
                usage->bytes = after;
            sqlite3_finalize(statement);
        }
    }
    pthread_mutex_unlock(&database->lock);
    return result;
}

int kv_delete(kv_database *database, const char *store, const uint8_t *key, size_t key_length)
{
    int result = check_key(key_length);
    if (result != WH_RESULT_OK)
        return result;
    pthread_mutex_lock(&database->lock);
    store_usage *usage = NULL;
    int64_t old_length = -1;
    if ((result = ensure_open(database)) == WH_RESULT_OK && (usage = usage_of(database, store, &result)) != NULL)
        old_length = value_length_of(database, store, key, key_length, &result);
    if (result == WH_RESULT_OK && old_length < 0) {
        result = WH_RESULT_NOT_FOUND;
    } else if (result == WH_RESULT_OK) {
        sqlite3_stmt *statement =
            prepare(database, "DELETE FROM kv WHERE store = ?1 AND key = ?2", store, key, key_length);
        if (!statement || sqlite3_step(statement) != SQLITE_DONE)
            result = storage_failed(database, "cannot delete");
        else
            usage->bytes -= key_length + (uint64_t)old_length;
        sqlite3_finalize(statement);
    }
    pthread_mutex_unlock(&database->lock);
    return result;
}

int kv_exists(kv_database *database, const char *store, const uint8_t *key, size_t key_length, bool *exists)
{
    *exists = false;
    int result = check_key(key_length);
    if (result != WH_RESULT_OK)
        return result;
    pthread_mutex_lock(&database->lock);
    if ((result = ensure_open(database)) == WH_RESULT_OK)
        *exists = value_length_of(database, store, key, key_length, &result) >= 0;
    pthread_mutex_unlock(&database->lock);
    return result;
}

int kv_list(kv_database *database, const char *store, const uint8_t *prefix, size_t prefix_length, uint8_t **out,
            size_t *out_length)
{
    *out = NULL;
    *out_length = 0;
    if (prefix_length > KV_MAX_KEY_BYTES)
        return WH_RESULT_KEY_TOO_LONG;
    pthread_mutex_lock(&database->lock);
    int result = ensure_open(database);
    sqlite3_stmt *statement = NULL;
    if (result == WH_RESULT_OK) {
        statement =
            prepare(database, "SELECT key FROM kv WHERE store = ?1 AND substr(key, 1, length(?2)) = ?2 ORDER BY key",
                    store, prefix, prefix_length);
        if (!statement)
            result = storage_failed(database, "cannot list");
    }
    size_t capacity = 0;
    int step = SQLITE_DONE;
    while (result == WH_RESULT_OK && (step = sqlite3_step(statement)) == SQLITE_ROW) {
        size_t length = (size_t)sqlite3_column_bytes(statement, 0);
        const void *key = sqlite3_column_blob(statement, 0);
        if (*out_length + length + 1 > capacity) {
            size_t grown_capacity = (capacity ? capacity * 2 : 1024) + length + 1;
            uint8_t *grown = realloc(*out, grown_capacity);
            if (!grown) {
                result = WH_RESULT_RESOURCE;
                break;
            }
            *out = grown;
            capacity = grown_capacity;
        }
        if (length)
            memcpy(*out + *out_length, key, length);
        (*out)[*out_length + length] = '\n';
        *out_length += length + 1;
    }
    if (result == WH_RESULT_OK && step != SQLITE_DONE)
        result = storage_failed(database, "cannot list");
    sqlite3_finalize(statement);
    pthread_mutex_unlock(&database->lock);
    if (result != WH_RESULT_OK) {
        free(*out);
        *out = NULL;
        *out_length = 0;
    }
    return result;
}
