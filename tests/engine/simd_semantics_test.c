/* simd_semantics_test.c: src/engine/simd.h against the WebAssembly spec: hand-written cases of the tricky semantics, then every function against a per-lane reference on edge-biased random vectors.
 *
 * Standalone (simd.h, libc and libm only). The references below are written from the spec's
 * definitions lane by lane in plain scalar C, independently of simd.h's whole-vector tricks.
 * Float results are compared bit for bit, except NaNs: where the spec allows any canonical NaN
 * (all NaN operands canonical, or none) the expectation is CANONICAL_NAN32/64 and the result must
 * be a canonical NaN of either sign; where it allows any arithmetic NaN, ARITHMETIC_NAN32/64 and
 * the result must be a quiet NaN. Loads and stores work on heap blocks of exactly the bytes the
 * instruction accesses, so that AddressSanitizer reports any byte too many. Built three times by
 * tests/engine/CMakeLists.txt: the default target, ENG_SIMD_PORTABLE (no intrinsics) and, on
 * x86-64 hosts with SSE4.1, -msse4.1 (the SSSE3/SSE4.1 paths).
 */
#include "../../src/engine/simd.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef union lanes {
    eng_v128 v;
    uint8_t u8[16];
    int8_t i8[16];
    uint16_t u16[8];
    int16_t i16[8];
    uint32_t u32[4];
    int32_t i32[4];
    uint64_t u64[2];
    int64_t i64[2];
    float f32[4];
    double f64[2];
} lanes;

/* ---- checks ---- */
static int checks, failures;

static void failed(const char *what, const char *detail)
{
    failures++;
    if (failures <= 30)
        fprintf(stderr, "simd_semantics: %s: %s\n", what, detail);
}

#define CANONICAL_NAN32 0x7fc00000u
#define ARITHMETIC_NAN32 0x7fc00001u /* an expectation only: any quiet NaN */
#define CANONICAL_NAN64 0x7ff8000000000000u
#define ARITHMETIC_NAN64 0x7ff8000000000001u

static int is_nan32(uint32_t x) { return (x & 0x7f800000u) == 0x7f800000u && (x & 0x007fffffu) != 0; }
static int is_nan64(uint64_t x)
{
    return (x & 0x7ff0000000000000u) == 0x7ff0000000000000u && (x & 0x000fffffffffffffu) != 0;
}
static int lane_matches32(uint32_t got, uint32_t want)
{
    if (!is_nan32(want))
        return got == want;
    if (!is_nan32(got) || !(got & 0x00400000u))
        return 0;
    return want == ARITHMETIC_NAN32 || (got & 0x7fffffffu) == CANONICAL_NAN32;
}
static int lane_matches64(uint64_t got, uint64_t want)
{
    if (!is_nan64(want))
        return got == want;
    if (!is_nan64(got) || !(got & 0x0008000000000000u))
        return 0;
    return want == ARITHMETIC_NAN64 || (got & 0x7fffffffffffffffu) == CANONICAL_NAN64;
}

/* How a result is compared: bit for bit, or with the NaN rules on f32 or f64 lanes. */
enum shape { EXACT, F32, F64 };

static void hex(char *out, eng_v128 v)
{
    lanes l = {.v = v};
    for (int i = 15; i >= 0; i--)
        sprintf(out + 2 * (15 - i), "%02x", l.u8[i]);
}

static int vectors_match(eng_v128 got, eng_v128 want, enum shape shape)
{
    lanes g = {.v = got}, w = {.v = want};
    if (shape == F32)
        return lane_matches32(g.u32[0], w.u32[0]) && lane_matches32(g.u32[1], w.u32[1]) &&
               lane_matches32(g.u32[2], w.u32[2]) && lane_matches32(g.u32[3], w.u32[3]);
    if (shape == F64)
        return lane_matches64(g.u64[0], w.u64[0]) && lane_matches64(g.u64[1], w.u64[1]);
    return g.u64[0] == w.u64[0] && g.u64[1] == w.u64[1];
}

/* Vectors are printed high lane first (hex(): byte 15 ... byte 0). */
static void check_vector(const char *name, eng_v128 got, eng_v128 want, enum shape shape, int inputs,
                         const eng_v128 *input)
{
    checks++;
    if (vectors_match(got, want, shape))
        return;
    char detail[512], text[40];
    int length = 0;
    for (int i = 0; i < inputs; i++) {
        hex(text, input[i]);
        length += snprintf(detail + length, sizeof detail - (size_t)length, "%c%s", i ? ',' : '(', text);
    }
    hex(text, got);
    length += snprintf(detail + length, sizeof detail - (size_t)length, ") gave %s, expected ", text);
    hex(text, want);
    snprintf(detail + length, sizeof detail - (size_t)length, "%s", text);
    failed(name, detail);
}

static void check_scalar(const char *name, uint64_t got, uint64_t want, eng_v128 input)
{
    checks++;
    if (got == want)
        return;
    char detail[200], text[40];
    hex(text, input);
    snprintf(detail, sizeof detail, "(%s) gave %#llx, expected %#llx", text, (unsigned long long)got,
             (unsigned long long)want);
    failed(name, detail);
}

/* ---- building vectors ---- */
static eng_v128 make8(const int *v)
{
    lanes l;
    for (int i = 0; i < 16; i++)
        l.u8[i] = (uint8_t)v[i];
    return l.v;
}
static eng_v128 make16(const int *v)
{
    lanes l;
    for (int i = 0; i < 8; i++)
        l.u16[i] = (uint16_t)v[i];
    return l.v;
}
static eng_v128 make32(const int64_t *v)
{
    lanes l;
    for (int i = 0; i < 4; i++)
        l.u32[i] = (uint32_t)v[i];
    return l.v;
}
static eng_v128 make64(const uint64_t *v) { return (eng_v128){v[0], v[1]}; }
static eng_v128 makef(const float *v)
{
    lanes l;
    memcpy(l.f32, v, 16);
    return l.v;
}
static eng_v128 maked(const double *v)
{
    lanes l;
    memcpy(l.f64, v, 16);
    return l.v;
}
#define V8(...) make8((const int[16]){__VA_ARGS__})
#define V16(...) make16((const int[8]){__VA_ARGS__})
#define V32(...) make32((const int64_t[4]){__VA_ARGS__})
#define V64(...) make64((const uint64_t[2]){__VA_ARGS__})
#define VF(...) makef((const float[4]){__VA_ARGS__})
#define VD(...) maked((const double[2]){__VA_ARGS__})
#define S8(x) V8(x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x)
#define S16(x) V16(x, x, x, x, x, x, x, x)
#define S32(x) V32(x, x, x, x)

static uint32_t bits32(float x)
{
    uint32_t b;
    memcpy(&b, &x, 4);
    return b;
}
static uint64_t bits64(double x)
{
    uint64_t b;
    memcpy(&b, &x, 8);
    return b;
}
/* ---- the hand-written cases: the edges the spec pins down ---- */
typedef eng_v128 (*unary_fn)(eng_v128);
typedef eng_v128 (*binary_fn)(eng_v128, eng_v128);
typedef eng_v128 (*shift_fn)(eng_v128, uint32_t);
typedef uint32_t (*test_fn)(eng_v128);

typedef struct unary_case {
    const char *name;
    unary_fn fn;
    eng_v128 a, want;
    enum shape shape;
} unary_case;
typedef struct binary_case {
    const char *name;
    binary_fn fn;
    eng_v128 a, b, want;
    enum shape shape;
} binary_case;

#define UNARY(name, a, want, shape)            \
    {                                          \
#name, eng_simd_##name, a, want, shape \
    }
#define BINARY(name, a, b, want, shape)           \
    {                                             \
#name, eng_simd_##name, a, b, want, shape \
    }

