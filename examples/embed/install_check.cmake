# install_check.cmake: installs the build into PREFIX, then builds SOURCE out of tree with nothing
# but `pkg-config --cflags --libs wasmhost` and runs it on MODULE. Run with cmake -P.
foreach(variable BUILD_DIR PREFIX WORK_DIR SOURCE MODULE CC PKG_CONFIG)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "install_check.cmake: ${variable} is not set")
  endif()
endforeach()

file(REMOVE_RECURSE ${PREFIX} ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}
  RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cmake --install failed:\n${output}")
endif()

# The headers, both libraries and the pkg-config file are where they belong.
file(GLOB_RECURSE pc_files ${PREFIX}/*/wasmhost.pc)
foreach(expected include/wasm.h include/wasmhost.h)
  if(NOT EXISTS ${PREFIX}/${expected})
    message(FATAL_ERROR "${PREFIX}/${expected} was not installed")
  endif()
endforeach()
if(NOT pc_files)
  message(FATAL_ERROR "wasmhost.pc was not installed under ${PREFIX}")
endif()
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir ${pc_file} DIRECTORY)

set(ENV{PKG_CONFIG_PATH} ${pc_dir})
execute_process(COMMAND ${PKG_CONFIG} --cflags --libs wasmhost
  RESULT_VARIABLE status OUTPUT_VARIABLE flags ERROR_VARIABLE error OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "pkg-config --cflags --libs wasmhost failed: ${error}")
endif()
message(STATUS "pkg-config --cflags --libs wasmhost: ${flags}")
separate_arguments(flag_list UNIX_COMMAND "${flags}")

# Sanitizer builds need the sanitizer runtime in the program too.
set(extra "")
if(EXISTS ${BUILD_DIR}/CMakeCache.txt)
  file(STRINGS ${BUILD_DIR}/CMakeCache.txt sanitize REGEX "^WASMHOST_SANITIZE:BOOL=ON")
  if(sanitize)
    set(extra -fsanitize=address,undefined)
  endif()
endif()

execute_process(COMMAND ${CC} -std=c17 -Wall -Wextra -Werror ${extra} -o ${WORK_DIR}/hello ${SOURCE} ${flag_list}
  WORKING_DIRECTORY ${WORK_DIR} RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "building ${SOURCE} with only pkg-config's flags failed:\n${output}")
endif()
execute_process(COMMAND ${WORK_DIR}/hello ${MODULE} RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT status EQUAL 0 OR NOT output MATCHES "ok: hello")
  message(FATAL_ERROR "the out-of-tree program failed (${status}):\n${output}")
endif()
message(STATUS "out-of-tree program built with pkg-config and ran:\n${output}")
