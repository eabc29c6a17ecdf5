/* values.c: parsing command-line values; names and imports as text (others print with wh_*_format, wh_*kind_name). */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define F32_SIGN 0x80000000u
#define F32_EXPONENT 0x7f800000u
#define F32_MANTISSA 0x007fffffu
#define F32_QUIET 0x00400000u
#define F64_SIGN 0x8000000000000000ull
#define F64_EXPONENT 0x7ff0000000000000ull
#define F64_MANTISSA 0x000fffffffffffffull
#define F64_QUIET 0x0008000000000000ull

static void set_reason(char *why, size_t why_size, const char *format, ...) __attribute__((format(printf, 3, 4)));
static void set_reason(char *why, size_t why_size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(why, why_size, format, args);
    va_end(args);
}

/* Integers: optional sign, then decimal digits or 0x and hex digits. Accepts the signed and the
 * unsigned range of a `bits`-wide integer, so both -1 and 4294967295 mean the i32 with all bits set. */
static bool parse_integer(const char *text, unsigned bits, uint64_t *out, char *why, size_t why_size)
{
    const char *p = text;
    bool negative = false;
    if (*p == '-' || *p == '+')
        negative = *p++ == '-';
    int base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    /* strtoull itself would skip spaces and accept a second sign: allow digits only. */
    if (base == 16 ? !isxdigit((unsigned char)*p) : !isdigit((unsigned char)*p)) {
        set_reason(why, why_size, "expected a decimal or 0x-prefixed hexadecimal integer");
        return false;
    }
    errno = 0;
    char *end;
    unsigned long long magnitude = strtoull(p, &end, base);
    if (*end != '\0') {
        set_reason(why, why_size, "unexpected '%c' in an integer", *end);
        return false;
    }
    uint64_t unsigned_max = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
    uint64_t negative_max = UINT64_C(1) << (bits - 1); /* magnitude of the most negative value */
    if (errno == ERANGE || magnitude > (negative ? negative_max : unsigned_max)) {
        set_reason(why, why_size, "out of range for i%u (-%" PRIu64 " to %" PRIu64 ")", bits, negative_max,
                   unsigned_max);
        return false;
    }
    uint64_t value = negative ? (uint64_t)0 - magnitude : magnitude;
    *out = bits == 64 ? value : (value & unsigned_max);
    return true;
}

/* NaN forms: "nan" (canonical), "nan:0xPAYLOAD", each with an optional sign.
 * Returns 0 when `text` is not a NaN form, 1 when parsed, -1 on a bad payload. */
static int parse_nan(const char *text, uint64_t mantissa_mask, uint64_t *mantissa, bool *negative, char *why,
                     size_t why_size)
{
    const char *p = text;
    *negative = false;
    if (*p == '-' || *p == '+')
        *negative = *p++ == '-';
    if (strncmp(p, "nan", 3) != 0)
        return 0;
    p += 3;
    if (*p == '\0') {
        *mantissa = (mantissa_mask + 1) >> 1; /* the canonical NaN: only the quiet bit */
        return 1;
    }
    if (strncmp(p, ":0x", 3) != 0 || !isxdigit((unsigned char)p[3])) {
        set_reason(why, why_size, "expected nan, nan:0xPAYLOAD, inf or a decimal number");
        return -1;
    }
    errno = 0;
    char *end;
    unsigned long long payload = strtoull(p + 3, &end, 16);
    if (*end != '\0' || errno == ERANGE || payload == 0 || payload > mantissa_mask) {
        set_reason(why, why_size, "NaN payload must be between 0x1 and 0x%" PRIx64, mantissa_mask);
        return -1;
    }
    *mantissa = payload;
    return 1;
}

static bool is_infinity_text(const char *p)
{
    if (*p == '-' || *p == '+')
        p++;
    return strcmp(p, "inf") == 0 || strcmp(p, "infinity") == 0;
}

