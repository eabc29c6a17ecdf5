/* api_describe.c: wh_module_describe (a module as text, with its translated code), wh_val_format, wh_name_format. */
#include "api_internal.h"

#include <inttypes.h>
#include <stdio.h>
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

/* ---- values, types and names as text ---- */

/* Names in full, escaped as in the engine's messages (eng_name_write). */
static void name_write(FILE *out, const char *data, size_t length) { eng_name_write(out, data, length, SIZE_MAX); }

void wh_name_format(const wasm_name_t *name, wasm_byte_vec_t *out)
{
    if (!out)
        return;
    wasm_byte_vec_new_empty(out);
    if (!name || (name->size && !name->data)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_name_format: the name is NULL");
        return;
    }
    api_text text;
    if (!api_text_open(&text, "wh_name_format"))
        return;
    name_write(text.stream, name->data, name->size);
    api_text_close(&text, out, "wh_name_format");
}

/* Floats in the shortest decimal that reads back to the same bits; NaNs as nan, -nan or
 * nan:0xPAYLOAD. */
static void f32_text(uint32_t bits, char *buf, size_t size)
{
    const char *sign = bits & F32_SIGN ? "-" : "";
    uint32_t mantissa = bits & F32_MANTISSA;
    if ((bits & F32_EXPONENT) == F32_EXPONENT) {
        if (mantissa == 0)
            snprintf(buf, size, "%sinf", sign);
        else if (mantissa == F32_QUIET)
            snprintf(buf, size, "%snan", sign);
        else
            snprintf(buf, size, "%snan:0x%" PRIx32, sign, mantissa);
        return;
    }
    float value;
    memcpy(&value, &bits, sizeof value);
    for (int digits = 1; digits <= 9; digits++) {
        snprintf(buf, size, "%.*g", digits, (double)value);
        float back = strtof(buf, NULL);
        if (memcmp(&back, &value, sizeof value) == 0)
            return;
    }
}

static void f64_text(uint64_t bits, char *buf, size_t size)
{
    const char *sign = bits & F64_SIGN ? "-" : "";
    uint64_t mantissa = bits & F64_MANTISSA;
    if ((bits & F64_EXPONENT) == F64_EXPONENT) {
        if (mantissa == 0)
            snprintf(buf, size, "%sinf", sign);
        else if (mantissa == F64_QUIET)
            snprintf(buf, size, "%snan", sign);
        else
            snprintf(buf, size, "%snan:0x%" PRIx64, sign, mantissa);
        return;
    }
    double value;
    memcpy(&value, &bits, sizeof value);
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, value);
        double back = strtod(buf, NULL);
        if (memcmp(&back, &value, sizeof value) == 0)
            return;
    }
}

void wh_val_format(const wasm_val_t *value, char *buf, size_t size)
{
    if (!buf || !size)
        return;
    if (!value) {
        snprintf(buf, size, "(no value)");
        return;
    }
    uint32_t bits32;
    uint64_t bits64;
    switch (value->kind) {
    case WASM_I32: snprintf(buf, size, "%" PRId32, value->of.i32); return;
    case WASM_I64: snprintf(buf, size, "%" PRId64, value->of.i64); return;
    case WASM_F32:
        memcpy(&bits32, &value->of.f32, sizeof bits32);
        f32_text(bits32, buf, size);
        return;
    case WASM_F64:
        memcpy(&bits64, &value->of.f64, sizeof bits64);
        f64_text(bits64, buf, size);
        return;
    case WASM_EXTERNREF:
    case WASM_FUNCREF: snprintf(buf, size, "%s", value->of.ref ? "ref" : "null"); return;
    }
    snprintf(buf, size, "(value of kind %d)", (int)value->kind);
}

static void value_text(eng_valtype type, eng_slot value, char *buf, size_t size)
{
    switch (type) {
    case ENG_I32: snprintf(buf, size, "%" PRId32, value.i32); return;
    case ENG_I64: snprintf(buf, size, "%" PRId64, value.i64); return;
    case ENG_F32: f32_text(value.u32, buf, size); return;
    case ENG_F64: f64_text(value.u64, buf, size); return;
    case ENG_FUNCREF:
    case ENG_EXTERNREF: snprintf(buf, size, "%s", value.ref ? "ref" : "null"); return;
    case ENG_V128: break; /* not one slot: written by its caller */
    }
    snprintf(buf, size, "(%s value)", eng_valtype_name(type));
}

/* ---- the listing ---- */

static void print_limits(FILE *out, const eng_limits *limits, const char *unit)
{
    if (limits->has_max)
        fprintf(out, "min %" PRIu64 ", max %" PRIu64 " %s", limits->min, limits->max, unit);
    else
        fprintf(out, "min %" PRIu64 " %s, no max", limits->min, unit);
}

static void print_globaltype(FILE *out, const eng_globaltype *type)
{
    if (type->is_mutable)
        fprintf(out, "(mut %s)", eng_valtype_name(type->type));
    else
        fprintf(out, "%s", eng_valtype_name(type->type));
}

