/* limits_test.c: sandbox limits through the engine's C interface: fuel, deadlines and interruption
 * across threads, stack and re-entrance bounds, memory and table caps, and that traps leave the
 * store, its other instances and the process usable with flat memory use.
 *
 *   limits_test DIR   (DIR holds the modules built from the .wat files of tests/limits) */
#define _GNU_SOURCE
#include "check.h" /* tests/check.h */
#include "engine.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
/* ASan keeps freed memory in a quarantine (256 MiB by default) before reusing it, so RSS grows
 * with every allocation until it is full: a small one keeps "flat" measurable. */
#define SANITIZED 1
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "quarantine_size_mb=16"; }
#else
#define SANITIZED 0
#endif

static const char *dir;

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Resident and virtual size of the process, in KiB. */
static void memory_use(long *rss_kib, long *vm_kib)
{
    long pages_vm = 0, pages_rss = 0;
    FILE *file = fopen("/proc/self/statm", "r");
    if (file) {
        if (fscanf(file, "%ld %ld", &pages_vm, &pages_rss) != 2)
            pages_vm = pages_rss = 0;
        fclose(file);
    }
    long page_kib = sysconf(_SC_PAGESIZE) / 1024;
    *rss_kib = pages_rss * page_kib;
    *vm_kib = pages_vm * page_kib;
}

/* Loads DIR/NAME.wasm, compiled with `checks`. */
static eng_module *load(const char *name, uint32_t checks)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.wasm", dir, name);
    FILE *file = fopen(path, "rb");
    if (!file) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    static uint8_t bytes[1 << 20];
    size_t size = fread(bytes, 1, sizeof bytes, file);
    fclose(file);
    uint32_t previous = eng_compile_set_checks(checks);
    eng_module *module;
    eng_error *error = eng_module_load(bytes, size, &module);
    eng_compile_set_checks(previous);
    if (error) {
        fprintf(stderr, "%s: %s\n", path, error->message);
        exit(2);
    }
    return module;
}

static eng_instance *instantiate(eng_store *store, eng_module *module, const eng_extern *imports, uint32_t count)
{
    eng_instance *instance;
    eng_trap *trap = NULL;
    eng_error *error = eng_instance_new(store, module, imports, count, &instance, &trap);
    if (error || trap) {
        fprintf(stderr, "instantiation failed: %s\n", error ? error->message : trap->message);
        exit(2);
    }
    return instance;
}

static eng_func *export(eng_instance *instance, const char *name)
{
    eng_extern ext;
    if (!eng_instance_export(instance, name, strlen(name), &ext) || ext.kind != ENG_EXTERN_FUNC) {
        fprintf(stderr, "no exported function %s\n", name);
        exit(2);
    }
    return ext.func;
}

/* Calls `func` with up to two i32 arguments; returns the trap kind or -1, the first result in *result. */
static int call(eng_store *store, eng_func *func, int32_t a, int32_t b, eng_slot *result)
{
    eng_slot slots[4] = {{0}};
    slots[0].i32 = a;
    slots[1].i32 = b;
    eng_trap *trap = eng_func_call(store, func, slots);
    int kind = -1;
    if (trap) {
        kind = (int)trap->kind;
        eng_trap_free(trap);
    }
    if (result)
        *result = slots[0];
    return kind;
}

static const uint32_t all_checks = ENG_CHECK_EPOCH | ENG_CHECK_FUEL;

/* ---- fuel ---- */

