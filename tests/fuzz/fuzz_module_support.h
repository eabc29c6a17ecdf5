/* fuzz_module_support.h: what fuzz_run and fuzz_compile share: arguments for exports, default imports, and the structure-aware mutator. */
#ifndef WH_FUZZ_MODULE_SUPPORT_H
#define WH_FUZZ_MODULE_SUPPORT_H

#include "engine.h"

#include <stddef.h>
#include <stdint.h>

/* The custom section the mutator adds and fuzz_args_find reads arguments from. */
#define ARGS_SECTION "fuzz-args"

typedef struct fuzz_args {
    const uint8_t *bytes; /* the "fuzz-args" section's payload, or NULL */
    uint32_t size, position;
    uint32_t counter; /* for the fixed values */
} fuzz_args;

/* Arguments from the module's "fuzz-args" section when it has one, else fixed interesting values. */
void fuzz_args_find(const eng_module *module, fuzz_args *source);
/* The next call's arguments for a function of `type`, into `slots`. */
void fuzz_args_make(const eng_functype *type, fuzz_args *source, eng_slot *slots);
/* Imports of the module's own types (functions returning zeros; memories, tables and globals of
 * their own); false when one cannot be made under the store's caps. */
bool fuzz_make_imports(eng_store *store, const eng_module *module, eng_extern *imports);
/* libFuzzer's custom mutator for modules: mutates one section's payload (a function body's, for
 * the code section) and writes the sizes back, so that mutants stay well-formed modules; now and
 * then, or when the input is not a module, libFuzzer's own mutation of the whole input. */
size_t fuzz_mutate_module(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

#endif
