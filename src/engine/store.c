/* store.c: the store (arena, value stack, call frames, owned objects, limits), globals and host functions. */
#include "limits.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static pthread_once_t signal_handler_once = PTHREAD_ONCE_INIT;

/* ---- value stacks kept for reuse ----
 * As memories (memory.c), a server's per-request stores would otherwise map and unmap their
 * stack and call records every time, serializing worker threads on the address-space lock and
 * flushing every core's TLB. Freed stacks of the usual size are kept; what a deep call left
 * beyond the first STACK_KEEP_BYTES is given back to the kernel first, so kept stacks stay small.
 * Nothing needs clearing: the interpreter writes every slot and record before reading it. */
#define STACK_POOL_CAPACITY 64
#define STACK_KEEP_BYTES ((size_t)256 << 10)

typedef struct pooled_stack {
    void *stack, *records;
    size_t stack_bytes, record_bytes;
} pooled_stack;

static pthread_mutex_t stack_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pooled_stack stack_pool[STACK_POOL_CAPACITY];
static size_t stack_pool_count;

/* Gives back what a deep call left beyond the first STACK_KEEP_BYTES (`used` bytes were used). */
static void trim(void *region, size_t used)
{
    if (used > STACK_KEEP_BYTES)
        madvise((uint8_t *)region + STACK_KEEP_BYTES, used - STACK_KEEP_BYTES, MADV_DONTNEED);
}

static void release_stack(eng_store *store)
{
    if (store->stack) {
        pooled_stack freed = {store->stack, store->frames, store->stack_slots * sizeof(eng_slot),
                              (size_t)store->max_frames * sizeof(eng_frame)};
        bool kept = false;
        /* The high-water mark comes from the interpreter: a deep frame moves it (a deeper one
         * would have trapped first), so no slot past it was touched, and no more records than
         * one per ENG_FRAME_RECORD_SLOTS slots below it. */
        size_t slots_used = (store->stack_high_water - (uintptr_t)store->stack) / sizeof(eng_slot);
        size_t stack_used = slots_used * sizeof(eng_slot);
        size_t records_used = slots_used / ENG_FRAME_RECORD_SLOTS * sizeof(eng_frame);
        trim(freed.stack, stack_used < freed.stack_bytes ? stack_used : freed.stack_bytes);
        trim(freed.records, records_used < freed.record_bytes ? records_used : freed.record_bytes);
        pthread_mutex_lock(&stack_pool_lock);
        if (stack_pool_count < STACK_POOL_CAPACITY) {
            stack_pool[stack_pool_count++] = freed;
            kept = true;
        }
        pthread_mutex_unlock(&stack_pool_lock);
        if (!kept) {
            munmap(freed.stack, freed.stack_bytes);
            munmap(freed.records, freed.record_bytes);
        }
    }
    store->stack = store->stack_top = NULL;
    store->frames = NULL;
    store->stack_slots = 0;
    store->max_frames = 0;
}

