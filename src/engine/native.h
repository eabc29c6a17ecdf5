/* native.h: the compiling tier as the engine sees it: compile (through the LLVM library), link, attach, run.
 *
 * Design (docs/compiler.md has the whole plan and what is still to come):
 *  - The compiler is libwasmhost_llvm.so (src/engine/llvm/), loaded with dlopen the first time a
 *    module must be compiled (native_compiler.c): a process that only interprets never maps
 *    libLLVM. The library returns an ELF relocatable object; the engine links it itself
 *    (native_link.c: sections copied into one mapping, relocations applied, calls to the
 *    runtime helpers and to a fixed list of C library functions through stubs, code made
 *    read+execute and never writable at the same time).
 *  - An image holds, per defined function, its native entry (or NULL: the function stays on the
 *    interpreter) and a stub eng_code made of one NATIVE instruction. An instance made from a
 *    module with an image gives each compiled function the stub as its code and the entry as
 *    its native_entry, so the interpreter calls compiled functions as any other (op_NATIVE runs
 *    the entry on the frame's slots) and eng_func_call enters them the same way.
 *  - Compiled code calls compiled functions of its module directly; everything else (imports,
 *    host functions, interpreted functions, call_indirect) through the runtime helpers of
 *    native_runtime.c, which use eng_func_call. Explicit traps and traps coming back from those
 *    calls are raised by siglongjmp to the innermost eng_func_call (eng_trap_fault_guard.trap);
 *    out-of-bounds accesses fault on the guard region as in the interpreter.
 *  - The memory never moves (it grows inside its reservation), so compiled code loads
 *    instance->memory_base once per call.
 */
#ifndef ENG_NATIVE_H
#define ENG_NATIVE_H

#include "runtime.h"

/* Where a piece of compiled code comes from (native_lines.c): from `code_offset` (bytes from the
 * image's mapping) up to the next row, the instruction at `byte_offset` in the module (0:
 * unknown) of defined function `function` (ENG_NATIVE_NO_FUNCTION: none, as glue code). */
#define ENG_NATIVE_NO_FUNCTION UINT32_MAX
typedef struct eng_native_line {
    uint32_t code_offset, function, byte_offset;
} eng_native_line;

/* A call LLVM inlined (native_lines.c): the code [start, end) (offsets from the mapping) comes
 * from a function called at `call_offset` (a byte offset in the module) in defined function
 * `caller` (ENG_NATIVE_NO_FUNCTION: the entry glue); `depth` counts the inlined calls enclosing
 * the code, this one included (1: inlined into a function compiled on its own). */
typedef struct eng_native_inline {
    uint32_t start, end, depth, caller, call_offset;
} eng_native_inline;

typedef struct eng_native_image {
    uint8_t *object; /* the ELF object it was linked from, kept to write artifacts */
    size_t object_size;
    uint64_t cpu_features; /* eng_cpu_features bits the code may use */
    uint8_t *mapping;      /* code (read+execute), then constants (read-only) */
    size_t mapping_size;
    uint32_t function_count;   /* the module's defined functions */
    eng_native_entry *entries; /* per defined function: NULL when it stays interpreted */
    const void **functions;    /* per defined function: its typed code (for calls from compiled code), or NULL */
    eng_code *stubs;           /* per defined function with an entry: its NATIVE code */
    uint32_t native_count;
    /* Where each compiled function's code lies (those LLVM kept as functions of their own: one
     * inlined everywhere has none), sorted by start, to name the frames of a backtrace. */
    struct eng_native_range {
        uintptr_t start, end;
        uint32_t function; /* defined-function index */
    } * ranges;
    uint32_t range_count;
    eng_native_line *lines; /* sorted by code_offset */
    uint32_t line_count;
    eng_native_inline *inlines; /* sorted by start */
    uint32_t inline_count;
    uintptr_t code_start, code_end; /* all of the image's code */
    uint32_t checks;                /* ENG_CHECK_* the code was compiled with */
    double compile_seconds;         /* translate + optimise + emit (0 when loaded) */
} eng_native_image;

/* Bounds on what is given to LLVM, checked before anything is translated (its time and memory
 * grow faster than linearly with a function's size and locals): a module with a function past
 * either is refused, naming the function and the figures. The largest function of the bench
 * kernels and test guests is far below both (docs/compiler.md, "Bad input"). */
#define ENG_NATIVE_MAX_FUNCTION_BYTES (UINT32_C(1) << 20) /* a body's bytes (instructions and immediates) */
#define ENG_NATIVE_MAX_FUNCTION_LOCALS UINT32_C(10000)    /* parameters plus declared locals */

/* Compiles every function of `module` that the tier supports, with `checks` (those its
 * interpreter code has: ENG_CHECK_EPOCH, ENG_CHECK_FUEL, whose fuel marks it charges), for this
 * CPU, and links the result.
 * The compile runs in a child process (native_compile_process.c), killed past `timeout_ns`
 * (0: no bound). Errors say why (no compiler library, a library of another build, a function
 * past the caps, the timeout, the compiler's crash, LLVM's own message). */
