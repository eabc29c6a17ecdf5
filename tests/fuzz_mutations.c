/* fuzz_mutations.c: deterministic mutations of valid modules fed to eng_module_load and eng_instance_new (and each instance to eng_instance_snapshot), tallied. */
#include "check.h"
#include "engine.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Usage: fuzz_mutations [--iterations N] [--seed S] PATH...
 * PATHs are .wasm files or folders searched recursively for them (SIMD spec modules, simd_*,
 * are left out: the engine does not support SIMD, so their mutants test nothing new). Files
 * that do not load are not used as seeds. Every mutant is loaded; the ones that load are
 * instantiated with dummy imports of the right types, without running their start function
 * (a mutated body may loop forever) and without calling any export.
 * A crash, a sanitizer report or a hang is the failure this looks for; the exit status is 1
 * only when there was nothing to mutate or fewer than 10,000 mutants were run. */

#define DEFAULT_ITERATIONS 200000
#define MINIMUM_ITERATIONS 10000
#define MAX_SEED_SIZE (256 * 1024)

/* ---- deterministic PRNG (xorshift64*) ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* Uniform enough in [0, bound) for bound > 0. */
static size_t rng_below(size_t bound) { return (size_t)(rng_next() % bound); }

/* ---- collecting seed files ---- */

typedef struct path_list {
    char **paths;
    size_t count, capacity;
} path_list;

static void add_path(path_list *list, const char *path)
{
    if (list->count == list->capacity) {
        list->capacity = list->capacity ? list->capacity * 2 : 256;
        list->paths = realloc(list->paths, list->capacity * sizeof *list->paths);
        if (!list->paths) {
            fprintf(stderr, "fuzz_mutations: out of memory\n");
            exit(1);
        }
    }
    list->paths[list->count++] = strdup(path);
}

static bool has_suffix(const char *name, const char *suffix)
{
    size_t length = strlen(name), suffix_length = strlen(suffix);
    return length >= suffix_length && strcmp(name + length - suffix_length, suffix) == 0;
}

static void collect(path_list *list, const char *path)
{
    struct stat info;
    if (stat(path, &info) != 0) {
        fprintf(stderr, "fuzz_mutations: warning: %s does not exist\n", path);
        return;
    }
    if (!S_ISDIR(info.st_mode)) {
        if (has_suffix(path, ".wasm"))
            add_path(list, path);
        return;
    }
    DIR *dir = opendir(path);
    if (!dir)
        return;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.' || strncmp(entry->d_name, "simd_", 5) == 0)
            continue;
        size_t length = strlen(path) + 1 + strlen(entry->d_name) + 1;
        char *child = malloc(length);
        if (!child)
            continue;
        snprintf(child, length, "%s/%s", path, entry->d_name);
        collect(list, child);
        free(child);
    }
    closedir(dir);
}

static int compare_strings(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct seed {
    uint8_t *bytes;
    size_t size;
} seed;

static bool read_whole_file(const char *path, seed *out)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return false;
    uint8_t *bytes = malloc(MAX_SEED_SIZE + 1);
    size_t size = bytes ? fread(bytes, 1, MAX_SEED_SIZE + 1, file) : 0;
    fclose(file);
    if (!bytes || size == 0 || size > MAX_SEED_SIZE) {
        free(bytes);
        return false;
    }
    out->bytes = bytes;
    out->size = size;
    return true;
}

/* ---- mutations ---- */

/* Room for the insertions a mutant may get. */
#define MUTANT_SLACK 64

static const uint8_t interesting_bytes[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x40, 0x41, 0x0b, 0x10, 0x20, 0x6f, 0x70};

/* Mostly past the 8-byte header: a broken magic number tests very little. */
static size_t pick_position(size_t size)
{
    if (size > 8 && rng_below(10) != 0)
        return 8 + rng_below(size - 8);
    return rng_below(size);
}

typedef enum mutation {
    FLIP_BIT,
    RANDOM_BYTE,
    INTERESTING_BYTE,
    LEB_CONTINUATION,
    COPY_CHUNK, /* size unchanged */
    INSERT_BYTES,
    DELETE_BYTES,
    TRUNCATE, /* size changed */
} mutation;

