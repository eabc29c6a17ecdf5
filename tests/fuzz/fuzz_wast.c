/* fuzz_wast.c: libFuzzer target: the script reader of `wasmhost wast` (src/cli/cli_wast.c) on the input as its JSON. */
#include "cli.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The script is read as if it were FUZZ_WAST_MODULES/fuzz.json: the modules it names are read
 * from that folder, where the build put the modules of the seed scripts (engine_seeds.cmake).
 * Every script's store gets small caps and fuel (the engine consumes fuel), so every input ends.
 * A script that fails its assertions is a normal outcome; the failures looked for are the
 * sanitizers' and ENG_ASSERT's. The reports go to /dev/null. */

#ifndef FUZZ_WAST_MODULES
#error "FUZZ_WAST_MODULES: the folder of the modules the scripts name (engine.cmake)"
#endif

#define FUEL_PER_SCRIPT 1000000u
#define MAX_MEMORY_BYTES (64u << 20)
#define MAX_TABLE_ELEMENTS 100000u
#define MAX_STACK_BYTES (256u << 10)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static wasm_engine_t *engine;

static void store_ready(wasm_store_t *store)
{
    wh_limits_t limits = {MAX_MEMORY_BYTES, MAX_TABLE_ELEMENTS, MAX_STACK_BYTES};
    if (!wh_store_set_limits(store, &limits) || !wh_store_set_fuel(store, FUEL_PER_SCRIPT))
        abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    wasm_config_t *config = wasm_config_new();
    if (!config)
        abort();
    wh_config_consume_fuel(config, true);
    engine = wasm_engine_new_with_config(config); /* takes the configuration */
    if (!engine)
        abort();
    /* The environment variable FUZZ_WAST_REPORT keeps the reports (fuzz_wast -runs=0 DIR). */
    if (!getenv("FUZZ_WAST_REPORT") && !freopen("/dev/null", "w", stdout))
        abort();
    return 0;
}

/* True when a "filename" anywhere in the script leaves the modules' folder (a '/' in it: "../x",
 * "a/../../dev/zero"). The tool reads what its user's script names; fuzzing stays in the folder. */
static bool leaves_folder(json_t *value)
{
    const char *key;
    json_t *member;
    size_t index;
    if (json_is_object(value)) {
        json_object_foreach(value, key, member)
        {
            if (strcmp(key, "filename") == 0 && json_is_string(member) &&
                memchr(json_string_value(member), '/', json_string_length(member)))
                return true;
            if (leaves_folder(member))
                return true;
        }
    } else if (json_is_array(value)) {
        json_array_foreach(value, index, member)
        {
            if (leaves_folder(member))
                return true;
        }
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *root = json_loadb((const char *)data, size, JSON_ALLOW_NUL, NULL);
    bool skip = root && leaves_folder(root);
    json_decref(root);
    if (skip)
        return 0;
    cli_wast_run_json(engine, FUZZ_WAST_MODULES "/fuzz.json", (const char *)data, size, store_ready);
    return 0;
}
