/* admin_operations.c: the admin API's operations (upload, deploy, roll back, remove, list) and loading the state at start. */
#include "admin_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host_clock.h"
#include "manifest.h"

/* Every change below runs under the registry's change lock, in one order: check, compile, make
 * durable (blob, then the database's transaction), then route. A failure before the route leaves
 * everything as it was; the database's commit is the moment a change happens. */

/* [a-z0-9][a-z0-9-]{0,62}: safe in URLs, file names, metric labels and DNS names. */
static bool valid_name(const char *name)
{
    size_t length = strlen(name);
    if (length == 0 || length > 63 || name[0] == '-')
        return false;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
            return false;
    return true;
}

static int bad_name(json_t **reply, const char *name)
{
    return admin_error(reply, 400,
                       "service name '%.80s' is not valid: use 1 to 63 lowercase letters, digits and '-', starting "
                       "with a letter or a digit",
                       name);
}

static int state_failure(json_t **reply, state_result result, const char *error)
{
    return admin_error(reply, result == STATE_FULL ? 507 : 500, "%s; nothing changed", error);
}

static void load_pipelines(admin *a);

/* The body as compact JSON text (what is stored, and read again by a rollback or a restart with
 * the same rules), when it is a JSON object; NULL with a 400 in *reply otherwise, `example`
 * showing what is expected. */
