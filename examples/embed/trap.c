/* trap.c: traps with backtraces: from WebAssembly code, from a host function, from runaway recursion. */
#include "example.h"

#include <string.h>

static wasm_trap_t *fail_callback(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args;
    (void)results;
    wasm_message_t message;
    wasm_name_new_from_string_nt(&message, "the host refuses");
    wasm_trap_t *trap = wasm_trap_new((wasm_store_t *)env, &message);
    wasm_name_delete(&message);
    return trap;
}

static void print_frame(const char *label, const wasm_frame_t *frame)
{
    wasm_name_t name;
    bool named = wh_frame_func_name(frame, &name);
    printf("  %s: func %u \"%.*s\" at module offset 0x%zx (function offset 0x%zx), instance %s\n", label,
           wasm_frame_func_index(frame), named ? (int)name.size : 0, named ? name.data : "",
           wasm_frame_module_offset(frame), wasm_frame_func_offset(frame),
           wasm_frame_instance(frame) ? "found" : "none");
    wasm_name_delete(&name);
}

/* Calls `func` with `args`, expects a trap whose message contains `expected`, and returns it. */
static wasm_trap_t *expect_trap(wasm_func_t *func, wasm_val_vec_t *args, const char *expected)
{
    wasm_val_t result = WASM_INIT_VAL;
    wasm_val_vec_t results = {wasm_func_result_arity(func), &result};
    wasm_trap_t *trap = wasm_func_call(func, args, &results);
    CHECK(trap != NULL);
    if (!trap)
        return NULL;
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    CHECK(message.size > 0 && message.data[message.size - 1] == '\0'); /* NUL-terminated */
    CHECK(strstr(message.data, expected) != NULL);
    printf("trap: %s\n", message.data);
    wasm_byte_vec_delete(&message);
    return trap;
}

