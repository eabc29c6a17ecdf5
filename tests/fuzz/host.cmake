# host.cmake: the fuzz targets of `wasmhost serve`: the manifest, HTTP/1.1 connections, wagi output, the admin API.
# Seeds (host_seeds.cmake, at build time): the test manifests, request streams, wagi outputs.
add_custom_target(fuzz_host_seeds
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DSEEDS_DIR=${FUZZ_SEEDS_DIR}
          -P ${CMAKE_CURRENT_SOURCE_DIR}/host_seeds.cmake
  COMMENT "Writing the seeds of fuzz_manifest, fuzz_http and fuzz_wagi_output"
  VERBATIM)

wasmhost_fuzz_target(manifest SOURCES fuzz_manifest.c LIBS wasmhost_host SEEDS_TARGET fuzz_host_seeds)
wasmhost_fuzz_target(http SOURCES fuzz_http.c LIBS wasmhost_host SEEDS_TARGET fuzz_host_seeds DICT http.dict)
wasmhost_fuzz_target(wagi_output SOURCES fuzz_wagi_output.c LIBS wasmhost_host SEEDS_TARGET fuzz_host_seeds)

# The admin API's operations, with one module uploaded (tests/host/guests/minimal.wat).
add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/admin_minimal.wasm
  COMMAND ${WAT2WASM} ${CMAKE_SOURCE_DIR}/tests/host/guests/minimal.wat -o ${CMAKE_CURRENT_BINARY_DIR}/admin_minimal.wasm
  DEPENDS ${CMAKE_SOURCE_DIR}/tests/host/guests/minimal.wat VERBATIM)
add_custom_target(fuzz_admin_module DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/admin_minimal.wasm)
wasmhost_fuzz_target(admin SOURCES fuzz_admin.c LIBS wasmhost_host SEEDS_TARGET fuzz_host_seeds)
add_dependencies(fuzz_admin fuzz_admin_module)
target_compile_definitions(fuzz_admin PRIVATE FUZZ_ADMIN_MODULE="${CMAKE_CURRENT_BINARY_DIR}/admin_minimal.wasm")
