/* compile_control.c: compiling control flow: blocks, branches, br_table, return and calls. */
#include "compile_internal.h"

/* ---- control ---- */

static frame *read_label(compiler *c)
{
    uint32_t depth = read_u32(c);
    if (depth >= c->depth)
        eng_fail(c, "unknown label %u", depth);
    return &c->frames[c->depth - 1 - depth];
}

void eng_push_frame(compiler *c, uint8_t kind, blocktype bt)
{
    bool dead = c->depth > 0 && live(c) == false;
    eng_reserve(c, (void **)&c->frames, &c->frame_capacity, (uint64_t)c->depth + 1, sizeof *c->frames);
    frame *f = &c->frames[c->depth++];
    *f = (frame){
        .kind = kind,
        .dead = dead,
        .entered_dead = dead,
        .param_count = bt.param_count,
        .result_count = bt.result_count,
        .params = bt.params,
        .results = bt.results,
        .height = c->height - bt.param_count,
        .label_cell = NONE,
        .region = NONE,
        .patch_head = NONE,
        .else_opcode = NONE,
        .stub_cell = NONE,
    };
}

/* The fused compare-and-branch that replaces `compare` followed by a jump taken when its
 * result is `when_true`; ENG_OP_COUNT when there is none. */
static eng_opcode fused_branch(uint32_t compare, bool when_true)
{
    static const struct {
        eng_opcode compare, if_true, if_false;
    } table[] = {
#define PAIR(T, A, B)                                                   \
    {ENG_OP_##T##_##A, ENG_OP_BR_IF_##T##_##A, ENG_OP_BR_IF_##T##_##B}, \
        {ENG_OP_##T##_##B, ENG_OP_BR_IF_##T##_##B, ENG_OP_BR_IF_##T##_##A},
        PAIR(I32, EQ, NE) PAIR(I32, LT_S, GE_S) PAIR(I32, LT_U, GE_U) PAIR(I32, GT_S, LE_S) PAIR(I32, GT_U, LE_U)
            PAIR(I64, EQ, NE) PAIR(I64, LT_S, GE_S) PAIR(I64, LT_U, GE_U) PAIR(I64, GT_S, LE_S) PAIR(I64, GT_U, LE_U)
#undef PAIR
                {ENG_OP_I32_EQZ, ENG_OP_BR_UNLESS, ENG_OP_BR_IF},
        {ENG_OP_I64_EQZ, ENG_OP_BR_IF_I64_EQZ, ENG_OP_BR_IF_I64_NEZ},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].compare == compare)
            return when_true ? table[i].if_true : table[i].if_false;
    return ENG_OP_COUNT;
}

/* Emits a jump taken when i32 fp[cond] is (when_true) or is not zero; returns its opcode cell,
 * its target is its last cell. `fused_cell`, from fresh_result() before cond was popped: when
 * the last instruction is the comparison that computed cond, it becomes a fused
 * compare-and-branch (same length: its result operand gives way to the target). */
static uint32_t emit_conditional(compiler *c, bool when_true, uint32_t cond, uint32_t fused_cell)
{
    if (fused_cell != NONE && c->cells[fused_cell] == cond) {
        uint32_t at = fused_cell - 1;
        uint32_t compare = c->cells[at];
        int count = eng_opcode_operand_count[compare];
        eng_opcode fused = fused_branch(compare, when_true);
        if (fused != ENG_OP_COUNT && at + 1 + (uint32_t)count == c->cell_count) {
            eng_opcode with_add = fused == ENG_OP_BR_IF_I32_NE     ? ENG_OP_I32_ADD_BR_IF_NE
                                  : fused == ENG_OP_BR_IF_I32_LT_S ? ENG_OP_I32_ADD_BR_IF_LT_S
                                  : fused == ENG_OP_BR_IF_I32_LT_U ? ENG_OP_I32_ADD_BR_IF_LT_U
                                                                   : ENG_OP_COUNT;
            uint32_t step = c->before_last_cell;
            if (with_add != ENG_OP_COUNT && step != NONE && step + 4 == at && c->cells[step] == ENG_OP_I32_ADD) {
                /* The loop's step just before its test (a two-operand compare): one instruction for both. */
                uint32_t x = c->cells[at + 2], y = c->cells[at + 3];
                uint32_t d = c->cells[step + 1], a = c->cells[step + 2], b = c->cells[step + 3];
                unemit_last(c);
                unemit_last(c);
                return eng_emit_opcode_with(c, with_add, (uint32_t[]){d, a, b, x, y, 0}, 6);
            }
            for (int i = 1; i < count; i++)
                c->cells[at + i] = c->cells[at + i + 1];
            c->cells[at] = fused;
            c->cells[at + (uint32_t)count] = 0;
            c->fresh_cell = NONE;
            return at;
        }
    }
    return emit2(c, when_true ? ENG_OP_BR_IF : ENG_OP_BR_UNLESS, cond, 0);
}

/* The cell holding the target of the branch whose opcode is at `at` (always its last operand). */
static uint32_t target_cell(const compiler *c, uint32_t at)
{
    return at + (uint32_t)eng_opcode_operand_count[c->cells[at]];
}

/* Emits a jump (BR when cond is NONE, else BR_IF on `cond`, see emit_conditional) to the
 * label of `target`. */
static void emit_jump(compiler *c, uint32_t cond, uint32_t fused_cell, frame *target)
{
    uint32_t at = cond == NONE ? emit1(c, ENG_OP_BR, 0) : emit_conditional(c, true, cond, fused_cell);
    uint32_t operand_cell = c->cell_count - 1;
    if (target->kind == FRAME_LOOP) {
        c->cells[operand_cell] = target->label_cell - at;
        if (c->checks) {
            /* A back-edge: the branch (the last instruction emitted) takes its back-edge form,
             * with a cost operand when charging fuel. */
            eng_opcode back = eng_back_edge_form(c->cells[at], c->fuel);
            if (back == ENG_OP_COUNT)
                eng_fail(c, "internal error: no back-edge form of %s", eng_opcode_name[c->cells[at]]);
            c->cells[at] = back;
            /* It may trap (fuel, deadline): backtraces name this br. Offsets stay sorted, as
             * nothing after `at` has one. */
            if (c->offset_count == 0 || c->offsets[c->offset_count - 1].cell < at)
                record_offset(c, at);
            if (c->fuel)
                eng_use_region(c, eng_append_cell(c, 0), target->region);
        }
        return;
    }
    eng_reserve(c, (void **)&c->patches, &c->patch_capacity, (uint64_t)c->patch_count + 1, sizeof *c->patches);
    c->patches[c->patch_count] = (patch){operand_cell, at, target->patch_head};
    target->patch_head = c->patch_count++;
    target->label_used = true;
}

/* Copies the results (values[i]: where each is, and its home) into fp[0 ..) by width and returns.
 * `fresh_cell`: see fresh_result(). */
static void emit_return(compiler *c, const operand *values, uint32_t fresh_cell)
{
    uint32_t count = c->type->result_count;
    const eng_valtype *types = eng_functype_results(c->type);
    if (count == 1 && fresh_cell != NONE) {
        /* The instruction that computed the only result writes it to fp[0] directly. */
        c->cells[fresh_cell] = 0;
        emit0(c, ENG_OP_RETURN);
        return;
    }
    eng_reserve(c, (void **)&c->sources, &c->source_capacity, count, sizeof *c->sources);
    uint32_t *sources = c->sources;
    /* Copies go in ascending order. A home slot is never below its destination, so only a
     * local source below its destination (e.g. returning local 1 then local 0) could be
     * overwritten first: those go home beforehand. */
    uint32_t destination = 0;
    for (uint32_t i = 0; i < count; i++) {
        sources[i] = values[i].slot;
        if (sources[i] < destination) {
            emit_copy(c, (uint8_t)types[i], values[i].home, sources[i]);
            sources[i] = values[i].home;
        }
        destination += slot_width((uint8_t)types[i]);
    }
    destination = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (sources[i] != destination)
            emit_copy(c, (uint8_t)types[i], destination, sources[i]);
        destination += slot_width((uint8_t)types[i]);
    }
    emit0(c, ENG_OP_RETURN);
}

