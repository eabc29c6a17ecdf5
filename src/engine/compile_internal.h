/* compile_internal.h: the compiler state, its types and the helpers shared by the compile_*.c files. */
#ifndef ENG_COMPILE_INTERNAL_H
#define ENG_COMPILE_INTERNAL_H

#include "code.h"
#include "instructions.h"
#include "module.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * Validation follows the algorithm in the appendix of the WebAssembly specification: a stack
 * of operand types (with an "unknown" type that the polymorphic stack yields in unreachable
 * code) and a stack of control frames. Translation happens at the same time.
 *
 * Where values live. The operand at stack height h has a home slot, stack_base + the widths of
 * the operands below it (stack_base: the slots of the locals, parameters included, then those of
 * the constants; a v128 is two slots wide, everything else one). The
 * translator keeps a virtual stack recording, for each operand, the slot that holds it right
 * now: its home slot, or the slot of a local when the operand came from a `local.get` that
 * has not been copied yet ("pending"). Instructions read their operands wherever they are, so
 * `local.get` costs nothing. A pending operand is copied home ("materialized") before its local
 * is overwritten, and wherever control flow merges, since a merge point needs one agreed
 * location per value: on entry to every block/loop/if all pending operands are materialized,
 * so operands below a label's height are always home. Branches copy the label's values to the
 * label's home slots; calls, to consecutive slots starting at the first argument's home.
 *
 * An instruction writes its result to the result's home slot; when the very next instruction
 * is `local.set x`/`local.tee x` (or a return of that single value) and no label lies between,
 * the translator rewrites the instruction's destination to x (or fp[0]) instead of copying.
 *
 * Code is emitted only while the current point is reachable ("live"); unreachable code is
 * validated and dropped.
 *
 * Limits (code.h, ENG_CHECK_*). With checks on, every branch back to a loop's label becomes its
 * _BACK form, which looks at the store's stop flag when taken (_BACK_FUEL: and charges fuel);
 * the interpreter checks function entry. For fuel, the code is cut into regions: straight-line code
 * entered only at its top, at function entry, at a loop label or at a label that a forward
 * branch reaches (leaving early through a br_if does not end a region: the whole region is paid
 * on entry). Each region's cost, one unit per wasm instruction, goes to whatever enters it: the
 * function's entry_fuel, a FUEL instruction at a forward label, or the cost operand of each
 * back-edge to a loop label. A loop label reached by falling through is paid by the region that
 * falls into it, so loops need no instruction of their own. Costs are known only when the body
 * is done, so they are filled in then, and each region after the entry's is also recorded in
 * eng_code.fuel_marks (by the instruction that opened it), so that the compiling tier charges the
 * same costs at the same places.
 *
 * Errors: decoding errors ("malformed") and validation errors are both found in this pass. The
 * reference decodes a whole body before validating it, so after a validation error the rest of
 * the body is scanned for a decoding error, which then takes precedence.
 */

#define NONE UINT32_MAX
#define TYPE_UNKNOWN 0 /* the bottom type of the polymorphic stack */

enum frame_kind { FRAME_FUNCTION, FRAME_BLOCK, FRAME_LOOP, FRAME_IF, FRAME_ELSE };

typedef struct operand {
    uint32_t slot; /* where the value is now: its home slot, or a local's slot (pending) */
    uint8_t type;  /* an eng_valtype, or TYPE_UNKNOWN */
    uint32_t next; /* pending: height of the next lower operand reading the same local, or NONE */
    uint32_t home; /* its home slot: right after the operand below it (a v128 takes two slots) */
} operand;

typedef struct frame {
    uint8_t kind;
    bool unreachable;  /* the spec's flag: the rest of this frame's operand stack is polymorphic */
    bool dead;         /* nothing reaches this point at run time: emit no code */
    bool entered_dead; /* the frame began in dead code, so all of it is dead */
    bool label_used;   /* a forward branch to this frame's label was emitted */
    uint32_t param_count, result_count;
    const eng_valtype *params, *results;
    uint32_t height;      /* operand stack height at entry, parameters excluded */
    uint32_t label_cell;  /* loop: the cell its label points at */
    uint32_t patch_head;  /* forward branches waiting for the label (index into patches) */
    uint32_t else_opcode; /* if: the BR_UNLESS that jumps to the else branch or the end */
    uint32_t region;      /* loop entered live, with fuel: the fuel region its label starts */
    /* br_table bookkeeping, valid while the fields' serial equals the table's */
    uint32_t table_serial; /* label already checked against the operands */
    uint32_t stub_serial;  /* needs_stub and stub_cell computed */
    bool needs_stub;       /* the values must be copied: jump to a stub at stub_cell */
    uint32_t stub_cell;
} frame;

