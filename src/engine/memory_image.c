/* memory_image.c: building a module's copy-on-write memory image (memory_image.h) once, on its first instantiation. */
#define _GNU_SOURCE /* memfd_create, F_ADD_SEALS */
#include "memory_image.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runtime.h"

static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic uint64_t next_id = 1;

/* The bytes of active data the image would hold, or 0 when the module cannot have one. */
static size_t image_extent(const eng_module *module, size_t *end)
{
    *end = 0;
    if (module->memory_count == 0 || module->imported_memory_count != 0)
        return 0;
    uint64_t initial = (uint64_t)module->memories[0].limits.min * ENG_PAGE_SIZE;
    size_t total = 0;
    for (uint32_t i = 0; i < module->data_segment_count; i++) {
        const eng_data_segment *segment = &module->datas[i];
        if (segment->mode != ENG_SEGMENT_ACTIVE)
            continue;
        if (segment->memory_index != 0 || segment->offset.kind != ENG_CONST_VALUE)
            return 0;
        uint64_t segment_end = (uint64_t)(uint32_t)segment->offset.bits + segment->size;
        if (segment_end > initial)
            return 0; /* instantiation traps: the copying path says so */
        if (segment_end > *end)
            *end = (size_t)segment_end;
        total += segment->size;
    }
    return total;
}

static eng_memory_image *image_build(const eng_module *module)
{
    size_t end;
    if (image_extent(module, &end) < ENG_MEMORY_IMAGE_MIN_BYTES)
        return NULL;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t size = (end + page - 1) / page * page;
    int fd = memfd_create("wasmhost-memory-image", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return NULL;
    bool written = ftruncate(fd, (off_t)size) == 0;
    /* In order: a later segment overwrites an earlier one where they overlap, as when copied. */
    for (uint32_t i = 0; written && i < module->data_segment_count; i++) {
        const eng_data_segment *segment = &module->datas[i];
        if (segment->mode != ENG_SEGMENT_ACTIVE || segment->size == 0)
            continue;
        size_t done = 0;
        while (written && done < segment->size) {
            ssize_t put = pwrite(fd, segment->bytes + done, segment->size - done,
                                 (off_t)(uint32_t)segment->offset.bits + (off_t)done);
            written = put > 0;
            done += written ? (size_t)put : 0;
        }
    }
    /* Sealed: nothing can change the image under the memories that map it. */
    eng_memory_image *image = written ? malloc(sizeof *image) : NULL;
    if (!image || fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
        free(image);
        close(fd);
        return NULL;
    }
    *image = (eng_memory_image){fd, size, atomic_fetch_add_explicit(&next_id, 1, memory_order_relaxed)};
    return image;
}

const eng_memory_image *eng_module_memory_image(const eng_module *shared)
{
    /* The image is a cache filled once under the lock: the module is otherwise unchanged. */
    eng_module *module = (eng_module *)shared;
    int state = atomic_load_explicit(&module->memory_image_state, memory_order_acquire);
    if (state == ENG_MEMORY_IMAGE_UNKNOWN) {
        pthread_mutex_lock(&build_lock);
        state = atomic_load_explicit(&module->memory_image_state, memory_order_relaxed);
        if (state == ENG_MEMORY_IMAGE_UNKNOWN) {
            module->memory_image = image_build(module);
            state = module->memory_image ? ENG_MEMORY_IMAGE_READY : ENG_MEMORY_IMAGE_NONE;
            atomic_store_explicit(&module->memory_image_state, state, memory_order_release);
        }
        pthread_mutex_unlock(&build_lock);
    }
    return state == ENG_MEMORY_IMAGE_READY ? module->memory_image : NULL;
}

void eng_memory_image_free(eng_memory_image *image)
{
    if (!image)
        return;
    close(image->fd); /* memories still mapping it keep the file alive */
    free(image);
}