/* Whether branching to `target` with `values` on top of the stack needs copies. */
static bool branch_needs_moves(compiler *c, const frame *target, const operand *values)
{
    if (target->kind == FRAME_FUNCTION)
        return true;
    uint32_t arity = label_arity(target);
    for (uint32_t i = 0; i < arity; i++)
        if (values[i].slot != label_home(c, target, i))
            return true;
    return false;
}

/* Unconditional branch: copies the label's values to the target's home slots, then jumps. Ascending copies are safe: every source is a local or
 * a home slot at or above its destination. */
static void emit_branch(compiler *c, frame *target, const operand *values, uint32_t fresh_cell)
{
    if (target->kind == FRAME_FUNCTION) {
        emit_return(c, values, fresh_cell);
        return;
    }
    uint32_t arity = label_arity(target);
    for (uint32_t i = 0; i < arity; i++) {
        uint32_t destination = label_home(c, target, i);
        if (values[i].slot != destination)
            emit_copy(c, (uint8_t)label_types(target)[i], destination, values[i].slot);
    }
    emit_jump(c, NONE, NONE, target);
}

/* `cond` and `fused_cell`: for if, see emit_conditional. */
void eng_enter_block(compiler *c, uint8_t kind, blocktype bt, uint32_t cond, uint32_t fused_cell)
{
    operand *params = eng_pop_values(c, bt.params, bt.param_count);
    eng_push_values(c, params, bt.params, bt.param_count);
    bool was_live = live(c);
    if (was_live)
        eng_materialize_all(c);
    ENG_ASSERT(!was_live || c->pending_count == 0); /* operands below a label are home */
    uint32_t else_opcode = NONE;
    if (was_live && kind == FRAME_IF)
        else_opcode = emit_conditional(c, false, cond, fused_cell);
    eng_push_frame(c, kind, bt);
    frame *f = top_frame(c);
    f->else_opcode = else_opcode;
    if (kind == FRAME_LOOP) {
        f->label_cell = c->cell_count;
        place_label(c);
        if (c->fuel && was_live) {
            /* Entering by falling through is paid by the region before the label. */
            uint32_t before = c->region;
            f->region = eng_open_region(c);
            c->regions[before].next_loop = f->region;
        }
    }
}

