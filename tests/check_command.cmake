# check_command.cmake: runs one command and checks its exit status and output (used with cmake -P).
# Expects: check_command (list), check_exit; optional check_stdout / check_stderr (regular
# expressions the output must match), check_stdout_not / check_stderr_not (must not match) and
# check_input (a file for the command's standard input). With check_load_only set (the
# tier-differential test reads a check's variables this way), it only returns.
if(check_load_only)
  return()
endif()
include(${CMAKE_CURRENT_LIST_DIR}/output_checks.cmake)

set(input_option "")
if(DEFINED check_input)
  set(input_option INPUT_FILE "${check_input}")
endif()
execute_process(COMMAND ${check_command}
                ${input_option}
                RESULT_VARIABLE status
                OUTPUT_VARIABLE out
                ERROR_VARIABLE err
                TIMEOUT 300)
string(JOIN " " shown ${check_command})
output_problems("${status}" "${out}" "${err}" problems)
if(problems)
  message(FATAL_ERROR "command: ${shown}\n${problems}--- stdout ---\n${out}--- stderr ---\n${err}--------------")
endif()
message(STATUS "ok: ${shown}")
