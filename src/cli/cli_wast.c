/* cli_wast.c: `wasmhost wast FILE.json...`: runs spec test scripts converted by wast2json against the engine. */
#include "cli_engine.h"

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
    "  --strict    also require trap, load and link error messages to contain the script's text\n"
    "  --all       list every failing command (by default the first 20 per script)\n"
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

/* A wasm or JSON name, escaped, for messages. */
static void sb_name(strbuf *sb, const char *data, size_t length)
{
    sb_printf(sb, "\"");
    for (size_t i = 0; i < length && i < 80; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
            sb_printf(sb, "\\%02x", c);
        else
            sb_printf(sb, "%c", c);
    }
    sb_printf(sb, length > 80 ? "...\"" : "\"");
}

/* ---- values in the script's JSON ---- */

/* Host reference N is the pointer N + 1, so that reference 0 is not null. */
static void *extern_ref(uint64_t number) { return (void *)(uintptr_t)(number + 1); }

static void sb_value(strbuf *sb, wh_valtype type, wh_slot value)
{
    char text[64];
    if (type == WH_EXTERNREF && value.ref) {
        sb_printf(sb, "externref:%" PRIuPTR, (uintptr_t)value.ref - 1);
        return;
    }
    engine_value_format(type, value, text, sizeof text);
    sb_printf(sb, "%s:%s", valtype_name(type), text);
}

static bool valtype_from_json(const char *name, wh_valtype *out)
{
    static const struct {
        const char *name;
        wh_valtype type;
    } table[] = {{"i32", WH_I32},         {"i64", WH_I64},      {"f32", WH_F32},
                 {"f64", WH_F64},         {"v128", WH_V128},    {"funcref", WH_FUNCREF},
                 {"externref", WH_EXTERNREF}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(name, table[i].name) == 0) {
            *out = table[i].type;
            return true;
        }
    }
    return false;
}

/* What an expected value accepts. */
typedef enum expect_kind {
    EXPECT_EXACT,      /* the same bits (ints, floats, null or host references) */
    EXPECT_CANONICAL,  /* nan:canonical */
    EXPECT_ARITHMETIC, /* nan:arithmetic */
    EXPECT_ANY_REF,    /* a non-null reference (funcref without a value) */
} expect_kind;

