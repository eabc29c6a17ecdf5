/* compile_ops.c: compiling variables, memory and tables, numeric instructions, select, constants, the 0xFC prefix. */
#include "compile_internal.h"

/* ---- variables ---- */

uint8_t local_type(compiler *c, uint32_t local)
{
    uint32_t param_count = c->type->param_count;
    if (local < param_count)
        return (uint8_t)functype_params(c->type)[local];
    return (uint8_t)c->def->local_types[local - param_count];
}

uint32_t read_local(compiler *c)
{
    uint32_t local = read_u32(c);
    if (local >= c->declared_local_count)
        fail(c, "unknown local %u", local);
    return local;
}

void compile_local_set(compiler *c, bool tee)
{
    uint32_t local = read_local(c);
    uint8_t type = local_type(c, local);
    bool fresh = top_is_fresh(c);
    uint32_t fresh_cell = c->fresh_cell;
    operand value = pop(c, type);
    if (!live(c)) {
        if (tee)
            push(c, type);
        return;
    }
    if (fresh && c->local_readers[local] == NONE) {
        /* The instruction that computed the value writes the local directly. */
        c->cells[fresh_cell] = local;
        if (tee)
            push_at(c, type, local);
        return;
    }
    if (value.slot != local) {
        materialize_local(c, local);
        emit2(c, WH_OP_COPY, local, value.slot);
    }
    if (tee)
        push_at(c, type, value.slot);
}

void compile_global(compiler *c, bool set)
{
    uint32_t global = read_u32(c);
    if (global >= c->module->global_count)
        fail(c, "unknown global %u", global);
    const wh_globaltype *type = &c->module->global_types[global];
    if (set) {
        if (!type->is_mutable)
            fail(c, "global is immutable: global.set of global %u", global);
        operand value = pop(c, (uint8_t)type->type);
        if (live(c))
            emit2(c, WH_OP_GLOBAL_SET, value.slot, global);
    } else {
        uint32_t d = push(c, (uint8_t)type->type);
        if (live(c))
            set_fresh(c, emit2(c, WH_OP_GLOBAL_GET, d, global));
    }
}

/* ---- memory and tables ---- */

void require_memory(compiler *c)
{
    if (c->module->memory_count == 0)
        fail(c, "unknown memory 0");
}

/* Reads a memarg and returns its offset. */
static uint32_t read_memarg(compiler *c, uint32_t natural_alignment_log2)
{
    uint32_t alignment = read_u32(c);
    uint32_t offset = read_u32(c);
    require_memory(c);
    if (alignment > natural_alignment_log2)
        fail(c, "alignment must not be larger than natural (2^%u > %u bytes)", alignment,
             1u << natural_alignment_log2);
    return offset;
}

const memory_op loads[] = {
    /* 0x28 .. 0x35 */
    {WH_OP_I32_LOAD, 2, WH_I32},     {WH_OP_I64_LOAD, 3, WH_I64},     {WH_OP_F32_LOAD, 2, WH_F32},
    {WH_OP_F64_LOAD, 3, WH_F64},     {WH_OP_I32_LOAD8_S, 0, WH_I32},  {WH_OP_I32_LOAD8_U, 0, WH_I32},
    {WH_OP_I32_LOAD16_S, 1, WH_I32}, {WH_OP_I32_LOAD16_U, 1, WH_I32}, {WH_OP_I64_LOAD8_S, 0, WH_I64},
    {WH_OP_I64_LOAD8_U, 0, WH_I64},  {WH_OP_I64_LOAD16_S, 1, WH_I64}, {WH_OP_I64_LOAD16_U, 1, WH_I64},
    {WH_OP_I64_LOAD32_S, 2, WH_I64}, {WH_OP_I64_LOAD32_U, 2, WH_I64},
};

const memory_op stores[] = {
    /* 0x36 .. 0x3e */
    {WH_OP_I32_STORE, 2, WH_I32},   {WH_OP_I64_STORE, 3, WH_I64},   {WH_OP_F32_STORE, 2, WH_F32},
    {WH_OP_F64_STORE, 3, WH_F64},   {WH_OP_I32_STORE8, 0, WH_I32},  {WH_OP_I32_STORE16, 1, WH_I32},
    {WH_OP_I64_STORE8, 0, WH_I64},  {WH_OP_I64_STORE16, 1, WH_I64}, {WH_OP_I64_STORE32, 2, WH_I64},
};

