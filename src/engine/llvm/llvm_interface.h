/* llvm_interface.h: what the engine and the compiler library (libwasmhost_llvm.so) exchange.
 *
 * The compiling tier lives in its own shared library so that libLLVM is mapped only in a
 * process that compiles: the engine dlopen()s it the first time a module must be compiled
 * (native_compiler.c) and finds the one exported symbol, wasmhost_llvm_interface. Engine and
 * library are built from one tree: the interface carries an ABI version and the build id, and
 * the engine refuses a library from another build. The library reads the engine's structures
 * (module.h for the module, runtime.h for the field offsets compiled code uses) as data only;
 * it calls no engine function.
 *
 * A compile takes a decoded and validated module and returns an ELF relocatable object (x86-64)
 * that the engine links itself at load (native_link.c: no external linker, no LLVM):
 *  - for each defined function i that was compiled, a global symbol "wasm_entry_<i>" (i counts
 *    the module's defined functions, imports excluded): void entry(eng_instance *, eng_slot *),
 *    which takes the parameters from the slots, runs the function and writes its results back
 *    (the eng_host_callback slot convention);
 *  - for each of them also "wasm_direct_<i>": the function itself, R f(eng_instance *, P...), which
 *    compiled code of the same instance calls directly through call_indirect;
 *  - undefined symbols naming the runtime helpers below, and the C library functions listed in
 *    ENG_NATIVE_LIBC_SYMBOLS, nothing else (the linker refuses any other).
 * A function the compiler cannot translate (an instruction outside what it supports, more than
 * one result, a body above the size cap) has no entry symbol and stays on the interpreter;
 * calls between the tiers work both ways.
 */
#ifndef ENG_LLVM_INTERFACE_H
#define ENG_LLVM_INTERFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../module.h"

#define ENG_LLVM_ABI_VERSION 2

/* The runtime helpers compiled code calls (native_runtime.c), one row each:
 * X(name, return type, parameter types...) with the types V (void), I32, I64 and P (a pointer).
 * The first parameter is always the instance (eng_instance *). The library declares them from
 * this table and the engine's linker resolves them from it. */
#define ENG_NATIVE_HELPERS(X)                                                                       \
    /* traps with `kind` (an eng_trap_kind) at `byte_offset` in the module; never returns */        \
    X(eng_native_trap, V, P, I32, I32)                                                              \
    /* fuel < 0 after taking `cost`, or the stop flag up: eng_limits_check, then trap or return */  \
    X(eng_native_limits, V, P, I32)                                                                 \
    /* the frame address went below the store's native stack limit: traps "call stack exhausted" */ \
    X(eng_native_stack_exhausted, V, P)                                                             \
    /* calls function `index` of the instance (an import, or a function left on the interpreter) */ \
    X(eng_native_call, V, P, I32, P)                                                                \
    /* call_indirect: table, type index, element; checks, then calls */                             \
    X(eng_native_call_indirect, V, P, I32, I32, I32, P)                                             \
    /* memory.grow of memory 0: old size in pages or -1 */                                          \
    X(eng_native_memory_grow, I32, P, I32)                                                          \
    /* memory.fill, memory.copy, memory.init, data.drop (bounds checked as in the interpreter) */   \
    X(eng_native_memory_fill, V, P, I32, I32, I32)                                                  \
    X(eng_native_memory_copy, V, P, I32, I32, I32)                                                  \
    X(eng_native_memory_init, V, P, I32, I32, I32, I32)                                             \
    X(eng_native_data_drop, V, P, I32)                                                              \
    /* table.get/set (bounds checked), table.grow (old size or -1), fill, copy, init, elem.drop */  \
    X(eng_native_table_get, P, P, I32, I32)                                                         \
    X(eng_native_table_set, V, P, I32, I32, P)                                                      \
    X(eng_native_table_grow, I32, P, I32, P, I32)                                                   \
    X(eng_native_table_fill, V, P, I32, I32, P, I32)                                                \
    X(eng_native_table_copy, V, P, I32, I32, I32, I32, I32)                                         \
    X(eng_native_table_init, V, P, I32, I32, I32, I32, I32)                                         \
    X(eng_native_elem_drop, V, P, I32)

/* C library functions LLVM may call from the code it generates (loop idioms, rounding without
 * SSE4.1): the linker resolves them to the process's own. */
/* clang-format off */
#define ENG_NATIVE_LIBC_SYMBOLS(X) \
    X(memcpy) X(memmove) X(memset) X(ceil) X(ceilf) X(floor) X(floorf) X(trunc) X(truncf) \
    X(roundeven) X(roundevenf) X(sqrt) X(sqrtf) X(fmin) X(fminf) X(fmax) X(fmaxf)
/* clang-format on */

typedef struct eng_llvm_request {
    uint32_t abi_version;
    const char *build_id;
    const eng_module *module; /* decoded and validated */
    uint32_t checks;          /* ENG_CHECK_* to compile in: 0 or ENG_CHECK_EPOCH */
    const char
        *cpu_features; /* LLVM features over baseline x86-64 ("+sse4.1,+popcnt"): exactly what the code may use */
    uint32_t max_function_bytes; /* a body larger than this stays on the interpreter */
    const char *passes;          /* NULL: the built-in pipeline; else LLVMRunPasses syntax (a test hook) */
    /* >= 0: the compile runs in a process of its own (native_compile_process.c), and an LLVM fatal
     * error (which LLVM would end with abort()) writes its reason to this descriptor and ends
     * that process with ENG_LLVM_FATAL_EXIT_STATUS. -1: no handler (LLVM aborts the process). */
    int fatal_error_fd;
} eng_llvm_request;

#define ENG_LLVM_FATAL_EXIT_STATUS 70

typedef struct eng_llvm_result {
    uint8_t *object; /* the ELF relocatable object, malloc'd */
    size_t object_size;
    uint32_t native_count, fallback_count;
    double seconds; /* translate + optimise + emit, wall clock */
    char *error;    /* malloc'd: why the whole compile failed (then object is NULL) */
} eng_llvm_result;

typedef struct eng_llvm_interface {
    uint32_t abi_version;
    const char *build_id;
    const char *llvm_version;
    bool (*compile)(const eng_llvm_request *request, eng_llvm_result *result);
    void (*result_free)(eng_llvm_result *result);
} eng_llvm_interface;

/* The one symbol the library exports. */
typedef const eng_llvm_interface *eng_llvm_interface_function(void);
#define ENG_LLVM_INTERFACE_SYMBOL "wasmhost_llvm_interface"

#endif
