/* translate.c: one validated wasm function body to LLVM IR, dispatched on the rows of ENG_WASM_INSTRUCTIONS.
 *
 * The body was validated when the module was loaded, so nothing here reports a wasm error: the
 * operand stack, labels and types are known to be consistent. Semantics follow the interpreter
 * (interp.c) exactly: shift counts masked, division and conversion traps with its messages
 * (through eng_native_trap), NaN-propagating min/max with -0 < +0, rounding with the
 * roundeven/ceil/floor/trunc intrinsics, no fast-math anywhere.
 *
 * Code after br, br_table, return and unreachable is dead and may be stack-polymorphic: it is
 * skipped up to the matching else/end instead of translated.
 */
#include "translator.h"

/* ---- which rows this tier translates ----
 * One entry per HANDLER name of the table: a handler added to instructions.h without a line
 * here does not compile. Unsupported rows make their function stay on the interpreter. */
#define SUPPORTED_unreachable 1
#define SUPPORTED_nop 1
#define SUPPORTED_block 1
#define SUPPORTED_loop 1
#define SUPPORTED_if 1
#define SUPPORTED_else 1
#define SUPPORTED_end 1
#define SUPPORTED_br 1
#define SUPPORTED_br_if 1
#define SUPPORTED_br_table 1
#define SUPPORTED_return 1
#define SUPPORTED_call 1
#define SUPPORTED_call_indirect 1
#define SUPPORTED_drop 1
#define SUPPORTED_select 1
#define SUPPORTED_select_typed 1
#define SUPPORTED_local_get 1
#define SUPPORTED_local_set 1
#define SUPPORTED_local_tee 1
#define SUPPORTED_global_get 1
#define SUPPORTED_global_set 1
#define SUPPORTED_table_get 1
#define SUPPORTED_table_set 1
#define SUPPORTED_load 1
#define SUPPORTED_store 1
#define SUPPORTED_memory_size 1
#define SUPPORTED_memory_grow 1
#define SUPPORTED_const 1
#define SUPPORTED_numeric 1
#define SUPPORTED_ref_null 1
#define SUPPORTED_ref_is_null 1
#define SUPPORTED_ref_func 1
#define SUPPORTED_memory_init 1
#define SUPPORTED_data_drop 1
#define SUPPORTED_memory_copy 1
#define SUPPORTED_memory_fill 1
#define SUPPORTED_table_init 1
#define SUPPORTED_elem_drop 1
#define SUPPORTED_table_copy 1
#define SUPPORTED_table_grow 1
#define SUPPORTED_table_size 1
#define SUPPORTED_table_fill 1
/* SIMD: translate_simd.c */
#define SUPPORTED_simd_load 1
#define SUPPORTED_simd_store 1
#define SUPPORTED_simd_load_lane 1
#define SUPPORTED_simd_store_lane 1
#define SUPPORTED_simd_const 1
#define SUPPORTED_simd_shuffle 1
#define SUPPORTED_simd_splat 1
#define SUPPORTED_simd_extract 1
#define SUPPORTED_simd_replace 1
#define SUPPORTED_simd_unary 1
#define SUPPORTED_simd_binary 1
#define SUPPORTED_simd_ternary 1
#define SUPPORTED_simd_test 1
#define SUPPORTED_simd_shift 1

