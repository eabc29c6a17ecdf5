/* failing_compiler.c: a stand-in for libwasmhost_llvm.so (loaded through WASMHOST_LLVM_LIBRARY) whose compile fails the way LLVM can, to check that the host survives each and says what happened.
 *
 * WASMHOST_FAILING_COMPILER chooses how: "segv" (a crash), "abort" (what LLVM does on an
 * internal error without a handler), "fatal" (LLVM's fatal-error handler as the real library
 * installs it: the reason on the descriptor, then the exit status), "hang" (never returns),
 * "memory" (allocates until the process's memory cap stops it, then aborts as LLVM does).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "llvm/llvm_interface.h"

static bool compile(const eng_llvm_request *request, eng_llvm_result *result)
{
    memset(result, 0, sizeof *result);
    const char *how = getenv("WASMHOST_FAILING_COMPILER");
    how = how ? how : "segv";
    if (strcmp(how, "segv") == 0)
        raise(SIGSEGV);
    if (strcmp(how, "abort") == 0)
        abort();
    if (strcmp(how, "fatal") == 0 && request->fatal_error_fd >= 0) {
        static const char reason[] = "Cannot select: a stand-in fatal error";
        if (write(request->fatal_error_fd, reason, sizeof reason - 1) < 0)
            _exit(1);
        _exit(ENG_LLVM_FATAL_EXIT_STATUS);
    }
    if (strcmp(how, "hang") == 0)
        for (;;)
            pause();
    if (strcmp(how, "memory") == 0) {
        /* Address space is what the cap bounds: untouched blocks reach it without using the
         * machine's memory. Bounded, in case nothing caps the process. */
        for (size_t total = 0; total < (size_t)64 << 30; total += 64 << 20) {
            volatile char *block = malloc(64 << 20);
            if (!block)
                abort();
            block[0] = 1;
        }
    }
    result->error = strdup("the failing compiler did not fail");
    return false;
}

static void result_free(eng_llvm_result *result)
{
    free(result->object);
    free(result->error);
}

__attribute__((visibility("default"))) const eng_llvm_interface *wasmhost_llvm_interface(void)
{
    static const eng_llvm_interface interface = {
        ENG_LLVM_ABI_VERSION, WASMHOST_BUILD_ID, "none", compile, result_free,
    };
    return &interface;
}