eng_error *eng_native_compile(const eng_module *module, uint32_t checks, uint64_t timeout_ns, eng_native_image **out);

/* native_compile_process.c: runs interface->compile(request) in a forked child and collects its
 * result (the object, malloc'd: free() it) or why it failed: the child killed past `timeout_ns`
 * (0: none), crashed, or stopped by an LLVM fatal error. The library must be loaded already. */
struct eng_llvm_interface;
struct eng_llvm_request;
struct eng_llvm_result;
eng_error *eng_native_compile_in_child(const struct eng_llvm_interface *interface,
                                       const struct eng_llvm_request *request, uint64_t timeout_ns,
                                       struct eng_llvm_result *out);

/* cpu.c: this CPU's features that compiled code may use (a mask), LLVM's feature string for a
 * mask ("+sse4.1,+popcnt,..."), and one feature's name. */
uint64_t eng_cpu_features(void);
void eng_cpu_feature_string(uint64_t mask, char *out, size_t size);
const char *eng_cpu_feature_name(unsigned bit);

/* native_artifact.c: a compiled module as one file (wasmhost compile, the cache,
 * wasm_module_serialize): a header (format version, the build that made it, the CPU features
 * and checks it was compiled with, sizes, an XXH3-128 checksum of the rest), the module's bytes,
 * the ELF object. */
#define ENG_ARTIFACT_MAGIC "\0whc"
bool eng_artifact_is(const uint8_t *bytes, size_t size);
/* The artifact of `module`, which must have native code (malloc'd). */
eng_error *eng_artifact_write(const eng_module *module, uint8_t **out, size_t *out_size);
/* Checks everything (format, build, CPU, sizes, checksum) before anything is decoded or mapped;
 * then loads the module (with the artifact's checks) and links its code. Each refusal says why. */
eng_error *eng_artifact_load(const uint8_t *bytes, size_t size, eng_module **out);
/* The same checks, then the artifact's code attached to `module` (already loaded, with `checks`):
 * refused when the artifact holds another module or other checks (what a cache needs). */
eng_error *eng_artifact_attach(eng_module *module, uint32_t checks, const uint8_t *bytes, size_t size);
/* The build id this engine writes into artifacts and requires of them. */
const char *eng_native_build_id(void);

/* Whether the compiler library can be loaded; when not, *why_not says why. */
bool eng_native_available(const char **why_not);

/* native_link.c: links an ELF relocatable object made by the compiler library for `module`.
 * Everything is checked before anything is made executable. */
eng_error *eng_native_link(const eng_module *module, const uint8_t *object, size_t size, uint32_t checks,
                           uint64_t cpu_features, eng_native_image **out);
void eng_native_image_free(eng_native_image *image);

/* Attaches `image` to `module` unless one is attached already (then frees it); instances
 * made afterwards run it. Thread-safe. */
void eng_module_attach_native(eng_module *module, eng_native_image *image);

/* The defined function whose code holds `pc`; false when none (a trampoline, a stub). */
bool eng_native_function_at(const eng_native_image *image, uintptr_t pc, uint32_t *function);

/* native_lines.c: the rows of a DWARF 2-4 .debug_line `section` (relocated: its addresses are
 * absolute, inside [code_start, code_start + code_size]) whose file names are defined-function
 * indexes, sorted by address, and the function of each file of its first unit (malloc'd). An
 * error says what is malformed. */
eng_error *eng_native_read_lines(const uint8_t *section, size_t size, uintptr_t code_start, size_t code_size,
                                 uint32_t function_count, eng_native_line **out, uint32_t *out_count, uint32_t **files,
                                 uint32_t *file_count);
/* The inlined calls of a DWARF 2-4 .debug_info (relocated, with its .debug_abbrev and
 * .debug_ranges; `files` from eng_native_read_lines names the callers), sorted by start. */
eng_error *eng_native_read_inlines(const uint8_t *info, size_t info_size, const uint8_t *abbrev, size_t abbrev_size,
                                   const uint8_t *ranges, size_t ranges_size, uintptr_t code_start, size_t code_size,
                                   const uint32_t *files, uint32_t file_count, eng_native_inline **out,
                                   uint32_t *out_count);
/* The inlined calls whose code holds `pc`, innermost first (at most `max`). */
uint32_t eng_native_inlined_calls(const eng_native_image *image, uintptr_t pc, const eng_native_inline **out,
                                  uint32_t max);
/* The wasm position of the code at `pc`: the defined function whose instruction it holds (in code
 * LLVM inlined, the inlined function) and that instruction's byte offset in the module (0:
 * unknown). False when the map says nothing (glue code, or no map). */
bool eng_native_location_at(const eng_native_image *image, uintptr_t pc, uint32_t *function, uint32_t *byte_offset);

/* native_runtime.c: the address of a symbol compiled code may call (ENG_NATIVE_HELPERS,
 * ENG_NATIVE_LIBC_SYMBOLS), or NULL. */
void *eng_native_symbol(const char *name);

#endif
