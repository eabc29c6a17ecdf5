/* manifest.c: the serve manifest: its YAML tree walked with one key table per mapping, errors at FILE:LINE:COLUMN. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allow_list.h"
#include "manifest.h"
#include "manifest_yaml.h"

#define MAX_MANIFEST_BYTES (16u << 20)
#define DEFAULT_CACHE_SIZE 64
/* A 32-bit WebAssembly memory holds at most 65536 pages of 64 KiB. */
#define MAX_GUEST_MEMORY (4ull << 30)
/* The most keys one table may have, and the size of a place's description. */
#define MAX_KEYS 16
#define PLACE_SIZE 256

/* ---- the loader's state and its error reporting ---- */

typedef struct loader {
    const char *path;
    char *error;
    size_t error_size;
    manifest *manifest;
    manifest_service defaults;    /* what `defaults` sets: every service starts as a copy of it */
    manifest_names service_names; /* each service's name, with its index */
    manifest_names routes;        /* each route as written, with its service's index and its node */
    manifest_names pipeline_names;
    size_t values_read; /* an alias counts each time it is read */
    bool api;           /* a service of the admin API (manifest_service_read), not a file */
} loader;

static bool fail_at_position_v(loader *l, size_t line, size_t column, const char *format, va_list args)
{
    if (l->error_size == 0)
        return false;
    int used = snprintf(l->error, l->error_size, "%s:%zu:%zu: ", l->path, line, column);
    if (used >= 0 && (size_t)used < l->error_size)
        vsnprintf(l->error + used, l->error_size - (size_t)used, format, args);
    return false;
}

static bool fail_at_position(loader *l, size_t line, size_t column, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
static bool fail_at_position(loader *l, size_t line, size_t column, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fail_at_position_v(l, line, column, format, args);
    va_end(args);
    return false;
}

/* Every message names where the problem is: the node's first character. */
static bool fail_at(loader *l, const manifest_node *node, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
static bool fail_at(loader *l, const manifest_node *node, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fail_at_position_v(l, node->line, node->column, format, args);
    va_end(args);
    return false;
}

static bool fail_plain(loader *l, const char *format, ...) __attribute__((format(printf, 2, 3)));
static bool fail_plain(loader *l, const char *format, ...)
{
    if (l->error_size == 0)
        return false;
    int used = snprintf(l->error, l->error_size, "%s: ", l->path);
    if (used < 0 || (size_t)used >= l->error_size)
        return false;
    va_list args;
    va_start(args, format);
    vsnprintf(l->error + used, l->error_size - (size_t)used, format, args);
    va_end(args);
    return false;
}

static bool out_of_memory(loader *l) { return fail_plain(l, "out of memory"); }

/* ---- the keys of a mapping: one table per mapping ---- */

/* Where a mapping is, for messages. */
typedef struct place {
    const char *text;  /* "the manifest", "'defaults'", "service 'api'", "'limits' in service 'api'" */
    const char *owner; /* what a message about one of its values starts with: "'defaults'", "service 'api'";
                          NULL at the top level */
} place;

typedef struct key_spec key_spec;

/* Checks and converts `node`, the value of `key` in the mapping at `at`, into `target`. */
typedef bool (*read_fn)(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target);

/* What a value must be, in messages. */
static const char *const shape_words[] = {
    [MANIFEST_SCALAR] = "a single value",
    [MANIFEST_LIST] = "a list ([a, b], or lines starting with '- ')",
    [MANIFEST_MAPPING] = "a mapping (key: value lines, or {key: value})",
};

/* One key of a mapping. The walker checks the shape of its value, then calls `read`. */
struct key_spec {
    const char *name;
    manifest_node_kind shape; /* what its value must be; a mapping may also be YAML's null ("limits:",
                                 "limits: ~"): no values */
    bool required;
    const char *what; /* the shape in messages, when more precise than shape_words */
    read_fn read;
    /* Where a generic reader (numbers, choices, nested mappings) puts the value in the target
     * struct, and how wide it is. A key with a reader of its own fills the fields it names. */
    size_t offset, size;
    const key_spec *keys;       /* a nested mapping's own table */
    uint64_t min, max;          /* counts: the range; sizes: the largest */
    const char *help;           /* counts: what a valid one is; sizes: what the largest is */
    const char *const *choices; /* choices: the names, in the order of their enum */
};

#define AT(type, member) .offset = offsetof(type, member), .size = sizeof(((type *)0)->member)

static const key_spec *find_key(const key_spec *table, const char *name)
{
    for (const key_spec *key = table; key->name; key++)
        if (strcmp(key->name, name) == 0)
            return key;
    return NULL;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 32 || lb > 32)
        return SIZE_MAX;
    size_t row[33];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t above = row[j];
            size_t best = diagonal + (a[i - 1] != b[j - 1]);
            if (above + 1 < best)
                best = above + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
        }
    }
    return row[lb];
}

/* " (did you mean 'routes'?)" or " (expected one of: name, module, ...)". */
static void suggest_key(const char *name, const key_spec *table, char *out, size_t size)
{
    const char *closest = NULL;
    size_t closest_distance = 3; /* suggest only near misses */
    for (const key_spec *key = table; key->name; key++) {
        size_t distance = edit_distance(name, key->name);
        if (distance < closest_distance) {
            closest = key->name;
            closest_distance = distance;
        }
    }
    if (closest) {
        snprintf(out, size, " (did you mean '%s'?)", closest);
        return;
    }
    size_t used = (size_t)snprintf(out, size, " (expected one of:");
    for (const key_spec *key = table; key->name && used < size; key++)
        used += (size_t)snprintf(out + used, size - used, "%s %s", key == table ? "" : ",", key->name);
    if (used < size)
        snprintf(out + used, size - used, ")");
}

/* "'routes' in service 'api'" or, at the top level, "'services'": where the value of `name` is. */
static void key_place(const place *at, const char *name, char *out, size_t size)
{
    if (at->owner)
        snprintf(out, size, "'%s' in %.200s", name, at->text);
    else
        snprintf(out, size, "'%s'", name);
}

/* YAML's null written plainly: "key:" with nothing after it, "~" or "null". */
static bool is_null(const manifest_node *node)
{
    return node->kind == MANIFEST_SCALAR && node->plain &&
           (!*node->text || strcmp(node->text, "~") == 0 || strcmp(node->text, "null") == 0);
}

/* "<where> must be <what>, not the value '5'" (or "not a list", "not an empty value"). */
static bool wrong_shape(loader *l, const manifest_node *node, const char *where, const char *what)
{
    if (node->kind != MANIFEST_SCALAR)
        return fail_at(l, node, "%s must be %s, not %s", where, what, manifest_node_kind_name(node));
    if (node->plain && !*node->text)
        return fail_at(l, node, "%s must be %s, not an empty value", where, what);
    return fail_at(l, node, "%s must be %s, not the value '%.60s'", where, what, node->text);
}

/* Counts one value read; an alias to a large list or mapping read in many places could
 * otherwise make a small file cost much time and memory. */
static bool count_value(loader *l, const manifest_node *node)
{
    if (++l->values_read <= MANIFEST_MAX_VALUES)
        return true;
    return fail_at(l, node, "the manifest holds more than %d values once its aliases are expanded",
                   MANIFEST_MAX_VALUES);
}

