/* translator.h: what translate.c (control, calls, scalar rows) and translate_simd.c (the SIMD rows) share: the state of one function's translation and the small builders both use. */
#ifndef ENG_LLVM_TRANSLATOR_H
#define ENG_LLVM_TRANSLATOR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../reader.h"
#include "llvm_internal.h"

typedef enum control_kind { CONTROL_FUNCTION, CONTROL_BLOCK, CONTROL_LOOP, CONTROL_IF } control_kind;

typedef struct control {
    control_kind kind;
    uint32_t param_count, result_count;
    const eng_valtype *params, *results; /* param_count / result_count types */
    eng_valtype single;                  /* storage when the block type is one value type */
    uint32_t height;                     /* operand stack height without the params */
    LLVMBasicBlockRef merge;             /* after `end`: receives the results */
    LLVMValueRef *merge_phis;
    uint32_t merge_predecessors;
    LLVMBasicBlockRef header; /* loop: where branches go, receiving the params */
    LLVMValueRef *header_phis;
    LLVMBasicBlockRef else_block; /* if: the false branch, until `else` is seen */
    LLVMValueRef *if_params;      /* if: the params, for the else branch */
    uint32_t loop_cost;           /* loop: the fuel each back-edge charges */
} control;

typedef struct translator {
    llvm_module_state *s;
    LLVMBuilderRef b;
    const eng_module *module;
    uint32_t def_index;
    LLVMValueRef function, ctx;
    LLVMValueRef store, memory_base, globals; /* loaded once at entry */
    uint32_t local_count;
    eng_valtype *local_types;
    LLVMValueRef *locals; /* allocas */
    LLVMValueRef *stack;
    uint32_t stack_size, stack_capacity;
    control *controls;
    uint32_t control_count, control_capacity;
    bool reachable;
    const eng_code *code; /* the interpreter's code of this function: its fuel marks */
    bool fuel, epoch;     /* ENG_CHECK_FUEL, ENG_CHECK_EPOCH compiled in */
    const uint8_t *instr; /* the instruction being translated */
    eng_reader r;
    uint32_t byte_offset; /* of the instruction being translated, in the module (set_location) */
    char *error;
} translator;

static inline void fail(translator *t, const char *message)
{
    if (!t->error) {
        t->error = malloc(strlen(message) + 64);
        if (t->error)
            sprintf(t->error, "function %u: %s", t->module->imported_func_count + t->def_index, message);
    }
}

static inline void push(translator *t, LLVMValueRef value)
{
    if (t->stack_size == t->stack_capacity) {
        uint32_t capacity = t->stack_capacity ? 2 * t->stack_capacity : 64;
        LLVMValueRef *grown = realloc(t->stack, capacity * sizeof *grown);
        if (!grown) {
            fail(t, "out of memory");
            return;
        }
        t->stack = grown;
        t->stack_capacity = capacity;
    }
    t->stack[t->stack_size++] = value;
}

static inline LLVMValueRef pop(translator *t)
{
    if (!t->stack_size) {
        fail(t, "operand stack underflow (internal error)");
        return LLVMGetUndef(t->s->i32);
    }
    return t->stack[--t->stack_size];
}

static inline LLVMValueRef const_i32(translator *t, uint32_t value) { return LLVMConstInt(t->s->i32, value, false); }
static inline LLVMValueRef const_i64(translator *t, uint64_t value) { return LLVMConstInt(t->s->i64, value, false); }

/* A field of the engine's structures at `offset` bytes from `base`. */
static inline LLVMValueRef field_address(translator *t, LLVMValueRef base, size_t offset)
{
    LLVMValueRef index = const_i64(t, offset);
    return LLVMBuildInBoundsGEP2(t->b, t->s->i8, base, &index, 1, "");
}

static inline LLVMValueRef load_invariant(translator *t, LLVMTypeRef type, LLVMValueRef address)
{
    LLVMValueRef value = LLVMBuildLoad2(t->b, type, address, "");
    LLVMSetMetadata(value, t->s->invariant_kind, t->s->invariant_node);
    return value;
}

