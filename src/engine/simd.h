/* simd.h: the semantics of WebAssembly's fixed-width SIMD instructions (0xFD prefix), one function each (static inline).
 *
 * The interpreter calls eng_simd_SYMBOL for the row SYMBOL of the instruction table; the function's
 * signature follows the row's handler kind (simd_load, simd_binary, simd_shift ...). Values are
 * eng_v128: 16 bytes whose lanes are in wasm's (little-endian) memory order, so a vector is loaded
 * and stored with memcpy and its lanes are read through other vector types of the same size, whose
 * casts are free bit reinterpretations. Hosts must be little-endian (checked below).
 *
 * Design: GCC/clang vector extensions for everything, so that the common operations (integer and
 * float arithmetic, logic, comparisons, min/max, shifts, loads, splats) are whole-vector code on any
 * target; SSE2/SSSE3/SSE4.1 intrinsics only where the compiler was told the target has them and
 * they do an instruction's exact job in one or two instructions (saturation, narrowing, bitmask,
 * rounding...). ENG_SIMD_PORTABLE turns the intrinsics off, so that the tests check the portable
 * code on x86 too. Rare instructions (shuffle, swizzle, trunc_sat of f64x2, ...) are per-lane loops.
 * No undefined behaviour: integer arithmetic that can wrap is done on unsigned lanes, shift counts
 * are reduced modulo the lane width, floats are clamped into range before any conversion to an
 * integer. Float results follow wasm's NaN rules: a NaN result is the quieted NaN the host's
 * arithmetic makes of the NaN operands (canonical if they were), which is what x + x or a + b give,
 * or the canonical NaN, which is always allowed (SSE2 min/max).
 */
#ifndef ENG_SIMD_H
#define ENG_SIMD_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#if !defined(__GNUC__)
#error "simd.h needs the vector extensions of GCC (12 or later) or clang"
#endif
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "simd.h reads a vector's lanes in memory order: it needs a little-endian host"
#endif

/* The rounding of f32x4/f64x2 ceil, floor, trunc and nearest without SSE4.1 relies on each float
 * operation rounding to its type (no x87 excess precision). */
#if !defined(__FLT_EVAL_METHOD__) || __FLT_EVAL_METHOD__ != 0
#error "simd.h needs float arithmetic evaluated in its own type (FLT_EVAL_METHOD 0: SSE2 on 32-bit x86)"
#endif

#if defined(__SSE2__) && !defined(ENG_SIMD_PORTABLE)
#include <immintrin.h>
#define ENG_SIMD_SSE2 1
#if defined(__SSSE3__)
#define ENG_SIMD_SSSE3 1
#endif
#if defined(__SSE4_1__)
#define ENG_SIMD_SSE41 1
#endif
#endif

/* How each eng_simd_* function is declared: inline, so that the interpreter's handlers are the
 * operations themselves; with ENG_SIMD_OUT_OF_LINE (sanitizer builds, see interp.c) functions of
 * their own, as instrumented code inlined into the interpreter's one big function took minutes to
 * compile. */
#ifdef ENG_SIMD_OUT_OF_LINE
#define ENG_SIMD_FUNCTION static __attribute__((noinline, unused))
#else
#define ENG_SIMD_FUNCTION static inline
#endif

typedef uint64_t eng_v128 __attribute__((vector_size(16)));

/* The lane views of an eng_v128, and the half vectors that extending operations start from. */
typedef int8_t eng_i8x16 __attribute__((vector_size(16)));
typedef uint8_t eng_u8x16 __attribute__((vector_size(16)));
typedef int16_t eng_i16x8 __attribute__((vector_size(16)));
typedef uint16_t eng_u16x8 __attribute__((vector_size(16)));
typedef int32_t eng_i32x4 __attribute__((vector_size(16)));
typedef uint32_t eng_u32x4 __attribute__((vector_size(16)));
typedef int64_t eng_i64x2 __attribute__((vector_size(16)));
typedef float eng_f32x4 __attribute__((vector_size(16)));
typedef double eng_f64x2 __attribute__((vector_size(16)));
typedef int8_t eng_i8x8 __attribute__((vector_size(8)));
typedef uint8_t eng_u8x8 __attribute__((vector_size(8)));
typedef int16_t eng_i16x4 __attribute__((vector_size(8)));
typedef uint16_t eng_u16x4 __attribute__((vector_size(8)));
typedef int32_t eng_i32x2 __attribute__((vector_size(8)));
typedef uint32_t eng_u32x2 __attribute__((vector_size(8)));
typedef float eng_f32x2 __attribute__((vector_size(8)));

