/* pool.c: bounded instances: an engine's max_instances (also under threads, and shared by two engines) and max_memory_per_instance. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "example.h"

#define PAGE 65536u

static wasm_byte_vec_t binary; /* pool.wasm: one page of memory, "grow" and "pages" */

/* An engine with the two settings (0: their defaults), and the module compiled for it. */
static wasm_engine_t *engine_in_pool(uint32_t max_instances, uint64_t max_memory_per_instance, wasm_engine_t *pool,
                                     wasm_module_t **module)
{
    wasm_config_t *config = wasm_config_new();
    wh_config_set_max_instances(config, max_instances);
    wh_config_set_max_memory_per_instance(config, max_memory_per_instance);
    wh_config_set_instance_pool(config, pool);
    wasm_engine_t *engine = wasm_engine_new_with_config(config);
    wasm_store_t *store = wasm_store_new(engine);
    *module = wasm_module_new(store, &binary);
    wasm_store_delete(store);
    if (!*module) {
        printf("cannot compile pool.wasm: %s\n", wh_last_error_message());
        exit(2);
    }
    return engine;
}

static wasm_engine_t *engine_with(uint32_t max_instances, uint64_t max_memory_per_instance, wasm_module_t **module)
{
    return engine_in_pool(max_instances, max_memory_per_instance, NULL, module);
}

static wasm_instance_t *instantiate_handle(wasm_store_t *store, const wasm_module_t *module)
{
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    return wasm_instance_new(store, module, &none, NULL);
}

/* Whether an instance could be made; it lives on in the store (its handle is deleted). */
static bool instantiate(wasm_store_t *store, const wasm_module_t *module)
{
    wasm_instance_t *instance = instantiate_handle(store, module);
    wasm_instance_delete(instance);
    return instance != NULL;
}

/* Calls the export `name` with `argument_count` (0 or 1) i32 arguments; its i32 result. */
static int32_t call(const wasm_instance_t *instance, const char *name, size_t argument_count, int32_t argument)
{
    wasm_extern_t *export = wh_instance_export(instance, name);
    wasm_val_t args_data[1] = {WASM_I32_VAL(argument)}, results_data[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = {argument_count, args_data}, results = WASM_ARRAY_VEC(results_data);
    wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(export), &args, &results);
    wasm_extern_delete(export);
    CHECK(!trap);
    if (trap)
        wasm_trap_delete(trap);
    return results_data[0].of.i32;
}

/* N instances alive succeed, in one store or several; the next fails as "at capacity"; deleting
 * a store gives its instances' places back. */
static void max_instances(void)
{
    wasm_module_t *module;
    wasm_engine_t *engine = engine_with(3, 0, &module);
    wasm_store_t *first = wasm_store_new(engine), *second = wasm_store_new(engine), *third = wasm_store_new(engine);
    CHECK(instantiate(first, module) && instantiate(first, module) && instantiate(second, module)); /* 3 alive */

    wh_clear_error();
    CHECK(!instantiate(second, module));
    CHECK(wh_last_error_code() == WH_ERROR_CAPACITY);
    CHECK(strstr(wh_last_error_message(),
                 "wasm_instance_new: the engine has its limit of 3 instances alive (wh_config_set_max_instances)"));
    CHECK(!instantiate(third, module) && wh_last_error_code() == WH_ERROR_CAPACITY);
    /* With a trap pointer: the same failure, and a trap that says so. */
    wasm_trap_t *trap = NULL;
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    CHECK(!wasm_instance_new(third, module, &none, &trap) && trap && wh_last_error_code() == WH_ERROR_CAPACITY);
    if (trap) {
        wasm_message_t message;
        wasm_trap_message(trap, &message);
        CHECK(strstr(message.data, "limit of 3 instances alive"));
        wasm_byte_vec_delete(&message);
        wasm_trap_delete(trap);
    }
    /* A failure of another kind gives its place back: 3 alive still, none refused for capacity. */
    wasm_extern_t *stray = NULL;
    wasm_extern_vec_t wrong = {1, &stray};
    CHECK(!wasm_instance_new(third, module, &wrong, NULL) && wh_last_error_code() == WH_ERROR_LINK);

    wasm_store_delete(second); /* one instance gone: one place */
    second = wasm_store_new(engine);
    CHECK(instantiate(second, module));
    CHECK(!instantiate(third, module) && wh_last_error_code() == WH_ERROR_CAPACITY);
    wasm_store_delete(first); /* two more */
    CHECK(instantiate(third, module) && instantiate(third, module));
    CHECK(!instantiate(third, module) && wh_last_error_code() == WH_ERROR_CAPACITY);
    wasm_store_delete(second);
    wasm_store_delete(third);
    wasm_module_delete(module);
    wasm_engine_delete(engine);
}

