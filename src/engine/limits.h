/* limits.h: what the interpreter, memories, tables and the store share about limits (internal). */
#ifndef ENG_LIMITS_H
#define ENG_LIMITS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "runtime.h"

/* The engine-wide epoch: ticks of ENG_EPOCH_TICK_NS since the timer started, published by the
 * timer thread when a deadline falls due. Hidden, as eng_limits_check: position-independent code
 * then reaches them directly, not through the GOT. */
extern _Atomic uint64_t eng_limits_epoch __attribute__((visibility("hidden")));

/* What a store shares with its interrupt handles (which may outlive it) and the timer thread.
 * Every field but `references` is guarded by the limits lock (limits.c). */
struct eng_interrupt {
    _Atomic uint32_t references;
    eng_store *store; /* NULL once the store is freed */
    /* The timer's list of stores with a deadline. */
    bool armed;
    bool fired;   /* the timer has raised the stop flag for this deadline */
    uint64_t due; /* the deadline's epoch */
    struct eng_interrupt *next_armed, *previous_armed;
};

/* The interpreter's slow path, taken when its fuel went below zero or the store's stop flag is
 * up: `fuel` is the count after charging `cost`. Returns the count to go on with and, in
 * `trap`, a trap kind, or -1 to go on. */
typedef struct eng_limit_check {
    int64_t fuel;
    int trap;
} eng_limit_check;
__attribute__((visibility("hidden"), cold)) eng_limit_check eng_limits_check(eng_store *store, int64_t fuel,
                                                                             uint32_t cost);

/* Whether `more` bytes (elements) fit under the store's memory (table) cap; when they do not,
 * records the event. `grow`: for memory.grow/table.grow (else creating one). */
bool eng_limits_memory_fits(eng_store *store, uint64_t more, bool grow);
bool eng_limits_table_fits(eng_store *store, uint64_t more, bool grow);
/* The same for the memories `instance` defines, under the store's max_instance_memory_bytes. */
bool eng_limits_instance_memory_fits(eng_instance *instance, uint64_t more, bool grow);
/* Whether a memory of `type` fits beside those `instance` defined before it: NULL, or the
 * error (the event recorded) to fail the instantiation with. */
eng_error *eng_limits_instance_memory_check(eng_instance *instance, const eng_memtype *type);
/* Records a "call stack exhausted". */
void eng_limits_stack_exhausted(eng_store *store);

/* store.c: (re)allocates the value stack and call records for a limit of `bytes`. */
bool eng_store_allocate_stack(eng_store *store, uint64_t bytes);
/* limits.c: sets up and tears down the store's limit state (eng_store_new/eng_store_free). */
bool eng_limits_store_init(eng_store *store);
void eng_limits_store_free(eng_store *store);

#endif