/* values[i]: the value of table[i] in `mapping`, or NULL. Fails on an unknown key, a key given
 * twice and a required key missing. */
static bool match_keys(loader *l, const manifest_node *mapping, const key_spec *table, const place *at,
                       const manifest_node **values)
{
    for (size_t i = 0; i + 1 < mapping->count; i += 2) {
        const manifest_node *name = mapping->items[i];
        const key_spec *key = find_key(table, name->text);
        if (!key) {
            char suggestion[256];
            suggest_key(name->text, table, suggestion, sizeof suggestion);
            if (!at->owner)
                return fail_at(l, name, "unknown key '%.100s' at the top level%s", name->text, suggestion);
            return fail_at(l, name, "unknown key '%.100s' in %s%s", name->text, at->text, suggestion);
        }
        if (values[key - table])
            return fail_at(l, name, "'%s' appears twice in %s", key->name, at->text);
        values[key - table] = mapping->items[i + 1];
    }
    for (const key_spec *key = table; key->name; key++)
        if (key->required && !values[key - table])
            return fail_at(l, mapping, "%s has no '%s', which is required", at->text, key->name);
    return true;
}

static bool read_value(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    if (!count_value(l, node))
        return false;
    if (key->shape == MANIFEST_MAPPING && is_null(node))
        return true;
    if (node->kind != key->shape) {
        char where[PLACE_SIZE];
        key_place(at, key->name, where, sizeof where);
        return wrong_shape(l, node, where, key->what ? key->what : shape_words[key->shape]);
    }
    return key->read(l, node, key, at, target);
}

/* Reads the mapping `node` with `table` into `target`: keys first (all known, none twice, the
 * required ones there), then each value in the table's order, so that a key may rely on the
 * ones before it (a service's name comes first; `defaults` before `services`). */
static bool walk_mapping(loader *l, const manifest_node *node, const key_spec *table, const place *at, void *target)
{
    const manifest_node *values[MAX_KEYS] = {0};
    if (!match_keys(l, node, table, at, values))
        return false;
    for (const key_spec *key = table; key->name; key++)
        if (values[key - table] && !read_value(l, values[key - table], key, at, target))
            return false;
    return true;
}

/* The mapping `node`, value of `key`, read with key->keys into `target`. */
static bool walk_nested(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    char text[PLACE_SIZE];
    key_place(at, key->name, text, sizeof text);
    const place inner = {text, at->owner ? at->owner : text};
    return walk_mapping(l, node, key->keys, &inner, target);
}

/* ---- paths ---- */

/* The absolute path `joined` with "." segments and doubled slashes removed and ".." applied, for
 * messages about files that do not exist (realpath needs the file). */
static char *clean_path(const char *joined)
{
    char *out = malloc(strlen(joined) + 2);
    if (!out)
        return NULL;
    size_t length = 0;
    for (const char *segment = joined; *segment;) {
        const char *end = segment + strcspn(segment, "/");
        size_t segment_length = (size_t)(end - segment);
        if (segment_length == 0 || (segment_length == 1 && segment[0] == '.')) {
            /* nothing */
        } else if (segment_length == 2 && segment[0] == '.' && segment[1] == '.') {
            while (length > 0 && out[length - 1] != '/')
                length--;
            if (length > 0)
                length--; /* the slash before the dropped segment */
        } else {
            out[length++] = '/';
            memcpy(out + length, segment, segment_length);
            length += segment_length;
        }
        segment = *end ? end + 1 : end;
    }
    if (length == 0)
        out[length++] = '/';
    out[length] = '\0';
    return out;
}

typedef enum file_kind { FILE_MISSING, FILE_REGULAR, FILE_DIRECTORY, FILE_OTHER } file_kind;

/* Resolves `path` (relative to the manifest's folder unless absolute): the real path when the
 * file exists, else the cleaned-up path the message will show. */
static char *resolve(loader *l, const char *path, file_kind *kind, int *error_number)
{
    size_t size = strlen(l->manifest->folder) + strlen(path) + 2;
    char *joined = malloc(size);
    if (!joined)
        return NULL;
    if (path[0] == '/')
        snprintf(joined, size, "%s", path);
    else
        snprintf(joined, size, "%s/%s", l->manifest->folder, path);
    struct stat info;
    char *resolved = NULL;
    if (stat(joined, &info) != 0) {
        *kind = FILE_MISSING;
        *error_number = errno;
        resolved = clean_path(joined);
    } else {
        *kind = S_ISREG(info.st_mode) ? FILE_REGULAR : S_ISDIR(info.st_mode) ? FILE_DIRECTORY : FILE_OTHER;
        *error_number = 0;
        resolved = realpath(joined, NULL);
        if (!resolved)
            resolved = clean_path(joined);
    }
    free(joined);
    return resolved;
}

/* ---- the readers of single values: numbers and choices ---- */

static const char size_help[] = "write bytes (65536) or a number with a unit: KiB, MiB, GiB (powers of 1024) "
                                "or KB, MB, GB (powers of 1000)";
static const char duration_help[] = "write seconds (30, 1.5) or a number with a unit: ms, s, m (e.g. 500ms, 2s)";

/* Stores `value` into the field of `key` in `target`: a uint32_t (or an enum) or a uint64_t. */
static void store_number(void *target, const key_spec *key, uint64_t value)
{
    char *field = (char *)target + key->offset;
    if (key->size == sizeof(uint32_t)) {
        uint32_t narrow = (uint32_t)value;
        memcpy(field, &narrow, sizeof narrow);
    } else {
        memcpy(field, &value, sizeof value);
    }
}

/* A duration, more than zero. */
static bool read_duration(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    uint64_t value;
    if (!*node->text)
        return fail_at(l, node, "%s: %s has no value", at->owner, key->name);
    if (!manifest_parse_duration(node->text, &value))
        return fail_at(l, node, "%s: %s '%.60s' is not a duration: %s", at->owner, key->name, node->text,
                       duration_help);
    if (value == 0)
        return fail_at(l, node, "%s: %s must be more than zero", at->owner, key->name);
    store_number(target, key, value);
    return true;
}

/* A service's own timeout: WASM_TIMEOUT does not replace it (manifest_env_overrides). */
static bool read_own_timeout(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    manifest_service *service = target;
    if (!read_duration(l, node, key, at, service))
        return false;
    service->timeout_is_own = true;
    return true;
}

/* A size, more than zero and at most key->max. */
static bool read_size(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    uint64_t value;
    if (!*node->text)
        return fail_at(l, node, "%s: %s has no value", at->owner, key->name);
    if (!manifest_parse_size(node->text, &value))
        return fail_at(l, node, "%s: %s '%.60s' is not a size: %s", at->owner, key->name, node->text, size_help);
    if (value == 0)
        return fail_at(l, node, "%s: %s must be more than zero", at->owner, key->name);
    if (value > key->max)
        return fail_at(l, node, "%s: %s '%.60s' is more than %s", at->owner, key->name, node->text, key->help);
    store_number(target, key, value);
    return true;
}

