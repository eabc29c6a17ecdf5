/* native_compiler.c: finding and loading the compiler library (dlopen, once per process) and compiling a module with it.
 *
 * The library is looked up in this order: $WASMHOST_LLVM_LIBRARY; next to the file that holds
 * this code (the wasmhost binary or libwasmhost.so), then in ../lib/wasmhost/ from there (where
 * `make install` puts it); the build tree's copy (WASMHOST_LLVM_BUILD_PATH). It is never
 * unloaded: libLLVM does not unload cleanly.
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "native.h"
#include "llvm/llvm_interface.h"

#ifndef WASMHOST_BUILD_ID
#error "WASMHOST_BUILD_ID must be defined by the build"
#endif

#define LIBRARY_NAME "libwasmhost_llvm.so"
/* <limits.h> is shadowed by the engine's own limits.h on the include path. */
#define PATH_BYTES 4096

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const eng_llvm_interface *interface;
static char load_failure[PATH_BYTES + 256];

#ifdef WASMHOST_LLVM /* without the compiling tier nothing is looked for */
static void *open_at(const char *path)
{
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle && !load_failure[0]) {
        const char *why = dlerror();
        snprintf(load_failure, sizeof load_failure, "%s", why ? why : path);
    }
    return handle;
}

static void *open_library(void)
{
    const char *chosen = getenv("WASMHOST_LLVM_LIBRARY");
    if (chosen && *chosen)
        return open_at(chosen);
    Dl_info info;
    if (dladdr((void *)&eng_native_compile, &info) && info.dli_fname) {
        char path[PATH_BYTES];
        const char *slash = strrchr(info.dli_fname, '/');
        int directory = slash ? (int)(slash - info.dli_fname) : 1;
        const char *base = slash ? info.dli_fname : ".";
        static const char *const relative[] = {"/" LIBRARY_NAME, "/../lib/wasmhost/" LIBRARY_NAME};
        for (size_t i = 0; i < sizeof relative / sizeof relative[0]; i++) {
            if (snprintf(path, sizeof path, "%.*s%s", directory, base, relative[i]) >= (int)sizeof path)
                continue;
            void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
            if (!handle && access(path, R_OK) == 0)
                handle = open_at(path);
            if (handle)
                return handle;
        }
    }
#ifdef WASMHOST_LLVM_BUILD_PATH
    if (access(WASMHOST_LLVM_BUILD_PATH, R_OK) == 0)
        return open_at(WASMHOST_LLVM_BUILD_PATH);
#endif
    return NULL;
}
#endif

static void load_library(void)
{
#ifndef WASMHOST_LLVM
    snprintf(load_failure, sizeof load_failure,
             "this wasmhost was built without the compiling tier (-DWASMHOST_LLVM=OFF)");
#else
    void *handle = open_library();
    if (!handle) {
        if (!load_failure[0])
            snprintf(load_failure, sizeof load_failure,
                     "the compiler library " LIBRARY_NAME " was not found (set WASMHOST_LLVM_LIBRARY to its path)");
        return;
    }
    eng_llvm_interface_function *get = (eng_llvm_interface_function *)dlsym(handle, ENG_LLVM_INTERFACE_SYMBOL);
    const eng_llvm_interface *found = get ? get() : NULL;
    if (!found) {
        snprintf(load_failure, sizeof load_failure, LIBRARY_NAME " has no " ENG_LLVM_INTERFACE_SYMBOL);
        return;
    }
    if (found->abi_version != ENG_LLVM_ABI_VERSION || strcmp(found->build_id, WASMHOST_BUILD_ID) != 0) {
        snprintf(load_failure, sizeof load_failure,
                 LIBRARY_NAME " is from another build of wasmhost (build %.64s, this is %s)", found->build_id,
                 WASMHOST_BUILD_ID);
        return;
    }
    interface = found;
#endif
}

const char *eng_native_build_id(void) { return WASMHOST_BUILD_ID; }

bool eng_native_available(const char **why_not)
{
    pthread_once(&load_once, load_library);
    if (!interface && why_not)
        *why_not = load_failure;
    return interface != NULL;
}

/* The first function past ENG_NATIVE_MAX_FUNCTION_BYTES or _LOCALS, as an error; NULL when none. */
static eng_error *check_function_sizes(const eng_module *module)
{
    for (uint32_t i = 0; i < module->func_def_count; i++) {
        const eng_func_def *def = &module->func_defs[i];
        uint64_t locals = (uint64_t)module->types[def->type_index].param_count + def->body_local_count;
        uint32_t index = module->imported_func_count + i;
        if (def->body_size > ENG_NATIVE_MAX_FUNCTION_BYTES)
            return eng_error_new("function %u at offset 0x%x is too large to compile to native code: its body is %u "
                                 "bytes, the compiling tier takes at most %u; the interpreter runs it",
                                 index, def->body_offset, def->body_size, ENG_NATIVE_MAX_FUNCTION_BYTES);
        if (locals > ENG_NATIVE_MAX_FUNCTION_LOCALS)
            return eng_error_new("function %u at offset 0x%x has too many locals to compile to native code: %llu "
                                 "(parameters included), the compiling tier takes at most %u; the interpreter runs it",
                                 index, def->body_offset, (unsigned long long)locals, ENG_NATIVE_MAX_FUNCTION_LOCALS);
    }
    return NULL;
}

eng_error *eng_native_compile(const eng_module *module, uint32_t checks, uint64_t timeout_ns, eng_native_image **out)
{
    *out = NULL;
    const char *why_not = NULL;
    if (!eng_native_available(&why_not))
        return eng_error_new("cannot compile to native code: %s", why_not);
    eng_error *error = check_function_sizes(module);
    if (error)
        return error;
    uint64_t features = eng_cpu_features();
    char feature_string[256];
    eng_cpu_feature_string(features, feature_string, sizeof feature_string);
    eng_llvm_request request = {
        .abi_version = ENG_LLVM_ABI_VERSION,
        .build_id = WASMHOST_BUILD_ID,
        .module = module,
        .checks = checks,
        .cpu_features = feature_string,
        .max_function_bytes = ENG_NATIVE_MAX_FUNCTION_BYTES,
        .passes = getenv("WASMHOST_LLVM_PASSES"),
        .fatal_error_fd = -1,
    };
    eng_llvm_result result;
    error = eng_native_compile_in_child(interface, &request, timeout_ns, &result);
    if (error)
        return error;
    error = eng_native_link(module, result.object, result.object_size, checks, features, out);
    if (!error)
        (*out)->compile_seconds = result.seconds;
    free(result.object);
    return error;
}
