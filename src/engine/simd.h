#include <stdint.h>
#include <string.h>
#include <stdlib.h>
typedef uint64_t eng_v128 __attribute__((vector_size(16)));
static inline eng_v128 eng_v128_load(const void *p){eng_v128 v; memcpy(&v,p,16); return v;}
static inline void eng_v128_store(void *p, eng_v128 v){memcpy(p,&v,16);}
static inline eng_v128 eng_simd_V128_LOAD(const uint8_t *p) { abort(); }
static inline eng_v128 eng_simd_V128_LOAD8X8_S(const uint8_t *p) { abort(); }
static inline eng_v128 eng_simd_V128_LOAD8X8_U(const uint8_t *p) { abort(); }
static inline eng_v128 eng_simd_V128_LOAD16X4_S(const uint8_t *p) { abort(); }
static inline eng_v128 eng_simd_V128_LOAD16X4_U(const uint8_t *p) { abort(); }
static inline eng_v128 eng_simd_V128_LOAD32X2_S(const uint8_t *p) { abort(); }
static inline eng_v128 eng_simd_V128_LOAD32X2_U(const uint8_t *p) { abort(); }
static inline eng_v128 eng_simd_V128_LOAD8_SPLAT(const uint8_t *p) { abort(); }
static inline eng_v128 eng_simd_V128_LOAD16_SPLAT(const uint8_t *p) { abort(); }
static inline eng_v128 eng_simd_V128_LOAD32_SPLAT(const uint8_t *p) { abort(); }
static inline eng_v128 eng_simd_V128_LOAD64_SPLAT(const uint8_t *p) { abort(); }
static inline void eng_simd_V128_STORE(uint8_t *p, eng_v128 v) { abort(); }
static inline eng_v128 eng_simd_I8X16_SHUFFLE(eng_v128 a, eng_v128 b, eng_v128 lanes) { abort(); }
static inline eng_v128 eng_simd_I8X16_SWIZZLE(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_SPLAT(uint64_t bits) { abort(); }
static inline eng_v128 eng_simd_I16X8_SPLAT(uint64_t bits) { abort(); }
static inline eng_v128 eng_simd_I32X4_SPLAT(uint64_t bits) { abort(); }
static inline eng_v128 eng_simd_I64X2_SPLAT(uint64_t bits) { abort(); }
static inline eng_v128 eng_simd_F32X4_SPLAT(uint64_t bits) { abort(); }
static inline eng_v128 eng_simd_F64X2_SPLAT(uint64_t bits) { abort(); }
static inline uint64_t eng_simd_I8X16_EXTRACT_LANE_S(eng_v128 v, uint32_t lane) { abort(); }
static inline uint64_t eng_simd_I8X16_EXTRACT_LANE_U(eng_v128 v, uint32_t lane) { abort(); }
static inline eng_v128 eng_simd_I8X16_REPLACE_LANE(eng_v128 v, uint64_t bits, uint32_t lane) { abort(); }
static inline uint64_t eng_simd_I16X8_EXTRACT_LANE_S(eng_v128 v, uint32_t lane) { abort(); }
static inline uint64_t eng_simd_I16X8_EXTRACT_LANE_U(eng_v128 v, uint32_t lane) { abort(); }
static inline eng_v128 eng_simd_I16X8_REPLACE_LANE(eng_v128 v, uint64_t bits, uint32_t lane) { abort(); }
static inline uint64_t eng_simd_I32X4_EXTRACT_LANE(eng_v128 v, uint32_t lane) { abort(); }
static inline eng_v128 eng_simd_I32X4_REPLACE_LANE(eng_v128 v, uint64_t bits, uint32_t lane) { abort(); }
static inline uint64_t eng_simd_I64X2_EXTRACT_LANE(eng_v128 v, uint32_t lane) { abort(); }
static inline eng_v128 eng_simd_I64X2_REPLACE_LANE(eng_v128 v, uint64_t bits, uint32_t lane) { abort(); }
static inline uint64_t eng_simd_F32X4_EXTRACT_LANE(eng_v128 v, uint32_t lane) { abort(); }
static inline eng_v128 eng_simd_F32X4_REPLACE_LANE(eng_v128 v, uint64_t bits, uint32_t lane) { abort(); }
static inline uint64_t eng_simd_F64X2_EXTRACT_LANE(eng_v128 v, uint32_t lane) { abort(); }
static inline eng_v128 eng_simd_F64X2_REPLACE_LANE(eng_v128 v, uint64_t bits, uint32_t lane) { abort(); }
static inline eng_v128 eng_simd_I8X16_EQ(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_NE(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_LT_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_LT_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_GT_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_GT_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_LE_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_LE_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_GE_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_GE_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_EQ(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_NE(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_LT_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_LT_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_GT_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_GT_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_LE_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_LE_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_GE_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_GE_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_EQ(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_NE(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_LT_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_LT_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_GT_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_GT_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_LE_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_LE_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_GE_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_GE_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F32X4_EQ(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F32X4_NE(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F32X4_LT(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F32X4_GT(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F32X4_LE(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F32X4_GE(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_EQ(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_NE(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_LT(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_GT(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_LE(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_GE(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_V128_NOT(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_V128_AND(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_V128_ANDNOT(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_V128_OR(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_V128_XOR(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_V128_BITSELECT(eng_v128 a, eng_v128 b, eng_v128 c) { abort(); }
static inline uint32_t eng_simd_V128_ANY_TRUE(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_V128_LOAD8_LANE(const uint8_t *p, eng_v128 v, uint32_t lane) { abort(); }
static inline eng_v128 eng_simd_V128_LOAD16_LANE(const uint8_t *p, eng_v128 v, uint32_t lane) { abort(); }
static inline eng_v128 eng_simd_V128_LOAD32_LANE(const uint8_t *p, eng_v128 v, uint32_t lane) { abort(); }
static inline eng_v128 eng_simd_V128_LOAD64_LANE(const uint8_t *p, eng_v128 v, uint32_t lane) { abort(); }
static inline void eng_simd_V128_STORE8_LANE(uint8_t *p, eng_v128 v, uint32_t lane) { abort(); }
static inline void eng_simd_V128_STORE16_LANE(uint8_t *p, eng_v128 v, uint32_t lane) { abort(); }
static inline void eng_simd_V128_STORE32_LANE(uint8_t *p, eng_v128 v, uint32_t lane) { abort(); }
static inline void eng_simd_V128_STORE64_LANE(uint8_t *p, eng_v128 v, uint32_t lane) { abort(); }
static inline eng_v128 eng_simd_V128_LOAD32_ZERO(const uint8_t *p) { abort(); }
static inline eng_v128 eng_simd_V128_LOAD64_ZERO(const uint8_t *p) { abort(); }
static inline eng_v128 eng_simd_F32X4_DEMOTE_F64X2_ZERO(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_F64X2_PROMOTE_LOW_F32X4(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I8X16_ABS(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I8X16_NEG(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I8X16_POPCNT(eng_v128 a) { abort(); }
static inline uint32_t eng_simd_I8X16_ALL_TRUE(eng_v128 a) { abort(); }
static inline uint32_t eng_simd_I8X16_BITMASK(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I8X16_NARROW_I16X8_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_NARROW_I16X8_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F32X4_CEIL(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_F32X4_FLOOR(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_F32X4_TRUNC(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_F32X4_NEAREST(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I8X16_SHL(eng_v128 a, uint32_t count) { abort(); }
static inline eng_v128 eng_simd_I8X16_SHR_S(eng_v128 a, uint32_t count) { abort(); }
static inline eng_v128 eng_simd_I8X16_SHR_U(eng_v128 a, uint32_t count) { abort(); }
static inline eng_v128 eng_simd_I8X16_ADD(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_ADD_SAT_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_ADD_SAT_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_SUB(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_SUB_SAT_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_SUB_SAT_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_CEIL(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_F64X2_FLOOR(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I8X16_MIN_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_MIN_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_MAX_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I8X16_MAX_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_TRUNC(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I8X16_AVGR_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_EXTADD_PAIRWISE_I8X16_S(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I16X8_EXTADD_PAIRWISE_I8X16_U(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I32X4_EXTADD_PAIRWISE_I16X8_S(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I32X4_EXTADD_PAIRWISE_I16X8_U(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I16X8_ABS(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I16X8_NEG(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I16X8_Q15MULR_SAT_S(eng_v128 a, eng_v128 b) { abort(); }
static inline uint32_t eng_simd_I16X8_ALL_TRUE(eng_v128 a) { abort(); }
static inline uint32_t eng_simd_I16X8_BITMASK(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I16X8_NARROW_I32X4_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_NARROW_I32X4_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_EXTEND_LOW_I8X16_S(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I16X8_EXTEND_HIGH_I8X16_S(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I16X8_EXTEND_LOW_I8X16_U(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I16X8_EXTEND_HIGH_I8X16_U(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I16X8_SHL(eng_v128 a, uint32_t count) { abort(); }
static inline eng_v128 eng_simd_I16X8_SHR_S(eng_v128 a, uint32_t count) { abort(); }
static inline eng_v128 eng_simd_I16X8_SHR_U(eng_v128 a, uint32_t count) { abort(); }
static inline eng_v128 eng_simd_I16X8_ADD(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_ADD_SAT_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_ADD_SAT_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_SUB(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_SUB_SAT_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_SUB_SAT_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_NEAREST(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I16X8_MUL(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_MIN_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_MIN_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_MAX_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_MAX_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_AVGR_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_EXTMUL_LOW_I8X16_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_EXTMUL_HIGH_I8X16_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_EXTMUL_LOW_I8X16_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I16X8_EXTMUL_HIGH_I8X16_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_ABS(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I32X4_NEG(eng_v128 a) { abort(); }
static inline uint32_t eng_simd_I32X4_ALL_TRUE(eng_v128 a) { abort(); }
static inline uint32_t eng_simd_I32X4_BITMASK(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I32X4_EXTEND_LOW_I16X8_S(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I32X4_EXTEND_HIGH_I16X8_S(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I32X4_EXTEND_LOW_I16X8_U(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I32X4_EXTEND_HIGH_I16X8_U(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I32X4_SHL(eng_v128 a, uint32_t count) { abort(); }
static inline eng_v128 eng_simd_I32X4_SHR_S(eng_v128 a, uint32_t count) { abort(); }
static inline eng_v128 eng_simd_I32X4_SHR_U(eng_v128 a, uint32_t count) { abort(); }
static inline eng_v128 eng_simd_I32X4_ADD(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_SUB(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_MUL(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_MIN_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_MIN_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_MAX_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_MAX_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_DOT_I16X8_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_EXTMUL_LOW_I16X8_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_EXTMUL_HIGH_I16X8_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_EXTMUL_LOW_I16X8_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_EXTMUL_HIGH_I16X8_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I64X2_ABS(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I64X2_NEG(eng_v128 a) { abort(); }
static inline uint32_t eng_simd_I64X2_ALL_TRUE(eng_v128 a) { abort(); }
static inline uint32_t eng_simd_I64X2_BITMASK(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I64X2_EXTEND_LOW_I32X4_S(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I64X2_EXTEND_HIGH_I32X4_S(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I64X2_EXTEND_LOW_I32X4_U(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I64X2_EXTEND_HIGH_I32X4_U(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I64X2_SHL(eng_v128 a, uint32_t count) { abort(); }
static inline eng_v128 eng_simd_I64X2_SHR_S(eng_v128 a, uint32_t count) { abort(); }
static inline eng_v128 eng_simd_I64X2_SHR_U(eng_v128 a, uint32_t count) { abort(); }
static inline eng_v128 eng_simd_I64X2_ADD(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I64X2_SUB(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I64X2_MUL(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I64X2_EQ(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I64X2_NE(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I64X2_LT_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I64X2_GT_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I64X2_LE_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I64X2_GE_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I64X2_EXTMUL_LOW_I32X4_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I64X2_EXTMUL_HIGH_I32X4_S(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I64X2_EXTMUL_LOW_I32X4_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I64X2_EXTMUL_HIGH_I32X4_U(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F32X4_ABS(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_F32X4_NEG(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_F32X4_SQRT(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_F32X4_ADD(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F32X4_SUB(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F32X4_MUL(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F32X4_DIV(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F32X4_MIN(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F32X4_MAX(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F32X4_PMIN(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F32X4_PMAX(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_ABS(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_F64X2_NEG(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_F64X2_SQRT(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_F64X2_ADD(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_SUB(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_MUL(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_DIV(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_MIN(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_MAX(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_PMIN(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_F64X2_PMAX(eng_v128 a, eng_v128 b) { abort(); }
static inline eng_v128 eng_simd_I32X4_TRUNC_SAT_F32X4_S(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I32X4_TRUNC_SAT_F32X4_U(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_F32X4_CONVERT_I32X4_S(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_F32X4_CONVERT_I32X4_U(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I32X4_TRUNC_SAT_F64X2_S_ZERO(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_I32X4_TRUNC_SAT_F64X2_U_ZERO(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_F64X2_CONVERT_LOW_I32X4_S(eng_v128 a) { abort(); }
static inline eng_v128 eng_simd_F64X2_CONVERT_LOW_I32X4_U(eng_v128 a) { abort(); }