/* A whole number from key->min to key->max. */
static bool read_count(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    uint64_t value;
    if (!*node->text)
        return fail_at(l, node, "%s: %s has no value", at->owner, key->name);
    if (!manifest_parse_count(node->text, &value) || value < key->min || value > key->max)
        return fail_at(l, node, "%s: %s '%.60s' must be %s", at->owner, key->name, node->text, key->help);
    store_number(target, key, value);
    return true;
}

/* One of key->choices, stored as its index. */
static bool read_choice(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    size_t count = 0;
    for (; key->choices[count]; count++)
        if (strcmp(node->text, key->choices[count]) == 0) {
            store_number(target, key, count);
            return true;
        }
    char list[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < count && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s'%s'",
                                 i == 0           ? ""
                                 : i + 1 == count ? " or "
                                                  : ", ",
                                 key->choices[i]);
    return fail_at(l, node, "%s: %s '%.60s' must be %s", at->owner, key->name, node->text, list);
}

/* A fraction from 0 to 1, stored as a double. */
static bool read_rate(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    char *end = NULL;
    errno = 0;
    double value = *node->text ? strtod(node->text, &end) : -1;
    if (!end || *end || errno || !(value >= 0 && value <= 1))
        return fail_at(l, node, "%s: %s '%.60s' must be a fraction from 0 to 1 (0.5: more than half)", at->owner,
                       key->name, node->text);
    memcpy((char *)target + key->offset, &value, sizeof value);
    return true;
}

/* The admin API's health policy; min_requests and max_error_rate have defaults. */
static bool read_health(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    manifest_service *service = target;
    service->health.min_requests = 10;
    service->health.max_error_rate = 0.5;
    if (!walk_nested(l, node, key, at, &service->health))
        return false;
    if (!service->health.window_ns)
        return fail_at(l, node, "%s: 'health' needs a 'window' (e.g. \"10s\")", at->owner);
    return true;
}

/* A nested mapping of key->keys, into the same struct (at key->offset). */
static bool read_mapping(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    return walk_nested(l, node, key, at, (char *)target + key->offset);
}

/* ---- the readers of the top level ---- */

static bool read_listen(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    (void)key, (void)at;
    manifest *m = target;
    char host[256];
    if (!manifest_parse_listen(node->text, host, sizeof host, &m->listen_port))
        return fail_at(l, node,
                       "listen address '%.100s' is not HOST:PORT (e.g. 127.0.0.1:8080, [::1]:8080 or :8080 for "
                       "every interface)",
                       node->text);
    if (!(m->listen_host = strdup(host)))
        return out_of_memory(l);
    return true;
}

/* `defaults`: into the loader's template, which every service then starts from. */
static bool read_defaults(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    (void)target;
    return walk_nested(l, node, key, at, &l->defaults);
}

static const char *const kind_names[] = {[MANIFEST_SERVICE] = "service", [MANIFEST_PLUGIN] = "plugin"};

const char *manifest_kind_name(manifest_kind kind) { return kind_names[kind]; }

bool manifest_kind_from_name(const char *name, manifest_kind *kind)
{
    for (size_t i = 0; i < sizeof kind_names / sizeof *kind_names; i++)
        if (strcmp(name, kind_names[i]) == 0) {
            *kind = (manifest_kind)i;
            return true;
        }
    return false;
}

/* "service 'api'", or "service #2" when the entry has no usable name ("plugin ..." for plugins). */
static void service_place(const manifest_node *entry, manifest_kind kind, size_t index, char *out, size_t size)
{
    for (size_t i = 0; entry->kind == MANIFEST_MAPPING && i + 1 < entry->count; i += 2) {
        const manifest_node *value = entry->items[i + 1];
        if (strcmp(entry->items[i]->text, "name") == 0 && value->kind == MANIFEST_SCALAR && *value->text) {
            snprintf(out, size, "%s '%.64s'", manifest_kind_name(kind), value->text);
            return;
        }
    }
    snprintf(out, size, "%s #%zu", manifest_kind_name(kind), index + 1);
}

/* services or plugins: a list of mappings of key->keys, appended to the manifest's entries. */
static bool read_entries(loader *l, const manifest_node *node, const key_spec *key, manifest *m, manifest_kind kind)
{
    if (node->count == 0)
        return fail_at(l, node, "'%ss' is empty: list at least one %s (name, module%s)", manifest_kind_name(kind),
                       manifest_kind_name(kind), kind == MANIFEST_SERVICE ? ", routes" : "");
    manifest_service *grown = realloc(m->services, (m->service_count + node->count) * sizeof *grown);
    if (!grown)
        return out_of_memory(l);
    m->services = grown;
    size_t first = m->service_count;
    for (size_t i = 0; i < node->count; i++) {
        const manifest_node *entry = node->items[i];
        char text[PLACE_SIZE];
        service_place(entry, kind, i, text, sizeof text);
        if (!count_value(l, entry))
            return false;
        if (entry->kind != MANIFEST_MAPPING)
            return wrong_shape(l, entry, text, shape_words[MANIFEST_MAPPING]);
        manifest_service *service = &m->services[first + i];
        *service = l->defaults;
        service->kind = kind;
        service->line = (int)entry->line;
        service->column = (int)entry->column;
        m->service_count++; /* counted before reading: freed if half read */
        const place here = {text, text};
        if (!walk_mapping(l, entry, key->keys, &here, service))
            return false;
    }
    return true;
}

static bool read_services(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    (void)at;
    return read_entries(l, node, key, target, MANIFEST_SERVICE);
}

static bool read_plugins(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    (void)at;
    return read_entries(l, node, key, target, MANIFEST_PLUGIN);
}

/* ---- the readers of a service ---- */

static bool valid_service_name(const char *name)
{
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' ||
              *c == '_' || *c == '.'))
            return false;
    return *name != '\0';
}

static bool read_name(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    (void)key, (void)at;
    manifest_service *service = target;
    size_t index = (size_t)(service - l->manifest->services);
    if (!valid_service_name(node->text))
        return fail_at(l, node, "%s name '%.64s' must be a non-empty word of letters, digits, '-', '_' and '.'",
                       manifest_kind_name(service->kind), node->text);
    manifest_name *earlier;
    if (!manifest_names_add(&l->service_names, node->text, node, index, &earlier))
        return out_of_memory(l);
    if (earlier) { /* services and plugins share the names: metrics and logs name either alike */
        manifest_kind first = l->manifest->services[earlier->index].kind;
        return fail_at(l, node, "%s name '%s' is used twice (first at line %d%s%s)", manifest_kind_name(service->kind),
                       node->text, l->manifest->services[earlier->index].line, first != service->kind ? ", by a " : "",
                       first != service->kind ? manifest_kind_name(first) : "");
    }
    if (!(service->name = strdup(node->text)))
        return out_of_memory(l);
    return true;
}

/* The admin API names a module by the digest POST /v1/modules answered: "sha256:" and 64 hex digits. */
/* The admin API takes the name from the URL; a "name" in the body must agree with it. */
static bool read_api_name(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    (void)key;
    manifest_service *service = target;
    if (strcmp(node->text, service->name) != 0)
        return fail_at(l, node, "%s: 'name' is '%.64s' but the URL names '%s'", at->owner, node->text, service->name);
    return true;
}

