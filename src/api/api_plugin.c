/* api_plugin.c: plugins (wh_plugin_*): the convention checked at load, each call in a fresh store and instance, and sessions that keep one instance. */
#include "api_internal.h"
#include "wasi.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a call does, worked out once at load so that a call only makes a store, links, instantiates
 * and calls: the engine objects it needs are found by index in the new instance, never by name.
 * Below the store, the engine is called directly (no wasm.h handles for functions or memories),
 * as nothing of the instance outlives the call but the output bytes and a trap. */

/* The host's plugin functions: the import module, and the type both have (for eng_func_new_host,
 * whose copy gets the hash; compare types with api_functype_is, not eng_functype_equal). */
#define PLUGIN_IMPORT_MODULE "wasmhost_plugin"
static eng_valtype pointer_length_types[] = {ENG_I32, ENG_I32};
static const eng_functype pointer_length_type = {.param_count = 2, .result_count = 0, .types = pointer_length_types};

typedef enum plugin_import_kind {
    PLUGIN_IMPORT_WASI,
    PLUGIN_IMPORT_LOG,   /* wasmhost_plugin.log */
    PLUGIN_IMPORT_ERROR, /* wasmhost_plugin.error */
    PLUGIN_IMPORT_HOST,  /* one of the configuration's imports (wh_plugin_import_t) */
} plugin_import_kind;

typedef struct plugin_export {
    char *name; /* NUL-terminated copy */
    uint32_t func_index;
} plugin_export;

struct wh_plugin_t {
    _Atomic size_t references; /* handles (wh_plugin_copy) */
    wasm_engine_t *engine;     /* the checks the configuration needs compiled in (fuel, deadline), the tier */
    eng_module *module;        /* one reference */
    plugin_import_kind *imports;
    uint32_t *import_hosts; /* per import of kind PLUGIN_IMPORT_HOST: its index in host_imports */
    bool uses_wasi;
    uint32_t memory_index, allocate_index;
    bool releases; /* exports "wasmhost_free": a session gives each call's buffers back */
    uint32_t release_index;
    bool initializes; /* exports "_initialize" */
    uint32_t initialize_index;
    plugin_export *exports;
    size_t export_count;
    /* The configuration, copied. */
    bool limits_set; /* one of the caps is not the store default */
    wh_limits_t limits;
    uint64_t fuel, timeout_ns;
    char **env_names, **env_values;
    size_t env_count;
    wh_plugin_log_callback_t log;
    void *log_user;
    wh_plugin_import_t *host_imports;
    size_t host_import_count;
};

/* ---- loading ---- */

/* Records the failure under `where` ("wh_plugin_new" or "wh_plugin_load: PATH"). */
#define PLUGIN_FAIL(code, where, format, ...) api_fail(code, "%s: " format, where, __VA_ARGS__)

/* An engine name as a printf argument pair: length (capped) and bytes. */
#define NAME_ARGUMENTS(name) (int)((name).length > 64 ? 64 : (name).length), (name).data

static bool name_is(const eng_name *name, const char *text)
{
    return name->length == strlen(text) && memcmp(name->data, text, name->length) == 0;
}

/* Checks the exports and records what a call needs of them. */
static bool check_exports(wh_plugin_t *plugin, const char *where)
{
    const eng_module *module = plugin->module;
    bool has_memory = false, has_allocate = false;
    plugin->exports = calloc(module->export_count ? module->export_count : 1, sizeof *plugin->exports);
    if (!plugin->exports) {
        PLUGIN_FAIL(WH_ERROR_RESOURCE, where, "%s", "out of memory");
        return false;
    }
    char type_text[256];
    for (uint32_t i = 0; i < module->export_count; i++) {
        const eng_export *export = &module->exports[i];
        if (name_is(&export->name, "memory")) {
            if (export->kind != ENG_EXTERN_MEMORY) {
                PLUGIN_FAIL(WH_ERROR_CONVENTION, where,
                            "the module is not a plugin: its export \"memory\" is a %s, not the memory the host "
                            "passes the bytes in",
                            eng_externkind_name(export->kind));
                return false;
            }
            has_memory = true;
            plugin->memory_index = export->index;
            continue;
        }
        if (export->kind != ENG_EXTERN_FUNC)
            continue;
        const eng_functype *type = eng_module_func_type(module, export->index);
        api_format_functype(type, type_text, sizeof type_text);
        static const struct {
            const char *name, *params, *results, *needed, *role;
        } helpers[] = {
            {"wasmhost_alloc", "i", "i", "func [i32] -> [i32]", "size -> buffer"},
            {"wasmhost_free", "ii", "", "func [i32 i32] -> []", "buffer, size"},
            {"_initialize", "", "", "func [] -> []", "a WASI reactor's constructors"},
        };
        bool helper = false;
        for (size_t h = 0; h < sizeof helpers / sizeof helpers[0] && !helper; h++) {
            if (!name_is(&export->name, helpers[h].name))
                continue;
            if (!api_functype_is(type, helpers[h].params, helpers[h].results)) {
                PLUGIN_FAIL(WH_ERROR_CONVENTION, where,
                            "the module is not a plugin: its export \"%s\" is %s; the convention needs %s (%s)",
                            helpers[h].name, type_text, helpers[h].needed, helpers[h].role);
                return false;
            }
            helper = true;
            if (h == 0) {
                has_allocate = true;
                plugin->allocate_index = export->index;
            } else if (h == 1) {
                plugin->releases = true;
                plugin->release_index = export->index;
            } else if (h == 2) {
                plugin->initializes = true;
                plugin->initialize_index = export->index;
            }
        }
        /* A name with a NUL in it cannot be asked for by a C string: not callable here. */
        if (helper || !api_functype_is(type, "ii", "I") || memchr(export->name.data, '\0', export->name.length))
            continue;
        plugin_export *callable = &plugin->exports[plugin->export_count];
        callable->name = strndup((const char *)export->name.data, export->name.length);
        if (!callable->name) {
            PLUGIN_FAIL(WH_ERROR_RESOURCE, where, "%s", "out of memory");
            return false;
        }
        callable->func_index = export->index;
        plugin->export_count++;
    }
    if (!has_memory) {
        PLUGIN_FAIL(WH_ERROR_CONVENTION, where, "%s",
                    "the module is not a plugin: it exports no memory named \"memory\" (the host passes the bytes "
                    "in and out through it)");
        return false;
    }
    if (!has_allocate) {
        PLUGIN_FAIL(WH_ERROR_CONVENTION, where, "%s",
                    "the module is not a plugin: it exports no function \"wasmhost_alloc\" func [i32] -> [i32], "
                    "which the host calls for the input's buffer");
        return false;
    }
    if (plugin->export_count == 0) {
        PLUGIN_FAIL(WH_ERROR_CONVENTION, where, "%s",
                    "the module is not a plugin: none of its exports has the plugin shape func [i32 i32] -> [i64] "
                    "((input ptr, input len) -> output ptr << 32 | output len)");
        return false;
    }
    return true;
}

