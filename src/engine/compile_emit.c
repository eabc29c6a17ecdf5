/* compile_emit.c: errors, reading the body, emitting code, fuel regions and back-edges, the operand stack. */
#include "compile_internal.h"

static const eng_valtype single_types[] = {ENG_I32, ENG_I64, ENG_F32, ENG_F64, ENG_V128, ENG_FUNCREF, ENG_EXTERNREF};

/* ---- errors and memory ---- */

static _Noreturn void fail_with(compiler *c, bool is_malformed, const char *format, va_list args)
{
    eng_error *error = eng_error_newv(format, args);
    c->error = eng_error_wrap(error, "function %u at offset 0x%x", c->func_index, instr_offset(c));
    c->is_malformed = is_malformed;
    longjmp(c->on_error, 1);
}

/* The body breaks a validation rule. */
_Noreturn __attribute__((format(printf, 2, 3))) void eng_fail(compiler *c, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fail_with(c, false, format, args);
}

/* The body cannot be decoded. */
_Noreturn __attribute__((format(printf, 2, 3))) void eng_malformed(compiler *c, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fail_with(c, true, format, args);
}

/* Grows *array to hold at least `needed` elements of `size` bytes. */
void eng_reserve(compiler *c, void **array, uint32_t *capacity, uint64_t needed, size_t size)
{
    if (needed <= *capacity)
        return;
    uint64_t grown = *capacity ? (uint64_t)*capacity * 2 : 16;
    if (grown < needed)
        grown = needed;
    if (grown > UINT32_MAX)
        eng_fail(c, "function too large to compile");
    void *resized = realloc(*array, (size_t)grown * size);
    if (!resized)
        eng_fail(c, "out of memory while compiling");
    *array = resized;
    *capacity = (uint32_t)grown;
}

/* ---- reading the body ---- */

_Noreturn void eng_fail_end(compiler *c) { eng_malformed(c, "unexpected end of section or function"); }

/* Signed LEB128 of `bits` bits (32, 33 or 64). */
int64_t eng_read_signed(compiler *c, int bits)
{
    uint64_t result = 0;
    for (int shift = 0;; shift += 7) {
        uint8_t byte = read_byte(c);
        if (bits - shift <= 7) {
            /* Last possible byte: the unused high bits must all equal the sign bit. */
            if (byte & 0x80)
                eng_malformed(c, "integer representation too long");
            int used = bits - shift; /* value bits in this byte, the top one being the sign */
            uint8_t high = (uint8_t)(byte & 0x7f) >> (used - 1);
            if (high != 0 && high != (0x7f >> (used - 1)))
                eng_malformed(c, "integer too large");
            result |= (uint64_t)(byte & 0x7f) << shift;
            if (byte & 0x40)
                result |= shift + 7 < 64 ? ~(uint64_t)0 << (shift + 7) : 0;
            return (int64_t)result;
        }
        result |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            if (byte & 0x40)
                result |= ~(uint64_t)0 << (shift + 7);
            return (int64_t)result;
        }
    }
}

uint32_t eng_read_fixed(compiler *c, int bytes, uint32_t *high)
{
    if (c->end - c->pos < bytes)
        eng_fail_end(c);
    uint64_t value = 0;
    for (int i = 0; i < bytes; i++)
        value |= (uint64_t)c->pos[i] << (8 * i);
    c->pos += bytes;
    if (high)
        *high = (uint32_t)(value >> 32);
    return (uint32_t)value;
}

uint64_t eng_read_constant(compiler *c, const eng_wasm_instruction *instruction)
{
    uint32_t high = 0;
    switch (instruction->immediates) {
    case ENG_IMM_I32: return (uint32_t)eng_read_signed(c, 32); /* an i32 slot's upper half is zero */
    case ENG_IMM_I64: return (uint64_t)eng_read_signed(c, 64);
    case ENG_IMM_F32: return eng_read_fixed(c, 4, NULL);
    default: {
        uint32_t low = eng_read_fixed(c, 8, &high);
        return low | (uint64_t)high << 32;
    }
    }
}

void eng_read_zero_byte(compiler *c)
{
    if (read_byte(c) != 0)
        eng_malformed(c, "zero byte expected");
}

uint8_t eng_read_valtype(compiler *c)
{
    uint8_t byte = read_byte(c);
    switch (byte) {
    case ENG_I32:
    case ENG_I64:
    case ENG_F32:
    case ENG_F64:
    case ENG_V128:
    case ENG_FUNCREF:
    case ENG_EXTERNREF: return byte;
    default: eng_malformed(c, "malformed value type 0x%02x", byte);
    }
}

blocktype eng_read_blocktype(compiler *c)
{
    blocktype bt = {0, 0, NULL, NULL};
    if (c->pos >= c->end)
        eng_fail_end(c);
    uint8_t byte = *c->pos;
    if (byte == 0x40) {
        c->pos++;
        return bt;
    }
    for (size_t i = 0; i < sizeof single_types / sizeof single_types[0]; i++) {
        if (byte == single_types[i]) {
            c->pos++;
            bt.result_count = 1;
            bt.results = &single_types[i];
            return bt;
        }
    }
    int64_t index = eng_read_signed(c, 33);
    if (index < 0)
        eng_malformed(c, "malformed block type");
    if (c->scanning)
        return bt;
    if (index >= c->module->type_count)
        eng_fail(c, "unknown type %lld", (long long)index);
    const eng_functype *type = &c->module->types[index];
    bt.param_count = type->param_count;
    bt.result_count = type->result_count;
    bt.params = eng_functype_params(type);
    bt.results = eng_functype_results(type);
    return bt;
}

/* ---- emitting code ---- */