static bool read_module_digest(loader *l, const manifest_node *node, const place *at, manifest_service *service)
{
    const char *text = node->text;
    size_t hex = strspn(text + (strncmp(text, "sha256:", 7) == 0 ? 7 : 0), "0123456789abcdef");
    if (strncmp(text, "sha256:", 7) != 0 || hex != 64 || text[7 + hex] != '\0')
        return fail_at(l, node,
                       "%s: module '%.80s' is not a module digest: give the \"digest\" POST /v1/modules answered "
                       "(sha256: and 64 lowercase hex digits)",
                       at->owner, text);
    return (service->module_digest = strdup(text)) != NULL || out_of_memory(l);
}

static bool read_module(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    (void)key;
    manifest_service *service = target;
    const char *text = node->text;
    if (l->api)
        return read_module_digest(l, node, at, service);
    if (!*text)
        return fail_at(l, node, "%s: 'module' is empty: give the path of its .wasm file", at->owner);
    file_kind kind;
    int error_number;
    if (!(service->module_path = resolve(l, text, &kind, &error_number)))
        return out_of_memory(l);
    if (kind == FILE_MISSING)
        return fail_at(l, node, "%s: module '%s' %s (resolved to %s)", at->owner, text,
                       error_number == ENOENT ? "not found" : strerror(error_number), service->module_path);
    if (kind != FILE_REGULAR)
        return fail_at(l, node, "%s: module '%s' is not a file (resolved to %s)", at->owner, text,
                       service->module_path);
    if (access(service->module_path, R_OK) != 0)
        return fail_at(l, node, "%s: module '%s' cannot be read: %s (resolved to %s)", at->owner, text, strerror(errno),
                       service->module_path);
    return true;
}

/* init: the export run once at load, whose state every request starts from (docs/snapshots.md). */
static bool read_init(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    (void)key;
    manifest_service *service = target;
    if (!node->text[0])
        return fail_at(l, node, "%s: 'init' is empty: give the name of the export that initialises the module",
                       at->owner);
    return (service->init_export = strdup(node->text)) != NULL || out_of_memory(l);
}

/* Why `route` is not a valid route, or NULL. */
static const char *route_problem(const char *route)
{
    if (route[0] != '/')
        return "must start with '/'";
    for (const char *c = route; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f || *c == '?' || *c == '#')
            return "must be a plain path: no spaces, '?' or '#' (routes match the path, not the query)";
    size_t length = strlen(route);
    const char *dots = strstr(route, "...");
    if (dots && (dots != route + length - 3 || dots[-1] != '/'))
        return "may use '...' only at its very end, after a '/' (e.g. /api/...)";
    size_t base_length = dots ? length - 4 : length; /* without "/..." */
    for (size_t i = 0; i < base_length; i++) {
        if (route[i] != '/')
            continue;
        size_t segment = strcspn(route + i + 1, "/");
        if (i + 1 + segment > base_length)
            segment = base_length - i - 1;
        if (segment == 0 && i + 1 < base_length)
            return "has an empty segment ('//')";
        if ((segment == 1 && route[i + 1] == '.') || (segment == 2 && route[i + 1] == '.' && route[i + 2] == '.'))
            return "must not contain '.' or '..' segments";
    }
    return NULL;
}

/* One route of the service at `index`; the same route (as written: "/api/..." and "/api" differ)
 * may appear once in the whole manifest. */
static bool read_route(loader *l, const manifest_node *node, const place *at, manifest_service *service, size_t index)
{
    const char *text = node->text;
    const char *problem = route_problem(text);
    if (problem)
        return fail_at(l, node, "%s: route '%.100s' %s", at->owner, text, problem);
    manifest_route *route = &service->routes[service->route_count];
    size_t length = strlen(text);
    route->prefix = length >= 4 && strcmp(text + length - 4, "/...") == 0;
    if (route->prefix)
        length = length > 4 ? length - 4 : 1; /* "/..." keeps "/" */
    if (!(route->path = strndup(text, length)))
        return out_of_memory(l);
    service->route_count++;
    manifest_name *earlier;
    if (!manifest_names_add(&l->routes, text, node, index, &earlier))
        return out_of_memory(l);
    if (!earlier)
        return true;
    if (earlier->index == index)
        return fail_at(l, node, "%s: route '%.100s' is listed twice", at->owner, text);
    return fail_at(l, node, "%s: route '%.100s' is already served by service '%s' (line %zu)", at->owner, text,
                   l->manifest->services[earlier->index].name, earlier->node->line);
}

/* Each item of the list `node` (the value of `key`), which must all be single values, through
 * `read_item` (its index from 0); `entry_word` names an item in messages ("entry #2 of ..."). */
static bool read_scalars(loader *l, const manifest_node *node, const key_spec *key, const place *at,
                         const char *entry_word,
                         bool (*read_item)(loader *, const manifest_node *, size_t, const place *, void *),
                         void *target)
{
    for (size_t i = 0; i < node->count; i++) {
        const manifest_node *item = node->items[i];
        if (!count_value(l, item))
            return false;
        if (item->kind != MANIFEST_SCALAR) {
            char where[PLACE_SIZE], entry[PLACE_SIZE + 32];
            key_place(at, key->name, where, sizeof where);
            snprintf(entry, sizeof entry, "%s #%zu of %s", entry_word, i + 1, where);
            return wrong_shape(l, item, entry, shape_words[MANIFEST_SCALAR]);
        }
        if (!read_item(l, item, i, at, target))
            return false;
    }
    return true;
}

static bool read_route_item(loader *l, const manifest_node *item, size_t index, const place *at, void *target)
{
    (void)index;
    manifest_service *service = target;
    return read_route(l, item, at, service, (size_t)(service - l->manifest->services));
}

static bool read_routes(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    manifest_service *service = target;
    if (node->count == 0)
        return fail_at(l, node, "%s: 'routes' is empty: give at least one path (e.g. [/health])", at->owner);
    if (!(service->routes = calloc(node->count, sizeof *service->routes)))
        return out_of_memory(l);
    return read_scalars(l, node, key, at, "entry", read_route_item, service);
}

/* One NAME: value of env; `names` holds the names before it. */
static bool read_variable(loader *l, const manifest_node *name_node, const manifest_node *value, const place *at,
                          manifest_service *service, manifest_names *names)
{
    const char *name = name_node->text;
    if (!*name || strchr(name, '='))
        return fail_at(l, name_node, "%s: environment variable names must be non-empty words without '='", at->owner);
    if (value->kind != MANIFEST_SCALAR)
        return fail_at(l, value, "%s: environment variable '%s' must be a single value, not %s", at->owner, name,
                       manifest_node_kind_name(value));
    manifest_name *earlier;
    if (!manifest_names_add(names, name, name_node, 0, &earlier))
        return out_of_memory(l);
    if (earlier)
        return fail_at(l, name_node, "%s: environment variable '%s' is set twice", at->owner, name);
    manifest_variable *variable = &service->env[service->env_count++]; /* counted first: freed if half made */
    variable->name = strdup(name);
    variable->value = strdup(value->text);
    return (variable->name && variable->value) || out_of_memory(l);
}

