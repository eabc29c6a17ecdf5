/* compile_ops.c: compiling variables, memory and tables, constants, numeric ops, select, bulk memory and table ops. */
#include "compile_internal.h"

/* ---- variables ---- */

uint8_t eng_local_type(compiler *c, uint32_t local)
{
    uint32_t param_count = c->type->param_count;
    if (local < param_count)
        return (uint8_t)eng_functype_params(c->type)[local];
    return (uint8_t)c->def->body_local_types[local - param_count];
}

uint32_t eng_read_local(compiler *c)
{
    uint32_t local = read_u32(c);
    if (local >= c->local_count)
        eng_fail(c, "unknown local %u", local);
    return local;
}

static void set_local(compiler *c, bool tee)
{
    uint32_t index = eng_read_local(c);
    uint8_t type = eng_local_type(c, index);
    uint32_t local = local_slot(c, index);
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
        eng_materialize_local(c, local);
        emit_copy(c, type, local, value.slot);
    }
    if (tee)
        push_at(c, type, value.slot);
}

void eng_compile_local_set(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    set_local(c, false);
}

void eng_compile_local_tee(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    set_local(c, true);
}

static void access_global(compiler *c, bool set)
{
    uint32_t global = read_u32(c);
    if (global >= c->module->global_count)
        eng_fail(c, "unknown global %u", global);
    const eng_globaltype *type = &c->module->global_types[global];
    if (set) {
        if (!type->is_mutable)
            eng_fail(c, "global is immutable: global.set of global %u", global);
        operand value = pop(c, (uint8_t)type->type);
        if (live(c))
            emit2(c, type->type == ENG_V128 ? ENG_OP_GLOBAL_SET_V128 : ENG_OP_GLOBAL_SET, value.slot, global);
    } else {
        uint32_t d = push(c, (uint8_t)type->type);
        if (live(c))
            set_fresh(c, emit2(c, type->type == ENG_V128 ? ENG_OP_GLOBAL_GET_V128 : ENG_OP_GLOBAL_GET, d, global));
    }
}

void eng_compile_global_get(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    access_global(c, false);
}

void eng_compile_global_set(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    access_global(c, true);
}

/* ---- memory and tables ---- */

void eng_require_memory(compiler *c)
{
    if (c->module->memory_count == 0)
        eng_fail(c, "unknown memory 0");
}

/* Reads a memarg and returns its offset. */
uint32_t eng_read_memarg(compiler *c, uint32_t natural_alignment_log2)
{
    uint32_t alignment = read_u32(c);
    uint32_t offset = read_u32(c);
    eng_require_memory(c);
    if (alignment > natural_alignment_log2)
        eng_fail(c, "alignment must not be larger than natural (2^%u > %u bytes)", alignment,
                 1u << natural_alignment_log2);
    return offset;
}

/* The load or store that also computes its address, for an access `op`; ENG_OP_COUNT if none. */
static eng_opcode fused_access(uint32_t op)
{
    switch (op) {
    case ENG_OP_I32_LOAD: return ENG_OP_I32_LOAD_ADD;
    case ENG_OP_I64_LOAD: return ENG_OP_I64_LOAD_ADD;
    case ENG_OP_F32_LOAD: return ENG_OP_F32_LOAD_ADD;
    case ENG_OP_F64_LOAD: return ENG_OP_F64_LOAD_ADD;
    case ENG_OP_I32_LOAD8_S: return ENG_OP_I32_LOAD8_S_ADD;
    case ENG_OP_I32_LOAD8_U: return ENG_OP_I32_LOAD8_U_ADD;
    case ENG_OP_I32_LOAD16_S: return ENG_OP_I32_LOAD16_S_ADD;
    case ENG_OP_I32_LOAD16_U: return ENG_OP_I32_LOAD16_U_ADD;
    case ENG_OP_I32_STORE: return ENG_OP_I32_STORE_ADD;
    case ENG_OP_I64_STORE: return ENG_OP_I64_STORE_ADD;
    case ENG_OP_F32_STORE: return ENG_OP_F32_STORE_ADD;
    case ENG_OP_F64_STORE: return ENG_OP_F64_STORE_ADD;
    case ENG_OP_I32_STORE8: return ENG_OP_I32_STORE8_ADD;
    default: return ENG_OP_COUNT;
    }
}

