/* interp.c: the interpreter for the internal code of code.h, and eng_func_call, the way into it. */
#define _GNU_SOURCE /* pthread_getattr_np */
#include "limits.h"
#include "native.h"
#include "trap_guard.h"

/* Instrumented builds (ASan) keep the SIMD semantics out of line (simd.h) and dispatch from one
 * place (ENG_INTERP_ONE_DISPATCH, below): with a computed goto at the end of each of the ~950
 * handlers, clang's instrumentation of run() grows with handlers times targets and took minutes. */
#ifdef ENG_UNDER_ASAN
#define ENG_SIMD_OUT_OF_LINE 1
#define ENG_INTERP_ONE_DISPATCH 1
#endif
#include "simd.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What eng_func_call needs to build a trap after a guard fault has jumped out of run(). The
 * interpreter keeps these in registers; it also writes them here, through volatile, so that
 * the values are really in memory at the moment a load or store faults. */
struct run_state {
    eng_func *volatile func;     /* the function running now */
    const uint32_t *volatile pc; /* its instruction that last accessed memory */
    volatile uint32_t depth;     /* entries of store->frames in use */
};

/* Host functions may call back into wasm, and each such re-entry takes some C stack. The
 * store's max_host_nesting bounds how deep, and a re-entry also needs C_STACK_RESERVE bytes of
 * the thread's stack still free, so that a host recursing through wasm never overflows it
 * whatever the thread's stack size. */
#define C_STACK_RESERVE (256u * 1024u)
static _Thread_local uint32_t call_nesting;
static _Thread_local uintptr_t c_stack_low; /* lowest address of this thread's stack; 1: unknown */
/* Compiled code's stack limit on this thread, set by the outermost eng_func_call. */
static _Thread_local uintptr_t native_stack_limit;

static void find_c_stack_low(void)
{
    if (!c_stack_low) {
        c_stack_low = 1;
        pthread_attr_t attributes;
        if (pthread_getattr_np(pthread_self(), &attributes) == 0) {
            void *address;
            size_t size;
            if (pthread_attr_getstack(&attributes, &address, &size) == 0)
                c_stack_low = (uintptr_t)address;
            pthread_attr_destroy(&attributes);
        }
    }
}

static bool c_stack_nearly_full(void)
{
    find_c_stack_low();
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    return c_stack_low > 1 && (here < c_stack_low || here - c_stack_low < C_STACK_RESERVE);
}

/* Byte offset of the call instruction a frame returns to: the last instruction with an offset
 * entry before the resume point (every call has one). */
static uint32_t call_site_offset(const eng_code *code, const uint32_t *return_pc)
{
    uint32_t resume_cell = (uint32_t)(return_pc - code->cells);
    return resume_cell ? eng_code_byte_offset(code, resume_cell - 1) : 0;
}

static eng_backtrace_frame wasm_frame(const eng_func *func, uint32_t byte_offset)
{
    eng_backtrace_frame frame = {func->instance->module, func->func_index, byte_offset, func->instance};
    return frame;
}

/* Appends the frames of this eng_func_call to the trap's backtrace: `func` (innermost, at
 * `byte_offset`), then every caller saved in store->frames[entry_depth .. depth). */
static void add_backtrace(eng_trap *trap, const eng_store *store, const eng_func *func, uint32_t byte_offset,
                          uint32_t entry_depth, uint32_t depth)
{
    eng_backtrace_frame *out = eng_trap_extend_frames(trap, 1 + depth - entry_depth);
    if (!out)
        return;
    *out++ = wasm_frame(func, byte_offset);
    for (uint32_t i = depth; i > entry_depth; i--) {
        const eng_frame *frame = &store->frames[i - 1];
        *out++ = wasm_frame(frame->caller, call_site_offset(frame->caller->code, frame->return_pc));
    }
}

/* Prepares a new frame whose parameters are in place: zeroes the locals, loads the constants. */
static inline void frame_enter(const eng_code *code, eng_slot *fp)
{
    /* Plain loops: these are a handful of slots, where a call to memset/memcpy costs more. */
    for (uint32_t i = code->param_count; i < code->local_count; i++)
        fp[i].u64 = 0;
    eng_slot *constants = fp + code->local_count;
    for (uint32_t i = 0; i < code->constant_count; i++)
        constants[i].u64 = code->constants[i];
}

/* The compiled frames recorded at the trap (trap_guard.h), innermost first. Each address names
 * the function whose instruction it holds and that instruction's byte offset, from the image's
 * line map (native_lines.c): the trapping instruction in the innermost frame (for an explicit
 * trap, the offset the code passed to eng_native_trap), the call in the others (their addresses
 * are return addresses - 1). In code LLVM inlined, the functions it was inlined into follow,
 * each at its call (from the inlined calls of the map), as the interpreter's frames would.
 * The outermost, `entered`, the function the interpreter called, is left to add_backtrace:
 * returns its byte offset (0 when unknown). */
#define NATIVE_INLINE_MAX 16
static uint32_t add_native_backtrace(eng_trap *trap, const eng_func *entered)
{
    uint32_t count = eng_trap_fault_guard.native_pc_count;
    uint32_t trap_offset = eng_trap_fault_guard.native_trap_offset;
    eng_trap_fault_guard.native_pc_count = 0;
    eng_trap_fault_guard.native_trap_offset = 0;
    const eng_native_image *image =
        entered->instance ? atomic_load_explicit(&entered->instance->module->native, memory_order_relaxed) : NULL;
    if (!image || !count || !entered->native_entry)
        return 0;
    const eng_module *module = entered->instance->module;
    struct {
        uint32_t function, byte_offset;
    } frames[ENG_NATIVE_FRAMES_MAX * 4];
    const uint32_t room = sizeof frames / sizeof frames[0];
    uint32_t named = 0;
#define ADD_FRAME(f, offset) \
    (named < room ? (void)(frames[named].function = (f), frames[named++].byte_offset = (offset)) : (void)0)
    for (uint32_t i = 0; i < count; i++) {
        uintptr_t pc = eng_trap_fault_guard.native_pcs[i];
        uint32_t range_function, function, byte_offset;
        bool in_range = eng_native_function_at(image, pc, &range_function);
        if (eng_native_location_at(image, pc, &function, &byte_offset)) {
            ADD_FRAME(function, i == 0 && trap_offset ? trap_offset : byte_offset);
            const eng_native_inline *calls[NATIVE_INLINE_MAX];
            uint32_t call_count = eng_native_inlined_calls(image, pc, calls, NATIVE_INLINE_MAX);
            for (uint32_t k = 0; k < call_count; k++)
                if (calls[k]->caller != ENG_NATIVE_NO_FUNCTION)
                    ADD_FRAME(calls[k]->caller, calls[k]->call_offset);
            /* Inlined code without its calls in the map: the function it lies in, offset unknown. */
            if (!call_count && in_range && range_function != function)
                ADD_FRAME(range_function, 0);
        } else if (in_range) {
            ADD_FRAME(range_function, 0);
        }
    }
#undef ADD_FRAME
    uint32_t entered_offset = 0;
    if (named && module->imported_func_count + frames[named - 1].function == entered->func_index)
        entered_offset = frames[--named].byte_offset;
    eng_backtrace_frame *out = named ? eng_trap_extend_frames(trap, named) : NULL;
    for (uint32_t i = 0; out && i < named; i++)
        out[i] = (eng_backtrace_frame){module, module->imported_func_count + frames[i].function, frames[i].byte_offset,
                                       entered->instance};
    return entered_offset;
}

static uint32_t pc_byte_offset(const eng_code *code, const uint32_t *pc)
{
    return pc ? eng_code_byte_offset(code, (uint32_t)(pc - code->cells)) : 0;
}

/* The store's settings need checks that `func`'s code was compiled without: a trap that says so
 * (running it would silently ignore the limit). */
static eng_trap *checks_missing(const eng_store *store, const eng_func *func)
{
    uint32_t missing = store->required_checks & ~func->code->checks;
    char message[320];
    snprintf(message, sizeof message,
             "%s is set in this store, but function %u was compiled without %s checks, so the limit could "
             "not be enforced (compile the module with an engine configured by %s)",
             missing & ENG_CHECK_FUEL ? "fuel" : "a deadline", func->func_index,
             missing & ENG_CHECK_FUEL ? "fuel" : "deadline",
             missing & ENG_CHECK_FUEL ? "wh_config_consume_fuel" : "wh_config_interruptible");
    return eng_trap_new(ENG_TRAP_HOST, message);
}

static inline uint32_t rotl32(uint32_t x, uint32_t k)
{
    k &= 31;
    return (x << k) | (x >> ((32 - k) & 31));
}

