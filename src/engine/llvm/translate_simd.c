/* translate_simd.c: the SIMD rows (the 0xFD prefix) to LLVM vector IR, with the semantics of the interpreter's simd.h.
 *
 * A v128 is a <2 x i64> wherever it is held (the operand stack, locals, params, results, phis,
 * globals, slots) and is bitcast to the shape an instruction works on (<16 x i8> ... <2 x double>),
 * which costs nothing. Every row says exactly what WebAssembly says without relying on x86
 * behaviour: shift counts masked to the lane width, saturation with llvm.*.sat and clamps,
 * trunc_sat with llvm.fpto*i.sat, min/max through translate.c's NaN-propagating min_max (-0 <
 * +0), pmin/pmax as the selects the spec defines, NaN results quieted where LLVM could fold an
 * operation away (quiet_if_foldable, as the scalar rows). The generic vector IR is what LLVM
 * lowers well for the features the engine enables (SSE4.1, AVX2 when present); the one
 * target-specific intrinsic is pshufb for i8x16.swizzle, used only with SSSE3.
 */
#include "translator.h"

/* The lane types of the shapes; V128 rows (bitwise, loads) work on the canonical <2 x i64>. */
typedef enum shape { SHAPE_I8, SHAPE_I16, SHAPE_I32, SHAPE_I64, SHAPE_F32, SHAPE_F64 } shape;

static unsigned lane_count(shape s)
{
    static const unsigned counts[] = {16, 8, 4, 2, 4, 2};
    return counts[s];
}

static LLVMTypeRef lane_type(translator *t, shape s)
{
    switch (s) {
    case SHAPE_I8: return t->s->i8;
    case SHAPE_I16: return LLVMInt16TypeInContext(t->s->context);
    case SHAPE_I32: return t->s->i32;
    case SHAPE_I64: return t->s->i64;
    case SHAPE_F32: return t->s->f32;
    case SHAPE_F64: return t->s->f64;
    }
    return t->s->i64;
}

static LLVMTypeRef vector_of(translator *t, shape s, unsigned count) { return LLVMVectorType(lane_type(t, s), count); }
static LLVMTypeRef vector_type(translator *t, shape s) { return vector_of(t, s, lane_count(s)); }

/* The shape a row works on, from its name ("i8x16.add"): one fact, in the table. */
static shape row_shape(const eng_wasm_instruction *row)
{
    static const struct {
        const char *prefix;
        shape s;
    } prefixes[] = {{"i8x16.", SHAPE_I8},  {"i16x8.", SHAPE_I16}, {"i32x4.", SHAPE_I32},
                    {"i64x2.", SHAPE_I64}, {"f32x4.", SHAPE_F32}, {"f64x2.", SHAPE_F64}};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(row->name, prefixes[i].prefix, 6) == 0)
            return prefixes[i].s;
    return SHAPE_I64; /* v128.* */
}

/* The integer shape of the same lane width (comparison masks of float lanes). */
static shape integer_shape(shape s) { return s == SHAPE_F32 ? SHAPE_I32 : s == SHAPE_F64 ? SHAPE_I64 : s; }
/* The integer shape of lanes twice as wide (extend, extmul, narrow's inputs). */
static shape wider(shape s) { return (shape)(s + 1); }

static LLVMValueRef as(translator *t, LLVMValueRef v, shape s)
{
    return LLVMBuildBitCast(t->b, v, vector_type(t, s), "");
}

static LLVMValueRef canonical(translator *t, LLVMValueRef v) { return LLVMBuildBitCast(t->b, v, t->s->v128, ""); }

static LLVMValueRef pop_as(translator *t, shape s) { return as(t, pop(t), s); }

static void push_vector(translator *t, LLVMValueRef v) { push(t, canonical(t, v)); }

/* A vector of `count` lanes of integer shape `s` each holding `value` (truncated to the lane). */
static LLVMValueRef const_lanes(translator *t, shape s, unsigned count, uint64_t value)
{
    unsigned bits = 8u << s;
    if (bits < 64)
        value &= ((uint64_t)1 << bits) - 1;
    LLVMValueRef lanes[16];
    for (unsigned i = 0; i < count; i++)
        lanes[i] = LLVMConstInt(lane_type(t, s), value, false);
    return LLVMConstVector(lanes, count);
}

static LLVMValueRef const_splat(translator *t, shape s, uint64_t value)
{
    return const_lanes(t, s, lane_count(s), value);
}

/* shufflevector of a and b (b may be NULL: poison) with the constant lane indices `mask`. */
static LLVMValueRef shuffle(translator *t, LLVMValueRef a, LLVMValueRef b, const unsigned *mask, unsigned count)
{
    LLVMValueRef indices[32];
    for (unsigned i = 0; i < count; i++)
        indices[i] = const_i32(t, mask[i]);
    return LLVMBuildShuffleVector(t->b, a, b ? b : LLVMGetPoison(LLVMTypeOf(a)), LLVMConstVector(indices, count), "");
}

/* Lanes first, first + step, ... (count of them) of a (and b after it). */
static LLVMValueRef lanes_of(translator *t, LLVMValueRef a, LLVMValueRef b, unsigned first, unsigned step,
                             unsigned count)
{
    unsigned mask[32] = {0};
    for (unsigned i = 0; i < count && i < 32; i++)
        mask[i] = first + i * step;
    return shuffle(t, a, b, mask, count);
}