/* env: {NAME: value}, values taken as written. */
static bool read_env(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    (void)key;
    manifest_service *service = target;
    if (!(service->env = calloc(node->count / 2 + 1, sizeof *service->env)))
        return out_of_memory(l);
    manifest_names names = {0};
    bool ok = true;
    for (size_t i = 0; ok && i + 1 < node->count; i += 2)
        ok = count_value(l, node->items[i + 1]) &&
             read_variable(l, node->items[i], node->items[i + 1], at, service, &names);
    manifest_names_free(&names);
    return ok;
}

/* One guest path: host path of dirs; `guests` holds the guest paths before it. */
static bool read_dir(loader *l, const manifest_node *guest_node, const manifest_node *value, const place *at,
                     manifest_service *service, manifest_names *guests)
{
    const char *guest = guest_node->text, *host = value->kind == MANIFEST_SCALAR ? value->text : NULL;
    if (!*guest)
        return fail_at(l, guest_node, "%s: a guest path in 'dirs' is empty", at->owner);
    if (!host || !*host)
        return fail_at(l, value, "%s: the directory for '%s' must be a host path, not %s", at->owner, guest,
                       host ? "an empty value" : manifest_node_kind_name(value));
    if (l->api && host[0] != '/')
        return fail_at(l, value, "%s: the directory '%.100s' for '%s' must be an absolute path", at->owner, host,
                       guest);
    manifest_name *earlier;
    if (!manifest_names_add(guests, guest, guest_node, 0, &earlier))
        return out_of_memory(l);
    if (earlier)
        return fail_at(l, guest_node, "%s: guest path '%s' appears twice in 'dirs'", at->owner, guest);
    manifest_dir *dir = &service->dirs[service->dir_count++]; /* counted first: freed if half made */
    file_kind kind;
    int error_number;
    dir->guest_path = strdup(guest);
    dir->host_path = resolve(l, host, &kind, &error_number);
    if (!dir->guest_path || !dir->host_path)
        return out_of_memory(l);
    if (kind == FILE_MISSING)
        return fail_at(l, value, "%s: directory '%s' for '%s' %s (resolved to %s)", at->owner, host, guest,
                       error_number == ENOENT ? "not found" : strerror(error_number), dir->host_path);
    if (kind != FILE_DIRECTORY)
        return fail_at(l, value, "%s: '%s' for '%s' is not a directory (resolved to %s)", at->owner, host, guest,
                       dir->host_path);
    return true;
}

/* dirs: {guest path: host path}, read-only; host paths must be existing directories. */
static bool read_dirs(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    (void)key;
    manifest_service *service = target;
    if (!(service->dirs = calloc(node->count / 2 + 1, sizeof *service->dirs)))
        return out_of_memory(l);
    manifest_names guests = {0};
    bool ok = true;
    for (size_t i = 0; ok && i + 1 < node->count; i += 2)
        ok =
            count_value(l, node->items[i + 1]) && read_dir(l, node->items[i], node->items[i + 1], at, service, &guests);
    manifest_names_free(&guests);
    return ok;
}

/* ---- the readers of what a guest may reach (docs/abi.md, "wasmhost_capabilities") ---- */

static bool read_outbound_item(loader *l, const manifest_node *item, size_t index, const place *at, void *target)
{
    manifest_service *service = target;
    allow_rule rule;
    const char *problem = allow_rule_parse(item->text, &rule);
    free(rule.host);
    if (problem)
        return fail_at(l, item, "%s: allowed_outbound_hosts entry #%zu '%.100s' %s", at->owner, index + 1, item->text,
                       problem);
    return (service->outbound_hosts[service->outbound_host_count++] = strdup(item->text)) != NULL || out_of_memory(l);
}

/* allowed_outbound_hosts: [https://api.example.com, "http://127.0.0.1:*", ...] */
static bool read_outbound_hosts(loader *l, const manifest_node *node, const key_spec *key, const place *at,
                                void *target)
{
    manifest_service *service = target;
    if (!(service->outbound_hosts = calloc(node->count + 1, sizeof *service->outbound_hosts)))
        return out_of_memory(l);
    return read_scalars(l, node, key, at, "entry", read_outbound_item, service);
}

static bool read_store_item(loader *l, const manifest_node *item, size_t index, const place *at, void *target)
{
    manifest_service *service = target;
    if (!valid_service_name(item->text))
        return fail_at(l, item,
                       "%s: key-value store #%zu '%.64s' must be a non-empty word of letters, digits, '-', "
                       "'_' and '.'",
                       at->owner, index + 1, item->text);
    for (size_t i = 0; i < service->kv_store_count; i++)
        if (strcmp(service->kv_stores[i], item->text) == 0)
            return fail_at(l, item, "%s: key-value store '%s' is listed twice", at->owner, item->text);
    return (service->kv_stores[service->kv_store_count++] = strdup(item->text)) != NULL || out_of_memory(l);
}

/* key_value_stores: [links, sessions]: stores shared by every entry that names them. */
static bool read_kv_stores(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    manifest_service *service = target;
    if (!(service->kv_stores = calloc(node->count + 1, sizeof *service->kv_stores)))
        return out_of_memory(l);
    return read_scalars(l, node, key, at, "store", read_store_item, service);
}

/* One variable's value: a single value, {env: NAME} or {file: PATH}. */
static bool read_setting_value(loader *l, const manifest_node *value, const place *at, manifest_setting *setting)
{
    if (value->kind == MANIFEST_SCALAR) {
        setting->source = MANIFEST_VALUE_LITERAL;
        return (setting->text = strdup(value->text)) != NULL || out_of_memory(l);
    }
    const manifest_node *source = value->kind == MANIFEST_MAPPING && value->count == 2 ? value->items[0] : NULL;
    const manifest_node *text = source ? value->items[1] : NULL;
    bool env = source && strcmp(source->text, "env") == 0, file = source && strcmp(source->text, "file") == 0;
    if (!(env || file) || text->kind != MANIFEST_SCALAR || !*text->text)
        return fail_at(l, value,
                       "%s: variable '%s' must be a single value, {env: NAME} (the host's environment variable) or "
                       "{file: PATH} (a file's contents, for secrets)",
                       at->owner, setting->name);
    if (!count_value(l, text))
        return false;
    setting->source = env ? MANIFEST_VALUE_ENV : MANIFEST_VALUE_FILE;
    if (env)
        return (setting->text = strdup(text->text)) != NULL || out_of_memory(l);
    if (l->api && text->text[0] != '/')
        return fail_at(l, text, "%s: the file of variable '%s' must be an absolute path", at->owner, setting->name);
    file_kind kind;
    int error_number;
    return (setting->text = resolve(l, text->text, &kind, &error_number)) != NULL || out_of_memory(l);
}

