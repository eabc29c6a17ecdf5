/* pipelines.c: the pipelines deployed now, from the manifest and from the admin API: names and their stages. */
#include "pipelines.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pipeline_set {
    pthread_mutex_t lock;
    pipeline **list; /* the manifest's and the API's together */
    size_t count, capacity;
};

pipeline *pipeline_new(const manifest_pipeline *entry, bool from_manifest)
{
    pipeline *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    atomic_init(&p->references, 1);
    p->from_manifest = from_manifest;
    p->name = strdup(entry->name);
    p->stages = calloc(entry->stage_count + 1, sizeof *p->stages);
    bool ok = p->name && p->stages;
    for (size_t i = 0; ok && i < entry->stage_count; i++, p->stage_count++) {
        const char *text = entry->stages[i], *colon = strchr(text, ':');
        p->stages[i].plugin = colon ? strndup(text, (size_t)(colon - text)) : strdup(text);
        p->stages[i].export_name = strdup(colon ? colon + 1 : PIPELINE_DEFAULT_EXPORT);
        ok = p->stages[i].plugin && p->stages[i].export_name;
    }
    if (!ok) {
        pipeline_release(p);
        return NULL;
    }
    return p;
}

void pipeline_retain(pipeline *p) { atomic_fetch_add_explicit(&p->references, 1, memory_order_relaxed); }

void pipeline_release(pipeline *p)
{
    if (!p || atomic_fetch_sub_explicit(&p->references, 1, memory_order_acq_rel) != 1)
        return;
    for (size_t i = 0; i < p->stage_count; i++) {
        free(p->stages[i].plugin);
        free(p->stages[i].export_name);
    }
    free(p->stages);
    free(p->name);
    free(p);
}

pipeline_set *pipeline_set_new(void)
{
    pipeline_set *set = calloc(1, sizeof *set);
    if (set)
        pthread_mutex_init(&set->lock, NULL);
    return set;
}

void pipeline_set_free(pipeline_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->count; i++)
        pipeline_release(set->list[i]);
    free(set->list);
    pthread_mutex_destroy(&set->lock);
    free(set);
}

static ptrdiff_t find_locked(pipeline_set *set, const char *name)
{
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->list[i]->name, name) == 0)
            return (ptrdiff_t)i;
    return -1;
}

static bool reserve_locked(pipeline_set *set, size_t more)
{
    if (set->count + more <= set->capacity)
        return true;
    size_t capacity = (set->count + more) * 2;
    pipeline **grown = realloc(set->list, capacity * sizeof *grown);
    if (!grown)
        return false;
    set->list = grown;
    set->capacity = capacity;
    return true;
}

bool pipeline_set_manifest(pipeline_set *set, pipeline *const *list, size_t count, char *error, size_t error_size)
{
    pthread_mutex_lock(&set->lock);
    for (size_t i = 0; i < count; i++) {
        ptrdiff_t at = find_locked(set, list[i]->name);
        if (at >= 0 && !set->list[at]->from_manifest) {
            snprintf(error, error_size, "pipeline '%s' is also deployed through the admin API: rename one of them",
                     list[i]->name);
            pthread_mutex_unlock(&set->lock);
            return false;
        }
    }
    if (!reserve_locked(set, count)) {
        snprintf(error, error_size, "out of memory");
        pthread_mutex_unlock(&set->lock);
        return false;
    }
    /* The manifest's old ones go; the API's stay, in their order. */
    pipeline **old = malloc((set->count + 1) * sizeof *old);
    size_t old_count = 0, kept = 0;
    for (size_t i = 0; i < set->count; i++) {
        if (set->list[i]->from_manifest && old)
            old[old_count++] = set->list[i];
        else if (!set->list[i]->from_manifest)
            set->list[kept++] = set->list[i];
        else
            pipeline_release(set->list[i]); /* out of memory for `old`: released under the lock */
    }
    set->count = kept;
    for (size_t i = 0; i < count; i++) {
        pipeline_retain(list[i]);
        set->list[set->count++] = list[i];
    }
    pthread_mutex_unlock(&set->lock);
    for (size_t i = 0; i < old_count; i++)
        pipeline_release(old[i]);
    free(old);
    return true;
}

bool pipeline_set_put(pipeline_set *set, pipeline *p, char *error, size_t error_size)
{
    pthread_mutex_lock(&set->lock);
    ptrdiff_t at = find_locked(set, p->name);
    pipeline *old = NULL;
    bool ok = true;
    if (at >= 0 && set->list[at]->from_manifest) {
        snprintf(error, error_size,
                 "pipeline '%s' comes from the manifest: change it there (SIGHUP reloads it), not through the API",
                 p->name);
        ok = false;
    } else if (at < 0 && !reserve_locked(set, 1)) {
        snprintf(error, error_size, "out of memory");
        ok = false;
    } else {
        pipeline_retain(p);
        if (at >= 0) {
            old = set->list[at];
            set->list[at] = p;
        } else {
            set->list[set->count++] = p;
        }
    }
    pthread_mutex_unlock(&set->lock);
    if (old)
        pipeline_release(old);
    return ok;
}

bool pipeline_set_remove(pipeline_set *set, const char *name)
{
    pthread_mutex_lock(&set->lock);
    ptrdiff_t at = find_locked(set, name);
    pipeline *removed = at >= 0 && !set->list[at]->from_manifest ? set->list[at] : NULL;
    if (removed) {
        memmove(&set->list[at], &set->list[at + 1], (set->count - (size_t)at - 1) * sizeof *set->list);
        set->count--;
    }
    pthread_mutex_unlock(&set->lock);
    if (removed)
        pipeline_release(removed);
    return removed != NULL;
}

pipeline *pipeline_set_find(pipeline_set *set, const char *name)
{
    pthread_mutex_lock(&set->lock);
    ptrdiff_t at = find_locked(set, name);
    pipeline *found = at >= 0 ? set->list[at] : NULL;
    if (found)
        pipeline_retain(found);
    pthread_mutex_unlock(&set->lock);
    return found;
}

pipeline **pipeline_set_list(pipeline_set *set, size_t *count)
{
    pthread_mutex_lock(&set->lock);
    pipeline **all = set->count ? malloc(set->count * sizeof *all) : NULL;
    *count = all ? set->count : 0;
    for (size_t i = 0; i < *count; i++) {
        all[i] = set->list[i];
        pipeline_retain(all[i]);
    }
    pthread_mutex_unlock(&set->lock);
    return all;
}
