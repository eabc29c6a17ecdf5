/* native_artifact.c: compiled modules as files: writing them, and checking everything before loading one.
 *
 * Layout (little-endian):
 *   0   "\0whc"                     magic
 *   4   u32 format version          ARTIFACT_VERSION
 *   8   char[40] build id           the engine build that made it (NUL padded); the compiled code
 *                                   bakes in that build's structure layouts, so no other loads it
 *   48  u64 CPU features            eng_cpu_features bits the code uses: all must be present here
 *   56  u32 checks                  ENG_CHECK_* compiled in
 *   60  u32 reserved (0)
 *   64  u64 module size, u64 object size
 *   80  u8[16] checksum             XXH3-128 of the header's first 80 bytes and of the rest
 *   96  the module's bytes, then the ELF object (with its .debug_line: the map from code to wasm
 *       byte offsets is read from it at load, native_lines.c)
 * The checksum guards against corruption (a truncated or damaged file), not against an attacker:
 * an artifact is native code and is as trusted as the binary (docs/security.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "native.h"

/* Header-only: the checksum needs no library at run time. */
#define XXH_INLINE_ALL
#include <xxhash.h>

/* 2: the object carries the line table that gives compiled frames their byte offsets (1's do
 * not: refused, so that a cache recompiles them rather than run code without it). */
#define ARTIFACT_VERSION 2u
#define BUILD_ID_BYTES 40
#define HEADER_SIZE 96

typedef struct artifact {
    uint64_t cpu_features;
    uint32_t checks;
    const uint8_t *module;
    size_t module_size;
    const uint8_t *object;
    size_t object_size;
} artifact;

static void put_le(uint8_t *out, uint64_t value, int bytes)
{
    for (int i = 0; i < bytes; i++)
        out[i] = (uint8_t)(value >> (8 * i));
}

static uint64_t get_le(const uint8_t *in, int bytes)
{
    uint64_t value = 0;
    for (int i = bytes - 1; i >= 0; i--)
        value = value << 8 | in[i];
    return value;
}

/* Over the header up to the checksum and everything after it: no field escapes it. */
static void checksum(const uint8_t *bytes, size_t size, uint8_t out[16])
{
    XXH3_state_t state;
    XXH3_INITSTATE(&state);
    XXH3_128bits_reset(&state);
    XXH3_128bits_update(&state, bytes, 80);
    XXH3_128bits_update(&state, bytes + HEADER_SIZE, size - HEADER_SIZE);
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(&state));
    memcpy(out, canonical.digest, 16);
}

bool eng_artifact_is(const uint8_t *bytes, size_t size)
{
    return size >= 4 && memcmp(bytes, ENG_ARTIFACT_MAGIC, 4) == 0;
}

eng_error *eng_artifact_write(const eng_module *module, uint8_t **out, size_t *out_size)
{
    const eng_native_image *image = atomic_load_explicit(&module->native, memory_order_acquire);
    if (!image)
        return eng_error_new("the module has no compiled code to write");
    size_t size = HEADER_SIZE + module->size + image->object_size;
    uint8_t *bytes = calloc(1, size);
    if (!bytes)
        return eng_error_new("out of memory writing an artifact of %zu bytes", size);
    memcpy(bytes, ENG_ARTIFACT_MAGIC, 4);
    put_le(bytes + 4, ARTIFACT_VERSION, 4);
    strncpy((char *)bytes + 8, eng_native_build_id(), BUILD_ID_BYTES - 1);
    put_le(bytes + 48, image->cpu_features, 8);
    put_le(bytes + 56, image->checks, 4);
    put_le(bytes + 64, module->size, 8);
    put_le(bytes + 72, image->object_size, 8);
    memcpy(bytes + HEADER_SIZE, module->bytes, module->size);
    memcpy(bytes + HEADER_SIZE + module->size, image->object, image->object_size);
    checksum(bytes, size, bytes + 80);
    *out = bytes;
    *out_size = size;
    return NULL;
}