/* variables: {name: value, token: {env: API_TOKEN}, key: {file: secrets/key}}. */
static bool read_variables(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    (void)key;
    manifest_service *service = target;
    if (!(service->variables = calloc(node->count / 2 + 1, sizeof *service->variables)))
        return out_of_memory(l);
    manifest_names names = {0};
    bool ok = true;
    for (size_t i = 0; ok && i + 1 < node->count; i += 2) {
        const manifest_node *name = node->items[i], *value = node->items[i + 1];
        manifest_name *earlier = NULL;
        if (!count_value(l, value))
            ok = false;
        else if (!valid_service_name(name->text))
            ok = fail_at(l, name,
                         "%s: variable name '%.64s' must be a non-empty word of letters, digits, '-', '_' "
                         "and '.'",
                         at->owner, name->text);
        else if (!manifest_names_add(&names, name->text, name, 0, &earlier))
            ok = out_of_memory(l);
        else if (earlier)
            ok = fail_at(l, name, "%s: variable '%s' is set twice", at->owner, name->text);
        if (!ok)
            break;
        manifest_setting *setting = &service->variables[service->variable_count++]; /* counted first: freed */
        ok =
            (setting->name = strdup(name->text)) != NULL ? read_setting_value(l, value, at, setting) : out_of_memory(l);
    }
    manifest_names_free(&names);
    return ok;
}

/* ---- the readers of a pipeline ---- */

/* Why `stage` is not "plugin" or "plugin:export", or NULL. */
static const char *stage_problem(const char *stage)
{
    const char *colon = strchr(stage, ':');
    size_t plugin_length = colon ? (size_t)(colon - stage) : strlen(stage);
    if (plugin_length == 0)
        return "names no plugin: write \"plugin\" or \"plugin:export\"";
    for (size_t i = 0; i < plugin_length; i++)
        if (!((stage[i] >= 'a' && stage[i] <= 'z') || (stage[i] >= 'A' && stage[i] <= 'Z') ||
              (stage[i] >= '0' && stage[i] <= '9') || stage[i] == '-' || stage[i] == '_' || stage[i] == '.'))
            return "is not \"plugin\" or \"plugin:export\" (a plugin name is letters, digits, '-', '_' and '.')";
    if (colon && (!colon[1] || strchr(colon + 1, ':') || strpbrk(colon + 1, " \t/")))
        return "has an empty or malformed export after ':'";
    return NULL;
}

static bool read_pipeline_name(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    (void)key, (void)at;
    manifest_pipeline *pipeline = target;
    if (l->api) {
        if (strcmp(node->text, pipeline->name) != 0)
            return fail_at(l, node, "%s: 'name' is '%.64s' but the URL names '%s'", at->owner, node->text,
                           pipeline->name);
        return true;
    }
    if (!valid_service_name(node->text))
        return fail_at(l, node, "pipeline name '%.64s' must be a non-empty word of letters, digits, '-', '_' and '.'",
                       node->text);
    manifest_name *earlier;
    if (!manifest_names_add(&l->pipeline_names, node->text, node, 0, &earlier))
        return out_of_memory(l);
    if (earlier)
        return fail_at(l, node, "pipeline name '%s' is used twice (first at line %zu)", node->text,
                       earlier->node->line);
    return (pipeline->name = strdup(node->text)) != NULL || out_of_memory(l);
}

static bool read_stage_item(loader *l, const manifest_node *item, size_t index, const place *at, void *target)
{
    manifest_pipeline *pipeline = target;
    const char *problem = stage_problem(item->text);
    if (problem)
        return fail_at(l, item, "%s: stage #%zu '%.100s' %s", at->owner, index + 1, item->text, problem);
    return (pipeline->stages[pipeline->stage_count++] = strdup(item->text)) != NULL || out_of_memory(l);
}

static bool read_stages(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    manifest_pipeline *pipeline = target;
    if (node->count == 0)
        return fail_at(l, node, "%s: 'stages' is empty: list the plugins to call in turn", at->owner);
    if (!(pipeline->stages = calloc(node->count, sizeof *pipeline->stages)))
        return out_of_memory(l);
    return read_scalars(l, node, key, at, "stage", read_stage_item, pipeline);
}

static bool read_pipelines(loader *l, const manifest_node *node, const key_spec *key, const place *at, void *target)
{
    (void)at;
    manifest *m = target;
    if (node->count == 0)
        return fail_at(l, node, "'pipelines' is empty: list at least one pipeline (name, stages)");
    if (!(m->pipelines = calloc(node->count, sizeof *m->pipelines)))
        return out_of_memory(l);
    for (size_t i = 0; i < node->count; i++) {
        const manifest_node *entry = node->items[i];
        char text[PLACE_SIZE];
        snprintf(text, sizeof text, "pipeline #%zu", i + 1);
        for (size_t k = 0; entry->kind == MANIFEST_MAPPING && k + 1 < entry->count; k += 2)
            if (strcmp(entry->items[k]->text, "name") == 0 && entry->items[k + 1]->kind == MANIFEST_SCALAR)
                snprintf(text, sizeof text, "pipeline '%.64s'", entry->items[k + 1]->text);
        if (!count_value(l, entry))
            return false;
        if (entry->kind != MANIFEST_MAPPING)
            return wrong_shape(l, entry, text, shape_words[MANIFEST_MAPPING]);
        manifest_pipeline *pipeline = &m->pipelines[m->pipeline_count++]; /* counted first: freed if half read */
        pipeline->line = (int)entry->line;
        pipeline->column = (int)entry->column;
        const place here = {text, text};
        if (!walk_mapping(l, entry, key->keys, &here, pipeline))
            return false;
    }
    return true;
}

/* ---- the tables: every key of the manifest, once ----
 * A mapping's values are read in its table's order. `limits` and `defaults` share their rows;
 * both fill a manifest_service (`defaults` the template every service starts from). */

static const char *const abi_names[] = {[MANIFEST_ABI_WAGI] = "wagi", [MANIFEST_ABI_HTTP] = "http", NULL};

/* One row per line (the formatter would give each field a line of its own). */
/* clang-format off */
#define LIMIT_KEYS(timeout_reader)                                                                    \
    {"timeout", MANIFEST_SCALAR, .read = timeout_reader, AT(manifest_service, timeout_ns)},           \
    {"max_memory", MANIFEST_SCALAR, .read = read_size, AT(manifest_service, max_memory_bytes),        \
     .max = MAX_GUEST_MEMORY, .help = "the 4GiB a WebAssembly memory can hold"},                      \
    {"max_body", MANIFEST_SCALAR, .read = read_size, AT(manifest_service, max_body_bytes),            \
     .max = UINT64_MAX},                                                                              \
    {"fuel", MANIFEST_SCALAR, .read = read_count, AT(manifest_service, fuel), .max = UINT64_MAX,      \
     .help = "a whole number of instructions (0: no fuel metering)"},                                 \
    {"outbound_requests", MANIFEST_SCALAR, .read = read_count,                                        \
     AT(manifest_service, max_outbound_requests), .min = 1, .max = 10000,                             \
     .help = "a whole number of outbound requests per request, from 1 to 10000"},                     \
    {"outbound_response", MANIFEST_SCALAR, .read = read_size,                                         \
     AT(manifest_service, max_outbound_response_bytes), .max = 1ull << 30, .help = "1GiB"}

#define CONCURRENCY_KEY                                                                               \
    {"concurrency", MANIFEST_SCALAR, .read = read_count, AT(manifest_service, concurrency), .min = 1,  \
     .max = UINT32_MAX, .help = "a whole number of requests, at least 1"}

static const key_spec limits_keys[] = {LIMIT_KEYS(read_own_timeout), {0}};