static LLVMValueRef splat(translator *t, LLVMValueRef scalar, shape s)
{
    LLVMValueRef one = LLVMBuildInsertElement(t->b, LLVMGetPoison(vector_type(t, s)), scalar, const_i32(t, 0), "");
    unsigned mask[16] = {0};
    return shuffle(t, one, NULL, mask, lane_count(s));
}

/* The low or high half of integer vector v of shape s, sign- or zero-extended to lanes twice as wide. */
static LLVMValueRef extend_half(translator *t, LLVMValueRef v, shape s, bool high, bool is_signed)
{
    unsigned half = lane_count(s) / 2;
    LLVMValueRef part = lanes_of(t, v, NULL, high ? half : 0, 1, half);
    LLVMTypeRef to = vector_of(t, wider(s), half);
    return is_signed ? LLVMBuildSExt(t->b, part, to, "") : LLVMBuildZExt(t->b, part, to, "");
}

/* A comparison's lanes (<n x i1>) as the all-ones / all-zeros lanes of shape s. */
static LLVMValueRef mask_of(translator *t, LLVMValueRef condition, shape s)
{
    return LLVMBuildSExt(t->b, condition, vector_type(t, integer_shape(s)), "");
}

static LLVMValueRef vector_intrinsic(translator *t, const char *name, LLVMValueRef *args, unsigned count)
{
    LLVMTypeRef type = LLVMTypeOf(args[0]);
    return call_intrinsic(t, name, &type, 1, args, count);
}

/* ---- memory ---- */

static LLVMValueRef memory_load(translator *t, LLVMTypeRef type, LLVMValueRef address)
{
    LLVMValueRef value = LLVMBuildLoad2(t->b, type, address, "");
    LLVMSetAlignment(value, 1);
    LLVMSetMetadata(value, t->s->memory_load_kind, t->s->invariant_node); /* keep_traps.c */
    return value;
}

static void memory_store(translator *t, LLVMValueRef value, LLVMValueRef address)
{
    LLVMSetAlignment(LLVMBuildStore(t->b, value, address), 1);
}

/* The address of an access: `address` plus the memarg's offset (its alignment is a hint). */
static LLVMValueRef memarg_address(translator *t, LLVMValueRef address)
{
    uint32_t alignment = 0, offset = 0;
    read_u32_leb(&t->r, &alignment);
    read_u32_leb(&t->r, &offset);
    return effective_address(t, address, offset);
}

static void translate_simd_load(translator *t, const eng_wasm_instruction *row)
{
    LLVMValueRef address = memarg_address(t, pop(t));
    eng_wasm_index index = eng_wasm_index_of(row);
    LLVMValueRef v;
    switch (index) {
    case ENG_WASM_V128_LOAD: v = memory_load(t, t->s->v128, address); break;
#define EXTEND_LOAD(symbol, from, is_signed)                                                       \
    case ENG_WASM_V128_##symbol: {                                                                 \
        unsigned count = lane_count(from) / 2;                                                     \
        LLVMValueRef narrow = memory_load(t, vector_of(t, from, count), address);                  \
        LLVMTypeRef to = vector_of(t, wider(from), count);                                         \
        v = is_signed ? LLVMBuildSExt(t->b, narrow, to, "") : LLVMBuildZExt(t->b, narrow, to, ""); \
        break;                                                                                     \
    }
        EXTEND_LOAD(LOAD8X8_S, SHAPE_I8, true)
        EXTEND_LOAD(LOAD8X8_U, SHAPE_I8, false)
        EXTEND_LOAD(LOAD16X4_S, SHAPE_I16, true)
        EXTEND_LOAD(LOAD16X4_U, SHAPE_I16, false)
        EXTEND_LOAD(LOAD32X2_S, SHAPE_I32, true)
        EXTEND_LOAD(LOAD32X2_U, SHAPE_I32, false)
#undef EXTEND_LOAD
    case ENG_WASM_V128_LOAD8_SPLAT:
    case ENG_WASM_V128_LOAD16_SPLAT:
    case ENG_WASM_V128_LOAD32_SPLAT:
    case ENG_WASM_V128_LOAD64_SPLAT: {
        shape s = (shape)row->detail; /* the natural alignment: log2 of the lane's bytes */
        v = splat(t, memory_load(t, lane_type(t, s), address), s);
        break;
    }
    case ENG_WASM_V128_LOAD32_ZERO:
    case ENG_WASM_V128_LOAD64_ZERO: {
        shape s = (shape)row->detail;
        v = LLVMBuildInsertElement(t->b, LLVMConstNull(vector_type(t, s)), memory_load(t, lane_type(t, s), address),
                                   const_i32(t, 0), "");
        break;
    }
    default: fail(t, "not a SIMD load (internal error)"); return;
    }
    push_vector(t, v);
}

static void translate_simd_store(translator *t)
{
    LLVMValueRef value = pop(t);
    memory_store(t, value, memarg_address(t, pop(t)));
}