static char *body_object(const uint8_t *body, size_t size, const char *example, json_t **reply)
{
    json_error_t json_error;
    json_t *parsed = json_loadb((const char *)body, size, JSON_REJECT_DUPLICATES, &json_error);
    if (!parsed) {
        admin_error(reply, 400, "the body is not valid JSON: %s (line %d, column %d)", json_error.text, json_error.line,
                    json_error.column);
        return NULL;
    }
    char *config = json_is_object(parsed) ? json_dumps(parsed, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(parsed);
    if (!config)
        admin_error(reply, 400, "the body must be a JSON object: %s", example);
    return config;
}

static bool disk_full(int error_number)
{
    return error_number == ENOSPC || error_number == EDQUOT || error_number == EFBIG;
}

static const char *abi_name(guest_abi abi) { return abi == GUEST_ABI_HTTP ? "http" : "wagi"; }

/* 409 when `name` is taken by the other kind (services and plugins share names), else 0. */
static int other_kind(admin *a, manifest_kind kind, const char *name, json_t **reply)
{
    char recorded[16];
    service *running = registry_find(a->host.registry, name);
    manifest_kind found = running ? running->kind : kind;
    if (running)
        service_release(running);
    else if (state_kind(a->state, name, recorded))
        manifest_kind_from_name(recorded, &found);
    if (found == kind)
        return 0;
    return admin_error(reply, 409, "'%s' is a %s, not a %s: use /v1/%ss/%s", name, manifest_kind_name(found),
                       manifest_kind_name(kind), manifest_kind_name(found), name);
}

/* 0 when `name` may be changed as a `kind` through the API; else the 409 (a manifest's name, or the
 * other kind's) in *reply, `instead` saying what to do for a manifest's. */
static int api_owned(admin *a, manifest_kind kind, const char *name, const char *instead, json_t **reply)
{
    service *current = registry_find(a->host.registry, name);
    bool manifest_owned = current && current->from_manifest;
    manifest_kind owner = current ? current->kind : kind;
    if (current)
        service_release(current);
    if (manifest_owned) /* named by what it is: a PUT /v1/plugins/NAME may meet a manifest service */
        return admin_error(reply, 409, "%s '%s' comes from the manifest: %s", manifest_kind_name(owner), name, instead);
    return other_kind(a, kind, name, reply);
}

static json_t *route_list(const service *s)
{
    json_t *routes = json_array();
    for (size_t i = 0; i < s->route_count; i++)
        json_array_append_new(routes, json_string(s->routes[i].pattern));
    return routes;
}

/* Version `version` of `name` (a service or a plugin) from its stored configuration and module blob. */
static service *build_version(admin *a, manifest_kind kind, const char *name, const state_version *row, char *error,
                              size_t error_size)
{
    manifest_service *entry = manifest_service_read("its stored configuration", (const unsigned char *)row->config,
                                                    strlen(row->config), name, kind, error, error_size);
    if (!entry)
        return NULL;
    char path[4096];
    blob_store_path(a->blobs, row->module, path, sizeof path);
    service *s = NULL;
    if (!(entry->module_path = strdup(path)))
        snprintf(error, error_size, "out of memory");
    else
        s = service_new(entry, row->version, false, a->host.cache, a->host.metrics, a->host.defaults,
                        &a->host.service_log, error, error_size);
    manifest_service_free(entry);
    return s;
}

/* ---- POST /v1/modules ---- */

int admin_upload_module(admin *a, const uint8_t *bytes, size_t size, json_t **reply)
{
    if (size == 0)
        return admin_error(reply, 400, "the body is empty: send the module's bytes (curl --data-binary @app.wasm)");
    char hex[65], error[2048];
    blob_digest(bytes, size, hex);
    if (state_has_module(a->state, hex, NULL)) {
        *reply = json_pack("{s:s+,s:I}", "digest", "sha256:", hex, "size", (json_int_t)size);
        return 200;
    }
    /* Compiled now, so that an invalid module is refused before it is stored (and the deploy
     * that follows finds it compiled). */
    if (!module_cache_check(a->host.cache, bytes, size, error, sizeof error))
        return admin_error(reply, 400, "%s", error);
    bool existed;
    int failure = blob_store_put(a->blobs, hex, bytes, size, &existed, error, sizeof error);
    if (failure)
        return admin_error(reply, disk_full(failure) ? 507 : 500, "%s; nothing stored", error);
    state_result result = state_add_module(a->state, hex, size, error, sizeof error);
    if (result != STATE_OK) {
        if (!existed)
            blob_store_remove(a->blobs, hex);
        return state_failure(reply, result, error);
    }
    access_log_event(a->host.log, "info", NULL, NULL, "admin: stored module sha256:%s (%zu bytes)", hex, size);
    *reply = json_pack("{s:s+,s:I}", "digest", "sha256:", hex, "size", (json_int_t)size);
    return 201;
}

/* ---- PUT /v1/services/NAME ---- */

/* Under the change lock: the checks that need the running services and the state. */
static int deploy_locked(admin *a, const char *name, manifest_service *entry, const char *config, json_t **reply)
{
    char error[2048];
    bool manifest_owned;
    if (!registry_check_api(a->host.registry, name, entry, &manifest_owned, error, sizeof error))
        return admin_error(reply, 409, "%s", error);
    int conflict = other_kind(a, entry->kind, name, reply);
    if (conflict)
        return conflict;
    const char *hex = entry->module_digest + strlen("sha256:");
    if (!state_has_module(a->state, hex, NULL))
        return admin_error(reply, 404, "module %s is not uploaded: POST its bytes to /v1/modules first",
                           entry->module_digest);
    char path[4096];
    blob_store_path(a->blobs, hex, path, sizeof path);
    if (!(entry->module_path = strdup(path)))
        return admin_error(reply, 500, "out of memory");
    uint32_t version = state_next_version(a->state, name);
    service *s = service_new(entry, version, false, a->host.cache, a->host.metrics, a->host.defaults,
                             &a->host.service_log, error, sizeof error);
    if (!s)
        return admin_error(reply, 400, "%s '%s': %s", manifest_kind_name(entry->kind), name, error);
    state_result result =
        state_deploy(a->state, manifest_kind_name(entry->kind), name, version, hex, config, error, sizeof error);
    if (result != STATE_OK) {
        service_release(s);
        return state_failure(reply, result, error);
    }
    if (s->health.window_ns)
        s->health.armed_at_ns = host_now_ns();
    bool routed = registry_put(a->host.registry, s, error, sizeof error);
    service_release(s);
    if (!routed) /* recorded but not routed: the next start routes it */
        return admin_error(reply, 500, "version %u of '%s' is recorded but could not be routed: %s", version, name,
                           error);
    metrics_record_change(a->host.metrics, name, METRICS_DEPLOY);
    access_log_event(a->host.log, "info", name, NULL, "admin: deployed version %u (%s)", version, entry->module_digest);
    *reply = json_pack("{s:s,s:i}", "name", name, "version", (int)version);
    return 200;
}

int admin_put_service(admin *a, manifest_kind kind, const char *name, const uint8_t *body, size_t size, json_t **reply)
{
    if (!valid_name(name))
        return bad_name(reply, name);
    char *config = body_object(body, size,
                               kind == MANIFEST_PLUGIN ? "{\"module\": \"sha256:...\", ...}"
                                                       : "{\"module\": \"sha256:...\", \"routes\": [\"/path\"], ...}",
                               reply);
    if (!config)
        return 400;
    char error[2048];
    /* The stored text is what was read: a later rollback reads it with the same rules. */
    manifest_service *entry = manifest_service_read("request body", (const unsigned char *)config, strlen(config), name,
                                                    kind, error, sizeof error);
    int status;
    if (!entry) {
        status = admin_error(reply, 400, "%s", error);
    } else {
        registry_lock_changes(a->host.registry);
        status = deploy_locked(a, name, entry, config, reply);
        registry_unlock_changes(a->host.registry);
    }
    manifest_service_free(entry);
    free(config);
    return status;
}

/* ---- rollbacks ---- */

/* Under the change lock: makes `target` the active version of `name` in place of `active`. */
static int switch_version(admin *a, manifest_kind kind, const char *name, uint32_t active, const state_version *target,
                          const char *reason, json_t **reply)
{
    char error[2048];
    service *s = build_version(a, kind, name, target, error, sizeof error);
    if (!s)
        return admin_error(reply, 500, "cannot load version %u of '%s': %s", target->version, name, error);
    state_result result = state_rollback(a->state, name, target->version, reason, error, sizeof error);
    if (result != STATE_OK) {
        service_release(s);
        return state_failure(reply, result, error);
    }
    bool routed = registry_put(a->host.registry, s, error, sizeof error);
    service_release(s);
    if (!routed)
        return admin_error(reply, 500, "version %u of '%s' is recorded as active but could not be routed: %s",
                           target->version, name, error);
    metrics_record_change(a->host.metrics, name, METRICS_ROLLBACK);
    access_log_event(a->host.log, "warn", name, NULL, "admin: rolled back from version %u to version %u: %s", active,
                     target->version, reason);
    *reply = json_pack("{s:s,s:i}", "name", name, "version", (int)target->version);
    return 200;
}

/* The version wanted by a rollback's body: {"version": N}, or none (0) when the body is empty. */
static bool rollback_target(const uint8_t *body, size_t size, uint32_t *version, json_t **reply)
{
    *version = 0;
    if (size == 0)
        return true;
    json_error_t json_error;
    json_t *parsed = json_loadb((const char *)body, size, JSON_REJECT_DUPLICATES, &json_error);
    if (!parsed) {
        admin_error(reply, 400, "the body is not valid JSON: %s (line %d, column %d)", json_error.text, json_error.line,
                    json_error.column);
        return false;
    }
    json_t *value = json_is_object(parsed) ? json_object_get(parsed, "version") : NULL;
    bool ok = json_is_object(parsed) && json_object_size(parsed) == (value ? 1u : 0u) &&
              (!value ||
               (json_is_integer(value) && json_integer_value(value) >= 1 && json_integer_value(value) <= UINT32_MAX));
    if (ok && value)
        *version = (uint32_t)json_integer_value(value);
    json_decref(parsed);
    if (!ok)
        admin_error(reply, 400, "the body must be empty or {\"version\": N} with N a version number (1, 2, ...)");
    return ok;
}

/* Under the change lock. */
static int rollback_locked(admin *a, manifest_kind kind, const char *name, uint32_t wanted, json_t **reply)
{
    int refused = api_owned(a, kind, name, "it has no versions to roll back to", reply);
    if (refused)
        return refused;
    uint32_t active = state_active(a->state, name);
    if (!active)
        return admin_error(reply, 404, "no %s '%s' is deployed through the admin API", manifest_kind_name(kind), name);
    state_version active_row, target_row;
    if (!state_get_version(a->state, name, active, &active_row))
        return admin_error(reply, 500, "cannot read version %u of '%s' from the state", active, name);
    uint32_t target = wanted ? wanted : active_row.previous;
    state_version_clear(&active_row);
    if (!target)
        return admin_error(reply, 409, "%s '%s' has no earlier version to roll back to (version %u is its first)",
                           manifest_kind_name(kind), name, active);
    if (target == active)
        return admin_error(reply, 409, "version %u of '%s' is already the active one", target, name);
    if (!state_get_version(a->state, name, target, &target_row))
        return admin_error(reply, 404, "%s '%s' has no version %u", manifest_kind_name(kind), name, target);
    char reason[128];
    snprintf(reason, sizeof reason, "rolled back to version %u through the admin API", target);
    int status = switch_version(a, kind, name, active, &target_row, reason, reply);
    state_version_clear(&target_row);
    return status;
}

int admin_rollback(admin *a, manifest_kind kind, const char *name, const uint8_t *body, size_t size, json_t **reply)
{
    if (!valid_name(name))
        return bad_name(reply, name);
    uint32_t wanted;
    if (!rollback_target(body, size, &wanted, reply))
        return 400;
    registry_lock_changes(a->host.registry);
    int status = rollback_locked(a, kind, name, wanted, reply);
    registry_unlock_changes(a->host.registry);
    return status;
}

void admin_rollback_unhealthy(admin *a, service *s, const char *reason)
{
    registry_lock_changes(a->host.registry);
    service *current = registry_find(a->host.registry, s->name);
    state_version failing = {0}, previous = {0};
    json_t *reply = NULL;
    if (current != s) {
        /* Replaced meanwhile (a deploy or a rollback came first): nothing to undo. */
    } else if (!state_get_version(a->state, s->name, s->version, &failing) || !failing.previous ||
               !state_get_version(a->state, s->name, failing.previous, &previous)) {
        access_log_event(a->host.log, "error", s->name, NULL,
                         "admin: version %u fails its health policy (%s) but has no earlier version to roll back to",
                         s->version, reason);
    } else if (switch_version(a, s->kind, s->name, s->version, &previous, reason, &reply) != 200) {
        json_t *message = json_object_get(reply, "error");
        access_log_event(a->host.log, "error", s->name, NULL, "admin: automatic rollback failed: %s",
                         json_is_string(message) ? json_string_value(message) : "out of memory");
    }
    json_decref(reply);
    state_version_clear(&failing);
    state_version_clear(&previous);
    if (current)
        service_release(current);
    registry_unlock_changes(a->host.registry);
}

/* ---- DELETE /v1/services/NAME ---- */

static int remove_locked(admin *a, manifest_kind kind, const char *name, json_t **reply)
{
    int refused = api_owned(a, kind, name, "remove it there and reload (SIGHUP)", reply);
    if (refused)
        return refused;
    if (!state_active(a->state, name))
        return admin_error(reply, 404, "no %s '%s' is deployed through the admin API", manifest_kind_name(kind), name);
    char error[2048], **orphans;
    size_t orphan_count;
    state_result result = state_remove(a->state, name, &orphans, &orphan_count, error, sizeof error);
    if (result != STATE_OK)
        return state_failure(reply, result, error);
    registry_remove(a->host.registry, name);
    for (size_t i = 0; i < orphan_count; i++) {
        blob_store_remove(a->blobs, orphans[i]);
        free(orphans[i]);
    }
    free(orphans);
    metrics_record_change(a->host.metrics, name, METRICS_REMOVAL);
    access_log_event(a->host.log, "info", name, NULL, "admin: removed (%zu module blobs deleted)", orphan_count);
    *reply = NULL;
    return 204;
}

int admin_remove_service(admin *a, manifest_kind kind, const char *name, json_t **reply)
{
    if (!valid_name(name))
        return bad_name(reply, name);
    registry_lock_changes(a->host.registry);
    int status = remove_locked(a, kind, name, reply);
    registry_unlock_changes(a->host.registry);
    return status;
}

/* ---- GET /v1/services, GET /v1/services/NAME ---- */

static json_t *service_summary(const service *s)
{
    if (s->kind == MANIFEST_PLUGIN)
        return json_pack("{s:s,s:i,s:s,s:s}", "name", s->name, "version", (int)s->version, "module", s->module_id,
                         "source", s->from_manifest ? "manifest" : "api");
    return json_pack("{s:s,s:i,s:s,s:o,s:s,s:s}", "name", s->name, "version", (int)s->version, "module", s->module_id,
                     "routes", route_list(s), "abi", abi_name(s->guest.abi), "source",
                     s->from_manifest ? "manifest" : "api");
}

int admin_list_services(admin *a, manifest_kind kind, json_t **reply)
{
    size_t count, name_count;
    service **all = registry_list(a->host.registry, &count);
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++) {
        if (all[i]->kind == kind)
            json_array_append_new(list, service_summary(all[i]));
        service_release(all[i]);
    }
    free(all);
    /* Services of the state that could not load at start are listed as down. */
    char **names = state_service_names(a->state, manifest_kind_name(kind), &name_count);
    for (size_t i = 0; i < name_count; i++) {
        service *running = registry_find(a->host.registry, names[i]);
        state_version row;
        if (running)
            service_release(running);
        else if (state_get_version(a->state, names[i], state_active(a->state, names[i]), &row)) {
            json_array_append_new(list,
                                  json_pack("{s:s,s:i,s:s+,s:s,s:s}", "name", names[i], "version", (int)row.version,
                                            "module", "sha256:", row.module, "source", "api", "status", "down"));
            state_version_clear(&row);
        }
        free(names[i]);
    }
    free(names);
    *reply = json_pack("{s:o}", kind == MANIFEST_PLUGIN ? "plugins" : "services", list);
    return 200;
}