static void print_function_name(FILE *out, const eng_module *module, uint32_t func_index)
{
    const eng_name *name = eng_module_func_name(module, func_index);
    if (name && name->data) {
        fprintf(out, " ");
        name_write(out, name->data, name->length);
    }
}

static void print_constexpr(FILE *out, const eng_constexpr *expr)
{
    switch (expr->kind) {
    case ENG_CONST_VALUE: {
        if (expr->type == ENG_V128) { /* as the text format's i32x4 form */
            fprintf(out, "v128.const i32x4 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32,
                    (uint32_t)expr->bits, (uint32_t)(expr->bits >> 32), (uint32_t)expr->bits_high,
                    (uint32_t)(expr->bits_high >> 32));
            break;
        }
        eng_slot value = {.u64 = expr->bits};
        char text[64];
        value_text(expr->type, value, text, sizeof text);
        fprintf(out, "%s.const %s", eng_valtype_name(expr->type), text);
        break;
    }
    case ENG_CONST_GLOBAL_GET: fprintf(out, "global.get %" PRIu32, expr->index); break;
    case ENG_CONST_REF_FUNC: fprintf(out, "ref.func %" PRIu32, expr->index); break;
    case ENG_CONST_REF_NULL: fprintf(out, "ref.null %s", expr->type == ENG_EXTERNREF ? "extern" : "func"); break;
    }
}

static void print_import(FILE *out, const eng_module *module, const eng_import *import)
{
    fprintf(out, "  %s ", eng_externkind_name(import->kind));
    name_write(out, import->module.data, import->module.length);
    fprintf(out, " ");
    name_write(out, import->name.data, import->name.length);
    fprintf(out, ": ");
    switch (import->kind) {
    case ENG_EXTERN_FUNC:
        if (import->type_index < module->type_count)
            eng_functype_write(out, &module->types[import->type_index]);
        else
            fprintf(out, "type %" PRIu32, import->type_index);
        break;
    case ENG_EXTERN_TABLE:
        fprintf(out, "%s, ", eng_valtype_name(import->table.element_type));
        print_limits(out, &import->table.limits, "elements");
        break;
    case ENG_EXTERN_MEMORY: print_limits(out, &import->memory.limits, "pages"); break;
    case ENG_EXTERN_GLOBAL: print_globaltype(out, &import->global); break;
    }
    fprintf(out, "\n");
}

static void print_module(FILE *out, const eng_module *module)
{
    if (module->module_name.data) {
        fprintf(out, "name ");
        name_write(out, module->module_name.data, module->module_name.length);
        fprintf(out, "\n");
    }

    fprintf(out, "types: %" PRIu32 "\n", module->type_count);
    for (uint32_t i = 0; i < module->type_count; i++) {
        fprintf(out, "  %" PRIu32 ": ", i);
        eng_functype_write(out, &module->types[i]);
        fprintf(out, "\n");
    }

    fprintf(out, "imports: %" PRIu32 "\n", module->import_count);
    for (uint32_t i = 0; i < module->import_count; i++)
        print_import(out, module, &module->imports[i]);

    fprintf(out, "functions: %" PRIu32 " (%" PRIu32 " imported, %" PRIu32 " defined)\n", module->func_count,
            module->imported_func_count, module->func_def_count);
    for (uint32_t i = 0; i < module->func_def_count; i++) {
        uint32_t func_index = module->imported_func_count + i;
        const eng_func_def *def = &module->func_defs[i];
        fprintf(out, "  %" PRIu32 ":", func_index);
        print_function_name(out, module, func_index);
        fprintf(out, " type %" PRIu32 " ", def->type_index);
        if (def->type_index < module->type_count)
            eng_functype_write(out, &module->types[def->type_index]);
        fprintf(out, ", %" PRIu32 " locals, %" PRIu32 " bytes of code at offset 0x%" PRIx32 "\n", def->body_local_count,
                def->body_size, def->body_offset);
    }

    fprintf(out, "tables: %" PRIu32 "\n", module->table_count);
    for (uint32_t i = 0; i < module->table_count; i++) {
        fprintf(out, "  %" PRIu32 ": %s, ", i, eng_valtype_name(module->tables[i].element_type));
        print_limits(out, &module->tables[i].limits, "elements");
        fprintf(out, "%s\n", i < module->imported_table_count ? " (imported)" : "");
    }

    fprintf(out, "memories: %" PRIu32 "\n", module->memory_count);
    for (uint32_t i = 0; i < module->memory_count; i++) {
        fprintf(out, "  %" PRIu32 ": ", i);
        print_limits(out, &module->memories[i].limits, "pages");
        fprintf(out, "%s\n", i < module->imported_memory_count ? " (imported)" : "");
    }

    fprintf(out, "globals: %" PRIu32 "\n", module->global_count);
    for (uint32_t i = 0; i < module->global_count; i++) {
        fprintf(out, "  %" PRIu32 ": ", i);
        print_globaltype(out, &module->global_types[i]);
        if (i < module->imported_global_count) {
            fprintf(out, " (imported)");
        } else if (i - module->imported_global_count < module->global_def_count) {
            fprintf(out, " = ");
            print_constexpr(out, &module->global_defs[i - module->imported_global_count].init);
        }
        fprintf(out, "\n");
    }

    fprintf(out, "exports: %" PRIu32 "\n", module->export_count);
    for (uint32_t i = 0; i < module->export_count; i++) {
        const eng_export *export = &module->exports[i];
        fprintf(out, "  %s ", eng_externkind_name(export->kind));
        name_write(out, export->name.data, export->name.length);
        fprintf(out, " = %s %" PRIu32, eng_externkind_name(export->kind), export->index);
        /* Indices are checked by validation, which has not run yet. */
        if (export->kind == ENG_EXTERN_FUNC && export->index < module->func_count &&
            module->func_type_indices[export->index] < module->type_count) {
            fprintf(out, ": ");
            eng_functype_write(out, eng_module_func_type(module, export->index));
        }
        fprintf(out, "\n");
    }

    if (module->has_start)
        fprintf(out, "start: function %" PRIu32 "\n", module->start_func);

    fprintf(out, "element segments: %" PRIu32 "\n", module->elem_count);
    for (uint32_t i = 0; i < module->elem_count; i++) {
        const eng_elem_segment *segment = &module->elems[i];
        fprintf(out, "  %" PRIu32 ": %" PRIu32 " %s", i, segment->item_count, eng_valtype_name(segment->type));
        if (segment->mode == ENG_SEGMENT_ACTIVE) {
            fprintf(out, ", active, table %" PRIu32 " at ", segment->table_index);
            print_constexpr(out, &segment->offset);
        } else {
            fprintf(out, ", %s", segment->mode == ENG_SEGMENT_PASSIVE ? "passive" : "declarative");
        }
        fprintf(out, "\n");
    }

    fprintf(out, "data segments: %" PRIu32 "\n", module->data_segment_count);
    for (uint32_t i = 0; i < module->data_segment_count; i++) {
        const eng_data_segment *segment = &module->datas[i];
        fprintf(out, "  %" PRIu32 ": %" PRIu32 " bytes", i, segment->size);
        if (segment->mode == ENG_SEGMENT_ACTIVE) {
            fprintf(out, ", active, memory %" PRIu32 " at ", segment->memory_index);
            print_constexpr(out, &segment->offset);
        } else {
            fprintf(out, ", passive");
        }
        fprintf(out, "\n");
    }

    fprintf(out, "custom sections: %" PRIu32 "\n", module->custom_section_count);
    for (uint32_t i = 0; i < module->custom_section_count; i++) {
        const eng_custom_section *section = &module->custom_sections[i];
        fprintf(out, "  ");
        name_write(out, section->name.data, section->name.length);
        fprintf(out, ": %" PRIu32 " bytes at offset 0x%" PRIx32 "\n", section->size, section->offset);
    }
}