/* When the instruction at `last` (c->last_cell before the operands were popped) is the
 * `producer` (I32_ADD, or I32_ADD_SHL) that computed `address` and nothing was emitted since,
 * removes it and returns `fused`, with the producer's operands (the sum first) in operands[].
 * The sum is still written (it may be a local set by local.tee). Else returns ENG_OP_COUNT. */
static eng_opcode fuse_producer(compiler *c, eng_opcode fused, eng_opcode producer, uint32_t last, uint32_t address,
                                uint32_t *operands)
{
    uint32_t count = (uint32_t)eng_opcode_operand_count[producer];
    if (fused == ENG_OP_COUNT || last == NONE || last + 1 + count != c->cell_count || c->cells[last] != producer ||
        c->cells[last + 1] != address)
        return ENG_OP_COUNT;
    memcpy(operands, &c->cells[last + 1], count * sizeof *operands);
    unemit_last(c);
    return fused;
}

static eng_opcode fuse_address(compiler *c, uint32_t op, uint32_t last, uint32_t address, uint32_t operands[3])
{
    return fuse_producer(c, fused_access(op), ENG_OP_I32_ADD, last, address, operands);
}

/* The load from an indexed address (I32_ADD_SHL's) for a load `op`; ENG_OP_COUNT if none. */
static eng_opcode indexed_access(uint32_t op)
{
    switch (op) {
    case ENG_OP_I32_LOAD: return ENG_OP_I32_LOAD_SHL;
    case ENG_OP_I64_LOAD: return ENG_OP_I64_LOAD_SHL;
    case ENG_OP_F32_LOAD: return ENG_OP_F32_LOAD_SHL;
    case ENG_OP_F64_LOAD: return ENG_OP_F64_LOAD_SHL;
    default: return ENG_OP_COUNT;
    }
}

/* As fuse_address, for the I32_ADD_SHL that computed `address` (array indexing: base + (i << k)):
 * the indexed load, with its sum, base, index and shift in operands[]. */
static eng_opcode fuse_index(compiler *c, uint32_t op, uint32_t last, uint32_t address, uint32_t operands[4])
{
    return fuse_producer(c, indexed_access(op), ENG_OP_I32_ADD_SHL, last, address, operands);
}

void eng_compile_load(compiler *c, const eng_wasm_instruction *load)
{
    uint32_t offset = eng_read_memarg(c, load->detail);
    uint32_t last = c->last_cell;
    operand address = pop(c, ENG_I32);
    uint32_t d = push(c, load->result);
    if (live(c)) {
        uint32_t index[4];
        eng_opcode indexed = fuse_index(c, load->op, last, address.slot, index);
        if (indexed != ENG_OP_COUNT) {
            uint32_t at =
                eng_emit_opcode_with(c, indexed, (uint32_t[]){d, index[0], index[1], index[2], index[3], offset}, 6);
            record_offset(c, at);
            set_fresh(c, at);
            return;
        }
        uint32_t sum_a_b[3];
        eng_opcode fused = fuse_address(c, load->op, last, address.slot, sum_a_b);
        uint32_t at = fused == ENG_OP_COUNT ? emit3(c, (eng_opcode)load->op, d, address.slot, offset)
                                            : emit5(c, fused, d, sum_a_b[0], sum_a_b[1], sum_a_b[2], offset);
        record_offset(c, at);
        set_fresh(c, at);
    }
}

/* `c[j] += x * y`, for a store `op` of value at address + offset: when the two instructions
 * before it are the multiply into a stack temporary and the add of that product to the value
 * loaded from the same place (FXX_ADD_LOAD, fuse_memory_operand) into the stored temporary,
 * replaces all three by FXX_MUL_ADD_STORE. Returns whether it did. */
