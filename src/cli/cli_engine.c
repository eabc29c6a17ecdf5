/* cli_engine.c: value text over engine types, for `wasmhost wast`, the one command not yet moved to the public API. */
#include "cli_engine.h"

#include <inttypes.h>

void engine_value_format(wh_valtype type, wh_slot value, char *buf, size_t size)
{
    switch (type) {
    case WH_I32: snprintf(buf, size, "%" PRId32, value.i32); return;
    case WH_I64: snprintf(buf, size, "%" PRId64, value.i64); return;
    case WH_F32: f32_format(value.u32, buf, size); return;
    case WH_F64: f64_format(value.u64, buf, size); return;
    case WH_FUNCREF:
    case WH_EXTERNREF: snprintf(buf, size, "%s", value.ref ? "ref" : "null"); return;
    case WH_V128: break;
    }
    snprintf(buf, size, "(%s value)", valtype_name(type));
}

void engine_functype_format(const wh_functype *type, char *buf, size_t size)
{
    size_t used = 0;
#define APPEND(...)                                                                                       \
    do {                                                                                                  \
        if (used < size) {                                                                                \
            int n = snprintf(buf + used, size - used, __VA_ARGS__);                                       \
            used = n < 0 ? size : used + (size_t)n;                                                       \
        }                                                                                                 \
    } while (0)
    APPEND("func [");
    for (uint32_t i = 0; i < type->param_count; i++)
        APPEND("%s%s", i ? " " : "", valtype_name(functype_params(type)[i]));
    APPEND("] -> [");
    for (uint32_t i = 0; i < type->result_count; i++)
        APPEND("%s%s", i ? " " : "", valtype_name(functype_results(type)[i]));
    APPEND("]");
#undef APPEND
}