/* The index of the configuration's import `import` names, or host_import_count. */
static size_t host_import_of(const wh_plugin_t *plugin, const eng_import *import)
{
    size_t i = 0;
    while (i < plugin->host_import_count && !(name_is(&import->module, plugin->host_imports[i].module) &&
                                              name_is(&import->name, plugin->host_imports[i].name)))
        i++;
    return i;
}

/* Checks the imports: WASI functions that exist with their types, and the host's plugin functions.
 * The WASI ones are linked in a scratch store, which is what a call does. */
static bool check_imports(wh_plugin_t *plugin, const char *where)
{
    const eng_module *module = plugin->module;
    plugin->imports = calloc(module->import_count ? module->import_count : 1, sizeof *plugin->imports);
    plugin->import_hosts = calloc(module->import_count ? module->import_count : 1, sizeof *plugin->import_hosts);
    if (!plugin->imports || !plugin->import_hosts) {
        PLUGIN_FAIL(WH_ERROR_RESOURCE, where, "%s", "out of memory");
        return false;
    }
    eng_store *scratch = NULL;
    wasi_context *wasi = NULL;
    bool fits = true;
    char type_text[256], needed_text[256];
    for (uint32_t i = 0; i < module->import_count && fits; i++) {
        const eng_import *import = &module->imports[i];
        const eng_functype *type = import->kind == ENG_EXTERN_FUNC ? &module->types[import->type_index] : NULL;
        if (type)
            api_format_functype(type, type_text, sizeof type_text);
        else
            snprintf(type_text, sizeof type_text, "a %s", eng_externkind_name(import->kind));
        if (wasi_is_import(import)) {
            plugin->imports[i] = PLUGIN_IMPORT_WASI;
            plugin->uses_wasi = true;
            if (!scratch && (!(scratch = eng_store_new()) || !(wasi = wasi_new()))) {
                PLUGIN_FAIL(WH_ERROR_RESOURCE, where, "%s", "out of memory");
                fits = false;
                break;
            }
            eng_extern ext;
            eng_error *error = wasi_import(wasi, scratch, module, i, &ext);
            if (error) {
                PLUGIN_FAIL(WH_ERROR_LINK, where, "import %u: %s", i, error->message);
                eng_error_free(error);
                fits = false;
            } else if (!eng_functype_equal(type, ext.func->type)) {
                api_format_functype(ext.func->type, needed_text, sizeof needed_text);
                PLUGIN_FAIL(WH_ERROR_LINK, where, "import %u \"%s\".\"%.*s\" is %s; WASI's is %s", i, WASI_MODULE_NAME,
                            NAME_ARGUMENTS(import->name), type_text, needed_text);
                fits = false;
            }
        } else if (name_is(&import->module, PLUGIN_IMPORT_MODULE) &&
                   (name_is(&import->name, "log") || name_is(&import->name, "error"))) {
            plugin->imports[i] = name_is(&import->name, "log") ? PLUGIN_IMPORT_LOG : PLUGIN_IMPORT_ERROR;
            if (!type || !api_functype_is(type, "ii", "")) {
                PLUGIN_FAIL(WH_ERROR_CONVENTION, where,
                            "the module is not a plugin: import %u \"" PLUGIN_IMPORT_MODULE
                            "\".\"%.*s\" is %s; the host's is func [i32 i32] -> [] (text ptr, text len)",
                            i, NAME_ARGUMENTS(import->name), type_text);
                fits = false;
            }
        } else if (host_import_of(plugin, import) < plugin->host_import_count) {
            uint32_t host = (uint32_t)host_import_of(plugin, import);
            const wh_plugin_import_t *given = &plugin->host_imports[host];
            char params[17] = "", results[2] = "";
            memset(params, 'i', given->param_count);
            memset(results, 'i', given->result_count);
            plugin->imports[i] = PLUGIN_IMPORT_HOST;
            plugin->import_hosts[i] = host;
            if (!type || !api_functype_is(type, params, results)) {
                PLUGIN_FAIL(WH_ERROR_LINK, where,
                            "import %u \"%.*s\".\"%.*s\" is %s; the host's takes %zu i32 and returns %zu i32", i,
                            NAME_ARGUMENTS(import->module), NAME_ARGUMENTS(import->name), type_text, given->param_count,
                            given->result_count);
                fits = false;
            }
        } else {
            PLUGIN_FAIL(WH_ERROR_CONVENTION, where,
                        "the module is not a plugin: import %u \"%.*s\".\"%.*s\" (%s) is neither a WASI function "
                        "(\"%s\") nor one the host gives plugins (\"" PLUGIN_IMPORT_MODULE "\".\"log\" and \"error\")",
                        i, NAME_ARGUMENTS(import->module), NAME_ARGUMENTS(import->name), type_text, WASI_MODULE_NAME);
            fits = false;
        }
    }
    eng_store_free(scratch);
    wasi_free(wasi);
    return fits;
}