static inline uint32_t rotr32(uint32_t x, uint32_t k)
{
    k &= 31;
    return (x >> k) | (x << ((32 - k) & 31));
}

static inline uint64_t rotl64(uint64_t x, uint64_t k)
{
    k &= 63;
    return (x << k) | (x >> ((64 - k) & 63));
}

static inline uint64_t rotr64(uint64_t x, uint64_t k)
{
    k &= 63;
    return (x >> k) | (x << ((64 - k) & 63));
}

/* The i32 operations that ENG_I32_PAIRS combines, on uint32_t a and b: each instruction's
 * handler and the pairs' use these. */
#define I32_OPERATION_ADD(a, b) ((uint32_t)((a) + (b)))
#define I32_OPERATION_SUB(a, b) ((uint32_t)((a) - (b)))
#define I32_OPERATION_MUL(a, b) ((uint32_t)((a) * (b)))
#define I32_OPERATION_AND(a, b) ((a) & (b))
#define I32_OPERATION_OR(a, b) ((a) | (b))
#define I32_OPERATION_XOR(a, b) ((a) ^ (b))
#define I32_OPERATION_SHL(a, b) ((uint32_t)((a) << ((b)&31)))
#define I32_OPERATION_SHR_U(a, b) ((a) >> ((b)&31))
#define I32_OPERATION_ROTL(a, b) rotl32(a, b)
#define I32_OPERATION_ROTR(a, b) rotr32(a, b)
#define I32_OPERATION_EQ(a, b) ((uint32_t)((a) == (b)))
#define I32_OPERATION_NE(a, b) ((uint32_t)((a) != (b)))

/* min/max: NaN when either operand is (a + b propagates it quieted, keeping the payload of a
 * NaN operand as the spec allows), and -0 orders below +0, which == cannot tell apart: equal
 * values differ at most in the sign of zero, so OR-ing their bits (min) makes the negative one
 * win and AND-ing them (max) the positive one. */
#define MIN_MAX(name, type, bits_type, choose, combine) \
    static inline type name(type a, type b)             \
    {                                                   \
        if (isnan(a) || isnan(b))                       \
            return a + b;                               \
        if (a == b) {                                   \
            bits_type x, y;                             \
            memcpy(&x, &a, sizeof x);                   \
            memcpy(&y, &b, sizeof y);                   \
            x combine y;                                \
            memcpy(&a, &x, sizeof a);                   \
            return a;                                   \
        }                                               \
        return a choose b ? a : b;                      \
    }
MIN_MAX(f32_min, float, uint32_t, <, |=)
MIN_MAX(f32_max, float, uint32_t, >, &=)
MIN_MAX(f64_min, double, uint64_t, <, |=)
MIN_MAX(f64_max, double, uint64_t, >, &=)
#undef MIN_MAX

/* Rounding to an integral value: libm's versions may hand a signalling NaN back unchanged
 * (they work on the bits), but wasm requires the quieted, arithmetic NaN that x + x gives. */
static inline float f32_ceil(float x) { return isnan(x) ? x + x : ceilf(x); }
static inline float f32_floor(float x) { return isnan(x) ? x + x : floorf(x); }
static inline float f32_trunc(float x) { return isnan(x) ? x + x : truncf(x); }
/* nearbyint: the default rounding mode is round-to-nearest, ties to even, as wasm's nearest. */
static inline float f32_nearest(float x) { return isnan(x) ? x + x : nearbyintf(x); }
static inline double f64_ceil(double x) { return isnan(x) ? x + x : ceil(x); }
static inline double f64_floor(double x) { return isnan(x) ? x + x : floor(x); }
static inline double f64_trunc(double x) { return isnan(x) ? x + x : trunc(x); }
static inline double f64_nearest(double x) { return isnan(x) ? x + x : nearbyint(x); }

#ifdef WASMHOST_PROFILE_OPCODES
/* A developer build (cmake -DWASMHOST_PROFILE_OPCODES=ON) counts executed instructions and
 * pairs of consecutive instructions, and prints the most frequent at exit: what to fuse next. */
static uint64_t profile_single[ENG_OP_COUNT], profile_pairs[ENG_OP_COUNT][ENG_OP_COUNT];
static uint32_t profile_previous;

static void profile_print(void)
{
    uint64_t total = 0;
    for (int i = 0; i < ENG_OP_COUNT; i++)
        total += profile_single[i];
    fprintf(stderr, "instructions executed: %llu\n", (unsigned long long)total);
    for (int round = 0; round < 25; round++) {
        int best = 0;
        for (int i = 1; i < ENG_OP_COUNT; i++)
            if (profile_single[i] > profile_single[best])
                best = i;
        if (!profile_single[best])
            break;
        fprintf(stderr, "  %5.2f%%  %s\n", 100.0 * profile_single[best] / total, eng_opcode_name[best]);
        profile_single[best] = 0;
    }
    for (int round = 0; round < 40; round++) {
        int best_a = 0, best_b = 0;
        for (int a = 0; a < ENG_OP_COUNT; a++)
            for (int b = 0; b < ENG_OP_COUNT; b++)
                if (profile_pairs[a][b] > profile_pairs[best_a][best_b])
                    best_a = a, best_b = b;
        if (!profile_pairs[best_a][best_b])
            break;
        fprintf(stderr, "  %5.2f%%  %s -> %s\n", 100.0 * profile_pairs[best_a][best_b] / total, eng_opcode_name[best_a],
                eng_opcode_name[best_b]);
        profile_pairs[best_a][best_b] = 0;
    }
}

static void profile_count(uint32_t opcode)
{
    static bool registered;
    if (!registered) {
        registered = true;
        atexit(profile_print);
    }
    profile_single[opcode]++;
    profile_pairs[profile_previous][opcode]++;
    profile_previous = opcode;
}
#endif

#define F32_SIGN 0x80000000u
#define F64_SIGN 0x8000000000000000u

/* Runs `func` (a wasm function) on the frame at `fp`, whose parameters and zeroed locals are
 * already in place, until it returns (NULL: results in fp[0 ..]) or traps. Wasm-to-wasm calls
 * push an eng_frame and continue in the same loop, so C recursion happens only through host
 * functions. Kept out of line: the function calling sigsetjmp must be compiled cautiously. */
/* The interpreter is laid out by hand (labels, one handler macro per family). */
/* clang-format off */
__attribute__((noinline)) static eng_trap *run(eng_store *store, eng_func *func, eng_slot *fp, uint32_t entry_depth,
                                              struct run_state *state)
{
    static const void *const labels[ENG_OP_COUNT] = {
#define LABEL_ADDRESS(name, count, operands) [ENG_OP_##name] = &&op_##name,
#define ENG_OPCODE_X LABEL_ADDRESS
        ENG_ALL_OPCODES(LABEL_ADDRESS)
#undef ENG_OPCODE_X
#undef LABEL_ADDRESS
    };

    const eng_code *code = func->code;
    const uint32_t *pc = code->cells;
    eng_instance *instance = func->instance;
    uint8_t *mem = instance->memory_base;
    eng_frame *const frames = store->frames;
    const uintptr_t stack_end = (uintptr_t)(store->stack + store->stack_slots);
    uint32_t depth = entry_depth;
    eng_trap_kind trap_kind;
    /* Operands of the call being made, shared by CALL and CALL_INDIRECT. */
    eng_func *callee;
    eng_slot *callee_fp;
    const uint32_t *next_pc;

/* pc points at the opcode cell of the current instruction until it is done. */
#ifdef WASMHOST_PROFILE_OPCODES
#define DISPATCH() \
    do { \
        profile_count(*pc); \
        goto *labels[*pc]; \
    } while (0)
#elif defined(ENG_INTERP_ONE_DISPATCH)
#define DISPATCH() goto dispatch
#else
#define DISPATCH() goto *labels[*pc]
#endif
#define NEXT(operand_count) \
    do { \
        pc += 1 + (operand_count); \
        DISPATCH(); \
    } while (0)
#define SLOT(i) fp[pc[i]]
#define TRAP(kind) \
    do { \
        trap_kind = (kind); \
        goto trap; \
    } while (0)
/* Limits, at function entry and on loop back-edges: STOP_CHECK() looks at the store's stop flag
 * (raised when its deadline passes or it is interrupted), CHARGE(cost) also charges `cost` fuel;
 * both trap at pc when a limit is reached. Fuel is counted in store->fuel (without metering it
 * only runs down from INT64_MAX, and eng_limits_check starts it again): kept in memory rather than in
 * a register, which the rest of the loop, calls and returns above all, need more. */
#define LIMITS_SLOW_PATH(cost) \
    do { \
        eng_limit_check check_ = eng_limits_check(store, store->fuel, (cost)); \
        store->fuel = check_.fuel; \
        if (check_.trap >= 0) \
            TRAP((eng_trap_kind)check_.trap); \
    } while (0)
#define STOP_CHECK() \
    do { \
        if (__builtin_expect(atomic_load_explicit(&store->stop, memory_order_relaxed) != 0, 0)) \
            LIMITS_SLOW_PATH(0); \
    } while (0)
#define CHARGE(cost) \
    do { \
        uint32_t charged_ = (cost); \
        /* | rather than ||: one branch for both (the casts say so to clang's warning) */ \
        if (__builtin_expect((unsigned)((store->fuel -= charged_) < 0) | \
                                 (unsigned)(atomic_load_explicit(&store->stop, memory_order_relaxed) != 0), \
                             0)) \
            LIMITS_SLOW_PATH(charged_); \
    } while (0)
/* Entry into a function compiled with checks: its entry fuel (none without fuel checks). */
#define ENTRY_CHECK(code) \
    do { \
        if ((code)->entry_fuel) \
            CHARGE((code)->entry_fuel); \
        else \
            STOP_CHECK(); \
    } while (0)
#define SWITCH_INSTANCE(to) \
    do { \
        instance = (to); \
        mem = instance->memory_base; \
        eng_trap_fault_guard.memory_base = mem; \
        eng_trap_fault_guard.memory_reserved = instance->memory0 ? instance->memory0->reserved : 0; \
    } while (0)

