/* api_bytes.c: wh_call_bytes, one call that passes a byte buffer to an export and returns the bytes it produces. */
#include "api_internal.h"

#include <string.h>

bool api_functype_is(const eng_functype *type, const char *params, const char *results)
{
    if (type->param_count != strlen(params) || type->result_count != strlen(results))
        return false;
    for (uint32_t i = 0; i < type->param_count + type->result_count; i++) {
        char c = i < type->param_count ? params[i] : results[i - type->param_count];
        if (type->types[i] != (c == 'I' ? ENG_I64 : ENG_I32))
            return false;
    }
    return true;
}

/* The export `name` if it is a function of exactly this type (see api_functype_is). */
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
    if (!api_functype_is(ext.func->type, params, results)) {
        *problem = "has the wrong type";
        return NULL;
    }
    return ext.func;
}

/* The trap for an output buffer the guest returned that does not lie inside memory: the pointer
 * itself outside, or the length running past the end (the two mistakes a guest makes). */
static wasm_trap_t *output_outside(const api_bytes_call *call, uint32_t pointer, uint32_t size)
{
    unsigned long long memory_size = (unsigned long long)call->memory->size;
    if (pointer >= call->memory->size)
        return api_trap_misuse(call->trap_store,
                               "%s: \"%s\" returned an output pointer %u, outside memory (%llu bytes); the result is "
                               "the output's address << 32 | its length",
                               call->where, call->name, pointer, memory_size);
    return api_trap_misuse(call->trap_store,
                           "%s: \"%s\" returned an output of %u bytes at %u, which runs %llu bytes past the end of "
                           "memory (%llu bytes); the result is the output's address << 32 | its length",
                           call->where, call->name, size, pointer, (unsigned long long)pointer + size - memory_size,
                           memory_size);
}

wasm_trap_t *api_call_bytes(const api_bytes_call *call, const wasm_byte_vec_t *input, wasm_byte_vec_t *output)
{
    wasm_store_t *trap_store = call->trap_store;
    eng_memory *memory = call->memory;
    size_t input_size = input && input->data ? input->size : 0;
    if (input_size > UINT32_MAX)
        return api_trap_misuse(trap_store, "%s: an input of %zu bytes does not fit a 32-bit memory", call->where,
                               input_size);
    eng_slot slots[2];
    eng_trap *trap;
    uint32_t input_ptr = 0;
    if (input_size) {
        if (!call->allocate)
            return api_trap_misuse(trap_store,
                                   "%s: the export \"wasmhost_alloc\" is missing (it must be (i32 size) -> (i32 ptr))",
                                   call->where);
        slots[0].u32 = (uint32_t)input_size;
        if ((trap = eng_func_call(call->store, call->allocate, slots)))
            return api_trap_from(trap_store, trap);
        input_ptr = slots[0].u32;
        /* The memory may have grown: check against its size now. */
        if (input_ptr == 0 || (uint64_t)input_ptr + input_size > memory->size)
            return api_trap_misuse(trap_store,
                                   "%s: wasmhost_alloc(%zu) returned %u, which is not a buffer of that size in memory "
                                   "(%llu bytes)",
                                   call->where, input_size, input_ptr, (unsigned long long)memory->size);
        memcpy(eng_memory_bytes_for_host(memory) + input_ptr, input->data, input_size);
    }

    slots[0].u32 = input_ptr;
    slots[1].u32 = (uint32_t)input_size;
    if ((trap = eng_func_call(call->store, call->function, slots)))
        return api_trap_from(trap_store, trap);
    uint32_t output_ptr = (uint32_t)(slots[0].u64 >> 32), output_size = (uint32_t)slots[0].u64;
    if ((uint64_t)output_ptr + output_size > memory->size)
        return output_outside(call, output_ptr, output_size);
    wasm_byte_vec_new(output, output_size, (const char *)memory->base + output_ptr);
    if (output->size != output_size)
        return api_trap_misuse(trap_store, "%s: out of memory copying %u bytes of output", call->where, output_size);

    if (call->release) {
        uint32_t buffers[2][2] = {{input_ptr, (uint32_t)input_size}, {output_ptr, output_size}};
        for (int i = 0; i < 2; i++) {
            if (buffers[i][0] == 0 && buffers[i][1] == 0)
                continue;
            if (i == 1 && input_size && output_ptr == input_ptr)
                continue; /* the guest answered in the input buffer: give it back once */
            slots[0].u32 = buffers[i][0];
            slots[1].u32 = buffers[i][1];
            if ((trap = eng_func_call(call->store, call->release, slots))) {
                wasm_byte_vec_delete(output);
                return api_trap_from(trap_store, trap);
            }
        }
    }
    return NULL;
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
    api_bytes_call call = {.store = store->engine, .trap_store = store, .where = "wh_call_bytes", .name = name};

    const char *problem;
    call.function = find_function(instance, name, "ii", "I", &problem);
    if (!call.function)
        return api_trap_misuse(store,
                               "wh_call_bytes: the export \"%s\" %s (it must be a function (i32 ptr, i32 len) -> "
                               "(i64 ptr << 32 | len))",
                               name, problem);
    eng_extern memory_extern;
    if (!eng_instance_export(instance, "memory", 6, &memory_extern) || memory_extern.kind != ENG_EXTERN_MEMORY)
        return api_trap_misuse(store, "wh_call_bytes: the instance exports no memory named \"memory\"");
    call.memory = memory_extern.memory;
    call.release = find_function(instance, "wasmhost_free", "ii", "", &problem);
    if (!call.release && strcmp(problem, "is missing") != 0)
        return api_trap_misuse(
            store, "wh_call_bytes: the export \"wasmhost_free\" %s (it must be (i32 ptr, i32 size) -> ())", problem);
    call.allocate = find_function(instance, "wasmhost_alloc", "i", "i", &problem);
    if (!call.allocate && strcmp(problem, "is missing") != 0)
        return api_trap_misuse(
            store, "wh_call_bytes: the export \"wasmhost_alloc\" %s (it must be (i32 size) -> (i32 ptr))", problem);
    return api_call_bytes(&call, input, output);
}
