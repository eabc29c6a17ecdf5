/* cpu.c: the CPU features compiled code may use, detected by the engine itself (loading compiled code must not need LLVM). */
#include <stdio.h>
#include <string.h>

#include "native.h"

/* One row per feature: the bit in a mask, the name GCC's __builtin_cpu_supports knows it by,
 * and LLVM's name for it. Code is compiled for x86-64 plus exactly the features of the mask,
 * and an artifact records that mask, so loading can check the CPU has every one of them. */
#define ENG_CPU_FEATURES(X)  \
    X(0, "sse3", "sse3")     \
    X(1, "ssse3", "ssse3")   \
    X(2, "sse4.1", "sse4.1") \
    X(3, "sse4.2", "sse4.2") \
    X(4, "popcnt", "popcnt") \
    X(5, "avx", "avx")       \
    X(6, "avx2", "avx2")     \
    X(7, "fma", "fma")       \
    X(8, "bmi", "bmi")       \
    X(9, "bmi2", "bmi2")     \
    X(10, "avx512f", "avx512f")

uint64_t eng_cpu_features(void)
{
    uint64_t mask = 0;
#if defined(__x86_64__)
    __builtin_cpu_init();
#define DETECT(bit, gcc_name, llvm_name)  \
    if (__builtin_cpu_supports(gcc_name)) \
        mask |= (uint64_t)1 << (bit);
    ENG_CPU_FEATURES(DETECT)
#undef DETECT
#endif
    return mask;
}

void eng_cpu_feature_string(uint64_t mask, char *out, size_t size)
{
    size_t used = 0;
    out[0] = 0;
#define APPEND(bit, gcc_name, llvm_name)                \
    if ((mask & ((uint64_t)1 << (bit))) && used < size) \
        used += (size_t)snprintf(out + used, size - used, "%s+%s", used ? "," : "", llvm_name);
    ENG_CPU_FEATURES(APPEND)
#undef APPEND
}

const char *eng_cpu_feature_name(unsigned bit)
{
#define NAME(number, gcc_name, llvm_name) \
    if (bit == (number))                  \
        return llvm_name;
    ENG_CPU_FEATURES(NAME)
#undef NAME
    return "an unknown feature";
}