/* Checks that the module's memories and tables can be made under the caps. */
static bool check_sizes(const wh_plugin_t *plugin, const char *where)
{
    const eng_module *module = plugin->module;
    uint64_t memory_bytes = 0, table_elements = 0;
    for (uint32_t i = 0; i < module->memory_count; i++)
        memory_bytes += module->memories[i].limits.min * ENG_PAGE_SIZE;
    for (uint32_t i = 0; i < module->table_count; i++)
        table_elements += module->tables[i].limits.min;
    if (memory_bytes > plugin->limits.max_memory_bytes) {
        PLUGIN_FAIL(WH_ERROR_LIMIT, where, "the plugin's memory needs %llu bytes to start, over its memory cap of %llu",
                    (unsigned long long)memory_bytes, (unsigned long long)plugin->limits.max_memory_bytes);
        return false;
    }
    if (table_elements > plugin->limits.max_table_elements) {
        PLUGIN_FAIL(WH_ERROR_LIMIT, where,
                    "the plugin's tables need %llu elements to start, over its table cap of %llu",
                    (unsigned long long)table_elements, (unsigned long long)plugin->limits.max_table_elements);
        return false;
    }
    return true;
}

/* Copies the configuration, checking what can be checked before any call. */
static bool configure(wh_plugin_t *plugin, const wh_plugin_config_t *config, const char *where)
{
    eng_store_limits defaults;
    eng_store_limits_default(&defaults);
    plugin->limits.max_memory_bytes = config->max_memory_bytes ? config->max_memory_bytes : defaults.max_memory_bytes;
    plugin->limits.max_table_elements =
        config->max_table_elements ? config->max_table_elements : defaults.max_table_elements;
    plugin->limits.max_stack_bytes = config->max_stack_bytes ? config->max_stack_bytes : defaults.max_stack_bytes;
    plugin->limits_set = config->max_memory_bytes || config->max_table_elements || config->max_stack_bytes;
    if (plugin->limits.max_stack_bytes < ENG_MIN_STACK_BYTES || plugin->limits.max_stack_bytes > ENG_MAX_STACK_BYTES) {
        PLUGIN_FAIL(WH_ERROR_LIMIT, where, "a stack of %llu bytes is out of range (%u bytes .. 4 GiB)",
                    (unsigned long long)plugin->limits.max_stack_bytes, ENG_MIN_STACK_BYTES);
        return false;
    }
    plugin->fuel = config->fuel;
    plugin->timeout_ns = config->timeout_ns;
    plugin->log = config->log;
    plugin->log_user = config->log_user;
    if (config->env_count && (!config->env_names || !config->env_values)) {
        PLUGIN_FAIL(WH_ERROR_INVALID_ARGUMENT, where, "%zu environment variables but the %s are NULL",
                    config->env_count, config->env_names ? "values" : "names");
        return false;
    }
    if (config->import_count && !config->imports) {
        PLUGIN_FAIL(WH_ERROR_INVALID_ARGUMENT, where, "%zu imports but the list is NULL", config->import_count);
        return false;
    }
    for (size_t i = 0; i < config->import_count; i++) {
        const wh_plugin_import_t *given = &config->imports[i];
        if (!given->module || !given->name || !given->callback || given->param_count > 16 || given->result_count > 1 ||
            strcmp(given->module, WASI_MODULE_NAME) == 0 || strcmp(given->module, PLUGIN_IMPORT_MODULE) == 0) {
            PLUGIN_FAIL(WH_ERROR_INVALID_ARGUMENT, where,
                        "import %zu: a module, a name and a callback are needed, at most 16 parameters and 1 "
                        "result, and the module must not be WASI's or " PLUGIN_IMPORT_MODULE,
                        i);
            return false;
        }
    }
    if (config->import_count) {
        if (!(plugin->host_imports = malloc(config->import_count * sizeof *plugin->host_imports))) {
            PLUGIN_FAIL(WH_ERROR_RESOURCE, where, "%s", "out of memory");
            return false;
        }
        memcpy(plugin->host_imports, config->imports, config->import_count * sizeof *plugin->host_imports);
        plugin->host_import_count = config->import_count;
    }
    plugin->env_names = calloc(config->env_count + 1, sizeof *plugin->env_names);
    plugin->env_values = calloc(config->env_count + 1, sizeof *plugin->env_values);
    if (!plugin->env_names || !plugin->env_values) {
        PLUGIN_FAIL(WH_ERROR_RESOURCE, where, "%s", "out of memory");
        return false;
    }
    for (size_t i = 0; i < config->env_count; i++) {
        const char *name = config->env_names[i], *value = config->env_values[i];
        if (!name || !value || !name[0] || strchr(name, '=')) {
            PLUGIN_FAIL(WH_ERROR_INVALID_ARGUMENT, where,
                        "environment variable %zu: %s (a name is not empty and has no '=')", i,
                        !name    ? "the name is NULL"
                        : !value ? "the value is NULL"
                                 : "the name is not a variable name");
            return false;
        }
        plugin->env_names[plugin->env_count] = strdup(name);
        plugin->env_values[plugin->env_count] = strdup(value);
        plugin->env_count++;
        if (!plugin->env_names[i] || !plugin->env_values[i]) {
            PLUGIN_FAIL(WH_ERROR_RESOURCE, where, "%s", "out of memory");
            return false;
        }
    }
    return true;
}

