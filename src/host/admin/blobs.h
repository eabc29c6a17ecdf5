/* blobs.h: module bytes kept by content in DIR/blobs/sha256/<hex>, each durable before anything refers to it. */
#ifndef WH_BLOBS_H
#define WH_BLOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A blob is written to DIR/blobs/tmp/, fsynced, renamed to its name and the folder fsynced, so
 * that after a crash a blob either is whole under its name or is not there (a temporary left
 * behind is swept at the next start). Its name is the SHA-256 of its bytes, so a blob changed on
 * disk is found out by hashing it again (blob_store_read). */
typedef struct blob_store blob_store;

/* Opens (making them when missing) DIR/blobs/sha256 and DIR/blobs/tmp. */
blob_store *blob_store_open(const char *state_dir, char *error, size_t error_size);
void blob_store_close(blob_store *store);

/* The lowercase hex SHA-256 of `size` bytes (65 chars with the NUL). */
void blob_digest(const uint8_t *data, size_t size, char hex[65]);

/* Stores `data` as the blob `hex` unless it is there already (*existed then). Returns 0, or the
 * errno of the failing step (ENOSPC, EDQUOT and EFBIG mean the disk is full) with the message in
 * `error`; nothing is left under the blob's name then. */
int blob_store_put(blob_store *store, const char *hex, const uint8_t *data, size_t size, bool *existed, char *error,
                   size_t error_size);
/* The path of the blob `hex`. */
void blob_store_path(const blob_store *store, const char *hex, char *out, size_t out_size);
/* Reads the blob `hex` whole and checks that it still hashes to its name: false with "missing"
 * or "corrupt (its bytes hash to ...)" in `error`. On success *data (malloc'd) and *size. */
bool blob_store_read(blob_store *store, const char *hex, uint8_t **data, size_t *size, char *error, size_t error_size);
/* Deletes the blob `hex` (nothing when it is not there). */
void blob_store_remove(blob_store *store, const char *hex);
/* Deletes every temporary, and every blob for which `keep` is false (crash leftovers: a blob
 * written whose database row never committed). Returns how many files it deleted. */
size_t blob_store_sweep(blob_store *store, bool (*keep)(void *user, const char *hex), void *user);

#endif
