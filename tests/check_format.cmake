# check_format.cmake: fails when a C source or header of the project differs from what clang-format (.clang-format) makes of it (cmake -P).
#
#   cmake -DCLANG_FORMAT=/usr/bin/clang-format-14 -DSOURCE_DIR=<repository> -P check_format.cmake
#
# Reads src/, include/, sdk/, tests/, bench/ and examples/ (not build output) and names every file
# clang-format would change; fix them with `clang-format -i FILE...`.
file(GLOB_RECURSE files
  ${SOURCE_DIR}/src/*.c ${SOURCE_DIR}/src/*.h ${SOURCE_DIR}/include/*.h ${SOURCE_DIR}/sdk/*.h
  ${SOURCE_DIR}/tests/*.c ${SOURCE_DIR}/tests/*.h ${SOURCE_DIR}/bench/*.c ${SOURCE_DIR}/bench/*.h
  ${SOURCE_DIR}/examples/*.c ${SOURCE_DIR}/examples/*.h)
set(unformatted "")
foreach(file IN LISTS files)
  execute_process(COMMAND ${CLANG_FORMAT} --dry-run -Werror ${file}
    RESULT_VARIABLE status OUTPUT_QUIET ERROR_QUIET)
  if(NOT status EQUAL 0)
    file(RELATIVE_PATH name ${SOURCE_DIR} ${file})
    list(APPEND unformatted ${name})
  endif()
endforeach()
list(LENGTH files checked)
if(unformatted)
  list(JOIN unformatted "\n  " text)
  message(FATAL_ERROR "not formatted as .clang-format says (clang-format -i them):\n  ${text}")
endif()
message(STATUS "${checked} files formatted as .clang-format says")
