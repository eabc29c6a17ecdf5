/* compile_scan.c: the pre-scans of a body: the constants that get slots, and decoding after a validation error. */
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
void choose_constants(compiler *c)
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
void scan_body(compiler *c, bool collect_constants)
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

void check_types(compiler *c)
{
    const wh_functype *type = c->type;
    for (uint32_t i = 0; i < type->param_count + type->result_count; i++)
        if (type->types[i] == WH_V128)
            malformed(c, "v128 values are not supported (SIMD is not implemented)");
    for (uint32_t i = 0; i < c->def->local_count; i++)
        if (c->def->local_types[i] == WH_V128)
            malformed(c, "v128 values are not supported (SIMD is not implemented)");
}
