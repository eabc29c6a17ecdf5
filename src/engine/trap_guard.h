/* trap_guard.h: what the interpreter shares with the guard-page fault handler (trap.c), internal. */
#ifndef ENG_TRAP_GUARD_H
#define ENG_TRAP_GUARD_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime.h"

/* Per thread: where a fault in the running instance's memory 0 reservation jumps to.
 * `jump` is non-NULL only while wasm code runs on this thread (NULL during host calls, so a
 * host function's own bad access still crashes as it should). memory_base/memory_reserved
 * describe the reservation of the instance whose code is running (NULL/0 without memory). */
extern _Thread_local struct eng_fault_guard {
    sigjmp_buf *jump;
    uint8_t *memory_base;
    size_t memory_reserved;
    /* A trap raised by compiled code (native_runtime.c) before it jumps: eng_func_call takes it
     * (NULL after a guard fault, which is an out-of-bounds access). */
    eng_trap *trap;
} eng_trap_fault_guard;

/* Grows trap->frames by `count` entries and returns the first new one for the caller to fill,
 * or NULL when out of memory (the trap is then left as it was). */
eng_backtrace_frame *eng_trap_extend_frames(eng_trap *trap, uint32_t count);

#endif
