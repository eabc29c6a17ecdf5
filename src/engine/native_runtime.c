/* native_runtime.c: the runtime helpers compiled code calls (traps, limits, calls leaving the tier, memory) and the symbols it may name.
 *
 * Each helper does what the interpreter's handler of the same instruction does, with the same
 * checks and trap kinds. A trap is raised by siglongjmp to the innermost eng_func_call, which
 * is always on the stack while compiled code runs (compiled code is only entered through
 * op_NATIVE in the interpreter's loop).
 */
#define _GNU_SOURCE /* roundeven */
#include <math.h>
#include <string.h>

#include "limits.h"
#include "native.h"
#include "trap_guard.h"
#include "llvm/llvm_interface.h"

/* Where the compiled code that called a helper is: the return address into it and its frame
 * pointer (the helper's saved one). Taken at the top of every helper that may raise a trap, so
 * that the trap's backtrace can walk the compiled frames (two loads; the walk happens only when
 * a trap is raised). */
typedef struct caller {
    uintptr_t pc, fp;
} caller;
#define CALLER() ((caller){(uintptr_t)__builtin_return_address(0) - 1, *(const uintptr_t *)__builtin_frame_address(0)})

/* Records the compiled frames from `from` outwards (with the byte offset of an explicit trap, or
 * 0) and hands `trap` to the innermost eng_func_call. */
static _Noreturn void raise_trap_at(eng_trap *trap, caller from, uint32_t byte_offset)
{
    ENG_ASSERT(eng_trap_fault_guard.jump);
    eng_trap_record_native_frames(from.pc, from.fp, byte_offset);
    eng_trap_fault_guard.trap = trap;
    siglongjmp(*eng_trap_fault_guard.jump, 1);
}

static _Noreturn void raise_trap(eng_trap *trap, caller from) { raise_trap_at(trap, from, 0); }

/* The helpers are called from generated code only, through the symbol table below: their
 * prototypes are here, not in a header. */
#define HELPER_VISIBILITY __attribute__((visibility("hidden")))
HELPER_VISIBILITY _Noreturn void eng_native_trap(eng_instance *instance, uint32_t kind, uint32_t byte_offset);
HELPER_VISIBILITY void eng_native_limits(eng_instance *instance, uint32_t cost);
HELPER_VISIBILITY _Noreturn void eng_native_stack_exhausted(eng_instance *instance);
HELPER_VISIBILITY void eng_native_call(eng_instance *instance, uint32_t index, eng_slot *slots);
HELPER_VISIBILITY void eng_native_call_indirect(eng_instance *instance, uint32_t table_index, uint32_t type_index,
                                                uint32_t element, eng_slot *slots);
HELPER_VISIBILITY int32_t eng_native_memory_grow(eng_instance *instance, uint32_t delta);
HELPER_VISIBILITY void eng_native_memory_fill(eng_instance *instance, uint32_t to, uint32_t value, uint32_t count);
HELPER_VISIBILITY void eng_native_memory_copy(eng_instance *instance, uint32_t to, uint32_t from, uint32_t count);
HELPER_VISIBILITY void eng_native_memory_init(eng_instance *instance, uint32_t segment, uint32_t to, uint32_t from,
                                              uint32_t count);
HELPER_VISIBILITY void eng_native_data_drop(eng_instance *instance, uint32_t segment);
HELPER_VISIBILITY void *eng_native_table_get(eng_instance *instance, uint32_t table_index, uint32_t index);
HELPER_VISIBILITY void eng_native_table_set(eng_instance *instance, uint32_t table_index, uint32_t index, void *value);
HELPER_VISIBILITY int32_t eng_native_table_grow(eng_instance *instance, uint32_t table_index, void *init,
                                                uint32_t delta);
HELPER_VISIBILITY void eng_native_table_fill(eng_instance *instance, uint32_t table_index, uint32_t start, void *value,
                                             uint32_t count);
HELPER_VISIBILITY void eng_native_table_copy(eng_instance *instance, uint32_t destination, uint32_t source, uint32_t to,
                                             uint32_t from, uint32_t count);
HELPER_VISIBILITY void eng_native_table_init(eng_instance *instance, uint32_t table_index, uint32_t segment,
                                             uint32_t to, uint32_t from, uint32_t count);
HELPER_VISIBILITY void eng_native_elem_drop(eng_instance *instance, uint32_t segment);

void eng_native_trap(eng_instance *instance, uint32_t kind, uint32_t byte_offset)
{
    (void)instance;
    raise_trap_at(eng_trap_new((eng_trap_kind)kind, NULL), CALLER(), byte_offset);
}

/* The interpreter's LIMITS_SLOW_PATH: compiled code has already taken `cost` from store->fuel. */
void eng_native_limits(eng_instance *instance, uint32_t cost)
{
    caller from = CALLER();
    eng_store *store = instance->store;
    eng_limit_check check = eng_limits_check(store, store->fuel, cost);
    store->fuel = check.fuel;
    if (check.trap >= 0)
        raise_trap(eng_trap_new((eng_trap_kind)check.trap, NULL), from);
}

void eng_native_stack_exhausted(eng_instance *instance)
{
    eng_limits_stack_exhausted(instance->store);
    raise_trap(eng_trap_new(ENG_TRAP_CALL_STACK_EXHAUSTED, NULL), CALLER());
}

/* A call leaving compiled code: a host function directly (without the guard's jump, so that
 * the host's own faults are not taken for wasm's), anything else through eng_func_call. */