typedef struct json_value {
    wh_valtype type;
    expect_kind expect;
    wh_slot value;
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

/* Parses {"type": ..., "value": ...}; `why` says what is wrong when it returns false. */
static bool parse_json_value(json_t *object, bool expected, json_value *out, strbuf *why)
{
    const char *type_name = json_string_value(json_object_get(object, "type"));
    if (!type_name || !valtype_from_json(type_name, &out->type)) {
        sb_printf(why, "unknown value type %s", type_name ? type_name : "(missing)");
        return false;
    }
    if (out->type == WH_V128) {
        sb_printf(why, "v128 values are not supported (SIMD is out of scope)");
        return false;
    }
    out->expect = EXPECT_EXACT;
    out->value.u64 = 0;
    const char *text = json_string_value(json_object_get(object, "value"));
    if (!text) {
        if (expected && valtype_is_ref(out->type)) {
            out->expect = EXPECT_ANY_REF;
            return true;
        }
        sb_printf(why, "%s value without a \"value\" string", type_name);
        return false;
    }
    if (expected && (strcmp(text, "nan:canonical") == 0 || strcmp(text, "nan:arithmetic") == 0) &&
        (out->type == WH_F32 || out->type == WH_F64)) {
        out->expect = text[4] == 'c' ? EXPECT_CANONICAL : EXPECT_ARITHMETIC;
        return true;
    }
    uint64_t number;
    switch (out->type) {
    case WH_I32:
    case WH_F32:
        if (!parse_unsigned(text, UINT32_MAX, &number))
            break;
        out->value.u32 = (uint32_t)number;
        return true;
    case WH_I64:
    case WH_F64:
        if (!parse_unsigned(text, UINT64_MAX, &number))
            break;
        out->value.u64 = number;
        return true;
    case WH_FUNCREF:
    case WH_EXTERNREF:
        if (strcmp(text, "null") == 0) {
            out->value.ref = NULL;
            return true;
        }
        if (out->type == WH_EXTERNREF && parse_unsigned(text, UINTPTR_MAX - 1, &number)) {
            out->value.ref = extern_ref(number);
            return true;
        }
        break;
    case WH_V128:
        break;
    }
    sb_printf(why, "bad %s value \"%s\"", type_name, text);
    return false;
}

static void sb_expected(strbuf *sb, const json_value *expected)
{
    switch (expected->expect) {
    case EXPECT_EXACT: sb_value(sb, expected->type, expected->value); break;
    case EXPECT_CANONICAL: sb_printf(sb, "%s:nan:canonical", valtype_name(expected->type)); break;
    case EXPECT_ARITHMETIC: sb_printf(sb, "%s:nan:arithmetic", valtype_name(expected->type)); break;
    case EXPECT_ANY_REF: sb_printf(sb, "%s:(any non-null)", valtype_name(expected->type)); break;
    }
}

static bool value_matches(const json_value *expected, wh_valtype type, wh_slot got)
{
    if (expected->type != type)
        return false;
    switch (type) {
    case WH_I32:
        return got.u32 == expected->value.u32;
    case WH_I64:
        return got.u64 == expected->value.u64;
    case WH_F32: {
        uint32_t magnitude = got.u32 & 0x7fffffffu;
        if (expected->expect == EXPECT_CANONICAL)
            return magnitude == 0x7fc00000u;
        if (expected->expect == EXPECT_ARITHMETIC)
            return (magnitude & 0x7fc00000u) == 0x7fc00000u;
        return got.u32 == expected->value.u32;
    }
    case WH_F64: {
        uint64_t magnitude = got.u64 & 0x7fffffffffffffffull;
        if (expected->expect == EXPECT_CANONICAL)
            return magnitude == 0x7ff8000000000000ull;
        if (expected->expect == EXPECT_ARITHMETIC)
            return (magnitude & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
        return got.u64 == expected->value.u64;
    }
    case WH_FUNCREF:
    case WH_EXTERNREF:
        if (expected->expect == EXPECT_ANY_REF)
            return got.ref != NULL;
        return got.ref == expected->value.ref;
    case WH_V128:
        break;
    }
    return false;
}

/* ---- the spectest host module ---- */

static wh_trap *spectest_print(void *env, wh_slot *args_results)
{
    (void)env;
    (void)args_results;
    return NULL; /* printing would only clutter the report */
}

typedef struct host_export {
    const char *name;
    wh_extern value;
} host_export;

#define SPECTEST_EXPORTS 13 /* 7 print functions, 4 globals, table, memory */

/* Creates spectest's functions, globals, table and memory in `store`. */
static wh_error *spectest_create(wh_store *store, host_export exports[SPECTEST_EXPORTS])
{
    static const struct {
        const char *name;
        uint32_t param_count;
        wh_valtype params[2];
    } prints[] = {
        {"print", 0, {WH_I32, WH_I32}},       {"print_i32", 1, {WH_I32, WH_I32}},
        {"print_i64", 1, {WH_I64, WH_I64}},   {"print_f32", 1, {WH_F32, WH_F32}},
        {"print_f64", 1, {WH_F64, WH_F64}},   {"print_i32_f32", 2, {WH_I32, WH_F32}},
        {"print_f64_f64", 2, {WH_F64, WH_F64}},
    };
    size_t count = 0;
    for (size_t i = 0; i < sizeof prints / sizeof prints[0]; i++) {
        wh_valtype params[2] = {prints[i].params[0], prints[i].params[1]};
        wh_functype type = {.param_count = prints[i].param_count, .result_count = 0, .types = params};
        functype_compute_hash(&type);
        wh_func *func = func_new_host(store, &type, spectest_print, NULL);
        if (!func)
            return wh_error_new("spectest: out of memory");
        exports[count].name = prints[i].name;
        exports[count].value.kind = WH_EXTERN_FUNC;
        exports[count].value.func = func;
        count++;
    }

    static const struct {
        const char *name;
        wh_valtype type;
    } globals[] = {{"global_i32", WH_I32}, {"global_i64", WH_I64}, {"global_f32", WH_F32}, {"global_f64", WH_F64}};
    for (size_t i = 0; i < sizeof globals / sizeof globals[0]; i++) {
        wh_globaltype type = {.type = globals[i].type, .is_mutable = false};
        wh_slot value = {.u64 = 0};
        switch (globals[i].type) {
        case WH_I32: value.i32 = 666; break;
        case WH_I64: value.i64 = 666; break;
        case WH_F32: value.f32 = 666.6f; break;
        default: value.f64 = 666.6; break;
        }
        wh_global *global = global_new(store, &type, value);
        if (!global)
            return wh_error_new("spectest: out of memory");
        exports[count].name = globals[i].name;
        exports[count].value.kind = WH_EXTERN_GLOBAL;
        exports[count].value.global = global;
        count++;
    }

    wh_error *error = NULL;
    wh_tabletype table_type = {.element_type = WH_FUNCREF, .limits = {.min = 10, .max = 20, .has_max = true}};
    wh_table *table = table_new(store, &table_type, NULL, &error);
    if (!table)
        return error ? error : wh_error_new("spectest: cannot create the table");
    exports[count].name = "table";
    exports[count].value.kind = WH_EXTERN_TABLE;
    exports[count].value.table = table;
    count++;

    wh_memtype memory_type = {.limits = {.min = 1, .max = 2, .has_max = true}};
    wh_memory *memory = memory_new(store, &memory_type, &error);
    if (!memory)
        return error ? error : wh_error_new("spectest: cannot create the memory");
    exports[count].name = "memory";
    exports[count].value.kind = WH_EXTERN_MEMORY;
    exports[count].value.memory = memory;
    count++;
    return NULL;
}

/* ---- one script ---- */

typedef struct named_instance {
    char *name;
    size_t name_length;
    wh_instance *instance; /* NULL when the module by that name failed */
} named_instance;

typedef struct failure_list {
    char **lines;
    size_t count, capacity;
} failure_list;

typedef struct options {
    bool strict;
    bool list_all;
} wast_options;

typedef struct script {
    const char *path;
    char *folder; /* with a trailing '/', or "" */
    const wast_options *options;
    wh_store *store;
    host_export spectest[SPECTEST_EXPORTS];

    wh_instance *current; /* most recent module; NULL when it failed */
    bool have_current;
    int current_line; /* line of the most recent module command */

    named_instance *named; /* by $name */
    size_t named_count;
    named_instance *registered; /* by `register` name */
    size_t registered_count;

    uint64_t passed, failed, skipped;
    failure_list failures;
} script;

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

static bool add_name(named_instance **list, size_t *count, const char *name, size_t length, wh_instance *instance)
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
    grown[*count] = (named_instance){copy, length, instance};
    (*count)++;
    return true;
}

/* The latest entry by that name wins (a later module may reuse a name). */
static named_instance *find_name(named_instance *list, size_t count, const char *name, size_t length)
{
    for (size_t i = count; i > 0; i--) {
        if (list[i - 1].name_length == length && memcmp(list[i - 1].name, name, length) == 0)
            return &list[i - 1];
    }
    return NULL;
}

static bool json_name(json_t *value, const char **data, size_t *length)
{
    if (!json_is_string(value))
        return false;
    *data = json_string_value(value);
    *length = json_string_length(value);
    return true;
}

/* Reads and loads the module file `filename` from the script's folder. */
static wh_error *load_module(script *s, const char *filename, wh_module **out)
{
    *out = NULL;
    strbuf path = {0};
    sb_printf(&path, "%s%s", s->folder, filename);
    if (!path.data)
        return wh_error_new("out of memory");
    uint8_t *bytes;
    size_t size;
    char why[512];
    bool read = cli_read_file(path.data, &bytes, &size, why, sizeof why);
    free(path.data);
    if (!read)
        return wh_error_new("%s", why);
    wh_error *error = module_load(bytes, size, out);
    free(bytes);
    return error;
}

/* Finds every import among registered instances and spectest. Unknown ones are a link error. */
static wh_error *resolve_imports(script *s, const wh_module *module, wh_extern **out)
{
    *out = NULL;
    if (module->import_count == 0)
        return NULL;
    wh_extern *imports = calloc(module->import_count, sizeof *imports);
    if (!imports)
        return wh_error_new("out of memory");
    for (uint32_t i = 0; i < module->import_count; i++) {
        const wh_import *import = &module->imports[i];
        bool found = false;
        named_instance *registered =
            find_name(s->registered, s->registered_count, import->module.data, import->module.length);
        if (registered) {
            found = registered->instance &&
                    instance_export(registered->instance, import->name.data, import->name.length, &imports[i]);
        } else if (import->module.length == 8 && memcmp(import->module.data, "spectest", 8) == 0) {
            for (size_t j = 0; j < SPECTEST_EXPORTS; j++) {
                if (strlen(s->spectest[j].name) == import->name.length &&
                    memcmp(s->spectest[j].name, import->name.data, import->name.length) == 0) {
                    imports[i] = s->spectest[j].value;
                    found = true;
                }
            }
        }
        if (!found) {
            strbuf which = {0};
            sb_name(&which, import->module.data, import->module.length);
            sb_printf(&which, ".");
            sb_name(&which, import->name.data, import->name.length);
            wh_error *error = wh_error_new("unknown import %s (%s)", sb_text(&which), externkind_name(import->kind));
            free(which.data);
            free(imports);
            return error;
        }
    }
    *out = imports;
    return NULL;
}

typedef enum instantiate_result {
    INSTANTIATED,
    LOAD_FAILED,
    LINK_FAILED,
    INSTANTIATION_TRAPPED,
} instantiate_result;

/* Loads, links and instantiates; `message` gets the error or trap text on failure. */
static instantiate_result instantiate(script *s, const char *filename, wh_instance **out, strbuf *message)
{
    *out = NULL;
    wh_module *module;
    wh_error *error = load_module(s, filename, &module);
    if (error) {
        sb_printf(message, "%s", error->message);
        wh_error_free(error);
        return LOAD_FAILED;
    }
    wh_extern *imports;
    error = resolve_imports(s, module, &imports);
    if (error) {
        sb_printf(message, "%s", error->message);
        wh_error_free(error);
        module_release(module);
        return LINK_FAILED;
    }
    wh_trap *trap;
    error = instance_new(s->store, module, imports, module->import_count, out, &trap);
    free(imports);
    module_release(module); /* a created instance holds its own reference */
    if (error) {
        sb_printf(message, "%s", error->message);
        wh_error_free(error);
        return LINK_FAILED;
    }
    if (trap) {
        sb_printf(message, "%s", trap->message);
        trap_free(trap);
        return INSTANTIATION_TRAPPED;
    }
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
    wh_trap *trap; /* ACTION_TRAPPED */
    uint32_t count;
    const wh_valtype *types; /* count entries: the function's result types or the global's type */
    wh_slot *values;         /* owned */
} action_result;

/* Describes the action ("invoke \"f\"(i32:1)") for messages. */
static void sb_action(strbuf *sb, json_t *action)
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
            if (parse_json_value(json_array_get(args, i), false, &value, &ignored))
                sb_value(sb, value.type, value.value);
            else
                sb_printf(sb, "?");
            free(ignored.data);
            sb_printf(sb, "%s", i + 1 < json_array_size(args) ? ", " : "");
        }
        sb_printf(sb, ")");
    }
}

