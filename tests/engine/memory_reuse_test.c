/* memory_reuse_test.c: memories given back unwritten and taken again as they are (src/engine/memory.c): every instance still starts with exactly its module's data and zeros, whatever wrote the memory before. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wasm.h"
#include "wasmhost.h"

#define PAGE 65536u

typedef struct module_case {
    const char *name;
    wasm_module_t *module;
    uint8_t expected[PAGE]; /* memory 0 right after instantiation (one page) */
} module_case;

static wasm_engine_t *engine;
static int32_t global_offset; /* what "env" "offset" gives memory_reuse_offset.wasm */

static wasm_module_t *load(const char *path)
{
    FILE *file = fopen(path, "rb");
    CHECK(file != NULL, "cannot open %s", path);
    if (!file)
        return NULL;
    wasm_byte_vec_t binary;
    fseek(file, 0, SEEK_END);
    wasm_byte_vec_new_uninitialized(&binary, (size_t)ftell(file));
    rewind(file);
    size_t got = fread(binary.data, 1, binary.size, file);
    fclose(file);
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = got == binary.size ? wasm_module_new(store, &binary) : NULL;
    CHECK(module != NULL, "%s: %s", path, wh_last_error_message());
    wasm_byte_vec_delete(&binary);
    wasm_store_delete(store);
    return module;
}

typedef struct running {
    wasm_store_t *store;
    wasm_instance_t *instance;
} running;

/* An instance of `c` in a fresh store (its one import, if any, the global `global_offset`). */
static running start(module_case *c)
{
    running r = {wasm_store_new(engine), NULL};
    wasm_importtype_vec_t import_types;
    wasm_module_imports(c->module, &import_types);
    wasm_extern_t *global_extern = NULL;
    if (import_types.size == 1) {
        wasm_globaltype_t *type = wasm_globaltype_new(wasm_valtype_new(WASM_I32), WASM_CONST);
        wasm_val_t value = WASM_I32_VAL(global_offset);
        global_extern = wasm_global_as_extern(wasm_global_new(r.store, type, &value));
        wasm_globaltype_delete(type);
    }
    wasm_importtype_vec_delete(&import_types);
    wasm_extern_vec_t imports = {global_extern ? 1 : 0, global_extern ? &global_extern : NULL};
    r.instance = wasm_instance_new(r.store, c->module, &imports, NULL);
    CHECK(r.instance != NULL, "%s: %s", c->name, wh_last_error_message());
    wasm_extern_delete(global_extern);
    return r;
}

static void stop(running *r)
{
    wasm_instance_delete(r->instance);
    wasm_store_delete(r->store);
}

/* Calls export `name` (an i32 argument 41 when it takes one); false when it trapped. */
static bool call(const running *r, const char *name)
{
    wasm_extern_t *export = r->instance ? wh_instance_export(r->instance, name) : NULL;
    wasm_func_t *func = wasm_extern_as_func(export);
    CHECK(func != NULL, "no export %s", name);
    if (!func)
        return false;
    wasm_val_t arg = WASM_I32_VAL(41), result = WASM_INIT_VAL;
    wasm_val_vec_t args = {wasm_func_param_arity(func), &arg}, results = {wasm_func_result_arity(func), &result};
    wasm_trap_t *trap = wasm_func_call(func, &args, &results);
    wasm_extern_delete(export);
    wasm_trap_delete(trap);
    return trap == NULL;
}

/* Checks that a fresh instance of `c` holds exactly its data, after `what` happened to the last memory. */
static void check_fresh(module_case *c, const char *what)
{
    running r = start(c);
    wasm_extern_t *export = r.instance ? wh_instance_export(r.instance, "memory") : NULL;
    wasm_memory_t *memory = wasm_extern_as_memory(export);
    if (memory) {
        CHECK(wasm_memory_size(memory) == 1, "%s after %s: %u pages, not 1", c->name, what,
              (unsigned)wasm_memory_size(memory));
        const uint8_t *data = (const uint8_t *)wasm_memory_data(memory);
        size_t i = 0;
        while (i < PAGE && data[i] == c->expected[i])
            i++;
        CHECK(i == PAGE, "%s after %s: byte %zu is 0x%02x, not 0x%02x", c->name, what, i, i < PAGE ? data[i] : 0,
              i < PAGE ? c->expected[i] : 0);
    }
    wasm_extern_delete(export);
    stop(&r);
}

/* Runs export `name` of a fresh instance of `writer` (or, for NULL, writes all of memory from the
 * host), frees it, then checks fresh instances of every module. */
