/* store.c: the store (value stack, call frames, owned objects, limits), globals and host functions. */
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

eng_store *eng_store_new(void)
{
    /* The fault handler chains to the previous one, so it must be installed exactly once. */
    pthread_once(&signal_handler_once, eng_trap_install_signal_handler);

    eng_store *store = calloc(1, sizeof *store);
    if (!store)
        return NULL;
    if (!eng_limits_store_init(store) || !eng_store_allocate_stack(store, store->limits.max_stack_bytes)) {
        eng_limits_store_free(store);
        free(store);
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
    free(store->objects);
    free(store->object_destructors);
    release_stack(store);
    eng_limits_store_free(store);
    free(store);
}

bool eng_store_own(eng_store *store, void *object, void (*destroy)(void *))
{
    if (store->object_count == store->object_capacity) {
        size_t capacity = store->object_capacity ? store->object_capacity * 2 : 16;
        void **objects = realloc(store->objects, capacity * sizeof *objects);
        if (!objects) {
            destroy(object);
            return false;
        }
        store->objects = objects;
        void (**destructors)(void *) = realloc(store->object_destructors, capacity * sizeof *destructors);
        if (!destructors) {
            destroy(object);
            return false;
        }
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
    eng_global *global = calloc(1, sizeof *global);
    if (!global)
        return NULL;
    global->type = *type;
    memcpy(global->v128, value, eng_valtype_slots(type->type) * sizeof *value);
    if (!eng_store_own(store, global, free))
        return NULL;
    return global;
}

static void host_func_destroy(void *object)
{
    eng_func *func = object;
    free(func->owned_type.types);
    free(func);
}

eng_func *eng_func_new_host(eng_store *store, const eng_functype *type, eng_host_callback callback, void *env)
{
    eng_func *func = calloc(1, sizeof *func);
    if (!func)
        return NULL;
    size_t type_count = (size_t)type->param_count + type->result_count;
    /* Deep copy: the caller's type may be a temporary or belong to a module freed earlier. */
    func->owned_type.param_count = type->param_count;
    func->owned_type.result_count = type->result_count;
    func->owned_type.types = malloc(type_count ? type_count * sizeof(eng_valtype) : 1);
    if (!func->owned_type.types) {
        free(func);
        return NULL;
    }
    if (type_count)
        memcpy(func->owned_type.types, type->types, type_count * sizeof(eng_valtype));
    eng_functype_complete(&func->owned_type);
    func->type = &func->owned_type;
    func->instance = NULL;
    func->func_index = 0;
    func->code = NULL;
    func->callback = callback;
    func->env = env;
    if (!eng_store_own(store, func, host_func_destroy))
        return NULL;
    return func;
}
