/* code.h: the internal code that function bodies are translated into, and the interpreter runs.
 *
 * Design (register/slot machine, as in WAMR's fast interpreter and wasm3):
 *  - Every value lives in an 8-byte slot of the current frame, in this order:
 *      fp[0 .. param_count)                  the parameters
 *      fp[param_count .. local_count)        the locals the body declares (zeroed on entry)
 *      fp[local_count .. stack_base)         constant slots (see Constants below)
 *      fp[stack_base ..]                     the operand stack
 *    where stack_base = local_count + constant_count. WebAssembly's stack height is known
 *    statically at every instruction, so the operand at height h lives in slot stack_base + h.
 *    The translator may also point operands straight at locals, constant slots or slots it
 *    chooses; the interpreter only sees slot numbers.
 *  - Code is an array of 32-bit cells. An instruction is one opcode cell followed by its operand
 *    cells. No LEB128 is decoded while running: all immediates are resolved at load time.
 *  - Operands named d/a/b/c/... below are slot indices relative to fp. "imm" operands are plain
 *    32-bit values; 64-bit immediates take two cells, low half first.
 *  - Branch targets are signed cell offsets relative to the branching instruction's opcode cell
 *    (target pc = address of opcode cell + (int32_t)operand). All value moves a branch needs
 *    (block results to their destination slots) are emitted by the translator as COPY
 *    instructions before the jump; branches themselves move nothing.
 *  - Calls: the caller places the arguments in consecutive slots fp[base ..] and issues
 *    CALL func base; the callee's frame starts at fp + base, so the arguments are its
 *    parameters in place. Results come back in fp[base .. base + result_count). The translator
 *    reserves base + max(param_count, result_count) slots and the callee checks its own
 *    frame_slots against the end of the stack.
 *  - Return: the translator copies the results into fp[0 .. result_count) (parallel-move safe),
 *    then emits RETURN. At the end of the function body it does the same.
 *  - Constants: the most used constants of a function get slots of their own, right after the
 *    locals: fp[local_count .. stack_base) are filled from code->constants on entry (like the
 *    zeroing of locals), and instructions read them as they read locals.
 *  - Slots hold: i32 in the low 32 bits (upper bits unspecified), i64, f32 (low 32 bits), f64,
 *    funcref as eng_func * (NULL = null), externref as void * (NULL = null). A v128 takes two
 *    consecutive slots (bytes 0-7 in the first), wherever it is: parameters, locals, operands
 *    and results are laid out by width (eng_valtype_slots), so "slot" counts below are widths.
 *
 * Every opcode is listed once in ENG_OPCODES(X) as X(NAME, OPERAND_COUNT, "operands"), where
 * OPERAND_COUNT is the number of cells after the opcode cell (-1 for the BR_TABLEs: variable, the
 * fixed operands then count then count + 1 targets), except
 * SIMD's: each SIMD row of instructions.h is an opcode of the same name, whose operands follow
 * from the row's handler (ENG_SIMD_OPERANDS_* below); ENG_ALL_OPCODES lists both.
 */
#ifndef ENG_CODE_H
#define ENG_CODE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "instructions.h"

struct eng_module;

/* Loop back-edges, in two forms of every branch that can jump back: NAME_BACK is NAME plus,
 * when the jump is taken, a look at the store's stop flag (deadline passed, interrupt: traps
 * "deadline exceeded" or "interrupted"); NAME_BACK_FUEL also charges `cost` fuel (traps "fuel
 * exhausted"). Both families list the branches in the same order as ENG_OPCODES. */
