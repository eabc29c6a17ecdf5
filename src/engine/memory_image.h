/* memory_image.h: copy-on-write images of a module's memory 0 as its active data segments leave it, mapped into new memories instead of copied.
 *
 * A server makes a fresh instance per request. Copying the data segments into each new memory
 * costs time in proportion to the data (a language runtime, a model, a lookup table: milliseconds
 * per request for a few MiB), and so does clearing the memory afterwards. Instead, the first time
 * a module is instantiated, its memory 0 after its active data segments is written once into a
 * sealed memfd (the image); every memory made for the module maps the image MAP_PRIVATE over the
 * start of its reservation, so pages are shared until written and copied on the first write. A
 * released memory keeps the mapping: MADV_DONTNEED turns every page back into the image's (and
 * the rest into zeros) and the reservation goes back to the pool labelled with the image's id, so
 * the next instance of the same module finds its data already in place (memory.c).
 *
 * When a module gets one (memory_image.c, eng_module_memory_image): its memory 0 is its own (not
 * imported), every active data segment writes memory 0 at a constant offset and fits its initial
 * size (so instantiation cannot trap on them), and they hold at least ENG_MEMORY_IMAGE_MIN_BYTES
 * (below that, copying is cheaper than the page faults a mapping costs: bench/instance_cycle).
 * Anything else, or a system without memfd, keeps the copying path.
 *
 * Smaller data is copied, but the same conditions make it the same for every instance: a memory
 * that no code wrote goes back to the pool still holding it, labelled, and is taken as it is by
 * the next instance of the module (eng_module_memory_contents).
 */
#ifndef ENG_MEMORY_IMAGE_H
#define ENG_MEMORY_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "module.h"

#define ENG_MEMORY_IMAGE_MIN_BYTES ((size_t)32 << 10)

typedef struct eng_memory_image {
    int fd;      /* the sealed memfd; its pages past the data read as zero */
    size_t size; /* bytes to map: the last segment's end rounded up to the system page */
    uint64_t id; /* unique in the process, never reused: labels the pool's reservations */
} eng_memory_image;

/* The module's image, built on the first call (thread-safe); NULL when it has none. */
const eng_memory_image *eng_module_memory_image(const eng_module *module);
/* What memory 0 of every instance of the module holds after its active data segments, when that
 * is the same for all of them (the conditions above, whatever the size of the data): true, with
 * *id unique in the process (the image's id when it has one; 0 when there is no data: zeros) and
 * *end where the data ends. A memory given back unwritten keeps that label in the pool (memory.c),
 * so the next instance of the module needs neither clearing nor copying. */
bool eng_module_memory_contents(const eng_module *module, uint64_t *id, size_t *end);
/* For eng_module_release. */
void eng_memory_image_free(eng_memory_image *image);

#endif
