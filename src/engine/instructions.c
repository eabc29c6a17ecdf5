/* instructions.c: the table of WebAssembly instructions and the lookup from opcode bytes, generated from instructions.h. */
#include "instructions.h"

#include "code.h"
#include "module.h"

/* Column values of the rows, spelled out. */
#define TYPE__ 0
#define TYPE_I32 WH_I32
#define TYPE_I64 WH_I64
#define TYPE_F32 WH_F32
#define TYPE_F64 WH_F64
#define OP_SAME(symbol) WH_OP_##symbol
#define OP_NOP(symbol) WH_OP_NOP
#define DETAIL_0 0
#define DETAIL_1 1
#define DETAIL_2 2
#define DETAIL_3 3
#define DETAIL_PURE 0
#define DETAIL_TRAPS 1

const wh_wasm_instruction wh_wasm_instructions[WH_WASM_INSTRUCTION_COUNT] = {
#define ROW(symbol, prefix, code, name, immediates, fuel, feature, handler, op, a, b, result, detail)                 \
    [WH_WASM_##symbol] = {name,          prefix,        WH_IMM_##immediates, fuel,           WH_FEATURE_##feature,    \
                          OP_##op(symbol), TYPE_##a,    TYPE_##b,            TYPE_##result,  DETAIL_##detail, code},
    WH_WASM_INSTRUCTIONS(ROW)
#undef ROW
};

const uint16_t wh_wasm_lookup[256 + WH_WASM_MISC_CODES] = {
#define SLOT(symbol, prefix, code, ...) [WH_WASM_LOOKUP_SLOT(prefix, code)] = WH_WASM_##symbol + 1,
    WH_WASM_INSTRUCTIONS(SLOT)
#undef SLOT
};
