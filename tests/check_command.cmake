# check_command.cmake: runs one command and checks its exit status and output (used with cmake -P).
# Expects: check_command (list), check_exit; optional check_stdout / check_stderr (regular
# expressions the output must match) and check_stdout_not / check_stderr_not (must not match).
execute_process(COMMAND ${check_command}
                RESULT_VARIABLE status
                OUTPUT_VARIABLE out
                ERROR_VARIABLE err
                TIMEOUT 300)
string(JOIN " " shown ${check_command})
set(problems "")
if(NOT status STREQUAL check_exit)
  string(APPEND problems "exit status: expected ${check_exit}, got ${status}\n")
endif()
foreach(stream stdout stderr)
  if(stream STREQUAL "stdout")
    set(text "${out}")
  else()
    set(text "${err}")
  endif()
  if(DEFINED check_${stream} AND NOT text MATCHES "${check_${stream}}")
    string(APPEND problems "${stream} does not match: ${check_${stream}}\n")
  endif()
  if(DEFINED check_${stream}_not AND text MATCHES "${check_${stream}_not}")
    string(APPEND problems "${stream} must not match: ${check_${stream}_not}\n")
  endif()
endforeach()
if(problems)
  message(FATAL_ERROR "command: ${shown}\n${problems}--- stdout ---\n${out}--- stderr ---\n${err}--------------")
endif()
message(STATUS "ok: ${shown}")