/* The load or store that also computes its address, for an access `op`; WH_OP_COUNT if none. */
static wh_opcode fused_access(uint32_t op)
{
    switch (op) {
    case WH_OP_I32_LOAD: return WH_OP_I32_LOAD_ADD;
    case WH_OP_I64_LOAD: return WH_OP_I64_LOAD_ADD;
    case WH_OP_F32_LOAD: return WH_OP_F32_LOAD_ADD;
    case WH_OP_F64_LOAD: return WH_OP_F64_LOAD_ADD;
    case WH_OP_I32_LOAD8_S: return WH_OP_I32_LOAD8_S_ADD;
    case WH_OP_I32_LOAD8_U: return WH_OP_I32_LOAD8_U_ADD;
    case WH_OP_I32_LOAD16_S: return WH_OP_I32_LOAD16_S_ADD;
    case WH_OP_I32_LOAD16_U: return WH_OP_I32_LOAD16_U_ADD;
    case WH_OP_I32_STORE: return WH_OP_I32_STORE_ADD;
    case WH_OP_I64_STORE: return WH_OP_I64_STORE_ADD;
    case WH_OP_F32_STORE: return WH_OP_F32_STORE_ADD;
    case WH_OP_F64_STORE: return WH_OP_F64_STORE_ADD;
    case WH_OP_I32_STORE8: return WH_OP_I32_STORE8_ADD;
    default: return WH_OP_COUNT;
    }
}

/* When the instruction at `last` (c->last_cell before the operands were popped) is the
 * I32_ADD that computed `address` and nothing was emitted since, removes it and returns
 * the fused access opcode for `op`, with its sum, a and b in operands[]. The sum is still
 * written (it may be a local set by local.tee). Else returns WH_OP_COUNT. */
static wh_opcode fuse_address(compiler *c, uint32_t op, uint32_t last, uint32_t address, uint32_t operands[3])
{
    wh_opcode fused = fused_access(op);
    if (fused == WH_OP_COUNT || last == NONE || last + 4 != c->cell_count || c->cells[last] != WH_OP_I32_ADD ||
        c->cells[last + 1] != address)
        return WH_OP_COUNT;
    memcpy(operands, &c->cells[last + 1], 3 * sizeof *operands);
    unemit_last(c);
    return fused;
}

void compile_load(compiler *c, const memory_op *load)
{
    uint32_t offset = read_memarg(c, load->alignment_log2);
    uint32_t last = c->last_cell;
    operand address = pop(c, WH_I32);
    uint32_t d = push(c, load->type);
    if (live(c)) {
        uint32_t sum_a_b[3];
        wh_opcode fused = fuse_address(c, load->op, last, address.slot, sum_a_b);
        uint32_t at = fused == WH_OP_COUNT ? emit3(c, (wh_opcode)load->op, d, address.slot, offset)
                                           : emit5(c, fused, d, sum_a_b[0], sum_a_b[1], sum_a_b[2], offset);
        record_offset(c, at);
        set_fresh(c, at);
    }
}

void compile_store(compiler *c, const memory_op *store)
{
    uint32_t offset = read_memarg(c, store->alignment_log2);
    uint32_t last = c->last_cell;
    operand value = pop(c, store->type);
    operand address = pop(c, WH_I32);
    if (!live(c))
        return;
    uint32_t sum_a_b[3];
    wh_opcode fused = fuse_address(c, store->op, last, address.slot, sum_a_b);
    if (fused == WH_OP_COUNT)
        record_offset(c, emit3(c, (wh_opcode)store->op, address.slot, value.slot, offset));
    else
        record_offset(c, emit5(c, fused, sum_a_b[0], sum_a_b[1], sum_a_b[2], value.slot, offset));
}

uint32_t read_table(compiler *c)
{
    uint32_t table = read_u32(c);
    if (table >= c->module->table_count)
        fail(c, "unknown table %u", table);
    return table;
}

static uint32_t read_elem_segment(compiler *c)
{
    uint32_t segment = read_u32(c);
    if (segment >= c->module->elem_count)
        fail(c, "unknown elem segment %u", segment);
    return segment;
}

/* The data count section lets one-pass validators check data indices before the data section:
 * memory.init and data.drop need it when the module has data segments. (A module without any
 * data segments just has no segment to name: that is a validation error below.) */
void require_data_count(compiler *c)
{
    if (!c->module->has_data_count && c->module->data_segment_count > 0)
        malformed(c, "data count section required");
}