static void test_fuel(void)
{
    eng_module *module = load("loop", all_checks);
    eng_store *store = eng_store_new();
    eng_instance *instance = instantiate(store, module, NULL, 0);
    eng_func *sum = export(instance, "sum"), *spin = export(instance, "spin");
    uint64_t remaining = 0;
    eng_slot result;

    CHECK(!eng_store_get_fuel(store, &remaining));
    CHECK(!eng_store_add_fuel(store, 10));
    /* sum(100): 14 on entry, 14 per back-edge (100 of them), 1 after the loop. */
    eng_store_set_fuel(store, 1415);
    CHECK(call(store, sum, 100, 0, &result) == -1 && result.i64 == 4950);
    CHECK(eng_store_get_fuel(store, &remaining) && remaining == 0);
    eng_store_set_fuel(store, 1414);
    CHECK(call(store, sum, 100, 0, NULL) == ENG_TRAP_FUEL_EXHAUSTED);
    CHECK(eng_store_last_limit(store)->kind == ENG_LIMIT_FUEL);
    /* The block that did not fit was not charged: 0 left, short of the final 1. */
    CHECK(eng_store_get_fuel(store, &remaining) && remaining == 0);
    /* Deterministic: the same call costs the same again. */
    eng_store_set_fuel(store, 1000000);
    CHECK(call(store, sum, 1000, 0, &result) == -1 && result.i64 == 499500);
    uint64_t after_first;
    CHECK(eng_store_get_fuel(store, &after_first));
    CHECK(call(store, sum, 1000, 0, &result) == -1);
    CHECK(eng_store_get_fuel(store, &remaining) && 1000000 - after_first == after_first - remaining);
    CHECK(1000000 - after_first == 14 + 1000 * 14 + 1);
    /* An infinite loop runs out; adding fuel lets the store go on. */
    eng_store_set_fuel(store, 5000);
    CHECK(call(store, spin, 0, 0, NULL) == ENG_TRAP_FUEL_EXHAUSTED);
    CHECK(eng_store_add_fuel(store, 2000));
    CHECK(call(store, sum, 100, 0, &result) == -1 && result.i64 == 4950);
    eng_store_disable_fuel(store);
    CHECK(!eng_store_get_fuel(store, &remaining));
    CHECK(call(store, sum, 100000, 0, &result) == -1 && result.i64 == 4999950000);
    eng_store_free(store);
    eng_module_release(module);
}

/* ---- deadlines and interruption ---- */

static void test_deadline(void)
{
    eng_module *module = load("loop", all_checks);
    eng_store *store = eng_store_new();
    eng_instance *instance = instantiate(store, module, NULL, 0);
    eng_func *spin = export(instance, "spin"), *count = export(instance, "count"), *answer = export(instance, "answer");
    eng_slot result;

    uint64_t start = now_ns();
    eng_store_set_deadline(store, 100 * 1000000u);
    CHECK(call(store, spin, 0, 0, NULL) == ENG_TRAP_DEADLINE_EXCEEDED);
    uint64_t elapsed = now_ns() - start;
    CHECK(elapsed >= 100 * 1000000u && elapsed < 2000 * 1000000u);
    CHECK(eng_store_deadline_passed(store));
    /* The deadline stays passed until set again or cleared. */
    CHECK(call(store, answer, 0, 0, NULL) == ENG_TRAP_DEADLINE_EXCEEDED);
    eng_store_clear_deadline(store);
    CHECK(call(store, answer, 0, 0, &result) == -1 && result.i32 == 42);
    eng_store_set_deadline(store, 10ull * 1000000000u);
    CHECK(call(store, answer, 0, 0, &result) == -1 && result.i32 == 42);
    eng_store_set_deadline(store, 50 * 1000000u);
    CHECK(call(store, count, 0, 0, NULL) == ENG_TRAP_DEADLINE_EXCEEDED);
    eng_store_clear_deadline(store);
    eng_store_free(store);
    eng_module_release(module);
}

struct spinner {
    eng_store *store;
    eng_func *func;
    int kind;
    uint64_t ended;
};

static void *spin_thread(void *argument)
{
    struct spinner *s = argument;
    s->kind = call(s->store, s->func, 0, 0, NULL);
    s->ended = now_ns();
    return NULL;
}