/* load*_lane / store*_lane: the lane's width is the natural alignment (DETAIL). */
static void translate_simd_lane_memory(translator *t, const eng_wasm_instruction *row, bool load)
{
    shape s = (shape)row->detail;
    LLVMValueRef v = pop_as(t, s);
    LLVMValueRef address = memarg_address(t, pop(t));
    uint8_t lane = 0;
    read_u8(&t->r, &lane);
    if (load)
        push_vector(t,
                    LLVMBuildInsertElement(t->b, v, memory_load(t, lane_type(t, s), address), const_i32(t, lane), ""));
    else
        memory_store(t, LLVMBuildExtractElement(t->b, v, const_i32(t, lane), ""), address);
}

/* ---- constants, shuffles, lanes ---- */

static void translate_simd_const(translator *t)
{
    const uint8_t *bytes = NULL;
    if (!read_bytes(&t->r, 16, &bytes)) {
        fail(t, "v128.const without its bytes (internal error)");
        return;
    }
    uint64_t halves[2] = {0, 0};
    for (int i = 0; i < 16; i++)
        halves[i / 8] |= (uint64_t)bytes[i] << (8 * (i % 8));
    LLVMValueRef lanes[] = {const_i64(t, halves[0]), const_i64(t, halves[1])};
    push(t, LLVMConstVector(lanes, 2));
}

static void translate_simd_shuffle(translator *t)
{
    const uint8_t *bytes = NULL;
    if (!read_bytes(&t->r, 16, &bytes)) {
        fail(t, "i8x16.shuffle without its lanes (internal error)");
        return;
    }
    unsigned mask[16];
    for (int i = 0; i < 16; i++)
        mask[i] = bytes[i]; /* validated: below 32 */
    LLVMValueRef b = pop_as(t, SHAPE_I8), a = pop_as(t, SHAPE_I8);
    push_vector(t, shuffle(t, a, b, mask, 16));
}

/* i8x16.swizzle: lane i is a[b[i]], 0 where b[i] >= 16. With SSSE3, pshufb, which gives 0 where
 * an index has its top bit set: adding 0x70 with unsigned saturation keeps the low four bits of
 * indices below 16 (top bit clear) and sets the top bit of every other. Without it, lane by lane. */
static LLVMValueRef swizzle(translator *t, LLVMValueRef a, LLVMValueRef b)
{
    if (t->s->ssse3) {
        LLVMValueRef adjusted[] = {b, const_splat(t, SHAPE_I8, 0x70)};
        LLVMValueRef args[] = {a, vector_intrinsic(t, "llvm.uadd.sat", adjusted, 2)};
        return call_intrinsic(t, "llvm.x86.ssse3.pshuf.b.128", NULL, 0, args, 2);
    }
    LLVMValueRef r = LLVMConstNull(vector_type(t, SHAPE_I8));
    for (unsigned i = 0; i < 16; i++) {
        LLVMValueRef index = LLVMBuildExtractElement(t->b, b, const_i32(t, i), "");
        LLVMValueRef in_range = LLVMBuildICmp(t->b, LLVMIntULT, index, LLVMConstInt(t->s->i8, 16, false), "");
        LLVMValueRef masked = LLVMBuildAnd(t->b, index, LLVMConstInt(t->s->i8, 15, false), "");
        LLVMValueRef lane = LLVMBuildExtractElement(t->b, a, masked, "");
        lane = LLVMBuildSelect(t->b, in_range, lane, LLVMConstInt(t->s->i8, 0, false), "");
        r = LLVMBuildInsertElement(t->b, r, lane, const_i32(t, i), "");
    }
    return r;
}

/* The scalar of a splat or replace_lane as the lane type (i32 operands of i8/i16 lanes wrap). */
static LLVMValueRef lane_scalar(translator *t, LLVMValueRef scalar, shape s)
{
    return s == SHAPE_I8 || s == SHAPE_I16 ? LLVMBuildTrunc(t->b, scalar, lane_type(t, s), "") : scalar;
}

static void translate_simd_splat(translator *t, const eng_wasm_instruction *row)
{
    shape s = row_shape(row);
    push_vector(t, splat(t, lane_scalar(t, pop(t), s), s));
}

static void translate_simd_extract(translator *t, const eng_wasm_instruction *row)
{
    shape s = row_shape(row);
    uint8_t lane = 0;
    read_u8(&t->r, &lane);
    LLVMValueRef value = LLVMBuildExtractElement(t->b, pop_as(t, s), const_i32(t, lane), "");
    eng_wasm_index index = eng_wasm_index_of(row);
    if (index == ENG_WASM_I8X16_EXTRACT_LANE_S || index == ENG_WASM_I16X8_EXTRACT_LANE_S)
        value = LLVMBuildSExt(t->b, value, t->s->i32, "");
    else if (index == ENG_WASM_I8X16_EXTRACT_LANE_U || index == ENG_WASM_I16X8_EXTRACT_LANE_U)
        value = LLVMBuildZExt(t->b, value, t->s->i32, "");
    push(t, value);
}

static void translate_simd_replace(translator *t, const eng_wasm_instruction *row)
{
    shape s = row_shape(row);
    uint8_t lane = 0;
    read_u8(&t->r, &lane);
    LLVMValueRef scalar = lane_scalar(t, pop(t), s);
    push_vector(t, LLVMBuildInsertElement(t->b, pop_as(t, s), scalar, const_i32(t, lane), ""));
}

/* ---- lane-wise arithmetic ---- */

