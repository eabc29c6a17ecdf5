/* plugin_tier.c: plugins on the configured tier (wh_plugin_config_t.tier, cache_dir), wh_plugin_compile, wh_plugin_copy, artifacts as plugins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "wasm.h"
#include "wasmhost.h"

/* Usage: plugin_tier UPPER.wasm WORK_DIR (the example plugin; a scratch folder, emptied here). */
static const char *upper_path, *work_dir;

/* The plugin upper-cases "hello" through `process`. */
static void check_answers(const wh_plugin_t *plugin, const char *what)
{
    wasm_byte_vec_t input, output;
    wasm_byte_vec_new(&input, 5, "hello");
    wasm_trap_t *trap = wh_plugin_call(plugin, "process", &input, &output);
    CHECK(!trap && output.size == 5 && memcmp(output.data, "HELLO", 5) == 0, "%s: wrong answer", what);
    if (trap)
        wasm_trap_delete(trap);
    wasm_byte_vec_delete(&output);
    wasm_byte_vec_delete(&input);
}

static wh_plugin_t *load(const char *path, wh_tier_t tier, const char *cache_dir, uint64_t fuel, const char *what)
{
    wh_plugin_config_t config = {.tier = tier, .cache_dir = cache_dir, .fuel = fuel};
    wh_plugin_t *plugin = wh_plugin_load(path, &config);
    CHECK(plugin, "%s: %s", what, wh_last_error_message());
    return plugin;
}

static void check_tiers(void)
{
    wh_plugin_t *plugin = load(upper_path, WH_TIER_INTERP, NULL, 0, "interp");
    if (plugin) {
        CHECK(wh_plugin_native_functions(plugin, NULL) == 0, "interp: native code");
        check_answers(plugin, "interp");
        wh_plugin_delete(plugin);
    }
    double seconds = 0;
    if ((plugin = load(upper_path, WH_TIER_COMPILED, NULL, 0, "compiled"))) {
        CHECK(wh_plugin_native_functions(plugin, &seconds) > 0 && seconds > 0, "compiled: not compiled at load");
        check_answers(plugin, "compiled");
        wh_plugin_delete(plugin);
    }
    /* With fuel, compiled code meters it: it loads compiled, and runs metered. */
    if ((plugin = load(upper_path, WH_TIER_COMPILED, NULL, 1000000, "compiled with fuel"))) {
        CHECK(wh_plugin_native_functions(plugin, NULL) > 0, "compiled with fuel: not compiled at load");
        check_answers(plugin, "compiled with fuel");
        wh_plugin_delete(plugin);
    }
    /* ... and too little fuel stops it, as on the interpreter. */
    if ((plugin = load(upper_path, WH_TIER_COMPILED, NULL, 50, "compiled with little fuel"))) {
        wasm_byte_vec_t input, output = {0, NULL};
        wasm_byte_vec_new(&input, 5, "hello");
        wasm_trap_t *trap = wh_plugin_call(plugin, "process", &input, &output);
        CHECK(trap && wh_trap_code(trap) == WH_TRAP_CODE_FUEL_EXHAUSTED, "50 units of fuel: no fuel trap");
        if (trap)
            wasm_trap_delete(trap);
        wasm_byte_vec_delete(&output);
        wasm_byte_vec_delete(&input);
        wh_plugin_delete(plugin);
    }
}

/* auto: interpreted until wh_plugin_compile, which stores the code in the folder; the next load
 * finds it there (native at once, nothing compiled). A copy outlives the handle it came from. */
static void check_auto_and_cache(void)
{
    char cache[1024];
    snprintf(cache, sizeof cache, "%s/cache", work_dir);
    wh_plugin_t *plugin = load(upper_path, WH_TIER_AUTO, cache, 0, "auto");
    if (!plugin)
        return;
    CHECK(wh_plugin_native_functions(plugin, NULL) == 0, "auto, empty cache: native code before compiling");
    wh_plugin_t *copy = wh_plugin_copy(plugin);
    CHECK(copy == plugin, "wh_plugin_copy: not the same plugin");
    wh_plugin_delete(plugin);
    double seconds = 0;
    CHECK(wh_plugin_compile(copy), "wh_plugin_compile: %s", wh_last_error_message());
    CHECK(wh_plugin_native_functions(copy, &seconds) > 0 && seconds > 0, "auto: not native after wh_plugin_compile");
    check_answers(copy, "auto, compiled");
    wh_plugin_delete(copy);

    if ((plugin = load(upper_path, WH_TIER_AUTO, cache, 0, "auto, cached"))) {
        CHECK(wh_plugin_native_functions(plugin, &seconds) > 0 && seconds == 0,
              "auto: the compiled code was not loaded from the cache");
        check_answers(plugin, "auto, cached");
        wh_plugin_delete(plugin);
    }
}

/* An artifact (wasm_module_serialize of a compiled module) loads as a plugin with its native code,
 * and is refused, saying why, when the plugin meters fuel. */
static void check_artifact(void)
{
    FILE *file = fopen(upper_path, "rb");
    CHECK(file, "cannot open %s", upper_path);
    if (!file)
        return;
    wasm_byte_vec_t binary;
    fseek(file, 0, SEEK_END);
    wasm_byte_vec_new_uninitialized(&binary, (size_t)ftell(file));
    fseek(file, 0, SEEK_SET);
    CHECK(fread(binary.data, 1, binary.size, file) == binary.size);
    fclose(file);
    wasm_config_t *config = wasm_config_new();
    wh_config_set_tier(config, WH_TIER_COMPILED);
    wasm_engine_t *engine = wasm_engine_new_with_config(config);
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = wasm_module_new(store, &binary);
    CHECK(module, "compiling %s: %s", upper_path, wh_last_error_message());
    wasm_byte_vec_t artifact = {0, NULL};
    if (module)
        wasm_module_serialize(module, &artifact);
    CHECK(artifact.size > 4 && memcmp(artifact.data, WH_ARTIFACT_MAGIC, 4) == 0, "no artifact written");
    char path[1024];
    snprintf(path, sizeof path, "%s/upper.cwasm", work_dir);
    file = fopen(path, "wb");
    CHECK(file && fwrite(artifact.data, 1, artifact.size, file) == artifact.size && fclose(file) == 0,
          "cannot write %s", path);
    wh_plugin_t *plugin = load(path, WH_TIER_INTERP, NULL, 0, "artifact");
    if (plugin) {
        CHECK(wh_plugin_native_functions(plugin, NULL) > 0, "artifact: its native code is not used");
        check_answers(plugin, "artifact");
        wh_plugin_delete(plugin);
    }
    wh_plugin_config_t metered = {.fuel = 1000};
    CHECK(!wh_plugin_load(path, &metered) && wh_last_error_code() == WH_ERROR_CONFIG &&
              strstr(wh_last_error_message(), "the artifact's code does not meter fuel"),
          "artifact with fuel: not refused as it should be: %s", wh_last_error_message());
    wasm_byte_vec_delete(&artifact);
    wasm_byte_vec_delete(&binary);
    if (module)
        wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: plugin_tier UPPER.wasm WORK_DIR\n");
        return 2;
    }
    upper_path = argv[1];
    work_dir = argv[2];
    char command[1100];
    snprintf(command, sizeof command, "rm -rf '%s' && mkdir -p '%s'", work_dir, work_dir);
    if (system(command) != 0)
        return 2;
    check_tiers();
    check_auto_and_cache();
    check_artifact();
    return checks_done("plugin_tier");
}
