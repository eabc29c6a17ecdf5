/* limits.c: every limit of wasmhost.h: module maxima, memory, table and stack caps, fuel, deadlines, interruption. */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "example.h"

static wasm_byte_vec_t binary;

/* An instance of limits.wasm in `store` and its export `name`. */
typedef struct guest {
    wasm_module_t *module;
    wasm_instance_t *instance;
} guest;

static guest guest_new(wasm_store_t *store)
{
    guest g = {wasm_module_new(store, &binary), NULL};
    CHECK(g.module);
    g.instance = wasm_instance_new(store, g.module, NULL, NULL);
    CHECK(g.instance);
    return g;
}

static void guest_delete(guest *g)
{
    wasm_instance_delete(g->instance);
    wasm_module_delete(g->module);
}

/* Calls the export `name` with at most one i32 argument; *result gets its i32 result if any. */
static wasm_trap_t *call(const guest *g, const char *name, int argument, int *result)
{
    wasm_extern_t *export = wh_instance_export(g->instance, name);
    CHECK(export);
    wasm_func_t *func = wasm_extern_as_func(export);
    wasm_val_t arg = WASM_I32_VAL(argument), out = WASM_INIT_VAL;
    wasm_val_vec_t args = {wasm_func_param_arity(func), &arg}, results = {wasm_func_result_arity(func), &out};
    wasm_trap_t *trap = wasm_func_call(func, &args, &results);
    if (!trap && result)
        *result = out.of.i32;
    wasm_extern_delete(export);
    return trap;
}

/* Checks that `trap` has `code`, prints it and deletes it. */
static void expect_trap(wasm_trap_t *trap, wh_trap_code_t code, const char *label)
{
    CHECK(trap && wh_trap_code(trap) == code);
    if (trap)
        print_trap(label, trap);
}

static void module_maxima(wasm_engine_t *engine)
{
    printf("A module's own maxima hold for the host and the guest...\n");
    wasm_store_t *store = wasm_store_new(engine);
    guest g = guest_new(store);
    wasm_extern_t *memory_extern = wh_instance_export(g.instance, "memory");
    wasm_extern_t *table_extern = wh_instance_export(g.instance, "table");
    wasm_memory_t *memory = wasm_extern_as_memory(memory_extern);
    wasm_table_t *table = wasm_extern_as_table(table_extern);
    CHECK(wasm_memory_grow(memory, 3) && wasm_memory_size(memory) == 4);
    CHECK(!wasm_memory_grow(memory, 1));
    printf("refused: %s\n", wh_last_error_message());
    int result = 0;
    CHECK(!call(&g, "grow", 1, &result) && result == -1);
    CHECK(wasm_table_grow(table, 1, NULL) && !wasm_table_grow(table, 1, NULL));

    printf("Unbounded recursion ends in a trap, and the store stays usable...\n");
    for (int round = 0; round < 3; round++)
        expect_trap(call(&g, "recurse", 0, NULL), WH_TRAP_CODE_CALL_STACK_EXHAUSTED, "trap");
    CHECK(wh_store_last_limit(store, NULL) == WH_LIMIT_KIND_STACK);
    CHECK(!call(&g, "grow", 0, &result) && result == 4);
    wasm_extern_delete(memory_extern);
    wasm_extern_delete(table_extern);
    guest_delete(&g);
    wasm_store_delete(store);
}

