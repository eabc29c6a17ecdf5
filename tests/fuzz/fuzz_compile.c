/* fuzz_compile.c: libFuzzer target: a module that validates is compiled with the LLVM tier and run on both tiers, outcomes compared. */
#include "fuzz_module_support.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The input is loaded twice (code compiled with deadline checks, ENG_CHECK_EPOCH: the compiling
 * tier does not meter fuel); the second copy gets native code from eng_native_compile. Each copy
 * is instantiated in a store of its own with the caps of fuzz_run and default imports, and every
 * exported function (up to MAX_CALLS) is called with the same arguments (fuzz_module_support.c),
 * each call and the start function under a deadline of DEADLINE_NS. The outcomes, step by step
 * (instantiation, then each call: the results, or the trap's kind and message), must be equal.
 * Two outcomes end the comparison without being compared: a deadline (the tiers run at different
 * speeds) and "call stack exhausted" (the stack bound counts each tier's own frames); what a
 * call did before it stopped may differ, so nothing after it is compared either.
 *
 * Values: NaNs are equal whatever their bits (WebAssembly leaves a NaN result's sign and payload
 * open; in a v128, lane by lane as f32x4 or f64x2: same_v128), references by being null or not
 * (two stores). Modules larger than MAX_MODULE_BYTES or
 * with more than MAX_FUNCTIONS defined functions are skipped: compiling is several times slower
 * in this build (sanitizers), and an input must finish within libFuzzer's -timeout (10 s): a
 * 7.6 KB module of 479 functions compiles in 1.3 s in Release but took over 10 s here. A compile
 * past COMPILE_TIMEOUT_NS is stopped (the engine's --compile-timeout) and counts as refused.
 *
 * A compile that fails with a message is a normal outcome (printed and counted; the module is not
 * run). Failures: the sanitizers, ENG_ASSERT, the compiler crashing or LLVM stopping with a fatal
 * error (in the compile's child process, reported as an error), and abort() on a difference
 * between the tiers (printed first). */

#define DEADLINE_NS (20u * 1000u * 1000u)
#define MAX_CALLS 16u
#define MAX_MODULE_BYTES (16u << 10)
#define MAX_FUNCTIONS 64u
/* Past this a compile counts as refused: under libFuzzer's -timeout per input. */
#define COMPILE_TIMEOUT_NS (UINT64_C(5) * 1000000000)
#define MAX_MEMORY_BYTES (16u << 20)
#define MAX_TABLE_ELEMENTS 10000u
#define MAX_STACK_BYTES (256u << 10)
#define MAX_RESULTS 16u

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

/* Printed at exit when FUZZ_COMPILE_STATS is set (fuzz_compile -runs=0 DIR shows how deep a corpus gets). */
static struct {
    unsigned long loaded, rejected, too_large, compiled, compile_refused, calls, compared, unstable;
} stats;

static void print_stats(void)
{
    fprintf(
        stderr,
        "fuzz_compile: %lu loaded, %lu rejected, %lu too large; %lu compiled, %lu refused; %lu calls, %lu compared, "
        "%lu stopped by a deadline or the stack\n",
        stats.loaded, stats.rejected, stats.too_large, stats.compiled, stats.compile_refused, stats.calls,
        stats.compared, stats.unstable);
}

typedef enum outcome_kind { OUTCOME_LINK_FAILED, OUTCOME_RETURNED, OUTCOME_TRAPPED } outcome_kind;

/* What one step (instantiation or a call) did on one tier. */
typedef struct outcome {
    outcome_kind kind;
    eng_trap_kind trap_kind;
    char message[160];
    uint32_t result_count;
    eng_valtype types[MAX_RESULTS];
    eng_slot results[MAX_RESULTS];
    uint64_t high[MAX_RESULTS]; /* v128 results: bytes 8-15 */
} outcome;

#define MAX_STEPS (1u + MAX_CALLS)

typedef struct tier_run {
    outcome steps[MAX_STEPS];
    uint32_t count;
} tier_run;

static bool unstable(const outcome *step)
{
    return step->kind == OUTCOME_TRAPPED &&
           (step->trap_kind == ENG_TRAP_DEADLINE_EXCEEDED || step->trap_kind == ENG_TRAP_CALL_STACK_EXHAUSTED);
}

/* Records `trap` (freed) or the results into `step`. */
static void record(outcome *step, eng_trap *trap, const eng_functype *type, const eng_slot *slots)
{
    memset(step, 0, sizeof *step);
    if (trap) {
        if (trap->kind > ENG_TRAP_KIND_LAST || !trap->message || !trap->message[0])
            abort(); /* every trap has a kind and a message */
        step->kind = OUTCOME_TRAPPED;
        step->trap_kind = trap->kind;
        snprintf(step->message, sizeof step->message, "%s", trap->message);
        eng_trap_free(trap);
        return;
    }
    step->kind = OUTCOME_RETURNED;
    if (!type)
        return;
    /* Value by value, each from its first slot (a v128's second half in high[]). */
    const eng_valtype *types = eng_functype_results(type);
    step->result_count = type->result_count < MAX_RESULTS ? type->result_count : MAX_RESULTS;
    for (uint32_t i = 0, slot = 0; i < step->result_count; slot += eng_valtype_slots(types[i]), i++) {
        step->types[i] = types[i];
        step->results[i] = slots[slot];
        step->high[i] = types[i] == ENG_V128 ? slots[slot + 1].u64 : 0;
    }
}

static void run(eng_module *module, tier_run *out)
{
    out->count = 0;
    eng_store *store = eng_store_new();
    if (!store)
        abort();
    eng_store_limits limits;
    eng_store_get_limits(store, &limits);
    limits.max_memory_bytes = MAX_MEMORY_BYTES;
    limits.max_table_elements = MAX_TABLE_ELEMENTS;
    limits.max_stack_bytes = MAX_STACK_BYTES;
    if (eng_store_set_limits(store, &limits))
        abort();
    eng_extern *imports = calloc(module->import_count + 1, sizeof *imports);
    if (!imports)
        abort();
    outcome *step = &out->steps[out->count++];
    eng_instance *instance = NULL;
    if (!fuzz_make_imports(store, module, imports)) {
        memset(step, 0, sizeof *step);
        step->kind = OUTCOME_LINK_FAILED;
    } else {
        eng_trap *trap = NULL;
        eng_store_set_deadline(store, DEADLINE_NS);
        eng_error *error = eng_instance_new(store, module, imports, module->import_count, &instance, &trap);
        if (error) {
            memset(step, 0, sizeof *step);
            step->kind = OUTCOME_LINK_FAILED;
            snprintf(step->message, sizeof step->message, "%s", error->message);
            eng_error_free(error);
            eng_trap_free(trap);
            instance = NULL;
        } else {
            record(step, trap, NULL, NULL);
        }
    }
    fuzz_args source = {0};
    fuzz_args_find(module, &source);
    eng_slot *slots = NULL;
    for (uint32_t i = 0; instance && !unstable(step) && i < module->export_count && out->count < MAX_STEPS; i++) {
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
        eng_store_set_deadline(store, DEADLINE_NS);
        step = &out->steps[out->count++];
        record(step, eng_func_call(store, value.func, slots), type, slots);
        stats.calls++;
    }
    free(slots);
    free(imports);
    eng_store_free(store);
}

/* Two v128s: equal bits, or NaNs where they differ, lane by lane, as f32x4 or as f64x2 (the
 * lanes' shape is not known; a NaN result's bits are open in each). */
static bool same_v128(const uint64_t a[2], const uint64_t b[2])
{
    bool as_f32 = true, as_f64 = true;
    for (int half = 0; half < 2; half++) {
        double da, db;
        memcpy(&da, &a[half], 8), memcpy(&db, &b[half], 8);
        as_f64 = as_f64 && (a[half] == b[half] || (isnan(da) && isnan(db)));
        for (int lane = 0; lane < 2; lane++) {
            uint32_t la = (uint32_t)(a[half] >> (32 * lane)), lb = (uint32_t)(b[half] >> (32 * lane));
            float fa, fb;
            memcpy(&fa, &la, 4), memcpy(&fb, &lb, 4);
            as_f32 = as_f32 && (la == lb || (isnan(fa) && isnan(fb)));
        }
    }
    return as_f32 || as_f64;
}

static bool same_value(eng_valtype type, eng_slot a, eng_slot b, uint64_t a_high, uint64_t b_high)
{
    switch (type) {
    case ENG_V128: return same_v128((const uint64_t[]){a.u64, a_high}, (const uint64_t[]){b.u64, b_high});
    case ENG_F32: return (isnan(a.f32) && isnan(b.f32)) || a.u32 == b.u32;
    case ENG_F64: return (isnan(a.f64) && isnan(b.f64)) || a.u64 == b.u64;
    case ENG_I32: return a.u32 == b.u32;
    case ENG_FUNCREF:
    case ENG_EXTERNREF: return (a.ref == NULL) == (b.ref == NULL);
    default: return a.u64 == b.u64;
    }
}

static bool same_outcome(const outcome *a, const outcome *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == OUTCOME_TRAPPED)
        return a->trap_kind == b->trap_kind && strcmp(a->message, b->message) == 0;
    if (a->kind == OUTCOME_LINK_FAILED)
        return strcmp(a->message, b->message) == 0;
    if (a->result_count != b->result_count)
        return false;
    for (uint32_t i = 0; i < a->result_count; i++)
        if (!same_value(a->types[i], a->results[i], b->results[i], a->high[i], b->high[i]))
            return false;
    return true;
}

static void describe(const char *tier, const outcome *step)
{
    switch (step->kind) {
    case OUTCOME_LINK_FAILED: fprintf(stderr, "  %s: not instantiated: %s\n", tier, step->message); break;
    case OUTCOME_TRAPPED: fprintf(stderr, "  %s: trap %d: %s\n", tier, (int)step->trap_kind, step->message); break;
    case OUTCOME_RETURNED:
        fprintf(stderr, "  %s: returned", tier);
        for (uint32_t i = 0; i < step->result_count; i++)
            if (step->types[i] == ENG_V128)
                fprintf(stderr, " v128:0x%016llx%016llx", (unsigned long long)step->high[i],
                        (unsigned long long)step->results[i].u64);
            else
                fprintf(stderr, " 0x%llx", (unsigned long long)step->results[i].u64);
        fputc('\n', stderr);
        break;
    }
}

static void compare(const tier_run *interpreted, const tier_run *compiled)
{
    uint32_t count = interpreted->count < compiled->count ? interpreted->count : compiled->count;
    for (uint32_t i = 0; i < count; i++) {
        const outcome *a = &interpreted->steps[i], *b = &compiled->steps[i];
        if (unstable(a) || unstable(b)) {
            stats.unstable++;
            return;
        }
        if (!same_outcome(a, b)) {
            fprintf(stderr, "fuzz_compile: the tiers differ at step %u (0: instantiation, then the calls)\n", i);
            describe("interpreter", a);
            describe("compiled", b);
            abort();
        }
        stats.compared++;
    }
    if (interpreted->count != compiled->count) {
        fprintf(stderr, "fuzz_compile: %u steps interpreted, %u compiled\n", interpreted->count, compiled->count);
        abort();
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *why_not;
    if (!eng_native_available(&why_not)) {
        fprintf(stderr, "fuzz_compile: the compiling tier is not available: %s\n", why_not);
        abort();
    }
    if (getenv("FUZZ_COMPILE_STATS"))
        atexit(print_stats);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_MODULE_BYTES) {
        stats.too_large++;
        return 0;
    }
    eng_compile_set_checks(ENG_CHECK_EPOCH);
    eng_module *interpreted = NULL, *compiled = NULL;
    eng_error *error = eng_module_load(data, size, &interpreted);
    if (error) {
        eng_error_free(error);
        stats.rejected++;
        return 0;
    }
    stats.loaded++;
    if (interpreted->func_def_count > MAX_FUNCTIONS) {
        eng_module_release(interpreted);
        stats.too_large++;
        return 0;
    }
    if ((error = eng_module_load(data, size, &compiled)))
        abort(); /* the same bytes loaded a moment ago */
    eng_native_image *image = NULL;
    /* The compile runs in a child process (native_compile_process.c): a crash or an LLVM fatal
     * error there comes back as an error, which is a finding here, not a refusal. */
    error = eng_native_compile(compiled, ENG_CHECK_EPOCH, COMPILE_TIMEOUT_NS, &image);
    if (error && (strstr(error->message, "the compiler crashed") || strstr(error->message, "LLVM stopped"))) {
        fprintf(stderr, "fuzz_compile: %s\n", error->message);
        abort();
    }
    if (error) {
        /* A refusal with a message is a normal outcome (a function over the tier's size cap, the
         * compile timeout); shown so that a run's log says what the tier refused. */
        fprintf(stderr, "fuzz_compile: not compiled: %s\n", error->message);
        eng_error_free(error);
        stats.compile_refused++;
    } else {
        eng_module_attach_native(compiled, image);
        stats.compiled++;
        static tier_run on_interpreter, on_compiled;
        run(interpreted, &on_interpreter);
        run(compiled, &on_compiled);
        compare(&on_interpreter, &on_compiled);
    }
    eng_module_release(interpreted);
    eng_module_release(compiled);
    return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    return fuzz_mutate_module(data, size, max_size, seed);
}