static inline eng_v128 eng_v128_load(const void *p)
{
    eng_v128 v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline void eng_v128_store(void *p, eng_v128 v) { memcpy(p, &v, sizeof v); }

/* mask ? a : b, bit by bit (mask lanes are all ones or all zeros, as comparisons make them). */
static inline eng_v128 eng_simd_select(eng_v128 mask, eng_v128 a, eng_v128 b) { return (a & mask) | (b & ~mask); }

/* The low and high halves of a vector as half vectors (lanes in order), for the extending operations. */
#define ENG_SIMD_LOW8(v) __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7)
#define ENG_SIMD_HIGH8(v) __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15)
#define ENG_SIMD_LOW4(v) __builtin_shufflevector(v, v, 0, 1, 2, 3)
#define ENG_SIMD_HIGH4(v) __builtin_shufflevector(v, v, 4, 5, 6, 7)
#define ENG_SIMD_LOW2(v) __builtin_shufflevector(v, v, 0, 1)
#define ENG_SIMD_HIGH2(v) __builtin_shufflevector(v, v, 2, 3)
/* The even and odd lanes, for the pairwise operations (extadd_pairwise, dot). */
#define ENG_SIMD_EVEN4(v) __builtin_shufflevector(v, v, 0, 2, 4, 6)
#define ENG_SIMD_ODD4(v) __builtin_shufflevector(v, v, 1, 3, 5, 7)

/* ---- splat (before the loads, which use them) ---- */
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_SPLAT(uint64_t bits) { return (eng_v128)((eng_u8x16){0} + (uint8_t)bits); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_SPLAT(uint64_t bits) { return (eng_v128)((eng_u16x8){0} + (uint16_t)bits); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I32X4_SPLAT(uint64_t bits) { return (eng_v128)((eng_u32x4){0} + (uint32_t)bits); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I64X2_SPLAT(uint64_t bits) { return (eng_v128){bits, bits}; }
ENG_SIMD_FUNCTION eng_v128 eng_simd_F32X4_SPLAT(uint64_t bits) { return eng_simd_I32X4_SPLAT(bits); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_F64X2_SPLAT(uint64_t bits) { return eng_simd_I64X2_SPLAT(bits); }

/* ---- loads and stores: p is the effective address, unaligned; each reads exactly its bytes ---- */
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_LOAD(const uint8_t *p) { return eng_v128_load(p); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_LOAD8_SPLAT(const uint8_t *p) { return eng_simd_I8X16_SPLAT(*p); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_LOAD16_SPLAT(const uint8_t *p)
{
    uint16_t x;
    memcpy(&x, p, sizeof x);
    return eng_simd_I16X8_SPLAT(x);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_LOAD32_SPLAT(const uint8_t *p)
{
    uint32_t x;
    memcpy(&x, p, sizeof x);
    return eng_simd_I32X4_SPLAT(x);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_LOAD64_SPLAT(const uint8_t *p)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
    return eng_simd_I64X2_SPLAT(x);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_LOAD32_ZERO(const uint8_t *p)
{
    uint32_t x;
    memcpy(&x, p, sizeof x);
    return (eng_v128)(eng_u32x4){x, 0, 0, 0};
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_LOAD64_ZERO(const uint8_t *p)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
    return (eng_v128){x, 0};
}
ENG_SIMD_FUNCTION void eng_simd_V128_STORE(uint8_t *p, eng_v128 v) { eng_v128_store(p, v); }

/* Lane loads and stores; the lane index is validated, the mask only keeps the access in the vector. */
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_LOAD8_LANE(const uint8_t *p, eng_v128 v, uint32_t lane)
{
    eng_u8x16 lanes = (eng_u8x16)v;
    lanes[lane & 15] = *p;
    return (eng_v128)lanes;
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_LOAD16_LANE(const uint8_t *p, eng_v128 v, uint32_t lane)
{
    eng_u16x8 lanes = (eng_u16x8)v;
    uint16_t x;
    memcpy(&x, p, sizeof x);
    lanes[lane & 7] = x;
    return (eng_v128)lanes;
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_LOAD32_LANE(const uint8_t *p, eng_v128 v, uint32_t lane)
{
    eng_u32x4 lanes = (eng_u32x4)v;
    uint32_t x;
    memcpy(&x, p, sizeof x);
    lanes[lane & 3] = x;
    return (eng_v128)lanes;
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_LOAD64_LANE(const uint8_t *p, eng_v128 v, uint32_t lane)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
    v[lane & 1] = x;
    return v;
}
ENG_SIMD_FUNCTION void eng_simd_V128_STORE8_LANE(uint8_t *p, eng_v128 v, uint32_t lane)
{
    *p = ((eng_u8x16)v)[lane & 15];
}
ENG_SIMD_FUNCTION void eng_simd_V128_STORE16_LANE(uint8_t *p, eng_v128 v, uint32_t lane)
{
    uint16_t x = ((eng_u16x8)v)[lane & 7];
    memcpy(p, &x, sizeof x);
}
ENG_SIMD_FUNCTION void eng_simd_V128_STORE32_LANE(uint8_t *p, eng_v128 v, uint32_t lane)
{
    uint32_t x = ((eng_u32x4)v)[lane & 3];
    memcpy(p, &x, sizeof x);
}
ENG_SIMD_FUNCTION void eng_simd_V128_STORE64_LANE(uint8_t *p, eng_v128 v, uint32_t lane)
{
    uint64_t x = v[lane & 1];
    memcpy(p, &x, sizeof x);
}

/* ---- shuffle, swizzle ---- */
/* lanes: 16 indices < 32 (validated) into the 32 bytes of a then b. */
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_SHUFFLE(eng_v128 a, eng_v128 b, eng_v128 lanes)
{
#if defined(ENG_SIMD_SSSE3)
    /* pshufb gives 0 for an index with its top bit set: index + 0x70 (saturated) picks from a for
     * 0..15 and zero for 16..31; index - 16 picks from b for 16..31 and zero for 0..15. */
    __m128i index = (__m128i)lanes;
    __m128i from_a = _mm_shuffle_epi8((__m128i)a, _mm_adds_epu8(index, _mm_set1_epi8(0x70)));
    __m128i from_b = _mm_shuffle_epi8((__m128i)b, _mm_sub_epi8(index, _mm_set1_epi8(16)));
    return (eng_v128)_mm_or_si128(from_a, from_b);
#else
    /* Byte arrays, not vector lanes: gcc inserts vector lanes one at a time through shifts and
     * the stack (the -msimd128 sieve kernel ran 5x slower than its scalar build). */
    uint8_t both[32], index[16], result[16];
    memcpy(both, &a, 16);
    memcpy(both + 16, &b, 16);
    memcpy(index, &lanes, 16);
    for (int i = 0; i < 16; i++)
        result[i] = both[index[i] & 31];
    eng_v128 vector;
    memcpy(&vector, result, 16);
    return vector;
#endif
}
/* a: the vector, b: the indices; an index >= 16 gives 0. */
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_SWIZZLE(eng_v128 a, eng_v128 b)
{
#if defined(ENG_SIMD_SSSE3)
    return (eng_v128)_mm_shuffle_epi8((__m128i)a, _mm_adds_epu8((__m128i)b, _mm_set1_epi8(0x70)));
#else
    uint8_t vector[16], index[16], result[16];
    memcpy(vector, &a, 16);
    memcpy(index, &b, 16);
    for (int i = 0; i < 16; i++)
        result[i] = index[i] < 16 ? vector[index[i] & 15] : 0;
    eng_v128 swizzled;
    memcpy(&swizzled, result, 16);
    return swizzled;
#endif
}

/* ---- extract_lane, replace_lane: i32 results zero-extended to 64 bits ---- */
ENG_SIMD_FUNCTION uint64_t eng_simd_I8X16_EXTRACT_LANE_S(eng_v128 v, uint32_t lane)
{
    return (uint32_t)(int32_t)((eng_i8x16)v)[lane & 15];
}
ENG_SIMD_FUNCTION uint64_t eng_simd_I8X16_EXTRACT_LANE_U(eng_v128 v, uint32_t lane)
{
    return ((eng_u8x16)v)[lane & 15];
}
ENG_SIMD_FUNCTION uint64_t eng_simd_I16X8_EXTRACT_LANE_S(eng_v128 v, uint32_t lane)
{
    return (uint32_t)(int32_t)((eng_i16x8)v)[lane & 7];
}
ENG_SIMD_FUNCTION uint64_t eng_simd_I16X8_EXTRACT_LANE_U(eng_v128 v, uint32_t lane) { return ((eng_u16x8)v)[lane & 7]; }
ENG_SIMD_FUNCTION uint64_t eng_simd_I32X4_EXTRACT_LANE(eng_v128 v, uint32_t lane) { return ((eng_u32x4)v)[lane & 3]; }
ENG_SIMD_FUNCTION uint64_t eng_simd_I64X2_EXTRACT_LANE(eng_v128 v, uint32_t lane) { return v[lane & 1]; }
ENG_SIMD_FUNCTION uint64_t eng_simd_F32X4_EXTRACT_LANE(eng_v128 v, uint32_t lane) { return ((eng_u32x4)v)[lane & 3]; }
ENG_SIMD_FUNCTION uint64_t eng_simd_F64X2_EXTRACT_LANE(eng_v128 v, uint32_t lane) { return v[lane & 1]; }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_REPLACE_LANE(eng_v128 v, uint64_t bits, uint32_t lane)
{
    eng_u8x16 lanes = (eng_u8x16)v;
    lanes[lane & 15] = (uint8_t)bits;
    return (eng_v128)lanes;
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_REPLACE_LANE(eng_v128 v, uint64_t bits, uint32_t lane)
{
    eng_u16x8 lanes = (eng_u16x8)v;
    lanes[lane & 7] = (uint16_t)bits;
    return (eng_v128)lanes;
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I32X4_REPLACE_LANE(eng_v128 v, uint64_t bits, uint32_t lane)
{
    eng_u32x4 lanes = (eng_u32x4)v;
    lanes[lane & 3] = (uint32_t)bits;
    return (eng_v128)lanes;
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I64X2_REPLACE_LANE(eng_v128 v, uint64_t bits, uint32_t lane)
{
    v[lane & 1] = bits;
    return v;
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_F32X4_REPLACE_LANE(eng_v128 v, uint64_t bits, uint32_t lane)
{
    return eng_simd_I32X4_REPLACE_LANE(v, bits, lane);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_F64X2_REPLACE_LANE(eng_v128 v, uint64_t bits, uint32_t lane)
{
    return eng_simd_I64X2_REPLACE_LANE(v, bits, lane);
}

/* ---- comparisons: all ones where true (vector comparisons give exactly that) ---- */
#define ENG_SIMD_COMPARE(name, type, operator) \
    ENG_SIMD_FUNCTION eng_v128 eng_simd_##name(eng_v128 a, eng_v128 b) { return (eng_v128)((type)a operator(type) b); }
ENG_SIMD_COMPARE(I8X16_EQ, eng_u8x16, ==)
ENG_SIMD_COMPARE(I8X16_NE, eng_u8x16, !=)
ENG_SIMD_COMPARE(I8X16_LT_S, eng_i8x16, <)
ENG_SIMD_COMPARE(I8X16_LT_U, eng_u8x16, <)
ENG_SIMD_COMPARE(I8X16_GT_S, eng_i8x16, >)
ENG_SIMD_COMPARE(I8X16_GT_U, eng_u8x16, >)
ENG_SIMD_COMPARE(I8X16_LE_S, eng_i8x16, <=)
ENG_SIMD_COMPARE(I8X16_LE_U, eng_u8x16, <=)
ENG_SIMD_COMPARE(I8X16_GE_S, eng_i8x16, >=)
ENG_SIMD_COMPARE(I8X16_GE_U, eng_u8x16, >=)
ENG_SIMD_COMPARE(I16X8_EQ, eng_u16x8, ==)
ENG_SIMD_COMPARE(I16X8_NE, eng_u16x8, !=)
ENG_SIMD_COMPARE(I16X8_LT_S, eng_i16x8, <)
ENG_SIMD_COMPARE(I16X8_LT_U, eng_u16x8, <)
ENG_SIMD_COMPARE(I16X8_GT_S, eng_i16x8, >)
ENG_SIMD_COMPARE(I16X8_GT_U, eng_u16x8, >)
ENG_SIMD_COMPARE(I16X8_LE_S, eng_i16x8, <=)
ENG_SIMD_COMPARE(I16X8_LE_U, eng_u16x8, <=)
ENG_SIMD_COMPARE(I16X8_GE_S, eng_i16x8, >=)
ENG_SIMD_COMPARE(I16X8_GE_U, eng_u16x8, >=)
ENG_SIMD_COMPARE(I32X4_EQ, eng_u32x4, ==)
ENG_SIMD_COMPARE(I32X4_NE, eng_u32x4, !=)
ENG_SIMD_COMPARE(I32X4_LT_S, eng_i32x4, <)
ENG_SIMD_COMPARE(I32X4_LT_U, eng_u32x4, <)
ENG_SIMD_COMPARE(I32X4_GT_S, eng_i32x4, >)
ENG_SIMD_COMPARE(I32X4_GT_U, eng_u32x4, >)
ENG_SIMD_COMPARE(I32X4_LE_S, eng_i32x4, <=)
ENG_SIMD_COMPARE(I32X4_LE_U, eng_u32x4, <=)
ENG_SIMD_COMPARE(I32X4_GE_S, eng_i32x4, >=)
ENG_SIMD_COMPARE(I32X4_GE_U, eng_u32x4, >=)
#if defined(ENG_SIMD_SSE2) && !defined(ENG_SIMD_SSE41)
/* SSE2 has no 64-bit pcmpeqq: both 32-bit halves equal. */
ENG_SIMD_FUNCTION eng_v128 eng_simd_I64X2_EQ(eng_v128 a, eng_v128 b)
{
    __m128i equal = _mm_cmpeq_epi32((__m128i)a, (__m128i)b);
    return (eng_v128)_mm_and_si128(equal, _mm_shuffle_epi32(equal, _MM_SHUFFLE(2, 3, 0, 1)));
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I64X2_NE(eng_v128 a, eng_v128 b) { return ~eng_simd_I64X2_EQ(a, b); }
#else
ENG_SIMD_COMPARE(I64X2_EQ, eng_v128, ==)
ENG_SIMD_COMPARE(I64X2_NE, eng_v128, !=)
#endif
#if defined(ENG_SIMD_SSE2) && !defined(__SSE4_2__)
/* Nor pcmpgtq (SSE4.2): a > b when the high halves are (signed), or they are equal and the low
 * halves are (unsigned: flipping the low halves' top bits lets the signed pcmpgtd compare them);
 * the answer is then copied from the high half to the whole lane. */
static inline eng_v128 eng_simd_i64_greater(eng_v128 a, eng_v128 b)
{
    __m128i flip = _mm_set_epi32(0, INT32_MIN, 0, INT32_MIN);
    __m128i greater = _mm_cmpgt_epi32(_mm_xor_si128((__m128i)a, flip), _mm_xor_si128((__m128i)b, flip));
    __m128i equal = _mm_cmpeq_epi32((__m128i)a, (__m128i)b);
    __m128i low_greater = _mm_shuffle_epi32(greater, _MM_SHUFFLE(2, 2, 0, 0));
    __m128i result = _mm_or_si128(greater, _mm_and_si128(equal, low_greater));
    return (eng_v128)_mm_shuffle_epi32(result, _MM_SHUFFLE(3, 3, 1, 1));
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I64X2_LT_S(eng_v128 a, eng_v128 b) { return eng_simd_i64_greater(b, a); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I64X2_GT_S(eng_v128 a, eng_v128 b) { return eng_simd_i64_greater(a, b); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I64X2_LE_S(eng_v128 a, eng_v128 b) { return ~eng_simd_i64_greater(a, b); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I64X2_GE_S(eng_v128 a, eng_v128 b) { return ~eng_simd_i64_greater(b, a); }
#else
ENG_SIMD_COMPARE(I64X2_LT_S, eng_i64x2, <)
ENG_SIMD_COMPARE(I64X2_GT_S, eng_i64x2, >)
ENG_SIMD_COMPARE(I64X2_LE_S, eng_i64x2, <=)
ENG_SIMD_COMPARE(I64X2_GE_S, eng_i64x2, >=)
#endif
/* IEEE comparisons: false with a NaN operand, except ne. */
ENG_SIMD_COMPARE(F32X4_EQ, eng_f32x4, ==)
ENG_SIMD_COMPARE(F32X4_NE, eng_f32x4, !=)
ENG_SIMD_COMPARE(F32X4_LT, eng_f32x4, <)
ENG_SIMD_COMPARE(F32X4_GT, eng_f32x4, >)
ENG_SIMD_COMPARE(F32X4_LE, eng_f32x4, <=)
ENG_SIMD_COMPARE(F32X4_GE, eng_f32x4, >=)
ENG_SIMD_COMPARE(F64X2_EQ, eng_f64x2, ==)
ENG_SIMD_COMPARE(F64X2_NE, eng_f64x2, !=)
ENG_SIMD_COMPARE(F64X2_LT, eng_f64x2, <)
ENG_SIMD_COMPARE(F64X2_GT, eng_f64x2, >)
ENG_SIMD_COMPARE(F64X2_LE, eng_f64x2, <=)
ENG_SIMD_COMPARE(F64X2_GE, eng_f64x2, >=)
#undef ENG_SIMD_COMPARE

/* ---- bitwise ---- */
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_NOT(eng_v128 a) { return ~a; }
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_AND(eng_v128 a, eng_v128 b) { return a & b; }
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_ANDNOT(eng_v128 a, eng_v128 b) { return a & ~b; }
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_OR(eng_v128 a, eng_v128 b) { return a | b; }
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_XOR(eng_v128 a, eng_v128 b) { return a ^ b; }
ENG_SIMD_FUNCTION eng_v128 eng_simd_V128_BITSELECT(eng_v128 a, eng_v128 b, eng_v128 c)
{
    return eng_simd_select(c, a, b);
}
ENG_SIMD_FUNCTION uint32_t eng_simd_V128_ANY_TRUE(eng_v128 a) { return (a[0] | a[1]) != 0; }

/* ---- lane tests: all_true (no lane is zero), bitmask (the top bit of each lane, lane 0 in bit 0) ---- */
#define ENG_SIMD_ALL_TRUE(name, type)                           \
    ENG_SIMD_FUNCTION uint32_t eng_simd_##name(eng_v128 a)      \
    {                                                           \
        eng_v128 zero_lanes = (eng_v128)((type)a == (type){0}); \
        return (zero_lanes[0] | zero_lanes[1]) == 0;            \
    }
ENG_SIMD_ALL_TRUE(I8X16_ALL_TRUE, eng_u8x16)
ENG_SIMD_ALL_TRUE(I16X8_ALL_TRUE, eng_u16x8)
ENG_SIMD_ALL_TRUE(I32X4_ALL_TRUE, eng_u32x4)
ENG_SIMD_ALL_TRUE(I64X2_ALL_TRUE, eng_v128)
#undef ENG_SIMD_ALL_TRUE

#if !defined(ENG_SIMD_SSE2)
/* The top bits of the 8 bytes of x, byte k's in bit k: the multiplication moves bit 8k+7 to bit
 * 56+k, and the 64 partial products land on distinct bits (no carries). */
static inline uint32_t eng_simd_byte_signs(uint64_t x)
{
    return (uint32_t)(((x & 0x8080808080808080u) * 0x0002040810204081u) >> 56);
}
#endif
ENG_SIMD_FUNCTION uint32_t eng_simd_I8X16_BITMASK(eng_v128 a)
{
#if defined(ENG_SIMD_SSE2)
    return (uint32_t)_mm_movemask_epi8((__m128i)a);
#else
    return eng_simd_byte_signs(a[0]) | eng_simd_byte_signs(a[1]) << 8;
#endif
}
ENG_SIMD_FUNCTION uint32_t eng_simd_I16X8_BITMASK(eng_v128 a)
{
#if defined(ENG_SIMD_SSE2)
    /* Signed saturation keeps each lane's sign in a byte. */
    return (uint32_t)_mm_movemask_epi8(_mm_packs_epi16((__m128i)a, _mm_setzero_si128()));
#else
    eng_u16x8 lanes = (eng_u16x8)a;
    uint32_t mask = 0;
    for (int i = 0; i < 8; i++)
        mask |= (uint32_t)(lanes[i] >> 15) << i;
    return mask;
#endif
}
ENG_SIMD_FUNCTION uint32_t eng_simd_I32X4_BITMASK(eng_v128 a)
{
#if defined(ENG_SIMD_SSE2)
    return (uint32_t)_mm_movemask_ps((__m128)a);
#else
    eng_u32x4 lanes = (eng_u32x4)a;
    return lanes[0] >> 31 | lanes[1] >> 31 << 1 | lanes[2] >> 31 << 2 | lanes[3] >> 31 << 3;
#endif
}
ENG_SIMD_FUNCTION uint32_t eng_simd_I64X2_BITMASK(eng_v128 a)
{
#if defined(ENG_SIMD_SSE2)
    return (uint32_t)_mm_movemask_pd((__m128d)a);
#else
    return (uint32_t)(a[0] >> 63 | a[1] >> 63 << 1);
#endif
}

/* ---- integer arithmetic: wrapping, on unsigned lanes ---- */
#define ENG_SIMD_ARITHMETIC(name, type, operator) \
    ENG_SIMD_FUNCTION eng_v128 eng_simd_##name(eng_v128 a, eng_v128 b) { return (eng_v128)((type)a operator(type) b); }
ENG_SIMD_ARITHMETIC(I8X16_ADD, eng_u8x16, +)
ENG_SIMD_ARITHMETIC(I8X16_SUB, eng_u8x16, -)
ENG_SIMD_ARITHMETIC(I16X8_ADD, eng_u16x8, +)
ENG_SIMD_ARITHMETIC(I16X8_SUB, eng_u16x8, -)
ENG_SIMD_ARITHMETIC(I16X8_MUL, eng_u16x8, *)
ENG_SIMD_ARITHMETIC(I32X4_ADD, eng_u32x4, +)
ENG_SIMD_ARITHMETIC(I32X4_SUB, eng_u32x4, -)
ENG_SIMD_ARITHMETIC(I32X4_MUL, eng_u32x4, *)
ENG_SIMD_ARITHMETIC(I64X2_ADD, eng_v128, +)
ENG_SIMD_ARITHMETIC(I64X2_SUB, eng_v128, -)
ENG_SIMD_ARITHMETIC(I64X2_MUL, eng_v128, *)
#undef ENG_SIMD_ARITHMETIC
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_NEG(eng_v128 a) { return (eng_v128)((eng_u8x16){0} - (eng_u8x16)a); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_NEG(eng_v128 a) { return (eng_v128)((eng_u16x8){0} - (eng_u16x8)a); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I32X4_NEG(eng_v128 a) { return (eng_v128)((eng_u32x4){0} - (eng_u32x4)a); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I64X2_NEG(eng_v128 a) { return (eng_v128){0} - a; }

/* abs: (x ^ sign) - sign, with sign all ones in negative lanes; the minimum stays itself. */
#define ENG_SIMD_ABS(name, signed_type, unsigned_type)                           \
    ENG_SIMD_FUNCTION eng_v128 eng_simd_##name(eng_v128 a)                       \
    {                                                                            \
        unsigned_type sign = (unsigned_type)((signed_type)a < (signed_type){0}); \
        return (eng_v128)((((unsigned_type)a) ^ sign) - sign);                   \
    }
#if defined(ENG_SIMD_SSSE3)
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_ABS(eng_v128 a) { return (eng_v128)_mm_abs_epi8((__m128i)a); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_ABS(eng_v128 a) { return (eng_v128)_mm_abs_epi16((__m128i)a); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I32X4_ABS(eng_v128 a) { return (eng_v128)_mm_abs_epi32((__m128i)a); }
#else
ENG_SIMD_ABS(I8X16_ABS, eng_i8x16, eng_u8x16)
ENG_SIMD_ABS(I16X8_ABS, eng_i16x8, eng_u16x8)
ENG_SIMD_ABS(I32X4_ABS, eng_i32x4, eng_u32x4)
#endif
ENG_SIMD_ABS(I64X2_ABS, eng_i64x2, eng_v128)
#undef ENG_SIMD_ABS

/* min/max: a select on a comparison, which compilers turn into pmin/pmax where the target has them. */
#define ENG_SIMD_MIN_MAX(name, type, operator)                              \
    ENG_SIMD_FUNCTION eng_v128 eng_simd_##name(eng_v128 a, eng_v128 b)      \
    {                                                                       \
        return eng_simd_select((eng_v128)((type)a operator(type) b), a, b); \
    }
ENG_SIMD_MIN_MAX(I8X16_MIN_S, eng_i8x16, <)
ENG_SIMD_MIN_MAX(I8X16_MIN_U, eng_u8x16, <)
ENG_SIMD_MIN_MAX(I8X16_MAX_S, eng_i8x16, >)
ENG_SIMD_MIN_MAX(I8X16_MAX_U, eng_u8x16, >)
ENG_SIMD_MIN_MAX(I16X8_MIN_S, eng_i16x8, <)
ENG_SIMD_MIN_MAX(I16X8_MIN_U, eng_u16x8, <)
ENG_SIMD_MIN_MAX(I16X8_MAX_S, eng_i16x8, >)
ENG_SIMD_MIN_MAX(I16X8_MAX_U, eng_u16x8, >)
ENG_SIMD_MIN_MAX(I32X4_MIN_S, eng_i32x4, <)
ENG_SIMD_MIN_MAX(I32X4_MIN_U, eng_u32x4, <)
ENG_SIMD_MIN_MAX(I32X4_MAX_S, eng_i32x4, >)
ENG_SIMD_MIN_MAX(I32X4_MAX_U, eng_u32x4, >)
#undef ENG_SIMD_MIN_MAX

/* Saturating add and subtract. Unsigned: a wrapped sum below a overflowed (all ones), a wrapped
 * difference above a underflowed (zero). Signed: overflow when the operands' signs made it
 * possible and the result's sign is wrong; the result is then the limit on a's side, (a >> top) ^ max. */
#define ENG_SIMD_SATURATING(bits, lanes)                                                                            \
    static inline eng_v128 eng_simd_add_sat_u##bits(eng_v128 a, eng_v128 b)                                         \
    {                                                                                                               \
        eng_u##bits##x##lanes sum = (eng_u##bits##x##lanes)a + (eng_u##bits##x##lanes)b;                            \
        return (eng_v128)(sum | (eng_u##bits##x##lanes)(sum < (eng_u##bits##x##lanes)a));                           \
    }                                                                                                               \
    static inline eng_v128 eng_simd_sub_sat_u##bits(eng_v128 a, eng_v128 b)                                         \
    {                                                                                                               \
        eng_u##bits##x##lanes difference = (eng_u##bits##x##lanes)a - (eng_u##bits##x##lanes)b;                     \
        return (eng_v128)difference & (eng_v128)((eng_u##bits##x##lanes)a >= (eng_u##bits##x##lanes)b);             \
    }                                                                                                               \
    static inline eng_v128 eng_simd_saturate_s##bits(eng_v128 a, eng_v128 result, eng_v128 overflow_signs)          \
    {                                                                                                               \
        eng_v128 overflow = (eng_v128)((eng_i##bits##x##lanes)overflow_signs < (eng_i##bits##x##lanes){0});         \
        eng_v128 a_sign = (eng_v128)((eng_i##bits##x##lanes)a < (eng_i##bits##x##lanes){0});                        \
        eng_v128 limit = a_sign ^ (eng_v128)((eng_u##bits##x##lanes){0} + (uint##bits##_t)(UINT##bits##_MAX >> 1)); \
        return eng_simd_select(overflow, limit, result);                                                            \
    }                                                                                                               \
    static inline eng_v128 eng_simd_add_sat_s##bits(eng_v128 a, eng_v128 b)                                         \
    {                                                                                                               \
        eng_v128 sum = (eng_v128)((eng_u##bits##x##lanes)a + (eng_u##bits##x##lanes)b);                             \
        return eng_simd_saturate_s##bits(a, sum, (a ^ sum) & (b ^ sum));                                            \
    }                                                                                                               \
    static inline eng_v128 eng_simd_sub_sat_s##bits(eng_v128 a, eng_v128 b)                                         \
    {                                                                                                               \
        eng_v128 difference = (eng_v128)((eng_u##bits##x##lanes)a - (eng_u##bits##x##lanes)b);                      \
        return eng_simd_saturate_s##bits(a, difference, (a ^ b) & (a ^ difference));                                \
    }
#if defined(ENG_SIMD_SSE2)
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_ADD_SAT_S(eng_v128 a, eng_v128 b)
{
    return (eng_v128)_mm_adds_epi8((__m128i)a, (__m128i)b);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_ADD_SAT_U(eng_v128 a, eng_v128 b)
{
    return (eng_v128)_mm_adds_epu8((__m128i)a, (__m128i)b);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_SUB_SAT_S(eng_v128 a, eng_v128 b)
{
    return (eng_v128)_mm_subs_epi8((__m128i)a, (__m128i)b);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_SUB_SAT_U(eng_v128 a, eng_v128 b)
{
    return (eng_v128)_mm_subs_epu8((__m128i)a, (__m128i)b);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_ADD_SAT_S(eng_v128 a, eng_v128 b)
{
    return (eng_v128)_mm_adds_epi16((__m128i)a, (__m128i)b);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_ADD_SAT_U(eng_v128 a, eng_v128 b)
{
    return (eng_v128)_mm_adds_epu16((__m128i)a, (__m128i)b);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_SUB_SAT_S(eng_v128 a, eng_v128 b)
{
    return (eng_v128)_mm_subs_epi16((__m128i)a, (__m128i)b);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_SUB_SAT_U(eng_v128 a, eng_v128 b)
{
    return (eng_v128)_mm_subs_epu16((__m128i)a, (__m128i)b);
}
#else
ENG_SIMD_SATURATING(8, 16)
ENG_SIMD_SATURATING(16, 8)
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_ADD_SAT_S(eng_v128 a, eng_v128 b) { return eng_simd_add_sat_s8(a, b); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_ADD_SAT_U(eng_v128 a, eng_v128 b) { return eng_simd_add_sat_u8(a, b); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_SUB_SAT_S(eng_v128 a, eng_v128 b) { return eng_simd_sub_sat_s8(a, b); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_SUB_SAT_U(eng_v128 a, eng_v128 b) { return eng_simd_sub_sat_u8(a, b); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_ADD_SAT_S(eng_v128 a, eng_v128 b) { return eng_simd_add_sat_s16(a, b); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_ADD_SAT_U(eng_v128 a, eng_v128 b) { return eng_simd_add_sat_u16(a, b); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_SUB_SAT_S(eng_v128 a, eng_v128 b) { return eng_simd_sub_sat_s16(a, b); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_SUB_SAT_U(eng_v128 a, eng_v128 b) { return eng_simd_sub_sat_u16(a, b); }
#endif
#undef ENG_SIMD_SATURATING

/* avgr_u = (a + b + 1) >> 1 without overflow: (a | b) - ((a ^ b) >> 1). */
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_AVGR_U(eng_v128 a, eng_v128 b)
{
#if defined(ENG_SIMD_SSE2)
    return (eng_v128)_mm_avg_epu8((__m128i)a, (__m128i)b);
#else
    eng_v128 half_difference = ((a ^ b) >> 1) & 0x7f7f7f7f7f7f7f7fu;
    return (eng_v128)((eng_u8x16)(a | b) - (eng_u8x16)half_difference);
#endif
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_AVGR_U(eng_v128 a, eng_v128 b)
{
#if defined(ENG_SIMD_SSE2)
    return (eng_v128)_mm_avg_epu16((__m128i)a, (__m128i)b);
#else
    return (eng_v128)((eng_u16x8)(a | b) - ((eng_u16x8)(a ^ b) >> 1));
#endif
}

/* popcnt: the classic bit-slice count, whose partial sums never cross a byte. */
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_POPCNT(eng_v128 a)
{
    eng_v128 x = a - ((a >> 1) & 0x5555555555555555u);
    x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
    return (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
}

/* q15mulr_sat_s: (a * b + 0x4000) >> 15, saturated: only 0x8000 * 0x8000 overflows (to 0x8000). */
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_Q15MULR_SAT_S(eng_v128 a, eng_v128 b)
{
#if defined(ENG_SIMD_SSSE3)
    __m128i product = _mm_mulhrs_epi16((__m128i)a, (__m128i)b);
    return (eng_v128)_mm_xor_si128(product, _mm_cmpeq_epi16(product, _mm_set1_epi16(INT16_MIN)));
#elif defined(ENG_SIMD_SSE2)
    /* The product is high * 2^16 + low (low unsigned); (product + 0x4000) >> 15 is then
     * 2 * high + ((low >> 14) + 1) >> 1, all in 16-bit lanes. */
    __m128i high = _mm_mulhi_epi16((__m128i)a, (__m128i)b), low = _mm_mullo_epi16((__m128i)a, (__m128i)b);
    __m128i rounding = _mm_srli_epi16(_mm_add_epi16(_mm_srli_epi16(low, 14), _mm_set1_epi16(1)), 1);
    __m128i product = _mm_add_epi16(_mm_slli_epi16(high, 1), rounding);
    return (eng_v128)_mm_xor_si128(product, _mm_cmpeq_epi16(product, _mm_set1_epi16(INT16_MIN)));
#else
    eng_i16x8 x = (eng_i16x8)a, y = (eng_i16x8)b;
    eng_i32x4 low =
        __builtin_convertvector(ENG_SIMD_LOW4(x), eng_i32x4) * __builtin_convertvector(ENG_SIMD_LOW4(y), eng_i32x4);
    eng_i32x4 high =
        __builtin_convertvector(ENG_SIMD_HIGH4(x), eng_i32x4) * __builtin_convertvector(ENG_SIMD_HIGH4(y), eng_i32x4);
    low = (low + 0x4000) >> 15;
    high = (high + 0x4000) >> 15;
    eng_i32x4 max = {INT16_MAX, INT16_MAX, INT16_MAX, INT16_MAX};
    low = (eng_i32x4)eng_simd_select((eng_v128)(low > max), (eng_v128)max, (eng_v128)low);
    high = (eng_i32x4)eng_simd_select((eng_v128)(high > max), (eng_v128)max, (eng_v128)high);
    return (eng_v128) __builtin_convertvector(__builtin_shufflevector(low, high, 0, 1, 2, 3, 4, 5, 6, 7), eng_i16x8);
#endif
}

/* ---- narrow: signed input, saturated to the signed or unsigned range of the half-width lane;
 * a gives the low half of the result, b the high half ---- */
#define ENG_SIMD_NARROW(name, from_type, lanes, to_type, minimum, maximum)                            \
    ENG_SIMD_FUNCTION eng_v128 eng_simd_##name(eng_v128 a, eng_v128 b)                                \
    {                                                                                                 \
        from_type x = (from_type)a, y = (from_type)b;                                                 \
        to_type result = {0};                                                                         \
        for (int i = 0; i < (lanes); i++) {                                                           \
            result[i] = x[i] < (minimum) ? (minimum) : x[i] > (maximum) ? (maximum) : x[i];           \
            result[i + (lanes)] = y[i] < (minimum) ? (minimum) : y[i] > (maximum) ? (maximum) : y[i]; \
        }                                                                                             \
        return (eng_v128)result;                                                                      \
    }
#if defined(ENG_SIMD_SSE2)
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_NARROW_I16X8_S(eng_v128 a, eng_v128 b)
{
    return (eng_v128)_mm_packs_epi16((__m128i)a, (__m128i)b);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_NARROW_I16X8_U(eng_v128 a, eng_v128 b)
{
    return (eng_v128)_mm_packus_epi16((__m128i)a, (__m128i)b);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_NARROW_I32X4_S(eng_v128 a, eng_v128 b)
{
    return (eng_v128)_mm_packs_epi32((__m128i)a, (__m128i)b);
}
#else
ENG_SIMD_NARROW(I8X16_NARROW_I16X8_S, eng_i16x8, 8, eng_i8x16, INT8_MIN, INT8_MAX)
ENG_SIMD_NARROW(I8X16_NARROW_I16X8_U, eng_i16x8, 8, eng_u8x16, 0, 0xff)
ENG_SIMD_NARROW(I16X8_NARROW_I32X4_S, eng_i32x4, 4, eng_i16x8, INT16_MIN, INT16_MAX)
#endif
#if defined(ENG_SIMD_SSE41)
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_NARROW_I32X4_U(eng_v128 a, eng_v128 b)
{
    return (eng_v128)_mm_packus_epi32((__m128i)a, (__m128i)b);
}
#else
ENG_SIMD_NARROW(I16X8_NARROW_I32X4_U, eng_i32x4, 4, eng_u16x8, 0, 0xffff)
#endif
#undef ENG_SIMD_NARROW

/* ---- extend: the low or high half's lanes to twice their width ---- */
#if defined(ENG_SIMD_SSE2) && !defined(ENG_SIMD_SSE41)
/* SSE2 (SSE4.1's pmovsx/pmovzx come from the portable code): interleaving a vector with itself
 * puts each lane in the top half of a wide lane, and the arithmetic shift sign-extends it;
 * interleaving with zero zero-extends; i32 lanes interleave with their sign masks. */
#define ENG_SIMD_EXTEND_SIGNED(name, unpack, shift, bits)             \
    ENG_SIMD_FUNCTION eng_v128 eng_simd_##name(eng_v128 a)            \
    {                                                                 \
        return (eng_v128)shift(unpack((__m128i)a, (__m128i)a), bits); \
    }
#define ENG_SIMD_EXTEND_UNSIGNED(name, unpack) \
    ENG_SIMD_FUNCTION eng_v128 eng_simd_##name(eng_v128 a) { return (eng_v128)unpack((__m128i)a, _mm_setzero_si128()); }
ENG_SIMD_EXTEND_SIGNED(I16X8_EXTEND_LOW_I8X16_S, _mm_unpacklo_epi8, _mm_srai_epi16, 8)
ENG_SIMD_EXTEND_SIGNED(I16X8_EXTEND_HIGH_I8X16_S, _mm_unpackhi_epi8, _mm_srai_epi16, 8)
ENG_SIMD_EXTEND_UNSIGNED(I16X8_EXTEND_LOW_I8X16_U, _mm_unpacklo_epi8)
ENG_SIMD_EXTEND_UNSIGNED(I16X8_EXTEND_HIGH_I8X16_U, _mm_unpackhi_epi8)
ENG_SIMD_EXTEND_SIGNED(I32X4_EXTEND_LOW_I16X8_S, _mm_unpacklo_epi16, _mm_srai_epi32, 16)
ENG_SIMD_EXTEND_SIGNED(I32X4_EXTEND_HIGH_I16X8_S, _mm_unpackhi_epi16, _mm_srai_epi32, 16)
ENG_SIMD_EXTEND_UNSIGNED(I32X4_EXTEND_LOW_I16X8_U, _mm_unpacklo_epi16)
ENG_SIMD_EXTEND_UNSIGNED(I32X4_EXTEND_HIGH_I16X8_U, _mm_unpackhi_epi16)
ENG_SIMD_FUNCTION eng_v128 eng_simd_I64X2_EXTEND_LOW_I32X4_S(eng_v128 a)
{
    return (eng_v128)_mm_unpacklo_epi32((__m128i)a, _mm_srai_epi32((__m128i)a, 31));
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I64X2_EXTEND_HIGH_I32X4_S(eng_v128 a)
{
    return (eng_v128)_mm_unpackhi_epi32((__m128i)a, _mm_srai_epi32((__m128i)a, 31));
}
ENG_SIMD_EXTEND_UNSIGNED(I64X2_EXTEND_LOW_I32X4_U, _mm_unpacklo_epi32)
ENG_SIMD_EXTEND_UNSIGNED(I64X2_EXTEND_HIGH_I32X4_U, _mm_unpackhi_epi32)
#undef ENG_SIMD_EXTEND_SIGNED
#undef ENG_SIMD_EXTEND_UNSIGNED
#else
#define ENG_SIMD_EXTEND(name, half, from_type, to_type)                  \
    ENG_SIMD_FUNCTION eng_v128 eng_simd_##name(eng_v128 a)               \
    {                                                                    \
        from_type lanes = (from_type)a;                                  \
        return (eng_v128) __builtin_convertvector(half(lanes), to_type); \
    }
ENG_SIMD_EXTEND(I16X8_EXTEND_LOW_I8X16_S, ENG_SIMD_LOW8, eng_i8x16, eng_i16x8)
ENG_SIMD_EXTEND(I16X8_EXTEND_HIGH_I8X16_S, ENG_SIMD_HIGH8, eng_i8x16, eng_i16x8)
ENG_SIMD_EXTEND(I16X8_EXTEND_LOW_I8X16_U, ENG_SIMD_LOW8, eng_u8x16, eng_u16x8)
ENG_SIMD_EXTEND(I16X8_EXTEND_HIGH_I8X16_U, ENG_SIMD_HIGH8, eng_u8x16, eng_u16x8)
ENG_SIMD_EXTEND(I32X4_EXTEND_LOW_I16X8_S, ENG_SIMD_LOW4, eng_i16x8, eng_i32x4)
ENG_SIMD_EXTEND(I32X4_EXTEND_HIGH_I16X8_S, ENG_SIMD_HIGH4, eng_i16x8, eng_i32x4)
ENG_SIMD_EXTEND(I32X4_EXTEND_LOW_I16X8_U, ENG_SIMD_LOW4, eng_u16x8, eng_u32x4)
ENG_SIMD_EXTEND(I32X4_EXTEND_HIGH_I16X8_U, ENG_SIMD_HIGH4, eng_u16x8, eng_u32x4)
ENG_SIMD_EXTEND(I64X2_EXTEND_LOW_I32X4_S, ENG_SIMD_LOW2, eng_i32x4, eng_i64x2)
ENG_SIMD_EXTEND(I64X2_EXTEND_HIGH_I32X4_S, ENG_SIMD_HIGH2, eng_i32x4, eng_i64x2)
ENG_SIMD_EXTEND(I64X2_EXTEND_LOW_I32X4_U, ENG_SIMD_LOW2, eng_u32x4, eng_v128)
ENG_SIMD_EXTEND(I64X2_EXTEND_HIGH_I32X4_U, ENG_SIMD_HIGH2, eng_u32x4, eng_v128)
#undef ENG_SIMD_EXTEND
#endif

/* loadNxM: 8 bytes, extended as extend_low does. */
#define ENG_SIMD_LOAD_EXTEND(name, extend)                       \
    ENG_SIMD_FUNCTION eng_v128 eng_simd_##name(const uint8_t *p) \
    {                                                            \
        uint64_t half;                                           \
        memcpy(&half, p, sizeof half);                           \
        return eng_simd_##extend((eng_v128){half, 0});           \
    }
ENG_SIMD_LOAD_EXTEND(V128_LOAD8X8_S, I16X8_EXTEND_LOW_I8X16_S)
ENG_SIMD_LOAD_EXTEND(V128_LOAD8X8_U, I16X8_EXTEND_LOW_I8X16_U)
ENG_SIMD_LOAD_EXTEND(V128_LOAD16X4_S, I32X4_EXTEND_LOW_I16X8_S)
ENG_SIMD_LOAD_EXTEND(V128_LOAD16X4_U, I32X4_EXTEND_LOW_I16X8_U)
ENG_SIMD_LOAD_EXTEND(V128_LOAD32X2_S, I64X2_EXTEND_LOW_I32X4_S)
ENG_SIMD_LOAD_EXTEND(V128_LOAD32X2_U, I64X2_EXTEND_LOW_I32X4_U)
#undef ENG_SIMD_LOAD_EXTEND

/* extmul: the product of the extended halves fits the wide lane, so the wrapping unsigned
 * multiplication of the (sign- or zero-) extended lanes is exact. */
#define ENG_SIMD_EXTMUL(name, extend, wide_unsigned)                                                  \
    ENG_SIMD_FUNCTION eng_v128 eng_simd_##name(eng_v128 a, eng_v128 b)                                \
    {                                                                                                 \
        return (eng_v128)((wide_unsigned)eng_simd_##extend(a) * (wide_unsigned)eng_simd_##extend(b)); \
    }
ENG_SIMD_EXTMUL(I16X8_EXTMUL_LOW_I8X16_S, I16X8_EXTEND_LOW_I8X16_S, eng_u16x8)
ENG_SIMD_EXTMUL(I16X8_EXTMUL_HIGH_I8X16_S, I16X8_EXTEND_HIGH_I8X16_S, eng_u16x8)
ENG_SIMD_EXTMUL(I16X8_EXTMUL_LOW_I8X16_U, I16X8_EXTEND_LOW_I8X16_U, eng_u16x8)
ENG_SIMD_EXTMUL(I16X8_EXTMUL_HIGH_I8X16_U, I16X8_EXTEND_HIGH_I8X16_U, eng_u16x8)
#if defined(ENG_SIMD_SSE2)
/* pmullw and pmulhw give the low and high halves of the 32-bit products: interleaved, the products. */
#define ENG_SIMD_EXTMUL_16(name, multiply_high, unpack)                                                      \
    ENG_SIMD_FUNCTION eng_v128 eng_simd_##name(eng_v128 a, eng_v128 b)                                       \
    {                                                                                                        \
        __m128i low = _mm_mullo_epi16((__m128i)a, (__m128i)b), high = multiply_high((__m128i)a, (__m128i)b); \
        return (eng_v128)unpack(low, high);                                                                  \
    }
ENG_SIMD_EXTMUL_16(I32X4_EXTMUL_LOW_I16X8_S, _mm_mulhi_epi16, _mm_unpacklo_epi16)
ENG_SIMD_EXTMUL_16(I32X4_EXTMUL_HIGH_I16X8_S, _mm_mulhi_epi16, _mm_unpackhi_epi16)
ENG_SIMD_EXTMUL_16(I32X4_EXTMUL_LOW_I16X8_U, _mm_mulhi_epu16, _mm_unpacklo_epi16)
ENG_SIMD_EXTMUL_16(I32X4_EXTMUL_HIGH_I16X8_U, _mm_mulhi_epu16, _mm_unpackhi_epi16)
#undef ENG_SIMD_EXTMUL_16
/* pmuludq (pmuldq on SSE4.1) multiplies i32 lanes 0 and 2 into i64: spread the two lanes there. */
#define ENG_SIMD_EXTMUL_32(name, multiply, lanes)                                                              \
    ENG_SIMD_FUNCTION eng_v128 eng_simd_##name(eng_v128 a, eng_v128 b)                                         \
    {                                                                                                          \
        return (eng_v128)multiply(_mm_shuffle_epi32((__m128i)a, lanes), _mm_shuffle_epi32((__m128i)b, lanes)); \
    }
ENG_SIMD_EXTMUL_32(I64X2_EXTMUL_LOW_I32X4_U, _mm_mul_epu32, _MM_SHUFFLE(1, 1, 0, 0))
ENG_SIMD_EXTMUL_32(I64X2_EXTMUL_HIGH_I32X4_U, _mm_mul_epu32, _MM_SHUFFLE(3, 3, 2, 2))
#if defined(ENG_SIMD_SSE41)
ENG_SIMD_EXTMUL_32(I64X2_EXTMUL_LOW_I32X4_S, _mm_mul_epi32, _MM_SHUFFLE(1, 1, 0, 0))
ENG_SIMD_EXTMUL_32(I64X2_EXTMUL_HIGH_I32X4_S, _mm_mul_epi32, _MM_SHUFFLE(3, 3, 2, 2))
#else
ENG_SIMD_EXTMUL(I64X2_EXTMUL_LOW_I32X4_S, I64X2_EXTEND_LOW_I32X4_S, eng_v128)
ENG_SIMD_EXTMUL(I64X2_EXTMUL_HIGH_I32X4_S, I64X2_EXTEND_HIGH_I32X4_S, eng_v128)
#endif
#undef ENG_SIMD_EXTMUL_32
#else
ENG_SIMD_EXTMUL(I32X4_EXTMUL_LOW_I16X8_S, I32X4_EXTEND_LOW_I16X8_S, eng_u32x4)
ENG_SIMD_EXTMUL(I32X4_EXTMUL_HIGH_I16X8_S, I32X4_EXTEND_HIGH_I16X8_S, eng_u32x4)
ENG_SIMD_EXTMUL(I32X4_EXTMUL_LOW_I16X8_U, I32X4_EXTEND_LOW_I16X8_U, eng_u32x4)
ENG_SIMD_EXTMUL(I32X4_EXTMUL_HIGH_I16X8_U, I32X4_EXTEND_HIGH_I16X8_U, eng_u32x4)
ENG_SIMD_EXTMUL(I64X2_EXTMUL_LOW_I32X4_S, I64X2_EXTEND_LOW_I32X4_S, eng_v128)
ENG_SIMD_EXTMUL(I64X2_EXTMUL_HIGH_I32X4_S, I64X2_EXTEND_HIGH_I32X4_S, eng_v128)
ENG_SIMD_EXTMUL(I64X2_EXTMUL_LOW_I32X4_U, I64X2_EXTEND_LOW_I32X4_U, eng_v128)
ENG_SIMD_EXTMUL(I64X2_EXTMUL_HIGH_I32X4_U, I64X2_EXTEND_HIGH_I32X4_U, eng_v128)
#endif
#undef ENG_SIMD_EXTMUL

/* extadd_pairwise: lane i = extend(a[2i]) + extend(a[2i+1]), which cannot overflow the wide lane.
 * Seen as wide lanes, a[2i] is the low half (shifted up and back down to extend it) and a[2i+1]
 * the high half (shifted down). */
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_EXTADD_PAIRWISE_I8X16_S(eng_v128 a)
{
    eng_i16x8 even = (eng_i16x8)((eng_u16x8)a << 8) >> 8, odd = (eng_i16x8)a >> 8;
    return (eng_v128)((eng_u16x8)even + (eng_u16x8)odd);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_EXTADD_PAIRWISE_I8X16_U(eng_v128 a)
{
    return (eng_v128)(((eng_u16x8)a & 0xff) + ((eng_u16x8)a >> 8));
}
#if defined(ENG_SIMD_SSE2)
/* pmaddwd with ones adds the signed pairs; for unsigned pairs, bias each lane by -0x8000 and add
 * the 2 * 0x8000 back. */
ENG_SIMD_FUNCTION eng_v128 eng_simd_I32X4_EXTADD_PAIRWISE_I16X8_S(eng_v128 a)
{
    return (eng_v128)_mm_madd_epi16((__m128i)a, _mm_set1_epi16(1));
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I32X4_EXTADD_PAIRWISE_I16X8_U(eng_v128 a)
{
    __m128i biased = _mm_xor_si128((__m128i)a, _mm_set1_epi16(INT16_MIN));
    return (eng_v128)_mm_add_epi32(_mm_madd_epi16(biased, _mm_set1_epi16(1)), _mm_set1_epi32(0x10000));
}
#else
ENG_SIMD_FUNCTION eng_v128 eng_simd_I32X4_EXTADD_PAIRWISE_I16X8_S(eng_v128 a)
{
    eng_i32x4 even = (eng_i32x4)((eng_u32x4)a << 16) >> 16, odd = (eng_i32x4)a >> 16;
    return (eng_v128)((eng_u32x4)even + (eng_u32x4)odd);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I32X4_EXTADD_PAIRWISE_I16X8_U(eng_v128 a)
{
    return (eng_v128)(((eng_u32x4)a & 0xffff) + ((eng_u32x4)a >> 16));
}
#endif

/* dot: lane i = a[2i] * b[2i] + a[2i+1] * b[2i+1], wrapping (only -0x8000^2 * 2 does), as pmaddwd. */
ENG_SIMD_FUNCTION eng_v128 eng_simd_I32X4_DOT_I16X8_S(eng_v128 a, eng_v128 b)
{
#if defined(ENG_SIMD_SSE2)
    return (eng_v128)_mm_madd_epi16((__m128i)a, (__m128i)b);
#else
    eng_i16x8 x = (eng_i16x8)a, y = (eng_i16x8)b;
    eng_i32x4 even =
        __builtin_convertvector(ENG_SIMD_EVEN4(x), eng_i32x4) * __builtin_convertvector(ENG_SIMD_EVEN4(y), eng_i32x4);
    eng_i32x4 odd =
        __builtin_convertvector(ENG_SIMD_ODD4(x), eng_i32x4) * __builtin_convertvector(ENG_SIMD_ODD4(y), eng_i32x4);
    return (eng_v128)((eng_u32x4)even + (eng_u32x4)odd);
#endif
}

/* ---- shifts: the count modulo the lane width ---- */
/* i8x16 has no vector shift on SSE2: shift the 64-bit halves and clear the bits that crossed
 * into a neighbouring byte; shr_s then sign-extends each byte from its new top bit. */
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_SHL(eng_v128 a, uint32_t count)
{
    count &= 7;
    return (a << count) & (uint64_t)(0xffu << count & 0xffu) * 0x0101010101010101u;
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_SHR_U(eng_v128 a, uint32_t count)
{
    count &= 7;
    return (a >> count) & (uint64_t)(0xffu >> count) * 0x0101010101010101u;
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I8X16_SHR_S(eng_v128 a, uint32_t count)
{
#if defined(ENG_SIMD_SSE2)
    /* Each byte in the top half of a 16-bit lane, shifted arithmetically by 8 + count, packed back
     * (the results fit a byte: no saturation). */
    __m128i shift = _mm_cvtsi32_si128((int)(count & 7) + 8);
    __m128i low = _mm_sra_epi16(_mm_unpacklo_epi8((__m128i)a, (__m128i)a), shift);
    __m128i high = _mm_sra_epi16(_mm_unpackhi_epi8((__m128i)a, (__m128i)a), shift);
    return (eng_v128)_mm_packs_epi16(low, high);
#else
    eng_v128 shifted = eng_simd_I8X16_SHR_U(a, count);
    eng_u8x16 sign = (eng_u8x16){0} + (uint8_t)(0x80u >> (count & 7));
    return (eng_v128)(((eng_u8x16)shifted ^ sign) - sign);
#endif
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_SHL(eng_v128 a, uint32_t count)
{
    return (eng_v128)((eng_u16x8)a << (count & 15));
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_SHR_S(eng_v128 a, uint32_t count)
{
    return (eng_v128)((eng_i16x8)a >> (count & 15));
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I16X8_SHR_U(eng_v128 a, uint32_t count)
{
    return (eng_v128)((eng_u16x8)a >> (count & 15));
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I32X4_SHL(eng_v128 a, uint32_t count)
{
    return (eng_v128)((eng_u32x4)a << (count & 31));
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I32X4_SHR_S(eng_v128 a, uint32_t count)
{
    return (eng_v128)((eng_i32x4)a >> (count & 31));
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I32X4_SHR_U(eng_v128 a, uint32_t count)
{
    return (eng_v128)((eng_u32x4)a >> (count & 31));
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I64X2_SHL(eng_v128 a, uint32_t count) { return a << (count & 63); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_I64X2_SHR_S(eng_v128 a, uint32_t count)
{
    return (eng_v128)((eng_i64x2)a >> (count & 63));
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I64X2_SHR_U(eng_v128 a, uint32_t count) { return a >> (count & 63); }

/* ---- floating point ---- */
#define ENG_SIMD_F32_SIGN ((eng_u32x4){0} + 0x80000000u)
#define ENG_SIMD_F64_SIGN ((eng_v128){0} + 0x8000000000000000u)
ENG_SIMD_FUNCTION eng_v128 eng_simd_F32X4_ABS(eng_v128 a) { return (eng_v128)((eng_u32x4)a & ~ENG_SIMD_F32_SIGN); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_F32X4_NEG(eng_v128 a) { return (eng_v128)((eng_u32x4)a ^ ENG_SIMD_F32_SIGN); }
ENG_SIMD_FUNCTION eng_v128 eng_simd_F64X2_ABS(eng_v128 a) { return a & ~ENG_SIMD_F64_SIGN; }
ENG_SIMD_FUNCTION eng_v128 eng_simd_F64X2_NEG(eng_v128 a) { return a ^ ENG_SIMD_F64_SIGN; }

#define ENG_SIMD_FLOAT(name, type, operator) \
    ENG_SIMD_FUNCTION eng_v128 eng_simd_##name(eng_v128 a, eng_v128 b) { return (eng_v128)((type)a operator(type) b); }
ENG_SIMD_FLOAT(F32X4_ADD, eng_f32x4, +)
ENG_SIMD_FLOAT(F32X4_SUB, eng_f32x4, -)
ENG_SIMD_FLOAT(F32X4_MUL, eng_f32x4, *)
ENG_SIMD_FLOAT(F32X4_DIV, eng_f32x4, /)
ENG_SIMD_FLOAT(F64X2_ADD, eng_f64x2, +)
ENG_SIMD_FLOAT(F64X2_SUB, eng_f64x2, -)
ENG_SIMD_FLOAT(F64X2_MUL, eng_f64x2, *)
ENG_SIMD_FLOAT(F64X2_DIV, eng_f64x2, /)
#undef ENG_SIMD_FLOAT

ENG_SIMD_FUNCTION eng_v128 eng_simd_F32X4_SQRT(eng_v128 a)
{
#if defined(ENG_SIMD_SSE2)
    return (eng_v128)_mm_sqrt_ps((__m128)a);
#else
    eng_f32x4 x = (eng_f32x4)a;
    for (int i = 0; i < 4; i++)
        x[i] = sqrtf(x[i]);
    return (eng_v128)x;
#endif
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_F64X2_SQRT(eng_v128 a)
{
#if defined(ENG_SIMD_SSE2)
    return (eng_v128)_mm_sqrt_pd((__m128d)a);
#else
    eng_f64x2 x = (eng_f64x2)a;
    for (int i = 0; i < 2; i++)
        x[i] = sqrt(x[i]);
    return (eng_v128)x;
#endif
}

/* min/max (wasm's, not IEEE's minNum): a NaN operand gives a NaN (a + b: the quieted NaN), and
 * -0 < +0: equal lanes combine their bits, OR for min (-0 if either is), AND for max. The four
 * masks (less, greater, equal, unordered) are disjoint and cover every lane. */
#define ENG_SIMD_FMIN_FMAX(name, type, less, combine)                                                 \
    ENG_SIMD_FUNCTION eng_v128 eng_simd_##name(eng_v128 a, eng_v128 b)                                \
    {                                                                                                 \
        type x = (type)a, y = (type)b;                                                                \
        eng_v128 pick_a = (eng_v128)(x less y), pick_b = (eng_v128)(y less x);                        \
        eng_v128 equal = (eng_v128)(x == y), unordered = (eng_v128)(x != x) | (eng_v128)(y != y);     \
        return (a & pick_a) | (b & pick_b) | ((a combine b)&equal) | ((eng_v128)(x + y) & unordered); \
    }
#if defined(ENG_SIMD_SSE2)
/* minps/maxps answer their second operand when the lanes are equal or unordered: both orders,
 * combined as above, are right for ordered lanes; unordered lanes become all ones and then the
 * canonical NaN (clearing the payload below the quiet bit), which wasm allows for any NaN input. */
#define ENG_SIMD_FMIN_FMAX_SSE2(name, type, operation, combine, unordered, shift, payload_bits) \
    ENG_SIMD_FUNCTION eng_v128 eng_simd_##name(eng_v128 a, eng_v128 b)                          \
    {                                                                                           \
        type both = combine(operation((type)a, (type)b), operation((type)b, (type)a));          \
        __m128i nan = (__m128i)unordered((type)a, (type)b);                                     \
        __m128i result = _mm_or_si128((__m128i)both, nan);                                      \
        return (eng_v128)_mm_andnot_si128(shift(nan, payload_bits), result);                    \
    }
ENG_SIMD_FMIN_FMAX_SSE2(F32X4_MIN, __m128, _mm_min_ps, _mm_or_ps, _mm_cmpunord_ps, _mm_srli_epi32, 10)
ENG_SIMD_FMIN_FMAX_SSE2(F32X4_MAX, __m128, _mm_max_ps, _mm_and_ps, _mm_cmpunord_ps, _mm_srli_epi32, 10)
ENG_SIMD_FMIN_FMAX_SSE2(F64X2_MIN, __m128d, _mm_min_pd, _mm_or_pd, _mm_cmpunord_pd, _mm_srli_epi64, 13)
ENG_SIMD_FMIN_FMAX_SSE2(F64X2_MAX, __m128d, _mm_max_pd, _mm_and_pd, _mm_cmpunord_pd, _mm_srli_epi64, 13)
#undef ENG_SIMD_FMIN_FMAX_SSE2
#else
ENG_SIMD_FMIN_FMAX(F32X4_MIN, eng_f32x4, <, |)
ENG_SIMD_FMIN_FMAX(F32X4_MAX, eng_f32x4, >, &)
ENG_SIMD_FMIN_FMAX(F64X2_MIN, eng_f64x2, <, |)
ENG_SIMD_FMIN_FMAX(F64X2_MAX, eng_f64x2, >, &)
#endif
#undef ENG_SIMD_FMIN_FMAX
/* pmin = b < a ? b : a, pmax = a < b ? b : a, exactly (a NaN or equal lanes give a's bits). */
ENG_SIMD_FUNCTION eng_v128 eng_simd_F32X4_PMIN(eng_v128 a, eng_v128 b)
{
    return eng_simd_select((eng_v128)((eng_f32x4)b < (eng_f32x4)a), b, a);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_F32X4_PMAX(eng_v128 a, eng_v128 b)
{
    return eng_simd_select((eng_v128)((eng_f32x4)a < (eng_f32x4)b), b, a);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_F64X2_PMIN(eng_v128 a, eng_v128 b)
{
    return eng_simd_select((eng_v128)((eng_f64x2)b < (eng_f64x2)a), b, a);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_F64X2_PMAX(eng_v128 a, eng_v128 b)
{
    return eng_simd_select((eng_v128)((eng_f64x2)a < (eng_f64x2)b), b, a);
}

/* Rounding to an integral value. Without SSE4.1's roundps: a magnitude below 2^23 (2^52 for f64)
 * rounds to the nearest integer, ties to even, in (m + 2^23) - 2^23 (the default rounding mode,
 * as wasm's nearest); one less if that went up gives trunc; the sign goes back on (so -0.3 gives
 * -0); floor and ceil then step from trunc towards -inf or +inf when it is not x itself. Other
 * lanes are integral already, infinite or NaN: x + 0 keeps them and quiets a NaN. */
enum { ENG_SIMD_NEAREST, ENG_SIMD_TRUNC, ENG_SIMD_FLOOR, ENG_SIMD_CEIL };
#define ENG_SIMD_ROUND(suffix, float_type, bits_type, sign_bit, limit)                                    \
    static inline eng_v128 eng_simd_round_##suffix(eng_v128 a, int mode)                                  \
    {                                                                                                     \
        float_type x = (float_type)a, one = (float_type){0} + 1, big = (float_type){0} + (limit);         \
        bits_type sign = (bits_type)a & (sign_bit);                                                       \
        float_type magnitude = (float_type)((bits_type)a & ~(sign_bit));                                  \
        float_type r = (magnitude + big) - big;                                                           \
        if (mode != ENG_SIMD_NEAREST)                                                                     \
            r = (float_type)eng_simd_select((eng_v128)(r > magnitude), (eng_v128)(r - one), (eng_v128)r); \
        r = (float_type)((bits_type)r | sign);                                                            \
        if (mode == ENG_SIMD_FLOOR)                                                                       \
            r = (float_type)eng_simd_select((eng_v128)(r > x), (eng_v128)(r - one), (eng_v128)r);         \
        if (mode == ENG_SIMD_CEIL)                                                                        \
            r = (float_type)eng_simd_select((eng_v128)(r < x), (eng_v128)(r + one), (eng_v128)r);         \
        return eng_simd_select((eng_v128)(magnitude < big), (eng_v128)r, (eng_v128)(x + 0));              \
    }
#if defined(ENG_SIMD_SSE41)
#define ENG_SIMD_ROUND_F32(a, mode, sse_mode) (eng_v128) _mm_round_ps((__m128)(a), (sse_mode) | _MM_FROUND_NO_EXC)
#define ENG_SIMD_ROUND_F64(a, mode, sse_mode) (eng_v128) _mm_round_pd((__m128d)(a), (sse_mode) | _MM_FROUND_NO_EXC)
#else
ENG_SIMD_ROUND(f32, eng_f32x4, eng_u32x4, 0x80000000u, 0x1p23f)
ENG_SIMD_ROUND(f64, eng_f64x2, eng_v128, 0x8000000000000000u, 0x1p52)
#define ENG_SIMD_ROUND_F32(a, mode, sse_mode) eng_simd_round_f32(a, mode)
#define ENG_SIMD_ROUND_F64(a, mode, sse_mode) eng_simd_round_f64(a, mode)
#endif
#undef ENG_SIMD_ROUND
ENG_SIMD_FUNCTION eng_v128 eng_simd_F32X4_CEIL(eng_v128 a)
{
    return ENG_SIMD_ROUND_F32(a, ENG_SIMD_CEIL, _MM_FROUND_TO_POS_INF);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_F32X4_FLOOR(eng_v128 a)
{
    return ENG_SIMD_ROUND_F32(a, ENG_SIMD_FLOOR, _MM_FROUND_TO_NEG_INF);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_F32X4_TRUNC(eng_v128 a)
{
    return ENG_SIMD_ROUND_F32(a, ENG_SIMD_TRUNC, _MM_FROUND_TO_ZERO);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_F32X4_NEAREST(eng_v128 a)
{
    return ENG_SIMD_ROUND_F32(a, ENG_SIMD_NEAREST, _MM_FROUND_TO_NEAREST_INT);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_F64X2_CEIL(eng_v128 a)
{
    return ENG_SIMD_ROUND_F64(a, ENG_SIMD_CEIL, _MM_FROUND_TO_POS_INF);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_F64X2_FLOOR(eng_v128 a)
{
    return ENG_SIMD_ROUND_F64(a, ENG_SIMD_FLOOR, _MM_FROUND_TO_NEG_INF);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_F64X2_TRUNC(eng_v128 a)
{
    return ENG_SIMD_ROUND_F64(a, ENG_SIMD_TRUNC, _MM_FROUND_TO_ZERO);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_F64X2_NEAREST(eng_v128 a)
{
    return ENG_SIMD_ROUND_F64(a, ENG_SIMD_NEAREST, _MM_FROUND_TO_NEAREST_INT);
}
#undef ENG_SIMD_ROUND_F32
#undef ENG_SIMD_ROUND_F64

/* ---- conversions ---- */
/* demote and promote: C's conversions (round to nearest even; a NaN stays a quieted NaN). */
ENG_SIMD_FUNCTION eng_v128 eng_simd_F32X4_DEMOTE_F64X2_ZERO(eng_v128 a)
{
#if defined(ENG_SIMD_SSE2)
    return (eng_v128)_mm_cvtpd_ps((__m128d)a);
#else
    eng_f64x2 x = (eng_f64x2)a;
    return (eng_v128)(eng_f32x4){(float)x[0], (float)x[1], 0, 0};
#endif
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_F64X2_PROMOTE_LOW_F32X4(eng_v128 a)
{
    eng_f32x4 x = (eng_f32x4)a;
    return (eng_v128) __builtin_convertvector(ENG_SIMD_LOW2(x), eng_f64x2);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_F32X4_CONVERT_I32X4_S(eng_v128 a)
{
    return (eng_v128) __builtin_convertvector((eng_i32x4)a, eng_f32x4);
}
/* u32 -> f32 correctly rounded: both 16-bit halves convert exactly, high * 2^16 is exact, and
 * the one addition rounds once. */
ENG_SIMD_FUNCTION eng_v128 eng_simd_F32X4_CONVERT_I32X4_U(eng_v128 a)
{
    eng_u32x4 x = (eng_u32x4)a;
    eng_f32x4 high = __builtin_convertvector((eng_i32x4)(x >> 16), eng_f32x4);
    eng_f32x4 low = __builtin_convertvector((eng_i32x4)(x & 0xffffu), eng_f32x4);
    return (eng_v128)(high * 0x1p16f + low);
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_F64X2_CONVERT_LOW_I32X4_S(eng_v128 a)
{
    eng_i32x4 x = (eng_i32x4)a;
    return (eng_v128) __builtin_convertvector(ENG_SIMD_LOW2(x), eng_f64x2);
}
/* u32 -> f64 is exact: the u32 in the low mantissa bits of 2^52, minus 2^52. */
ENG_SIMD_FUNCTION eng_v128 eng_simd_F64X2_CONVERT_LOW_I32X4_U(eng_v128 a)
{
    eng_u32x4 x = (eng_u32x4)a;
    eng_v128 biased = __builtin_convertvector(ENG_SIMD_LOW2(x), eng_v128) | 0x4330000000000000u;
    return (eng_v128)((eng_f64x2)biased - 0x1p52);
}

/* trunc_sat: NaN gives 0, values beyond the range its limit; the rest truncate. Each lane is
 * clamped into range before the conversion (out-of-range float to int conversions are UB in C). */
ENG_SIMD_FUNCTION eng_v128 eng_simd_I32X4_TRUNC_SAT_F32X4_S(eng_v128 a)
{
    eng_f32x4 x = (eng_f32x4)a;
    eng_f32x4 c = (eng_f32x4)(a & (eng_v128)(x == x)); /* NaN -> +0 */
    eng_f32x4 low = (eng_f32x4){0} - 0x1p31f, high = (eng_f32x4){0} + 0x1p31f;
    c = (eng_f32x4)eng_simd_select((eng_v128)(c < low), (eng_v128)low, (eng_v128)c);
    eng_v128 too_big = (eng_v128)(c >= high);
    c = (eng_f32x4)eng_simd_select(too_big, (eng_v128){0}, (eng_v128)c);
    eng_v128 result = (eng_v128) __builtin_convertvector(c, eng_i32x4);
    return eng_simd_select(too_big, (eng_v128)((eng_u32x4){0} + INT32_MAX), result);
}
/* Unsigned: lanes from 2^31 on convert as x - 2^31 (exact) with the top bit put back. */
ENG_SIMD_FUNCTION eng_v128 eng_simd_I32X4_TRUNC_SAT_F32X4_U(eng_v128 a)
{
    eng_f32x4 x = (eng_f32x4)a;
    eng_f32x4 c = (eng_f32x4)(a & (eng_v128)(x > (eng_f32x4){0})); /* NaN and negative -> +0 */
    eng_v128 too_big = (eng_v128)(c >= 0x1p32f);
    c = (eng_f32x4)eng_simd_select(too_big, (eng_v128){0}, (eng_v128)c);
    eng_v128 high_bit = (eng_v128)(c >= 0x1p31f);
    c = c - (eng_f32x4)(high_bit & (eng_v128)((eng_f32x4){0} + 0x1p31f));
    eng_u32x4 result = (eng_u32x4) __builtin_convertvector(c, eng_i32x4) | ((eng_u32x4)high_bit & 0x80000000u);
    return (eng_v128)result | too_big;
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I32X4_TRUNC_SAT_F64X2_S_ZERO(eng_v128 a)
{
    eng_f64x2 x = (eng_f64x2)a;
    eng_i32x4 result = {0};
    for (int i = 0; i < 2; i++)
        result[i] = x[i] != x[i] ? 0 : x[i] <= -0x1p31 ? INT32_MIN : x[i] >= 0x1p31 ? INT32_MAX : (int32_t)x[i];
    return (eng_v128)result;
}
ENG_SIMD_FUNCTION eng_v128 eng_simd_I32X4_TRUNC_SAT_F64X2_U_ZERO(eng_v128 a)
{
    eng_f64x2 x = (eng_f64x2)a;
    eng_u32x4 result = {0};
    for (int i = 0; i < 2; i++)
        result[i] = !(x[i] > -1.0) ? 0 : x[i] >= 0x1p32 ? UINT32_MAX : (uint32_t)x[i];
    return (eng_v128)result;
}

#undef ENG_SIMD_LOW8
#undef ENG_SIMD_HIGH8
#undef ENG_SIMD_LOW4
#undef ENG_SIMD_HIGH4
#undef ENG_SIMD_LOW2
#undef ENG_SIMD_HIGH2
#undef ENG_SIMD_EVEN4
#undef ENG_SIMD_ODD4
#undef ENG_SIMD_F32_SIGN
#undef ENG_SIMD_F64_SIGN

#endif /* ENG_SIMD_H */
