/* engine.h: the engine's interface for the layers above it (src/wasi, src/api) and for tests that drive it directly. */
#ifndef ENG_ENGINE_H
#define ENG_ENGINE_H

/* Outside src/engine/, only this file is included, and only by src/wasi, src/api, the engine's
 * own tests (tests/fuzz_mutations.c, tests/limits, tests/wasi/embed_stdio.c) and
 * bench/load_time.c: CMake puts src/engine on their include path alone. src/cli, src/host,
 * examples/ and embedders use include/wasm.h and include/wasmhost.h. See docs/internals.md. */
#include "code.h"
#include "error.h"
#include "module.h"
#include "native.h"
#include "runtime.h"
#include "snapshot.h"

/* Slots a call to a function of `type` needs for its arguments and its results (a v128 takes two). */
static inline uint32_t eng_functype_slot_count(const eng_functype *type)
{
    return type->param_slots > type->result_slots ? type->param_slots : type->result_slots;
}

#endif