    if (code->checks)
        ENTRY_CHECK(code);
#ifdef ENG_INTERP_ONE_DISPATCH
dispatch:
    goto *labels[*pc];
#else
    DISPATCH();
#endif

    /* ---- control ---- */
op_UNREACHABLE:
    TRAP(ENG_TRAP_UNREACHABLE);
op_NOP:
    NEXT(0);
op_BR:
    pc += (int32_t)pc[1];
    DISPATCH();
op_BR_IF:
    if (SLOT(1).u32)
        pc += (int32_t)pc[2];
    else
        pc += 3;
    DISPATCH();
op_BR_UNLESS:
    if (!SLOT(1).u32)
        pc += (int32_t)pc[2];
    else
        pc += 3;
    DISPATCH();
#define FUSED_BRANCH(name, type, operator) \
    op_BR_IF_##name: \
    if (SLOT(1).type operator SLOT(2).type) \
        pc += (int32_t)pc[3]; \
    else \
        pc += 4; \
    DISPATCH();
    FUSED_BRANCH(I32_EQ, u32, ==) FUSED_BRANCH(I32_NE, u32, !=)
    FUSED_BRANCH(I32_LT_S, i32, <) FUSED_BRANCH(I32_LT_U, u32, <)
    FUSED_BRANCH(I32_GT_S, i32, >) FUSED_BRANCH(I32_GT_U, u32, >)
    FUSED_BRANCH(I32_LE_S, i32, <=) FUSED_BRANCH(I32_LE_U, u32, <=)
    FUSED_BRANCH(I32_GE_S, i32, >=) FUSED_BRANCH(I32_GE_U, u32, >=)
    FUSED_BRANCH(I64_EQ, u64, ==) FUSED_BRANCH(I64_NE, u64, !=)
    FUSED_BRANCH(I64_LT_S, i64, <) FUSED_BRANCH(I64_LT_U, u64, <)
    FUSED_BRANCH(I64_GT_S, i64, >) FUSED_BRANCH(I64_GT_U, u64, >)
    FUSED_BRANCH(I64_LE_S, i64, <=) FUSED_BRANCH(I64_LE_U, u64, <=)
    FUSED_BRANCH(I64_GE_S, i64, >=) FUSED_BRANCH(I64_GE_U, u64, >=)
#undef FUSED_BRANCH
#define ADD_AND_BRANCH(name, type, operator) \
    op_I32_ADD_BR_IF_##name: \
    SLOT(1).u64 = (uint32_t)(SLOT(2).u32 + SLOT(3).u32); \
    if (SLOT(4).type operator SLOT(5).type) \
        pc += (int32_t)pc[6]; \
    else \
        pc += 7; \
    DISPATCH();
    ADD_AND_BRANCH(NE, u32, !=)
    ADD_AND_BRANCH(LT_S, i32, <)
    ADD_AND_BRANCH(LT_U, u32, <)
#undef ADD_AND_BRANCH
op_BR_IF_I64_EQZ:
    if (!SLOT(1).u64)
        pc += (int32_t)pc[2];
    else
        pc += 3;
    DISPATCH();
op_BR_IF_I64_NEZ:
    if (SLOT(1).u64)
        pc += (int32_t)pc[2];
    else
        pc += 3;
    DISPATCH();
op_BR_TABLE: {
    uint32_t index = SLOT(1).u32, count = pc[2];
    if (index > count)
        index = count;
    pc += (int32_t)pc[3 + index];
    DISPATCH();
}
op_BR_TABLE_LOAD_SHL: {
    state->pc = pc;
    uint32_t address = SLOT(2).u32 + (SLOT(3).u32 << (SLOT(4).u32 & 31));
    SLOT(1).u64 = address;
    uint32_t index, count = pc[6];
    memcpy(&index, mem + ((uint64_t)address + pc[5]), sizeof index);
    if (index > count)
        index = count;
    pc += (int32_t)pc[7 + index];
    DISPATCH();
}

