# The WASI family of fuzz targets (included by tests/fuzz/CMakeLists.txt).

# fuzz_wasi: random wasi_snapshot_preview1 calls with biased arguments, in process, against a
# read-write and a read-only scratch tree; seeds from wasi_seeds_writer (fuzz_wasi.h's format).
add_executable(wasi_seeds_writer fuzz_wasi_seeds.c)
target_link_libraries(wasi_seeds_writer PRIVATE wasmhost_wasi)
set(FUZZ_WASI_SEEDS ${FUZZ_SEEDS_DIR}/wasi/misc)
add_custom_command(
  OUTPUT ${FUZZ_WASI_SEEDS}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${FUZZ_SEEDS_DIR}/wasi
  COMMAND wasi_seeds_writer ${FUZZ_SEEDS_DIR}/wasi
  DEPENDS wasi_seeds_writer
  COMMENT "Writing the seeds of fuzz_wasi"
  VERBATIM)
add_custom_target(fuzz_wasi_seed_files DEPENDS ${FUZZ_WASI_SEEDS})
wasmhost_fuzz_target(wasi SOURCES fuzz_wasi.c LIBS wasmhost_wasi SEEDS_TARGET fuzz_wasi_seed_files)
# Building the target alone (cmake --build ... --target fuzz_wasi) makes its seeds too.
add_dependencies(fuzz_wasi fuzz_wasi_seed_files)
