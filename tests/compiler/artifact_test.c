/* artifact_test.c: compiled artifacts (serialize, deserialize, every refusal) and the cache of compiled code (hits, damage, eviction). */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasm.h>
#include <wasmhost.h>

#include "check.h"
#include "compiler_support.h"

static wasm_engine_t *engine_with(wh_tier_t tier, const char *cache_dir, uint64_t cache_max)
{
    wasm_config_t *config = wasm_config_new();
    wh_config_set_tier(config, tier);
    if (cache_dir)
        wh_config_set_cache_dir(config, cache_dir);
    if (cache_max)
        wh_config_set_cache_max(config, cache_max);
    return wasm_engine_new_with_config(config);
}

/* Calls "checksum" (no parameters, one i32) of a fresh instance; -1 when anything fails. */
static int32_t run_checksum(wasm_store_t *store, wasm_module_t *module)
{
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    if (!instance)
        return -1;
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_val_t result_list[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(result_list);
    wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(exports.data[1]), &args, &results);
    int32_t value = trap ? -1 : result_list[0].of.i32;
    wasm_trap_delete(trap);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    return value;
}

/* Deserializes `bytes`; expects a refusal whose message contains `expected` (NULL: success). */
static void expect_load(wasm_store_t *store, const wasm_byte_vec_t *bytes, const char *expected, const char *what)
{
    wasm_module_t *module = wasm_module_deserialize(store, bytes);
    if (!expected) {
        CHECK(module != NULL, "%s: %s", what, wh_last_error_message());
        CHECK(module && wh_module_native_functions(module, NULL) == 2, "%s: not native", what);
        CHECK(module && run_checksum(store, module) == (int32_t)0x1f56964c, "%s: wrong checksum", what);
    } else {
        CHECK(module == NULL, "%s: loaded, expected a refusal", what);
        CHECK(wh_last_error_code() == WH_ERROR_SERIALIZED, "%s: code %d", what, (int)wh_last_error_code());
        CHECK(strstr(wh_last_error_message(), expected) != NULL, "%s: %s", what, wh_last_error_message());
    }
    if (module)
        wasm_module_delete(module);
}

static void test_artifacts(const wasm_byte_vec_t *binary)
{
    wasm_engine_t *engine = engine_with(WH_TIER_COMPILED, NULL, 0);
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = wasm_module_new(store, binary);
    CHECK(module != NULL, "%s", wh_last_error_message());
    if (!module)
        return;
    CHECK(run_checksum(store, module) == (int32_t)0x1f56964c, "compiled checksum %x",
          (unsigned)run_checksum(store, module));
    wasm_byte_vec_t artifact;
    wasm_module_serialize(module, &artifact);
    CHECK(artifact.size > 96 && memcmp(artifact.data, "\0whc", 4) == 0);
    wasm_module_delete(module);

    /* A plain engine (the interpreter's) loads it as compiled code. */
    wasm_engine_t *plain = wasm_engine_new();
    wasm_store_t *plain_store = wasm_store_new(plain);
    expect_load(plain_store, &artifact, NULL, "round trip");

    wasm_byte_vec_t damaged;
    wasm_byte_vec_copy(&damaged, &artifact);
    struct {
        size_t offset;
        const char *expected;
    } flips[] = {
        {0, "not a module serialized by wasmhost"}, /* magic */
        {4, "artifact format version"},             /* version */
        {10, "artifact made by wasmhost"},          /* build id */
        {55, "this CPU lacks it"},                  /* CPU features: bit 63, which no CPU has */
        {56, "checksum mismatch"},                  /* checks */
        {66, "artifact is truncated"},              /* module size */
        {80, "checksum mismatch"},                  /* the checksum itself */
        {100, "checksum mismatch"},                 /* the module */
        {artifact.size - 10, "checksum mismatch"},  /* the object */
    };
    for (size_t i = 0; i < sizeof flips / sizeof flips[0]; i++) {
        memcpy(damaged.data, artifact.data, artifact.size);
        damaged.data[flips[i].offset] ^= (char)0x80;
        char what[64];
        snprintf(what, sizeof what, "byte %zu flipped", flips[i].offset);
        expect_load(plain_store, &damaged, flips[i].expected, what);
    }
    /* Truncated at every section boundary and in the middle of each. */
    size_t cuts[] = {3, 50, 95, 96, 120, artifact.size / 2, artifact.size - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        wasm_byte_vec_t cut = {cuts[i], artifact.data};
        char what[64];
        snprintf(what, sizeof what, "cut at %zu", cuts[i]);
        expect_load(plain_store, &cut, cuts[i] < 4 ? "not a module serialized by wasmhost" : "truncated", what);
    }
    wasm_byte_vec_delete(&damaged);
    wasm_byte_vec_delete(&artifact);
    wasm_store_delete(plain_store);
    wasm_engine_delete(plain);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
}