/* ---- the translated code ---- */

/* Each defined function's internal code, when the module validates (validation translates it). */
static void print_code(FILE *out, eng_module *module)
{
    eng_error *error = eng_module_validate(module); /* with the thread's default checks, as a plain load */
    if (error) {
        eng_error_free(error);
        return;
    }
    for (uint32_t i = 0; i < module->func_def_count; i++) {
        fprintf(out, "code of function %" PRIu32 ":\n", module->imported_func_count + i);
        eng_code_dump(module->func_defs[i].code, out);
    }
}

bool wh_module_describe(const wasm_byte_vec_t *binary, int what, wasm_byte_vec_t *out)
{
    if (!out)
        return false;
    wasm_byte_vec_new_empty(out);
    if (!binary || (binary->size && !binary->data)) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_module_describe: the binary is NULL");
        return false;
    }
    static const uint8_t nothing[1];
    eng_module *module;
    eng_error *error = eng_module_decode(binary->size ? (const uint8_t *)binary->data : nothing, binary->size, &module);
    if (error) {
        api_fail_error(WH_ERROR_MALFORMED, "wh_module_describe", error);
        return false;
    }
    api_text text;
    if (!api_text_open(&text, "wh_module_describe")) {
        eng_module_release(module);
        return false;
    }
    if (what & WH_DESCRIBE_MODULE)
        print_module(text.stream, module);
    if (what & WH_DESCRIBE_CODE)
        print_code(text.stream, module);
    eng_module_release(module);
    return api_text_close(&text, out, "wh_module_describe");
}

/* ---- text in memory ---- */

bool api_text_open(api_text *text, const char *where)
{
    text->data = NULL;
    text->size = 0;
    text->stream = open_memstream(&text->data, &text->size);
    if (!text->stream)
        api_fail(WH_ERROR_RESOURCE, "%s: out of memory", where);
    return text->stream != NULL;
}

bool api_text_close(api_text *text, wasm_byte_vec_t *out, const char *where)
{
    bool failed = ferror(text->stream) != 0;
    failed |= fclose(text->stream) != 0;
    if (!failed)
        wasm_byte_vec_new(out, text->size, text->data);
    free(text->data);
    if (failed || out->size != text->size) {
        wasm_byte_vec_delete(out);
        wasm_byte_vec_new_empty(out);
        api_fail(WH_ERROR_RESOURCE, "%s: out of memory", where);
        return false;
    }
    return true;
}