static void check_data_segment(compiler *c, uint32_t segment)
{
    uint32_t count = c->module->has_data_count ? c->module->data_count : 0;
    if (segment >= count)
        fail(c, "unknown data segment %u", segment);
}

/* ---- numeric instructions ---- */


#define UNARY(code, name, in, out) [code - 0x45] = {WH_OP_##name, in, 0, out, false}
#define UNARY_TRAP(code, name, in, out) [code - 0x45] = {WH_OP_##name, in, 0, out, true}
#define BINARY(code, name, in, out) [code - 0x45] = {WH_OP_##name, in, in, out, false}
#define BINARY_TRAP(code, name, in, out) [code - 0x45] = {WH_OP_##name, in, in, out, true}
#define REINTERPRET(code, in, out) [code - 0x45] = {WH_OP_NOP, in, 0, out, false}

const numeric_op numeric_ops[0xc5 - 0x45] = {
    UNARY(0x45, I32_EQZ, WH_I32, WH_I32),
    BINARY(0x46, I32_EQ, WH_I32, WH_I32), BINARY(0x47, I32_NE, WH_I32, WH_I32),
    BINARY(0x48, I32_LT_S, WH_I32, WH_I32), BINARY(0x49, I32_LT_U, WH_I32, WH_I32),
    BINARY(0x4a, I32_GT_S, WH_I32, WH_I32), BINARY(0x4b, I32_GT_U, WH_I32, WH_I32),
    BINARY(0x4c, I32_LE_S, WH_I32, WH_I32), BINARY(0x4d, I32_LE_U, WH_I32, WH_I32),
    BINARY(0x4e, I32_GE_S, WH_I32, WH_I32), BINARY(0x4f, I32_GE_U, WH_I32, WH_I32),
    UNARY(0x50, I64_EQZ, WH_I64, WH_I32),
    BINARY(0x51, I64_EQ, WH_I64, WH_I32), BINARY(0x52, I64_NE, WH_I64, WH_I32),
    BINARY(0x53, I64_LT_S, WH_I64, WH_I32), BINARY(0x54, I64_LT_U, WH_I64, WH_I32),
    BINARY(0x55, I64_GT_S, WH_I64, WH_I32), BINARY(0x56, I64_GT_U, WH_I64, WH_I32),
    BINARY(0x57, I64_LE_S, WH_I64, WH_I32), BINARY(0x58, I64_LE_U, WH_I64, WH_I32),
    BINARY(0x59, I64_GE_S, WH_I64, WH_I32), BINARY(0x5a, I64_GE_U, WH_I64, WH_I32),
    BINARY(0x5b, F32_EQ, WH_F32, WH_I32), BINARY(0x5c, F32_NE, WH_F32, WH_I32),
    BINARY(0x5d, F32_LT, WH_F32, WH_I32), BINARY(0x5e, F32_GT, WH_F32, WH_I32),
    BINARY(0x5f, F32_LE, WH_F32, WH_I32), BINARY(0x60, F32_GE, WH_F32, WH_I32),
    BINARY(0x61, F64_EQ, WH_F64, WH_I32), BINARY(0x62, F64_NE, WH_F64, WH_I32),
    BINARY(0x63, F64_LT, WH_F64, WH_I32), BINARY(0x64, F64_GT, WH_F64, WH_I32),
    BINARY(0x65, F64_LE, WH_F64, WH_I32), BINARY(0x66, F64_GE, WH_F64, WH_I32),
    UNARY(0x67, I32_CLZ, WH_I32, WH_I32), UNARY(0x68, I32_CTZ, WH_I32, WH_I32),
    UNARY(0x69, I32_POPCNT, WH_I32, WH_I32),
    BINARY(0x6a, I32_ADD, WH_I32, WH_I32), BINARY(0x6b, I32_SUB, WH_I32, WH_I32),
    BINARY(0x6c, I32_MUL, WH_I32, WH_I32), BINARY_TRAP(0x6d, I32_DIV_S, WH_I32, WH_I32),
    BINARY_TRAP(0x6e, I32_DIV_U, WH_I32, WH_I32), BINARY_TRAP(0x6f, I32_REM_S, WH_I32, WH_I32),
    BINARY_TRAP(0x70, I32_REM_U, WH_I32, WH_I32), BINARY(0x71, I32_AND, WH_I32, WH_I32),
    BINARY(0x72, I32_OR, WH_I32, WH_I32), BINARY(0x73, I32_XOR, WH_I32, WH_I32),
    BINARY(0x74, I32_SHL, WH_I32, WH_I32), BINARY(0x75, I32_SHR_S, WH_I32, WH_I32),
    BINARY(0x76, I32_SHR_U, WH_I32, WH_I32), BINARY(0x77, I32_ROTL, WH_I32, WH_I32),
    BINARY(0x78, I32_ROTR, WH_I32, WH_I32),
    UNARY(0x79, I64_CLZ, WH_I64, WH_I64), UNARY(0x7a, I64_CTZ, WH_I64, WH_I64),
    UNARY(0x7b, I64_POPCNT, WH_I64, WH_I64),
    BINARY(0x7c, I64_ADD, WH_I64, WH_I64), BINARY(0x7d, I64_SUB, WH_I64, WH_I64),
    BINARY(0x7e, I64_MUL, WH_I64, WH_I64), BINARY_TRAP(0x7f, I64_DIV_S, WH_I64, WH_I64),
    BINARY_TRAP(0x80, I64_DIV_U, WH_I64, WH_I64), BINARY_TRAP(0x81, I64_REM_S, WH_I64, WH_I64),
    BINARY_TRAP(0x82, I64_REM_U, WH_I64, WH_I64), BINARY(0x83, I64_AND, WH_I64, WH_I64),
    BINARY(0x84, I64_OR, WH_I64, WH_I64), BINARY(0x85, I64_XOR, WH_I64, WH_I64),
    BINARY(0x86, I64_SHL, WH_I64, WH_I64), BINARY(0x87, I64_SHR_S, WH_I64, WH_I64),
    BINARY(0x88, I64_SHR_U, WH_I64, WH_I64), BINARY(0x89, I64_ROTL, WH_I64, WH_I64),
    BINARY(0x8a, I64_ROTR, WH_I64, WH_I64),
    UNARY(0x8b, F32_ABS, WH_F32, WH_F32), UNARY(0x8c, F32_NEG, WH_F32, WH_F32),
    UNARY(0x8d, F32_CEIL, WH_F32, WH_F32), UNARY(0x8e, F32_FLOOR, WH_F32, WH_F32),
    UNARY(0x8f, F32_TRUNC, WH_F32, WH_F32), UNARY(0x90, F32_NEAREST, WH_F32, WH_F32),
    UNARY(0x91, F32_SQRT, WH_F32, WH_F32),
    BINARY(0x92, F32_ADD, WH_F32, WH_F32), BINARY(0x93, F32_SUB, WH_F32, WH_F32),
    BINARY(0x94, F32_MUL, WH_F32, WH_F32), BINARY(0x95, F32_DIV, WH_F32, WH_F32),
    BINARY(0x96, F32_MIN, WH_F32, WH_F32), BINARY(0x97, F32_MAX, WH_F32, WH_F32),
    BINARY(0x98, F32_COPYSIGN, WH_F32, WH_F32),
    UNARY(0x99, F64_ABS, WH_F64, WH_F64), UNARY(0x9a, F64_NEG, WH_F64, WH_F64),
    UNARY(0x9b, F64_CEIL, WH_F64, WH_F64), UNARY(0x9c, F64_FLOOR, WH_F64, WH_F64),
    UNARY(0x9d, F64_TRUNC, WH_F64, WH_F64), UNARY(0x9e, F64_NEAREST, WH_F64, WH_F64),
    UNARY(0x9f, F64_SQRT, WH_F64, WH_F64),
    BINARY(0xa0, F64_ADD, WH_F64, WH_F64), BINARY(0xa1, F64_SUB, WH_F64, WH_F64),
    BINARY(0xa2, F64_MUL, WH_F64, WH_F64), BINARY(0xa3, F64_DIV, WH_F64, WH_F64),
    BINARY(0xa4, F64_MIN, WH_F64, WH_F64), BINARY(0xa5, F64_MAX, WH_F64, WH_F64),
    BINARY(0xa6, F64_COPYSIGN, WH_F64, WH_F64),
    UNARY(0xa7, I32_WRAP_I64, WH_I64, WH_I32),
    UNARY_TRAP(0xa8, I32_TRUNC_F32_S, WH_F32, WH_I32), UNARY_TRAP(0xa9, I32_TRUNC_F32_U, WH_F32, WH_I32),
    UNARY_TRAP(0xaa, I32_TRUNC_F64_S, WH_F64, WH_I32), UNARY_TRAP(0xab, I32_TRUNC_F64_U, WH_F64, WH_I32),
    UNARY(0xac, I64_EXTEND_I32_S, WH_I32, WH_I64), UNARY(0xad, I64_EXTEND_I32_U, WH_I32, WH_I64),
    UNARY_TRAP(0xae, I64_TRUNC_F32_S, WH_F32, WH_I64), UNARY_TRAP(0xaf, I64_TRUNC_F32_U, WH_F32, WH_I64),
    UNARY_TRAP(0xb0, I64_TRUNC_F64_S, WH_F64, WH_I64), UNARY_TRAP(0xb1, I64_TRUNC_F64_U, WH_F64, WH_I64),
    UNARY(0xb2, F32_CONVERT_I32_S, WH_I32, WH_F32), UNARY(0xb3, F32_CONVERT_I32_U, WH_I32, WH_F32),
    UNARY(0xb4, F32_CONVERT_I64_S, WH_I64, WH_F32), UNARY(0xb5, F32_CONVERT_I64_U, WH_I64, WH_F32),
    UNARY(0xb6, F32_DEMOTE_F64, WH_F64, WH_F32),
    UNARY(0xb7, F64_CONVERT_I32_S, WH_I32, WH_F64), UNARY(0xb8, F64_CONVERT_I32_U, WH_I32, WH_F64),
    UNARY(0xb9, F64_CONVERT_I64_S, WH_I64, WH_F64), UNARY(0xba, F64_CONVERT_I64_U, WH_I64, WH_F64),
    UNARY(0xbb, F64_PROMOTE_F32, WH_F32, WH_F64),
    REINTERPRET(0xbc, WH_F32, WH_I32), REINTERPRET(0xbd, WH_F64, WH_I64),
    REINTERPRET(0xbe, WH_I32, WH_F32), REINTERPRET(0xbf, WH_I64, WH_F64),
    UNARY(0xc0, I32_EXTEND8_S, WH_I32, WH_I32), UNARY(0xc1, I32_EXTEND16_S, WH_I32, WH_I32),
    UNARY(0xc2, I64_EXTEND8_S, WH_I64, WH_I64), UNARY(0xc3, I64_EXTEND16_S, WH_I64, WH_I64),
    UNARY(0xc4, I64_EXTEND32_S, WH_I64, WH_I64),
};