/* A label that branches reach starts a fuel region, paid by a FUEL instruction there. */
static void start_branch_target_region(compiler *c)
{
    if (!c->fuel)
        return;
    uint32_t r = eng_open_region(c);
    record_offset(c, emit1(c, ENG_OP_FUEL, 0));
    eng_use_region(c, c->cell_count - 1, r);
}

/* Checks that the frame's stack holds exactly its results; leaves them popped in scratch. */
static operand *pop_results(compiler *c, frame *f)
{
    operand *results = eng_pop_values(c, f->results, f->result_count);
    if (c->height != f->height)
        eng_fail(c, "type mismatch: %u more value%s on the stack than the block's %u result%s", c->height - f->height,
                 c->height - f->height == 1 ? "" : "s", f->result_count, f->result_count == 1 ? "" : "s");
    return results;
}

/* Moves the frame's results (just popped, as `results`) to their home slots. */
static void materialize_results(compiler *c, frame *f, const operand *results)
{
    uint32_t destination = home(c, f->height);
    for (uint32_t i = 0; i < f->result_count; i++) {
        if (results[i].slot != destination)
            emit_copy(c, (uint8_t)f->results[i], destination, results[i].slot);
        destination += slot_width((uint8_t)f->results[i]);
    }
}

void eng_compile_else(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    frame *f = top_frame(c);
    if (f->kind != FRAME_IF)
        eng_malformed(c, "END opcode expected (else without a matching if)");
    operand *results = pop_results(c, f);
    if (!f->dead) {
        materialize_results(c, f, results);
        emit_jump(c, NONE, NONE, f);
    }
    bool targeted = f->else_opcode != NONE;
    if (f->else_opcode != NONE) {
        patch_to_here(c, f->else_opcode, target_cell(c, f->else_opcode));
        f->else_opcode = NONE;
    }
    place_label(c);
    f->kind = FRAME_ELSE;
    f->unreachable = false;
    f->dead = f->entered_dead;
    if (targeted)
        start_branch_target_region(c);
    /* The else branch starts from the if's parameters, which entry left in their home slots. */
    for (uint32_t i = 0; i < f->param_count; i++)
        push(c, (uint8_t)f->params[i]);
}

