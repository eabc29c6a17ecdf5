/* api_call.c: the cost of one call through the embedding API: wasm_func_call on an exported i32 add(i32, i32).
 *
 * Usage: api_call [CALLS_PER_ROUND [ROUNDS]]. Times ROUNDS rounds of CALLS_PER_ROUND calls and
 * prints the median of the rounds' nanoseconds per call (and the fastest and slowest round). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench_support.h"
#include "wasm.h"
#include "wasmhost.h"

/* (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)) */
static const unsigned char add_module[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01,
                                           0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07,
                                           0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09, 0x01,
                                           0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b};

int main(int argc, char **argv)
{
    long calls = argc > 1 ? atol(argv[1]) : 1000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 15;
    if (calls < 1 || rounds < 1 || rounds > 1000) {
        fprintf(stderr, "usage: api_call [CALLS_PER_ROUND [ROUNDS (1-1000)]]\n");
        return 2;
    }
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t binary = {sizeof add_module, (wasm_byte_t *)add_module};
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_instance_t *instance = module ? wasm_instance_new(store, module, NULL, NULL) : NULL;
    wasm_extern_t *add_extern = instance ? wh_instance_export(instance, "add") : NULL;
    const wasm_func_t *add = wasm_extern_as_func(add_extern);
    if (!add) {
        fprintf(stderr, "api_call: %s\n", wh_last_error_message());
        return 1;
    }

    wasm_val_t args_data[2] = {WASM_I32_VAL(0), WASM_I32_VAL(1)};
    wasm_val_t result = WASM_INIT_VAL;
    wasm_val_vec_t args = {2, args_data}, results = {1, &result};
    double *per_call = malloc((size_t)rounds * sizeof *per_call);
    int32_t sum = 0;
    for (int round = -1; round < rounds; round++) { /* round -1 warms up */
        double start = bench_now_ns();
        for (long i = 0; i < calls; i++) {
            args_data[0].of.i32 = (int32_t)i;
            wasm_trap_t *trap = wasm_func_call(add, &args, &results);
            if (trap) {
                fprintf(stderr, "api_call: unexpected trap\n");
                return 1;
            }
            sum += result.of.i32;
        }
        if (round >= 0)
            per_call[round] = (bench_now_ns() - start) / (double)calls;
    }
    qsort(per_call, (size_t)rounds, sizeof *per_call, bench_compare_doubles);
    printf("wasm_func_call i32 add(i32, i32): median %.1f ns per call (fastest round %.1f, slowest %.1f; "
           "%d rounds of %ld calls; checksum %d)\n",
           per_call[rounds / 2], per_call[0], per_call[rounds - 1], rounds, calls, sum);

    free(per_call);
    wasm_extern_delete(add_extern);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return 0;
}