/* An engine whose code checks what the configuration needs, and nothing more: a plugin without a
 * timeout or fuel runs at full speed; on the configured tier (compiled code meters fuel too). */
static wasm_engine_t *engine_for(const wh_plugin_config_t *config)
{
    wasm_config_t *engine_config = wasm_config_new();
    if (!engine_config)
        return NULL;
    wh_config_consume_fuel(engine_config, config->fuel != 0);
    wh_config_interruptible(engine_config, config->timeout_ns != 0);
    wh_config_set_tier(engine_config, config->tier);
    if (config->cache_dir)
        wh_config_set_cache_dir(engine_config, config->cache_dir);
    wh_config_set_instance_pool(engine_config, config->instance_pool);
    return wasm_engine_new_with_config(engine_config);
}

static wh_plugin_t *plugin_new(const wasm_byte_vec_t *binary, const wh_plugin_config_t *config, const char *where)
{
    static const wh_plugin_config_t defaults;
    if (!config)
        config = &defaults;
    wh_plugin_t *plugin = calloc(1, sizeof *plugin);
    if (!plugin) {
        PLUGIN_FAIL(WH_ERROR_RESOURCE, where, "%s", "out of memory");
        return NULL;
    }
    atomic_init(&plugin->references, 1);
    bool ready = configure(plugin, config, where);
    if (ready && !(plugin->engine = engine_for(config))) {
        PLUGIN_FAIL(WH_ERROR_RESOURCE, where, "%s", "out of memory");
        ready = false;
    }
    ready = ready && (plugin->module = api_module_load(plugin->engine, binary, where)) != NULL;
    ready = ready && check_exports(plugin, where) && check_imports(plugin, where) && check_sizes(plugin, where);
    if (!ready) {
        wh_plugin_delete(plugin);
        return NULL;
    }
    return plugin;
}

wh_plugin_t *wh_plugin_new(const wasm_byte_vec_t *binary, const wh_plugin_config_t *config)
{
    return plugin_new(binary, config, "wh_plugin_new");
}

wh_plugin_t *wh_plugin_load(const char *path, const wh_plugin_config_t *config)
{
    if (!path) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_plugin_load: the path is NULL");
        return NULL;
    }
    char where[512];
    snprintf(where, sizeof where, "wh_plugin_load: %s", path);
    FILE *file = fopen(path, "rb");
    if (!file) {
        PLUGIN_FAIL(WH_ERROR_NOT_FOUND, where, "cannot open: %s", strerror(errno));
        return NULL;
    }
    /* Read in growing chunks: the file may be a pipe. */
    wasm_byte_vec_t binary = {0, NULL};
    size_t capacity = 0;
    bool failed = false;
    for (;;) {
        if (binary.size == capacity) {
            capacity = capacity ? capacity * 2 : 65536;
            char *grown = realloc(binary.data, capacity);
            if (!grown) {
                failed = true;
                break;
            }
            binary.data = grown;
        }
        size_t got = fread(binary.data + binary.size, 1, capacity - binary.size, file);
        binary.size += got;
        if (got == 0)
            break;
    }
    int saved_errno = errno;
    failed = failed || ferror(file);
    fclose(file);
    wh_plugin_t *plugin = NULL;
    if (failed)
        PLUGIN_FAIL(WH_ERROR_NOT_FOUND, where, "cannot read: %s", strerror(saved_errno));
    else
        plugin = plugin_new(&binary, config, where);
    free(binary.data);
    return plugin;
}

