/* instructions.c: the WebAssembly instruction table and the lookup from opcode bytes, generated from instructions.h. */
#include "instructions.h"

#include "code.h"
#include "module.h"

/* Column values of the rows, spelled out. */
#define TYPE__ 0
#define TYPE_I32 ENG_I32
#define TYPE_I64 ENG_I64
#define TYPE_F32 ENG_F32
#define TYPE_F64 ENG_F64
#define TYPE_V128 ENG_V128
#define OP_SAME(symbol) ENG_OP_##symbol
#define OP_NOP(symbol) ENG_OP_NOP
#define DETAIL_0 0
#define DETAIL_1 1
#define DETAIL_2 2
#define DETAIL_3 3
#define DETAIL_4 4
#define DETAIL_8 8
#define DETAIL_16 16
#define DETAIL_PURE 0
#define DETAIL_TRAPS 1

const eng_wasm_instruction eng_wasm_instructions[ENG_WASM_INSTRUCTION_COUNT] = {
#define ROW(symbol, prefix, code, name, immediates, fuel, feature, handler, op, a, b, result, detail)          \
    [ENG_WASM_##symbol] = {                                                                                    \
        name,     prefix,        ENG_IMM_##immediates, fuel, ENG_FEATURE_##feature, OP_##op(symbol), TYPE_##a, \
        TYPE_##b, TYPE_##result, DETAIL_##detail,      code},
    ENG_WASM_INSTRUCTIONS(ROW)
#undef ROW
};

const uint16_t eng_wasm_lookup[256 + ENG_WASM_MISC_CODES + ENG_WASM_SIMD_CODES] = {
#define SLOT(symbol, prefix, code, ...) [ENG_WASM_LOOKUP_SLOT(prefix, code)] = ENG_WASM_##symbol + 1,
    ENG_WASM_INSTRUCTIONS(SLOT)
#undef SLOT
};
