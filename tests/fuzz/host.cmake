# host.cmake: the fuzz targets of `wasmhost serve`'s parsers: the manifest, HTTP/1.1 connections, wagi output.
# Seeds (host_seeds.cmake, at build time): the test manifests, request streams, wagi outputs.
add_custom_target(fuzz_host_seeds
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DSEEDS_DIR=${FUZZ_SEEDS_DIR}
          -P ${CMAKE_CURRENT_SOURCE_DIR}/host_seeds.cmake
  COMMENT "Writing the seeds of fuzz_manifest, fuzz_http and fuzz_wagi_output"
  VERBATIM)

wasmhost_fuzz_target(manifest SOURCES fuzz_manifest.c LIBS wasmhost_host SEEDS_TARGET fuzz_host_seeds)
wasmhost_fuzz_target(http SOURCES fuzz_http.c LIBS wasmhost_host SEEDS_TARGET fuzz_host_seeds DICT http.dict)
wasmhost_fuzz_target(wagi_output SOURCES fuzz_wagi_output.c LIBS wasmhost_host SEEDS_TARGET fuzz_host_seeds)