static json_t *version_list(admin *a, const char *name)
{
    size_t count;
    state_version *versions = state_versions(a->state, name, &count);
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++) {
        json_array_append_new(list, json_pack("{s:i,s:s+,s:s,s:s,s:s?}", "version", (int)versions[i].version, "module",
                                              "sha256:", versions[i].module, "deployed_at", versions[i].deployed_at,
                                              "state", versions[i].state, "reason", versions[i].reason));
        state_version_clear(&versions[i]);
    }
    free(versions);
    return list;
}

int admin_get_service(admin *a, manifest_kind kind, const char *name, json_t **reply)
{
    if (!valid_name(name))
        return bad_name(reply, name);
    int conflict = other_kind(a, kind, name, reply);
    if (conflict)
        return conflict;
    service *running = registry_find(a->host.registry, name);
    if (running && running->from_manifest) {
        *reply = service_summary(running);
        service_release(running);
        return 200;
    }
    state_version row;
    uint32_t active = state_active(a->state, name);
    if (!active || !state_get_version(a->state, name, active, &row)) {
        if (running)
            service_release(running);
        return admin_error(reply, 404, "no %s '%s' is deployed", manifest_kind_name(kind), name);
    }
    /* The configuration as deployed, then what the host adds to it. */
    json_t *out = json_loads(row.config, 0, NULL);
    if (!json_is_object(out)) {
        json_decref(out);
        out = json_object();
    }
    json_object_set_new(out, "name", json_string(name));
    json_object_set_new(out, "version", json_integer(active));
    json_object_set_new(out, "source", json_string("api"));
    json_object_set_new(out, "status", json_string(running ? "running" : "down"));
    json_object_set_new(out, "versions", version_list(a, name));
    state_version_clear(&row);
    if (running)
        service_release(running);
    *reply = out;
    return 200;
}

