/* compile_module.c: the compiler library's entry point: a wasm module to an optimised ELF object for this CPU.
 *
 * One LLVM context and module per compile (so compiles on several threads share nothing), the
 * target machine for the host CPU with its actual features, a fixed pass pipeline, and the
 * object emitted to memory. The engine links it (native_link.c).
 */
#include "llvm_internal.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/ErrorHandling.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <llvm/Config/llvm-config.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef WASMHOST_BUILD_ID
#error "WASMHOST_BUILD_ID must be defined by the build"
#endif

/* The optimisation pipeline: LLVM's standard O2 (new pass manager) and the default code
 * generation level, chosen by measurement (WASMHOST_LLVM_PASSES, the 15 bench kernels compiled to
 * artifacts with each and run side by side, medians of 3, on the 2-core machine while a build
 * ran): run time against O2, geometric mean, O1 1.017 (fib 1.45, vm 1.30: less inlining; lz and
 * sieve 0.79) and O3 1.023 (lz 1.37; sha256 0.87); compile time of all 15, O1 3.12 s, O2 3.44 s,
 * O3 3.44 s. O2 is the fastest overall and costs 10% more compile time than O1. */
#define DEFAULT_PASSES "default<O2>"

char *llvm_format_error(const char *format, ...)
{
    char buffer[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    return strdup(buffer);
}

static pthread_once_t targets_once = PTHREAD_ONCE_INIT;
static void initialise_targets(void)
{
    LLVMInitializeNativeTarget();
    LLVMInitializeNativeAsmPrinter();
}

/* LLVM ends its fatal errors (an internal error, a state it cannot handle) by calling this handler
 * and then abort() if it returns. It runs only in the process the engine forked for this
 * compile (native_compile_process.c): it hands the reason to the engine and ends that process,
 * never the host. */
static int fatal_error_fd = -1;
static void report_fatal_error(const char *reason)
{
    if (reason) {
        size_t length = strlen(reason);
        while (length) {
            ssize_t written = write(fatal_error_fd, reason, length);
            if (written <= 0)
                break;
            reason += written;
            length -= (size_t)written;
        }
    }
    _exit(ENG_LLVM_FATAL_EXIT_STATUS);
}

static LLVMTypeRef helper_value_type(llvm_module_state *state, char code)
{
    switch (code) {
    case 'V': return state->void_type;
    case 'P': return state->ptr;
    case '3': return state->i32;
    default: return state->i64;
    }
}

static void declare_helpers(llvm_module_state *state)
{
    static const struct {
        const char *name;
        char codes[8]; /* return type, then the parameters */
        unsigned count;
    } helpers[HELPER_COUNT] = {
#define HELPER_ROW(name, ...) {#name, {FOR_EACH_TYPE(__VA_ARGS__)}, 0},
#define FOR_EACH_TYPE(...) FOR_EACH_TYPE_(__VA_ARGS__, _, _, _, _, _, _, _)
#define FOR_EACH_TYPE_(a, b, c, d, e, f, g, ...) CODE_##a, CODE_##b, CODE_##c, CODE_##d, CODE_##e, CODE_##f, CODE_##g
#define CODE_V 'V'
#define CODE_I32 '3'
#define CODE_I64 '6'
#define CODE_P 'P'
#define CODE__ 0
        ENG_NATIVE_HELPERS(HELPER_ROW)
#undef HELPER_ROW
    };
    LLVMAttributeRef nounwind =
        LLVMCreateEnumAttribute(state->context, LLVMGetEnumAttributeKindForName("nounwind", 8), 0);
    LLVMAttributeRef noreturn =
        LLVMCreateEnumAttribute(state->context, LLVMGetEnumAttributeKindForName("noreturn", 8), 0);
    LLVMAttributeRef cold = LLVMCreateEnumAttribute(state->context, LLVMGetEnumAttributeKindForName("cold", 4), 0);
    for (unsigned h = 0; h < HELPER_COUNT; h++) {
        LLVMTypeRef params[7];
        unsigned count = 0;
        while (count + 1 < 8 && helpers[h].codes[count + 1])
            params[count] = helper_value_type(state, helpers[h].codes[count + 1]), count++;
        state->helper_types[h] = LLVMFunctionType(helper_value_type(state, helpers[h].codes[0]), params, count, 0);
        state->helpers[h] = LLVMAddFunction(state->module, helpers[h].name, state->helper_types[h]);
        /* Hidden, hence dso_local: resolved by the engine's linker through its stubs, no GOT. */
        LLVMSetVisibility(state->helpers[h], LLVMHiddenVisibility);
        LLVMAddAttributeAtIndex(state->helpers[h], LLVMAttributeFunctionIndex, nounwind);
        if (h == HELPER_eng_native_trap || h == HELPER_eng_native_stack_exhausted) {
            LLVMAddAttributeAtIndex(state->helpers[h], LLVMAttributeFunctionIndex, noreturn);
            LLVMAddAttributeAtIndex(state->helpers[h], LLVMAttributeFunctionIndex, cold);
        }
    }
}

/* Debug information, line tables only, whose lines are wasm byte offsets: the engine reads the
 * object's .debug_line back into its map from code addresses to wasm positions
 * (native_lines.c). DWARF 4, whose line-table header the engine's reader knows. Debug
 * information does not change the generated code (LLVM's rule, checked by comparing .text). */
static void begin_debug_info(llvm_module_state *state)
{
    LLVMAddModuleFlag(state->module, LLVMModuleFlagBehaviorWarning, "Dwarf Version", 13,
                      LLVMValueAsMetadata(LLVMConstInt(state->i32, 4, false)));
    LLVMAddModuleFlag(state->module, LLVMModuleFlagBehaviorWarning, "Debug Info Version", 18,
                      LLVMValueAsMetadata(LLVMConstInt(state->i32, LLVMDebugMetadataVersion(), false)));
    state->debug = LLVMCreateDIBuilder(state->module);
    LLVMMetadataRef file = LLVMDIBuilderCreateFile(state->debug, "wasm", 4, "", 0);
    state->debug_unit =
        LLVMDIBuilderCreateCompileUnit(state->debug, LLVMDWARFSourceLanguageC, file, "wasmhost", 8, 1, "", 0, 0, "", 0,
                                       LLVMDWARFEmissionLineTablesOnly, 0, 0, 0, "", 0, "", 0);
}

/* The DISubprogram of `function`, in a file of its own named `file_name`: the line table's rows
 * then say whose instruction each address holds, also in code inlined from another function.
 * Its own line is 0 (no wasm position: the prologue). */
static void attach_subprogram(llvm_module_state *state, LLVMValueRef function, const char *file_name)
{
    LLVMMetadataRef file = LLVMDIBuilderCreateFile(state->debug, file_name, strlen(file_name), "", 0);
    LLVMMetadataRef type = LLVMDIBuilderCreateSubroutineType(state->debug, file, NULL, 0, LLVMDIFlagZero);
    size_t name_length;
    const char *name = LLVMGetValueName2(function, &name_length);
    LLVMMetadataRef subprogram = LLVMDIBuilderCreateFunction(state->debug, file, name, name_length, name, name_length,
                                                             file, 0, type, 1, 1, 0, LLVMDIFlagZero, 1);
    LLVMSetSubprogram(function, subprogram);
}

/* A test hook: WASMHOST_LLVM_INTERPRET=I,J,... (function indices) leaves those functions on the
 * interpreter, as the per-function fallback does for what the tier cannot compile, so that tests
 * can cross the tiers now that all of WebAssembly 2.0 but SIMD compiles. Not in the cache key:
 * the tests that set it do not cache. */
static bool kept_interpreted(uint32_t func_index)
{
    const char *list = getenv("WASMHOST_LLVM_INTERPRET");
    while (list && *list) {
        char *end;
        unsigned long index = strtoul(list, &end, 10);
        if (end == list)
            return false;
        if (index == func_index)
            return true;
        list = *end == ',' ? end + 1 : end;
    }
    return false;
}

/* Declares the LLVM function of each compilable defined function: internal (so the inliner and
 * dead-function elimination see every use), frame pointers kept (backtraces walk them). */
static void declare_functions(llvm_module_state *state, uint32_t max_function_bytes, uint32_t *native_count)
{
    const eng_module *module = state->wasm;
    LLVMAttributeRef frame_pointer = LLVMCreateStringAttribute(state->context, "frame-pointer", 13, "all", 3);
    LLVMAttributeRef nounwind =
        LLVMCreateEnumAttribute(state->context, LLVMGetEnumAttributeKindForName("nounwind", 8), 0);
    LLVMAttributeRef probe = LLVMCreateStringAttribute(state->context, "probe-stack", 11, "inline-asm", 10);
    char *host_cpu = LLVMGetHostCPUName();
    LLVMAttributeRef tune =
        LLVMCreateStringAttribute(state->context, "tune-cpu", 8, host_cpu, (unsigned)strlen(host_cpu));
    LLVMDisposeMessage(host_cpu);
    for (uint32_t i = 0; i < module->func_def_count; i++) {
        const eng_func_def *def = &module->func_defs[i];
        if (def->body_size > max_function_bytes || !llvm_function_supported(state, i) ||
            kept_interpreted(module->imported_func_count + i))
            continue;
        char name[48];
        snprintf(name, sizeof name, "wasm_function_%u", i);
        state->function_types[i] = llvm_function_type(state, &module->types[def->type_index]);
        state->functions[i] = LLVMAddFunction(state->module, name, state->function_types[i]);
        LLVMSetLinkage(state->functions[i], LLVMInternalLinkage);
        LLVMAddAttributeAtIndex(state->functions[i], LLVMAttributeFunctionIndex, frame_pointer);
        LLVMAddAttributeAtIndex(state->functions[i], LLVMAttributeFunctionIndex, nounwind);
        LLVMAddAttributeAtIndex(state->functions[i], LLVMAttributeFunctionIndex, probe);
        LLVMAddAttributeAtIndex(state->functions[i], LLVMAttributeFunctionIndex, tune);
        snprintf(name, sizeof name, "%u", i);
        attach_subprogram(state, state->functions[i], name);
        (*native_count)++;
    }
}

/* wasm_entry_<i>(instance, slots): the parameters from the slots, the call, the results back. */
static void define_entry(llvm_module_state *state, uint32_t index)
{
    const eng_functype *type = &state->wasm->types[state->wasm->func_defs[index].type_index];
    LLVMTypeRef params[] = {state->ptr, state->ptr};
    LLVMTypeRef entry_type = LLVMFunctionType(state->void_type, params, 2, 0);
    char name[48];
    snprintf(name, sizeof name, "wasm_entry_%u", index);
    LLVMValueRef entry = LLVMAddFunction(state->module, name, entry_type);
    LLVMSetVisibility(entry, LLVMHiddenVisibility);
    LLVMAddAttributeAtIndex(entry, LLVMAttributeFunctionIndex,
                            LLVMCreateStringAttribute(state->context, "frame-pointer", 13, "all", 3));
    /* Glue, not a wasm function ("entry" names none), but with debug information: code inlined
     * into it keeps the rows of the function it came from. */
    attach_subprogram(state, entry, "entry");
    LLVMBuilderRef b = LLVMCreateBuilderInContext(state->context);
    LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(state->context, entry, "entry"));
    LLVMSetCurrentDebugLocation2(
        b, LLVMDIBuilderCreateDebugLocation(state->context, 0, 0, LLVMGetSubprogram(entry), NULL));
    LLVMValueRef slots = LLVMGetParam(entry, 1);
    LLVMValueRef args[type->param_count + 1];
    args[0] = LLVMGetParam(entry, 0);
    llvm_load_slots(b, state, slots, eng_functype_params(type), type->param_count, args + 1);
    LLVMValueRef result =
        LLVMBuildCall2(b, state->function_types[index], state->functions[index], args, type->param_count + 1, "");
    LLVMValueRef results[type->result_count + 1];
    llvm_unpack_results(b, type, result, results);
    llvm_store_slots(b, state, slots, eng_functype_results(type), type->result_count, results);
    LLVMBuildRetVoid(b);
    LLVMDisposeBuilder(b);
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* x86-64 with exactly the features the engine asked for (it records them in artifacts and checks
 * them at load), tuned for this CPU through each function's "tune-cpu". */
static LLVMTargetMachineRef host_target_machine(const char *features, char **error)
{
    pthread_once(&targets_once, initialise_targets);
    char *triple = LLVMGetDefaultTargetTriple();
    LLVMTargetRef target;
    char *message = NULL;
    LLVMTargetMachineRef machine = NULL;
    if (LLVMGetTargetFromTriple(triple, &target, &message)) {
        *error = llvm_format_error("LLVM has no target for %s: %s", triple, message ? message : "");
        LLVMDisposeMessage(message);
    } else {
        machine = LLVMCreateTargetMachine(target, triple, "x86-64", features, LLVMCodeGenLevelDefault, LLVMRelocPIC,
                                          LLVMCodeModelSmall);
        if (!machine)
            *error = llvm_format_error("LLVM could not make a target machine for %s (%s)", triple, features);
    }
    LLVMDisposeMessage(triple);
    return machine;
}

static bool compile(const eng_llvm_request *request, eng_llvm_result *result)
{
    memset(result, 0, sizeof *result);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (request->abi_version != ENG_LLVM_ABI_VERSION || strcmp(request->build_id, WASMHOST_BUILD_ID) != 0) {
        result->error =
            llvm_format_error("libwasmhost_llvm.so is from another build of wasmhost (build %s, this is %s)",
                              WASMHOST_BUILD_ID, request->build_id);
        return false;
    }
    if (request->fatal_error_fd >= 0) {
        fatal_error_fd = request->fatal_error_fd;
        LLVMResetFatalErrorHandler();
        LLVMInstallFatalErrorHandler(report_fatal_error);
    }
    char *error = NULL;
    LLVMTargetMachineRef machine = host_target_machine(request->cpu_features ? request->cpu_features : "", &error);
    if (!machine) {
        result->error = error;
        return false;
    }
    const eng_module *wasm = request->module;
    llvm_module_state state = {.wasm = wasm, .checks = request->checks};
    state.context = LLVMContextCreate();
    state.module = LLVMModuleCreateWithNameInContext("wasm", state.context);
    char *triple = LLVMGetTargetMachineTriple(machine);
    LLVMSetTarget(state.module, triple);
    LLVMDisposeMessage(triple);
    LLVMTargetDataRef layout = LLVMCreateTargetDataLayout(machine);
    LLVMSetModuleDataLayout(state.module, layout);
    LLVMDisposeTargetData(layout);
    state.i8 = LLVMInt8TypeInContext(state.context);
    state.i32 = LLVMInt32TypeInContext(state.context);
    state.i64 = LLVMInt64TypeInContext(state.context);
    state.f32 = LLVMFloatTypeInContext(state.context);
    state.f64 = LLVMDoubleTypeInContext(state.context);
    state.v128 = LLVMVectorType(state.i64, 2);
    state.ssse3 = request->cpu_features && strstr(request->cpu_features, "+ssse3") != NULL;
    state.ptr = LLVMPointerTypeInContext(state.context, 0);
    state.void_type = LLVMVoidTypeInContext(state.context);
    state.invariant_kind = LLVMGetMDKindIDInContext(state.context, "invariant.load", 14);
    state.memory_load_kind = LLVMGetMDKindIDInContext(state.context, "wasmhost.memory", 15);
    state.invariant_node = LLVMMetadataAsValue(state.context, LLVMMDNodeInContext2(state.context, NULL, 0));
    state.prof_kind = LLVMGetMDKindIDInContext(state.context, "prof", 4);
    LLVMMetadataRef weights[] = {
        LLVMMDStringInContext2(state.context, "branch_weights", 14),
        LLVMValueAsMetadata(LLVMConstInt(state.i32, 1, false)),
        LLVMValueAsMetadata(LLVMConstInt(state.i32, 1 << 20, false)),
    };
    state.cold_weights = LLVMMetadataAsValue(state.context, LLVMMDNodeInContext2(state.context, weights, 3));
    state.functions = calloc(wasm->func_def_count + 1, sizeof *state.functions);
    state.function_types = calloc(wasm->func_def_count + 1, sizeof *state.function_types);
    bool ok = state.functions && state.function_types;
    if (!ok)
        error = llvm_format_error("out of memory");
    if (ok) {
        begin_debug_info(&state);
        declare_helpers(&state);
        declare_functions(&state, request->max_function_bytes, &result->native_count);
        result->fallback_count = wasm->func_def_count - result->native_count;
        for (uint32_t i = 0; ok && i < wasm->func_def_count; i++) {
            if (!state.functions[i])
                continue;
            ok = llvm_translate_function(&state, i, &error);
            if (ok) {
                define_entry(&state, i);
                char name[48];
                snprintf(name, sizeof name, "wasm_direct_%u", i);
                LLVMValueRef alias = LLVMAddAlias2(state.module, state.function_types[i], 0, state.functions[i], name);
                LLVMSetVisibility(alias, LLVMHiddenVisibility);
            }
        }
    }
    if (state.debug)
        LLVMDIBuilderFinalize(state.debug);
#ifdef WASMHOST_ASSERTS
    char *verify_message = NULL;
    if (ok && LLVMVerifyModule(state.module, LLVMReturnStatusAction, &verify_message)) {
        error = llvm_format_error("LLVM rejected the translated module (internal error): %.900s", verify_message);
        ok = false;
    }
    LLVMDisposeMessage(verify_message);
#endif
    if (ok)
        ok = llvm_keep_memory_traps(&state, machine, &error);
    if (ok) {
        LLVMPassBuilderOptionsRef options = LLVMCreatePassBuilderOptions();
        LLVMErrorRef pass_error =
            LLVMRunPasses(state.module, request->passes ? request->passes : DEFAULT_PASSES, machine, options);
        LLVMDisposePassBuilderOptions(options);
        if (pass_error) {
            char *message = LLVMGetErrorMessage(pass_error);
            error = llvm_format_error("LLVM's optimiser failed: %s", message);
            LLVMDisposeErrorMessage(message);
            ok = false;
        }
    }
    if (ok && getenv("WASMHOST_LLVM_DUMP_IR"))
        LLVMDumpModule(state.module);
    if (ok) {
        char *message = NULL;
        LLVMMemoryBufferRef buffer = NULL;
        if (LLVMTargetMachineEmitToMemoryBuffer(machine, state.module, LLVMObjectFile, &message, &buffer)) {
            error = llvm_format_error("LLVM could not emit code: %s", message ? message : "");
            LLVMDisposeMessage(message);
            ok = false;
        } else {
            result->object_size = LLVMGetBufferSize(buffer);
            result->object = malloc(result->object_size ? result->object_size : 1);
            if (result->object)
                memcpy(result->object, LLVMGetBufferStart(buffer), result->object_size);
            else
                error = llvm_format_error("out of memory"), ok = false;
            LLVMDisposeMemoryBuffer(buffer);
        }
    }
    free(state.functions);
    free(state.function_types);
    if (state.debug)
        LLVMDisposeDIBuilder(state.debug);
    LLVMDisposeModule(state.module);
    LLVMContextDispose(state.context);
    LLVMDisposeTargetMachine(machine);
    result->seconds = seconds_since(&start);
    if (!ok) {
        result->error = error ? error : llvm_format_error("compile failed");
        free(result->object);
        result->object = NULL;
    }
    return ok;
}

static void result_free(eng_llvm_result *result)
{
    free(result->object);
    free(result->error);
    memset(result, 0, sizeof *result);
}

__attribute__((visibility("default"))) const eng_llvm_interface *wasmhost_llvm_interface(void)
{
    static const eng_llvm_interface interface = {
        ENG_LLVM_ABI_VERSION, WASMHOST_BUILD_ID, LLVM_VERSION_STRING, compile, result_free,
    };
    return &interface;
}
