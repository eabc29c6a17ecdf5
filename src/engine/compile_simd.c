/* compile_simd.c: compiling the SIMD instructions (the 0xFD prefix), one handler per kind of row (instructions.h). */
#include "compile_internal.h"

/* A lane index immediate, below the shape's `lanes`. */
static uint32_t read_lane(compiler *c, uint32_t lanes)
{
    uint8_t lane = read_byte(c);
    if (lane >= lanes)
        eng_fail(c, "invalid lane index %u (the instruction's shape has %u lanes)", lane, lanes);
    return lane;
}

/* 16 immediate bytes as four cells (code.h: bytes 0-3 in the first). */
static void read_16_bytes(compiler *c, uint32_t cells[4])
{
    uint8_t bytes[16];
    for (int i = 0; i < 16; i++)
        bytes[i] = read_byte(c);
    memcpy(cells, bytes, sizeof bytes);
}

/* Emits an instruction whose first operand is the result just pushed, and marks it fresh. */
static void emit_result(compiler *c, uint32_t op, const uint32_t *operands, int count, bool may_trap)
{
    uint32_t at = eng_emit_opcode_with(c, (eng_opcode)op, operands, count);
    if (may_trap)
        record_offset(c, at);
    set_fresh(c, at);
}

void eng_compile_simd_load(compiler *c, const eng_wasm_instruction *row)
{
    uint32_t offset = eng_read_memarg(c, row->detail);
    operand address = pop(c, ENG_I32);
    uint32_t d = push(c, ENG_V128);
    if (live(c))
        emit_result(c, row->op, (uint32_t[]){d, address.slot, offset}, 3, true);
}

void eng_compile_simd_store(compiler *c, const eng_wasm_instruction *row)
{
    uint32_t offset = eng_read_memarg(c, row->detail);
    operand value = pop(c, ENG_V128);
    operand address = pop(c, ENG_I32);
    if (live(c))
        record_offset(c, emit3(c, (eng_opcode)row->op, address.slot, value.slot, offset));
}

/* The lane forms' DETAIL is their natural alignment, which gives the lane count. */
void eng_compile_simd_load_lane(compiler *c, const eng_wasm_instruction *row)
{
    uint32_t offset = eng_read_memarg(c, row->detail);
    uint32_t lane = read_lane(c, 16u >> row->detail);
    operand value = pop(c, ENG_V128);
    operand address = pop(c, ENG_I32);
    uint32_t d = push(c, ENG_V128);
    if (live(c))
        emit_result(c, row->op, (uint32_t[]){d, address.slot, value.slot, offset, lane}, 5, true);
}

void eng_compile_simd_store_lane(compiler *c, const eng_wasm_instruction *row)
{
    uint32_t offset = eng_read_memarg(c, row->detail);
    uint32_t lane = read_lane(c, 16u >> row->detail);
    operand value = pop(c, ENG_V128);
    operand address = pop(c, ENG_I32);
    if (live(c))
        record_offset(c, emit4(c, (eng_opcode)row->op, address.slot, value.slot, offset, lane));
}

void eng_compile_simd_const(compiler *c, const eng_wasm_instruction *row)
{
    uint32_t bytes[4];
    read_16_bytes(c, bytes);
    uint32_t d = push(c, ENG_V128);
    if (live(c))
        emit_result(c, row->op, (uint32_t[]){d, bytes[0], bytes[1], bytes[2], bytes[3]}, 5, false);
}

/* i8x16.shuffle: 16 lane indices into the 32 bytes of both operands. */
void eng_compile_simd_shuffle(compiler *c, const eng_wasm_instruction *row)
{
    uint32_t lanes[4];
    read_16_bytes(c, lanes);
    const uint8_t *bytes = (const uint8_t *)lanes;
    for (int i = 0; i < 16; i++)
        if (bytes[i] >= 2 * row->detail)
            eng_fail(c, "invalid lane index %u (i8x16.shuffle picks from %u lanes)", bytes[i], 2u * row->detail);
    operand b = pop(c, ENG_V128);
    operand a = pop(c, ENG_V128);
    uint32_t d = push(c, ENG_V128);
    if (live(c))
        emit_result(c, row->op, (uint32_t[]){d, a.slot, b.slot, lanes[0], lanes[1], lanes[2], lanes[3]}, 7, false);
}

void eng_compile_simd_splat(compiler *c, const eng_wasm_instruction *row)
{
    operand a = pop(c, row->a);
    uint32_t d = push(c, ENG_V128);
    if (live(c))
        emit_result(c, row->op, (uint32_t[]){d, a.slot}, 2, false);
}

/* extract_lane and replace_lane: DETAIL is the lane count. */
void eng_compile_simd_extract(compiler *c, const eng_wasm_instruction *row)
{
    uint32_t lane = read_lane(c, row->detail);
    operand a = pop(c, ENG_V128);
    uint32_t d = push(c, row->result);
    if (live(c))
        emit_result(c, row->op, (uint32_t[]){d, a.slot, lane}, 3, false);
}

void eng_compile_simd_replace(compiler *c, const eng_wasm_instruction *row)
{
    uint32_t lane = read_lane(c, row->detail);
    operand b = pop(c, row->b);
    operand a = pop(c, ENG_V128);
    uint32_t d = push(c, ENG_V128);
    if (live(c))
        emit_result(c, row->op, (uint32_t[]){d, a.slot, b.slot, lane}, 4, false);
}

/* A v128 operand to a result of `type`. */
static void compile_v128_to(compiler *c, const eng_wasm_instruction *row, uint8_t type)
{
    operand a = pop(c, ENG_V128);
    uint32_t d = push(c, type);
    if (live(c))
        emit_result(c, row->op, (uint32_t[]){d, a.slot}, 2, false);
}

void eng_compile_simd_unary(compiler *c, const eng_wasm_instruction *row) { compile_v128_to(c, row, ENG_V128); }

void eng_compile_simd_binary(compiler *c, const eng_wasm_instruction *row)
{
    operand b = pop(c, ENG_V128);
    operand a = pop(c, ENG_V128);
    uint32_t d = push(c, ENG_V128);
    if (live(c))
        emit_result(c, row->op, (uint32_t[]){d, a.slot, b.slot}, 3, false);
}

void eng_compile_simd_ternary(compiler *c, const eng_wasm_instruction *row)
{
    operand mask = pop(c, ENG_V128);
    operand b = pop(c, ENG_V128);
    operand a = pop(c, ENG_V128);
    uint32_t d = push(c, ENG_V128);
    if (live(c))
        emit_result(c, row->op, (uint32_t[]){d, a.slot, b.slot, mask.slot}, 4, false);
}

/* any_true, all_true and bitmask: a v128 to an i32. */
void eng_compile_simd_test(compiler *c, const eng_wasm_instruction *row) { compile_v128_to(c, row, ENG_I32); }

void eng_compile_simd_shift(compiler *c, const eng_wasm_instruction *row)
{
    operand count = pop(c, ENG_I32);
    operand a = pop(c, ENG_V128);
    uint32_t d = push(c, ENG_V128);
    if (live(c))
        emit_result(c, row->op, (uint32_t[]){d, a.slot, count.slot}, 3, false);
}
