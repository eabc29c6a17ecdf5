/* instructions.h: WebAssembly's instruction set, one table row per instruction (ENG_WASM_INSTRUCTIONS).
 *
 * This is the only list of wasm opcodes in the engine. Everything that depends on an opcode is
 * generated from it: the dense instruction numbering (eng_wasm_index), the table of what each
 * instruction is (eng_wasm_instructions[]), the lookup from the bytes of an opcode to its row
 * (eng_wasm_lookup), the compiler's dispatch (compile.c: one handler per row, a missing handler
 * does not compile) and the immediate scanner (compile_scan.c: by immediate kind).
 *
 * A row is X(SYMBOL, PREFIX, CODE, "name", IMMEDIATES, FUEL, FEATURE, HANDLER, OP, A, B, RESULT, DETAIL):
 *  - PREFIX, CODE: a one-byte opcode has prefix 0 and CODE the byte; a prefixed one (0xFC) has
 *    CODE the LEB128 number that follows the prefix.
 *  - IMMEDIATES: what follows the opcode in the binary (eng_wasm_immediates below).
 *  - FUEL: units charged when fuel is on: 0 for structure (block, loop, else, end), nop and
 *    drop, which do no work of their own; 1 for the rest.
 *  - FEATURE: the proposal that brought it into WebAssembly 2.0 (eng_wasm_feature).
 *  - HANDLER: the compiler translates the instruction with eng_compile_HANDLER(c, row).
 *  - OP, A, B, RESULT, DETAIL: for the handlers that work from the row alone (loads, stores,
 *    constants, numeric instructions). OP is the internal instruction it becomes: SAME for the
 *    one of the same name in code.h, NOP when the handler chooses (for a numeric instruction, NOP
 *    is a reinterpretation: the same bits, retyped). A and B are the operand types and RESULT
 *    the result type (_ for none); DETAIL is, for loads and stores, the natural alignment (log2
 *    of its bytes) and, for numeric instructions, TRAPS (it may trap) or PURE.
 *
 * Adding an instruction: one row here, plus its handler when no existing one fits.
 */
#ifndef ENG_INSTRUCTIONS_H
#define ENG_INSTRUCTIONS_H

#include <stdint.h>

/* What follows an opcode in the binary. */
typedef enum eng_wasm_immediates {
    ENG_IMM_NONE,
    ENG_IMM_BLOCKTYPE,     /* block, loop, if */
    ENG_IMM_LABEL,         /* a label index */
    ENG_IMM_LABEL_TABLE,   /* br_table: a vector of label indices, then the default */
    ENG_IMM_FUNC,          /* a function index */
    ENG_IMM_TYPE_TABLE,    /* call_indirect: a type index, a table index */
    ENG_IMM_VALTYPES,      /* typed select: a vector of value types */
    ENG_IMM_LOCAL,         /* a local index */
    ENG_IMM_GLOBAL,        /* a global index */
    ENG_IMM_TABLE,         /* a table index */
    ENG_IMM_TABLE_TABLE,   /* table.copy: destination and source tables */
    ENG_IMM_ELEM,          /* an element segment index */
    ENG_IMM_ELEM_TABLE,    /* table.init: an element segment, a table */
    ENG_IMM_DATA,          /* a data segment index (needs the data count section) */
    ENG_IMM_DATA_MEMORY,   /* memory.init: a data segment, memory 0 (a zero byte) */
    ENG_IMM_MEMARG,        /* alignment and offset */
    ENG_IMM_MEMORY,        /* memory 0: a zero byte */
    ENG_IMM_MEMORY_MEMORY, /* memory.copy: two zero bytes */
    ENG_IMM_I32,           /* signed LEB128, 32 bits */
    ENG_IMM_I64,           /* signed LEB128, 64 bits */
    ENG_IMM_F32,           /* 4 bytes, little-endian */
    ENG_IMM_F64,           /* 8 bytes, little-endian */
    ENG_IMM_REFTYPE,       /* ref.null: a reference type */
    ENG_IMM_MEMARG_LANE,   /* v128.load8_lane etc.: alignment, offset, then a lane index byte */
    ENG_IMM_LANE,          /* extract_lane/replace_lane: a lane index byte */
    ENG_IMM_V128,          /* v128.const: 16 bytes */
    ENG_IMM_LANES16,       /* i8x16.shuffle: 16 lane index bytes */
} eng_wasm_immediates;

typedef enum eng_wasm_feature {
    ENG_FEATURE_MVP,
    ENG_FEATURE_SIGN_EXTENSION,
    ENG_FEATURE_SATURATING_CONVERSIONS,
    ENG_FEATURE_BULK_MEMORY,
    ENG_FEATURE_REFERENCE_TYPES,
    ENG_FEATURE_SIMD,
} eng_wasm_feature;

/* The prefix byte of the "miscellaneous" instructions (saturating conversions, bulk memory, tables). */
#define ENG_WASM_PREFIX_MISC 0xfc
/* The prefix byte of SIMD instructions. */
#define ENG_WASM_PREFIX_SIMD 0xfd

