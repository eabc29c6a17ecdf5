/* fuzz_module.c: libFuzzer target: decodes, validates and compiles the input as a module (eng_module_load). */
#include "engine.h"

#include <stdint.h>
#include <stdlib.h>

/* A module that does not load is a normal outcome: the error must still carry a message.
 * Failures: the sanitizers, ENG_ASSERT, and abort() when a loaded module or an error breaks
 * the invariants below. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Compile both ways on alternate inputs: without checks (the default of embedders that do
     * not meter) and with fuel, which adds the fuel regions and the _BACK_FUEL branches. */
    eng_compile_set_checks(size % 2 ? ENG_CHECK_FUEL : ENG_CHECK_EPOCH);
    eng_module *module = NULL;
    eng_error *error = eng_module_load(data, size, &module);
    if (error) {
        if (module || !error->message || !error->message[0])
            abort(); /* a failed load returns no module and says why */
        eng_error_free(error);
        return 0;
    }
    if (!module || module->size != size)
        abort();
    for (uint32_t i = 0; i < module->func_def_count; i++) {
        if (!module->func_defs[i].code)
            abort(); /* validation compiles every body */
    }
    eng_module_release(module);
    return 0;
}