/* Every check, in the order a user can act on them. */
static eng_error *read_artifact(const uint8_t *bytes, size_t size, artifact *out)
{
    if (!eng_artifact_is(bytes, size))
        return eng_error_new("not a wasmhost artifact (no \"\\0whc\" header)");
    if (size < HEADER_SIZE)
        return eng_error_new("artifact is truncated (%zu bytes, shorter than its %u-byte header)", size, HEADER_SIZE);
    uint32_t version = (uint32_t)get_le(bytes + 4, 4);
    if (version != ARTIFACT_VERSION)
        return eng_error_new("artifact format version %u, this wasmhost reads %u", version, ARTIFACT_VERSION);
    char build[BUILD_ID_BYTES + 1] = {0};
    memcpy(build, bytes + 8, BUILD_ID_BYTES);
    for (int i = 0; build[i]; i++)
        if (build[i] < 0x20 || build[i] > 0x7e)
            build[i] = '?';
    if (strcmp(build, eng_native_build_id()) != 0)
        return eng_error_new("artifact made by wasmhost %s, this is %s: compile the module again", build,
                             eng_native_build_id());
    out->cpu_features = get_le(bytes + 48, 8);
    uint64_t missing = out->cpu_features & ~eng_cpu_features();
    if (missing) {
        unsigned bit = (unsigned)__builtin_ctzll(missing);
        return eng_error_new("artifact compiled for a CPU with %s, this CPU lacks it: compile the module again here",
                             eng_cpu_feature_name(bit));
    }
    out->checks = (uint32_t)get_le(bytes + 56, 4);
    uint64_t module_size = get_le(bytes + 64, 8), object_size = get_le(bytes + 72, 8);
    uint64_t body = size - HEADER_SIZE;
    if (module_size > body || object_size > body - module_size)
        return eng_error_new("artifact is truncated (its header announces %llu + %llu bytes, %llu follow)",
                             (unsigned long long)module_size, (unsigned long long)object_size,
                             (unsigned long long)body);
    if (module_size + object_size != body)
        return eng_error_new("artifact has %llu bytes more than its header announces",
                             (unsigned long long)(body - module_size - object_size));
    uint8_t sum[16];
    checksum(bytes, size, sum);
    if (memcmp(sum, bytes + 80, 16) != 0)
        return eng_error_new("artifact is corrupt (checksum mismatch)");
    out->module = bytes + HEADER_SIZE;
    out->module_size = (size_t)module_size;
    out->object = out->module + module_size;
    out->object_size = (size_t)object_size;
    return NULL;
}

static eng_error *link_into(eng_module *module, const artifact *a)
{
    eng_native_image *image;
    eng_error *error = eng_native_link(module, a->object, a->object_size, a->checks, a->cpu_features, &image);
    if (error)
        return error;
    eng_module_attach_native(module, image);
    return NULL;
}

eng_error *eng_artifact_load(const uint8_t *bytes, size_t size, eng_module **out)
{
    *out = NULL;
    artifact a;
    eng_error *error = read_artifact(bytes, size, &a);
    if (error)
        return error;
    uint32_t previous = eng_compile_set_checks(a.checks);
    eng_module *module;
    error = eng_module_load(a.module, a.module_size, &module);
    eng_compile_set_checks(previous);
    if (error)
        return eng_error_wrap(error, "the artifact's module");
    error = link_into(module, &a);
    if (error) {
        eng_module_release(module);
        return error;
    }
    *out = module;
    return NULL;
}

eng_error *eng_artifact_attach(eng_module *module, uint32_t checks, const uint8_t *bytes, size_t size)
{
    artifact a;
    eng_error *error = read_artifact(bytes, size, &a);
    if (error)
        return error;
    if (a.module_size != module->size || memcmp(a.module, module->bytes, module->size) != 0)
        return eng_error_new("the artifact holds another module");
    if (a.checks != checks)
        return eng_error_new("the artifact was compiled with other run-time checks");
    return link_into(module, &a);
}
