# plugin_build.cmake: wasmhost_plugin(), which compiles one C plugin (sdk/c/wasmhost_plugin.h) to WebAssembly (examples/plugins, tests/plugins).
include_guard(GLOBAL)
find_program(WASM_CLANG NAMES clang clang-14)
set(WASI_SYSROOT /usr CACHE PATH "wasi-libc sysroot (lib/wasm32-wasi/libc.a, include/wasm32-wasi/)")
if(NOT WASM_CLANG OR NOT EXISTS "${WASI_SYSROOT}/lib/wasm32-wasi/libc.a")
  message(FATAL_ERROR "the example plugins need clang, lld and wasi-libc (${WASI_SYSROOT}/lib/wasm32-wasi/libc.a); "
                      "on Debian: apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32")
endif()

# wasmhost_plugin(OUTPUT SOURCE [FREESTANDING]): without FREESTANDING, with wasi-libc as a WASI
# reactor (malloc, getenv; _initialize runs the constructors before each call); with it, no C
# library (the SDK's own allocator; -mbulk-memory so that copies need no memcpy). The commands are
# the ones sdk/c/wasmhost_plugin.h documents. Appends OUTPUT to the list variable WASMHOST_PLUGINS
# in the caller's scope.
function(wasmhost_plugin output source)
  cmake_parse_arguments(PARSE_ARGV 2 P "FREESTANDING" "" "")
  if(P_FREESTANDING)
    set(flags --target=wasm32 -ffreestanding -nostdlib -mbulk-memory -Wl,--no-entry)
    set(kind "no C library")
  else()
    set(flags --target=wasm32-wasi --sysroot=${WASI_SYSROOT} -mexec-model=reactor)
    set(kind "wasi-libc")
  endif()
  get_filename_component(name ${source} NAME)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${WASM_CLANG} ${WASM_GUEST_FLAGS} ${flags} -O2 -Wall -Wextra -Werror -I${CMAKE_SOURCE_DIR}/sdk/c -o ${output} ${source}
    DEPENDS ${source} ${CMAKE_SOURCE_DIR}/sdk/c/wasmhost_plugin.h ${CMAKE_SOURCE_DIR}/sdk/c/wasmhost_capabilities.h
            ${CMAKE_SOURCE_DIR}/sdk/c/wasmhost_results.h
    COMMENT "Compiling plugin ${name} to WebAssembly (${kind})"
    VERBATIM)
  set(WASMHOST_PLUGINS ${WASMHOST_PLUGINS} ${output} PARENT_SCOPE)
endfunction()
