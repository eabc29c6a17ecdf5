# output_checks.cmake: output_problems(), the exit status and output checks shared by check_command.cmake and wasi/run_wasi_test.cmake.
# output_problems(STATUS OUT ERR RESULT): sets RESULT to one line per failed check ("" when all pass),
# comparing with the caller's check_exit, check_stdout / check_stderr (regular expressions the output
# must match) and check_stdout_not / check_stderr_not (must not match).
function(output_problems status out err result)
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
  set(${result} "${problems}" PARENT_SCOPE)
endfunction()