static wh_instance *action_instance(script *s, json_t *action, strbuf *why)
{
    const char *name;
    size_t length;
    if (json_name(json_object_get(action, "module"), &name, &length)) {
        named_instance *named = find_name(s->named, s->named_count, name, length);
        if (!named) {
            sb_printf(why, "no module named %.*s", (int)length, name);
            return NULL;
        }
        if (!named->instance)
            sb_printf(why, "module %.*s is not available (its module command failed)", (int)length, name);
        return named->instance;
    }
    if (!s->have_current)
        sb_printf(why, "no module has been defined yet");
    else if (!s->current)
        sb_printf(why, "the current module is not available (the module command of line %d failed)",
                  s->current_line);
    return s->current;
}

/* Runs an invoke or get action. On ACTION_ERROR `why` says why it could not run. */
static action_result run_action(script *s, json_t *action, strbuf *why)
{
    action_result result = {.status = ACTION_ERROR};
    wh_instance *instance = action_instance(s, action, why);
    if (!instance)
        return result;
    const char *type = json_string_value(json_object_get(action, "type"));
    const char *field;
    size_t field_length;
    if (!type || !json_name(json_object_get(action, "field"), &field, &field_length)) {
        sb_printf(why, "malformed action");
        return result;
    }
    wh_extern export;
    if (!instance_export(instance, field, field_length, &export)) {
        sb_printf(why, "no export ");
        sb_name(why, field, field_length);
        return result;
    }

    if (strcmp(type, "get") == 0) {
        if (export.kind != WH_EXTERN_GLOBAL) {
            sb_printf(why, "export is a %s, not a global", externkind_name(export.kind));
            return result;
        }
        result.values = malloc(sizeof *result.values);
        if (!result.values) {
            sb_printf(why, "out of memory");
            return result;
        }
        result.values[0] = export.global->value;
        result.types = &export.global->type.type; /* lives in the store */
        result.count = 1;
        result.status = ACTION_RETURNED;
        return result;
    }
    if (strcmp(type, "invoke") != 0) {
        sb_printf(why, "unknown action type %s", type);
        return result;
    }
    if (export.kind != WH_EXTERN_FUNC) {
        sb_printf(why, "export is a %s, not a function", externkind_name(export.kind));
        return result;
    }
    wh_func *func = export.func;
    const wh_functype *functype = func->type;
    json_t *args = json_object_get(action, "args");
    if (json_array_size(args) != functype->param_count) {
        sb_printf(why, "the function takes %u arguments, the script gives %zu", functype->param_count,
                  json_array_size(args));
        return result;
    }
    wh_slot *slots = calloc(functype_slot_count(functype) + 1, sizeof *slots);
    if (!slots) {
        sb_printf(why, "out of memory");
        return result;
    }
    for (uint32_t i = 0; i < functype->param_count; i++) {
        json_value value;
        if (!parse_json_value(json_array_get(args, i), false, &value, why)) {
            free(slots);
            return result;
        }
        if (value.type != functype_params(functype)[i]) {
            sb_printf(why, "argument %u is %s but the parameter is %s", i + 1, valtype_name(value.type),
                      valtype_name(functype_params(functype)[i]));
            free(slots);
            return result;
        }
        slots[i] = value.value;
    }
    wh_trap *trap = func_call(s->store, func, slots);
    if (trap) {
        free(slots);
        result.status = ACTION_TRAPPED;
        result.trap = trap;
        return result;
    }
    result.status = ACTION_RETURNED;
    result.values = slots;
    result.count = functype->result_count;
    result.types = functype_results(functype);
    return result;
}

