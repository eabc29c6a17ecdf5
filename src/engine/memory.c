/* memory.c: linear memories as guarded address-space reservations that grow in place, within the store's memory cap. */
#include "limits.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Every access computes (uint64)u32 address + u32 offset, at most 2^33 - 2, and touches up
 * to 8 bytes (16 with SIMD). Reserving 8 GiB plus a page beyond that puts every reachable
 * byte inside the reservation, so loads and stores need no bounds checks: bytes past the
 * current size are PROT_NONE and the fault handler turns the fault into a trap. */
#define MEMORY_RESERVATION ((size_t)8 << 30 | (size_t)WH_PAGE_SIZE)

static void memory_destroy(void *object)
{
    wh_memory *memory = object;
    munmap(memory->base, memory->reserved);
    free(memory);
}

static uint64_t memory_max_pages(const wh_memory *memory)
{
    if (memory->type.limits.has_max && memory->type.limits.max < WH_MAX_PAGES)
        return memory->type.limits.max;
    return WH_MAX_PAGES;
}

wh_memory *memory_new(wh_store *store, const wh_memtype *type, wh_error **error)
{
    *error = NULL;
    if (type->limits.min > WH_MAX_PAGES) {
        *error = wh_error_new("memory of %llu pages: memory size must be at most 65536 pages (4GiB)",
                              (unsigned long long)type->limits.min);
        return NULL;
    }
    size_t size = (size_t)type->limits.min * WH_PAGE_SIZE;
    if (!limits_memory_fits(store, size, false)) {
        if (store->memory_bytes)
            *error = wh_error_new("memory cap %llu bytes exceeded: module needs %zu more (%llu already in use)",
                                  (unsigned long long)store->limits.max_memory_bytes, size,
                                  (unsigned long long)store->memory_bytes);
        else
            *error = wh_error_new("memory cap %llu bytes exceeded: module needs %zu",
                                  (unsigned long long)store->limits.max_memory_bytes, size);
        return NULL;
    }
    wh_memory *memory = calloc(1, sizeof *memory);
    if (!memory) {
        *error = wh_error_new("out of memory allocating a linear memory");
        return NULL;
    }
    void *base = mmap(NULL, MEMORY_RESERVATION, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
        int saved_errno = errno;
        free(memory);
        *error = wh_error_new("cannot reserve 8 GiB of address space for a linear memory (mmap: %s); "
                              "each memory needs that much virtual address space for its guard region, "
                              "so raise the address-space limit (ulimit -v) or run fewer instances",
                              strerror(saved_errno));
        return NULL;
    }
    /* Fresh anonymous pages read as zero, as a new memory must. */
    if (size && mprotect(base, size, PROT_READ | PROT_WRITE) != 0) {
        int saved_errno = errno;
        munmap(base, MEMORY_RESERVATION);
        free(memory);
        *error = wh_error_new("cannot commit %llu pages (%zu bytes) for a linear memory (mprotect: %s)",
                              (unsigned long long)type->limits.min, size, strerror(saved_errno));
        return NULL;
    }
    memory->base = base;
    memory->size = size;
    memory->reserved = MEMORY_RESERVATION;
    memory->type = *type;
    memory->store = store;
    if (!store_own(store, memory, memory_destroy)) {
        *error = wh_error_new("out of memory registering a linear memory");
        return NULL;
    }
    store->memory_bytes += size;
    return memory;
}

int64_t memory_grow(wh_memory *memory, uint64_t delta_pages)
{
    uint64_t old_pages = memory_pages(memory);
    if (delta_pages == 0)
        return (int64_t)old_pages;
    uint64_t max_pages = memory_max_pages(memory);
    if (delta_pages > max_pages - old_pages)
        return -1;
    uint64_t new_pages = old_pages + delta_pages;
    uint64_t new_size = new_pages * WH_PAGE_SIZE;
    if (memory->store && !limits_memory_fits(memory->store, new_size - memory->size, true))
        return -1;
    /* The reservation already covers the whole 4 GiB: growing never moves the base. */
    if (mprotect(memory->base + memory->size, (size_t)(new_size - memory->size), PROT_READ | PROT_WRITE) != 0)
        return -1;
    if (memory->store)
        memory->store->memory_bytes += new_size - memory->size;
    memory->size = new_size;
    /* The memory's type tracks its current size: imports are matched against it. */
    memory->type.limits.min = new_pages;
    return (int64_t)old_pages;
}