static inline LLVMValueRef call_helper(translator *t, native_helper helper, LLVMValueRef *args, unsigned count)
{
    return LLVMBuildCall2(t->b, t->s->helper_types[helper], t->s->helpers[helper], args, count, "");
}

static inline LLVMValueRef call_intrinsic(translator *t, const char *name, LLVMTypeRef *overloads,
                                          unsigned overload_count, LLVMValueRef *args, unsigned count)
{
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    LLVMValueRef function = LLVMGetIntrinsicDeclaration(t->s->module, id, overloads, overload_count);
    LLVMTypeRef type = LLVMIntrinsicGetType(t->s->context, id, overloads, overload_count);
    return LLVMBuildCall2(t->b, type, function, args, count, "");
}

static inline LLVMValueRef effective_address(translator *t, LLVMValueRef address, uint32_t offset)
{
    LLVMValueRef wide = LLVMBuildZExt(t->b, address, t->s->i64, "");
    if (offset)
        wide = LLVMBuildAdd(t->b, wide, const_i64(t, offset), "");
    return LLVMBuildGEP2(t->b, t->s->i8, t->memory_base, &wide, 1, "");
}

static inline LLVMValueRef to_i32(translator *t, LLVMValueRef condition)
{
    return LLVMBuildZExt(t->b, condition, t->s->i32, "");
}

static inline LLVMValueRef unary_intrinsic(translator *t, const char *name, LLVMValueRef x)
{
    LLVMTypeRef type = LLVMTypeOf(x);
    return call_intrinsic(t, name, &type, 1, &x, 1);
}

static inline LLVMValueRef binary_intrinsic(translator *t, const char *name, LLVMValueRef x, LLVMValueRef y)
{
    LLVMTypeRef type = LLVMTypeOf(x);
    LLVMValueRef args[] = {x, y};
    return call_intrinsic(t, name, &type, 1, args, 2);
}

/* WebAssembly wants arithmetic results that are NaN to be quiet NaNs. The hardware's arithmetic
 * gives that, but LLVM's IR does not promise it: it folds x * 1.0, x + -0.0, x / -1.0 ... to x
 * or -x even when x is a signalling NaN, folds demote(promote(x)) to x, and lowers
 * minimum/maximum by passing a NaN operand through (llvm.canonicalize, made for this, cannot be
 * selected on x86 in LLVM 19). So where such a fold is possible (an operand that is a constant
 * when translated, a demote of a promote) the result is quieted explicitly: x + x when it is a
 * NaN. Other arithmetic is left alone and costs nothing. */
static inline LLVMValueRef quiet(translator *t, LLVMValueRef x)
{
    LLVMValueRef is_nan = LLVMBuildFCmp(t->b, LLVMRealUNO, x, x, "");
    return LLVMBuildSelect(t->b, is_nan, LLVMBuildFAdd(t->b, x, x, ""), x, "");
}

static inline LLVMValueRef quiet_if_foldable(translator *t, LLVMValueRef result, LLVMValueRef a, LLVMValueRef b)
{
    return LLVMIsConstant(a) || LLVMIsConstant(b) ? quiet(t, result) : result;
}

/* min/max: NaN in, quiet NaN out (a + b); otherwise LLVM's minimum/maximum (-0 < +0). */
static inline LLVMValueRef min_max(translator *t, const char *name, LLVMValueRef a, LLVMValueRef b)
{
    LLVMValueRef any_nan = LLVMBuildFCmp(t->b, LLVMRealUNO, a, b, "");
    return LLVMBuildSelect(t->b, any_nan, LLVMBuildFAdd(t->b, a, b, ""), binary_intrinsic(t, name, a, b), "");
}

static inline LLVMValueRef saturate(translator *t, LLVMValueRef x, LLVMTypeRef to, bool is_signed)
{
    LLVMTypeRef types[] = {to, LLVMTypeOf(x)};
    return call_intrinsic(t, is_signed ? "llvm.fptosi.sat" : "llvm.fptoui.sat", types, 2, &x, 1);
}

/* translate_simd.c: one SIMD row (a HANDLER kind simd_*), its immediates read from t->r. */
void llvm_translate_simd(translator *t, const eng_wasm_instruction *row);

#endif