/* Decimal (or C hexadecimal) floating-point text, inf and the NaN forms. */
static bool parse_float(const char *text, bool is_f64, wasm_val_t *out, char *why, size_t why_size)
{
    uint64_t mantissa;
    bool negative;
    int nan = parse_nan(text, is_f64 ? F64_MANTISSA : F32_MANTISSA, &mantissa, &negative, why, why_size);
    if (nan < 0)
        return false;
    if (nan > 0) {
        if (is_f64) {
            uint64_t bits = (negative ? F64_SIGN : 0) | F64_EXPONENT | mantissa;
            memcpy(&out->of.f64, &bits, sizeof bits);
        } else {
            uint32_t bits = (negative ? F32_SIGN : 0) | F32_EXPONENT | (uint32_t)mantissa;
            memcpy(&out->of.f32, &bits, sizeof bits);
        }
        return true;
    }
    const char *p = text;
    if (*p == '-' || *p == '+')
        p++;
    /* strtod would also take leading spaces and "nan(...)": require a digit or '.' here. */
    bool infinity = is_infinity_text(text);
    if (!infinity && !isdigit((unsigned char)*p) && *p != '.') {
        set_reason(why, why_size, "expected a decimal number, inf, -inf, nan or nan:0xPAYLOAD");
        return false;
    }
    errno = 0;
    char *end;
    /* strtof rounds the decimal straight to binary32; going through double could round twice. */
    double value;
    float value32 = 0;
    if (is_f64)
        value = strtod(text, &end);
    else
        value = value32 = strtof(text, &end);
    if (*end != '\0' || end == text) {
        set_reason(why, why_size, "unexpected '%c' in a number", *end ? *end : ' ');
        return false;
    }
    if (isinf(value) && !infinity) {
        set_reason(why, why_size, "out of range for %s (write inf for infinity)", is_f64 ? "f64" : "f32");
        return false;
    }
    if (is_f64)
        out->of.f64 = value;
    else
        out->of.f32 = value32;
    return true;
}

/* References: "null", and for externref a number N standing for host reference N (a new foreign
 * object: invoke only tells null from non-null). */
static bool parse_ref(const char *text, wasm_valkind_t kind, wasm_store_t *store, wasm_val_t *out, char *why,
                      size_t why_size)
{
    out->of.ref = NULL;
    if (strcmp(text, "null") == 0)
        return true;
    if (kind == WASM_EXTERNREF) {
        uint64_t number;
        if (parse_integer(text, 32, &number, why, why_size) && text[0] != '-') {
            wasm_foreign_t *foreign = wasm_foreign_new(store);
            out->of.ref = foreign ? wasm_foreign_as_ref(foreign) : NULL;
            if (!out->of.ref) {
                set_reason(why, why_size, "cannot make a host reference: %s", cli_error_message());
                return false;
            }
            return true;
        }
    }
    set_reason(why, why_size,
               kind == WASM_EXTERNREF ? "expected null or a host reference number"
                                      : "only null can be passed as a funcref");
    return false;
}

bool value_parse(const char *text, wasm_valkind_t kind, wasm_store_t *store, wasm_val_t *out, char *why,
                 size_t why_size)
{
    uint64_t bits;
    memset(out, 0, sizeof *out);
    out->kind = kind;
    switch (kind) {
    case WASM_I32:
        if (!parse_integer(text, 32, &bits, why, why_size))
            return false;
        out->of.i32 = (int32_t)(uint32_t)bits;
        return true;
    case WASM_I64:
        if (!parse_integer(text, 64, &bits, why, why_size))
            return false;
        out->of.i64 = (int64_t)bits;
        return true;
    case WASM_F32: return parse_float(text, false, out, why, why_size);
    case WASM_F64: return parse_float(text, true, out, why, why_size);
    case WASM_FUNCREF:
    case WASM_EXTERNREF: return parse_ref(text, kind, store, out, why, why_size);
    }
    set_reason(why, why_size, "%s values cannot be given on the command line", wh_valkind_name(kind));
    return false;
}

