/* native_lines.c: the map from compiled code to wasm positions, read from the DWARF line table of the compiled object.
 *
 * The compiler library gives every instruction a debug location whose line is the byte offset in
 * the module of the wasm instruction it comes from, and every function a file of its own named by
 * its defined-function index (src/engine/llvm/compile_module.c). LLVM then emits .debug_line
 * (DWARF 4), which costs the compiled code nothing: it is not loaded, and the code is the same
 * with or without it. At link time this reads that table (relocated by native_link.c) into
 * one sorted array of rows (code offset, function, byte offset), looked up only when a trap's
 * backtrace names its compiled frames.
 *
 * Written by hand rather than with libdw or LLVM's DWARF reader: the engine must not depend on
 * LLVM, libdw would add a dependency to libwasmhost for one table, and a DWARF 4 line program is
 * a small state machine (the standard, extended and special opcodes below). Everything is bounds
 * checked: a malformed table is an error, never a read past the section.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdlib.h>
#include <string.h>

#include "native.h"

/* In line_table.sequence: the row ends a sequence (it covers nothing). */
#define END_OF_SEQUENCE 0x80000000u

typedef struct line_reader {
    const uint8_t *position, *end;
    bool failed;
} line_reader;

/* A little-endian value of at most 8 bytes. */
static uint64_t read_fixed(line_reader *r, unsigned bytes)
{
    if (r->failed || (size_t)(r->end - r->position) < bytes) {
        r->failed = true;
        return 0;
    }
    uint64_t value = 0;
    for (unsigned i = 0; i < bytes; i++)
        value |= (uint64_t)r->position[i] << (8 * i);
    r->position += bytes;
    return value;
}

static void skip(line_reader *r, size_t bytes)
{
    if (r->failed || (size_t)(r->end - r->position) < bytes)
        r->failed = true;
    else
        r->position += bytes;
}

static uint64_t read_uleb(line_reader *r)
{
    uint64_t value = 0;
    for (unsigned shift = 0; !r->failed; shift += 7) {
        if (r->position >= r->end || shift > 63) {
            r->failed = true;
            break;
        }
        uint8_t byte = *r->position++;
        value |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return value;
    }
    return 0;
}

static int64_t read_sleb(line_reader *r)
{
    uint64_t value = 0;
    unsigned shift = 0;
    uint8_t byte = 0x80;
    while (!r->failed && (byte & 0x80)) {
        if (r->position >= r->end || shift > 63) {
            r->failed = true;
            return 0;
        }
        byte = *r->position++;
        value |= (uint64_t)(byte & 0x7f) << shift;
        shift += 7;
    }
    if (shift < 64 && (byte & 0x40))
        value |= ~(uint64_t)0 << shift;
    return (int64_t)value;
}

/* A NUL-terminated string inside the reader's bytes. */
static const char *read_string(line_reader *r)
{
    const uint8_t *nul = r->failed ? NULL : memchr(r->position, 0, (size_t)(r->end - r->position));
    if (!nul) {
        r->failed = true;
        return "";
    }
    const char *string = (const char *)r->position;
    r->position = nul + 1;
    return string;
}

/* The defined function a file name stands for ("12"), ENG_NATIVE_NO_FUNCTION for any other
 * ("entry": glue). */
static uint32_t file_function(const char *name, uint32_t function_count)
{
    char *end;
    unsigned long index = strtoul(name, &end, 10);
    if (end == name || *end || name[0] < '0' || name[0] > '9' || index >= function_count)
        return ENG_NATIVE_NO_FUNCTION;
    return (uint32_t)index;
}

typedef struct line_table {
    eng_native_line *rows;
    uint32_t count, capacity;
    uint32_t *sequence; /* per row: its place in the program (| END_OF_SEQUENCE), to sort stably */
    uint32_t *files;    /* per file index (from 1): its function */
    uint32_t file_count, file_capacity;
} line_table;

static bool add_file(line_table *table, uint32_t function)
{
    if (table->file_count == table->file_capacity) {
        uint32_t capacity = table->file_capacity ? 2 * table->file_capacity : 64;
        uint32_t *grown = realloc(table->files, capacity * sizeof *grown);
        if (!grown)
            return false;
        table->files = grown;
        table->file_capacity = capacity;
    }
    table->files[table->file_count++] = function;
    return true;
}

static bool add_row(line_table *table, uint32_t code_offset, uint32_t function, uint32_t byte_offset, bool end)
{
    if (table->count >= END_OF_SEQUENCE)
        return false;
    if (table->count == table->capacity) {
        uint32_t capacity = table->capacity ? 2 * table->capacity : 256;
        eng_native_line *rows = realloc(table->rows, capacity * sizeof *rows);
        uint32_t *sequence = rows ? realloc(table->sequence, capacity * sizeof *sequence) : NULL;
        if (rows)
            table->rows = rows;
        if (!rows || !sequence)
            return false;
        table->sequence = sequence;
        table->capacity = capacity;
    }
    table->sequence[table->count] = table->count | (end ? END_OF_SEQUENCE : 0);
    table->rows[table->count++] = (eng_native_line){code_offset, function, byte_offset};
    return true;
}

