/* cli_wast.c: `wasmhost wast FILE.json...`: runs spec test scripts (from wast2json) through wasm.h and wasmhost.h. */
#include "cli_limits.h"
#include "cli_options.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char wast_usage[] =
    "usage: wasmhost wast [OPTIONS] FILE.json...\n"
    "\n"
    "Runs WebAssembly spec test scripts in wast2json's JSON form (the modules they name are read\n"
    "from the JSON file's folder). Prints one line per script, `PASS name passed/total` or\n"
    "`FAIL name passed/total` followed by its failing commands (line, expected, got), and ends\n"
    "with `N passed, N failed, N skipped`.\n"
    "\n"
    "Counting: every command except `module` and `register` is an assertion. Assertions on\n"
    "text-format (.wat) modules are skipped: this engine reads only binaries. A `module` or\n"
    "`register` command that fails (the module does not load, link or instantiate) is reported\n"
    "and counted as a failure too, although it is not an assertion.\n"
    "assert_trap passes when the action traps, whatever the message says (engines word them\n"
    "differently); assert_exhaustion requires the \"call stack exhausted\" trap.\n"
    "\n"
    "Options:\n"
    "%s"
    "  -h, --help  show this help\n"
    "\n"
    "Exit status: 0 when nothing failed, 1 otherwise, 2 usage error.\n";

#define LISTED_FAILURES 20

/* ---- growable strings for messages ---- */

typedef struct strbuf {
    char *data;
    size_t length, capacity;
} strbuf;