void wh_plugin_delete(wh_plugin_t *plugin)
{
    if (!plugin || atomic_fetch_sub_explicit(&plugin->references, 1, memory_order_acq_rel) > 1)
        return;
    for (size_t i = 0; i < plugin->export_count; i++)
        free(plugin->exports[i].name);
    free(plugin->exports);
    for (size_t i = 0; i < plugin->env_count; i++) {
        free(plugin->env_names[i]);
        free(plugin->env_values[i]);
    }
    free(plugin->env_names);
    free(plugin->env_values);
    free(plugin->imports);
    free(plugin->import_hosts);
    free(plugin->host_imports);
    eng_module_release(plugin->module);
    wasm_engine_delete(plugin->engine);
    free(plugin);
}

wh_plugin_t *wh_plugin_copy(const wh_plugin_t *plugin)
{
    if (!plugin) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_plugin_copy: the plugin is NULL");
        return NULL;
    }
    wh_plugin_t *shared = (wh_plugin_t *)plugin;
    atomic_fetch_add_explicit(&shared->references, 1, memory_order_relaxed);
    return shared;
}

/* ---- tiers ---- */

bool wh_plugin_compile(const wh_plugin_t *plugin)
{
    if (!plugin) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_plugin_compile: the plugin is NULL");
        return false;
    }
    return api_module_compile_native(plugin->engine, plugin->module, "wh_plugin_compile");
}

uint32_t wh_plugin_native_functions(const wh_plugin_t *plugin, double *compile_seconds)
{
    if (compile_seconds)
        *compile_seconds = 0;
    if (!plugin) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_plugin_native_functions: the plugin is NULL");
        return 0;
    }
    const eng_native_image *image = atomic_load_explicit(&plugin->module->native, memory_order_acquire);
    if (!image)
        return 0;
    if (compile_seconds)
        *compile_seconds = image->compile_seconds;
    return image->native_count;
}

/* ---- exports ---- */

size_t wh_plugin_export_count(const wh_plugin_t *plugin) { return plugin ? plugin->export_count : 0; }

const char *wh_plugin_export_name(const wh_plugin_t *plugin, size_t index)
{
    return plugin && index < plugin->export_count ? plugin->exports[index].name : NULL;
}

static const plugin_export *find_export(const wh_plugin_t *plugin, const char *name)
{
    for (size_t i = 0; i < plugin->export_count; i++)
        if (strcmp(plugin->exports[i].name, name) == 0)
            return &plugin->exports[i];
    return NULL;
}

bool wh_plugin_has_export(const wh_plugin_t *plugin, const char *name)
{
    return plugin && name && find_export(plugin, name) != NULL;
}

/* ---- calls ---- */

/* One call, as the host functions see it. */
typedef struct plugin_host_binding plugin_host_binding;

typedef struct plugin_call {
    const wh_plugin_t *plugin;
    plugin_host_binding *bindings; /* per import, for the configuration's imports; freed with the store */
    eng_instance *instance;        /* NULL until instantiated (a start function runs before) */
    bool reported_error;           /* the trap came from wasmhost_plugin.error */
    bool misused;                  /* the trap is a host function's complaint about its arguments */
} plugin_call;

/* The `length` bytes at `pointer` in the plugin's memory; NULL (and a trap in *trap) when they
 * are not all inside it. */
static const char *guest_text(plugin_call *call, const char *function, uint32_t pointer, uint32_t length,
                              eng_trap **trap)
{
    const eng_memory *memory = call->instance ? call->instance->memories[call->plugin->memory_index] : NULL;
    if (memory && (uint64_t)pointer + length <= memory->size)
        return (const char *)memory->base + pointer;
    char message[256];
    if (memory)
        snprintf(message, sizeof message,
                 PLUGIN_IMPORT_MODULE ".%s(%u, %u): the text is not inside memory (%llu bytes)", function, pointer,
                 length, (unsigned long long)memory->size);
    else
        snprintf(message, sizeof message,
                 PLUGIN_IMPORT_MODULE ".%s was called by the start function, before the plugin's memory could be "
                                      "read (call it from the exports)",
                 function);
    call->misused = true;
    *trap = eng_trap_new(ENG_TRAP_HOST, message);
    return NULL;
}

static eng_trap *host_log(void *env, eng_slot *args_results)
{
    plugin_call *call = env;
    eng_trap *trap = NULL;
    const char *text = guest_text(call, "log", args_results[0].u32, args_results[1].u32, &trap);
    if (text && call->plugin->log)
        call->plugin->log(call->plugin->log_user, text, args_results[1].u32);
    return trap;
}

static eng_trap *host_error(void *env, eng_slot *args_results)
{
    plugin_call *call = env;
    eng_trap *trap = NULL;
    uint32_t length = args_results[1].u32;
    const char *text = guest_text(call, "error", args_results[0].u32, length, &trap);
    if (!text)
        return trap;
    static const char prefix[] = "plugin error: ";
    char *message = malloc(sizeof prefix + length);
    if (!message)
        return eng_trap_new(ENG_TRAP_HOST, "plugin error (its message did not fit in memory)");
    memcpy(message, prefix, sizeof prefix - 1);
    memcpy(message + sizeof prefix - 1, text, length);
    message[sizeof prefix - 1 + length] = '\0';
    trap = eng_trap_new(ENG_TRAP_HOST, message);
    free(message);
    call->reported_error = true;
    return trap;
}

