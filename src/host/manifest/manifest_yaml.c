/* manifest_yaml.c: the manifest's YAML read once from libyaml events into positioned nodes; a name set for repeats. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "manifest_yaml.h"

#define NODES_PER_BLOCK 256

struct manifest_node_block {
    manifest_node_block *next;
    size_t used;
    manifest_node nodes[NODES_PER_BLOCK];
};

/* The reader's state: the lists and mappings still open, innermost last, and the anchors. */
typedef struct composer {
    yaml_parser_t parser;
    const unsigned char *text;
    size_t size;
    manifest_yaml *yaml;
    manifest_yaml_error *error;
    manifest_node *open[MANIFEST_MAX_DEPTH];
    size_t depth;
    size_t documents;
    manifest_names anchors;
} composer;

static bool fail(composer *c, size_t line, size_t column, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
static bool fail(composer *c, size_t line, size_t column, const char *format, ...)
{
    c->error->line = line;
    c->error->column = column;
    va_list args;
    va_start(args, format);
    vsnprintf(c->error->message, sizeof c->error->message, format, args);
    va_end(args);
    return false;
}

/* Line and column (from 1) of byte `offset`, for libyaml's reader errors (bad UTF-8), which
 * give an offset instead of a mark. */
static void offset_position(const composer *c, size_t offset, size_t *line, size_t *column)
{
    *line = 1;
    *column = 1;
    for (size_t i = 0; i < offset && i < c->size; i++) {
        if (c->text[i] == '\n') {
            (*line)++;
            *column = 1;
        } else {
            (*column)++;
        }
    }
}

static bool syntax_error(composer *c)
{
    const yaml_parser_t *parser = &c->parser;
    const char *problem = parser->problem ? parser->problem : "?";
    if (parser->error == YAML_MEMORY_ERROR)
        return fail(c, 0, 0, "out of memory");
    if (parser->error == YAML_READER_ERROR) {
        size_t line, column;
        offset_position(c, parser->problem_offset, &line, &column);
        return fail(c, line, column, "not valid YAML text: %s", problem);
    }
    size_t line = parser->problem_mark.line + 1, column = parser->problem_mark.column + 1;
    if (parser->context)
        return fail(c, line, column, "YAML syntax error: %s (%s that starts at line %zu, column %zu)", problem,
                    parser->context, parser->context_mark.line + 1, parser->context_mark.column + 1);
    return fail(c, line, column, "YAML syntax error: %s", problem);
}

const char *manifest_node_kind_name(const manifest_node *node)
{
    return node->kind == MANIFEST_LIST ? "a list" : node->kind == MANIFEST_MAPPING ? "a mapping" : "a single value";
}

/* ---- nodes ---- */

static manifest_node *new_node(composer *c, manifest_node_kind kind, yaml_mark_t mark, const yaml_char_t *anchor)
{
    manifest_yaml *yaml = c->yaml;
    if (yaml->node_count >= MANIFEST_MAX_VALUES) {
        fail(c, mark.line + 1, mark.column + 1, "the manifest holds more than %d values", MANIFEST_MAX_VALUES);
        return NULL;
    }
    if (!yaml->blocks || yaml->blocks->used == NODES_PER_BLOCK) {
        manifest_node_block *block = malloc(sizeof *block);
        if (!block) {
            fail(c, 0, 0, "out of memory");
            return NULL;
        }
        block->next = yaml->blocks;
        block->used = 0;
        yaml->blocks = block;
    }
    manifest_node *node = &yaml->blocks->nodes[yaml->blocks->used++];
    yaml->node_count++;
    *node = (manifest_node){.kind = kind, .line = mark.line + 1, .column = mark.column + 1};
    if (anchor && !(node->anchor = strdup((const char *)anchor))) {
        fail(c, 0, 0, "out of memory");
        return NULL;
    }
    return node;
}

/* Makes `node` the next item of the innermost open list or mapping (or the document's root).
 * `mark` is where it is written: an alias's own place, not its anchor's. */
static bool attach(composer *c, manifest_node *node, yaml_mark_t mark)
{
    if (c->depth == 0) {
        c->yaml->root = node;
        return true;
    }
    manifest_node *parent = c->open[c->depth - 1];
    if (parent->kind == MANIFEST_MAPPING && parent->count % 2 == 0 && node->kind != MANIFEST_SCALAR)
        return fail(c, mark.line + 1, mark.column + 1, "a key must be a name, not %s", manifest_node_kind_name(node));
    if (parent->count == parent->capacity) {
        size_t capacity = parent->capacity ? parent->capacity * 2 : 4;
        manifest_node **items = realloc(parent->items, capacity * sizeof *items);
        if (!items)
            return fail(c, 0, 0, "out of memory");
        parent->items = items;
        parent->capacity = capacity;
    }
    parent->items[parent->count++] = node;
    return true;
}

/* A node becomes an anchor's target once complete, so an alias inside it finds nothing (YAML
 * has no cycles); an anchor defined again refers to its latest node from then on. */
static bool register_anchor(composer *c, manifest_node *node)
{
    if (!node->anchor)
        return true;
    manifest_name *earlier;
    if (!manifest_names_add(&c->anchors, node->anchor, node, 0, &earlier))
        return fail(c, 0, 0, "out of memory");
    if (earlier) {
        earlier->name = node->anchor;
        earlier->node = node;
    }
    return true;
}

static bool on_scalar(composer *c, const yaml_event_t *event)
{
    manifest_node *node = new_node(c, MANIFEST_SCALAR, event->start_mark, event->data.scalar.anchor);
    if (!node)
        return false;
    size_t length = event->data.scalar.length;
    if (memchr(event->data.scalar.value, '\0', length))
        return fail(c, node->line, node->column, "a value holds a NUL character ('\\0'), which a manifest cannot use");
    if (!(node->text = malloc(length + 1)))
        return fail(c, 0, 0, "out of memory");
    memcpy(node->text, event->data.scalar.value, length);
    node->text[length] = '\0';
    node->plain = event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    return attach(c, node, event->start_mark) && register_anchor(c, node);
}

static bool on_collection_start(composer *c, const yaml_event_t *event, manifest_node_kind kind,
                                const yaml_char_t *anchor)
{
    if (c->depth == MANIFEST_MAX_DEPTH)
        return fail(c, event->start_mark.line + 1, event->start_mark.column + 1,
                    "lists and mappings are nested more than %d deep here", MANIFEST_MAX_DEPTH);
    manifest_node *node = new_node(c, kind, event->start_mark, anchor);
    if (!node || !attach(c, node, event->start_mark))
        return false;
    c->open[c->depth++] = node;
    return true;
}

static bool on_alias(composer *c, const yaml_event_t *event)
{
    const char *name = (const char *)event->data.alias.anchor;
    const manifest_name *anchor = manifest_names_find(&c->anchors, name);
    size_t line = event->start_mark.line + 1, column = event->start_mark.column + 1;
    for (size_t i = 0; !anchor && i < c->depth; i++)
        if (c->open[i]->anchor && strcmp(c->open[i]->anchor, name) == 0)
            return fail(c, line, column, "alias '*%.60s' is inside the node it refers to (line %zu)", name,
                        c->open[i]->line);
    if (!anchor)
        return fail(c, line, column, "YAML syntax error: found undefined alias '*%.60s'", name);
    return attach(c, (manifest_node *)anchor->node, event->start_mark);
}

static bool on_event(composer *c, const yaml_event_t *event, bool *done)
{
    switch (event->type) {
    case YAML_STREAM_END_EVENT: *done = true; return true;
    case YAML_DOCUMENT_START_EVENT:
        if (c->documents++ > 0)
            return fail(c, event->start_mark.line + 1, event->start_mark.column + 1,
                        "a second YAML document starts here: a manifest is one document");
        return true;
    case YAML_SCALAR_EVENT: return on_scalar(c, event);
    case YAML_SEQUENCE_START_EVENT:
        return on_collection_start(c, event, MANIFEST_LIST, event->data.sequence_start.anchor);
    case YAML_MAPPING_START_EVENT:
        return on_collection_start(c, event, MANIFEST_MAPPING, event->data.mapping_start.anchor);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: /* libyaml pairs every end with its start */
        return c->depth == 0 || register_anchor(c, c->open[--c->depth]);
    case YAML_ALIAS_EVENT: return on_alias(c, event);
    default: return true;
    }
}

bool manifest_yaml_read(const unsigned char *text, size_t size, manifest_yaml *yaml, manifest_yaml_error *error)
{
    *yaml = (manifest_yaml){0};
    *error = (manifest_yaml_error){0};
    composer c = {.text = text, .size = size, .yaml = yaml, .error = error};
    if (!yaml_parser_initialize(&c.parser))
        return fail(&c, 0, 0, "out of memory");
    yaml_parser_set_input_string(&c.parser, text, size);
    bool ok = true, done = false;
    while (ok && !done) {
        yaml_event_t event;
        if (!yaml_parser_parse(&c.parser, &event)) {
            ok = syntax_error(&c);
            break;
        }
        ok = on_event(&c, &event, &done);
        yaml_event_delete(&event);
    }
    manifest_names_free(&c.anchors);
    yaml_parser_delete(&c.parser);
    if (!ok)
        manifest_yaml_free(yaml);
    return ok;
}

void manifest_yaml_free(manifest_yaml *yaml)
{
    for (manifest_node_block *block = yaml->blocks, *next; block; block = next) {
        next = block->next;
        for (size_t i = 0; i < block->used; i++) {
            free(block->nodes[i].text);
            free(block->nodes[i].items);
            free(block->nodes[i].anchor);
        }
        free(block);
    }
    *yaml = (manifest_yaml){0};
}

/* ---- the name set: open addressing, linear probing, at most half full ---- */

static uint64_t hash_name(const char *name)
{
    uint64_t hash = 0xcbf29ce484222325ull; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        hash = (hash ^ *p) * 0x100000001b3ull;
    return hash;
}

static manifest_name *find_slot(manifest_name *slots, size_t capacity, const char *name)
{
    size_t i = (size_t)hash_name(name) & (capacity - 1);
    while (slots[i].name && strcmp(slots[i].name, name) != 0)
        i = (i + 1) & (capacity - 1);
    return &slots[i];
}

static bool grow(manifest_names *names)
{
    size_t capacity = names->capacity ? names->capacity * 2 : 16;
    manifest_name *slots = calloc(capacity, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < names->capacity; i++)
        if (names->slots[i].name)
            *find_slot(slots, capacity, names->slots[i].name) = names->slots[i];
    free(names->slots);
    names->slots = slots;
    names->capacity = capacity;
    return true;
}

bool manifest_names_add(manifest_names *names, const char *name, const manifest_node *node, size_t index,
                        manifest_name **earlier)
{
    *earlier = NULL;
    if ((names->count + 1) * 2 > names->capacity && !grow(names))
        return false;
    manifest_name *slot = find_slot(names->slots, names->capacity, name);
    if (slot->name) {
        *earlier = slot;
        return true;
    }
    *slot = (manifest_name){.name = name, .node = node, .index = index};
    names->count++;
    return true;
}

manifest_name *manifest_names_find(const manifest_names *names, const char *name)
{
    if (names->capacity == 0)
        return NULL;
    manifest_name *slot = find_slot(names->slots, names->capacity, name);
    return slot->name ? slot : NULL;
}

void manifest_names_free(manifest_names *names)
{
    free(names->slots);
    *names = (manifest_names){0};
}