/* `op` with a memory operand (see code.h), given the load it absorbs; WH_OP_COUNT if none. */
static wh_opcode memory_operand_form(uint32_t op, uint32_t load)
{
    static const struct { wh_opcode op, load, fused; } table[] = {
        {WH_OP_I32_ADD, WH_OP_I32_LOAD, WH_OP_I32_ADD_LOAD},
        {WH_OP_F32_ADD, WH_OP_F32_LOAD, WH_OP_F32_ADD_LOAD},
        {WH_OP_F32_SUB, WH_OP_F32_LOAD, WH_OP_F32_SUB_LOAD},
        {WH_OP_F32_MUL, WH_OP_F32_LOAD, WH_OP_F32_MUL_LOAD},
        {WH_OP_F64_ADD, WH_OP_F64_LOAD, WH_OP_F64_ADD_LOAD},
        {WH_OP_F64_SUB, WH_OP_F64_LOAD, WH_OP_F64_SUB_LOAD},
        {WH_OP_F64_MUL, WH_OP_F64_LOAD, WH_OP_F64_MUL_LOAD},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].op == op && table[i].load == load)
            return table[i].fused;
    return WH_OP_COUNT;
}

/* `a OP b` right after the plain load that produced b into a stack temporary (or a, for a
 * commutative OP): one instruction reading memory directly. Returns whether it was emitted. */