/* Changes that keep the size are weighted up: almost every change of size breaks a section
 * length, which the decoder rejects at once, while same-size changes reach the validator,
 * the compiler and instantiation. */
static const mutation mutation_weights[] = {
    FLIP_BIT,         FLIP_BIT,         FLIP_BIT,   FLIP_BIT,     RANDOM_BYTE,  RANDOM_BYTE, INTERESTING_BYTE,
    INTERESTING_BYTE, LEB_CONTINUATION, COPY_CHUNK, INSERT_BYTES, DELETE_BYTES, TRUNCATE,
};

/* Applies one random mutation to buf[0 .. *size), growing it to at most `capacity` bytes. */
static void mutate_once(uint8_t *buf, size_t *size, size_t capacity)
{
    if (*size == 0)
        return;
    size_t pos = pick_position(*size);
    switch (mutation_weights[rng_below(sizeof mutation_weights / sizeof mutation_weights[0])]) {
    case FLIP_BIT: buf[pos] ^= (uint8_t)(1u << rng_below(8)); break;
    case RANDOM_BYTE: buf[pos] = (uint8_t)rng_next(); break;
    case INTERESTING_BYTE: /* a byte that means something in the format: end, types, LEB edges */
        buf[pos] = interesting_bytes[rng_below(sizeof interesting_bytes)];
        break;
    case LEB_CONTINUATION: /* lengthens or corrupts an LEB128 number */ buf[pos] |= 0x80; break;
    case COPY_CHUNK: { /* copy a short chunk over another place (sections and bodies repeat patterns) */
        size_t from = pick_position(*size);
        size_t count = 1 + rng_below(16);
        if (count > *size - from)
            count = *size - from;
        if (count > *size - pos)
            count = *size - pos;
        memmove(buf + pos, buf + from, count);
        break;
    }
    case INSERT_BYTES: {
        size_t count = 1 + rng_below(4);
        if (*size + count > capacity)
            break;
        memmove(buf + pos + count, buf + pos, *size - pos);
        for (size_t i = 0; i < count; i++)
            buf[pos + i] = (uint8_t)rng_next();
        *size += count;
        break;
    }
    case DELETE_BYTES: {
        size_t count = 1 + rng_below(8);
        if (count > *size - pos)
            count = *size - pos;
        memmove(buf + pos, buf + pos + count, *size - pos - count);
        *size -= count;
        break;
    }
    case TRUNCATE: *size = pos; break;
    }
}

/* ---- instantiation with dummy imports ---- */

static eng_trap *dummy_host_function(void *env, eng_slot *args_results)
{
    const eng_functype *type = env; /* NULL: no results */
    for (uint32_t i = 0; type && i < type->result_count; i++)
        args_results[i].u64 = 0;
    return NULL;
}

typedef struct outcome_counts {
    uint64_t rejected, link_failed, import_failed, trapped, instantiated;
    uint64_t snapshots, snapshots_refused; /* of the instances (eng_instance_snapshot) */
} outcome_counts;

/* The instance's snapshot (snapshot.h) is refused with a message, or is a module that loads. */
static void snapshot(const eng_instance *instance, outcome_counts *counts)
{
    if (instance->memory0 && instance->memory0->size > ((uint64_t)1 << 20))
        return; /* reading a large memory would only slow the run down */
    uint8_t *bytes = NULL;
    size_t size = 0;
    eng_error *error = eng_instance_snapshot(instance, NULL, &bytes, &size);
    if (error) {
        CHECK(error->message && error->message[0]);
        counts->snapshots_refused++;
        eng_error_free(error);
        return;
    }
    eng_module *copy = NULL;
    error = eng_module_load(bytes, size, &copy);
    CHECK(error == NULL, "a snapshot does not load: %s", error ? error->message : "");
    eng_error_free(error);
    if (copy)
        eng_module_release(copy);
    counts->snapshots++;
    free(bytes);
}