/* One row per opcode (or pair), aligned by hand. */
/* clang-format off */
#define ENG_BACK_EDGE_OPCODES(X, SUFFIX, COST_CELLS, COST)                                       \
    X(BR##SUFFIX, 1 + COST_CELLS, "target" COST)                                                \
    X(BR_IF##SUFFIX, 2 + COST_CELLS, "cond target" COST)                                        \
    X(BR_UNLESS##SUFFIX, 2 + COST_CELLS, "cond target" COST)                                    \
    X(BR_IF_I32_EQ##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                  \
    X(BR_IF_I32_NE##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                  \
    X(BR_IF_I32_LT_S##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                \
    X(BR_IF_I32_LT_U##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                \
    X(BR_IF_I32_GT_S##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                \
    X(BR_IF_I32_GT_U##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                \
    X(BR_IF_I32_LE_S##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                \
    X(BR_IF_I32_LE_U##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                \
    X(BR_IF_I32_GE_S##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                \
    X(BR_IF_I32_GE_U##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                \
    X(BR_IF_I64_EQ##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                  \
    X(BR_IF_I64_NE##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                  \
    X(BR_IF_I64_LT_S##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                \
    X(BR_IF_I64_LT_U##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                \
    X(BR_IF_I64_GT_S##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                \
    X(BR_IF_I64_GT_U##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                \
    X(BR_IF_I64_LE_S##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                \
    X(BR_IF_I64_LE_U##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                \
    X(BR_IF_I64_GE_S##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                \
    X(BR_IF_I64_GE_U##SUFFIX, 3 + COST_CELLS, "a b target" COST)                                \
    X(BR_IF_I64_EQZ##SUFFIX, 2 + COST_CELLS, "a target" COST)                                   \
    X(BR_IF_I64_NEZ##SUFFIX, 2 + COST_CELLS, "a target" COST)                                   \
    X(I32_ADD_BR_IF_NE##SUFFIX, 6 + COST_CELLS, "d a b x y target" COST)                        \
    X(I32_ADD_BR_IF_LT_S##SUFFIX, 6 + COST_CELLS, "d a b x y target" COST)                      \
    X(I32_ADD_BR_IF_LT_U##SUFFIX, 6 + COST_CELLS, "d a b x y target" COST)

/* Two i32 operations in one instruction, fp[d] = (fp[a] FIRST fp[b]) SECOND fp[c], where the
 * first's result is a stack temporary only the second reads (either operand of a commutative
 * SECOND). The pairs are the frequent ones in the bench kernels' profiles (hashes, checksums,
 * pixel sums, counting matches, address arithmetic): PAIR(X, first, second) is opcode I32_first_THEN_second. */
#define ENG_I32_PAIRS(PAIR, X)                                                                  \
    PAIR(X, ADD, ADD) PAIR(X, ADD, AND) PAIR(X, ADD, XOR) PAIR(X, ADD, SHR_U)                   \
    PAIR(X, AND, ADD) PAIR(X, AND, XOR) PAIR(X, AND, OR)                                        \
    PAIR(X, XOR, ADD) PAIR(X, XOR, AND) PAIR(X, XOR, XOR) PAIR(X, XOR, MUL)                     \
    PAIR(X, XOR, ROTL) PAIR(X, XOR, SHR_U)                                                      \
    PAIR(X, ROTL, XOR) PAIR(X, ROTR, XOR) PAIR(X, SHL, XOR) PAIR(X, SHR_U, XOR)                 \
    PAIR(X, SHR_U, AND) PAIR(X, MUL, ADD) PAIR(X, MUL, SHR_U)                                   \
    PAIR(X, SUB, ADD) PAIR(X, OR, ADD) PAIR(X, SHR_U, ADD) PAIR(X, EQ, ADD) PAIR(X, NE, ADD)
#define ENG_I32_PAIR_OPCODE(X, first, second) X(I32_##first##_THEN_##second, 4, "d a b c")

#define ENG_OPCODES(X)                                                                         \
    /* control */                                                                             \
    X(UNREACHABLE, 0, "")              /* trap "unreachable" */                              \
    X(NOP, 0, "")                                                                             \
    X(BR, 1, "target")                                                                        \
    X(BR_IF, 2, "cond target")         /* jump when i32 fp[cond] != 0 */                     \
    X(BR_UNLESS, 2, "cond target")     /* jump when i32 fp[cond] == 0 */                     \
    X(BR_TABLE, -1, "index count target*(count+1)") /* fp[index] >= count picks the last */   \
    X(BR_TABLE_LOAD_SHL, -1, "sum base index shift offset count target*(count+1)")             \
                                       /* BR_TABLE on the i32 that I32_LOAD_SHL with these     \
                                          operands loads (a bytecode dispatch: code[pc]) */     \
    /* fused compare-and-branch: jump when the comparison of fp[a] and fp[b] holds */          \
    X(BR_IF_I32_EQ, 3, "a b target") X(BR_IF_I32_NE, 3, "a b target")                        \
    X(BR_IF_I32_LT_S, 3, "a b target") X(BR_IF_I32_LT_U, 3, "a b target")                    \
    X(BR_IF_I32_GT_S, 3, "a b target") X(BR_IF_I32_GT_U, 3, "a b target")                    \
    X(BR_IF_I32_LE_S, 3, "a b target") X(BR_IF_I32_LE_U, 3, "a b target")                    \
    X(BR_IF_I32_GE_S, 3, "a b target") X(BR_IF_I32_GE_U, 3, "a b target")                    \
    X(BR_IF_I64_EQ, 3, "a b target") X(BR_IF_I64_NE, 3, "a b target")                        \
    X(BR_IF_I64_LT_S, 3, "a b target") X(BR_IF_I64_LT_U, 3, "a b target")                    \
    X(BR_IF_I64_GT_S, 3, "a b target") X(BR_IF_I64_GT_U, 3, "a b target")                    \
    X(BR_IF_I64_LE_S, 3, "a b target") X(BR_IF_I64_LE_U, 3, "a b target")                    \
    X(BR_IF_I64_GE_S, 3, "a b target") X(BR_IF_I64_GE_U, 3, "a b target")                    \
    X(BR_IF_I64_EQZ, 2, "a target") X(BR_IF_I64_NEZ, 2, "a target")                          \
    /* a loop's step and test: fp[d] = fp[a] + fp[b] (i32), then jump when fp[x] CMP fp[y] */ \
    X(I32_ADD_BR_IF_NE, 6, "d a b x y target") X(I32_ADD_BR_IF_LT_S, 6, "d a b x y target")  \
    X(I32_ADD_BR_IF_LT_U, 6, "d a b x y target")                                              \
    /* sandbox limits (only in code compiled with ENG_CHECK_FUEL / ENG_CHECK_EPOCH, see below) */ \
    X(FUEL, 1, "cost")                 /* charges `cost` fuel; traps "fuel exhausted" */       \
    ENG_BACK_EDGE_OPCODES(X, _BACK, 0, "")                                                     \
    ENG_BACK_EDGE_OPCODES(X, _BACK_FUEL, 1, " cost")                                           \
    X(RETURN, 0, "")                   /* results are already in fp[0..result_count) */      \
    X(CALL, 2, "func base")            /* func: index into instance->funcs (imports too) */  \
    X(CALL_INDIRECT, 4, "type table elem base") /* type: index into module types;         \
                                          elem: slot holding the i32 table index; traps:     \
                                          "undefined element" (index >= size),               \
                                          "uninitialized element" (null),                    \
                                          "indirect call type mismatch" */                   \
    X(NATIVE, 0, "")                   /* the whole body of a function compiled to native   \
                                          code (native.h): runs it on the frame's slots, then \
                                          returns as RETURN */                               \
    /* moves and constants */                                                                 \
    X(COPY, 2, "d a")                  /* fp[d] = fp[a], all 64 bits */                      \
    X(COPY_V128, 2, "d a")             /* fp[d, d+1] = fp[a, a+1] (the ranges may overlap) */ \
    X(COPY2, 4, "d a d2 a2")           /* COPY d a, then COPY d2 a2: two moves, one dispatch */ \
    X(CONST32, 2, "d imm")             /* fp[d].u32 = imm (i32, f32 bits) */                  \
    X(CONST64, 3, "d lo hi")           /* fp[d].u64 = lo | hi << 32 (i64, f64 bits, null ref = 0) */ \
    X(SELECT, 4, "d a b cond")         /* fp[d] = fp[cond].i32 ? fp[a] : fp[b] (64 bits) */  \
    X(SELECT_V128, 4, "d a b cond")    /* the same for two slots */                          \
    /* variables */                                                                           \
    X(GLOBAL_GET, 2, "d global")       /* global: index into instance->globals */            \
    X(GLOBAL_SET, 2, "a global")                                                             \
    X(GLOBAL_GET_V128, 2, "d global") X(GLOBAL_SET_V128, 2, "a global")                      \
    /* references */                                                                          \
    X(REF_IS_NULL, 2, "d a")                                                                 \
    X(REF_FUNC, 2, "d func")           /* fp[d].ref = instance->funcs[func] */               \
    /* tables (table: index into instance->tables) */                                        \
    X(TABLE_GET, 3, "d table index")   /* trap "out of bounds table access" */               \
    X(TABLE_SET, 3, "table index value")                                                     \
    X(TABLE_SIZE, 2, "d table")                                                              \
    X(TABLE_GROW, 4, "d table init delta") /* fp[d] = old size or -1 */                      \
    X(TABLE_FILL, 4, "table start value count")                                              \
    X(TABLE_COPY, 5, "dst_table src_table dst src count")                                    \
    X(TABLE_INIT, 5, "table elem dst src count") /* elem: segment index */                   \
    X(ELEM_DROP, 1, "elem")                                                                  \
    /* memory 0 (bulk operations bounds-check explicitly; loads/stores rely on guard pages) */\
    X(MEMORY_SIZE, 1, "d")             /* in pages */                                        \
    X(MEMORY_GROW, 2, "d delta")       /* fp[d] = old pages or -1 */                         \
    X(MEMORY_FILL, 3, "dst value count")                                                     \
    X(MEMORY_COPY, 3, "dst src count")                                                       \
    X(MEMORY_INIT, 4, "data dst src count") /* data: segment index */                        \
    X(DATA_DROP, 1, "data")                                                                  \
    /* loads: fp[d] = mem[(uint64)fp[addr].u32 + offset] */                                  \
    X(I32_LOAD, 3, "d addr offset") X(I64_LOAD, 3, "d addr offset")                          \
    X(F32_LOAD, 3, "d addr offset") X(F64_LOAD, 3, "d addr offset")                          \
    X(I32_LOAD8_S, 3, "d addr offset") X(I32_LOAD8_U, 3, "d addr offset")                    \
    X(I32_LOAD16_S, 3, "d addr offset") X(I32_LOAD16_U, 3, "d addr offset")                  \
    X(I64_LOAD8_S, 3, "d addr offset") X(I64_LOAD8_U, 3, "d addr offset")                    \
    X(I64_LOAD16_S, 3, "d addr offset") X(I64_LOAD16_U, 3, "d addr offset")                  \
    X(I64_LOAD32_S, 3, "d addr offset") X(I64_LOAD32_U, 3, "d addr offset")                  \
    /* stores: mem[(uint64)fp[addr].u32 + offset] = fp[value] */                             \
    X(I32_STORE, 3, "addr value offset") X(I64_STORE, 3, "addr value offset")                \
    X(F32_STORE, 3, "addr value offset") X(F64_STORE, 3, "addr value offset")                \
    X(I32_STORE8, 3, "addr value offset") X(I32_STORE16, 3, "addr value offset")             \
    X(I64_STORE8, 3, "addr value offset") X(I64_STORE16, 3, "addr value offset")             \
    X(I64_STORE32, 3, "addr value offset")                                                   \
    /* memory accesses whose address is computed in the same instruction: fp[sum] = fp[a] + fp[b] \
       (i32), then the access at (uint64)fp[sum].u32 + offset; stores read fp[value] after   \
       writing fp[sum] */                                                                    \
    X(I32_LOAD_ADD, 5, "d sum a b offset") X(I64_LOAD_ADD, 5, "d sum a b offset")            \
    X(F32_LOAD_ADD, 5, "d sum a b offset") X(F64_LOAD_ADD, 5, "d sum a b offset")            \
    X(I32_LOAD8_S_ADD, 5, "d sum a b offset") X(I32_LOAD8_U_ADD, 5, "d sum a b offset")      \
    X(I32_LOAD16_S_ADD, 5, "d sum a b offset") X(I32_LOAD16_U_ADD, 5, "d sum a b offset")    \
    /* ... whose loaded i32 is added to fp[c] right away (sums of array elements and pixels):  \
       fp[d] = loaded + fp[c], fp[c] read after fp[sum] is written */                          \
    X(I32_LOAD_ADD_THEN_ADD, 6, "d sum a b offset c")                                         \
    X(I32_LOAD8_U_ADD_THEN_ADD, 6, "d sum a b offset c")                                      \
    X(I32_STORE_ADD, 5, "sum a b value offset") X(I64_STORE_ADD, 5, "sum a b value offset")  \
    X(F32_STORE_ADD, 5, "sum a b value offset") X(F64_STORE_ADD, 5, "sum a b value offset")  \
    X(I32_STORE8_ADD, 5, "sum a b value offset")                                             \
    /* loads from an indexed address: fp[sum] = fp[base] + (fp[index] << (fp[shift] & 31)) (i32, \
       as I32_ADD_SHL), then the load at (uint64)fp[sum].u32 + offset */                        \
    X(I32_LOAD_SHL, 6, "d sum base index shift offset") X(I64_LOAD_SHL, 6, "d sum base index shift offset") \
    X(F32_LOAD_SHL, 6, "d sum base index shift offset") X(F64_LOAD_SHL, 6, "d sum base index shift offset") \
    /* arithmetic with a memory operand: fp[d] = fp[a] OP load(fp[addr].u32 + offset) */       \
    X(I32_ADD_LOAD, 4, "d a addr offset")                                                     \
    X(F32_ADD_LOAD, 4, "d a addr offset") X(F32_SUB_LOAD, 4, "d a addr offset")               \
    X(F32_MUL_LOAD, 4, "d a addr offset")                                                     \
    X(F64_ADD_LOAD, 4, "d a addr offset") X(F64_SUB_LOAD, 4, "d a addr offset")               \
    X(F64_MUL_LOAD, 4, "d a addr offset")                                                     \
    /* multiply-accumulate into memory (c[j] += x * y): the value v at fp[addr].u32 + offset   \
       becomes (fp[a] * fp[b]) + v, rounded after each step as the two wasm instructions */   \
    X(F32_MUL_ADD_STORE, 4, "a b addr offset") X(F64_MUL_ADD_STORE, 4, "a b addr offset")     \
    /* multiply-add (sum += x * y), rounded after each step: fp[d] = (fp[a] * fp[b]) + fp[c], \
       and with the multiplier loaded: fp[d] = (fp[a] * load(fp[addr].u32 + offset)) + fp[c] */ \
    X(F32_MUL_ADD, 4, "d a b c") X(F64_MUL_ADD, 4, "d a b c")                                 \
    X(F32_MUL_LOAD_ADD, 5, "d a addr offset c") X(F64_MUL_LOAD_ADD, 5, "d a addr offset c")   \
    /* i32 */                                                                                 \
    X(I32_ADD_SHL, 4, "d a b shift")   /* fp[d] = fp[a] + (fp[b] << (fp[shift] & 31)) */      \
    X(I32_ADD2, 6, "d a b d2 a2 b2")   /* I32_ADD d a b, then I32_ADD d2 a2 b2 */             \
    ENG_I32_PAIRS(ENG_I32_PAIR_OPCODE, X)                                                     \
    X(I32_EQZ, 2, "d a") X(I32_EQ, 3, "d a b") X(I32_NE, 3, "d a b")                          \
    X(I32_LT_S, 3, "d a b") X(I32_LT_U, 3, "d a b") X(I32_GT_S, 3, "d a b")                  \
    X(I32_GT_U, 3, "d a b") X(I32_LE_S, 3, "d a b") X(I32_LE_U, 3, "d a b")                  \
    X(I32_GE_S, 3, "d a b") X(I32_GE_U, 3, "d a b")                                          \
    X(I32_CLZ, 2, "d a") X(I32_CTZ, 2, "d a") X(I32_POPCNT, 2, "d a")                         \
    X(I32_ADD, 3, "d a b") X(I32_SUB, 3, "d a b") X(I32_MUL, 3, "d a b")                      \
    X(I32_DIV_S, 3, "d a b") X(I32_DIV_U, 3, "d a b") X(I32_REM_S, 3, "d a b")                \
    X(I32_REM_U, 3, "d a b") X(I32_AND, 3, "d a b") X(I32_OR, 3, "d a b")                     \
    X(I32_XOR, 3, "d a b") X(I32_SHL, 3, "d a b") X(I32_SHR_S, 3, "d a b")                    \
    X(I32_SHR_U, 3, "d a b") X(I32_ROTL, 3, "d a b") X(I32_ROTR, 3, "d a b")                  \
    /* i64 (comparisons produce i32) */                                                       \
    X(I64_EQZ, 2, "d a") X(I64_EQ, 3, "d a b") X(I64_NE, 3, "d a b")                          \
    X(I64_LT_S, 3, "d a b") X(I64_LT_U, 3, "d a b") X(I64_GT_S, 3, "d a b")                  \
    X(I64_GT_U, 3, "d a b") X(I64_LE_S, 3, "d a b") X(I64_LE_U, 3, "d a b")                  \
    X(I64_GE_S, 3, "d a b") X(I64_GE_U, 3, "d a b")                                          \
    X(I64_CLZ, 2, "d a") X(I64_CTZ, 2, "d a") X(I64_POPCNT, 2, "d a")                         \
    X(I64_ADD, 3, "d a b") X(I64_SUB, 3, "d a b") X(I64_MUL, 3, "d a b")                      \
    X(I64_DIV_S, 3, "d a b") X(I64_DIV_U, 3, "d a b") X(I64_REM_S, 3, "d a b")                \
    X(I64_REM_U, 3, "d a b") X(I64_AND, 3, "d a b") X(I64_OR, 3, "d a b")                     \
    X(I64_XOR, 3, "d a b") X(I64_SHL, 3, "d a b") X(I64_SHR_S, 3, "d a b")                    \
    X(I64_SHR_U, 3, "d a b") X(I64_ROTL, 3, "d a b") X(I64_ROTR, 3, "d a b")                  \
    /* f32 */                                                                                 \
    X(F32_EQ, 3, "d a b") X(F32_NE, 3, "d a b") X(F32_LT, 3, "d a b") X(F32_GT, 3, "d a b")   \
    X(F32_LE, 3, "d a b") X(F32_GE, 3, "d a b")                                               \
    X(F32_ABS, 2, "d a") X(F32_NEG, 2, "d a") X(F32_CEIL, 2, "d a") X(F32_FLOOR, 2, "d a")    \
    X(F32_TRUNC, 2, "d a") X(F32_NEAREST, 2, "d a") X(F32_SQRT, 2, "d a")                    \
    X(F32_ADD, 3, "d a b") X(F32_SUB, 3, "d a b") X(F32_MUL, 3, "d a b")                      \
    X(F32_DIV, 3, "d a b") X(F32_MIN, 3, "d a b") X(F32_MAX, 3, "d a b")                      \
    X(F32_COPYSIGN, 3, "d a b")                                                               \
    /* f64 */                                                                                 \
    X(F64_EQ, 3, "d a b") X(F64_NE, 3, "d a b") X(F64_LT, 3, "d a b") X(F64_GT, 3, "d a b")   \
    X(F64_LE, 3, "d a b") X(F64_GE, 3, "d a b")                                               \
    X(F64_ABS, 2, "d a") X(F64_NEG, 2, "d a") X(F64_CEIL, 2, "d a") X(F64_FLOOR, 2, "d a")    \
    X(F64_TRUNC, 2, "d a") X(F64_NEAREST, 2, "d a") X(F64_SQRT, 2, "d a")                    \
    X(F64_ADD, 3, "d a b") X(F64_SUB, 3, "d a b") X(F64_MUL, 3, "d a b")                      \
    X(F64_DIV, 3, "d a b") X(F64_MIN, 3, "d a b") X(F64_MAX, 3, "d a b")                      \
    X(F64_COPYSIGN, 3, "d a b")                                                               \
    /* conversions (all "d a") */                                                             \
    X(I32_WRAP_I64, 2, "d a")                                                                 \
    X(I32_TRUNC_F32_S, 2, "d a") X(I32_TRUNC_F32_U, 2, "d a")                                 \
    X(I32_TRUNC_F64_S, 2, "d a") X(I32_TRUNC_F64_U, 2, "d a")                                 \
    X(I64_EXTEND_I32_S, 2, "d a") X(I64_EXTEND_I32_U, 2, "d a")                               \
    X(I64_TRUNC_F32_S, 2, "d a") X(I64_TRUNC_F32_U, 2, "d a")                                 \
    X(I64_TRUNC_F64_S, 2, "d a") X(I64_TRUNC_F64_U, 2, "d a")                                 \
    X(F32_CONVERT_I32_S, 2, "d a") X(F32_CONVERT_I32_U, 2, "d a")                             \
    X(F32_CONVERT_I64_S, 2, "d a") X(F32_CONVERT_I64_U, 2, "d a")                             \
    X(F32_DEMOTE_F64, 2, "d a")                                                               \
    X(F64_CONVERT_I32_S, 2, "d a") X(F64_CONVERT_I32_U, 2, "d a")                             \
    X(F64_CONVERT_I64_S, 2, "d a") X(F64_CONVERT_I64_U, 2, "d a")                             \
    X(F64_PROMOTE_F32, 2, "d a")                                                              \
    /* reinterpretations are COPY; sign extension */                                          \
    X(I32_EXTEND8_S, 2, "d a") X(I32_EXTEND16_S, 2, "d a")                                    \
    X(I64_EXTEND8_S, 2, "d a") X(I64_EXTEND16_S, 2, "d a") X(I64_EXTEND32_S, 2, "d a")         \
    /* non-trapping float-to-int */                                                           \
    X(I32_TRUNC_SAT_F32_S, 2, "d a") X(I32_TRUNC_SAT_F32_U, 2, "d a")                         \
    X(I32_TRUNC_SAT_F64_S, 2, "d a") X(I32_TRUNC_SAT_F64_U, 2, "d a")                         \
    X(I64_TRUNC_SAT_F32_S, 2, "d a") X(I64_TRUNC_SAT_F32_U, 2, "d a")                         \
    X(I64_TRUNC_SAT_F64_S, 2, "d a") X(I64_TRUNC_SAT_F64_U, 2, "d a")

/* The operands of the SIMD instructions, by the handler of their row (instructions.h): d the
 * result, a/b/c the operands (v128 or scalar as the row says), addr and offset as for the loads
 * above, lane an immediate lane index; a v128 immediate takes four cells, bytes 0-3 first, and
 * so do i8x16.shuffle's 16 lane indices. Loads and stores access
 * mem[(uint64)fp[addr].u32 + offset]. */
#define ENG_SIMD_OPERANDS_simd_load 3, "d addr offset"
#define ENG_SIMD_OPERANDS_simd_store 3, "addr value offset"
#define ENG_SIMD_OPERANDS_simd_load_lane 5, "d addr value offset lane"
#define ENG_SIMD_OPERANDS_simd_store_lane 4, "addr value offset lane"
#define ENG_SIMD_OPERANDS_simd_const 5, "d imm imm imm imm"
#define ENG_SIMD_OPERANDS_simd_shuffle 7, "d a b lanes lanes lanes lanes"
#define ENG_SIMD_OPERANDS_simd_splat 2, "d a"
#define ENG_SIMD_OPERANDS_simd_extract 3, "d a lane"
#define ENG_SIMD_OPERANDS_simd_replace 4, "d a b lane"
#define ENG_SIMD_OPERANDS_simd_unary 2, "d a"
#define ENG_SIMD_OPERANDS_simd_binary 3, "d a b"
#define ENG_SIMD_OPERANDS_simd_ternary 4, "d a b c"
#define ENG_SIMD_OPERANDS_simd_test 2, "d a"
#define ENG_SIMD_OPERANDS_simd_shift 3, "d a b"
#define ENG_SIMD_APPLY(X, arguments) X arguments
/* A SIMD row as an opcode row: X(SYMBOL, OPERAND_COUNT, "operands"), X being ENG_OPCODE_X, which
 * whoever expands ENG_ALL_OPCODES defines first (a row macro cannot pass X along). */
#define ENG_SIMD_OPCODE_ROW(symbol, prefix, code, name, immediates, fuel, feature, handler, ...) \
    ENG_SIMD_APPLY(ENG_OPCODE_X, (symbol, ENG_SIMD_OPERANDS_##handler))
#define ENG_ALL_OPCODES(X) ENG_OPCODES(X) ENG_WASM_SIMD_INSTRUCTIONS(ENG_SIMD_OPCODE_ROW)
/* clang-format on */

typedef enum eng_opcode {
#define ENG_OPCODE_ENUM(name, count, operands) ENG_OP_##name,
#define ENG_OPCODE_X ENG_OPCODE_ENUM
    ENG_ALL_OPCODES(ENG_OPCODE_ENUM)
#undef ENG_OPCODE_X
#undef ENG_OPCODE_ENUM
        ENG_OP_COUNT
} eng_opcode;

/* Operand cell count per opcode (-1: variable, see BR_TABLE), and names for dumps. */
extern const int8_t eng_opcode_operand_count[ENG_OP_COUNT];
extern const char *const eng_opcode_name[ENG_OP_COUNT];

/* Maps an instruction back to the wasm bytecode it came from, for backtraces. */
typedef struct eng_code_offset {
    uint32_t cell;        /* index of the opcode cell in eng_code.cells */
    uint32_t byte_offset; /* offset of the wasm instruction in the module binary */
} eng_code_offset;

/* Run-time checks a function can be compiled with (see "Limits" in runtime.h). Code without
 * them runs at full speed but cannot be metered (FUEL) or stopped inside a loop (EPOCH); calls
 * are checked either way.
 *  - ENG_CHECK_EPOCH: function entry and loop back-edges (the _BACK branches) look at the
 *    store's stop flag, raised when its deadline passes or it is interrupted.
 *  - ENG_CHECK_FUEL: fuel is charged per block of straight-line code: one unit per wasm
 *    instruction (block, loop, else, end, nop and drop are free), the whole block when it is
 *    entered (at function entry, a loop's back-edge (the _BACK_FUEL branches), or a FUEL
 *    instruction at a label that branches reach). Implies ENG_CHECK_EPOCH: the same places
 *    look at the stop flag. */
#define ENG_CHECK_EPOCH 1u
#define ENG_CHECK_FUEL 2u

/* Where code compiled with ENG_CHECK_FUEL charges a region other than the entry's, so that the
 * compiling tier charges the same amounts at the same places (docs/compiler.md, section 3). */
typedef struct eng_code_fuel_mark {
    uint32_t byte_offset; /* in the module binary: the `loop` whose back-edges charge `cost`, or the
                             `else`/`end` whose label (a branch target) charges it */
    uint32_t cost;
} eng_code_fuel_mark;

typedef struct eng_code {
    uint32_t *cells;
    uint32_t cell_count;
    uint32_t param_count; /* slots holding parameters */
    uint32_t local_count; /* params + declared locals: slots zeroed on entry are [param_count, local_count) */
    uint32_t result_count;
    uint32_t constant_count;  /* slots [local_count, local_count + constant_count) hold constants */
    uint64_t *constants;      /* their values, copied into the frame on entry */
    uint32_t frame_slots;     /* every slot the frame may touch, including call areas */
    eng_code_offset *offsets; /* sorted by cell; one per instruction that may trap or call */
    uint32_t offset_count;
    uint32_t checks;                /* ENG_CHECK_* compiled in */
    uint32_t entry_fuel;            /* fuel charged on entry (ENG_CHECK_FUEL; else 0) */
    eng_code_fuel_mark *fuel_marks; /* ENG_CHECK_FUEL: sorted by byte_offset, one per other region */
    uint32_t fuel_mark_count;
    /* It has an instruction that can write memory or call (a store, memory.fill/copy/init/grow, a
     * call): entering it from the host marks its store's memories written (eng_store.memory_written),
     * so that a store whose code never wrote gives its memories back without clearing them. */
    bool may_write_memory;
} eng_code;

/* compile.c: validates one function body and translates it. `func_index` is the index in the
 * module's function index space. On error the message names the function, the byte offset and
 * the reason (e.g. "function 3 at offset 0x1a2: type mismatch: expected i32, found f64"). */
typedef struct eng_compile_scratch eng_compile_scratch; /* working memory reused from one function to the next */
eng_compile_scratch *eng_compile_scratch_new(void);     /* NULL when out of memory */
void eng_compile_scratch_free(eng_compile_scratch *scratch);
/* `scratch` may be NULL (then each call allocates its own): passing one saves the allocations
 * of many small functions. */
eng_error *eng_compile_function(const struct eng_module *module, uint32_t func_index, eng_compile_scratch *scratch,
                                eng_code **out);
/* The checks eng_compile_function emits from now on, on the calling thread (eng_module_load compiles
 * through eng_compile_function, so set this before loading). Returns the previous setting. The
 * default is ENG_CHECK_EPOCH (the environment variable WASMHOST_COMPILE_CHECKS = none, epoch,
 * fuel or all overrides it: a test hook). */
uint32_t eng_compile_set_checks(uint32_t checks);
uint32_t eng_compile_get_checks(void);
void eng_code_free(eng_code *code);

/* Byte offset of the wasm instruction for the instruction at `cell` (0 when unknown). */
uint32_t eng_code_byte_offset(const eng_code *code, uint32_t cell);

/* code.c: prints the code readably, one instruction a line (for debugging and --dump). */
void eng_code_dump(const eng_code *code, FILE *out);

#endif
