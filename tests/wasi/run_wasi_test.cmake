# run_wasi_test.cmake: runs one `wasmhost run` test in a fresh scratch directory (used with cmake -P).
# Expects (set by the generated script, see wasi_check() in CMakeLists.txt):
#   check_command      the command; @SCRATCH@ in any argument becomes the scratch directory
#   check_scratch      the scratch directory (removed and rebuilt first)
#   check_exit         expected exit status
# optional: check_stdout / check_stderr (regexes that must match), check_stdout_not /
#   check_stderr_not (must not match), check_stdin (file for stdin), check_env (NAME=VALUE list),
#   check_racer (a command run at the same time, e.g. swap_racer.sh)
#
# Fixture, made for every test:
#   sandbox/file.txt                  "sandbox file\n"
#   sandbox/abs_link -> SCRATCH/outside/secret.txt   (absolute link out)
#   sandbox/abs_dir  -> SCRATCH/outside              (absolute link to a directory out)
#   sandbox/rel_out  -> ../outside/secret.txt         (relative link out)
#   outside/secret.txt                "secret\n"   (must never change)
#   ro/data.txt, ro/sub/inner.txt, ro/link -> data.txt (for --dir-ro; must never change)
# After the run, outside/ and ro/ are compared with what they were: names, link targets,
# contents and modification times.

include(${CMAKE_CURRENT_LIST_DIR}/../output_checks.cmake)

# wasi_fixture(SCRATCH): removes SCRATCH and builds the fixture above in it (the tier-differential
# test builds it this way before each run).
function(wasi_fixture scratch)
  # rm rather than file(REMOVE_RECURSE), which stops at names that are not UTF-8 (fuzz_calls makes them).
  execute_process(COMMAND rm -rf "${scratch}")
  file(MAKE_DIRECTORY "${scratch}/sandbox" "${scratch}/outside" "${scratch}/ro/sub")
  file(WRITE "${scratch}/sandbox/file.txt" "sandbox file\n")
  file(WRITE "${scratch}/outside/secret.txt" "secret\n")
  file(WRITE "${scratch}/ro/data.txt" "read only data\n")
  file(WRITE "${scratch}/ro/sub/inner.txt" "inner\n")
  file(CREATE_LINK "data.txt" "${scratch}/ro/link" SYMBOLIC)
  file(CREATE_LINK "${scratch}/outside/secret.txt" "${scratch}/sandbox/abs_link" SYMBOLIC)
  file(CREATE_LINK "${scratch}/outside" "${scratch}/sandbox/abs_dir" SYMBOLIC)
  file(CREATE_LINK "../outside/secret.txt" "${scratch}/sandbox/rel_out" SYMBOLIC)
  # Old, distinctive times, so that a change is visible whatever the clock's granularity.
  execute_process(COMMAND touch -h -d "2001-02-03 04:05:06" "${scratch}/outside/secret.txt" "${scratch}/outside"
                          "${scratch}/ro/data.txt" "${scratch}/ro/sub/inner.txt" "${scratch}/ro/sub"
                          "${scratch}/ro/link" "${scratch}/ro")
endfunction()

# A text description of a tree: every entry with its type, link target or content hash, and times.
function(describe_tree root out)
  file(GLOB_RECURSE entries LIST_DIRECTORIES true RELATIVE "${root}" "${root}/*")
  list(SORT entries)
  execute_process(COMMAND stat -c "%n %F %s %Y" "${root}" OUTPUT_VARIABLE text)
  foreach(entry IN LISTS entries)
    set(path "${root}/${entry}")
    execute_process(COMMAND stat -c "%F %s %Y" "${path}" OUTPUT_VARIABLE info)
    string(APPEND text "${entry}: ${info}")
    if(IS_SYMLINK "${path}")
      file(READ_SYMLINK "${path}" target)
      string(APPEND text "  -> ${target}\n")
    elseif(NOT IS_DIRECTORY "${path}")
      file(SHA256 "${path}" hash)
      string(APPEND text "  ${hash}\n")
    endif()
  endforeach()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# With check_load_only set (the tier-differential test reads a check's variables and functions
# this way), nothing runs.
if(check_load_only)
  return()
endif()
set(scratch "${check_scratch}")
wasi_fixture("${scratch}")
describe_tree("${scratch}/outside" outside_before)
describe_tree("${scratch}/ro" ro_before)

set(command "")
foreach(arg IN LISTS check_command)
  string(REPLACE "@SCRATCH@" "${scratch}" arg "${arg}")
  list(APPEND command "${arg}")
endforeach()
foreach(assignment IN LISTS check_env)
  string(FIND "${assignment}" "=" equals)
  string(SUBSTRING "${assignment}" 0 ${equals} name)
  math(EXPR value_start "${equals} + 1")
  string(SUBSTRING "${assignment}" ${value_start} -1 value)
  set(ENV{${name}} "${value}")
endforeach()
set(input_args "")
if(DEFINED check_stdin)
  set(input_args INPUT_FILE "${check_stdin}")
endif()
# A racer runs at the same time as the command (as the first stage of a pipeline; it prints nothing).
set(racer_args "")
if(check_racer)
  set(racer "")
  foreach(arg IN LISTS check_racer)
    string(REPLACE "@SCRATCH@" "${scratch}" arg "${arg}")
    list(APPEND racer "${arg}")
  endforeach()
  set(racer_args COMMAND ${racer})
endif()
execute_process(${racer_args}
                COMMAND ${command}
                ${input_args}
                WORKING_DIRECTORY "${scratch}"
                RESULT_VARIABLE status
                OUTPUT_VARIABLE out
                ERROR_VARIABLE err
                TIMEOUT 300)

string(JOIN " " shown ${command})
output_problems("${status}" "${out}" "${err}" problems)
describe_tree("${scratch}/outside" outside_after)
describe_tree("${scratch}/ro" ro_after)
if(NOT outside_after STREQUAL outside_before)
  string(APPEND problems "the directory outside the sandbox changed:\nbefore:\n${outside_before}after:\n${outside_after}")
endif()
if(NOT ro_after STREQUAL ro_before)
  string(APPEND problems "the read-only directory changed:\nbefore:\n${ro_before}after:\n${ro_after}")
endif()
if(problems)
  message(FATAL_ERROR "command: ${shown}\n${problems}--- stdout ---\n${out}--- stderr ---\n${err}--------------")
endif()
message(STATUS "ok: ${shown}")
