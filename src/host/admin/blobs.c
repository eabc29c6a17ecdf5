/* blobs.c: module bytes kept by content in DIR/blobs/sha256/<hex>, each durable before anything refers to it. */
#include "blobs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct blob_store {
    char *folder;      /* DIR/blobs/sha256 */
    char *temporaries; /* DIR/blobs/tmp */
    unsigned counter;  /* makes temporary names unique within the process */
};

static int make_folder(const char *path, char *error, size_t error_size)
{
    if (mkdir(path, 0700) == 0 || errno == EEXIST)
        return 0;
    int failure = errno;
    snprintf(error, error_size, "cannot make %s: %s", path, strerror(failure));
    return failure;
}

blob_store *blob_store_open(const char *state_dir, char *error, size_t error_size)
{
    blob_store *store = calloc(1, sizeof *store);
    size_t size = strlen(state_dir) + 32;
    char *blobs = malloc(size);
    if (store) {
        store->folder = malloc(size);
        store->temporaries = malloc(size);
    }
    if (!store || !blobs || !store->folder || !store->temporaries) {
        snprintf(error, error_size, "out of memory");
        free(blobs);
        blob_store_close(store);
        return NULL;
    }
    snprintf(blobs, size, "%s/blobs", state_dir);
    snprintf(store->folder, size, "%s/blobs/sha256", state_dir);
    snprintf(store->temporaries, size, "%s/blobs/tmp", state_dir);
    int failure = make_folder(blobs, error, error_size);
    if (!failure)
        failure = make_folder(store->folder, error, error_size);
    if (!failure)
        failure = make_folder(store->temporaries, error, error_size);
    free(blobs);
    if (failure) {
        blob_store_close(store);
        return NULL;
    }
    return store;
}

void blob_store_close(blob_store *store)
{
    if (!store)
        return;
    free(store->folder);
    free(store->temporaries);
    free(store);
}

void blob_digest(const uint8_t *data, size_t size, char hex[65])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    EVP_Digest(data, size, digest, &length, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", i < length ? digest[i] : 0);
    hex[64] = '\0';
}

void blob_store_path(const blob_store *store, const char *hex, char *out, size_t out_size)
{
    snprintf(out, out_size, "%s/%s", store->folder, hex);
}

/* fsync of a folder, so that a rename or unlink in it is durable. */
static int sync_folder(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int failure = fsync(fd) == 0 ? 0 : errno;
    close(fd);
    return failure;
}

static int write_all(int fd, const uint8_t *data, size_t size)
{
    while (size > 0) {
        ssize_t written = write(fd, data, size);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        data += written;
        size -= (size_t)written;
    }
    return 0;
}

int blob_store_put(blob_store *store, const char *hex, const uint8_t *data, size_t size, bool *existed, char *error,
                   size_t error_size)
{
    char path[4096], temporary[4096];
    blob_store_path(store, hex, path, sizeof path);
    *existed = access(path, F_OK) == 0;
    if (*existed)
        return 0;
    snprintf(temporary, sizeof temporary, "%s/%s.%ld.%u", store->temporaries, hex, (long)getpid(), store->counter++);
    int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        int failure = errno;
        snprintf(error, error_size, "cannot write module %s: %s", temporary, strerror(failure));
        return failure;
    }
    const char *step = "write";
    int failure = write_all(fd, data, size);
    if (!failure && fsync(fd) != 0)
        failure = errno, step = "fsync";
    if (close(fd) != 0 && !failure)
        failure = errno, step = "close";
    if (!failure && rename(temporary, path) != 0)
        failure = errno, step = "rename";
    if (failure) {
        unlink(temporary);
        bool full = failure == ENOSPC || failure == EDQUOT || failure == EFBIG;
        snprintf(error, error_size, "%scannot store module sha256:%s (%s): %s", full ? "the disk is full: " : "", hex,
                 step, strerror(failure));
        return failure;
    }
    if ((failure = sync_folder(store->folder)) != 0) {
        /* Not known to be durable: no row may refer to it, so it goes (the sweep would take it). */
        unlink(path);
        snprintf(error, error_size, "cannot store module sha256:%s (fsync of %s): %s", hex, store->folder,
                 strerror(failure));
        return failure;
    }
    return 0;
}

bool blob_store_read(blob_store *store, const char *hex, uint8_t **data, size_t *size, char *error, size_t error_size)
{
    char path[4096];
    blob_store_path(store, hex, path, sizeof path);
    *data = NULL;
    *size = 0;
    FILE *file = fopen(path, "rb");
    if (!file) {
        snprintf(error, error_size, "module blob %s is %s", path, errno == ENOENT ? "missing" : strerror(errno));
        return false;
    }
    struct stat info;
    uint8_t *bytes = NULL;
    bool ok = fstat(fileno(file), &info) == 0 && (bytes = malloc((size_t)info.st_size + 1)) != NULL &&
              fread(bytes, 1, (size_t)info.st_size, file) == (size_t)info.st_size;
    fclose(file);
    if (!ok) {
        snprintf(error, error_size, "cannot read module blob %s", path);
        free(bytes);
        return false;
    }
    char actual[65];
    blob_digest(bytes, (size_t)info.st_size, actual);
    if (strcmp(actual, hex) != 0) {
        snprintf(error, error_size, "module blob %s is corrupt (its %lld bytes hash to sha256:%s)", path,
                 (long long)info.st_size, actual);
        free(bytes);
        return false;
    }
    *data = bytes;
    *size = (size_t)info.st_size;
    return true;
}

void blob_store_remove(blob_store *store, const char *hex)
{
    char path[4096];
    blob_store_path(store, hex, path, sizeof path);
    if (unlink(path) == 0)
        sync_folder(store->folder);
}

/* Deletes the files of `folder` for which `keep` (NULL: none kept) is false. */
static size_t sweep_folder(const char *folder, bool (*keep)(void *, const char *), void *user)
{
    DIR *dir = opendir(folder);
    if (!dir)
        return 0;
    size_t deleted = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.' || (keep && keep(user, entry->d_name)))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", folder, entry->d_name);
        if (unlink(path) == 0)
            deleted++;
    }
    closedir(dir);
    if (deleted)
        sync_folder(folder);
    return deleted;
}

size_t blob_store_sweep(blob_store *store, bool (*keep)(void *user, const char *hex), void *user)
{
    return sweep_folder(store->temporaries, NULL, NULL) + sweep_folder(store->folder, keep, user);
}
