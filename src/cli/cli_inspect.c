/* cli_inspect.c: `wasmhost inspect FILE`: prints what a module imports, exports and defines. */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char inspect_usage[] =
    "usage: wasmhost inspect [--code] FILE\n"
    "\n"
    "Prints the WebAssembly module FILE's types, imports, functions, tables, memories, globals,\n"
    "exports, start function, segments and custom sections (names and sizes), then whether it\n"
    "validates. Exit status: 0 valid, 1 unreadable or invalid (the listing is still printed when\n"
    "the binary decodes), 2 usage error.\n"
    "\n"
    "  --code   also print each function's translated internal code (for engine developers)\n";

static void print_limits(const wh_limits *limits, const char *unit)
{
    if (limits->has_max)
        printf("min %" PRIu64 ", max %" PRIu64 " %s", limits->min, limits->max, unit);
    else
        printf("min %" PRIu64 " %s, no max", limits->min, unit);
}

static void print_globaltype(const wh_globaltype *type)
{
    if (type->is_mutable)
        printf("(mut %s)", valtype_name(type->type));
    else
        printf("%s", valtype_name(type->type));
}

static void print_functype(const wh_functype *type)
{
    char text[512];
    functype_format(type, text, sizeof text);
    fputs(text, stdout);
}

static void print_function_name(const wh_module *module, uint32_t func_index)
{
    const wh_name *name = module_func_name(module, func_index);
    if (name && name->data) {
        printf(" ");
        name_print(stdout, name->data, name->length);
    }
}

static void print_constexpr(const wh_constexpr *expr)
{
    switch (expr->kind) {
    case WH_CONST_VALUE: {
        wh_slot value = {.u64 = expr->bits};
        char text[64];
        value_format(expr->type, value, text, sizeof text);
        printf("%s.const %s", valtype_name(expr->type), text);
        break;
    }
    case WH_CONST_GLOBAL_GET:
        printf("global.get %" PRIu32, expr->index);
        break;
    case WH_CONST_REF_FUNC:
        printf("ref.func %" PRIu32, expr->index);
        break;
    case WH_CONST_REF_NULL:
        printf("ref.null %s", expr->type == WH_EXTERNREF ? "extern" : "func");
        break;
    }
}

static void print_import(const wh_module *module, const wh_import *import)
{
    printf("  %s ", externkind_name(import->kind));
    name_print(stdout, import->module.data, import->module.length);
    printf(" ");
    name_print(stdout, import->name.data, import->name.length);
    printf(": ");
    switch (import->kind) {
    case WH_EXTERN_FUNC:
        if (import->type_index < module->type_count)
            print_functype(&module->types[import->type_index]);
        else
            printf("type %" PRIu32, import->type_index);
        break;
    case WH_EXTERN_TABLE:
        printf("%s, ", valtype_name(import->table.element_type));
        print_limits(&import->table.limits, "elements");
        break;
    case WH_EXTERN_MEMORY:
        print_limits(&import->memory.limits, "pages");
        break;
    case WH_EXTERN_GLOBAL:
        print_globaltype(&import->global);
        break;
    }
    printf("\n");
}