/* The function's final `end` leaves no frame open (c->depth == 0). */
void eng_compile_end(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    frame *f = top_frame(c);
    uint32_t fresh_cell = fresh_result(c);
    operand *results = pop_results(c, f);
    if (f->kind == FRAME_IF) {
        /* A missing else passes the parameters through as the results. */
        bool same = f->param_count == f->result_count;
        for (uint32_t i = 0; same && i < f->param_count; i++)
            same = f->params[i] == f->results[i];
        if (!same)
            eng_fail(c, "type mismatch: if without else must have the same parameter and result types");
    }
    bool falls_through = !f->dead;
    if (f->kind == FRAME_FUNCTION) {
        if (falls_through)
            emit_return(c, results, fresh_cell);
        c->depth--;
        return;
    }
    if (falls_through)
        materialize_results(c, f, results);
    bool reachable = falls_through;
    bool targeted = false;
    if (f->kind != FRAME_LOOP) {
        for (uint32_t p = f->patch_head; p != NONE; p = c->patches[p].next)
            patch_to_here(c, c->patches[p].opcode_cell, c->patches[p].operand_cell);
        if (f->else_opcode != NONE)
            patch_to_here(c, f->else_opcode, target_cell(c, f->else_opcode));
        targeted = f->label_used || f->else_opcode != NONE;
        reachable = reachable || targeted;
        place_label(c);
    }
    uint32_t result_count = f->result_count;
    const eng_valtype *result_types = f->results;
    c->depth--;
    top_frame(c)->dead = !reachable;
    if (targeted)
        start_branch_target_region(c);
    for (uint32_t i = 0; i < result_count; i++)
        push(c, (uint8_t)result_types[i]);
}

void eng_compile_br(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    frame *target = read_label(c);
    uint32_t fresh_cell = fresh_result(c);
    operand *values = eng_pop_values(c, label_types(target), label_arity(target));
    if (live(c))
        emit_branch(c, target, values, fresh_cell);
    eng_set_unreachable(c);
}

void eng_compile_br_if(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    frame *target = read_label(c);
    uint32_t fused_cell = fresh_result(c);
    operand cond = pop(c, ENG_I32);
    uint32_t arity = label_arity(target);
    const eng_valtype *types = label_types(target);
    operand *values = eng_pop_values(c, types, arity);
    eng_push_values(c, values, types, arity);
    if (!live(c))
        return;
    if (branch_needs_moves(c, target, values)) {
        uint32_t skip = emit_conditional(c, false, cond.slot, fused_cell);
        emit_branch(c, target, values, NONE);
        patch_to_here(c, skip, target_cell(c, skip));
        place_label(c);
    } else {
        emit_jump(c, cond.slot, fused_cell, target);
    }
}

void eng_compile_br_table(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    uint32_t count = read_u32(c);
    /* Every target takes at least one byte: check before allocating. */
    if (count >= (uint64_t)(c->end - c->pos))
        eng_fail_end(c);
    eng_reserve(c, (void **)&c->targets, &c->target_capacity, (uint64_t)count + 1, sizeof *c->targets);
    for (uint32_t i = 0; i <= count; i++)
        c->targets[i] = read_u32(c);
    operand index = pop(c, ENG_I32);
    for (uint32_t i = 0; i <= count; i++)
        if (c->targets[i] >= c->depth)
            eng_fail(c, "unknown label %u", c->targets[i]);

    /* Each label must accept the operands; checking a label once per table is enough. */
    uint32_t serial = ++c->br_table_serial;
    frame *fallback = &c->frames[c->depth - 1 - c->targets[count]];
    uint32_t arity = label_arity(fallback);
    for (uint32_t i = 0; i < count; i++) {
        frame *target = &c->frames[c->depth - 1 - c->targets[i]];
        if (target->table_serial == serial)
            continue;
        target->table_serial = serial;
        if (label_arity(target) != arity)
            eng_fail(c, "type mismatch: br_table targets have different numbers of values (%u and %u)",
                     label_arity(target), arity);
        /* Pushed back as popped: an unknown operand stays unknown for the next label. */
        operand *values = eng_pop_values(c, label_types(target), arity);
        for (uint32_t k = 0; k < arity; k++)
            push_at(c, values[k].type, values[k].slot);
    }
    operand *values = eng_pop_values(c, label_types(fallback), arity);

    if (live(c)) {
        /* An index just loaded from an indexed address into a stack temporary (a bytecode
         * interpreter's code[pc]): the load goes into the table jump, whose cell takes over the
         * load's offset entry. */
        uint32_t last = c->last_cell, load[5];
        bool fused = last != NONE && last + 7 == c->cell_count && c->cells[last] == ENG_OP_I32_LOAD_SHL &&
                     c->cells[last + 1] == index.slot && index.slot >= c->stack_base;
        if (fused) {
            memcpy(load, &c->cells[last + 2], sizeof load);
            unemit_last(c);
        }
        if ((uint64_t)c->cell_count + 8 + count + 1 > c->cell_limit)
            eng_fail(c, "function too large to compile (its code would exceed %u cells)", c->cell_limit);
        uint32_t at = emit_opcode(c, fused ? ENG_OP_BR_TABLE_LOAD_SHL : ENG_OP_BR_TABLE, 0);
        eng_reserve(c, (void **)&c->cells, &c->cell_capacity, (uint64_t)c->cell_count + 7 + count + 1,
                    sizeof *c->cells);
        if (fused)
            for (int i = 0; i < 5; i++)
                CELL(load[i]);
        else
            CELL(index.slot);
        CELL(count);
        uint32_t first = c->cell_count;
        for (uint32_t i = 0; i <= count; i++)
            CELL(0);
        /* Targets whose values are already in place jump directly; the others go through one
         * stub per label, placed after the table, that copies the values and then branches. */
        for (uint32_t i = 0; i <= count; i++) {
            frame *target = &c->frames[c->depth - 1 - c->targets[i]];
            if (target->stub_serial != serial) {
                target->stub_serial = serial;
                target->stub_cell = NONE;
                /* With checks, a loop is entered through a back-edge instruction in a stub. */
                target->needs_stub = branch_needs_moves(c, target, values) || (c->checks && target->kind == FRAME_LOOP);
            }
            if (target->needs_stub)
                continue;
            uint32_t operand_cell = first + i;
            if (target->kind == FRAME_LOOP) {
                c->cells[operand_cell] = target->label_cell - at;
            } else {
                eng_reserve(c, (void **)&c->patches, &c->patch_capacity, (uint64_t)c->patch_count + 1,
                            sizeof *c->patches);
                c->patches[c->patch_count] = (patch){operand_cell, at, target->patch_head};
                target->patch_head = c->patch_count++;
                target->label_used = true;
            }
        }
        for (uint32_t i = 0; i <= count; i++) {
            frame *target = &c->frames[c->depth - 1 - c->targets[i]];
            if (!target->needs_stub)
                continue;
            if (target->stub_cell == NONE) {
                target->stub_cell = c->cell_count;
                emit_branch(c, target, values, NONE);
            }
            c->cells[first + i] = target->stub_cell - at;
        }
    }
    eng_set_unreachable(c);
}

