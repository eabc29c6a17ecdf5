/* keep_traps.c: keeping the out-of-bounds traps of linear-memory loads whose values are dead, which LLVM would delete with them.
 *
 * Compiled code checks no bounds: a load past the memory's size faults in the guard region and
 * the fault becomes the trap. To LLVM a load has no side effect, so one whose value is never used
 * is deleted, and with it the trap WebAssembly requires (a load into a local that is overwritten,
 * an arithmetic result that is dropped: fuzz_compile found it). Making every load volatile keeps
 * them all but costs up to 31% (stencil; sha256, lz and json 26%, measured with artifacts side
 * by side), since LLVM then neither merges nor moves them. So only the loads that are dead are
 * made volatile: after the locals have become SSA values (sroa), an instruction is live when a
 * side effect (a store, a call that is not a pure intrinsic, a branch, a return, a volatile load)
 * uses it, directly or through other live instructions; every memory load (tagged by translate.c
 * with the "wasmhost.memory" metadata) that is not live gets `volatile`. The optimiser may still
 * make a load dead afterwards (a product with zero, a store another one overwrites): those cases
 * remain, documented in docs/compiler.md.
 */
#include <llvm-c/Transforms/PassBuilder.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llvm_internal.h"

/* ---- a set of instructions (open addressing on the pointer) ---- */

typedef struct instruction_set {
    LLVMValueRef *slots;
    size_t capacity; /* a power of two */
} instruction_set;

static size_t slot_of(const instruction_set *set, LLVMValueRef value)
{
    uintptr_t key = (uintptr_t)value;
    size_t i = (size_t)((key >> 4) * 0x9e3779b97f4a7c15u) & (set->capacity - 1);
    while (set->slots[i] && set->slots[i] != value)
        i = (i + 1) & (set->capacity - 1);
    return i;
}

/* Adds `value`; true when it was not there. */
static bool set_add(instruction_set *set, LLVMValueRef value)
{
    size_t i = slot_of(set, value);
    if (set->slots[i])
        return false;
    set->slots[i] = value;
    return true;
}

static bool set_has(const instruction_set *set, LLVMValueRef value) { return set->slots[slot_of(set, value)] != NULL; }

/* ---- liveness ---- */

/* Intrinsics translate.c emits for arithmetic: no side effect, so not a use that keeps a value. */
static bool pure_intrinsic(LLVMValueRef call)
{
    LLVMValueRef callee = LLVMGetCalledValue(call);
    if (!callee || !LLVMIsAFunction(callee) || !LLVMGetIntrinsicID(callee))
        return false;
    size_t length;
    const char *name = LLVMGetValueName2(callee, &length);
    return strncmp(name, "llvm.mem", 8) != 0; /* memset/memmove write memory */
}

static bool has_side_effect(LLVMValueRef instruction)
{
    switch (LLVMGetInstructionOpcode(instruction)) {
    case LLVMRet:
    case LLVMBr:
    case LLVMSwitch:
    case LLVMIndirectBr:
    case LLVMUnreachable:
    case LLVMStore:
    case LLVMFence:
    case LLVMAtomicRMW:
    case LLVMAtomicCmpXchg:
    case LLVMInvoke: return true;
    case LLVMCall: return !pure_intrinsic(instruction);
    case LLVMLoad: return LLVMGetVolatile(instruction);
    default: return false;
    }
}

/* Makes the memory loads of `function` that no side effect uses volatile; false when out of memory. */
static bool keep_function_traps(LLVMValueRef function, unsigned memory_kind)
{
    size_t count = 0;
    for (LLVMBasicBlockRef block = LLVMGetFirstBasicBlock(function); block; block = LLVMGetNextBasicBlock(block))
        for (LLVMValueRef i = LLVMGetFirstInstruction(block); i; i = LLVMGetNextInstruction(i))
            count++;
    if (count == 0)
        return true;
    instruction_set live = {NULL, 16};
    while (live.capacity < 2 * count)
        live.capacity *= 2;
    live.slots = calloc(live.capacity, sizeof *live.slots);
    LLVMValueRef *work = malloc(count * sizeof *work);
    if (!live.slots || !work) {
        free(live.slots);
        free(work);
        return false;
    }
    size_t pending = 0;
    for (LLVMBasicBlockRef block = LLVMGetFirstBasicBlock(function); block; block = LLVMGetNextBasicBlock(block))
        for (LLVMValueRef i = LLVMGetFirstInstruction(block); i; i = LLVMGetNextInstruction(i))
            if (has_side_effect(i) && set_add(&live, i))
                work[pending++] = i;
    while (pending) {
        LLVMValueRef user = work[--pending];
        int operands = LLVMGetNumOperands(user);
        for (int n = 0; n < operands; n++) {
            LLVMValueRef operand = LLVMGetOperand(user, (unsigned)n);
            if (operand && LLVMIsAInstruction(operand) && set_add(&live, operand))
                work[pending++] = operand;
        }
    }
    for (LLVMBasicBlockRef block = LLVMGetFirstBasicBlock(function); block; block = LLVMGetNextBasicBlock(block))
        for (LLVMValueRef i = LLVMGetFirstInstruction(block); i; i = LLVMGetNextInstruction(i))
            if (LLVMIsALoadInst(i) && LLVMGetMetadata(i, memory_kind) && !set_has(&live, i))
                LLVMSetVolatile(i, true);
    free(live.slots);
    free(work);
    return true;
}

bool llvm_keep_memory_traps(llvm_module_state *state, LLVMTargetMachineRef machine, char **error)
{
    LLVMPassBuilderOptionsRef options = LLVMCreatePassBuilderOptions();
    LLVMErrorRef pass_error = LLVMRunPasses(state->module, "function(sroa)", machine, options);
    LLVMDisposePassBuilderOptions(options);
    if (pass_error) {
        char *message = LLVMGetErrorMessage(pass_error);
        *error = llvm_format_error("LLVM's sroa failed: %s", message);
        LLVMDisposeErrorMessage(message);
        return false;
    }
    for (LLVMValueRef function = LLVMGetFirstFunction(state->module); function;
         function = LLVMGetNextFunction(function)) {
        if (!keep_function_traps(function, state->memory_load_kind)) {
            *error = llvm_format_error("out of memory");
            return false;
        }
    }
    return true;
}