/* With `wrong_import`, one import (if any) gets an extern of the wrong kind, to exercise the
 * link-error paths too. */
static void instantiate(eng_module *module, bool wrong_import, outcome_counts *counts)
{
    /* The start function of a mutant may loop forever; instantiation without it still
     * exercises linking, allocation and the segments. */
    module->has_start = false;

    eng_store *store = eng_store_new();
    if (!store) {
        fprintf(stderr, "fuzz_mutations: cannot create a store\n");
        exit(1);
    }
    eng_extern *imports = calloc(module->import_count + 1, sizeof *imports);
    if (!imports) {
        fprintf(stderr, "fuzz_mutations: out of memory\n");
        exit(1);
    }
    bool imports_ok = true;
    uint32_t wrong_index =
        wrong_import && module->import_count ? (uint32_t)rng_below(module->import_count) : UINT32_MAX;
    for (uint32_t i = 0; i < module->import_count && imports_ok; i++) {
        const eng_import *import = &module->imports[i];
        eng_error *error = NULL;
        if (i == wrong_index) {
            if (import->kind == ENG_EXTERN_GLOBAL) { /* a function instead */
                eng_functype nothing = {.param_count = 0, .result_count = 0, .types = NULL};
                imports[i].kind = ENG_EXTERN_FUNC;
                imports[i].func = eng_func_new_host(store, &nothing, dummy_host_function, NULL);
                imports_ok = imports[i].func != NULL;
            } else { /* a global instead */
                static const eng_globaltype i32_const = {ENG_I32, false};
                eng_slot zero[2] = {{.u64 = 0}, {.u64 = 0}};
                imports[i].kind = ENG_EXTERN_GLOBAL;
                imports[i].global = eng_global_new(store, &i32_const, zero);
                imports_ok = imports[i].global != NULL;
            }
            continue;
        }
        imports[i].kind = import->kind;
        switch (import->kind) {
        case ENG_EXTERN_FUNC: {
            const eng_functype *type = &module->types[import->type_index];
            /* The module outlives the store, so its type can serve as the function's env. */
            imports[i].func = eng_func_new_host(store, type, dummy_host_function, (void *)type);
            imports_ok = imports[i].func != NULL;
            break;
        }
        case ENG_EXTERN_TABLE:
            imports[i].table = eng_table_new(store, &import->table, NULL, &error);
            imports_ok = imports[i].table != NULL;
            break;
        case ENG_EXTERN_MEMORY:
            imports[i].memory = eng_memory_new(store, &import->memory, NULL, &error);
            imports_ok = imports[i].memory != NULL;
            break;
        case ENG_EXTERN_GLOBAL: {
            eng_slot zero[2] = {{.u64 = 0}, {.u64 = 0}};
            imports[i].global = eng_global_new(store, &import->global, zero);
            imports_ok = imports[i].global != NULL;
            break;
        }
        }
        eng_error_free(error);
    }
    if (!imports_ok) {
        counts->import_failed++; /* e.g. an imported memory too large to reserve */
    } else {
        eng_instance *instance;
        eng_trap *trap;
        eng_error *error = eng_instance_new(store, module, imports, module->import_count, &instance, &trap);
        if (error) {
            counts->link_failed++;
            eng_error_free(error);
        } else if (trap) {
            counts->trapped++;
            eng_trap_free(trap);
        } else {
            counts->instantiated++;
            snapshot(instance, counts);
        }
    }
    free(imports);
    eng_store_free(store);
}

static void try_module(const uint8_t *bytes, size_t size, outcome_counts *counts)
{
    eng_module *module;
    eng_error *error = eng_module_load(bytes, size, &module);
    if (error) {
        counts->rejected++;
        eng_error_free(error);
        return;
    }
    instantiate(module, rng_below(8) == 0, counts);
    eng_module_release(module);
}

int main(int argc, char **argv)
{
    long iterations = DEFAULT_ITERATIONS;
    path_list files = {0};
    int argi = 1;
    for (; argi < argc && argv[argi][0] == '-'; argi++) {
        if (strcmp(argv[argi], "--iterations") == 0 && argi + 1 < argc) {
            iterations = strtol(argv[++argi], NULL, 10);
        } else if (strcmp(argv[argi], "--seed") == 0 && argi + 1 < argc) {
            rng_state = strtoull(argv[++argi], NULL, 0) | 1; /* xorshift state must not be 0 */
        } else {
            fprintf(stderr, "usage: fuzz_mutations [--iterations N] [--seed S] PATH...\n");
            return 2;
        }
    }
    if (argi >= argc) {
        fprintf(stderr, "usage: fuzz_mutations [--iterations N] [--seed S] PATH...\n");
        return 2;
    }
    for (; argi < argc; argi++)
        collect(&files, argv[argi]);
    /* readdir order differs between file systems: sort so that runs are reproducible. */
    qsort(files.paths, files.count, sizeof *files.paths, compare_strings);

    clock_t started = clock();
    seed *seeds = calloc(files.count + 1, sizeof *seeds);
    size_t seed_count = 0;
    outcome_counts originals = {0};
    for (size_t i = 0; i < files.count; i++) {
        seed candidate;
        if (!read_whole_file(files.paths[i], &candidate))
            continue;
        eng_module *module;
        eng_error *error = eng_module_load(candidate.bytes, candidate.size, &module);
        if (error) { /* the spec testsuite's deliberately invalid modules */
            eng_error_free(error);
            free(candidate.bytes);
            continue;
        }
        instantiate(module, false, &originals);
        eng_module_release(module);
        seeds[seed_count++] = candidate;
    }
    printf("fuzz_mutations: %zu .wasm files, %zu of them valid and used as seeds "
           "(instantiated %llu, link error %llu, trapped %llu)\n",
           files.count, seed_count, (unsigned long long)originals.instantiated,
           (unsigned long long)originals.link_failed, (unsigned long long)originals.trapped);
    CHECK(seed_count > 0, "no valid module found to mutate");
    if (seed_count == 0)
        return checks_done("fuzz_mutations");

    outcome_counts counts = {0};
    uint8_t *buf = malloc(MAX_SEED_SIZE + MUTANT_SLACK);
    if (!buf)
        return 1;
    for (long i = 0; i < iterations; i++) {
        const seed *from = &seeds[rng_below(seed_count)];
        size_t size = from->size;
        memcpy(buf, from->bytes, size);
        /* Half the mutants get a single change: they survive decoding more often and so reach
         * validation, compilation and instantiation. */
        size_t mutation_count = rng_below(2) ? 1 : 2 + rng_below(3);
        for (size_t m = 0; m < mutation_count; m++)
            mutate_once(buf, &size, from->size + MUTANT_SLACK);
        try_module(buf, size, &counts);
    }
    double seconds = (double)(clock() - started) / CLOCKS_PER_SEC;

    printf("fuzz_mutations: %ld mutants in %.1f s of CPU\n", iterations, seconds);
    printf("  rejected by module_load:        %llu\n", (unsigned long long)counts.rejected);
    printf("  loaded, link error:             %llu\n", (unsigned long long)counts.link_failed);
    printf("  loaded, dummy imports failed:   %llu\n", (unsigned long long)counts.import_failed);
    printf("  loaded, trapped instantiating:  %llu\n", (unsigned long long)counts.trapped);
    printf("  loaded and instantiated:        %llu\n", (unsigned long long)counts.instantiated);
    printf("  snapshots loaded / refused:     %llu / %llu\n", (unsigned long long)counts.snapshots,
           (unsigned long long)counts.snapshots_refused);

    free(buf);
    for (size_t i = 0; i < seed_count; i++)
        free(seeds[i].bytes);
    free(seeds);
    for (size_t i = 0; i < files.count; i++)
        free(files.paths[i]);
    free(files.paths);
    CHECK(iterations >= MINIMUM_ITERATIONS, "only %ld mutants; the test needs at least %d", iterations,
          MINIMUM_ITERATIONS);
    return checks_done("fuzz_mutations");
}
