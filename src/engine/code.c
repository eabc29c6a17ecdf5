/* code.c: opcode tables of the internal code, freeing compiled code, offset lookup and a readable dump. */
#include "code.h"

#include <stdlib.h>
#include <string.h>

const int8_t eng_opcode_operand_count[ENG_OP_COUNT] = {
#define ENG_OPCODE_COUNT(name, count, operands) count,
#define ENG_OPCODE_X ENG_OPCODE_COUNT
    ENG_ALL_OPCODES(ENG_OPCODE_COUNT)
#undef ENG_OPCODE_X
#undef ENG_OPCODE_COUNT
};

const char *const eng_opcode_name[ENG_OP_COUNT] = {
#define ENG_OPCODE_NAME(name, count, operands) #name,
#define ENG_OPCODE_X ENG_OPCODE_NAME
    ENG_ALL_OPCODES(ENG_OPCODE_NAME)
#undef ENG_OPCODE_X
#undef ENG_OPCODE_NAME
};

/* Operand names per opcode ("d a b"), used by the dump to label each cell. */
static const char *const opcode_operands[ENG_OP_COUNT] = {
#define ENG_OPCODE_OPERANDS(name, count, operands) operands,
#define ENG_OPCODE_X ENG_OPCODE_OPERANDS
    ENG_ALL_OPCODES(ENG_OPCODE_OPERANDS)
#undef ENG_OPCODE_X
#undef ENG_OPCODE_OPERANDS
};

void eng_code_free(eng_code *code)
{
    if (!code)
        return;
    free(code->cells);
    free(code->offsets);
    free(code->constants);
    free(code->fuel_marks);
    free(code);
}

uint32_t eng_code_byte_offset(const eng_code *code, uint32_t cell)
{
    if (!code || code->offset_count == 0 || code->offsets[0].cell > cell)
        return 0;
    /* Invariant: offsets[low].cell <= cell, and every entry past `high` is > cell. */
    uint32_t low = 0, high = code->offset_count - 1;
    while (low < high) {
        uint32_t middle = low + (high - low + 1) / 2;
        if (code->offsets[middle].cell <= cell)
            low = middle;
        else
            high = middle - 1;
    }
    return code->offsets[low].byte_offset;
}

/* Copies the idx-th space-separated word of `names` into `out`. */
static void operand_name(const char *names, int index, char *out, size_t size)
{
    const char *p = names;
    for (int i = 0; i < index && *p; i++) {
        while (*p && *p != ' ')
            p++;
        while (*p == ' ')
            p++;
    }
    size_t length = 0;
    while (p[length] && p[length] != ' ' && p[length] != '*' && p[length] != '(')
        length++;
    if (length == 0 || length >= size) {
        snprintf(out, size, "op%d", index);
        return;
    }
    memcpy(out, p, length);
    out[length] = '\0';
}

static uint32_t dump_offset_of(const eng_code *code, uint32_t cell)
{
    /* Exact matches only: the dump marks the instructions that have an entry. */
    uint32_t low = 0, high = code->offset_count;
    while (low < high) {
        uint32_t middle = low + (high - low) / 2;
        if (code->offsets[middle].cell < cell)
            low = middle + 1;
        else
            high = middle;
    }
    if (low < code->offset_count && code->offsets[low].cell == cell)
        return code->offsets[low].byte_offset;
    return 0;
}

void eng_code_dump(const eng_code *code, FILE *out)
{
    fprintf(out, "params %u, locals %u (slots 0..%u), results %u, frame slots %u, %u cells, %u offsets\n",
            code->param_count, code->local_count, code->local_count ? code->local_count - 1 : 0, code->result_count,
            code->frame_slots, code->cell_count, code->offset_count);
    for (uint32_t i = 0; i < code->constant_count; i++)
        fprintf(out, "        constant s%u = 0x%llx\n", code->local_count + i, (unsigned long long)code->constants[i]);
    uint32_t pc = 0;
    while (pc < code->cell_count) {
        uint32_t opcode = code->cells[pc];
        if (opcode >= ENG_OP_COUNT) {
            fprintf(out, "%6u  <bad opcode %u>\n", pc, opcode);
            return;
        }
        fprintf(out, "%6u  %-20s", pc, eng_opcode_name[opcode]);
        int count = eng_opcode_operand_count[opcode];
        if (count < 0) {
            /* A BR_TABLE: its fixed operands (all slots but "offset"), then count, then the
             * count + 1 targets. */
            uint32_t fixed = 0;
            char name[24];
            for (operand_name(opcode_operands[opcode], 0, name, sizeof name); strcmp(name, "count") != 0 && fixed < 8;
                 operand_name(opcode_operands[opcode], (int)++fixed, name, sizeof name))
                ;
            if ((uint64_t)pc + 1 + fixed >= code->cell_count) {
                fprintf(out, " <truncated>\n");
                return;
            }
            for (uint32_t i = 0; i < fixed; i++) {
                operand_name(opcode_operands[opcode], (int)i, name, sizeof name);
                fprintf(out, strcmp(name, "offset") == 0 ? " %s=%u" : " %s=s%u", name, code->cells[pc + 1 + i]);
            }
            uint32_t entries = code->cells[pc + 1 + fixed];
            fprintf(out, " count=%u targets=", entries);
            if ((uint64_t)pc + 2 + fixed + entries + 1 > code->cell_count) {
                fprintf(out, "<truncated>\n");
                return;
            }
            for (uint32_t i = 0; i <= entries; i++)
                fprintf(out, "%s%u", i ? "," : "", pc + (int32_t)code->cells[pc + 2 + fixed + i]);
            uint32_t byte_offset = dump_offset_of(code, pc);
            if (byte_offset)
                fprintf(out, "  @0x%x", byte_offset);
            fprintf(out, "\n");
            pc += 2 + fixed + entries + 1;
            continue;
        }
        if ((uint64_t)pc + 1 + (uint32_t)count > code->cell_count) {
            fprintf(out, " <truncated>\n");
            return;
        }
        for (int i = 0; i < count; i++) {
            char name[24];
            operand_name(opcode_operands[opcode], i, name, sizeof name);
            uint32_t value = code->cells[pc + 1 + i];
            if (strcmp(name, "target") == 0)
                fprintf(out, " ->%u", pc + (int32_t)value);
            else if (strcmp(name, "imm") == 0 || strcmp(name, "lo") == 0 || strcmp(name, "hi") == 0)
                fprintf(out, " %s=0x%x", name, value);
            else if (strcmp(name, "offset") == 0 || strcmp(name, "cost") == 0 || strcmp(name, "func") == 0 ||
                     strcmp(name, "global") == 0 || strcmp(name, "table") == 0 || strcmp(name, "type") == 0 ||
                     strcmp(name, "elem") == 0 || strcmp(name, "data") == 0 || strcmp(name, "dst_table") == 0 ||
                     strcmp(name, "src_table") == 0)
                /* CALL_INDIRECT's "elem" is a slot; everywhere else an index. */
                fprintf(out, opcode == ENG_OP_CALL_INDIRECT && strcmp(name, "elem") == 0 ? " %s=s%u" : " %s=%u", name,
                        value);
            else
                fprintf(out, " %s=s%u", name, value);
        }
        uint32_t byte_offset = dump_offset_of(code, pc);
        if (byte_offset)
            fprintf(out, "  @0x%x", byte_offset);
        fprintf(out, "\n");
        pc += 1 + (uint32_t)count;
    }
}