typedef struct patch {
    uint32_t operand_cell; /* cell holding the branch target */
    uint32_t opcode_cell;  /* the branch instruction, which targets are relative to */
    uint32_t next;
} patch;

/* A fuel region (see the top of the file). */
typedef struct region {
    uint64_t cost;        /* its instructions; once resolved, plus what it falls into */
    uint32_t next_loop;   /* the loop region it falls into at its end, or NONE */
    uint32_t byte_offset; /* the instruction that opened it (loop, else, end): its fuel mark */
} region;

/* A cell that receives a region's cost when the body is done. */
typedef struct region_use {
    uint32_t cell;
    uint32_t region;
} region_use;

typedef struct blocktype {
    uint32_t param_count, result_count;
    const eng_valtype *params, *results;
} blocktype;

typedef struct compiler {
    jmp_buf on_error;
    eng_error *error;
    bool is_malformed;  /* the error is a decoding error, not a validation error */
    bool scanning;      /* decoding only: looking for a decoding error after a validation error */
    eng_error *invalid; /* the validation error, while scanning */

    const eng_module *module;
    uint32_t func_index;
    const eng_func_def *def;
    const eng_functype *type;

    const uint8_t *body, *pos, *end;
    const uint8_t *instr; /* start of the instruction being compiled, for messages and backtraces */

    uint32_t local_count;      /* params + declared locals: what local.get may name */
    uint32_t local_slot_count; /* the slots they take */
    bool wide_locals;          /* some are v128: local_slots says where each is, else slot = index */
    uint32_t *local_slots;     /* per local, its first slot */
    uint32_t local_slot_capacity;
    uint32_t stack_base; /* local_slot_count + constant_count: the home slot of the first operand */
    /* Constants with slots of their own (see code.h), found by a scan before compiling. */
    uint64_t *constants;
    uint32_t constant_count;
    struct constant_use {
        uint64_t bits;
        uint64_t weight;
    } * constant_uses; /* the scan's tally */
    uint32_t constant_use_count;
    /* Pending operands, per local as a list from the highest: materializing a local costs only
     * its own readers, however deep the stack. */
    uint32_t *local_readers; /* per local: height of the highest operand reading it, or NONE */
    uint32_t local_reader_capacity;
    uint32_t pending_count; /* all pending operands */

    operand *stack;
    uint32_t height, stack_capacity;
    uint32_t max_stack_slots; /* the most slots the operand stack took */

    frame *frames;
    uint32_t depth, frame_capacity;

    uint32_t *cells;
    uint32_t cell_count, cell_capacity, cell_limit;
    eng_code_offset *offsets;
    uint32_t offset_count, offset_capacity;
    patch *patches;
    uint32_t patch_count, patch_capacity;

    operand *scratch; /* operands popped for a branch, call or return */
    uint32_t scratch_capacity;
    uint32_t *targets; /* br_table label depths; while scanning, the open blocks' opcodes */
    uint32_t target_capacity;
    uint32_t *sources; /* emit_return's copy sources */
    uint32_t source_capacity;
    uint32_t br_table_serial;

    /* The last emitted instruction, when it wrote the top operand into its home slot: a
     * following local.set/tee may redirect it (fresh_cell is its d operand). */
    uint32_t fresh_cell, fresh_height;
    /* The opcode cell of the last emitted instruction, NONE after a label: an instruction may
     * absorb it (see fuse_address). */
    uint32_t last_cell;
    uint32_t before_last_cell; /* the instruction before it, NONE likewise */

    uint32_t call_slots;   /* highest base + max(params, results) of any call */
    bool may_write_memory; /* eng_code.may_write_memory */

    /* Limits: the checks compiled in, and the fuel regions. */
    uint32_t checks;
    bool fuel;
    region *regions;
    uint32_t region_count, region_capacity;
    uint32_t region; /* the region code is being added to */
    region_use *region_uses;
    uint32_t region_use_count, region_use_capacity;
} compiler;

