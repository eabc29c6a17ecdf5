/* manifest.c: reads the serve manifest: YAML (libyaml, for positions), schema (libcyaml), then every check, each error at FILE:LINE:COLUMN. */
#include <cyaml/cyaml.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "manifest.h"

#define MAX_MANIFEST_BYTES (16u << 20)
#define DEFAULT_CACHE_SIZE 64
/* A 32-bit WebAssembly memory holds at most 65536 pages of 64 KiB. */
#define MAX_GUEST_MEMORY (4ull << 30)

/* ---- the schema, as libcyaml reads it ----
 * Every scalar is read as a string: a limit may be written "64KiB" or 65536, and our own
 * conversions give better messages than a type error. env and dirs have keys chosen by the
 * user, which a libcyaml schema cannot express: libcyaml skips them and we read them from the
 * libyaml document. */

typedef struct raw_limits {
    char *max_memory, *timeout, *fuel, *max_body, *concurrency;
} raw_limits;

typedef struct raw_service {
    char *name, *module, *abi, *concurrency;
    char **routes;
    unsigned routes_count;
    raw_limits *limits;
} raw_service;

typedef struct raw_manifest {
    char *listen;
    raw_limits *defaults;
    raw_service *services;
    unsigned services_count;
} raw_manifest;

#define OPTIONAL_STRING(key, type, member) \
    CYAML_FIELD_STRING_PTR(key, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, type, member, 0, CYAML_UNLIMITED)
#define REQUIRED_STRING(key, type, member) \
    CYAML_FIELD_STRING_PTR(key, CYAML_FLAG_POINTER, type, member, 0, CYAML_UNLIMITED)

static const cyaml_schema_field_t limits_fields[] = {
    OPTIONAL_STRING("max_memory", raw_limits, max_memory),
    OPTIONAL_STRING("timeout", raw_limits, timeout),
    OPTIONAL_STRING("fuel", raw_limits, fuel),
    OPTIONAL_STRING("max_body", raw_limits, max_body),
    CYAML_FIELD_END,
};

/* defaults: the same keys as limits, plus concurrency (a service sets it at its top level). */
static const cyaml_schema_field_t defaults_fields[] = {
    OPTIONAL_STRING("timeout", raw_limits, timeout),
    OPTIONAL_STRING("max_memory", raw_limits, max_memory),
    OPTIONAL_STRING("max_body", raw_limits, max_body),
    OPTIONAL_STRING("fuel", raw_limits, fuel),
    OPTIONAL_STRING("concurrency", raw_limits, concurrency),
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t string_value = {
    CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

static const cyaml_schema_field_t service_fields[] = {
    REQUIRED_STRING("name", raw_service, name),
    REQUIRED_STRING("module", raw_service, module),
    OPTIONAL_STRING("abi", raw_service, abi),
    CYAML_FIELD_SEQUENCE("routes", CYAML_FLAG_POINTER, raw_service, routes, &string_value, 0, CYAML_UNLIMITED),
    CYAML_FIELD_IGNORE("env", CYAML_FLAG_OPTIONAL),
    CYAML_FIELD_IGNORE("dirs", CYAML_FLAG_OPTIONAL),
    /* POINTER_NULL_STR: "limits:" with nothing after it (or ~, null) means no limits. */
    CYAML_FIELD_MAPPING_PTR("limits", CYAML_FLAG_POINTER_NULL_STR | CYAML_FLAG_OPTIONAL, raw_service, limits,
                            limits_fields),
    OPTIONAL_STRING("concurrency", raw_service, concurrency),
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t service_value = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, raw_service, service_fields),
};

static const cyaml_schema_field_t top_fields[] = {
    OPTIONAL_STRING("listen", raw_manifest, listen),
    CYAML_FIELD_MAPPING_PTR("defaults", CYAML_FLAG_POINTER_NULL_STR | CYAML_FLAG_OPTIONAL, raw_manifest, defaults,
                            defaults_fields),
    CYAML_FIELD_SEQUENCE("services", CYAML_FLAG_POINTER, raw_manifest, services, &service_value, 0,
                         CYAML_UNLIMITED),
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t top_value = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, raw_manifest, top_fields),
};

/* ---- the loader's state and its error reporting ---- */

