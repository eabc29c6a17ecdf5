/* trap.c: trap values, their backtraces and printing, and turning guard-page faults into traps. */
#define _GNU_SOURCE /* REG_RIP, REG_RBP */
#include "trap_guard.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

_Thread_local struct eng_fault_guard eng_trap_fault_guard;

const char *eng_trap_kind_message(eng_trap_kind kind)
{
    switch (kind) {
    case ENG_TRAP_UNREACHABLE: return "unreachable";
    case ENG_TRAP_INTEGER_DIVIDE_BY_ZERO: return "integer divide by zero";
    case ENG_TRAP_INTEGER_OVERFLOW: return "integer overflow";
    case ENG_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case ENG_TRAP_OUT_OF_BOUNDS_MEMORY: return "out of bounds memory access";
    case ENG_TRAP_OUT_OF_BOUNDS_TABLE: return "out of bounds table access";
    case ENG_TRAP_INDIRECT_CALL_TYPE_MISMATCH: return "indirect call type mismatch";
    case ENG_TRAP_UNDEFINED_ELEMENT: return "undefined element";
    case ENG_TRAP_UNINITIALIZED_ELEMENT: return "uninitialized element";
    case ENG_TRAP_CALL_STACK_EXHAUSTED: return "call stack exhausted";
    case ENG_TRAP_HOST: return "host function trapped";
    case ENG_TRAP_EXIT: return "exit";
    case ENG_TRAP_FUEL_EXHAUSTED: return "fuel exhausted";
    case ENG_TRAP_DEADLINE_EXCEEDED: return "deadline exceeded";
    case ENG_TRAP_INTERRUPTED: return "interrupted";
    }
    return "unknown trap";
}

/* When memory runs out while a trap is raised, the caller still gets a trap of the right kind
 * (without backtrace): one static trap per kind, never freed or extended. */
static eng_trap static_traps[ENG_TRAP_KIND_LAST + 1];

static bool is_static_trap(const eng_trap *trap)
{
    uintptr_t address = (uintptr_t)trap, start = (uintptr_t)static_traps;
    return address >= start && address - start < sizeof static_traps;
}

eng_trap *eng_trap_new(eng_trap_kind kind, const char *host_message)
{
    if ((unsigned)kind > ENG_TRAP_KIND_LAST)
        kind = ENG_TRAP_HOST;
    const char *text = host_message ? host_message : eng_trap_kind_message(kind);
    eng_trap *trap = calloc(1, sizeof *trap);
    char *message = strdup(text);
    if (!trap || !message) {
        free(trap);
        free(message);
        eng_trap *fallback = &static_traps[kind];
        /* Filling it on every use is harmless: the contents are always the same. */
        fallback->kind = kind;
        fallback->message = (char *)eng_trap_kind_message(kind);
        return fallback;
    }
    trap->kind = kind;
    trap->message = message;
    return trap;
}

void eng_trap_free(eng_trap *trap)
{
    if (!trap || is_static_trap(trap))
        return;
    free(trap->message);
    free(trap->frames);
    free(trap);
}

eng_backtrace_frame *eng_trap_extend_frames(eng_trap *trap, uint32_t count)
{
    if (is_static_trap(trap) || count > UINT32_MAX - trap->frame_count)
        return NULL;
    size_t new_count = (size_t)trap->frame_count + count;
    eng_backtrace_frame *frames = realloc(trap->frames, new_count * sizeof *frames);
    if (!frames)
        return NULL;
    trap->frames = frames;
    eng_backtrace_frame *added = frames + trap->frame_count;
    trap->frame_count = (uint32_t)new_count;
    return added;
}

static void print_frame(const eng_backtrace_frame *frame, FILE *file)
{
    if (!frame->module) {
        fputs("  at <host>\n", file);
        return;
    }
    const eng_name *name = eng_module_func_name(frame->module, frame->func_index);
    if (name && name->data)
        fprintf(file, "  at %.*s", (int)name->length, name->data);
    else
        fprintf(file, "  at func[%u]", frame->func_index);
    if (frame->byte_offset)
        fprintf(file, " (offset 0x%x)", frame->byte_offset);
    fputc('\n', file);
}