static void hand_written_binary(void)
{
    const float nan = NAN, inf = INFINITY;
    const binary_case cases[] = {
        /* min/max: NaN wins, -0 < +0, in both operand orders */
        BINARY(F32X4_MIN, VF(-0.0f, 0.0f, nan, 1.0f), VF(0.0f, -0.0f, 1.0f, nan), VF(-0.0f, -0.0f, nan, nan), F32),
        BINARY(F32X4_MAX, VF(-0.0f, 0.0f, nan, 1.0f), VF(0.0f, -0.0f, 1.0f, nan), VF(0.0f, 0.0f, nan, nan), F32),
        BINARY(F32X4_MIN, VF(-inf, 2.0f, -1.0f, -0.0f), VF(inf, 1.0f, 3.0f, -0.0f), VF(-inf, 1.0f, -1.0f, -0.0f),
               EXACT),
        BINARY(F32X4_MAX, VF(-inf, 2.0f, -1.0f, -0.0f), VF(inf, 1.0f, 3.0f, -0.0f), VF(inf, 2.0f, 3.0f, -0.0f), EXACT),
        /* A NaN with a payload gives an arithmetic NaN, not necessarily canonical. */
        BINARY(F32X4_MIN, V32(0x7fc12345, 0x7fa00000, 0, 0), VF(1, 1, 0, 0),
               V32(ARITHMETIC_NAN32, ARITHMETIC_NAN32, 0, 0), F32),
        BINARY(F64X2_MIN, VD(-0.0, 0.0), VD(0.0, -0.0), VD(-0.0, -0.0), EXACT),
        BINARY(F64X2_MAX, VD(-0.0, 0.0), VD(0.0, -0.0), VD(0.0, 0.0), EXACT),
        BINARY(F64X2_MIN, VD(NAN, 1.0), VD(1.0, NAN), VD(NAN, NAN), F64),
        BINARY(F64X2_MAX, VD(NAN, 1.0), VD(1.0, NAN), VD(NAN, NAN), F64),
        /* pmin = b < a ? b : a, pmax = a < b ? b : a: no NaN rule, no zero ordering */
        BINARY(F32X4_PMIN, VF(-0.0f, 0.0f, nan, 1.0f), VF(0.0f, -0.0f, 1.0f, nan), VF(-0.0f, 0.0f, nan, 1.0f), EXACT),
        BINARY(F32X4_PMAX, VF(-0.0f, 0.0f, nan, 1.0f), VF(0.0f, -0.0f, 1.0f, nan), VF(-0.0f, 0.0f, nan, 1.0f), EXACT),
        BINARY(F32X4_PMIN, VF(2, 1, -inf, 5), VF(1, 2, inf, 5), VF(1, 1, -inf, 5), EXACT),
        BINARY(F32X4_PMAX, VF(2, 1, -inf, 5), VF(1, 2, inf, 5), VF(2, 2, inf, 5), EXACT),
        BINARY(F32X4_PMIN, V32(0x7fa00000, 0, 0, 0), VF(1, 0, 0, 0), V32(0x7fa00000, 0, 0, 0), EXACT),
        BINARY(F64X2_PMIN, VD(-0.0, NAN), VD(0.0, 1.0), VD(-0.0, NAN), EXACT),
        BINARY(F64X2_PMAX, VD(0.0, 1.0), VD(-0.0, NAN), VD(0.0, 1.0), EXACT),
        /* IEEE comparisons with NaN */
        BINARY(F32X4_EQ, VF(nan, 0.0f, 1, 1), VF(nan, -0.0f, 1, 2), V32(0, -1, -1, 0), EXACT),
        BINARY(F32X4_NE, VF(nan, 0.0f, 1, 1), VF(nan, -0.0f, 1, 2), V32(-1, 0, 0, -1), EXACT),
        BINARY(F64X2_LE, VD(NAN, -0.0), VD(1.0, 0.0), V64(0, UINT64_MAX), EXACT),
        /* saturating arithmetic at both ends */
        BINARY(I8X16_ADD_SAT_S, V8(127, -128, 100, -100, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
               V8(1, -1, 100, -100, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
               V8(127, -128, 127, -128, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), EXACT),
        BINARY(I8X16_SUB_SAT_S, V8(-128, 127, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
               V8(1, -1, -128, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
               V8(-128, 127, 127, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), EXACT),
        BINARY(I8X16_ADD_SAT_U, V8(255, 200, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
               V8(1, 100, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
               V8(255, 255, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), EXACT),
        BINARY(I8X16_SUB_SAT_U, V8(0, 100, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
               V8(1, 200, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), V8(0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
               EXACT),
        BINARY(I16X8_ADD_SAT_S, V16(32767, -32768, 20000, -1, 0, 0, 0, 0), V16(1, -1, 20000, 1, 0, 0, 0, 0),
               V16(32767, -32768, 32767, 0, 0, 0, 0, 0), EXACT),
        BINARY(I16X8_SUB_SAT_S, V16(-32768, 32767, 0, -2, 0, 0, 0, 0), V16(1, -1, -32768, 32767, 0, 0, 0, 0),
               V16(-32768, 32767, 32767, -32768, 0, 0, 0, 0), EXACT),
        BINARY(I16X8_ADD_SAT_U, V16(65535, 40000, 1, 0, 0, 0, 0, 0), V16(1, 40000, 2, 0, 0, 0, 0, 0),
               V16(65535, 65535, 3, 0, 0, 0, 0, 0), EXACT),
        BINARY(I16X8_SUB_SAT_U, V16(0, 1, 5, 0, 0, 0, 0, 0), V16(1, 65535, 3, 0, 0, 0, 0, 0),
               V16(0, 0, 2, 0, 0, 0, 0, 0), EXACT),
        /* narrow: signed input, saturated to the signed or unsigned range; a low half, b high */
        BINARY(I8X16_NARROW_I16X8_S, V16(300, -300, 127, -128, 128, -129, 0, -1), V16(32767, -32768, 1, 2, 3, 4, 5, 6),
               V8(127, -128, 127, -128, 127, -128, 0, -1, 127, -128, 1, 2, 3, 4, 5, 6), EXACT),
        BINARY(I8X16_NARROW_I16X8_U, V16(300, -300, 255, 256, -1, 128, 0, 1), V16(-32768, 32767, 7, 0, 0, 0, 0, 0),
               V8(255, 0, 255, 255, 0, 128, 0, 1, 0, 255, 7, 0, 0, 0, 0, 0), EXACT),
        BINARY(I16X8_NARROW_I32X4_S, V32(70000, -70000, 32767, -32768), V32(32768, -32769, INT32_MIN, INT32_MAX),
               V16(32767, -32768, 32767, -32768, 32767, -32768, -32768, 32767), EXACT),
        BINARY(I16X8_NARROW_I32X4_U, V32(70000, -70000, 65535, 65536), V32(-1, 32768, INT32_MIN, INT32_MAX),
               V16(65535, 0, 65535, 65535, 0, 32768, 0, 65535), EXACT),
        /* q15mulr_sat_s: only 0x8000 * 0x8000 saturates; rounding adds 0x4000 */
        BINARY(I16X8_Q15MULR_SAT_S, V16(-32768, 16384, -1, -32768, 32767, 1, -16384, 3),
               V16(-32768, 16384, 1, 32767, 32767, 16384, 1, 16384), V16(32767, 8192, 0, -32767, 32766, 1, 0, 2),
               EXACT),
        /* avgr_u rounds up, without overflow */
        BINARY(I8X16_AVGR_U, V8(255, 0, 1, 254, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
               V8(255, 1, 2, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
               V8(255, 1, 2, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), EXACT),
        BINARY(I16X8_AVGR_U, V16(65535, 0, 3, 0, 0, 0, 0, 0), V16(65535, 1, 4, 0, 0, 0, 0, 0),
               V16(65535, 1, 4, 0, 0, 0, 0, 0), EXACT),
        /* dot wraps only for two -0x8000 * -0x8000 products */
        BINARY(I32X4_DOT_I16X8_S, V16(-32768, -32768, 2, 3, -1, 1, 32767, 32767),
               V16(-32768, -32768, 4, 5, 7, 7, 32767, -32768), V32(INT32_MIN, 23, 0, -32767), EXACT),
        /* extmul: exact products of the extended lanes */
        BINARY(I16X8_EXTMUL_LOW_I8X16_S, V8(-128, 127, -1, 0, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9),
               V8(-128, -128, -1, 0, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9), V16(16384, -16256, 1, 0, 0, 0, 0, 0), EXACT),
        BINARY(I16X8_EXTMUL_HIGH_I8X16_U, V8(0, 0, 0, 0, 0, 0, 0, 0, 255, 2, 0, 0, 0, 0, 0, 0),
               V8(0, 0, 0, 0, 0, 0, 0, 0, 255, 128, 0, 0, 0, 0, 0, 0), V16(65025, 256, 0, 0, 0, 0, 0, 0), EXACT),
        BINARY(I64X2_EXTMUL_LOW_I32X4_S, V32(INT32_MIN, -1, 0, 0), V32(INT32_MIN, 5, 0, 0),
               V64(0x4000000000000000u, (uint64_t)-5), EXACT),
        BINARY(I64X2_EXTMUL_HIGH_I32X4_U, V32(0, 0, 0xffffffff, 2), V32(0, 0, 0xffffffff, 0x80000000),
               V64(0xfffffffe00000001u, 0x100000000u), EXACT),
        /* swizzle: a the vector, b the indices; >= 16 gives 0 */
        BINARY(I8X16_SWIZZLE, V8(10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25),
               V8(15, 0, 16, 255, 128, 17, 1, 31, 32, 0x70, 0x8f, 14, 2, 2, 100, 7),
               V8(25, 10, 0, 0, 0, 0, 11, 0, 0, 0, 0, 24, 12, 12, 0, 17), EXACT),
        /* wrapping arithmetic and signed comparisons at the edges */
        BINARY(I32X4_MUL, V32(INT32_MIN, 0x10000, -1, 7), V32(-1, 0x10000, -1, 6), V32(INT32_MIN, 0, 1, 42), EXACT),
        BINARY(I64X2_MUL, V64(0x8000000000000000u, 0xffffffffffffffffu), V64(0xffffffffffffffffu, 3),
               V64(0x8000000000000000u, 0xfffffffffffffffdu), EXACT),
        BINARY(I64X2_LT_S, V64(0x8000000000000000u, 1), V64(0x7fffffffffffffffu, 0xffffffffffffffffu),
               V64(UINT64_MAX, 0), EXACT),
        BINARY(I8X16_LT_U, S8(0x80), S8(0x7f), S8(0), EXACT),
        BINARY(I8X16_LT_S, S8(0x80), S8(0x7f), S8(-1), EXACT),
        BINARY(I32X4_MIN_U, V32(0x80000000, 1, 0, 5), V32(0x7fffffff, 2, -1, 5), V32(0x7fffffff, 1, 0, 5), EXACT),
        BINARY(I32X4_MAX_S, V32(INT32_MIN, 1, 0, 5), V32(INT32_MAX, 2, -1, 5), V32(INT32_MAX, 2, 0, 5), EXACT),
        BINARY(V128_ANDNOT, V64(0xff00ff00ff00ff00u, 0x0123456789abcdefu),
               V64(0x0ff00ff00ff00ff0u, 0xffffffff00000000u), V64(0xf000f000f000f000u, 0x0000000089abcdefu), EXACT),
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const binary_case *c = &cases[i];
        check_vector(c->name, c->fn(c->a, c->b), c->want, c->shape, 2, (const eng_v128[]){c->a, c->b});
    }
}

static void hand_written_unary(void)
{
    const float nan = NAN, inf = INFINITY;
    const unary_case cases[] = {
        /* abs of the minimum wraps; neg of the minimum too */
        UNARY(I8X16_ABS, V8(-128, -1, 127, 0, -127, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, -128),
              V8(-128, 1, 127, 0, 127, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, -128), EXACT),
        UNARY(I16X8_ABS, V16(-32768, -1, 32767, 0, 5, -5, 0, 0), V16(-32768, 1, 32767, 0, 5, 5, 0, 0), EXACT),
        UNARY(I32X4_ABS, V32(INT32_MIN, -1, INT32_MAX, -7), V32(INT32_MIN, 1, INT32_MAX, 7), EXACT),
        UNARY(I64X2_ABS, V64(0x8000000000000000u, (uint64_t)-9), V64(0x8000000000000000u, 9), EXACT),
        UNARY(I32X4_NEG, V32(INT32_MIN, 1, 0, -5), V32(INT32_MIN, -1, 0, 5), EXACT),
        UNARY(I8X16_NEG, S8(-128), S8(-128), EXACT),
        /* popcnt */
        UNARY(I8X16_POPCNT, V8(0, 1, 0xff, 0x55, 0x80, 0x7f, 0xaa, 3, 0x10, 0xf0, 0x0f, 0xfe, 0x81, 0x42, 0x24, 7),
              V8(0, 1, 8, 4, 1, 7, 4, 2, 1, 4, 4, 7, 2, 2, 2, 3), EXACT),
        /* nearest: ties to even, sign kept (-0.5 gives -0) */
        UNARY(F32X4_NEAREST, VF(0.5f, 1.5f, 2.5f, -0.5f), VF(0.0f, 2.0f, 2.0f, -0.0f), EXACT),
        UNARY(F32X4_NEAREST, VF(-2.5f, 8388607.5f, -3.5f, 0.49999997f), VF(-2.0f, 8388608.0f, -4.0f, 0.0f), EXACT),
        UNARY(F32X4_NEAREST, VF(nan, inf, -inf, 16777215.0f), VF(nan, inf, -inf, 16777215.0f), F32),
        UNARY(F64X2_NEAREST, VD(4503599627370495.5, -0.5), VD(4503599627370496.0, -0.0), EXACT),
        UNARY(F64X2_NEAREST, VD(2.5, -1.5), VD(2.0, -2.0), EXACT),
        /* ceil/floor/trunc keep the sign of zero results */
        UNARY(F32X4_CEIL, VF(-0.5f, 0.5f, -1.5f, 1.0000001f), VF(-0.0f, 1.0f, -1.0f, 2.0f), EXACT),
        UNARY(F32X4_FLOOR, VF(-0.5f, 0.5f, -0.0f, -1.0000001f), VF(-1.0f, 0.0f, -0.0f, -2.0f), EXACT),
        UNARY(F32X4_TRUNC, VF(-0.7f, 0.7f, -8388607.5f, 1e30f), VF(-0.0f, 0.0f, -8388607.0f, 1e30f), EXACT),
        UNARY(F64X2_FLOOR, VD(-0.5, 4503599627370495.5), VD(-1.0, 4503599627370495.0), EXACT),
        UNARY(F64X2_CEIL, VD(-0.5, 4503599627370495.5), VD(-0.0, 4503599627370496.0), EXACT),
        UNARY(F64X2_TRUNC, VD(-0.999, NAN), VD(-0.0, NAN), F64),
        /* a signalling NaN comes out quiet */
        UNARY(F32X4_CEIL, V32(0x7f800001, 0xffa00000, 0, 0), V32(ARITHMETIC_NAN32, ARITHMETIC_NAN32, 0, 0), F32),
        UNARY(F32X4_SQRT, VF(-1.0f, 4.0f, -0.0f, inf), VF(nan, 2.0f, -0.0f, inf), F32),
        /* abs/neg work on the sign bit only, NaN payloads untouched */
        UNARY(F32X4_NEG, V32(0x7fa00001, 0, 0x80000000, 0x3f800000), V32(0xffa00001, 0x80000000, 0, 0xbf800000), EXACT),
        UNARY(F64X2_ABS, V64(0xfff4000000000001u, 0x8000000000000000u), V64(0x7ff4000000000001u, 0), EXACT),
        /* trunc_sat: NaN -> 0, out of range -> the limit */
        UNARY(I32X4_TRUNC_SAT_F32X4_S, VF(nan, inf, -inf, 2147483648.0f), V32(0, INT32_MAX, INT32_MIN, INT32_MAX),
              EXACT),
        UNARY(I32X4_TRUNC_SAT_F32X4_S, VF(-2147483904.0f, -2147483648.0f, 2147483520.0f, -1.9f),
              V32(INT32_MIN, INT32_MIN, 2147483520, -1), EXACT),
        UNARY(I32X4_TRUNC_SAT_F32X4_U, VF(nan, -1.0f, -0.9f, 4294967296.0f), V32(0, 0, 0, 0xffffffff), EXACT),
        UNARY(I32X4_TRUNC_SAT_F32X4_U, VF(4294967040.0f, 2147483648.0f, 2147483520.0f, 1.9f),
              V32(0xffffff00, 0x80000000, 2147483520, 1), EXACT),
        UNARY(I32X4_TRUNC_SAT_F32X4_U, VF(inf, -inf, 3e9f, 0.0f), V32(0xffffffff, 0, 3000000000, 0), EXACT),
        UNARY(I32X4_TRUNC_SAT_F64X2_S_ZERO, VD(2147483647.9, -2147483648.9), V32(INT32_MAX, INT32_MIN, 0, 0), EXACT),
        UNARY(I32X4_TRUNC_SAT_F64X2_S_ZERO, VD(NAN, 1e300), V32(0, INT32_MAX, 0, 0), EXACT),
        UNARY(I32X4_TRUNC_SAT_F64X2_S_ZERO, VD(-INFINITY, -2147483649.0), V32(INT32_MIN, INT32_MIN, 0, 0), EXACT),
        UNARY(I32X4_TRUNC_SAT_F64X2_U_ZERO, VD(4294967295.9, -0.9), V32(0xffffffff, 0, 0, 0), EXACT),
        UNARY(I32X4_TRUNC_SAT_F64X2_U_ZERO, VD(NAN, 4294967296.0), V32(0, 0xffffffff, 0, 0), EXACT),
        /* u32 -> f32 rounds correctly (to nearest, ties to even) */
        UNARY(F32X4_CONVERT_I32X4_U, V32(0xffffffff, 0x80000001, 16777217, 16777219),
              VF(4294967296.0f, 2147483648.0f, 16777216.0f, 16777220.0f), EXACT),
        UNARY(F32X4_CONVERT_I32X4_U, V32(0xffffff7f, 0xffffff80, 0xffffff81, 0),
              VF(4294967040.0f, 4294967296.0f, 4294967296.0f, 0.0f), EXACT),
        UNARY(F32X4_CONVERT_I32X4_S, V32(-1, INT32_MIN, INT32_MAX, 16777217),
              VF(-1.0f, -2147483648.0f, 2147483648.0f, 16777216.0f), EXACT),
        UNARY(F64X2_CONVERT_LOW_I32X4_U, V32(0xffffffff, 0x80000000, 7, 7), VD(4294967295.0, 2147483648.0), EXACT),
        UNARY(F64X2_CONVERT_LOW_I32X4_S, V32(-1, INT32_MIN, 7, 7), VD(-1.0, -2147483648.0), EXACT),
        /* demote: rounds, overflows to inf, zeroes lanes 2 and 3; promote the low lanes */
        UNARY(F32X4_DEMOTE_F64X2_ZERO, VD(1e300, 1.0 + 0x1p-24), VF(inf, 1.0f, 0.0f, 0.0f), EXACT),
        UNARY(F32X4_DEMOTE_F64X2_ZERO, VD(NAN, -1e-50), VF(nan, -0.0f, 0.0f, 0.0f), F32),
        UNARY(F64X2_PROMOTE_LOW_F32X4, VF(nan, -0.0f, 5.0f, 6.0f), VD(NAN, -0.0), F64),
        /* extend and extadd_pairwise */
        UNARY(I16X8_EXTEND_HIGH_I8X16_S, V8(0, 0, 0, 0, 0, 0, 0, 0, -128, 127, -1, 1, 0, 2, -2, 3),
              V16(-128, 127, -1, 1, 0, 2, -2, 3), EXACT),
        UNARY(I16X8_EXTEND_LOW_I8X16_U, V8(255, 128, 1, 0, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9),
              V16(255, 128, 1, 0, 0, 0, 0, 0), EXACT),
        UNARY(I64X2_EXTEND_HIGH_I32X4_S, V32(0, 0, INT32_MIN, -1), V64(0xffffffff80000000u, UINT64_MAX), EXACT),
        UNARY(I64X2_EXTEND_LOW_I32X4_U, V32(INT32_MIN, -1, 0, 0), V64(0x80000000u, 0xffffffffu), EXACT),
        UNARY(I16X8_EXTADD_PAIRWISE_I8X16_S, V8(-128, -128, 127, 127, -1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
              V16(-256, 254, 0, 0, 0, 0, 0, 0), EXACT),
        UNARY(I16X8_EXTADD_PAIRWISE_I8X16_U, V8(255, 255, 128, 128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
              V16(510, 256, 0, 0, 0, 0, 0, 0), EXACT),
        UNARY(I32X4_EXTADD_PAIRWISE_I16X8_S, V16(-32768, -32768, 32767, 32767, -1, 1, 0, 0), V32(-65536, 65534, 0, 0),
              EXACT),
        UNARY(I32X4_EXTADD_PAIRWISE_I16X8_U, V16(65535, 65535, 32768, 32768, 1, 0, 0, 0), V32(131070, 65536, 1, 0),
              EXACT),
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const unary_case *c = &cases[i];
        check_vector(c->name, c->fn(c->a), c->want, c->shape, 1, &c->a);
    }
}

static void hand_written_other(void)
{
    /* shifts: the count modulo the lane width */
    eng_v128 bytes = V8(0x81, 0x40, 0xff, 1, 0x7f, 0x80, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0xc0);
    check_vector("I8X16_SHL 9", eng_simd_I8X16_SHL(bytes, 9),
                 V8(0x02, 0x80, 0xfe, 2, 0xfe, 0, 4, 6, 8, 10, 12, 14, 16, 18, 20, 0x80), EXACT, 1, &bytes);
    check_vector("I8X16_SHR_S 15", eng_simd_I8X16_SHR_S(bytes, 15),
                 V8(-1, 0, -1, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1), EXACT, 1, &bytes);
    check_vector("I8X16_SHR_U 8", eng_simd_I8X16_SHR_U(bytes, 8), bytes, EXACT, 1, &bytes);
    check_vector("I8X16_SHR_S 1", eng_simd_I8X16_SHR_S(bytes, 1),
                 V8(0xc0, 0x20, 0xff, 0, 0x3f, 0xc0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 0xe0), EXACT, 1, &bytes);
    eng_v128 words = V32(INT32_MIN, -2, 0x40000000, 1);
    check_vector("I32X4_SHR_S 33", eng_simd_I32X4_SHR_S(words, 33), V32(-0x40000000, -1, 0x20000000, 0), EXACT, 1,
                 &words);
    check_vector("I32X4_SHL 32", eng_simd_I32X4_SHL(words, 32), words, EXACT, 1, &words);
    check_vector("I32X4_SHR_U 63", eng_simd_I32X4_SHR_U(words, 63), V32(1, 1, 0, 0), EXACT, 1, &words);
    eng_v128 longs = V64(0x8000000000000001u, 3);
    check_vector("I64X2_SHL 64", eng_simd_I64X2_SHL(longs, 64), longs, EXACT, 1, &longs);
    check_vector("I64X2_SHR_S 65", eng_simd_I64X2_SHR_S(longs, 65), V64(0xc000000000000000u, 1), EXACT, 1, &longs);
    check_vector("I16X8_SHR_U 0xffffffff", eng_simd_I16X8_SHR_U(S16(0x8000), 0xffffffffu), S16(1), EXACT, 1, &words);

    /* bitmask, all_true, any_true */
    eng_v128 alternating = V8(1, -1, 0, -128, 127, 0x80, 0, 0xff, 0, 0x90, 0, 0xa0, 0, 0xb0, 0, 0xc0);
    check_scalar("I8X16_BITMASK", eng_simd_I8X16_BITMASK(alternating), 0xaaaa, alternating);
    check_scalar("I16X8_BITMASK", eng_simd_I16X8_BITMASK(V16(-1, 0, 0x8000, 0x7fff, 0, 0, 0, -2)), 0x85,
                 V16(-1, 0, 0x8000, 0x7fff, 0, 0, 0, -2));
    check_scalar("I32X4_BITMASK", eng_simd_I32X4_BITMASK(V32(1, INT32_MIN, -1, 0)), 6, V32(1, INT32_MIN, -1, 0));
    check_scalar("I64X2_BITMASK", eng_simd_I64X2_BITMASK(V64(0x8000000000000000u, 1)), 1, V64(0x8000000000000000u, 1));
    check_scalar("I8X16_ALL_TRUE", eng_simd_I8X16_ALL_TRUE(S8(1)), 1, S8(1));
    eng_v128 one_zero = V8(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0);
    check_scalar("I8X16_ALL_TRUE", eng_simd_I8X16_ALL_TRUE(one_zero), 0, one_zero);
    check_scalar("I16X8_ALL_TRUE", eng_simd_I16X8_ALL_TRUE(S8(1)), 1, S8(1));
    check_scalar("I16X8_ALL_TRUE", eng_simd_I16X8_ALL_TRUE(one_zero), 1, one_zero);
    check_scalar("I32X4_ALL_TRUE", eng_simd_I32X4_ALL_TRUE(V32(1, 1, 0, 1)), 0, V32(1, 1, 0, 1));
    check_scalar("I64X2_ALL_TRUE", eng_simd_I64X2_ALL_TRUE(V64(1u << 31, 1)), 1, V64(1u << 31, 1));
    check_scalar("V128_ANY_TRUE", eng_simd_V128_ANY_TRUE(V64(0, 1ull << 63)), 1, V64(0, 1ull << 63));
    check_scalar("V128_ANY_TRUE", eng_simd_V128_ANY_TRUE(V64(0, 0)), 0, V64(0, 0));

    /* shuffle from both operands */
    eng_v128 a = V8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    eng_v128 b = V8(16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
    eng_v128 picks = V8(31, 0, 16, 15, 1, 17, 30, 14, 8, 24, 8, 24, 0, 0, 31, 31);
    check_vector("I8X16_SHUFFLE", eng_simd_I8X16_SHUFFLE(a, b, picks), picks, EXACT, 3,
                 (const eng_v128[]){a, b, picks});
    /* bitselect: (a & c) | (b & ~c) */
    eng_v128 selected =
        eng_simd_V128_BITSELECT(V64(0x1111111111111111u, 0xffffffffffffffffu), V64(0x2222222222222222u, 0),
                                V64(0xf0f0f0f0f0f0f0f0u, 0x00000000ffffffffu));
    check_vector("V128_BITSELECT", selected, V64(0x1212121212121212u, 0x00000000ffffffffu), EXACT, 0, NULL);

    /* extract_lane of a negative lane: _s sign-extends to i32 (then zero-extended to 64 bits) */
    check_scalar("I8X16_EXTRACT_LANE_S", eng_simd_I8X16_EXTRACT_LANE_S(alternating, 3), 0xffffff80u, alternating);
    check_scalar("I8X16_EXTRACT_LANE_U", eng_simd_I8X16_EXTRACT_LANE_U(alternating, 3), 0x80u, alternating);
    check_scalar("I16X8_EXTRACT_LANE_S", eng_simd_I16X8_EXTRACT_LANE_S(S16(-2), 7), 0xfffffffeu, S16(-2));
    /* splat ignores the garbage above its lane */
    check_vector("I8X16_SPLAT", eng_simd_I8X16_SPLAT(0xdeadbeef12345681u), S8(0x81), EXACT, 0, NULL);
    check_vector("F32X4_SPLAT", eng_simd_F32X4_SPLAT(0xdeadbeef7fa00000u), S32(0x7fa00000), EXACT, 0, NULL);
}

/* ---- the references: lane by lane from the spec ---- */
static int canonical32(uint32_t x) { return (x & 0x7fffffffu) == CANONICAL_NAN32; }
static int canonical64(uint64_t x) { return (x & 0x7fffffffffffffffu) == CANONICAL_NAN64; }
/* The NaN a float operation may give: canonical unless an operand is a non-canonical NaN. */
static uint32_t nan32(float x, float y)
{
    int arithmetic =
        (is_nan32(bits32(x)) && !canonical32(bits32(x))) || (is_nan32(bits32(y)) && !canonical32(bits32(y)));
    return arithmetic ? ARITHMETIC_NAN32 : CANONICAL_NAN32;
}
static uint64_t nan64(double x, double y)
{
    int arithmetic =
        (is_nan64(bits64(x)) && !canonical64(bits64(x))) || (is_nan64(bits64(y)) && !canonical64(bits64(y)));
    return arithmetic ? ARITHMETIC_NAN64 : CANONICAL_NAN64;
}
static uint32_t result32(float r, float x, float y) { return isnan(r) ? nan32(x, y) : bits32(r); }
static uint64_t result64(double r, double x, double y) { return isnan(r) ? nan64(x, y) : bits64(r); }
static uint32_t fmin32(float x, float y)
{
    if (isnan(x) || isnan(y))
        return nan32(x, y);
    if (x == 0 && y == 0)
        return bits32(signbit(x) ? x : y);
    return bits32(x < y ? x : y);
}
static uint32_t fmax32(float x, float y)
{
    if (isnan(x) || isnan(y))
        return nan32(x, y);
    if (x == 0 && y == 0)
        return bits32(signbit(x) ? y : x);
    return bits32(x > y ? x : y);
}
static uint64_t fmin64(double x, double y)
{
    if (isnan(x) || isnan(y))
        return nan64(x, y);
    if (x == 0 && y == 0)
        return bits64(signbit(x) ? x : y);
    return bits64(x < y ? x : y);
}
static uint64_t fmax64(double x, double y)
{
    if (isnan(x) || isnan(y))
        return nan64(x, y);
    if (x == 0 && y == 0)
        return bits64(signbit(x) ? y : x);
    return bits64(x > y ? x : y);
}
static int64_t clamp(int64_t x, int64_t low, int64_t high) { return x < low ? low : x > high ? high : x; }
/* trunc_sat from a double (every f32 is one exactly): NaN 0, else the truncation clamped. */
static int64_t trunc_sat(double x, int64_t low, int64_t high)
{
    if (isnan(x))
        return 0;
    double t = trunc(x);
    return t < (double)low ? low : t > (double)high ? high : (int64_t)t;
}
#define MASK(condition) ((condition) ? -1 : 0)

/* Lane-wise operations: X(name, operand type, input field, output field, lanes, input style, shape,
 * expression of x and y). */
#define LANEWISE_BINARY(X)                                                                                            \
    X(I8X16_EQ, int64_t, i8, u8, 16, STYLE8, EXACT, MASK(x == y))                                                     \
    X(I8X16_NE, int64_t, i8, u8, 16, STYLE8, EXACT, MASK(x != y))                                                     \
    X(I8X16_LT_S, int64_t, i8, u8, 16, STYLE8, EXACT, MASK(x < y))                                                    \
    X(I8X16_LT_U, int64_t, u8, u8, 16, STYLE8, EXACT, MASK(x < y))                                                    \
    X(I8X16_GT_S, int64_t, i8, u8, 16, STYLE8, EXACT, MASK(x > y))                                                    \
    X(I8X16_GT_U, int64_t, u8, u8, 16, STYLE8, EXACT, MASK(x > y))                                                    \
    X(I8X16_LE_S, int64_t, i8, u8, 16, STYLE8, EXACT, MASK(x <= y))                                                   \
    X(I8X16_LE_U, int64_t, u8, u8, 16, STYLE8, EXACT, MASK(x <= y))                                                   \
    X(I8X16_GE_S, int64_t, i8, u8, 16, STYLE8, EXACT, MASK(x >= y))                                                   \
    X(I8X16_GE_U, int64_t, u8, u8, 16, STYLE8, EXACT, MASK(x >= y))                                                   \
    X(I16X8_EQ, int64_t, i16, u16, 8, STYLE16, EXACT, MASK(x == y))                                                   \
    X(I16X8_NE, int64_t, i16, u16, 8, STYLE16, EXACT, MASK(x != y))                                                   \
    X(I16X8_LT_S, int64_t, i16, u16, 8, STYLE16, EXACT, MASK(x < y))                                                  \
    X(I16X8_LT_U, int64_t, u16, u16, 8, STYLE16, EXACT, MASK(x < y))                                                  \
    X(I16X8_GT_S, int64_t, i16, u16, 8, STYLE16, EXACT, MASK(x > y))                                                  \
    X(I16X8_GT_U, int64_t, u16, u16, 8, STYLE16, EXACT, MASK(x > y))                                                  \
    X(I16X8_LE_S, int64_t, i16, u16, 8, STYLE16, EXACT, MASK(x <= y))                                                 \
    X(I16X8_LE_U, int64_t, u16, u16, 8, STYLE16, EXACT, MASK(x <= y))                                                 \
    X(I16X8_GE_S, int64_t, i16, u16, 8, STYLE16, EXACT, MASK(x >= y))                                                 \
    X(I16X8_GE_U, int64_t, u16, u16, 8, STYLE16, EXACT, MASK(x >= y))                                                 \
    X(I32X4_EQ, int64_t, i32, u32, 4, STYLE32, EXACT, MASK(x == y))                                                   \
    X(I32X4_NE, int64_t, i32, u32, 4, STYLE32, EXACT, MASK(x != y))                                                   \
    X(I32X4_LT_S, int64_t, i32, u32, 4, STYLE32, EXACT, MASK(x < y))                                                  \
    X(I32X4_LT_U, int64_t, u32, u32, 4, STYLE32, EXACT, MASK(x < y))                                                  \
    X(I32X4_GT_S, int64_t, i32, u32, 4, STYLE32, EXACT, MASK(x > y))                                                  \
    X(I32X4_GT_U, int64_t, u32, u32, 4, STYLE32, EXACT, MASK(x > y))                                                  \
    X(I32X4_LE_S, int64_t, i32, u32, 4, STYLE32, EXACT, MASK(x <= y))                                                 \
    X(I32X4_LE_U, int64_t, u32, u32, 4, STYLE32, EXACT, MASK(x <= y))                                                 \
    X(I32X4_GE_S, int64_t, i32, u32, 4, STYLE32, EXACT, MASK(x >= y))                                                 \
    X(I32X4_GE_U, int64_t, u32, u32, 4, STYLE32, EXACT, MASK(x >= y))                                                 \
    X(I64X2_EQ, int64_t, i64, u64, 2, STYLE64, EXACT, MASK(x == y))                                                   \
    X(I64X2_NE, int64_t, i64, u64, 2, STYLE64, EXACT, MASK(x != y))                                                   \
    X(I64X2_LT_S, int64_t, i64, u64, 2, STYLE64, EXACT, MASK(x < y))                                                  \
    X(I64X2_GT_S, int64_t, i64, u64, 2, STYLE64, EXACT, MASK(x > y))                                                  \
    X(I64X2_LE_S, int64_t, i64, u64, 2, STYLE64, EXACT, MASK(x <= y))                                                 \
    X(I64X2_GE_S, int64_t, i64, u64, 2, STYLE64, EXACT, MASK(x >= y))                                                 \
    X(F32X4_EQ, float, f32, u32, 4, STYLE_F32, EXACT, MASK(x == y))                                                   \
    X(F32X4_NE, float, f32, u32, 4, STYLE_F32, EXACT, MASK(x != y))                                                   \
    X(F32X4_LT, float, f32, u32, 4, STYLE_F32, EXACT, MASK(x < y))                                                    \
    X(F32X4_GT, float, f32, u32, 4, STYLE_F32, EXACT, MASK(x > y))                                                    \
    X(F32X4_LE, float, f32, u32, 4, STYLE_F32, EXACT, MASK(x <= y))                                                   \
    X(F32X4_GE, float, f32, u32, 4, STYLE_F32, EXACT, MASK(x >= y))                                                   \
    X(F64X2_EQ, double, f64, u64, 2, STYLE_F64, EXACT, MASK(x == y))                                                  \
    X(F64X2_NE, double, f64, u64, 2, STYLE_F64, EXACT, MASK(x != y))                                                  \
    X(F64X2_LT, double, f64, u64, 2, STYLE_F64, EXACT, MASK(x < y))                                                   \
    X(F64X2_GT, double, f64, u64, 2, STYLE_F64, EXACT, MASK(x > y))                                                   \
    X(F64X2_LE, double, f64, u64, 2, STYLE_F64, EXACT, MASK(x <= y))                                                  \
    X(F64X2_GE, double, f64, u64, 2, STYLE_F64, EXACT, MASK(x >= y))                                                  \
    X(V128_AND, uint64_t, u64, u64, 2, STYLE_RANDOM, EXACT, x &y)                                                     \
    X(V128_ANDNOT, uint64_t, u64, u64, 2, STYLE_RANDOM, EXACT, x & ~y)                                                \
    X(V128_OR, uint64_t, u64, u64, 2, STYLE_RANDOM, EXACT, x | y)                                                     \
    X(V128_XOR, uint64_t, u64, u64, 2, STYLE_RANDOM, EXACT, x ^ y)                                                    \
    X(I8X16_ADD, int64_t, i8, u8, 16, STYLE8, EXACT, x + y)                                                           \
    X(I8X16_ADD_SAT_S, int64_t, i8, u8, 16, STYLE8, EXACT, clamp(x + y, INT8_MIN, INT8_MAX))                          \
    X(I8X16_ADD_SAT_U, int64_t, u8, u8, 16, STYLE8, EXACT, clamp(x + y, 0, UINT8_MAX))                                \
    X(I8X16_SUB, int64_t, i8, u8, 16, STYLE8, EXACT, x - y)                                                           \
    X(I8X16_SUB_SAT_S, int64_t, i8, u8, 16, STYLE8, EXACT, clamp(x - y, INT8_MIN, INT8_MAX))                          \
    X(I8X16_SUB_SAT_U, int64_t, u8, u8, 16, STYLE8, EXACT, clamp(x - y, 0, UINT8_MAX))                                \
    X(I8X16_MIN_S, int64_t, i8, u8, 16, STYLE8, EXACT, x < y ? x : y)                                                 \
    X(I8X16_MIN_U, int64_t, u8, u8, 16, STYLE8, EXACT, x < y ? x : y)                                                 \
    X(I8X16_MAX_S, int64_t, i8, u8, 16, STYLE8, EXACT, x > y ? x : y)                                                 \
    X(I8X16_MAX_U, int64_t, u8, u8, 16, STYLE8, EXACT, x > y ? x : y)                                                 \
    X(I8X16_AVGR_U, int64_t, u8, u8, 16, STYLE8, EXACT, (x + y + 1) / 2)                                              \
    X(I16X8_ADD, int64_t, i16, u16, 8, STYLE16, EXACT, x + y)                                                         \
    X(I16X8_ADD_SAT_S, int64_t, i16, u16, 8, STYLE16, EXACT, clamp(x + y, INT16_MIN, INT16_MAX))                      \
    X(I16X8_ADD_SAT_U, int64_t, u16, u16, 8, STYLE16, EXACT, clamp(x + y, 0, UINT16_MAX))                             \
    X(I16X8_SUB, int64_t, i16, u16, 8, STYLE16, EXACT, x - y)                                                         \
    X(I16X8_SUB_SAT_S, int64_t, i16, u16, 8, STYLE16, EXACT, clamp(x - y, INT16_MIN, INT16_MAX))                      \
    X(I16X8_SUB_SAT_U, int64_t, u16, u16, 8, STYLE16, EXACT, clamp(x - y, 0, UINT16_MAX))                             \
    X(I16X8_MUL, int64_t, i16, u16, 8, STYLE16, EXACT, x *y)                                                          \
    X(I16X8_MIN_S, int64_t, i16, u16, 8, STYLE16, EXACT, x < y ? x : y)                                               \
    X(I16X8_MIN_U, int64_t, u16, u16, 8, STYLE16, EXACT, x < y ? x : y)                                               \
    X(I16X8_MAX_S, int64_t, i16, u16, 8, STYLE16, EXACT, x > y ? x : y)                                               \
    X(I16X8_MAX_U, int64_t, u16, u16, 8, STYLE16, EXACT, x > y ? x : y)                                               \
    X(I16X8_AVGR_U, int64_t, u16, u16, 8, STYLE16, EXACT, (x + y + 1) / 2)                                            \
    X(I16X8_Q15MULR_SAT_S, int64_t, i16, u16, 8, STYLE16, EXACT, clamp((x * y + 0x4000) >> 15, INT16_MIN, INT16_MAX)) \
    X(I32X4_ADD, int64_t, i32, u32, 4, STYLE32, EXACT, x + y)                                                         \
    X(I32X4_SUB, int64_t, i32, u32, 4, STYLE32, EXACT, x - y)                                                         \
    X(I32X4_MUL, int64_t, i32, u32, 4, STYLE32, EXACT, (uint64_t)x *(uint64_t)y)                                      \
    X(I32X4_MIN_S, int64_t, i32, u32, 4, STYLE32, EXACT, x < y ? x : y)                                               \
    X(I32X4_MIN_U, int64_t, u32, u32, 4, STYLE32, EXACT, x < y ? x : y)                                               \
    X(I32X4_MAX_S, int64_t, i32, u32, 4, STYLE32, EXACT, x > y ? x : y)                                               \
    X(I32X4_MAX_U, int64_t, u32, u32, 4, STYLE32, EXACT, x > y ? x : y)                                               \
    X(I64X2_ADD, uint64_t, u64, u64, 2, STYLE64, EXACT, x + y)                                                        \
    X(I64X2_SUB, uint64_t, u64, u64, 2, STYLE64, EXACT, x - y)                                                        \
    X(I64X2_MUL, uint64_t, u64, u64, 2, STYLE64, EXACT, x *y)                                                         \
    X(F32X4_ADD, float, f32, u32, 4, STYLE_F32, F32, result32(x + y, x, y))                                           \
    X(F32X4_SUB, float, f32, u32, 4, STYLE_F32, F32, result32(x - y, x, y))                                           \
    X(F32X4_MUL, float, f32, u32, 4, STYLE_F32, F32, result32(x *y, x, y))                                            \
    X(F32X4_DIV, float, f32, u32, 4, STYLE_F32, F32, result32(x / y, x, y))                                           \
    X(F32X4_MIN, float, f32, u32, 4, STYLE_F32, F32, fmin32(x, y))                                                    \
    X(F32X4_MAX, float, f32, u32, 4, STYLE_F32, F32, fmax32(x, y))                                                    \
    X(F32X4_PMIN, float, f32, u32, 4, STYLE_F32, EXACT, bits32(y < x ? y : x))                                        \
    X(F32X4_PMAX, float, f32, u32, 4, STYLE_F32, EXACT, bits32(x < y ? y : x))                                        \
    X(F64X2_ADD, double, f64, u64, 2, STYLE_F64, F64, result64(x + y, x, y))                                          \
    X(F64X2_SUB, double, f64, u64, 2, STYLE_F64, F64, result64(x - y, x, y))                                          \
    X(F64X2_MUL, double, f64, u64, 2, STYLE_F64, F64, result64(x *y, x, y))                                           \
    X(F64X2_DIV, double, f64, u64, 2, STYLE_F64, F64, result64(x / y, x, y))                                          \
    X(F64X2_MIN, double, f64, u64, 2, STYLE_F64, F64, fmin64(x, y))                                                   \
    X(F64X2_MAX, double, f64, u64, 2, STYLE_F64, F64, fmax64(x, y))                                                   \
    X(F64X2_PMIN, double, f64, u64, 2, STYLE_F64, EXACT, bits64(y < x ? y : x))                                       \
    X(F64X2_PMAX, double, f64, u64, 2, STYLE_F64, EXACT, bits64(x < y ? y : x))

#define LANEWISE_UNARY(X)                                                                                \
    X(V128_NOT, uint64_t, u64, u64, 2, STYLE_RANDOM, EXACT, ~x)                                          \
    X(I8X16_ABS, int64_t, i8, u8, 16, STYLE8, EXACT, x < 0 ? -x : x)                                     \
    X(I8X16_NEG, int64_t, i8, u8, 16, STYLE8, EXACT, -x)                                                 \
    X(I8X16_POPCNT, uint64_t, u8, u8, 16, STYLE8, EXACT, (uint64_t)__builtin_popcount((unsigned)x))      \
    X(I16X8_ABS, int64_t, i16, u16, 8, STYLE16, EXACT, x < 0 ? -x : x)                                   \
    X(I16X8_NEG, int64_t, i16, u16, 8, STYLE16, EXACT, -x)                                               \
    X(I32X4_ABS, int64_t, i32, u32, 4, STYLE32, EXACT, x < 0 ? -x : x)                                   \
    X(I32X4_NEG, int64_t, i32, u32, 4, STYLE32, EXACT, -x)                                               \
    X(I64X2_ABS, int64_t, i64, u64, 2, STYLE64, EXACT, x < 0 ? 0 - (uint64_t)x : (uint64_t)x)            \
    X(I64X2_NEG, uint64_t, u64, u64, 2, STYLE64, EXACT, 0 - x)                                           \
    X(F32X4_ABS, uint32_t, u32, u32, 4, STYLE_F32, EXACT, x & 0x7fffffffu)                               \
    X(F32X4_NEG, uint32_t, u32, u32, 4, STYLE_F32, EXACT, x ^ 0x80000000u)                               \
    X(F32X4_SQRT, float, f32, u32, 4, STYLE_F32, F32, result32(sqrtf(x), x, x))                          \
    X(F32X4_CEIL, float, f32, u32, 4, STYLE_F32, F32, result32(ceilf(x), x, x))                          \
    X(F32X4_FLOOR, float, f32, u32, 4, STYLE_F32, F32, result32(floorf(x), x, x))                        \
    X(F32X4_TRUNC, float, f32, u32, 4, STYLE_F32, F32, result32(truncf(x), x, x))                        \
    X(F32X4_NEAREST, float, f32, u32, 4, STYLE_F32, F32, result32(nearbyintf(x), x, x))                  \
    X(F64X2_ABS, uint64_t, u64, u64, 2, STYLE_F64, EXACT, x & 0x7fffffffffffffffu)                       \
    X(F64X2_NEG, uint64_t, u64, u64, 2, STYLE_F64, EXACT, x ^ 0x8000000000000000u)                       \
    X(F64X2_SQRT, double, f64, u64, 2, STYLE_F64, F64, result64(sqrt(x), x, x))                          \
    X(F64X2_CEIL, double, f64, u64, 2, STYLE_F64, F64, result64(ceil(x), x, x))                          \
    X(F64X2_FLOOR, double, f64, u64, 2, STYLE_F64, F64, result64(floor(x), x, x))                        \
    X(F64X2_TRUNC, double, f64, u64, 2, STYLE_F64, F64, result64(trunc(x), x, x))                        \
    X(F64X2_NEAREST, double, f64, u64, 2, STYLE_F64, F64, result64(nearbyint(x), x, x))                  \
    X(I32X4_TRUNC_SAT_F32X4_S, float, f32, u32, 4, STYLE_F32, EXACT, trunc_sat(x, INT32_MIN, INT32_MAX)) \
    X(I32X4_TRUNC_SAT_F32X4_U, float, f32, u32, 4, STYLE_F32, EXACT, trunc_sat(x, 0, UINT32_MAX))        \
    X(F32X4_CONVERT_I32X4_S, int32_t, i32, f32, 4, STYLE32, EXACT, (float)x)                             \
    X(F32X4_CONVERT_I32X4_U, uint32_t, u32, f32, 4, STYLE32, EXACT, (float)x)

/* Whole-vector operations with another lane layout: X(name, input style, shape). */
#define OTHER_BINARY(X)                          \
    X(I8X16_SWIZZLE, STYLE8, EXACT)              \
    X(I8X16_NARROW_I16X8_S, STYLE16, EXACT)      \
    X(I8X16_NARROW_I16X8_U, STYLE16, EXACT)      \
    X(I16X8_NARROW_I32X4_S, STYLE32, EXACT)      \
    X(I16X8_NARROW_I32X4_U, STYLE32, EXACT)      \
    X(I32X4_DOT_I16X8_S, STYLE16, EXACT)         \
    X(I16X8_EXTMUL_LOW_I8X16_S, STYLE8, EXACT)   \
    X(I16X8_EXTMUL_HIGH_I8X16_S, STYLE8, EXACT)  \
    X(I16X8_EXTMUL_LOW_I8X16_U, STYLE8, EXACT)   \
    X(I16X8_EXTMUL_HIGH_I8X16_U, STYLE8, EXACT)  \
    X(I32X4_EXTMUL_LOW_I16X8_S, STYLE16, EXACT)  \
    X(I32X4_EXTMUL_HIGH_I16X8_S, STYLE16, EXACT) \
    X(I32X4_EXTMUL_LOW_I16X8_U, STYLE16, EXACT)  \
    X(I32X4_EXTMUL_HIGH_I16X8_U, STYLE16, EXACT) \
    X(I64X2_EXTMUL_LOW_I32X4_S, STYLE32, EXACT)  \
    X(I64X2_EXTMUL_HIGH_I32X4_S, STYLE32, EXACT) \
    X(I64X2_EXTMUL_LOW_I32X4_U, STYLE32, EXACT)  \
    X(I64X2_EXTMUL_HIGH_I32X4_U, STYLE32, EXACT)
#define OTHER_UNARY(X)                                \
    X(I16X8_EXTEND_LOW_I8X16_S, STYLE8, EXACT)        \
    X(I16X8_EXTEND_HIGH_I8X16_S, STYLE8, EXACT)       \
    X(I16X8_EXTEND_LOW_I8X16_U, STYLE8, EXACT)        \
    X(I16X8_EXTEND_HIGH_I8X16_U, STYLE8, EXACT)       \
    X(I32X4_EXTEND_LOW_I16X8_S, STYLE16, EXACT)       \
    X(I32X4_EXTEND_HIGH_I16X8_S, STYLE16, EXACT)      \
    X(I32X4_EXTEND_LOW_I16X8_U, STYLE16, EXACT)       \
    X(I32X4_EXTEND_HIGH_I16X8_U, STYLE16, EXACT)      \
    X(I64X2_EXTEND_LOW_I32X4_S, STYLE32, EXACT)       \
    X(I64X2_EXTEND_HIGH_I32X4_S, STYLE32, EXACT)      \
    X(I64X2_EXTEND_LOW_I32X4_U, STYLE32, EXACT)       \
    X(I64X2_EXTEND_HIGH_I32X4_U, STYLE32, EXACT)      \
    X(I16X8_EXTADD_PAIRWISE_I8X16_S, STYLE8, EXACT)   \
    X(I16X8_EXTADD_PAIRWISE_I8X16_U, STYLE8, EXACT)   \
    X(I32X4_EXTADD_PAIRWISE_I16X8_S, STYLE16, EXACT)  \
    X(I32X4_EXTADD_PAIRWISE_I16X8_U, STYLE16, EXACT)  \
    X(F32X4_DEMOTE_F64X2_ZERO, STYLE_F64, F32)        \
    X(F64X2_PROMOTE_LOW_F32X4, STYLE_F32, F64)        \
    X(I32X4_TRUNC_SAT_F64X2_S_ZERO, STYLE_F64, EXACT) \
    X(I32X4_TRUNC_SAT_F64X2_U_ZERO, STYLE_F64, EXACT) \
    X(F64X2_CONVERT_LOW_I32X4_S, STYLE32, EXACT)      \
    X(F64X2_CONVERT_LOW_I32X4_U, STYLE32, EXACT)

#define DEFINE_BINARY(name, type, in, out, lanes_, style, shape, expression) \
    static void ref_##name(const lanes *a, const lanes *b, lanes *r)         \
    {                                                                        \
        for (int i = 0; i < (lanes_); i++) {                                 \
            type x = a->in[i], y = b->in[i];                                 \
            r->out[i] = expression;                                          \
        }                                                                    \
    }
#define DEFINE_UNARY(name, type, in, out, lanes_, style, shape, expression) \
    static void ref_##name(const lanes *a, lanes *r)                        \
    {                                                                       \
        for (int i = 0; i < (lanes_); i++) {                                \
            type x = a->in[i];                                              \
            r->out[i] = expression;                                         \
        }                                                                   \
    }
LANEWISE_BINARY(DEFINE_BINARY)
LANEWISE_UNARY(DEFINE_UNARY)
#undef DEFINE_BINARY
#undef DEFINE_UNARY

static void ref_I8X16_SWIZZLE(const lanes *a, const lanes *b, lanes *r)
{
    for (int i = 0; i < 16; i++)
        r->u8[i] = b->u8[i] < 16 ? a->u8[b->u8[i]] : 0;
}
#define NARROW(name, from, lanes_, to, low, high)                    \
    static void ref_##name(const lanes *a, const lanes *b, lanes *r) \
    {                                                                \
        for (int i = 0; i < (lanes_); i++) {                         \
            r->to[i] = clamp(a->from[i], low, high);                 \
            r->to[i + (lanes_)] = clamp(b->from[i], low, high);      \
        }                                                            \
    }
NARROW(I8X16_NARROW_I16X8_S, i16, 8, i8, INT8_MIN, INT8_MAX)
NARROW(I8X16_NARROW_I16X8_U, i16, 8, u8, 0, UINT8_MAX)
NARROW(I16X8_NARROW_I32X4_S, i32, 4, i16, INT16_MIN, INT16_MAX)
NARROW(I16X8_NARROW_I32X4_U, i32, 4, u16, 0, UINT16_MAX)
static void ref_I32X4_DOT_I16X8_S(const lanes *a, const lanes *b, lanes *r)
{
    for (int i = 0; i < 4; i++)
        r->u32[i] = (uint32_t)((int64_t)a->i16[2 * i] * b->i16[2 * i] + (int64_t)a->i16[2 * i + 1] * b->i16[2 * i + 1]);
}
#define EXTMUL(name, from, lanes_, offset, to, wide)                              \
    static void ref_##name(const lanes *a, const lanes *b, lanes *r)              \
    {                                                                             \
        for (int i = 0; i < (lanes_); i++)                                        \
            r->to[i] = (wide)a->from[i + (offset)] * (wide)b->from[i + (offset)]; \
    }
EXTMUL(I16X8_EXTMUL_LOW_I8X16_S, i8, 8, 0, i16, int16_t)
EXTMUL(I16X8_EXTMUL_HIGH_I8X16_S, i8, 8, 8, i16, int16_t)
EXTMUL(I16X8_EXTMUL_LOW_I8X16_U, u8, 8, 0, u16, uint32_t)
EXTMUL(I16X8_EXTMUL_HIGH_I8X16_U, u8, 8, 8, u16, uint32_t)
EXTMUL(I32X4_EXTMUL_LOW_I16X8_S, i16, 4, 0, i32, int32_t)
EXTMUL(I32X4_EXTMUL_HIGH_I16X8_S, i16, 4, 4, i32, int32_t)
EXTMUL(I32X4_EXTMUL_LOW_I16X8_U, u16, 4, 0, u32, uint32_t)
EXTMUL(I32X4_EXTMUL_HIGH_I16X8_U, u16, 4, 4, u32, uint32_t)
EXTMUL(I64X2_EXTMUL_LOW_I32X4_S, i32, 2, 0, i64, int64_t)
EXTMUL(I64X2_EXTMUL_HIGH_I32X4_S, i32, 2, 2, i64, int64_t)
EXTMUL(I64X2_EXTMUL_LOW_I32X4_U, u32, 2, 0, u64, uint64_t)
EXTMUL(I64X2_EXTMUL_HIGH_I32X4_U, u32, 2, 2, u64, uint64_t)
#define EXTEND(name, from, lanes_, offset, to)       \
    static void ref_##name(const lanes *a, lanes *r) \
    {                                                \
        for (int i = 0; i < (lanes_); i++)           \
            r->to[i] = a->from[i + (offset)];        \
    }
EXTEND(I16X8_EXTEND_LOW_I8X16_S, i8, 8, 0, i16)
EXTEND(I16X8_EXTEND_HIGH_I8X16_S, i8, 8, 8, i16)
EXTEND(I16X8_EXTEND_LOW_I8X16_U, u8, 8, 0, u16)
EXTEND(I16X8_EXTEND_HIGH_I8X16_U, u8, 8, 8, u16)
EXTEND(I32X4_EXTEND_LOW_I16X8_S, i16, 4, 0, i32)
EXTEND(I32X4_EXTEND_HIGH_I16X8_S, i16, 4, 4, i32)
EXTEND(I32X4_EXTEND_LOW_I16X8_U, u16, 4, 0, u32)
EXTEND(I32X4_EXTEND_HIGH_I16X8_U, u16, 4, 4, u32)
EXTEND(I64X2_EXTEND_LOW_I32X4_S, i32, 2, 0, i64)
EXTEND(I64X2_EXTEND_HIGH_I32X4_S, i32, 2, 2, i64)
EXTEND(I64X2_EXTEND_LOW_I32X4_U, u32, 2, 0, u64)
EXTEND(I64X2_EXTEND_HIGH_I32X4_U, u32, 2, 2, u64)
EXTEND(F64X2_CONVERT_LOW_I32X4_S, i32, 2, 0, f64)
EXTEND(F64X2_CONVERT_LOW_I32X4_U, u32, 2, 0, f64)
#define EXTADD(name, from, lanes_, to)                      \
    static void ref_##name(const lanes *a, lanes *r)        \
    {                                                       \
        for (int i = 0; i < (lanes_); i++)                  \
            r->to[i] = a->from[2 * i] + a->from[2 * i + 1]; \
    }
EXTADD(I16X8_EXTADD_PAIRWISE_I8X16_S, i8, 8, i16)
EXTADD(I16X8_EXTADD_PAIRWISE_I8X16_U, u8, 8, u16)
EXTADD(I32X4_EXTADD_PAIRWISE_I16X8_S, i16, 4, i32)
EXTADD(I32X4_EXTADD_PAIRWISE_I16X8_U, u16, 4, u32)
static void ref_F32X4_DEMOTE_F64X2_ZERO(const lanes *a, lanes *r)
{
    for (int i = 0; i < 2; i++) {
        double x = a->f64[i];
        r->u32[i] = isnan(x) ? (canonical64(bits64(x)) ? CANONICAL_NAN32 : ARITHMETIC_NAN32) : bits32((float)x);
    }
    r->u32[2] = r->u32[3] = 0;
}
static void ref_F64X2_PROMOTE_LOW_F32X4(const lanes *a, lanes *r)
{
    for (int i = 0; i < 2; i++) {
        float x = a->f32[i];
        r->u64[i] = isnan(x) ? (canonical32(bits32(x)) ? CANONICAL_NAN64 : ARITHMETIC_NAN64) : bits64((double)x);
    }
}
static void ref_I32X4_TRUNC_SAT_F64X2_S_ZERO(const lanes *a, lanes *r)
{
    r->u64[1] = 0;
    for (int i = 0; i < 2; i++)
        r->i32[i] = (int32_t)trunc_sat(a->f64[i], INT32_MIN, INT32_MAX);
}
static void ref_I32X4_TRUNC_SAT_F64X2_U_ZERO(const lanes *a, lanes *r)
{
    r->u64[1] = 0;
    for (int i = 0; i < 2; i++)
        r->u32[i] = (uint32_t)trunc_sat(a->f64[i], 0, UINT32_MAX);
}

/* ---- random vectors, biased towards the edges ---- */
enum style { STYLE_RANDOM, STYLE8, STYLE16, STYLE32, STYLE64, STYLE_F32, STYLE_F64, STYLES };
static uint64_t random_state = 0x9e3779b97f4a7c15u;
static uint64_t next_random(void)
{
    /* xorshift64* */
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    return random_state * 0x2545f4914f6cdd1du;
}
static const int64_t edges8[] = {0, 1, -1, 2, 0x7f, -0x80, 0x7e, -0x7f, 0x40, 0x55, -0x56, 16, 15, 31, 32};
static const int64_t edges16[] = {0,    1,    -1,    0x7fff, -0x8000, 0x7ffe, -0x7fff, 0x4000, -0x4000,
                                  0x80, 0xff, 0x100, -0x81,  0x7f,    -0x80,  0x5555,  2,      -2};
static const int64_t edges32[] = {0,          1,          -1,          INT32_MAX, INT32_MIN, 0x7ffffffe, INT32_MIN + 1,
                                  0x8000,     0x7fff,     -0x8001,     0xffff,    0x10000,   -0x10000,   16777217,
                                  0x7fffff80, 0x7fffffc0, -0x7fffffc0, 2,         0x55555555};
static const uint64_t edges64[] = {0,
                                   1,
                                   UINT64_MAX,
                                   0x7fffffffffffffffu,
                                   0x8000000000000000u,
                                   0x8000000000000001u,
                                   0xffffffff,
                                   0x100000000u,
                                   0xffffffff80000000u,
                                   0x7fffffff,
                                   2,
                                   0xfffffffffffffffeu};
static const uint32_t edges_f32[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3f000000, 0xbf000000, 0x3fc00000, 0x40200000, 0xc0200000,
    0x40600000, 0x3effffff, 0xbeffffff, 0x4afffffe, 0x4affffff, 0x4b000000, 0x4b000001, 0xcaffffff, 0x4b800000,
    0x4effffff, 0x4f000000, 0xcf000000, 0xcf000001, 0x4f7fffff, 0x4f800000, 0xbf7fffff, 0xbf666666, 0x7f7fffff,
    0xff7fffff, 0x00000001, 0x80000001, 0x00800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fc12345,
    0xffd00001, 0x7f800001, 0x7fa00000, 0xff800001, 0x3f7fffff, 0x3f800001, 0x5f000000, 0xdf000000};
static const uint64_t edges_f64[] = {
    0x0000000000000000u, 0x8000000000000000u, 0x3ff0000000000000u, 0xbff0000000000000u, 0x3fe0000000000000u,
    0xbfe0000000000000u, 0x3ff8000000000000u, 0x4004000000000000u, 0xc004000000000000u, 0x432fffffffffffffu,
    0x4330000000000000u, 0xc32fffffffffffffu, 0x433fffffffffffffu, 0x41dfffffffc00000u, 0x41dfffffffffffffu,
    0x41e0000000000000u, 0xc1e0000000000000u, 0xc1e0000000200000u, 0xc1e00000001fffffu, 0x41efffffffe00000u,
    0x41efffffffffffffu, 0x41f0000000000000u, 0xbfefffffffffffffu, 0x7fefffffffffffffu, 0x47efffffe0000000u,
    0x47efffffefffffffu, 0x47effffff0000000u, 0x36a0000000000000u, 0x3ff0000010000000u, 0x3ff0000030000000u,
    0x0000000000000001u, 0x7ff0000000000000u, 0xfff0000000000000u, 0x7ff8000000000000u, 0xfff8000000000000u,
    0x7ff8000012345678u, 0x7ff0000000000001u, 0x7ff4000000000000u, 0xfff4000020000000u, 0x3810000000000000u,
    0x3690000000000000u, 0xc7efffffe0000000u};

static uint64_t pick64(const uint64_t *values, size_t count) { return values[next_random() % count]; }
static int64_t pick(const int64_t *values, size_t count) { return values[next_random() % count]; }
#define PICK(values) pick(values, sizeof values / sizeof values[0])
#define PICK64(values) pick64(values, sizeof values / sizeof values[0])

/* Mostly edge values of the style's lanes, some random lanes; a quarter of the time another style. */
static eng_v128 random_vector(enum style style)
{
    if (next_random() % 4 == 0)
        style = (enum style)(next_random() % STYLES);
    lanes l = {.v = {next_random(), next_random()}};
    if (style == STYLE_RANDOM)
        return l.v;
    int lanes_count = style == STYLE8 ? 16 : style == STYLE16 ? 8 : style == STYLE32 || style == STYLE_F32 ? 4 : 2;
    for (int i = 0; i < lanes_count; i++) {
        if (next_random() % 5 == 0)
            continue; /* keep the random lane */
        switch (style) {
        case STYLE8: l.u8[i] = (uint8_t)PICK(edges8); break;
        case STYLE16: l.u16[i] = (uint16_t)PICK(edges16); break;
        case STYLE32: l.u32[i] = (uint32_t)PICK(edges32); break;
        case STYLE64: l.u64[i] = PICK64(edges64); break;
        case STYLE_F32: l.u32[i] = edges_f32[next_random() % (sizeof edges_f32 / sizeof edges_f32[0])]; break;
        case STYLE_F64: l.u64[i] = PICK64(edges_f64); break;
        default: break;
        }
    }
    return l.v;
}

typedef struct binary_op {
    const char *name;
    binary_fn fn;
    void (*ref)(const lanes *, const lanes *, lanes *);
    enum style style;
    enum shape shape;
} binary_op;
typedef struct unary_op {
    const char *name;
    unary_fn fn;
    void (*ref)(const lanes *, lanes *);
    enum style style;
    enum shape shape;
} unary_op;

#define ROUNDS 3000

static void random_binary(void)
{
#define LANEWISE_ENTRY(name, type, in, out, lanes_, style, shape, expression) \
    {#name, eng_simd_##name, ref_##name, style, shape},
#define OTHER_ENTRY(name, style, shape) {#name, eng_simd_##name, ref_##name, style, shape},
    static const binary_op ops[] = {LANEWISE_BINARY(LANEWISE_ENTRY) OTHER_BINARY(OTHER_ENTRY)};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        for (int round = 0; round < ROUNDS; round++) {
            eng_v128 input[2] = {random_vector(ops[k].style), random_vector(ops[k].style)};
            if (round % 7 == 0)
                input[1] = input[0]; /* equal operands */
            lanes a = {.v = input[0]}, b = {.v = input[1]}, want = {.v = {0, 0}};
            ops[k].ref(&a, &b, &want);
            check_vector(ops[k].name, ops[k].fn(input[0], input[1]), want.v, ops[k].shape, 2, input);
        }
}

static void random_unary(void)
{
    static const unary_op ops[] = {LANEWISE_UNARY(LANEWISE_ENTRY) OTHER_UNARY(OTHER_ENTRY)};
#undef LANEWISE_ENTRY
#undef OTHER_ENTRY
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        for (int round = 0; round < ROUNDS; round++) {
            eng_v128 input = random_vector(ops[k].style);
            lanes a = {.v = input}, want = {.v = {0, 0}};
            ops[k].ref(&a, &want);
            check_vector(ops[k].name, ops[k].fn(input), want.v, ops[k].shape, 1, &input);
        }
}

/* Shifts, lane tests, bitselect, shuffle, splat, extract and replace against their definitions. */
static void random_other(void)
{
    static const struct {
        const char *name;
        shift_fn fn;
        int bits;
        char kind; /* 'l' shl, 's' shr_s, 'u' shr_u */
    } shifts[] = {
        {"I8X16_SHL", eng_simd_I8X16_SHL, 8, 'l'},      {"I8X16_SHR_S", eng_simd_I8X16_SHR_S, 8, 's'},
        {"I8X16_SHR_U", eng_simd_I8X16_SHR_U, 8, 'u'},  {"I16X8_SHL", eng_simd_I16X8_SHL, 16, 'l'},
        {"I16X8_SHR_S", eng_simd_I16X8_SHR_S, 16, 's'}, {"I16X8_SHR_U", eng_simd_I16X8_SHR_U, 16, 'u'},
        {"I32X4_SHL", eng_simd_I32X4_SHL, 32, 'l'},     {"I32X4_SHR_S", eng_simd_I32X4_SHR_S, 32, 's'},
        {"I32X4_SHR_U", eng_simd_I32X4_SHR_U, 32, 'u'}, {"I64X2_SHL", eng_simd_I64X2_SHL, 64, 'l'},
        {"I64X2_SHR_S", eng_simd_I64X2_SHR_S, 64, 's'}, {"I64X2_SHR_U", eng_simd_I64X2_SHR_U, 64, 'u'},
    };
    for (size_t k = 0; k < sizeof shifts / sizeof shifts[0]; k++)
        for (int round = 0; round < ROUNDS; round++) {
            int bits = shifts[k].bits;
            eng_v128 input = random_vector(bits == 8 ? STYLE8 : bits == 16 ? STYLE16 : bits == 32 ? STYLE32 : STYLE64);
            uint32_t count = round < 200 ? (uint32_t)round : (uint32_t)next_random();
            unsigned c = count % (unsigned)bits;
            lanes a = {.v = input}, want;
            for (int i = 0; i < 128 / bits; i++) {
                /* The lane as a sign-extended value and as an unsigned one. */
                uint64_t u = bits == 8 ? a.u8[i] : bits == 16 ? a.u16[i] : bits == 32 ? a.u32[i] : a.u64[i];
                int64_t s = bits == 8 ? a.i8[i] : bits == 16 ? a.i16[i] : bits == 32 ? a.i32[i] : a.i64[i];
                /* Arithmetic right shift as floor division by 2^c (no implementation-defined >>). */
                uint64_t r = shifts[k].kind == 'l' ? u << c
                             : shifts[k].kind == 'u'
                                 ? u >> c
                                 : (uint64_t)(s >= 0 ? (int64_t)(u >> c) : -1 - (int64_t)(~(uint64_t)s >> c));
                if (bits == 8)
                    want.u8[i] = (uint8_t)r;
                else if (bits == 16)
                    want.u16[i] = (uint16_t)r;
                else if (bits == 32)
                    want.u32[i] = (uint32_t)r;
                else
                    want.u64[i] = r;
            }
            char name[40];
            snprintf(name, sizeof name, "%s %u", shifts[k].name, count);
            check_vector(name, shifts[k].fn(input, count), want.v, EXACT, 1, &input);
        }

    static const struct {
        const char *name;
        test_fn fn;
        int bits;
        char kind; /* 'a' all_true, 'b' bitmask */
    } tests[] = {
        {"I8X16_ALL_TRUE", eng_simd_I8X16_ALL_TRUE, 8, 'a'},  {"I16X8_ALL_TRUE", eng_simd_I16X8_ALL_TRUE, 16, 'a'},
        {"I32X4_ALL_TRUE", eng_simd_I32X4_ALL_TRUE, 32, 'a'}, {"I64X2_ALL_TRUE", eng_simd_I64X2_ALL_TRUE, 64, 'a'},
        {"I8X16_BITMASK", eng_simd_I8X16_BITMASK, 8, 'b'},    {"I16X8_BITMASK", eng_simd_I16X8_BITMASK, 16, 'b'},
        {"I32X4_BITMASK", eng_simd_I32X4_BITMASK, 32, 'b'},   {"I64X2_BITMASK", eng_simd_I64X2_BITMASK, 64, 'b'},
    };
    for (size_t k = 0; k < sizeof tests / sizeof tests[0]; k++)
        for (int round = 0; round < ROUNDS; round++) {
            int bits = tests[k].bits;
            lanes a = {.v = random_vector(bits == 8 ? STYLE8 : bits == 16 ? STYLE16 : bits == 32 ? STYLE32 : STYLE64)};
            if (round % 3 == 0) /* no zero lane: all_true is interesting */
                for (int i = 0; i < 16; i++)
                    a.u8[i] |= (uint8_t)(round >> 2 & 0x81);
            uint32_t all = 1, mask = 0;
            for (int i = 0; i < 128 / bits; i++) {
                uint64_t u = bits == 8 ? a.u8[i] : bits == 16 ? a.u16[i] : bits == 32 ? a.u32[i] : a.u64[i];
                all &= u != 0;
                mask |= (uint32_t)(u >> (bits - 1)) << i;
            }
            check_scalar(tests[k].name, tests[k].fn(a.v), tests[k].kind == 'a' ? all : mask, a.v);
        }

    for (int round = 0; round < ROUNDS; round++) {
        lanes a = {.v = random_vector(STYLE_RANDOM)}, b = {.v = random_vector(STYLE_RANDOM)};
        lanes c = {.v = random_vector(STYLE_RANDOM)}, picks, want;
        check_scalar("V128_ANY_TRUE", eng_simd_V128_ANY_TRUE(round % 5 ? a.v : (eng_v128){0, 0}),
                     round % 5 ? (a.u64[0] | a.u64[1]) != 0 : 0, a.v);
        for (int i = 0; i < 2; i++)
            want.u64[i] = (a.u64[i] & c.u64[i]) | (b.u64[i] & ~c.u64[i]);
        check_vector("V128_BITSELECT", eng_simd_V128_BITSELECT(a.v, b.v, c.v), want.v, EXACT, 3,
                     (const eng_v128[]){a.v, b.v, c.v});
        for (int i = 0; i < 16; i++) {
            picks.u8[i] = (uint8_t)(next_random() % 32);
            want.u8[i] = picks.u8[i] < 16 ? a.u8[picks.u8[i]] : b.u8[picks.u8[i] - 16];
        }
        check_vector("I8X16_SHUFFLE", eng_simd_I8X16_SHUFFLE(a.v, b.v, picks.v), want.v, EXACT, 3,
                     (const eng_v128[]){a.v, b.v, picks.v});

        /* splat: only the lane's low bits count */
        uint64_t bits = next_random();
        for (int i = 0; i < 16; i++)
            want.u8[i] = (uint8_t)bits;
        check_vector("I8X16_SPLAT", eng_simd_I8X16_SPLAT(bits), want.v, EXACT, 0, NULL);
        for (int i = 0; i < 8; i++)
            want.u16[i] = (uint16_t)bits;
        check_vector("I16X8_SPLAT", eng_simd_I16X8_SPLAT(bits), want.v, EXACT, 0, NULL);
        for (int i = 0; i < 4; i++)
            want.u32[i] = (uint32_t)bits;
        check_vector("I32X4_SPLAT", eng_simd_I32X4_SPLAT(bits), want.v, EXACT, 0, NULL);
        check_vector("F32X4_SPLAT", eng_simd_F32X4_SPLAT(bits), want.v, EXACT, 0, NULL);
        want.u64[0] = want.u64[1] = bits;
        check_vector("I64X2_SPLAT", eng_simd_I64X2_SPLAT(bits), want.v, EXACT, 0, NULL);
        check_vector("F64X2_SPLAT", eng_simd_F64X2_SPLAT(bits), want.v, EXACT, 0, NULL);

        /* extract_lane and replace_lane, every lane */
        for (uint32_t i = 0; i < 16; i++) {
            check_scalar("I8X16_EXTRACT_LANE_S", eng_simd_I8X16_EXTRACT_LANE_S(a.v, i), (uint32_t)(int32_t)a.i8[i],
                         a.v);
            check_scalar("I8X16_EXTRACT_LANE_U", eng_simd_I8X16_EXTRACT_LANE_U(a.v, i), a.u8[i], a.v);
            want = a;
            want.u8[i] = (uint8_t)bits;
            check_vector("I8X16_REPLACE_LANE", eng_simd_I8X16_REPLACE_LANE(a.v, bits, i), want.v, EXACT, 1, &a.v);
        }
        for (uint32_t i = 0; i < 8; i++) {
            check_scalar("I16X8_EXTRACT_LANE_S", eng_simd_I16X8_EXTRACT_LANE_S(a.v, i), (uint32_t)(int32_t)a.i16[i],
                         a.v);
            check_scalar("I16X8_EXTRACT_LANE_U", eng_simd_I16X8_EXTRACT_LANE_U(a.v, i), a.u16[i], a.v);
            want = a;
            want.u16[i] = (uint16_t)bits;
            check_vector("I16X8_REPLACE_LANE", eng_simd_I16X8_REPLACE_LANE(a.v, bits, i), want.v, EXACT, 1, &a.v);
        }
        for (uint32_t i = 0; i < 4; i++) {
            check_scalar("I32X4_EXTRACT_LANE", eng_simd_I32X4_EXTRACT_LANE(a.v, i), a.u32[i], a.v);
            check_scalar("F32X4_EXTRACT_LANE", eng_simd_F32X4_EXTRACT_LANE(a.v, i), a.u32[i], a.v);
            want = a;
            want.u32[i] = (uint32_t)bits;
            check_vector("I32X4_REPLACE_LANE", eng_simd_I32X4_REPLACE_LANE(a.v, bits, i), want.v, EXACT, 1, &a.v);
            check_vector("F32X4_REPLACE_LANE", eng_simd_F32X4_REPLACE_LANE(a.v, bits, i), want.v, EXACT, 1, &a.v);
        }
        for (uint32_t i = 0; i < 2; i++) {
            check_scalar("I64X2_EXTRACT_LANE", eng_simd_I64X2_EXTRACT_LANE(a.v, i), a.u64[i], a.v);
            check_scalar("F64X2_EXTRACT_LANE", eng_simd_F64X2_EXTRACT_LANE(a.v, i), a.u64[i], a.v);
            want = a;
            want.u64[i] = bits;
            check_vector("I64X2_REPLACE_LANE", eng_simd_I64X2_REPLACE_LANE(a.v, bits, i), want.v, EXACT, 1, &a.v);
            check_vector("F64X2_REPLACE_LANE", eng_simd_F64X2_REPLACE_LANE(a.v, bits, i), want.v, EXACT, 1, &a.v);
        }
    }
}

/* ---- loads and stores, on heap blocks of exactly the bytes accessed ---- */
typedef eng_v128 (*load_fn)(const uint8_t *);
typedef eng_v128 (*load_lane_fn)(const uint8_t *, eng_v128, uint32_t);
typedef void (*store_lane_fn)(uint8_t *, eng_v128, uint32_t);

static uint8_t *random_block(size_t size)
{
    uint8_t *block = malloc(size);
    if (!block) {
        fprintf(stderr, "simd_semantics: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < size; i++)
        block[i] = (uint8_t)next_random();
    return block;
}

static void loads_and_stores(void)
{
    static const struct {
        const char *name;
        load_fn fn;
        int size;
    } loads[] = {
        {"V128_LOAD", eng_simd_V128_LOAD, 16},
        {"V128_LOAD8X8_S", eng_simd_V128_LOAD8X8_S, 8},
        {"V128_LOAD8X8_U", eng_simd_V128_LOAD8X8_U, 8},
        {"V128_LOAD16X4_S", eng_simd_V128_LOAD16X4_S, 8},
        {"V128_LOAD16X4_U", eng_simd_V128_LOAD16X4_U, 8},
        {"V128_LOAD32X2_S", eng_simd_V128_LOAD32X2_S, 8},
        {"V128_LOAD32X2_U", eng_simd_V128_LOAD32X2_U, 8},
        {"V128_LOAD8_SPLAT", eng_simd_V128_LOAD8_SPLAT, 1},
        {"V128_LOAD16_SPLAT", eng_simd_V128_LOAD16_SPLAT, 2},
        {"V128_LOAD32_SPLAT", eng_simd_V128_LOAD32_SPLAT, 4},
        {"V128_LOAD64_SPLAT", eng_simd_V128_LOAD64_SPLAT, 8},
        {"V128_LOAD32_ZERO", eng_simd_V128_LOAD32_ZERO, 4},
        {"V128_LOAD64_ZERO", eng_simd_V128_LOAD64_ZERO, 8},
    };
    for (size_t k = 0; k < sizeof loads / sizeof loads[0]; k++)
        for (int round = 0; round < 200; round++) {
            uint8_t *block = random_block((size_t)loads[k].size);
            lanes m = {.v = {0, 0}}, want = {.v = {0, 0}};
            memcpy(m.u8, block, (size_t)loads[k].size);
            const char *name = loads[k].name + 9; /* after "V128_LOAD" */
            if (!strcmp(name, "") || !strcmp(name, "32_ZERO") || !strcmp(name, "64_ZERO"))
                want = m;
            else if (!strcmp(name, "8X8_S") || !strcmp(name, "8X8_U"))
                for (int i = 0; i < 8; i++)
                    want.u16[i] = name[4] == 'S' ? (uint16_t)m.i8[i] : m.u8[i];
            else if (!strcmp(name, "16X4_S") || !strcmp(name, "16X4_U"))
                for (int i = 0; i < 4; i++)
                    want.u32[i] = name[5] == 'S' ? (uint32_t)m.i16[i] : m.u16[i];
            else if (!strcmp(name, "32X2_S") || !strcmp(name, "32X2_U"))
                for (int i = 0; i < 2; i++)
                    want.u64[i] = name[5] == 'S' ? (uint64_t)m.i32[i] : m.u32[i];
            else /* splats */
                for (int i = 0; i < 16; i++)
                    want.u8[i] = m.u8[i % loads[k].size];
            check_vector(loads[k].name, loads[k].fn(block), want.v, EXACT, 1, &m.v);
            free(block);
        }

    static const struct {
        const char *name;
        load_lane_fn load;
        store_lane_fn store;
        int size;
    } lane_ops[] = {
        {"V128_LOAD8_LANE/STORE8_LANE", eng_simd_V128_LOAD8_LANE, eng_simd_V128_STORE8_LANE, 1},
        {"V128_LOAD16_LANE/STORE16_LANE", eng_simd_V128_LOAD16_LANE, eng_simd_V128_STORE16_LANE, 2},
        {"V128_LOAD32_LANE/STORE32_LANE", eng_simd_V128_LOAD32_LANE, eng_simd_V128_STORE32_LANE, 4},
        {"V128_LOAD64_LANE/STORE64_LANE", eng_simd_V128_LOAD64_LANE, eng_simd_V128_STORE64_LANE, 8},
    };
    for (size_t k = 0; k < sizeof lane_ops / sizeof lane_ops[0]; k++) {
        int size = lane_ops[k].size;
        for (uint32_t lane = 0; lane < (uint32_t)(16 / size); lane++) {
            uint8_t *block = random_block((size_t)size);
            lanes v = {.v = random_vector(STYLE_RANDOM)}, want = v;
            memcpy(want.u8 + lane * (uint32_t)size, block, (size_t)size);
            check_vector(lane_ops[k].name, lane_ops[k].load(block, v.v, lane), want.v, EXACT, 1, &v.v);
            lane_ops[k].store(block, v.v, lane);
            checks++;
            if (memcmp(block, v.u8 + lane * (uint32_t)size, (size_t)size) != 0)
                failed(lane_ops[k].name, "the store wrote other bytes than the lane's");
            free(block);
        }
    }

    uint8_t *block = random_block(16);
    eng_v128 v = random_vector(STYLE_RANDOM);
    eng_simd_V128_STORE(block, v);
    checks++;
    if (memcmp(block, &v, 16) != 0)
        failed("V128_STORE", "stored other bytes");
    /* Unaligned: every offset within a larger block. */
    uint8_t *big = random_block(48);
    for (int offset = 0; offset < 32; offset++) {
        lanes want;
        memcpy(want.u8, big + offset, 16);
        check_vector("V128_LOAD (unaligned)", eng_simd_V128_LOAD(big + offset), want.v, EXACT, 0, NULL);
    }
    free(big);
    free(block);
}

int main(void)
{
    hand_written_binary();
    hand_written_unary();
    hand_written_other();
    random_binary();
    random_unary();
    random_other();
    loads_and_stores();
    if (failures) {
        fprintf(stderr, "simd_semantics: %d of %d checks failed%s\n", failures, checks,
                failures > 30 ? " (the first 30 printed)" : "");
        return 1;
    }
    printf("simd_semantics: all %d checks passed\n", checks);
    return 0;
}
