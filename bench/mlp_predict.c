/* mlp_predict.c: predictions per second of the mlp example plugin through wh_call_bytes, one vector and 64 per call, next to the same forward pass compiled natively. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_support.h"
#include "mlp.h"
#include "mlp_data.h"
#include "mlp_wasm.h"
#include "wasm.h"
#include "wasmhost.h"

/* Usage: mlp_predict [MLP.wasm [PREDICTIONS_PER_ROUND [ROUNDS]]]. Each way of predicting runs
 * ROUNDS rounds of PREDICTIONS_PER_ROUND predictions on one reused instance (the host's case: a
 * model instantiated once serves many requests); prints the median round as predictions per
 * second and per-prediction time, and native / wasm. The native rounds make 16 times as many
 * predictions, so that they last about as long as the wasm ones. */

#define INPUT_BYTES (MLP_INPUTS * 4)
#define BATCH 64
/* Distinct inputs cycled through, so that no branch predictor learns one vector. */
#define INPUT_POOL 4096

static float inputs[INPUT_POOL][MLP_INPUTS];
static unsigned char encoded[INPUT_POOL * INPUT_BYTES];

static double now_seconds(void)
{
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (double)time.tv_sec + (double)time.tv_nsec / 1e9;
}

/* A checksum of some of the answers, printed so that the compiler cannot drop the native work. */
static uint32_t checksum;

static void add_to_checksum(const void *bytes, size_t size)
{
    const unsigned char *p = bytes;
    for (size_t i = 0; i < size; i++)
        checksum = checksum * 31 + p[i];
}

/* One round of `predictions` through `predict`, `batch` vectors per call; seconds, or -1 on a trap. */
static double wasm_round(const wasm_instance_t *instance, long predictions, int batch)
{
    double start = now_seconds();
    long next = 0;
    for (long done = 0; done < predictions; done += batch) {
        if (next + batch > INPUT_POOL)
            next = 0;
        wasm_byte_vec_t input = {(size_t)batch * INPUT_BYTES, (wasm_byte_t *)encoded + next * INPUT_BYTES}, output;
        wasm_trap_t *trap = wh_call_bytes(instance, "predict", &input, &output);
        if (trap || output.size != (size_t)batch * MLP_OUTPUTS * 4) {
            if (trap)
                wasm_trap_delete(trap);
            wasm_byte_vec_delete(&output);
            return -1;
        }
        add_to_checksum(output.data, 4); /* one probability per call: cheap next to the call */
        wasm_byte_vec_delete(&output);
        next += batch;
    }
    return now_seconds() - start;
}

static double native_round(long predictions)
{
    double start = now_seconds();
    for (long done = 0; done < predictions; done++) {
        float probabilities[MLP_OUTPUTS];
        mlp_forward(&mlp_model, inputs[done % INPUT_POOL], NULL, probabilities);
        if (done % BATCH == 0)
            add_to_checksum(probabilities, 4);
    }
    return now_seconds() - start;
}

/* The median of `rounds` rounds, as predictions per second; prints the line. -1 on a trap. */
static double measure(const char *label, const wasm_instance_t *instance, int batch, long predictions, int rounds)
{
    double *seconds = malloc((size_t)rounds * sizeof *seconds);
    for (int round = -1; round < rounds; round++) { /* round -1 warms up */
        double time = instance ? wasm_round(instance, predictions, batch) : native_round(predictions);
        if (time < 0) {
            fprintf(stderr, "mlp_predict: %s: predict failed\n", label);
            free(seconds);
            return -1;
        }
        if (round >= 0)
            seconds[round] = time;
    }
    qsort(seconds, (size_t)rounds, sizeof *seconds, bench_compare_doubles);
    double median = seconds[rounds / 2], per_second = (double)predictions / median;
    printf("%-28s %12.0f predictions/s  %9.1f ns each  (rounds %.3f-%.3f s)\n", label, per_second,
           1e9 * median / (double)predictions, seconds[0], seconds[rounds - 1]);
    free(seconds);
    return per_second;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : MLP_WASM_DEFAULT;
    long predictions = argc > 2 ? atol(argv[2]) : 64000;
    int rounds = argc > 3 ? atoi(argv[3]) : 7;
    if (predictions < BATCH || predictions % BATCH != 0 || rounds < 1 || rounds > 1000) {
        fprintf(stderr, "usage: mlp_predict [MLP.wasm [PREDICTIONS_PER_ROUND (a multiple of %d) [ROUNDS (1-1000)]]]\n",
                BATCH);
        return 2;
    }
    uint64_t state = MLP_SEED_COMPARE;
    for (int n = 0; n < INPUT_POOL; n++) {
        int label;
        mlp_data_point(&state, inputs[n], &label);
        memcpy(encoded + (size_t)n * INPUT_BYTES, inputs[n], INPUT_BYTES); /* the host is little-endian */
    }

    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = mlp_wasm_load(store, path, "mlp_predict");
    wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
    wasm_instance_t *instance = module ? wasm_instance_new(store, module, &no_imports, NULL) : NULL;
    wasm_extern_t *initialize = instance ? wh_instance_export(instance, "_initialize") : NULL;
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    wasm_trap_t *trap = initialize ? wasm_func_call(wasm_extern_as_func(initialize), &none, &none) : NULL;
    int status = 1;
    if (!initialize || trap) {
        fprintf(stderr, "mlp_predict: cannot instantiate %s: %s\n", path,
                trap ? "_initialize trapped" : wh_last_error_message());
        if (trap)
            wasm_trap_delete(trap);
    } else {
        printf("mlp %d-%d-%d, %ld predictions per round (native: 16 times as many), median of %d rounds\n", MLP_INPUTS,
               MLP_HIDDEN, MLP_OUTPUTS, predictions, rounds);
        double single = measure("wasm, 1 vector per call", instance, 1, predictions, rounds);
        double batched = measure("wasm, 64 vectors per call", instance, BATCH, predictions, rounds);
        double native = measure("native forward pass", NULL, 1, 16 * predictions, rounds);
        status = single < 0 || batched < 0;
        if (!status)
            printf("native / wasm: %.1fx (1 per call), %.1fx (64 per call); checksum %08x\n", native / single,
                   native / batched, checksum);
    }

    /* Also after a failure above: the handle deletes take NULL. */
    wasm_extern_delete(initialize);
    wasm_instance_delete(instance);
    if (module)
        wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return status;
}