static size_t count_entries(const char *dir)
{
    char layout[512];
    snprintf(layout, sizeof layout, "%s/v1", dir);
    DIR *top = opendir(layout);
    if (!top)
        return 0;
    size_t count = 0;
    struct dirent *sub;
    while ((sub = readdir(top))) {
        if (sub->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", layout, sub->d_name);
        DIR *inner = opendir(path);
        struct dirent *file;
        while (inner && (file = readdir(inner)))
            count += strstr(file->d_name, ".cwasm") != NULL && file->d_name[0] != '.';
        if (inner)
            closedir(inner);
    }
    closedir(top);
    return count;
}

/* The one entry's path (the cache holds exactly one here). */
static bool first_entry(const char *dir, char *out, size_t size)
{
    char layout[512];
    snprintf(layout, sizeof layout, "%s/v1", dir);
    DIR *top = opendir(layout);
    struct dirent *sub;
    bool found = false;
    while (top && !found && (sub = readdir(top))) {
        if (sub->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", layout, sub->d_name);
        DIR *inner = opendir(path);
        struct dirent *file;
        while (inner && !found && (file = readdir(inner)))
            if (strstr(file->d_name, ".cwasm") && file->d_name[0] != '.')
                found = snprintf(out, size, "%s/%s", path, file->d_name) < (int)size;
        if (inner)
            closedir(inner);
    }
    if (top)
        closedir(top);
    return found;
}

/* Loads `binary` through an engine of `tier` with the cache; returns its native function count. */
static uint32_t load_cached(const wasm_byte_vec_t *binary, wh_tier_t tier, const char *dir, uint64_t max)
{
    wasm_engine_t *engine = engine_with(tier, dir, max);
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = wasm_module_new(store, binary);
    CHECK(module != NULL, "%s", wh_last_error_message());
    uint32_t native = module ? wh_module_native_functions(module, NULL) : 0;
    CHECK(!module || run_checksum(store, module) == (int32_t)0x1f56964c);
    if (module)
        wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return native;
}

static void test_cache(const wasm_byte_vec_t *binary, const char *dir)
{
    CHECK(load_cached(binary, WH_TIER_AUTO, dir, 0) == 0, "auto on an empty cache interprets");
    CHECK(count_entries(dir) == 0, "auto compiled into the cache");
    CHECK(load_cached(binary, WH_TIER_COMPILED, dir, 0) == 2);
    CHECK(count_entries(dir) == 1, "%zu entries after compiling", count_entries(dir));
    CHECK(load_cached(binary, WH_TIER_AUTO, dir, 0) == 2, "auto did not use the cached code");
    CHECK(load_cached(binary, WH_TIER_INTERP, dir, 0) == 0, "the interpreter tier used cached code");

    /* A damaged entry is refused, removed, and (by the compiled tier) replaced. */
    char path[1024];
    CHECK(first_entry(dir, path, sizeof path));
    FILE *entry = fopen(path, "r+b");
    CHECK(entry != NULL);
    if (entry) {
        fseek(entry, 200, SEEK_SET);
        fputc(0x5a, entry);
        fclose(entry);
    }
    CHECK(load_cached(binary, WH_TIER_AUTO, dir, 0) == 0, "a damaged entry was used");
    CHECK(count_entries(dir) == 0, "the damaged entry was kept");
    CHECK(load_cached(binary, WH_TIER_COMPILED, dir, 0) == 2);
    CHECK(count_entries(dir) == 1);

    /* Eviction: other modules (a custom section makes each one different) into a cache bounded
     * to about two entries: the least recently used go, the one just written stays. */
    struct stat info;
    CHECK(first_entry(dir, path, sizeof path) && stat(path, &info) == 0);
    uint64_t bound = (uint64_t)info.st_size * 5 / 2;
    for (int i = 0; i < 5; i++) {
        wasm_byte_vec_t variant;
        wasm_byte_vec_new_uninitialized(&variant, binary->size + 4);
        memcpy(variant.data, binary->data, binary->size);
        /* a custom section of 2 bytes: id 0, size 2, name length 1, name */
        char tail[4] = {0, 2, 1, (char)('a' + i)};
        memcpy(variant.data + binary->size, tail, 4);
        CHECK(load_cached(&variant, WH_TIER_COMPILED, dir, bound) == 2);
        wasm_byte_vec_delete(&variant);
        CHECK(count_entries(dir) <= 2, "%zu entries in a cache bounded to %llu bytes", count_entries(dir),
              (unsigned long long)bound);
    }
    CHECK(count_entries(dir) >= 1);
}

int main(int argc, char **argv)
{
    CHECK(argc == 3, "usage: artifact_test ARTIFACT.wasm CACHE_DIR");
    if (argc != 3)
        return 1;
    wasm_byte_vec_t binary = read_file(argv[1]);
    test_artifacts(&binary);
    char command[1024];
    snprintf(command, sizeof command, "rm -rf '%s'", argv[2]);
    CHECK(system(command) == 0);
    test_cache(&binary, argv[2]);
    wasm_byte_vec_delete(&binary);
    return checks_done("artifact_test");
}
