# same_backtrace.cmake: runs REFERENCE and then CANDIDATE (each a ;-list: program and arguments),
# which must both trap with MESSAGE (exit 1) and print the same backtrace on standard error: the
# functions FRAMES (a ;-list, innermost first), each with a byte offset (cmake -P). What follows
# the backtrace (a sanitizer build's LeakSanitizer summary) is not compared.
set(expected "^trap: ${MESSAGE}\n")
foreach(frame IN LISTS FRAMES)
  string(APPEND expected "  at ${frame} \\(offset 0x[0-9a-f]+\\)\n")
endforeach()
string(APPEND expected "$")
foreach(side REFERENCE CANDIDATE)
  execute_process(COMMAND ${${side}} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE stderr)
  if(NOT status EQUAL 1)
    message(FATAL_ERROR "${${side}}: exit ${status}, expected 1 (a trap)\n${stderr}")
  endif()
  string(REGEX MATCH "^trap: [^\n]*\n(  at [^\n]*\n)*" err_${side} "${stderr}")
  if(NOT err_${side} MATCHES "${expected}")
    message(FATAL_ERROR "${${side}}: expected a backtrace matching\n${expected}\nit printed:\n${stderr}")
  endif()
endforeach()
if(NOT err_REFERENCE STREQUAL err_CANDIDATE)
  message(FATAL_ERROR "different backtraces:\n  ${REFERENCE}:\n${err_REFERENCE}\n  ${CANDIDATE}:\n${err_CANDIDATE}")
endif()
message(STATUS "same backtrace:\n${err_CANDIDATE}")
