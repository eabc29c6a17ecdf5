/* manifest_yaml.h: the manifest's YAML read once (libyaml) into a tree of positioned nodes; a name set for repeats. */
#ifndef WH_MANIFEST_YAML_H
#define WH_MANIFEST_YAML_H

#include <stdbool.h>
#include <stddef.h>

/* The most values a manifest may hold: nodes in the file, and nodes read (an alias reads its
 * node again), so that a small file cannot make the reader build or walk a huge one. */
#define MANIFEST_MAX_VALUES 1000000
/* The deepest lists and mappings may nest (a manifest needs 4 levels). */
#define MANIFEST_MAX_DEPTH 32

typedef enum manifest_node_kind { MANIFEST_SCALAR, MANIFEST_LIST, MANIFEST_MAPPING } manifest_node_kind;

typedef struct manifest_node manifest_node;
struct manifest_node {
    manifest_node_kind kind;
    bool plain;            /* a scalar written without quotes (so nothing, "~" or "null" is YAML's null) */
    size_t line, column;   /* of its first character, from 1 */
    char *text;            /* a scalar's text (NUL-terminated); NULL for a list or a mapping */
    manifest_node **items; /* a list's items; a mapping's keys and values: key, value, key, value... */
    size_t count;          /* items (two per pair in a mapping) */
    size_t capacity;       /* room in items */
    char *anchor;          /* its "&name", registered once the node is complete */
};

typedef struct manifest_node_block manifest_node_block;

typedef struct manifest_yaml {
    manifest_node *root;         /* NULL when the file holds no document */
    manifest_node_block *blocks; /* every node, freed together (an alias shares its node) */
    size_t node_count;
} manifest_yaml;

typedef struct manifest_yaml_error {
    size_t line, column; /* 0: the error has no position (out of memory) */
    char message[512];
} manifest_yaml_error;

/* Reads `size` bytes of YAML into `yaml`: one document (a second is an error), keys that are
 * scalars, aliases to anchors defined before them, at most MANIFEST_MAX_VALUES nodes nested at
 * most MANIFEST_MAX_DEPTH deep. On failure returns false with the reason in `error`. */
bool manifest_yaml_read(const unsigned char *text, size_t size, manifest_yaml *yaml, manifest_yaml_error *error);
void manifest_yaml_free(manifest_yaml *yaml);

/* "a list", "a mapping" or "a single value": what `node` is, for messages. */
const char *manifest_node_kind_name(const manifest_node *node);

/* A hash set of names (not copied: each must outlive the set), each with the node and index it
 * came with; zero-initialised is empty. */
typedef struct manifest_name {
    const char *name;
    const manifest_node *node;
    size_t index;
} manifest_name;

typedef struct manifest_names {
    manifest_name *slots;
    size_t capacity, count;
} manifest_names;

/* Adds `name`, or finds it: *earlier is the entry already holding it (then nothing is added) or
 * NULL. False only when out of memory. */
bool manifest_names_add(manifest_names *names, const char *name, const manifest_node *node, size_t index,
                        manifest_name **earlier);
/* The entry holding `name`, or NULL. */
manifest_name *manifest_names_find(const manifest_names *names, const char *name);
void manifest_names_free(manifest_names *names);

#endif
