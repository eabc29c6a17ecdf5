/* lines_test.c: the engine's DWARF readers (native_lines.c) on hand-made tables: rows, inlined calls, lookups; every truncation and bit flip refused or read, never read past the bytes. */
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

/* .debug_abbrev, .debug_info and .debug_ranges of one unit: a function at CODE + [0, 40) with a
 * call inlined at [10, 30) (call at 144 in function 0), itself holding a call inlined at two
 * ranges, [12, 14) and [30, 32) (call at 0x77): the second after a base address selection. */
static const uint8_t abbreviations[] = {
    1, 0x11, 1, 0x10, 0x17, 0x11, 0x01, 0,    0,                      /* compile unit */
    2, 0x2e, 1, 0x11, 0x01, 0x12, 0x06, 0,    0,                      /* subprogram */
    3, 0x1d, 1, 0x11, 0x01, 0x12, 0x06, 0x58, 0x0b, 0x59, 0x0f, 0, 0, /* inlined, low/high */
    4, 0x1d, 0, 0x55, 0x17, 0x58, 0x0b, 0x59, 0x05, 0,    0,          /* inlined, ranges */
    0,
};

static void put(uint8_t **p, uint64_t value, unsigned bytes)
{
    memcpy(*p, &value, bytes); /* little-endian host */
    *p += bytes;
}

static size_t make_info(uint8_t *out, uintptr_t code)
{
    uint8_t *p = out + 4;
    put(&p, 4, 2), put(&p, 0, 4), put(&p, 8, 1); /* version, abbreviations at 0, address size */
    put(&p, 1, 1), put(&p, 0, 4), put(&p, code, 8);
    put(&p, 2, 1), put(&p, code, 8), put(&p, 40, 4);
    put(&p, 3, 1), put(&p, code + 10, 8), put(&p, 20, 4), put(&p, 1, 1), put(&p, 0x90, 1), put(&p, 0x01, 1);
    put(&p, 4, 1), put(&p, 0, 4), put(&p, 1, 1), put(&p, 0x77, 2);
    put(&p, 0, 1), put(&p, 0, 1), put(&p, 0, 1); /* ends of the children */
    uint32_t length = (uint32_t)(p - out - 4);
    memcpy(out, &length, 4);
    return (size_t)(p - out);
}

static size_t make_ranges(uint8_t *out, uintptr_t code)
{
    uint8_t *p = out;
    put(&p, 12, 8), put(&p, 14, 8), put(&p, UINT64_MAX, 8), put(&p, code + 30, 8), put(&p, 0, 8), put(&p, 2, 8);
    put(&p, 0, 8), put(&p, 0, 8);
    return (size_t)(p - out);
}

static void test_inlines(void)
{
    static uint8_t code[64];
    uint8_t info[128], ranges[128];
    size_t info_size = make_info(info, (uintptr_t)code), ranges_size = make_ranges(ranges, (uintptr_t)code);
    static const uint32_t files[] = {0, ENG_NATIVE_NO_FUNCTION};
    eng_native_image image = {.mapping = code, .mapping_size = sizeof code};
    eng_error *error =
        eng_native_read_inlines(info, info_size, abbreviations, sizeof abbreviations, ranges, ranges_size,
                                (uintptr_t)code, sizeof code, files, 2, &image.inlines, &image.inline_count);
    CHECK(!error, "%s", error ? error->message : "");
    CHECK(image.inline_count == 3, "%u inlined calls", image.inline_count);
    const eng_native_inline *calls[4];
    uint32_t count = eng_native_inlined_calls(&image, (uintptr_t)code + 13, calls, 4);
    CHECK(count == 2 && calls[0]->call_offset == 0x77 && calls[0]->depth == 2 && calls[1]->call_offset == 144 &&
          calls[1]->caller == 0 && calls[1]->depth == 1);
    count = eng_native_inlined_calls(&image, (uintptr_t)code + 15, calls, 4);
    CHECK(count == 1 && calls[0]->call_offset == 144);
    count = eng_native_inlined_calls(&image, (uintptr_t)code + 31, calls, 4);
    CHECK(count == 1 && calls[0]->call_offset == 0x77);
    CHECK(eng_native_inlined_calls(&image, (uintptr_t)code + 5, calls, 4) == 0);
    CHECK(eng_native_inlined_calls(&image, (uintptr_t)code + 13, calls, 1) == 1);
    free(image.inlines);

    /* Truncated or damaged anywhere: refused or read, within the bytes given. */
    eng_native_inline *inlines;
    uint32_t inline_count;
    for (size_t length = 0; length < info_size; length++) {
        error = eng_native_read_inlines(info, length, abbreviations, sizeof abbreviations, ranges, ranges_size,
                                        (uintptr_t)code, sizeof code, files, 2, &inlines, &inline_count);
        CHECK(length == 0 ? !error : error != NULL, "truncated to %zu bytes", length);
        eng_error_free(error);
        free(inlines);
    }
    uint8_t damaged[128];
    for (size_t at = 0; at < info_size + sizeof abbreviations; at++)
        for (unsigned bit = 0; bit < 8; bit++) {
            uint8_t abbreviation_copy[sizeof abbreviations];
            memcpy(damaged, info, info_size);
            memcpy(abbreviation_copy, abbreviations, sizeof abbreviations);
            uint8_t *byte = at < info_size ? &damaged[at] : &abbreviation_copy[at - info_size];
            *byte ^= (uint8_t)(1u << bit);
            error =
                eng_native_read_inlines(damaged, info_size, abbreviation_copy, sizeof abbreviation_copy, ranges,
                                        ranges_size, (uintptr_t)code, sizeof code, files, 2, &inlines, &inline_count);
            eng_error_free(error);
            free(inlines);
        }
}

int main(void)
{
    test_inlines();
    static uint8_t code[64];
    uint8_t table[256];
    size_t size = make_table(table, (uintptr_t)code);
    eng_native_image image = {.mapping = code, .mapping_size = sizeof code};
    uint32_t *files = NULL, file_count = 0;
    eng_error *error = eng_native_read_lines(table, size, (uintptr_t)code, sizeof code, 1, &image.lines,
                                             &image.line_count, &files, &file_count);
    CHECK(file_count == 2 && files[0] == 0 && files[1] == ENG_NATIVE_NO_FUNCTION, "%u files", file_count);
    free(files);
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
    error =
        eng_native_read_lines(table, size, (uintptr_t)code + 1, sizeof code, 1, &lines, &count, &files, &file_count);
    CHECK(error && strstr(error->message, "outside the code") && !files);
    eng_error_free(error);

    /* Truncated anywhere or with any byte changed: refused or read, within the bytes given (the
     * sanitizer build checks the reads). */
    for (size_t length = 0; length < size; length++) {
        uint8_t *copy = malloc(length ? length : 1);
        memcpy(copy, table, length);
        error =
            eng_native_read_lines(copy, length, (uintptr_t)code, sizeof code, 1, &lines, &count, &files, &file_count);
        CHECK(length == 0 ? !error : error != NULL, "truncated to %zu bytes", length);
        eng_error_free(error);
        free(lines);
        free(files);
        free(copy);
    }
    for (size_t at = 0; at < size; at++)
        for (unsigned bit = 0; bit < 8; bit++) {
            uint8_t *copy = malloc(size);
            memcpy(copy, table, size);
            copy[at] ^= (uint8_t)(1u << bit);
            error =
                eng_native_read_lines(copy, size, (uintptr_t)code, sizeof code, 1, &lines, &count, &files, &file_count);
            eng_error_free(error);
            free(lines);
            free(files);
            free(copy);
        }
    return checks_done("lines_test");
}