/* clang-format off */
#define ENG_WASM_INSTRUCTIONS(X)                                                                                       \
    /* control */                                                                                                      \
    X(UNREACHABLE,   0, 0x00, "unreachable",   NONE,        1, MVP, unreachable,   NOP,  _, _, _, 0)                   \
    X(NOP,           0, 0x01, "nop",           NONE,        0, MVP, nop,           SAME, _, _, _, 0)                   \
    X(BLOCK,         0, 0x02, "block",         BLOCKTYPE,   0, MVP, block,         NOP,  _, _, _, 0)                   \
    X(LOOP,          0, 0x03, "loop",          BLOCKTYPE,   0, MVP, loop,          NOP,  _, _, _, 0)                   \
    X(IF,            0, 0x04, "if",            BLOCKTYPE,   1, MVP, if,            NOP,  _, _, _, 0)                   \
    X(ELSE,          0, 0x05, "else",          NONE,        0, MVP, else,          NOP,  _, _, _, 0)                   \
    X(END,           0, 0x0b, "end",           NONE,        0, MVP, end,           NOP,  _, _, _, 0)                   \
    X(BR,            0, 0x0c, "br",            LABEL,       1, MVP, br,            NOP,  _, _, _, 0)                   \
    X(BR_IF,         0, 0x0d, "br_if",         LABEL,       1, MVP, br_if,         NOP,  _, _, _, 0)                   \
    X(BR_TABLE,      0, 0x0e, "br_table",      LABEL_TABLE, 1, MVP, br_table,      NOP,  _, _, _, 0)                   \
    X(RETURN,        0, 0x0f, "return",        NONE,        1, MVP, return,        NOP,  _, _, _, 0)                   \
    X(CALL,          0, 0x10, "call",          FUNC,        1, MVP, call,          NOP,  _, _, _, 0)                   \
    X(CALL_INDIRECT, 0, 0x11, "call_indirect", TYPE_TABLE,  1, MVP, call_indirect, NOP,  _, _, _, 0)                   \
    /* parametric */                                                                                                   \
    X(DROP,         0, 0x1a, "drop",   NONE,     0, MVP,             drop,         NOP, _, _, _, 0)                    \
    X(SELECT,       0, 0x1b, "select", NONE,     1, MVP,             select,       NOP, _, _, _, 0)                    \
    X(SELECT_TYPED, 0, 0x1c, "select", VALTYPES, 1, REFERENCE_TYPES, select_typed, NOP, _, _, _, 0)                    \
    /* variables */                                                                                                    \
    X(LOCAL_GET,  0, 0x20, "local.get",  LOCAL,  1, MVP, local_get,  NOP, _, _, _, 0)                                  \
    X(LOCAL_SET,  0, 0x21, "local.set",  LOCAL,  1, MVP, local_set,  NOP, _, _, _, 0)                                  \
    X(LOCAL_TEE,  0, 0x22, "local.tee",  LOCAL,  1, MVP, local_tee,  NOP, _, _, _, 0)                                  \
    X(GLOBAL_GET, 0, 0x23, "global.get", GLOBAL, 1, MVP, global_get, NOP, _, _, _, 0)                                  \
    X(GLOBAL_SET, 0, 0x24, "global.set", GLOBAL, 1, MVP, global_set, NOP, _, _, _, 0)                                  \
    /* tables */                                                                                                       \
    X(TABLE_GET, 0, 0x25, "table.get", TABLE, 1, REFERENCE_TYPES, table_get, SAME, _, _, _, 0)                         \
    X(TABLE_SET, 0, 0x26, "table.set", TABLE, 1, REFERENCE_TYPES, table_set, SAME, _, _, _, 0)                         \
    /* memory: loads and stores (A: the address; RESULT or B: the value; DETAIL: natural alignment) */                 \
    X(I32_LOAD,     0, 0x28, "i32.load",     MEMARG, 1, MVP, load,        SAME, I32, _,   I32, 2)                      \
    X(I64_LOAD,     0, 0x29, "i64.load",     MEMARG, 1, MVP, load,        SAME, I32, _,   I64, 3)                      \
    X(F32_LOAD,     0, 0x2a, "f32.load",     MEMARG, 1, MVP, load,        SAME, I32, _,   F32, 2)                      \
    X(F64_LOAD,     0, 0x2b, "f64.load",     MEMARG, 1, MVP, load,        SAME, I32, _,   F64, 3)                      \
    X(I32_LOAD8_S,  0, 0x2c, "i32.load8_s",  MEMARG, 1, MVP, load,        SAME, I32, _,   I32, 0)                      \
    X(I32_LOAD8_U,  0, 0x2d, "i32.load8_u",  MEMARG, 1, MVP, load,        SAME, I32, _,   I32, 0)                      \
    X(I32_LOAD16_S, 0, 0x2e, "i32.load16_s", MEMARG, 1, MVP, load,        SAME, I32, _,   I32, 1)                      \
    X(I32_LOAD16_U, 0, 0x2f, "i32.load16_u", MEMARG, 1, MVP, load,        SAME, I32, _,   I32, 1)                      \
    X(I64_LOAD8_S,  0, 0x30, "i64.load8_s",  MEMARG, 1, MVP, load,        SAME, I32, _,   I64, 0)                      \
    X(I64_LOAD8_U,  0, 0x31, "i64.load8_u",  MEMARG, 1, MVP, load,        SAME, I32, _,   I64, 0)                      \
    X(I64_LOAD16_S, 0, 0x32, "i64.load16_s", MEMARG, 1, MVP, load,        SAME, I32, _,   I64, 1)                      \
    X(I64_LOAD16_U, 0, 0x33, "i64.load16_u", MEMARG, 1, MVP, load,        SAME, I32, _,   I64, 1)                      \
    X(I64_LOAD32_S, 0, 0x34, "i64.load32_s", MEMARG, 1, MVP, load,        SAME, I32, _,   I64, 2)                      \
    X(I64_LOAD32_U, 0, 0x35, "i64.load32_u", MEMARG, 1, MVP, load,        SAME, I32, _,   I64, 2)                      \
    X(I32_STORE,    0, 0x36, "i32.store",    MEMARG, 1, MVP, store,       SAME, I32, I32, _,   2)                      \
    X(I64_STORE,    0, 0x37, "i64.store",    MEMARG, 1, MVP, store,       SAME, I32, I64, _,   3)                      \
    X(F32_STORE,    0, 0x38, "f32.store",    MEMARG, 1, MVP, store,       SAME, I32, F32, _,   2)                      \
    X(F64_STORE,    0, 0x39, "f64.store",    MEMARG, 1, MVP, store,       SAME, I32, F64, _,   3)                      \
    X(I32_STORE8,   0, 0x3a, "i32.store8",   MEMARG, 1, MVP, store,       SAME, I32, I32, _,   0)                      \
    X(I32_STORE16,  0, 0x3b, "i32.store16",  MEMARG, 1, MVP, store,       SAME, I32, I32, _,   1)                      \
    X(I64_STORE8,   0, 0x3c, "i64.store8",   MEMARG, 1, MVP, store,       SAME, I32, I64, _,   0)                      \
    X(I64_STORE16,  0, 0x3d, "i64.store16",  MEMARG, 1, MVP, store,       SAME, I32, I64, _,   1)                      \
    X(I64_STORE32,  0, 0x3e, "i64.store32",  MEMARG, 1, MVP, store,       SAME, I32, I64, _,   2)                      \
    X(MEMORY_SIZE,  0, 0x3f, "memory.size",  MEMORY, 1, MVP, memory_size, SAME, _,   _,   _,   0)                      \
    X(MEMORY_GROW,  0, 0x40, "memory.grow",  MEMORY, 1, MVP, memory_grow, SAME, _,   _,   _,   0)                      \
    /* constants */                                                                                                    \
    X(I32_CONST, 0, 0x41, "i32.const", I32, 1, MVP, const, NOP, _, _, I32, 0)                                          \
    X(I64_CONST, 0, 0x42, "i64.const", I64, 1, MVP, const, NOP, _, _, I64, 0)                                          \
    X(F32_CONST, 0, 0x43, "f32.const", F32, 1, MVP, const, NOP, _, _, F32, 0)                                          \
    X(F64_CONST, 0, 0x44, "f64.const", F64, 1, MVP, const, NOP, _, _, F64, 0)                                          \
    /* numeric (OP: the internal instruction, NOP for a reinterpretation; DETAIL: whether it may trap) */              \
    X(I32_EQZ,             0, 0x45, "i32.eqz",             NONE, 1, MVP, numeric, SAME, I32, _,   I32, PURE)           \
    X(I32_EQ,              0, 0x46, "i32.eq",              NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_NE,              0, 0x47, "i32.ne",              NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_LT_S,            0, 0x48, "i32.lt_s",            NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_LT_U,            0, 0x49, "i32.lt_u",            NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_GT_S,            0, 0x4a, "i32.gt_s",            NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_GT_U,            0, 0x4b, "i32.gt_u",            NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_LE_S,            0, 0x4c, "i32.le_s",            NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_LE_U,            0, 0x4d, "i32.le_u",            NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_GE_S,            0, 0x4e, "i32.ge_s",            NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_GE_U,            0, 0x4f, "i32.ge_u",            NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I64_EQZ,             0, 0x50, "i64.eqz",             NONE, 1, MVP, numeric, SAME, I64, _,   I32, PURE)           \
    X(I64_EQ,              0, 0x51, "i64.eq",              NONE, 1, MVP, numeric, SAME, I64, I64, I32, PURE)           \
    X(I64_NE,              0, 0x52, "i64.ne",              NONE, 1, MVP, numeric, SAME, I64, I64, I32, PURE)           \
    X(I64_LT_S,            0, 0x53, "i64.lt_s",            NONE, 1, MVP, numeric, SAME, I64, I64, I32, PURE)           \
    X(I64_LT_U,            0, 0x54, "i64.lt_u",            NONE, 1, MVP, numeric, SAME, I64, I64, I32, PURE)           \
    X(I64_GT_S,            0, 0x55, "i64.gt_s",            NONE, 1, MVP, numeric, SAME, I64, I64, I32, PURE)           \
    X(I64_GT_U,            0, 0x56, "i64.gt_u",            NONE, 1, MVP, numeric, SAME, I64, I64, I32, PURE)           \
    X(I64_LE_S,            0, 0x57, "i64.le_s",            NONE, 1, MVP, numeric, SAME, I64, I64, I32, PURE)           \
    X(I64_LE_U,            0, 0x58, "i64.le_u",            NONE, 1, MVP, numeric, SAME, I64, I64, I32, PURE)           \
    X(I64_GE_S,            0, 0x59, "i64.ge_s",            NONE, 1, MVP, numeric, SAME, I64, I64, I32, PURE)           \
    X(I64_GE_U,            0, 0x5a, "i64.ge_u",            NONE, 1, MVP, numeric, SAME, I64, I64, I32, PURE)           \
    X(F32_EQ,              0, 0x5b, "f32.eq",              NONE, 1, MVP, numeric, SAME, F32, F32, I32, PURE)           \
    X(F32_NE,              0, 0x5c, "f32.ne",              NONE, 1, MVP, numeric, SAME, F32, F32, I32, PURE)           \
    X(F32_LT,              0, 0x5d, "f32.lt",              NONE, 1, MVP, numeric, SAME, F32, F32, I32, PURE)           \
    X(F32_GT,              0, 0x5e, "f32.gt",              NONE, 1, MVP, numeric, SAME, F32, F32, I32, PURE)           \
    X(F32_LE,              0, 0x5f, "f32.le",              NONE, 1, MVP, numeric, SAME, F32, F32, I32, PURE)           \
    X(F32_GE,              0, 0x60, "f32.ge",              NONE, 1, MVP, numeric, SAME, F32, F32, I32, PURE)           \
    X(F64_EQ,              0, 0x61, "f64.eq",              NONE, 1, MVP, numeric, SAME, F64, F64, I32, PURE)           \
    X(F64_NE,              0, 0x62, "f64.ne",              NONE, 1, MVP, numeric, SAME, F64, F64, I32, PURE)           \
    X(F64_LT,              0, 0x63, "f64.lt",              NONE, 1, MVP, numeric, SAME, F64, F64, I32, PURE)           \
    X(F64_GT,              0, 0x64, "f64.gt",              NONE, 1, MVP, numeric, SAME, F64, F64, I32, PURE)           \
    X(F64_LE,              0, 0x65, "f64.le",              NONE, 1, MVP, numeric, SAME, F64, F64, I32, PURE)           \
    X(F64_GE,              0, 0x66, "f64.ge",              NONE, 1, MVP, numeric, SAME, F64, F64, I32, PURE)           \
    X(I32_CLZ,             0, 0x67, "i32.clz",             NONE, 1, MVP, numeric, SAME, I32, _,   I32, PURE)           \
    X(I32_CTZ,             0, 0x68, "i32.ctz",             NONE, 1, MVP, numeric, SAME, I32, _,   I32, PURE)           \
    X(I32_POPCNT,          0, 0x69, "i32.popcnt",          NONE, 1, MVP, numeric, SAME, I32, _,   I32, PURE)           \
    X(I32_ADD,             0, 0x6a, "i32.add",             NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_SUB,             0, 0x6b, "i32.sub",             NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_MUL,             0, 0x6c, "i32.mul",             NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_DIV_S,           0, 0x6d, "i32.div_s",           NONE, 1, MVP, numeric, SAME, I32, I32, I32, TRAPS)          \
    X(I32_DIV_U,           0, 0x6e, "i32.div_u",           NONE, 1, MVP, numeric, SAME, I32, I32, I32, TRAPS)          \
    X(I32_REM_S,           0, 0x6f, "i32.rem_s",           NONE, 1, MVP, numeric, SAME, I32, I32, I32, TRAPS)          \
    X(I32_REM_U,           0, 0x70, "i32.rem_u",           NONE, 1, MVP, numeric, SAME, I32, I32, I32, TRAPS)          \
    X(I32_AND,             0, 0x71, "i32.and",             NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_OR,              0, 0x72, "i32.or",              NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_XOR,             0, 0x73, "i32.xor",             NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_SHL,             0, 0x74, "i32.shl",             NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_SHR_S,           0, 0x75, "i32.shr_s",           NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_SHR_U,           0, 0x76, "i32.shr_u",           NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_ROTL,            0, 0x77, "i32.rotl",            NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I32_ROTR,            0, 0x78, "i32.rotr",            NONE, 1, MVP, numeric, SAME, I32, I32, I32, PURE)           \
    X(I64_CLZ,             0, 0x79, "i64.clz",             NONE, 1, MVP, numeric, SAME, I64, _,   I64, PURE)           \
    X(I64_CTZ,             0, 0x7a, "i64.ctz",             NONE, 1, MVP, numeric, SAME, I64, _,   I64, PURE)           \
    X(I64_POPCNT,          0, 0x7b, "i64.popcnt",          NONE, 1, MVP, numeric, SAME, I64, _,   I64, PURE)           \
    X(I64_ADD,             0, 0x7c, "i64.add",             NONE, 1, MVP, numeric, SAME, I64, I64, I64, PURE)           \
    X(I64_SUB,             0, 0x7d, "i64.sub",             NONE, 1, MVP, numeric, SAME, I64, I64, I64, PURE)           \
    X(I64_MUL,             0, 0x7e, "i64.mul",             NONE, 1, MVP, numeric, SAME, I64, I64, I64, PURE)           \
    X(I64_DIV_S,           0, 0x7f, "i64.div_s",           NONE, 1, MVP, numeric, SAME, I64, I64, I64, TRAPS)          \
    X(I64_DIV_U,           0, 0x80, "i64.div_u",           NONE, 1, MVP, numeric, SAME, I64, I64, I64, TRAPS)          \
    X(I64_REM_S,           0, 0x81, "i64.rem_s",           NONE, 1, MVP, numeric, SAME, I64, I64, I64, TRAPS)          \
    X(I64_REM_U,           0, 0x82, "i64.rem_u",           NONE, 1, MVP, numeric, SAME, I64, I64, I64, TRAPS)          \
    X(I64_AND,             0, 0x83, "i64.and",             NONE, 1, MVP, numeric, SAME, I64, I64, I64, PURE)           \
    X(I64_OR,              0, 0x84, "i64.or",              NONE, 1, MVP, numeric, SAME, I64, I64, I64, PURE)           \
    X(I64_XOR,             0, 0x85, "i64.xor",             NONE, 1, MVP, numeric, SAME, I64, I64, I64, PURE)           \
    X(I64_SHL,             0, 0x86, "i64.shl",             NONE, 1, MVP, numeric, SAME, I64, I64, I64, PURE)           \
    X(I64_SHR_S,           0, 0x87, "i64.shr_s",           NONE, 1, MVP, numeric, SAME, I64, I64, I64, PURE)           \
    X(I64_SHR_U,           0, 0x88, "i64.shr_u",           NONE, 1, MVP, numeric, SAME, I64, I64, I64, PURE)           \
    X(I64_ROTL,            0, 0x89, "i64.rotl",            NONE, 1, MVP, numeric, SAME, I64, I64, I64, PURE)           \
    X(I64_ROTR,            0, 0x8a, "i64.rotr",            NONE, 1, MVP, numeric, SAME, I64, I64, I64, PURE)           \
    X(F32_ABS,             0, 0x8b, "f32.abs",             NONE, 1, MVP, numeric, SAME, F32, _,   F32, PURE)           \
    X(F32_NEG,             0, 0x8c, "f32.neg",             NONE, 1, MVP, numeric, SAME, F32, _,   F32, PURE)           \
    X(F32_CEIL,            0, 0x8d, "f32.ceil",            NONE, 1, MVP, numeric, SAME, F32, _,   F32, PURE)           \
    X(F32_FLOOR,           0, 0x8e, "f32.floor",           NONE, 1, MVP, numeric, SAME, F32, _,   F32, PURE)           \
    X(F32_TRUNC,           0, 0x8f, "f32.trunc",           NONE, 1, MVP, numeric, SAME, F32, _,   F32, PURE)           \
    X(F32_NEAREST,         0, 0x90, "f32.nearest",         NONE, 1, MVP, numeric, SAME, F32, _,   F32, PURE)           \
    X(F32_SQRT,            0, 0x91, "f32.sqrt",            NONE, 1, MVP, numeric, SAME, F32, _,   F32, PURE)           \
    X(F32_ADD,             0, 0x92, "f32.add",             NONE, 1, MVP, numeric, SAME, F32, F32, F32, PURE)           \
    X(F32_SUB,             0, 0x93, "f32.sub",             NONE, 1, MVP, numeric, SAME, F32, F32, F32, PURE)           \
    X(F32_MUL,             0, 0x94, "f32.mul",             NONE, 1, MVP, numeric, SAME, F32, F32, F32, PURE)           \
    X(F32_DIV,             0, 0x95, "f32.div",             NONE, 1, MVP, numeric, SAME, F32, F32, F32, PURE)           \
    X(F32_MIN,             0, 0x96, "f32.min",             NONE, 1, MVP, numeric, SAME, F32, F32, F32, PURE)           \
    X(F32_MAX,             0, 0x97, "f32.max",             NONE, 1, MVP, numeric, SAME, F32, F32, F32, PURE)           \
    X(F32_COPYSIGN,        0, 0x98, "f32.copysign",        NONE, 1, MVP, numeric, SAME, F32, F32, F32, PURE)           \
    X(F64_ABS,             0, 0x99, "f64.abs",             NONE, 1, MVP, numeric, SAME, F64, _,   F64, PURE)           \
    X(F64_NEG,             0, 0x9a, "f64.neg",             NONE, 1, MVP, numeric, SAME, F64, _,   F64, PURE)           \
    X(F64_CEIL,            0, 0x9b, "f64.ceil",            NONE, 1, MVP, numeric, SAME, F64, _,   F64, PURE)           \
    X(F64_FLOOR,           0, 0x9c, "f64.floor",           NONE, 1, MVP, numeric, SAME, F64, _,   F64, PURE)           \
    X(F64_TRUNC,           0, 0x9d, "f64.trunc",           NONE, 1, MVP, numeric, SAME, F64, _,   F64, PURE)           \
    X(F64_NEAREST,         0, 0x9e, "f64.nearest",         NONE, 1, MVP, numeric, SAME, F64, _,   F64, PURE)           \
    X(F64_SQRT,            0, 0x9f, "f64.sqrt",            NONE, 1, MVP, numeric, SAME, F64, _,   F64, PURE)           \
    X(F64_ADD,             0, 0xa0, "f64.add",             NONE, 1, MVP, numeric, SAME, F64, F64, F64, PURE)           \
    X(F64_SUB,             0, 0xa1, "f64.sub",             NONE, 1, MVP, numeric, SAME, F64, F64, F64, PURE)           \
    X(F64_MUL,             0, 0xa2, "f64.mul",             NONE, 1, MVP, numeric, SAME, F64, F64, F64, PURE)           \
    X(F64_DIV,             0, 0xa3, "f64.div",             NONE, 1, MVP, numeric, SAME, F64, F64, F64, PURE)           \
    X(F64_MIN,             0, 0xa4, "f64.min",             NONE, 1, MVP, numeric, SAME, F64, F64, F64, PURE)           \
    X(F64_MAX,             0, 0xa5, "f64.max",             NONE, 1, MVP, numeric, SAME, F64, F64, F64, PURE)           \
    X(F64_COPYSIGN,        0, 0xa6, "f64.copysign",        NONE, 1, MVP, numeric, SAME, F64, F64, F64, PURE)           \
    X(I32_WRAP_I64,        0, 0xa7, "i32.wrap_i64",        NONE, 1, MVP, numeric, SAME, I64, _,   I32, PURE)           \
    X(I32_TRUNC_F32_S,     0, 0xa8, "i32.trunc_f32_s",     NONE, 1, MVP, numeric, SAME, F32, _,   I32, TRAPS)          \
    X(I32_TRUNC_F32_U,     0, 0xa9, "i32.trunc_f32_u",     NONE, 1, MVP, numeric, SAME, F32, _,   I32, TRAPS)          \
    X(I32_TRUNC_F64_S,     0, 0xaa, "i32.trunc_f64_s",     NONE, 1, MVP, numeric, SAME, F64, _,   I32, TRAPS)          \
    X(I32_TRUNC_F64_U,     0, 0xab, "i32.trunc_f64_u",     NONE, 1, MVP, numeric, SAME, F64, _,   I32, TRAPS)          \
    X(I64_EXTEND_I32_S,    0, 0xac, "i64.extend_i32_s",    NONE, 1, MVP, numeric, SAME, I32, _,   I64, PURE)           \
    X(I64_EXTEND_I32_U,    0, 0xad, "i64.extend_i32_u",    NONE, 1, MVP, numeric, SAME, I32, _,   I64, PURE)           \
    X(I64_TRUNC_F32_S,     0, 0xae, "i64.trunc_f32_s",     NONE, 1, MVP, numeric, SAME, F32, _,   I64, TRAPS)          \
    X(I64_TRUNC_F32_U,     0, 0xaf, "i64.trunc_f32_u",     NONE, 1, MVP, numeric, SAME, F32, _,   I64, TRAPS)          \
    X(I64_TRUNC_F64_S,     0, 0xb0, "i64.trunc_f64_s",     NONE, 1, MVP, numeric, SAME, F64, _,   I64, TRAPS)          \
    X(I64_TRUNC_F64_U,     0, 0xb1, "i64.trunc_f64_u",     NONE, 1, MVP, numeric, SAME, F64, _,   I64, TRAPS)          \
    X(F32_CONVERT_I32_S,   0, 0xb2, "f32.convert_i32_s",   NONE, 1, MVP, numeric, SAME, I32, _,   F32, PURE)           \
    X(F32_CONVERT_I32_U,   0, 0xb3, "f32.convert_i32_u",   NONE, 1, MVP, numeric, SAME, I32, _,   F32, PURE)           \
    X(F32_CONVERT_I64_S,   0, 0xb4, "f32.convert_i64_s",   NONE, 1, MVP, numeric, SAME, I64, _,   F32, PURE)           \
    X(F32_CONVERT_I64_U,   0, 0xb5, "f32.convert_i64_u",   NONE, 1, MVP, numeric, SAME, I64, _,   F32, PURE)           \
    X(F32_DEMOTE_F64,      0, 0xb6, "f32.demote_f64",      NONE, 1, MVP, numeric, SAME, F64, _,   F32, PURE)           \
    X(F64_CONVERT_I32_S,   0, 0xb7, "f64.convert_i32_s",   NONE, 1, MVP, numeric, SAME, I32, _,   F64, PURE)           \
    X(F64_CONVERT_I32_U,   0, 0xb8, "f64.convert_i32_u",   NONE, 1, MVP, numeric, SAME, I32, _,   F64, PURE)           \
    X(F64_CONVERT_I64_S,   0, 0xb9, "f64.convert_i64_s",   NONE, 1, MVP, numeric, SAME, I64, _,   F64, PURE)           \
    X(F64_CONVERT_I64_U,   0, 0xba, "f64.convert_i64_u",   NONE, 1, MVP, numeric, SAME, I64, _,   F64, PURE)           \
    X(F64_PROMOTE_F32,     0, 0xbb, "f64.promote_f32",     NONE, 1, MVP, numeric, SAME, F32, _,   F64, PURE)           \
    X(I32_REINTERPRET_F32, 0, 0xbc, "i32.reinterpret_f32", NONE, 1, MVP, numeric, NOP,  F32, _,   I32, PURE)           \
    X(I64_REINTERPRET_F64, 0, 0xbd, "i64.reinterpret_f64", NONE, 1, MVP, numeric, NOP,  F64, _,   I64, PURE)           \
    X(F32_REINTERPRET_I32, 0, 0xbe, "f32.reinterpret_i32", NONE, 1, MVP, numeric, NOP,  I32, _,   F32, PURE)           \
    X(F64_REINTERPRET_I64, 0, 0xbf, "f64.reinterpret_i64", NONE, 1, MVP, numeric, NOP,  I64, _,   F64, PURE)           \
    /* sign extension */                                                                                               \
    X(I32_EXTEND8_S,  0, 0xc0, "i32.extend8_s",  NONE, 1, SIGN_EXTENSION, numeric, SAME, I32, _, I32, PURE)            \
    X(I32_EXTEND16_S, 0, 0xc1, "i32.extend16_s", NONE, 1, SIGN_EXTENSION, numeric, SAME, I32, _, I32, PURE)            \
    X(I64_EXTEND8_S,  0, 0xc2, "i64.extend8_s",  NONE, 1, SIGN_EXTENSION, numeric, SAME, I64, _, I64, PURE)            \
    X(I64_EXTEND16_S, 0, 0xc3, "i64.extend16_s", NONE, 1, SIGN_EXTENSION, numeric, SAME, I64, _, I64, PURE)            \
    X(I64_EXTEND32_S, 0, 0xc4, "i64.extend32_s", NONE, 1, SIGN_EXTENSION, numeric, SAME, I64, _, I64, PURE)            \
    /* references */                                                                                                   \
    X(REF_NULL,    0, 0xd0, "ref.null",    REFTYPE, 1, REFERENCE_TYPES, ref_null,    NOP,  _, _, _, 0)                 \
    X(REF_IS_NULL, 0, 0xd1, "ref.is_null", NONE,    1, REFERENCE_TYPES, ref_is_null, SAME, _, _, _, 0)                 \
    X(REF_FUNC,    0, 0xd2, "ref.func",    FUNC,    1, REFERENCE_TYPES, ref_func,    SAME, _, _, _, 0)                 \
    /* 0xFC: saturating conversions */                                                                                 \
    X(I32_TRUNC_SAT_F32_S, 0xfc, 0, "i32.trunc_sat_f32_s", NONE, 1, SATURATING_CONVERSIONS,                            \
      numeric, SAME, F32, _, I32, PURE)                                                                                \
    X(I32_TRUNC_SAT_F32_U, 0xfc, 1, "i32.trunc_sat_f32_u", NONE, 1, SATURATING_CONVERSIONS,                            \
      numeric, SAME, F32, _, I32, PURE)                                                                                \
    X(I32_TRUNC_SAT_F64_S, 0xfc, 2, "i32.trunc_sat_f64_s", NONE, 1, SATURATING_CONVERSIONS,                            \
      numeric, SAME, F64, _, I32, PURE)                                                                                \
    X(I32_TRUNC_SAT_F64_U, 0xfc, 3, "i32.trunc_sat_f64_u", NONE, 1, SATURATING_CONVERSIONS,                            \
      numeric, SAME, F64, _, I32, PURE)                                                                                \
    X(I64_TRUNC_SAT_F32_S, 0xfc, 4, "i64.trunc_sat_f32_s", NONE, 1, SATURATING_CONVERSIONS,                            \
      numeric, SAME, F32, _, I64, PURE)                                                                                \
    X(I64_TRUNC_SAT_F32_U, 0xfc, 5, "i64.trunc_sat_f32_u", NONE, 1, SATURATING_CONVERSIONS,                            \
      numeric, SAME, F32, _, I64, PURE)                                                                                \
    X(I64_TRUNC_SAT_F64_S, 0xfc, 6, "i64.trunc_sat_f64_s", NONE, 1, SATURATING_CONVERSIONS,                            \
      numeric, SAME, F64, _, I64, PURE)                                                                                \
    X(I64_TRUNC_SAT_F64_U, 0xfc, 7, "i64.trunc_sat_f64_u", NONE, 1, SATURATING_CONVERSIONS,                            \
      numeric, SAME, F64, _, I64, PURE)                                                                                \
    /* 0xFC: bulk memory and tables */                                                                                 \
    X(MEMORY_INIT, 0xfc, 8,  "memory.init", DATA_MEMORY,   1, BULK_MEMORY,     memory_init, SAME, _, _, _, 0)          \
    X(DATA_DROP,   0xfc, 9,  "data.drop",   DATA,          1, BULK_MEMORY,     data_drop,   SAME, _, _, _, 0)          \
    X(MEMORY_COPY, 0xfc, 10, "memory.copy", MEMORY_MEMORY, 1, BULK_MEMORY,     memory_copy, SAME, _, _, _, 0)          \
    X(MEMORY_FILL, 0xfc, 11, "memory.fill", MEMORY,        1, BULK_MEMORY,     memory_fill, SAME, _, _, _, 0)          \
    X(TABLE_INIT,  0xfc, 12, "table.init",  ELEM_TABLE,    1, BULK_MEMORY,     table_init,  SAME, _, _, _, 0)          \
    X(ELEM_DROP,   0xfc, 13, "elem.drop",   ELEM,          1, BULK_MEMORY,     elem_drop,   SAME, _, _, _, 0)          \
    X(TABLE_COPY,  0xfc, 14, "table.copy",  TABLE_TABLE,   1, BULK_MEMORY,     table_copy,  SAME, _, _, _, 0)          \
    X(TABLE_GROW,  0xfc, 15, "table.grow",  TABLE,         1, REFERENCE_TYPES, table_grow,  SAME, _, _, _, 0)          \
    X(TABLE_SIZE,  0xfc, 16, "table.size",  TABLE,         1, REFERENCE_TYPES, table_size,  SAME, _, _, _, 0)          \
    X(TABLE_FILL,  0xfc, 17, "table.fill",  TABLE,         1, REFERENCE_TYPES, table_fill,  SAME, _, _, _, 0)          \
    ENG_WASM_SIMD_INSTRUCTIONS(X)