static bool fuse_multiply_add_store(compiler *c, uint32_t op, uint32_t value, uint32_t address, uint32_t offset)
{
    eng_opcode add = op == ENG_OP_F32_STORE   ? ENG_OP_F32_ADD_LOAD
                     : op == ENG_OP_F64_STORE ? ENG_OP_F64_ADD_LOAD
                                              : ENG_OP_COUNT;
    eng_opcode multiply = op == ENG_OP_F32_STORE ? ENG_OP_F32_MUL : ENG_OP_F64_MUL;
    eng_opcode fused = op == ENG_OP_F32_STORE ? ENG_OP_F32_MUL_ADD_STORE : ENG_OP_F64_MUL_ADD_STORE;
    uint32_t last = c->last_cell, before = c->before_last_cell;
    if (add == ENG_OP_COUNT || last == NONE || before == NONE || last + 5 != c->cell_count || before + 4 != last)
        return false;
    const uint32_t *sum = &c->cells[last], *product = &c->cells[before];
    /* sum: ADD_LOAD d a addr offset; product: MUL d x y */
    if (sum[0] != add || sum[1] != value || value < c->stack_base || sum[3] != address || sum[4] != offset ||
        product[0] != multiply || product[1] != sum[2] || product[1] < c->stack_base || product[1] == address)
        return false;
    /* The load's offset entry (the only one of the three that may trap) moves to the fused cell. */
    if (!c->offset_count || c->offsets[c->offset_count - 1].cell != last)
        return false;
    uint32_t x = product[2], y = product[3];
    unemit_last(c); /* the add; the multiply is the last instruction again */
    unemit_last(c);
    c->offsets[c->offset_count - 1].cell = before;
    emit4(c, fused, x, y, address, offset);
    return true;
}

void eng_compile_store(compiler *c, const eng_wasm_instruction *store)
{
    uint32_t offset = eng_read_memarg(c, store->detail);
    uint32_t last = c->last_cell;
    operand value = pop(c, store->b);
    operand address = pop(c, ENG_I32);
    if (!live(c))
        return;
    if (last == c->last_cell && fuse_multiply_add_store(c, store->op, value.slot, address.slot, offset))
        return;
    uint32_t sum_a_b[3];
    eng_opcode fused = fuse_address(c, store->op, last, address.slot, sum_a_b);
    if (fused == ENG_OP_COUNT)
        record_offset(c, emit3(c, (eng_opcode)store->op, address.slot, value.slot, offset));
    else
        record_offset(c, emit5(c, fused, sum_a_b[0], sum_a_b[1], sum_a_b[2], value.slot, offset));
}

uint32_t eng_read_table(compiler *c)
{
    uint32_t table = read_u32(c);
    if (table >= c->module->table_count)
        eng_fail(c, "unknown table %u", table);
    return table;
}

static uint32_t read_elem_segment(compiler *c)
{
    uint32_t segment = read_u32(c);
    if (segment >= c->module->elem_count)
        eng_fail(c, "unknown elem segment %u", segment);
    return segment;
}

/* The data count section lets one-pass validators check data indices before the data section:
 * memory.init and data.drop need it when the module has data segments. (A module without any
 * data segments just has no segment to name: that is a validation error below.) */
void eng_require_data_count(compiler *c)
{
    if (!c->module->has_data_count && c->module->data_segment_count > 0)
        eng_malformed(c, "data count section required");
}

static void check_data_segment(compiler *c, uint32_t segment)
{
    uint32_t count = c->module->has_data_count ? c->module->data_count : 0;
    if (segment >= count)
        eng_fail(c, "unknown data segment %u", segment);
}

/* ---- numeric instructions ---- */

/* `op` with a memory operand (see code.h), given the load it absorbs; ENG_OP_COUNT if none. */
static eng_opcode memory_operand_form(uint32_t op, uint32_t load)
{
    static const struct {
        eng_opcode op, load, fused;
    } table[] = {
        {ENG_OP_I32_ADD, ENG_OP_I32_LOAD, ENG_OP_I32_ADD_LOAD}, {ENG_OP_F32_ADD, ENG_OP_F32_LOAD, ENG_OP_F32_ADD_LOAD},
        {ENG_OP_F32_SUB, ENG_OP_F32_LOAD, ENG_OP_F32_SUB_LOAD}, {ENG_OP_F32_MUL, ENG_OP_F32_LOAD, ENG_OP_F32_MUL_LOAD},
        {ENG_OP_F64_ADD, ENG_OP_F64_LOAD, ENG_OP_F64_ADD_LOAD}, {ENG_OP_F64_SUB, ENG_OP_F64_LOAD, ENG_OP_F64_SUB_LOAD},
        {ENG_OP_F64_MUL, ENG_OP_F64_LOAD, ENG_OP_F64_MUL_LOAD},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].op == op && table[i].load == load)
            return table[i].fused;
    return ENG_OP_COUNT;
}

