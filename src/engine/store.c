/* store.c: the store (value stack, call frames, owned objects), globals and host functions. */
#include "runtime.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static pthread_once_t signal_handler_once = PTHREAD_ONCE_INIT;

wh_store *store_new(void)
{
    /* The fault handler chains to the previous one, so it must be installed exactly once. */
    pthread_once(&signal_handler_once, trap_install_signal_handler);

    wh_store *store = calloc(1, sizeof *store);
    if (!store)
        return NULL;
    /* mmap rather than malloc: the stack is large but most programs touch only its first
     * pages, and untouched anonymous pages cost no memory. */
    size_t stack_bytes = (size_t)WH_DEFAULT_STACK_SLOTS * sizeof(wh_slot);
    void *stack = mmap(NULL, stack_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (stack == MAP_FAILED) {
        free(store);
        return NULL;
    }
    store->stack = stack;
    store->stack_slots = WH_DEFAULT_STACK_SLOTS;
    store->stack_top = store->stack;
    store->frames = malloc((size_t)WH_DEFAULT_MAX_FRAMES * sizeof(wh_frame));
    if (!store->frames) {
        munmap(stack, stack_bytes);
        free(store);
        return NULL;
    }
    store->max_frames = WH_DEFAULT_MAX_FRAMES;
    store->frame_depth = 0;
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
    free(store->frames);
    munmap(store->stack, store->stack_slots * sizeof(wh_slot));
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