static void test_interrupt(void)
{
    eng_module *module = load("loop", all_checks);
    eng_store *store = eng_store_new();
    eng_instance *instance = instantiate(store, module, NULL, 0);
    eng_func *answer = export(instance, "answer");
    eng_slot result;

    /* From another thread, while a loop runs. */
    eng_interrupt *handle = eng_store_interrupt_handle(store);
    const char *loops[] = {"spin", "count", "table_loop"};
    for (int i = 0; i < 3; i++) {
        struct spinner s = {store, export(instance, loops[i]), 0, 0};
        pthread_t thread;
        pthread_create(&thread, NULL, spin_thread, &s);
        usleep(30000);
        uint64_t sent = now_ns();
        eng_interrupt_handle_interrupt(handle);
        pthread_join(thread, NULL);
        CHECK(s.kind == ENG_TRAP_INTERRUPTED);
        /* "At once" is the next back-edge; the bound only says it stopped: a loaded 2-core machine may
         * not schedule the thread for a while (latencies are measured by the stop_latency test). */
        CHECK(s.ended - sent < 2000 * 1000000u);
        CHECK(call(store, answer, 0, 0, &result) == -1 && result.i32 == 42);
    }
    /* With nothing running, the next call stops at its first check, and only that one. */
    eng_store_interrupt(store);
    CHECK(call(store, answer, 0, 0, NULL) == ENG_TRAP_INTERRUPTED);
    CHECK(call(store, answer, 0, 0, &result) == -1 && result.i32 == 42);
    /* An interrupt while a deadline is set leaves the deadline in force. */
    eng_store_set_deadline(store, 10ull * 1000000000u);
    eng_store_interrupt(store);
    CHECK(call(store, answer, 0, 0, NULL) == ENG_TRAP_INTERRUPTED);
    CHECK(call(store, answer, 0, 0, &result) == -1 && result.i32 == 42);
    eng_store_clear_deadline(store);
    /* The handle outlives the store. */
    eng_store_free(store);
    eng_interrupt_handle_interrupt(handle);
    eng_interrupt_handle_free(handle);
    eng_module_release(module);
}

struct worker {
    eng_module *module;
    atomic_bool stop;
    long calls, wrong, traps;
    uint64_t slowest;
};

static void *worker_thread(void *argument)
{
    struct worker *w = argument;
    eng_store *store = eng_store_new();
    eng_instance *instance = instantiate(store, w->module, NULL, 0);
    eng_func *sum = export(instance, "sum");
    while (!atomic_load(&w->stop)) {
        eng_slot result;
        uint64_t start = now_ns();
        int kind = call(store, sum, 1000, 0, &result);
        uint64_t took = now_ns() - start;
        if (took > w->slowest)
            w->slowest = took;
        w->calls++;
        if (kind != -1)
            w->traps++;
        else if (result.i64 != 499500)
            w->wrong++;
    }
    eng_store_free(store);
    return NULL;
}

/* A deadline in one store stops its call; another thread calling another instance (in its own
 * store, of the same module) goes on unaffected. */
