/* compile.c: compiling a function body in one pass (compile_internal.h): entry points, dispatch, the short handlers. */
#include "compile_internal.h"

/* ---- instructions ---- */

const eng_wasm_instruction *eng_read_instruction(compiler *c)
{
    uint8_t byte = read_byte(c);
    const eng_wasm_instruction *instruction = eng_wasm_find(byte);
    if (instruction)
        return instruction;
    if (byte == ENG_WASM_PREFIX_MISC || byte == ENG_WASM_PREFIX_SIMD) {
        uint32_t code = read_u32(c);
        instruction = byte == ENG_WASM_PREFIX_MISC ? eng_wasm_find_misc(code) : eng_wasm_find_simd(code);
        if (!instruction)
            eng_malformed(c, "illegal opcode 0x%02x %u", byte, code);
        return instruction;
    }
    eng_malformed(c, "illegal opcode 0x%02x", byte);
}

/* The handlers with no more to them than a few lines; the others are in compile_control.c and compile_ops.c. */

static void eng_compile_unreachable(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    if (live(c))
        record_offset(c, emit0(c, ENG_OP_UNREACHABLE));
    eng_set_unreachable(c);
}

static void eng_compile_nop(compiler *c, const eng_wasm_instruction *instruction) { (void)c, (void)instruction; }

static void eng_compile_block(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    eng_enter_block(c, FRAME_BLOCK, eng_read_blocktype(c), NONE, NONE);
}

static void eng_compile_loop(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    eng_enter_block(c, FRAME_LOOP, eng_read_blocktype(c), NONE, NONE);
}

static void eng_compile_if(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    blocktype bt = eng_read_blocktype(c);
    uint32_t fused_cell = fresh_result(c);
    operand cond = pop(c, ENG_I32);
    eng_enter_block(c, FRAME_IF, bt, cond.slot, fused_cell);
}

static void eng_compile_drop(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    pop(c, TYPE_UNKNOWN);
}

/* local.get: no code, the operand reads the local's slot until it changes. */
static void eng_compile_local_get(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    uint32_t local = eng_read_local(c);
    push_at(c, eng_local_type(c, local), local_slot(c, local));
}

static void eng_compile_table_get(compiler *c, const eng_wasm_instruction *instruction)
{
    uint32_t table = eng_read_table(c);
    operand index = pop(c, ENG_I32);
    uint32_t d = push(c, table_type(c, table));
    if (live(c)) {
        uint32_t at = emit3(c, instruction->op, d, table, index.slot);
        record_offset(c, at);
        set_fresh(c, at);
    }
}

static void eng_compile_table_set(compiler *c, const eng_wasm_instruction *instruction)
{
    uint32_t table = eng_read_table(c);
    operand value = pop(c, table_type(c, table));
    operand index = pop(c, ENG_I32);
    if (live(c))
        record_offset(c, emit3(c, instruction->op, table, index.slot, value.slot));
}

static void eng_compile_memory_size(compiler *c, const eng_wasm_instruction *instruction)
{
    eng_read_zero_byte(c);
    eng_require_memory(c);
    uint32_t d = push(c, ENG_I32);
    if (live(c))
        set_fresh(c, emit1(c, instruction->op, d));
}

static void eng_compile_memory_grow(compiler *c, const eng_wasm_instruction *instruction)
{
    eng_read_zero_byte(c);
    eng_require_memory(c);
    operand delta = pop(c, ENG_I32);
    uint32_t d = push(c, ENG_I32);
    if (live(c))
        set_fresh(c, emit2(c, instruction->op, d, delta.slot));
}

static void eng_compile_ref_null(compiler *c, const eng_wasm_instruction *instruction)
{
    (void)instruction;
    uint8_t type = read_byte(c);
    if (type != ENG_FUNCREF && type != ENG_EXTERNREF)
        eng_malformed(c, "malformed reference type 0x%02x", type);
    eng_push_constant(c, type, 0, 0);
}

static void eng_compile_ref_is_null(compiler *c, const eng_wasm_instruction *instruction)
{
    operand value = pop(c, TYPE_UNKNOWN);
    if (value.type != TYPE_UNKNOWN && !is_ref(value.type))
        eng_fail(c, "type mismatch: ref.is_null expects a reference, found %s", type_name(value.type));
    uint32_t d = push(c, ENG_I32);
    if (live(c))
        set_fresh(c, emit2(c, instruction->op, d, value.slot));
}

static void eng_compile_ref_func(compiler *c, const eng_wasm_instruction *instruction)
{
    uint32_t func = read_u32(c);
    if (func >= c->module->func_count)
        eng_fail(c, "unknown function %u", func);
    const uint8_t *declared = c->module->declared_funcs;
    if (!declared || !(declared[func / 8] & (1u << (func % 8))))
        eng_fail(c,
                 "undeclared function reference: function %u must appear in an element segment, export or global "
                 "initializer to be used by ref.func",
                 func);
    uint32_t d = push(c, ENG_FUNCREF);
    if (live(c))
        set_fresh(c, emit2(c, instruction->op, d, func));
}