static void after(module_case *writer, const char *name, module_case *all, size_t count)
{
    running r = start(writer);
    char what[128];
    snprintf(what, sizeof what, "%s's %s", writer->name, name ? name : "host writes");
    if (name) {
        call(&r, name);
    } else {
        wasm_extern_t *export = wh_instance_export(r.instance, "memory");
        memset(wasm_memory_data(wasm_extern_as_memory(export)), 0x55, PAGE);
        wasm_extern_delete(export);
    }
    stop(&r);
    for (size_t i = 0; i < count; i++) {
        check_fresh(&all[i], what);
        /* Once more after an instance that wrote nothing: its memory goes back labelled as is. */
        running idle = start(&all[i]);
        call(&idle, "noop");
        stop(&idle);
        check_fresh(&all[i], what);
    }
}

/* Every scenario, on the modules as they are (interpreted or compiled). */
static void run_all(module_case *cases, const char *tier)
{
    printf("memory_reuse_test: %s\n", tier);
    for (int i = 0; i < 3; i++)
        memset(cases[i].expected, 0, PAGE);
    memcpy(cases[0].expected + 16, "module a's data", 15);
    memcpy(cases[1].expected + 4000, "the other module", 16);
    memcpy(cases[1].expected + 200, (const uint8_t[]){4, 3, 2, 1}, 4); /* its start function's store */
    global_offset = 100;
    memcpy(cases[2].expected + 100, "moved", 5);

    /* First, with nothing else in the pool: a's unwritten memory is the one the other module
     * takes, and must be cleared where a's data was. */
    running first = start(&cases[0]);
    call(&first, "noop");
    stop(&first);
    check_fresh(&cases[1], "a's noop");

    /* Code that cannot write (no store or other memory instruction that writes, no call) leaves
     * the memory reusable as is; everything else must be undone, including writes in a callee,
     * before a trap, by growing, by the start function, and by the host through wasm_memory_data. */
    const char *exports[] = {"noop",       "arithmetic",       "loads", "scribble", "store_in_callee",
                             "store_lane", "trap_after_store", "grow"};
    for (size_t round = 0; round < 3; round++) {
        for (size_t i = 0; i < sizeof exports / sizeof *exports; i++)
            after(&cases[0], exports[i], cases, 3);
        after(&cases[0], NULL, cases, 3);
        after(&cases[1], "noop", cases, 3);
        after(&cases[2], "noop", cases, 3);
    }

    /* Data at an offset that differs between instances is never taken as already in place. */
    global_offset = 50000;
    memset(cases[2].expected + 100, 0, 5);
    memcpy(cases[2].expected + 50000, "moved", 5);
    after(&cases[2], "noop", cases, 3);

    /* The same through an instance pre. */
    wh_instance_pre_t *pre = wh_instance_pre_new(cases[0].module, NULL, 0);
    CHECK(pre != NULL, "%s", wh_last_error_message());
    for (int i = 0; pre && i < 4; i++) {
        wasm_store_t *store = wasm_store_new(engine);
        running r = {store, wh_instance_pre_instantiate(pre, store, NULL, NULL)};
        CHECK(r.instance != NULL, "%s", wh_last_error_message());
        call(&r, i % 2 ? "noop" : "scribble");
        stop(&r);
        check_fresh(&cases[0], i % 2 ? "a's noop from a pre" : "a's scribble from a pre");
    }
    wh_instance_pre_delete(pre);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr,
                "usage: memory_reuse_test memory_reuse.wasm memory_reuse_other.wasm memory_reuse_offset.wasm\n");
        return 2;
    }
    engine = wasm_engine_new();
    static module_case cases[3] = {{.name = "a"}, {.name = "other"}, {.name = "offset"}};
    for (int i = 0; i < 3; i++)
        cases[i].module = load(argv[1 + i]);
    if (!cases[0].module || !cases[1].module || !cases[2].module)
        return checks_done("memory_reuse_test");
    run_all(cases, "interpreted");
    /* And again with the modules compiled to native code, when this build has the compiling tier. */
    bool compiled = true;
    for (int i = 0; i < 3; i++)
        compiled = compiled && wh_module_compile(engine, cases[i].module);
    if (compiled)
        run_all(cases, "compiled");
    else
        printf("memory_reuse_test: no compiling tier (%s): interpreted only\n", wh_last_error_message());

    for (int i = 0; i < 3; i++)
        wasm_module_delete(cases[i].module);
    wasm_engine_delete(engine);
    return checks_done("memory_reuse_test");
}
