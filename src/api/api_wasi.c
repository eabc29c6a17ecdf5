/* api_wasi.c: WASI contexts for instances made through the interface (wh_wasi_*), on top of src/wasi. */
#include "api_internal.h"
#include "wasi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A context is shared by its user and by every store whose functions use it; it goes when the
 * last of them lets go, so neither deletion order can leave a WASI function dangling. */
struct wh_wasi_t {
    wasi_context *context;
    size_t reference_count;
    uint64_t pinned_in; /* the serial number of the last store that took a reference */
};

static void release(wh_wasi_t *wasi)
{
    if (!wasi || --wasi->reference_count > 0)
        return;
    wasi_free(wasi->context);
    free(wasi);
}

static void release_from_store(void *wasi) { release(wasi); }

wh_wasi_t *wh_wasi_new(void)
{
    wh_wasi_t *wasi = calloc(1, sizeof *wasi);
    if (wasi)
        wasi->context = wasi_new();
    if (!wasi || !wasi->context) {
        free(wasi);
        api_fail(WH_ERROR_RESOURCE, "wh_wasi_new: out of memory");
        return NULL;
    }
    wasi->reference_count = 1;
    return wasi;
}

void wh_wasi_delete(wh_wasi_t *wasi) { release(wasi); }

/* Converts the result of a src/wasi call. */
static bool check(eng_error *error, const char *where)
{
    if (!error)
        return true;
    api_fail_error(WH_ERROR_WASI, where, error);
    return false;
}

#define REQUIRE_CONTEXT(wasi, where)                                                    \
    do {                                                                                \
        if (!(wasi)) {                                                                  \
            api_fail(WH_ERROR_INVALID_ARGUMENT, "%s: the WASI context is NULL", where); \
            return false;                                                               \
        }                                                                               \
    } while (0)

bool wh_wasi_set_args(wh_wasi_t *wasi, int argc, const char *const argv[])
{
    REQUIRE_CONTEXT(wasi, "wh_wasi_set_args");
    if (argc < 0 || (argc > 0 && !argv)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_wasi_set_args: %d arguments but argv is NULL", argc);
        return false;
    }
    for (int i = 0; i < argc; i++) {
        if (!argv[i]) {
            api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_wasi_set_args: argv[%d] is NULL", i);
            return false;
        }
    }
    return check(wasi_set_args(wasi->context, argc, argv), "wh_wasi_set_args");
}

bool wh_wasi_add_env(wh_wasi_t *wasi, const char *name, const char *value)
{
    REQUIRE_CONTEXT(wasi, "wh_wasi_add_env");
    if (!name || !value) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_wasi_add_env: the %s is NULL", name ? "value" : "name");
        return false;
    }
    return check(wasi_add_env(wasi->context, name, value), "wh_wasi_add_env");
}

bool wh_wasi_preopen_dir(wh_wasi_t *wasi, const char *host_path, const char *guest_path, bool read_only)
{
    REQUIRE_CONTEXT(wasi, "wh_wasi_preopen_dir");
    if (!host_path || !guest_path) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_wasi_preopen_dir: the %s path is NULL", host_path ? "guest" : "host");
        return false;
    }
    return check(wasi_preopen_dir(wasi->context, host_path, guest_path, read_only), "wh_wasi_preopen_dir");
}

bool wh_wasi_inherit_stdio(wh_wasi_t *wasi, int fd)
{
    REQUIRE_CONTEXT(wasi, "wh_wasi_inherit_stdio");
    return check(wasi_stdio_inherit(wasi->context, fd), "wh_wasi_inherit_stdio");
}

bool wh_wasi_stdin_buffer(wh_wasi_t *wasi, const void *data, size_t size)
{
    REQUIRE_CONTEXT(wasi, "wh_wasi_stdin_buffer");
    if (!data && size) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_wasi_stdin_buffer: %zu bytes but the data is NULL", size);
        return false;
    }
    return check(wasi_stdin_buffer(wasi->context, data ? data : "", size), "wh_wasi_stdin_buffer");
}

bool wh_wasi_stdin_callback(wh_wasi_t *wasi, wh_wasi_read_callback_t read, void *user)
{
    REQUIRE_CONTEXT(wasi, "wh_wasi_stdin_callback");
    if (!read) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_wasi_stdin_callback: the callback is NULL");
        return false;
    }
    return check(wasi_stdin_callback(wasi->context, read, user), "wh_wasi_stdin_callback");
}

bool wh_wasi_output_buffer(wh_wasi_t *wasi, int fd)
{
    REQUIRE_CONTEXT(wasi, "wh_wasi_output_buffer");
    return check(wasi_output_buffer(wasi->context, fd), "wh_wasi_output_buffer");
}

bool wh_wasi_output_callback(wh_wasi_t *wasi, int fd, wh_wasi_write_callback_t write, void *user)
{
    REQUIRE_CONTEXT(wasi, "wh_wasi_output_callback");
    if (!write) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_wasi_output_callback: the callback is NULL");
        return false;
    }
    return check(wasi_output_callback(wasi->context, fd, write, user), "wh_wasi_output_callback");
}

bool wh_wasi_output_limit(wh_wasi_t *wasi, int fd, uint64_t max_bytes)
{
    REQUIRE_CONTEXT(wasi, "wh_wasi_output_limit");
    return check(wasi_output_limit(wasi->context, fd, max_bytes), "wh_wasi_output_limit");
}

const uint8_t *wh_wasi_output(const wh_wasi_t *wasi, int fd, size_t *size)
{
    size_t ignored;
    if (!size)
        size = &ignored;
    *size = 0;
    return wasi ? wasi_output(wasi->context, fd, size) : NULL;
}