/* `a OP b` right after the plain load that produced b into a stack temporary (or a, for a
 * commutative OP): one instruction reading memory directly. Returns whether it was emitted. */
static bool fuse_memory_operand(compiler *c, uint32_t op, uint32_t last, uint32_t d, uint32_t a, uint32_t b)
{
    if (last == NONE || last + 4 != c->cell_count)
        return false;
    eng_opcode fused = memory_operand_form(op, c->cells[last]);
    uint32_t loaded = c->cells[last + 1];
    if (fused == ENG_OP_COUNT || loaded < c->stack_base || a == b)
        return false;
    bool commutative = op != ENG_OP_F32_SUB && op != ENG_OP_F64_SUB;
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

/* Whether `a OP b` equals `b OP a` (float additions too: they differ at most in a NaN's payload). */
static bool commutative(uint32_t op)
{
    return op == ENG_OP_I32_ADD || op == ENG_OP_I32_MUL || op == ENG_OP_I32_AND || op == ENG_OP_I32_OR ||
           op == ENG_OP_I32_XOR || op == ENG_OP_F32_ADD || op == ENG_OP_F64_ADD;
}

/* `(producer) OP z` right after the producer that computed its result into a stack temporary
 * that dies here: one instruction, whose operands are the producer's after its result, then z.
 * The temporary must be OP's left operand, or either of a commutative OP. The rows: the i32 pairs
 * of ENG_I32_PAIRS, multiply-adds (x * y + z, each step still rounded) and loads added to right
 * away. A load's offset entry stays valid: the fused instruction starts at the producer's cell,
 * and the sum of an _ADD load is still written. Returns whether it was emitted. */
static bool fuse_with_producer(compiler *c, uint32_t op, uint32_t last, uint32_t d, uint32_t a, uint32_t b)
{
    static const struct {
        eng_opcode producer, op, fused;
    } table[] = {
#define PAIR_ENTRY(unused, first, second) {ENG_OP_I32_##first, ENG_OP_I32_##second, ENG_OP_I32_##first##_THEN_##second},
        ENG_I32_PAIRS(PAIR_ENTRY, ~)
#undef PAIR_ENTRY
            {ENG_OP_F32_MUL, ENG_OP_F32_ADD, ENG_OP_F32_MUL_ADD},
        {ENG_OP_F64_MUL, ENG_OP_F64_ADD, ENG_OP_F64_MUL_ADD},
        {ENG_OP_F32_MUL_LOAD, ENG_OP_F32_ADD, ENG_OP_F32_MUL_LOAD_ADD},
        {ENG_OP_F64_MUL_LOAD, ENG_OP_F64_ADD, ENG_OP_F64_MUL_LOAD_ADD},
        {ENG_OP_I32_LOAD_ADD, ENG_OP_I32_ADD, ENG_OP_I32_LOAD_ADD_THEN_ADD},
        {ENG_OP_I32_LOAD8_U_ADD, ENG_OP_I32_ADD, ENG_OP_I32_LOAD8_U_ADD_THEN_ADD},
    };
    if (last == NONE || last + 1 >= c->cell_count || a == b)
        return false;
    uint32_t temporary = c->cells[last + 1];
    if (temporary < c->stack_base || (temporary != a && (temporary != b || !commutative(op))))
        return false;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (table[i].producer != c->cells[last] || table[i].op != op)
            continue;
        uint32_t count = (uint32_t)eng_opcode_operand_count[table[i].producer];
        if (last + 1 + count != c->cell_count)
            return false;
        uint32_t operands[6] = {d};
        memcpy(&operands[1], &c->cells[last + 2], (count - 1) * sizeof *operands);
        operands[count] = temporary == a ? b : a;
        unemit_last(c);
        set_fresh(c, eng_emit_opcode_with(c, table[i].fused, operands, (int)count + 1));
        return true;
    }
    return false;
}

