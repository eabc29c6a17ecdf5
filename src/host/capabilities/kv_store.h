/* kv_store.h: the key-value stores guests are granted (key_value_stores), in one SQLite file: durable writes, per-store quotas. */
#ifndef WH_KV_STORE_H
#define WH_KV_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KV_MAX_KEY_BYTES 256
#define KV_MAX_VALUE_BYTES (1u << 20)
#define KV_MAX_STORE_BYTES (64ull << 20) /* keys and values of one store together */

/* The operations, for metrics (wasmhost_kv_operations_total{operation}). */
#define KV_OPERATIONS(X) X(GET, "get") X(SET, "set") X(DELETE, "delete") X(EXISTS, "exists") X(LIST, "list")
#define KV_OPERATION_ENUM_(name, label) KV_##name,
typedef enum kv_operation { KV_OPERATIONS(KV_OPERATION_ENUM_) KV_OPERATION_COUNT } kv_operation;
#undef KV_OPERATION_ENUM_
extern const char *const kv_operation_names[KV_OPERATION_COUNT];

typedef struct kv_database kv_database;

/* The stores of one host in the file `path`, opened (and made) at the first operation, so that a
 * host whose services use no store makes no file. NULL when out of memory. */
kv_database *kv_database_new(const char *path);
void kv_database_free(kv_database *database);
const char *kv_database_path(const kv_database *database);

/* Each returns a WH_RESULT_* code (wasmhost_results.h): OK, NOT_FOUND, KEY_TOO_LONG,
 * VALUE_TOO_LARGE, STORE_FULL, STORAGE_FAILED (the message in the host's log), RESOURCE.
 * Thread-safe; a write is committed (and synced) before it returns. */
int kv_get(kv_database *database, const char *store, const uint8_t *key, size_t key_length, uint8_t **value,
           size_t *value_length);
int kv_set(kv_database *database, const char *store, const uint8_t *key, size_t key_length, const uint8_t *value,
           size_t value_length);
int kv_delete(kv_database *database, const char *store, const uint8_t *key, size_t key_length);
int kv_exists(kv_database *database, const char *store, const uint8_t *key, size_t key_length, bool *exists);
/* The keys starting with `prefix`, in byte order, each followed by '\n', into a malloc'd *out. */
int kv_list(kv_database *database, const char *store, const uint8_t *prefix, size_t prefix_length, uint8_t **out,
            size_t *out_length);

/* Why the last STORAGE_FAILED happened (for the log), valid until the next operation of this thread. */
const char *kv_last_error(void);

#endif