/* ---- start ---- */

static bool recorded_module(void *user, const char *hex)
{
    admin *a = user;
    return state_has_module(a->state, hex, NULL);
}

/* Routes the active version of `name`; false (logged) when it cannot. */
static bool load_service(admin *a, const char *name)
{
    char error[2048], recorded[16] = "service";
    manifest_kind kind = MANIFEST_SERVICE;
    if (state_kind(a->state, name, recorded))
        manifest_kind_from_name(recorded, &kind);
    state_version row;
    if (!state_get_version(a->state, name, state_active(a->state, name), &row)) {
        access_log_event(a->host.log, "error", name, NULL, "admin: stays down: its active version is not in the state");
        return false;
    }
    uint8_t *bytes;
    size_t size;
    service *s = NULL;
    /* The blob is hashed again: a file changed or cut short on disk must not run. */
    bool ok = blob_store_read(a->blobs, row.module, &bytes, &size, error, sizeof error);
    if (ok) {
        free(bytes);
        ok = (s = build_version(a, kind, name, &row, error, sizeof error)) != NULL &&
             registry_put(a->host.registry, s, error, sizeof error);
    }
    if (!ok)
        access_log_event(a->host.log, "error", name, NULL, "admin: version %u stays down: %s", row.version, error);
    if (s)
        service_release(s);
    state_version_clear(&row);
    return ok;
}

