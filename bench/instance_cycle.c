/* instance_cycle.c: the cost of a fresh instance per request on the public C API: store + imports + instance + one call + delete.
 *
 * Usage: instance_cycle [-n CYCLES] [-r ROUNDS] [--compiled] [--pre] [--init INIT] FILE.wasm EXPORT
 *        instance_cycle [-n CYCLES] [-r ROUNDS] [--pre] --data MIB | --data-kib KIB
 *
 * Each cycle makes a store, a host function for each of the module's function imports (they do
 * nothing and return zeros), an instance, calls EXPORT (no parameters) once and deletes all of it:
 * what `wasmhost serve` does per request, minus the HTTP work. With --pre, the imports are linked
 * once (wh_instance_pre_new) and each cycle instantiates the pre instead of making the host
 * functions and calling wasm_instance_new, as serve does. With --data, the module is made
 * here: one memory of MIB MiB filled by one active data segment of MIB MiB (not zeros; with
 * --data-kib, KIB KiB of data in a memory of the next whole number of 64 KiB pages), and an
 * export "noop" that returns at once; it shows how instantiation grows with data (issue 16: it
 * should not). With --init, two ways to start a request from the state the export INIT builds
 * (`init:` in serve, issue 16) are measured in the same run, their rounds interleaved: the module
 * calling INIT then EXPORT in every cycle (no snapshot), and its snapshot (wh_instance_snapshot
 * after one call of INIT) calling EXPORT alone. Prints the median of ROUNDS rounds (default 15)
 * of CYCLES cycles (default 20000, 200 with --data or --init) in microseconds per cycle, and the
 * fastest and slowest round. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_support.h"
#include "module_builder.h"
#include "wasm.h"
#include "wasmhost.h"

static wasm_trap_t *do_nothing_with_env(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)env;
    (void)args;
    for (size_t i = 0; i < results->size; i++)
        memset(&results->data[i].of, 0, sizeof results->data[i].of);
    return NULL;
}

/* ---- a module with `mib` MiB of data ---- */

static module_bytes data_module(unsigned kib)
{
    module_bytes module = {0}, body = {0};
    module_put(&module, "\0asm\1\0\0\0", 8);
    module_put(&body, (const uint8_t[]){1, 0x60, 0, 0}, 4); /* one type: [] -> [] */
    module_put_section(&module, 1, &body);
    module_put(&body, (const uint8_t[]){1, 0}, 2); /* one function of type 0 */
    module_put_section(&module, 3, &body);
    module_put(&body, (const uint8_t[]){1, 0}, 2); /* one memory, min only */
    module_put_leb(&body, ((uint64_t)kib + 63) / 64);
    module_put_section(&module, 5, &body);
    module_put(&body, (const uint8_t[]){1, 4, 'n', 'o', 'o', 'p', 0, 0}, 8);
    module_put_section(&module, 7, &body);
    module_put(&body, (const uint8_t[]){1, 2, 0, 0x0b}, 4); /* the body: no locals, end */
    module_put_section(&module, 10, &body);
    module_put(&body, (const uint8_t[]){1, 0, 0x41, 0, 0x0b}, 5); /* active, memory 0, offset i32.const 0 */
    size_t size = (size_t)kib << 10;
    module_put_leb(&body, size);
    for (size_t i = 0; i < size; i++)
        module_put_byte(&body, (uint8_t)(i * 2654435761u >> 24) | 1);
    module_put_section(&module, 11, &body);
    free(body.data);
    return module;
}

static wasm_trap_t *do_nothing(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    return do_nothing_with_env(NULL, args, results);
}

/* Calls the export `name` (no parameters) of `instance`; false after saying why. */
static bool call_export(const wasm_instance_t *instance, const char *name)
{
    wasm_extern_t *export = instance ? wh_instance_export(instance, name) : NULL;
    wasm_func_t *func = wasm_extern_as_func(export);
    if (!func) {
        fprintf(stderr, "instance_cycle: no function export '%s': %s\n", name, wh_last_error_message());
        return false;
    }
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    wasm_val_t results_data[8] = {WASM_INIT_VAL};
    wasm_val_vec_t results = {wasm_func_result_arity(func) <= 8 ? wasm_func_result_arity(func) : 8, results_data};
    wasm_trap_t *trap = wasm_func_call(func, &none, &results);
    wasm_extern_delete(export);
    if (trap) {
        fprintf(stderr, "instance_cycle: '%s' trapped\n", name);
        wasm_trap_delete(trap);
        return false;
    }
    return true;
}