static inline __attribute__((always_inline)) void call_function(eng_instance *instance, eng_func *callee,
                                                                eng_slot *slots, caller from)
{
    eng_trap *trap;
    if (!callee->code) {
        sigjmp_buf *jump = eng_trap_fault_guard.jump;
        eng_trap_fault_guard.jump = NULL;
        trap = callee->callback(callee->env, slots);
        eng_trap_fault_guard.jump = jump;
        if (trap) {
            eng_backtrace_frame *host_frame = eng_trap_extend_frames(trap, 1);
            if (host_frame)
                *host_frame = (eng_backtrace_frame){NULL, 0, 0, NULL};
        }
    } else {
        trap = eng_func_call(instance->store, callee, slots);
    }
    if (trap)
        raise_trap(trap, from);
}

void eng_native_call(eng_instance *instance, uint32_t index, eng_slot *slots)
{
    call_function(instance, instance->funcs[index], slots, CALLER());
}

void eng_native_call_indirect(eng_instance *instance, uint32_t table_index, uint32_t type_index, uint32_t element,
                              eng_slot *slots)
{
    caller from = CALLER();
    const eng_table *table = instance->tables[table_index];
    if (element >= table->size)
        raise_trap(eng_trap_new(ENG_TRAP_UNDEFINED_ELEMENT, NULL), from);
    eng_func *callee = table->elements[element];
    if (!callee)
        raise_trap(eng_trap_new(ENG_TRAP_UNINITIALIZED_ELEMENT, NULL), from);
    const eng_functype *expected = &instance->module->types[type_index];
    const eng_functype *actual = callee->type;
    if (actual != expected && (actual->hash != expected->hash || !eng_functype_equal(actual, expected)))
        raise_trap(eng_trap_new(ENG_TRAP_INDIRECT_CALL_TYPE_MISMATCH, NULL), from);
    call_function(instance, callee, slots, from);
}

int32_t eng_native_memory_grow(eng_instance *instance, uint32_t delta)
{
    return (int32_t)(uint32_t)eng_memory_grow(instance->memory0, delta);
}

static inline __attribute__((always_inline)) void check_memory(bool in_bounds, caller from)
{
    if (!in_bounds)
        raise_trap(eng_trap_new(ENG_TRAP_OUT_OF_BOUNDS_MEMORY, NULL), from);
}

static inline __attribute__((always_inline)) void check_table(bool in_bounds, caller from)
{
    if (!in_bounds)
        raise_trap(eng_trap_new(ENG_TRAP_OUT_OF_BOUNDS_TABLE, NULL), from);
}

void eng_native_memory_fill(eng_instance *instance, uint32_t to, uint32_t value, uint32_t count)
{
    check_memory(eng_memory_fill(instance->memory0, to, (uint8_t)value, count), CALLER());
}

void eng_native_memory_copy(eng_instance *instance, uint32_t to, uint32_t from, uint32_t count)
{
    check_memory(eng_memory_copy(instance->memory0, to, from, count), CALLER());
}

void eng_native_memory_init(eng_instance *instance, uint32_t segment, uint32_t to, uint32_t from, uint32_t count)
{
    check_memory(eng_memory_init(instance->memory0, &instance->datas[segment], to, from, count), CALLER());
}

void eng_native_data_drop(eng_instance *instance, uint32_t segment) { instance->datas[segment].size = 0; }

void *eng_native_table_get(eng_instance *instance, uint32_t table_index, uint32_t index)
{
    const eng_table *table = instance->tables[table_index];
    check_table(index < table->size, CALLER());
    return table->elements[index];
}

void eng_native_table_set(eng_instance *instance, uint32_t table_index, uint32_t index, void *value)
{
    eng_table *table = instance->tables[table_index];
    check_table(index < table->size, CALLER());
    table->elements[index] = value;
}

int32_t eng_native_table_grow(eng_instance *instance, uint32_t table_index, void *init, uint32_t delta)
{
    return (int32_t)(uint32_t)eng_table_grow(instance->tables[table_index], delta, init);
}

void eng_native_table_fill(eng_instance *instance, uint32_t table_index, uint32_t start, void *value, uint32_t count)
{
    check_table(eng_table_fill(instance->tables[table_index], start, value, count), CALLER());
}

void eng_native_table_copy(eng_instance *instance, uint32_t destination, uint32_t source, uint32_t to, uint32_t from,
                           uint32_t count)
{
    check_table(eng_table_copy(instance->tables[destination], instance->tables[source], to, from, count), CALLER());
}

void eng_native_table_init(eng_instance *instance, uint32_t table_index, uint32_t segment, uint32_t to, uint32_t from,
                           uint32_t count)
{
    check_table(eng_table_init(instance->tables[table_index], &instance->elems[segment], to, from, count), CALLER());
}

/* The items stay allocated (the instance owns them); the segment just reads as empty. */
void eng_native_elem_drop(eng_instance *instance, uint32_t segment) { instance->elems[segment].count = 0; }

/* ---- the symbols compiled code may name ---- */

static const struct native_symbol {
    const char *name;
    void *address;
} native_symbols[] = {
#define HELPER_SYMBOL(name, ...) {#name, (void *)name},
    ENG_NATIVE_HELPERS(HELPER_SYMBOL)
#undef HELPER_SYMBOL
#define LIBC_SYMBOL(name) {#name, (void *)name},
        ENG_NATIVE_LIBC_SYMBOLS(LIBC_SYMBOL)
#undef LIBC_SYMBOL
};

void *eng_native_symbol(const char *name)
{
    for (size_t i = 0; i < sizeof native_symbols / sizeof native_symbols[0]; i++)
        if (strcmp(native_symbols[i].name, name) == 0)
            return native_symbols[i].address;
    return NULL;
}