/* Every row of ENG_WASM_INSTRUCTIONS names its handler: one without a function does not compile. */
typedef void compile_handler(compiler *c, const eng_wasm_instruction *instruction);
static compile_handler *const handlers[ENG_WASM_INSTRUCTION_COUNT] = {
#define HANDLER(symbol, prefix, code, name, immediates, fuel, feature, handler, ...) \
    [ENG_WASM_##symbol] = eng_compile_##handler,
    ENG_WASM_INSTRUCTIONS(HANDLER)
#undef HANDLER
};

/* Whether an instruction may write memory, from its row alone: every instruction that reaches a
 * memory names it (a memarg or a memory index) and every call names its callee, so anything else
 * (locals, globals, tables, arithmetic, branches) cannot. Of those with a memarg, the loads are
 * the ones with a result (a store leaves none, v128.loadN_lane a v128). memory.size and ref.func
 * are counted too: too cautious costs a memset, too trusting would leak one request's data into
 * the next. */
static bool may_write_memory(const eng_wasm_instruction *instruction)
{
    switch ((eng_wasm_immediates)instruction->immediates) {
    case ENG_IMM_MEMARG:
    case ENG_IMM_MEMARG_LANE: return instruction->result == 0;
    case ENG_IMM_MEMORY:
    case ENG_IMM_MEMORY_MEMORY:
    case ENG_IMM_DATA_MEMORY:
    case ENG_IMM_FUNC:
    case ENG_IMM_TYPE_TABLE: return true;
    default: return false;
    }
}

static void compile_instruction(compiler *c)
{
    const eng_wasm_instruction *instruction = eng_read_instruction(c);
    if (c->fuel && live(c))
        c->regions[c->region].cost += instruction->fuel;
    c->may_write_memory |= may_write_memory(instruction);
    handlers[eng_wasm_index_of(instruction)](c, instruction);
}

/* The body ran out before its final `end`. The reference decoder keeps reading past the
 * declared size, so its message depends on what follows; mimic it for clearer reports. */
_Noreturn void eng_fail_missing_end(compiler *c, uint32_t open_blocks)
{
    c->instr = c->end;
    size_t after = (size_t)c->def->body_offset + c->def->body_size;
    if (after >= c->module->size)
        eng_malformed(c, "unexpected end of section or function (the body has no final END opcode)");
    if (c->module->bytes[after] == eng_wasm_instructions[ENG_WASM_END].code && open_blocks == 1)
        eng_malformed(c, "section size mismatch (the body has no final END opcode)");
    eng_malformed(c, "END opcode expected at the end of the body");
}

static void compile_body(compiler *c)
{
    const eng_functype *type = c->type;
    eng_push_frame(c, FRAME_FUNCTION, (blocktype){0, type->result_count, NULL, eng_functype_results(type)});
    while (c->depth > 0) { /* the function's final `end` closes its frame */
        if (c->pos >= c->end)
            eng_fail_missing_end(c, c->depth);
        c->instr = c->pos;
        compile_instruction(c);
    }
    if (c->pos != c->end) {
        c->instr = c->pos;
        eng_malformed(c, "section size mismatch: bytes after the function's final END opcode");
    }
    ENG_ASSERT(c->height == 0 && c->pending_count == 0);
}

/* ---- which checks to compile in ---- */

#ifndef ENG_DEFAULT_CHECKS
#define ENG_DEFAULT_CHECKS ENG_CHECK_EPOCH
#endif

static _Thread_local uint32_t thread_checks;
static _Thread_local bool thread_checks_set;

uint32_t eng_compile_get_checks(void)
{
    if (!thread_checks_set) {
        uint32_t checks = ENG_DEFAULT_CHECKS;
        const char *setting = getenv("WASMHOST_COMPILE_CHECKS");
        if (setting) {
            if (strcmp(setting, "none") == 0)
                checks = 0;
            else if (strcmp(setting, "epoch") == 0)
                checks = ENG_CHECK_EPOCH;
            else if (strcmp(setting, "fuel") == 0)
                checks = ENG_CHECK_FUEL;
            else if (strcmp(setting, "all") == 0)
                checks = ENG_CHECK_EPOCH | ENG_CHECK_FUEL;
        }
        thread_checks = checks;
        thread_checks_set = true;
    }
    return thread_checks;
}

uint32_t eng_compile_set_checks(uint32_t checks)
{
    uint32_t previous = eng_compile_get_checks();
    thread_checks = checks & (ENG_CHECK_EPOCH | ENG_CHECK_FUEL);
    return previous;
}

/* Gives each region the cost of what it falls into, then fills in every cell that holds a cost
 * and the fuel marks (the regions after the entry's, opened in the order of the body). */
static void resolve_fuel(compiler *c, eng_code *code)
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
    if (c->region_count > 1) {
        code->fuel_marks = malloc((c->region_count - 1) * sizeof *code->fuel_marks);
        if (!code->fuel_marks) {
            free(code);
            eng_fail(c, "out of memory while compiling");
        }
        code->fuel_mark_count = c->region_count - 1;
        for (uint32_t r = 1; r < c->region_count; r++)
            code->fuel_marks[r - 1] = (eng_code_fuel_mark){c->regions[r].byte_offset, (uint32_t)c->regions[r].cost};
    }
}