static const bool row_supported[ENG_WASM_INSTRUCTION_COUNT] = {
#define ROW_SUPPORTED(symbol, prefix, code, name, immediates, fuel, feature, handler, ...) \
    [ENG_WASM_##symbol] = SUPPORTED_##handler,
    ENG_WASM_INSTRUCTIONS(ROW_SUPPORTED)
#undef ROW_SUPPORTED
};

/* ---- reading the body ---- */

static const eng_wasm_instruction *next_instruction(eng_reader *r)
{
    uint8_t byte = 0;
    read_u8(r, &byte);
    if (byte == ENG_WASM_PREFIX_MISC || byte == ENG_WASM_PREFIX_SIMD) {
        uint32_t code = 0;
        read_u32_leb(r, &code);
        return byte == ENG_WASM_PREFIX_MISC ? eng_wasm_find_misc(code) : eng_wasm_find_simd(code);
    }
    return eng_wasm_find(byte);
}

static uint32_t read_index(eng_reader *r)
{
    uint32_t value = 0;
    read_u32_leb(r, &value);
    return value;
}

/* Skips the immediates of `row` (dead code, and the support scan). */
static void skip_immediates(eng_reader *r, const eng_wasm_instruction *row)
{
    int64_t s;
    uint8_t byte;
    switch ((eng_wasm_immediates)row->immediates) {
    case ENG_IMM_NONE: break;
    case ENG_IMM_BLOCKTYPE: read_s33_leb(r, &s); break;
    case ENG_IMM_LABEL:
    case ENG_IMM_FUNC:
    case ENG_IMM_LOCAL:
    case ENG_IMM_GLOBAL:
    case ENG_IMM_TABLE:
    case ENG_IMM_ELEM:
    case ENG_IMM_DATA: read_index(r); break;
    case ENG_IMM_LABEL_TABLE: {
        uint32_t count = read_index(r);
        for (uint32_t i = 0; i <= count; i++)
            read_index(r);
        break;
    }
    case ENG_IMM_TYPE_TABLE:
    case ENG_IMM_TABLE_TABLE:
    case ENG_IMM_ELEM_TABLE:
    case ENG_IMM_MEMARG:
        read_index(r);
        read_index(r);
        break;
    case ENG_IMM_VALTYPES: {
        uint32_t count = read_index(r);
        for (uint32_t i = 0; i < count; i++)
            read_u8(r, &byte);
        break;
    }
    case ENG_IMM_DATA_MEMORY:
        read_index(r);
        read_u8(r, &byte);
        break;
    case ENG_IMM_MEMORY: read_u8(r, &byte); break;
    case ENG_IMM_MEMORY_MEMORY:
        read_u8(r, &byte);
        read_u8(r, &byte);
        break;
    case ENG_IMM_I32:
    case ENG_IMM_I64: read_s64_leb(r, &s); break;
    case ENG_IMM_F32: read_bytes(r, 4, &(const uint8_t *){0}); break;
    case ENG_IMM_F64: read_bytes(r, 8, &(const uint8_t *){0}); break;
    case ENG_IMM_REFTYPE: read_u8(r, &byte); break;
    case ENG_IMM_MEMARG_LANE:
        read_index(r);
        read_index(r);
        read_u8(r, &byte);
        break;
    case ENG_IMM_LANE: read_u8(r, &byte); break;
    case ENG_IMM_V128:
    case ENG_IMM_LANES16: read_bytes(r, 16, &(const uint8_t *){0}); break;
    }
}

static eng_reader body_reader(const eng_func_def *def)
{
    return reader_make(def->body, def->body, def->body + def->body_size);
}

LLVMTypeRef llvm_value_type(const llvm_module_state *state, eng_valtype type)
{
    switch (type) {
    case ENG_I32: return state->i32;
    case ENG_I64: return state->i64;
    case ENG_F32: return state->f32;
    case ENG_F64: return state->f64;
    case ENG_FUNCREF:
    case ENG_EXTERNREF: return state->ptr;
    case ENG_V128: return state->v128;
    }
    return NULL;
}

/* R f(eng_instance *ctx, P1, ..., Pn): R is void, the one result's type, or a struct of the
 * results (returned in registers when they fit, else through a hidden pointer). */
LLVMTypeRef llvm_function_type(const llvm_module_state *state, const eng_functype *type)
{
    LLVMTypeRef params[type->param_count + 1];
    params[0] = state->ptr;
    for (uint32_t i = 0; i < type->param_count; i++)
        params[1 + i] = llvm_value_type(state, type->types[i]);
    const eng_valtype *results = eng_functype_results(type);
    LLVMTypeRef result = state->void_type;
    if (type->result_count == 1) {
        result = llvm_value_type(state, results[0]);
    } else if (type->result_count > 1) {
        LLVMTypeRef fields[type->result_count];
        for (uint32_t i = 0; i < type->result_count; i++)
            fields[i] = llvm_value_type(state, results[i]);
        result = LLVMStructTypeInContext(state->context, fields, type->result_count, false);
    }
    return LLVMFunctionType(result, params, type->param_count + 1, false);
}

/* The results (result_count values, in order) of a call of a function of type `type` that returned `value`. */
void llvm_unpack_results(LLVMBuilderRef b, const eng_functype *type, LLVMValueRef value, LLVMValueRef *out)
{
    if (type->result_count == 1)
        out[0] = value;
    for (uint32_t i = 0; type->result_count > 1 && i < type->result_count; i++)
        out[i] = LLVMBuildExtractValue(b, value, i, "");
}

bool llvm_function_supported(const llvm_module_state *state, uint32_t def_index)
{
    const eng_module *module = state->wasm;
    const eng_func_def *def = &module->func_defs[def_index];
    const eng_functype *type = &module->types[def->type_index];
    for (uint32_t i = 0; i < type->param_count + type->result_count; i++)
        if (!llvm_value_type(state, type->types[i]))
            return false;
    for (uint32_t i = 0; i < def->body_local_count; i++)
        if (!llvm_value_type(state, def->body_local_types[i]))
            return false;
    eng_reader r = body_reader(def);
    while (!reader_at_end(&r)) {
        const eng_wasm_instruction *row = next_instruction(&r);
        if (!row || !row_supported[eng_wasm_index_of(row)])
            return false;
        if (eng_wasm_index_of(row) == ENG_WASM_BLOCK || eng_wasm_index_of(row) == ENG_WASM_LOOP ||
            eng_wasm_index_of(row) == ENG_WASM_IF) {
            int64_t blocktype = 0;
            read_s33_leb(&r, &blocktype);
            if (blocktype >= 0) {
                const eng_functype *bt = &module->types[blocktype];
                for (uint32_t i = 0; i < bt->param_count + bt->result_count; i++)
                    if (!llvm_value_type(state, bt->types[i]))
                        return false;
            }
            continue;
        }
        skip_immediates(&r, row);
    }
    return r.error == NULL;
}

/* ---- the translator ---- */

/* What the builder emits from now on comes from the wasm instruction at `byte_offset` in the
 * module (0: none, as the prologue): the line of its debug location, read back by the engine
 * into the map that gives backtraces their byte offsets (native_lines.c). */
static void set_location(translator *t, uint32_t byte_offset)
{
    t->byte_offset = byte_offset;
    LLVMSetCurrentDebugLocation2(
        t->b, LLVMDIBuilderCreateDebugLocation(t->s->context, byte_offset, 0, LLVMGetSubprogram(t->function), NULL));
}

/* A branch to `unlikely` when `condition` holds, marked cold; continues in a new block. */
static void branch_unlikely(translator *t, LLVMValueRef condition, LLVMBasicBlockRef unlikely)
{
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(t->s->context, t->function, "");
    LLVMValueRef branch = LLVMBuildCondBr(t->b, condition, unlikely, next);
    LLVMSetMetadata(branch, t->s->prof_kind, t->s->cold_weights);
    LLVMPositionBuilderAtEnd(t->b, next);
}

/* A cold block per trap site calling eng_native_trap with the kind and the instruction's byte
 * offset: the offset makes the innermost frame of the backtrace exact even where the code
 * generator merges such blocks (their debug locations then merge into none). */
static void trap_if(translator *t, LLVMValueRef condition, eng_trap_kind kind)
{
    LLVMBasicBlockRef here = LLVMGetInsertBlock(t->b);
    LLVMBasicBlockRef block = LLVMAppendBasicBlockInContext(t->s->context, t->function, "trap");
    LLVMPositionBuilderAtEnd(t->b, block);
    LLVMValueRef args[] = {t->ctx, const_i32(t, kind), const_i32(t, t->byte_offset)};
    call_helper(t, HELPER_eng_native_trap, args, 3);
    LLVMBuildUnreachable(t->b);
    LLVMPositionBuilderAtEnd(t->b, here);
    branch_unlikely(t, condition, block);
}

/* ---- limits: fuel and the stop flag, where the interpreter has them (interp.c, CHARGE) ---- */

/* The fuel the interpreter's code charges at the region that the instruction at `at` opens (a
 * loop's back-edges, the label of an else or end), from its fuel marks: the same regions and
 * costs (compile.c), never computed twice. 0 where it charges nothing. */
static uint32_t fuel_mark(const translator *t, const uint8_t *at)
{
    uint32_t offset = t->module->func_defs[t->def_index].body_offset + (uint32_t)(at - t->r.start);
    uint32_t low = 0, high = t->code->fuel_mark_count;
    while (low < high) {
        uint32_t middle = low + (high - low) / 2;
        if (t->code->fuel_marks[middle].byte_offset < offset)
            low = middle + 1;
        else
            high = middle;
    }
    return low < t->code->fuel_mark_count && t->code->fuel_marks[low].byte_offset == offset
               ? t->code->fuel_marks[low].cost
               : 0;
}

/* With fuel checks, takes `cost` from store->fuel; when `stop` (function entry, back-edges) and
 * deadlines are checked, also looks at the store's stop flag. One branch on
 * (fuel < 0) | (stop != 0) to a cold call of eng_native_limits, which traps when a limit was
 * reached and else returns. */
static void limits_check(translator *t, uint32_t cost, bool stop)
{
    stop = stop && t->epoch;
    if (!stop && !(t->fuel && cost))
        return;
    LLVMValueRef condition = NULL;
    if (t->fuel) {
        LLVMValueRef address = field_address(t, t->store, offsetof(eng_store, fuel));
        LLVMValueRef fuel = LLVMBuildSub(t->b, LLVMBuildLoad2(t->b, t->s->i64, address, ""), const_i64(t, cost), "");
        LLVMBuildStore(t->b, fuel, address);
        condition = LLVMBuildICmp(t->b, LLVMIntSLT, fuel, const_i64(t, 0), "");
    }
    if (stop) {
        LLVMValueRef flag = LLVMBuildLoad2(t->b, t->s->i32, field_address(t, t->store, offsetof(eng_store, stop)), "");
        LLVMSetOrdering(flag, LLVMAtomicOrderingMonotonic);
        LLVMSetAlignment(flag, 4);
        LLVMValueRef raised = LLVMBuildICmp(t->b, LLVMIntNE, flag, const_i32(t, 0), "");
        condition = condition ? LLVMBuildOr(t->b, condition, raised, "") : raised;
    }
    LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(t->s->context, t->function, "limits");
    branch_unlikely(t, condition, slow);
    LLVMBasicBlockRef next = LLVMGetInsertBlock(t->b);
    LLVMPositionBuilderAtEnd(t->b, slow);
    LLVMValueRef args[] = {t->ctx, const_i32(t, cost)};
    call_helper(t, HELPER_eng_native_limits, args, 2);
    LLVMBuildBr(t->b, next);
    LLVMPositionBuilderAtEnd(t->b, next);
}

/* ---- control ---- */

static control *push_control(translator *t, control_kind kind, int64_t blocktype)
{
    if (t->control_count == t->control_capacity) {
        uint32_t capacity = t->control_capacity ? 2 * t->control_capacity : 16;
        control *grown = realloc(t->controls, capacity * sizeof *grown);
        if (!grown) {
            fail(t, "out of memory");
            return NULL;
        }
        t->controls = grown;
        t->control_capacity = capacity;
    }
    control *c = &t->controls[t->control_count++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    if (blocktype == -0x40) {
        /* no params, no results */
    } else if (blocktype < 0) {
        c->single = (eng_valtype)(blocktype & 0x7f);
        c->results = &c->single;
        c->result_count = 1;
    } else {
        const eng_functype *type = &t->module->types[blocktype];
        c->params = eng_functype_params(type);
        c->param_count = type->param_count;
        c->results = eng_functype_results(type);
        c->result_count = type->result_count;
    }
    c->height = t->stack_size - c->param_count;
    c->merge = LLVMAppendBasicBlockInContext(t->s->context, t->function, "merge");
    if (c->result_count) {
        c->merge_phis = malloc(c->result_count * sizeof *c->merge_phis);
        if (!c->merge_phis) {
            fail(t, "out of memory");
            return c;
        }
        LLVMBasicBlockRef here = LLVMGetInsertBlock(t->b);
        LLVMPositionBuilderAtEnd(t->b, c->merge);
        for (uint32_t i = 0; i < c->result_count; i++)
            c->merge_phis[i] = LLVMBuildPhi(t->b, llvm_value_type(t->s, c->results[i]), "");
        LLVMPositionBuilderAtEnd(t->b, here);
    }
    return c;
}

static void free_control(control *c)
{
    free(c->merge_phis);
    free(c->header_phis);
    free(c->if_params);
}

/* Sends the top `count` values of the stack (without popping them) to `phis` from the current block. */
static void add_incoming(translator *t, LLVMValueRef *phis, uint32_t count)
{
    LLVMBasicBlockRef here = LLVMGetInsertBlock(t->b);
    for (uint32_t i = 0; i < count; i++) {
        LLVMValueRef value = t->stack[t->stack_size - count + i];
        LLVMAddIncoming(phis[i], &value, &here, 1);
    }
}

/* Records a branch from the current block to label `depth`, with its values; the caller emits it. */
static LLVMBasicBlockRef branch_target(translator *t, uint32_t depth)
{
    control *c = &t->controls[t->control_count - 1 - depth];
    if (c->kind == CONTROL_LOOP) {
        if (t->fuel)
            limits_check(t, c->loop_cost, true); /* a back-edge pays the loop's region */
        add_incoming(t, c->header_phis, c->param_count);
        return c->header;
    }
    add_incoming(t, c->merge_phis, c->result_count);
    c->merge_predecessors++;
    return c->merge;
}

static void translate_block(translator *t)
{
    int64_t blocktype = 0;
    read_s33_leb(&t->r, &blocktype);
    push_control(t, CONTROL_BLOCK, blocktype);
}

static void translate_loop(translator *t)
{
    int64_t blocktype = 0;
    read_s33_leb(&t->r, &blocktype);
    control *c = push_control(t, CONTROL_LOOP, blocktype);
    if (!c)
        return;
    if (t->fuel)
        c->loop_cost = fuel_mark(t, t->instr);
    c->header = LLVMAppendBasicBlockInContext(t->s->context, t->function, "loop");
    LLVMBasicBlockRef here = LLVMGetInsertBlock(t->b);
    LLVMPositionBuilderAtEnd(t->b, c->header);
    if (c->param_count) {
        c->header_phis = malloc(c->param_count * sizeof *c->header_phis);
        if (!c->header_phis) {
            fail(t, "out of memory");
            return;
        }
        for (uint32_t i = 0; i < c->param_count; i++)
            c->header_phis[i] = LLVMBuildPhi(t->b, llvm_value_type(t->s, c->params[i]), "");
    }
    LLVMPositionBuilderAtEnd(t->b, here);
    add_incoming(t, c->header_phis, c->param_count);
    LLVMBuildBr(t->b, c->header);
    LLVMPositionBuilderAtEnd(t->b, c->header);
    t->stack_size -= c->param_count;
    for (uint32_t i = 0; i < c->param_count; i++)
        push(t, c->header_phis[i]);
    /* Without fuel, the stop flag is polled once per iteration at the header instead of on each
     * back-edge (equivalent; a loop with many back-edges, as vm's dispatch, ran 1.3x native
     * rather than 2.1x with deadline checks: bench/checks.sh). */
    if (!t->fuel)
        limits_check(t, 0, true);
}

static void translate_if(translator *t)
{
    int64_t blocktype = 0;
    read_s33_leb(&t->r, &blocktype);
    LLVMValueRef condition = LLVMBuildICmp(t->b, LLVMIntNE, pop(t), const_i32(t, 0), "");
    control *c = push_control(t, CONTROL_IF, blocktype);
    if (!c)
        return;
    if (c->param_count) {
        c->if_params = malloc(c->param_count * sizeof *c->if_params);
        if (!c->if_params) {
            fail(t, "out of memory");
            return;
        }
        memcpy(c->if_params, t->stack + c->height, c->param_count * sizeof *c->if_params);
    }
    LLVMBasicBlockRef then_block = LLVMAppendBasicBlockInContext(t->s->context, t->function, "then");
    c->else_block = LLVMAppendBasicBlockInContext(t->s->context, t->function, "else");
    LLVMBuildCondBr(t->b, condition, then_block, c->else_block);
    LLVMPositionBuilderAtEnd(t->b, then_block);
}

static void translate_else(translator *t)
{
    control *c = &t->controls[t->control_count - 1];
    if (t->reachable) {
        add_incoming(t, c->merge_phis, c->result_count);
        c->merge_predecessors++;
        LLVMBuildBr(t->b, c->merge);
    }
    t->stack_size = c->height;
    for (uint32_t i = 0; i < c->param_count; i++)
        push(t, c->if_params[i]);
    LLVMPositionBuilderAtEnd(t->b, c->else_block);
    c->else_block = NULL;
    t->reachable = true;
    if (t->fuel) /* the interpreter's FUEL at the else label */
        limits_check(t, fuel_mark(t, t->instr), false);
}

/* `end` of a block, loop or if; of the function: the return. */
static void translate_end(translator *t)
{
    control *c = &t->controls[t->control_count - 1];
    if (t->reachable) {
        add_incoming(t, c->merge_phis, c->result_count);
        c->merge_predecessors++;
        LLVMBuildBr(t->b, c->merge);
    }
    if (c->else_block) {
        /* An if without else: the false branch passes the params on as the results. */
        LLVMPositionBuilderAtEnd(t->b, c->else_block);
        t->stack_size = c->height;
        for (uint32_t i = 0; i < c->param_count; i++)
            push(t, c->if_params[i]);
        add_incoming(t, c->merge_phis, c->result_count);
        c->merge_predecessors++;
        LLVMBuildBr(t->b, c->merge);
    }
    t->stack_size = c->height;
    if (c->merge_predecessors) {
        LLVMPositionBuilderAtEnd(t->b, c->merge);
        for (uint32_t i = 0; i < c->result_count; i++)
            push(t, c->merge_phis[i]);
        t->reachable = true;
        if (t->fuel) /* the interpreter's FUEL at a label that branches reach */
            limits_check(t, fuel_mark(t, t->instr), false);
    } else {
        for (uint32_t i = 0; i < c->result_count; i++)
            LLVMInstructionEraseFromParent(c->merge_phis[i]);
        LLVMDeleteBasicBlock(c->merge);
        t->reachable = false;
    }
    if (c->kind == CONTROL_FUNCTION && t->reachable) {
        if (c->result_count == 0) {
            LLVMBuildRetVoid(t->b);
        } else if (c->result_count == 1) {
            LLVMBuildRet(t->b, pop(t));
        } else {
            LLVMValueRef all = LLVMGetUndef(LLVMGetReturnType(LLVMGlobalGetValueType(t->function)));
            for (uint32_t i = 0; i < c->result_count; i++)
                all = LLVMBuildInsertValue(t->b, all, t->stack[t->stack_size - c->result_count + i], i, "");
            t->stack_size -= c->result_count;
            LLVMBuildRet(t->b, all);
        }
        t->reachable = false;
    }
    free_control(c);
    t->control_count--;
}

static void translate_br(translator *t)
{
    LLVMBuildBr(t->b, branch_target(t, read_index(&t->r)));
    t->reachable = false;
}

static void translate_br_if(translator *t)
{
    uint32_t depth = read_index(&t->r);
    LLVMValueRef condition = LLVMBuildICmp(t->b, LLVMIntNE, pop(t), const_i32(t, 0), "");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(t->s->context, t->function, "");
    if (t->controls[t->control_count - 1 - depth].kind == CONTROL_LOOP && t->fuel) {
        /* A back-edge with its limits check: on an edge block of its own. */
        LLVMBasicBlockRef edge = LLVMAppendBasicBlockInContext(t->s->context, t->function, "back");
        LLVMBuildCondBr(t->b, condition, edge, next);
        LLVMPositionBuilderAtEnd(t->b, edge);
        LLVMBuildBr(t->b, branch_target(t, depth));
    } else {
        LLVMBuildCondBr(t->b, condition, branch_target(t, depth), next);
    }
    LLVMPositionBuilderAtEnd(t->b, next);
}

/* br_table: a switch through one edge block per distinct label, so that every phi gets one
 * incoming value per predecessor block however often a label repeats. Per label, not per case: a
 * table of thousands of entries naming one label made as many empty blocks, which simplifycfg then
 * folds into the switch one at a time, each fold scanning the target's predecessors (the spec's
 * br_table.0.wasm, 27 KB, took 44 s to compile; now well under a second). */
static void translate_br_table(translator *t)
{
    uint32_t count = read_index(&t->r);
    LLVMValueRef index = pop(t);
    uint32_t *depths = malloc(((size_t)count + 1) * sizeof *depths);
    LLVMBasicBlockRef *edges = calloc(t->control_count, sizeof *edges);
    if (!depths || !edges) {
        free(depths);
        free(edges);
        fail(t, "out of memory");
        return;
    }
    for (uint32_t i = 0; i <= count; i++)
        depths[i] = read_index(&t->r); /* validated: below control_count */
    LLVMBasicBlockRef switch_block = LLVMGetInsertBlock(t->b);
    LLVMValueRef sw = NULL;
    /* The default (the last entry) first: the switch needs it. */
    for (uint32_t n = 0; n <= count; n++) {
        uint32_t i = n == 0 ? count : n - 1;
        uint32_t depth = depths[i];
        if (!edges[depth]) {
            edges[depth] = LLVMAppendBasicBlockInContext(t->s->context, t->function, "");
            if (!sw) {
                LLVMPositionBuilderAtEnd(t->b, switch_block);
                sw = LLVMBuildSwitch(t->b, index, edges[depth], count);
            }
            LLVMPositionBuilderAtEnd(t->b, edges[depth]);
            LLVMBuildBr(t->b, branch_target(t, depth));
        }
        if (i < count)
            LLVMAddCase(sw, const_i32(t, i), edges[depth]);
    }
    free(depths);
    free(edges);
    t->reachable = false;
}

static void translate_return(translator *t)
{
    LLVMBuildBr(t->b, branch_target(t, t->control_count - 1));
    t->reachable = false;
}

/* ---- calls ---- */

/* Values side by side in an array of eng_slot, as the interpreter has them: each at the slot after
 * the previous value's last one (a v128 takes two: eng_valtype_slots). The slots are 8-byte aligned. */
void llvm_store_slots(LLVMBuilderRef b, const llvm_module_state *state, LLVMValueRef slots, const eng_valtype *types,
                      uint32_t count, const LLVMValueRef *values)
{
    uint32_t slot = 0;
    for (uint32_t i = 0; i < count; i++) {
        LLVMValueRef index = LLVMConstInt(state->i64, slot, false);
        LLVMValueRef store = LLVMBuildStore(b, values[i], LLVMBuildInBoundsGEP2(b, state->i64, slots, &index, 1, ""));
        LLVMSetAlignment(store, 8);
        slot += eng_valtype_slots(types[i]);
    }
}

void llvm_load_slots(LLVMBuilderRef b, const llvm_module_state *state, LLVMValueRef slots, const eng_valtype *types,
                     uint32_t count, LLVMValueRef *values)
{
    uint32_t slot = 0;
    for (uint32_t i = 0; i < count; i++) {
        LLVMValueRef index = LLVMConstInt(state->i64, slot, false);
        values[i] = LLVMBuildLoad2(b, llvm_value_type(state, types[i]),
                                   LLVMBuildInBoundsGEP2(b, state->i64, slots, &index, 1, ""), "");
        LLVMSetAlignment(values[i], 8);
        slot += eng_valtype_slots(types[i]);
    }
}

/* Calls `callee` (a function index) or, when table_type_index is set, the element of a table,
 * through the runtime: the arguments and results pass in an array of eng_slot. */
static void call_through_runtime(translator *t, const eng_functype *type, native_helper helper, LLVMValueRef *extra,
                                 unsigned extra_count)
{
    uint32_t slots = type->param_slots > type->result_slots ? type->param_slots : type->result_slots;
    LLVMBasicBlockRef here = LLVMGetInsertBlock(t->b);
    LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(t->function);
    LLVMValueRef first = LLVMGetFirstInstruction(entry);
    if (first)
        LLVMPositionBuilderBefore(t->b, first);
    else
        LLVMPositionBuilderAtEnd(t->b, entry);
    LLVMValueRef array = LLVMBuildAlloca(t->b, LLVMArrayType2(t->s->i64, slots ? slots : 1), "slots");
    LLVMPositionBuilderAtEnd(t->b, here);
    set_location(t, t->byte_offset); /* positioning before `first` took its location */
    LLVMValueRef args[type->param_count + 1];
    for (uint32_t i = type->param_count; i > 0; i--)
        args[i - 1] = pop(t);
    llvm_store_slots(t->b, t->s, array, eng_functype_params(type), type->param_count, args);
    LLVMValueRef call_args[6];
    call_args[0] = t->ctx;
    for (unsigned i = 0; i < extra_count; i++)
        call_args[1 + i] = extra[i];
    call_args[1 + extra_count] = array;
    call_helper(t, helper, call_args, 2 + extra_count);
    LLVMValueRef results[type->result_count + 1];
    llvm_load_slots(t->b, t->s, array, eng_functype_results(type), type->result_count, results);
    for (uint32_t i = 0; i < type->result_count; i++)
        push(t, results[i]);
}

static void translate_call(translator *t)
{
    uint32_t index = read_index(&t->r);
    const eng_functype *type = eng_module_func_type(t->module, index);
    uint32_t imported = t->module->imported_func_count;
    if (index >= imported && t->s->functions[index - imported]) {
        LLVMValueRef args[type->param_count + 1];
        args[0] = t->ctx;
        for (uint32_t i = type->param_count; i > 0; i--)
            args[i] = pop(t);
        LLVMValueRef result = LLVMBuildCall2(t->b, t->s->function_types[index - imported],
                                             t->s->functions[index - imported], args, type->param_count + 1, "");
        /* Never turned into a jump: runaway recursion must end in "call stack exhausted" (tail
         * recursion elimination would make it an endless loop). */
        LLVMSetTailCallKind(result, LLVMTailCallKindNoTail);
        LLVMValueRef results[type->result_count + 1];
        llvm_unpack_results(t->b, type, result, results);
        for (uint32_t i = 0; i < type->result_count; i++)
            push(t, results[i]);
        return;
    }
    LLVMValueRef extra = const_i32(t, index);
    call_through_runtime(t, type, HELPER_eng_native_call, &extra, 1);
}

/* call_indirect: when the element is a compiled function of this instance whose type is the
 * expected one (the same eng_functype, as for functions of this module), a direct call of its
 * code; anything else (out of range, null, another type, another instance, an interpreted or
 * host function) through eng_native_call_indirect, which checks and traps as the interpreter. */
static void translate_call_indirect(translator *t)
{
    uint32_t type_index = read_index(&t->r);
    uint32_t table_index = read_index(&t->r);
    const eng_functype *type = &t->module->types[type_index];
    LLVMValueRef element = pop(t);
    LLVMValueRef extra[] = {const_i32(t, table_index), const_i32(t, type_index), element};
    LLVMContextRef context = t->s->context;
    LLVMBasicBlockRef check = LLVMAppendBasicBlockInContext(context, t->function, "indirect.check");
    LLVMBasicBlockRef fast = LLVMAppendBasicBlockInContext(context, t->function, "indirect.fast");
    LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(context, t->function, "indirect.slow");
    LLVMBasicBlockRef merge = LLVMAppendBasicBlockInContext(context, t->function, "indirect.done");

    LLVMValueRef tables = load_invariant(t, t->s->ptr, field_address(t, t->ctx, offsetof(eng_instance, tables)));
    LLVMValueRef index = const_i64(t, table_index);
    LLVMValueRef table = load_invariant(t, t->s->ptr, LLVMBuildInBoundsGEP2(t->b, t->s->ptr, tables, &index, 1, ""));
    LLVMValueRef size = LLVMBuildLoad2(t->b, t->s->i32, field_address(t, table, offsetof(eng_table, size)), "");
    LLVMBuildCondBr(t->b, LLVMBuildICmp(t->b, LLVMIntULT, element, size, ""), check, slow);

    LLVMPositionBuilderAtEnd(t->b, check);
    LLVMValueRef elements = LLVMBuildLoad2(t->b, t->s->ptr, field_address(t, table, offsetof(eng_table, elements)), "");
    LLVMValueRef slot = LLVMBuildZExt(t->b, element, t->s->i64, "");
    LLVMValueRef func =
        LLVMBuildLoad2(t->b, t->s->ptr, LLVMBuildInBoundsGEP2(t->b, t->s->ptr, elements, &slot, 1, ""), "");
    LLVMValueRef is_null = LLVMBuildICmp(t->b, LLVMIntEQ, func, LLVMConstNull(t->s->ptr), "");
    LLVMBasicBlockRef check_func = LLVMAppendBasicBlockInContext(context, t->function, "indirect.func");
    LLVMBuildCondBr(t->b, is_null, slow, check_func);
    LLVMPositionBuilderAtEnd(t->b, check_func);
    LLVMValueRef module = load_invariant(t, t->s->ptr, field_address(t, t->ctx, offsetof(eng_instance, module)));
    LLVMValueRef types = load_invariant(t, t->s->ptr, field_address(t, module, offsetof(eng_module, types)));
    LLVMValueRef expected = field_address(t, types, (size_t)type_index * sizeof(eng_functype));
    LLVMValueRef actual = LLVMBuildLoad2(t->b, t->s->ptr, field_address(t, func, offsetof(eng_func, type)), "");
    LLVMValueRef instance = LLVMBuildLoad2(t->b, t->s->ptr, field_address(t, func, offsetof(eng_func, instance)), "");
    LLVMValueRef code =
        LLVMBuildLoad2(t->b, t->s->ptr, field_address(t, func, offsetof(eng_func, native_function)), "");
    LLVMValueRef same = LLVMBuildAnd(t->b, LLVMBuildICmp(t->b, LLVMIntEQ, actual, expected, ""),
                                     LLVMBuildICmp(t->b, LLVMIntEQ, instance, t->ctx, ""), "");
    same = LLVMBuildAnd(t->b, same, LLVMBuildICmp(t->b, LLVMIntNE, code, LLVMConstNull(t->s->ptr), ""), "");
    LLVMBuildCondBr(t->b, same, fast, slow);

    LLVMPositionBuilderAtEnd(t->b, fast);
    LLVMValueRef args[type->param_count + 1];
    args[0] = t->ctx;
    for (uint32_t i = 0; i < type->param_count; i++)
        args[1 + i] = t->stack[t->stack_size - type->param_count + i];
    LLVMValueRef fast_call =
        LLVMBuildCall2(t->b, llvm_function_type(t->s, type), code, args, type->param_count + 1, "");
    LLVMSetTailCallKind(fast_call, LLVMTailCallKindNoTail);
    LLVMValueRef fast_results[type->result_count + 1];
    llvm_unpack_results(t->b, type, fast_call, fast_results);
    LLVMBuildBr(t->b, merge);

    LLVMPositionBuilderAtEnd(t->b, slow);
    call_through_runtime(t, type, HELPER_eng_native_call_indirect, extra, 3); /* pops the arguments */
    LLVMValueRef slow_results[type->result_count + 1];
    for (uint32_t i = type->result_count; i > 0; i--)
        slow_results[i - 1] = pop(t);
    LLVMBasicBlockRef slow_end = LLVMGetInsertBlock(t->b);
    LLVMBuildBr(t->b, merge);

    LLVMPositionBuilderAtEnd(t->b, merge);
    for (uint32_t i = 0; i < type->result_count; i++) {
        LLVMValueRef phi = LLVMBuildPhi(t->b, LLVMTypeOf(slow_results[i]), "");
        LLVMValueRef values[] = {fast_results[i], slow_results[i]};
        LLVMBasicBlockRef blocks[] = {fast, slow_end};
        LLVMAddIncoming(phi, values, blocks, 2);
        push(t, phi);
    }
}

/* ---- variables ---- */

/* A global's value (eng_global's `value`, or for a v128 its `v128`, at the same place: 8-byte aligned). */
static LLVMValueRef global_cell(translator *t, uint32_t index)
{
    LLVMValueRef offset = const_i64(t, index);
    LLVMValueRef global =
        load_invariant(t, t->s->ptr, LLVMBuildInBoundsGEP2(t->b, t->s->ptr, t->globals, &offset, 1, ""));
    _Static_assert(offsetof(eng_global, value) == offsetof(eng_global, v128), "a global's value is in one place");
    return field_address(t, global, offsetof(eng_global, value));
}

static void translate_global_get(translator *t)
{
    uint32_t index = read_index(&t->r);
    const eng_globaltype *type = &t->module->global_types[index];
    LLVMValueRef address = global_cell(t, index);
    LLVMTypeRef llvm_type = llvm_value_type(t->s, type->type);
    LLVMValueRef value =
        type->is_mutable ? LLVMBuildLoad2(t->b, llvm_type, address, "") : load_invariant(t, llvm_type, address);
    LLVMSetAlignment(value, 8);
    push(t, value);
}

static void translate_global_set(translator *t)
{
    uint32_t index = read_index(&t->r);
    LLVMValueRef value = pop(t);
    LLVMSetAlignment(LLVMBuildStore(t->b, value, global_cell(t, index)), 8);
}

/* ---- memory ---- */

static void translate_load(translator *t, const eng_wasm_instruction *row)
{
    read_index(&t->r); /* alignment: a hint */
    uint32_t offset = read_index(&t->r);
    LLVMValueRef address = effective_address(t, pop(t), offset);
    LLVMTypeRef result = llvm_value_type(t->s, (eng_valtype)row->result);
    LLVMTypeRef access = result;
    bool is_signed = false;
    switch (eng_wasm_index_of(row)) {
    case ENG_WASM_I32_LOAD8_S:
    case ENG_WASM_I64_LOAD8_S: is_signed = true; /* fall through */
    case ENG_WASM_I32_LOAD8_U:
    case ENG_WASM_I64_LOAD8_U: access = t->s->i8; break;
    case ENG_WASM_I32_LOAD16_S:
    case ENG_WASM_I64_LOAD16_S: is_signed = true; /* fall through */
    case ENG_WASM_I32_LOAD16_U:
    case ENG_WASM_I64_LOAD16_U: access = LLVMInt16TypeInContext(t->s->context); break;
    case ENG_WASM_I64_LOAD32_S: is_signed = true; /* fall through */
    case ENG_WASM_I64_LOAD32_U: access = t->s->i32; break;
    default: break;
    }
    LLVMValueRef value = LLVMBuildLoad2(t->b, access, address, "");
    LLVMSetAlignment(value, 1);
    LLVMSetMetadata(value, t->s->memory_load_kind, t->s->invariant_node); /* an empty node: keep_traps.c */
    if (access != result)
        value = is_signed ? LLVMBuildSExt(t->b, value, result, "") : LLVMBuildZExt(t->b, value, result, "");
    push(t, value);
}

static void translate_store(translator *t, const eng_wasm_instruction *row)
{
    read_index(&t->r);
    uint32_t offset = read_index(&t->r);
    LLVMValueRef value = pop(t);
    LLVMValueRef address = effective_address(t, pop(t), offset);
    switch (eng_wasm_index_of(row)) {
    case ENG_WASM_I32_STORE8:
    case ENG_WASM_I64_STORE8: value = LLVMBuildTrunc(t->b, value, t->s->i8, ""); break;
    case ENG_WASM_I32_STORE16:
    case ENG_WASM_I64_STORE16: value = LLVMBuildTrunc(t->b, value, LLVMInt16TypeInContext(t->s->context), ""); break;
    case ENG_WASM_I64_STORE32: value = LLVMBuildTrunc(t->b, value, t->s->i32, ""); break;
    default: break;
    }
    LLVMValueRef store = LLVMBuildStore(t->b, value, address);
    LLVMSetAlignment(store, 1);
}

static void translate_memory_size(translator *t)
{
    skip_immediates(&t->r, &eng_wasm_instructions[ENG_WASM_MEMORY_SIZE]);
    LLVMValueRef memory = load_invariant(t, t->s->ptr, field_address(t, t->ctx, offsetof(eng_instance, memory0)));
    LLVMValueRef size = LLVMBuildLoad2(t->b, t->s->i64, field_address(t, memory, offsetof(eng_memory, size)), "");
    push(t, LLVMBuildTrunc(t->b, LLVMBuildLShr(t->b, size, const_i64(t, 16), ""), t->s->i32, ""));
}

static void translate_memory_helper(translator *t, const eng_wasm_instruction *row)
{
    eng_wasm_index index = eng_wasm_index_of(row);
    uint32_t segment = 0;
    if (index == ENG_WASM_MEMORY_INIT || index == ENG_WASM_DATA_DROP)
        segment = read_index(&t->r);
    if (index == ENG_WASM_MEMORY_INIT || index == ENG_WASM_MEMORY_FILL || index == ENG_WASM_MEMORY_GROW)
        read_index(&t->r); /* memory 0 (a zero byte) */
    if (index == ENG_WASM_MEMORY_COPY) {
        read_index(&t->r);
        read_index(&t->r);
    }
    LLVMValueRef args[5] = {t->ctx};
    switch (index) {
    case ENG_WASM_MEMORY_GROW:
        args[1] = pop(t);
        push(t, call_helper(t, HELPER_eng_native_memory_grow, args, 2));
        return;
    case ENG_WASM_DATA_DROP:
        args[1] = const_i32(t, segment);
        call_helper(t, HELPER_eng_native_data_drop, args, 2);
        return;
    case ENG_WASM_MEMORY_INIT:
        args[4] = pop(t), args[3] = pop(t), args[2] = pop(t), args[1] = const_i32(t, segment);
        call_helper(t, HELPER_eng_native_memory_init, args, 5);
        return;
    case ENG_WASM_MEMORY_FILL:
    case ENG_WASM_MEMORY_COPY:
        args[3] = pop(t), args[2] = pop(t), args[1] = pop(t);
        call_helper(t, index == ENG_WASM_MEMORY_FILL ? HELPER_eng_native_memory_fill : HELPER_eng_native_memory_copy,
                    args, 4);
        return;
    default: fail(t, "not a memory instruction (internal error)");
    }
}

/* ---- constants and numeric instructions ---- */

static void translate_const(translator *t, const eng_wasm_instruction *row)
{
    switch (eng_wasm_index_of(row)) {
    case ENG_WASM_I32_CONST: {
        int32_t value = 0;
        read_s32_leb(&t->r, &value);
        push(t, const_i32(t, (uint32_t)value));
        return;
    }
    case ENG_WASM_I64_CONST: {
        int64_t value = 0;
        read_s64_leb(&t->r, &value);
        push(t, const_i64(t, (uint64_t)value));
        return;
    }
    case ENG_WASM_F32_CONST: {
        uint32_t bits = 0;
        read_f32_bits(&t->r, &bits);
        push(t, LLVMConstBitCast(const_i32(t, bits), t->s->f32));
        return;
    }
    case ENG_WASM_F64_CONST: {
        uint64_t bits = 0;
        read_f64_bits(&t->r, &bits);
        push(t, LLVMConstBitCast(const_i64(t, bits), t->s->f64));
        return;
    }
    default: fail(t, "not a constant (internal error)");
    }
}

/* Integer division and remainder with the interpreter's traps. */
static LLVMValueRef divide(translator *t, eng_wasm_index index, LLVMValueRef a, LLVMValueRef b, bool wide)
{
    LLVMTypeRef type = LLVMTypeOf(a);
    LLVMValueRef zero = LLVMConstInt(type, 0, false), minus_one = LLVMConstInt(type, (uint64_t)-1, true);
    trap_if(t, LLVMBuildICmp(t->b, LLVMIntEQ, b, zero, ""), ENG_TRAP_INTEGER_DIVIDE_BY_ZERO);
    LLVMValueRef minimum = LLVMConstInt(type, wide ? (uint64_t)1 << 63 : (uint64_t)1 << 31, false);
    switch (index) {
    case ENG_WASM_I32_DIV_S:
    case ENG_WASM_I64_DIV_S:
        trap_if(t,
                LLVMBuildAnd(t->b, LLVMBuildICmp(t->b, LLVMIntEQ, a, minimum, ""),
                             LLVMBuildICmp(t->b, LLVMIntEQ, b, minus_one, ""), ""),
                ENG_TRAP_INTEGER_OVERFLOW);
        return LLVMBuildSDiv(t->b, a, b, "");
    case ENG_WASM_I32_DIV_U:
    case ENG_WASM_I64_DIV_U: return LLVMBuildUDiv(t->b, a, b, "");
    case ENG_WASM_I32_REM_S:
    case ENG_WASM_I64_REM_S: {
        /* MIN rem -1 is 0 in wasm but overflows srem: divide by 1 instead (the result is 0 either way). */
        LLVMValueRef is_minus_one = LLVMBuildICmp(t->b, LLVMIntEQ, b, minus_one, "");
        LLVMValueRef divisor = LLVMBuildSelect(t->b, is_minus_one, LLVMConstInt(type, 1, false), b, "");
        return LLVMBuildSRem(t->b, a, divisor, "");
    }
    default: return LLVMBuildURem(t->b, a, b, "");
    }
}

/* trunc_f*: NaN traps "invalid conversion to integer", out of range "integer overflow"; the
 * bounds are those of TRUNC in interp.c, compared in double (exact for f32 inputs too). */
static LLVMValueRef truncate(translator *t, LLVMValueRef x, LLVMTypeRef to, bool is_signed, double low, double high,
                             bool low_inclusive)
{
    LLVMValueRef wide = LLVMTypeOf(x) == t->s->f32 ? LLVMBuildFPExt(t->b, x, t->s->f64, "") : x;
    trap_if(t, LLVMBuildFCmp(t->b, LLVMRealUNO, wide, wide, ""), ENG_TRAP_INVALID_CONVERSION);
    LLVMValueRef above_low =
        LLVMBuildFCmp(t->b, low_inclusive ? LLVMRealOGE : LLVMRealOGT, wide, LLVMConstReal(t->s->f64, low), "");
    LLVMValueRef below_high = LLVMBuildFCmp(t->b, LLVMRealOLT, wide, LLVMConstReal(t->s->f64, high), "");
    trap_if(t, LLVMBuildNot(t->b, LLVMBuildAnd(t->b, above_low, below_high, ""), ""), ENG_TRAP_INTEGER_OVERFLOW);
    return is_signed ? LLVMBuildFPToSI(t->b, x, to, "") : LLVMBuildFPToUI(t->b, x, to, "");
}

static LLVMValueRef sign_extend_from(translator *t, LLVMValueRef x, unsigned bits)
{
    LLVMValueRef narrow = LLVMBuildTrunc(t->b, x, LLVMIntTypeInContext(t->s->context, bits), "");
    return LLVMBuildSExt(t->b, narrow, LLVMTypeOf(x), "");
}

static LLVMValueRef masked_count(translator *t, LLVMValueRef count, bool wide)
{
    return LLVMBuildAnd(t->b, count, wide ? const_i64(t, 63) : const_i32(t, 31), "");
}

static LLVMValueRef rotate(translator *t, const char *name, LLVMValueRef x, LLVMValueRef k)
{
    LLVMTypeRef type = LLVMTypeOf(x);
    LLVMValueRef args[] = {x, x, k};
    return call_intrinsic(t, name, &type, 1, args, 3); /* funnel shifts take the count modulo the width */
}

/* The numeric rows: operands popped as the row's A and B say, one result pushed. */
static void translate_numeric(translator *t, const eng_wasm_instruction *row)
{
    eng_wasm_index index = eng_wasm_index_of(row);
    LLVMValueRef b = row->b ? pop(t) : NULL;
    LLVMValueRef a = pop(t);
    LLVMBuilderRef B = t->b;
    LLVMTypeRef i32 = t->s->i32, i64 = t->s->i64, f32 = t->s->f32, f64 = t->s->f64;
    LLVMValueRef r = NULL;
    bool wide = row->a == ENG_I64;
    switch (index) {
    case ENG_WASM_I32_EQZ:
    case ENG_WASM_I64_EQZ: r = to_i32(t, LLVMBuildICmp(B, LLVMIntEQ, a, LLVMConstNull(LLVMTypeOf(a)), "")); break;
#define ICMP(w, predicate) \
    case ENG_WASM_I32_##w: \
    case ENG_WASM_I64_##w: r = to_i32(t, LLVMBuildICmp(B, predicate, a, b, "")); break;
        ICMP(EQ, LLVMIntEQ)
        ICMP(NE, LLVMIntNE)
        ICMP(LT_S, LLVMIntSLT)
        ICMP(LT_U, LLVMIntULT)
        ICMP(GT_S, LLVMIntSGT)
        ICMP(GT_U, LLVMIntUGT)
        ICMP(LE_S, LLVMIntSLE)
        ICMP(LE_U, LLVMIntULE)
        ICMP(GE_S, LLVMIntSGE)
        ICMP(GE_U, LLVMIntUGE)
#undef ICMP
#define FCMP(w, predicate) \
    case ENG_WASM_F32_##w: \
    case ENG_WASM_F64_##w: r = to_i32(t, LLVMBuildFCmp(B, predicate, a, b, "")); break;
        FCMP(EQ, LLVMRealOEQ)
        FCMP(NE, LLVMRealUNE)
        FCMP(LT, LLVMRealOLT)
        FCMP(GT, LLVMRealOGT)
        FCMP(LE, LLVMRealOLE)
        FCMP(GE, LLVMRealOGE)
#undef FCMP
#define INTEGER(w, build)  \
    case ENG_WASM_I32_##w: \
    case ENG_WASM_I64_##w: r = build; break;
        INTEGER(CLZ,
                call_intrinsic(t, "llvm.ctlz", (LLVMTypeRef[]){LLVMTypeOf(a)}, 1,
                               (LLVMValueRef[]){a, LLVMConstInt(LLVMInt1TypeInContext(t->s->context), 0, false)}, 2))
        INTEGER(CTZ,
                call_intrinsic(t, "llvm.cttz", (LLVMTypeRef[]){LLVMTypeOf(a)}, 1,
                               (LLVMValueRef[]){a, LLVMConstInt(LLVMInt1TypeInContext(t->s->context), 0, false)}, 2))
        INTEGER(POPCNT, unary_intrinsic(t, "llvm.ctpop", a))
        INTEGER(ADD, LLVMBuildAdd(B, a, b, ""))
        INTEGER(SUB, LLVMBuildSub(B, a, b, ""))
        INTEGER(MUL, LLVMBuildMul(B, a, b, ""))
        INTEGER(DIV_S, divide(t, index, a, b, wide))
        INTEGER(DIV_U, divide(t, index, a, b, wide))
        INTEGER(REM_S, divide(t, index, a, b, wide))
        INTEGER(REM_U, divide(t, index, a, b, wide))
        INTEGER(AND, LLVMBuildAnd(B, a, b, ""))
        INTEGER(OR, LLVMBuildOr(B, a, b, ""))
        INTEGER(XOR, LLVMBuildXor(B, a, b, ""))
        INTEGER(SHL, LLVMBuildShl(B, a, masked_count(t, b, wide), ""))
        INTEGER(SHR_S, LLVMBuildAShr(B, a, masked_count(t, b, wide), ""))
        INTEGER(SHR_U, LLVMBuildLShr(B, a, masked_count(t, b, wide), ""))
        INTEGER(ROTL, rotate(t, "llvm.fshl", a, b))
        INTEGER(ROTR, rotate(t, "llvm.fshr", a, b))
#undef INTEGER
#define FLOAT(w, build)    \
    case ENG_WASM_F32_##w: \
    case ENG_WASM_F64_##w: r = build; break;
        FLOAT(ABS, unary_intrinsic(t, "llvm.fabs", a))
        FLOAT(NEG, LLVMBuildFNeg(B, a, ""))
        FLOAT(CEIL, unary_intrinsic(t, "llvm.ceil", a))
        FLOAT(FLOOR, unary_intrinsic(t, "llvm.floor", a))
        FLOAT(TRUNC, unary_intrinsic(t, "llvm.trunc", a))
        FLOAT(NEAREST, unary_intrinsic(t, "llvm.roundeven", a))
        FLOAT(SQRT, unary_intrinsic(t, "llvm.sqrt", a))
        FLOAT(ADD, quiet_if_foldable(t, LLVMBuildFAdd(B, a, b, ""), a, b))
        FLOAT(SUB, quiet_if_foldable(t, LLVMBuildFSub(B, a, b, ""), a, b))
        FLOAT(MUL, quiet_if_foldable(t, LLVMBuildFMul(B, a, b, ""), a, b))
        FLOAT(DIV, quiet_if_foldable(t, LLVMBuildFDiv(B, a, b, ""), a, b))
        FLOAT(MIN, min_max(t, "llvm.minimum", a, b))
        FLOAT(MAX, min_max(t, "llvm.maximum", a, b))
        FLOAT(COPYSIGN, binary_intrinsic(t, "llvm.copysign", a, b))
#undef FLOAT
    case ENG_WASM_I32_WRAP_I64: r = LLVMBuildTrunc(B, a, i32, ""); break;
    case ENG_WASM_I32_TRUNC_F32_S:
    case ENG_WASM_I32_TRUNC_F64_S: r = truncate(t, a, i32, true, -2147483649.0, 2147483648.0, false); break;
    case ENG_WASM_I32_TRUNC_F32_U:
    case ENG_WASM_I32_TRUNC_F64_U: r = truncate(t, a, i32, false, -1.0, 4294967296.0, false); break;
    case ENG_WASM_I64_TRUNC_F32_S:
    case ENG_WASM_I64_TRUNC_F64_S:
        r = truncate(t, a, i64, true, -9223372036854775808.0, 9223372036854775808.0, true);
        break;
    case ENG_WASM_I64_TRUNC_F32_U:
    case ENG_WASM_I64_TRUNC_F64_U: r = truncate(t, a, i64, false, -1.0, 18446744073709551616.0, false); break;
    case ENG_WASM_I64_EXTEND_I32_S: r = LLVMBuildSExt(B, a, i64, ""); break;
    case ENG_WASM_I64_EXTEND_I32_U: r = LLVMBuildZExt(B, a, i64, ""); break;
    case ENG_WASM_F32_CONVERT_I32_S:
    case ENG_WASM_F32_CONVERT_I64_S: r = LLVMBuildSIToFP(B, a, f32, ""); break;
    case ENG_WASM_F32_CONVERT_I32_U:
    case ENG_WASM_F32_CONVERT_I64_U: r = LLVMBuildUIToFP(B, a, f32, ""); break;
    case ENG_WASM_F64_CONVERT_I32_S:
    case ENG_WASM_F64_CONVERT_I64_S: r = LLVMBuildSIToFP(B, a, f64, ""); break;
    case ENG_WASM_F64_CONVERT_I32_U:
    case ENG_WASM_F64_CONVERT_I64_U: r = LLVMBuildUIToFP(B, a, f64, ""); break;
    case ENG_WASM_F32_DEMOTE_F64:
        r = LLVMBuildFPTrunc(B, a, f32, "");
        if (LLVMIsAFPExtInst(a))
            r = quiet(t, r);
        break;
    case ENG_WASM_F64_PROMOTE_F32: r = LLVMBuildFPExt(B, a, f64, ""); break;
    case ENG_WASM_I32_REINTERPRET_F32: r = LLVMBuildBitCast(B, a, i32, ""); break;
    case ENG_WASM_I64_REINTERPRET_F64: r = LLVMBuildBitCast(B, a, i64, ""); break;
    case ENG_WASM_F32_REINTERPRET_I32: r = LLVMBuildBitCast(B, a, f32, ""); break;
    case ENG_WASM_F64_REINTERPRET_I64: r = LLVMBuildBitCast(B, a, f64, ""); break;
    case ENG_WASM_I32_EXTEND8_S:
    case ENG_WASM_I64_EXTEND8_S: r = sign_extend_from(t, a, 8); break;
    case ENG_WASM_I32_EXTEND16_S:
    case ENG_WASM_I64_EXTEND16_S: r = sign_extend_from(t, a, 16); break;
    case ENG_WASM_I64_EXTEND32_S: r = sign_extend_from(t, a, 32); break;
    case ENG_WASM_I32_TRUNC_SAT_F32_S:
    case ENG_WASM_I32_TRUNC_SAT_F64_S: r = saturate(t, a, i32, true); break;
    case ENG_WASM_I32_TRUNC_SAT_F32_U:
    case ENG_WASM_I32_TRUNC_SAT_F64_U: r = saturate(t, a, i32, false); break;
    case ENG_WASM_I64_TRUNC_SAT_F32_S:
    case ENG_WASM_I64_TRUNC_SAT_F64_S: r = saturate(t, a, i64, true); break;
    case ENG_WASM_I64_TRUNC_SAT_F32_U:
    case ENG_WASM_I64_TRUNC_SAT_F64_U: r = saturate(t, a, i64, false); break;
    default: fail(t, "not a numeric instruction (internal error)"); return;
    }
    push(t, r);
}

/* ---- the rest of the rows ---- */

static void translate_select(translator *t)
{
    LLVMValueRef condition = LLVMBuildICmp(t->b, LLVMIntNE, pop(t), const_i32(t, 0), "");
    LLVMValueRef b = pop(t), a = pop(t);
    push(t, LLVMBuildSelect(t->b, condition, a, b, ""));
}

/* drop: a dropped load must still fault when out of bounds, so it becomes volatile (LLVM
 * would otherwise delete it, and the trap with it). */
static void translate_drop(translator *t)
{
    LLVMValueRef value = pop(t);
    LLVMValueRef load = LLVMIsALoadInst(value);
    if (!load && (LLVMIsASExtInst(value) || LLVMIsAZExtInst(value)))
        load = LLVMIsALoadInst(LLVMGetOperand(value, 0));
    if (load)
        LLVMSetVolatile(load, true);
}

static void translate_local(translator *t, eng_wasm_index index)
{
    uint32_t local = read_index(&t->r);
    LLVMTypeRef type = llvm_value_type(t->s, t->local_types[local]);
    if (index == ENG_WASM_LOCAL_GET) {
        push(t, LLVMBuildLoad2(t->b, type, t->locals[local], ""));
        return;
    }
    LLVMValueRef value = pop(t);
    LLVMBuildStore(t->b, value, t->locals[local]);
    if (index == ENG_WASM_LOCAL_TEE)
        push(t, value);
}

/* References and tables: the checks and the work are the runtime's (native_runtime.c, the same
 * functions the interpreter uses), but for the reads that cannot fail. */
static void translate_table(translator *t, eng_wasm_index index)
{
    LLVMValueRef args[6] = {t->ctx};
    LLVMValueRef value;
    switch (index) {
    case ENG_WASM_REF_NULL:
        skip_immediates(&t->r, &eng_wasm_instructions[index]);
        push(t, LLVMConstNull(t->s->ptr));
        return;
    case ENG_WASM_REF_IS_NULL:
        push(t, to_i32(t, LLVMBuildICmp(t->b, LLVMIntEQ, pop(t), LLVMConstNull(t->s->ptr), "")));
        return;
    case ENG_WASM_REF_FUNC: {
        LLVMValueRef funcs = load_invariant(t, t->s->ptr, field_address(t, t->ctx, offsetof(eng_instance, funcs)));
        LLVMValueRef offset = const_i64(t, read_index(&t->r));
        push(t, load_invariant(t, t->s->ptr, LLVMBuildInBoundsGEP2(t->b, t->s->ptr, funcs, &offset, 1, "")));
        return;
    }
    case ENG_WASM_TABLE_SIZE: {
        LLVMValueRef tables = load_invariant(t, t->s->ptr, field_address(t, t->ctx, offsetof(eng_instance, tables)));
        LLVMValueRef offset = const_i64(t, read_index(&t->r));
        LLVMValueRef table =
            load_invariant(t, t->s->ptr, LLVMBuildInBoundsGEP2(t->b, t->s->ptr, tables, &offset, 1, ""));
        push(t, LLVMBuildLoad2(t->b, t->s->i32, field_address(t, table, offsetof(eng_table, size)), ""));
        return;
    }
    case ENG_WASM_TABLE_GET:
        args[1] = const_i32(t, read_index(&t->r));
        args[2] = pop(t);
        push(t, call_helper(t, HELPER_eng_native_table_get, args, 3));
        return;
    case ENG_WASM_TABLE_SET:
        args[1] = const_i32(t, read_index(&t->r));
        value = pop(t);
        args[2] = pop(t);
        args[3] = value;
        call_helper(t, HELPER_eng_native_table_set, args, 4);
        return;
    case ENG_WASM_TABLE_GROW:
        args[1] = const_i32(t, read_index(&t->r));
        args[3] = pop(t); /* delta */
        args[2] = pop(t); /* init */
        push(t, call_helper(t, HELPER_eng_native_table_grow, args, 4));
        return;
    case ENG_WASM_TABLE_FILL:
        args[1] = const_i32(t, read_index(&t->r));
        args[4] = pop(t), args[3] = pop(t), args[2] = pop(t);
        call_helper(t, HELPER_eng_native_table_fill, args, 5);
        return;
    case ENG_WASM_TABLE_COPY:
        args[1] = const_i32(t, read_index(&t->r)); /* destination, then source */
        args[2] = const_i32(t, read_index(&t->r));
        args[5] = pop(t), args[4] = pop(t), args[3] = pop(t);
        call_helper(t, HELPER_eng_native_table_copy, args, 6);
        return;
    case ENG_WASM_TABLE_INIT:
        args[2] = const_i32(t, read_index(&t->r)); /* the segment comes first in the binary */
        args[1] = const_i32(t, read_index(&t->r));
        args[5] = pop(t), args[4] = pop(t), args[3] = pop(t);
        call_helper(t, HELPER_eng_native_table_init, args, 6);
        return;
    case ENG_WASM_ELEM_DROP:
        args[1] = const_i32(t, read_index(&t->r));
        call_helper(t, HELPER_eng_native_elem_drop, args, 2);
        return;
    default: fail(t, "not a table or reference instruction (internal error)");
    }
}

static void translate_instruction(translator *t, const eng_wasm_instruction *row)
{
    eng_wasm_index index = eng_wasm_index_of(row);
    switch (index) {
#define HANDLER_CASE(symbol, prefix, code, name, immediates, fuel, feature, handler, ...) \
    case ENG_WASM_##symbol:                                                               \
        HANDLE_##handler(t, row, index);                                                  \
        break;
#define HANDLE_unreachable(t, row, index)                                                            \
    (trap_if(t, LLVMConstInt(LLVMInt1TypeInContext(t->s->context), 1, false), ENG_TRAP_UNREACHABLE), \
     LLVMBuildUnreachable(t->b), t->reachable = false)
#define HANDLE_nop(t, row, index) (void)0
#define HANDLE_block(t, row, index) translate_block(t)
#define HANDLE_loop(t, row, index) translate_loop(t)
#define HANDLE_if(t, row, index) translate_if(t)
#define HANDLE_else(t, row, index) translate_else(t)
#define HANDLE_end(t, row, index) translate_end(t)
#define HANDLE_br(t, row, index) translate_br(t)
#define HANDLE_br_if(t, row, index) translate_br_if(t)
#define HANDLE_br_table(t, row, index) translate_br_table(t)
#define HANDLE_return(t, row, index) translate_return(t)
#define HANDLE_call(t, row, index) translate_call(t)
#define HANDLE_call_indirect(t, row, index) translate_call_indirect(t)
#define HANDLE_drop(t, row, index) translate_drop(t)
#define HANDLE_select(t, row, index) translate_select(t)
#define HANDLE_select_typed(t, row, index) (skip_immediates(&t->r, row), translate_select(t))
#define HANDLE_local_get(t, row, index) translate_local(t, index)
#define HANDLE_local_set(t, row, index) translate_local(t, index)
#define HANDLE_local_tee(t, row, index) translate_local(t, index)
#define HANDLE_global_get(t, row, index) translate_global_get(t)
#define HANDLE_global_set(t, row, index) translate_global_set(t)
#define HANDLE_table_get(t, row, index) translate_table(t, index)
#define HANDLE_table_set(t, row, index) translate_table(t, index)
#define HANDLE_load(t, row, index) translate_load(t, row)
#define HANDLE_store(t, row, index) translate_store(t, row)
#define HANDLE_memory_size(t, row, index) translate_memory_size(t)
#define HANDLE_memory_grow(t, row, index) translate_memory_helper(t, row)
#define HANDLE_const(t, row, index) translate_const(t, row)
#define HANDLE_numeric(t, row, index) translate_numeric(t, row)
#define HANDLE_ref_null(t, row, index) translate_table(t, index)
#define HANDLE_ref_is_null(t, row, index) translate_table(t, index)
#define HANDLE_ref_func(t, row, index) translate_table(t, index)
#define HANDLE_memory_init(t, row, index) translate_memory_helper(t, row)
#define HANDLE_data_drop(t, row, index) translate_memory_helper(t, row)
#define HANDLE_memory_copy(t, row, index) translate_memory_helper(t, row)
#define HANDLE_memory_fill(t, row, index) translate_memory_helper(t, row)
#define HANDLE_table_init(t, row, index) translate_table(t, index)
#define HANDLE_elem_drop(t, row, index) translate_table(t, index)
#define HANDLE_table_copy(t, row, index) translate_table(t, index)
#define HANDLE_table_grow(t, row, index) translate_table(t, index)
#define HANDLE_table_size(t, row, index) translate_table(t, index)
#define HANDLE_table_fill(t, row, index) translate_table(t, index)
#define HANDLE_simd_load(t, row, index) llvm_translate_simd(t, row)
#define HANDLE_simd_store(t, row, index) llvm_translate_simd(t, row)
#define HANDLE_simd_load_lane(t, row, index) llvm_translate_simd(t, row)
#define HANDLE_simd_store_lane(t, row, index) llvm_translate_simd(t, row)
#define HANDLE_simd_const(t, row, index) llvm_translate_simd(t, row)
#define HANDLE_simd_shuffle(t, row, index) llvm_translate_simd(t, row)
#define HANDLE_simd_splat(t, row, index) llvm_translate_simd(t, row)
#define HANDLE_simd_extract(t, row, index) llvm_translate_simd(t, row)
#define HANDLE_simd_replace(t, row, index) llvm_translate_simd(t, row)
#define HANDLE_simd_unary(t, row, index) llvm_translate_simd(t, row)
#define HANDLE_simd_binary(t, row, index) llvm_translate_simd(t, row)
#define HANDLE_simd_ternary(t, row, index) llvm_translate_simd(t, row)
#define HANDLE_simd_test(t, row, index) llvm_translate_simd(t, row)
#define HANDLE_simd_shift(t, row, index) llvm_translate_simd(t, row)
        ENG_WASM_INSTRUCTIONS(HANDLER_CASE)
#undef HANDLER_CASE
    case ENG_WASM_INSTRUCTION_COUNT: break;
    }
}

/* Dead code: skips to the `else` or `end` that closes the current block, leaving it unread. */
static void skip_dead_code(translator *t)
{
    uint32_t depth = 0;
    while (!reader_at_end(&t->r)) {
        const uint8_t *at = t->r.pos;
        const eng_wasm_instruction *row = next_instruction(&t->r);
        if (!row) {
            fail(t, "unknown instruction (internal error)");
            return;
        }
        eng_wasm_index index = eng_wasm_index_of(row);
        if (index == ENG_WASM_BLOCK || index == ENG_WASM_LOOP || index == ENG_WASM_IF) {
            depth++;
        } else if (index == ENG_WASM_END || index == ENG_WASM_ELSE) {
            if (depth == 0) {
                t->r.pos = at;
                return;
            }
            if (index == ENG_WASM_END)
                depth--;
        }
        skip_immediates(&t->r, row);
    }
}

/* Entry: the stack check, the context loads, locals in allocas, the entry check. */
static void translate_entry(translator *t, const eng_functype *type)
{
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(t->s->context, t->function, "entry");
    LLVMPositionBuilderAtEnd(t->b, entry);
    set_location(t, 0);
    t->ctx = LLVMGetParam(t->function, 0);
    t->store = load_invariant(t, t->s->ptr, field_address(t, t->ctx, offsetof(eng_instance, store)));
    if (t->module->memory_count)
        t->memory_base = load_invariant(t, t->s->ptr, field_address(t, t->ctx, offsetof(eng_instance, memory_base)));
    if (t->module->global_count)
        t->globals = load_invariant(t, t->s->ptr, field_address(t, t->ctx, offsetof(eng_instance, globals)));
    for (uint32_t i = 0; i < t->local_count; i++) {
        LLVMTypeRef local_type = llvm_value_type(t->s, t->local_types[i]);
        t->locals[i] = LLVMBuildAlloca(t->b, local_type, "");
        LLVMBuildStore(t->b, i < type->param_count ? LLVMGetParam(t->function, 1 + i) : LLVMConstNull(local_type),
                       t->locals[i]);
    }
    /* Deep recursion: below the store's native stack limit, trap before the frame grows further. */
    LLVMTypeRef frame_address_types[] = {t->s->ptr};
    LLVMValueRef zero = const_i32(t, 0);
    LLVMValueRef frame = call_intrinsic(t, "llvm.frameaddress", frame_address_types, 1, &zero, 1);
    LLVMValueRef limit =
        LLVMBuildLoad2(t->b, t->s->i64, field_address(t, t->store, offsetof(eng_store, native_stack_limit)), "");
    LLVMValueRef below = LLVMBuildICmp(t->b, LLVMIntULT, LLVMBuildPtrToInt(t->b, frame, t->s->i64, ""), limit, "");
    LLVMBasicBlockRef exhausted = LLVMAppendBasicBlockInContext(t->s->context, t->function, "stack");
    branch_unlikely(t, below, exhausted);
    LLVMBasicBlockRef body = LLVMGetInsertBlock(t->b);
    LLVMPositionBuilderAtEnd(t->b, exhausted);
    call_helper(t, HELPER_eng_native_stack_exhausted, &t->ctx, 1);
    LLVMBuildUnreachable(t->b);
    LLVMPositionBuilderAtEnd(t->b, body);
    limits_check(t, t->code->entry_fuel, true); /* the interpreter's ENTRY_CHECK */
}

bool llvm_translate_function(llvm_module_state *state, uint32_t def_index, char **error)
{
    const eng_module *module = state->wasm;
    const eng_func_def *def = &module->func_defs[def_index];
    const eng_functype *type = &module->types[def->type_index];
    translator t = {.s = state, .module = module, .def_index = def_index, .function = state->functions[def_index]};
    t.code = def->code;
    t.fuel = (t.code->checks & ENG_CHECK_FUEL) != 0;
    t.epoch = (t.code->checks & ENG_CHECK_EPOCH) != 0;
    t.b = LLVMCreateBuilderInContext(state->context);
    t.local_count = type->param_count + def->body_local_count;
    t.local_types = malloc((t.local_count + 1) * sizeof *t.local_types);
    t.locals = malloc((t.local_count + 1) * sizeof *t.locals);
    if (!t.local_types || !t.locals) {
        fail(&t, "out of memory");
    } else {
        memcpy(t.local_types, eng_functype_params(type), type->param_count * sizeof *t.local_types);
        memcpy(t.local_types + type->param_count, def->body_local_types, def->body_local_count * sizeof *t.local_types);
        translate_entry(&t, type);
        /* The function's own label: its results, returned at its `end`. */
        int64_t blocktype = -0x40;
        control *c = push_control(&t, CONTROL_FUNCTION, blocktype);
        if (c) {
            c->results = eng_functype_results(type);
            c->result_count = type->result_count;
            if (c->result_count) {
                c->merge_phis = malloc(c->result_count * sizeof *c->merge_phis);
                LLVMBasicBlockRef here = LLVMGetInsertBlock(t.b);
                LLVMPositionBuilderAtEnd(t.b, c->merge);
                for (uint32_t i = 0; c->merge_phis && i < c->result_count; i++)
                    c->merge_phis[i] = LLVMBuildPhi(t.b, llvm_value_type(state, c->results[i]), "");
                if (!c->merge_phis)
                    fail(&t, "out of memory");
                LLVMPositionBuilderAtEnd(t.b, here);
            }
        }
        t.reachable = true;
        t.r = body_reader(def);
        while (!t.error && t.control_count && !reader_at_end(&t.r)) {
            if (!t.reachable) {
                skip_dead_code(&t);
                if (reader_at_end(&t.r))
                    break;
            }
            set_location(&t, def->body_offset + (uint32_t)(t.r.pos - def->body));
            t.instr = t.r.pos;
            const eng_wasm_instruction *row = next_instruction(&t.r);
            if (!row) {
                fail(&t, "unknown instruction (internal error)");
                break;
            }
            translate_instruction(&t, row);
        }
        if (!t.error && (t.control_count || t.r.error))
            fail(&t, "the body ended early (internal error)");
    }
    for (uint32_t i = 0; i < t.control_count; i++)
        free_control(&t.controls[i]);
    free(t.controls);
    free(t.stack);
    free(t.locals);
    free(t.local_types);
    LLVMDisposeBuilder(t.b);
    *error = t.error;
    return t.error == NULL;
}
