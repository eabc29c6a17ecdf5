/* llvm_internal.h: the compiler library's internal interface: one LLVM module per wasm module.
 *
 * compile_module.c sets up LLVM (target machine for the host CPU), declares the runtime
 * helpers and one LLVM function per defined wasm function it can compile, asks translate.c for
 * each body, then optimises and emits the object. translate.c works from the wasm bytes of a
 * validated body: the wasm operand stack is a stack of SSA values, locals are allocas that
 * mem2reg promotes, every label a basic block with phis for the values it receives.
 */
#ifndef ENG_LLVM_INTERNAL_H
#define ENG_LLVM_INTERNAL_H

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>
#include <llvm-c/TargetMachine.h>

#include "../instructions.h"
#include "../runtime.h"
#include "llvm_interface.h"

/* The helpers of ENG_NATIVE_HELPERS, by name. */
typedef enum native_helper {
#define HELPER_ENUM(name, ...) HELPER_##name,
    ENG_NATIVE_HELPERS(HELPER_ENUM)
#undef HELPER_ENUM
        HELPER_COUNT
} native_helper;

/* What every function translation of one module shares. */
typedef struct llvm_module_state {
    LLVMContextRef context;
    LLVMModuleRef module;
    const eng_module *wasm;
    uint32_t checks;
    LLVMTypeRef i8, i32, i64, f32, f64, ptr, void_type;
    LLVMTypeRef v128; /* <2 x i64>: a v128 as values, locals, params and results hold it (translate_simd.c) */
    bool ssse3;       /* the target has SSSE3 (pshufb: i8x16.swizzle) */
    LLVMValueRef helpers[HELPER_COUNT];
    LLVMTypeRef helper_types[HELPER_COUNT];
    /* Per defined function: its LLVM function and type, NULL when it stays interpreted. */
    LLVMValueRef *functions;
    LLVMTypeRef *function_types;
    unsigned invariant_kind, prof_kind;
    unsigned memory_load_kind;                 /* "wasmhost.memory": a load of linear memory (keep_traps.c) */
    LLVMValueRef invariant_node, cold_weights; /* metadata as values */
    /* Debug information, for the engine's map from native code to wasm byte offsets: one
     * DISubprogram per function whose file is named by its defined-function index, and every
     * instruction's line the byte offset in the module of the wasm instruction it comes from. */
    LLVMDIBuilderRef debug;
    LLVMMetadataRef debug_unit;
} llvm_module_state;

/* The LLVM type of a wasm value type. */
LLVMTypeRef llvm_value_type(const llvm_module_state *state, eng_valtype type);

/* `count` values of types `types` to or from an array of eng_slot laid out as the interpreter's
 * (a v128 in two slots): the slots of calls through the runtime and of the native entries. */
void llvm_store_slots(LLVMBuilderRef b, const llvm_module_state *state, LLVMValueRef slots, const eng_valtype *types,
                      uint32_t count, const LLVMValueRef *values);
void llvm_load_slots(LLVMBuilderRef b, const llvm_module_state *state, LLVMValueRef slots, const eng_valtype *types,
                     uint32_t count, LLVMValueRef *values);

/* The LLVM type of a compiled function of wasm type `type`: (ctx, params...) returning nothing,
 * the one result, or a struct of the results. */
LLVMTypeRef llvm_function_type(const llvm_module_state *state, const eng_functype *type);

/* The results of a call of such a function that returned `value`, in order, into out[0 ..). */
void llvm_unpack_results(LLVMBuilderRef b, const eng_functype *type, LLVMValueRef value, LLVMValueRef *out);

/* Whether defined function `def_index` can be compiled (its signature and every instruction of
 * its body are in what translate.c supports); else it stays on the interpreter. */
bool llvm_function_supported(const llvm_module_state *state, uint32_t def_index);

/* Fills the body of state->functions[def_index]. False (with *error set, malloc'd) only on an
 * internal failure: the whole module then stays interpreted. */
bool llvm_translate_function(llvm_module_state *state, uint32_t def_index, char **error);

/* keep_traps.c: before optimising, makes the linear-memory loads whose values are dead volatile,
 * so that LLVM keeps them and their out-of-bounds traps. False with *error (malloc'd). */
bool llvm_keep_memory_traps(llvm_module_state *state, LLVMTargetMachineRef machine, char **error);

/* compile_module.c: a malloc'd message (NULL when out of memory). */
char *llvm_format_error(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif
