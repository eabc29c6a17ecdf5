# engine.cmake: the engine's fuzz targets (module, run, wast), their seeds and the wasm dictionary; see CMakeLists.txt.
#
#  - module: decode + validate + compile (eng_module_load) of any bytes.
#  - run: loads, instantiates with default imports under small caps and fuel, calls every export;
#    its custom mutator keeps the module's structure (fuzz_run.c, fuzz_module_support.c).
#  - compile (with WASMHOST_LLVM): run's modules and mutator, each module that validates compiled
#    with the LLVM tier and run on both tiers under a deadline, the outcomes compared (fuzz_compile.c).
#  - wast: the script reader of `wasmhost wast` (src/cli/cli_wast.c) on any bytes as JSON.
# Seeds are made at build time (tests/fuzz/engine_seeds.cmake): the modules of the spec tests,
# of tests/engine, tests/data and examples, plus modules binaryen's translate-to-fuzz makes
# (run), and the wast2json scripts (wast). The dictionary of module and run is printed by
# wasm_dict.c from src/engine/instructions.h.

set(ENGINE_FUZZ_SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/engine_seeds.cmake)
set(ENGINE_FUZZ_WASM_SOURCES ${SPECTEST_DIR}/core ${CMAKE_BINARY_DIR}/tests/engine ${DATA_OUT}
    ${CMAKE_BINARY_DIR}/examples)
set(ENGINE_FUZZ_WASM_DEPENDS spectest_core engine_test_scripts test_data example_fib example_runaway
    example_services embed_modules)

# ---- the wasm dictionary, generated from the instruction table ----

# A tool of the build, so without the fuzzer's and sanitizers' flags the rest of the build gets.
add_executable(wasm_dict_writer wasm_dict.c)
set_property(TARGET wasm_dict_writer PROPERTY COMPILE_OPTIONS -Wall -Wextra)
set_property(TARGET wasm_dict_writer PROPERTY LINK_OPTIONS "")
target_include_directories(wasm_dict_writer PRIVATE ${CMAKE_SOURCE_DIR}/src/engine)
add_custom_command(
  OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/module.dict ${CMAKE_CURRENT_BINARY_DIR}/run.dict
  COMMAND wasm_dict_writer > ${CMAKE_CURRENT_BINARY_DIR}/module.dict
  COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_CURRENT_BINARY_DIR}/module.dict ${CMAKE_CURRENT_BINARY_DIR}/run.dict
  DEPENDS wasm_dict_writer
  COMMENT "Generating the wasm dictionary of fuzz_module and fuzz_run"
  VERBATIM)
add_custom_target(fuzz_wasm_dictionary DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/module.dict)

# ---- module ----

add_custom_target(fuzz_module_seeds
  COMMAND ${CMAKE_COMMAND} -DMODE=wasm -DOUT=${FUZZ_SEEDS_DIR}/module "-DSOURCES=${ENGINE_FUZZ_WASM_SOURCES}"
          -P ${ENGINE_FUZZ_SEEDS}
  COMMENT "Seeds of fuzz_module"
  VERBATIM)
add_dependencies(fuzz_module_seeds ${ENGINE_FUZZ_WASM_DEPENDS})
wasmhost_fuzz_target(module SOURCES fuzz_module.c LIBS wasmhost_static SEEDS_TARGET fuzz_module_seeds)
add_dependencies(fuzz_module fuzz_wasm_dictionary)

# ---- run ----

find_program(WASM_OPT wasm-opt)
if(WASM_OPT)
  set(ENGINE_FUZZ_TTF -DWASM_OPT=${WASM_OPT} -DTTF_OUT=${FUZZ_SEEDS_DIR}/run -DTTF_COUNT=200)
else()
  message(STATUS "fuzz_run: no wasm-opt (binaryen): seeds without translate-to-fuzz modules")
  set(ENGINE_FUZZ_TTF "")
endif()
add_custom_target(fuzz_run_seeds
  COMMAND ${CMAKE_COMMAND} -DMODE=wasm -DOUT=${FUZZ_SEEDS_DIR}/run "-DSOURCES=${ENGINE_FUZZ_WASM_SOURCES}"
          ${ENGINE_FUZZ_TTF} -P ${ENGINE_FUZZ_SEEDS}
  COMMENT "Seeds of fuzz_run"
  VERBATIM)