/* 0xFD: SIMD, 128-bit vectors (a row per instruction, as above; OP is always SAME: each has an
 * internal instruction of its own, whose operands the HANDLER's kind decides, see code.h).
 * Columns per HANDLER: simd_load: A the address, RESULT V128, DETAIL the natural alignment;
 * simd_store: B the value; simd_load_lane/simd_store_lane: DETAIL the natural alignment, which
 * also gives the lane count (16 >> DETAIL); simd_extract/simd_replace: DETAIL the lane count,
 * RESULT or B the scalar; simd_splat: A the scalar; simd_shuffle: DETAIL the lane count of each
 * operand (its 16 immediate lane indices pick from both: below 2 * DETAIL). */
#define ENG_WASM_SIMD_INSTRUCTIONS(X)                                                                                  \
    X(V128_LOAD,                       0xfd, 0x00, "v128.load",                     MEMARG,      1, SIMD, simd_load,       SAME, I32,  _,    V128, 4)  \
    X(V128_LOAD8X8_S,                  0xfd, 0x01, "v128.load8x8_s",                MEMARG,      1, SIMD, simd_load,       SAME, I32,  _,    V128, 3)  \
    X(V128_LOAD8X8_U,                  0xfd, 0x02, "v128.load8x8_u",                MEMARG,      1, SIMD, simd_load,       SAME, I32,  _,    V128, 3)  \
    X(V128_LOAD16X4_S,                 0xfd, 0x03, "v128.load16x4_s",               MEMARG,      1, SIMD, simd_load,       SAME, I32,  _,    V128, 3)  \
    X(V128_LOAD16X4_U,                 0xfd, 0x04, "v128.load16x4_u",               MEMARG,      1, SIMD, simd_load,       SAME, I32,  _,    V128, 3)  \
    X(V128_LOAD32X2_S,                 0xfd, 0x05, "v128.load32x2_s",               MEMARG,      1, SIMD, simd_load,       SAME, I32,  _,    V128, 3)  \
    X(V128_LOAD32X2_U,                 0xfd, 0x06, "v128.load32x2_u",               MEMARG,      1, SIMD, simd_load,       SAME, I32,  _,    V128, 3)  \
    X(V128_LOAD8_SPLAT,                0xfd, 0x07, "v128.load8_splat",              MEMARG,      1, SIMD, simd_load,       SAME, I32,  _,    V128, 0)  \
    X(V128_LOAD16_SPLAT,               0xfd, 0x08, "v128.load16_splat",             MEMARG,      1, SIMD, simd_load,       SAME, I32,  _,    V128, 1)  \
    X(V128_LOAD32_SPLAT,               0xfd, 0x09, "v128.load32_splat",             MEMARG,      1, SIMD, simd_load,       SAME, I32,  _,    V128, 2)  \
    X(V128_LOAD64_SPLAT,               0xfd, 0x0a, "v128.load64_splat",             MEMARG,      1, SIMD, simd_load,       SAME, I32,  _,    V128, 3)  \
    X(V128_STORE,                      0xfd, 0x0b, "v128.store",                    MEMARG,      1, SIMD, simd_store,      SAME, I32,  V128, _,    4)  \
    X(V128_CONST,                      0xfd, 0x0c, "v128.const",                    V128,        1, SIMD, simd_const,      SAME, _,    _,    V128, 0)  \
    X(I8X16_SHUFFLE,                   0xfd, 0x0d, "i8x16.shuffle",                 LANES16,     1, SIMD, simd_shuffle,    SAME, V128, V128, V128, 16) \
    X(I8X16_SWIZZLE,                   0xfd, 0x0e, "i8x16.swizzle",                 NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_SPLAT,                     0xfd, 0x0f, "i8x16.splat",                   NONE,        1, SIMD, simd_splat,      SAME, I32,  _,    V128, 0)  \
    X(I16X8_SPLAT,                     0xfd, 0x10, "i16x8.splat",                   NONE,        1, SIMD, simd_splat,      SAME, I32,  _,    V128, 0)  \
    X(I32X4_SPLAT,                     0xfd, 0x11, "i32x4.splat",                   NONE,        1, SIMD, simd_splat,      SAME, I32,  _,    V128, 0)  \
    X(I64X2_SPLAT,                     0xfd, 0x12, "i64x2.splat",                   NONE,        1, SIMD, simd_splat,      SAME, I64,  _,    V128, 0)  \
    X(F32X4_SPLAT,                     0xfd, 0x13, "f32x4.splat",                   NONE,        1, SIMD, simd_splat,      SAME, F32,  _,    V128, 0)  \
    X(F64X2_SPLAT,                     0xfd, 0x14, "f64x2.splat",                   NONE,        1, SIMD, simd_splat,      SAME, F64,  _,    V128, 0)  \
    X(I8X16_EXTRACT_LANE_S,            0xfd, 0x15, "i8x16.extract_lane_s",          LANE,        1, SIMD, simd_extract,    SAME, V128, _,    I32,  16) \
    X(I8X16_EXTRACT_LANE_U,            0xfd, 0x16, "i8x16.extract_lane_u",          LANE,        1, SIMD, simd_extract,    SAME, V128, _,    I32,  16) \
    X(I8X16_REPLACE_LANE,              0xfd, 0x17, "i8x16.replace_lane",            LANE,        1, SIMD, simd_replace,    SAME, V128, I32,  V128, 16) \
    X(I16X8_EXTRACT_LANE_S,            0xfd, 0x18, "i16x8.extract_lane_s",          LANE,        1, SIMD, simd_extract,    SAME, V128, _,    I32,  8)  \
    X(I16X8_EXTRACT_LANE_U,            0xfd, 0x19, "i16x8.extract_lane_u",          LANE,        1, SIMD, simd_extract,    SAME, V128, _,    I32,  8)  \
    X(I16X8_REPLACE_LANE,              0xfd, 0x1a, "i16x8.replace_lane",            LANE,        1, SIMD, simd_replace,    SAME, V128, I32,  V128, 8)  \
    X(I32X4_EXTRACT_LANE,              0xfd, 0x1b, "i32x4.extract_lane",            LANE,        1, SIMD, simd_extract,    SAME, V128, _,    I32,  4)  \
    X(I32X4_REPLACE_LANE,              0xfd, 0x1c, "i32x4.replace_lane",            LANE,        1, SIMD, simd_replace,    SAME, V128, I32,  V128, 4)  \
    X(I64X2_EXTRACT_LANE,              0xfd, 0x1d, "i64x2.extract_lane",            LANE,        1, SIMD, simd_extract,    SAME, V128, _,    I64,  2)  \
    X(I64X2_REPLACE_LANE,              0xfd, 0x1e, "i64x2.replace_lane",            LANE,        1, SIMD, simd_replace,    SAME, V128, I64,  V128, 2)  \
    X(F32X4_EXTRACT_LANE,              0xfd, 0x1f, "f32x4.extract_lane",            LANE,        1, SIMD, simd_extract,    SAME, V128, _,    F32,  4)  \
    X(F32X4_REPLACE_LANE,              0xfd, 0x20, "f32x4.replace_lane",            LANE,        1, SIMD, simd_replace,    SAME, V128, F32,  V128, 4)  \
    X(F64X2_EXTRACT_LANE,              0xfd, 0x21, "f64x2.extract_lane",            LANE,        1, SIMD, simd_extract,    SAME, V128, _,    F64,  2)  \
    X(F64X2_REPLACE_LANE,              0xfd, 0x22, "f64x2.replace_lane",            LANE,        1, SIMD, simd_replace,    SAME, V128, F64,  V128, 2)  \
    X(I8X16_EQ,                        0xfd, 0x23, "i8x16.eq",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_NE,                        0xfd, 0x24, "i8x16.ne",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_LT_S,                      0xfd, 0x25, "i8x16.lt_s",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_LT_U,                      0xfd, 0x26, "i8x16.lt_u",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_GT_S,                      0xfd, 0x27, "i8x16.gt_s",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_GT_U,                      0xfd, 0x28, "i8x16.gt_u",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_LE_S,                      0xfd, 0x29, "i8x16.le_s",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_LE_U,                      0xfd, 0x2a, "i8x16.le_u",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_GE_S,                      0xfd, 0x2b, "i8x16.ge_s",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_GE_U,                      0xfd, 0x2c, "i8x16.ge_u",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_EQ,                        0xfd, 0x2d, "i16x8.eq",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_NE,                        0xfd, 0x2e, "i16x8.ne",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_LT_S,                      0xfd, 0x2f, "i16x8.lt_s",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_LT_U,                      0xfd, 0x30, "i16x8.lt_u",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_GT_S,                      0xfd, 0x31, "i16x8.gt_s",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_GT_U,                      0xfd, 0x32, "i16x8.gt_u",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_LE_S,                      0xfd, 0x33, "i16x8.le_s",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_LE_U,                      0xfd, 0x34, "i16x8.le_u",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_GE_S,                      0xfd, 0x35, "i16x8.ge_s",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_GE_U,                      0xfd, 0x36, "i16x8.ge_u",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_EQ,                        0xfd, 0x37, "i32x4.eq",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_NE,                        0xfd, 0x38, "i32x4.ne",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_LT_S,                      0xfd, 0x39, "i32x4.lt_s",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_LT_U,                      0xfd, 0x3a, "i32x4.lt_u",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_GT_S,                      0xfd, 0x3b, "i32x4.gt_s",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_GT_U,                      0xfd, 0x3c, "i32x4.gt_u",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_LE_S,                      0xfd, 0x3d, "i32x4.le_s",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_LE_U,                      0xfd, 0x3e, "i32x4.le_u",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_GE_S,                      0xfd, 0x3f, "i32x4.ge_s",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_GE_U,                      0xfd, 0x40, "i32x4.ge_u",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F32X4_EQ,                        0xfd, 0x41, "f32x4.eq",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F32X4_NE,                        0xfd, 0x42, "f32x4.ne",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F32X4_LT,                        0xfd, 0x43, "f32x4.lt",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F32X4_GT,                        0xfd, 0x44, "f32x4.gt",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F32X4_LE,                        0xfd, 0x45, "f32x4.le",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F32X4_GE,                        0xfd, 0x46, "f32x4.ge",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_EQ,                        0xfd, 0x47, "f64x2.eq",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_NE,                        0xfd, 0x48, "f64x2.ne",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_LT,                        0xfd, 0x49, "f64x2.lt",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_GT,                        0xfd, 0x4a, "f64x2.gt",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_LE,                        0xfd, 0x4b, "f64x2.le",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_GE,                        0xfd, 0x4c, "f64x2.ge",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(V128_NOT,                        0xfd, 0x4d, "v128.not",                      NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(V128_AND,                        0xfd, 0x4e, "v128.and",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(V128_ANDNOT,                     0xfd, 0x4f, "v128.andnot",                   NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(V128_OR,                         0xfd, 0x50, "v128.or",                       NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(V128_XOR,                        0xfd, 0x51, "v128.xor",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(V128_BITSELECT,                  0xfd, 0x52, "v128.bitselect",                NONE,        1, SIMD, simd_ternary,    SAME, V128, V128, V128, 0)  \
    X(V128_ANY_TRUE,                   0xfd, 0x53, "v128.any_true",                 NONE,        1, SIMD, simd_test,       SAME, V128, _,    I32,  0)  \
    X(V128_LOAD8_LANE,                 0xfd, 0x54, "v128.load8_lane",               MEMARG_LANE, 1, SIMD, simd_load_lane,  SAME, I32,  V128, V128, 0)  \
    X(V128_LOAD16_LANE,                0xfd, 0x55, "v128.load16_lane",              MEMARG_LANE, 1, SIMD, simd_load_lane,  SAME, I32,  V128, V128, 1)  \
    X(V128_LOAD32_LANE,                0xfd, 0x56, "v128.load32_lane",              MEMARG_LANE, 1, SIMD, simd_load_lane,  SAME, I32,  V128, V128, 2)  \
    X(V128_LOAD64_LANE,                0xfd, 0x57, "v128.load64_lane",              MEMARG_LANE, 1, SIMD, simd_load_lane,  SAME, I32,  V128, V128, 3)  \
    X(V128_STORE8_LANE,                0xfd, 0x58, "v128.store8_lane",              MEMARG_LANE, 1, SIMD, simd_store_lane, SAME, I32,  V128, _,    0)  \
    X(V128_STORE16_LANE,               0xfd, 0x59, "v128.store16_lane",             MEMARG_LANE, 1, SIMD, simd_store_lane, SAME, I32,  V128, _,    1)  \
    X(V128_STORE32_LANE,               0xfd, 0x5a, "v128.store32_lane",             MEMARG_LANE, 1, SIMD, simd_store_lane, SAME, I32,  V128, _,    2)  \
    X(V128_STORE64_LANE,               0xfd, 0x5b, "v128.store64_lane",             MEMARG_LANE, 1, SIMD, simd_store_lane, SAME, I32,  V128, _,    3)  \
    X(V128_LOAD32_ZERO,                0xfd, 0x5c, "v128.load32_zero",              MEMARG,      1, SIMD, simd_load,       SAME, I32,  _,    V128, 2)  \
    X(V128_LOAD64_ZERO,                0xfd, 0x5d, "v128.load64_zero",              MEMARG,      1, SIMD, simd_load,       SAME, I32,  _,    V128, 3)  \
    X(F32X4_DEMOTE_F64X2_ZERO,         0xfd, 0x5e, "f32x4.demote_f64x2_zero",       NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(F64X2_PROMOTE_LOW_F32X4,         0xfd, 0x5f, "f64x2.promote_low_f32x4",       NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I8X16_ABS,                       0xfd, 0x60, "i8x16.abs",                     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I8X16_NEG,                       0xfd, 0x61, "i8x16.neg",                     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I8X16_POPCNT,                    0xfd, 0x62, "i8x16.popcnt",                  NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I8X16_ALL_TRUE,                  0xfd, 0x63, "i8x16.all_true",                NONE,        1, SIMD, simd_test,       SAME, V128, _,    I32,  0)  \
    X(I8X16_BITMASK,                   0xfd, 0x64, "i8x16.bitmask",                 NONE,        1, SIMD, simd_test,       SAME, V128, _,    I32,  0)  \
    X(I8X16_NARROW_I16X8_S,            0xfd, 0x65, "i8x16.narrow_i16x8_s",          NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_NARROW_I16X8_U,            0xfd, 0x66, "i8x16.narrow_i16x8_u",          NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F32X4_CEIL,                      0xfd, 0x67, "f32x4.ceil",                    NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(F32X4_FLOOR,                     0xfd, 0x68, "f32x4.floor",                   NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(F32X4_TRUNC,                     0xfd, 0x69, "f32x4.trunc",                   NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(F32X4_NEAREST,                   0xfd, 0x6a, "f32x4.nearest",                 NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I8X16_SHL,                       0xfd, 0x6b, "i8x16.shl",                     NONE,        1, SIMD, simd_shift,      SAME, V128, I32,  V128, 0)  \
    X(I8X16_SHR_S,                     0xfd, 0x6c, "i8x16.shr_s",                   NONE,        1, SIMD, simd_shift,      SAME, V128, I32,  V128, 0)  \
    X(I8X16_SHR_U,                     0xfd, 0x6d, "i8x16.shr_u",                   NONE,        1, SIMD, simd_shift,      SAME, V128, I32,  V128, 0)  \
    X(I8X16_ADD,                       0xfd, 0x6e, "i8x16.add",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_ADD_SAT_S,                 0xfd, 0x6f, "i8x16.add_sat_s",               NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_ADD_SAT_U,                 0xfd, 0x70, "i8x16.add_sat_u",               NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_SUB,                       0xfd, 0x71, "i8x16.sub",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_SUB_SAT_S,                 0xfd, 0x72, "i8x16.sub_sat_s",               NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_SUB_SAT_U,                 0xfd, 0x73, "i8x16.sub_sat_u",               NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_CEIL,                      0xfd, 0x74, "f64x2.ceil",                    NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(F64X2_FLOOR,                     0xfd, 0x75, "f64x2.floor",                   NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I8X16_MIN_S,                     0xfd, 0x76, "i8x16.min_s",                   NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_MIN_U,                     0xfd, 0x77, "i8x16.min_u",                   NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_MAX_S,                     0xfd, 0x78, "i8x16.max_s",                   NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I8X16_MAX_U,                     0xfd, 0x79, "i8x16.max_u",                   NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_TRUNC,                     0xfd, 0x7a, "f64x2.trunc",                   NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I8X16_AVGR_U,                    0xfd, 0x7b, "i8x16.avgr_u",                  NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_EXTADD_PAIRWISE_I8X16_S,   0xfd, 0x7c, "i16x8.extadd_pairwise_i8x16_s", NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I16X8_EXTADD_PAIRWISE_I8X16_U,   0xfd, 0x7d, "i16x8.extadd_pairwise_i8x16_u", NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I32X4_EXTADD_PAIRWISE_I16X8_S,   0xfd, 0x7e, "i32x4.extadd_pairwise_i16x8_s", NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I32X4_EXTADD_PAIRWISE_I16X8_U,   0xfd, 0x7f, "i32x4.extadd_pairwise_i16x8_u", NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I16X8_ABS,                       0xfd, 0x80, "i16x8.abs",                     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I16X8_NEG,                       0xfd, 0x81, "i16x8.neg",                     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I16X8_Q15MULR_SAT_S,             0xfd, 0x82, "i16x8.q15mulr_sat_s",           NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_ALL_TRUE,                  0xfd, 0x83, "i16x8.all_true",                NONE,        1, SIMD, simd_test,       SAME, V128, _,    I32,  0)  \
    X(I16X8_BITMASK,                   0xfd, 0x84, "i16x8.bitmask",                 NONE,        1, SIMD, simd_test,       SAME, V128, _,    I32,  0)  \
    X(I16X8_NARROW_I32X4_S,            0xfd, 0x85, "i16x8.narrow_i32x4_s",          NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_NARROW_I32X4_U,            0xfd, 0x86, "i16x8.narrow_i32x4_u",          NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_EXTEND_LOW_I8X16_S,        0xfd, 0x87, "i16x8.extend_low_i8x16_s",      NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I16X8_EXTEND_HIGH_I8X16_S,       0xfd, 0x88, "i16x8.extend_high_i8x16_s",     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I16X8_EXTEND_LOW_I8X16_U,        0xfd, 0x89, "i16x8.extend_low_i8x16_u",      NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I16X8_EXTEND_HIGH_I8X16_U,       0xfd, 0x8a, "i16x8.extend_high_i8x16_u",     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I16X8_SHL,                       0xfd, 0x8b, "i16x8.shl",                     NONE,        1, SIMD, simd_shift,      SAME, V128, I32,  V128, 0)  \
    X(I16X8_SHR_S,                     0xfd, 0x8c, "i16x8.shr_s",                   NONE,        1, SIMD, simd_shift,      SAME, V128, I32,  V128, 0)  \
    X(I16X8_SHR_U,                     0xfd, 0x8d, "i16x8.shr_u",                   NONE,        1, SIMD, simd_shift,      SAME, V128, I32,  V128, 0)  \
    X(I16X8_ADD,                       0xfd, 0x8e, "i16x8.add",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_ADD_SAT_S,                 0xfd, 0x8f, "i16x8.add_sat_s",               NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_ADD_SAT_U,                 0xfd, 0x90, "i16x8.add_sat_u",               NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_SUB,                       0xfd, 0x91, "i16x8.sub",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_SUB_SAT_S,                 0xfd, 0x92, "i16x8.sub_sat_s",               NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_SUB_SAT_U,                 0xfd, 0x93, "i16x8.sub_sat_u",               NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_NEAREST,                   0xfd, 0x94, "f64x2.nearest",                 NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I16X8_MUL,                       0xfd, 0x95, "i16x8.mul",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_MIN_S,                     0xfd, 0x96, "i16x8.min_s",                   NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_MIN_U,                     0xfd, 0x97, "i16x8.min_u",                   NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_MAX_S,                     0xfd, 0x98, "i16x8.max_s",                   NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_MAX_U,                     0xfd, 0x99, "i16x8.max_u",                   NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_AVGR_U,                    0xfd, 0x9b, "i16x8.avgr_u",                  NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_EXTMUL_LOW_I8X16_S,        0xfd, 0x9c, "i16x8.extmul_low_i8x16_s",      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_EXTMUL_HIGH_I8X16_S,       0xfd, 0x9d, "i16x8.extmul_high_i8x16_s",     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_EXTMUL_LOW_I8X16_U,        0xfd, 0x9e, "i16x8.extmul_low_i8x16_u",      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I16X8_EXTMUL_HIGH_I8X16_U,       0xfd, 0x9f, "i16x8.extmul_high_i8x16_u",     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_ABS,                       0xfd, 0xa0, "i32x4.abs",                     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I32X4_NEG,                       0xfd, 0xa1, "i32x4.neg",                     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I32X4_ALL_TRUE,                  0xfd, 0xa3, "i32x4.all_true",                NONE,        1, SIMD, simd_test,       SAME, V128, _,    I32,  0)  \
    X(I32X4_BITMASK,                   0xfd, 0xa4, "i32x4.bitmask",                 NONE,        1, SIMD, simd_test,       SAME, V128, _,    I32,  0)  \
    X(I32X4_EXTEND_LOW_I16X8_S,        0xfd, 0xa7, "i32x4.extend_low_i16x8_s",      NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I32X4_EXTEND_HIGH_I16X8_S,       0xfd, 0xa8, "i32x4.extend_high_i16x8_s",     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I32X4_EXTEND_LOW_I16X8_U,        0xfd, 0xa9, "i32x4.extend_low_i16x8_u",      NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I32X4_EXTEND_HIGH_I16X8_U,       0xfd, 0xaa, "i32x4.extend_high_i16x8_u",     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I32X4_SHL,                       0xfd, 0xab, "i32x4.shl",                     NONE,        1, SIMD, simd_shift,      SAME, V128, I32,  V128, 0)  \
    X(I32X4_SHR_S,                     0xfd, 0xac, "i32x4.shr_s",                   NONE,        1, SIMD, simd_shift,      SAME, V128, I32,  V128, 0)  \
    X(I32X4_SHR_U,                     0xfd, 0xad, "i32x4.shr_u",                   NONE,        1, SIMD, simd_shift,      SAME, V128, I32,  V128, 0)  \
    X(I32X4_ADD,                       0xfd, 0xae, "i32x4.add",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_SUB,                       0xfd, 0xb1, "i32x4.sub",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_MUL,                       0xfd, 0xb5, "i32x4.mul",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_MIN_S,                     0xfd, 0xb6, "i32x4.min_s",                   NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_MIN_U,                     0xfd, 0xb7, "i32x4.min_u",                   NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_MAX_S,                     0xfd, 0xb8, "i32x4.max_s",                   NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_MAX_U,                     0xfd, 0xb9, "i32x4.max_u",                   NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_DOT_I16X8_S,               0xfd, 0xba, "i32x4.dot_i16x8_s",             NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_EXTMUL_LOW_I16X8_S,        0xfd, 0xbc, "i32x4.extmul_low_i16x8_s",      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_EXTMUL_HIGH_I16X8_S,       0xfd, 0xbd, "i32x4.extmul_high_i16x8_s",     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_EXTMUL_LOW_I16X8_U,        0xfd, 0xbe, "i32x4.extmul_low_i16x8_u",      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_EXTMUL_HIGH_I16X8_U,       0xfd, 0xbf, "i32x4.extmul_high_i16x8_u",     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I64X2_ABS,                       0xfd, 0xc0, "i64x2.abs",                     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I64X2_NEG,                       0xfd, 0xc1, "i64x2.neg",                     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I64X2_ALL_TRUE,                  0xfd, 0xc3, "i64x2.all_true",                NONE,        1, SIMD, simd_test,       SAME, V128, _,    I32,  0)  \
    X(I64X2_BITMASK,                   0xfd, 0xc4, "i64x2.bitmask",                 NONE,        1, SIMD, simd_test,       SAME, V128, _,    I32,  0)  \
    X(I64X2_EXTEND_LOW_I32X4_S,        0xfd, 0xc7, "i64x2.extend_low_i32x4_s",      NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I64X2_EXTEND_HIGH_I32X4_S,       0xfd, 0xc8, "i64x2.extend_high_i32x4_s",     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I64X2_EXTEND_LOW_I32X4_U,        0xfd, 0xc9, "i64x2.extend_low_i32x4_u",      NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I64X2_EXTEND_HIGH_I32X4_U,       0xfd, 0xca, "i64x2.extend_high_i32x4_u",     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I64X2_SHL,                       0xfd, 0xcb, "i64x2.shl",                     NONE,        1, SIMD, simd_shift,      SAME, V128, I32,  V128, 0)  \
    X(I64X2_SHR_S,                     0xfd, 0xcc, "i64x2.shr_s",                   NONE,        1, SIMD, simd_shift,      SAME, V128, I32,  V128, 0)  \
    X(I64X2_SHR_U,                     0xfd, 0xcd, "i64x2.shr_u",                   NONE,        1, SIMD, simd_shift,      SAME, V128, I32,  V128, 0)  \
    X(I64X2_ADD,                       0xfd, 0xce, "i64x2.add",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I64X2_SUB,                       0xfd, 0xd1, "i64x2.sub",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I64X2_MUL,                       0xfd, 0xd5, "i64x2.mul",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I64X2_EQ,                        0xfd, 0xd6, "i64x2.eq",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I64X2_NE,                        0xfd, 0xd7, "i64x2.ne",                      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I64X2_LT_S,                      0xfd, 0xd8, "i64x2.lt_s",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I64X2_GT_S,                      0xfd, 0xd9, "i64x2.gt_s",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I64X2_LE_S,                      0xfd, 0xda, "i64x2.le_s",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I64X2_GE_S,                      0xfd, 0xdb, "i64x2.ge_s",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I64X2_EXTMUL_LOW_I32X4_S,        0xfd, 0xdc, "i64x2.extmul_low_i32x4_s",      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I64X2_EXTMUL_HIGH_I32X4_S,       0xfd, 0xdd, "i64x2.extmul_high_i32x4_s",     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I64X2_EXTMUL_LOW_I32X4_U,        0xfd, 0xde, "i64x2.extmul_low_i32x4_u",      NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I64X2_EXTMUL_HIGH_I32X4_U,       0xfd, 0xdf, "i64x2.extmul_high_i32x4_u",     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F32X4_ABS,                       0xfd, 0xe0, "f32x4.abs",                     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(F32X4_NEG,                       0xfd, 0xe1, "f32x4.neg",                     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(F32X4_SQRT,                      0xfd, 0xe3, "f32x4.sqrt",                    NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(F32X4_ADD,                       0xfd, 0xe4, "f32x4.add",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F32X4_SUB,                       0xfd, 0xe5, "f32x4.sub",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F32X4_MUL,                       0xfd, 0xe6, "f32x4.mul",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F32X4_DIV,                       0xfd, 0xe7, "f32x4.div",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F32X4_MIN,                       0xfd, 0xe8, "f32x4.min",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F32X4_MAX,                       0xfd, 0xe9, "f32x4.max",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F32X4_PMIN,                      0xfd, 0xea, "f32x4.pmin",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F32X4_PMAX,                      0xfd, 0xeb, "f32x4.pmax",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_ABS,                       0xfd, 0xec, "f64x2.abs",                     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(F64X2_NEG,                       0xfd, 0xed, "f64x2.neg",                     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(F64X2_SQRT,                      0xfd, 0xef, "f64x2.sqrt",                    NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(F64X2_ADD,                       0xfd, 0xf0, "f64x2.add",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_SUB,                       0xfd, 0xf1, "f64x2.sub",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_MUL,                       0xfd, 0xf2, "f64x2.mul",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_DIV,                       0xfd, 0xf3, "f64x2.div",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_MIN,                       0xfd, 0xf4, "f64x2.min",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_MAX,                       0xfd, 0xf5, "f64x2.max",                     NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_PMIN,                      0xfd, 0xf6, "f64x2.pmin",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(F64X2_PMAX,                      0xfd, 0xf7, "f64x2.pmax",                    NONE,        1, SIMD, simd_binary,     SAME, V128, V128, V128, 0)  \
    X(I32X4_TRUNC_SAT_F32X4_S,         0xfd, 0xf8, "i32x4.trunc_sat_f32x4_s",       NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I32X4_TRUNC_SAT_F32X4_U,         0xfd, 0xf9, "i32x4.trunc_sat_f32x4_u",       NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(F32X4_CONVERT_I32X4_S,           0xfd, 0xfa, "f32x4.convert_i32x4_s",         NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(F32X4_CONVERT_I32X4_U,           0xfd, 0xfb, "f32x4.convert_i32x4_u",         NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I32X4_TRUNC_SAT_F64X2_S_ZERO,    0xfd, 0xfc, "i32x4.trunc_sat_f64x2_s_zero",  NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(I32X4_TRUNC_SAT_F64X2_U_ZERO,    0xfd, 0xfd, "i32x4.trunc_sat_f64x2_u_zero",  NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(F64X2_CONVERT_LOW_I32X4_S,       0xfd, 0xfe, "f64x2.convert_low_i32x4_s",     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)  \
    X(F64X2_CONVERT_LOW_I32X4_U,       0xfd, 0xff, "f64x2.convert_low_i32x4_u",     NONE,        1, SIMD, simd_unary,      SAME, V128, _,    V128, 0)
/* clang-format on */

/* Dense numbering of the rows: ENG_WASM_I32_ADD etc. */
typedef enum eng_wasm_index {
#define ENG_WASM_INDEX(symbol, ...) ENG_WASM_##symbol,
    ENG_WASM_INSTRUCTIONS(ENG_WASM_INDEX)
#undef ENG_WASM_INDEX
        ENG_WASM_INSTRUCTION_COUNT
} eng_wasm_index;

/* One row of the table, as data. */
typedef struct eng_wasm_instruction {
    const char *name;   /* in the text format */
    uint8_t prefix;     /* 0, or the prefix byte */
    uint8_t immediates; /* an eng_wasm_immediates */
    uint8_t fuel;
    uint8_t feature;      /* an eng_wasm_feature */
    uint16_t op;          /* an eng_opcode */
    uint8_t a, b, result; /* eng_valtypes, 0 for none */
    uint8_t detail;
    uint32_t code;
} eng_wasm_instruction;

extern const eng_wasm_instruction eng_wasm_instructions[ENG_WASM_INSTRUCTION_COUNT];

/* Opcode bytes to rows: one-byte opcodes at their byte, 0xFC codes from 256 on, 0xFD codes
 * after those. Entries hold the row's index plus one, 0 for an opcode that does not exist. */
#define ENG_WASM_MISC_CODES 32
#define ENG_WASM_SIMD_CODES 256
#define ENG_WASM_LOOKUP_SLOT(prefix, code)                                    \
    ((prefix) == ENG_WASM_PREFIX_MISC   ? 256u + (code)                       \
     : (prefix) == ENG_WASM_PREFIX_SIMD ? 256u + ENG_WASM_MISC_CODES + (code) \
                                        : (code))
extern const uint16_t eng_wasm_lookup[256 + ENG_WASM_MISC_CODES + ENG_WASM_SIMD_CODES];

/* The row of one-byte opcode `byte`, or NULL when there is none (prefix bytes have none). */
static inline const eng_wasm_instruction *eng_wasm_find(uint8_t byte)
{
    uint16_t entry = eng_wasm_lookup[byte];
    return entry ? &eng_wasm_instructions[entry - 1] : 0;
}

/* The row of 0xFC-prefixed `code`, or NULL. */
static inline const eng_wasm_instruction *eng_wasm_find_misc(uint32_t code)
{
    uint16_t entry = code < ENG_WASM_MISC_CODES ? eng_wasm_lookup[256 + code] : 0;
    return entry ? &eng_wasm_instructions[entry - 1] : 0;
}

/* The row of 0xFD-prefixed `code`, or NULL. */
static inline const eng_wasm_instruction *eng_wasm_find_simd(uint32_t code)
{
    uint16_t entry = code < ENG_WASM_SIMD_CODES ? eng_wasm_lookup[256 + ENG_WASM_MISC_CODES + code] : 0;
    return entry ? &eng_wasm_instructions[entry - 1] : 0;
}

static inline eng_wasm_index eng_wasm_index_of(const eng_wasm_instruction *instruction)
{
    return (eng_wasm_index)(instruction - eng_wasm_instructions);
}

#endif