/* The compiler's working arrays outlive one function: a module's functions reuse them. The
 * compiler is heap-allocated, so setjmp/longjmp leave it intact. */
struct eng_compile_scratch {
    compiler compiler;
};

eng_compile_scratch *eng_compile_scratch_new(void) { return calloc(1, sizeof(eng_compile_scratch)); }

void eng_compile_scratch_free(eng_compile_scratch *scratch)
{
    if (!scratch)
        return;
    compiler *c = &scratch->compiler;
    free(c->local_readers);
    free(c->local_slots);
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
 * cells, offsets and constants go to each function's eng_code, or are freed on error). */
static void compiler_reset(compiler *c)
{
    compiler kept = *c;
    free(c->cells);
    free(c->offsets);
    free(c->constants);
    memset(c, 0, sizeof *c);
#define KEEP(array, capacity) (c->array = kept.array, c->capacity = kept.capacity)
    KEEP(local_readers, local_reader_capacity);
    KEEP(local_slots, local_slot_capacity);
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

eng_error *eng_compile_function(const eng_module *module, uint32_t func_index, eng_compile_scratch *scratch,
                                eng_code **out)
{
    *out = NULL;
    if (func_index < module->imported_func_count || func_index - module->imported_func_count >= module->func_def_count)
        return eng_error_new("function %u is not a defined function", func_index);
    eng_compile_scratch *const own_scratch = scratch ? NULL : eng_compile_scratch_new();
    if (!scratch && !own_scratch)
        return eng_error_new("out of memory while compiling function %u", func_index);
    compiler *c = &(scratch ? scratch : own_scratch)->compiler;
    compiler_reset(c);
    c->module = module;
    c->func_index = func_index;
    c->def = &module->func_defs[func_index - module->imported_func_count];
    c->type = eng_module_func_type(module, func_index);
    c->body = c->pos = c->instr = c->def->body;
    c->end = c->def->body + c->def->body_size;
    c->fresh_cell = NONE;
    c->last_cell = c->before_last_cell = NONE;
    c->checks = eng_compile_get_checks();
    c->fuel = (c->checks & ENG_CHECK_FUEL) != 0;
    if (c->fuel)
        c->checks |= ENG_CHECK_EPOCH; /* the back-edges that charge fuel check the deadline too */
    c->region = NONE;
    if (setjmp(c->on_error)) {
        if (!c->is_malformed && !c->scanning) {
            c->invalid = c->error;
            c->error = NULL;
            if (setjmp(c->on_error) == 0)
                eng_scan_body(c, false);
            if (c->error)
                eng_error_free(c->invalid);
            else
                c->error = c->invalid;
        }
        eng_error *error = c->error;
        c->error = NULL;
        compiler_reset(c);
        eng_compile_scratch_free(own_scratch);
        return error;
    }
    uint64_t local_count = (uint64_t)c->type->param_count + c->def->body_local_count;
    /* Slots are 32-bit: locals plus the deepest possible stack (one value per body byte) must fit. */
    if (local_count + c->def->body_size + 16 > INT32_MAX)
        eng_malformed(c, "too many locals (%llu)", (unsigned long long)local_count);
    c->local_count = (uint32_t)local_count;
    eng_layout_locals(c);
    eng_choose_constants(c);
    c->stack_base = c->local_slot_count + c->constant_count;
    eng_reserve(c, (void **)&c->local_readers, &c->local_reader_capacity, c->stack_base ? c->stack_base : 1,
                sizeof *c->local_readers);
    memset(c->local_readers, 0xff, c->stack_base * sizeof *c->local_readers); /* all NONE */
    /* Bounds the code a small body may expand into (through branch copies). */
    uint64_t limit = (uint64_t)c->def->body_size * 64 + (1u << 20);
    c->cell_limit = limit > (1u << 28) ? (1u << 28) : (uint32_t)limit;

    if (c->fuel)
        eng_open_region(c); /* region 0: paid on entry */
    compile_body(c);

    eng_code *code = calloc(1, sizeof *code);
    if (!code)
        eng_fail(c, "out of memory while compiling");
    code->checks = c->checks;
    code->may_write_memory = c->may_write_memory;
    if (c->fuel)
        resolve_fuel(c, code);
    code->cells = c->cells;
    code->cell_count = c->cell_count;
    code->param_count = c->type->param_slots;
    code->local_count = c->local_slot_count;
    code->constant_count = c->constant_count;
    code->constants = c->constants;
    code->result_count = c->type->result_slots;
    uint32_t slots = c->stack_base + c->max_stack_slots;
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
    eng_compile_scratch_free(own_scratch);
    *out = code;
    return NULL;
}
