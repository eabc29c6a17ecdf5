/* plugin_call.c: the latency of one wh_plugin_call (fresh store and instance) against wh_call_bytes on a kept instance.
 *
 * Usage: plugin_call [CALLS [PLUGIN.wasm...]]. For each plugin (default: the example upper.wasm and
 * upper_freestanding.wasm), times CALLS calls (default 20,000) of its export "process" on 1 KiB of
 * text one by one, after 1,000 to warm up, and prints the median and the 90th percentile: first
 * through wh_plugin_call, which makes a store and an instance per call, then through wh_call_bytes
 * on one instance made once (what a call costs without the isolation), and the ratio of the two
 * medians. Every answer is checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_support.h"
#include "wasm.h"
#include "wasmhost.h"

#ifndef PLUGIN_CALL_DEFAULT_DIR
#define PLUGIN_CALL_DEFAULT_DIR "."
#endif

#define INPUT_SIZE 1024
#define WARM_UP_CALLS 1000

/* The input and the answer upper.c must give. */
static char input_text[INPUT_SIZE], expected[INPUT_SIZE];

static void make_input(void)
{
    static const char words[] = "the quick brown fox jumps over the lazy dog, 0123456789! ";
    for (size_t i = 0; i < INPUT_SIZE; i++) {
        input_text[i] = words[i % (sizeof words - 1)];
        expected[i] = input_text[i] >= 'a' && input_text[i] <= 'z' ? (char)(input_text[i] - 'a' + 'A') : input_text[i];
    }
}

typedef struct timing {
    double median, p90;
} timing;

/* Sorts the per-call times and reads the median and the 90th percentile. */
static timing summarize(double *times, long calls)
{
    qsort(times, (size_t)calls, sizeof *times, bench_compare_doubles);
    return (timing){times[calls / 2], times[calls * 9 / 10]};
}

static bool check_answer(const wasm_byte_vec_t *output, wasm_trap_t *trap, const char *how)
{
    if (trap) {
        wasm_message_t message;
        wasm_trap_message(trap, &message);
        fprintf(stderr, "plugin_call: %s trapped: %s\n", how, message.data);
        wasm_byte_vec_delete(&message);
        wasm_trap_delete(trap);
        return false;
    }
    if (output->size != INPUT_SIZE || memcmp(output->data, expected, INPUT_SIZE) != 0) {
        fprintf(stderr, "plugin_call: %s answered %zu bytes that are not the input in upper case\n", how, output->size);
        return false;
    }
    return true;
}

/* wh_plugin_call: a fresh store and instance per call. */
static bool time_plugin_calls(const char *path, long calls, double *times, timing *out)
{
    wh_plugin_t *plugin = wh_plugin_load(path, NULL);
    if (!plugin) {
        fprintf(stderr, "plugin_call: %s\n", wh_last_error_message());
        return false;
    }
    wasm_byte_vec_t input = {INPUT_SIZE, input_text}, output;
    for (long i = -WARM_UP_CALLS; i < calls; i++) {
        double start = bench_now_ns();
        wasm_trap_t *trap = wh_plugin_call(plugin, "process", &input, &output);
        double end = bench_now_ns();
        if (!check_answer(&output, trap, "wh_plugin_call")) {
            wh_plugin_delete(plugin);
            return false;
        }
        wasm_byte_vec_delete(&output);
        if (i >= 0)
            times[i] = end - start;
    }
    wh_plugin_delete(plugin);
    *out = summarize(times, calls);
    return true;
}

/* The import "wasmhost_plugin"."error" of a plugin built with the SDK: upper never calls it. */
static wasm_trap_t *plugin_error(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args;
    (void)results;
    return NULL;
}

