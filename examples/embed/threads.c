/* threads.c: an engine and a compiled module shared by threads that instantiate and call it in their own stores. */
#include <pthread.h>
#include <string.h>

#include "example.h"

#define THREAD_COUNT 4
#define ROUNDS 2000

static wasm_engine_t *engine;
static wasm_module_t *module; /* compiled once, used by every thread */

typedef struct worker {
    int index;
    int failures; /* checks that failed in this thread (CHECK's counter is not thread-safe) */
    char first_failure[256];
} worker;

#define EXPECT(w, condition)                                                                                     \
    do {                                                                                                         \
        if (!(condition)) {                                                                                      \
            if (!(w)->failures++)                                                                                \
                snprintf((w)->first_failure, sizeof(w)->first_failure, "line %d: %s (%s)", __LINE__, #condition, \
                         wh_last_error_message());                                                               \
        }                                                                                                        \
    } while (0)

static wasm_trap_t *offset(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args;
    results->data[0] = (wasm_val_t)WASM_I32_VAL(((worker *)env)->index * 1000);
    return NULL;
}

/* One request: a store, an instance, a call (sometimes a trapping one), everything deleted. */
static void request(worker *w, int round)
{
    wasm_store_t *store = wasm_store_new(engine);
    EXPECT(w, store);
    /* What a host does per request: a deadline far away, and a handle to interrupt with. */
    EXPECT(w, wh_store_set_deadline(store, (uint64_t)600 * 1000 * 1000 * 1000));
    wh_interrupt_handle_t *interrupt = wh_store_interrupt_handle(store);
    EXPECT(w, interrupt);
    /* Modules' handles may be copied and deleted by any thread. */
    wasm_module_t *mine = wasm_module_copy(module);
    EXPECT(w, mine);

    wasm_functype_t *type = wasm_functype_new_0_1(wasm_valtype_new_i32());
    wasm_func_t *host = wasm_func_new_with_env(store, type, offset, w, NULL);
    wasm_functype_delete(type);
    wasm_extern_t *imports_data[] = {wasm_func_as_extern(host)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_data);
    wasm_trap_t *trap = NULL;
    wasm_instance_t *instance = wasm_instance_new(store, mine, &imports, &trap);
    EXPECT(w, instance && !trap);
    if (instance) {
        wasm_extern_t *run = wh_instance_export(instance, "run");
        wasm_val_t args_data[] = {WASM_I32_VAL(round)}, results_data[1] = {WASM_INIT_VAL};
        wasm_val_vec_t args = WASM_ARRAY_VEC(args_data), results = WASM_ARRAY_VEC(results_data);
        trap = wasm_func_call(wasm_extern_as_func(run), &args, &results);
        EXPECT(w, !trap && results_data[0].of.i32 == 3 * round + 42 + w->index * 1000 + 1);
        if (trap)
            wasm_trap_delete(trap);
        wasm_extern_delete(run);
        if (round % 50 == 0) {
            wasm_extern_t *fail = wh_instance_export(instance, "fail");
            wasm_val_vec_t none = WASM_EMPTY_VEC;
            trap = wasm_func_call(wasm_extern_as_func(fail), &none, &none);
            EXPECT(w, trap && wh_trap_code(trap) == WH_TRAP_CODE_UNREACHABLE);
            wasm_frame_t *origin = trap ? wasm_trap_origin(trap) : NULL;
            EXPECT(w, origin && wasm_frame_func_index(origin) == 2);
            wasm_frame_delete(origin);
            wasm_trap_delete(trap);
            wasm_extern_delete(fail);
        }
        wasm_instance_delete(instance);
    }
    wasm_func_delete(host);
    wasm_module_delete(mine);
    wasm_store_delete(store);
    wh_interrupt_handle_interrupt(interrupt); /* the store is gone: does nothing */
    wh_interrupt_handle_delete(interrupt);
}

static void *work(void *argument)
{
    worker *w = argument;
    for (int round = 0; round < ROUNDS; round++)
        request(w, round);
    return NULL;
}

int main(int argc, char **argv)
{
    engine = wasm_engine_new();
    /* The store the module is compiled in may go before the module: modules are not tied to it. */
    wasm_store_t *compile_store = wasm_store_new(engine);
    module = load_module(compile_store, argc > 1 ? argv[1] : "threads.wasm");
    wasm_store_delete(compile_store);

    printf("%d threads x %d requests on one module...\n", THREAD_COUNT, ROUNDS);
    pthread_t threads[THREAD_COUNT];
    worker workers[THREAD_COUNT];
    for (int i = 0; i < THREAD_COUNT; i++) {
        workers[i] = (worker){.index = i};
        CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
    }
    for (int i = 0; i < THREAD_COUNT; i++) {
        pthread_join(threads[i], NULL);
        if (workers[i].failures)
            printf("FAILED thread %d: %d checks failed, the first at %s\n", i, workers[i].failures,
                   workers[i].first_failure);
        example_failures += workers[i].failures;
    }

    /* The module is still whole: a last instance in a new store. */
    worker last = {.index = 7};
    request(&last, 50);
    CHECK(last.failures == 0);
    wasm_module_delete(module);
    wasm_engine_delete(engine);
    return example_finish("threads");
}
