/* grants.c: what one service or plugin may reach, built from its manifest or admin entry; variables read from the environment and files. */
#include "grants.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbound.h"

/* A variable's file (a secret, a certificate) is read whole, up to this. */
#define VARIABLE_FILE_MAX_BYTES (1u << 20)

void capability_grants_free(capability_grants *grants)
{
    if (!grants)
        return;
    allow_list_clear(&grants->outbound);
    for (size_t i = 0; i < grants->store_count; i++)
        free(grants->stores[i]);
    free(grants->stores);
    for (size_t i = 0; i < grants->variable_count; i++) {
        free(grants->variables[i].name);
        if (grants->variables[i].value) /* a secret does not stay in freed memory */
            memset(grants->variables[i].value, 0, strlen(grants->variables[i].value));
        free(grants->variables[i].value);
    }
    free(grants->variables);
    free(grants->service);
    free(grants);
}

/* The contents of `path`, without one trailing newline; NULL with why in `error`. */
static char *read_variable_file(const char *name, const char *path, char *error, size_t error_size)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        snprintf(error, error_size, "variable '%s': cannot open its file %s: %s", name, path, strerror(errno));
        return NULL;
    }
    char *text = malloc(VARIABLE_FILE_MAX_BYTES + 1);
    size_t length = text ? fread(text, 1, VARIABLE_FILE_MAX_BYTES + 1, file) : 0;
    bool failed = !text || ferror(file);
    fclose(file);
    if (failed || length > VARIABLE_FILE_MAX_BYTES || memchr(text, '\0', length)) {
        snprintf(error, error_size, "variable '%s': its file %s %s", name, path,
                 !text                              ? "does not fit in memory"
                 : failed                           ? "cannot be read"
                 : length > VARIABLE_FILE_MAX_BYTES ? "is larger than 1 MiB"
                                                    : "holds a NUL byte (a variable is text)");
        free(text);
        return NULL;
    }
    if (length && text[length - 1] == '\n')
        length--;
    if (length && text[length - 1] == '\r')
        length--;
    text[length] = '\0';
    return text;
}

static bool read_variables(capability_grants *grants, const manifest_service *entry, char *error, size_t error_size)
{
    if (!(grants->variables = calloc(entry->variable_count + 1, sizeof *grants->variables))) {
        snprintf(error, error_size, "out of memory");
        return false;
    }
    for (size_t i = 0; i < entry->variable_count; i++, grants->variable_count++) {
        const manifest_setting *setting = &entry->variables[i];
        capability_variable *variable = &grants->variables[i];
        if (!(variable->name = strdup(setting->name))) {
            snprintf(error, error_size, "out of memory");
            return false;
        }
        variable->secret = setting->source != MANIFEST_VALUE_LITERAL;
        if (setting->source == MANIFEST_VALUE_ENV) {
            const char *value = getenv(setting->text);
            if (!value) {
                snprintf(error, error_size, "variable '%s': the environment variable %s is not set", setting->name,
                         setting->text);
                return false;
            }
            variable->value = strdup(value);
        } else if (setting->source == MANIFEST_VALUE_FILE) {
            if (!(variable->value = read_variable_file(setting->name, setting->text, error, error_size)))
                return false;
        } else {
            variable->value = strdup(setting->text);
        }
        if (!variable->value) {
            snprintf(error, error_size, "out of memory");
            return false;
        }
    }
    return true;
}

capability_grants *capability_grants_new(const manifest_service *entry, uint32_t version, service_metrics *metrics,
                                         const capability_host *host, char *error, size_t error_size)
{
    capability_grants *grants = calloc(1, sizeof *grants);
    if (!grants || !(grants->service = strdup(entry->name))) {
        free(grants);
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    grants->version = version;
    grants->metrics = metrics;
    grants->log = host ? host->log : NULL;
    grants->kv = host ? host->kv : NULL;
    grants->max_outbound_requests =
        entry->max_outbound_requests ? entry->max_outbound_requests : OUTBOUND_DEFAULT_REQUESTS;
    grants->max_outbound_response_bytes =
        entry->max_outbound_response_bytes ? entry->max_outbound_response_bytes : OUTBOUND_DEFAULT_RESPONSE_BYTES;
    bool ok = (grants->outbound.rules = calloc(entry->outbound_host_count + 1, sizeof *grants->outbound.rules)) &&
              (grants->stores = calloc(entry->kv_store_count + 1, sizeof *grants->stores));
    if (!ok)
        snprintf(error, error_size, "out of memory");
#ifdef WASMHOST_STATIC
    if (ok && entry->outbound_host_count) {
        snprintf(error, error_size,
                 "allowed_outbound_hosts: this is a static build of wasmhost, without outbound HTTP (its libcurl "
                 "cannot be linked statically on Debian): use the regular build for services that call out");
        ok = false;
    }
#endif
    for (size_t i = 0; ok && i < entry->outbound_host_count; i++) {
        /* The manifest reader checked each entry with the same parser: only memory can fail here. */
        const char *problem = allow_rule_parse(entry->outbound_hosts[i], &grants->outbound.rules[i]);
        if (problem) {
            snprintf(error, error_size, "allowed_outbound_hosts entry '%s' %s", entry->outbound_hosts[i], problem);
            ok = false;
        } else {
            grants->outbound.count++;
        }
    }
    if (ok && entry->kv_store_count && !grants->kv) {
        snprintf(error, error_size, "key_value_stores needs a place for the stores' file, which this host has not");
        ok = false;
    }
    for (size_t i = 0; ok && i < entry->kv_store_count; i++, grants->store_count++)
        if (!(grants->stores[i] = strdup(entry->kv_stores[i]))) {
            snprintf(error, error_size, "out of memory");
            ok = false;
        }
    ok = ok && read_variables(grants, entry, error, error_size);
    if (!ok) {
        capability_grants_free(grants);
        return NULL;
    }
    return grants;
}
