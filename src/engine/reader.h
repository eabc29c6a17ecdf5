/* reader.h: bounds-checked reading of bytes and LEB128 integers from a WebAssembly binary. */
#ifndef ENG_READER_H
#define ENG_READER_H

/*
 * An eng_reader walks [pos, end) of a module binary that starts at `start`. Every read checks
 * the bounds and returns false on failure, after recording a reason (a static string in the
 * spec testsuite's wording) and the byte offset, relative to `start`, where the bad item
 * begins. The first failure wins: later failures do not overwrite it.
 *
 *     eng_reader r = reader_make(module->bytes, body, body + size);
 *     uint32_t index;
 *     if (!read_u32_leb(&r, &index))
 *         return eng_error_new("function 3 at offset 0x%x: %s", r.error_offset, r.error);
 *
 * A sub-reader for a sized item is a copy with a nearer `end` (reader_sub); copy it back
 * (including its error) when done. Besides bytes and integers (read_u8, read_bytes,
 * read_u32_leb, read_u64_leb, read_s32_leb, read_s33_leb for block types, read_s64_leb,
 * read_f32_bits, read_f64_bits), it reads vector lengths checked against the remaining bytes
 * (read_count) and value / reference types (read_valtype, read_reftype).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "module.h"

/* The ids of the binary format's sections (decode.c reads them, snapshot.c writes them). */
typedef enum eng_section_id {
    ENG_SECTION_CUSTOM = 0,
    ENG_SECTION_TYPE = 1,
    ENG_SECTION_IMPORT = 2,
    ENG_SECTION_FUNCTION = 3,
    ENG_SECTION_TABLE = 4,
    ENG_SECTION_MEMORY = 5,
    ENG_SECTION_GLOBAL = 6,
    ENG_SECTION_EXPORT = 7,
    ENG_SECTION_START = 8,
    ENG_SECTION_ELEMENT = 9,
    ENG_SECTION_CODE = 10,
    ENG_SECTION_DATA = 11,
    ENG_SECTION_DATA_COUNT = 12,
} eng_section_id;

typedef struct eng_reader {
    const uint8_t *start;    /* start of the module: error offsets are relative to it */
    const uint8_t *pos;      /* next byte to read */
    const uint8_t *end;      /* one past the last readable byte */
    const char *eof_message; /* reason given when a read runs past `end` */
    const char *error;       /* NULL until a read fails */
    uint32_t error_offset;
} eng_reader;

static inline eng_reader reader_make(const uint8_t *start, const uint8_t *pos, const uint8_t *end)
{
    eng_reader reader = {start, pos, end, "unexpected end", NULL, 0};
    return reader;
}

static inline size_t reader_remaining(const eng_reader *r) { return (size_t)(r->end - r->pos); }
static inline bool reader_at_end(const eng_reader *r) { return r->pos >= r->end; }
static inline uint32_t reader_offset(const eng_reader *r) { return (uint32_t)(r->pos - r->start); }

/* Records a failure at `at` (a position in the binary) and returns false. */
static inline bool reader_fail_at(eng_reader *r, const uint8_t *at, const char *message)
{
    if (!r->error) {
        r->error = message;
        r->error_offset = (uint32_t)(at - r->start);
    }
    return false;
}

static inline bool reader_fail(eng_reader *r, const char *message) { return reader_fail_at(r, r->pos, message); }

/* A reader for the next `size` bytes (the caller has checked size <= remaining). */
static inline eng_reader reader_sub(const eng_reader *r, size_t size)
{
    eng_reader sub = *r;
    sub.end = r->pos + size;
    return sub;
}

static inline bool read_u8(eng_reader *r, uint8_t *out)
{
    if (r->pos >= r->end)
        return reader_fail(r, r->eof_message);
    *out = *r->pos++;
    return true;
}

/* Points *out at the next `size` bytes and skips them. */
static inline bool read_bytes(eng_reader *r, size_t size, const uint8_t **out)
{
    if (size > reader_remaining(r))
        return reader_fail(r, r->eof_message);
    *out = r->pos;
    r->pos += size;
    return true;
}

/*
 * LEB128 of at most `bits` bits: at most ceil(bits / 7) bytes ("integer representation too
 * long" otherwise), and the bits of the last byte beyond `bits` must be a zero extension
 * (unsigned) or a sign extension (signed) of the value ("integer too large" otherwise).
 * Signed results are sign-extended to 64 bits.
 */
