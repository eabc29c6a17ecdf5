/* memory.c: linear memories as guarded address-space reservations that grow in place, within the store's and the instance's memory caps, kept in a pool (as they are when nothing wrote them) and mapped over a module's image. */
#include "limits.h"
#include "memory_image.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Every access computes (uint64)u32 address + u32 offset, at most 2^33 - 2, and touches up
 * to 8 bytes (16 with SIMD). Reserving 8 GiB plus a page beyond that puts every reachable
 * byte inside the reservation, so loads and stores need no bounds checks: bytes past the
 * current size are PROT_NONE and the fault handler turns the fault into a trap. */
#define MEMORY_RESERVATION ((size_t)8 << 30 | (size_t)ENG_PAGE_SIZE)

/* ---- reservations kept for reuse ----
 *
 * A server makes a fresh instance, hence a fresh memory, per request. Mapping and unmapping 8 GiB
 * each time takes the process's address-space lock and, on unmap, interrupts every core running
 * one of its threads to flush their TLBs: with several worker threads that costs more than the
 * request. So a freed memory's reservation is kept (up to POOL_CAPACITY of them). Large ones are
 * given back to the kernel with MADV_DONTNEED (pages read as zero again); small ones keep their
 * pages and are cleared with memset (no system call) when they are taken again, not when given
 * back, so a process that frees its memories on the way out does not clear them for nothing. A
 * new memory takes one and only changes the protection where its size differs. */
#define POOL_CAPACITY 64
#define POOL_CLEAR_LIMIT ((size_t)1 << 20) /* memset up to this many bytes, madvise beyond */

/* A reservation may also hold a module's image mapped over its first image_size bytes
 * (memory_image.h): given back with MADV_DONTNEED, those read as the image again, so a memory of
 * the same module that takes it needs no copy and no new mapping. And a memory that no code wrote
 * (eng_store.memory_written) goes back holding exactly what instantiation put in it: labelled with
 * the module's contents id, the next instance of that module takes it as it is, neither cleared
 * nor copied into, and any other memory clears only the bytes the data covered. */
typedef struct pooled_reservation {
    uint8_t *base;
    size_t accessible;    /* bytes from base that are PROT_READ|PROT_WRITE */
    size_t dirty;         /* of those, how many from base may differ from zeros and the image */
    uint64_t image_id;    /* the image mapped at base (0: none) ... */
    size_t image_size;    /* ... over this many bytes */
    uint64_t contents_id; /* not 0: it holds that module's data (eng_memory.contents_id), else zeros */
} pooled_reservation;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pooled_reservation pool[POOL_CAPACITY];
static size_t pool_count;

/* How well a pooled reservation suits a memory of `size` bytes that should start with the data
 * labelled `contents_id` (0: zeros): holding that data saves clearing and copying, being clean
 * saves clearing, the same size saves an mprotect. */
static int pool_score(const pooled_reservation *r, size_t size, uint64_t contents_id)
{
    int score = r->accessible == size ? 1 : 0;
    if (contents_id != 0 && r->contents_id == contents_id)
        return score + 4;
    return score + (r->dirty == 0 && r->image_size == 0 ? 2 : 0);
}

/* The best reservation from the pool for a memory of `size` bytes starting as `contents_id`; false if none. */
static bool pool_take(size_t size, uint64_t contents_id, pooled_reservation *out)
{
    pthread_mutex_lock(&pool_lock);
    if (pool_count == 0) {
        pthread_mutex_unlock(&pool_lock);
        return false;
    }
    size_t chosen = pool_count - 1;
    int best = -1;
    for (size_t i = pool_count; i-- > 0 && best < 5;) {
        int score = pool_score(&pool[i], size, contents_id);
        if (score > best) {
            best = score;
            chosen = i;
        }
    }
    *out = pool[chosen];
    pool[chosen] = pool[--pool_count];
    pthread_mutex_unlock(&pool_lock);
    return true;
}

/* `unwritten`: the memory still holds what instantiation left (r->contents_id's data up to
 * r->dirty, or zeros), so it needs neither clearing nor restoring. */