static void store_caps(wasm_engine_t *engine)
{
    printf("A store's memory cap: memory.grow past it returns -1...\n");
    wasm_store_t *store = wasm_store_new(engine);
    wh_limits_t limits;
    wh_store_limits(store, &limits);
    CHECK(limits.max_memory_bytes == (uint64_t)4 << 30 && limits.max_table_elements == 10000000 &&
          limits.max_stack_bytes == (uint64_t)8 << 20);
    limits.max_memory_bytes = 2 * 65536;
    CHECK(wh_store_set_limits(store, &limits));
    guest g = guest_new(store);
    int result = 0;
    CHECK(!call(&g, "grow", 1, &result) && result == 1);
    CHECK(wh_store_last_limit(store, NULL) == WH_LIMIT_KIND_NONE);
    CHECK(!call(&g, "grow", 1, &result) && result == -1);
    uint64_t limit = 0;
    CHECK(wh_store_last_limit(store, &limit) == WH_LIMIT_KIND_MEMORY && limit == 2 * 65536);

    printf("...and a second instance whose memory does not fit is refused...\n");
    wasm_trap_t *trap = NULL;
    wasm_instance_t *second = wasm_instance_new(store, g.module, NULL, &trap);
    CHECK(!second && wh_last_error_code() == WH_ERROR_LIMIT);
    printf("refused: %s\n", wh_last_error_message());
    if (trap)
        wasm_trap_delete(trap);
    guest_delete(&g);
    wasm_store_delete(store);

    printf("A table cap refuses the table at instantiation...\n");
    store = wasm_store_new(engine);
    wh_store_limits(store, &limits);
    limits.max_table_elements = 0;
    CHECK(wh_store_set_limits(store, &limits));
    wasm_module_t *module = wasm_module_new(store, &binary);
    CHECK(!wasm_instance_new(store, module, NULL, NULL) && wh_last_error_code() == WH_ERROR_LIMIT);
    CHECK(wh_store_last_limit(store, &limit) == WH_LIMIT_KIND_TABLE && limit == 0);
    printf("refused: %s\n", wh_last_error_message());
    wasm_module_delete(module);

    printf("Out-of-range limits are refused with a message...\n");
    wh_store_limits(store, &limits);
    limits.max_stack_bytes = 10;
    CHECK(!wh_store_set_limits(store, &limits) && wh_last_error_code() == WH_ERROR_LIMIT);
    printf("refused: %s\n", wh_last_error_message());

    printf("A small stack makes recursion stop sooner...\n");
    limits.max_stack_bytes = 64 * 1024;
    CHECK(wh_store_set_limits(store, &limits));
    limits.max_table_elements = 100;
    CHECK(wh_store_set_limits(store, &limits));
    g = guest_new(store);
    expect_trap(call(&g, "recurse", 0, NULL), WH_TRAP_CODE_CALL_STACK_EXHAUSTED, "trap");
    CHECK(wh_store_last_limit(store, &limit) == WH_LIMIT_KIND_STACK && limit == 64 * 1024);
    guest_delete(&g);
    wasm_store_delete(store);
}

static void fuel(void)
{
    printf("Fuel: a budget of work...\n");
    wasm_config_t *config = wasm_config_new();
    wh_config_consume_fuel(config, true);
    wasm_engine_t *engine = wasm_engine_new_with_config(config);
    wasm_store_t *store = wasm_store_new(engine);
    guest g = guest_new(store);
    uint64_t remaining = 0, consumed = 0;
    CHECK(!wh_store_fuel_remaining(store, &remaining) && wh_last_error_code() == WH_ERROR_CONFIG);
    CHECK(!wh_store_add_fuel(store, 1));

    CHECK(wh_store_set_fuel(store, 1000000));
    int result = -1;
    CHECK(!call(&g, "count", 1000, &result) && result == 0);
    CHECK(wh_store_fuel_consumed(store, &consumed) && wh_store_fuel_remaining(store, &remaining));
    /* About one unit per instruction: a loop of 1,000 rounds of 7 instructions. */
    printf("count(1000) consumed %llu units\n", (unsigned long long)consumed);
    CHECK(consumed >= 1000 && consumed <= 100000 && remaining == 1000000 - consumed);
    uint64_t first = consumed;
    CHECK(!call(&g, "count", 2000, &result) && result == 0);
    CHECK(wh_store_fuel_consumed(store, &consumed) && consumed > 2 * first);

    printf("...that an endless loop runs out of...\n");
    CHECK(wh_store_set_fuel(store, 10000));
    expect_trap(call(&g, "spin", 0, NULL), WH_TRAP_CODE_FUEL_EXHAUSTED, "trap");
    uint64_t limit = 0;
    CHECK(wh_store_last_limit(store, &limit) == WH_LIMIT_KIND_FUEL && limit == 10000);
    CHECK(wh_store_fuel_consumed(store, &consumed) && consumed > 9000 && consumed <= 10000);
    CHECK(wh_store_fuel_remaining(store, &remaining) && remaining == 10000 - consumed);

    printf("...and that can be topped up...\n");
    CHECK(wh_store_add_fuel(store, 1000000));
    CHECK(!call(&g, "count", 1000, &result) && result == 0);
    CHECK(wh_store_fuel_consumed(store, &consumed) && consumed > 10000 && consumed < 10000 + 2 * first);
    CHECK(wh_store_fuel_remaining(store, &remaining) && remaining == 1010000 - consumed);
    guest_delete(&g);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
}

