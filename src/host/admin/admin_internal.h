/* admin_internal.h: what the admin API's files share: the admin object and its operations, each answering with a status and JSON. */
#ifndef WH_ADMIN_INTERNAL_H
#define WH_ADMIN_INTERNAL_H

#include <jansson.h>

#include "admin.h"
#include "blobs.h"
#include "manifest.h"
#include "server.h"
#include "state.h"

struct admin {
    admin_host host;
    state *state;
    blob_store *blobs;
    server *server;
    char *listen_host;
    uint16_t listen_port;
    unsigned char token_digest[32]; /* SHA-256 of the token: compared in constant time */
    bool has_token;
    uint64_t max_module_bytes;
};

/* Each operation answers with an HTTP status and sets *reply to its JSON body (NULL for 204):
 * the result, or {"error": "..."} with a message a user can act on. admin_operations.c. */
int admin_upload_module(admin *admin, const uint8_t *bytes, size_t size, json_t **reply);
/* Services (/v1/services/...) and plugins (/v1/plugins/...) alike, `kind` saying which. */
int admin_put_service(admin *admin, manifest_kind kind, const char *name, const uint8_t *body, size_t size,
                      json_t **reply);
int admin_list_services(admin *admin, manifest_kind kind, json_t **reply);
int admin_get_service(admin *admin, manifest_kind kind, const char *name, json_t **reply);
int admin_rollback(admin *admin, manifest_kind kind, const char *name, const uint8_t *body, size_t size,
                   json_t **reply);
int admin_remove_service(admin *admin, manifest_kind kind, const char *name, json_t **reply);

/* Pipelines: /v1/pipelines/NAME (PUT, GET, DELETE) and GET /v1/pipelines; no versions. */
int admin_put_pipeline(admin *admin, const char *name, const uint8_t *body, size_t size, json_t **reply);
int admin_get_pipeline(admin *admin, const char *name, json_t **reply);
int admin_list_pipelines(admin *admin, json_t **reply);
int admin_remove_pipeline(admin *admin, const char *name, json_t **reply);

/* {"error": MESSAGE} into *reply; returns `status`. */
int admin_error(json_t **reply, int status, const char *format, ...) __attribute__((format(printf, 3, 4)));

#endif