bool wh_wasi_exited(const wh_wasi_t *wasi, int *exit_code)
{
    uint32_t code;
    if (!wasi || !wasi_exited(wasi->context, &code))
        return false;
    if (exit_code)
        *exit_code = (int)code;
    return true;
}

/* ---- linking ---- */

bool wh_wasi_imports(wh_wasi_t *wasi, wasm_store_t *store, const wasm_module_t *module_handle, wasm_extern_vec_t *out)
{
    if (out)
        wasm_extern_vec_new_empty(out);
    if (!wasi || !store || !module_handle || !out) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_wasi_imports: the %s is NULL",
                 !wasi            ? "WASI context"
                 : !store         ? "store"
                 : !module_handle ? "module"
                                  : "output vector");
        return false;
    }
    if (wasi->pinned_in != store->serial) {
        wasi->reference_count++;
        if (!eng_store_own(store->engine, wasi, release_from_store)) {
            api_fail(WH_ERROR_RESOURCE, "wh_wasi_imports: out of memory");
            return false;
        }
        wasi->pinned_in = store->serial;
    }
    const eng_module *module = module_handle->ref.object->module;
    wasm_extern_vec_new_uninitialized(out, module->import_count);
    if (out->size != module->import_count)
        return false;
    for (uint32_t i = 0; i < module->import_count; i++) {
        if (!wasi_is_import(&module->imports[i]))
            continue;
        eng_extern ext;
        eng_error *error = wasi_import(wasi->context, store->engine, module, i, &ext);
        if (error) {
            api_fail_error(WH_ERROR_LINK, "wh_wasi_imports", error);
            wasm_extern_vec_delete(out);
            return false;
        }
        api_object *object = api_object_for(store, API_FUNC, ext.func);
        out->data[i] = object ? (wasm_extern_t *)api_handle_new(store, object) : NULL;
        if (!out->data[i]) {
            wasm_extern_vec_delete(out);
            return false;
        }
    }
    return true;
}

bool wh_wasi_bind(wh_wasi_t *wasi, const wasm_instance_t *instance)
{
    if (!wasi || !instance) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_wasi_bind: the %s is NULL", wasi ? "instance" : "WASI context");
        return false;
    }
    return check(wasi_bind(wasi->context, instance->ref.object->instance), "wh_wasi_bind");
}

wasm_instance_t *wh_wasi_instantiate(wh_wasi_t *wasi, wasm_store_t *store, const wasm_module_t *module,
                                     wasm_trap_t **trap)
{
    if (trap)
        *trap = NULL;
    wasm_extern_vec_t imports;
    if (!wh_wasi_imports(wasi, store, module, &imports)) {
        if (trap)
            *trap = api_trap_misuse(store, "%s", wh_last_error_message());
        return NULL;
    }
    const eng_module *engine_module = module->ref.object->module;
    for (size_t i = 0; i < imports.size; i++) {
        if (imports.data[i])
            continue;
        const eng_import *import = &engine_module->imports[i];
        char message[256];
        snprintf(message, sizeof message,
                 "wh_wasi_instantiate: import %zu \"%.*s\".\"%.*s\" is not a WASI import (give it with wh_wasi_imports "
                 "and wasm_instance_new)",
                 i, (int)(import->module.length > 64 ? 64 : import->module.length), import->module.data,
                 (int)(import->name.length > 64 ? 64 : import->name.length), import->name.data);
        wasm_extern_vec_delete(&imports);
        wasm_trap_t *misuse = api_trap_misuse(store, "%s", message);
        api_fail(WH_ERROR_LINK, "%s", message);
        if (trap)
            *trap = misuse;
        else
            wasm_trap_delete(misuse);
        return NULL;
    }
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, trap);
    wasm_extern_vec_delete(&imports);
    if (!instance)
        return NULL;
    if (!wh_wasi_bind(wasi, instance)) {
        if (trap)
            *trap = api_trap_misuse(store, "%s", wh_last_error_message());
        wasm_instance_delete(instance);
        return NULL;
    }
    return instance;
}

/* Exit status of a program that trapped: 128 + SIGABRT, as a native program that aborts. */
#define TRAPPED_EXIT_CODE 134

/* NULL (and the exit code) when `trap` is a proc_exit, else the trap (and 134). */
static wasm_trap_t *finish(wasm_trap_t *trap, int *exit_code)
{
    int code = 0;
    if (trap && wh_trap_exit_code(trap, &code)) {
        wasm_trap_delete(trap);
        trap = NULL;
    } else if (trap) {
        code = TRAPPED_EXIT_CODE;
    }
    if (exit_code)
        *exit_code = code;
    return trap;
}

wasm_trap_t *wh_wasi_run(wh_wasi_t *wasi, wasm_store_t *store, const wasm_module_t *module, int *exit_code)
{
    wasm_trap_t *trap = NULL;
    wasm_instance_t *instance = wh_wasi_instantiate(wasi, store, module, &trap);
    if (!instance) {
        if (!trap)
            trap = api_trap_misuse(store, "wh_wasi_run: %s", wh_last_error_message());
        return finish(trap, exit_code);
    }
    wasm_extern_t *start = wh_instance_export(instance, "_start");
    wasm_func_t *func = wasm_extern_as_func(start);
    if (!func) {
        trap =
            api_trap_misuse(store, "wh_wasi_run: the module exports no function \"_start\" (it is not a WASI command)");
    } else {
        wasm_val_vec_t none = WASM_EMPTY_VEC;
        trap = wasm_func_call(func, &none, &none);
    }
    wasm_extern_delete(start);
    wasm_instance_delete(instance);
    return finish(trap, exit_code);
}