/* The lane shapes of v128 values, as the text format names them. */
static const struct {
    const char *name;
    unsigned lane_bits;
    bool is_float;
} v128_shapes[] = {{"i8x16", 8, false},  {"i16x8", 16, false}, {"i32x4", 32, false},
                   {"i64x2", 64, false}, {"f32x4", 32, true},  {"f64x2", 64, true}};

bool value_parse_v128(const char *text, uint8_t out[16], char *why, size_t why_size)
{
    memset(out, 0, 16);
    const char *colon = strchr(text, ':');
    size_t shape = sizeof v128_shapes / sizeof v128_shapes[0];
    for (size_t i = 0; colon && i < sizeof v128_shapes / sizeof v128_shapes[0]; i++)
        if (strlen(v128_shapes[i].name) == (size_t)(colon - text) && !strncmp(text, v128_shapes[i].name, colon - text))
            shape = i;
    if (shape == sizeof v128_shapes / sizeof v128_shapes[0]) {
        set_reason(why, why_size,
                   "expected SHAPE:LANE,LANE,... with SHAPE one of i8x16, i16x8, i32x4, i64x2, f32x4, "
                   "f64x2 (e.g. i32x4:1,2,3,4)");
        return false;
    }
    unsigned lane_bytes = v128_shapes[shape].lane_bits / 8, lane_count = 16 / lane_bytes;
    const char *lane = colon + 1;
    for (unsigned i = 0; i < lane_count; i++) {
        const char *comma = strchr(lane, ',');
        size_t length = comma ? (size_t)(comma - lane) : strlen(lane);
        char lane_text[80];
        if ((comma == NULL) != (i + 1 == lane_count) || length >= sizeof lane_text) {
            set_reason(why, why_size, "%s takes exactly %u comma-separated lanes", v128_shapes[shape].name, lane_count);
            return false;
        }
        memcpy(lane_text, lane, length);
        lane_text[length] = '\0';
        uint64_t bits = 0;
        char lane_why[120];
        if (v128_shapes[shape].is_float) {
            wasm_val_t value;
            if (!parse_float(lane_text, lane_bytes == 8, &value, lane_why, sizeof lane_why)) {
                set_reason(why, why_size, "lane %u: %s", i, lane_why);
                return false;
            }
            memcpy(&bits, lane_bytes == 8 ? (void *)&value.of.f64 : (void *)&value.of.f32, lane_bytes);
        } else if (!parse_integer(lane_text, v128_shapes[shape].lane_bits, &bits, lane_why, sizeof lane_why)) {
            set_reason(why, why_size, "lane %u: %s", i, lane_why);
            return false;
        }
        memcpy(out + i * lane_bytes, &bits, lane_bytes); /* little-endian, as in wasm memory */
        lane = comma ? comma + 1 : lane + length;
    }
    return true;
}

void value_format_v128(const uint8_t value[16], char *buf, size_t size)
{
    uint32_t lanes[4];
    memcpy(lanes, value, sizeof lanes);
    snprintf(buf, size, "i32x4:0x%08" PRIx32 ",0x%08" PRIx32 ",0x%08" PRIx32 ",0x%08" PRIx32, lanes[0], lanes[1],
             lanes[2], lanes[3]);
}

void cli_print_name(FILE *out, const wasm_name_t *name)
{
    wasm_byte_vec_t text;
    wh_name_format(name, &text);
    fwrite(text.data, 1, text.size, out);
    wasm_byte_vec_delete(&text);
}

void import_print(FILE *out, const wasm_importtype_t *import)
{
    const wasm_name_t *module_name = wasm_importtype_module(import), *name = wasm_importtype_name(import);
    fprintf(out, "  %s ", wh_externkind_name(wasm_externtype_kind(wasm_importtype_type(import))));
    cli_print_name(out, module_name);
    fputc('.', out);
    cli_print_name(out, name);
    fputc('\n', out);
}