    /* ---- limits: the start of a fuel region that forward branches reach, and loop back-edges:
     * the branches above, looking at the stop flag (_BACK) or also charging fuel (_BACK_FUEL)
     * when they jump back. CHECK(i) does either, i being the cost's cell; N is 1 when there is
     * a cost cell, the instruction being one cell longer. ---- */
op_FUEL:
    if (__builtin_expect((store->fuel -= pc[1]) < 0, 0))
        LIMITS_SLOW_PATH(pc[1]);
    NEXT(1);
#define STOP_ONLY(cost_cell) STOP_CHECK()
#define CHARGE_CELL(cost_cell) CHARGE(pc[cost_cell])
#define BACK_FUSED(S, N, CHECK, name, type, operator) \
    op_BR_IF_##name##S: \
    if (SLOT(1).type operator SLOT(2).type) { \
        CHECK(4); \
        pc += (int32_t)pc[3]; \
    } else { \
        pc += 4 + (N); \
    } \
    DISPATCH();
#define BACK_ADD(S, N, CHECK, name, type, operator) \
    op_I32_ADD_BR_IF_##name##S: \
    SLOT(1).u64 = (uint32_t)(SLOT(2).u32 + SLOT(3).u32); \
    if (SLOT(4).type operator SLOT(5).type) { \
        CHECK(7); \
        pc += (int32_t)pc[6]; \
    } else { \
        pc += 7 + (N); \
    } \
    DISPATCH();
#define BACK_COND(S, N, CHECK, name, condition) \
    op_##name##S: \
    if (condition) { \
        CHECK(3); \
        pc += (int32_t)pc[2]; \
    } else { \
        pc += 3 + (N); \
    } \
    DISPATCH();
#define BACK_EDGES(S, N, CHECK) \
    op_BR##S: \
    CHECK(2); \
    pc += (int32_t)pc[1]; \
    DISPATCH(); \
    BACK_COND(S, N, CHECK, BR_IF, SLOT(1).u32) \
    BACK_COND(S, N, CHECK, BR_UNLESS, !SLOT(1).u32) \
    BACK_COND(S, N, CHECK, BR_IF_I64_EQZ, !SLOT(1).u64) \
    BACK_COND(S, N, CHECK, BR_IF_I64_NEZ, SLOT(1).u64) \
    BACK_FUSED(S, N, CHECK, I32_EQ, u32, ==) BACK_FUSED(S, N, CHECK, I32_NE, u32, !=) \
    BACK_FUSED(S, N, CHECK, I32_LT_S, i32, <) BACK_FUSED(S, N, CHECK, I32_LT_U, u32, <) \
    BACK_FUSED(S, N, CHECK, I32_GT_S, i32, >) BACK_FUSED(S, N, CHECK, I32_GT_U, u32, >) \
    BACK_FUSED(S, N, CHECK, I32_LE_S, i32, <=) BACK_FUSED(S, N, CHECK, I32_LE_U, u32, <=) \
    BACK_FUSED(S, N, CHECK, I32_GE_S, i32, >=) BACK_FUSED(S, N, CHECK, I32_GE_U, u32, >=) \
    BACK_FUSED(S, N, CHECK, I64_EQ, u64, ==) BACK_FUSED(S, N, CHECK, I64_NE, u64, !=) \
    BACK_FUSED(S, N, CHECK, I64_LT_S, i64, <) BACK_FUSED(S, N, CHECK, I64_LT_U, u64, <) \
    BACK_FUSED(S, N, CHECK, I64_GT_S, i64, >) BACK_FUSED(S, N, CHECK, I64_GT_U, u64, >) \
    BACK_FUSED(S, N, CHECK, I64_LE_S, i64, <=) BACK_FUSED(S, N, CHECK, I64_LE_U, u64, <=) \
    BACK_FUSED(S, N, CHECK, I64_GE_S, i64, >=) BACK_FUSED(S, N, CHECK, I64_GE_U, u64, >=) \
    BACK_ADD(S, N, CHECK, NE, u32, !=) \
    BACK_ADD(S, N, CHECK, LT_S, i32, <) \
    BACK_ADD(S, N, CHECK, LT_U, u32, <)
    BACK_EDGES(_BACK, 0, STOP_ONLY)
    BACK_EDGES(_BACK_FUEL, 1, CHARGE_CELL)
#undef BACK_EDGES
#undef BACK_COND
#undef BACK_ADD
#undef BACK_FUSED
#undef CHARGE_CELL
#undef STOP_ONLY
op_RETURN: {
    if (depth == entry_depth)
        return NULL;
    const eng_frame *frame = &frames[--depth];
    state->depth = depth;
    pc = frame->return_pc;
    fp = frame->return_fp;
    func = frame->caller;
    state->func = func;
    code = func->code;
    if (func->instance != instance)
        SWITCH_INSTANCE(func->instance);
    DISPATCH();
}
op_CALL:
    callee = instance->funcs[pc[1]];
    callee_fp = fp + pc[2];
    next_pc = pc + 3;
    goto call;
op_CALL_INDIRECT: {
    const eng_table *table = instance->tables[pc[2]];
    uint32_t index = SLOT(3).u32;
    if (index >= table->size)
        TRAP(ENG_TRAP_UNDEFINED_ELEMENT);
    callee = table->elements[index];
    if (!callee)
        TRAP(ENG_TRAP_UNINITIALIZED_ELEMENT);
    const eng_functype *expected = &instance->module->types[pc[1]];
    const eng_functype *actual = callee->type;
    if (actual != expected && (actual->hash != expected->hash || !eng_functype_equal(actual, expected)))
        TRAP(ENG_TRAP_INDIRECT_CALL_TYPE_MISMATCH);
    callee_fp = fp + pc[4];
    next_pc = pc + 5;
    goto call;
}
call:
    if (!callee->code) {
        /* A host function may call back into wasm: that call's frames go above ours. */
        store->frame_depth = depth;
        store->stack_top = fp + code->frame_slots;
        sigjmp_buf *jump = eng_trap_fault_guard.jump;
        eng_trap_fault_guard.jump = NULL;
        eng_trap *host_trap = callee->callback(callee->env, callee_fp);
        eng_trap_fault_guard.jump = jump;
        if (host_trap) {
            eng_backtrace_frame *host_frame = eng_trap_extend_frames(host_trap, 1);
            if (host_frame) {
                eng_backtrace_frame frame = {NULL, 0, 0, NULL};
                *host_frame = frame;
                add_backtrace(host_trap, store, func, pc_byte_offset(code, pc), entry_depth, depth);
            }
            return host_trap;
        }
        pc = next_pc;
        DISPATCH();
    }
    {
        const eng_code *callee_code = callee->code;
        /* The stack limit counts the callee's slots and a record per call (see eng_store): the
         * frame must end ENG_FRAME_RECORD_SLOTS slots per record (this call's included) below
         * the end of the stack. Addresses as integers: the sum may point past the stack. */
        uintptr_t records = ENG_FRAME_RECORD_SLOTS * ((uintptr_t)depth + 1);
        uintptr_t frame_end = (uintptr_t)callee_fp + ((uintptr_t)callee_code->frame_slots + records) * sizeof(eng_slot);
        if (frame_end > stack_end) {
            eng_limits_stack_exhausted(store);
            TRAP(ENG_TRAP_CALL_STACK_EXHAUSTED);
        }
        /* Function entry: code compiled with checks charges its entry fuel and looks at the
         * deadline; code without them does neither (and only runs in stores that need none). */
        if (callee_code->checks)
            ENTRY_CHECK(callee_code);
        if (frame_end > store->stack_high_water)
            store->stack_high_water = frame_end;
        eng_frame *frame = &frames[depth];
        frame->return_pc = next_pc;
        frame->return_fp = fp;
        frame->caller = func;
        state->depth = ++depth;
        func = callee;
        state->func = func;
        code = callee_code;
        fp = callee_fp;
        pc = code->cells;
        frame_enter(code, fp);
        if (func->instance != instance) {
            /* Into another module: its code must have the checks the store's limits need. */
            if ((code->checks & store->required_checks) != store->required_checks)
                goto checks_missing;
            SWITCH_INSTANCE(func->instance);
        }
        DISPATCH();
    }

op_NATIVE:
    /* A function compiled to native code (native.h): it runs on the C stack, on its parameters
     * in this frame; the calls it makes through the runtime start above the frame. */
    store->frame_depth = depth;
    store->stack_top = fp + code->frame_slots;
    state->pc = NULL;
    {
        /* For the backtrace of a trap in it (trap_guard.h); the instance's code is this image's. */
        const eng_native_image *image = atomic_load_explicit(&instance->module->native, memory_order_relaxed);
        eng_trap_fault_guard.native_code_start = image->code_start;
        eng_trap_fault_guard.native_code_end = image->code_end;
    }
    func->native_entry(instance, fp);
    goto op_RETURN;

    /* ---- moves and constants ---- */
op_COPY:
    SLOT(1) = SLOT(2);
    NEXT(2);
op_COPY2:
    SLOT(1) = SLOT(2);
    SLOT(3) = SLOT(4);
    NEXT(4);
op_COPY_V128:
    eng_v128_store(&SLOT(1), eng_v128_load(&SLOT(2)));
    NEXT(2);
op_CONST32:
    SLOT(1).u64 = pc[2];
    NEXT(2);
op_CONST64:
    SLOT(1).u64 = pc[2] | (uint64_t)pc[3] << 32;
    NEXT(3);
op_SELECT: {
    eng_slot chosen = SLOT(4).u32 ? SLOT(2) : SLOT(3);
    SLOT(1) = chosen;
    NEXT(4);
}
op_SELECT_V128:
    eng_v128_store(&SLOT(1), eng_v128_load(SLOT(4).u32 ? &SLOT(2) : &SLOT(3)));
    NEXT(4);

    /* ---- variables ---- */
op_GLOBAL_GET:
    SLOT(1) = instance->globals[pc[2]]->value;
    NEXT(2);
op_GLOBAL_SET:
    instance->globals[pc[2]]->value = SLOT(1);
    NEXT(2);
op_GLOBAL_GET_V128:
    eng_v128_store(&SLOT(1), eng_v128_load(instance->globals[pc[2]]->v128));
    NEXT(2);
op_GLOBAL_SET_V128:
    eng_v128_store(instance->globals[pc[2]]->v128, eng_v128_load(&SLOT(1)));
    NEXT(2);

    /* ---- references ---- */
op_REF_IS_NULL:
    SLOT(1).u64 = SLOT(2).ref == NULL;
    NEXT(2);
op_REF_FUNC:
    SLOT(1).ref = instance->funcs[pc[2]];
    NEXT(2);

