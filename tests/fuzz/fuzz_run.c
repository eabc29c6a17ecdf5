/* fuzz_run.c: libFuzzer target: loads the input as a module, instantiates it with small caps and fuel, calls it. */
#include "fuzz_module_support.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every run ends: the code is compiled with fuel checks (ENG_CHECK_FUEL) and each call gets
 * FUEL_PER_CALL units, the start function included, with at most MAX_CALLS calls per input; the
 * store caps memories, tables and the stack. Imports get host functions that return zeros, and
 * memories, tables and globals of their own type (a module whose imported memory or table does
 * not fit the caps is skipped). Each exported function is called with arguments taken from a
 * custom section named "fuzz-args" when the module has one (the custom mutator adds it),
 * else with fixed interesting values. Traps are normal outcomes.
 *
 * Failures: the sanitizers, ENG_ASSERT, and abort() when an invariant below breaks:
 *  - a trap has a known kind and a message, and is never one nothing here could raise (exit,
 *    host, deadline, interruption);
 *  - after every call, remaining fuel is between 0 and what was set, and the store is back at
 *    its outermost frame (no call record left behind).
 *
 * The custom mutator (fuzz_module_support.c, shared with fuzz_compile) is structure-aware: it
 * mutates one section's payload (a function body's, for the code section) and writes the sizes
 * back, so mutants stay well-formed modules and reach validation, instantiation and the
 * interpreter instead of stopping at a section length. */

#define FUEL_PER_CALL 100000u
#define MAX_CALLS 32u
#define MAX_MEMORY_BYTES (16u << 20)
#define MAX_TABLE_ELEMENTS 10000u
#define MAX_STACK_BYTES (256u << 10)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

/* ---- running ---- */

/* Outcomes, printed at exit when the environment variable FUZZ_RUN_STATS is set (to see how deep
 * a corpus gets: fuzz_run -runs=0 DIR). */
static struct {
    unsigned long loaded, rejected, imports_skipped, link_failed, instantiated, calls, traps, fuel_exhausted;
} stats;

static void print_stats(void)
{
    fprintf(stderr,
            "fuzz_run: %lu loaded, %lu rejected; %lu imports over the caps, %lu failed to link, %lu instantiated; "
            "%lu calls, %lu traps (%lu out of fuel)\n",
            stats.loaded, stats.rejected, stats.imports_skipped, stats.link_failed, stats.instantiated, stats.calls,
            stats.traps, stats.fuel_exhausted);
}

static void check_trap(const eng_trap *trap)
{
    if (trap->kind > ENG_TRAP_KIND_LAST || !trap->message || !trap->message[0])
        abort();
    switch (trap->kind) {
    case ENG_TRAP_HOST:
    case ENG_TRAP_EXIT:
    case ENG_TRAP_DEADLINE_EXCEEDED:
    case ENG_TRAP_INTERRUPTED: abort(); /* no host function here traps, no deadline, no interrupt */
    default: break;
    }
}

static void check_store(const eng_store *store)
{
    uint64_t remaining;
    if (!eng_store_get_fuel(store, &remaining) || store->fuel < 0 || remaining > FUEL_PER_CALL)
        abort();
    if (store->frame_depth != 0 || store->stack_top != store->stack)
        abort();
}

/* Fuel for the next call, then the checks after it. */
static void after_call(eng_store *store, eng_trap *trap)
{
    if (trap) {
        check_trap(trap);
        stats.traps++;
        stats.fuel_exhausted += trap->kind == ENG_TRAP_FUEL_EXHAUSTED;
        eng_trap_free(trap);
    }
    check_store(store);
}

static void run(eng_module *module)
{
    eng_store *store = eng_store_new();
    if (!store)
        abort();
    eng_store_limits limits;
    eng_store_get_limits(store, &limits);
    limits.max_memory_bytes = MAX_MEMORY_BYTES;
    limits.max_table_elements = MAX_TABLE_ELEMENTS;
    limits.max_stack_bytes = MAX_STACK_BYTES;
    eng_error *error = eng_store_set_limits(store, &limits);
    if (error)
        abort();
    eng_extern *imports = calloc(module->import_count + 1, sizeof *imports);
    if (!imports)
        abort();
    if (fuzz_make_imports(store, module, imports)) {
        eng_instance *instance = NULL;
        eng_trap *trap = NULL;
        eng_store_set_fuel(store, FUEL_PER_CALL); /* for the start function */
        error = eng_instance_new(store, module, imports, module->import_count, &instance, &trap);
        if (error) {
            if (trap || instance || !error->message || !error->message[0])
                abort();
            eng_error_free(error); /* e.g. a memory over the cap */
            stats.link_failed++;
        } else {
            after_call(store, trap);
            stats.instantiated += instance != NULL;
        }
        fuzz_args source = {0};
        fuzz_args_find(module, &source);
        uint32_t calls = 0;
        eng_slot *slots = NULL;
        for (uint32_t i = 0; instance && i < module->export_count && calls < MAX_CALLS; i++) {
            const eng_export *export = &module->exports[i];
            eng_extern value;
            if (export->kind != ENG_EXTERN_FUNC)
                continue;
            if (!eng_instance_export(instance, export->name.data, export->name.length, &value) ||
                value.kind != ENG_EXTERN_FUNC)
                abort(); /* every export is found by its name */
            const eng_functype *type = value.func->type;
            slots = realloc(slots, (eng_functype_slot_count(type) + 1) * sizeof *slots);
            if (!slots)
                abort();
            fuzz_args_make(type, &source, slots);
            eng_store_set_fuel(store, FUEL_PER_CALL);
            after_call(store, eng_func_call(store, value.func, slots));
            calls++;
            stats.calls++;
        }
        free(slots);
    } else {
        stats.imports_skipped++;
    }
    free(imports);
    eng_store_free(store);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (getenv("FUZZ_RUN_STATS"))
        atexit(print_stats);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eng_compile_set_checks(ENG_CHECK_FUEL);
    eng_module *module = NULL;
    eng_error *error = eng_module_load(data, size, &module);
    if (error) {
        eng_error_free(error);
        stats.rejected++;
        return 0;
    }
    stats.loaded++;
    run(module);
    eng_module_release(module);
    return 0;
}

/* ---- structure-aware mutation ---- */

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    return fuzz_mutate_module(data, size, max_size, seed);
}
