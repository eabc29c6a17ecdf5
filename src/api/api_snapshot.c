/* api_snapshot.c: wh_instance_snapshot, an instance's state as a module (the engine's snapshot.h). */
#include "api_internal.h"

#include <string.h>

bool wh_instance_snapshot(const wasm_instance_t *handle, const char *drop_export, wasm_byte_vec_t *out)
{
    if (!out) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_instance_snapshot: the output vector is NULL");
        return false;
    }
    out->size = 0;
    out->data = NULL;
    if (!handle) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_instance_snapshot: the instance is NULL");
        return false;
    }
    const eng_instance *instance = handle->ref.object->instance;
    eng_extern unused;
    if (drop_export && !eng_instance_export(instance, drop_export, strlen(drop_export), &unused)) {
        api_fail(WH_ERROR_NOT_FOUND, "wh_instance_snapshot: the instance has no export \"%s\" to drop", drop_export);
        return false;
    }
    uint8_t *bytes;
    size_t size;
    eng_error *error = eng_instance_snapshot(instance, drop_export, &bytes, &size);
    if (error) {
        api_fail_error(WH_ERROR_SNAPSHOT, "wh_instance_snapshot", error);
        return false;
    }
    out->data = (wasm_byte_t *)bytes;
    out->size = size;
    return true;
}