    /* ---- tables ---- */
op_TABLE_GET: {
    const eng_table *table = instance->tables[pc[2]];
    uint32_t index = SLOT(3).u32;
    if (index >= table->size)
        TRAP(ENG_TRAP_OUT_OF_BOUNDS_TABLE);
    SLOT(1).ref = table->elements[index];
    NEXT(3);
}
op_TABLE_SET: {
    eng_table *table = instance->tables[pc[1]];
    uint32_t index = SLOT(2).u32;
    if (index >= table->size)
        TRAP(ENG_TRAP_OUT_OF_BOUNDS_TABLE);
    table->elements[index] = SLOT(3).ref;
    NEXT(3);
}
op_TABLE_SIZE:
    SLOT(1).u64 = instance->tables[pc[2]]->size;
    NEXT(2);
op_TABLE_GROW: {
    int64_t old_size = eng_table_grow(instance->tables[pc[2]], SLOT(4).u32, SLOT(3).ref);
    SLOT(1).u64 = (uint32_t)old_size; /* -1 becomes 0xffffffff, the i32 -1 */
    NEXT(4);
}
op_TABLE_FILL:
    if (!eng_table_fill(instance->tables[pc[1]], SLOT(2).u32, SLOT(3).ref, SLOT(4).u32))
        TRAP(ENG_TRAP_OUT_OF_BOUNDS_TABLE);
    NEXT(4);
op_TABLE_COPY:
    if (!eng_table_copy(instance->tables[pc[1]], instance->tables[pc[2]], SLOT(3).u32, SLOT(4).u32, SLOT(5).u32))
        TRAP(ENG_TRAP_OUT_OF_BOUNDS_TABLE);
    NEXT(5);
op_TABLE_INIT:
    if (!eng_table_init(instance->tables[pc[1]], &instance->elems[pc[2]], SLOT(3).u32, SLOT(4).u32, SLOT(5).u32))
        TRAP(ENG_TRAP_OUT_OF_BOUNDS_TABLE);
    NEXT(5);
op_ELEM_DROP:
    /* The items stay allocated (the instance owns them); the segment just reads as empty. */
    instance->elems[pc[1]].count = 0;
    NEXT(1);

    /* ---- memory 0: bulk operations check bounds themselves ---- */
op_MEMORY_SIZE:
    SLOT(1).u64 = memory_pages(instance->memory0);
    NEXT(1);
op_MEMORY_GROW: {
    int64_t old_pages = eng_memory_grow(instance->memory0, SLOT(2).u32);
    SLOT(1).u64 = (uint32_t)old_pages;
    NEXT(2);
}
op_MEMORY_FILL:
    if (!eng_memory_fill(instance->memory0, SLOT(1).u32, (uint8_t)SLOT(2).u32, SLOT(3).u32))
        TRAP(ENG_TRAP_OUT_OF_BOUNDS_MEMORY);
    NEXT(3);
op_MEMORY_COPY:
    if (!eng_memory_copy(instance->memory0, SLOT(1).u32, SLOT(2).u32, SLOT(3).u32))
        TRAP(ENG_TRAP_OUT_OF_BOUNDS_MEMORY);
    NEXT(3);
op_MEMORY_INIT:
    if (!eng_memory_init(instance->memory0, &instance->datas[pc[1]], SLOT(2).u32, SLOT(3).u32, SLOT(4).u32))
        TRAP(ENG_TRAP_OUT_OF_BOUNDS_MEMORY);
    NEXT(4);
op_DATA_DROP:
    instance->datas[pc[1]].size = 0;
    NEXT(1);

    /* ---- loads and stores: no bounds check, the guard region faults (see trap.c) ----
     * The effective address (uint64)u32 + offset is below 2^33, inside the reservation. */
#define LOAD(name, ctype, widen) \
    op_##name: { \
        state->pc = pc; \
        ctype value; \
        memcpy(&value, mem + ((uint64_t)SLOT(2).u32 + pc[3]), sizeof value); \
        SLOT(1).u64 = widen(value); \
        NEXT(3); \
    }
#define AS_U32(v) (uint32_t)(v)
#define AS_U64(v) (uint64_t)(v)
#define S_TO_U32(v) (uint32_t)(int32_t)(v)
#define S_TO_U64(v) (uint64_t)(int64_t)(v)
    LOAD(I32_LOAD, uint32_t, AS_U32)
    LOAD(I64_LOAD, uint64_t, AS_U64)
    LOAD(F32_LOAD, uint32_t, AS_U32)
    LOAD(F64_LOAD, uint64_t, AS_U64)
    LOAD(I32_LOAD8_S, int8_t, S_TO_U32)
    LOAD(I32_LOAD8_U, uint8_t, AS_U32)
    LOAD(I32_LOAD16_S, int16_t, S_TO_U32)
    LOAD(I32_LOAD16_U, uint16_t, AS_U32)
    LOAD(I64_LOAD8_S, int8_t, S_TO_U64)
    LOAD(I64_LOAD8_U, uint8_t, AS_U64)
    LOAD(I64_LOAD16_S, int16_t, S_TO_U64)
    LOAD(I64_LOAD16_U, uint16_t, AS_U64)
    LOAD(I64_LOAD32_S, int32_t, S_TO_U64)
    LOAD(I64_LOAD32_U, uint32_t, AS_U64)
#undef LOAD

/* The loads whose address is computed in the same instruction: fp[sum] = fp[a] + fp[b] (cells 3
 * and 4 into cell 2), then `value`, a ctype, from that address + offset (cell 5). */
#define LOAD_AT_SUM(ctype, value) \
    uint32_t address = SLOT(3).u32 + SLOT(4).u32; \
    SLOT(2).u64 = address; \
    ctype value; \
    memcpy(&value, mem + ((uint64_t)address + pc[5]), sizeof value)
#define LOAD_ADD(name, ctype, widen) \
    op_##name##_ADD: { \
        state->pc = pc; \
        LOAD_AT_SUM(ctype, value); \
        SLOT(1).u64 = widen(value); \
        NEXT(5); \
    }
    LOAD_ADD(I32_LOAD, uint32_t, AS_U32)
    LOAD_ADD(I64_LOAD, uint64_t, AS_U64)
    LOAD_ADD(F32_LOAD, uint32_t, AS_U32)
    LOAD_ADD(F64_LOAD, uint64_t, AS_U64)
    LOAD_ADD(I32_LOAD8_S, int8_t, S_TO_U32)
    LOAD_ADD(I32_LOAD8_U, uint8_t, AS_U32)
    LOAD_ADD(I32_LOAD16_S, int16_t, S_TO_U32)
    LOAD_ADD(I32_LOAD16_U, uint16_t, AS_U32)
#undef LOAD_ADD

#define LOAD_ADD_THEN_ADD(name, ctype) \
    op_##name##_ADD_THEN_ADD: { \
        state->pc = pc; \
        LOAD_AT_SUM(ctype, value); \
        SLOT(1).u64 = I32_OPERATION_ADD((uint32_t)value, SLOT(6).u32); \
        NEXT(6); \
    }
    LOAD_ADD_THEN_ADD(I32_LOAD, uint32_t)
    LOAD_ADD_THEN_ADD(I32_LOAD8_U, uint8_t)
#undef LOAD_ADD_THEN_ADD
#undef LOAD_AT_SUM

#define STORE_ADD(name, ctype) \
    op_##name##_ADD: { \
        state->pc = pc; \
        uint32_t address = SLOT(2).u32 + SLOT(3).u32; \
        SLOT(1).u64 = address; \
        ctype value = (ctype)SLOT(4).u64; \
        memcpy(mem + ((uint64_t)address + pc[5]), &value, sizeof value); \
        NEXT(5); \
    }
    STORE_ADD(I32_STORE, uint32_t)
    STORE_ADD(I64_STORE, uint64_t)
    STORE_ADD(F32_STORE, uint32_t)
    STORE_ADD(F64_STORE, uint64_t)
    STORE_ADD(I32_STORE8, uint8_t)
#undef STORE_ADD

#define LOAD_SHL(name, ctype, widen) \
    op_##name##_SHL: { \
        state->pc = pc; \
        uint32_t address = SLOT(3).u32 + (SLOT(4).u32 << (SLOT(5).u32 & 31)); \
        SLOT(2).u64 = address; \
        ctype value; \
        memcpy(&value, mem + ((uint64_t)address + pc[6]), sizeof value); \
        SLOT(1).u64 = widen(value); \
        NEXT(6); \
    }
    LOAD_SHL(I32_LOAD, uint32_t, AS_U32)
    LOAD_SHL(I64_LOAD, uint64_t, AS_U64)
    LOAD_SHL(F32_LOAD, uint32_t, AS_U32)
    LOAD_SHL(F64_LOAD, uint64_t, AS_U64)
#undef LOAD_SHL

#define MEMORY_OPERAND(name, field, ctype, operator) \
    op_##name##_LOAD: { \
        state->pc = pc; \
        ctype loaded; \
        memcpy(&loaded, mem + ((uint64_t)SLOT(3).u32 + pc[4]), sizeof loaded); \
        SLOT(1).field = SLOT(2).field operator loaded; \
        NEXT(4); \
    }
    MEMORY_OPERAND(I32_ADD, u32, uint32_t, +)
    MEMORY_OPERAND(F32_ADD, f32, float, +)
    MEMORY_OPERAND(F32_SUB, f32, float, -)
    MEMORY_OPERAND(F32_MUL, f32, float, *)
    MEMORY_OPERAND(F64_ADD, f64, double, +)
    MEMORY_OPERAND(F64_SUB, f64, double, -)
    MEMORY_OPERAND(F64_MUL, f64, double, *)