static inline bool is_ref(uint8_t type) { return type == ENG_FUNCREF || type == ENG_EXTERNREF; }
/* Slots a value of `type` takes; the unknown type of dead code, one. */
static inline uint32_t slot_width(uint8_t type) { return eng_valtype_slots((eng_valtype)type); }

/* ---- errors and memory (compile_emit.c) ---- */

/* For messages: a value type's name; the unknown type of the polymorphic stack is "any value". */
static inline const char *type_name(uint8_t type)
{
    return type == TYPE_UNKNOWN ? "any value" : eng_valtype_name((eng_valtype)type);
}

static inline uint32_t instr_offset(const compiler *c) { return c->def->body_offset + (uint32_t)(c->instr - c->body); }

/* The body breaks a validation rule. */
_Noreturn __attribute__((format(printf, 2, 3))) void eng_fail(compiler *c, const char *format, ...);
/* The body cannot be decoded. */
_Noreturn __attribute__((format(printf, 2, 3))) void eng_malformed(compiler *c, const char *format, ...);
/* Grows *array to hold at least `needed` elements of `size` bytes. */
void eng_reserve(compiler *c, void **array, uint32_t *capacity, uint64_t needed, size_t size);

/* ---- reading the body (compile_emit.c) ---- */

_Noreturn void eng_fail_end(compiler *c);

static inline uint8_t read_byte(compiler *c)
{
    if (c->pos >= c->end)
        eng_fail_end(c);
    return *c->pos++;
}

