/* api_trap.c: traps (messages, codes, backtraces as frames) and frames. */
#include "api_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static wh_trap_code_t code_of(eng_trap_kind kind)
{
    switch (kind) {
    case ENG_TRAP_UNREACHABLE: return WH_TRAP_CODE_UNREACHABLE;
    case ENG_TRAP_INTEGER_DIVIDE_BY_ZERO: return WH_TRAP_CODE_INTEGER_DIVIDE_BY_ZERO;
    case ENG_TRAP_INTEGER_OVERFLOW: return WH_TRAP_CODE_INTEGER_OVERFLOW;
    case ENG_TRAP_INVALID_CONVERSION: return WH_TRAP_CODE_INVALID_CONVERSION;
    case ENG_TRAP_OUT_OF_BOUNDS_MEMORY: return WH_TRAP_CODE_OUT_OF_BOUNDS_MEMORY;
    case ENG_TRAP_OUT_OF_BOUNDS_TABLE: return WH_TRAP_CODE_OUT_OF_BOUNDS_TABLE;
    case ENG_TRAP_INDIRECT_CALL_TYPE_MISMATCH: return WH_TRAP_CODE_INDIRECT_CALL_TYPE_MISMATCH;
    case ENG_TRAP_UNDEFINED_ELEMENT: return WH_TRAP_CODE_UNDEFINED_ELEMENT;
    case ENG_TRAP_UNINITIALIZED_ELEMENT: return WH_TRAP_CODE_UNINITIALIZED_ELEMENT;
    case ENG_TRAP_CALL_STACK_EXHAUSTED: return WH_TRAP_CODE_CALL_STACK_EXHAUSTED;
    case ENG_TRAP_HOST: return WH_TRAP_CODE_HOST;
    case ENG_TRAP_EXIT: return WH_TRAP_CODE_EXIT;
    case ENG_TRAP_FUEL_EXHAUSTED: return WH_TRAP_CODE_FUEL_EXHAUSTED;
    case ENG_TRAP_DEADLINE_EXCEEDED: return WH_TRAP_CODE_DEADLINE_EXCEEDED;
    case ENG_TRAP_INTERRUPTED: return WH_TRAP_CODE_INTERRUPTED;
    default: break; /* kinds the engine may add later */
    }
    return WH_TRAP_CODE_OTHER;
}

static wasm_trap_t *trap_handle(wasm_store_t *store, eng_trap *trap, wh_trap_code_t code)
{
    api_object *object = api_object_new_counted(API_TRAP);
    if (!object) {
        eng_trap_free(trap);
        return NULL;
    }
    object->trap = trap;
    object->trap_code = code;
    wasm_trap_t *handle = (wasm_trap_t *)api_handle_new(store, object);
    api_object_release(object); /* the handle holds it now (or nothing does) */
    return handle;
}

wasm_trap_t *api_trap_from(wasm_store_t *store, eng_trap *trap)
{
    return trap_handle(store, trap, code_of(trap->kind));
}

void api_trap_append(wasm_trap_t *handle, const char *text)
{
    eng_trap *trap = handle ? handle->ref.object->trap : NULL;
    /* A trap made while memory ran out has a static message (and is shared): left alone. */
    if (!trap || trap->message == eng_trap_kind_message(trap->kind))
        return;
    size_t length = strlen(trap->message), added = strlen(text);
    char *message = realloc(trap->message, length + added + 1);
    if (!message)
        return;
    memcpy(message + length, text, added + 1);
    trap->message = message;
}

void api_trap_hold_module(wasm_trap_t *handle, eng_module *module)
{
    api_object *object = handle ? handle->ref.object : NULL;
    if (!object || object->frames_module == module)
        return;
    eng_module_retain(module);
    eng_module_release(object->frames_module);
    object->frames_module = module;
}