size_t admin_load_services(admin *a)
{
    size_t swept = blob_store_sweep(a->blobs, recorded_module, a);
    if (swept)
        access_log_event(a->host.log, "info", NULL, NULL,
                         "admin: deleted %zu module files no service refers to (left by an interrupted upload)", swept);
    size_t count, down = 0;
    char **names = state_service_names(a->state, NULL, &count);
    registry_lock_changes(a->host.registry);
    for (size_t i = 0; i < count; i++) {
        if (!load_service(a, names[i]))
            down++;
        free(names[i]);
    }
    load_pipelines(a);
    registry_unlock_changes(a->host.registry);
    free(names);
    access_log_event(a->host.log, down ? "error" : "info", NULL, NULL,
                     "admin: %zu services from the state loaded, %zu down", count - down, down);
    return down;
}

/* ---- pipelines: PUT, GET, DELETE /v1/pipelines/NAME, GET /v1/pipelines ---- */

static json_t *pipeline_json(const pipeline *p)
{
    json_t *stages = json_array();
    for (size_t i = 0; i < p->stage_count; i++) {
        char text[300];
        if (strcmp(p->stages[i].export_name, PIPELINE_DEFAULT_EXPORT) == 0)
            snprintf(text, sizeof text, "%s", p->stages[i].plugin);
        else
            snprintf(text, sizeof text, "%s:%s", p->stages[i].plugin, p->stages[i].export_name);
        json_array_append_new(stages, json_string(text));
    }
    return json_pack("{s:s,s:o,s:s}", "name", p->name, "stages", stages, "source",
                     p->from_manifest ? "manifest" : "api");
}