#undef MEMORY_OPERAND

/* The engine is built with -ffp-contract=off: product + loaded is never fused into one rounding. */
#define MULTIPLY_ADD_STORE(name, field, ctype) \
    op_##name##_MUL_ADD_STORE: { \
        state->pc = pc; \
        ctype product = SLOT(1).field * SLOT(2).field; \
        uint8_t *target = mem + ((uint64_t)SLOT(3).u32 + pc[4]); \
        ctype loaded; \
        memcpy(&loaded, target, sizeof loaded); \
        ctype sum = product + loaded; \
        memcpy(target, &sum, sizeof sum); \
        NEXT(4); \
    }
    MULTIPLY_ADD_STORE(F32, f32, float)
    MULTIPLY_ADD_STORE(F64, f64, double)
#undef MULTIPLY_ADD_STORE

#define MULTIPLY_ADD(name, field, ctype) \
    op_##name##_MUL_ADD: { \
        ctype product = SLOT(2).field * SLOT(3).field; \
        SLOT(1).field = product + SLOT(4).field; \
        NEXT(4); \
    } \
    op_##name##_MUL_LOAD_ADD: { \
        state->pc = pc; \
        ctype loaded; \
        memcpy(&loaded, mem + ((uint64_t)SLOT(3).u32 + pc[4]), sizeof loaded); \
        ctype product = SLOT(2).field * loaded; \
        SLOT(1).field = product + SLOT(5).field; \
        NEXT(5); \
    }
    MULTIPLY_ADD(F32, f32, float)
    MULTIPLY_ADD(F64, f64, double)
#undef MULTIPLY_ADD

op_I32_ADD_SHL:
    SLOT(1).u64 = (uint32_t)(SLOT(2).u32 + (SLOT(3).u32 << (SLOT(4).u32 & 31)));
    NEXT(4);

#define STORE(name, ctype) \
    op_##name: { \
        state->pc = pc; \
        ctype value = (ctype)SLOT(2).u64; \
        memcpy(mem + ((uint64_t)SLOT(1).u32 + pc[3]), &value, sizeof value); \
        NEXT(3); \
    }
    STORE(I32_STORE, uint32_t)
    STORE(I64_STORE, uint64_t)
    STORE(F32_STORE, uint32_t)
    STORE(F64_STORE, uint64_t)
    STORE(I32_STORE8, uint8_t)
    STORE(I32_STORE16, uint16_t)
    STORE(I64_STORE8, uint8_t)
    STORE(I64_STORE16, uint16_t)
    STORE(I64_STORE32, uint32_t)
#undef STORE

    /* ---- integer operations: unsigned arithmetic wraps, as wasm requires ---- */
#define UNARY(name, type, field, expr) \
    op_##name: { \
        type a = SLOT(2).field; \
        SLOT(1).u64 = (expr); \
        NEXT(2); \
    }
#define BINARY(name, type, field, expr) \
    op_##name: { \
        type a = SLOT(2).field, b = SLOT(3).field; \
        SLOT(1).u64 = (expr); \
        NEXT(3); \
    }
    UNARY(I32_EQZ, uint32_t, u32, a == 0)
    BINARY(I32_EQ, uint32_t, u32, I32_OPERATION_EQ(a, b))
    BINARY(I32_NE, uint32_t, u32, I32_OPERATION_NE(a, b))
    BINARY(I32_LT_S, int32_t, i32, a < b)
    BINARY(I32_LT_U, uint32_t, u32, a < b)
    BINARY(I32_GT_S, int32_t, i32, a > b)
    BINARY(I32_GT_U, uint32_t, u32, a > b)
    BINARY(I32_LE_S, int32_t, i32, a <= b)
    BINARY(I32_LE_U, uint32_t, u32, a <= b)
    BINARY(I32_GE_S, int32_t, i32, a >= b)
    BINARY(I32_GE_U, uint32_t, u32, a >= b)
    UNARY(I32_CLZ, uint32_t, u32, a ? (uint32_t)__builtin_clz(a) : 32u)
    UNARY(I32_CTZ, uint32_t, u32, a ? (uint32_t)__builtin_ctz(a) : 32u)
    UNARY(I32_POPCNT, uint32_t, u32, (uint32_t)__builtin_popcount(a))
    BINARY(I32_ADD, uint32_t, u32, I32_OPERATION_ADD(a, b))
    BINARY(I32_SUB, uint32_t, u32, I32_OPERATION_SUB(a, b))
    BINARY(I32_MUL, uint32_t, u32, I32_OPERATION_MUL(a, b))
op_I32_DIV_S: {
    int32_t a = SLOT(2).i32, b = SLOT(3).i32;
    if (b == 0)
        TRAP(ENG_TRAP_INTEGER_DIVIDE_BY_ZERO);
    if (a == INT32_MIN && b == -1)
        TRAP(ENG_TRAP_INTEGER_OVERFLOW);
    SLOT(1).u64 = (uint32_t)(a / b);
    NEXT(3);
}
op_I32_DIV_U: {
    uint32_t a = SLOT(2).u32, b = SLOT(3).u32;
    if (b == 0)
        TRAP(ENG_TRAP_INTEGER_DIVIDE_BY_ZERO);
    SLOT(1).u64 = a / b;
    NEXT(3);
}
op_I32_REM_S: {
    int32_t a = SLOT(2).i32, b = SLOT(3).i32;
    if (b == 0)
        TRAP(ENG_TRAP_INTEGER_DIVIDE_BY_ZERO);
    /* INT32_MIN % -1 overflows in C; the wasm result is 0, as for any x % -1. */
    SLOT(1).u64 = b == -1 ? 0 : (uint32_t)(a % b);
    NEXT(3);
}
op_I32_REM_U: {
    uint32_t a = SLOT(2).u32, b = SLOT(3).u32;
    if (b == 0)
        TRAP(ENG_TRAP_INTEGER_DIVIDE_BY_ZERO);
    SLOT(1).u64 = a % b;
    NEXT(3);
}
    BINARY(I32_AND, uint32_t, u32, I32_OPERATION_AND(a, b))
    BINARY(I32_OR, uint32_t, u32, I32_OPERATION_OR(a, b))
    BINARY(I32_XOR, uint32_t, u32, I32_OPERATION_XOR(a, b))
    BINARY(I32_SHL, uint32_t, u32, I32_OPERATION_SHL(a, b))
    BINARY(I32_SHR_S, uint32_t, u32, (uint32_t)((int32_t)a >> (b & 31))) /* gcc: arithmetic shift */
    BINARY(I32_SHR_U, uint32_t, u32, I32_OPERATION_SHR_U(a, b))
    BINARY(I32_ROTL, uint32_t, u32, I32_OPERATION_ROTL(a, b))
    BINARY(I32_ROTR, uint32_t, u32, I32_OPERATION_ROTR(a, b))
op_I32_ADD2:
    SLOT(1).u64 = I32_OPERATION_ADD(SLOT(2).u32, SLOT(3).u32);
    SLOT(4).u64 = I32_OPERATION_ADD(SLOT(5).u32, SLOT(6).u32);
    NEXT(6);
#define I32_PAIR(unused, first, second) \
    op_I32_##first##_THEN_##second: { \
        uint32_t a = SLOT(2).u32, b = SLOT(3).u32, c = SLOT(4).u32; \
        uint32_t first_result = I32_OPERATION_##first(a, b); \
        SLOT(1).u64 = I32_OPERATION_##second(first_result, c); \
        NEXT(4); \
    }
    ENG_I32_PAIRS(I32_PAIR, ~)
#undef I32_PAIR

    UNARY(I64_EQZ, uint64_t, u64, a == 0)
    BINARY(I64_EQ, uint64_t, u64, a == b)
    BINARY(I64_NE, uint64_t, u64, a != b)
    BINARY(I64_LT_S, int64_t, i64, a < b)
    BINARY(I64_LT_U, uint64_t, u64, a < b)
    BINARY(I64_GT_S, int64_t, i64, a > b)
    BINARY(I64_GT_U, uint64_t, u64, a > b)
    BINARY(I64_LE_S, int64_t, i64, a <= b)
    BINARY(I64_LE_U, uint64_t, u64, a <= b)
    BINARY(I64_GE_S, int64_t, i64, a >= b)
    BINARY(I64_GE_U, uint64_t, u64, a >= b)
    UNARY(I64_CLZ, uint64_t, u64, a ? (uint64_t)__builtin_clzll(a) : 64u)
    UNARY(I64_CTZ, uint64_t, u64, a ? (uint64_t)__builtin_ctzll(a) : 64u)
    UNARY(I64_POPCNT, uint64_t, u64, (uint64_t)__builtin_popcountll(a))
    BINARY(I64_ADD, uint64_t, u64, a + b)
    BINARY(I64_SUB, uint64_t, u64, a - b)
    BINARY(I64_MUL, uint64_t, u64, a * b)
