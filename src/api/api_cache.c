/* api_cache.c: the on-disk cache of compiled modules (wh_config_set_cache_dir): lookup, atomic store, LRU eviction.
 *
 * An entry is an artifact (native_artifact.c) at DIR/v1/KK/KEY.cwasm, KEY the hex XXH3-128 of the
 * module's bytes, the engine's build id, the run-time checks and the CPU features, KK its first
 * two digits. A hit is used only after the artifact's own checks (format, build, CPU, checksum)
 * and a comparison of the module bytes it holds with the module looked up, so neither a damaged
 * entry nor a colliding key can run the wrong code: either means a miss, and the entry is
 * replaced. Entries are written to a temporary file, synced and renamed into place, so
 * processes compiling the same module at once only ever see whole entries. After each store,
 * when the cache holds more than its bound, the least recently used entries (modification time,
 * bumped on every hit) are removed down to 90% of it. Failing to write the cache (a full disk, a
 * read-only folder) is not an error: the module is compiled and runs anyway.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "api_internal.h"

#define CACHE_LAYOUT "v1"
#define PATH_BYTES 4096

static void cache_key(const eng_module *module, uint32_t checks, char out[33])
{
    XXH3_state_t state;
    XXH3_INITSTATE(&state);
    XXH3_128bits_reset(&state);
    XXH3_128bits_update(&state, module->bytes, module->size);
    const char *build = eng_native_build_id();
    XXH3_128bits_update(&state, build, strlen(build) + 1);
    uint64_t settings[2] = {checks, eng_cpu_features()};
    XXH3_128bits_update(&state, settings, sizeof settings);
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(&state));
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", canonical.digest[i]);
}

static bool entry_path(const char *dir, const char *key, char *out, size_t size)
{
    return snprintf(out, size, "%s/" CACHE_LAYOUT "/%.2s/%s.cwasm", dir, key, key) < (int)size;
}

static bool read_whole(const char *path, uint8_t **bytes, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat info;
    bool ok = fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
    *size = ok ? (size_t)info.st_size : 0;
    *bytes = ok ? malloc(*size ? *size : 1) : NULL;
    size_t done = 0;
    while (*bytes && done < *size) {
        ssize_t got = read(fd, *bytes + done, *size - done);
        if (got <= 0)
            break;
        done += (size_t)got;
    }
    close(fd);
    if (!*bytes || done != *size) {
        free(*bytes);
        *bytes = NULL;
        return false;
    }
    return true;
}

bool api_cache_lookup(const wasm_engine_t *engine, eng_module *module, uint32_t checks)
{
    char key[33], path[PATH_BYTES];
    cache_key(module, checks, key);
    if (!entry_path(engine->config.cache_dir, key, path, sizeof path))
        return false;
    uint8_t *bytes;
    size_t size;
    if (!read_whole(path, &bytes, &size))
        return false;
    eng_error *error = eng_artifact_attach(module, checks, bytes, size);
    free(bytes);
    if (error) {
        /* Damaged, made by another build, or another module under the same key: replace it. */
        eng_error_free(error);
        unlink(path);
        return false;
    }
    utimensat(AT_FDCWD, path, NULL, 0); /* the LRU clock (atime is unreliable under noatime) */
    return true;
}

static bool make_directory(const char *path) { return mkdir(path, 0700) == 0 || errno == EEXIST; }

typedef struct cache_entry {
    char *path;
    off_t size;
    struct timespec used;
} cache_entry;

static int by_oldest(const void *a, const void *b)
{
    const cache_entry *x = a, *y = b;
    if (x->used.tv_sec != y->used.tv_sec)
        return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
    return (x->used.tv_nsec > y->used.tv_nsec) - (x->used.tv_nsec < y->used.tv_nsec);
}

/* Removes the least recently used entries until the cache is under 90% of its bound; stale
 * temporary files (a process that died while writing) go too. */