typedef struct loader {
    const char *path;
    char *error;
    size_t error_size;
    const unsigned char *text;
    size_t text_size;
    yaml_document_t document;
    bool have_document;
    char log[8192]; /* libcyaml's error messages, for explain_schema_error */
    size_t log_length;
    manifest *manifest;
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

/* Every message names where the problem is: the node's first character (1-based). */
static bool fail_at(loader *l, const yaml_node_t *node, const char *format, ...) __attribute__((format(printf, 3, 4)));
static bool fail_at(loader *l, const yaml_node_t *node, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fail_at_position_v(l, node ? node->start_mark.line + 1 : 1, node ? node->start_mark.column + 1 : 1, format,
                       args);
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

/* ---- the libyaml document: positions of everything, and the env and dirs mappings ---- */

static yaml_node_t *node_get(loader *l, int index)
{
    return yaml_document_get_node(&l->document, index);
}

static const char *scalar_text(const yaml_node_t *node)
{
    return node && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

/* YAML's null written plainly: "key:" with nothing after it, "~" or "null". */
static bool is_empty_scalar(const yaml_node_t *node)
{
    if (!node || node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *text = (const char *)node->data.scalar.value;
    return !*text || strcmp(text, "~") == 0 || strcmp(text, "null") == 0;
}

/* The key node of the `occurrence`-th (0-based) `key` in `mapping`, and its value in *value. */
static yaml_node_t *mapping_find(loader *l, const yaml_node_t *mapping, const char *key, int occurrence,
                                 yaml_node_t **value)
{
    if (!mapping || mapping->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *pair = mapping->data.mapping.pairs.start; pair < mapping->data.mapping.pairs.top; pair++) {
        yaml_node_t *key_node = node_get(l, pair->key);
        const char *text = scalar_text(key_node);
        if (text && strcmp(text, key) == 0 && occurrence-- == 0) {
            if (value)
                *value = node_get(l, pair->value);
            return key_node;
        }
    }
    return NULL;
}

static yaml_node_t *mapping_value(loader *l, const yaml_node_t *mapping, const char *key)
{
    yaml_node_t *value = NULL;
    mapping_find(l, mapping, key, 0, &value);
    return value;
}

static yaml_node_t *sequence_item(loader *l, const yaml_node_t *sequence, size_t index)
{
    if (!sequence || sequence->type != YAML_SEQUENCE_NODE)
        return NULL;
    size_t count = (size_t)(sequence->data.sequence.items.top - sequence->data.sequence.items.start);
    return index < count ? node_get(l, sequence->data.sequence.items.start[index]) : NULL;
}

static const char *node_kind(const yaml_node_t *node)
{
    if (!node)
        return "nothing";
    switch (node->type) {
    case YAML_SEQUENCE_NODE:
        return "a list";
    case YAML_MAPPING_NODE:
        return "a mapping";
    default:
        return "a single value";
    }
}

/* Line and column (1-based) of byte `offset`, for libyaml's reader errors (bad UTF-8), which
 * give an offset instead of a mark. */
static void offset_position(const loader *l, size_t offset, size_t *line, size_t *column)
{
    *line = 1;
    *column = 1;
    for (size_t i = 0; i < offset && i < l->text_size; i++) {
        if (l->text[i] == '\n') {
            (*line)++;
            *column = 1;
        } else {
            (*column)++;
        }
    }
}

static bool syntax_error(loader *l, const yaml_parser_t *parser)
{
    if (parser->error == YAML_MEMORY_ERROR)
        return fail_plain(l, "out of memory");
    if (parser->error == YAML_READER_ERROR) {
        size_t line, column;
        offset_position(l, parser->problem_offset, &line, &column);
        return fail_at_position(l, line, column, "not valid YAML text: %s", parser->problem ? parser->problem : "?");
    }
    size_t line = parser->problem_mark.line + 1, column = parser->problem_mark.column + 1;
    if (parser->context)
        return fail_at_position(l, line, column, "YAML syntax error: %s (%s that starts at line %zu, column %zu)",
                                parser->problem ? parser->problem : "?", parser->context,
                                parser->context_mark.line + 1, parser->context_mark.column + 1);
    return fail_at_position(l, line, column, "YAML syntax error: %s", parser->problem ? parser->problem : "?");
}

/* Keys such as "? [a, b]" are valid YAML that libcyaml rejects without a useful message. The
 * document's nodes are a flat array, so this needs no recursion however deep the nesting. */
static bool keys_are_scalars(loader *l)
{
    for (yaml_node_t *node = l->document.nodes.start; node < l->document.nodes.top; node++) {
        if (node->type != YAML_MAPPING_NODE)
            continue;
        for (yaml_node_pair_t *pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
            yaml_node_t *key = node_get(l, pair->key);
            if (key && key->type != YAML_SCALAR_NODE)
                return fail_at(l, key, "a key must be a name, not %s", node_kind(key));
        }
    }
    return true;
}

/* Parses the text into l->document, reporting syntax errors with their position (libcyaml
 * reports them without one). */
static bool parse_document(loader *l)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return fail_plain(l, "out of memory");
    yaml_parser_set_input_string(&parser, l->text, l->text_size);
    if (!yaml_parser_load(&parser, &l->document)) {
        syntax_error(l, &parser);
        yaml_parser_delete(&parser);
        return false;
    }
    l->have_document = true;
    bool ok = true;
    if (!yaml_document_get_root_node(&l->document)) {
        ok = fail_at_position(l, 1, 1, "the manifest is empty: it needs at least a 'services' list");
    } else if (!keys_are_scalars(l)) {
        ok = false;
    } else {
        /* libcyaml would silently ignore a second document; a stray "---" is more likely a mistake. */
        yaml_document_t next;
        if (!yaml_parser_load(&parser, &next)) {
            ok = syntax_error(l, &parser);
        } else {
            if (yaml_document_get_root_node(&next))
                ok = fail_at_position(l, next.start_mark.line + 1, next.start_mark.column + 1,
                                      "a second YAML document starts here: a manifest is one document");
            yaml_document_delete(&next);
        }
    }
    yaml_parser_delete(&parser);
    return ok;
}

/* ---- libcyaml's errors, in the user's words and at the right place ----
 * libcyaml logs "Load: <problem>" then a backtrace from the innermost place out:
 *   "  in mapping field 'routes' (line: 3, column: 13)", "  in sequence entry '2' (...)",
 *   "  in mapping (...)". We follow that path through the libyaml document to the node at
 * fault, whose position is exact (libcyaml's own is that of the last value it read). */

typedef struct path_step {
    bool is_key; /* else a sequence entry */
    char key[64];
    unsigned index; /* 0-based */
} path_step;

#define MAX_STEPS 16

typedef struct schema_path {
    path_step steps[MAX_STEPS];
    size_t count;
    size_t line, column; /* libcyaml's innermost position: the fallback */
    char problem[256];
} schema_path;

static void collect_log(cyaml_log_t level, void *context, const char *format, va_list args)
{
    loader *l = context;
    if (level < CYAML_LOG_ERROR || l->log_length >= sizeof l->log - 1)
        return;
    int written = vsnprintf(l->log + l->log_length, sizeof l->log - l->log_length, format, args);
    if (written > 0)
        l->log_length += (size_t)written < sizeof l->log - l->log_length ? (size_t)written
                                                                           : sizeof l->log - 1 - l->log_length;
}

/* Reads the "(line: L, column: C)" at the end of a backtrace line. */
static void read_position(const char *line, schema_path *path)
{
    const char *at = strstr(line, "(line: ");
    size_t line_number, column;
    if (at && sscanf(at, "(line: %zu, column: %zu)", &line_number, &column) == 2 && path->line == 0) {
        path->line = line_number;
        path->column = column;
    }
}

static void parse_log(loader *l, schema_path *path)
{
    memset(path, 0, sizeof *path);
    path_step reversed[MAX_STEPS];
    size_t count = 0;
    char *line = l->log;
    while (line && *line) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        if (strncmp(line, "Load: ", 6) == 0 && strcmp(line, "Load: Backtrace:") != 0 && !path->problem[0]) {
            snprintf(path->problem, sizeof path->problem, "%s", line + 6);
        } else if (strncmp(line, "  in mapping field '", 20) == 0) {
            read_position(line, path);
            const char *key = line + 20, *quote = strstr(key, "' (line: ");
            if (quote && count < MAX_STEPS && (size_t)(quote - key) < sizeof reversed[0].key) {
                reversed[count] = (path_step){.is_key = true};
                memcpy(reversed[count].key, key, (size_t)(quote - key));
                count++;
            }
        } else if (strncmp(line, "  in sequence entry '", 21) == 0) {
            read_position(line, path);
            unsigned entry;
            if (sscanf(line + 21, "%u'", &entry) == 1 && entry > 0 && count < MAX_STEPS)
                reversed[count++] = (path_step){.is_key = false, .index = entry - 1}; /* logged 1-based */
        } else if (strncmp(line, "  in mapping (", 14) == 0) {
            read_position(line, path);
        }
        line = end ? end + 1 : NULL;
    }
    for (size_t i = 0; i < count; i++)
        path->steps[i] = reversed[count - 1 - i];
    path->count = count;
}

/* The node reached by the first `depth` steps from the root (NULL if the path leaves the
 * document), and the schema that applies there. */
static yaml_node_t *follow(loader *l, const schema_path *path, size_t depth, const cyaml_schema_value_t **schema)
{
    yaml_node_t *node = yaml_document_get_root_node(&l->document);
    const cyaml_schema_value_t *current = &top_value;
    for (size_t i = 0; i < depth && node; i++) {
        const path_step *step = &path->steps[i];
        if (step->is_key) {
            node = mapping_value(l, node, step->key);
            const cyaml_schema_field_t *field = current && current->type == CYAML_MAPPING ? current->mapping.fields : NULL;
            while (field && field->key && strcmp(field->key, step->key) != 0)
                field++;
            current = field && field->key ? &field->value : NULL;
        } else {
            node = sequence_item(l, node, step->index);
            current = current && current->type == CYAML_SEQUENCE ? current->sequence.entry : NULL;
        }
    }
    if (schema)
        *schema = current;
    return node;
}

/* snprintf whose truncation is expected (long names are cut, never overrun). */
static void format_into(char *out, size_t size, const char *format, ...) __attribute__((format(printf, 3, 4)));
static void format_into(char *out, size_t size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(out, size, format, args);
    va_end(args);
}

/* "the manifest", "'defaults'", "service 'api'", "'routes' in service 'api'",
 * "entry #2 of 'routes' in service 'api'": the place the first `depth` steps lead to. */
static void describe(loader *l, const schema_path *path, size_t depth, char *out, size_t size)
{
    if (depth == 0) {
        snprintf(out, size, "the manifest");
        return;
    }
    const path_step *step = &path->steps[depth - 1];
    char parent[256];
    describe(l, path, depth - 1, parent, sizeof parent);
    if (step->is_key) {
        if (depth == 1)
            snprintf(out, size, "'%s'", step->key);
        else
            format_into(out, size, "'%s' in %s", step->key, parent);
    } else if (depth == 2 && path->steps[0].is_key && strcmp(path->steps[0].key, "services") == 0) {
        const char *name = scalar_text(mapping_value(l, follow(l, path, depth, NULL), "name"));
        if (name && *name)
            snprintf(out, size, "service '%.64s'", name);
        else
            snprintf(out, size, "service #%u", step->index + 1);
    } else {
        format_into(out, size, "entry #%u of %s", step->index + 1, parent);
    }
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
static void suggest_key(const char *key, const cyaml_schema_value_t *schema, char *out, size_t size)
{
    out[0] = '\0';
    if (!schema || schema->type != CYAML_MAPPING)
        return;
    const char *closest = NULL;
    size_t closest_distance = 3; /* suggest only near misses */
    for (const cyaml_schema_field_t *field = schema->mapping.fields; field->key; field++) {
        size_t distance = edit_distance(key, field->key);
        if (distance < closest_distance) {
            closest = field->key;
            closest_distance = distance;
        }
    }
    if (closest) {
        snprintf(out, size, " (did you mean '%s'?)", closest);
        return;
    }
    size_t used = (size_t)snprintf(out, size, " (expected one of:");
    for (const cyaml_schema_field_t *field = schema->mapping.fields; field->key && used < size; field++)
        used += (size_t)snprintf(out + used, size - used, "%s %s", field == schema->mapping.fields ? "" : ",",
                                 field->key);
    if (used < size)
        snprintf(out + used, size - used, ")");
}

/* libcyaml names types in capitals ("SEQUENCE") and YAML events ("SEQUENCE_START"). */
static const char *expected_words(const char *type)
{
    if (strcmp(type, "MAPPING") == 0)
        return "a mapping (key: value lines, or {key: value})";
    if (strcmp(type, "SEQUENCE") == 0)
        return "a list ([a, b], or lines starting with '- ')";
    return "a single value";
}

static bool explain_schema_error(loader *l, cyaml_err_t code)
{
    schema_path path;
    parse_log(l, &path);
    const char *problem = path.problem;
    char place[256], key[128], extra[256];
    const cyaml_schema_value_t *schema = NULL;

    bool missing = false;
    if (sscanf(problem, "Unexpected key: %127[^\n]", key) == 1) {
        /* The backtrace ends "in mapping"; should it end at a field, the mapping is its parent. */
        size_t depth = path.count;
        yaml_node_t *mapping = follow(l, &path, depth, &schema);
        yaml_node_t *key_node = mapping_find(l, mapping, key, 0, NULL);
        if (!key_node && depth > 0 && path.steps[depth - 1].is_key) {
            mapping = follow(l, &path, --depth, &schema);
            key_node = mapping_find(l, mapping, key, 0, NULL);
        }
        if (key_node) {
            suggest_key(key, schema, extra, sizeof extra);
            if (depth == 0)
                return fail_at(l, key_node, "unknown key '%s' at the top level%s", key, extra);
            describe(l, &path, depth, place, sizeof place);
            return fail_at(l, key_node, "unknown key '%s' in %s%s", key, place, extra);
        }
    } else if ((missing = sscanf(problem, "Missing required mapping field: %127[^\n]", key) == 1) ||
               sscanf(problem, "Mapping field already seen: %127[^\n]", key) == 1) {
        /* The backtrace ends at the field libcyaml read last: the mapping is its parent. */
        size_t depth = path.count;
        if (depth > 0 && path.steps[depth - 1].is_key)
            depth--;
        yaml_node_t *mapping = follow(l, &path, depth, NULL);
        describe(l, &path, depth, place, sizeof place);
        if (missing) {
            if (mapping)
                return fail_at(l, mapping, "%s has no '%s', which is required", place, key);
        } else {
            yaml_node_t *second = mapping_find(l, mapping, key, 1, NULL);
            if (second)
                return fail_at(l, second, "'%s' appears twice in %s", key, place);
        }
    } else {
        char expected[32], got[32];
        yaml_node_t *node = follow(l, &path, path.count, NULL);
        describe(l, &path, path.count, place, sizeof place);
        if (node && sscanf(problem, "Expecting %31[A-Z_], got event: %31[A-Z_]", expected, got) == 2) {
            const char *text = scalar_text(node);
            if (text)
                snprintf(extra, sizeof extra, "the value '%.60s'", text);
            else
                snprintf(extra, sizeof extra, "%s", node_kind(node));
            return fail_at(l, node, "%s must be %s, not %s", place, expected_words(expected), extra);
        }
        if (node)
            return fail_at(l, node, "%s: %s", place, problem[0] ? problem : cyaml_strerror(code));
    }
    /* The path did not lead to a node (should not happen): libcyaml's own position. */
    return fail_at_position(l, path.line ? path.line : 1, path.column ? path.column : 1, "%s",
                            problem[0] ? problem : cyaml_strerror(code));
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

/* ---- values ---- */

/* Limits as read from `defaults` or a service's `limits`; has_* says the key was given. */
typedef struct limit_values {
    uint64_t max_memory, timeout, fuel, max_body, concurrency;
    bool has_max_memory, has_timeout, has_fuel, has_max_body, has_concurrency;
} limit_values;

static const char size_help[] = "write bytes (65536) or a number with a unit: KiB, MiB, GiB (powers of 1024) "
                                "or KB, MB, GB (powers of 1000)";
static const char duration_help[] = "write seconds (30, 1.5) or a number with a unit: ms, s, m (e.g. 500ms, 2s)";

/* Reads the limit `key` of the mapping `owner_node` (described as `owner`) from `text`. */
static bool read_limit(loader *l, const yaml_node_t *owner_node, const char *owner, const char *key,
                       const char *text, uint64_t *out, bool *has)
{
    if (!text)
        return true;
    yaml_node_t *node = mapping_value(l, owner_node, key);
    if (!*text)
        return fail_at(l, node, "%s: %s has no value", owner, key);
    bool is_size = strcmp(key, "max_memory") == 0 || strcmp(key, "max_body") == 0;
    if (strcmp(key, "timeout") == 0) {
        if (!manifest_parse_duration(text, out))
            return fail_at(l, node, "%s: %s '%.60s' is not a duration: %s", owner, key, text, duration_help);
        if (*out == 0)
            return fail_at(l, node, "%s: %s must be more than zero", owner, key);
    } else if (is_size) {
        if (!manifest_parse_size(text, out))
            return fail_at(l, node, "%s: %s '%.60s' is not a size: %s", owner, key, text, size_help);
        if (*out == 0)
            return fail_at(l, node, "%s: %s must be more than zero", owner, key);
        if (strcmp(key, "max_memory") == 0 && *out > MAX_GUEST_MEMORY)
            return fail_at(l, node, "%s: %s '%.60s' is more than the 4GiB a WebAssembly memory can hold", owner,
                           key, text);
    } else if (strcmp(key, "concurrency") == 0) {
        if (!manifest_parse_count(text, out) || *out == 0 || *out > UINT32_MAX)
            return fail_at(l, node, "%s: %s '%.60s' must be a whole number of requests, at least 1", owner, key,
                           text);
    } else { /* fuel */
        if (!manifest_parse_count(text, out))
            return fail_at(l, node,
                           "%s: %s '%.60s' must be a whole number of instructions (0: no fuel metering)",
                           owner, key, text);
    }
    *has = true;
    return true;
}

static bool read_limits(loader *l, const raw_limits *raw, const yaml_node_t *node, const char *owner,
                        limit_values *out)
{
    memset(out, 0, sizeof *out);
    if (!raw)
        return true;
    return read_limit(l, node, owner, "max_memory", raw->max_memory, &out->max_memory, &out->has_max_memory) &&
           read_limit(l, node, owner, "timeout", raw->timeout, &out->timeout, &out->has_timeout) &&
           read_limit(l, node, owner, "fuel", raw->fuel, &out->fuel, &out->has_fuel) &&
           read_limit(l, node, owner, "max_body", raw->max_body, &out->max_body, &out->has_max_body) &&
           read_limit(l, node, owner, "concurrency", raw->concurrency, &out->concurrency, &out->has_concurrency);
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

static bool valid_service_name(const char *name)
{
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' ||
              *c == '_' || *c == '.'))
            return false;
    return *name != '\0';
}

/* env: {NAME: value} from the libyaml document (libcyaml skipped it). */
static bool read_env(loader *l, const yaml_node_t *service_node, manifest_service *service)
{
    yaml_node_t *node = mapping_value(l, service_node, "env");
    if (!node || is_empty_scalar(node))
        return true;
    if (node->type != YAML_MAPPING_NODE)
        return fail_at(l, node, "service '%s': 'env' must be a mapping of NAME: value, not %s", service->name,
                       node_kind(node));
    size_t count = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
    service->env = calloc(count ? count : 1, sizeof *service->env);
    if (!service->env)
        return fail_plain(l, "out of memory");
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *key = node_get(l, pair->key), *value = node_get(l, pair->value);
        const char *name = scalar_text(key), *text = scalar_text(value);
        if (!name || !*name || strchr(name, '='))
            return fail_at(l, key, "service '%s': environment variable names must be non-empty words without '='",
                           service->name);
        if (!text)
            return fail_at(l, value, "service '%s': environment variable '%s' must be a single value, not %s",
                           service->name, name, node_kind(value));
        for (size_t i = 0; i < service->env_count; i++)
            if (strcmp(service->env[i].name, name) == 0)
                return fail_at(l, key, "service '%s': environment variable '%s' is set twice",
                               service->name, name);
        manifest_variable *variable = &service->env[service->env_count];
        variable->name = strdup(name);
        variable->value = strdup(text);
        service->env_count++; /* counted now so that manifest_free frees a half-made pair */
        if (!variable->name || !variable->value)
            return fail_plain(l, "out of memory");
    }
    return true;
}

/* dirs: {guest path: host path}, read-only; host paths must be existing directories. */
static bool read_dirs(loader *l, const yaml_node_t *service_node, manifest_service *service)
{
    yaml_node_t *node = mapping_value(l, service_node, "dirs");
    if (!node || is_empty_scalar(node))
        return true;
    if (node->type != YAML_MAPPING_NODE)
        return fail_at(l, node, "service '%s': 'dirs' must be a mapping of guest path: host path, not %s",
                       service->name, node_kind(node));
    size_t count = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
    service->dirs = calloc(count ? count : 1, sizeof *service->dirs);
    if (!service->dirs)
        return fail_plain(l, "out of memory");
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *key = node_get(l, pair->key), *value = node_get(l, pair->value);
        const char *guest = scalar_text(key), *host = scalar_text(value);
        if (!guest || !*guest)
            return fail_at(l, key, "service '%s': a guest path in 'dirs' is empty", service->name);
        if (!host || !*host)
            return fail_at(l, value, "service '%s': the directory for '%s' must be a host path, not %s",
                           service->name, guest, host ? "an empty value" : node_kind(value));
        for (size_t i = 0; i < service->dir_count; i++)
            if (strcmp(service->dirs[i].guest_path, guest) == 0)
                return fail_at(l, key, "service '%s': guest path '%s' appears twice in 'dirs'",
                               service->name, guest);
        manifest_dir *dir = &service->dirs[service->dir_count];
        file_kind kind;
        int error_number;
        dir->guest_path = strdup(guest);
        dir->host_path = resolve(l, host, &kind, &error_number);
        service->dir_count++;
        if (!dir->guest_path || !dir->host_path)
            return fail_plain(l, "out of memory");
        if (kind == FILE_MISSING)
            return fail_at(l, value, "service '%s': directory '%s' for '%s' %s (resolved to %s)",
                           service->name, host, guest, error_number == ENOENT ? "not found" : strerror(error_number),
                           dir->host_path);
        if (kind != FILE_DIRECTORY)
            return fail_at(l, value, "service '%s': '%s' for '%s' is not a directory (resolved to %s)",
                           service->name, host, guest, dir->host_path);
    }
    return true;
}

/* Routes seen so far in the whole manifest, to find the same route in two places. */
typedef struct route_seen {
    const manifest_route *route;
    size_t service_index;
    const yaml_node_t *node;
} route_seen;

static bool read_routes(loader *l, const raw_service *raw, const yaml_node_t *service_node, size_t service_index,
                        route_seen *seen, size_t *seen_count)
{
    manifest_service *service = &l->manifest->services[service_index];
    yaml_node_t *routes_node = mapping_value(l, service_node, "routes");
    if (raw->routes_count == 0)
        return fail_at(l, routes_node, "service '%s': 'routes' is empty: give at least one path (e.g. [/health])",
                       service->name);
    service->routes = calloc(raw->routes_count, sizeof *service->routes);
    if (!service->routes)
        return fail_plain(l, "out of memory");
    for (unsigned r = 0; r < raw->routes_count; r++) {
        const char *text = raw->routes[r];
        yaml_node_t *node = sequence_item(l, routes_node, r);
        const char *problem = route_problem(text);
        if (problem)
            return fail_at(l, node, "service '%s': route '%.100s' %s", service->name, text, problem);
        manifest_route *route = &service->routes[service->route_count];
        size_t length = strlen(text);
        route->prefix = length >= 4 && strcmp(text + length - 4, "/...") == 0;
        if (route->prefix)
            length = length > 4 ? length - 4 : 1; /* "/..." keeps "/" */
        route->path = strndup(text, length);
        if (!route->path)
            return fail_plain(l, "out of memory");
        service->route_count++;
        for (size_t i = 0; i < *seen_count; i++) {
            const route_seen *other = &seen[i];
            if (other->route->prefix != route->prefix || strcmp(other->route->path, route->path) != 0)
                continue;
            if (other->service_index == service_index)
                return fail_at(l, node, "service '%s': route '%.100s' is listed twice", service->name, text);
            return fail_at(l, node, "service '%s': route '%.100s' is already served by service '%s' (line %zu)",
                           service->name, text, l->manifest->services[other->service_index].name,
                           other->node ? other->node->start_mark.line + 1 : 0);
        }
        seen[(*seen_count)++] = (route_seen){.route = route, .service_index = service_index, .node = node};
    }
    return true;
}

static bool read_service(loader *l, const raw_service *raw, const yaml_node_t *node, size_t index,
                         const limit_values *defaults, route_seen *seen, size_t *seen_count)
{
    manifest *m = l->manifest;
    manifest_service *service = &m->services[index];
    service->line = node ? (int)node->start_mark.line + 1 : 1;
    service->column = node ? (int)node->start_mark.column + 1 : 1;

    yaml_node_t *name_node = mapping_value(l, node, "name");
    if (!valid_service_name(raw->name))
        return fail_at(l, name_node,
                       "service name '%.64s' must be a non-empty word of letters, digits, '-', '_' and '.'",
                       raw->name);
    for (size_t i = 0; i < index; i++)
        if (strcmp(m->services[i].name, raw->name) == 0)
            return fail_at(l, name_node, "service name '%s' is used twice (first at line %d)", raw->name,
                           m->services[i].line);
    if (!(service->name = strdup(raw->name)))
        return fail_plain(l, "out of memory");

    yaml_node_t *module_node = mapping_value(l, node, "module");
    if (!*raw->module)
        return fail_at(l, module_node, "service '%s': 'module' is empty: give the path of its .wasm file",
                       service->name);
    file_kind kind;
    int error_number;
    if (!(service->module_path = resolve(l, raw->module, &kind, &error_number)))
        return fail_plain(l, "out of memory");
    if (kind == FILE_MISSING)
        return fail_at(l, module_node, "service '%s': module '%s' %s (resolved to %s)", service->name, raw->module,
                       error_number == ENOENT ? "not found" : strerror(error_number), service->module_path);
    if (kind != FILE_REGULAR)
        return fail_at(l, module_node, "service '%s': module '%s' is not a file (resolved to %s)", service->name,
                       raw->module, service->module_path);
    if (access(service->module_path, R_OK) != 0)
        return fail_at(l, module_node, "service '%s': module '%s' cannot be read: %s (resolved to %s)", service->name,
                       raw->module, strerror(errno), service->module_path);

    if (!raw->abi || strcmp(raw->abi, "wagi") == 0)
        service->abi = MANIFEST_ABI_WAGI;
    else if (strcmp(raw->abi, "http") == 0)
        service->abi = MANIFEST_ABI_HTTP;
    else
        return fail_at(l, mapping_value(l, node, "abi"), "service '%s': abi '%.60s' must be 'wagi' or 'http'",
                       service->name, raw->abi);

    if (!read_routes(l, raw, node, index, seen, seen_count) || !read_env(l, node, service) ||
        !read_dirs(l, node, service))
        return false;

    char owner[128];
    snprintf(owner, sizeof owner, "service '%s'", service->name);
    limit_values own;
    if (!read_limits(l, raw->limits, mapping_value(l, node, "limits"), owner, &own))
        return false;
    raw_limits top_level = {.concurrency = raw->concurrency};
    limit_values top;
    if (!read_limits(l, &top_level, node, owner, &top))
        return false;
    service->max_memory_bytes = own.has_max_memory ? own.max_memory : defaults->max_memory;
    service->timeout_ns = own.has_timeout ? own.timeout : defaults->timeout;
    service->timeout_is_own = own.has_timeout;
    service->fuel = own.has_fuel ? own.fuel : defaults->fuel;
    service->max_body_bytes = own.has_max_body ? own.max_body : defaults->max_body;
    service->concurrency = (uint32_t)(top.has_concurrency ? top.concurrency : defaults->concurrency);
    return true;
}

static bool read_manifest(loader *l, const raw_manifest *raw)
{
    manifest *m = l->manifest;
    yaml_node_t *root = yaml_document_get_root_node(&l->document);
    if (raw->listen) {
        char host[256];
        if (!manifest_parse_listen(raw->listen, host, sizeof host, &m->listen_port))
            return fail_at(l, mapping_value(l, root, "listen"),
                           "listen address '%.100s' is not HOST:PORT (e.g. 127.0.0.1:8080, [::1]:8080 or :8080 "
                           "for every interface)",
                           raw->listen);
        if (!(m->listen_host = strdup(host)))
            return fail_plain(l, "out of memory");
    }
    limit_values defaults;
    if (!read_limits(l, raw->defaults, mapping_value(l, root, "defaults"), "'defaults'", &defaults))
        return false;
    m->default_timeout_ns = defaults.timeout;

    yaml_node_t *services_node = mapping_value(l, root, "services");
    if (raw->services_count == 0)
        return fail_at(l, services_node, "'services' is empty: list at least one service (name, module, routes)");
    m->services = calloc(raw->services_count, sizeof *m->services);
    size_t route_total = 0;
    for (unsigned i = 0; i < raw->services_count; i++)
        route_total += raw->services[i].routes_count;
    route_seen *seen = calloc(route_total ? route_total : 1, sizeof *seen);
    if (!m->services || !seen) {
        free(seen);
        return fail_plain(l, "out of memory");
    }
    size_t seen_count = 0;
    bool ok = true;
    for (unsigned i = 0; ok && i < raw->services_count; i++) {
        m->service_count++; /* before reading, so that manifest_free frees a half-read service */
        ok = read_service(l, &raw->services[i], sequence_item(l, services_node, i), i, &defaults, seen, &seen_count);
    }
    free(seen);
    return ok;
}

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
                                                   : fail_plain(l, "out of memory");
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

manifest *manifest_load(const char *path, char *error, size_t error_size)
{
    loader *l = calloc(1, sizeof *l);
    manifest *m = calloc(1, sizeof *m);
    if (!l || !m) {
        snprintf(error, error_size, "%s: out of memory", path);
        free(l);
        free(m);
        return NULL;
    }
    l->path = path;
    l->error = error;
    l->error_size = error_size;
    l->manifest = m;
    m->cache_size = DEFAULT_CACHE_SIZE;

    unsigned char *text = NULL;
    raw_manifest *raw = NULL;
    const cyaml_config_t config = {
        .log_fn = collect_log,
        .log_ctx = l,
        .mem_fn = cyaml_mem,
        .log_level = CYAML_LOG_ERROR,
        .flags = CYAML_CFG_DEFAULT,
    };
    bool ok = (m->path = strdup(path)) != NULL || fail_plain(l, "out of memory");
    if (ok && !(m->folder = folder_of(path)))
        ok = fail_plain(l, "cannot find the manifest's folder: %s", strerror(errno));
    ok = ok && read_file(l, &text, &l->text_size);
    l->text = text;
    ok = ok && parse_document(l);
    if (ok) {
        cyaml_err_t code = cyaml_load_data(text, l->text_size, &config, &top_value, (cyaml_data_t **)&raw, NULL);
        if (code != CYAML_OK)
            ok = code == CYAML_ERR_OOM ? fail_plain(l, "out of memory") : explain_schema_error(l, code);
        else if (!raw)
            ok = fail_at_position(l, 1, 1, "the manifest is empty: it needs at least a 'services' list");
    }
    ok = ok && read_manifest(l, raw);

    if (raw)
        cyaml_free(&config, &top_value, raw, 0);
    if (l->have_document)
        yaml_document_delete(&l->document);
    free(text);
    free(l);
    if (!ok) {
        manifest_free(m);
        return NULL;
    }
    return m;
}

void manifest_free(manifest *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->service_count; i++) {
        manifest_service *service = &m->services[i];
        free(service->name);
        free(service->module_path);
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
    }
    free(m->services);
    free(m->path);
    free(m->folder);
    free(m->listen_host);
    free(m);
}