int admin_put_pipeline(admin *a, const char *name, const uint8_t *body, size_t size, json_t **reply)
{
    if (!valid_name(name))
        return admin_error(
            reply, 400,
            "pipeline name '%.80s' is not valid: use 1 to 63 lowercase letters, digits and '-', starting "
            "with a letter or a digit",
            name);
    char *config = body_object(body, size, "{\"stages\": [\"plugin\", \"plugin:export\"]}", reply);
    if (!config)
        return 400;
    char error[2048];
    manifest_pipeline *entry = manifest_pipeline_read("request body", (const unsigned char *)config, strlen(config),
                                                      name, error, sizeof error);
    pipeline *p = entry ? pipeline_new(entry, false) : NULL;
    int status = 200;
    if (!entry) {
        status = admin_error(reply, 400, "%s", error);
    } else if (!p) {
        status = admin_error(reply, 500, "out of memory");
    } else {
        registry_lock_changes(a->host.registry);
        pipeline *current = pipeline_set_find(a->host.pipelines, name);
        bool manifest_owned = current && current->from_manifest;
        pipeline_release(current);
        state_result result = STATE_OK;
        if (manifest_owned)
            status = admin_error(reply, 409,
                                 "pipeline '%s' comes from the manifest: change it there (SIGHUP reloads it), not "
                                 "through the API",
                                 name);
        else if ((result = state_put_pipeline(a->state, name, config, error, sizeof error)) != STATE_OK)
            status = state_failure(reply, result, error);
        else if (!pipeline_set_put(a->host.pipelines, p, error, sizeof error))
            status = admin_error(reply, 500, "pipeline '%s' is recorded but not in use: %s", name, error);
        registry_unlock_changes(a->host.registry);
        if (status == 200) {
            access_log_event(a->host.log, "info", NULL, NULL, "admin: pipeline %s set (%zu stages)", name,
                             p->stage_count);
            *reply = pipeline_json(p);
        }
    }
    pipeline_release(p);
    manifest_pipeline_free(entry);
    free(config);
    return status;
}