/* Adds one operand cell to the last emitted instruction; returns its index. */
uint32_t eng_append_cell(compiler *c, uint32_t value)
{
    if ((uint64_t)c->cell_count + 1 > c->cell_limit)
        eng_fail(c, "function too large to compile (its code would exceed %u cells)", c->cell_limit);
    eng_reserve(c, (void **)&c->cells, &c->cell_capacity, (uint64_t)c->cell_count + 1, sizeof *c->cells);
    c->cells[c->cell_count] = value;
    return c->cell_count++;
}

/* ---- limits: fuel regions and back-edges ---- */

/* Starts a fuel region: code compiled from here on is charged to it. */
uint32_t eng_open_region(compiler *c)
{
    eng_reserve(c, (void **)&c->regions, &c->region_capacity, (uint64_t)c->region_count + 1, sizeof *c->regions);
    c->regions[c->region_count] = (region){0, NONE, instr_offset(c)};
    c->region = c->region_count;
    return c->region_count++;
}

/* Cell `cell` is to hold region `r`'s cost. */
void eng_use_region(compiler *c, uint32_t cell, uint32_t r)
{
    eng_reserve(c, (void **)&c->region_uses, &c->region_use_capacity, (uint64_t)c->region_use_count + 1,
                sizeof *c->region_uses);
    c->region_uses[c->region_use_count++] = (region_use){cell, r};
}

/* The back-edge form of a branch opcode: _BACK_FUEL when charging fuel, else _BACK (code.h
 * lists both families in the order of the branches). */
eng_opcode eng_back_edge_form(uint32_t op, bool fuel)
{
    _Static_assert(ENG_OP_I32_ADD_BR_IF_LT_U - ENG_OP_BR_IF_I32_EQ ==
                           ENG_OP_I32_ADD_BR_IF_LT_U_BACK - ENG_OP_BR_IF_I32_EQ_BACK &&
                       ENG_OP_I32_ADD_BR_IF_LT_U - ENG_OP_BR_IF_I32_EQ ==
                           ENG_OP_I32_ADD_BR_IF_LT_U_BACK_FUEL - ENG_OP_BR_IF_I32_EQ_BACK_FUEL,
                   "the fused branches and their back-edge forms must be listed in the same order");
    switch (op) {
    case ENG_OP_BR: return fuel ? ENG_OP_BR_BACK_FUEL : ENG_OP_BR_BACK;
    case ENG_OP_BR_IF: return fuel ? ENG_OP_BR_IF_BACK_FUEL : ENG_OP_BR_IF_BACK;
    case ENG_OP_BR_UNLESS: return fuel ? ENG_OP_BR_UNLESS_BACK_FUEL : ENG_OP_BR_UNLESS_BACK;
    default:
        if (op >= ENG_OP_BR_IF_I32_EQ && op <= ENG_OP_I32_ADD_BR_IF_LT_U)
            return (eng_opcode)((fuel ? ENG_OP_BR_IF_I32_EQ_BACK_FUEL : ENG_OP_BR_IF_I32_EQ_BACK) +
                                (op - ENG_OP_BR_IF_I32_EQ));
        return ENG_OP_COUNT;
    }
}

uint32_t eng_emit_opcode_with(compiler *c, eng_opcode op, const uint32_t *operands, int count)
{
    uint32_t at = emit_opcode(c, op, count);
    for (int i = 0; i < count; i++)
        c->cells[c->cell_count++] = operands[i];
    return at;
}

/* ---- the operand stack ---- */

/* Pops values of `types` into c->scratch[0 .. count), deepest first. */
operand *eng_pop_values(compiler *c, const eng_valtype *types, uint32_t count)
{
    eng_reserve(c, (void **)&c->scratch, &c->scratch_capacity, count, sizeof *c->scratch);
    for (uint32_t i = count; i-- > 0;)
        c->scratch[i] = pop(c, (uint8_t)types[i]);
    return c->scratch;
}

/* Pushes popped values back with their declared types, where they were. */
void eng_push_values(compiler *c, const operand *values, const eng_valtype *types, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++)
        push_at(c, (uint8_t)types[i], values[i].slot);
}

void eng_truncate_stack(compiler *c, uint32_t height)
{
    while (c->height > height)
        drop_top(c);
}

/* Copies the pending operand at `height` into its home slot. The caller empties the
 * local's list of readers: materialization always takes all of them. */
void eng_materialize(compiler *c, uint32_t height)
{
    operand *value = &c->stack[height];
    ENG_ASSERT(value->slot < c->stack_base && c->pending_count > 0);
    if (live(c))
        emit_copy(c, value->type, value->home, value->slot);
    c->pending_count--;
    value->slot = value->home;
    value->next = NONE;
}

/* Before local x changes: operands still reading it get their own copy. */
void eng_materialize_local(compiler *c, uint32_t local)
{
    for (uint32_t h = c->local_readers[local]; h != NONE;) {
        uint32_t next = c->stack[h].next;
        eng_materialize(c, h);
        h = next;
    }
    c->local_readers[local] = NONE;
}

void eng_materialize_all(compiler *c)
{
    for (uint32_t h = c->height; h-- > 0 && c->pending_count > 0;) {
        if (c->stack[h].slot < c->stack_base) {
            c->local_readers[c->stack[h].slot] = NONE;
            eng_materialize(c, h);
        }
    }
}

/* After unreachable, br, br_table and return: the rest of the frame is polymorphic and dead. */
void eng_set_unreachable(compiler *c)
{
    frame *f = top_frame(c);
    eng_truncate_stack(c, f->height);
    f->unreachable = true;
    f->dead = true;
    c->fresh_cell = NONE;
}
