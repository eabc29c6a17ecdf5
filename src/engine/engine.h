/* engine.h: the one header through which the CLI and tests use the engine (until include/wasm.h exists). */
#ifndef ENG_ENGINE_H
#define ENG_ENGINE_H

/* Everything outside src/engine/ includes only this file, so that moving to a public API
 * later changes one include and the calls below, not every user. */
#include "code.h"
#include "error.h"
#include "module.h"
#include "runtime.h"

/* Slots a call to a function of `type` needs for its arguments and its results. */
static inline uint32_t eng_functype_slot_count(const eng_functype *type)
{
    return type->param_count > type->result_count ? type->param_count : type->result_count;
}

#endif