int admin_get_pipeline(admin *a, const char *name, json_t **reply)
{
    pipeline *p = pipeline_set_find(a->host.pipelines, name);
    if (!p)
        return admin_error(reply, 404, "no pipeline '%.80s'", name);
    *reply = pipeline_json(p);
    pipeline_release(p);
    return 200;
}

int admin_list_pipelines(admin *a, json_t **reply)
{
    size_t count;
    pipeline **all = pipeline_set_list(a->host.pipelines, &count);
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++) {
        json_array_append_new(list, pipeline_json(all[i]));
        pipeline_release(all[i]);
    }
    free(all);
    *reply = json_pack("{s:o}", "pipelines", list);
    return 200;
}

int admin_remove_pipeline(admin *a, const char *name, json_t **reply)
{
    registry_lock_changes(a->host.registry);
    pipeline *current = pipeline_set_find(a->host.pipelines, name);
    bool manifest_owned = current && current->from_manifest;
    pipeline_release(current);
    char error[2048];
    bool found = false;
    state_result result = STATE_OK;
    int status = 204;
    if (manifest_owned)
        status =
            admin_error(reply, 409, "pipeline '%s' comes from the manifest: remove it there and reload (SIGHUP)", name);
    else if ((result = state_remove_pipeline(a->state, name, &found, error, sizeof error)) != STATE_OK)
        status = state_failure(reply, result, error);
    else if (!found)
        status = admin_error(reply, 404, "no pipeline '%.80s' is deployed through the admin API", name);
    else
        pipeline_set_remove(a->host.pipelines, name);
    registry_unlock_changes(a->host.registry);
    if (status == 204) {
        access_log_event(a->host.log, "info", NULL, NULL, "admin: pipeline %s removed", name);
        *reply = NULL;
    }
    return status;
}

/* The pipelines of the state, at start; one that cannot be read or clashes with the manifest is
 * logged and left out. */
static void load_pipelines(admin *a)
{
    char **configs;
    size_t count;
    char **names = state_pipelines(a->state, &configs, &count);
    for (size_t i = 0; i < count; i++) {
        char error[2048];
        manifest_pipeline *entry = manifest_pipeline_read("its stored configuration", (const unsigned char *)configs[i],
                                                          strlen(configs[i]), names[i], error, sizeof error);
        pipeline *p = entry ? pipeline_new(entry, false) : NULL;
        if (!p || !pipeline_set_put(a->host.pipelines, p, error, sizeof error))
            access_log_event(a->host.log, "error", NULL, NULL, "admin: pipeline %s stays down: %s", names[i],
                             entry && !p ? "out of memory" : error);
        pipeline_release(p);
        manifest_pipeline_free(entry);
        free(names[i]);
        free(configs[i]);
    }
    free(names);
    free(configs);
}
