/* compile.c: validates one function body and translates it, in a single pass, into the slot code of code.h. */
#include "code.h"
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
 * Where values live. The operand at stack height h has a home slot, local_count + h. The
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
 * Limits (code.h, WH_CHECK_*). With checks on, every branch back to a loop's label becomes its
 * _BACK form, which looks at the store's stop flag when taken (_BACK_FUEL: and charges fuel);
 * the interpreter checks function entry. For fuel, the code is cut into regions: straight-line code
 * entered only at its top, at function entry, at a loop label or at a label that a forward
 * branch reaches (leaving early through a br_if does not end a region: the whole region is paid
 * on entry). Each region's cost, one unit per wasm instruction, goes to whatever enters it: the
 * function's entry_fuel, a FUEL instruction at a forward label, or the cost operand of each
 * back-edge to a loop label. A loop label reached by falling through is paid by the region that
 * falls into it, so loops need no instruction of their own. Costs are known only when the body
 * is done, so they are filled in then.
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
    uint8_t type;  /* a wh_valtype, or TYPE_UNKNOWN */
    uint32_t next; /* pending: height of the next lower operand reading the same local, or NONE */
} operand;

typedef struct frame {
    uint8_t kind;
    bool unreachable;  /* the spec's flag: the rest of this frame's operand stack is polymorphic */
    bool dead;         /* nothing reaches this point at run time: emit no code */
    bool entered_dead; /* the frame began in dead code, so all of it is dead */
    bool label_used;   /* a forward branch to this frame's label was emitted */
    uint32_t param_count, result_count;
    const wh_valtype *params, *results;
    uint32_t height;        /* operand stack height at entry, parameters excluded */
    uint32_t label_cell;    /* loop: the cell its label points at */
    uint32_t patch_head;    /* forward branches waiting for the label (index into patches) */
    uint32_t else_opcode;   /* if: the BR_UNLESS that jumps to the else branch or the end */
    uint32_t region;        /* loop entered live, with fuel: the fuel region its label starts */
    /* br_table bookkeeping, valid while the fields' serial equals the table's */
    uint32_t table_serial;  /* label already checked against the operands */
    uint32_t stub_serial;   /* needs_stub and stub_cell computed */
    bool needs_stub;        /* the values must be copied: jump to a stub at stub_cell */
    uint32_t stub_cell;
} frame;

typedef struct patch {
    uint32_t operand_cell; /* cell holding the branch target */
    uint32_t opcode_cell;  /* the branch instruction, which targets are relative to */
    uint32_t next;
} patch;

/* A fuel region (see the top of the file). */
typedef struct region {
    uint64_t cost;      /* its instructions; once resolved, plus what it falls into */
    uint32_t next_loop; /* the loop region it falls into at its end, or NONE */
} region;

/* A cell that receives a region's cost when the body is done. */
typedef struct region_use {
    uint32_t cell;
    uint32_t region;
} region_use;

typedef struct blocktype {
    uint32_t param_count, result_count;
    const wh_valtype *params, *results;
} blocktype;

typedef struct compiler {
    jmp_buf on_error;
    wh_error *error;
    bool malformed; /* the error is a decoding error, not a validation error */
    bool scanning;  /* decoding only: looking for a decoding error after a validation error */
    wh_error *invalid; /* the validation error, while scanning */

    const wh_module *module;
    uint32_t func_index;
    const wh_func_def *def;
    const wh_functype *type;

    const uint8_t *body, *pos, *end;
    const uint8_t *instr; /* start of the instruction being compiled, for messages and backtraces */

    uint32_t local_count;          /* params + declared locals + constant slots */
    uint32_t declared_local_count; /* params + declared locals: what local.get may name */
    /* Constants with slots of their own (see code.h), found by a scan before compiling. */
    uint64_t *constants;
    uint32_t constant_count;
    struct constant_use { uint64_t bits; uint64_t weight; } *constant_uses; /* the scan's tally */
    uint32_t constant_use_count;
    /* Pending operands, per local as a list from the highest: materializing a local costs only
     * its own readers, however deep the stack. */
    uint32_t *local_readers; /* per local: height of the highest operand reading it, or NONE */
    uint32_t local_reader_capacity;
    uint32_t pending_count;  /* all pending operands */

    operand *stack;
    uint32_t height, stack_capacity, max_height;

    frame *frames;
    uint32_t depth, frame_capacity;

    uint32_t *cells;
    uint32_t cell_count, cell_capacity, cell_limit;
    wh_code_offset *offsets;
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

    uint32_t call_slots; /* highest base + max(params, results) of any call */

    /* Limits: the checks compiled in, and the fuel regions. */
    uint32_t checks;
    bool fuel;
    region *regions;
    uint32_t region_count, region_capacity;
    uint32_t region; /* the region code is being added to */
    region_use *region_uses;
    uint32_t region_use_count, region_use_capacity;
} compiler;

static bool is_ref(uint8_t type) { return type == WH_FUNCREF || type == WH_EXTERNREF; }

static const wh_valtype single_types[] = {WH_I32, WH_I64, WH_F32, WH_F64, WH_FUNCREF, WH_EXTERNREF};

/* ---- errors and memory ---- */

static const char *type_name(uint8_t type)
{
    switch (type) {
    case WH_I32: return "i32";
    case WH_I64: return "i64";
    case WH_F32: return "f32";
    case WH_F64: return "f64";
    case WH_V128: return "v128";
    case WH_FUNCREF: return "funcref";
    case WH_EXTERNREF: return "externref";
    case TYPE_UNKNOWN: return "any value";
    default: return "an invalid type";
    }
}

static uint32_t instr_offset(const compiler *c)
{
    return c->def->body_offset + (uint32_t)(c->instr - c->body);
}

static _Noreturn void fail_with(compiler *c, bool malformed, const char *format, va_list args)
{
    wh_error *error = wh_error_newv(format, args);
    c->error = wh_error_wrap(error, "function %u at offset 0x%x", c->func_index, instr_offset(c));
    c->malformed = malformed;
    longjmp(c->on_error, 1);
}

/* The body breaks a validation rule. */
static _Noreturn __attribute__((format(printf, 2, 3))) void fail(compiler *c, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fail_with(c, false, format, args);
}

/* The body cannot be decoded. */
static _Noreturn __attribute__((format(printf, 2, 3))) void malformed(compiler *c, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fail_with(c, true, format, args);
}

/* Grows *array to hold at least `needed` elements of `size` bytes. */
static void reserve(compiler *c, void **array, uint32_t *capacity, uint64_t needed, size_t size)
{
    if (needed <= *capacity)
        return;
    uint64_t grown = *capacity ? (uint64_t)*capacity * 2 : 16;
    if (grown < needed)
        grown = needed;
    if (grown > UINT32_MAX)
        fail(c, "function too large to compile");
    void *resized = realloc(*array, (size_t)grown * size);
    if (!resized)
        fail(c, "out of memory while compiling");
    *array = resized;
    *capacity = (uint32_t)grown;
}

/* ---- reading the body ---- */

static _Noreturn void fail_end(compiler *c)
{
    malformed(c, "unexpected end of section or function");
}

static uint8_t read_byte(compiler *c)
{
    if (c->pos >= c->end)
        fail_end(c);
    return *c->pos++;
}