/* Each import a do-nothing function of its type, in `store`; false when one is not a function. */
static bool make_imports(wasm_store_t *store, const wasm_importtype_vec_t *imports, wasm_extern_t **externs)
{
    for (size_t i = 0; i < imports->size; i++) {
        const wasm_functype_t *type = wasm_externtype_as_functype_const(wasm_importtype_type(imports->data[i]));
        if (!type) {
            fprintf(stderr, "instance_cycle: import %zu is not a function\n", i);
            return false;
        }
        externs[i] = wasm_func_as_extern(wasm_func_new(store, type, do_nothing));
    }
    return true;
}

/* The snapshot of `module` after one call of `init`, compiled: what serve's init: runs. */
static wasm_module_t *snapshot_after(wasm_engine_t *engine, const wasm_module_t *module,
                                     const wasm_importtype_vec_t *imports, wasm_extern_t **externs, const char *init)
{
    wasm_store_t *store = wasm_store_new(engine);
    if (!make_imports(store, imports, externs))
        return NULL;
    wasm_extern_vec_t import_vec = {imports->size, externs};
    wasm_instance_t *instance = wasm_instance_new(store, module, &import_vec, NULL);
    wasm_byte_vec_t bytes = WASM_EMPTY_VEC;
    wasm_module_t *snapshot = NULL;
    if (call_export(instance, init) && wh_instance_snapshot(instance, init, &bytes))
        snapshot = wasm_module_new(store, &bytes);
    if (!snapshot)
        fprintf(stderr, "instance_cycle: snapshot after '%s': %s\n", init, wh_last_error_message());
    wasm_byte_vec_delete(&bytes);
    wasm_instance_delete(instance);
    for (size_t i = 0; i < imports->size; i++)
        wasm_extern_delete(externs[i]);
    wasm_store_delete(store);
    return snapshot;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: instance_cycle [-n CYCLES] [-r ROUNDS] [--compiled] [--pre] [--init INIT] FILE.wasm EXPORT\n"
            "       instance_cycle [-n CYCLES] [-r ROUNDS] [--pre] --data MIB | --data-kib KIB\n");
    return 2;
}

