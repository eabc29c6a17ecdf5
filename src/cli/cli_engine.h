/* cli_engine.h: the engine internals `wasmhost wast`, the one command not yet moved to the public API, still uses. */
#ifndef WH_CLI_ENGINE_H
#define WH_CLI_ENGINE_H

/* The engine's struct of store limits and wasmhost.h's function wh_store_limits share a name:
 * here the engine's type is called engine_store_limits (as in src/api/api_internal.h). */
#define wh_store_limits engine_store_limits
#include "engine.h"
#undef wh_store_limits
#include "cli.h"

/* value_format and functype_format for engine values and types. */
void engine_value_format(wh_valtype type, wh_slot value, char *buf, size_t size);
void engine_functype_format(const wh_functype *type, char *buf, size_t size);

#endif