static void action_result_free(action_result *result)
{
    free(result->values);
    trap_free(result->trap);
}

static void sb_results(strbuf *sb, const action_result *result)
{
    sb_printf(sb, "(");
    for (uint32_t i = 0; i < result->count; i++) {
        sb_value(sb, result->types[i], result->values[i]);
        sb_printf(sb, "%s", i + 1 < result->count ? ", " : "");
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
    wh_instance *instance = NULL;
    instantiate_result result =
        filename ? instantiate(s, filename, &instance, &message) : (sb_printf(&message, "no filename"), LOAD_FAILED);
    s->current = instance;
    s->have_current = true;
    s->current_line = line;
    const char *name;
    size_t length;
    if (json_name(json_object_get(command, "name"), &name, &length))
        add_name(&s->named, &s->named_count, name, length, instance);
    if (result != INSTANTIATED) {
        strbuf detail = {0};
        sb_printf(&detail, "%s %s: %s", filename ? filename : "?", instantiate_result_text(result),
                  sb_text(&message));
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
    wh_instance *instance = NULL;
    if (!json_name(json_object_get(command, "as"), &as, &as_length)) {
        sb_printf(&why, "no \"as\" name");
    } else if (json_name(json_object_get(command, "name"), &name, &name_length)) {
        named_instance *named = find_name(s->named, s->named_count, name, name_length);
        instance = named ? named->instance : NULL;
        if (!instance)
            sb_printf(&why, "module %.*s %s", (int)name_length, name,
                      named ? "is not available (its module command failed)" : "is unknown");
    } else {
        instance = s->current;
        if (!instance)
            sb_printf(&why, s->have_current ? "the current module is not available (its module command failed)"
                                            : "there is no current module");
    }
    if (instance)
        add_name(&s->registered, &s->registered_count, as, as_length, instance);
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
    sb_action(&detail, action);

    if (result.status == ACTION_ERROR) {
        sb_printf(&detail, ": cannot run: %s", sb_text(&why));
    } else if (strcmp(type, "action") == 0) {
        passed = result.status == ACTION_RETURNED;
        if (!passed)
            sb_printf(&detail, ": trapped: %s", result.trap->message);
    } else if (strcmp(type, "assert_return") == 0) {
        json_t *expected = json_object_get(command, "expected");
        if (result.status == ACTION_TRAPPED) {
            sb_printf(&detail, ": expected a result, got trap: %s", result.trap->message);
        } else {
            passed = json_array_size(expected) == result.count;
            strbuf expected_text = {0};
            sb_printf(&expected_text, "(");
            for (size_t i = 0; i < json_array_size(expected); i++) {
                json_value value;
                if (!parse_json_value(json_array_get(expected, i), true, &value, &expected_text)) {
                    passed = false;
                } else {
                    sb_expected(&expected_text, &value);
                    if (passed && !value_matches(&value, result.types[i], result.values[i]))
                        passed = false;
                }
                sb_printf(&expected_text, "%s", i + 1 < json_array_size(expected) ? ", " : "");
            }
            sb_printf(&expected_text, ")");
            if (!passed) {
                sb_printf(&detail, ": expected %s, got ", sb_text(&expected_text));
                sb_results(&detail, &result);
            }
            free(expected_text.data);
        }
    } else {
        const char *text = json_string_value(json_object_get(command, "text"));
        bool exhaustion = strcmp(type, "assert_exhaustion") == 0;
        if (result.status == ACTION_RETURNED) {
            sb_printf(&detail, ": expected trap \"%s\", got ", text ? text : "");
            sb_results(&detail, &result);
        } else if (exhaustion && result.trap->kind != WH_TRAP_CALL_STACK_EXHAUSTED) {
            sb_printf(&detail, ": expected trap \"call stack exhausted\", got trap: %s", result.trap->message);
        } else if (s->options->strict && !message_matches(result.trap->message, text)) {
            sb_printf(&detail, ": expected trap \"%s\", got trap: %s", text ? text : "", result.trap->message);
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
    action_result_free(&result);
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
        wh_module *module;
        wh_error *error = load_module(s, filename, &module);
        if (!error) {
            sb_printf(&detail, "expected \"%s\", but the module loaded", text);
            module_release(module);
        } else if (s->options->strict && !message_matches(error->message, text)) {
            sb_printf(&detail, "expected \"%s\", got: %s", text, error->message);
        } else {
            passed = true;
        }
        wh_error_free(error);
    } else {
        bool unlinkable = strcmp(type, "assert_unlinkable") == 0;
        instantiate_result wanted = unlinkable ? LINK_FAILED : INSTANTIATION_TRAPPED;
        strbuf message = {0};
        wh_instance *instance;
        instantiate_result result = instantiate(s, filename, &instance, &message);
        if (result != wanted) {
            sb_printf(&detail, "expected %s \"%s\", got %s", instantiate_result_text(wanted), text,
                      instantiate_result_text(result));
            if (message.length)
                sb_printf(&detail, ": %s", sb_text(&message));
        } else if (s->options->strict && !message_matches(sb_text(&message), text)) {
            sb_printf(&detail, "expected %s \"%s\", got: %s", instantiate_result_text(wanted), text,
                      sb_text(&message));
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
    } else if (strcmp(type, "action") == 0 || strcmp(type, "assert_return") == 0 ||
               strcmp(type, "assert_trap") == 0 || strcmp(type, "assert_exhaustion") == 0) {
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

static void run_script(const char *path, const wast_options *options, wast_totals *totals)
{
    script s = {.path = path, .options = options};
    char name[256];
    script_name(path, name, sizeof name);
    strbuf setup_error = {0};

    const char *slash = strrchr(path, '/');
    s.folder = slash ? strndup(path, (size_t)(slash - path + 1)) : strdup("");
    json_error_t json_error;
    json_t *root = json_load_file(path, JSON_ALLOW_NUL, &json_error);
    json_t *commands = root ? json_object_get(root, "commands") : NULL;
    if (!s.folder) {
        sb_printf(&setup_error, "out of memory");
    } else if (!root) {
        sb_printf(&setup_error, "%s:%d: %s", path, json_error.line, json_error.text);
    } else if (!json_is_array(commands)) {
        sb_printf(&setup_error, "%s: no \"commands\" array (not a wast2json file?)", path);
    } else if (!(s.store = store_new())) {
        sb_printf(&setup_error, "cannot create a store: out of memory");
    } else {
        wh_error *error = spectest_create(s.store, s.spectest);
        if (error) {
            sb_printf(&setup_error, "%s", error->message);
            wh_error_free(error);
        }
    }

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

    store_free(s.store);
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

int cli_wast(int argc, char **argv)
{
    wast_options options = {0};
    int first_file = argc;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(wast_usage, stdout);
            return CLI_OK;
        } else if (strcmp(arg, "--strict") == 0) {
            options.strict = true;
        } else if (strcmp(arg, "--all") == 0) {
            options.list_all = true;
        } else if (strcmp(arg, "--") == 0) {
            first_file = i + 1;
            break;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            fprintf(stderr, "wasmhost wast: unknown option '%s'\n\n%s", arg, wast_usage);
            return CLI_USAGE;
        } else {
            first_file = i;
            break;
        }
    }
    if (first_file >= argc) {
        fprintf(stderr, "wasmhost wast: missing FILE.json\n\n%s", wast_usage);
        return CLI_USAGE;
    }
    wast_totals totals = {0};
    for (int i = first_file; i < argc; i++)
        run_script(argv[i], &options, &totals);
    printf("%" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " skipped\n", totals.passed, totals.failed,
           totals.skipped);
    return totals.failed ? CLI_FAILED : CLI_OK;
}
