# guest_build.cmake: wasmhost_guest(), which compiles one C service to WebAssembly for the http or wagi ABI (examples/services, tests/host).
find_program(WASM_CLANG NAMES clang clang-14)
set(WASI_SYSROOT /usr CACHE PATH "wasi-libc sysroot (lib/wasm32-wasi/libc.a, include/wasm32-wasi/)")
if(NOT WASM_CLANG OR NOT EXISTS "${WASI_SYSROOT}/lib/wasm32-wasi/libc.a")
  message(FATAL_ERROR "the example services need clang, lld and wasi-libc (${WASI_SYSROOT}/lib/wasm32-wasi/libc.a); "
                      "on Debian: apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32")
endif()

# wasmhost_guest(OUTPUT SOURCE KIND): KIND is
#   http       the http ABI without a C library (sdk/c/wasmhost_http.h only): the smallest module
#   http-wasi  the http ABI with wasi-libc, as a WASI reactor (_initialize runs before handle)
#   wagi       a WASI command (main) for the wagi ABI
# Appends OUTPUT to the list variable WASMHOST_GUESTS in the caller's scope.
function(wasmhost_guest output source kind)
  if(kind STREQUAL "http")
    set(flags --target=wasm32 -ffreestanding -nostdlib -Wl,--no-entry)
  elseif(kind STREQUAL "http-wasi")
    set(flags --target=wasm32-wasi --sysroot=${WASI_SYSROOT} -mexec-model=reactor)
  elseif(kind STREQUAL "wagi")
    set(flags --target=wasm32-wasi --sysroot=${WASI_SYSROOT})
  else()
    message(FATAL_ERROR "wasmhost_guest: unknown kind '${kind}' (http, http-wasi or wagi)")
  endif()
  get_filename_component(name ${source} NAME)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${WASM_CLANG} ${WASM_GUEST_FLAGS} ${flags} -O2 -Wall -Wextra -I${CMAKE_SOURCE_DIR}/sdk/c -o ${output} ${source}
    DEPENDS ${source} ${CMAKE_SOURCE_DIR}/sdk/c/wasmhost_http.h ${CMAKE_SOURCE_DIR}/sdk/c/wasmhost_capabilities.h
            ${CMAKE_SOURCE_DIR}/sdk/c/wasmhost_results.h
    COMMENT "Compiling ${name} to WebAssembly (${kind})"
    VERBATIM)
  set(WASMHOST_GUESTS ${WASMHOST_GUESTS} ${output} PARENT_SCOPE)
endfunction()