/* narrow: a's lanes then b's, each clamped to the narrower type's range (signed or unsigned) and truncated. */
static LLVMValueRef narrow(translator *t, LLVMValueRef a, LLVMValueRef b, shape from, bool is_signed)
{
    unsigned count = 2 * lane_count(from);
    unsigned bits = 8u << (from - 1); /* of the narrow lanes */
    LLVMValueRef both = lanes_of(t, a, b, 0, 1, count);
    uint64_t low = is_signed ? (uint64_t) - ((int64_t)1 << (bits - 1)) : 0;
    uint64_t high = is_signed ? ((uint64_t)1 << (bits - 1)) - 1 : ((uint64_t)1 << bits) - 1;
    LLVMValueRef max_args[] = {both, const_lanes(t, from, count, low)};
    LLVMValueRef min_args[] = {vector_intrinsic(t, "llvm.smax", max_args, 2), const_lanes(t, from, count, high)};
    return LLVMBuildTrunc(t->b, vector_intrinsic(t, "llvm.smin", min_args, 2), vector_type(t, (shape)(from - 1)), "");
}

/* avgr_u: (a + b + 1) >> 1 without overflow, in lanes twice as wide. */
static LLVMValueRef average(translator *t, LLVMValueRef a, LLVMValueRef b, shape s)
{
    LLVMTypeRef wide = vector_of(t, wider(s), lane_count(s));
    LLVMValueRef sum = LLVMBuildAdd(t->b, LLVMBuildZExt(t->b, a, wide, ""), LLVMBuildZExt(t->b, b, wide, ""), "");
    sum = LLVMBuildAdd(t->b, sum, const_lanes(t, wider(s), lane_count(s), 1), "");
    sum = LLVMBuildLShr(t->b, sum, const_lanes(t, wider(s), lane_count(s), 1), "");
    return LLVMBuildTrunc(t->b, sum, vector_type(t, s), "");
}

/* q15mulr_sat_s: (a * b + 0x4000) >> 15 (arithmetic), saturated; only -32768 * -32768 exceeds the range. */
static LLVMValueRef q15_multiply(translator *t, LLVMValueRef a, LLVMValueRef b)
{
    LLVMTypeRef wide = vector_of(t, SHAPE_I32, 8);
    LLVMValueRef product = LLVMBuildMul(t->b, LLVMBuildSExt(t->b, a, wide, ""), LLVMBuildSExt(t->b, b, wide, ""), "");
    product = LLVMBuildAdd(t->b, product, const_lanes(t, SHAPE_I32, 8, 0x4000), "");
    product = LLVMBuildAShr(t->b, product, const_lanes(t, SHAPE_I32, 8, 15), "");
    LLVMValueRef args[] = {product, const_lanes(t, SHAPE_I32, 8, 0x7fff)};
    return LLVMBuildTrunc(t->b, vector_intrinsic(t, "llvm.smin", args, 2), vector_type(t, SHAPE_I16), "");
}

/* Sums of adjacent lanes of v (lanes twice as wide as those of `s`, count of them). */
static LLVMValueRef pairwise_sum(translator *t, LLVMValueRef v, unsigned count)
{
    return LLVMBuildAdd(t->b, lanes_of(t, v, NULL, 0, 2, count), lanes_of(t, v, NULL, 1, 2, count), "");
}

static LLVMValueRef integer_compare(translator *t, LLVMIntPredicate predicate, LLVMValueRef a, LLVMValueRef b, shape s)
{
    return mask_of(t, LLVMBuildICmp(t->b, predicate, a, b, ""), s);
}

static LLVMValueRef float_compare(translator *t, LLVMRealPredicate predicate, LLVMValueRef a, LLVMValueRef b, shape s)
{
    return mask_of(t, LLVMBuildFCmp(t->b, predicate, a, b, ""), s);
}

static LLVMValueRef binary(translator *t, const char *name, LLVMValueRef a, LLVMValueRef b)
{
    LLVMValueRef args[] = {a, b};
    return vector_intrinsic(t, name, args, 2);
}

