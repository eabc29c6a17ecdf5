/* trap_guard.h: what the interpreter shares with the guard-page fault handler (trap.c), internal. */
#ifndef ENG_TRAP_GUARD_H
#define ENG_TRAP_GUARD_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime.h"

/* Compiled frames a backtrace shows at the most (recursion deeper than this is cut). */
#define ENG_NATIVE_FRAMES_MAX 32

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
    /* The code of the compiled functions running on this thread ([start, end), set by op_NATIVE),
     * and at a trap in them the addresses in each of their frames, innermost first: recorded
     * before the jump (by the fault handler or the helper raising the trap), while the frames are
     * still intact, and turned into backtrace frames by eng_func_call. */
    uintptr_t native_code_start, native_code_end;
    uint32_t native_pc_count;
    uintptr_t native_pcs[ENG_NATIVE_FRAMES_MAX];
    /* An explicit trap's byte offset, which compiled code passes to eng_native_trap: exact for the
     * innermost frame even where LLVM merged trap blocks (0: take the map's). */
    uint32_t native_trap_offset;
} eng_trap_fault_guard;

/* Records the compiled frames from `pc` (an address in the function whose frame pointer is `fp`)
 * outwards by the frame-pointer chain (compiled code keeps frame pointers), while the addresses
 * stay in the running code, and `trap_offset` (0 or the byte offset of an explicit trap). Only
 * reads memory: safe in a signal handler. */
void eng_trap_record_native_frames(uintptr_t pc, uintptr_t fp, uint32_t trap_offset);

/* Grows trap->frames by `count` entries and returns the first new one for the caller to fill,
 * or NULL when out of memory (the trap is then left as it was). */
eng_backtrace_frame *eng_trap_extend_frames(eng_trap *trap, uint32_t count);

#endif