/* One of the configuration's imports, as linked into one call's store. */
struct plugin_host_binding {
    plugin_call *call;
    const wh_plugin_import_t *import;
};

static eng_trap *host_import(void *env, eng_slot *args_results)
{
    plugin_host_binding *binding = env;
    const plugin_call *call = binding->call;
    const wh_plugin_import_t *import = binding->import;
    const eng_memory *memory = call->instance ? call->instance->memories[call->plugin->memory_index] : NULL;
    int32_t params[16] = {0}, results[1] = {0};
    for (size_t i = 0; i < import->param_count; i++)
        params[i] = args_results[i].i32;
    const char *failure =
        import->callback(import->user, memory ? memory->base : NULL, memory ? memory->size : 0, params, results);
    if (failure)
        return eng_trap_new(ENG_TRAP_HOST, failure);
    if (import->result_count)
        args_results[0].i32 = results[0];
    return NULL;
}

/* What the plugin writes to WASI's stderr: one log line per line written. */
static ptrdiff_t stderr_to_log(void *user, int fd, const uint8_t *data, size_t size)
{
    (void)fd;
    const plugin_call *call = user;
    if (!call->plugin->log)
        return (ptrdiff_t)size;
    for (size_t start = 0; start < size;) {
        const uint8_t *newline = memchr(data + start, '\n', size - start);
        size_t end = newline ? (size_t)(newline - data) : size;
        call->plugin->log(call->plugin->log_user, (const char *)data + start, end - start);
        start = end + 1;
    }
    return (ptrdiff_t)size;
}

/* A WASI context with the plugin's environment and stderr going to its log. */
static wasi_context *wasi_for(plugin_call *call, const char **failed)
{
    const wh_plugin_t *plugin = call->plugin;
    wasi_context *wasi = wasi_new();
    eng_error *error = wasi ? wasi_output_callback(wasi, 2, stderr_to_log, call) : NULL;
    for (size_t i = 0; wasi && !error && i < plugin->env_count; i++)
        error = wasi_add_env(wasi, plugin->env_names[i], plugin->env_values[i]);
    if (!wasi || error) {
        *failed = "cannot set up WASI (out of memory)";
        eng_error_free(error);
        wasi_free(wasi);
        return NULL;
    }
    return wasi;
}

/* Applies the plugin's limits to a new store; the deadline counts from here, so it covers
 * instantiation too. */
static bool apply_limits(const wh_plugin_t *plugin, wasm_store_t *store)
{
    return (!plugin->limits_set || wh_store_set_limits(store, &plugin->limits)) &&
           (!plugin->fuel || wh_store_set_fuel(store, plugin->fuel)) &&
           (!plugin->timeout_ns || wh_store_set_deadline(store, plugin->timeout_ns));
}

/* Links the imports for one call. False (with why in *failed) when memory runs out. */
static bool link_imports(plugin_call *call, wasm_store_t *store, wasi_context *wasi, eng_extern *imports)
{
    const eng_module *module = call->plugin->module;
    for (uint32_t i = 0; i < module->import_count; i++) {
        switch (call->plugin->imports[i]) {
        case PLUGIN_IMPORT_WASI: {
            eng_error *error = wasi_import(wasi, store->engine, module, i, &imports[i]);
            if (error) {
                eng_error_free(error); /* the same link succeeded at load: only memory can fail */
                return false;
            }
            break;
        }
        case PLUGIN_IMPORT_LOG:
        case PLUGIN_IMPORT_ERROR:
            imports[i].kind = ENG_EXTERN_FUNC;
            imports[i].func =
                eng_func_new_host(store->engine, &pointer_length_type,
                                  call->plugin->imports[i] == PLUGIN_IMPORT_LOG ? host_log : host_error, call);
            if (!imports[i].func)
                return false;
            break;
        case PLUGIN_IMPORT_HOST:
            call->bindings[i] = (plugin_host_binding){call, &call->plugin->host_imports[call->plugin->import_hosts[i]]};
            imports[i].kind = ENG_EXTERN_FUNC;
            imports[i].func = eng_func_new_host(store->engine, &module->types[module->imports[i].type_index],
                                                host_import, &call->bindings[i]);
            if (!imports[i].func)
                return false;
            break;
        }
    }
    return true;
}

/* Makes the trap of a call say what the store knows and outlive the store and the plugin. */
static wasm_trap_t *finish_trap(const plugin_call *call, const wasm_store_t *store, wasm_trap_t *trap)
{
    if (!trap)
        return NULL;
    api_object *object = trap->ref.object;
    if (call->misused)
        object->trap_code = WH_TRAP_CODE_API;
    else if (call->reported_error && object->trap_code == WH_TRAP_CODE_HOST)
        object->trap_code = WH_TRAP_CODE_PLUGIN_ERROR;
    wh_trap_code_t code = object->trap_code;
    uint64_t cap;
    if (code != WH_TRAP_CODE_FUEL_EXHAUSTED && code != WH_TRAP_CODE_DEADLINE_EXCEEDED &&
        code != WH_TRAP_CODE_INTERRUPTED && wh_store_last_limit(store, &cap) == WH_LIMIT_KIND_MEMORY) {
        char note[128];
        snprintf(note, sizeof note, " (after the plugin reached its memory cap of %llu bytes)",
                 (unsigned long long)cap);
        api_trap_append(trap, note);
    }
    api_trap_hold_module(trap, call->plugin->module);
    return trap;
}