/* A kept stack of exactly these sizes; false if none. */
static bool stack_pool_take(size_t stack_bytes, size_t record_bytes, void **stack, void **records)
{
    bool found = false;
    pthread_mutex_lock(&stack_pool_lock);
    for (size_t i = stack_pool_count; i-- > 0;) {
        if (stack_pool[i].stack_bytes == stack_bytes && stack_pool[i].record_bytes == record_bytes) {
            *stack = stack_pool[i].stack;
            *records = stack_pool[i].records;
            stack_pool[i] = stack_pool[--stack_pool_count];
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&stack_pool_lock);
    return found;
}

/* The stack limit counts value slots and call records together: a call may use slots up to
 * stack_slots less ENG_FRAME_RECORD_SLOTS per record in use, so no more than
 * stack_slots / ENG_FRAME_RECORD_SLOTS records can ever be in use, which is what frames[] holds.
 * Both are reserved with mmap: untouched pages cost no memory, so a generous limit is cheap
 * until deep recursion actually uses it. */
bool eng_store_allocate_stack(eng_store *store, uint64_t bytes)
{
    size_t slots = (size_t)(bytes / sizeof(eng_slot));
    size_t frames = slots / ENG_FRAME_RECORD_SLOTS + 1;
    void *stack, *records;
    if (!stack_pool_take(slots * sizeof(eng_slot), frames * sizeof(eng_frame), &stack, &records)) {
        stack = mmap(NULL, slots * sizeof(eng_slot), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (stack == MAP_FAILED)
            return false;
        records = mmap(NULL, frames * sizeof(eng_frame), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (records == MAP_FAILED) {
            munmap(stack, slots * sizeof(eng_slot));
            return false;
        }
    }
    release_stack(store);
    store->stack = stack;
    store->stack_slots = slots;
    store->stack_top = store->stack;
    store->frames = records;
    store->max_frames = (uint32_t)frames;
    store->frame_depth = 0;
    store->stack_high_water = (uintptr_t)store->stack;
    return true;
}

/* ---- the arena ----
 * Most of what a store holds lives exactly as long as the store: its own record, instance records
 * and their index spaces, functions, globals, the records of memories and tables, the API's
 * identities. A server makes and frees a store per request, and malloc and free of those ~90
 * small blocks were the largest cost of a fresh instance once memories stopped being cleared for
 * nothing (perf: 60% of the cycle of an empty call, glibc consolidating its fast bins whenever a
 * store's last free merged into the top chunk). So they are carved from chunks the store frees
 * all at once; freed chunks of the usual size are kept for the next store. */
#define ARENA_CHUNK_BYTES ((size_t)16 << 10)
#define ARENA_ALIGN 16
/* Under AddressSanitizer chunks are not kept, so that a store object used after its store was
 * deleted is still caught (the chunk is freed). */
#ifdef ENG_UNDER_ASAN
#define ARENA_KEEPS_CHUNKS 0
#else
#define ARENA_KEEPS_CHUNKS 1
#endif
#define ARENA_POOL_CAPACITY 64

typedef struct eng_arena_chunk {
    struct eng_arena_chunk *next;
    size_t size; /* bytes in data[] */
    size_t used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
} eng_arena_chunk;

static pthread_mutex_t arena_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static eng_arena_chunk *arena_pool[ARENA_POOL_CAPACITY];
static size_t arena_pool_count;

static eng_arena_chunk *arena_chunk_new(size_t at_least)
{
    eng_arena_chunk *chunk = NULL;
    if (at_least <= ARENA_CHUNK_BYTES) {
        pthread_mutex_lock(&arena_pool_lock);
        if (arena_pool_count)
            chunk = arena_pool[--arena_pool_count];
        pthread_mutex_unlock(&arena_pool_lock);
        at_least = ARENA_CHUNK_BYTES;
    }
    if (!chunk && (chunk = malloc(sizeof *chunk + at_least)))
        chunk->size = at_least;
    if (chunk) {
        chunk->next = NULL;
        chunk->used = 0;
    }
    return chunk;
}

static void arena_free(eng_arena_chunk *chunk)
{
    while (chunk) {
        eng_arena_chunk *next = chunk->next;
        bool kept = false;
        if (ARENA_KEEPS_CHUNKS && chunk->size == ARENA_CHUNK_BYTES) {
            pthread_mutex_lock(&arena_pool_lock);
            if (arena_pool_count < ARENA_POOL_CAPACITY) {
                arena_pool[arena_pool_count++] = chunk;
                kept = true;
            }
            pthread_mutex_unlock(&arena_pool_lock);
        }
        if (!kept)
            free(chunk);
        chunk = next;
    }
}

/* At exit, so that leak checkers see every block given back. */
__attribute__((destructor)) static void arena_pool_free(void)
{
    pthread_mutex_lock(&arena_pool_lock);
    while (arena_pool_count)
        free(arena_pool[--arena_pool_count]);
    pthread_mutex_unlock(&arena_pool_lock);
}

/* `size` zeroed bytes from `*arena` (a list of chunks, the one in use first). */
static void *arena_alloc(eng_arena_chunk **arena, size_t size)
{
    size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (rounded < size)
        return NULL;
    eng_arena_chunk *chunk = *arena;
    if (!chunk || chunk->size - chunk->used < rounded) {
        eng_arena_chunk *fresh = arena_chunk_new(rounded);
        if (!fresh)
            return NULL;
        if (chunk && rounded > ARENA_CHUNK_BYTES) {
            /* A large block gets a chunk of its own, behind the one being filled. */
            fresh->next = chunk->next;
            chunk->next = fresh;
            chunk = fresh;
        } else {
            fresh->next = chunk;
            *arena = chunk = fresh;
        }
    }
    void *block = chunk->data + chunk->used;
    chunk->used += rounded;
    return memset(block, 0, size);
}

void *eng_store_alloc(eng_store *store, size_t size) { return arena_alloc(&store->arena, size); }

eng_store *eng_store_new(void)
{
    /* The fault handler chains to the previous one, so it must be installed exactly once. */
    pthread_once(&signal_handler_once, eng_trap_install_signal_handler);

    eng_arena_chunk *arena = NULL;
    eng_store *store = arena_alloc(&arena, sizeof *store);
    if (!store)
        return NULL;
    store->arena = arena;
    if (!eng_limits_store_init(store) || !eng_store_allocate_stack(store, store->limits.max_stack_bytes)) {
        eng_limits_store_free(store);
        arena_free(store->arena);
        return NULL;
    }
    return store;
}

void eng_store_free(eng_store *store)
{
    if (!store)
        return;
    /* Reverse order: later objects may refer to earlier ones (an instance to its module's
     * functions, a table to functions), never the other way round. */
    for (size_t i = store->object_count; i > 0; i--)
        store->object_destructors[i - 1](store->objects[i - 1]);
    release_stack(store);
    eng_limits_store_free(store);
    arena_free(store->arena); /* the store's own record with it */
}

bool eng_store_own(eng_store *store, void *object, void (*destroy)(void *))
{
    if (store->object_count == store->object_capacity) {
        /* From the arena too: the old arrays stay there unused until the store goes. */
        size_t capacity = store->object_capacity ? store->object_capacity * 2 : 32;
        void **objects = eng_store_alloc(store, capacity * sizeof *objects);
        void (**destructors)(void *) = eng_store_alloc(store, capacity * sizeof *destructors);
        if (!objects || !destructors) {
            destroy(object);
            return false;
        }
        if (store->object_count) {
            memcpy(objects, store->objects, store->object_count * sizeof *objects);
            memcpy(destructors, store->object_destructors, store->object_count * sizeof *destructors);
        }
        store->objects = objects;
        store->object_destructors = destructors;
        store->object_capacity = capacity;
    }
    store->objects[store->object_count] = object;
    store->object_destructors[store->object_count] = destroy;
    store->object_count++;
    return true;
}

eng_global *eng_global_new(eng_store *store, const eng_globaltype *type, const eng_slot *value)
{
    eng_global *global = eng_store_alloc(store, sizeof *global);
    if (!global)
        return NULL;
    global->type = *type;
    memcpy(global->v128, value, eng_valtype_slots(type->type) * sizeof *value);
    return global;
}

eng_func *eng_func_new_host(eng_store *store, const eng_functype *type, eng_host_callback callback, void *env)
{
    eng_func *func = eng_store_alloc(store, sizeof *func);
    if (!func)
        return NULL;
    size_t type_count = (size_t)type->param_count + type->result_count;
    /* Deep copy: the caller's type may be a temporary or belong to a module freed earlier. */
    func->owned_type = *type;
    func->owned_type.types = eng_store_alloc(store, type_count ? type_count * sizeof(eng_valtype) : 1);
    if (!func->owned_type.types)
        return NULL;
    if (type_count)
        memcpy(func->owned_type.types, type->types, type_count * sizeof(eng_valtype));
    if (!type->hash) /* a complete type (a module's, or a host function's already made) keeps its summary */
        eng_functype_complete(&func->owned_type);
    func->type = &func->owned_type;
    func->callback = callback;
    func->env = env;
    return func;
}