static void translate_simd_binary(translator *t, const eng_wasm_instruction *row)
{
    eng_wasm_index index = eng_wasm_index_of(row);
    shape s = row_shape(row);
    LLVMValueRef b = pop(t), a = pop(t);
    LLVMBuilderRef B = t->b;
    LLVMValueRef r = NULL;
    /* Rows whose operands are not of the row's own shape first. */
    switch (index) {
    case ENG_WASM_V128_AND: push(t, LLVMBuildAnd(B, a, b, "")); return;
    case ENG_WASM_V128_OR: push(t, LLVMBuildOr(B, a, b, "")); return;
    case ENG_WASM_V128_XOR: push(t, LLVMBuildXor(B, a, b, "")); return;
    case ENG_WASM_V128_ANDNOT: push(t, LLVMBuildAnd(B, a, LLVMBuildNot(B, b, ""), "")); return;
    case ENG_WASM_I8X16_NARROW_I16X8_S:
    case ENG_WASM_I8X16_NARROW_I16X8_U:
    case ENG_WASM_I16X8_NARROW_I32X4_S:
    case ENG_WASM_I16X8_NARROW_I32X4_U: {
        shape from = wider(s);
        bool is_signed = index == ENG_WASM_I8X16_NARROW_I16X8_S || index == ENG_WASM_I16X8_NARROW_I32X4_S;
        push_vector(t, narrow(t, as(t, a, from), as(t, b, from), from, is_signed));
        return;
    }
    case ENG_WASM_I16X8_EXTMUL_LOW_I8X16_S:
    case ENG_WASM_I16X8_EXTMUL_HIGH_I8X16_S:
    case ENG_WASM_I16X8_EXTMUL_LOW_I8X16_U:
    case ENG_WASM_I16X8_EXTMUL_HIGH_I8X16_U:
    case ENG_WASM_I32X4_EXTMUL_LOW_I16X8_S:
    case ENG_WASM_I32X4_EXTMUL_HIGH_I16X8_S:
    case ENG_WASM_I32X4_EXTMUL_LOW_I16X8_U:
    case ENG_WASM_I32X4_EXTMUL_HIGH_I16X8_U:
    case ENG_WASM_I64X2_EXTMUL_LOW_I32X4_S:
    case ENG_WASM_I64X2_EXTMUL_HIGH_I32X4_S:
    case ENG_WASM_I64X2_EXTMUL_LOW_I32X4_U:
    case ENG_WASM_I64X2_EXTMUL_HIGH_I32X4_U: {
        shape from = (shape)(s - 1);
        bool high = strstr(row->name, "_high_") != NULL;
        bool is_signed = row->name[strlen(row->name) - 1] == 's';
        push_vector(t, LLVMBuildMul(B, extend_half(t, as(t, a, from), from, high, is_signed),
                                    extend_half(t, as(t, b, from), from, high, is_signed), ""));
        return;
    }
    case ENG_WASM_I32X4_DOT_I16X8_S: {
        LLVMTypeRef wide = LLVMVectorType(t->s->i32, 8);
        LLVMValueRef products = LLVMBuildMul(B, LLVMBuildSExt(B, as(t, a, SHAPE_I16), wide, ""),
                                             LLVMBuildSExt(B, as(t, b, SHAPE_I16), wide, ""), "");
        push_vector(t, pairwise_sum(t, products, 4));
        return;
    }
    default: break;
    }
    a = as(t, a, s);
    b = as(t, b, s);
    switch (index) {
#define ICMP(symbol, predicate) \
    case ENG_WASM_##symbol: r = integer_compare(t, predicate, a, b, s); break;
        ICMP(I8X16_EQ, LLVMIntEQ)
        ICMP(I8X16_NE, LLVMIntNE)
        ICMP(I8X16_LT_S, LLVMIntSLT)
        ICMP(I8X16_LT_U, LLVMIntULT)
        ICMP(I8X16_GT_S, LLVMIntSGT)
        ICMP(I8X16_GT_U, LLVMIntUGT)
        ICMP(I8X16_LE_S, LLVMIntSLE)
        ICMP(I8X16_LE_U, LLVMIntULE)
        ICMP(I8X16_GE_S, LLVMIntSGE)
        ICMP(I8X16_GE_U, LLVMIntUGE)
        ICMP(I16X8_EQ, LLVMIntEQ)
        ICMP(I16X8_NE, LLVMIntNE)
        ICMP(I16X8_LT_S, LLVMIntSLT)
        ICMP(I16X8_LT_U, LLVMIntULT)
        ICMP(I16X8_GT_S, LLVMIntSGT)
        ICMP(I16X8_GT_U, LLVMIntUGT)
        ICMP(I16X8_LE_S, LLVMIntSLE)
        ICMP(I16X8_LE_U, LLVMIntULE)
        ICMP(I16X8_GE_S, LLVMIntSGE)
        ICMP(I16X8_GE_U, LLVMIntUGE)
        ICMP(I32X4_EQ, LLVMIntEQ)
        ICMP(I32X4_NE, LLVMIntNE)
        ICMP(I32X4_LT_S, LLVMIntSLT)
        ICMP(I32X4_LT_U, LLVMIntULT)
        ICMP(I32X4_GT_S, LLVMIntSGT)
        ICMP(I32X4_GT_U, LLVMIntUGT)
        ICMP(I32X4_LE_S, LLVMIntSLE)
        ICMP(I32X4_LE_U, LLVMIntULE)
        ICMP(I32X4_GE_S, LLVMIntSGE)
        ICMP(I32X4_GE_U, LLVMIntUGE)
        ICMP(I64X2_EQ, LLVMIntEQ)
        ICMP(I64X2_NE, LLVMIntNE)
        ICMP(I64X2_LT_S, LLVMIntSLT)
        ICMP(I64X2_GT_S, LLVMIntSGT)
        ICMP(I64X2_LE_S, LLVMIntSLE)
        ICMP(I64X2_GE_S, LLVMIntSGE)
#undef ICMP
#define FCMP(w, predicate)   \
    case ENG_WASM_F32X4_##w: \
    case ENG_WASM_F64X2_##w: r = float_compare(t, predicate, a, b, s); break;
        FCMP(EQ, LLVMRealOEQ)
        FCMP(NE, LLVMRealUNE)
        FCMP(LT, LLVMRealOLT)
        FCMP(GT, LLVMRealOGT)
        FCMP(LE, LLVMRealOLE)
        FCMP(GE, LLVMRealOGE)
#undef FCMP
    case ENG_WASM_I8X16_ADD:
    case ENG_WASM_I16X8_ADD:
    case ENG_WASM_I32X4_ADD:
    case ENG_WASM_I64X2_ADD: r = LLVMBuildAdd(B, a, b, ""); break;
    case ENG_WASM_I8X16_SUB:
    case ENG_WASM_I16X8_SUB:
    case ENG_WASM_I32X4_SUB:
    case ENG_WASM_I64X2_SUB: r = LLVMBuildSub(B, a, b, ""); break;
    case ENG_WASM_I16X8_MUL:
    case ENG_WASM_I32X4_MUL:
    case ENG_WASM_I64X2_MUL: r = LLVMBuildMul(B, a, b, ""); break;
    case ENG_WASM_I8X16_ADD_SAT_S:
    case ENG_WASM_I16X8_ADD_SAT_S: r = binary(t, "llvm.sadd.sat", a, b); break;
    case ENG_WASM_I8X16_ADD_SAT_U:
    case ENG_WASM_I16X8_ADD_SAT_U: r = binary(t, "llvm.uadd.sat", a, b); break;
    case ENG_WASM_I8X16_SUB_SAT_S:
    case ENG_WASM_I16X8_SUB_SAT_S: r = binary(t, "llvm.ssub.sat", a, b); break;
    case ENG_WASM_I8X16_SUB_SAT_U:
    case ENG_WASM_I16X8_SUB_SAT_U: r = binary(t, "llvm.usub.sat", a, b); break;
    case ENG_WASM_I8X16_MIN_S:
    case ENG_WASM_I16X8_MIN_S:
    case ENG_WASM_I32X4_MIN_S: r = binary(t, "llvm.smin", a, b); break;
    case ENG_WASM_I8X16_MIN_U:
    case ENG_WASM_I16X8_MIN_U:
    case ENG_WASM_I32X4_MIN_U: r = binary(t, "llvm.umin", a, b); break;
    case ENG_WASM_I8X16_MAX_S:
    case ENG_WASM_I16X8_MAX_S:
    case ENG_WASM_I32X4_MAX_S: r = binary(t, "llvm.smax", a, b); break;
    case ENG_WASM_I8X16_MAX_U:
    case ENG_WASM_I16X8_MAX_U:
    case ENG_WASM_I32X4_MAX_U: r = binary(t, "llvm.umax", a, b); break;
    case ENG_WASM_I8X16_AVGR_U:
    case ENG_WASM_I16X8_AVGR_U: r = average(t, a, b, s); break;
    case ENG_WASM_I16X8_Q15MULR_SAT_S: r = q15_multiply(t, a, b); break;
    case ENG_WASM_I8X16_SWIZZLE: r = swizzle(t, a, b); break;
#define FLOAT(w, build)      \
    case ENG_WASM_F32X4_##w: \
    case ENG_WASM_F64X2_##w: r = build; break;
        FLOAT(ADD, quiet_if_foldable(t, LLVMBuildFAdd(B, a, b, ""), a, b))
        FLOAT(SUB, quiet_if_foldable(t, LLVMBuildFSub(B, a, b, ""), a, b))
        FLOAT(MUL, quiet_if_foldable(t, LLVMBuildFMul(B, a, b, ""), a, b))
        FLOAT(DIV, quiet_if_foldable(t, LLVMBuildFDiv(B, a, b, ""), a, b))
        FLOAT(MIN, min_max(t, "llvm.minimum", a, b))
        FLOAT(MAX, min_max(t, "llvm.maximum", a, b))
        /* pmin: b < a ? b : a; pmax: a < b ? b : a (the operands themselves, NaNs and zeros included) */
        FLOAT(PMIN, LLVMBuildSelect(B, LLVMBuildFCmp(B, LLVMRealOLT, b, a, ""), b, a, ""))
        FLOAT(PMAX, LLVMBuildSelect(B, LLVMBuildFCmp(B, LLVMRealOLT, a, b, ""), b, a, ""))
#undef FLOAT
    default: fail(t, "not a SIMD binary operation (internal error)"); return;
    }
    push_vector(t, r);
}

