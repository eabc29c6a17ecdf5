/* pipelines.h: the pipelines deployed now, from the manifest and from the admin API: names and their stages. */
#ifndef WH_PIPELINES_H
#define WH_PIPELINES_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"

/* A pipeline names its stages' plugins; they are looked up when it runs, so a plugin deployed,
 * rolled back or removed changes every pipeline that uses it at once. A pipeline is immutable and
 * reference counted: a run holds the one it started with. Names are the manifest's or the API's,
 * never both (a clash is refused). */
/* The export a stage (or a stream) calls when it names none. */
#define PIPELINE_DEFAULT_EXPORT "process"

typedef struct pipeline_stage {
    char *plugin;
    char *export_name; /* PIPELINE_DEFAULT_EXPORT unless the stage said "plugin:export" */
} pipeline_stage;

typedef struct pipeline {
    _Atomic uint32_t references;
    char *name;
    pipeline_stage *stages;
    size_t stage_count;
    bool from_manifest;
} pipeline;

/* A pipeline of `entry`'s stages (one reference); NULL when out of memory. */
pipeline *pipeline_new(const manifest_pipeline *entry, bool from_manifest);
void pipeline_retain(pipeline *pipeline);
void pipeline_release(pipeline *pipeline);

typedef struct pipeline_set pipeline_set;

pipeline_set *pipeline_set_new(void);
void pipeline_set_free(pipeline_set *set);

/* Replaces the manifest's pipelines with `list` (each retained). False with the clash in `error`
 * when one has the name of an API pipeline; nothing changes then. */
bool pipeline_set_manifest(pipeline_set *set, pipeline *const *list, size_t count, char *error, size_t error_size);
/* Makes `pipeline` (retained) the API pipeline of its name. False with the reason in `error` when
 * the name is a manifest pipeline's, or out of memory. */
bool pipeline_set_put(pipeline_set *set, pipeline *pipeline, char *error, size_t error_size);
/* Removes the API pipeline `name`; false when there is none. */
bool pipeline_set_remove(pipeline_set *set, const char *name);
/* The pipeline called `name` (retained: pipeline_release it), or NULL. */
pipeline *pipeline_set_find(pipeline_set *set, const char *name);
/* Every pipeline, each retained, in a malloc'd array; NULL with *count 0 when none. */
pipeline **pipeline_set_list(pipeline_set *set, size_t *count);

#endif