static void evict(const char *dir, uint64_t max_bytes)
{
    char layout[PATH_BYTES];
    if (snprintf(layout, sizeof layout, "%s/" CACHE_LAYOUT, dir) >= (int)sizeof layout)
        return;
    DIR *top = opendir(layout);
    if (!top)
        return;
    cache_entry *entries = NULL;
    size_t count = 0, capacity = 0;
    uint64_t total = 0;
    time_t now = time(NULL);
    struct dirent *sub;
    while ((sub = readdir(top))) {
        if (strlen(sub->d_name) != 2)
            continue;
        char subdir[PATH_BYTES];
        if (snprintf(subdir, sizeof subdir, "%s/%s", layout, sub->d_name) >= (int)sizeof subdir)
            continue;
        DIR *inner = opendir(subdir);
        if (!inner)
            continue;
        struct dirent *file;
        while ((file = readdir(inner))) {
            char path[PATH_BYTES];
            struct stat info;
            if (file->d_name[0] == '.' && file->d_name[1] != 't')
                continue; /* ".", "..": temporary files are ".tmp-*" */
            if (snprintf(path, sizeof path, "%s/%s", subdir, file->d_name) >= (int)sizeof path ||
                stat(path, &info) != 0 || !S_ISREG(info.st_mode))
                continue;
            if (strncmp(file->d_name, ".tmp-", 5) == 0) {
                if (now - info.st_mtime > 3600)
                    unlink(path);
                continue;
            }
            if (count == capacity) {
                size_t grown_capacity = capacity ? 2 * capacity : 64;
                cache_entry *grown = realloc(entries, grown_capacity * sizeof *grown);
                if (!grown)
                    break;
                entries = grown;
                capacity = grown_capacity;
            }
            char *copy = strdup(path);
            if (!copy)
                break;
            entries[count++] = (cache_entry){copy, info.st_size, info.st_mtim};
            total += (uint64_t)info.st_size;
        }
        closedir(inner);
    }
    closedir(top);
    if (total > max_bytes) {
        qsort(entries, count, sizeof *entries, by_oldest);
        uint64_t target = max_bytes / 10 * 9;
        for (size_t i = 0; i < count && total > target; i++) {
            if (unlink(entries[i].path) == 0 || errno == ENOENT) /* ENOENT: another process evicted it */
                total -= (uint64_t)entries[i].size;
        }
    }
    for (size_t i = 0; i < count; i++)
        free(entries[i].path);
    free(entries);
}

void api_cache_store(const wasm_engine_t *engine, const eng_module *module, uint32_t checks)
{
    const char *dir = engine->config.cache_dir;
    char key[33], path[PATH_BYTES], folder[PATH_BYTES], temporary[PATH_BYTES];
    cache_key(module, checks, key);
    if (!entry_path(dir, key, path, sizeof path) ||
        snprintf(folder, sizeof folder, "%s/" CACHE_LAYOUT "/%.2s", dir, key) >= (int)sizeof folder ||
        snprintf(temporary, sizeof temporary, "%s/.tmp-XXXXXX", folder) >= (int)sizeof temporary)
        return;
    char layout[PATH_BYTES];
    snprintf(layout, sizeof layout, "%s/" CACHE_LAYOUT, dir);
    if (!make_directory(dir) || !make_directory(layout) || !make_directory(folder))
        return;
    uint8_t *bytes;
    size_t size;
    eng_error *error = eng_artifact_write(module, &bytes, &size);
    if (error) {
        eng_error_free(error);
        return;
    }
    int fd = mkstemp(temporary);
    if (fd >= 0) {
        size_t done = 0;
        while (done < size) {
            ssize_t wrote = write(fd, bytes + done, size - done);
            if (wrote <= 0)
                break;
            done += (size_t)wrote;
        }
        bool ok = done == size && fsync(fd) == 0;
        close(fd);
        if (!ok || rename(temporary, path) != 0)
            unlink(temporary);
    }
    free(bytes);
    evict(dir, engine->config.cache_max);
}

void wh_config_set_cache_dir(wasm_config_t *config, const char *dir)
{
    if (!config) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_config_set_cache_dir: the config is NULL");
        return;
    }
    char *copy = dir && *dir ? strdup(dir) : NULL;
    if (dir && *dir && !copy) {
        api_fail(WH_ERROR_RESOURCE, "wh_config_set_cache_dir: out of memory");
        return;
    }
    free(config->cache_dir);
    config->cache_dir = copy;
}

void wh_config_set_cache_max(wasm_config_t *config, uint64_t bytes)
{
    if (!config) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_config_set_cache_max: the config is NULL");
        return;
    }
    config->cache_max = bytes;
}
