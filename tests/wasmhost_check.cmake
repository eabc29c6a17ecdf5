# wasmhost_check.cmake: wasmhost_check(), which adds a ctest that runs a command and checks its
# exit status and output (see check_command.cmake).
include_guard(GLOBAL)

# wasmhost_check(NAME EXIT code [STDOUT regex] [STDERR regex] [STDOUT_NOT regex]
#                [STDERR_NOT regex] [INPUT file] COMMAND program args...)
# INPUT: the command's standard input is that file (otherwise ctest's own).
# The expectations are written to a script file so that no regex or argument needs shell quoting.
function(wasmhost_check name)
  cmake_parse_arguments(PARSE_ARGV 1 T "" "EXIT;STDOUT;STDERR;STDOUT_NOT;STDERR_NOT;INPUT" "COMMAND")
  if(NOT DEFINED T_EXIT OR NOT T_COMMAND)
    message(FATAL_ERROR "wasmhost_check(${name}): EXIT and COMMAND are required")
  endif()
  set(script "${CMAKE_BINARY_DIR}/checks/${name}.cmake")
  set(text "set(check_command")
  foreach(arg IN LISTS T_COMMAND)
    string(APPEND text " [==[${arg}]==]")
  endforeach()
  string(APPEND text ")\nset(check_exit ${T_EXIT})\n")
  foreach(key STDOUT STDERR STDOUT_NOT STDERR_NOT INPUT)
    if(DEFINED T_${key})
      string(TOLOWER "${key}" lower)
      string(APPEND text "set(check_${lower} [==[${T_${key}}]==])\n")
    endif()
  endforeach()
  string(APPEND text "include([==[${CMAKE_SOURCE_DIR}/tests/check_command.cmake]==])\n")
  file(WRITE "${script}" "${text}")
  add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} -P "${script}")
  wasmhost_test_environment(${name})
  wasmhost_tier_diff_candidate(${name} ${T_EXIT} ${T_COMMAND})
endfunction()

# wasmhost_tier_diff_candidate(NAME EXIT command...): offers the check NAME (its script is
# checks/NAME.cmake) to the tier-differential test (tests/compiler/tier_diff.cmake), which runs
# its command on --tier interp and --tier compiled and compares the outputs. Taken: commands that
# run a guest (`wasmhost run`, `invoke` or `call`), except usage errors and --help (nothing runs),
# artifacts (.cwasm: compiled already) and commands whose output depends on the tier or on time by
# design: a tier or cache option of their own, --timeout
# (the report says when it stopped) and --max-stack (the bound counts each tier's own frames, so
# how deep a finite recursion gets under it depends on the tier).
function(wasmhost_tier_diff_candidate name exit)
  set(command ${ARGN})
  list(LENGTH command length)
  if(length LESS 3 OR exit EQUAL 2)
    return()
  endif()
  list(GET command 0 program)
  list(GET command 1 subcommand)
  if(NOT program STREQUAL "${CMAKE_BINARY_DIR}/wasmhost" OR NOT subcommand MATCHES "^(run|invoke|call)$")
    return()
  endif()
  foreach(arg IN LISTS command)
    if(arg MATCHES "^--(tier|no-cache|cache-dir|cache-max|timeout|max-stack|help)(=|$)" OR arg MATCHES "\\.cwasm$")
      return()
    endif()
  endforeach()
  set_property(GLOBAL APPEND PROPERTY WASMHOST_TIER_DIFF_CASES ${name})
  set_property(GLOBAL PROPERTY WASMHOST_TIER_DIFF_DIR_${name} ${CMAKE_CURRENT_BINARY_DIR})
endfunction()

# Tests of a sanitizer build need the engine's SIGSEGV handler (memory guard pages) to work.
# LSAN_OPTIONS=use_tls=0: GCC 12's LeakSanitizer reads a garbage entry of the dynamic TLS vector
# once libLLVM (dlopen'd by the compiling tier) is loaded, and crashes at exit ("Tracer caught
# signal 11", "DTLS 6 at 0x301-..."); not scanning thread-local storage can only add reports
# (a pointer kept only there would count as leaked), never hide a leak.
function(wasmhost_test_environment name)
  if(WASMHOST_SANITIZE)
    set_tests_properties(${name} PROPERTIES
      ENVIRONMENT "ASAN_OPTIONS=allow_user_segv_handler=1:detect_leaks=1;UBSAN_OPTIONS=print_stacktrace=1;LSAN_OPTIONS=use_tls=0")
  endif()
endfunction()
