# check_engine_symbols.cmake: fails when the engine archive defines a global symbol without the engine's prefix eng_ (cmake -P).
#
#   cmake -DNM=/usr/bin/nm -DARCHIVE=build/libwasmhost_engine.a -P check_engine_symbols.cmake
#
# Public names (wasm_*, wh_*) belong to src/api; everything src/engine defines for the layers
# above it is eng_*, and its other functions are static (docs/internals.md). Names the compiler
# makes (two leading underscores, reserved to it) are not counted.
execute_process(COMMAND ${NM} -g --defined-only ${ARCHIVE} OUTPUT_VARIABLE listing RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${NM} could not read ${ARCHIVE}")
endif()
string(REGEX MATCHALL "\n[0-9a-f]+ [A-Za-z] [^\n]+" symbols "\n${listing}")
set(bad "")
set(count 0)
foreach(line IN LISTS symbols)
  string(REGEX REPLACE "^\n[0-9a-f]+ [A-Za-z] " "" name "${line}")
  math(EXPR count "${count} + 1")
  # Names with two leading underscores are the compiler's (AddressSanitizer's __odr_asan.*).
  if(NOT name MATCHES "^eng_" AND NOT name MATCHES "^__")
    list(APPEND bad ${name})
  endif()
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "no symbols found in ${ARCHIVE}")
endif()
if(bad)
  list(JOIN bad "\n  " text)
  message(FATAL_ERROR "global symbols of the engine without the prefix eng_:\n  ${text}")
endif()
message(STATUS "${count} global symbols of the engine, all eng_*")