static void test_deadline_beside_busy_thread(void)
{
    eng_module *module = load("loop", all_checks);
    struct worker w = {module, false, 0, 0, 0, 0};
    pthread_t thread;
    pthread_create(&thread, NULL, worker_thread, &w);
    eng_store *store = eng_store_new();
    eng_instance *instance = instantiate(store, module, NULL, 0);
    for (int round = 0; round < 3; round++) {
        uint64_t start = now_ns();
        eng_store_set_deadline(store, 150 * 1000000u);
        CHECK(call(store, export(instance, "nested"), 1, 0, NULL) == ENG_TRAP_DEADLINE_EXCEEDED);
        uint64_t elapsed = now_ns() - start;
        CHECK(elapsed >= 150 * 1000000u && elapsed < 2000 * 1000000u);
    }
    eng_store_clear_deadline(store);
    long calls_before = w.calls;
    usleep(50000);
    atomic_store(&w.stop, true);
    pthread_join(thread, NULL);
    CHECK(w.calls > calls_before && w.calls > 100);
    CHECK(w.traps == 0 && w.wrong == 0);
    eng_store_free(store);
    eng_module_release(module);
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* How long after its deadline a loop without calls stops: 20 times, median and slowest. */
static void test_stop_latency(void)
{
    eng_module *module = load("loop", ENG_CHECK_EPOCH);
    eng_store *store = eng_store_new();
    eng_instance *instance = instantiate(store, module, NULL, 0);
    eng_func *spin = export(instance, "spin");
    uint64_t latencies[20];
    const uint64_t timeout = 20 * 1000000u;
    for (int i = 0; i < 20; i++) {
        uint64_t start = now_ns();
        eng_store_set_deadline(store, timeout);
        CHECK(call(store, spin, 0, 0, NULL) == ENG_TRAP_DEADLINE_EXCEEDED);
        uint64_t elapsed = now_ns() - start;
        CHECK(elapsed >= timeout);
        latencies[i] = elapsed > timeout ? elapsed - timeout : 0;
    }
    eng_store_clear_deadline(store);
    qsort(latencies, 20, sizeof latencies[0], compare_u64);
    uint64_t median = (latencies[9] + latencies[10]) / 2;
    fprintf(stderr, "limits_test: stop latency after a deadline (20 loops): median %.3f ms, slowest %.3f ms\n",
            median / 1e6, latencies[19] / 1e6);
    CHECK(median < 1000 * 1000000u); /* printed above; a generous bound, the machine may be loaded */
    eng_store_free(store);
    eng_module_release(module);
}

/* ---- stack and re-entrance ---- */

static void test_stack(void)
{
    eng_module *module = load("recursion", all_checks);
    eng_store *store = eng_store_new();
    eng_instance *instance = instantiate(store, module, NULL, 0);
    eng_func *ping = export(instance, "ping"), *down = export(instance, "down");
    eng_slot result;

    CHECK(call(store, ping, 0, 0, NULL) == ENG_TRAP_CALL_STACK_EXHAUSTED);
    CHECK(eng_store_last_limit(store)->kind == ENG_LIMIT_STACK);
    CHECK(call(store, down, 100000, 0, &result) == -1 && result.i32 == 100000);
    eng_store_limits limits;
    eng_store_get_limits(store, &limits);
    limits.max_stack_bytes = 64 * 1024;
    eng_error *error = eng_store_set_limits(store, &limits);
    CHECK(!error);
    CHECK(call(store, down, 100000, 0, NULL) == ENG_TRAP_CALL_STACK_EXHAUSTED);
    CHECK(call(store, down, 500, 0, &result) == -1 && result.i32 == 500);
    limits.max_stack_bytes = 100;
    error = eng_store_set_limits(store, &limits);
    CHECK(error && strstr(error->message, "stack limit of 100 bytes"));
    eng_error_free(error);
    eng_store_free(store);
    eng_module_release(module);
}

struct reentry {
    eng_store *store;
    eng_func *recurse;
    int depth;
};

static eng_trap *reenter(void *env, eng_slot *args_results)
{
    struct reentry *r = env;
    if (args_results[0].i32 > r->depth)
        r->depth = args_results[0].i32;
    eng_slot slots[2] = {args_results[0], {0}};
    eng_trap *trap = eng_func_call(r->store, r->recurse, slots);
    if (trap)
        return trap;
    args_results[0] = slots[0];
    return NULL;
}

static void *reentry_thread(void *argument)
{
    struct reentry *r = argument;
    eng_slot slots[2] = {{0}};
    eng_trap *trap = eng_func_call(r->store, r->recurse, slots);
    /* Marks the outcome: the depth reached plus a million for "call stack exhausted". */
    if (trap) {
        r->depth = trap->kind == ENG_TRAP_CALL_STACK_EXHAUSTED ? r->depth + 1000000 : -1;
        eng_trap_free(trap);
    }
    return NULL;
}

/* Host -> wasm -> host -> ... ends with "call stack exhausted", on the main thread and on a
 * thread with a small C stack. */
static void test_reentry(void)
{
    eng_module *module = load("reenter", all_checks);
    eng_store *store = eng_store_new();
    struct reentry r = {store, NULL, 0};
    eng_valtype i32 = ENG_I32;
    eng_valtype types[2] = {i32, i32};
    eng_functype type = {.param_count = 1, .result_count = 1, .types = types};
    eng_functype_complete(&type);
    eng_extern import = {.kind = ENG_EXTERN_FUNC, .func = eng_func_new_host(store, &type, reenter, &r)};
    eng_instance *instance = instantiate(store, module, &import, 1);
    r.recurse = export(instance, "recurse");

    eng_slot slots[2] = {{0}};
    eng_trap *trap = eng_func_call(store, r.recurse, slots);
    CHECK(trap && trap->kind == ENG_TRAP_CALL_STACK_EXHAUSTED);
    CHECK(r.depth > 10 && r.depth <= (int)ENG_DEFAULT_MAX_HOST_NESTING + 1);
    eng_trap_free(trap);

    /* A 512 KiB thread: the C stack runs short long before the nesting limit. */
    r.depth = 0;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, 512 * 1024);
    pthread_t thread;
    CHECK(pthread_create(&thread, &attributes, reentry_thread, &r) == 0);
    pthread_join(thread, NULL);
    pthread_attr_destroy(&attributes);
    CHECK(r.depth >= 1000000); /* stack exhausted, not a crash */
    /* The store is still usable. */
    slots[0].i32 = 0;
    eng_store_limits limits;
    eng_store_get_limits(store, &limits);
    limits.max_host_nesting = 5;
    CHECK(!eng_store_set_limits(store, &limits));
    r.depth = 0;
    trap = eng_func_call(store, r.recurse, slots);
    CHECK(trap && trap->kind == ENG_TRAP_CALL_STACK_EXHAUSTED && r.depth == 5);
    eng_trap_free(trap);
    eng_store_free(store);
    eng_module_release(module);
}