static bool fuse_memory_operand(compiler *c, uint32_t op, uint32_t last, uint32_t d, uint32_t a, uint32_t b)
{
    if (last == NONE || last + 4 != c->cell_count)
        return false;
    wh_opcode fused = memory_operand_form(op, c->cells[last]);
    uint32_t loaded = c->cells[last + 1];
    if (fused == WH_OP_COUNT || loaded < c->local_count || a == b)
        return false;
    bool commutative = op != WH_OP_F32_SUB && op != WH_OP_F64_SUB;
    uint32_t other;
    if (loaded == b)
        other = a;
    else if (loaded == a && commutative)
        other = b;
    else
        return false;
    uint32_t address = c->cells[last + 2], offset = c->cells[last + 3];
    /* The load's offset entry (it may trap) now belongs to the fused instruction, at the same cell. */
    unemit_last(c);
    set_fresh(c, emit4(c, fused, d, other, address, offset));
    return true;
}

void compile_numeric(compiler *c, const numeric_op *n)
{
    if (n->op == WH_OP_NOP) {
        /* Reinterpretation keeps the bits: retype the operand where it is. A fresh result
         * stays fresh, so `f32.add; i32.reinterpret_f32; local.set` still writes the local. */
        uint32_t fresh_cell = c->fresh_cell, fresh_height = c->fresh_height;
        operand value = pop(c, n->a);
        push_at(c, n->result, value.slot);
        c->fresh_cell = fresh_cell;
        c->fresh_height = fresh_height;
        return;
    }
    uint32_t last = c->last_cell;
    operand b = {0, 0, NONE};
    if (n->b)
        b = pop(c, n->b);
    operand a = pop(c, n->a);
    uint32_t d = push(c, n->result);
    if (!live(c))
        return;
    if (fuse_memory_operand(c, n->op, last, d, a.slot, b.slot))
        return;
    if (n->op == WH_OP_I32_ADD && last != NONE && last + 4 == c->cell_count && c->cells[last] == WH_OP_I32_SHL &&
        c->cells[last + 1] >= c->local_count && (c->cells[last + 1] == a.slot || c->cells[last + 1] == b.slot)) {
        /* base + (x << k), the shift's result a stack temporary that dies here: one instruction. */
        uint32_t base = c->cells[last + 1] == a.slot ? b.slot : a.slot;
        uint32_t x = c->cells[last + 2], shift = c->cells[last + 3];
        unemit_last(c);
        set_fresh(c, emit4(c, WH_OP_I32_ADD_SHL, d, base, x, shift));
        return;
    }
    uint32_t at = n->b ? emit3(c, (wh_opcode)n->op, d, a.slot, b.slot) : emit2(c, (wh_opcode)n->op, d, a.slot);
    if (n->traps)
        record_offset(c, at);
    set_fresh(c, at);
}

