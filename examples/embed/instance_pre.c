/* instance_pre.c: linking a module's host functions once (wh_instance_pre_new) and instantiating it many times, each instance with envs of its own, from several threads; and the misuse a pre refuses. */
#include "example.h"

#include <pthread.h>
#include <string.h>

/* What one instance's host functions work on: its own counters, given as their envs. */
typedef struct context {
    int calls;  /* host.count: how often it was called, */
    int total;  /* and the sum of its arguments */
    int factor; /* host.scale multiplies by it */
} context;

static wasm_trap_t *count(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)results;
    context *c = env;
    c->calls++;
    c->total += args->data[0].of.i32;
    return NULL;
}

static wasm_trap_t *scale(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    const context *c = env;
    results->data[0] = (wasm_val_t)WASM_I32_VAL(args->data[0].of.i32 * c->factor);
    return NULL;
}

static const wasm_func_callback_with_env_t callbacks[2] = {count, scale};

/* run(argument) in `instance`; -1 when it fails. */
static int run(const wasm_instance_t *instance, int argument)
{
    wasm_extern_t *export = wh_instance_export(instance, "run");
    wasm_val_t arg = WASM_I32_VAL(argument), result = WASM_INIT_VAL;
    wasm_val_vec_t args = {1, &arg}, results = {1, &result};
    wasm_trap_t *trap = export ? wasm_func_call(wasm_extern_as_func(export), &args, &results) : NULL;
    wasm_extern_delete(export);
    if (trap || !export) {
        wasm_trap_delete(trap);
        return -1;
    }
    return result.of.i32;
}

typedef struct worker {
    wasm_engine_t *engine;
    const wh_instance_pre_t *pre;
    int factor;
    int wrong; /* instances whose answer or counters were not their own */
} worker;

/* Many instances, one store each, all from the same pre: as a server's worker threads do. */
static void *work(void *argument)
{
    worker *w = argument;
    for (int i = 0; i < 500; i++) {
        wasm_store_t *store = wasm_store_new(w->engine);
        context c = {0, 0, w->factor};
        void *envs[2] = {&c, &c};
        wasm_instance_t *instance = wh_instance_pre_instantiate(w->pre, store, envs, NULL);
        if (!instance || run(instance, i) != i * w->factor || c.calls != 1 || c.total != i)
            w->wrong++;
        wasm_instance_delete(instance);
        wasm_store_delete(store);
    }
    return NULL;
}

/* The message of the last failure contains `expected`. */
static void expect_error(const char *expected)
{
    printf("error: %s\n", wh_last_error_message());
    CHECK(strstr(wh_last_error_message(), expected) != NULL);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        printf("usage: instance_pre instance_pre.wasm global.wasm\n");
        return 2;
    }
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *module_store = wasm_store_new(engine);
    wasm_module_t *module = load_module(module_store, argv[1]);

    printf("Linking once...\n");
    wh_instance_pre_t *pre = wh_instance_pre_new(module, callbacks, 2);
    CHECK(pre != NULL);
    wasm_module_delete(module); /* the pre keeps it */

    printf("Two instances, each with its own envs...\n");
    wasm_store_t *store = wasm_store_new(engine);
    context first = {0, 0, 2}, second = {0, 0, 10};
    void *first_envs[2] = {&first, &first};
    void *second_envs[2] = {&second, &second};
    wasm_instance_t *one = wh_instance_pre_instantiate(pre, store, first_envs, NULL);
    wasm_instance_t *two = wh_instance_pre_instantiate(pre, store, second_envs, NULL);
    CHECK(one != NULL && two != NULL);
    CHECK(run(one, 5) == 10 && run(one, 7) == 14);
    CHECK(run(two, 5) == 50);
    printf("first: %d calls, total %d; second: %d calls, total %d\n", first.calls, first.total, second.calls,
           second.total);
    CHECK(first.calls == 2 && first.total == 12 && second.calls == 1 && second.total == 5);

    printf("Three threads, and the pre deleted while instances made from it live...\n");
    wasm_instance_t *three = wh_instance_pre_instantiate(pre, store, first_envs, NULL);
    worker workers[3];
    pthread_t threads[3];
    for (int i = 0; i < 3; i++) {
        workers[i] = (worker){engine, pre, i + 3, 0};
        pthread_create(&threads[i], NULL, work, &workers[i]);
    }
    for (int i = 0; i < 3; i++) {
        pthread_join(threads[i], NULL);
        printf("thread %d: %d of 500 instances wrong\n", i, workers[i].wrong);
        CHECK(workers[i].wrong == 0);
    }
    wh_instance_pre_delete(pre);
    CHECK(three != NULL && run(three, 4) == 8);

    printf("What a pre refuses...\n");
    module = load_module(module_store, argv[1]);
    CHECK(wh_instance_pre_new(module, callbacks, 1) == NULL);
    expect_error("the module has 2 imports but 1 callback was given");
    const wasm_func_callback_with_env_t missing[2] = {count, NULL};
    CHECK(wh_instance_pre_new(module, missing, 2) == NULL);
    expect_error("import 1 \"host\".\"scale\" has a NULL callback");
    CHECK(wh_instance_pre_new(NULL, callbacks, 2) == NULL);
    expect_error("the module is NULL");
    CHECK(wh_instance_pre_instantiate(NULL, store, NULL, NULL) == NULL);
    expect_error("the instance pre is NULL");
    wasm_module_delete(module);
    wasm_module_t *global_importer = load_module(module_store, argv[2]); /* global.wat imports globals */
    const wasm_func_callback_with_env_t two_callbacks[2] = {count, count};
    CHECK(wh_instance_pre_new(global_importer, two_callbacks, 2) == NULL);
    expect_error("import 0 \"host\".\"const_f32\" is not a function");
    wasm_module_delete(global_importer);

    wasm_instance_delete(one);
    wasm_instance_delete(two);
    wasm_instance_delete(three);
    wasm_store_delete(store);
    wasm_store_delete(module_store);
    wasm_engine_delete(engine);
    return example_finish("instance_pre");
}