static void deadline(wasm_engine_t *engine)
{
    printf("A deadline stops an endless loop...\n");
    wasm_store_t *store = wasm_store_new(engine);
    guest g = guest_new(store);
    CHECK(wh_store_set_deadline(store, 20 * 1000 * 1000)); /* 20 ms */
    expect_trap(call(&g, "spin", 0, NULL), WH_TRAP_CODE_DEADLINE_EXCEEDED, "trap");
    CHECK(wh_store_last_limit(store, NULL) == WH_LIMIT_KIND_DEADLINE);
    printf("...stays passed until set again or cleared...\n");
    int result = -1;
    expect_trap(call(&g, "count", 10, &result), WH_TRAP_CODE_DEADLINE_EXCEEDED, "trap");
    wh_store_clear_deadline(store);
    CHECK(!call(&g, "count", 10, &result) && result == 0);
    CHECK(wh_store_set_deadline(store, (uint64_t)60 * 1000 * 1000 * 1000)); /* a minute: not reached */
    CHECK(!call(&g, "count", 1000, &result) && result == 0);
    guest_delete(&g);
    wasm_store_delete(store);
}

static void *interrupt_later(void *handle)
{
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
    wh_interrupt_handle_interrupt(handle);
    return NULL;
}

static void interruption(wasm_engine_t *engine)
{
    printf("Another thread interrupts an endless loop...\n");
    wasm_store_t *store = wasm_store_new(engine);
    guest g = guest_new(store);
    wh_interrupt_handle_t *handle = wh_store_interrupt_handle(store);
    CHECK(handle);
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, interrupt_later, handle) == 0);
    /* Whether the interrupt comes while the loop runs or before it starts, the call traps. */
    expect_trap(call(&g, "spin", 0, NULL), WH_TRAP_CODE_INTERRUPTED, "trap");
    pthread_join(thread, NULL);
    CHECK(wh_store_last_limit(store, NULL) == WH_LIMIT_KIND_INTERRUPT);
    printf("...the request is used up: the store goes on...\n");
    int result = -1;
    CHECK(!call(&g, "count", 10, &result) && result == 0);
    guest_delete(&g);
    wasm_store_delete(store);
    wh_interrupt_handle_interrupt(handle); /* the store is gone: does nothing */
    wh_interrupt_handle_delete(handle);
}

static void configuration(void)
{
    printf("What the engine's configuration does not allow is refused...\n");
    wasm_config_t *config = wasm_config_new();
    wh_config_interruptible(config, false);
    wasm_engine_t *engine = wasm_engine_new_with_config(config);
    wasm_store_t *store = wasm_store_new(engine);
    CHECK(!wh_store_set_fuel(store, 1000) && wh_last_error_code() == WH_ERROR_CONFIG);
    printf("refused: %s\n", wh_last_error_message());
    CHECK(!wh_store_set_deadline(store, 1000) && wh_last_error_code() == WH_ERROR_CONFIG);
    printf("refused: %s\n", wh_last_error_message());
    CHECK(!wh_store_interrupt_handle(store) && wh_last_error_code() == WH_ERROR_CONFIG);
    guest g = guest_new(store);
    int result = -1;
    CHECK(!call(&g, "count", 1000, &result) && result == 0); /* code without checks runs as usual */
    guest_delete(&g);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
}

int main(int argc, char **argv)
{
    load_file(argc > 1 ? argv[1] : "limits.wasm", &binary);
    wasm_engine_t *engine = wasm_engine_new();
    module_maxima(engine);
    store_caps(engine);
    fuel();
    deadline(engine);
    interruption(engine);
    configuration();
    /* Caps on what a WASI guest writes: see wasi.c (wh_wasi_output_limit). */
    wasm_engine_delete(engine);
    wasm_byte_vec_delete(&binary);
    return example_finish("limits");
}