static inline bool read_leb(eng_reader *r, unsigned bits, bool is_signed, uint64_t *out)
{
    const uint8_t *begin = r->pos;
    const unsigned max_bytes = (bits + 6) / 7;
    uint64_t result = 0;
    unsigned shift = 0;
    for (unsigned i = 0;; i++) {
        if (r->pos >= r->end)
            return reader_fail(r, r->eof_message);
        uint8_t byte = *r->pos++;
        if (i == max_bytes - 1) {
            if (byte & 0x80)
                return reader_fail_at(r, begin, "integer representation too long");
            unsigned used = bits - shift; /* value bits this byte carries: 1..7 */
            if (is_signed) {
                /* bits used-1 .. 6 must all equal the sign bit, bit used-1 */
                uint8_t mask = (uint8_t)(0x7F & ~((1u << (used - 1)) - 1));
                uint8_t upper = byte & mask;
                if (upper != 0 && upper != mask)
                    return reader_fail_at(r, begin, "integer too large");
            } else if (used < 7 && (byte & (uint8_t)(0x7F & ~((1u << used) - 1)))) {
                return reader_fail_at(r, begin, "integer too large");
            }
        }
        result |= (uint64_t)(byte & 0x7F) << shift;
        shift += 7;
        if (!(byte & 0x80)) {
            if (is_signed && shift < 64 && (byte & 0x40))
                result |= ~(uint64_t)0 << shift;
            *out = result;
            return true;
        }
    }
}

static inline bool read_u32_leb(eng_reader *r, uint32_t *out)
{
    uint64_t value;
    if (!read_leb(r, 32, false, &value))
        return false;
    *out = (uint32_t)value;
    return true;
}

static inline bool read_u64_leb(eng_reader *r, uint64_t *out) { return read_leb(r, 64, false, out); }

static inline bool read_s32_leb(eng_reader *r, int32_t *out)
{
    uint64_t value;
    if (!read_leb(r, 32, true, &value))
        return false;
    *out = (int32_t)(uint32_t)value;
    return true;
}

/* Block types are signed 33-bit: negative values are value types, others type indices. */
static inline bool read_s33_leb(eng_reader *r, int64_t *out)
{
    uint64_t value;
    if (!read_leb(r, 33, true, &value))
        return false;
    *out = (int64_t)value;
    return true;
}

static inline bool read_s64_leb(eng_reader *r, int64_t *out)
{
    uint64_t value;
    if (!read_leb(r, 64, true, &value))
        return false;
    *out = (int64_t)value;
    return true;
}

/* f32 / f64 immediates: raw IEEE bits, little-endian. */
static inline bool read_f32_bits(eng_reader *r, uint32_t *out)
{
    const uint8_t *p;
    if (!read_bytes(r, 4, &p))
        return false;
    *out = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return true;
}

static inline bool read_f64_bits(eng_reader *r, uint64_t *out)
{
    const uint8_t *p;
    if (!read_bytes(r, 8, &p))
        return false;
    uint64_t value = 0;
    for (int i = 7; i >= 0; i--)
        value = value << 8 | p[i];
    *out = value;
    return true;
}

/* A vector length or byte count: each element takes at least one byte, so a count larger
 * than what remains is malformed. Checking here makes it safe to allocate `count` entries. */
static inline bool read_count(eng_reader *r, uint32_t *out)
{
    const uint8_t *begin = r->pos;
    if (!read_u32_leb(r, out))
        return false;
    if (*out > reader_remaining(r))
        return reader_fail_at(r, begin, "length out of bounds");
    return true;
}

/* Value and reference types are one byte each in 2.0. */
static inline bool read_valtype(eng_reader *r, eng_valtype *out)
{
    const uint8_t *at = r->pos;
    uint8_t byte;
    if (!read_u8(r, &byte))
        return false;
    switch (byte) {
    case ENG_I32:
    case ENG_I64:
    case ENG_F32:
    case ENG_F64:
    case ENG_V128:
    case ENG_FUNCREF:
    case ENG_EXTERNREF: *out = (eng_valtype)byte; return true;
    default: return reader_fail_at(r, at, "malformed value type");
    }
}

static inline bool read_reftype(eng_reader *r, eng_valtype *out)
{
    const uint8_t *at = r->pos;
    uint8_t byte;
    if (!read_u8(r, &byte))
        return false;
    if (byte != ENG_FUNCREF && byte != ENG_EXTERNREF)
        return reader_fail_at(r, at, "malformed reference type");
    *out = (eng_valtype)byte;
    return true;
}

#endif
