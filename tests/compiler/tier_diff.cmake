# tier_diff.cmake: runs one guest on --tier interp and on --tier compiled (both --no-cache) and fails
# unless the exit statuses, standard outputs and standard errors are the same (cmake -P).
#
# The command is either COMMAND (a ;-list: wasmhost, its subcommand, arguments) or the command of
# the check whose script is CASE (tests/wasmhost_check.cmake and tests/wasi's wasi_check write
# them; read with check_load_only, which runs nothing), run in WORKDIR, or for a WASI check in a
# fresh copy of its fixture at SCRATCH (@SCRATCH@ in arguments), with the check's standard input
# (else /dev/null) and environment. The tier options go right after the subcommand.
#
# Backtraces: the compiled tier does not name functions LLVM inlined and has no byte offsets yet
# (docs/compiler.md), so stderr is compared without its "  at ..." frame lines, and the frames the
# compiled tier prints must be the interpreter's in the same order with some left out (the
# interpreter's "... N more frames ..." line counts as a frame line).
cmake_minimum_required(VERSION 3.20) # policies: @VAR@ in arguments stays as written
if(CASE)
  set(check_load_only TRUE)
  include(${CASE})
  set(command ${check_command})
  if(check_scratch)
    wasi_fixture("${SCRATCH}") # run_wasi_test.cmake's, defined by the include
  endif()
  foreach(assignment IN LISTS check_env)
    string(FIND "${assignment}" "=" equals)
    string(SUBSTRING "${assignment}" 0 ${equals} name)
    math(EXPR value_start "${equals} + 1")
    string(SUBSTRING "${assignment}" ${value_start} -1 value)
    set(ENV{${name}} "${value}")
  endforeach()
else()
  set(command ${COMMAND})
endif()
set(input /dev/null)
if(DEFINED check_input)
  set(input "${check_input}")
elseif(DEFINED check_stdin)
  set(input "${check_stdin}")
endif()
if(NOT WORKDIR)
  set(WORKDIR "${CMAKE_CURRENT_BINARY_DIR}")
endif()
if(check_scratch)
  set(WORKDIR "${SCRATCH}")
endif()

# Frame lines out of `text` into `frames` (function names only), the rest into `rest`.
function(split_frames text rest frames)
  string(REPLACE ";" "\\;" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(kept "")
  set(names "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^  at ([^ ]+)")
      list(APPEND names "${CMAKE_MATCH_1}")
    elseif(line MATCHES "^  \\.\\.\\. [0-9]+ more frames \\.\\.\\.$")
      list(APPEND names "...") # the interpreter elides the middle of deep backtraces
    else()
      string(APPEND kept "${line}\n")
    endif()
  endforeach()
  set(${rest} "${kept}" PARENT_SCOPE)
  set(${frames} "${names}" PARENT_SCOPE)
endfunction()

# Under LeakSanitizer, its "Suppressions used" table (libLLVM's thread-local allocations, only on
# the compiled side) would end up in stderr.
if(DEFINED ENV{LSAN_OPTIONS})
  set(ENV{LSAN_OPTIONS} "$ENV{LSAN_OPTIONS}:print_suppressions=0")
endif()

list(GET command 0 program)
list(GET command 1 subcommand)
list(SUBLIST command 2 -1 arguments)
foreach(tier interp compiled)
  if(check_scratch AND tier STREQUAL "compiled")
    wasi_fixture("${SCRATCH}") # what the first run wrote is gone
  endif()
  set(run ${program} ${subcommand} --tier ${tier} --no-cache)
  foreach(arg IN LISTS arguments)
    string(REPLACE "@SCRATCH@" "${SCRATCH}" arg "${arg}")
    list(APPEND run "${arg}")
  endforeach()
  execute_process(COMMAND ${run} INPUT_FILE "${input}" WORKING_DIRECTORY "${WORKDIR}"
                  RESULT_VARIABLE status_${tier} OUTPUT_VARIABLE out_${tier} ERROR_VARIABLE err_${tier} TIMEOUT 600)
  split_frames("${err_${tier}}" rest_${tier} frames_${tier})
  string(JOIN " " shown_${tier} ${run})
endforeach()

set(problems "")
if(NOT status_interp STREQUAL status_compiled)
  string(APPEND problems "exit status: ${status_interp} interpreted, ${status_compiled} compiled\n")
endif()
if(NOT out_interp STREQUAL out_compiled)
  string(APPEND problems "stdout differs\n")
endif()
if(NOT rest_interp STREQUAL rest_compiled)
  string(APPEND problems "stderr differs (frame lines aside)\n")
endif()
# The compiled frames, a subsequence of the interpreter's (unless it elided some: the compiled
# tier keeps the innermost frames of a deep backtrace and does not say how many it left out).
set(remaining ${frames_interp})
if("..." IN_LIST frames_interp)
  set(frames_compiled "")
endif()
foreach(name IN LISTS frames_compiled)
  list(FIND remaining "${name}" at)
  if(at EQUAL -1)
    string(APPEND problems "backtrace: compiled frame '${name}' is not among the interpreter's (in order)\n")
    break()
  endif()
  math(EXPR next "${at} + 1")
  list(LENGTH remaining length)
  if(next LESS length)
    list(SUBLIST remaining ${next} -1 remaining)
  else()
    set(remaining "")
  endif()
endforeach()
if(frames_interp AND NOT frames_compiled AND NOT "..." IN_LIST frames_interp)
  string(APPEND problems "backtrace: the interpreter's has frames, the compiled tier's none\n")
endif()
if(problems)
  message(FATAL_ERROR "${problems}"
          "--- ${shown_interp}: exit ${status_interp}\n--- stdout ---\n${out_interp}--- stderr ---\n${err_interp}"
          "--- ${shown_compiled}: exit ${status_compiled}\n--- stdout ---\n${out_compiled}--- stderr ---\n${err_compiled}"
          "--------------")
endif()
string(LENGTH "${out_interp}" out_length)
message(STATUS "same on both tiers: exit ${status_interp}, ${out_length} bytes of stdout: ${shown_compiled}")