/* Instantiates (with imports linked) and runs "_initialize" when there is one: true with
 * call->instance ready; false with the trap in *trap (NULL only when even that could not be made). */
static bool instantiate(plugin_call *call, wasm_store_t *store, wasi_context *wasi, const eng_extern *imports,
                        const char *where, wasm_trap_t **trap)
{
    const wh_plugin_t *plugin = call->plugin;
    char why[256];
    if (!api_instance_slot_take(store, why, sizeof why)) {
        if ((*trap = api_trap_misuse(NULL, "%s: %s", where, why)))
            (*trap)->ref.object->trap_code = WH_TRAP_CODE_CAPACITY;
        api_fail(WH_ERROR_CAPACITY, "%s: %s", where, why);
        return false;
    }
    eng_instance *instance = NULL;
    eng_trap *start_trap = NULL;
    eng_error *error =
        eng_instance_new(store->engine, plugin->module, imports, plugin->module->import_count, &instance, &start_trap);
    if (error)
        api_instance_slot_return(store); /* no instance came of it */
    else if (!start_trap && wasi)
        error = wasi_bind(wasi, instance);
    if (error) {
        *trap = api_trap_misuse(NULL, "%s: cannot instantiate the plugin: %s", where, error->message);
        eng_error_free(error);
        return false;
    }
    if (!start_trap && plugin->initializes) {
        eng_slot none[1];
        start_trap = eng_func_call(store->engine, instance->funcs[plugin->initialize_index], none);
    }
    if (start_trap) { /* the start function's or _initialize's */
        *trap = api_trap_from(NULL, start_trap);
        return false;
    }
    call->instance = instance;
    return true;
}

/* What every call starts with, fresh or the first of a session: a store with the plugin's limits
 * (the deadline counting from now), the imports linked into `imports` (import_count of them) and
 * an instance. True with call->instance ready; false with the trap in *trap (NULL only when out of
 * memory even for that). The caller frees *store and then *wasi either way. */
static bool open_instance(plugin_call *call, wasm_store_t **store, wasi_context **wasi, eng_extern *imports,
                          const char *where, wasm_trap_t **trap)
{
    const wh_plugin_t *plugin = call->plugin;
    const char *failed = NULL;
    *trap = NULL;
    if (!imports || !(*store = wasm_store_new(plugin->engine)))
        failed = "out of memory";
    else if (!apply_limits(plugin, *store))
        failed = wh_last_error_message();
    else if (plugin->uses_wasi && !(*wasi = wasi_for(call, &failed)))
        ; /* failed says why */
    else if (plugin->host_import_count && !call->bindings &&
             !(call->bindings = calloc(plugin->module->import_count + 1, sizeof *call->bindings)))
        failed = "out of memory";
    else if (!link_imports(call, *store, *wasi, imports))
        failed = "out of memory linking the imports";
    if (failed) {
        *trap = api_trap_misuse(NULL, "%s: %s", where, failed);
        return false;
    }
    bool ready = instantiate(call, *store, *wasi, imports, where, trap);
    *trap = finish_trap(call, *store, *trap);
    return ready;
}

/* Calls `export` of the instance `call` holds. `release_buffers`: give the input and output back
 * through wasmhost_free (an instance that is kept), else they go with the instance. */
static wasm_trap_t *call_export(plugin_call *call, wasm_store_t *store, const plugin_export *export,
                                const wasm_byte_vec_t *input, wasm_byte_vec_t *output, bool release_buffers,
                                const char *where)
{
    const wh_plugin_t *plugin = call->plugin;
    eng_instance *instance = call->instance;
    api_bytes_call bytes = {
        .store = store->engine,
        .trap_store = NULL, /* the trap outlives the store */
        .where = where,
        .name = export->name,
        .function = instance->funcs[export->func_index],
        .allocate = instance->funcs[plugin->allocate_index],
        .release = release_buffers && plugin->releases ? instance->funcs[plugin->release_index] : NULL,
        .memory = instance->memories[plugin->memory_index],
    };
    return api_call_bytes(&bytes, input, output);
}

/* The trap (and last error) for a name that is not a plugin export, listing those there are. */
static wasm_trap_t *missing_export(const wh_plugin_t *plugin, const char *name, const char *where)
{
    char names[512] = "";
    size_t used = 0;
    for (size_t i = 0; i < plugin->export_count && used < sizeof names; i++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s\"%s\"", i ? ", " : "", plugin->exports[i].name);
    wasm_trap_t *trap =
        api_trap_misuse(NULL, "%s: the plugin has no export \"%s\" of the plugin shape; it has %s", where, name, names);
    api_fail(WH_ERROR_NOT_FOUND, "%s: the plugin has no export \"%s\" of the plugin shape; it has %s", where, name,
             names);
    return trap;
}

/* Imports of a call live on the C stack up to this many. */
#define IMPORTS_ON_STACK 16

