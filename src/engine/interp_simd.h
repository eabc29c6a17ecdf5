/* interp_simd.h: the interpreter's SIMD handlers, one per SIMD row of instructions.h, made from the
 * row's handler kind; included by interp.c inside run(), where SLOT, NEXT, mem and state are.
 *
 * Each handler calls the row's eng_simd_<SYMBOL> (simd.h) on its operands: a row without that
 * function does not compile. Operands are as code.h's ENG_SIMD_OPERANDS_* say; a v128 operand
 * is read from its two slots and its result written after every operand is read, so a result
 * may overlap its operands. */
#define V128_AT(i) eng_v128_load(&SLOT(i))
#define V128_PUT(i, value) eng_v128_store(&SLOT(i), (value))
#define MEMORY_AT(address_operand, offset_operand) (mem + ((uint64_t)SLOT(address_operand).u32 + pc[offset_operand]))
#define SIMD_simd_load(symbol)                       \
    state->pc = pc;                                  \
    V128_PUT(1, eng_simd_##symbol(MEMORY_AT(2, 3))); \
    NEXT(3);
#define SIMD_simd_store(symbol)                     \
    state->pc = pc;                                 \
    eng_simd_##symbol(MEMORY_AT(1, 3), V128_AT(2)); \
    NEXT(3);
#define SIMD_simd_load_lane(symbol)                                     \
    state->pc = pc;                                                     \
    V128_PUT(1, eng_simd_##symbol(MEMORY_AT(2, 4), V128_AT(3), pc[5])); \
    NEXT(5);
#define SIMD_simd_store_lane(symbol)                       \
    state->pc = pc;                                        \
    eng_simd_##symbol(MEMORY_AT(1, 3), V128_AT(2), pc[4]); \
    NEXT(4);
#define SIMD_simd_const(symbol)         \
    V128_PUT(1, eng_v128_load(pc + 2)); \
    NEXT(5);
#define SIMD_simd_shuffle(symbol)                                                  \
    V128_PUT(1, eng_simd_##symbol(V128_AT(2), V128_AT(3), eng_v128_load(pc + 4))); \
    NEXT(7);
#define SIMD_simd_splat(symbol)                  \
    V128_PUT(1, eng_simd_##symbol(SLOT(2).u64)); \
    NEXT(2);
#define SIMD_simd_extract(symbol)                       \
    SLOT(1).u64 = eng_simd_##symbol(V128_AT(2), pc[3]); \
    NEXT(3);
#define SIMD_simd_replace(symbol)                                   \
    V128_PUT(1, eng_simd_##symbol(V128_AT(2), SLOT(3).u64, pc[4])); \
    NEXT(4);
#define SIMD_simd_unary(symbol)                 \
    V128_PUT(1, eng_simd_##symbol(V128_AT(2))); \
    NEXT(2);
#define SIMD_simd_binary(symbol)                            \
    V128_PUT(1, eng_simd_##symbol(V128_AT(2), V128_AT(3))); \
    NEXT(3);
#define SIMD_simd_ternary(symbol)                                       \
    V128_PUT(1, eng_simd_##symbol(V128_AT(2), V128_AT(3), V128_AT(4))); \
    NEXT(4);
#define SIMD_simd_test(symbol)                   \
    SLOT(1).u64 = eng_simd_##symbol(V128_AT(2)); \
    NEXT(2);
#define SIMD_simd_shift(symbol)                              \
    V128_PUT(1, eng_simd_##symbol(V128_AT(2), SLOT(3).u32)); \
    NEXT(3);
#define SIMD_HANDLER(symbol, prefix, code, name, immediates, fuel, feature, handler, ...) \
    op_##symbol: { SIMD_##handler(symbol) }
ENG_WASM_SIMD_INSTRUCTIONS(SIMD_HANDLER)
#undef SIMD_HANDLER
#undef SIMD_simd_load
#undef SIMD_simd_store
#undef SIMD_simd_load_lane
#undef SIMD_simd_store_lane
#undef SIMD_simd_const
#undef SIMD_simd_shuffle
#undef SIMD_simd_splat
#undef SIMD_simd_extract
#undef SIMD_simd_replace
#undef SIMD_simd_unary
#undef SIMD_simd_binary
#undef SIMD_simd_ternary
#undef SIMD_simd_test
#undef SIMD_simd_shift
#undef MEMORY_AT
#undef V128_PUT
#undef V128_AT