static void print_module(const char *path, const wh_module *module)
{
    printf("module %s (%zu bytes)\n", path, module->size);
    if (module->module_name.data) {
        printf("name ");
        name_print(stdout, module->module_name.data, module->module_name.length);
        printf("\n");
    }

    printf("types: %" PRIu32 "\n", module->type_count);
    for (uint32_t i = 0; i < module->type_count; i++) {
        printf("  %" PRIu32 ": ", i);
        print_functype(&module->types[i]);
        printf("\n");
    }

    printf("imports: %" PRIu32 "\n", module->import_count);
    for (uint32_t i = 0; i < module->import_count; i++)
        print_import(module, &module->imports[i]);

    printf("functions: %" PRIu32 " (%" PRIu32 " imported, %" PRIu32 " defined)\n", module->func_count,
           module->imported_func_count, module->func_def_count);
    for (uint32_t i = 0; i < module->func_def_count; i++) {
        uint32_t func_index = module->imported_func_count + i;
        const wh_func_def *def = &module->func_defs[i];
        printf("  %" PRIu32 ":", func_index);
        print_function_name(module, func_index);
        printf(" type %" PRIu32 " ", def->type_index);
        if (def->type_index < module->type_count)
            print_functype(&module->types[def->type_index]);
        printf(", %" PRIu32 " locals, %" PRIu32 " bytes of code at offset 0x%" PRIx32 "\n", def->local_count,
               def->body_size, def->body_offset);
    }

    printf("tables: %" PRIu32 "\n", module->table_count);
    for (uint32_t i = 0; i < module->table_count; i++) {
        printf("  %" PRIu32 ": %s, ", i, valtype_name(module->tables[i].element_type));
        print_limits(&module->tables[i].limits, "elements");
        printf("%s\n", i < module->imported_table_count ? " (imported)" : "");
    }

    printf("memories: %" PRIu32 "\n", module->memory_count);
    for (uint32_t i = 0; i < module->memory_count; i++) {
        printf("  %" PRIu32 ": ", i);
        print_limits(&module->memories[i].limits, "pages");
        printf("%s\n", i < module->imported_memory_count ? " (imported)" : "");
    }

    printf("globals: %" PRIu32 "\n", module->global_count);
    for (uint32_t i = 0; i < module->global_count; i++) {
        printf("  %" PRIu32 ": ", i);
        print_globaltype(&module->global_types[i]);
        if (i < module->imported_global_count) {
            printf(" (imported)");
        } else if (i - module->imported_global_count < module->global_def_count) {
            printf(" = ");
            print_constexpr(&module->global_defs[i - module->imported_global_count].init);
        }
        printf("\n");
    }

    printf("exports: %" PRIu32 "\n", module->export_count);
    for (uint32_t i = 0; i < module->export_count; i++) {
        const wh_export *export = &module->exports[i];
        printf("  %s ", externkind_name(export->kind));
        name_print(stdout, export->name.data, export->name.length);
        printf(" = %s %" PRIu32, externkind_name(export->kind), export->index);
        /* Indices are checked by validation, which has not run yet. */
        if (export->kind == WH_EXTERN_FUNC && export->index < module->func_count &&
            module->func_type_indices[export->index] < module->type_count) {
            printf(": ");
            print_functype(module_func_type(module, export->index));
        }
        printf("\n");
    }

    if (module->has_start)
        printf("start: function %" PRIu32 "\n", module->start_func);

    printf("element segments: %" PRIu32 "\n", module->elem_count);
    for (uint32_t i = 0; i < module->elem_count; i++) {
        const wh_elem_segment *segment = &module->elems[i];
        printf("  %" PRIu32 ": %" PRIu32 " %s", i, segment->item_count, valtype_name(segment->type));
        if (segment->mode == WH_SEGMENT_ACTIVE) {
            printf(", active, table %" PRIu32 " at ", segment->table_index);
            print_constexpr(&segment->offset);
        } else {
            printf(", %s", segment->mode == WH_SEGMENT_PASSIVE ? "passive" : "declarative");
        }
        printf("\n");
    }

    printf("data segments: %" PRIu32 "\n", module->data_segment_count);
    for (uint32_t i = 0; i < module->data_segment_count; i++) {
        const wh_data_segment *segment = &module->datas[i];
        printf("  %" PRIu32 ": %" PRIu32 " bytes", i, segment->size);
        if (segment->mode == WH_SEGMENT_ACTIVE) {
            printf(", active, memory %" PRIu32 " at ", segment->memory_index);
            print_constexpr(&segment->offset);
        } else {
            printf(", passive");
        }
        printf("\n");
    }

    printf("custom sections: %" PRIu32 "\n", module->custom_section_count);
    for (uint32_t i = 0; i < module->custom_section_count; i++) {
        const wh_custom_section *section = &module->custom_sections[i];
        printf("  ");
        name_print(stdout, section->name.data, section->name.length);
        printf(": %" PRIu32 " bytes at offset 0x%" PRIx32 "\n", section->size, section->offset);
    }
}

int cli_inspect(int argc, char **argv)
{
    const char *path = NULL;
    bool options_done = false, show_code = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!options_done && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
            fputs(inspect_usage, stdout);
            return CLI_OK;
        }
        if (!options_done && strcmp(arg, "--code") == 0) {
            show_code = true;
        } else if (!options_done && strcmp(arg, "--") == 0) {
            options_done = true;
        } else if (!options_done && arg[0] == '-' && arg[1] != '\0') {
            fprintf(stderr, "wasmhost inspect: unknown option '%s'\n\n%s", arg, inspect_usage);
            return CLI_USAGE;
        } else if (path) {
            fprintf(stderr, "wasmhost inspect: expected one FILE, got '%s' and '%s'\n\n%s", path, arg,
                    inspect_usage);
            return CLI_USAGE;
        } else {
            path = arg;
        }
    }
    if (!path) {
        fprintf(stderr, "wasmhost inspect: missing FILE\n\n%s", inspect_usage);
        return CLI_USAGE;
    }

    uint8_t *bytes;
    size_t size;
    wh_error *error = cli_read_file(path, &bytes, &size);
    if (error) {
        fprintf(stderr, "wasmhost: %s\n", error->message);
        wh_error_free(error);
        return CLI_FAILED;
    }
    /* Decode only first, so that a module that decodes but does not validate can still be listed. */
    wh_module *module;
    error = module_decode(bytes, size, &module);
    free(bytes);
    if (error) {
        fprintf(stderr, "wasmhost: %s: %s\n", path, error->message);
        wh_error_free(error);
        return CLI_FAILED;
    }
    print_module(path, module);
    fflush(stdout);
    error = module_validate(module);
    if (!error && show_code) {
        for (uint32_t i = 0; i < module->func_def_count; i++) {
            printf("code of function %" PRIu32 ":\n", module->imported_func_count + i);
            code_dump(module->func_defs[i].code, stdout);
        }
    }
    module_release(module);
    if (error) {
        printf("valid: no\n");
        fflush(stdout);
        fprintf(stderr, "wasmhost: %s: %s\n", path, error->message);
        wh_error_free(error);
        return CLI_FAILED;
    }
    printf("valid: yes\n");
    return CLI_OK;
}