/* ---- memory and tables ---- */

static void test_caps(void)
{
    eng_store *store = eng_store_new();
    eng_store_limits limits;
    eng_store_get_limits(store, &limits);
    CHECK(limits.max_memory_bytes == ENG_DEFAULT_MAX_MEMORY_BYTES);
    limits.max_memory_bytes = 1 << 20;
    limits.max_table_elements = 100;
    CHECK(!eng_store_set_limits(store, &limits));

    eng_memtype big = {{32, 0, false}};
    eng_error *error = NULL;
    CHECK(!eng_memory_new(store, &big, NULL, &error));
    CHECK(error && strstr(error->message, "memory cap 1048576 bytes exceeded: module needs 2097152"));
    eng_error_free(error);
    eng_memtype small = {{8, 0, false}};
    eng_memory *memory = eng_memory_new(store, &small, NULL, &error);
    CHECK(memory && !error);
    CHECK(eng_memory_grow(memory, 8) == 8);
    CHECK(eng_memory_grow(memory, 1) == -1);
    const eng_limit_event *event = eng_store_last_limit(store);
    CHECK(event->kind == ENG_LIMIT_MEMORY && event->refused_grow && event->limit == 1 << 20 &&
          event->requested == ENG_PAGE_SIZE && event->in_use == 1 << 20);
    CHECK(!eng_memory_new(store, &small, NULL, &error));
    CHECK(error && strstr(error->message, "(1048576 already in use)"));
    eng_error_free(error);

    eng_tabletype table_type = {ENG_FUNCREF, {60, 0, false}};
    eng_table *table = eng_table_new(store, &table_type, NULL, &error);
    CHECK(table && !error);
    CHECK(eng_table_grow(table, 40, NULL) == 60);
    CHECK(eng_table_grow(table, 1, NULL) == -1);
    CHECK(eng_store_last_limit(store)->kind == ENG_LIMIT_TABLE);
    CHECK(!eng_table_new(store, &table_type, NULL, &error));
    CHECK(error && strstr(error->message, "table cap 100 elements exceeded"));
    eng_error_free(error);
    eng_store_free(store);
}

/* ---- isolation: traps leave everything usable, and memory use flat ---- */

static void test_trapping_calls(void)
{
    eng_module *traps = load("traps", all_checks), *loop = load("loop", all_checks);
    eng_store *store = eng_store_new();
    eng_instance *instance = instantiate(store, traps, NULL, 0);
    eng_instance *other = instantiate(store, loop, NULL, 0);
    eng_func *div = export(instance, "div"), *oob = export(instance, "oob"), *deep = export(instance, "deep"),
             *add = export(instance, "add"), *spin = export(other, "spin");
    eng_slot result;
    long rss_start = 0, vm_start = 0, rss, vm;
    for (int i = 0; i < 100000; i++) {
        if (i == 10000)
            memory_use(&rss_start, &vm_start);
        int kind;
        switch (i % 4) {
        case 0:
            kind = call(store, div, 1, 0, NULL);
            CHECK(kind == ENG_TRAP_INTEGER_DIVIDE_BY_ZERO);
            break;
        case 1:
            kind = call(store, oob, 70000, 0, NULL); /* a guard-page fault */
            CHECK(kind == ENG_TRAP_OUT_OF_BOUNDS_MEMORY);
            break;
        case 2:
            kind = call(store, deep, 50, 0, NULL);
            CHECK(kind == ENG_TRAP_UNREACHABLE);
            break;
        default:
            eng_store_set_fuel(store, 100);
            kind = call(store, spin, 0, 0, NULL);
            CHECK(kind == ENG_TRAP_FUEL_EXHAUSTED);
            eng_store_disable_fuel(store);
            break;
        }
        if (failures > 10)
            break;
    }
    memory_use(&rss, &vm);
    fprintf(stderr, "limits_test: 100000 trapping calls: RSS %ld KiB -> %ld KiB, VM %ld KiB -> %ld KiB\n", rss_start,
            rss, vm_start, vm);
    CHECK(rss - rss_start < (SANITIZED ? 32 * 1024 : 1024));
    CHECK(vm - vm_start < (SANITIZED ? 32 * 1024 : 1024));
    CHECK(call(store, add, 2, 3, &result) == -1 && result.i32 == 5);
    eng_store_free(store);
    eng_module_release(traps);
    eng_module_release(loop);
}

