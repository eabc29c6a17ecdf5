/* diff_run.c: runs modules on wasmhost (public API only) and prints the canonical text of differential execution. */
/*
 * usage: diff_run [--fuel N] FILE.wasm...   writes FILE.wasm.wh for each FILE (the text below)
 *        diff_run [--fuel N] --print FILE.wasm   prints that text on stdout
 *        diff_run --bytes SEED COUNT          writes COUNT pseudo-random bytes (splitmix64 of SEED)
 *
 * The text, which tests/differential/ref_run.mjs prints too for V8:
 *   call NAME             one per exported function, in export order, arguments all zero / null
 *   log TYPE VALUE        a call of an import "fuzzing-support" "log-TYPE" (or any other import)
 *   result TYPE VALUE     one per result;  trap CLASS  instead when the call trapped
 *   memory PAGES HASH     each exported memory: its size and the FNV-1a 64 of its bytes
 *   global NAME TYPE VALUE  each exported global, after all the calls
 * Integers are signed decimal, floats their bits in hex ("nan" for every NaN: arithmetic NaNs
 * may differ in sign and payload), references "null" or "ref". A call that runs out of fuel
 * prints "trap fuel" and ends the module (the driver skips such modules).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"
#include "wasmhost.h"

static FILE *out;

static void print_val(const char *what, const wasm_val_t *v)
{
    switch (v->kind) {
    case WASM_I32: fprintf(out, "%s i32 %" PRId32 "\n", what, v->of.i32); break;
    case WASM_I64: fprintf(out, "%s i64 %" PRId64 "\n", what, v->of.i64); break;
    case WASM_F32: {
        uint32_t bits;
        memcpy(&bits, &v->of.f32, sizeof bits);
        if (isnan(v->of.f32))
            fprintf(out, "%s f32 nan\n", what);
        else
            fprintf(out, "%s f32 0x%08" PRIx32 "\n", what, bits);
        break;
    }
    case WASM_F64: {
        uint64_t bits;
        memcpy(&bits, &v->of.f64, sizeof bits);
        if (isnan(v->of.f64))
            fprintf(out, "%s f64 nan\n", what);
        else
            fprintf(out, "%s f64 0x%016" PRIx64 "\n", what, bits);
        break;
    }
    case WASM_EXTERNREF: fprintf(out, "%s externref %s\n", what, v->of.ref ? "ref" : "null"); break;
    case WASM_FUNCREF: fprintf(out, "%s funcref %s\n", what, v->of.ref ? "ref" : "null"); break;
    default: fprintf(out, "%s unknown\n", what); break;
    }
}

/* Every import is a logging function: it prints each argument and returns zeros. */
static wasm_trap_t *log_import(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)env;
    for (size_t i = 0; i < args->size; i++)
        print_val("log", &args->data[i]);
    for (size_t i = 0; i < results->size; i++) {
        wasm_valkind_t kind = results->data[i].kind;
        memset(&results->data[i], 0, sizeof results->data[i]);
        results->data[i].kind = kind;
    }
    return NULL;
}

static void zero_vals(const wasm_valtype_vec_t *types, wasm_val_vec_t *vals)
{
    wasm_val_vec_new_uninitialized(vals, types->size);
    for (size_t i = 0; i < types->size; i++) {
        memset(&vals->data[i], 0, sizeof vals->data[i]);
        vals->data[i].kind = wasm_valtype_kind(types->data[i]);
    }
}

/* The spec's trap kinds in the classes V8's messages can tell apart. */
static const char *trap_class(const wasm_trap_t *trap)
{
    switch (wh_trap_code(trap)) {
    case WH_TRAP_CODE_UNREACHABLE: return "unreachable";
    case WH_TRAP_CODE_INTEGER_DIVIDE_BY_ZERO: return "div0";
    case WH_TRAP_CODE_INTEGER_OVERFLOW: return "overflow";
    case WH_TRAP_CODE_INVALID_CONVERSION: return "overflow"; /* V8 tells NaN from out of range by neither */
    case WH_TRAP_CODE_OUT_OF_BOUNDS_MEMORY: return "memory";
    case WH_TRAP_CODE_OUT_OF_BOUNDS_TABLE: return "table";
    case WH_TRAP_CODE_UNDEFINED_ELEMENT: return "table";
    case WH_TRAP_CODE_INDIRECT_CALL_TYPE_MISMATCH: return "indirect";
    case WH_TRAP_CODE_UNINITIALIZED_ELEMENT: return "indirect";
    case WH_TRAP_CODE_CALL_STACK_EXHAUSTED: return "stack";
    case WH_TRAP_CODE_FUEL_EXHAUSTED: return "fuel";
    case WH_TRAP_CODE_DEADLINE_EXCEEDED: return "fuel";
    default: return "other";
    }
}

static void print_trap(const char *prefix, wasm_trap_t *trap)
{
    const char *cls = trap_class(trap);
    if (strcmp(cls, "other") == 0) {
        wasm_message_t msg;
        wasm_trap_message(trap, &msg);
        fprintf(out, "%strap other %.*s\n", prefix, (int)msg.size, msg.data);
        wasm_byte_vec_delete(&msg);
    } else {
        fprintf(out, "%strap %s\n", prefix, cls);
    }
}

static int read_file(const char *path, wasm_byte_vec_t *bytes)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    wasm_byte_vec_new_uninitialized(bytes, (size_t)size);
    size_t got = fread(bytes->data, 1, (size_t)size, f);
    fclose(f);
    return got == (size_t)size ? 0 : -1;
}

