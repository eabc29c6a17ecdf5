/* guest_init.c: the `init:` of a service or plugin: its init export run once at load in an instance of its own, which is then snapshotted (docs/snapshots.md). */
#include "guest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An import other than WASI during init: the host functions of serve need a request (its body,
 * its grants), so each traps with a message naming it. */
typedef struct unavailable_import {
    wasm_store_t *store;
    char message[200];
} unavailable_import;

static wasm_trap_t *refuse_during_init(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args, (void)results;
    const unavailable_import *import = env;
    wasm_message_t message;
    wasm_name_new_from_string_nt(&message, import->message);
    wasm_trap_t *trap = wasm_trap_new(import->store, &message);
    wasm_byte_vec_delete(&message);
    return trap;
}

/* WASI's functions, and for every other function import one that refuses (kept in `refusals`,
 * freed by the caller after the instance). False with a message in `error`. */
static bool link_imports(wasm_store_t *store, const wasm_module_t *module, wh_wasi_t *wasi, wasm_extern_vec_t *imports,
                         unavailable_import **refusals, char *error, size_t error_size)
{
    if (!wh_wasi_imports(wasi, store, module, imports)) {
        snprintf(error, error_size, "init: %s", wh_last_error_message());
        return false;
    }
    wasm_importtype_vec_t types;
    wasm_module_imports(module, &types);
    *refusals = calloc(types.size + 1, sizeof **refusals);
    bool ok = *refusals != NULL && types.size == imports->size;
    if (!ok)
        snprintf(error, error_size, "init: out of memory");
    for (size_t i = 0; ok && i < types.size; i++) {
        if (imports->data[i])
            continue;
        const wasm_importtype_t *type = types.data[i];
        const wasm_name_t *module_name = wasm_importtype_module(type), *name = wasm_importtype_name(type);
        const wasm_functype_t *functype = wasm_externtype_as_functype_const(wasm_importtype_type(type));
        if (!functype) {
            snprintf(error, error_size, "init: import %zu \"%.*s\".\"%.*s\" is not a function: serve gives none", i,
                     (int)module_name->size, module_name->data, (int)name->size, name->data);
            ok = false;
            break;
        }
        unavailable_import *refusal = &(*refusals)[i];
        refusal->store = store;
        snprintf(refusal->message, sizeof refusal->message,
                 "\"%.*s\".\"%.*s\" is not available during init (it needs a request)", (int)module_name->size,
                 module_name->data, (int)name->size, name->data);
        wasm_func_t *func = wasm_func_new_with_env(store, functype, refuse_during_init, refusal, NULL);
        if (!func) {
            snprintf(error, error_size, "init: %s", wh_last_error_message());
            ok = false;
            break;
        }
        imports->data[i] = wasm_func_as_extern(func);
    }
    wasm_importtype_vec_delete(&types);
    return ok;
}

/* Calls the export `name`, a function [] -> []; false with why in `error`. A proc_exit(0) counts
 * as success, as it does for a program. */
static bool call_export(const guest_service *service, wasm_store_t *store, const wasm_instance_t *instance,
                        const wh_wasi_t *wasi, const char *name, char *error, size_t error_size)
{
    wasm_extern_t *export = wh_instance_export(instance, name);
    wasm_func_t *func = wasm_extern_as_func(export);
    if (!func || wasm_func_param_arity(func) || wasm_func_result_arity(func)) {
        snprintf(error, error_size, "init: the module has no exported function \"%s\" without parameters and results",
                 name);
        wasm_extern_delete(export);
        return false;
    }
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    wasm_trap_t *trap = wasm_func_call(func, &none, &none);
    wasm_extern_delete(export);
    if (!trap)
        return true;
    int exit_code = 0;
    bool exited = wh_trap_exit_code(trap, &exit_code);
    if (exited)
        wh_wasi_exited(wasi, &exit_code);
    bool ok = exited && exit_code == 0;
    if (exited && !ok) {
        snprintf(error, error_size, "init: \"%s\" exited with code %d", name, exit_code);
    } else if (!ok) {
        guest_outcome outcome;
        guest_outcome_from_trap(&outcome, service, store, trap);
        snprintf(error, error_size, "init: \"%s\" failed: %s", name, outcome.message);
    }
    wasm_trap_delete(trap);
    return ok;
}

bool guest_snapshot(const guest_service *service, const char *init_export, wasm_byte_vec_t *out, char *error,
                    size_t error_size)
{
    *out = (wasm_byte_vec_t)WASM_EMPTY_VEC;
    guest_outcome outcome = {0};
    guest_log log = {service, "init"};
    wasm_store_t *store = guest_store_new(service, &outcome);
    wh_wasi_t *wasi = store ? guest_wasi_new(service, &log, NULL, NULL, &outcome) : NULL;
    /* stdout has no response to go to: the log takes it, as it takes stderr. */
    if (wasi && !wh_wasi_output_callback(wasi, 1, guest_log_write, &log))
        guest_outcome_set(&outcome, GUEST_INSTANTIATE, "cannot set up WASI: %s", wh_last_error_message());
    if (!wasi || outcome.message[0]) {
        snprintf(error, error_size, "init: %s", outcome.message);
        wh_wasi_delete(wasi);
        if (store)
            wasm_store_delete(store);
        return false;
    }
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    unavailable_import *refusals = NULL;
    wasm_instance_t *instance = NULL;
    bool ok = link_imports(store, service->module, wasi, &imports, &refusals, error, error_size);
    if (ok) {
        wasm_trap_t *trap = NULL;
        instance = wasm_instance_new(store, service->module, &imports, &trap);
        if (!instance) {
            guest_outcome_from_instantiation(&outcome, service, store, trap);
            snprintf(error, error_size, "init: %s", outcome.message);
            ok = false;
        } else if (!wh_wasi_bind(wasi, instance)) {
            snprintf(error, error_size, "init: %s", wh_last_error_message());
            ok = false;
        }
        wasm_trap_delete(trap);
    }
    /* A reactor's constructors first, as for every request of the http ABI. */
    wasm_extern_t *initialize = instance ? wh_instance_export(instance, "_initialize") : NULL;
    if (ok && initialize && strcmp(init_export, "_initialize") != 0)
        ok = call_export(service, store, instance, wasi, "_initialize", error, error_size);
    wasm_extern_delete(initialize);
    if (ok && wh_wasi_exited(wasi, NULL)) {
        snprintf(error, error_size, "init: _initialize called proc_exit before \"%s\" could run", init_export);
        ok = false;
    }
    ok = ok && call_export(service, store, instance, wasi, init_export, error, error_size);
    if (ok && !wh_instance_snapshot(instance, init_export, out)) {
        snprintf(error, error_size, "init: cannot snapshot the initialised instance: %s", wh_last_error_message());
        ok = false;
    }
    wasm_instance_delete(instance);
    wasm_extern_vec_delete(&imports);
    wasm_store_delete(store);
    wh_wasi_delete(wasi);
    free(refusals);
    return ok;
}
