/* compile_scan.c: a body's pre-scans by immediate kind: constants that get slots; decoding after a validation error. */
#include "compile_internal.h"

/* Constants worth a slot: at most this many per function, as each costs a store per call. */
#define MAX_CONSTANT_SLOTS 64
#define MAX_CONSTANTS_TALLIED 256

/* Counts a use of a constant during the scan; uses inside loops weigh more. */
static void tally_constant(compiler *c, uint64_t bits, uint32_t loop_depth)
{
    /* Inner loops run most: each level of nesting weighs 16 times the one around it. */
    uint64_t weight = (uint64_t)1 << (4 * (loop_depth < 12 ? loop_depth : 12));
    for (uint32_t i = 0; i < c->constant_use_count; i++) {
        if (c->constant_uses[i].bits == bits) {
            c->constant_uses[i].weight += weight;
            return;
        }
    }
    if (c->constant_use_count == MAX_CONSTANTS_TALLIED)
        return;
    if (!c->constant_uses) {
        c->constant_uses = malloc(MAX_CONSTANTS_TALLIED * sizeof *c->constant_uses);
        if (!c->constant_uses)
            eng_fail(c, "out of memory while compiling");
    }
    c->constant_uses[c->constant_use_count++] = (struct constant_use){bits, weight};
}

static int by_weight_descending(const void *a, const void *b)
{
    const struct constant_use *x = a, *y = b;
    return (x->weight < y->weight) - (x->weight > y->weight);
}

/* Scans the body for its constants and gives the heaviest ones slots. A body that does not
 * decode gets none: compiling it reports the error. */
void eng_choose_constants(compiler *c)
{
    jmp_buf saved;
    memcpy(saved, c->on_error, sizeof saved);
    if (setjmp(c->on_error) == 0) {
        eng_scan_body(c, true);
        /* Insertion sort: a few entries usually, and no allocation (as qsort may make). */
        for (uint32_t i = 1; i < c->constant_use_count; i++) {
            struct constant_use use = c->constant_uses[i];
            uint32_t j = i;
            for (; j > 0 && by_weight_descending(&c->constant_uses[j - 1], &use) > 0; j--)
                c->constant_uses[j] = c->constant_uses[j - 1];
            c->constant_uses[j] = use;
        }
        uint32_t count = c->constant_use_count < MAX_CONSTANT_SLOTS ? c->constant_use_count : MAX_CONSTANT_SLOTS;
        if (count) {
            c->constants = malloc(count * sizeof *c->constants);
            if (!c->constants)
                eng_fail(c, "out of memory while compiling");
            for (uint32_t i = 0; i < count; i++)
                c->constants[i] = c->constant_uses[i].bits;
            c->constant_count = count;
        }
    } else {
        eng_error_free(c->error);
        c->error = NULL;
        c->is_malformed = false;
        c->constant_count = 0;
    }
    memcpy(c->on_error, saved, sizeof saved);
    c->constant_use_count = 0;
    c->pos = c->instr = c->body;
}

/* Reads the immediates of an instruction that does not open or close a block. */
static void skip_immediates(compiler *c, const eng_wasm_instruction *instruction)
{
    switch ((eng_wasm_immediates)instruction->immediates) {
    case ENG_IMM_NONE: break;
    case ENG_IMM_LABEL:
    case ENG_IMM_FUNC:
    case ENG_IMM_LOCAL:
    case ENG_IMM_GLOBAL:
    case ENG_IMM_TABLE:
    case ENG_IMM_ELEM: read_u32(c); break;
    case ENG_IMM_TYPE_TABLE:
    case ENG_IMM_MEMARG:
    case ENG_IMM_ELEM_TABLE:
    case ENG_IMM_TABLE_TABLE:
        read_u32(c);
        read_u32(c);
        break;
    case ENG_IMM_DATA:
        read_u32(c);
        eng_require_data_count(c);
        break;
    case ENG_IMM_DATA_MEMORY:
        read_u32(c);
        eng_read_zero_byte(c);
        eng_require_data_count(c);
        break;
    case ENG_IMM_MEMORY_MEMORY:
        eng_read_zero_byte(c);
        /* fall through */
    case ENG_IMM_MEMORY: eng_read_zero_byte(c); break;
    case ENG_IMM_LABEL_TABLE: {
        uint32_t count = read_u32(c);
        if (count >= (uint64_t)(c->end - c->pos))
            eng_fail_end(c);
        for (uint32_t i = 0; i <= count; i++)
            read_u32(c);
        break;
    }
    case ENG_IMM_VALTYPES: {
        uint32_t count = read_u32(c);
        if (count > (uint64_t)(c->end - c->pos))
            eng_fail_end(c);
        for (uint32_t i = 0; i < count; i++)
            eng_read_valtype(c);
        break;
    }
    case ENG_IMM_REFTYPE: {
        uint8_t type = read_byte(c);
        if (type != ENG_FUNCREF && type != ENG_EXTERNREF)
            eng_malformed(c, "malformed reference type 0x%02x", type);
        break;
    }
    case ENG_IMM_MEMARG_LANE:
        read_u32(c);
        read_u32(c);
        read_byte(c);
        break;
    case ENG_IMM_LANE: read_byte(c); break;
    case ENG_IMM_V128:
    case ENG_IMM_LANES16:
        for (int i = 0; i < 16; i++)
            read_byte(c);
        break;
    case ENG_IMM_BLOCKTYPE:
    case ENG_IMM_I32:
    case ENG_IMM_I64:
    case ENG_IMM_F32:
    case ENG_IMM_F64: break; /* the caller's */
    }
}