static void sb_printf(strbuf *sb, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(strbuf *sb, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    va_list copy;
    va_copy(copy, args);
    int needed = vsnprintf(NULL, 0, format, copy);
    va_end(copy);
    if (needed < 0) {
        va_end(args);
        return;
    }
    if (sb->length + (size_t)needed + 1 > sb->capacity) {
        size_t capacity = sb->capacity ? sb->capacity : 128;
        while (capacity < sb->length + (size_t)needed + 1)
            capacity *= 2;
        char *grown = realloc(sb->data, capacity);
        if (!grown) {
            va_end(args);
            return; /* messages are best effort: drop the text rather than fail the run */
        }
        sb->data = grown;
        sb->capacity = capacity;
    }
    vsnprintf(sb->data + sb->length, sb->capacity - sb->length, format, args);
    sb->length += (size_t)needed;
    va_end(args);
}

static const char *sb_text(const strbuf *sb) { return sb->data ? sb->data : ""; }

/* A wasm or JSON name, escaped (wh_name_format), for messages: at most its first 80 bytes. */
static void sb_name(strbuf *sb, const char *data, size_t length)
{
    wasm_name_t shown = {length > 80 ? 80 : length, (char *)data};
    wasm_byte_vec_t text;
    wh_name_format(&shown, &text);
    if (length > 80 && text.size) /* "...": inside the quotes */
        sb_printf(sb, "%.*s...\"", (int)text.size - 1, text.data);
    else
        sb_printf(sb, "%.*s", (int)text.size, text.data);
    wasm_byte_vec_delete(&text);
}

/* ---- the script's state ---- */

/* An instance the script made, with its exports looked up by name (in export order). */
typedef struct instance_record {
    wasm_instance_t *instance;
    wasm_exporttype_vec_t export_types;
    wasm_extern_vec_t exports;
} instance_record;

typedef struct named_instance {
    char *name;
    size_t name_length;
    instance_record *record; /* NULL when the module by that name failed */
} named_instance;

/* Host reference N of the script: a foreign object made when the script first names N, so
 * that every mention of N is the same reference (compared with wasm_ref_same). */
typedef struct host_reference {
    uint64_t number;
    wasm_foreign_t *foreign;
} host_reference;

typedef struct spectest_export {
    const char *name;
    wasm_extern_t *value;
} spectest_export;

#define SPECTEST_EXPORTS 13 /* 7 print functions, 4 globals, table, memory */

typedef struct failure_list {
    char **lines;
    size_t count, capacity;
} failure_list;

typedef struct options {
    bool strict;
    bool list_all;
    wh_tier_t tier;
    uint64_t compile_timeout_ns; /* --compile-timeout; UINT64_MAX: not given */
} wast_options;

typedef struct script {
    const char *path;
    char *folder; /* with a trailing '/', or "" */
    const wast_options *options;
    wasm_store_t *store;
    spectest_export spectest[SPECTEST_EXPORTS];
    size_t spectest_count;

    instance_record **instances; /* every instance made, owned */
    size_t instance_count;
    host_reference *host_references;
    size_t host_reference_count;

    instance_record *current; /* most recent module; NULL when it failed */
    bool have_current;
    int current_line; /* line of the most recent module command */

    named_instance *named; /* by $name */
    size_t named_count;
    named_instance *registered; /* by `register` name */
    size_t registered_count;

    uint64_t passed, failed, skipped;
    failure_list failures;
} script;

/* The reference for host reference `number`; NULL when out of memory. */
static wasm_ref_t *host_reference_get(script *s, uint64_t number)
{
    for (size_t i = 0; i < s->host_reference_count; i++) {
        if (s->host_references[i].number == number)
            return wasm_foreign_as_ref(s->host_references[i].foreign);
    }
    host_reference *grown = realloc(s->host_references, (s->host_reference_count + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    s->host_references = grown;
    wasm_foreign_t *foreign = wasm_foreign_new(s->store);
    if (!foreign)
        return NULL;
    grown[s->host_reference_count++] = (host_reference){number, foreign};
    return wasm_foreign_as_ref(foreign);
}

/* The number of a host reference the script made; false for any other reference. */
static bool host_reference_number(const script *s, const wasm_ref_t *ref, uint64_t *number)
{
    for (size_t i = 0; i < s->host_reference_count; i++) {
        if (wasm_ref_same(wasm_foreign_as_ref_const(s->host_references[i].foreign), ref)) {
            *number = s->host_references[i].number;
            return true;
        }
    }
    return false;
}

/* ---- values in the script's JSON ---- */

/* A wh_val_t that is not a v128 as the wasm_val_t it equals (same kind, same fields). */
static wasm_val_t plain_value(const wh_val_t *value)
{
    wasm_val_t plain = {.kind = value->kind};
    memcpy(&plain.of, &value->of, sizeof plain.of);
    return plain;
}

static void sb_value(const script *s, strbuf *sb, const wh_val_t *value)
{
    char text[64];
    uint64_t number;
    if (value->kind == WH_V128) {
        /* As four i32 lanes in hexadecimal: the expected value says how the script shapes it. */
        sb_printf(sb, "v128:");
        for (int i = 0; i < 4; i++) {
            uint32_t lane;
            memcpy(&lane, value->of.v128 + 4 * i, sizeof lane);
            sb_printf(sb, "%s0x%08" PRIx32, i ? " " : "", lane);
        }
        return;
    }
    if (value->kind == WASM_EXTERNREF && value->of.ref && host_reference_number(s, value->of.ref, &number)) {
        sb_printf(sb, "externref:%" PRIu64, number);
        return;
    }
    wasm_val_t plain = plain_value(value);
    wh_val_format(&plain, text, sizeof text);
    sb_printf(sb, "%s:%s", wh_valkind_name(value->kind), text);
}

static bool valkind_from_json(const char *name, wasm_valkind_t *out)
{
    static const wasm_valkind_t kinds[] = {WASM_I32,     WASM_I64,       WASM_F32, WASM_F64,
                                           WASM_FUNCREF, WASM_EXTERNREF, WH_V128};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(name, wh_valkind_name(kinds[i])) == 0) {
            *out = kinds[i];
            return true;
        }
    }
    return false;
}

/* What an expected value (or v128 lane) accepts. */
typedef enum expect_kind {
    EXPECT_EXACT,      /* the same bits (ints, floats), null, or the same host reference */
    EXPECT_CANONICAL,  /* nan:canonical */
    EXPECT_ARITHMETIC, /* nan:arithmetic */
    EXPECT_ANY_REF,    /* a non-null reference (funcref without a value) */
} expect_kind;

/* The lane shapes of v128 values in the script ("lane_type"). */
static const struct lane_shape {
    const char *name;
    uint8_t bits;
    bool is_float;
} lane_shapes[] = {{"i8", 8, false},   {"i16", 16, false}, {"i32", 32, false},
                   {"i64", 64, false}, {"f32", 32, true},  {"f64", 64, true}};

typedef struct json_value {
    expect_kind expect;
    wh_val_t value; /* a reference in it belongs to the script (host_reference_get) */
    /* v128: the script's lanes, each with what it accepts */
    const struct lane_shape *shape;
    expect_kind lane_expect[16];
} json_value;

static bool parse_unsigned(const char *text, uint64_t max, uint64_t *out)
{
    if (*text < '0' || *text > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long number = strtoull(text, &end, 10);
    if (*end != '\0' || errno == ERANGE || number > max)
        return false;
    *out = number;
    return true;
}

/* A NaN pattern the script may expect of a float ("nan:canonical", "nan:arithmetic"). */
static bool parse_nan_pattern(const char *text, expect_kind *out)
{
    if (strcmp(text, "nan:canonical") == 0)
        *out = EXPECT_CANONICAL;
    else if (strcmp(text, "nan:arithmetic") == 0)
        *out = EXPECT_ARITHMETIC;
    else
        return false;
    return true;
}

/* {"type": "v128", "lane_type": "f32", "value": ["0", "nan:canonical", ...]}: lanes as unsigned
 * decimal bits, lane 0 first. */
static bool parse_v128(json_t *object, bool expected, json_value *out, strbuf *why)
{
    const char *lane_type = json_string_value(json_object_get(object, "lane_type"));
    out->shape = NULL;
    for (size_t i = 0; lane_type && i < sizeof lane_shapes / sizeof lane_shapes[0]; i++)
        if (strcmp(lane_type, lane_shapes[i].name) == 0)
            out->shape = &lane_shapes[i];
    if (!out->shape) {
        sb_printf(why, "v128 value with unknown lane type %s", lane_type ? lane_type : "(missing)");
        return false;
    }
    json_t *lanes = json_object_get(object, "value");
    size_t lane_bytes = out->shape->bits / 8, lane_count = 16 / lane_bytes;
    if (json_array_size(lanes) != lane_count) {
        sb_printf(why, "v128 value of %s lanes without its %zu lanes", lane_type, lane_count);
        return false;
    }
    uint64_t max = out->shape->bits == 64 ? UINT64_MAX : (UINT64_C(1) << out->shape->bits) - 1;
    for (size_t i = 0; i < lane_count; i++) {
        const char *text = json_string_value(json_array_get(lanes, i));
        uint64_t number = 0;
        out->lane_expect[i] = EXPECT_EXACT;
        if (text && expected && out->shape->is_float && parse_nan_pattern(text, &out->lane_expect[i]))
            continue;
        if (!text || !parse_unsigned(text, max, &number)) {
            sb_printf(why, "bad %s lane %zu \"%s\" in a v128 value", lane_type, i, text ? text : "(missing)");
            return false;
        }
        memcpy(out->value.of.v128 + i * lane_bytes, &number, lane_bytes); /* little-endian, as wasm */
    }
    return true;
}

/* Parses {"type": ..., "value": ...}; `why` says what is wrong when it returns false. */
static bool parse_json_value(script *s, json_t *object, bool expected, json_value *out, strbuf *why)
{
    const char *type_name = json_string_value(json_object_get(object, "type"));
    if (!type_name || !valkind_from_json(type_name, &out->value.kind)) {
        sb_printf(why, "unknown value type %s", type_name ? type_name : "(missing)");
        return false;
    }
    wasm_valkind_t kind = out->value.kind;
    out->expect = EXPECT_EXACT;
    memset(&out->value.of, 0, sizeof out->value.of);
    if (kind == WH_V128)
        return parse_v128(object, expected, out, why);
    const char *text = json_string_value(json_object_get(object, "value"));
    if (!text) {
        if (expected && wasm_valkind_is_ref(kind)) {
            out->expect = EXPECT_ANY_REF;
            return true;
        }
        sb_printf(why, "%s value without a \"value\" string", type_name);
        return false;
    }
    if (expected && (kind == WASM_F32 || kind == WASM_F64) && parse_nan_pattern(text, &out->expect))
        return true;
    uint64_t number;
    switch (kind) {
    case WASM_I32:
    case WASM_F32:
        if (!parse_unsigned(text, UINT32_MAX, &number))
            break;
        uint32_t bits32 = (uint32_t)number;
        memcpy(kind == WASM_I32 ? (void *)&out->value.of.i32 : (void *)&out->value.of.f32, &bits32, sizeof bits32);
        return true;
    case WASM_I64:
    case WASM_F64:
        if (!parse_unsigned(text, UINT64_MAX, &number))
            break;
        memcpy(kind == WASM_I64 ? (void *)&out->value.of.i64 : (void *)&out->value.of.f64, &number, sizeof number);
        return true;
    case WASM_FUNCREF:
    case WASM_EXTERNREF:
        if (strcmp(text, "null") == 0)
            return true;
        if (kind == WASM_EXTERNREF && parse_unsigned(text, UINT64_MAX, &number)) {
            out->value.of.ref = host_reference_get(s, number);
            if (!out->value.of.ref) {
                sb_printf(why, "cannot make host reference %s: %s", text, cli_error_message());
                return false;
            }
            return true;
        }
        break;
    }
    sb_printf(why, "bad %s value \"%s\"", type_name, text);
    return false;
}

static const char *expect_text(expect_kind expect)
{
    return expect == EXPECT_CANONICAL ? "nan:canonical" : expect == EXPECT_ARITHMETIC ? "nan:arithmetic" : "";
}

static void sb_expected(const script *s, strbuf *sb, const json_value *expected)
{
    const char *type = wh_valkind_name(expected->value.kind);
    if (expected->value.kind == WH_V128) {
        size_t lane_bytes = expected->shape->bits / 8;
        sb_printf(sb, "v128:%sx%zu[", expected->shape->name, 16 / lane_bytes);
        for (size_t i = 0; i < 16 / lane_bytes; i++) {
            uint64_t lane = 0;
            memcpy(&lane, expected->value.of.v128 + i * lane_bytes, lane_bytes);
            if (expected->lane_expect[i] != EXPECT_EXACT)
                sb_printf(sb, "%s%s", i ? " " : "", expect_text(expected->lane_expect[i]));
            else
                sb_printf(sb, "%s0x%0*" PRIx64, i ? " " : "", (int)lane_bytes * 2, lane);
        }
        sb_printf(sb, "]");
        return;
    }
    switch (expected->expect) {
    case EXPECT_EXACT: sb_value(s, sb, &expected->value); break;
    case EXPECT_CANONICAL:
    case EXPECT_ARITHMETIC: sb_printf(sb, "%s:%s", type, expect_text(expected->expect)); break;
    case EXPECT_ANY_REF: sb_printf(sb, "%s:(any non-null)", type); break;
    }
}

/* Whether float bits of `bits` bits match `expect` against `expected_bits`. */
static bool float_matches(expect_kind expect, unsigned bits, uint64_t got, uint64_t expected_bits)
{
    uint64_t sign = UINT64_C(1) << (bits - 1);
    uint64_t quiet = bits == 32 ? UINT64_C(0x7fc00000) : UINT64_C(0x7ff8000000000000);
    if (expect == EXPECT_CANONICAL)
        return (got & ~sign) == quiet;
    if (expect == EXPECT_ARITHMETIC)
        return (got & quiet) == quiet;
    return got == expected_bits;
}

static bool value_matches(const json_value *expected, const wh_val_t *got)
{
    if (expected->value.kind != got->kind)
        return false;
    uint32_t bits32, expected32;
    uint64_t bits64, expected64;
    switch (got->kind) {
    case WASM_I32: return got->of.i32 == expected->value.of.i32;
    case WASM_I64: return got->of.i64 == expected->value.of.i64;
    case WASM_F32:
        memcpy(&bits32, &got->of.f32, sizeof bits32);
        memcpy(&expected32, &expected->value.of.f32, sizeof expected32);
        return float_matches(expected->expect, 32, bits32, expected32);
    case WASM_F64:
        memcpy(&bits64, &got->of.f64, sizeof bits64);
        memcpy(&expected64, &expected->value.of.f64, sizeof expected64);
        return float_matches(expected->expect, 64, bits64, expected64);
    case WASM_FUNCREF:
    case WASM_EXTERNREF:
        if (expected->expect == EXPECT_ANY_REF)
            return got->of.ref != NULL;
        if (!got->of.ref || !expected->value.of.ref)
            return got->of.ref == expected->value.of.ref;
        return wasm_ref_same(got->of.ref, expected->value.of.ref);
    case WH_V128: {
        size_t lane_bytes = expected->shape->bits / 8;
        for (size_t i = 0; i < 16 / lane_bytes; i++) {
            uint64_t lane = 0, expected_lane = 0;
            memcpy(&lane, got->of.v128 + i * lane_bytes, lane_bytes);
            memcpy(&expected_lane, expected->value.of.v128 + i * lane_bytes, lane_bytes);
            bool matches = expected->shape->is_float
                               ? float_matches(expected->lane_expect[i], expected->shape->bits, lane, expected_lane)
                               : lane == expected_lane;
            if (!matches)
                return false;
        }
        return true;
    }
    }
    return false;
}

/* ---- the spectest host module ---- */

static wasm_trap_t *spectest_print(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args;
    (void)results;
    return NULL; /* printing would only clutter the report */
}

static void spectest_add(script *s, const char *name, wasm_extern_t *value)
{
    s->spectest[s->spectest_count].name = name;
    s->spectest[s->spectest_count].value = value;
    s->spectest_count++;
}

/* Creates spectest's functions, globals, table and memory in the script's store; false (with
 * the API's message) when it cannot. */
static bool spectest_create(script *s)
{
    static const struct {
        const char *name;
        size_t param_count;
        wasm_valkind_t params[2];
    } prints[] = {
        {"print", 0, {WASM_I32, WASM_I32}},         {"print_i32", 1, {WASM_I32, WASM_I32}},
        {"print_i64", 1, {WASM_I64, WASM_I64}},     {"print_f32", 1, {WASM_F32, WASM_F32}},
        {"print_f64", 1, {WASM_F64, WASM_F64}},     {"print_i32_f32", 2, {WASM_I32, WASM_F32}},
        {"print_f64_f64", 2, {WASM_F64, WASM_F64}},
    };
    for (size_t i = 0; i < sizeof prints / sizeof prints[0]; i++) {
        wasm_valtype_vec_t params, results;
        wasm_valtype_vec_new_uninitialized(&params, prints[i].param_count);
        for (size_t j = 0; j < params.size; j++)
            params.data[j] = wasm_valtype_new(prints[i].params[j]);
        wasm_valtype_vec_new_empty(&results);
        wasm_functype_t *type = wasm_functype_new(&params, &results);
        wasm_func_t *func = type ? wasm_func_new(s->store, type, spectest_print) : NULL;
        wasm_functype_delete(type);
        if (!func)
            return false;
        spectest_add(s, prints[i].name, wasm_func_as_extern(func));
    }

    static const struct {
        const char *name;
        wasm_valkind_t kind;
    } globals[] = {
        {"global_i32", WASM_I32}, {"global_i64", WASM_I64}, {"global_f32", WASM_F32}, {"global_f64", WASM_F64}};
    for (size_t i = 0; i < sizeof globals / sizeof globals[0]; i++) {
        wasm_val_t value = {.kind = globals[i].kind};
        switch (globals[i].kind) {
        case WASM_I32: value.of.i32 = 666; break;
        case WASM_I64: value.of.i64 = 666; break;
        case WASM_F32: value.of.f32 = 666.6f; break;
        default: value.of.f64 = 666.6; break;
        }
        wasm_globaltype_t *type = wasm_globaltype_new(wasm_valtype_new(globals[i].kind), WASM_CONST);
        wasm_global_t *global = type ? wasm_global_new(s->store, type, &value) : NULL;
        wasm_globaltype_delete(type);
        if (!global)
            return false;
        spectest_add(s, globals[i].name, wasm_global_as_extern(global));
    }

    wasm_limits_t table_limits = {.min = 10, .max = 20};
    wasm_tabletype_t *table_type = wasm_tabletype_new(wasm_valtype_new(WASM_FUNCREF), &table_limits);
    wasm_table_t *table = table_type ? wasm_table_new(s->store, table_type, NULL) : NULL;
    wasm_tabletype_delete(table_type);
    if (!table)
        return false;
    spectest_add(s, "table", wasm_table_as_extern(table));

    wasm_limits_t memory_limits = {.min = 1, .max = 2};
    wasm_memorytype_t *memory_type = wasm_memorytype_new(&memory_limits);
    wasm_memory_t *memory = memory_type ? wasm_memory_new(s->store, memory_type) : NULL;
    wasm_memorytype_delete(memory_type);
    if (!memory)
        return false;
    spectest_add(s, "memory", wasm_memory_as_extern(memory));
    return true;
}

/* ---- one script ---- */

static void record_failure(script *s, int line, const char *what, const strbuf *detail)
{
    s->failed++;
    if (!s->options->list_all && s->failures.count >= LISTED_FAILURES)
        return;
    strbuf text = {0};
    sb_printf(&text, "  line %d: %s: %s", line, what, sb_text(detail));
    if (!text.data)
        return;
    if (s->failures.count == s->failures.capacity) {
        size_t capacity = s->failures.capacity ? s->failures.capacity * 2 : 16;
        char **grown = realloc(s->failures.lines, capacity * sizeof *grown);
        if (!grown) {
            free(text.data);
            return;
        }
        s->failures.lines = grown;
        s->failures.capacity = capacity;
    }
    s->failures.lines[s->failures.count++] = text.data;
}

static bool add_name(named_instance **list, size_t *count, const char *name, size_t length, instance_record *record)
{
    named_instance *grown = realloc(*list, (*count + 1) * sizeof *grown);
    if (!grown)
        return false;
    *list = grown;
    char *copy = malloc(length + 1);
    if (!copy)
        return false;
    memcpy(copy, name, length);
    copy[length] = '\0';
    grown[*count] = (named_instance){copy, length, record};
    (*count)++;
    return true;
}

/* Do the `length` bytes at a and b match? An empty wasm name may have no data (NULL). */
static bool same_bytes(const char *a, const char *b, size_t length) { return length == 0 || memcmp(a, b, length) == 0; }

/* The latest entry by that name wins (a later module may reuse a name). */
static named_instance *find_name(named_instance *list, size_t count, const char *name, size_t length)
{
    for (size_t i = count; i > 0; i--) {
        if (list[i - 1].name_length == length && same_bytes(list[i - 1].name, name, length))
            return &list[i - 1];
    }
    return NULL;
}

/* The export called `name` of an instance; NULL when there is none. */
static wasm_extern_t *find_export(const instance_record *record, const char *name, size_t length,
                                  const wasm_externtype_t **type)
{
    for (size_t i = 0; i < record->export_types.size && i < record->exports.size; i++) {
        const wasm_name_t *export_name = wasm_exporttype_name(record->export_types.data[i]);
        if (export_name->size == length && same_bytes(export_name->data, name, length)) {
            if (type)
                *type = wasm_exporttype_type(record->export_types.data[i]);
            return record->exports.data[i];
        }
    }
    return NULL;
}

static void instance_record_delete(instance_record *record)
{
    wasm_extern_vec_delete(&record->exports);
    wasm_exporttype_vec_delete(&record->export_types);
    wasm_instance_delete(record->instance);
    free(record);
}

static bool json_name(json_t *value, const char **data, size_t *length)
{
    if (!json_is_string(value))
        return false;
    *data = json_string_value(value);
    *length = json_string_length(value);
    return true;
}

/* Reads and compiles the module file `filename` from the script's folder; NULL with the reason
 * in `message` when it cannot. */
static wasm_module_t *load_module(script *s, const char *filename, strbuf *message)
{
    strbuf path = {0};
    sb_printf(&path, "%s%s", s->folder, filename);
    if (!path.data) {
        sb_printf(message, "out of memory");
        return NULL;
    }
    uint8_t *bytes;
    size_t size;
    char why[512];
    bool read = cli_read_file(path.data, &bytes, &size, why, sizeof why);
    free(path.data);
    if (!read) {
        sb_printf(message, "%s", why);
        return NULL;
    }
    wasm_byte_vec_t binary = {size, (wasm_byte_t *)bytes};
    wasm_module_t *module = wasm_module_new(s->store, &binary); /* copies the bytes */
    free(bytes);
    if (!module)
        sb_printf(message, "%s", cli_error_message());
    return module;
}

/* Finds every import among registered instances and spectest. Unknown ones are a link error:
 * false, with the reason in `message`. The externs are borrowed from those instances and
 * spectest: `out` has its own array (free it, do not delete the vector). */
static bool resolve_imports(script *s, const wasm_module_t *module, wasm_extern_vec_t *out, strbuf *message)
{
    wasm_importtype_vec_t imports;
    wasm_module_imports(module, &imports);
    out->size = imports.size;
    out->data = calloc(imports.size ? imports.size : 1, sizeof *out->data);
    if (!out->data) {
        wasm_importtype_vec_delete(&imports);
        sb_printf(message, "out of memory");
        return false;
    }
    bool resolved = true;
    for (size_t i = 0; i < imports.size && resolved; i++) {
        const wasm_name_t *module_name = wasm_importtype_module(imports.data[i]);
        const wasm_name_t *name = wasm_importtype_name(imports.data[i]);
        out->data[i] = NULL;
        named_instance *registered =
            find_name(s->registered, s->registered_count, module_name->data, module_name->size);
        if (registered) {
            if (registered->record)
                out->data[i] = find_export(registered->record, name->data, name->size, NULL);
        } else if (module_name->size == 8 && same_bytes(module_name->data, "spectest", 8)) {
            for (size_t j = 0; j < s->spectest_count; j++) {
                if (strlen(s->spectest[j].name) == name->size &&
                    same_bytes(s->spectest[j].name, name->data, name->size))
                    out->data[i] = s->spectest[j].value;
            }
        }
        if (!out->data[i]) {
            sb_printf(message, "unknown import ");
            sb_name(message, module_name->data, module_name->size);
            sb_printf(message, ".");
            sb_name(message, name->data, name->size);
            sb_printf(message, " (%s)",
                      wh_externkind_name(wasm_externtype_kind(wasm_importtype_type(imports.data[i]))));
            resolved = false;
        }
    }
    wasm_importtype_vec_delete(&imports);
    return resolved;
}

typedef enum instantiate_result {
    INSTANTIATED,
    LOAD_FAILED,
    LINK_FAILED,
    INSTANTIATION_TRAPPED,
} instantiate_result;

static void sb_trap_message(strbuf *sb, const wasm_trap_t *trap)
{
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    sb_printf(sb, "%.*s", (int)(message.size ? message.size - 1 : 0), message.size ? message.data : "");
    wasm_byte_vec_delete(&message);
}

/* Loads, links and instantiates; `message` gets the error or trap text on failure. */
static instantiate_result instantiate(script *s, const char *filename, instance_record **out, strbuf *message)
{
    *out = NULL;
    wasm_module_t *module = load_module(s, filename, message);
    if (!module)
        return LOAD_FAILED;
    wasm_extern_vec_t imports;
    if (!resolve_imports(s, module, &imports, message)) {
        free(imports.data);
        wasm_module_delete(module);
        return LINK_FAILED;
    }
    wasm_trap_t *trap = NULL;
    wasm_instance_t *instance = wasm_instance_new(s->store, module, &imports, &trap);
    free(imports.data);
    instantiate_result result = INSTANTIATED;
    if (!instance) {
        /* A trap from the start function or a segment, or a trap standing for a link error. */
        if (trap && wh_last_error_code() == WH_ERROR_TRAP) {
            sb_trap_message(message, trap);
            result = INSTANTIATION_TRAPPED;
        } else {
            sb_printf(message, "%s", cli_error_message());
            result = LINK_FAILED;
        }
        wasm_trap_delete(trap);
        wasm_module_delete(module);
        return result;
    }
    instance_record *record = calloc(1, sizeof *record);
    instance_record **grown = realloc(s->instances, (s->instance_count + 1) * sizeof *grown);
    if (grown)
        s->instances = grown;
    if (!record || !grown) {
        free(record);
        wasm_instance_delete(instance);
        wasm_module_delete(module);
        sb_printf(message, "out of memory");
        return LINK_FAILED;
    }
    record->instance = instance;
    wasm_module_exports(module, &record->export_types);
    wasm_instance_exports(instance, &record->exports);
    wasm_module_delete(module); /* the instance keeps what it needs */
    s->instances[s->instance_count++] = record;
    *out = record;
    return INSTANTIATED;
}

static const char *instantiate_result_text(instantiate_result result)
{
    switch (result) {
    case INSTANTIATED: return "instantiated";
    case LOAD_FAILED: return "load error";
    case LINK_FAILED: return "link error";
    case INSTANTIATION_TRAPPED: return "trap";
    }
    return "?";
}

/* ---- actions ---- */

typedef enum action_status {
    ACTION_RETURNED,
    ACTION_TRAPPED,
    ACTION_ERROR, /* the action could not be run: missing module or export, bad arguments */
} action_status;

typedef struct action_result {
    action_status status;
    wasm_trap_t *trap; /* ACTION_TRAPPED */
    strbuf trap_message;
    wh_val_t *values; /* ACTION_RETURNED: the results, or the global's value (their references are owned) */
    size_t value_count;
} action_result;

/* Describes the action ("invoke \"f\"(i32:1)") for messages. */
static void sb_action(script *s, strbuf *sb, json_t *action)
{
    const char *type = json_string_value(json_object_get(action, "type"));
    const char *module, *field;
    size_t module_length, field_length;
    sb_printf(sb, "%s ", type ? type : "?");
    if (json_name(json_object_get(action, "module"), &module, &module_length))
        sb_printf(sb, "%.*s.", (int)module_length, module);
    if (json_name(json_object_get(action, "field"), &field, &field_length))
        sb_name(sb, field, field_length);
    json_t *args = json_object_get(action, "args");
    if (type && strcmp(type, "invoke") == 0) {
        sb_printf(sb, "(");
        for (size_t i = 0; i < json_array_size(args); i++) {
            json_value value;
            strbuf ignored = {0};
            if (parse_json_value(s, json_array_get(args, i), false, &value, &ignored))
                sb_value(s, sb, &value.value);
            else
                sb_printf(sb, "?");
            free(ignored.data);
            sb_printf(sb, "%s", i + 1 < json_array_size(args) ? ", " : "");
        }
        sb_printf(sb, ")");
    }
}

static instance_record *action_instance(script *s, json_t *action, strbuf *why)
{
    const char *name;
    size_t length;
    if (json_name(json_object_get(action, "module"), &name, &length)) {
        named_instance *named = find_name(s->named, s->named_count, name, length);
        if (!named) {
            sb_printf(why, "no module named %.*s", (int)length, name);
            return NULL;
        }
        if (!named->record)
            sb_printf(why, "module %.*s is not available (its module command failed)", (int)length, name);
        return named->record;
    }
    if (!s->have_current)
        sb_printf(why, "no module has been defined yet");
    else if (!s->current)
        sb_printf(why, "the current module is not available (the module command of line %d failed)", s->current_line);
    return s->current;
}

/* Room for `count` values in `result`, each deletable (null references) until set. */
static bool values_new(action_result *result, size_t count)
{
    result->values = calloc(count ? count : 1, sizeof *result->values);
    result->value_count = result->values ? count : 0;
    for (size_t i = 0; i < result->value_count; i++)
        result->values[i].kind = WASM_EXTERNREF;
    return result->values != NULL;
}

/* Calls the function export `func` of type `type` with the action's arguments. */
static void run_invoke(script *s, json_t *action, const wasm_func_t *func, const wasm_functype_t *type,
                       action_result *result, strbuf *why)
{
    const wasm_valtype_vec_t *params = wasm_functype_params(type);
    json_t *args = json_object_get(action, "args");
    if (json_array_size(args) != params->size) {
        sb_printf(why, "the function takes %zu arguments, the script gives %zu", params->size, json_array_size(args));
        return;
    }
    /* The arguments' references are the script's host references: the array is freed, the
     * values are not deleted. wh_func_call, as wasm_val_t cannot hold a v128. */
    wh_val_t *arguments = calloc(params->size ? params->size : 1, sizeof *arguments);
    if (!arguments || !values_new(result, wasm_functype_results(type)->size)) {
        free(arguments);
        sb_printf(why, "out of memory");
        return;
    }
    for (size_t i = 0; i < params->size; i++) {
        json_value value;
        if (!parse_json_value(s, json_array_get(args, i), false, &value, why)) {
            free(arguments);
            return;
        }
        wasm_valkind_t parameter = wasm_valtype_kind(params->data[i]);
        if (value.value.kind != parameter) {
            sb_printf(why, "argument %zu is %s but the parameter is %s", i + 1, wh_valkind_name(value.value.kind),
                      wh_valkind_name(parameter));
            free(arguments);
            return;
        }
        arguments[i] = value.value;
    }
    wasm_trap_t *trap = wh_func_call(func, arguments, params->size, result->values, result->value_count);
    free(arguments);
    if (trap) {
        result->status = ACTION_TRAPPED;
        result->trap = trap;
        sb_trap_message(&result->trap_message, trap);
        return;
    }
    result->status = ACTION_RETURNED;
}

/* Runs an invoke or get action. On ACTION_ERROR `why` says why it could not run. */
static action_result run_action(script *s, json_t *action, strbuf *why)
{
    action_result result = {.status = ACTION_ERROR};
    instance_record *record = action_instance(s, action, why);
    if (!record)
        return result;
    const char *type = json_string_value(json_object_get(action, "type"));
    const char *field;
    size_t field_length;
    if (!type || !json_name(json_object_get(action, "field"), &field, &field_length)) {
        sb_printf(why, "malformed action");
        return result;
    }
    const wasm_externtype_t *export_type;
    wasm_extern_t *export = find_export(record, field, field_length, &export_type);
    if (!export) {
        sb_printf(why, "no export ");
        sb_name(why, field, field_length);
        return result;
    }
    wasm_externkind_t kind = wasm_extern_kind(export);
    if (strcmp(type, "get") == 0) {
        if (kind != WASM_EXTERN_GLOBAL) {
            sb_printf(why, "export is a %s, not a global", wh_externkind_name(kind));
            return result;
        }
        if (!values_new(&result, 1)) {
            sb_printf(why, "out of memory");
            return result;
        }
        wasm_val_t value;
        wasm_global_get(wasm_extern_as_global(export), &value);
        result.values[0].kind = value.kind;
        memcpy(&result.values[0].of, &value.of, sizeof value.of);
        result.status = ACTION_RETURNED;
        return result;
    }
    if (strcmp(type, "invoke") != 0) {
        sb_printf(why, "unknown action type %s", type);
        return result;
    }
    if (kind != WASM_EXTERN_FUNC) {
        sb_printf(why, "export is a %s, not a function", wh_externkind_name(kind));
        return result;
    }
    run_invoke(s, action, wasm_extern_as_func(export), wasm_externtype_as_functype_const(export_type), &result, why);
    return result;
}

static void action_result_delete(action_result *result)
{
    for (size_t i = 0; i < result->value_count; i++) {
        if (wasm_valkind_is_ref(result->values[i].kind) && result->values[i].of.ref)
            wasm_ref_delete(result->values[i].of.ref);
    }
    free(result->values);
    wasm_trap_delete(result->trap);
    free(result->trap_message.data);
}

static void sb_results(const script *s, strbuf *sb, const action_result *result)
{
    sb_printf(sb, "(");
    for (size_t i = 0; i < result->value_count; i++) {
        sb_value(s, sb, &result->values[i]);
        sb_printf(sb, "%s", i + 1 < result->value_count ? ", " : "");
    }
    sb_printf(sb, ")");
}

/* Does `message` say what the script expects? Prefix or substring: engines add context. */
static bool message_matches(const char *message, const char *expected)
{
    return !expected || strstr(message, expected) != NULL;
}
/* ---- commands ---- */

static void command_module(script *s, json_t *command, int line)
{
    const char *filename = json_string_value(json_object_get(command, "filename"));
    strbuf message = {0};
    instance_record *record = NULL;
    instantiate_result result =
        filename ? instantiate(s, filename, &record, &message) : (sb_printf(&message, "no filename"), LOAD_FAILED);
    s->current = record;
    s->have_current = true;
    s->current_line = line;
    const char *name;
    size_t length;
    if (json_name(json_object_get(command, "name"), &name, &length))
        add_name(&s->named, &s->named_count, name, length, record);
    if (result != INSTANTIATED) {
        strbuf detail = {0};
        sb_printf(&detail, "%s %s: %s", filename ? filename : "?", instantiate_result_text(result), sb_text(&message));
        record_failure(s, line, "module", &detail);
        free(detail.data);
    }
    free(message.data);
}

static void command_register(script *s, json_t *command, int line)
{
    const char *as, *name;
    size_t as_length, name_length;
    strbuf why = {0};
    instance_record *record = NULL;
    if (!json_name(json_object_get(command, "as"), &as, &as_length)) {
        sb_printf(&why, "no \"as\" name");
    } else if (json_name(json_object_get(command, "name"), &name, &name_length)) {
        named_instance *named = find_name(s->named, s->named_count, name, name_length);
        record = named ? named->record : NULL;
        if (!record)
            sb_printf(&why, "module %.*s %s", (int)name_length, name,
                      named ? "is not available (its module command failed)" : "is unknown");
    } else {
        record = s->current;
        if (!record)
            sb_printf(&why, s->have_current ? "the current module is not available (its module command failed)"
                                            : "there is no current module");
    }
    if (record)
        add_name(&s->registered, &s->registered_count, as, as_length, record);
    else
        record_failure(s, line, "register", &why);
    free(why.data);
}

/* action, assert_return, assert_trap, assert_exhaustion */
static void command_action(script *s, json_t *command, const char *type, int line)
{
    json_t *action = json_object_get(command, "action");
    strbuf why = {0};
    action_result result = run_action(s, action, &why);
    bool passed = false;
    strbuf detail = {0};
    sb_action(s, &detail, action);

    if (result.status == ACTION_ERROR) {
        sb_printf(&detail, ": cannot run: %s", sb_text(&why));
    } else if (strcmp(type, "action") == 0) {
        passed = result.status == ACTION_RETURNED;
        if (!passed)
            sb_printf(&detail, ": trapped: %s", sb_text(&result.trap_message));
    } else if (strcmp(type, "assert_return") == 0) {
        json_t *expected = json_object_get(command, "expected");
        if (result.status == ACTION_TRAPPED) {
            sb_printf(&detail, ": expected a result, got trap: %s", sb_text(&result.trap_message));
        } else {
            passed = json_array_size(expected) == result.value_count;
            strbuf expected_text = {0};
            sb_printf(&expected_text, "(");
            for (size_t i = 0; i < json_array_size(expected); i++) {
                json_value value;
                if (!parse_json_value(s, json_array_get(expected, i), true, &value, &expected_text)) {
                    passed = false;
                } else {
                    sb_expected(s, &expected_text, &value);
                    if (passed && !value_matches(&value, &result.values[i]))
                        passed = false;
                }
                sb_printf(&expected_text, "%s", i + 1 < json_array_size(expected) ? ", " : "");
            }
            sb_printf(&expected_text, ")");
            if (!passed) {
                sb_printf(&detail, ": expected %s, got ", sb_text(&expected_text));
                sb_results(s, &detail, &result);
            }
            free(expected_text.data);
        }
    } else {
        const char *text = json_string_value(json_object_get(command, "text"));
        bool exhaustion = strcmp(type, "assert_exhaustion") == 0;
        if (result.status == ACTION_RETURNED) {
            sb_printf(&detail, ": expected trap \"%s\", got ", text ? text : "");
            sb_results(s, &detail, &result);
        } else if (exhaustion && wh_trap_code(result.trap) != WH_TRAP_CODE_CALL_STACK_EXHAUSTED) {
            sb_printf(&detail, ": expected trap \"call stack exhausted\", got trap: %s", sb_text(&result.trap_message));
        } else if (s->options->strict && !message_matches(sb_text(&result.trap_message), text)) {
            sb_printf(&detail, ": expected trap \"%s\", got trap: %s", text ? text : "", sb_text(&result.trap_message));
        } else {
            passed = true;
        }
    }

    if (passed)
        s->passed++;
    else
        record_failure(s, line, type, &detail);
    free(detail.data);
    free(why.data);
    action_result_delete(&result);
}

/* assert_invalid, assert_malformed, assert_unlinkable, assert_uninstantiable */
static void command_assert_module(script *s, json_t *command, const char *type, int line)
{
    const char *module_type = json_string_value(json_object_get(command, "module_type"));
    if (module_type && strcmp(module_type, "text") == 0) {
        s->skipped++; /* .wat: needs a text-format parser, which this engine does not have */
        return;
    }
    const char *filename = json_string_value(json_object_get(command, "filename"));
    const char *text = json_string_value(json_object_get(command, "text"));
    if (!text)
        text = "";
    strbuf detail = {0};
    bool passed = false;
    sb_printf(&detail, "%s: ", filename ? filename : "?");

    if (!filename) {
        sb_printf(&detail, "no filename");
    } else if (strcmp(type, "assert_invalid") == 0 || strcmp(type, "assert_malformed") == 0) {
        strbuf message = {0};
        wasm_module_t *module = load_module(s, filename, &message);
        if (module) {
            sb_printf(&detail, "expected \"%s\", but the module loaded", text);
            wasm_module_delete(module);
        } else if (s->options->strict && !message_matches(sb_text(&message), text)) {
            sb_printf(&detail, "expected \"%s\", got: %s", text, sb_text(&message));
        } else {
            passed = true;
        }
        free(message.data);
    } else {
        bool unlinkable = strcmp(type, "assert_unlinkable") == 0;
        instantiate_result wanted = unlinkable ? LINK_FAILED : INSTANTIATION_TRAPPED;
        strbuf message = {0};
        instance_record *record;
        instantiate_result result = instantiate(s, filename, &record, &message);
        if (result != wanted) {
            sb_printf(&detail, "expected %s \"%s\", got %s", instantiate_result_text(wanted), text,
                      instantiate_result_text(result));
            if (message.length)
                sb_printf(&detail, ": %s", sb_text(&message));
        } else if (s->options->strict && !message_matches(sb_text(&message), text)) {
            sb_printf(&detail, "expected %s \"%s\", got: %s", instantiate_result_text(wanted), text, sb_text(&message));
        } else {
            passed = true;
        }
        free(message.data);
    }
    if (passed)
        s->passed++;
    else
        record_failure(s, line, type, &detail);
    free(detail.data);
}

static void run_command(script *s, json_t *command)
{
    const char *type = json_string_value(json_object_get(command, "type"));
    int line = (int)json_integer_value(json_object_get(command, "line"));
    if (!type) {
        strbuf detail = {0};
        sb_printf(&detail, "command without a type");
        record_failure(s, line, "?", &detail);
        free(detail.data);
    } else if (strcmp(type, "module") == 0) {
        command_module(s, command, line);
    } else if (strcmp(type, "register") == 0) {
        command_register(s, command, line);
    } else if (strcmp(type, "action") == 0 || strcmp(type, "assert_return") == 0 || strcmp(type, "assert_trap") == 0 ||
               strcmp(type, "assert_exhaustion") == 0) {
        command_action(s, command, type, line);
    } else if (strcmp(type, "assert_invalid") == 0 || strcmp(type, "assert_malformed") == 0 ||
               strcmp(type, "assert_unlinkable") == 0 || strcmp(type, "assert_uninstantiable") == 0) {
        command_assert_module(s, command, type, line);
    } else {
        strbuf detail = {0};
        sb_printf(&detail, "unknown command type");
        record_failure(s, line, type, &detail);
        free(detail.data);
    }
}

/* The script's name for the report: the file name without folder and ".json". */
static void script_name(const char *path, char *buf, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t length = strlen(base);
    if (length > 5 && strcmp(base + length - 5, ".json") == 0)
        length -= 5;
    snprintf(buf, size, "%.*s", (int)length, base);
}

typedef struct totals {
    uint64_t passed, failed, skipped;
} wast_totals;

/* Runs the script in the file `path`, or, when `json` is not NULL, the `size` bytes of `json` as if
 * read from `path`; `store_ready` (may be NULL) gets the store before the first command. */
static void run_script(wasm_engine_t *engine, const char *path, const char *json, size_t size,
                       void (*store_ready)(wasm_store_t *), const wast_options *options, wast_totals *totals)
{
    script s = {.path = path, .options = options};
    char name[256];
    script_name(path, name, sizeof name);
    strbuf setup_error = {0};

    const char *slash = strrchr(path, '/');
    s.folder = slash ? strndup(path, (size_t)(slash - path + 1)) : strdup("");
    json_error_t json_error;
    json_t *root =
        json ? json_loadb(json, size, JSON_ALLOW_NUL, &json_error) : json_load_file(path, JSON_ALLOW_NUL, &json_error);
    json_t *commands = root ? json_object_get(root, "commands") : NULL;
    if (!s.folder) {
        sb_printf(&setup_error, "out of memory");
    } else if (!root) {
        sb_printf(&setup_error, "%s:%d: %s", path, json_error.line, json_error.text);
    } else if (!json_is_array(commands)) {
        sb_printf(&setup_error, "%s: no \"commands\" array (not a wast2json file?)", path);
    } else if (!(s.store = wasm_store_new(engine))) {
        sb_printf(&setup_error, "cannot create a store: %s", cli_error_message());
    } else if (!spectest_create(&s)) {
        sb_printf(&setup_error, "spectest: %s", cli_error_message());
    }

    if (setup_error.length == 0 && store_ready)
        store_ready(s.store);
    if (setup_error.length) {
        printf("FAIL %s 0/1\n  %s\n", name, sb_text(&setup_error));
        totals->failed++;
    } else {
        for (size_t i = 0; i < json_array_size(commands); i++)
            run_command(&s, json_array_get(commands, i));
        uint64_t total = s.passed + s.failed;
        printf("%s %s %" PRIu64 "/%" PRIu64, s.failed ? "FAIL" : "PASS", name, s.passed, total);
        if (s.skipped)
            printf(" (%" PRIu64 " skipped)", s.skipped);
        printf("\n");
        for (size_t i = 0; i < s.failures.count; i++)
            printf("%s\n", s.failures.lines[i]);
        if (s.failed > s.failures.count)
            printf("  ... and %" PRIu64 " more (--all lists them)\n", s.failed - (uint64_t)s.failures.count);
        totals->passed += s.passed;
        totals->failed += s.failed;
        totals->skipped += s.skipped;
    }
    fflush(stdout);

    /* Handles first, then the store that holds the objects behind them. */
    for (size_t i = 0; i < s.instance_count; i++)
        instance_record_delete(s.instances[i]);
    free(s.instances);
    for (size_t i = 0; i < s.spectest_count; i++)
        wasm_extern_delete(s.spectest[i].value);
    for (size_t i = 0; i < s.host_reference_count; i++)
        wasm_foreign_delete(s.host_references[i].foreign);
    free(s.host_references);
    wasm_store_delete(s.store);
    json_decref(root);
    for (size_t i = 0; i < s.named_count; i++)
        free(s.named[i].name);
    for (size_t i = 0; i < s.registered_count; i++)
        free(s.registered[i].name);
    free(s.named);
    free(s.registered);
    for (size_t i = 0; i < s.failures.count; i++)
        free(s.failures.lines[i]);
    free(s.failures.lines);
    free(s.folder);
    free(setup_error.data);
}

static const cli_command_line wast_command = {"wast", wast_usage, NULL, true};

int cli_wast(int argc, char **argv)
{
    wast_options options = {.compile_timeout_ns = UINT64_MAX};
    const cli_option option_table[] = {
        {"--strict", .flag = &options.strict,
         .help = "  --strict    also require trap, load and link error messages to contain the script's text\n"},
        {"--all", .flag = &options.list_all,
         .help = "  --all       list every failing command (by default the first 20 per script)\n"},
        {"--tier", .parse = cli_tier_option.parse, .target = &options.tier, .help = cli_tier_option.help},
        {"--compile-timeout", .parse = cli_compile_timeout_option.parse, .target = &options.compile_timeout_ns,
         .help = cli_compile_timeout_option.help},
    };
    cli_arguments args;
    cli_arguments_start(&args, &wast_command, argc, argv, option_table, sizeof option_table / sizeof option_table[0]);
    const char *file = cli_next_operand(&args);
    if (args.exit_status >= 0)
        return args.exit_status;
    if (!file)
        return cli_usage_error(&args, "missing FILE.json");
    /* One engine (its configuration) for every script; each script gets its own store. */
    wasm_config_t *config = wasm_config_new();
    if (config)
        wh_config_set_tier(config, options.tier);
    if (config && options.compile_timeout_ns != UINT64_MAX)
        wh_config_set_compile_timeout(config, options.compile_timeout_ns);
    wasm_engine_t *engine = config ? wasm_engine_new_with_config(config) : NULL;
    if (!engine) {
        fprintf(stderr, "wasmhost: cannot create an engine: %s\n", cli_error_message());
        return CLI_FAILED;
    }
    wast_totals totals = {0};
    for (; file; file = cli_next_operand(&args))
        run_script(engine, file, NULL, 0, NULL, &options, &totals);
    wasm_engine_delete(engine);
    printf("%" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " skipped\n", totals.passed, totals.failed,
           totals.skipped);
    return totals.failed ? CLI_FAILED : CLI_OK;
}

uint64_t cli_wast_run_json(wasm_engine_t *engine, const char *path, const char *json, size_t size,
                           void (*store_ready)(wasm_store_t *))
{
    wast_options options = {.compile_timeout_ns = UINT64_MAX};
    wast_totals totals = {0};
    run_script(engine, path, json, size, store_ready, &options, &totals);
    return totals.failed;
}