static void pool_give(const pooled_reservation *given, bool unwritten)
{
    pooled_reservation r = *given;
    if (!unwritten) {
        r.dirty = r.accessible;
        r.contents_id = 0;
        if (r.accessible > POOL_CLEAR_LIMIT || r.image_size > 0) {
            /* Zeros again, and the image's pages the image's: a memset would lose the image. */
            if (madvise(r.base, r.accessible, MADV_DONTNEED) != 0) {
                munmap(r.base, MEMORY_RESERVATION);
                return;
            }
            r.dirty = 0;
            r.contents_id = r.image_id;
        }
    }
    pthread_mutex_lock(&pool_lock);
    if (pool_count < POOL_CAPACITY) {
        pool[pool_count++] = r;
        r.base = NULL;
    }
    pthread_mutex_unlock(&pool_lock);
    if (r.base)
        munmap(r.base, MEMORY_RESERVATION);
}

/* Maps `image` over the start of the reservation at `base` (its first image->size bytes are
 * accessible); false when the kernel refuses, the memory then being left as it was. */
static bool image_map(uint8_t *base, const eng_memory_image *image)
{
    return mmap(base, image->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, image->fd, 0) != MAP_FAILED;
}

/* A reservation with exactly `size` bytes accessible, holding `image` (when not NULL and it can
 * be mapped; *mapped tells) and zeros elsewhere, or (*holds_contents) already holding the data
 * labelled `contents_id` (not 0); NULL (errno set) on failure. */