/* A runaway recursion leaves tens of thousands of frames; the innermost ones and the
 * outermost ones are what a reader needs, so the middle of a very deep backtrace is elided. */
#define BACKTRACE_HEAD 40
#define BACKTRACE_TAIL 10

void eng_trap_print(const eng_trap *trap, void *stream)
{
    FILE *file = stream;
    fprintf(file, "trap: %s\n", trap->message);
    uint32_t count = trap->frame_count;
    for (uint32_t i = 0; i < count; i++) {
        if (count > BACKTRACE_HEAD + BACKTRACE_TAIL && i == BACKTRACE_HEAD) {
            uint32_t skipped = count - BACKTRACE_HEAD - BACKTRACE_TAIL;
            fprintf(file, "  ... %u more frame%s ...\n", skipped, skipped == 1 ? "" : "s");
            i += skipped - 1;
            continue;
        }
        print_frame(&trap->frames[i], file);
    }
}

/* Guard-page faults.
 *
 * Loads and stores do no bounds checks: every address they can form lies inside the memory's
 * reservation, and the part beyond the current size is inaccessible. A fault there while wasm
 * runs is an out-of-bounds access, and the handler jumps back into eng_func_call, which turns it
 * into a trap. Any other fault is a genuine crash: the handler puts the previous disposition
 * back and returns, so the faulting instruction runs again and crashes as it would have
 * without us (or reaches the sanitizer's handler, which then reports it). */

static struct sigaction previous_segv_action, previous_bus_action;

void eng_trap_record_native_frames(uintptr_t pc, uintptr_t fp, uint32_t trap_offset)
{
    struct eng_fault_guard *guard = &eng_trap_fault_guard;
    uint32_t count = 0;
    guard->native_trap_offset = trap_offset;
    if (pc >= guard->native_code_start && pc < guard->native_code_end) {
        guard->native_pcs[count++] = pc;
        /* x86-64 frame record: [fp] the caller's frame pointer, [fp + 8] the return address. A
         * chain that does not go up the stack ends the walk rather than fault. */
        while (fp && count < ENG_NATIVE_FRAMES_MAX) {
            const uintptr_t *frame = (const uintptr_t *)fp;
            uintptr_t return_address = frame[1], caller = frame[0];
            if (return_address < guard->native_code_start || return_address >= guard->native_code_end)
                break;
            guard->native_pcs[count++] = return_address - 1; /* inside the call instruction */
            if (caller <= fp)
                break;
            fp = caller;
        }
    }
    guard->native_pc_count = count;
}

static void fault_handler(int signal_number, siginfo_t *info, void *context)
{
    struct eng_fault_guard *guard = &eng_trap_fault_guard;
    uintptr_t address = (uintptr_t)info->si_addr;
    uintptr_t base = (uintptr_t)guard->memory_base;
    if (guard->jump && base && address >= base && address - base < guard->memory_reserved) {
#if defined(__x86_64__)
        const ucontext_t *state = context;
        eng_trap_record_native_frames((uintptr_t)state->uc_mcontext.gregs[REG_RIP],
                                      (uintptr_t)state->uc_mcontext.gregs[REG_RBP], 0);
#else
        (void)context;
        guard->native_pc_count = 0;
#endif
        siglongjmp(*guard->jump, 1);
    }

    sigaction(signal_number, signal_number == SIGSEGV ? &previous_segv_action : &previous_bus_action, NULL);
    /* A signal sent by kill() does not come back by re-running an instruction. */
    if (info->si_code <= 0)
        raise(signal_number);
}

static void install_fault_handler(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = fault_handler;
    sigemptyset(&action.sa_mask);
    /* SA_NODEFER: eng_func_call uses sigsetjmp(..., 0), which does not save the signal mask (that
     * would cost a system call per call). Leaving the handler by siglongjmp then restores no
     * mask, so the handler must not block SIGSEGV/SIGBUS in the first place, or the next guard
     * fault would find them blocked and kill the process. */
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigaction(SIGSEGV, &action, &previous_segv_action);
    sigaction(SIGBUS, &action, &previous_bus_action);
}

void eng_trap_install_signal_handler(void)
{
    /* The handler chains to the one it replaced: installing it twice would chain to itself. */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install_fault_handler);
}