/* The names of the trace's frames, innermost first, as "a<b<c". */
static void trace_names(const wasm_trap_t *trap, char *out, size_t size)
{
    wasm_frame_vec_t trace;
    wasm_trap_trace(trap, &trace);
    out[0] = '\0';
    for (size_t i = 0; i < trace.size; i++) {
        wasm_name_t name;
        wh_frame_func_name(trace.data[i], &name);
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%.*s", i ? "<" : "", (int)name.size, name.data ? name.data : "");
        wasm_name_delete(&name);
        print_frame("trace", trace.data[i]);
    }
    wasm_frame_vec_delete(&trace);
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "trap.wasm";
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = load_module(store, path);

    wasm_functype_t *fail_type = wasm_functype_new_0_0();
    wasm_func_t *fail = wasm_func_new_with_env(store, fail_type, fail_callback, store, NULL);
    wasm_functype_delete(fail_type);
    wasm_extern_t *externs[] = {wasm_func_as_extern(fail)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    CHECK(instance);

    wasm_extern_t *outer_extern = wh_instance_export(instance, "outer");
    wasm_extern_t *via_host_extern = wh_instance_export(instance, "via_host");
    wasm_extern_t *unreachable_extern = wh_instance_export(instance, "unreachable");
    wasm_extern_t *recurse_extern = wh_instance_export(instance, "recurse");
    char names[4096];

    printf("A trap three calls deep...\n");
    wasm_val_t arg = WASM_I32_VAL(1);
    wasm_val_vec_t one_arg = {1, &arg}, no_args = WASM_EMPTY_VEC;
    wasm_trap_t *trap = expect_trap(wasm_extern_as_func(outer_extern), &one_arg, "integer divide by zero");
    CHECK(wh_trap_code(trap) == WH_TRAP_CODE_INTEGER_DIVIDE_BY_ZERO);
    wasm_frame_t *origin = wasm_trap_origin(trap);
    CHECK(origin != NULL);
    if (origin) {
        print_frame("origin", origin);
        CHECK(wasm_frame_func_index(origin) == 1); /* $divide: function 0 is the import */
        CHECK(wasm_frame_module_offset(origin) > 0 && wasm_frame_func_offset(origin) > 0);
        CHECK(wasm_frame_instance(origin) != NULL);
        wasm_frame_t *copy = wasm_frame_copy(origin);
        CHECK(copy && wasm_frame_module_offset(copy) == wasm_frame_module_offset(origin));
        wasm_frame_delete(copy);
        wasm_frame_delete(origin);
    }
    trace_names(trap, names, sizeof names);
    CHECK(strcmp(names, "divide<middle<outer") == 0);
    wasm_byte_vec_t text;
    wh_trap_format(trap, &text);
    printf("%.*s", (int)text.size, text.data);
    CHECK(text.size && strstr(text.data, "trap: integer divide by zero\n  at divide (offset 0x") != NULL);
    wasm_byte_vec_delete(&text);
    /* A copy is the same trap. */
    wasm_trap_t *trap_copy = wasm_trap_copy(trap);
    CHECK(wasm_trap_same(trap, trap_copy));
    wasm_trap_delete(trap_copy);
    wasm_trap_delete(trap);

    printf("A frame names its own instance among several of the same module...\n");
    wasm_instance_t *second = wasm_instance_new(store, module, &imports, NULL);
    CHECK(second);
    if (second) {
        wasm_extern_t *second_outer = wh_instance_export(second, "outer");
        trap = expect_trap(wasm_extern_as_func(second_outer), &one_arg, "integer divide by zero");
        origin = trap ? wasm_trap_origin(trap) : NULL;
        wasm_instance_t *found = origin ? wasm_frame_instance(origin) : NULL;
        CHECK(found && wasm_instance_same(found, second) && !wasm_instance_same(found, instance));
        wasm_frame_delete(origin);
        wasm_trap_delete(trap);
        wasm_extern_delete(second_outer);
        wasm_instance_delete(second);
    }

    printf("A trap raised by the host...\n");
    trap = expect_trap(wasm_extern_as_func(via_host_extern), &no_args, "the host refuses");
    CHECK(wh_trap_code(trap) == WH_TRAP_CODE_HOST);
    trace_names(trap, names, sizeof names);
    CHECK(strcmp(names, "via_host") == 0); /* the host function itself is no WebAssembly frame */
    wasm_trap_delete(trap);

    printf("Calling the host function directly...\n");
    trap = expect_trap(fail, &no_args, "the host refuses");
    origin = wasm_trap_origin(trap);
    CHECK(origin == NULL); /* no WebAssembly frame at all */
    wasm_trap_delete(trap);

    trap = expect_trap(wasm_extern_as_func(unreachable_extern), &no_args, "unreachable");
    CHECK(wh_trap_code(trap) == WH_TRAP_CODE_UNREACHABLE);
    wasm_trap_delete(trap);

    printf("A call expected to trap needs no room for results...\n");
    wasm_val_t divide_args[] = {WASM_I32_VAL(1), WASM_I32_VAL(0)};
    wasm_val_vec_t divide_vec = WASM_ARRAY_VEC(divide_args), empty = WASM_EMPTY_VEC;
    wasm_extern_t *divide_extern = wh_instance_export(instance, "divide");
    trap = wasm_func_call(wasm_extern_as_func(divide_extern), &divide_vec, &empty);
    CHECK(trap && wh_trap_code(trap) == WH_TRAP_CODE_INTEGER_DIVIDE_BY_ZERO);
    wasm_trap_delete(trap);
    wasm_extern_delete(divide_extern);

    printf("Runaway recursion...\n");
    arg.of.i32 = 0;
    trap = expect_trap(wasm_extern_as_func(recurse_extern), &one_arg, "call stack exhausted");
    CHECK(wh_trap_code(trap) == WH_TRAP_CODE_CALL_STACK_EXHAUSTED);
    wasm_frame_vec_t trace;
    wasm_trap_trace(trap, &trace);
    printf("  %zu frames\n", trace.size);
    CHECK(trace.size > 1000);
    wasm_frame_vec_delete(&trace);
    wasm_trap_delete(trap);

    wasm_extern_delete(outer_extern);
    wasm_extern_delete(via_host_extern);
    wasm_extern_delete(unreachable_extern);
    wasm_extern_delete(recurse_extern);
    wasm_func_delete(fail);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return example_finish("trap");
}