op_I64_DIV_S: {
    int64_t a = SLOT(2).i64, b = SLOT(3).i64;
    if (b == 0)
        TRAP(ENG_TRAP_INTEGER_DIVIDE_BY_ZERO);
    if (a == INT64_MIN && b == -1)
        TRAP(ENG_TRAP_INTEGER_OVERFLOW);
    SLOT(1).i64 = a / b;
    NEXT(3);
}
op_I64_DIV_U: {
    uint64_t a = SLOT(2).u64, b = SLOT(3).u64;
    if (b == 0)
        TRAP(ENG_TRAP_INTEGER_DIVIDE_BY_ZERO);
    SLOT(1).u64 = a / b;
    NEXT(3);
}
op_I64_REM_S: {
    int64_t a = SLOT(2).i64, b = SLOT(3).i64;
    if (b == 0)
        TRAP(ENG_TRAP_INTEGER_DIVIDE_BY_ZERO);
    SLOT(1).i64 = b == -1 ? 0 : a % b;
    NEXT(3);
}
op_I64_REM_U: {
    uint64_t a = SLOT(2).u64, b = SLOT(3).u64;
    if (b == 0)
        TRAP(ENG_TRAP_INTEGER_DIVIDE_BY_ZERO);
    SLOT(1).u64 = a % b;
    NEXT(3);
}
    BINARY(I64_AND, uint64_t, u64, a & b)
    BINARY(I64_OR, uint64_t, u64, a | b)
    BINARY(I64_XOR, uint64_t, u64, a ^ b)
    BINARY(I64_SHL, uint64_t, u64, a << (b & 63))
    BINARY(I64_SHR_S, uint64_t, u64, (uint64_t)((int64_t)a >> (b & 63)))
    BINARY(I64_SHR_U, uint64_t, u64, a >> (b & 63))
    BINARY(I64_ROTL, uint64_t, u64, rotl64(a, b))
    BINARY(I64_ROTR, uint64_t, u64, rotr64(a, b))

    /* ---- floating point: IEEE arithmetic of the host (SSE, round to nearest even);
     * abs/neg/copysign work on the bits so that NaN payloads pass through unchanged ---- */
#define F_UNARY(name, field, expr) \
    op_##name: { \
        SLOT(1).field = expr(SLOT(2).field); \
        NEXT(2); \
    }
#define F_BINARY(name, field, operator) \
    op_##name: { \
        SLOT(1).field = SLOT(2).field operator SLOT(3).field; \
        NEXT(3); \
    }
#define F_CALL2(name, field, function) \
    op_##name: { \
        SLOT(1).field = function(SLOT(2).field, SLOT(3).field); \
        NEXT(3); \
    }
    BINARY(F32_EQ, float, f32, a == b)
    BINARY(F32_NE, float, f32, a != b)
    BINARY(F32_LT, float, f32, a < b)
    BINARY(F32_GT, float, f32, a > b)
    BINARY(F32_LE, float, f32, a <= b)
    BINARY(F32_GE, float, f32, a >= b)
    UNARY(F32_ABS, uint32_t, u32, a & ~F32_SIGN)
    UNARY(F32_NEG, uint32_t, u32, a ^ F32_SIGN)
    F_UNARY(F32_CEIL, f32, f32_ceil)
    F_UNARY(F32_FLOOR, f32, f32_floor)
    F_UNARY(F32_TRUNC, f32, f32_trunc)
    F_UNARY(F32_NEAREST, f32, f32_nearest)
    F_UNARY(F32_SQRT, f32, sqrtf)
    F_BINARY(F32_ADD, f32, +)
    F_BINARY(F32_SUB, f32, -)
    F_BINARY(F32_MUL, f32, *)
    F_BINARY(F32_DIV, f32, /)
    F_CALL2(F32_MIN, f32, f32_min)
    F_CALL2(F32_MAX, f32, f32_max)
    BINARY(F32_COPYSIGN, uint32_t, u32, (a & ~F32_SIGN) | (b & F32_SIGN))

    BINARY(F64_EQ, double, f64, a == b)
    BINARY(F64_NE, double, f64, a != b)
    BINARY(F64_LT, double, f64, a < b)
    BINARY(F64_GT, double, f64, a > b)
    BINARY(F64_LE, double, f64, a <= b)
    BINARY(F64_GE, double, f64, a >= b)
    UNARY(F64_ABS, uint64_t, u64, a & ~F64_SIGN)
    UNARY(F64_NEG, uint64_t, u64, a ^ F64_SIGN)
    F_UNARY(F64_CEIL, f64, f64_ceil)
    F_UNARY(F64_FLOOR, f64, f64_floor)
    F_UNARY(F64_TRUNC, f64, f64_trunc)
    F_UNARY(F64_NEAREST, f64, f64_nearest)
    F_UNARY(F64_SQRT, f64, sqrt)
    F_BINARY(F64_ADD, f64, +)
    F_BINARY(F64_SUB, f64, -)
    F_BINARY(F64_MUL, f64, *)
    F_BINARY(F64_DIV, f64, /)
    F_CALL2(F64_MIN, f64, f64_min)
    F_CALL2(F64_MAX, f64, f64_max)
    BINARY(F64_COPYSIGN, uint64_t, u64, (a & ~F64_SIGN) | (b & F64_SIGN))

    /* ---- conversions ---- */
    UNARY(I32_WRAP_I64, uint64_t, u64, (uint32_t)a)
    UNARY(I64_EXTEND_I32_S, int32_t, i32, (uint64_t)(int64_t)a)
    UNARY(I64_EXTEND_I32_U, uint32_t, u32, (uint64_t)a)

    /* Float to integer: NaN traps as an invalid conversion, values whose truncation does not
     * fit as an overflow. Every f32 is exactly a double, so both sources are tested as doubles
     * against bounds that are exact in double: the open interval (lower, upper) for 32-bit
     * results, and [-2^63, 2^63) for signed 64-bit ones (-2^63 - 1 is not a double). */
#define TRUNC(name, field, in_range, ctype, widen) \
    op_##name: { \
        double x = SLOT(2).field; \
        if (isnan(x)) \
            TRAP(ENG_TRAP_INVALID_CONVERSION); \
        if (!(in_range)) \
            TRAP(ENG_TRAP_INTEGER_OVERFLOW); \
        SLOT(1).u64 = widen((ctype)x); \
        NEXT(2); \
    }
#define I32_RANGE_S (x > -2147483649.0 && x < 2147483648.0)
#define I32_RANGE_U (x > -1.0 && x < 4294967296.0)
#define I64_RANGE_S (x >= -9223372036854775808.0 && x < 9223372036854775808.0)
#define I64_RANGE_U (x > -1.0 && x < 18446744073709551616.0)
    TRUNC(I32_TRUNC_F32_S, f32, I32_RANGE_S, int32_t, S_TO_U32)
    TRUNC(I32_TRUNC_F32_U, f32, I32_RANGE_U, uint32_t, AS_U32)
    TRUNC(I32_TRUNC_F64_S, f64, I32_RANGE_S, int32_t, S_TO_U32)
    TRUNC(I32_TRUNC_F64_U, f64, I32_RANGE_U, uint32_t, AS_U32)
    TRUNC(I64_TRUNC_F32_S, f32, I64_RANGE_S, int64_t, S_TO_U64)
    TRUNC(I64_TRUNC_F32_U, f32, I64_RANGE_U, uint64_t, AS_U64)
    TRUNC(I64_TRUNC_F64_S, f64, I64_RANGE_S, int64_t, S_TO_U64)
    TRUNC(I64_TRUNC_F64_U, f64, I64_RANGE_U, uint64_t, AS_U64)
#undef TRUNC

    /* Saturating: NaN gives 0, values below/above the range the minimum/maximum. */