void eng_compile_return(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    uint32_t fresh_cell = fresh_result(c);
    operand *values = eng_pop_values(c, eng_functype_results(c->type), c->type->result_count);
    if (live(c))
        emit_return(c, values, fresh_cell);
    eng_set_unreachable(c);
}

/* Pops the arguments of `type` and copies them into consecutive home slots; returns the base. */
static uint32_t pop_arguments(compiler *c, const eng_functype *type)
{
    operand *args = eng_pop_values(c, eng_functype_params(type), type->param_count);
    uint32_t base = home(c, c->height);
    if (live(c)) {
        for (uint32_t i = 0; i < type->param_count; i++)
            if (args[i].slot != args[i].home)
                emit_copy(c, args[i].type, args[i].home, args[i].slot);
        uint32_t area = type->param_slots > type->result_slots ? type->param_slots : type->result_slots;
        if (base + area > c->call_slots)
            c->call_slots = base + area;
    }
    return base;
}

static void push_results(compiler *c, const eng_functype *type)
{
    for (uint32_t i = 0; i < type->result_count; i++)
        push(c, (uint8_t)eng_functype_results(type)[i]);
}

void eng_compile_call(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    uint32_t func = read_u32(c);
    if (func >= c->module->func_count)
        eng_fail(c, "unknown function %u", func);
    const eng_functype *type = eng_module_func_type(c->module, func);
    uint32_t base = pop_arguments(c, type);
    if (live(c))
        record_offset(c, emit2(c, ENG_OP_CALL, func, base));
    push_results(c, type);
}

void eng_compile_call_indirect(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    uint32_t type_index = read_u32(c);
    uint32_t table = read_u32(c);
    if (type_index >= c->module->type_count)
        eng_fail(c, "unknown type %u", type_index);
    if (table >= c->module->table_count)
        eng_fail(c, "unknown table %u", table);
    if (c->module->tables[table].element_type != ENG_FUNCREF)
        eng_fail(c, "type mismatch: call_indirect needs a funcref table, table %u holds %s", table,
                 type_name((uint8_t)c->module->tables[table].element_type));
    const eng_functype *type = &c->module->types[type_index];
    operand elem = pop(c, ENG_I32);
    uint32_t base = pop_arguments(c, type);
    if (live(c))
        record_offset(c, emit4(c, ENG_OP_CALL_INDIRECT, type_index, table, elem.slot, base));
    push_results(c, type);
}