/* The DWARF 4 line-program registers this reader needs (the rest: column, is_stmt, ... is read and ignored). */
typedef struct line_state {
    uint64_t address;
    uint64_t file;
    uint64_t line; /* wraps on a malformed table (then refused as no line), never overflows */
} line_state;

typedef struct program_header {
    uint8_t minimum_instruction_length, line_base_is_signed_byte, line_range, opcode_base;
    int8_t line_base;
    const uint8_t *standard_lengths; /* opcode_base - 1 operand counts */
} program_header;

typedef struct line_context {
    line_table *table;
    uintptr_t code_start;
    size_t code_size;
    uint32_t function_count;
    const char *problem; /* why the table was refused */
} line_context;

static bool emit_row(line_context *c, const line_state *state, bool end_of_sequence)
{
    uintptr_t address = (uintptr_t)state->address;
    if (address < c->code_start || address - c->code_start > c->code_size) {
        c->problem = "a row lies outside the code";
        return false;
    }
    uint32_t function = ENG_NATIVE_NO_FUNCTION, byte_offset = 0;
    if (!end_of_sequence) {
        if (state->file >= 1 && state->file <= c->table->file_count)
            function = c->table->files[state->file - 1];
        if (state->line > 0 && state->line <= UINT32_MAX)
            byte_offset = (uint32_t)state->line;
    }
    if (!add_row(c->table, (uint32_t)(address - c->code_start), function, byte_offset, end_of_sequence)) {
        c->problem = "out of memory (or more than 2^31 rows)";
        return false;
    }
    return true;
}

/* Runs one unit's line program (after its header) to its end. */
static bool run_program(line_context *c, const program_header *h, line_reader *r)
{
    line_state state = {.file = 1, .line = 1};
    while (r->position < r->end && !r->failed) {
        uint8_t opcode = (uint8_t)read_fixed(r, 1);
        if (opcode >= h->opcode_base) {
            unsigned adjusted = opcode - h->opcode_base;
            state.address += (uint64_t)(adjusted / h->line_range) * h->minimum_instruction_length;
            state.line += (uint64_t)(int64_t)(h->line_base + (int)(adjusted % h->line_range));
            if (!emit_row(c, &state, false))
                return false;
            continue;
        }
        switch (opcode) {
        case 0: { /* extended */
            uint64_t length = read_uleb(r);
            if (r->failed || length == 0 || length > (uint64_t)(r->end - r->position)) {
                r->failed = true;
                break;
            }
            const uint8_t *next = r->position + length;
            uint8_t sub = (uint8_t)read_fixed(r, 1);
            if (sub == 1) { /* DW_LNE_end_sequence */
                if (!emit_row(c, &state, true))
                    return false;
                state = (line_state){.file = 1, .line = 1};
            } else if (sub == 2) { /* DW_LNE_set_address */
                if (length != 9) {
                    c->problem = "an address is not 8 bytes";
                    return false;
                }
                state.address = read_fixed(r, 8);
            } else if (sub == 3) { /* DW_LNE_define_file */
                line_reader entry = {r->position, next, false};
                const char *name = read_string(&entry);
                if (entry.failed || !add_file(c->table, file_function(name, c->function_count))) {
                    c->problem = entry.failed ? "a file entry is malformed" : "out of memory";
                    return false;
                }
            } /* DW_LNE_set_discriminator and vendor extensions: skipped */
            r->position = next;
            break;
        }
        case 1: /* DW_LNS_copy */
            if (!emit_row(c, &state, false))
                return false;
            break;
        case 2: state.address += read_uleb(r) * h->minimum_instruction_length; break; /* advance_pc */
        case 3: state.line += (uint64_t)read_sleb(r); break;                          /* advance_line */
        case 4: state.file = read_uleb(r); break;                                     /* set_file */
        case 8:                                                                       /* DW_LNS_const_add_pc */
            state.address += (uint64_t)((255 - h->opcode_base) / h->line_range) * h->minimum_instruction_length;
            break;
        case 9: state.address += read_fixed(r, 2); break; /* fixed_advance_pc */
        default:
            /* column, negate_stmt, basic_block, prologue_end, epilogue_begin, isa, and opcodes of
             * later versions: skipped by their operand counts from the header. */
            for (unsigned i = 0; i < h->standard_lengths[opcode - 1]; i++)
                read_uleb(r);
        }
    }
    if (r->failed && !c->problem)
        c->problem = "the line program is truncated";
    return !r->failed;
}

/* One unit: its header (DWARF 2 to 4; version 5's is not what the compiler library asks for),
 * its file names, its program. */
