/* cap_plugin.c: a plugin that uses wasmhost_capabilities: a variable, a key-value store and a log line, for capabilities_test.c. */
#include "wasmhost_capabilities.h"
#include "wasmhost_plugin.h"

static char greeting[256], previous[256];

/* process(input): "GREETING INPUT (previous: PREVIOUS)", and the input kept as "last". */
static int process(const uint8_t *input, size_t length, wh_plugin_output *out)
{
    int32_t store = wh_kv_open_named("plugin-store");
    if (store < 0)
        return wh_plugin_fail("the store is not granted");
    int32_t previous_length = wh_kv_get(store, "last", 4, previous, sizeof previous);
    if (wh_kv_set(store, "last", 4, input, (uint32_t)length) != 0)
        return wh_plugin_fail("kv_set failed");
    if (wh_variable_read("greeting", greeting, sizeof greeting) < 0)
        return wh_plugin_fail("no greeting");
    wh_log_text(WH_LOG_INFO, "plugin called");
    wh_output_string(out, greeting);
    wh_output_string(out, " ");
    wh_output_bytes(out, input, length);
    wh_output_string(out, " (previous: ");
    if (previous_length >= 0)
        wh_output_bytes(out, (const uint8_t *)previous, (size_t)previous_length);
    else
        wh_output_string(out, "none");
    return wh_output_string(out, ")");
}

WASMHOST_PLUGIN_EXPORT(process, process)