static uint32_t read_u32(compiler *c)
{
    uint32_t result = 0;
    for (int shift = 0;; shift += 7) {
        uint8_t byte = read_byte(c);
        if (shift == 28) {
            if (byte & 0x80)
                malformed(c, "integer representation too long");
            if (byte & 0x70)
                malformed(c, "integer too large");
            return result | (uint32_t)byte << 28;
        }
        result |= (uint32_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return result;
    }
}

/* Signed LEB128 of `bits` bits (32, 33 or 64). */
static int64_t read_signed(compiler *c, int bits)
{
    uint64_t result = 0;
    for (int shift = 0;; shift += 7) {
        uint8_t byte = read_byte(c);
        if (bits - shift <= 7) {
            /* Last possible byte: the unused high bits must all equal the sign bit. */
            if (byte & 0x80)
                malformed(c, "integer representation too long");
            int used = bits - shift; /* value bits in this byte, the top one being the sign */
            uint8_t high = (uint8_t)(byte & 0x7f) >> (used - 1);
            if (high != 0 && high != (0x7f >> (used - 1)))
                malformed(c, "integer too large");
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

static uint32_t read_fixed(compiler *c, int bytes, uint32_t *high)
{
    if (c->end - c->pos < bytes)
        fail_end(c);
    uint64_t value = 0;
    for (int i = 0; i < bytes; i++)
        value |= (uint64_t)c->pos[i] << (8 * i);
    c->pos += bytes;
    if (high)
        *high = (uint32_t)(value >> 32);
    return (uint32_t)value;
}

static void read_zero_byte(compiler *c)
{
    if (read_byte(c) != 0)
        malformed(c, "zero byte expected");
}

static uint8_t read_valtype(compiler *c)
{
    uint8_t byte = read_byte(c);
    switch (byte) {
    case WH_I32: case WH_I64: case WH_F32: case WH_F64: case WH_FUNCREF: case WH_EXTERNREF:
        return byte;
    case WH_V128:
        malformed(c, "v128 values are not supported (SIMD is not implemented)");
    default:
        malformed(c, "malformed value type 0x%02x", byte);
    }
}

static blocktype read_blocktype(compiler *c)
{
    blocktype bt = {0, 0, NULL, NULL};
    if (c->pos >= c->end)
        fail_end(c);
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
    if (byte == WH_V128)
        malformed(c, "v128 values are not supported (SIMD is not implemented)");
    int64_t index = read_signed(c, 33);
    if (index < 0)
        malformed(c, "malformed block type");
    if (c->scanning)
        return bt;
    if (index >= c->module->type_count)
        fail(c, "unknown type %lld", (long long)index);
    const wh_functype *type = &c->module->types[index];
    bt.param_count = type->param_count;
    bt.result_count = type->result_count;
    bt.params = functype_params(type);
    bt.results = functype_results(type);
    return bt;
}

/* ---- emitting code ---- */

static frame *top_frame(compiler *c) { return &c->frames[c->depth - 1]; }
static bool live(compiler *c) { return !top_frame(c)->dead; }
static uint32_t home(const compiler *c, uint32_t height) { return c->local_count + height; }

static uint32_t emit_opcode(compiler *c, wh_opcode opcode, int operand_count)
{
    if ((uint64_t)c->cell_count + 1 + (uint32_t)operand_count > c->cell_limit)
        fail(c, "function too large to compile (its code would exceed %u cells)", c->cell_limit);
    reserve(c, (void **)&c->cells, &c->cell_capacity, (uint64_t)c->cell_count + 1 + (uint32_t)operand_count,
            sizeof *c->cells);
    c->fresh_cell = NONE;
    uint32_t at = c->cell_count;
    c->cells[c->cell_count++] = opcode;
    c->before_last_cell = c->last_cell;
    c->last_cell = at;
    return at;
}

/* Removes the last emitted instruction, to emit a fused one in its place. */
static void unemit_last(compiler *c)
{
    c->cell_count = c->last_cell;
    c->last_cell = c->before_last_cell;
    c->before_last_cell = NONE;
}

#define CELL(value) (c->cells[c->cell_count++] = (uint32_t)(value))

/* Adds one operand cell to the last emitted instruction; returns its index. */
static uint32_t append_cell(compiler *c, uint32_t value)
{
    if ((uint64_t)c->cell_count + 1 > c->cell_limit)
        fail(c, "function too large to compile (its code would exceed %u cells)", c->cell_limit);
    reserve(c, (void **)&c->cells, &c->cell_capacity, (uint64_t)c->cell_count + 1, sizeof *c->cells);
    c->cells[c->cell_count] = value;
    return c->cell_count++;
}

/* ---- limits: fuel regions and back-edges ---- */

/* Starts a fuel region: code compiled from here on is charged to it. */
static uint32_t open_region(compiler *c)
{
    reserve(c, (void **)&c->regions, &c->region_capacity, (uint64_t)c->region_count + 1, sizeof *c->regions);
    c->regions[c->region_count] = (region){0, NONE};
    c->region = c->region_count;
    return c->region_count++;
}

/* Cell `cell` is to hold region `r`'s cost. */
static void use_region(compiler *c, uint32_t cell, uint32_t r)
{
    reserve(c, (void **)&c->region_uses, &c->region_use_capacity, (uint64_t)c->region_use_count + 1,
            sizeof *c->region_uses);
    c->region_uses[c->region_use_count++] = (region_use){cell, r};
}

/* The back-edge form of a branch opcode: _BACK_FUEL when charging fuel, else _BACK (code.h
 * lists both families in the order of the branches). */
static wh_opcode back_edge_form(uint32_t op, bool fuel)
{
    _Static_assert(WH_OP_I32_ADD_BR_IF_LT_U - WH_OP_BR_IF_I32_EQ ==
                           WH_OP_I32_ADD_BR_IF_LT_U_BACK - WH_OP_BR_IF_I32_EQ_BACK &&
                       WH_OP_I32_ADD_BR_IF_LT_U - WH_OP_BR_IF_I32_EQ ==
                           WH_OP_I32_ADD_BR_IF_LT_U_BACK_FUEL - WH_OP_BR_IF_I32_EQ_BACK_FUEL,
                   "the fused branches and their back-edge forms must be listed in the same order");
    switch (op) {
    case WH_OP_BR: return fuel ? WH_OP_BR_BACK_FUEL : WH_OP_BR_BACK;
    case WH_OP_BR_IF: return fuel ? WH_OP_BR_IF_BACK_FUEL : WH_OP_BR_IF_BACK;
    case WH_OP_BR_UNLESS: return fuel ? WH_OP_BR_UNLESS_BACK_FUEL : WH_OP_BR_UNLESS_BACK;
    default:
        if (op >= WH_OP_BR_IF_I32_EQ && op <= WH_OP_I32_ADD_BR_IF_LT_U)
            return (wh_opcode)((fuel ? WH_OP_BR_IF_I32_EQ_BACK_FUEL : WH_OP_BR_IF_I32_EQ_BACK) +
                               (op - WH_OP_BR_IF_I32_EQ));
        return WH_OP_COUNT;
    }
}

static uint32_t emit_opcode_with(compiler *c, wh_opcode op, const uint32_t *operands, int count)
{
    uint32_t at = emit_opcode(c, op, count);
    for (int i = 0; i < count; i++)
        c->cells[c->cell_count++] = operands[i];
    return at;
}

static uint32_t emit0(compiler *c, wh_opcode op) { return emit_opcode(c, op, 0); }
static uint32_t emit1(compiler *c, wh_opcode op, uint32_t a)
{
    uint32_t at = emit_opcode(c, op, 1);
    CELL(a);
    return at;
}
static uint32_t emit2(compiler *c, wh_opcode op, uint32_t a, uint32_t b)
{
    uint32_t at = emit_opcode(c, op, 2);
    CELL(a), CELL(b);
    return at;
}
static uint32_t emit3(compiler *c, wh_opcode op, uint32_t a, uint32_t b, uint32_t d)
{
    uint32_t at = emit_opcode(c, op, 3);
    CELL(a), CELL(b), CELL(d);
    return at;
}
static uint32_t emit4(compiler *c, wh_opcode op, uint32_t a, uint32_t b, uint32_t d, uint32_t e)
{
    uint32_t at = emit_opcode(c, op, 4);
    CELL(a), CELL(b), CELL(d), CELL(e);
    return at;
}
static uint32_t emit5(compiler *c, wh_opcode op, uint32_t a, uint32_t b, uint32_t d, uint32_t e, uint32_t f)
{
    uint32_t at = emit_opcode(c, op, 5);
    CELL(a), CELL(b), CELL(d), CELL(e), CELL(f);
    return at;
}

/* Remembers that the instruction at `at` trapping or calling maps back to the current wasm instruction. */
static void record_offset(compiler *c, uint32_t at)
{
    reserve(c, (void **)&c->offsets, &c->offset_capacity, (uint64_t)c->offset_count + 1, sizeof *c->offsets);
    c->offsets[c->offset_count++] = (wh_code_offset){at, instr_offset(c)};
}

/* The instruction at `at` just wrote the top operand (its first operand is d). */
static void set_fresh(compiler *c, uint32_t at)
{
    c->fresh_cell = at + 1;
    c->fresh_height = c->height;
}

/* A branch may land here: the previous instruction no longer directly precedes what follows. */
static void place_label(compiler *c)
{
    c->fresh_cell = NONE;
    c->last_cell = NONE;
    c->before_last_cell = NONE;
}

static void patch_to_here(compiler *c, uint32_t opcode_cell, uint32_t operand_cell)
{
    c->cells[operand_cell] = c->cell_count - opcode_cell;
}

/* ---- the operand stack ---- */

static void push_at(compiler *c, uint8_t type, uint32_t slot)
{
    reserve(c, (void **)&c->stack, &c->stack_capacity, (uint64_t)c->height + 1, sizeof *c->stack);
    /* Values live at home or in a local; anything else (from dead code) is normalized. */
    uint32_t next = NONE;
    if (slot >= c->local_count || !live(c)) {
        slot = home(c, c->height);
    } else {
        next = c->local_readers[slot];
        c->local_readers[slot] = c->height;
        c->pending_count++;
    }
    c->stack[c->height++] = (operand){slot, type, next};
    if (c->height > c->max_height)
        c->max_height = c->height;
}

/* Pushes a value into its home slot and returns the slot. */
static uint32_t push(compiler *c, uint8_t type)
{
    uint32_t slot = home(c, c->height);
    push_at(c, type, slot);
    return slot;
}

static operand drop_top(compiler *c)
{
    operand value = c->stack[--c->height];
    if (value.slot < c->local_count) {
        /* The top operand is the highest reader of its local: the head of its list. */
        c->local_readers[value.slot] = value.next;
        c->pending_count--;
    }
    return value;
}

static operand pop(compiler *c, uint8_t expected)
{
    frame *f = top_frame(c);
    c->fresh_cell = NONE;
    if (c->height == f->height) {
        if (f->unreachable)
            return (operand){home(c, c->height), TYPE_UNKNOWN, NONE};
        if (expected == TYPE_UNKNOWN)
            fail(c, "type mismatch: expected a value, found nothing");
        fail(c, "type mismatch: expected %s, found nothing", type_name(expected));
    }
    operand value = drop_top(c);
    if (expected != TYPE_UNKNOWN && value.type != TYPE_UNKNOWN && value.type != expected)
        fail(c, "type mismatch: expected %s, found %s", type_name(expected), type_name(value.type));
    return value;
}

/* Pops values of `types` into c->scratch[0 .. count), deepest first. */
static operand *pop_values(compiler *c, const wh_valtype *types, uint32_t count)
{
    reserve(c, (void **)&c->scratch, &c->scratch_capacity, count, sizeof *c->scratch);
    for (uint32_t i = count; i-- > 0;)
        c->scratch[i] = pop(c, (uint8_t)types[i]);
    return c->scratch;
}

/* Pushes popped values back with their declared types, where they were. */
static void push_values(compiler *c, const operand *values, const wh_valtype *types, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++)
        push_at(c, (uint8_t)types[i], values[i].slot);
}

static void truncate_stack(compiler *c, uint32_t height)
{
    while (c->height > height)
        drop_top(c);
}

/* Copies the pending operand at `height` into its home slot. The caller empties the
 * local's list of readers: materialization always takes all of them. */
static void materialize(compiler *c, uint32_t height)
{
    operand *value = &c->stack[height];
    if (live(c))
        emit2(c, WH_OP_COPY, home(c, height), value->slot);
    c->pending_count--;
    value->slot = home(c, height);
    value->next = NONE;
}

/* Before local x changes: operands still reading it get their own copy. */
static void materialize_local(compiler *c, uint32_t local)
{
    for (uint32_t h = c->local_readers[local]; h != NONE;) {
        uint32_t next = c->stack[h].next;
        materialize(c, h);
        h = next;
    }
    c->local_readers[local] = NONE;
}

static void materialize_all(compiler *c)
{
    for (uint32_t h = c->height; h-- > 0 && c->pending_count > 0;) {
        if (c->stack[h].slot < c->local_count) {
            c->local_readers[c->stack[h].slot] = NONE;
            materialize(c, h);
        }
    }
}

/* After unreachable, br, br_table and return: the rest of the frame is polymorphic and dead. */
static void set_unreachable(compiler *c)
{
    frame *f = top_frame(c);
    truncate_stack(c, f->height);
    f->unreachable = true;
    f->dead = true;
    c->fresh_cell = NONE;
}

/* ---- control ---- */

static uint32_t label_arity(const frame *f) { return f->kind == FRAME_LOOP ? f->param_count : f->result_count; }
static const wh_valtype *label_types(const frame *f) { return f->kind == FRAME_LOOP ? f->params : f->results; }

static frame *read_label(compiler *c)
{
    uint32_t depth = read_u32(c);
    if (depth >= c->depth)
        fail(c, "unknown label %u", depth);
    return &c->frames[c->depth - 1 - depth];
}

static void push_frame(compiler *c, uint8_t kind, blocktype bt)
{
    bool dead = c->depth > 0 && live(c) == false;
    reserve(c, (void **)&c->frames, &c->frame_capacity, (uint64_t)c->depth + 1, sizeof *c->frames);
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

/* Whether the top operand was just written to its home slot by the last instruction. */
static bool top_is_fresh(compiler *c)
{
    return c->fresh_cell != NONE && c->fresh_height == c->height && c->height > top_frame(c)->height &&
           c->stack[c->height - 1].slot == home(c, c->height - 1);
}

/* The d operand cell of the last instruction when it computed the top operand, else NONE. */
static uint32_t fresh_result(compiler *c)
{
    return top_is_fresh(c) ? c->fresh_cell : NONE;
}

/* The fused compare-and-branch that replaces `compare` followed by a jump taken when its
 * result is `when_true`; WH_OP_COUNT when there is none. */
static wh_opcode fused_branch(uint32_t compare, bool when_true)
{
    static const struct { wh_opcode compare, if_true, if_false; } table[] = {
#define PAIR(T, A, B) {WH_OP_##T##_##A, WH_OP_BR_IF_##T##_##A, WH_OP_BR_IF_##T##_##B}, \
                      {WH_OP_##T##_##B, WH_OP_BR_IF_##T##_##B, WH_OP_BR_IF_##T##_##A},
        PAIR(I32, EQ, NE) PAIR(I32, LT_S, GE_S) PAIR(I32, LT_U, GE_U) PAIR(I32, GT_S, LE_S) PAIR(I32, GT_U, LE_U)
        PAIR(I64, EQ, NE) PAIR(I64, LT_S, GE_S) PAIR(I64, LT_U, GE_U) PAIR(I64, GT_S, LE_S) PAIR(I64, GT_U, LE_U)
#undef PAIR
        {WH_OP_I32_EQZ, WH_OP_BR_UNLESS, WH_OP_BR_IF},
        {WH_OP_I64_EQZ, WH_OP_BR_IF_I64_EQZ, WH_OP_BR_IF_I64_NEZ},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].compare == compare)
            return when_true ? table[i].if_true : table[i].if_false;
    return WH_OP_COUNT;
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
        int count = wh_opcode_operand_count[compare];
        wh_opcode fused = fused_branch(compare, when_true);
        if (fused != WH_OP_COUNT && at + 1 + (uint32_t)count == c->cell_count) {
            wh_opcode with_add = fused == WH_OP_BR_IF_I32_NE     ? WH_OP_I32_ADD_BR_IF_NE
                                 : fused == WH_OP_BR_IF_I32_LT_S ? WH_OP_I32_ADD_BR_IF_LT_S
                                 : fused == WH_OP_BR_IF_I32_LT_U ? WH_OP_I32_ADD_BR_IF_LT_U
                                                                 : WH_OP_COUNT;
            uint32_t step = c->before_last_cell;
            if (with_add != WH_OP_COUNT && step != NONE && step + 4 == at && c->cells[step] == WH_OP_I32_ADD) {
                /* The loop's step just before its test (a two-operand compare): one instruction for both. */
                uint32_t x = c->cells[at + 2], y = c->cells[at + 3];
                uint32_t d = c->cells[step + 1], a = c->cells[step + 2], b = c->cells[step + 3];
                unemit_last(c);
                unemit_last(c);
                return emit_opcode_with(c, with_add, (uint32_t[]){d, a, b, x, y, 0}, 6);
            }
            for (int i = 1; i < count; i++)
                c->cells[at + i] = c->cells[at + i + 1];
            c->cells[at] = fused;
            c->cells[at + (uint32_t)count] = 0;
            c->fresh_cell = NONE;
            return at;
        }
    }
    return emit2(c, when_true ? WH_OP_BR_IF : WH_OP_BR_UNLESS, cond, 0);
}

/* The cell holding the target of the branch whose opcode is at `at` (always its last operand). */
static uint32_t target_cell(const compiler *c, uint32_t at)
{
    return at + (uint32_t)wh_opcode_operand_count[c->cells[at]];
}

/* Emits a jump (BR when cond is NONE, else BR_IF on `cond`, see emit_conditional) to the
 * label of `target`. */
static void emit_jump(compiler *c, uint32_t cond, uint32_t fused_cell, frame *target)
{
    uint32_t at = cond == NONE ? emit1(c, WH_OP_BR, 0) : emit_conditional(c, true, cond, fused_cell);
    uint32_t operand_cell = c->cell_count - 1;
    if (target->kind == FRAME_LOOP) {
        c->cells[operand_cell] = target->label_cell - at;
        if (c->checks) {
            /* A back-edge: the branch (the last instruction emitted) takes its back-edge form,
             * with a cost operand when charging fuel. */
            wh_opcode back = back_edge_form(c->cells[at], c->fuel);
            if (back == WH_OP_COUNT)
                fail(c, "internal error: no back-edge form of %s", wh_opcode_name[c->cells[at]]);
            c->cells[at] = back;
            /* It may trap (fuel, deadline): backtraces name this br. Offsets stay sorted, as
             * nothing after `at` has one. */
            if (c->offset_count == 0 || c->offsets[c->offset_count - 1].cell < at)
                record_offset(c, at);
            if (c->fuel)
                use_region(c, append_cell(c, 0), target->region);
        }
        return;
    }
    reserve(c, (void **)&c->patches, &c->patch_capacity, (uint64_t)c->patch_count + 1, sizeof *c->patches);
    c->patches[c->patch_count] = (patch){operand_cell, at, target->patch_head};
    target->patch_head = c->patch_count++;
    target->label_used = true;
}

/* Copies the results (values[i] was at stack height `height` + i) into fp[0 ..) and returns.
 * `fresh_cell`: see fresh_result(). */
static void emit_return(compiler *c, const operand *values, uint32_t height, uint32_t fresh_cell)
{
    uint32_t count = c->type->result_count;
    if (count == 1 && fresh_cell != NONE) {
        /* The instruction that computed the only result writes it to fp[0] directly. */
        c->cells[fresh_cell] = 0;
        emit0(c, WH_OP_RETURN);
        return;
    }
    reserve(c, (void **)&c->sources, &c->source_capacity, count, sizeof *c->sources);
    uint32_t *sources = c->sources;
    /* Copies go in ascending order. A home slot is never below its destination, so only a
     * local source below its destination (e.g. returning local 1 then local 0) could be
     * overwritten first: those go home beforehand. */
    for (uint32_t i = 0; i < count; i++) {
        sources[i] = values[i].slot;
        if (sources[i] < i) {
            emit2(c, WH_OP_COPY, home(c, height + i), sources[i]);
            sources[i] = home(c, height + i);
        }
    }
    for (uint32_t i = 0; i < count; i++)
        if (sources[i] != i)
            emit2(c, WH_OP_COPY, i, sources[i]);
    emit0(c, WH_OP_RETURN);
}

/* Whether branching to `target` with `values` on top of the stack needs copies. */
static bool branch_needs_moves(compiler *c, const frame *target, const operand *values)
{
    if (target->kind == FRAME_FUNCTION)
        return true;
    uint32_t arity = label_arity(target);
    for (uint32_t i = 0; i < arity; i++)
        if (values[i].slot != home(c, target->height + i))
            return true;
    return false;
}

/* Unconditional branch: copies the label's values (values[i] was at height `height` + i) to
 * the target's home slots, then jumps. Ascending copies are safe: every source is a local or
 * a home slot at or above its destination. */
static void emit_branch(compiler *c, frame *target, const operand *values, uint32_t height, uint32_t fresh_cell)
{
    if (target->kind == FRAME_FUNCTION) {
        emit_return(c, values, height, fresh_cell);
        return;
    }
    uint32_t arity = label_arity(target);
    for (uint32_t i = 0; i < arity; i++) {
        uint32_t destination = home(c, target->height + i);
        if (values[i].slot != destination)
            emit2(c, WH_OP_COPY, destination, values[i].slot);
    }
    emit_jump(c, NONE, NONE, target);
}

/* `cond` and `fused_cell`: for if, see emit_conditional. */
static void enter_block(compiler *c, uint8_t kind, blocktype bt, uint32_t cond, uint32_t fused_cell)
{
    operand *params = pop_values(c, bt.params, bt.param_count);
    push_values(c, params, bt.params, bt.param_count);
    bool was_live = live(c);
    if (was_live)
        materialize_all(c);
    uint32_t else_opcode = NONE;
    if (was_live && kind == FRAME_IF)
        else_opcode = emit_conditional(c, false, cond, fused_cell);
    push_frame(c, kind, bt);
    frame *f = top_frame(c);
    f->else_opcode = else_opcode;
    if (kind == FRAME_LOOP) {
        f->label_cell = c->cell_count;
        place_label(c);
        if (c->fuel && was_live) {
            /* Entering by falling through is paid by the region before the label. */
            uint32_t before = c->region;
            f->region = open_region(c);
            c->regions[before].next_loop = f->region;
        }
    }
}

/* A label that branches reach starts a fuel region, paid by a FUEL instruction there. */
static void start_branch_target_region(compiler *c)
{
    if (!c->fuel)
        return;
    uint32_t r = open_region(c);
    record_offset(c, emit1(c, WH_OP_FUEL, 0));
    use_region(c, c->cell_count - 1, r);
}

/* Checks that the frame's stack holds exactly its results; leaves them popped in scratch. */
static operand *pop_results(compiler *c, frame *f)
{
    operand *results = pop_values(c, f->results, f->result_count);
    if (c->height != f->height)
        fail(c, "type mismatch: %u more value%s on the stack than the block's %u result%s", c->height - f->height,
             c->height - f->height == 1 ? "" : "s", f->result_count, f->result_count == 1 ? "" : "s");
    return results;
}

/* Moves the frame's results (just popped, as `results`) to their home slots. */
static void materialize_results(compiler *c, frame *f, const operand *results)
{
    for (uint32_t i = 0; i < f->result_count; i++)
        if (results[i].slot != home(c, f->height + i))
            emit2(c, WH_OP_COPY, home(c, f->height + i), results[i].slot);
}

static void compile_else(compiler *c)
{
    frame *f = top_frame(c);
    if (f->kind != FRAME_IF)
        malformed(c, "END opcode expected (else without a matching if)");
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

/* Returns true when the function's final `end` was compiled. */
static bool compile_end(compiler *c)
{
    frame *f = top_frame(c);
    uint32_t fresh_cell = fresh_result(c);
    operand *results = pop_results(c, f);
    if (f->kind == FRAME_IF) {
        /* A missing else passes the parameters through as the results. */
        bool same = f->param_count == f->result_count;
        for (uint32_t i = 0; same && i < f->param_count; i++)
            same = f->params[i] == f->results[i];
        if (!same)
            fail(c, "type mismatch: if without else must have the same parameter and result types");
    }
    bool falls_through = !f->dead;
    if (f->kind == FRAME_FUNCTION) {
        if (falls_through)
            emit_return(c, results, 0, fresh_cell);
        c->depth--;
        return true;
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
    const wh_valtype *result_types = f->results;
    c->depth--;
    top_frame(c)->dead = !reachable;
    if (targeted)
        start_branch_target_region(c);
    for (uint32_t i = 0; i < result_count; i++)
        push(c, (uint8_t)result_types[i]);
    return false;
}

static void compile_br(compiler *c)
{
    frame *target = read_label(c);
    uint32_t fresh_cell = fresh_result(c);
    operand *values = pop_values(c, label_types(target), label_arity(target));
    if (live(c))
        emit_branch(c, target, values, c->height, fresh_cell);
    set_unreachable(c);
}

static void compile_br_if(compiler *c)
{
    frame *target = read_label(c);
    uint32_t fused_cell = fresh_result(c);
    operand cond = pop(c, WH_I32);
    uint32_t arity = label_arity(target);
    const wh_valtype *types = label_types(target);
    operand *values = pop_values(c, types, arity);
    uint32_t height = c->height;
    push_values(c, values, types, arity);
    if (!live(c))
        return;
    if (branch_needs_moves(c, target, values)) {
        uint32_t skip = emit_conditional(c, false, cond.slot, fused_cell);
        emit_branch(c, target, values, height, NONE);
        patch_to_here(c, skip, target_cell(c, skip));
        place_label(c);
    } else {
        emit_jump(c, cond.slot, fused_cell, target);
    }
}

static void compile_br_table(compiler *c)
{
    uint32_t count = read_u32(c);
    /* Every target takes at least one byte: check before allocating. */
    if (count >= (uint64_t)(c->end - c->pos))
        fail_end(c);
    reserve(c, (void **)&c->targets, &c->target_capacity, (uint64_t)count + 1, sizeof *c->targets);
    for (uint32_t i = 0; i <= count; i++)
        c->targets[i] = read_u32(c);
    operand index = pop(c, WH_I32);
    for (uint32_t i = 0; i <= count; i++)
        if (c->targets[i] >= c->depth)
            fail(c, "unknown label %u", c->targets[i]);

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
            fail(c, "type mismatch: br_table targets have different numbers of values (%u and %u)",
                 label_arity(target), arity);
        /* Pushed back as popped: an unknown operand stays unknown for the next label. */
        operand *values = pop_values(c, label_types(target), arity);
        for (uint32_t k = 0; k < arity; k++)
            push_at(c, values[k].type, values[k].slot);
    }
    operand *values = pop_values(c, label_types(fallback), arity);
    uint32_t height = c->height;

    if (live(c)) {
        if ((uint64_t)c->cell_count + 3 + count + 1 > c->cell_limit)
            fail(c, "function too large to compile (its code would exceed %u cells)", c->cell_limit);
        uint32_t at = emit_opcode(c, WH_OP_BR_TABLE, 0);
        reserve(c, (void **)&c->cells, &c->cell_capacity, (uint64_t)c->cell_count + 2 + count + 1, sizeof *c->cells);
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
                target->needs_stub = branch_needs_moves(c, target, values) ||
                                     (c->checks && target->kind == FRAME_LOOP);
            }
            if (target->needs_stub)
                continue;
            uint32_t operand_cell = first + i;
            if (target->kind == FRAME_LOOP) {
                c->cells[operand_cell] = target->label_cell - at;
            } else {
                reserve(c, (void **)&c->patches, &c->patch_capacity, (uint64_t)c->patch_count + 1,
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
                emit_branch(c, target, values, height, NONE);
            }
            c->cells[first + i] = target->stub_cell - at;
        }
    }
    set_unreachable(c);
}

static void compile_return(compiler *c)
{
    uint32_t fresh_cell = fresh_result(c);
    operand *values = pop_values(c, functype_results(c->type), c->type->result_count);
    if (live(c))
        emit_return(c, values, c->height, fresh_cell);
    set_unreachable(c);
}

/* Pops the arguments of `type` and copies them into consecutive home slots; returns the base. */
static uint32_t pop_arguments(compiler *c, const wh_functype *type)
{
    operand *args = pop_values(c, functype_params(type), type->param_count);
    uint32_t base = home(c, c->height);
    if (live(c)) {
        for (uint32_t i = 0; i < type->param_count; i++)
            if (args[i].slot != base + i)
                emit2(c, WH_OP_COPY, base + i, args[i].slot);
        uint32_t area = type->param_count > type->result_count ? type->param_count : type->result_count;
        if (base + area > c->call_slots)
            c->call_slots = base + area;
    }
    return base;
}

static void push_results(compiler *c, const wh_functype *type)
{
    for (uint32_t i = 0; i < type->result_count; i++)
        push(c, (uint8_t)functype_results(type)[i]);
}

static void compile_call(compiler *c)
{
    uint32_t func = read_u32(c);
    if (func >= c->module->func_count)
        fail(c, "unknown function %u", func);
    const wh_functype *type = module_func_type(c->module, func);
    uint32_t base = pop_arguments(c, type);
    if (live(c))
        record_offset(c, emit2(c, WH_OP_CALL, func, base));
    push_results(c, type);
}

static void compile_call_indirect(compiler *c)
{
    uint32_t type_index = read_u32(c);
    uint32_t table = read_u32(c);
    if (type_index >= c->module->type_count)
        fail(c, "unknown type %u", type_index);
    if (table >= c->module->table_count)
        fail(c, "unknown table %u", table);
    if (c->module->tables[table].element_type != WH_FUNCREF)
        fail(c, "type mismatch: call_indirect needs a funcref table, table %u holds %s", table,
             type_name((uint8_t)c->module->tables[table].element_type));
    const wh_functype *type = &c->module->types[type_index];
    operand elem = pop(c, WH_I32);
    uint32_t base = pop_arguments(c, type);
    if (live(c))
        record_offset(c, emit4(c, WH_OP_CALL_INDIRECT, type_index, table, elem.slot, base));
    push_results(c, type);
}

/* ---- variables ---- */

static uint8_t local_type(compiler *c, uint32_t local)
{
    uint32_t param_count = c->type->param_count;
    if (local < param_count)
        return (uint8_t)functype_params(c->type)[local];
    return (uint8_t)c->def->local_types[local - param_count];
}

static uint32_t read_local(compiler *c)
{
    uint32_t local = read_u32(c);
    if (local >= c->declared_local_count)
        fail(c, "unknown local %u", local);
    return local;
}

static void compile_local_set(compiler *c, bool tee)
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

static void compile_global(compiler *c, bool set)
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

static void require_memory(compiler *c)
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

typedef struct memory_op {
    uint16_t op;
    uint8_t alignment_log2;
    uint8_t type;
} memory_op;

static const memory_op loads[] = {
    /* 0x28 .. 0x35 */
    {WH_OP_I32_LOAD, 2, WH_I32},     {WH_OP_I64_LOAD, 3, WH_I64},     {WH_OP_F32_LOAD, 2, WH_F32},
    {WH_OP_F64_LOAD, 3, WH_F64},     {WH_OP_I32_LOAD8_S, 0, WH_I32},  {WH_OP_I32_LOAD8_U, 0, WH_I32},
    {WH_OP_I32_LOAD16_S, 1, WH_I32}, {WH_OP_I32_LOAD16_U, 1, WH_I32}, {WH_OP_I64_LOAD8_S, 0, WH_I64},
    {WH_OP_I64_LOAD8_U, 0, WH_I64},  {WH_OP_I64_LOAD16_S, 1, WH_I64}, {WH_OP_I64_LOAD16_U, 1, WH_I64},
    {WH_OP_I64_LOAD32_S, 2, WH_I64}, {WH_OP_I64_LOAD32_U, 2, WH_I64},
};

static const memory_op stores[] = {
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

static void compile_load(compiler *c, const memory_op *load)
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

static void compile_store(compiler *c, const memory_op *store)
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

static uint32_t read_table(compiler *c)
{
    uint32_t table = read_u32(c);
    if (table >= c->module->table_count)
        fail(c, "unknown table %u", table);
    return table;
}

static uint8_t table_type(compiler *c, uint32_t table) { return (uint8_t)c->module->tables[table].element_type; }

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
static void require_data_count(compiler *c)
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

typedef struct numeric_op {
    uint16_t op;
    uint8_t a, b;   /* operand types; b == 0 for unary instructions */
    uint8_t result; /* 0: reinterpretation (same bits, new type) */
    bool traps;
} numeric_op;

#define UNARY(code, name, in, out) [code - 0x45] = {WH_OP_##name, in, 0, out, false}
#define UNARY_TRAP(code, name, in, out) [code - 0x45] = {WH_OP_##name, in, 0, out, true}
#define BINARY(code, name, in, out) [code - 0x45] = {WH_OP_##name, in, in, out, false}
#define BINARY_TRAP(code, name, in, out) [code - 0x45] = {WH_OP_##name, in, in, out, true}
#define REINTERPRET(code, in, out) [code - 0x45] = {WH_OP_NOP, in, 0, out, false}

static const numeric_op numeric_ops[0xc5 - 0x45] = {
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

static void compile_numeric(compiler *c, const numeric_op *n)
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

static void compile_const(compiler *c, uint8_t type, uint32_t low, uint32_t high)
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

static void compile_select(compiler *c, bool typed)
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

static void compile_prefixed(compiler *c)
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

/* ---- instructions ---- */

/* Compiles one instruction; returns true after the function's final `end`. */
static bool compile_instruction(compiler *c)
{
    uint8_t opcode = read_byte(c);
    /* Fuel: one unit per instruction; structure, nop and drop are free. */
    if (c->fuel && opcode != 0x01 && opcode != 0x02 && opcode != 0x03 && opcode != 0x05 && opcode != 0x0b &&
        opcode != 0x1a && live(c))
        c->regions[c->region].cost++;
    if (opcode >= 0x45 && opcode <= 0xc4) {
        compile_numeric(c, &numeric_ops[opcode - 0x45]);
        return false;
    }
    if (opcode >= 0x28 && opcode <= 0x35) {
        compile_load(c, &loads[opcode - 0x28]);
        return false;
    }
    if (opcode >= 0x36 && opcode <= 0x3e) {
        compile_store(c, &stores[opcode - 0x36]);
        return false;
    }
    switch (opcode) {
    case 0x00: /* unreachable */
        if (live(c))
            record_offset(c, emit0(c, WH_OP_UNREACHABLE));
        set_unreachable(c);
        break;
    case 0x01: /* nop */
        break;
    case 0x02: /* block */
        enter_block(c, FRAME_BLOCK, read_blocktype(c), NONE, NONE);
        break;
    case 0x03: /* loop */
        enter_block(c, FRAME_LOOP, read_blocktype(c), NONE, NONE);
        break;
    case 0x04: { /* if */
        blocktype bt = read_blocktype(c);
        uint32_t fused_cell = fresh_result(c);
        operand cond = pop(c, WH_I32);
        enter_block(c, FRAME_IF, bt, cond.slot, fused_cell);
        break;
    }
    case 0x05:
        compile_else(c);
        break;
    case 0x0b:
        return compile_end(c);
    case 0x0c:
        compile_br(c);
        break;
    case 0x0d:
        compile_br_if(c);
        break;
    case 0x0e:
        compile_br_table(c);
        break;
    case 0x0f:
        compile_return(c);
        break;
    case 0x10:
        compile_call(c);
        break;
    case 0x11:
        compile_call_indirect(c);
        break;
    case 0x1a: /* drop */
        pop(c, TYPE_UNKNOWN);
        break;
    case 0x1b:
        compile_select(c, false);
        break;
    case 0x1c:
        compile_select(c, true);
        break;
    case 0x20: { /* local.get: no code, the operand reads the local's slot until it changes */
        uint32_t local = read_local(c);
        push_at(c, local_type(c, local), local);
        break;
    }
    case 0x21:
        compile_local_set(c, false);
        break;
    case 0x22:
        compile_local_set(c, true);
        break;
    case 0x23:
        compile_global(c, false);
        break;
    case 0x24:
        compile_global(c, true);
        break;
    case 0x25: { /* table.get */
        uint32_t table = read_table(c);
        operand index = pop(c, WH_I32);
        uint32_t d = push(c, table_type(c, table));
        if (live(c)) {
            uint32_t at = emit3(c, WH_OP_TABLE_GET, d, table, index.slot);
            record_offset(c, at);
            set_fresh(c, at);
        }
        break;
    }
    case 0x26: { /* table.set */
        uint32_t table = read_table(c);
        operand value = pop(c, table_type(c, table));
        operand index = pop(c, WH_I32);
        if (live(c))
            record_offset(c, emit3(c, WH_OP_TABLE_SET, table, index.slot, value.slot));
        break;
    }
    case 0x3f: { /* memory.size */
        read_zero_byte(c);
        require_memory(c);
        uint32_t d = push(c, WH_I32);
        if (live(c))
            set_fresh(c, emit1(c, WH_OP_MEMORY_SIZE, d));
        break;
    }
    case 0x40: { /* memory.grow */
        read_zero_byte(c);
        require_memory(c);
        operand delta = pop(c, WH_I32);
        uint32_t d = push(c, WH_I32);
        if (live(c))
            set_fresh(c, emit2(c, WH_OP_MEMORY_GROW, d, delta.slot));
        break;
    }
    case 0x41: {
        int32_t value = (int32_t)read_signed(c, 32);
        compile_const(c, WH_I32, (uint32_t)value, 0);
        break;
    }
    case 0x42: {
        uint64_t value = (uint64_t)read_signed(c, 64);
        compile_const(c, WH_I64, (uint32_t)value, (uint32_t)(value >> 32));
        break;
    }
    case 0x43:
        compile_const(c, WH_F32, read_fixed(c, 4, NULL), 0);
        break;
    case 0x44: {
        uint32_t high;
        uint32_t low = read_fixed(c, 8, &high);
        compile_const(c, WH_F64, low, high);
        break;
    }
    case 0xd0: { /* ref.null */
        uint8_t type = read_byte(c);
        if (type != WH_FUNCREF && type != WH_EXTERNREF)
            malformed(c, "malformed reference type 0x%02x", type);
        compile_const(c, type, 0, 0);
        break;
    }
    case 0xd1: { /* ref.is_null */
        operand value = pop(c, TYPE_UNKNOWN);
        if (value.type != TYPE_UNKNOWN && !is_ref(value.type))
            fail(c, "type mismatch: ref.is_null expects a reference, found %s", type_name(value.type));
        uint32_t d = push(c, WH_I32);
        if (live(c))
            set_fresh(c, emit2(c, WH_OP_REF_IS_NULL, d, value.slot));
        break;
    }
    case 0xd2: { /* ref.func */
        uint32_t func = read_u32(c);
        if (func >= c->module->func_count)
            fail(c, "unknown function %u", func);
        const uint8_t *declared = c->module->declared_funcs;
        if (!declared || !(declared[func / 8] & (1u << (func % 8))))
            fail(c, "undeclared function reference: function %u must appear in an element segment, export or global initializer to be used by ref.func", func);
        uint32_t d = push(c, WH_FUNCREF);
        if (live(c))
            set_fresh(c, emit2(c, WH_OP_REF_FUNC, d, func));
        break;
    }
    case 0xfc:
        compile_prefixed(c);
        break;
    case 0xfd:
        malformed(c, "illegal opcode 0xfd: SIMD instructions are not supported");
    default:
        malformed(c, "illegal opcode 0x%02x", opcode);
    }
    return false;
}

/* The body ran out before its final `end`. The reference decoder keeps reading past the
 * declared size, so its message depends on what follows; mimic it for clearer reports. */
static _Noreturn void fail_missing_end(compiler *c, uint32_t open_blocks)
{
    c->instr = c->end;
    size_t after = (size_t)c->def->body_offset + c->def->body_size;
    if (after >= c->module->size)
        malformed(c, "unexpected end of section or function (the body has no final END opcode)");
    if (c->module->bytes[after] == 0x0b && open_blocks == 1)
        malformed(c, "section size mismatch (the body has no final END opcode)");
    malformed(c, "END opcode expected at the end of the body");
}

static void compile_body(compiler *c)
{
    const wh_functype *type = c->type;
    push_frame(c, FRAME_FUNCTION,
               (blocktype){0, type->result_count, NULL, functype_results(type)});
    for (;;) {
        if (c->pos >= c->end)
            fail_missing_end(c, c->depth);
        c->instr = c->pos;
        if (compile_instruction(c))
            break;
    }
    if (c->pos != c->end) {
        c->instr = c->pos;
        malformed(c, "section size mismatch: bytes after the function's final END opcode");
    }
}

static void scan_body(compiler *c, bool collect_constants);

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
            fail(c, "out of memory while compiling");
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
static void choose_constants(compiler *c)
{
    jmp_buf saved;
    memcpy(saved, c->on_error, sizeof saved);
    if (setjmp(c->on_error) == 0) {
        scan_body(c, true);
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
                fail(c, "out of memory while compiling");
            for (uint32_t i = 0; i < count; i++)
                c->constants[i] = c->constant_uses[i].bits;
            c->constant_count = count;
        }
    } else {
        wh_error_free(c->error);
        c->error = NULL;
        c->malformed = false;
        c->constant_count = 0;
    }
    memcpy(c->on_error, saved, sizeof saved);
    c->constant_use_count = 0;
    c->pos = c->instr = c->body;
}

/* After a validation error. The reference decodes a whole body before validating it, so a
 * decoding error anywhere in the body is the one to report: walk the body decoding only. */
static void scan_body(compiler *c, bool collect_constants)
{
    c->scanning = !collect_constants;
    c->pos = c->body;
    uint32_t loop_depth = 0;
    uint32_t depth = 1; /* open blocks, the function's included; c->targets holds their opcodes */
    reserve(c, (void **)&c->targets, &c->target_capacity, 1, sizeof *c->targets);
    c->targets[0] = 0x02;
    for (;;) {
        if (c->pos >= c->end)
            fail_missing_end(c, depth);
        c->instr = c->pos;
        uint8_t opcode = read_byte(c);
        if ((opcode >= 0x45 && opcode <= 0xc4) || opcode <= 0x01 || opcode == 0x0f || opcode == 0x1a ||
            opcode == 0x1b || opcode == 0xd1)
            continue; /* no immediates */
        switch (opcode) {
        case 0x02: case 0x03: case 0x04:
            read_blocktype(c);
            reserve(c, (void **)&c->targets, &c->target_capacity, (uint64_t)depth + 1, sizeof *c->targets);
            c->targets[depth++] = opcode;
            loop_depth += opcode == 0x03;
            break;
        case 0x05:
            if (c->targets[depth - 1] != 0x04)
                malformed(c, "END opcode expected (else without a matching if)");
            c->targets[depth - 1] = 0x05;
            break;
        case 0x0b:
            loop_depth -= c->targets[depth - 1] == 0x03;
            if (--depth == 0) {
                if (c->pos != c->end)
                    malformed(c, "section size mismatch: bytes after the function's final END opcode");
                return;
            }
            break;
        case 0x0c: case 0x0d: case 0x10: case 0x20: case 0x21: case 0x22: case 0x23: case 0x24:
        case 0x25: case 0x26: case 0xd2:
            read_u32(c);
            break;
        case 0x0e: {
            uint32_t count = read_u32(c);
            if (count >= (uint64_t)(c->end - c->pos))
                fail_end(c);
            for (uint32_t i = 0; i <= count; i++)
                read_u32(c);
            break;
        }
        case 0x11:
            read_u32(c);
            read_u32(c);
            break;
        case 0x1c: {
            uint32_t count = read_u32(c);
            if (count > (uint64_t)(c->end - c->pos))
                fail_end(c);
            for (uint32_t i = 0; i < count; i++)
                read_valtype(c);
            break;
        }
        case 0x3f: case 0x40:
            read_zero_byte(c);
            break;
        case 0x41: {
            uint32_t value = (uint32_t)read_signed(c, 32);
            if (collect_constants)
                tally_constant(c, value, loop_depth);
            break;
        }
        case 0x42: {
            uint64_t value = (uint64_t)read_signed(c, 64);
            if (collect_constants)
                tally_constant(c, value, loop_depth);
            break;
        }
        case 0x43: {
            uint32_t value = read_fixed(c, 4, NULL);
            if (collect_constants)
                tally_constant(c, value, loop_depth);
            break;
        }
        case 0x44: {
            uint32_t high, low = read_fixed(c, 8, &high);
            if (collect_constants)
                tally_constant(c, low | (uint64_t)high << 32, loop_depth);
            break;
        }
        case 0xd0: {
            uint8_t type = read_byte(c);
            if (type != WH_FUNCREF && type != WH_EXTERNREF)
                malformed(c, "malformed reference type 0x%02x", type);
            break;
        }
        case 0xfc: {
            uint32_t code = read_u32(c);
            if (code <= 7)
                break;
            switch (code) {
            case 8: read_u32(c); read_zero_byte(c); require_data_count(c); break;
            case 9: read_u32(c); require_data_count(c); break;
            case 10: read_zero_byte(c); read_zero_byte(c); break;
            case 11: read_zero_byte(c); break;
            case 12: case 14: read_u32(c); read_u32(c); break;
            case 13: case 15: case 16: case 17: read_u32(c); break;
            default: malformed(c, "illegal opcode 0xfc %u", code);
            }
            break;
        }
        default:
            if (opcode >= 0x28 && opcode <= 0x3e) {
                read_u32(c);
                read_u32(c);
                break;
            }
            if (opcode == 0xfd)
                malformed(c, "illegal opcode 0xfd: SIMD instructions are not supported");
            malformed(c, "illegal opcode 0x%02x", opcode);
        }
    }
}

static void check_types(compiler *c)
{
    const wh_functype *type = c->type;
    for (uint32_t i = 0; i < type->param_count + type->result_count; i++)
        if (type->types[i] == WH_V128)
            malformed(c, "v128 values are not supported (SIMD is not implemented)");
    for (uint32_t i = 0; i < c->def->local_count; i++)
        if (c->def->local_types[i] == WH_V128)
            malformed(c, "v128 values are not supported (SIMD is not implemented)");
}

/* ---- which checks to compile in ---- */

#ifndef WH_DEFAULT_CHECKS
#define WH_DEFAULT_CHECKS WH_CHECK_EPOCH
#endif

static _Thread_local uint32_t thread_checks;
static _Thread_local bool thread_checks_set;

uint32_t compile_get_checks(void)
{
    if (!thread_checks_set) {
        uint32_t checks = WH_DEFAULT_CHECKS;
        const char *setting = getenv("WASMHOST_COMPILE_CHECKS");
        if (setting) {
            if (strcmp(setting, "none") == 0)
                checks = 0;
            else if (strcmp(setting, "epoch") == 0)
                checks = WH_CHECK_EPOCH;
            else if (strcmp(setting, "fuel") == 0)
                checks = WH_CHECK_FUEL;
            else if (strcmp(setting, "all") == 0)
                checks = WH_CHECK_EPOCH | WH_CHECK_FUEL;
        }
        thread_checks = checks;
        thread_checks_set = true;
    }
    return thread_checks;
}

uint32_t compile_set_checks(uint32_t checks)
{
    uint32_t previous = compile_get_checks();
    thread_checks = checks & (WH_CHECK_EPOCH | WH_CHECK_FUEL);
    return previous;
}

/* Gives each region the cost of what it falls into, then fills in every cell that holds a cost. */
static void resolve_fuel(compiler *c, wh_code *code)
{
    /* A region only ever falls into a later one: going backwards, that one is final. */
    for (uint32_t r = c->region_count; r-- > 0;) {
        uint32_t next = c->regions[r].next_loop;
        if (next != NONE)
            c->regions[r].cost += c->regions[next].cost;
        if (c->regions[r].cost > UINT32_MAX)
            c->regions[r].cost = UINT32_MAX;
    }
    for (uint32_t i = 0; i < c->region_use_count; i++)
        c->cells[c->region_uses[i].cell] = (uint32_t)c->regions[c->region_uses[i].region].cost;
    code->entry_fuel = c->region_count ? (uint32_t)c->regions[0].cost : 0;
}

/* The compiler's working arrays outlive one function: a module's functions reuse them. The
 * compiler is heap-allocated, so setjmp/longjmp leave it intact. */
struct compile_scratch {
    compiler compiler;
};

compile_scratch *compile_scratch_new(void)
{
    return calloc(1, sizeof(compile_scratch));
}

void compile_scratch_free(compile_scratch *scratch)
{
    if (!scratch)
        return;
    compiler *c = &scratch->compiler;
    free(c->local_readers);
    free(c->stack);
    free(c->frames);
    free(c->cells);
    free(c->offsets);
    free(c->patches);
    free(c->scratch);
    free(c->targets);
    free(c->sources);
    free(c->constants);
    free(c->constant_uses);
    free(c->regions);
    free(c->region_uses);
    free(scratch);
}

/* Clears the compiler for the next function, keeping the working arrays (not the outputs:
 * cells, offsets and constants go to each function's wh_code, or are freed on error). */
static void compiler_reset(compiler *c)
{
    compiler kept = *c;
    free(c->cells);
    free(c->offsets);
    free(c->constants);
    memset(c, 0, sizeof *c);
#define KEEP(array, capacity) (c->array = kept.array, c->capacity = kept.capacity)
    KEEP(local_readers, local_reader_capacity);
    KEEP(stack, stack_capacity);
    KEEP(frames, frame_capacity);
    KEEP(patches, patch_capacity);
    KEEP(scratch, scratch_capacity);
    KEEP(targets, target_capacity);
    KEEP(sources, source_capacity);
    KEEP(regions, region_capacity);
    KEEP(region_uses, region_use_capacity);
#undef KEEP
    c->constant_uses = kept.constant_uses;
}

wh_error *compile_function(const wh_module *module, uint32_t func_index, compile_scratch *scratch, wh_code **out)
{
    *out = NULL;
    if (func_index < module->imported_func_count || func_index - module->imported_func_count >= module->func_def_count)
        return wh_error_new("function %u is not a defined function", func_index);
    compile_scratch *const own_scratch = scratch ? NULL : compile_scratch_new();
    if (!scratch && !own_scratch)
        return wh_error_new("out of memory while compiling function %u", func_index);
    compiler *c = &(scratch ? scratch : own_scratch)->compiler;
    compiler_reset(c);
    c->module = module;
    c->func_index = func_index;
    c->def = &module->func_defs[func_index - module->imported_func_count];
    c->type = module_func_type(module, func_index);
    c->body = c->pos = c->instr = c->def->body;
    c->end = c->def->body + c->def->body_size;
    c->fresh_cell = NONE;
    c->last_cell = c->before_last_cell = NONE;
    c->checks = compile_get_checks();
    c->fuel = (c->checks & WH_CHECK_FUEL) != 0;
    if (c->fuel)
        c->checks |= WH_CHECK_EPOCH; /* the back-edges that charge fuel check the deadline too */
    c->region = NONE;
    if (setjmp(c->on_error)) {
        if (!c->malformed && !c->scanning) {
            c->invalid = c->error;
            c->error = NULL;
            if (setjmp(c->on_error) == 0)
                scan_body(c, false);
            if (c->error)
                wh_error_free(c->invalid);
            else
                c->error = c->invalid;
        }
        wh_error *error = c->error;
        c->error = NULL;
        compiler_reset(c);
        compile_scratch_free(own_scratch);
        return error;
    }
    uint64_t local_count = (uint64_t)c->type->param_count + c->def->local_count;
    /* Slots are 32-bit: locals plus the deepest possible stack (one value per body byte) must fit. */
    if (local_count + c->def->body_size + 16 > INT32_MAX)
        malformed(c, "too many locals (%llu)", (unsigned long long)local_count);
    c->declared_local_count = (uint32_t)local_count;
    check_types(c);
    choose_constants(c);
    c->local_count = c->declared_local_count + c->constant_count;
    reserve(c, (void **)&c->local_readers, &c->local_reader_capacity, c->local_count ? c->local_count : 1,
            sizeof *c->local_readers);
    memset(c->local_readers, 0xff, c->local_count * sizeof *c->local_readers); /* all NONE */
    /* Bounds the code a small body may expand into (through branch copies). */
    uint64_t limit = (uint64_t)c->def->body_size * 64 + (1u << 20);
    c->cell_limit = limit > (1u << 28) ? (1u << 28) : (uint32_t)limit;

    if (c->fuel)
        open_region(c); /* region 0: paid on entry */
    compile_body(c);

    wh_code *code = calloc(1, sizeof *code);
    if (!code)
        fail(c, "out of memory while compiling");
    code->checks = c->checks;
    if (c->fuel)
        resolve_fuel(c, code);
    code->cells = c->cells;
    code->cell_count = c->cell_count;
    code->param_count = c->type->param_count;
    code->local_count = c->declared_local_count;
    code->constant_count = c->constant_count;
    code->constants = c->constants;
    code->result_count = c->type->result_count;
    uint32_t slots = c->local_count + c->max_height;
    if (c->call_slots > slots)
        slots = c->call_slots;
    if (code->result_count > slots)
        slots = code->result_count;
    code->frame_slots = slots;
    code->offsets = c->offsets;
    code->offset_count = c->offset_count;
    c->cells = NULL;
    c->offsets = NULL;
    c->constants = NULL;
    compile_scratch_free(own_scratch);
    *out = code;
    return NULL;
}