static bool read_unit(line_context *c, line_reader *r)
{
    uint64_t length = read_fixed(r, 4);
    unsigned offset_size = 4;
    if (length == 0xffffffffu) {
        length = read_fixed(r, 8);
        offset_size = 8;
    }
    if (r->failed || length > (uint64_t)(r->end - r->position)) {
        c->problem = "a unit runs past the section";
        return false;
    }
    line_reader unit = {r->position, r->position + length, false};
    r->position += length;
    uint16_t version = (uint16_t)read_fixed(&unit, 2);
    if (!unit.failed && (version < 2 || version > 4)) {
        c->problem = "its DWARF version is not 2 to 4";
        return false;
    }
    uint64_t header_length = read_fixed(&unit, offset_size);
    if (unit.failed || header_length > (uint64_t)(unit.end - unit.position)) {
        c->problem = "a unit header runs past the unit";
        return false;
    }
    line_reader program = {unit.position + header_length, unit.end, false};
    unit.end = unit.position + header_length;
    program_header h = {0};
    h.minimum_instruction_length = (uint8_t)read_fixed(&unit, 1);
    uint8_t maximum_operations = version >= 4 ? (uint8_t)read_fixed(&unit, 1) : 1;
    read_fixed(&unit, 1); /* default_is_stmt */
    h.line_base = (int8_t)read_fixed(&unit, 1);
    h.line_range = (uint8_t)read_fixed(&unit, 1);
    h.opcode_base = (uint8_t)read_fixed(&unit, 1);
    if (unit.failed || h.line_range == 0 || h.opcode_base == 0 || maximum_operations != 1) {
        c->problem = "a unit header is malformed";
        return false;
    }
    h.standard_lengths = unit.position;
    skip(&unit, h.opcode_base - 1u);
    while (!unit.failed && *read_string(&unit)) /* include_directories */
        ;
    c->table->file_count = 0;
    for (;;) { /* file_names: name, directory, time, length */
        const char *name = read_string(&unit);
        if (unit.failed || !*name)
            break;
        read_uleb(&unit), read_uleb(&unit), read_uleb(&unit);
        if (!add_file(c->table, file_function(name, c->function_count))) {
            c->problem = "out of memory";
            return false;
        }
    }
    if (unit.failed) {
        c->problem = "a unit header is malformed";
        return false;
    }
    return run_program(c, &h, &program);
}

/* Address order; at one address the row that applies is the last of the program (the earlier
 * ones cover no byte), except that a sequence's end gives way to a row starting another. */
static int by_address(const void *a, const void *b, void *table_pointer)
{
    const line_table *table = table_pointer;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    const eng_native_line *p = &table->rows[x & ~END_OF_SEQUENCE], *q = &table->rows[y & ~END_OF_SEQUENCE];
    if (p->code_offset != q->code_offset)
        return p->code_offset < q->code_offset ? -1 : 1;
    if ((x & END_OF_SEQUENCE) != (y & END_OF_SEQUENCE))
        return x & END_OF_SEQUENCE ? -1 : 1;
    return (x > y) - (x < y);
}

eng_error *eng_native_read_lines(const uint8_t *section, size_t size, uintptr_t code_start, size_t code_size,
                                 uint32_t function_count, eng_native_line **out, uint32_t *out_count)
{
    *out = NULL;
    *out_count = 0;
    line_table table = {0};
    line_context c = {&table, code_start, code_size, function_count, NULL};
    line_reader r = {section, section + size, false};
    while (r.position < r.end)
        if (!read_unit(&c, &r))
            break;
    eng_native_line *rows = NULL;
    uint32_t count = 0;
    if (!c.problem && table.count) {
        rows = malloc(table.count * sizeof *rows);
        if (!rows) {
            c.problem = "out of memory";
        } else {
            qsort_r(table.sequence, table.count, sizeof *table.sequence, by_address, &table);
            /* Of the rows at one address only the last applies. */
            for (uint32_t i = 0; i < table.count; i++) {
                const eng_native_line *row = &table.rows[table.sequence[i] & ~END_OF_SEQUENCE];
                if (count && rows[count - 1].code_offset == row->code_offset)
                    count--;
                rows[count++] = *row;
            }
        }
    }
    free(table.rows);
    free(table.sequence);
    free(table.files);
    if (c.problem) {
        free(rows);
        return eng_error_new("compiled code cannot be linked: its line table (.debug_line) is malformed: %s",
                             c.problem);
    }
    *out = rows;
    *out_count = count;
    return NULL;
}

bool eng_native_location_at(const eng_native_image *image, uintptr_t pc, uint32_t *function, uint32_t *byte_offset)
{
    if (pc < (uintptr_t)image->mapping || !image->line_count)
        return false;
    uintptr_t offset = pc - (uintptr_t)image->mapping;
    /* The last row at or before `offset`. */
    uint32_t low = 0, high = image->line_count;
    while (low < high) {
        uint32_t middle = low + (high - low) / 2;
        if (image->lines[middle].code_offset <= offset)
            low = middle + 1;
        else
            high = middle;
    }
    if (!low || image->lines[low - 1].function == ENG_NATIVE_NO_FUNCTION)
        return false;
    *function = image->lines[low - 1].function;
    *byte_offset = image->lines[low - 1].byte_offset;
    return true;
}