/* wh_call_bytes on one instance made once (the imports: the SDK's "error", WASI when asked for). */
static bool time_kept_instance(const char *path, long calls, double *times, timing *out)
{
    wasm_byte_vec_t binary = WASM_EMPTY_VEC;
    FILE *file = fopen(path, "rb");
    if (file) {
        fseek(file, 0, SEEK_END);
        long size = ftell(file);
        fseek(file, 0, SEEK_SET);
        wasm_byte_vec_new_uninitialized(&binary, (size_t)size);
        if (fread(binary.data, 1, binary.size, file) != binary.size)
            wasm_byte_vec_delete(&binary);
        fclose(file);
    }
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = binary.size ? wasm_module_new(store, &binary) : NULL;
    wasm_byte_vec_delete(&binary);
    wh_wasi_t *wasi = wh_wasi_new();
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    wasm_functype_t *type = wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t *error = wasm_func_new(store, type, plugin_error);
    wasm_functype_delete(type);
    bool linked = module && wh_wasi_imports(wasi, store, module, &imports);
    for (size_t i = 0; linked && i < imports.size; i++)
        if (!imports.data[i])
            imports.data[i] = wasm_func_as_extern(wasm_func_copy(error));
    wasm_instance_t *instance = linked ? wasm_instance_new(store, module, &imports, NULL) : NULL;
    bool ready = instance && wh_wasi_bind(wasi, instance);
    wasm_extern_t *initialize = ready ? wh_instance_export(instance, "_initialize") : NULL;
    if (initialize) {
        wasm_val_vec_t none = WASM_EMPTY_VEC;
        wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(initialize), &none, &none);
        ready = !trap;
        wasm_trap_delete(trap);
        wasm_extern_delete(initialize);
    }
    if (!ready)
        fprintf(stderr, "plugin_call: %s: cannot make an instance: %s\n", path, wh_last_error_message());

    wasm_byte_vec_t input = {INPUT_SIZE, input_text}, output;
    for (long i = -WARM_UP_CALLS; ready && i < calls; i++) {
        double start = bench_now_ns();
        wasm_trap_t *trap = wh_call_bytes(instance, "process", &input, &output);
        double end = bench_now_ns();
        ready = check_answer(&output, trap, "wh_call_bytes");
        wasm_byte_vec_delete(&output);
        if (i >= 0)
            times[i] = end - start;
    }
    if (ready)
        *out = summarize(times, calls);
    wasm_instance_delete(instance);
    wasm_extern_vec_delete(&imports);
    wasm_func_delete(error);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wh_wasi_delete(wasi);
    wasm_engine_delete(engine);
    return ready;
}

int main(int argc, char **argv)
{
    long calls = argc > 1 ? atol(argv[1]) : 20000;
    if (calls < 10) {
        fprintf(stderr, "usage: plugin_call [CALLS (at least 10) [PLUGIN.wasm...]]\n");
        return 2;
    }
    const char *defaults[] = {PLUGIN_CALL_DEFAULT_DIR "/upper.wasm",
                              PLUGIN_CALL_DEFAULT_DIR "/upper_freestanding.wasm"};
    const char *const *paths = argc > 2 ? (const char *const *)argv + 2 : defaults;
    int path_count = argc > 2 ? argc - 2 : 2;
    make_input();
    double *times = malloc((size_t)calls * sizeof *times);
    if (!times)
        return 1;
    int status = 0;
    for (int p = 0; p < path_count; p++) {
        timing fresh, kept;
        if (!time_plugin_calls(paths[p], calls, times, &fresh) || !time_kept_instance(paths[p], calls, times, &kept)) {
            status = 1;
            continue;
        }
        printf("%s, \"process\" on %d bytes, %ld calls:\n", paths[p], INPUT_SIZE, calls);
        printf("  wh_plugin_call (fresh store and instance)  median %7.2f us  p90 %7.2f us\n", fresh.median / 1000,
               fresh.p90 / 1000);
        printf("  wh_call_bytes on a kept instance           median %7.2f us  p90 %7.2f us\n", kept.median / 1000,
               kept.p90 / 1000);
        printf("  fresh / kept: %.1f (median), %.1f (p90)\n", fresh.median / kept.median, fresh.p90 / kept.p90);
    }
    free(times);
    return status;
}