/* Two engines in one pool (as serve's engines with and without fuel): one count, one bound, the
 * first engine's; the second's own setting is ignored. */
static void shared_pool(void)
{
    wasm_module_t *plain_module, *metered_module;
    wasm_engine_t *plain = engine_with(2, 0, &plain_module);
    wasm_engine_t *metered = engine_in_pool(100, 0, plain, &metered_module);
    wasm_store_t *plain_store = wasm_store_new(plain), *metered_store = wasm_store_new(metered);
    CHECK(instantiate(metered_store, metered_module) && instantiate(plain_store, plain_module));
    CHECK(!instantiate(metered_store, metered_module) && wh_last_error_code() == WH_ERROR_CAPACITY &&
          strstr(wh_last_error_message(), "limit of 2 instances alive"));
    CHECK(!instantiate(plain_store, plain_module) && wh_last_error_code() == WH_ERROR_CAPACITY);
    wasm_store_delete(plain_store); /* its place goes to the other engine's stores too */
    CHECK(instantiate(metered_store, metered_module));
    CHECK(!instantiate(metered_store, metered_module) && wh_last_error_code() == WH_ERROR_CAPACITY);
    wasm_store_delete(metered_store);
    plain_store = wasm_store_new(plain);
    CHECK(instantiate(plain_store, plain_module) && instantiate(plain_store, plain_module)); /* both back */
    wasm_store_delete(plain_store);
    wasm_module_delete(metered_module);
    wasm_module_delete(plain_module);
    wasm_engine_delete(metered);
    wasm_engine_delete(plain);
}

/* Threads instantiating at once never have more than the limit alive, and a refusal is always
 * for capacity. `alive` counts from after wasm_instance_new to before wasm_store_delete, inside
 * the engine's own count, so it can never exceed it. */
#define THREAD_COUNT 8
#define ROUNDS 400
#define LIMIT 3
static wasm_engine_t *shared_engine;
static wasm_module_t *shared_module;
static atomic_int alive, most_alive, made, refused, wrong;

static void *instantiate_repeatedly(void *unused)
{
    (void)unused;
    for (int round = 0; round < ROUNDS; round++) {
        wasm_store_t *store = wasm_store_new(shared_engine);
        if (instantiate(store, shared_module)) {
            int now = atomic_fetch_add(&alive, 1) + 1;
            for (int most = atomic_load(&most_alive); now > most;)
                if (atomic_compare_exchange_weak(&most_alive, &most, now))
                    break;
            atomic_fetch_add(&made, 1);
            usleep(50); /* hold the place a while, as a request would */
            atomic_fetch_sub(&alive, 1);
        } else if (wh_last_error_code() == WH_ERROR_CAPACITY) {
            atomic_fetch_add(&refused, 1);
        } else {
            atomic_fetch_add(&wrong, 1);
        }
        wasm_store_delete(store);
    }
    return NULL;
}