wasm_trap_t *wh_plugin_call(const wh_plugin_t *plugin, const char *name, const wasm_byte_vec_t *input,
                            wasm_byte_vec_t *output)
{
    if (output)
        wasm_byte_vec_new_empty(output);
    if (!plugin || !name || !output)
        return api_trap_misuse(NULL, "wh_plugin_call: the %s is NULL",
                               !plugin ? "plugin"
                               : !name ? "export name"
                                       : "output vector");
    const plugin_export *export = find_export(plugin, name);
    if (!export)
        return missing_export(plugin, name, "wh_plugin_call");

    plugin_call call = {.plugin = plugin};
    wasi_context *wasi = NULL;
    wasm_store_t *store = NULL;
    wasm_trap_t *trap = NULL;
    eng_extern imports_on_stack[IMPORTS_ON_STACK];
    uint32_t import_count = plugin->module->import_count;
    eng_extern *imports = import_count <= IMPORTS_ON_STACK ? imports_on_stack : calloc(import_count, sizeof *imports);
    if (open_instance(&call, &store, &wasi, imports, "wh_plugin_call", &trap))
        trap = finish_trap(&call, store, call_export(&call, store, export, input, output, false, "wh_plugin_call"));
    else if (!trap) /* out of memory even for the trap: the call must still fail */
        trap = api_trap_misuse(NULL, "wh_plugin_call: out of memory");
    wasm_store_delete(store);
    wasi_free(wasi); /* after the store, whose WASI functions use it */
    free(call.bindings);
    if (imports != imports_on_stack)
        free(imports);
    return trap;
}

/* ---- sessions: one instance kept across calls ---- */

struct wh_plugin_session_t {
    plugin_call call;    /* the host functions' environment: its address must not move */
    wasm_store_t *store; /* NULL until the first call, and again after a trap */
    wasi_context *wasi;
    bool open; /* call.instance is ready */
};

wh_plugin_session_t *wh_plugin_session_new(const wh_plugin_t *plugin)
{
    if (!plugin) {
        api_fail(WH_ERROR_INVALID_ARGUMENT, "wh_plugin_session_new: the plugin is NULL");
        return NULL;
    }
    wh_plugin_session_t *session = calloc(1, sizeof *session);
    if (!session) {
        api_fail(WH_ERROR_RESOURCE, "wh_plugin_session_new: out of memory");
        return NULL;
    }
    session->call.plugin = plugin;
    return session;
}

/* Drops the instance and its store: the next call starts from a fresh one. */
static void session_close(wh_plugin_session_t *session)
{
    wasm_store_delete(session->store);
    wasi_free(session->wasi);     /* after the store, whose WASI functions use it */
    free(session->call.bindings); /* after the store, whose functions use them */
    session->call.bindings = NULL;
    session->store = NULL;
    session->wasi = NULL;
    session->open = false;
    session->call.instance = NULL;
    session->call.reported_error = session->call.misused = false;
}

/* Opens the session's instance (open_instance); the trap when it cannot, the session then left
 * closed. The imports are needed only to instantiate. */
static wasm_trap_t *session_open(wh_plugin_session_t *session)
{
    const wh_plugin_t *plugin = session->call.plugin;
    eng_extern *imports = calloc(plugin->module->import_count ? plugin->module->import_count : 1, sizeof *imports);
    wasm_trap_t *trap = NULL;
    session->open =
        open_instance(&session->call, &session->store, &session->wasi, imports, "wh_plugin_session_call", &trap);
    free(imports);
    if (!session->open) {
        session_close(session);
        if (!trap) /* out of memory even for the trap: the call must still fail */
            trap = api_trap_misuse(NULL, "wh_plugin_session_call: out of memory");
    }
    return trap;
}

wasm_trap_t *wh_plugin_session_call(wh_plugin_session_t *session, const char *name, const wasm_byte_vec_t *input,
                                    wasm_byte_vec_t *output)
{
    if (output)
        wasm_byte_vec_new_empty(output);
    if (!session || !name || !output)
        return api_trap_misuse(NULL, "wh_plugin_session_call: the %s is NULL",
                               !session ? "session"
                               : !name  ? "export name"
                                        : "output vector");
    const wh_plugin_t *plugin = session->call.plugin;
    const plugin_export *export = find_export(plugin, name);
    if (!export)
        return missing_export(plugin, name, "wh_plugin_session_call");
    wasm_trap_t *trap = NULL;
    if (!session->open) {
        trap = session_open(session); /* the first call's limits cover instantiation too */
    } else if ((plugin->fuel && !wh_store_set_fuel(session->store, plugin->fuel)) ||
               (plugin->timeout_ns && !wh_store_set_deadline(session->store, plugin->timeout_ns))) {
        trap = api_trap_misuse(NULL, "wh_plugin_session_call: %s", wh_last_error_message());
        session_close(session);
    }
    if (trap || !session->open)
        return trap;
    trap =
        finish_trap(&session->call, session->store,
                    call_export(&session->call, session->store, export, input, output, true, "wh_plugin_session_call"));
    if (trap)
        session_close(session); /* a trap may have left the instance half-way: never reuse it */
    return trap;
}

void wh_plugin_session_delete(wh_plugin_session_t *session)
{
    if (!session)
        return;
    session_close(session);
    free(session);
}