static uint8_t *reservation_new(size_t size, const eng_memory_image *image, uint64_t contents_id, bool *mapped,
                                bool *holds_contents, const char **failed_call)
{
    *mapped = *holds_contents = false;
    uint64_t image_id = image ? image->id : 0;
    pooled_reservation reused;
    if (pool_take(size, contents_id, &reused)) {
        int status = 0;
        if (reused.image_size > 0 && reused.image_id != image_id) {
            /* Another module's image: anonymous zeros over it again (MAP_FIXED replaces it). */
            if (mmap(reused.base, reused.image_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) == MAP_FAILED)
                status = -1;
            reused.image_size = 0;
            reused.contents_id = 0;
        }
        *holds_contents = contents_id != 0 && reused.contents_id == contents_id;
        if (!*holds_contents)
            memset(reused.base, 0, reused.dirty); /* while still accessible: dirty <= accessible */
        if (status == 0 && reused.accessible > size)
            status = mprotect(reused.base + size, reused.accessible - size, PROT_NONE);
        else if (status == 0 && reused.accessible < size)
            status = mprotect(reused.base + reused.accessible, size - reused.accessible, PROT_READ | PROT_WRITE);
        if (status == 0) {
            *mapped = image && (reused.image_size > 0 || image_map(reused.base, image));
            *holds_contents = *holds_contents || *mapped;
            return reused.base;
        }
        munmap(reused.base, MEMORY_RESERVATION);
        *holds_contents = false;
    }
    *failed_call = "mmap";
    uint8_t *base = mmap(NULL, MEMORY_RESERVATION, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
        return NULL;
    /* Fresh anonymous pages read as zero, as a new memory must. */
    if (size && mprotect(base, size, PROT_READ | PROT_WRITE) != 0) {
        int saved_errno = errno;
        munmap(base, MEMORY_RESERVATION);
        errno = saved_errno;
        *failed_call = "mprotect";
        return NULL;
    }
    *mapped = image && image_map(base, image);
    *holds_contents = *mapped;
    return base;
}

static void memory_destroy(void *object)
{
    eng_memory *memory = object;
    bool unwritten = memory->contents_known && !memory->store->memory_written;
    pooled_reservation given = {memory->base,     memory->size,       memory->size,
                                memory->image_id, memory->image_size, unwritten ? memory->contents_id : 0};
    if (unwritten)
        given.dirty = memory->image_size > 0 ? 0 : memory->contents_end;
    pool_give(&given, unwritten); /* the record itself lives in the store's arena */
}

static uint64_t memory_max_pages(const eng_memory *memory)
{
    if (memory->type.limits.has_max && memory->type.limits.max < ENG_MAX_PAGES)
        return memory->type.limits.max;
    return ENG_MAX_PAGES;
}

eng_memory *eng_memory_new(eng_store *store, const eng_memtype *type, const eng_module *module, eng_error **error)
{
    *error = NULL;
    if (type->limits.min > ENG_MAX_PAGES) {
        *error = eng_error_new("memory of %llu pages: memory size must be at most 65536 pages (4GiB)",
                               (unsigned long long)type->limits.min);
        return NULL;
    }
    size_t size = (size_t)type->limits.min * ENG_PAGE_SIZE;
    if (!eng_limits_memory_fits(store, size, false)) {
        if (store->memory_bytes)
            *error = eng_error_new("memory cap %llu bytes exceeded: module needs %zu more (%llu already in use)",
                                   (unsigned long long)store->limits.max_memory_bytes, size,
                                   (unsigned long long)store->memory_bytes);
        else
            *error = eng_error_new("memory cap %llu bytes exceeded: module needs %zu",
                                   (unsigned long long)store->limits.max_memory_bytes, size);
        return NULL;
    }
    eng_memory *memory = eng_store_alloc(store, sizeof *memory);
    if (!memory) {
        *error = eng_error_new("out of memory allocating a linear memory");
        return NULL;
    }
    const eng_memory_image *image = module ? eng_module_memory_image(module) : NULL;
    uint64_t contents_id = 0;
    size_t contents_end = 0;
    if (!module || !eng_module_memory_contents(module, &contents_id, &contents_end))
        contents_id = 0;
    const char *failed_call = NULL;
    bool mapped, holds_contents;
    uint8_t *base = reservation_new(size, image && image->size <= size ? image : NULL, contents_id, &mapped,
                                    &holds_contents, &failed_call);
    if (!base) {
        int saved_errno = errno;
        if (strcmp(failed_call, "mmap") == 0)
            *error = eng_error_new("cannot reserve 8 GiB of address space for a linear memory (mmap: %s); "
                                   "each memory needs that much virtual address space for its guard region, "
                                   "so raise the address-space limit (ulimit -v) or run fewer instances",
                                   strerror(saved_errno));
        else
            *error = eng_error_new("cannot commit %llu pages (%zu bytes) for a linear memory (mprotect: %s)",
                                   (unsigned long long)type->limits.min, size, strerror(saved_errno));
        return NULL;
    }
    memory->base = base;
    memory->size = size;
    if (mapped) {
        memory->image_id = image->id;
        memory->image_size = image->size;
    }
    /* Zeros, unless it holds the module's data already (then instantiation must not copy it). */
    memory->contents_known = true;
    if (holds_contents) {
        memory->contents_id = contents_id;
        memory->contents_end = contents_end;
    }
    memory->reserved = MEMORY_RESERVATION;
    memory->type = *type;
    memory->store = store;
    if (!eng_store_own(store, memory, memory_destroy)) {
        *error = eng_error_new("out of memory registering a linear memory");
        return NULL;
    }
    store->memory_bytes += size;
    return memory;
}

int64_t eng_memory_grow(eng_memory *memory, uint64_t delta_pages)
{
    uint64_t old_pages = memory_pages(memory);
    if (delta_pages == 0)
        return (int64_t)old_pages;
    uint64_t max_pages = memory_max_pages(memory);
    if (delta_pages > max_pages - old_pages)
        return -1;
    uint64_t new_pages = old_pages + delta_pages;
    uint64_t new_size = new_pages * ENG_PAGE_SIZE;
    if (!eng_limits_memory_fits(memory->store, new_size - memory->size, true) ||
        (memory->instance && !eng_limits_instance_memory_fits(memory->instance, new_size - memory->size, true)))
        return -1;
    /* The reservation already covers the whole 4 GiB: growing never moves the base. */
    if (mprotect(memory->base + memory->size, (size_t)(new_size - memory->size), PROT_READ | PROT_WRITE) != 0)
        return -1;
    memory->store->memory_bytes += new_size - memory->size;
    memory->size = new_size;
    /* The memory's type tracks its current size: imports are matched against it. */
    memory->type.limits.min = new_pages;
    return (int64_t)old_pages;
}

/* ---- the bulk memory instructions, shared by the interpreter and compiled code ---- */

bool eng_memory_fill(eng_memory *memory, uint32_t to, uint8_t value, uint32_t count)
{
    if ((uint64_t)to + count > memory->size)
        return false;
    if (count)
        memset(memory->base + to, value, count);
    return true;
}

bool eng_memory_copy(eng_memory *memory, uint32_t to, uint32_t from, uint32_t count)
{
    if ((uint64_t)to + count > memory->size || (uint64_t)from + count > memory->size)
        return false;
    if (count)
        memmove(memory->base + to, memory->base + from, count);
    return true;
}

bool eng_memory_init(eng_memory *memory, const eng_data_instance *segment, uint32_t to, uint32_t from, uint32_t count)
{
    if ((uint64_t)from + count > segment->size || (uint64_t)to + count > memory->size)
        return false;
    if (count)
        memcpy(memory->base + to, segment->bytes + from, count);
    return true;
}