#define TRUNC_SAT(name, field, lower_ok, upper_ok, ctype, minimum, maximum, widen) \
    op_##name: { \
        double x = SLOT(2).field; \
        ctype result; \
        if (isnan(x)) \
            result = 0; \
        else if (!(lower_ok)) \
            result = (minimum); \
        else if (!(upper_ok)) \
            result = (maximum); \
        else \
            result = (ctype)x; \
        SLOT(1).u64 = widen(result); \
        NEXT(2); \
    }
    TRUNC_SAT(I32_TRUNC_SAT_F32_S, f32, x > -2147483649.0, x < 2147483648.0, int32_t, INT32_MIN, INT32_MAX,
              S_TO_U32)
    TRUNC_SAT(I32_TRUNC_SAT_F32_U, f32, x > -1.0, x < 4294967296.0, uint32_t, 0, UINT32_MAX, AS_U32)
    TRUNC_SAT(I32_TRUNC_SAT_F64_S, f64, x > -2147483649.0, x < 2147483648.0, int32_t, INT32_MIN, INT32_MAX,
              S_TO_U32)
    TRUNC_SAT(I32_TRUNC_SAT_F64_U, f64, x > -1.0, x < 4294967296.0, uint32_t, 0, UINT32_MAX, AS_U32)
    TRUNC_SAT(I64_TRUNC_SAT_F32_S, f32, x >= -9223372036854775808.0, x < 9223372036854775808.0, int64_t,
              INT64_MIN, INT64_MAX, S_TO_U64)
    TRUNC_SAT(I64_TRUNC_SAT_F32_U, f32, x > -1.0, x < 18446744073709551616.0, uint64_t, 0, UINT64_MAX, AS_U64)
    TRUNC_SAT(I64_TRUNC_SAT_F64_S, f64, x >= -9223372036854775808.0, x < 9223372036854775808.0, int64_t,
              INT64_MIN, INT64_MAX, S_TO_U64)
    TRUNC_SAT(I64_TRUNC_SAT_F64_U, f64, x > -1.0, x < 18446744073709551616.0, uint64_t, 0, UINT64_MAX, AS_U64)
#undef TRUNC_SAT

    /* Integer to float: C's conversions round to nearest even in one step (gcc converts
     * u64 with a sticky halving sequence that rounds correctly too). */
#define CONVERT(name, from_field, to_field, to_type) \
    op_##name: { \
        SLOT(1).to_field = (to_type)SLOT(2).from_field; \
        NEXT(2); \
    }
    CONVERT(F32_CONVERT_I32_S, i32, f32, float)
    CONVERT(F32_CONVERT_I32_U, u32, f32, float)
    CONVERT(F32_CONVERT_I64_S, i64, f32, float)
    CONVERT(F32_CONVERT_I64_U, u64, f32, float)
    CONVERT(F32_DEMOTE_F64, f64, f32, float)
    CONVERT(F64_CONVERT_I32_S, i32, f64, double)
    CONVERT(F64_CONVERT_I32_U, u32, f64, double)
    CONVERT(F64_CONVERT_I64_S, i64, f64, double)
    CONVERT(F64_CONVERT_I64_U, u64, f64, double)
    CONVERT(F64_PROMOTE_F32, f32, f64, double)
#undef CONVERT

    /* ---- sign extension ---- */
    UNARY(I32_EXTEND8_S, uint32_t, u32, (uint32_t)(int32_t)(int8_t)a)
    UNARY(I32_EXTEND16_S, uint32_t, u32, (uint32_t)(int32_t)(int16_t)a)
    UNARY(I64_EXTEND8_S, uint64_t, u64, (uint64_t)(int64_t)(int8_t)a)
    UNARY(I64_EXTEND16_S, uint64_t, u64, (uint64_t)(int64_t)(int16_t)a)
    UNARY(I64_EXTEND32_S, uint64_t, u64, (uint64_t)(int64_t)(int32_t)a)

    /* ---- SIMD ---- */
#include "interp_simd.h"

#undef UNARY
#undef BINARY
#undef F_UNARY
#undef F_BINARY
#undef F_CALL2

checks_missing: {
    eng_trap *missing = checks_missing(store, func);
    add_backtrace(missing, store, func, 0, entry_depth, depth);
    return missing;
}

trap: {
    eng_trap *trap = eng_trap_new(trap_kind, NULL);
    add_backtrace(trap, store, func, pc_byte_offset(code, pc), entry_depth, depth);
    return trap;
}

#undef DISPATCH
#undef NEXT
#undef SLOT
#undef TRAP
#undef CHARGE
#undef STOP_CHECK
#undef ENTRY_CHECK
#undef LIMITS_SLOW_PATH
#undef SWITCH_INSTANCE
}
/* clang-format on */

static eng_trap *stack_exhausted(eng_store *store, const eng_func *func)
{
    eng_limits_stack_exhausted(store);
    eng_trap *trap = eng_trap_new(ENG_TRAP_CALL_STACK_EXHAUSTED, NULL);
    add_backtrace(trap, store, func, 0, store->frame_depth, store->frame_depth);
    return trap;
}

eng_trap *eng_func_call(eng_store *store, eng_func *func, eng_slot *args_results)
{
    /* Before anything runs: a trap half-way through still leaves the memories written. */
    if (!func->code || func->code->may_write_memory)
        store->memory_written = true;
    if (!func->code)
        return func->callback(func->env, args_results);

    const eng_code *code = func->code;
    const eng_functype *type = func->type;
    /* The call starts at the first free slot: above every frame of the calls in progress
     * (eng_func_call may be re-entered from a host function that wasm called). */
    eng_slot *const fp = store->stack_top;
    const uint32_t entry_depth = store->frame_depth;
    size_t room = (size_t)(store->stack + store->stack_slots - fp);
    /* The frame's slots (at least its parameters and results) and the records of the calls in
     * progress must fit in the stack limit; a re-entry from a host function also in the
     * nesting limit and the thread's C stack. */
    if (call_nesting >= store->limits.max_host_nesting || (call_nesting > 0 && c_stack_nearly_full()) ||
        room < (size_t)code->frame_slots + (size_t)ENG_FRAME_RECORD_SLOTS * entry_depth || room < type->param_slots ||
        room < type->result_slots)
        return stack_exhausted(store, func);
    if ((code->checks & store->required_checks) != store->required_checks) {
        eng_trap *trap = checks_missing(store, func);
        add_backtrace(trap, store, func, 0, entry_depth, entry_depth);
        return trap;
    }

    if (type->param_slots)
        memmove(fp, args_results, type->param_slots * sizeof *fp);
    frame_enter(code, fp);
    if ((uintptr_t)(fp + code->frame_slots) > store->stack_high_water)
        store->stack_high_water = (uintptr_t)(fp + code->frame_slots);

    /* Everything read after a guard fault's siglongjmp is either set before sigsetjmp and not
     * changed afterwards, or volatile (state). */
    const struct eng_fault_guard saved_guard = eng_trap_fault_guard;
    eng_instance *instance = func->instance;
    eng_trap_fault_guard.memory_base = instance->memory_base;
    eng_trap_fault_guard.memory_reserved = instance->memory0 ? instance->memory0->reserved : 0;
    struct run_state state;
    state.func = func;
    state.pc = NULL;
    state.depth = entry_depth;
    /* Compiled code may use max_stack_bytes of the C stack below the outermost call, and never
     * the last C_STACK_RESERVE bytes of the thread's stack (host functions need them). */
    const uintptr_t saved_native_limit = store->native_stack_limit;
    if (call_nesting == 0) {
        find_c_stack_low();
        uintptr_t here = (uintptr_t)__builtin_frame_address(0);
        uintptr_t floor = c_stack_low > 1 ? c_stack_low + C_STACK_RESERVE : 0;
        uintptr_t budget = here > store->limits.max_stack_bytes ? here - store->limits.max_stack_bytes : 0;
        native_stack_limit = budget > floor ? budget : floor;
    }
    store->native_stack_limit = native_stack_limit;
    call_nesting++;

    sigjmp_buf jump;
    eng_trap *trap;
    if (sigsetjmp(jump, 0) == 0) {
        eng_trap_fault_guard.jump = &jump;
        trap = run(store, func, fp, entry_depth, &state);
    } else {
        /* A load or store touched the guard region of the running instance's memory, or compiled
         * code raised a trap (native_runtime.c). */
        const eng_func *faulting = state.func;
        trap = eng_trap_fault_guard.trap;
        eng_trap_fault_guard.trap = NULL;
        if (!trap)
            trap = eng_trap_new(ENG_TRAP_OUT_OF_BOUNDS_MEMORY, NULL);
        uint32_t native_offset = add_native_backtrace(trap, faulting);
        add_backtrace(trap, store, faulting,
                      faulting->native_entry ? native_offset : pc_byte_offset(faulting->code, state.pc), entry_depth,
                      state.depth);
    }

    call_nesting--;
    store->native_stack_limit = saved_native_limit;
    eng_trap_fault_guard = saved_guard;
    if (!trap && type->result_slots)
        memmove(args_results, fp, type->result_slots * sizeof *fp);
    store->stack_top = fp;
    store->frame_depth = entry_depth;
    return trap;
}
