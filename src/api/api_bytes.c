/* api_bytes.c: wh_call_bytes, one call that passes a byte buffer to an export and returns the bytes it produces. */
#include "api_internal.h"

#include <string.h>

/* The export `name` if it is a function of exactly this type ("ii" -> "I": i32 i32 -> i64). */
static eng_func *find_function(const eng_instance *instance, const char *name, const char *params, const char *results,
                               const char **problem)
{
    eng_extern ext;
    *problem = NULL;
    if (!eng_instance_export(instance, name, strlen(name), &ext)) {
        *problem = "is missing";
        return NULL;
    }
    if (ext.kind != ENG_EXTERN_FUNC) {
        *problem = "is not a function";
        return NULL;
    }
    const eng_functype *type = ext.func->type;
    if (type->param_count != strlen(params) || type->result_count != strlen(results)) {
        *problem = "has the wrong type";
        return NULL;
    }
    for (uint32_t i = 0; i < type->param_count + type->result_count; i++) {
        char c = i < type->param_count ? params[i] : results[i - type->param_count];
        if (type->types[i] != (c == 'I' ? ENG_I64 : ENG_I32)) {
            *problem = "has the wrong type";
            return NULL;
        }
    }
    return ext.func;
}

wasm_trap_t *wh_call_bytes(const wasm_instance_t *handle, const char *name, const wasm_byte_vec_t *input,
                           wasm_byte_vec_t *output)
{
    if (output)
        wasm_byte_vec_new_empty(output);
    if (!handle || !name || !output)
        return api_trap_misuse(handle ? handle->ref.store : NULL, "wh_call_bytes: the %s is NULL",
                               !handle ? "instance"
                               : !name ? "export name"
                                       : "output vector");
    wasm_store_t *store = handle->ref.store;
    const eng_instance *instance = handle->ref.object->instance;
    size_t input_size = input && input->data ? input->size : 0;
    if (input_size > UINT32_MAX)
        return api_trap_misuse(store, "wh_call_bytes: an input of %zu bytes does not fit a 32-bit memory", input_size);

    const char *problem;
    eng_func *function = find_function(instance, name, "ii", "I", &problem);
    if (!function)
        return api_trap_misuse(store,
                               "wh_call_bytes: the export \"%s\" %s (it must be a function (i32 ptr, i32 len) -> "
                               "(i64 ptr << 32 | len))",
                               name, problem);
    eng_extern memory_extern;
    if (!eng_instance_export(instance, "memory", 6, &memory_extern) || memory_extern.kind != ENG_EXTERN_MEMORY)
        return api_trap_misuse(store, "wh_call_bytes: the instance exports no memory named \"memory\"");
    eng_memory *memory = memory_extern.memory;
    eng_func *release = find_function(instance, "wasmhost_free", "ii", "", &problem);
    if (!release && strcmp(problem, "is missing") != 0)
        return api_trap_misuse(
            store, "wh_call_bytes: the export \"wasmhost_free\" %s (it must be (i32 ptr, i32 size) -> ())", problem);

    eng_slot slots[2];
    eng_trap *trap;
    uint32_t input_ptr = 0;
    if (input_size) {
        eng_func *allocate = find_function(instance, "wasmhost_alloc", "i", "i", &problem);
        if (!allocate)
            return api_trap_misuse(store,
                                   "wh_call_bytes: the export \"wasmhost_alloc\" %s (it must be (i32 size) -> "
                                   "(i32 ptr))",
                                   problem);
        slots[0].u32 = (uint32_t)input_size;
        if ((trap = eng_func_call(store->engine, allocate, slots)))
            return api_trap_from(store, trap);
        input_ptr = slots[0].u32;
        /* The memory may have grown (or been replaced by nothing else): check against its size now. */
        if (input_ptr == 0 || (uint64_t)input_ptr + input_size > memory->size)
            return api_trap_misuse(store,
                                   "wh_call_bytes: wasmhost_alloc(%zu) returned %u, which is not a buffer of "
                                   "that size in memory",
                                   input_size, input_ptr);
        memcpy(memory->base + input_ptr, input->data, input_size);
    }

    slots[0].u32 = input_ptr;
    slots[1].u32 = (uint32_t)input_size;
    if ((trap = eng_func_call(store->engine, function, slots)))
        return api_trap_from(store, trap);
    uint32_t output_ptr = (uint32_t)(slots[0].u64 >> 32), output_size = (uint32_t)slots[0].u64;
    if ((uint64_t)output_ptr + output_size > memory->size)
        return api_trap_misuse(store,
                               "wh_call_bytes: \"%s\" returned a buffer of %u bytes at %u, past the end of memory "
                               "(%llu bytes)",
                               name, output_size, output_ptr, (unsigned long long)memory->size);
    wasm_byte_vec_new(output, output_size, (const char *)memory->base + output_ptr);
    if (output->size != output_size)
        return api_trap_misuse(store, "wh_call_bytes: out of memory copying %u bytes of output", output_size);

    if (release) {
        uint32_t buffers[2][2] = {{input_ptr, (uint32_t)input_size}, {output_ptr, output_size}};
        for (int i = 0; i < 2; i++) {
            if (buffers[i][0] == 0 && buffers[i][1] == 0)
                continue;
            if (i == 1 && input_size && output_ptr == input_ptr)
                continue; /* the guest answered in the input buffer: give it back once */
            slots[0].u32 = buffers[i][0];
            slots[1].u32 = buffers[i][1];
            if ((trap = eng_func_call(store->engine, release, slots))) {
                wasm_byte_vec_delete(output);
                return api_trap_from(store, trap);
            }
        }
    }
    return NULL;
}
