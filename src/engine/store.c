/* store.c: the store (value stack, call frames, owned objects, limits), globals and host functions. */
#include "limits.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static pthread_once_t signal_handler_once = PTHREAD_ONCE_INIT;

static void release_stack(wh_store *store)
{
    if (store->stack)
        munmap(store->stack, store->stack_slots * sizeof(wh_slot));
    if (store->frames)
        munmap(store->frames, (size_t)store->max_frames * sizeof(wh_frame));
    store->stack = store->stack_top = NULL;
    store->frames = NULL;
    store->stack_slots = 0;
    store->max_frames = 0;
}

/* The stack limit counts value slots and call records together: a call may use slots up to
 * stack_slots less WH_FRAME_RECORD_SLOTS per record in use, so no more than
 * stack_slots / WH_FRAME_RECORD_SLOTS records can ever be in use, which is what frames[] holds.
 * Both are reserved with mmap: untouched pages cost no memory, so a generous limit is cheap
 * until deep recursion actually uses it. */
bool store_allocate_stack(wh_store *store, uint64_t bytes)
{
    size_t slots = (size_t)(bytes / sizeof(wh_slot));
    size_t frames = slots / WH_FRAME_RECORD_SLOTS + 1;
    void *stack = mmap(NULL, slots * sizeof(wh_slot), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (stack == MAP_FAILED)
        return false;
    void *records = mmap(NULL, frames * sizeof(wh_frame), PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (records == MAP_FAILED) {
        munmap(stack, slots * sizeof(wh_slot));
        return false;
    }
    release_stack(store);
    store->stack = stack;
    store->stack_slots = slots;
    store->stack_top = store->stack;
    store->frames = records;
    store->max_frames = (uint32_t)frames;
    store->frame_depth = 0;
    return true;
}

wh_store *store_new(void)
{
    /* The fault handler chains to the previous one, so it must be installed exactly once. */
    pthread_once(&signal_handler_once, trap_install_signal_handler);

    wh_store *store = calloc(1, sizeof *store);
    if (!store)
        return NULL;
    if (!limits_store_init(store) || !store_allocate_stack(store, store->limits.max_stack_bytes)) {
        limits_store_free(store);
        free(store);
        return NULL;
    }
    return store;
}

void store_free(wh_store *store)
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
    limits_store_free(store);
    free(store);
}

bool store_own(wh_store *store, void *object, void (*destroy)(void *))
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

wh_global *global_new(wh_store *store, const wh_globaltype *type, wh_slot value)
{
    wh_global *global = malloc(sizeof *global);
    if (!global)
        return NULL;
    global->type = *type;
    global->value = value;
    if (!store_own(store, global, free))
        return NULL;
    return global;
}

static void host_func_destroy(void *object)
{
    wh_func *func = object;
    free(func->owned_type.types);
    free(func);
}

wh_func *func_new_host(wh_store *store, const wh_functype *type, wh_host_callback callback, void *env)
{
    wh_func *func = calloc(1, sizeof *func);
    if (!func)
        return NULL;
    size_t type_count = (size_t)type->param_count + type->result_count;
    /* Deep copy: the caller's type may be a temporary or belong to a module freed earlier. */
    func->owned_type.param_count = type->param_count;
    func->owned_type.result_count = type->result_count;
    func->owned_type.types = malloc(type_count ? type_count * sizeof(wh_valtype) : 1);
    if (!func->owned_type.types) {
        free(func);
        return NULL;
    }
    if (type_count)
        memcpy(func->owned_type.types, type->types, type_count * sizeof(wh_valtype));
    functype_compute_hash(&func->owned_type);
    func->type = &func->owned_type;
    func->instance = NULL;
    func->func_index = 0;
    func->code = NULL;
    func->callback = callback;
    func->env = env;
    if (!store_own(store, func, host_func_destroy))
        return NULL;
    return func;
}