wasm_trap_t *api_trap_misuse(wasm_store_t *store, const char *format, ...)
{
    char message[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    api_fail(WH_ERROR_INVALID_ARGUMENT, "%s", message);
    return trap_handle(store, eng_trap_new(ENG_TRAP_HOST, message), WH_TRAP_CODE_API);
}

/* A deep copy of a trap (for a trap handle that is still shared). */
static eng_trap *trap_clone(const eng_trap *trap)
{
    eng_trap *copy = eng_trap_new(trap->kind, trap->message);
    if (copy->message == eng_trap_kind_message(copy->kind))
        return copy; /* out of memory: eng_trap_new gave its static trap, which takes no frames */
    copy->exit_code = trap->exit_code;
    if (trap->frame_count) {
        copy->frames = malloc(trap->frame_count * sizeof *copy->frames);
        if (copy->frames) {
            memcpy(copy->frames, trap->frames, trap->frame_count * sizeof *copy->frames);
            copy->frame_count = trap->frame_count;
        }
    }
    return copy;
}

eng_trap *api_trap_take(wasm_trap_t *handle)
{
    api_object *object = handle->ref.object;
    eng_trap *trap;
    if (object->reference_count == 1) {
        /* The last reference: the engine trap (with the frames it already has, and its kind,
         * e.g. a WASI exit passed on by a host function) moves on without copying. */
        trap = object->trap;
        object->trap = NULL;
    } else {
        trap = trap_clone(object->trap);
    }
    wasm_trap_delete(handle);
    return trap;
}

/* The message of a wasm_message_t: its bytes up to the first NUL or its size. */
wasm_trap_t *wasm_trap_new(wasm_store_t *store, const wasm_message_t *message)
{
    size_t length = 0;
    if (message && message->data)
        while (length < message->size && message->data[length] != '\0')
            length++;
    char *text = malloc(length + 1);
    if (!text) {
        api_fail(WH_ERROR_RESOURCE, "wasm_trap_new: out of memory");
        return NULL;
    }
    if (length)
        memcpy(text, message->data, length);
    text[length] = '\0';
    eng_trap *trap = eng_trap_new(ENG_TRAP_HOST, text);
    free(text);
    return trap_handle(store, trap, WH_TRAP_CODE_HOST);
}

void wasm_trap_message(const wasm_trap_t *handle, wasm_message_t *out)
{
    if (!out)
        return;
    if (!handle || !handle->ref.object->trap) {
        wasm_byte_vec_new_empty(out);
        return;
    }
    const char *message = handle->ref.object->trap->message;
    wasm_byte_vec_new(out, strlen(message) + 1, message);
}

wh_trap_code_t wh_trap_code(const wasm_trap_t *handle)
{
    return handle ? handle->ref.object->trap_code : WH_TRAP_CODE_API;
}

bool wh_trap_exit_code(const wasm_trap_t *handle, int *exit_code)
{
    if (!handle || handle->ref.object->trap_code != WH_TRAP_CODE_EXIT || !handle->ref.object->trap)
        return false;
    if (exit_code)
        *exit_code = handle->ref.object->trap->exit_code;
    return true;
}

void wh_trap_format(const wasm_trap_t *handle, wasm_byte_vec_t *out)
{
    if (!out)
        return;
    wasm_byte_vec_new_empty(out);
    if (!handle || !handle->ref.object->trap) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_trap_format: the trap is NULL");
        return;
    }
    api_text text;
    if (!api_text_open(&text, "wh_trap_format"))
        return;
    eng_trap_print(handle->ref.object->trap, text.stream);
    api_text_close(&text, out, "wh_trap_format");
}

/* ---- frames ---- */

struct wasm_frame_t {
    wasm_store_t *store;
    const eng_module *module;
    const eng_instance *instance; /* compared with the store's instances, never followed */
    uint32_t func_index;
    size_t func_offset, module_offset;
};