static inline uint32_t read_u32(compiler *c)
{
    uint32_t result = 0;
    for (int shift = 0;; shift += 7) {
        uint8_t byte = read_byte(c);
        if (shift == 28) {
            if (byte & 0x80)
                eng_malformed(c, "integer representation too long");
            if (byte & 0x70)
                eng_malformed(c, "integer too large");
            return result | (uint32_t)byte << 28;
        }
        result |= (uint32_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return result;
    }
}

/* Signed LEB128 of `bits` bits (32, 33 or 64). */
int64_t eng_read_signed(compiler *c, int bits);
uint32_t eng_read_fixed(compiler *c, int bytes, uint32_t *high);
void eng_read_zero_byte(compiler *c);
/* The immediate of a constant instruction (i32/i64/f32/f64.const) as the bits of its slot. */
uint64_t eng_read_constant(compiler *c, const eng_wasm_instruction *instruction);
uint8_t eng_read_valtype(compiler *c);
blocktype eng_read_blocktype(compiler *c);

/* ---- emitting code (compile_emit.c) ---- */

static inline frame *top_frame(compiler *c) { return &c->frames[c->depth - 1]; }
static inline bool live(compiler *c) { return !top_frame(c)->dead; }
/* The home slot of an operand at `height`, the operands below it being those on the stack. */
static inline uint32_t home(const compiler *c, uint32_t height)
{
    if (height == 0)
        return c->stack_base;
    const operand *below = &c->stack[height - 1];
    return below->home + slot_width(below->type);
}

/* Two plain I32_ADDs in a row (increments of a loop's pointers and counters) become one I32_ADD2
 * once a third instruction `next` follows: by then neither can fuse with what comes next, no
 * result of the second is still to be retargeted (fresh), and no label lies between them
 * (place_label forgets the last instructions). Neither has an offset entry or a patch to move.
 * Not before an i32 comparison, which a branch may yet fuse with the second add (I32_ADD_BR_IF_*). */
static inline void merge_adds(compiler *c, eng_opcode next)
{
    uint32_t first = c->before_last_cell, second = c->last_cell;
    if (first == NONE || second != first + 4 || second + 4 != c->cell_count || c->cells[first] != ENG_OP_I32_ADD ||
        c->cells[second] != ENG_OP_I32_ADD || (next >= ENG_OP_I32_EQ && next <= ENG_OP_I32_GE_U))
        return;
    c->cells[first] = ENG_OP_I32_ADD2;
    memmove(&c->cells[second], &c->cells[second + 1], 3 * sizeof *c->cells);
    c->cell_count--;
    c->last_cell = first;
    c->before_last_cell = NONE;
}

static inline uint32_t emit_opcode(compiler *c, eng_opcode opcode, int operand_count)
{
    ENG_ASSERT(c->depth > 0 && live(c)); /* code is emitted only where it can run */
    merge_adds(c, opcode);
    if ((uint64_t)c->cell_count + 1 + (uint32_t)operand_count > c->cell_limit)
        eng_fail(c, "function too large to compile (its code would exceed %u cells)", c->cell_limit);
    eng_reserve(c, (void **)&c->cells, &c->cell_capacity, (uint64_t)c->cell_count + 1 + (uint32_t)operand_count,
                sizeof *c->cells);
    c->fresh_cell = NONE;
    uint32_t at = c->cell_count;
    c->cells[c->cell_count++] = opcode;
    c->before_last_cell = c->last_cell;
    c->last_cell = at;
    return at;
}

/* Removes the last emitted instruction, to emit a fused one in its place. */
static inline void unemit_last(compiler *c)
{
    ENG_ASSERT(c->last_cell != NONE && c->last_cell < c->cell_count);
    c->cell_count = c->last_cell;
    c->last_cell = c->before_last_cell;
    c->before_last_cell = NONE;
}

#define CELL(value) (c->cells[c->cell_count++] = (uint32_t)(value))

/* Adds one operand cell to the last emitted instruction; returns its index. */
uint32_t eng_append_cell(compiler *c, uint32_t value);

/* ---- limits: fuel regions and back-edges (compile_emit.c) ---- */

/* Starts a fuel region: code compiled from here on is charged to it. */
uint32_t eng_open_region(compiler *c);
/* Cell `cell` is to hold region `r`'s cost. */
void eng_use_region(compiler *c, uint32_t cell, uint32_t r);
/* The back-edge form of a branch opcode: _BACK_FUEL when charging fuel, else _BACK (code.h
 * lists both families in the order of the branches). */
eng_opcode eng_back_edge_form(uint32_t op, bool fuel);

uint32_t eng_emit_opcode_with(compiler *c, eng_opcode op, const uint32_t *operands, int count);

static inline uint32_t emit0(compiler *c, eng_opcode op) { return emit_opcode(c, op, 0); }
static inline uint32_t emit1(compiler *c, eng_opcode op, uint32_t a)
{
    uint32_t at = emit_opcode(c, op, 1);
    CELL(a);
    return at;
}
static inline uint32_t emit2(compiler *c, eng_opcode op, uint32_t a, uint32_t b)
{
    uint32_t at = emit_opcode(c, op, 2);
    CELL(a), CELL(b);
    return at;
}
static inline uint32_t emit3(compiler *c, eng_opcode op, uint32_t a, uint32_t b, uint32_t d)
{
    uint32_t at = emit_opcode(c, op, 3);
    CELL(a), CELL(b), CELL(d);
    return at;
}
static inline uint32_t emit4(compiler *c, eng_opcode op, uint32_t a, uint32_t b, uint32_t d, uint32_t e)
{
    uint32_t at = emit_opcode(c, op, 4);
    CELL(a), CELL(b), CELL(d), CELL(e);
    return at;
}
static inline uint32_t emit5(compiler *c, eng_opcode op, uint32_t a, uint32_t b, uint32_t d, uint32_t e, uint32_t f)
{
    uint32_t at = emit_opcode(c, op, 5);
    CELL(a), CELL(b), CELL(d), CELL(e), CELL(f);
    return at;
}

/* Remembers that the instruction at `at` trapping or calling maps back to the current wasm instruction. */
static inline void record_offset(compiler *c, uint32_t at)
{
    eng_reserve(c, (void **)&c->offsets, &c->offset_capacity, (uint64_t)c->offset_count + 1, sizeof *c->offsets);
    c->offsets[c->offset_count++] = (eng_code_offset){at, instr_offset(c)};
}

/* The instruction at `at` just wrote the top operand (its first operand is d). */
static inline void set_fresh(compiler *c, uint32_t at)
{
    ENG_ASSERT(c->height > 0 && c->cells[at + 1] == home(c, c->height - 1));
    c->fresh_cell = at + 1;
    c->fresh_height = c->height;
}

/* A branch may land here: the previous instruction no longer directly precedes what follows. */
static inline void place_label(compiler *c)
{
    c->fresh_cell = NONE;
    c->last_cell = NONE;
    c->before_last_cell = NONE;
}

static inline void patch_to_here(compiler *c, uint32_t opcode_cell, uint32_t operand_cell)
{
    ENG_ASSERT(opcode_cell < operand_cell && operand_cell < c->cell_count); /* forward branches only */
    c->cells[operand_cell] = c->cell_count - opcode_cell;
}

/* ---- the operand stack (compile_emit.c) ---- */

static inline void push_at(compiler *c, uint8_t type, uint32_t slot)
{
    eng_reserve(c, (void **)&c->stack, &c->stack_capacity, (uint64_t)c->height + 1, sizeof *c->stack);
    /* Values live at home or in a local; anything else (from dead code) is normalized. */
    uint32_t next = NONE;
    uint32_t at_home = home(c, c->height);
    if (slot >= c->stack_base || !live(c)) {
        slot = at_home;
    } else {
        next = c->local_readers[slot];
        c->local_readers[slot] = c->height;
        c->pending_count++;
    }
    c->stack[c->height++] = (operand){slot, type, next, at_home};
    uint32_t used = at_home + slot_width(type) - c->stack_base;
    if (used > c->max_stack_slots)
        c->max_stack_slots = used;
}

/* Pushes a value into its home slot and returns the slot. */
static inline uint32_t push(compiler *c, uint8_t type)
{
    uint32_t slot = home(c, c->height);
    push_at(c, type, slot);
    return slot;
}

/* Copies a value of `type` from slot a to slot d. Right after another COPY (parallel
 * assignments, arguments, results), both become one COPY2. */
static inline uint32_t emit_copy(compiler *c, uint8_t type, uint32_t d, uint32_t a)
{
    uint32_t last = c->last_cell;
    if (type != ENG_V128 && last != NONE && last + 3 == c->cell_count && c->cells[last] == ENG_OP_COPY) {
        c->cells[last] = ENG_OP_COPY2;
        eng_append_cell(c, d);
        eng_append_cell(c, a);
        c->fresh_cell = NONE;
        return last;
    }
    uint32_t at = emit_opcode(c, type == ENG_V128 ? ENG_OP_COPY_V128 : ENG_OP_COPY, 2);
    CELL(d), CELL(a);
    return at;
}

static inline operand drop_top(compiler *c)
{
    operand value = c->stack[--c->height];
    ENG_ASSERT(value.slot < c->stack_base || value.slot == home(c, c->height));
    if (value.slot < c->stack_base) {
        ENG_ASSERT(c->local_readers[value.slot] == c->height && c->pending_count > 0);
        /* The top operand is the highest reader of its local: the head of its list. */
        c->local_readers[value.slot] = value.next;
        c->pending_count--;
    }
    return value;
}

static inline operand pop(compiler *c, uint8_t expected)
{
    frame *f = top_frame(c);
    c->fresh_cell = NONE;
    if (c->height == f->height) {
        if (f->unreachable)
            return (operand){home(c, c->height), TYPE_UNKNOWN, NONE, home(c, c->height)};
        if (expected == TYPE_UNKNOWN)
            eng_fail(c, "type mismatch: expected a value, found nothing");
        eng_fail(c, "type mismatch: expected %s, found nothing", type_name(expected));
    }
    operand value = drop_top(c);
    if (expected != TYPE_UNKNOWN && value.type != TYPE_UNKNOWN && value.type != expected)
        eng_fail(c, "type mismatch: expected %s, found %s", type_name(expected), type_name(value.type));
    return value;
}

/* Pops values of `types` into c->scratch[0 .. count), deepest first. */
operand *eng_pop_values(compiler *c, const eng_valtype *types, uint32_t count);
/* Pushes popped values back with their declared types, where they were. */
void eng_push_values(compiler *c, const operand *values, const eng_valtype *types, uint32_t count);
void eng_truncate_stack(compiler *c, uint32_t height);
/* Copies the pending operand at `height` into its home slot. The caller empties the
 * local's list of readers: materialization always takes all of them. */
void eng_materialize(compiler *c, uint32_t height);
/* Before local x changes: operands still reading it get their own copy. */
void eng_materialize_local(compiler *c, uint32_t local);
void eng_materialize_all(compiler *c);
/* After unreachable, br, br_table and return: the rest of the frame is polymorphic and dead. */
void eng_set_unreachable(compiler *c);

/* ---- control (compile_control.c) ---- */

static inline uint32_t label_arity(const frame *f) { return f->kind == FRAME_LOOP ? f->param_count : f->result_count; }
static inline const eng_valtype *label_types(const frame *f) { return f->kind == FRAME_LOOP ? f->params : f->results; }
/* The home slot of value i of the label of frame `f` (the operands below the frame are on the stack). */
static inline uint32_t label_home(const compiler *c, const frame *f, uint32_t i)
{
    return home(c, f->height) + eng_values_slots(label_types(f), i);
}

/* Whether the top operand was just written to its home slot by the last instruction. */
static inline bool top_is_fresh(compiler *c)
{
    return c->fresh_cell != NONE && c->fresh_height == c->height && c->height > top_frame(c)->height &&
           c->stack[c->height - 1].slot == home(c, c->height - 1);
}

/* The d operand cell of the last instruction when it computed the top operand, else NONE. */
static inline uint32_t fresh_result(compiler *c) { return top_is_fresh(c) ? c->fresh_cell : NONE; }

void eng_push_frame(compiler *c, uint8_t kind, blocktype bt);
/* `cond` and `fused_cell`: for if, see emit_conditional. */
void eng_enter_block(compiler *c, uint8_t kind, blocktype bt, uint32_t cond, uint32_t fused_cell);

/* Instruction handlers (see instructions.h): eng_compile_HANDLER for each HANDLER of the table. */
void eng_compile_else(compiler *c, const eng_wasm_instruction *instruction);
/* The function's final `end` leaves no frame open (c->depth == 0). */
void eng_compile_end(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_br(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_br_if(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_br_table(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_return(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_call(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_call_indirect(compiler *c, const eng_wasm_instruction *instruction);

/* ---- variables, memory and tables, constants, numeric instructions, select, bulk memory (compile_ops.c) ---- */

uint8_t eng_local_type(compiler *c, uint32_t local);
static inline uint32_t local_slot(const compiler *c, uint32_t local)
{
    return c->wide_locals ? c->local_slots[local] : local;
}
uint32_t eng_read_local(compiler *c);
void eng_require_memory(compiler *c);
/* Reads a memarg (alignment, offset) for an access of 2^natural_alignment_log2 bytes; returns the offset. */
uint32_t eng_read_memarg(compiler *c, uint32_t natural_alignment_log2);
uint32_t eng_read_table(compiler *c);
static inline uint8_t table_type(compiler *c, uint32_t table) { return (uint8_t)c->module->tables[table].element_type; }
/* memory.init and data.drop need the data count section when the module has data segments. */
void eng_require_data_count(compiler *c);
/* Pushes a constant: it reads its slot when it has one, else a CONST instruction writes it. */
void eng_push_constant(compiler *c, uint8_t type, uint32_t low, uint32_t high);

void eng_compile_local_set(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_local_tee(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_global_get(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_global_set(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_load(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_store(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_numeric(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_const(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_select(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_select_typed(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_memory_init(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_data_drop(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_memory_copy(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_memory_fill(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_table_init(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_elem_drop(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_table_copy(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_table_grow(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_table_size(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_table_fill(compiler *c, const eng_wasm_instruction *instruction);

/* ---- SIMD (compile_simd.c): one handler per kind of row ---- */

void eng_compile_simd_load(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_simd_store(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_simd_load_lane(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_simd_store_lane(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_simd_const(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_simd_shuffle(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_simd_splat(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_simd_extract(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_simd_replace(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_simd_unary(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_simd_binary(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_simd_ternary(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_simd_test(compiler *c, const eng_wasm_instruction *instruction);
void eng_compile_simd_shift(compiler *c, const eng_wasm_instruction *instruction);

/* ---- the pre-scan and constant choice (compile_scan.c) ---- */

/* After a validation error. The reference decodes a whole body before validating it, so a
 * decoding error anywhere in the body is the one to report: walk the body decoding only. */
void eng_scan_body(compiler *c, bool collect_constants);
/* Scans the body for its constants and gives the heaviest ones slots. A body that does not
 * decode gets none: compiling it reports the error. */
void eng_choose_constants(compiler *c);
/* Lays out the parameters and locals in slots (local_slot_count, local_slots). */
void eng_layout_locals(compiler *c);

/* ---- instructions (compile.c) ---- */

/* Reads an opcode, with its prefix, and returns its row; an opcode without one is malformed. */
const eng_wasm_instruction *eng_read_instruction(compiler *c);

/* The body ran out before its final `end`. The reference decoder keeps reading past the
 * declared size, so its message depends on what follows; mimic it for clearer reports. */
_Noreturn void eng_fail_missing_end(compiler *c, uint32_t open_blocks);

#endif
