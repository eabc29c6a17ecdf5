/* api_instance_pre.c: instance pre (wh_instance_pre_*): a module's host-function imports linked once, instantiated many times. */
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"

struct wh_instance_pre_t {
    eng_module *module; /* one reference */
    uint32_t import_count;
    wasm_func_callback_with_env_t *callbacks; /* one per import */
};

wh_instance_pre_t *wh_instance_pre_new(const wasm_module_t *module_handle,
                                       const wasm_func_callback_with_env_t *callbacks, size_t count)
{
    if (!module_handle || (count && !callbacks)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_instance_pre_new: the %s is NULL",
                 module_handle ? "callbacks" : "module");
        return NULL;
    }
    eng_module *module = module_handle->ref.object->module;
    if (count != module->import_count) {
        api_fail(WH_ERROR_LINK, "wh_instance_pre_new: the module has %u import%s but %zu callback%s given",
                 module->import_count, module->import_count == 1 ? "" : "s", count, count == 1 ? " was" : "s were");
        return NULL;
    }
    for (uint32_t i = 0; i < module->import_count; i++) {
        const eng_import *import = &module->imports[i];
        const char *problem = NULL;
        if (import->kind != ENG_EXTERN_FUNC)
            problem = "is not a function (an instance pre links host functions only: use wasm_instance_new)";
        else if (!callbacks[i])
            problem = "has a NULL callback";
        else {
            const eng_functype *type = &module->types[import->type_index];
            if (type->param_slots != type->param_count || type->result_slots != type->result_count)
                problem = "takes or returns v128 values, which a host function cannot (a wasm_val_t cannot hold one)";
        }
        if (problem) {
            api_fail(WH_ERROR_LINK, "wh_instance_pre_new: import %u \"%.*s\".\"%.*s\" %s", i,
                     (int)import->module.length, import->module.data, (int)import->name.length, import->name.data,
                     problem);
            return NULL;
        }
    }
    wh_instance_pre_t *pre = calloc(1, sizeof *pre);
    if (pre)
        pre->callbacks = malloc((count ? count : 1) * sizeof *pre->callbacks);
    if (!pre || !pre->callbacks) {
        free(pre);
        api_fail(WH_ERROR_RESOURCE, "wh_instance_pre_new: out of memory");
        return NULL;
    }
    if (count)
        memcpy(pre->callbacks, callbacks, count * sizeof *callbacks);
    pre->import_count = (uint32_t)count;
    eng_module_retain(module);
    pre->module = module;
    return pre;
}

wasm_instance_t *wh_instance_pre_instantiate(const wh_instance_pre_t *pre, wasm_store_t *store, void *const *envs,
                                             wasm_trap_t **trap_out)
{
    const char *where = "wh_instance_pre_instantiate";
    if (trap_out)
        *trap_out = NULL;
    if (!pre || !store) {
        api_fail_instantiation(store, trap_out, WH_ERROR_INVALID_ARGUMENT, where,
                               store ? "the instance pre is NULL" : "the store is NULL");
        return NULL;
    }
    eng_extern inline_externs[16] = {0}; /* zeroed: gcc cannot tell that none is read when there are no imports */
    eng_extern *externs = pre->import_count <= 16 ? inline_externs : calloc(pre->import_count, sizeof *externs);
    if (!externs) {
        api_fail_instantiation(store, trap_out, WH_ERROR_RESOURCE, where, "out of memory");
        return NULL;
    }
    const eng_module *module = pre->module;
    for (uint32_t i = 0; i < pre->import_count; i++) {
        /* The module's own type, complete: the host function copies it as it is. */
        const eng_functype *type = &module->types[module->imports[i].type_index];
        externs[i].kind = ENG_EXTERN_FUNC;
        externs[i].func = api_host_func_new(store, type, pre->callbacks[i], envs ? envs[i] : NULL);
        if (!externs[i].func) {
            if (externs != inline_externs)
                free(externs);
            api_fail_instantiation(store, trap_out, WH_ERROR_RESOURCE, where, "out of memory");
            return NULL;
        }
    }
    wasm_instance_t *instance = api_instantiate(store, pre->module, externs, pre->import_count, trap_out, where);
    if (externs != inline_externs)
        free(externs);
    return instance;
}

void wh_instance_pre_delete(wh_instance_pre_t *pre)
{
    if (!pre)
        return;
    eng_module_release(pre->module);
    free(pre->callbacks);
    free(pre);
}