static const key_spec defaults_keys[] = {LIMIT_KEYS(read_duration), CONCURRENCY_KEY, {0}};

/* What a service's HTTP side is: its ABI and routes (plugins have neither). */
#define HTTP_KEYS                                                                                     \
    {"abi", MANIFEST_SCALAR, .read = read_choice, AT(manifest_service, abi), .choices = abi_names},   \
    {"routes", MANIFEST_LIST, .required = true, .read = read_routes}

/* What services and plugins share, in a manifest and in the admin API alike. */
#define RUN_KEYS                                                                                      \
    {"init", MANIFEST_SCALAR, .read = read_init},                                                     \
    {"env", MANIFEST_MAPPING, .what = "a mapping of NAME: value", .read = read_env},                  \
    {"limits", MANIFEST_MAPPING, .read = read_mapping, .offset = 0 /* into the service */,            \
     .keys = limits_keys},                                                                            \
    CONCURRENCY_KEY,                                                                                  \
    {"allowed_outbound_hosts", MANIFEST_LIST, .read = read_outbound_hosts},                           \
    {"key_value_stores", MANIFEST_LIST, .read = read_kv_stores},                                      \
    {"variables", MANIFEST_MAPPING, .what = "a mapping of name: value, {env: NAME} or {file: PATH}",  \
     .read = read_variables}

/* Read-only directories: services only (a plugin gets bytes, not files). */
#define DIRS_KEY {"dirs", MANIFEST_MAPPING, .what = "a mapping of guest path: host path", .read = read_dirs}

static const key_spec service_keys[] = {
    {"name", MANIFEST_SCALAR, .required = true, .read = read_name},
    {"module", MANIFEST_SCALAR, .required = true, .read = read_module},
    HTTP_KEYS,
    RUN_KEYS,
    DIRS_KEY,
    {0},
};

static const key_spec plugin_keys[] = {
    {"name", MANIFEST_SCALAR, .required = true, .read = read_name},
    {"module", MANIFEST_SCALAR, .required = true, .read = read_module},
    RUN_KEYS,
    {0},
};

static const key_spec health_keys[] = {
    {"window", MANIFEST_SCALAR, .read = read_duration, AT(manifest_health, window_ns)},
    {"min_requests", MANIFEST_SCALAR, .read = read_count, AT(manifest_health, min_requests), .min = 1,
     .max = UINT32_MAX, .help = "a whole number of requests, at least 1"},
    {"max_error_rate", MANIFEST_SCALAR, .read = read_rate, AT(manifest_health, max_error_rate)},
    {0},
};

/* PUT /v1/services/NAME: the name is the URL's, the module a digest, and a health policy. */
static const key_spec api_service_keys[] = {
    {"name", MANIFEST_SCALAR, .read = read_api_name},
    {"module", MANIFEST_SCALAR, .required = true, .read = read_module},
    HTTP_KEYS,
    RUN_KEYS,
    DIRS_KEY,
    {"health", MANIFEST_MAPPING, .read = read_health, .keys = health_keys},
    {0},
};

/* PUT /v1/plugins/NAME: the same without routes and ABI. */
static const key_spec api_plugin_keys[] = {
    {"name", MANIFEST_SCALAR, .read = read_api_name},
    {"module", MANIFEST_SCALAR, .required = true, .read = read_module},
    RUN_KEYS,
    {"health", MANIFEST_MAPPING, .read = read_health, .keys = health_keys},
    {0},
};

/* A pipeline in the manifest, and as PUT /v1/pipelines/NAME takes it (the name from the URL). */
static const key_spec pipeline_keys[] = {
    {"name", MANIFEST_SCALAR, .required = true, .read = read_pipeline_name},
    {"stages", MANIFEST_LIST, .required = true, .read = read_stages},
    {0},
};

static const key_spec api_pipeline_keys[] = {
    {"name", MANIFEST_SCALAR, .read = read_pipeline_name},
    {"stages", MANIFEST_LIST, .required = true, .read = read_stages},
    {0},
};

static const key_spec top_keys[] = {
    {"listen", MANIFEST_SCALAR, .read = read_listen},
    {"defaults", MANIFEST_MAPPING, .read = read_defaults, .keys = defaults_keys},
    {"services", MANIFEST_LIST, .read = read_services, .keys = service_keys},
    {"plugins", MANIFEST_LIST, .read = read_plugins, .keys = plugin_keys},
    {"pipelines", MANIFEST_LIST, .read = read_pipelines, .keys = pipeline_keys},
    {0},
};

/* clang-format on */

#define KEY_COUNT(table) (sizeof table / sizeof *table - 1)
_Static_assert(KEY_COUNT(limits_keys) <= MAX_KEYS && KEY_COUNT(defaults_keys) <= MAX_KEYS &&
                   KEY_COUNT(service_keys) <= MAX_KEYS && KEY_COUNT(top_keys) <= MAX_KEYS &&
                   KEY_COUNT(api_service_keys) <= MAX_KEYS && KEY_COUNT(health_keys) <= MAX_KEYS &&
                   KEY_COUNT(api_plugin_keys) <= MAX_KEYS && KEY_COUNT(plugin_keys) <= MAX_KEYS &&
                   KEY_COUNT(pipeline_keys) <= MAX_KEYS && KEY_COUNT(api_pipeline_keys) <= MAX_KEYS,
               "walk_mapping holds at most MAX_KEYS values");

/* ---- loading ---- */

static bool read_file(loader *l, unsigned char **text, size_t *size)
{
    FILE *file = fopen(l->path, "rb");
    if (!file)
        return fail_plain(l, "cannot open the manifest: %s", strerror(errno));
    unsigned char *buffer = NULL;
    size_t length = 0, capacity = 0;
    bool ok = true;
    for (;;) {
        if (length == capacity) {
            capacity = capacity ? capacity * 2 : 4096;
            unsigned char *grown = capacity > MAX_MANIFEST_BYTES ? NULL : realloc(buffer, capacity);
            if (!grown) {
                ok = capacity > MAX_MANIFEST_BYTES ? fail_plain(l, "the manifest is larger than 16 MiB")
                                                   : out_of_memory(l);
                break;
            }
            buffer = grown;
        }
        size_t got = fread(buffer + length, 1, capacity - length, file);
        length += got;
        if (got == 0) {
            if (ferror(file))
                ok = fail_plain(l, "cannot read the manifest: %s", strerror(errno));
            break;
        }
    }
    fclose(file);
    if (!ok) {
        free(buffer);
        return false;
    }
    *text = buffer;
    *size = length;
    return true;
}