add_dependencies(fuzz_run_seeds ${ENGINE_FUZZ_WASM_DEPENDS})
wasmhost_fuzz_target(run SOURCES fuzz_run.c fuzz_module_support.c LIBS wasmhost_static SEEDS_TARGET fuzz_run_seeds)
add_dependencies(fuzz_run fuzz_wasm_dictionary)

# ---- compile: fuzz_run's modules and mutator, compiled with the LLVM tier, both tiers compared ----

if(WASMHOST_LLVM)
  string(REPLACE "-DTTF_OUT=${FUZZ_SEEDS_DIR}/run" "-DTTF_OUT=${FUZZ_SEEDS_DIR}/compile" compile_ttf "${ENGINE_FUZZ_TTF}")
  add_custom_target(fuzz_compile_seeds
    COMMAND ${CMAKE_COMMAND} -DMODE=wasm -DOUT=${FUZZ_SEEDS_DIR}/compile "-DSOURCES=${ENGINE_FUZZ_WASM_SOURCES}"
            ${compile_ttf} -P ${ENGINE_FUZZ_SEEDS}
    COMMENT "Seeds of fuzz_compile"
    VERBATIM)
  add_dependencies(fuzz_compile_seeds ${ENGINE_FUZZ_WASM_DEPENDS})
  wasmhost_fuzz_target(compile SOURCES fuzz_compile.c fuzz_module_support.c LIBS wasmhost_static
                       SEEDS_TARGET fuzz_compile_seeds)
  add_custom_command(
    OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/compile.dict
    COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_CURRENT_BINARY_DIR}/module.dict ${CMAKE_CURRENT_BINARY_DIR}/compile.dict
    DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/module.dict
    VERBATIM)
  add_custom_target(fuzz_compile_dictionary DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/compile.dict)
  add_dependencies(fuzz_compile fuzz_compile_dictionary wasmhost_llvm)
endif()

# ---- wast ----

# The sources of the wasmhost tool, main renamed (libFuzzer has the process's main): fuzz_wast
# calls cli_wast_run_json, the reader of `wasmhost wast`.
find_package(PkgConfig REQUIRED)
pkg_check_modules(FUZZ_JANSSON REQUIRED IMPORTED_TARGET jansson)
pkg_check_modules(FUZZ_CURL REQUIRED IMPORTED_TARGET libcurl) # the admin API's client (cli_admin_http.c)
file(GLOB ENGINE_FUZZ_CLI_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/cli/*.c)
add_library(fuzz_cli_objects OBJECT ${ENGINE_FUZZ_CLI_SOURCES})
target_compile_definitions(fuzz_cli_objects PRIVATE main=wasmhost_cli_main WASMHOST_VERSION="${PROJECT_VERSION}"
                           "WASMHOST_BUILD_ID=\"${WASMHOST_BUILD_ID}\"")
target_link_libraries(fuzz_cli_objects PUBLIC wasmhost_library wasmhost_host PkgConfig::FUZZ_JANSSON PkgConfig::FUZZ_CURL)

set(FUZZ_WAST_MODULES ${CMAKE_CURRENT_BINARY_DIR}/wast_modules)
add_custom_target(fuzz_wast_seeds
  COMMAND ${CMAKE_COMMAND} -DMODE=wast -DOUT=${FUZZ_SEEDS_DIR}/wast -DMODULES=${FUZZ_WAST_MODULES}
          -DSPEC=${SPECTEST_DIR}/core -DENGINE=${CMAKE_BINARY_DIR}/tests/engine -P ${ENGINE_FUZZ_SEEDS}
  COMMENT "Seeds of fuzz_wast and the modules they name"
  VERBATIM)
add_dependencies(fuzz_wast_seeds spectest_core engine_test_scripts)
wasmhost_fuzz_target(wast SOURCES fuzz_wast.c LIBS fuzz_cli_objects SEEDS_TARGET fuzz_wast_seeds DICT wast.dict)
target_include_directories(fuzz_wast PRIVATE ${CMAKE_SOURCE_DIR}/src/cli)
target_compile_definitions(fuzz_wast PRIVATE FUZZ_WAST_MODULES="${FUZZ_WAST_MODULES}")
