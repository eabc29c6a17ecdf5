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

/* Whether memory 0 of every instance starts the same: the module's own memory, every active
 * data segment at a constant offset in it and inside its initial size (else instantiation traps:
 * the copying path says so). *total: bytes of active data; *end: where the last one ends. */
static bool data_is_constant(const eng_module *module, size_t *total, size_t *end)
{
    *total = *end = 0;
    if (module->memory_count == 0 || module->imported_memory_count != 0)
        return false;
    uint64_t initial = (uint64_t)module->memories[0].limits.min * ENG_PAGE_SIZE;
    for (uint32_t i = 0; i < module->data_segment_count; i++) {
        const eng_data_segment *segment = &module->datas[i];
        if (segment->mode != ENG_SEGMENT_ACTIVE)
            continue;
        if (segment->memory_index != 0 || segment->offset.kind != ENG_CONST_VALUE)
            return false;
        uint64_t segment_end = (uint64_t)(uint32_t)segment->offset.bits + segment->size;
        if (segment_end > initial)
            return false;
        if (segment_end > *end && segment->size > 0)
            *end = (size_t)segment_end;
        *total += segment->size;
    }
    return true;
}

/* Records the module's contents; builds the image when its data warrants one. */
static eng_memory_image *image_build(eng_module *module)
{
    size_t total, end;
    module->memory_contents_constant = data_is_constant(module, &total, &end);
    if (!module->memory_contents_constant)
        return NULL;
    module->memory_contents_end = end;
    module->memory_contents_id = total > 0 ? atomic_fetch_add_explicit(&next_id, 1, memory_order_relaxed) : 0;
    if (total < ENG_MEMORY_IMAGE_MIN_BYTES)
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
    *image = (eng_memory_image){fd, size, module->memory_contents_id};
    return image;
}

/* Fills in the module's image and contents on the first call. */
static int memory_image_state(const eng_module *shared)
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
    return state;
}

const eng_memory_image *eng_module_memory_image(const eng_module *module)
{
    return memory_image_state(module) == ENG_MEMORY_IMAGE_READY ? module->memory_image : NULL;
}

bool eng_module_memory_contents(const eng_module *module, uint64_t *id, size_t *end)
{
    memory_image_state(module);
    *id = module->memory_contents_id;
    *end = module->memory_contents_end;
    return module->memory_contents_constant;
}

void eng_memory_image_free(eng_memory_image *image)
{
    if (!image)
        return;
    close(image->fd); /* memories still mapping it keep the file alive */
    free(image);
}