void eng_compile_numeric(compiler *c, const eng_wasm_instruction *n)
{
    if (n->op == ENG_OP_NOP) {
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
    operand b = {0, 0, NONE, 0};
    if (n->b)
        b = pop(c, n->b);
    operand a = pop(c, n->a);
    uint32_t d = push(c, n->result);
    if (!live(c))
        return;
    if (fuse_memory_operand(c, n->op, last, d, a.slot, b.slot))
        return;
    if (n->op == ENG_OP_I32_ADD && last != NONE && last + 4 == c->cell_count && c->cells[last] == ENG_OP_I32_SHL &&
        c->cells[last + 1] >= c->stack_base && (c->cells[last + 1] == a.slot || c->cells[last + 1] == b.slot)) {
        /* base + (x << k), the shift's result a stack temporary that dies here: one instruction. */
        uint32_t base = c->cells[last + 1] == a.slot ? b.slot : a.slot;
        uint32_t x = c->cells[last + 2], shift = c->cells[last + 3];
        unemit_last(c);
        set_fresh(c, emit4(c, ENG_OP_I32_ADD_SHL, d, base, x, shift));
        return;
    }
    if (n->b && fuse_with_producer(c, n->op, last, d, a.slot, b.slot))
        return;
    uint32_t at = n->b ? emit3(c, (eng_opcode)n->op, d, a.slot, b.slot) : emit2(c, (eng_opcode)n->op, d, a.slot);
    if (n->detail) /* it may trap */
        record_offset(c, at);
    set_fresh(c, at);
}

void eng_push_constant(compiler *c, uint8_t type, uint32_t low, uint32_t high)
{
    uint64_t bits = low | (uint64_t)high << 32;
    for (uint32_t i = 0; i < c->constant_count; i++) {
        if (c->constants[i] == bits) {
            /* Read from its constant slot, as a local that is never written. */
            push_at(c, type, c->local_slot_count + i);
            return;
        }
    }
    uint32_t d = push(c, type);
    if (!live(c))
        return;
    uint32_t at =
        type == ENG_I32 || type == ENG_F32 ? emit2(c, ENG_OP_CONST32, d, low) : emit3(c, ENG_OP_CONST64, d, low, high);
    set_fresh(c, at);
}

void eng_compile_const(compiler *c, const eng_wasm_instruction *instruction)
{
    uint64_t bits = eng_read_constant(c, instruction);
    eng_push_constant(c, instruction->result, (uint32_t)bits, (uint32_t)(bits >> 32));
}

static void select_values(compiler *c, bool typed)
{
    uint8_t type = TYPE_UNKNOWN;
    if (typed) {
        uint32_t count = read_u32(c);
        if (count != 1)
            eng_fail(c, "invalid result arity: select takes exactly one type, found %u", count);
        type = eng_read_valtype(c);
    }
    operand cond = pop(c, ENG_I32);
    operand b = pop(c, type);
    operand a = pop(c, type);
    if (!typed) {
        /* Untyped select works on numbers only; unknown counts as a number. */
        if (is_ref(a.type) || is_ref(b.type))
            eng_fail(c, "type mismatch: select without a type needs numeric operands, found %s",
                     type_name(is_ref(a.type) ? a.type : b.type));
        if (a.type != b.type && a.type != TYPE_UNKNOWN && b.type != TYPE_UNKNOWN)
            eng_fail(c, "type mismatch: select operands are %s and %s", type_name(a.type), type_name(b.type));
        type = a.type == TYPE_UNKNOWN ? b.type : a.type;
    }
    uint32_t d = push(c, type);
    if (live(c))
        set_fresh(c, emit4(c, type == ENG_V128 ? ENG_OP_SELECT_V128 : ENG_OP_SELECT, d, a.slot, b.slot, cond.slot));
}

void eng_compile_select(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    select_values(c, false);
}

void eng_compile_select_typed(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    select_values(c, true);
}

/* ---- bulk memory and tables (the 0xFC prefix) ---- */

void eng_compile_memory_init(compiler *c, const eng_wasm_instruction *instruction)
{
    uint32_t segment = read_u32(c);
    eng_read_zero_byte(c);
    eng_require_data_count(c);
    eng_require_memory(c);
    check_data_segment(c, segment);
    operand count = pop(c, ENG_I32), source = pop(c, ENG_I32), destination = pop(c, ENG_I32);
    if (live(c))
        record_offset(c, emit4(c, instruction->op, segment, destination.slot, source.slot, count.slot));
}

void eng_compile_data_drop(compiler *c, const eng_wasm_instruction *instruction)
{
    uint32_t segment = read_u32(c);
    eng_require_data_count(c);
    check_data_segment(c, segment);
    if (live(c))
        emit1(c, instruction->op, segment);
}

void eng_compile_memory_copy(compiler *c, const eng_wasm_instruction *instruction)
{
    eng_read_zero_byte(c);
    eng_read_zero_byte(c);
    eng_require_memory(c);
    operand count = pop(c, ENG_I32), source = pop(c, ENG_I32), destination = pop(c, ENG_I32);
    if (live(c))
        record_offset(c, emit3(c, instruction->op, destination.slot, source.slot, count.slot));
}

void eng_compile_memory_fill(compiler *c, const eng_wasm_instruction *instruction)
{
    eng_read_zero_byte(c);
    eng_require_memory(c);
    operand count = pop(c, ENG_I32), value = pop(c, ENG_I32), destination = pop(c, ENG_I32);
    if (live(c))
        record_offset(c, emit3(c, instruction->op, destination.slot, value.slot, count.slot));
}

/* table.init elem table */
void eng_compile_table_init(compiler *c, const eng_wasm_instruction *instruction)
{
    uint32_t segment = read_u32(c);
    uint32_t table = eng_read_table(c);
    if (segment >= c->module->elem_count)
        eng_fail(c, "unknown elem segment %u", segment);
    if ((uint8_t)c->module->elems[segment].type != table_type(c, table))
        eng_fail(c, "type mismatch: elem segment %u holds %s, table %u holds %s", segment,
                 type_name((uint8_t)c->module->elems[segment].type), table, type_name(table_type(c, table)));
    operand count = pop(c, ENG_I32), source = pop(c, ENG_I32), destination = pop(c, ENG_I32);
    if (live(c))
        record_offset(c, emit5(c, instruction->op, table, segment, destination.slot, source.slot, count.slot));
}

void eng_compile_elem_drop(compiler *c, const eng_wasm_instruction *instruction)
{
    uint32_t segment = read_elem_segment(c);
    if (live(c))
        emit1(c, instruction->op, segment);
}

/* table.copy destination source */
void eng_compile_table_copy(compiler *c, const eng_wasm_instruction *instruction)
{
    uint32_t destination_table = eng_read_table(c);
    uint32_t source_table = eng_read_table(c);
    if (table_type(c, destination_table) != table_type(c, source_table))
        eng_fail(c, "type mismatch: table.copy from a %s table to a %s table", type_name(table_type(c, source_table)),
                 type_name(table_type(c, destination_table)));
    operand count = pop(c, ENG_I32), source = pop(c, ENG_I32), destination = pop(c, ENG_I32);
    if (live(c))
        record_offset(
            c, emit5(c, instruction->op, destination_table, source_table, destination.slot, source.slot, count.slot));
}

void eng_compile_table_grow(compiler *c, const eng_wasm_instruction *instruction)
{
    uint32_t table = eng_read_table(c);
    operand delta = pop(c, ENG_I32);
    operand init = pop(c, table_type(c, table));
    uint32_t d = push(c, ENG_I32);
    if (live(c))
        set_fresh(c, emit4(c, instruction->op, d, table, init.slot, delta.slot));
}

void eng_compile_table_size(compiler *c, const eng_wasm_instruction *instruction)
{
    uint32_t table = eng_read_table(c);
    uint32_t d = push(c, ENG_I32);
    if (live(c))
        set_fresh(c, emit2(c, instruction->op, d, table));
}

void eng_compile_table_fill(compiler *c, const eng_wasm_instruction *instruction)
{
    uint32_t table = eng_read_table(c);
    operand count = pop(c, ENG_I32);
    operand value = pop(c, table_type(c, table));
    operand start = pop(c, ENG_I32);
    if (live(c))
        record_offset(c, emit4(c, instruction->op, table, start.slot, value.slot, count.slot));
}