/* After a validation error. The reference decodes a whole body before validating it, so a
 * decoding error anywhere in the body is the one to report: walk the body decoding only. */
void eng_scan_body(compiler *c, bool collect_constants)
{
    c->scanning = !collect_constants;
    c->pos = c->body;
    uint32_t loop_depth = 0;
    uint32_t depth = 1; /* open blocks, the function's included; c->targets holds their instructions */
    eng_reserve(c, (void **)&c->targets, &c->target_capacity, 1, sizeof *c->targets);
    c->targets[0] = ENG_WASM_BLOCK;
    for (;;) {
        if (c->pos >= c->end)
            eng_fail_missing_end(c, depth);
        c->instr = c->pos;
        const eng_wasm_instruction *instruction = eng_read_instruction(c);
        eng_wasm_index index = eng_wasm_index_of(instruction);
        switch (instruction->immediates) {
        case ENG_IMM_BLOCKTYPE:
            eng_read_blocktype(c);
            eng_reserve(c, (void **)&c->targets, &c->target_capacity, (uint64_t)depth + 1, sizeof *c->targets);
            c->targets[depth++] = index;
            loop_depth += index == ENG_WASM_LOOP;
            continue;
        case ENG_IMM_I32:
        case ENG_IMM_I64:
        case ENG_IMM_F32:
        case ENG_IMM_F64: {
            uint64_t bits = eng_read_constant(c, instruction);
            if (collect_constants)
                tally_constant(c, bits, loop_depth);
            continue;
        }
        default: break;
        }
        if (index == ENG_WASM_ELSE) {
            if (c->targets[depth - 1] != ENG_WASM_IF)
                eng_malformed(c, "END opcode expected (else without a matching if)");
            c->targets[depth - 1] = ENG_WASM_ELSE;
        } else if (index == ENG_WASM_END) {
            loop_depth -= c->targets[depth - 1] == ENG_WASM_LOOP;
            if (--depth == 0) {
                if (c->pos != c->end)
                    eng_malformed(c, "section size mismatch: bytes after the function's final END opcode");
                return;
            }
        } else {
            skip_immediates(c, instruction);
        }
    }
}

void eng_layout_locals(compiler *c)
{
    const eng_functype *type = c->type;
    uint64_t slots = (uint64_t)type->param_slots;
    for (uint32_t i = 0; i < c->def->body_local_count; i++)
        slots += slot_width((uint8_t)c->def->body_local_types[i]);
    if (slots + c->def->body_size * 2 + 16 > INT32_MAX)
        eng_malformed(c, "too many locals (%llu slots)", (unsigned long long)slots);
    c->local_slot_count = (uint32_t)slots;
    c->wide_locals = slots != c->local_count;
    if (!c->wide_locals)
        return; /* no v128: each local's slot is its index */
    eng_reserve(c, (void **)&c->local_slots, &c->local_slot_capacity, c->local_count, sizeof *c->local_slots);
    uint32_t slot = 0;
    for (uint32_t i = 0; i < c->local_count; i++) {
        c->local_slots[i] = slot;
        slot += slot_width(eng_local_type(c, i));
    }
}