void compile_const(compiler *c, uint8_t type, uint32_t low, uint32_t high)
{
    uint64_t bits = low | (uint64_t)high << 32;
    for (uint32_t i = 0; i < c->constant_count; i++) {
        if (c->constants[i] == bits) {
            /* Read from its constant slot, as a local that is never written. */
            push_at(c, type, c->declared_local_count + i);
            return;
        }
    }
    uint32_t d = push(c, type);
    if (!live(c))
        return;
    uint32_t at = type == WH_I32 || type == WH_F32 ? emit2(c, WH_OP_CONST32, d, low)
                                                   : emit3(c, WH_OP_CONST64, d, low, high);
    set_fresh(c, at);
}

void compile_select(compiler *c, bool typed)
{
    uint8_t type = TYPE_UNKNOWN;
    if (typed) {
        uint32_t count = read_u32(c);
        if (count != 1)
            fail(c, "invalid result arity: select takes exactly one type, found %u", count);
        type = read_valtype(c);
    }
    operand cond = pop(c, WH_I32);
    operand b = pop(c, type);
    operand a = pop(c, type);
    if (!typed) {
        /* Untyped select works on numbers only; unknown counts as a number. */
        if (is_ref(a.type) || is_ref(b.type))
            fail(c, "type mismatch: select without a type needs numeric operands, found %s",
                 type_name(is_ref(a.type) ? a.type : b.type));
        if (a.type != b.type && a.type != TYPE_UNKNOWN && b.type != TYPE_UNKNOWN)
            fail(c, "type mismatch: select operands are %s and %s", type_name(a.type), type_name(b.type));
        type = a.type == TYPE_UNKNOWN ? b.type : a.type;
    }
    uint32_t d = push(c, type);
    if (live(c))
        set_fresh(c, emit4(c, WH_OP_SELECT, d, a.slot, b.slot, cond.slot));
}

/* ---- the 0xFC prefix ---- */

