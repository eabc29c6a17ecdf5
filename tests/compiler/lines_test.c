/* lines_test.c: the engine's DWARF line-table reader (native_lines.c) on a hand-made table: its rows and lookups, and every truncation and byte flip refused or read, never read past the table. */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "engine.h"

/* A DWARF 4 .debug_line unit as the compiler library's objects hold them: file 1 is defined
 * function 0 ("0"), file 2 glue ("entry"); the address is absolute (relocated), CODE + 0. */
static size_t make_table(uint8_t *out, uintptr_t code)
{
    static const uint8_t header[] = {
        4,   0,                         /* version */
        0,   0, 0, 0,                   /* header_length, patched */
        1,   1, 1, (uint8_t)-5, 14, 13, /* min_inst, max_ops, is_stmt, line_base, line_range, opcode_base */
        0,   1, 1, 1,           1,  0,   0,   0,   1,   0,   0, 1,          /* standard opcode lengths */
        0,                                                                  /* no include directories */
        '0', 0, 0, 0,           0,  'e', 'n', 't', 'r', 'y', 0, 0, 0, 0, 0, /* file names */
    };
    uint8_t *p = out + 4;
    memcpy(p, header, sizeof header);
    uint32_t header_length = (uint32_t)(sizeof header - 6);
    memcpy(p + 2, &header_length, 4);
    p += sizeof header;
    *p++ = 0, *p++ = 9, *p++ = 2; /* DW_LNE_set_address */
    uint64_t address = code;
    memcpy(p, &address, 8);
    p += 8;
    *p++ = 3, *p++ = 31;          /* advance_line 31: line 0x20 */
    *p++ = 1;                     /* copy: row at 0 */
    *p++ = 2, *p++ = 5;           /* advance_pc 5 */
    *p++ = 3, *p++ = 4;           /* advance_line 4: 0x24 */
    *p++ = 1;                     /* copy: row at 5 */
    *p++ = 1;                     /* a second row at 5, the one that applies */
    *p++ = 13 + 3 * 14 + 5 + 2;   /* special: address + 3, line + 2 (0x26): row at 8 */
    *p++ = 4, *p++ = 2;           /* set_file 2 (glue) */
    *p++ = 2, *p++ = 2, *p++ = 1; /* advance_pc 2, copy: row at 10 */
    *p++ = 2, *p++ = 4;           /* advance_pc 4 */
    *p++ = 0, *p++ = 1, *p++ = 1; /* end_sequence at 14 */
    uint32_t length = (uint32_t)(p - out - 4);
    memcpy(out, &length, 4);
    return (size_t)(p - out);
}

int main(void)
{
    static uint8_t code[64];
    uint8_t table[256];
    size_t size = make_table(table, (uintptr_t)code);
    eng_native_image image = {.mapping = code, .mapping_size = sizeof code};
    eng_error *error =
        eng_native_read_lines(table, size, (uintptr_t)code, sizeof code, 1, &image.lines, &image.line_count);
    CHECK(!error, "%s", error ? error->message : "");
    CHECK(image.line_count == 5, "%u rows", image.line_count);
    static const struct {
        uint32_t pc;
        bool found;
        uint32_t function, byte_offset;
    } lookups[] = {
        {0, true, 0, 0x20}, {4, true, 0, 0x20}, {5, true, 0, 0x24}, {7, true, 0, 0x24}, {8, true, 0, 0x26},
        {9, true, 0, 0x26}, {10, false, 0, 0},  {13, false, 0, 0},  {14, false, 0, 0},  {40, false, 0, 0},
    };
    for (size_t i = 0; i < sizeof lookups / sizeof lookups[0]; i++) {
        uint32_t function = 99, byte_offset = 99;
        bool found = eng_native_location_at(&image, (uintptr_t)code + lookups[i].pc, &function, &byte_offset);
        CHECK(found == lookups[i].found, "pc %u", lookups[i].pc);
        if (found && lookups[i].found)
            CHECK(function == lookups[i].function && byte_offset == lookups[i].byte_offset,
                  "pc %u: function %u offset 0x%x", lookups[i].pc, function, byte_offset);
    }
    free(image.lines);

    /* A row outside the code is refused. */
    eng_native_line *lines = NULL;
    uint32_t count = 0;
    error = eng_native_read_lines(table, size, (uintptr_t)code + 1, sizeof code, 1, &lines, &count);
    CHECK(error && strstr(error->message, "outside the code"));
    eng_error_free(error);

    /* Truncated anywhere or with any byte changed: refused or read, within the bytes given (the
     * sanitizer build checks the reads). */
    for (size_t length = 0; length < size; length++) {
        uint8_t *copy = malloc(length ? length : 1);
        memcpy(copy, table, length);
        error = eng_native_read_lines(copy, length, (uintptr_t)code, sizeof code, 1, &lines, &count);
        CHECK(length == 0 ? !error : error != NULL, "truncated to %zu bytes", length);
        eng_error_free(error);
        free(lines);
        free(copy);
    }
    for (size_t at = 0; at < size; at++)
        for (unsigned bit = 0; bit < 8; bit++) {
            uint8_t *copy = malloc(size);
            memcpy(copy, table, size);
            copy[at] ^= (uint8_t)(1u << bit);
            error = eng_native_read_lines(copy, size, (uintptr_t)code, sizeof code, 1, &lines, &count);
            eng_error_free(error);
            free(lines);
            free(copy);
        }
    return checks_done("lines_test");
}