static LLVMValueRef unary_vector(translator *t, const char *name, LLVMValueRef x)
{
    return vector_intrinsic(t, name, &x, 1);
}

static void translate_simd_unary(translator *t, const eng_wasm_instruction *row)
{
    eng_wasm_index index = eng_wasm_index_of(row);
    shape s = row_shape(row);
    LLVMValueRef x = pop(t);
    LLVMBuilderRef B = t->b;
    LLVMValueRef r = NULL;
    LLVMTypeRef i1 = LLVMInt1TypeInContext(t->s->context);
    switch (index) {
    case ENG_WASM_V128_NOT: r = LLVMBuildNot(B, x, ""); break;
    case ENG_WASM_I8X16_ABS:
    case ENG_WASM_I16X8_ABS:
    case ENG_WASM_I32X4_ABS:
    case ENG_WASM_I64X2_ABS: {
        LLVMValueRef args[] = {as(t, x, s), LLVMConstInt(i1, 0, false)}; /* abs(MIN) is MIN */
        r = vector_intrinsic(t, "llvm.abs", args, 2);
        break;
    }
    case ENG_WASM_I8X16_NEG:
    case ENG_WASM_I16X8_NEG:
    case ENG_WASM_I32X4_NEG:
    case ENG_WASM_I64X2_NEG: r = LLVMBuildNeg(B, as(t, x, s), ""); break;
    case ENG_WASM_I8X16_POPCNT: r = unary_vector(t, "llvm.ctpop", as(t, x, s)); break;
    case ENG_WASM_I16X8_EXTEND_LOW_I8X16_S:
    case ENG_WASM_I16X8_EXTEND_HIGH_I8X16_S:
    case ENG_WASM_I16X8_EXTEND_LOW_I8X16_U:
    case ENG_WASM_I16X8_EXTEND_HIGH_I8X16_U:
    case ENG_WASM_I32X4_EXTEND_LOW_I16X8_S:
    case ENG_WASM_I32X4_EXTEND_HIGH_I16X8_S:
    case ENG_WASM_I32X4_EXTEND_LOW_I16X8_U:
    case ENG_WASM_I32X4_EXTEND_HIGH_I16X8_U:
    case ENG_WASM_I64X2_EXTEND_LOW_I32X4_S:
    case ENG_WASM_I64X2_EXTEND_HIGH_I32X4_S:
    case ENG_WASM_I64X2_EXTEND_LOW_I32X4_U:
    case ENG_WASM_I64X2_EXTEND_HIGH_I32X4_U: {
        shape from = (shape)(s - 1);
        bool high = strstr(row->name, "_high_") != NULL;
        bool is_signed = row->name[strlen(row->name) - 1] == 's';
        r = extend_half(t, as(t, x, from), from, high, is_signed);
        break;
    }
    case ENG_WASM_I16X8_EXTADD_PAIRWISE_I8X16_S:
    case ENG_WASM_I16X8_EXTADD_PAIRWISE_I8X16_U:
    case ENG_WASM_I32X4_EXTADD_PAIRWISE_I16X8_S:
    case ENG_WASM_I32X4_EXTADD_PAIRWISE_I16X8_U: {
        shape from = (shape)(s - 1);
        LLVMTypeRef wide = vector_of(t, s, lane_count(from));
        bool is_signed =
            index == ENG_WASM_I16X8_EXTADD_PAIRWISE_I8X16_S || index == ENG_WASM_I32X4_EXTADD_PAIRWISE_I16X8_S;
        LLVMValueRef v = as(t, x, from);
        v = is_signed ? LLVMBuildSExt(B, v, wide, "") : LLVMBuildZExt(B, v, wide, "");
        r = pairwise_sum(t, v, lane_count(s));
        break;
    }
#define FLOAT(w, build)      \
    case ENG_WASM_F32X4_##w: \
    case ENG_WASM_F64X2_##w: r = build; break;
        FLOAT(ABS, unary_vector(t, "llvm.fabs", as(t, x, s)))
        FLOAT(NEG, LLVMBuildFNeg(B, as(t, x, s), ""))
        FLOAT(SQRT, unary_vector(t, "llvm.sqrt", as(t, x, s)))
        FLOAT(CEIL, unary_vector(t, "llvm.ceil", as(t, x, s)))
        FLOAT(FLOOR, unary_vector(t, "llvm.floor", as(t, x, s)))
        FLOAT(TRUNC, unary_vector(t, "llvm.trunc", as(t, x, s)))
        FLOAT(NEAREST, unary_vector(t, "llvm.roundeven", as(t, x, s)))
#undef FLOAT
    case ENG_WASM_I32X4_TRUNC_SAT_F32X4_S:
    case ENG_WASM_I32X4_TRUNC_SAT_F32X4_U:
        r = saturate(t, as(t, x, SHAPE_F32), vector_type(t, SHAPE_I32), index == ENG_WASM_I32X4_TRUNC_SAT_F32X4_S);
        break;
    case ENG_WASM_I32X4_TRUNC_SAT_F64X2_S_ZERO:
    case ENG_WASM_I32X4_TRUNC_SAT_F64X2_U_ZERO: {
        LLVMValueRef two = saturate(t, as(t, x, SHAPE_F64), vector_of(t, SHAPE_I32, 2),
                                    index == ENG_WASM_I32X4_TRUNC_SAT_F64X2_S_ZERO);
        r = lanes_of(t, two, LLVMConstNull(LLVMTypeOf(two)), 0, 1, 4);
        break;
    }
    case ENG_WASM_F32X4_CONVERT_I32X4_S:
        r = LLVMBuildSIToFP(B, as(t, x, SHAPE_I32), vector_type(t, SHAPE_F32), "");
        break;
    case ENG_WASM_F32X4_CONVERT_I32X4_U:
        r = LLVMBuildUIToFP(B, as(t, x, SHAPE_I32), vector_type(t, SHAPE_F32), "");
        break;
    case ENG_WASM_F64X2_CONVERT_LOW_I32X4_S:
    case ENG_WASM_F64X2_CONVERT_LOW_I32X4_U: {
        LLVMValueRef low = lanes_of(t, as(t, x, SHAPE_I32), NULL, 0, 1, 2);
        r = index == ENG_WASM_F64X2_CONVERT_LOW_I32X4_S ? LLVMBuildSIToFP(B, low, vector_type(t, SHAPE_F64), "")
                                                        : LLVMBuildUIToFP(B, low, vector_type(t, SHAPE_F64), "");
        break;
    }
    /* The hardware quiets a NaN it converts; LLVM may fold a conversion of a constant, or a
     * demote of a promote, without doing so: quieted explicitly, as the scalar rows do. */
    case ENG_WASM_F32X4_DEMOTE_F64X2_ZERO: {
        LLVMValueRef two = quiet(t, LLVMBuildFPTrunc(B, as(t, x, SHAPE_F64), vector_of(t, SHAPE_F32, 2), ""));
        r = lanes_of(t, two, LLVMConstNull(LLVMTypeOf(two)), 0, 1, 4);
        break;
    }
    case ENG_WASM_F64X2_PROMOTE_LOW_F32X4:
        r = quiet(t, LLVMBuildFPExt(B, lanes_of(t, as(t, x, SHAPE_F32), NULL, 0, 1, 2), vector_type(t, SHAPE_F64), ""));
        break;
    default: fail(t, "not a SIMD unary operation (internal error)"); return;
    }
    push_vector(t, r);
}