int main(int argc, char **argv)
{
    long cycles = 0;
    int rounds = 15, data_kib = -1;
    bool compiled = false; /* the module compiled to native code first (wh_module_compile) */
    bool pre = false;      /* instances from an instance pre (wh_instance_pre_new) */
    const char *path = NULL, *export_name = NULL, *init_name = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            cycles = atol(argv[++i]);
        else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (strcmp(argv[i], "--compiled") == 0)
            compiled = true;
        else if (strcmp(argv[i], "--pre") == 0)
            pre = true;
        else if (strcmp(argv[i], "--init") == 0 && i + 1 < argc)
            init_name = argv[++i];
        else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data_kib = atoi(argv[++i]) * 1024;
        else if (strcmp(argv[i], "--data-kib") == 0 && i + 1 < argc)
            data_kib = atoi(argv[++i]);
        else if (!path && data_kib < 0)
            path = argv[i];
        else if (!export_name && data_kib < 0)
            export_name = argv[i];
        else
            return usage();
    }
    if ((data_kib < 0 && (!path || !export_name)) || (data_kib >= 0 && (data_kib < 1 || data_kib > 1024 * 1024)) ||
        (data_kib >= 0 && init_name) || rounds < 1 || rounds > 1000 || cycles < 0)
        return usage();
    if (!cycles)
        cycles = data_kib >= 1024 || init_name ? 200 : 20000;

    module_bytes binary = {0};
    if (data_kib > 0) {
        binary = data_module((unsigned)data_kib);
        export_name = "noop";
    } else {
        FILE *file = fopen(path, "rb");
        if (!file) {
            perror(path);
            return 1;
        }
        uint8_t buffer[65536];
        size_t got;
        while ((got = fread(buffer, 1, sizeof buffer, file)) > 0)
            module_put(&binary, buffer, got);
        fclose(file);
    }
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *module_store = wasm_store_new(engine);
    wasm_byte_vec_t wasm = {binary.size, (wasm_byte_t *)binary.data};
    wasm_module_t *module = wasm_module_new(module_store, &wasm);
    free(binary.data);
    if (!module || (compiled && !wh_module_compile(engine, module))) {
        fprintf(stderr, "instance_cycle: %s\n", wh_last_error_message());
        return 1;
    }
    wasm_importtype_vec_t imports;
    wasm_module_imports(module, &imports);

    /* Variant 0: the module (calling INIT first with --init); variant 1 (--init): its snapshot. */
    int variants = init_name ? 2 : 1;
    wasm_extern_t **externs = calloc(imports.size + 1, sizeof *externs);
    wasm_module_t *modules[2] = {module, NULL};
    const char *inits[2] = {init_name, NULL};
    if (init_name && !(modules[1] = snapshot_after(engine, module, &imports, externs, init_name)))
        return 1;
    if (compiled && modules[1] && !wh_module_compile(engine, modules[1])) {
        fprintf(stderr, "instance_cycle: %s\n", wh_last_error_message());
        return 1;
    }
    wh_instance_pre_t *pres[2] = {NULL, NULL};
    wasm_func_callback_with_env_t *callbacks = calloc(imports.size + 1, sizeof *callbacks);
    for (size_t i = 0; i < imports.size; i++)
        callbacks[i] = do_nothing_with_env;
    for (int variant = 0; pre && variant < variants; variant++) {
        if (!(pres[variant] = wh_instance_pre_new(modules[variant], callbacks, imports.size))) {
            fprintf(stderr, "instance_cycle: %s\n", wh_last_error_message());
            return 1;
        }
    }
    double *per_cycle = malloc((size_t)rounds * 2 * sizeof *per_cycle);
    for (int round = -1; round < rounds; round++) { /* round -1 warms up */
        for (int variant = 0; variant < variants; variant++) {
            double start = bench_now_ns();
            for (long cycle = 0; cycle < cycles; cycle++) {
                wasm_store_t *store = wasm_store_new(engine);
                if (!pre && !make_imports(store, &imports, externs))
                    return 1;
                wasm_extern_vec_t import_vec = {imports.size, externs};
                wasm_instance_t *instance = pre ? wh_instance_pre_instantiate(pres[variant], store, NULL, NULL)
                                                : wasm_instance_new(store, modules[variant], &import_vec, NULL);
                if ((inits[variant] && !call_export(instance, inits[variant])) || !call_export(instance, export_name))
                    return 1;
                wasm_instance_delete(instance);
                for (size_t i = 0; !pre && i < imports.size; i++)
                    wasm_extern_delete(externs[i]);
                wasm_store_delete(store);
            }
            if (round >= 0)
                per_cycle[variant * rounds + round] = (bench_now_ns() - start) / (double)cycles / 1e3;
        }
    }
    if (init_name) {
        double medians[2];
        for (int variant = 0; variant < 2; variant++) {
            double *rounds_of = per_cycle + variant * rounds;
            qsort(rounds_of, (size_t)rounds, sizeof *rounds_of, bench_compare_doubles);
            medians[variant] = rounds_of[rounds / 2];
            printf("%s%s%s: store + %zu imports%s + instance + call %s%s%s + delete: median %.2f us per cycle "
                   "(fastest round %.2f, slowest %.2f; %d rounds of %ld)\n",
                   path, variant ? " snapshot after init" : "", compiled ? " (compiled)" : "", imports.size,
                   pre ? " (instance pre)" : "", variant ? "" : init_name, variant ? "" : ", ", export_name,
                   medians[variant], rounds_of[0], rounds_of[rounds - 1], rounds, cycles);
        }
        printf("init per request / snapshot: %.1fx\n", medians[0] / medians[1]);
        wasm_module_delete(modules[1]);
    } else {
        qsort(per_cycle, (size_t)rounds, sizeof *per_cycle, bench_compare_doubles);
        printf("%s%s: store + %zu imports%s + instance + call %s + delete: median %.2f us per cycle (fastest round "
               "%.2f, slowest %.2f; %d rounds of %ld)\n",
               data_kib > 0 ? "generated module" : path, compiled ? " (compiled)" : "", imports.size,
               pre ? " (instance pre)" : "", export_name, per_cycle[rounds / 2], per_cycle[0], per_cycle[rounds - 1],
               rounds, cycles);
    }
    if (data_kib > 0)
        printf("(module with %d KiB of data)\n", data_kib);
    free(per_cycle);
    free(externs);
    free(callbacks);
    for (int variant = 0; variant < 2; variant++)
        wh_instance_pre_delete(pres[variant]);
    wasm_importtype_vec_delete(&imports);
    wasm_module_delete(module);
    wasm_store_delete(module_store);
    wasm_engine_delete(engine);
    return 0;
}