/* Runs one module, printing its text to `out`. */
static void run_module(wasm_engine_t *engine, const char *path, uint64_t fuel)
{
    wasm_byte_vec_t bytes;
    if (read_file(path, &bytes) != 0) {
        fprintf(out, "error cannot read\n");
        return;
    }
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = wasm_module_new(store, &bytes);
    wasm_byte_vec_delete(&bytes);
    if (!module) {
        fprintf(out, "invalid\n");
        wasm_store_delete(store);
        return;
    }
    wasm_importtype_vec_t import_types;
    wasm_module_imports(module, &import_types);
    wasm_extern_vec_t imports;
    wasm_extern_vec_new_uninitialized(&imports, import_types.size);
    bool linkable = true;
    for (size_t i = 0; i < import_types.size; i++) {
        const wasm_externtype_t *type = wasm_importtype_type(import_types.data[i]);
        imports.data[i] = NULL;
        if (wasm_externtype_kind(type) != WASM_EXTERN_FUNC) {
            linkable = false;
            continue;
        }
        const wasm_functype_t *ftype = wasm_externtype_as_functype_const(type);
        imports.data[i] = wasm_func_as_extern(wasm_func_new_with_env(store, ftype, log_import, NULL, NULL));
    }
    wasm_importtype_vec_delete(&import_types);
    wasm_trap_t *trap = NULL;
    wasm_instance_t *instance = NULL;
    wh_store_set_fuel(store, fuel);
    if (linkable)
        instance = wasm_instance_new(store, module, &imports, &trap);
    wasm_extern_vec_delete(&imports);
    if (!instance) {
        if (trap) {
            print_trap("instantiate ", trap);
            wasm_trap_delete(trap);
        } else {
            fprintf(out, "instantiate error\n");
        }
        wasm_module_delete(module);
        wasm_store_delete(store);
        return;
    }
    wasm_exporttype_vec_t export_types;
    wasm_module_exports(module, &export_types);
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    bool stopped = false;
    for (size_t i = 0; i < exports.size && !stopped; i++) {
        wasm_func_t *func = wasm_extern_as_func(exports.data[i]);
        if (!func)
            continue;
        const wasm_name_t *name = wasm_exporttype_name(export_types.data[i]);
        fprintf(out, "call %.*s\n", (int)name->size, name->data);
        wasm_functype_t *ftype = wasm_func_type(func);
        wasm_val_vec_t args, results;
        zero_vals(wasm_functype_params(ftype), &args);
        zero_vals(wasm_functype_results(ftype), &results);
        wh_store_set_fuel(store, fuel);
        trap = wasm_func_call(func, &args, &results);
        if (trap) {
            print_trap("", trap);
            stopped = wh_trap_code(trap) == WH_TRAP_CODE_FUEL_EXHAUSTED;
            wasm_trap_delete(trap);
        } else {
            for (size_t r = 0; r < results.size; r++)
                print_val("result", &results.data[r]);
        }
        wasm_val_vec_delete(&args);
        wasm_val_vec_delete(&results);
        wasm_functype_delete(ftype);
    }
    for (size_t i = 0; i < exports.size && !stopped; i++) {
        const wasm_name_t *name = wasm_exporttype_name(export_types.data[i]);
        wasm_memory_t *memory = wasm_extern_as_memory(exports.data[i]);
        wasm_global_t *global = wasm_extern_as_global(exports.data[i]);
        if (memory) {
            const uint8_t *data = (const uint8_t *)wasm_memory_data(memory);
            size_t size = wasm_memory_data_size(memory);
            uint64_t hash = 0xcbf29ce484222325u;
            for (size_t b = 0; b < size; b++)
                hash = (hash ^ data[b]) * 0x100000001b3u;
            fprintf(out, "memory %u %016" PRIx64 "\n", (unsigned)wasm_memory_size(memory), hash);
        } else if (global) {
            wasm_val_t value;
            wasm_global_get(global, &value);
            char what[300];
            snprintf(what, sizeof what, "global %.*s", (int)name->size, name->data);
            print_val(what, &value);
        }
    }
    wasm_extern_vec_delete(&exports);
    wasm_exporttype_vec_delete(&export_types);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--bytes") == 0) {
        uint64_t state = strtoull(argv[2], NULL, 0);
        unsigned long count = strtoul(argv[3], NULL, 0);
        for (unsigned long i = 0; i < count; i++)
            putchar((int)(splitmix64(&state) & 0xff));
        return 0;
    }
    uint64_t fuel = 200000000;
    bool print = false;
    int first = 1;
    for (; first < argc && strncmp(argv[first], "--", 2) == 0; first++) {
        if (strcmp(argv[first], "--fuel") == 0 && first + 1 < argc)
            fuel = strtoull(argv[++first], NULL, 0);
        else if (strcmp(argv[first], "--print") == 0)
            print = true;
        else
            break;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: diff_run [--fuel N] [--print] FILE.wasm... | diff_run --bytes SEED COUNT\n");
        return 2;
    }
    wasm_config_t *config = wasm_config_new();
    wh_config_consume_fuel(config, true);
    wasm_engine_t *engine = wasm_engine_new_with_config(config);
    int status = 0;
    for (int i = first; i < argc; i++) {
        if (print) {
            out = stdout;
        } else {
            char path[4096];
            snprintf(path, sizeof path, "%s.wh", argv[i]);
            out = fopen(path, "w");
            if (!out) {
                fprintf(stderr, "diff_run: cannot write %s\n", path);
                status = 1;
                continue;
            }
        }
        run_module(engine, argv[i], fuel);
        if (!print)
            fclose(out);
    }
    wasm_engine_delete(engine);
    return status;
}