static wasm_frame_t *frame_new(wasm_store_t *store, const eng_backtrace_frame *source)
{
    wasm_frame_t *frame = malloc(sizeof *frame);
    if (!frame) {
        api_fail(WH_ERROR_RESOURCE, "out of memory allocating a frame");
        return NULL;
    }
    frame->store = store;
    frame->module = source->module;
    frame->instance = source->instance;
    frame->func_index = source->func_index;
    frame->module_offset = source->byte_offset;
    frame->func_offset = 0;
    /* Offsets within the function count from its first instruction. */
    const eng_module *module = source->module;
    uint32_t def = source->func_index - module->imported_func_count;
    if (source->func_index >= module->imported_func_count && def < module->func_def_count &&
        source->byte_offset >= module->func_defs[def].body_offset)
        frame->func_offset = source->byte_offset - module->func_defs[def].body_offset;
    return frame;
}

wasm_frame_t *wasm_trap_origin(const wasm_trap_t *handle)
{
    if (!handle || !handle->ref.object->trap)
        return NULL;
    const eng_trap *trap = handle->ref.object->trap;
    /* Host functions have no frame in the standard's sense: the origin is the innermost wasm frame. */
    for (uint32_t i = 0; i < trap->frame_count; i++)
        if (trap->frames[i].module)
            return frame_new(handle->ref.store, &trap->frames[i]);
    return NULL;
}

void wasm_trap_trace(const wasm_trap_t *handle, wasm_frame_vec_t *out)
{
    if (!out)
        return;
    wasm_frame_vec_new_empty(out);
    if (!handle || !handle->ref.object->trap)
        return;
    const eng_trap *trap = handle->ref.object->trap;
    size_t count = 0;
    for (uint32_t i = 0; i < trap->frame_count; i++)
        count += trap->frames[i].module != NULL;
    wasm_frame_vec_new_uninitialized(out, count);
    if (out->size != count)
        return;
    size_t k = 0;
    for (uint32_t i = 0; i < trap->frame_count; i++) {
        if (!trap->frames[i].module)
            continue;
        out->data[k] = frame_new(handle->ref.store, &trap->frames[i]);
        if (!out->data[k]) {
            wasm_frame_vec_delete(out);
            return;
        }
        k++;
    }
}

void wasm_frame_delete(wasm_frame_t *frame) { free(frame); }

wasm_frame_t *wasm_frame_copy(const wasm_frame_t *frame)
{
    if (!frame)
        return NULL;
    wasm_frame_t *copy = malloc(sizeof *copy);
    if (copy)
        *copy = *frame;
    else
        api_fail(WH_ERROR_RESOURCE, "wasm_frame_copy: out of memory");
    return copy;
}

/* The instance the frame ran in, when it was made through this interface in the frame's store
 * (NULL for one whose start function trapped: it never became an instance). The handle returned
 * belongs to the instance and lives as long as the store. */
wasm_instance_t *wasm_frame_instance(const wasm_frame_t *frame)
{
    if (!frame || !frame->store || !frame->instance)
        return NULL;
    wasm_store_t *store = frame->store;
    api_object *found = NULL;
    for (size_t i = 0; i < store->instance_count && !found; i++)
        if (store->instances[i]->instance == frame->instance)
            found = store->instances[i];
    if (!found)
        return NULL;
    if (!found->frame_handle)
        found->frame_handle = api_handle_new(store, found);
    return (wasm_instance_t *)found->frame_handle;
}

uint32_t wasm_frame_func_index(const wasm_frame_t *frame) { return frame ? frame->func_index : 0; }
size_t wasm_frame_func_offset(const wasm_frame_t *frame) { return frame ? frame->func_offset : 0; }
size_t wasm_frame_module_offset(const wasm_frame_t *frame) { return frame ? frame->module_offset : 0; }

bool wh_frame_func_name(const wasm_frame_t *frame, wasm_name_t *out)
{
    if (!out)
        return false;
    wasm_name_new_empty(out);
    const eng_name *name = frame ? eng_module_func_name(frame->module, frame->func_index) : NULL;
    if (!name)
        return false;
    wasm_name_new(out, name->length, name->data);
    return out->size == name->length;
}