/* v128.bitselect: bits of a where c has ones, of b where it has zeros. */
static void translate_simd_ternary(translator *t)
{
    LLVMValueRef c = pop(t), b = pop(t), a = pop(t);
    LLVMBuilderRef B = t->b;
    push(t, LLVMBuildOr(B, LLVMBuildAnd(B, a, c, ""), LLVMBuildAnd(B, b, LLVMBuildNot(B, c, ""), ""), ""));
}

static void translate_simd_test(translator *t, const eng_wasm_instruction *row)
{
    eng_wasm_index index = eng_wasm_index_of(row);
    shape s = row_shape(row);
    LLVMValueRef x = pop(t);
    LLVMValueRef r;
    if (index == ENG_WASM_V128_ANY_TRUE) {
        LLVMValueRef whole = LLVMBuildBitCast(t->b, x, LLVMIntTypeInContext(t->s->context, 128), "");
        r = LLVMBuildICmp(t->b, LLVMIntNE, whole, LLVMConstNull(LLVMTypeOf(whole)), "");
    } else if (strstr(row->name, "all_true")) {
        LLVMValueRef lanes = LLVMBuildICmp(t->b, LLVMIntNE, as(t, x, s), LLVMConstNull(vector_type(t, s)), "");
        r = vector_intrinsic(t, "llvm.vector.reduce.and", &lanes, 1);
    } else { /* bitmask: the lanes' top bits, lane 0 in bit 0 */
        LLVMValueRef lanes = LLVMBuildICmp(t->b, LLVMIntSLT, as(t, x, s), LLVMConstNull(vector_type(t, s)), "");
        r = LLVMBuildBitCast(t->b, lanes, LLVMIntTypeInContext(t->s->context, lane_count(s)), "");
    }
    push(t, LLVMBuildZExt(t->b, r, t->s->i32, ""));
}

