/* native_lines.c: the map from compiled code to wasm positions, read from the compiled object's DWARF (line table, inlined calls).
 *
 * The compiler library gives every instruction a debug location whose line is the byte offset in
 * the module of the wasm instruction it comes from, and every function a file of its own named by
 * its defined-function index (src/engine/llvm/compile_module.c). LLVM then emits .debug_line
 * (DWARF 4), which costs the compiled code nothing: it is not loaded, and the code is the same
 * with or without it. At link time this reads that table (relocated by native_link.c) into
 * one sorted array of rows (code offset, function, byte offset), and the calls LLVM inlined
 * from .debug_info (where the line table names the inlined function, they give the calls that
 * led there), looked up only when a trap's backtrace names its compiled frames.
 *
 * Written by hand rather than with libdw or LLVM's DWARF reader: the engine must not depend on
 * LLVM, libdw would add a dependency to libwasmhost for two tables, a DWARF 4 line program is
 * a small state machine (the standard, extended and special opcodes below), and of .debug_info
 * only one kind of entry is kept. Everything is bounds checked: a malformed table is an error,
 * never a read past the section.
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

/* The unit at r's position (DWARF 2-4 initial length, 32- or 64-bit), moved past; false when it
 * runs past the section. */
static bool unit_begin(line_reader *r, line_reader *unit, unsigned *offset_size)
{
    uint64_t length = read_fixed(r, 4);
    *offset_size = 4;
    if (length == 0xffffffffu) {
        length = read_fixed(r, 8);
        *offset_size = 8;
    }
    if (r->failed || length > (uint64_t)(r->end - r->position))
        return false;
    *unit = (line_reader){r->position, r->position + length, false};
    r->position += length;
    return true;
}

/* One unit: its header (DWARF 2 to 4; version 5's is not what the compiler library asks for),
 * its file names, its program. */