static void threads(void)
{
    shared_engine = engine_with(LIMIT, 0, &shared_module);
    pthread_t threads[THREAD_COUNT];
    for (int i = 0; i < THREAD_COUNT; i++)
        CHECK(pthread_create(&threads[i], NULL, instantiate_repeatedly, NULL) == 0);
    for (int i = 0; i < THREAD_COUNT; i++)
        pthread_join(threads[i], NULL);
    printf("threads: %d made, %d refused, at most %d alive (limit %d)\n", atomic_load(&made), atomic_load(&refused),
           atomic_load(&most_alive), LIMIT);
    CHECK(atomic_load(&most_alive) <= LIMIT && atomic_load(&most_alive) >= 1);
    CHECK(atomic_load(&made) + atomic_load(&refused) == THREAD_COUNT * ROUNDS && atomic_load(&wrong) == 0);
    CHECK(atomic_load(&refused) > 0); /* 8 threads holding places for 3: some must have been turned away */
    /* Every place came back: the limit's worth of instances fit again, and no more. */
    wasm_store_t *store = wasm_store_new(shared_engine);
    for (int i = 0; i < LIMIT; i++)
        CHECK(instantiate(store, shared_module));
    CHECK(!instantiate(store, shared_module) && wh_last_error_code() == WH_ERROR_CAPACITY);
    wasm_store_delete(store);
    wasm_module_delete(shared_module);
    wasm_engine_delete(shared_engine);
}

/* max_memory_per_instance: an instance whose memory does not fit is refused (WH_ERROR_LIMIT, not
 * capacity); memory.grow past it returns -1 and is reported as the memory limit; it counts each
 * instance's own memories, not the store's. */
static void max_memory_per_instance(void)
{
    wasm_module_t *module;
    wasm_engine_t *engine = engine_with(0, PAGE / 2, &module);
    wasm_store_t *store = wasm_store_new(engine);
    wh_clear_error();
    CHECK(!instantiate(store, module));
    CHECK(wh_last_error_code() == WH_ERROR_LIMIT);
    CHECK(
        strstr(wh_last_error_message(), "memory 0: memory cap per instance 32768 bytes exceeded: module needs 65536"));
    uint64_t cap = 0;
    CHECK(wh_store_last_limit(store, &cap) == WH_LIMIT_KIND_MEMORY && cap == PAGE / 2);
    wasm_store_delete(store);
    wasm_module_delete(module);
    wasm_engine_delete(engine);

    engine = engine_with(0, 2 * PAGE, &module);
    store = wasm_store_new(engine);
    wasm_instance_t *one = instantiate_handle(store, module), *two = instantiate_handle(store, module);
    CHECK(one && two);
    if (one && two) {
        CHECK(call(one, "grow", 1, 1) == 1); /* 2 pages: at the cap */
        CHECK(call(one, "grow", 1, 1) == -1);
        uint64_t requested = 0, in_use = 0;
        CHECK(wh_store_last_limit(store, &cap) == WH_LIMIT_KIND_MEMORY && cap == 2 * PAGE);
        CHECK(wh_store_last_refused_grow(store, &requested, &in_use) && requested == PAGE && in_use == 2 * PAGE);
        CHECK(call(one, "pages", 0, 0) == 2);
        CHECK(call(two, "grow", 1, 1) == 1); /* the other instance has its own 2 pages */
        CHECK(call(two, "grow", 1, 5) == -1 && call(two, "pages", 0, 0) == 2);
    }
    wasm_instance_delete(one);
    wasm_instance_delete(two);
    /* The store's own cap still applies on top: 4 pages used, 4 allowed. */
    wh_limits_t limits;
    wh_store_limits(store, &limits);
    limits.max_memory_bytes = 4 * PAGE;
    CHECK(wh_store_set_limits(store, &limits));
    CHECK(!instantiate(store, module) && wh_last_error_code() == WH_ERROR_LIMIT &&
          strstr(wh_last_error_message(), "memory cap 262144 bytes exceeded"));
    wasm_store_delete(store);
    wasm_module_delete(module);
    wasm_engine_delete(engine);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("usage: embed_pool pool.wasm\n");
        return 2;
    }
    load_file(argv[1], &binary);
    max_instances();
    shared_pool();
    threads();
    max_memory_per_instance();
    wasm_byte_vec_delete(&binary);
    return example_finish("pool");
}