/* The absolute folder of `path`, with symbolic links resolved. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *folder;
    if (!slash)
        folder = strdup(".");
    else if (slash == path)
        folder = strdup("/");
    else
        folder = strndup(path, (size_t)(slash - path));
    if (!folder)
        return NULL;
    char *resolved = realpath(folder, NULL);
    free(folder);
    return resolved;
}

/* The file's text, as YAML, into `yaml`, then the top-level mapping into the manifest. */
static bool read_manifest(loader *l, const unsigned char *text, size_t size, manifest_yaml *yaml)
{
    manifest_yaml_error error;
    if (!manifest_yaml_read(text, size, yaml, &error)) {
        if (error.line == 0)
            return fail_plain(l, "%s", error.message);
        return fail_at_position(l, error.line, error.column, "%s", error.message);
    }
    const manifest_node *root = yaml->root;
    if (!root || is_null(root))
        return fail_at_position(l, 1, 1, "the manifest is empty: it needs at least a 'services' list");
    if (root->kind != MANIFEST_MAPPING)
        return wrong_shape(l, root, "the manifest", shape_words[MANIFEST_MAPPING]);
    const place top = {"the manifest", NULL};
    if (!walk_mapping(l, root, top_keys, &top, l->manifest))
        return false;
    if (l->manifest->service_count == 0)
        return fail_at(l, root, "the manifest has no 'services' and no 'plugins': list at least one");
    l->manifest->default_timeout_ns = l->defaults.timeout_ns;
    return true;
}

manifest *manifest_load(const char *path, char *error, size_t error_size)
{
    loader l = {.path = path, .error = error, .error_size = error_size};
    manifest *m = l.manifest = calloc(1, sizeof *m);
    if (!m) {
        out_of_memory(&l);
        return NULL;
    }
    m->cache_size = DEFAULT_CACHE_SIZE;
    unsigned char *text = NULL;
    size_t size = 0;
    manifest_yaml yaml = {0};
    bool ok = (m->path = strdup(path)) != NULL || out_of_memory(&l);
    if (ok && !(m->folder = folder_of(path)))
        ok = fail_plain(&l, "cannot find the manifest's folder: %s", strerror(errno));
    ok = ok && read_file(&l, &text, &size) && read_manifest(&l, text, size, &yaml);
    manifest_yaml_free(&yaml);
    manifest_names_free(&l.service_names);
    manifest_names_free(&l.routes);
    manifest_names_free(&l.pipeline_names);
    free(text);
    if (!ok) {
        manifest_free(m);
        return NULL;
    }
    return m;
}

/* Frees what a service entry holds (not the entry). */
static void service_clear(manifest_service *service)
{
    free(service->name);
    free(service->module_path);
    free(service->module_digest);
    free(service->init_export);
    for (size_t r = 0; r < service->route_count; r++)
        free(service->routes[r].path);
    free(service->routes);
    for (size_t e = 0; e < service->env_count; e++) {
        free(service->env[e].name);
        free(service->env[e].value);
    }
    free(service->env);
    for (size_t d = 0; d < service->dir_count; d++) {
        free(service->dirs[d].host_path);
        free(service->dirs[d].guest_path);
    }
    free(service->dirs);
    for (size_t i = 0; i < service->outbound_host_count; i++)
        free(service->outbound_hosts[i]);
    free(service->outbound_hosts);
    for (size_t i = 0; i < service->kv_store_count; i++)
        free(service->kv_stores[i]);
    free(service->kv_stores);
    for (size_t i = 0; i < service->variable_count; i++) {
        free(service->variables[i].name);
        free(service->variables[i].text);
    }
    free(service->variables);
}

static void pipeline_clear(manifest_pipeline *pipeline)
{
    free(pipeline->name);
    for (size_t i = 0; i < pipeline->stage_count; i++)
        free(pipeline->stages[i]);
    free(pipeline->stages);
}

void manifest_free(manifest *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->service_count; i++)
        service_clear(&m->services[i]);
    free(m->services);
    for (size_t i = 0; i < m->pipeline_count; i++)
        pipeline_clear(&m->pipelines[i]);
    free(m->pipelines);
    free(m->path);
    free(m->folder);
    free(m->listen_host);
    free(m);
}

manifest_service *manifest_service_read(const char *origin, const unsigned char *text, size_t size, const char *name,
                                        manifest_kind kind, char *error, size_t error_size)
{
    loader l = {.path = origin, .error = error, .error_size = error_size, .api = true};
    manifest *m = l.manifest = calloc(1, sizeof *m);
    manifest_service *out = NULL;
    manifest_yaml yaml = {0};
    if (!m || !(m->folder = strdup("/")) || !(m->services = calloc(1, sizeof *m->services)) ||
        !(m->services[m->service_count++].name = strdup(name))) {
        out_of_memory(&l);
        goto done;
    }
    manifest_yaml_error yaml_error;
    if (!manifest_yaml_read(text, size, &yaml, &yaml_error)) {
        if (yaml_error.line == 0)
            fail_plain(&l, "%s", yaml_error.message);
        else
            fail_at_position(&l, yaml_error.line, yaml_error.column, "%s", yaml_error.message);
        goto done;
    }
    m->services[0].kind = kind;
    if (!yaml.root || yaml.root->kind != MANIFEST_MAPPING) {
        fail_plain(&l, "a %s must be an object with at least \"module\"%s", manifest_kind_name(kind),
                   kind == MANIFEST_SERVICE ? " and \"routes\"" : "");
        goto done;
    }
    char where[PLACE_SIZE];
    snprintf(where, sizeof where, "%s '%.64s'", manifest_kind_name(kind), name);
    const place here = {where, where};
    if (!walk_mapping(&l, yaml.root, kind == MANIFEST_PLUGIN ? api_plugin_keys : api_service_keys, &here,
                      &m->services[0]))
        goto done;
    if ((out = malloc(sizeof *out)) == NULL) {
        out_of_memory(&l);
        goto done;
    }
    *out = m->services[0];
    m->service_count = 0; /* moved out */
done:
    manifest_yaml_free(&yaml);
    manifest_names_free(&l.service_names);
    manifest_names_free(&l.routes);
    manifest_free(m);
    return out;
}

void manifest_service_free(manifest_service *service)
{
    if (!service)
        return;
    service_clear(service);
    free(service);
}

manifest_pipeline *manifest_pipeline_read(const char *origin, const unsigned char *text, size_t size, const char *name,
                                          char *error, size_t error_size)
{
    loader l = {.path = origin, .error = error, .error_size = error_size, .api = true};
    manifest_pipeline *out = calloc(1, sizeof *out);
    manifest_yaml yaml = {0};
    manifest_yaml_error yaml_error;
    bool ok = out && (out->name = strdup(name)) != NULL;
    if (!ok)
        out_of_memory(&l);
    else if (!manifest_yaml_read(text, size, &yaml, &yaml_error))
        ok = yaml_error.line ? fail_at_position(&l, yaml_error.line, yaml_error.column, "%s", yaml_error.message)
                             : fail_plain(&l, "%s", yaml_error.message);
    else if (!yaml.root || yaml.root->kind != MANIFEST_MAPPING)
        ok = fail_plain(&l, "a pipeline must be an object: {\"stages\": [\"plugin\", \"plugin:export\", ...]}");
    if (ok) {
        char where[PLACE_SIZE];
        snprintf(where, sizeof where, "pipeline '%.64s'", name);
        const place here = {where, where};
        ok = walk_mapping(&l, yaml.root, api_pipeline_keys, &here, out);
    }
    manifest_yaml_free(&yaml);
    if (!ok) {
        manifest_pipeline_free(out);
        return NULL;
    }
    return out;
}

void manifest_pipeline_free(manifest_pipeline *pipeline)
{
    if (!pipeline)
        return;
    pipeline_clear(pipeline);
    free(pipeline);
}