void compile_prefixed(compiler *c)
{
    uint32_t code = read_u32(c);
    if (code <= 7) {
        static const uint8_t from[8] = {WH_F32, WH_F32, WH_F64, WH_F64, WH_F32, WH_F32, WH_F64, WH_F64};
        static const uint8_t to[8] = {WH_I32, WH_I32, WH_I32, WH_I32, WH_I64, WH_I64, WH_I64, WH_I64};
        numeric_op n = {(uint16_t)(WH_OP_I32_TRUNC_SAT_F32_S + code), from[code], 0, to[code], false};
        compile_numeric(c, &n);
        return;
    }
    switch (code) {
    case 8: { /* memory.init */
        uint32_t segment = read_u32(c);
        read_zero_byte(c);
        require_data_count(c);
        require_memory(c);
        check_data_segment(c, segment);
        operand count = pop(c, WH_I32), source = pop(c, WH_I32), destination = pop(c, WH_I32);
        if (live(c))
            record_offset(c, emit4(c, WH_OP_MEMORY_INIT, segment, destination.slot, source.slot, count.slot));
        return;
    }
    case 9: { /* data.drop */
        uint32_t segment = read_u32(c);
        require_data_count(c);
        check_data_segment(c, segment);
        if (live(c))
            emit1(c, WH_OP_DATA_DROP, segment);
        return;
    }
    case 10: { /* memory.copy */
        read_zero_byte(c);
        read_zero_byte(c);
        require_memory(c);
        operand count = pop(c, WH_I32), source = pop(c, WH_I32), destination = pop(c, WH_I32);
        if (live(c))
            record_offset(c, emit3(c, WH_OP_MEMORY_COPY, destination.slot, source.slot, count.slot));
        return;
    }
    case 11: { /* memory.fill */
        read_zero_byte(c);
        require_memory(c);
        operand count = pop(c, WH_I32), value = pop(c, WH_I32), destination = pop(c, WH_I32);
        if (live(c))
            record_offset(c, emit3(c, WH_OP_MEMORY_FILL, destination.slot, value.slot, count.slot));
        return;
    }
    case 12: { /* table.init elem table */
        uint32_t segment = read_u32(c);
        uint32_t table = read_table(c);
        if (segment >= c->module->elem_count)
            fail(c, "unknown elem segment %u", segment);
        if ((uint8_t)c->module->elems[segment].type != table_type(c, table))
            fail(c, "type mismatch: elem segment %u holds %s, table %u holds %s", segment,
                 type_name((uint8_t)c->module->elems[segment].type), table, type_name(table_type(c, table)));
        operand count = pop(c, WH_I32), source = pop(c, WH_I32), destination = pop(c, WH_I32);
        if (live(c))
            record_offset(c, emit5(c, WH_OP_TABLE_INIT, table, segment, destination.slot, source.slot, count.slot));
        return;
    }
    case 13: { /* elem.drop */
        uint32_t segment = read_elem_segment(c);
        if (live(c))
            emit1(c, WH_OP_ELEM_DROP, segment);
        return;
    }
    case 14: { /* table.copy destination source */
        uint32_t destination_table = read_table(c);
        uint32_t source_table = read_table(c);
        if (table_type(c, destination_table) != table_type(c, source_table))
            fail(c, "type mismatch: table.copy from a %s table to a %s table",
                 type_name(table_type(c, source_table)), type_name(table_type(c, destination_table)));
        operand count = pop(c, WH_I32), source = pop(c, WH_I32), destination = pop(c, WH_I32);
        if (live(c))
            record_offset(c, emit5(c, WH_OP_TABLE_COPY, destination_table, source_table, destination.slot,
                                   source.slot, count.slot));
        return;
    }
    case 15: { /* table.grow */
        uint32_t table = read_table(c);
        operand delta = pop(c, WH_I32);
        operand init = pop(c, table_type(c, table));
        uint32_t d = push(c, WH_I32);
        if (live(c))
            set_fresh(c, emit4(c, WH_OP_TABLE_GROW, d, table, init.slot, delta.slot));
        return;
    }
    case 16: { /* table.size */
        uint32_t table = read_table(c);
        uint32_t d = push(c, WH_I32);
        if (live(c))
            set_fresh(c, emit2(c, WH_OP_TABLE_SIZE, d, table));
        return;
    }
    case 17: { /* table.fill */
        uint32_t table = read_table(c);
        operand count = pop(c, WH_I32);
        operand value = pop(c, table_type(c, table));
        operand start = pop(c, WH_I32);
        if (live(c))
            record_offset(c, emit4(c, WH_OP_TABLE_FILL, table, start.slot, value.slot, count.slot));
        return;
    }
    default:
        malformed(c, "illegal opcode 0xfc %u", code);
    }
}
