/* state.h: the admin API's durable state: modules, services and their versions in SQLite (DIR/state.db). */
#ifndef WH_STATE_H
#define WH_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One database in WAL mode with synchronous=FULL: a change is durable when its call returns, and
 * each call is one transaction, so a crash at any moment leaves every service at the version of
 * the last change that returned (or the one before). A version's row refers to a module's row,
 * written only after its blob is durable (blobs.h), so no row points at a missing blob. Each call
 * takes the state's lock: any thread may call. */
typedef struct state state;

typedef enum state_result {
    STATE_OK,
    STATE_FULL,   /* the disk (or the file size limit) is full: nothing changed (507) */
    STATE_FAILED, /* anything else the database refused: nothing changed (500) */
} state_result;

/* Opens or makes DIR/state.db with its tables; checks PRAGMA quick_check. */
state *state_open(const char *state_dir, char *error, size_t error_size);
void state_close(state *state);

/* Records a module whose blob is durable (nothing when it is recorded). */
state_result state_add_module(state *state, const char *hex, uint64_t size, char *error, size_t error_size);
/* Whether the module `hex` is recorded; its size in *size. */
bool state_has_module(state *state, const char *hex, uint64_t *size);

typedef struct state_version {
    uint32_t version;
    char module[65];      /* hex digest */
    char *config;         /* the service as the PUT gave it (JSON, compact) */
    char deployed_at[32]; /* "2026-12-07T05:00:00Z" */
    char state[16];       /* "active", "superseded", "rolled_back" */
    char *reason;         /* why it was rolled back; NULL */
    uint32_t previous;    /* the version active when it was deployed; 0: none */
} state_version;
void state_version_clear(state_version *version);

/* Version `version` of `name` (state_next_version: the change lock keeps it so until this call), a
 * `kind` ("service" or "plugin": names are shared), running module `hex` with `config`, made
 * active; the one it replaces is marked superseded. */
state_result state_deploy(state *state, const char *kind, const char *name, uint32_t version, const char *hex,
                          const char *config, char *error, size_t error_size);
/* Makes version `to` of `name` active again; the active one is marked rolled_back with `reason`. */
state_result state_rollback(state *state, const char *name, uint32_t to, const char *reason, char *error,
                            size_t error_size);
/* Deletes `name` and its versions, and the modules no version refers to any more, whose digests
 * come back in *orphans (malloc'd, each malloc'd) for their blobs to be deleted. */
state_result state_remove(state *state, const char *name, char ***orphans, size_t *orphan_count, char *error,
                          size_t error_size);

/* The number the next deploy of `name` gets (1 for a new service). */
uint32_t state_next_version(state *state, const char *name);
/* The active version of `name`; 0 when the service is not in the state. */
uint32_t state_active(state *state, const char *name);
/* Version `version` of `name` into *out (state_version_clear it); false when there is none. */
bool state_get_version(state *state, const char *name, uint32_t version, state_version *out);
/* Every version of `name`, oldest first (each cleared, then the array freed); NULL with *count 0
 * when there are none. */
state_version *state_versions(state *state, const char *name, size_t *count);
/* What `name` is in the state ("service" or "plugin", into `kind`); false when it is not there. */
bool state_kind(state *state, const char *name, char kind[16]);
/* The names of every service of `kind` (NULL: of every kind) in the state, in name order (each
 * freed, then the array). */
char **state_service_names(state *state, const char *kind, size_t *count);

/* Pipelines: a name and its configuration (the PUT's JSON), replaced whole; no versions. */
state_result state_put_pipeline(state *state, const char *name, const char *config, char *error, size_t error_size);
/* *found false when there was no such pipeline (nothing changed). */
state_result state_remove_pipeline(state *state, const char *name, bool *found, char *error, size_t error_size);
/* Every pipeline's name (returned) and configuration (*configs), in name order; each string, then
 * both arrays, freed by the caller. */
char **state_pipelines(state *state, char ***configs, size_t *count);

#endif