/* Shifts take the count modulo the lane width. */
static void translate_simd_shift(translator *t, const eng_wasm_instruction *row)
{
    shape s = row_shape(row);
    unsigned bits = 8u << s;
    LLVMValueRef count = LLVMBuildAnd(t->b, pop(t), const_i32(t, bits - 1), "");
    count = s == SHAPE_I64 ? LLVMBuildZExt(t->b, count, t->s->i64, "") : lane_scalar(t, count, s);
    LLVMValueRef counts = splat(t, count, s);
    LLVMValueRef x = pop_as(t, s);
    LLVMValueRef r;
    if (strstr(row->name, ".shl"))
        r = LLVMBuildShl(t->b, x, counts, "");
    else if (strstr(row->name, ".shr_s"))
        r = LLVMBuildAShr(t->b, x, counts, "");
    else
        r = LLVMBuildLShr(t->b, x, counts, "");
    push_vector(t, r);
}

void llvm_translate_simd(translator *t, const eng_wasm_instruction *row)
{
    eng_wasm_index index = eng_wasm_index_of(row);
    switch (index) {
#define SIMD_CASE(symbol, prefix, code, name, immediates, fuel, feature, handler, ...) \
    case ENG_WASM_##symbol:                                                            \
        SIMD_##handler(t, row);                                                        \
        return;
#define SIMD_simd_load(t, row) translate_simd_load(t, row)
#define SIMD_simd_store(t, row) translate_simd_store(t)
#define SIMD_simd_load_lane(t, row) translate_simd_lane_memory(t, row, true)
#define SIMD_simd_store_lane(t, row) translate_simd_lane_memory(t, row, false)
#define SIMD_simd_const(t, row) translate_simd_const(t)
#define SIMD_simd_shuffle(t, row) translate_simd_shuffle(t)
#define SIMD_simd_splat(t, row) translate_simd_splat(t, row)
#define SIMD_simd_extract(t, row) translate_simd_extract(t, row)
#define SIMD_simd_replace(t, row) translate_simd_replace(t, row)
#define SIMD_simd_unary(t, row) translate_simd_unary(t, row)
#define SIMD_simd_binary(t, row) translate_simd_binary(t, row)
#define SIMD_simd_ternary(t, row) translate_simd_ternary(t)
#define SIMD_simd_test(t, row) translate_simd_test(t, row)
#define SIMD_simd_shift(t, row) translate_simd_shift(t, row)
        ENG_WASM_SIMD_INSTRUCTIONS(SIMD_CASE)
#undef SIMD_CASE
    default: fail(t, "not a SIMD instruction (internal error)");
    }
}