/* Stores whose instance filled its memory and trapped: freeing them gives the memory back. */
static void test_memory_released(void)
{
    eng_module *module = load("memory_grow", all_checks);
    long rss_start = 0, vm_start = 0, rss, vm;
    for (int i = 0; i < 60; i++) {
        if (i == 5)
            memory_use(&rss_start, &vm_start);
        eng_store *store = eng_store_new();
        eng_store_limits limits;
        eng_store_get_limits(store, &limits);
        limits.max_memory_bytes = 8 << 20;
        CHECK(!eng_store_set_limits(store, &limits));
        eng_instance *instance = instantiate(store, module, NULL, 0);
        CHECK(call(store, export(instance, "fill_and_trap"), 0, 0, NULL) == ENG_TRAP_UNREACHABLE);
        eng_store_free(store);
    }
    memory_use(&rss, &vm);
    fprintf(stderr, "limits_test: 60 stores with 8 MiB of memory each: RSS %ld KiB -> %ld KiB, VM %ld KiB -> %ld KiB\n",
            rss_start, rss, vm_start, vm);
    CHECK(rss - rss_start < 16 * 1024);
    CHECK(vm - vm_start < 16 * 1024);
    eng_module_release(module);
}

/* ---- code without the checks a store needs ---- */

static void test_checks_missing(void)
{
    eng_module *module = load("loop", 0);
    eng_store *store = eng_store_new();
    eng_instance *instance = instantiate(store, module, NULL, 0);
    eng_func *answer = export(instance, "answer");
    eng_slot slots[2] = {{0}};
    eng_store_set_fuel(store, 1000);
    eng_trap *trap = eng_func_call(store, answer, slots);
    CHECK(trap && trap->kind == ENG_TRAP_HOST && strstr(trap->message, "compiled without fuel checks"));
    eng_trap_free(trap);
    eng_store_disable_fuel(store);
    eng_store_set_deadline(store, 1000000000u);
    trap = eng_func_call(store, answer, slots);
    CHECK(trap && trap->kind == ENG_TRAP_HOST && strstr(trap->message, "compiled without deadline checks"));
    eng_trap_free(trap);
    eng_store_clear_deadline(store);
    CHECK(call(store, answer, 0, 0, NULL) == -1);
    eng_store_free(store);
    eng_module_release(module);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: limits_test DIR\n");
        return 2;
    }
    dir = argv[1];
    struct {
        const char *name;
        void (*run)(void);
    } tests[] = {
        {"fuel", test_fuel},
        {"deadline", test_deadline},
        {"interrupt", test_interrupt},
        {"deadline_beside_busy_thread", test_deadline_beside_busy_thread},
        {"stop_latency", test_stop_latency},
        {"stack", test_stack},
        {"reentry", test_reentry},
        {"caps", test_caps},
        {"trapping_calls", test_trapping_calls},
        {"memory_released", test_memory_released},
        {"checks_missing", test_checks_missing},
    };
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        int before = failures;
        tests[i].run();
        fprintf(stderr, "limits_test: %s: %s\n", tests[i].name, failures == before ? "ok" : "FAILED");
    }
    return checks_done("limits_test");
}