static bool read_unit(line_context *c, line_reader *r)
{
    line_reader unit;
    unsigned offset_size;
    if (!unit_begin(r, &unit, &offset_size)) {
        c->problem = "a unit runs past the section";
        return false;
    }
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
                                 uint32_t function_count, eng_native_line **out, uint32_t *out_count, uint32_t **files,
                                 uint32_t *file_count)
{
    *out = NULL;
    *out_count = 0;
    *files = NULL;
    *file_count = 0;
    line_table table = {0};
    line_context c = {&table, code_start, code_size, function_count, NULL};
    line_reader r = {section, section ? section + size : NULL, false};
    for (bool first = true; r.position < r.end; first = false) {
        if (!read_unit(&c, &r))
            break;
        if (first && table.file_count) { /* the files of the unit at offset 0, for DW_AT_call_file */
            *files = malloc(table.file_count * sizeof **files);
            if (!*files) {
                c.problem = "out of memory";
                break;
            }
            memcpy(*files, table.files, table.file_count * sizeof **files);
            *file_count = table.file_count;
        }
    }
    eng_native_line *rows = NULL;
    uint32_t count = 0;
    if (!c.problem && table.count) {
        rows = malloc(table.count * sizeof *rows);
        if (!rows) {
            c.problem = "out of memory";
        } else {
            /* LLVM's rows come in address order (one sequence per section): sort only when not. */
            bool sorted = true;
            for (uint32_t i = 1; sorted && i < table.count; i++)
                sorted = by_address(&table.sequence[i - 1], &table.sequence[i], &table) <= 0;
            if (!sorted)
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
        free(*files);
        *files = NULL;
        *file_count = 0;
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

/* ---- inlined calls, from .debug_info ----
 * Where LLVM inlined a function, the line table holds the inlined function's rows; the call
 * sites are in .debug_info's DW_TAG_inlined_subroutine entries: the code they cover (low_pc and
 * high_pc, or a list in .debug_ranges), the file (here: the function) and line (the byte offset)
 * of the call. Only those entries are kept; every other entry is skipped by its abbreviation. */

/* The DWARF constants this reader needs (DWARF 4, section 7). */
enum {
    TAG_COMPILE_UNIT = 0x11,
    TAG_INLINED_SUBROUTINE = 0x1d,
    AT_STMT_LIST = 0x10,
    AT_LOW_PC = 0x11,
    AT_HIGH_PC = 0x12,
    AT_RANGES = 0x55,
    AT_CALL_FILE = 0x58,
    AT_CALL_LINE = 0x59,
    FORM_ADDR = 0x01,
    FORM_BLOCK2 = 0x03,
    FORM_BLOCK4 = 0x04,
    FORM_DATA2 = 0x05,
    FORM_DATA4 = 0x06,
    FORM_DATA8 = 0x07,
    FORM_STRING = 0x08,
    FORM_BLOCK = 0x09,
    FORM_BLOCK1 = 0x0a,
    FORM_DATA1 = 0x0b,
    FORM_FLAG = 0x0c,
    FORM_SDATA = 0x0d,
    FORM_STRP = 0x0e,
    FORM_UDATA = 0x0f,
    FORM_REF_ADDR = 0x10,
    FORM_REF1 = 0x11,
    FORM_REF2 = 0x12,
    FORM_REF4 = 0x13,
    FORM_REF8 = 0x14,
    FORM_REF_UDATA = 0x15,
    FORM_INDIRECT = 0x16,
    FORM_SEC_OFFSET = 0x17,
    FORM_EXPRLOC = 0x18,
    FORM_FLAG_PRESENT = 0x19,
    FORM_REF_SIG8 = 0x20,
};

/* Entries nest at most this deep (a bound for the walk, far above what LLVM emits). */
#define MAX_ENTRY_DEPTH 256

typedef struct abbreviation {
    uint64_t code, tag;
    bool children;
    const uint8_t *attributes; /* (name, form) ULEB128 pairs up to (0, 0), inside .debug_abbrev */
} abbreviation;

typedef struct info_context {
    const uint8_t *abbrev, *abbrev_end, *ranges, *ranges_end;
    uintptr_t code_start;
    size_t code_size;
    const uint32_t *files; /* per file index (from 1) of the line-table unit at offset 0: its function */
    uint32_t file_count;
    eng_native_inline *records;
    uint32_t count, capacity;
    abbreviation *abbreviations;
    uint32_t abbreviation_count, abbreviation_capacity;
    const char *problem;
} info_context;

/* One attribute's value: constants, addresses and offsets as a number, anything else skipped. */
static bool read_form(line_reader *r, uint64_t form, unsigned offset_size, uint64_t *value)
{
    *value = 0;
    if (form == FORM_INDIRECT)
        form = read_uleb(r);
    switch (form) {
    case FORM_ADDR:
    case FORM_DATA8:
    case FORM_REF8:
    case FORM_REF_SIG8: *value = read_fixed(r, 8); break;
    case FORM_DATA1:
    case FORM_REF1:
    case FORM_FLAG: *value = read_fixed(r, 1); break;
    case FORM_DATA2:
    case FORM_REF2: *value = read_fixed(r, 2); break;
    case FORM_DATA4:
    case FORM_REF4: *value = read_fixed(r, 4); break;
    case FORM_SDATA: *value = (uint64_t)read_sleb(r); break;
    case FORM_UDATA:
    case FORM_REF_UDATA: *value = read_uleb(r); break;
    case FORM_STRP:
    case FORM_SEC_OFFSET:
    case FORM_REF_ADDR: *value = read_fixed(r, offset_size); break;
    case FORM_STRING: read_string(r); break;
    case FORM_BLOCK1: skip(r, (size_t)read_fixed(r, 1)); break;
    case FORM_BLOCK2: skip(r, (size_t)read_fixed(r, 2)); break;
    case FORM_BLOCK4: skip(r, (size_t)read_fixed(r, 4)); break;
    case FORM_BLOCK:
    case FORM_EXPRLOC: {
        uint64_t length = read_uleb(r);
        if (length > (uint64_t)(r->end - r->position))
            r->failed = true;
        else
            skip(r, (size_t)length);
        break;
    }
    case FORM_FLAG_PRESENT: *value = 1; break;
    default: r->failed = true;
    }
    return !r->failed;
}

/* The abbreviation table at `offset` in .debug_abbrev. */
static bool read_abbreviations(info_context *c, uint64_t offset)
{
    c->abbreviation_count = 0;
    if (!c->abbrev || offset > (uint64_t)(c->abbrev_end - c->abbrev)) {
        c->problem = "an abbreviation table lies outside .debug_abbrev";
        return false;
    }
    line_reader r = {c->abbrev + offset, c->abbrev_end, false};
    for (;;) {
        uint64_t code = read_uleb(&r);
        if (r.failed || code == 0)
            break;
        abbreviation entry = {.code = code, .tag = read_uleb(&r)};
        entry.children = read_fixed(&r, 1) != 0;
        entry.attributes = r.position;
        while (!r.failed && (read_uleb(&r) | read_uleb(&r)) != 0)
            ;
        if (c->abbreviation_count == c->abbreviation_capacity) {
            uint32_t capacity = c->abbreviation_capacity ? 2 * c->abbreviation_capacity : 64;
            abbreviation *grown = realloc(c->abbreviations, capacity * sizeof *grown);
            if (!grown) {
                c->problem = "out of memory";
                return false;
            }
            c->abbreviations = grown;
            c->abbreviation_capacity = capacity;
        }
        c->abbreviations[c->abbreviation_count++] = entry;
    }
    if (r.failed)
        c->problem = "an abbreviation table is truncated";
    return !r.failed;
}

static const abbreviation *find_abbreviation(const info_context *c, uint64_t code)
{
    /* LLVM numbers them 1, 2, 3...: try the direct place first. */
    if (code <= c->abbreviation_count && c->abbreviations[code - 1].code == code)
        return &c->abbreviations[code - 1];
    for (uint32_t i = 0; i < c->abbreviation_count; i++)
        if (c->abbreviations[i].code == code)
            return &c->abbreviations[i];
    return NULL;
}

static bool add_inline(info_context *c, uint64_t start, uint64_t end, uint32_t depth, uint32_t caller,
                       uint32_t call_offset)
{
    if (start >= end)
        return true;
    if (start < c->code_start || end - c->code_start > c->code_size) {
        c->problem = "an inlined call's code lies outside the code";
        return false;
    }
    if (c->count == c->capacity) {
        uint32_t capacity = c->capacity ? 2 * c->capacity : 64;
        eng_native_inline *grown = capacity > c->capacity ? realloc(c->records, capacity * sizeof *grown) : NULL;
        if (!grown) {
            c->problem = "out of memory";
            return false;
        }
        c->records = grown;
        c->capacity = capacity;
    }
    c->records[c->count++] = (eng_native_inline){(uint32_t)(start - c->code_start), (uint32_t)(end - c->code_start),
                                                 depth, caller, call_offset};
    return true;
}

/* A DWARF 2-4 range list at `offset` in .debug_ranges, from the unit's base address. */
static bool add_inline_ranges(info_context *c, uint64_t offset, uint64_t base, uint32_t depth, uint32_t caller,
                              uint32_t call_offset)
{
    if (!c->ranges || offset > (uint64_t)(c->ranges_end - c->ranges)) {
        c->problem = "a range list lies outside .debug_ranges";
        return false;
    }
    line_reader r = {c->ranges + offset, c->ranges_end, false};
    for (;;) {
        uint64_t start = read_fixed(&r, 8), end = read_fixed(&r, 8);
        if (r.failed) {
            c->problem = "a range list is truncated";
            return false;
        }
        if (start == 0 && end == 0)
            return true;
        if (start == UINT64_MAX)
            base = end;
        else if (!add_inline(c, base + start, base + end, depth, caller, call_offset))
            return false;
    }
}

/* One compilation unit: its entries, depth first, keeping the inlined calls. */
static bool read_info_unit(info_context *c, line_reader *r)
{
    line_reader unit;
    unsigned offset_size;
    if (!unit_begin(r, &unit, &offset_size)) {
        c->problem = "a unit runs past .debug_info";
        return false;
    }
    uint16_t version = (uint16_t)read_fixed(&unit, 2);
    uint64_t abbrev_offset = read_fixed(&unit, offset_size);
    uint8_t address_size = (uint8_t)read_fixed(&unit, 1);
    if (unit.failed || version < 2 || version > 4 || address_size != 8) {
        c->problem = "a unit header is not DWARF 2-4 with 8-byte addresses";
        return false;
    }
    if (!read_abbreviations(c, abbrev_offset))
        return false;
    /* Per nesting level: how many inlined calls enclose its entries. */
    uint32_t inline_depth[MAX_ENTRY_DEPTH + 1] = {0};
    uint32_t depth = 0;
    uint64_t base = 0;
    bool files_apply = false; /* the unit's line table is the one whose files we know */
    while (unit.position < unit.end) {
        uint64_t code = read_uleb(&unit);
        if (unit.failed)
            break;
        if (code == 0) { /* the end of a list of children */
            if (depth)
                depth--;
            continue;
        }
        const abbreviation *entry = find_abbreviation(c, code);
        if (!entry) {
            c->problem = "an entry names no abbreviation";
            return false;
        }
        uint64_t low = 0, high = 0, ranges = 0, call_file = 0, call_line = 0, stmt_list = UINT64_MAX;
        bool has_low = false, high_is_address = false, has_high = false, has_ranges = false;
        line_reader attributes = {entry->attributes, c->abbrev_end, false};
        for (;;) {
            uint64_t name = read_uleb(&attributes), form = read_uleb(&attributes), value;
            if (attributes.failed || (name == 0 && form == 0))
                break;
            if (!read_form(&unit, form, offset_size, &value)) {
                c->problem = "an attribute is truncated or of an unknown form";
                return false;
            }
            switch (name) {
            case AT_LOW_PC: low = value, has_low = true; break;
            case AT_HIGH_PC: high = value, has_high = true, high_is_address = form == FORM_ADDR; break;
            case AT_RANGES: ranges = value, has_ranges = true; break;
            case AT_CALL_FILE: call_file = value; break;
            case AT_CALL_LINE: call_line = value; break;
            case AT_STMT_LIST: stmt_list = value; break;
            }
        }
        uint32_t here = inline_depth[depth];
        if (entry->tag == TAG_COMPILE_UNIT) {
            base = has_low ? low : 0;
            files_apply = stmt_list == 0;
        } else if (entry->tag == TAG_INLINED_SUBROUTINE) {
            here++;
            uint32_t caller = ENG_NATIVE_NO_FUNCTION;
            if (files_apply && call_file >= 1 && call_file <= c->file_count)
                caller = c->files[call_file - 1];
            uint32_t call_offset = call_line <= UINT32_MAX ? (uint32_t)call_line : 0;
            bool ok = true;
            if (has_ranges)
                ok = add_inline_ranges(c, ranges, base, here, caller, call_offset);
            else if (has_low && has_high)
                ok = add_inline(c, low, high_is_address ? high : low + high, here, caller, call_offset);
            if (!ok)
                return false;
        }
        if (entry->children) {
            if (depth == MAX_ENTRY_DEPTH) {
                c->problem = "entries nest too deep";
                return false;
            }
            inline_depth[++depth] = here;
        }
    }
    if (unit.failed)
        c->problem = "a unit is truncated";
    return !unit.failed;
}

static int by_start(const void *a, const void *b)
{
    const eng_native_inline *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

eng_error *eng_native_read_inlines(const uint8_t *info, size_t info_size, const uint8_t *abbrev, size_t abbrev_size,
                                   const uint8_t *ranges, size_t ranges_size, uintptr_t code_start, size_t code_size,
                                   const uint32_t *files, uint32_t file_count, eng_native_inline **out,
                                   uint32_t *out_count)
{
    *out = NULL;
    *out_count = 0;
    info_context c = {.abbrev = abbrev,
                      .abbrev_end = abbrev ? abbrev + abbrev_size : NULL, /* a section may be absent */
                      .ranges = ranges,
                      .ranges_end = ranges ? ranges + ranges_size : NULL,
                      .code_start = code_start,
                      .code_size = code_size,
                      .files = files,
                      .file_count = file_count};
    line_reader r = {info, info ? info + info_size : NULL, false};
    while (r.position < r.end)
        if (!read_info_unit(&c, &r))
            break;
    free(c.abbreviations);
    if (c.problem) {
        free(c.records);
        return eng_error_new("compiled code cannot be linked: its debug information (.debug_info) is malformed: %s",
                             c.problem);
    }
    if (c.count)
        qsort(c.records, c.count, sizeof *c.records, by_start);
    *out = c.records;
    *out_count = c.count;
    return NULL;
}

uint32_t eng_native_inlined_calls(const eng_native_image *image, uintptr_t pc, const eng_native_inline **out,
                                  uint32_t max)
{
    if (pc < (uintptr_t)image->mapping)
        return 0;
    uintptr_t offset = pc - (uintptr_t)image->mapping;
    uint32_t count = 0;
    /* Sorted by start: the records that may hold `offset` are those before the first start past it. */
    for (uint32_t i = 0; i < image->inline_count && image->inlines[i].start <= offset; i++) {
        const eng_native_inline *record = &image->inlines[i];
        if (offset >= record->end || count == max)
            continue;
        /* Innermost (deepest) first. */
        uint32_t at = count++;
        while (at && out[at - 1]->depth < record->depth) {
            out[at] = out[at - 1];
            at--;
        }
        out[at] = record;
    }
    return count;
}
