# coverage.cmake: fails when a fused form or superinstruction of code.h is named by no
# `;; expect-code` annotation of the tests/engine/*.wast scripts (run with cmake -P).
#
#   cmake -DCODE_H=src/engine/code.h -DSCRIPTS_DIR=tests/engine -P coverage.cmake
#
# An opcode written with {BACK} counts for the modes its annotation applies to: "" (none),
# _BACK (epoch), _BACK_FUEL (fuel, all).
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/opcodes.cmake)
engine_read_opcodes("${CODE_H}" opcodes)

# The opcodes these tests are about: every fused or extended form the translator chooses, and
# the moves and constants that the "fresh value" and constant-slot paths decide about.
set(fused "")
foreach(name IN LISTS opcodes)
  if(name MATCHES "^BR(_IF|_UNLESS)?(_BACK|_BACK_FUEL)?$" OR name MATCHES "^BR_IF_I(32|64)_"
     OR name MATCHES "^I32_ADD_BR_IF_" OR name MATCHES "^(I32|I64|F32|F64)_(LOAD|STORE)[0-9A-Z_]*_ADD$" OR name MATCHES "^(I32|I64|F32|F64)_LOAD_SHL$"
     OR name MATCHES "^(I32|I64|F32|F64)_(ADD|SUB|MUL)_LOAD$" OR name MATCHES "^F(32|64)_MUL_(ADD|LOAD_ADD|ADD_STORE)$"
     OR name MATCHES "^I32_[A-Z_]+_THEN_[A-Z_]+$" OR name MATCHES "^BR_TABLE_LOAD_SHL$" OR name MATCHES "^(FUEL|I32_ADD_SHL|I32_ADD2|CONST32|CONST64|SELECT|COPY|COPY2)$")
    list(APPEND fused ${name})
  endif()
endforeach()

# Never emitted, so no script can show them: a back-edge is always a branch taken when its
# condition holds (emit_jump), and i64.eqz only becomes BR_IF_I64_NEZ when the jump is taken on
# false (an `if`, or the forward skip around a br_if's value copies), never towards a loop.
set(unreachable BR_IF_I64_NEZ_BACK BR_IF_I64_NEZ_BACK_FUEL)

file(GLOB scripts "${SCRIPTS_DIR}/*.wast")
set(covered "")
foreach(script IN LISTS scripts)
  file(STRINGS "${script}" annotations REGEX "^[ \t]*;;[ \t]*expect-code")
  foreach(line IN LISTS annotations)
    if(NOT line MATCHES "expect-code(\\[([a-z,]+)\\])?:[ \t]*[A-Za-z0-9_]+:[ \t]*(.*)$")
      continue()
    endif()
    set(modes "${CMAKE_MATCH_2}")
    string(REGEX REPLACE "[ \t]+" ";" names "${CMAKE_MATCH_3}")
    if(modes STREQUAL "")
      set(modes "none,epoch,fuel")
    endif()
    set(suffixes "")
    if(modes MATCHES "none")
      list(APPEND suffixes "-")
    endif()
    if(modes MATCHES "epoch")
      list(APPEND suffixes "_BACK")
    endif()
    if(modes MATCHES "fuel|all")
      list(APPEND suffixes "_BACK_FUEL")
    endif()
    foreach(name IN LISTS names)
      foreach(suffix IN LISTS suffixes)
        if(suffix STREQUAL "-")
          set(suffix "")
        endif()
        string(REPLACE "{BACK}" "${suffix}" expanded "${name}")
        list(APPEND covered ${expanded})
      endforeach()
    endforeach()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES covered)

set(missing "")
set(listed "")
foreach(name IN LISTS fused)
  if(name IN_LIST unreachable)
    if(name IN_LIST covered)
      message(SEND_ERROR "${name} is listed as never emitted, but a script expects it: update coverage.cmake")
    endif()
  elseif(name IN_LIST covered)
    list(APPEND listed ${name})
  else()
    list(APPEND missing ${name})
  endif()
endforeach()
foreach(name IN LISTS unreachable)
  if(NOT name IN_LIST fused)
    message(SEND_ERROR "${name} (listed as never emitted) is not an opcode of code.h any more: update coverage.cmake")
  endif()
endforeach()
list(LENGTH listed covered_count)
list(LENGTH fused fused_count)
string(REPLACE ";" " " listed_text "${listed}")
string(REPLACE ";" " " unreachable_text "${unreachable}")
message(STATUS "covered ${covered_count} of ${fused_count} fused opcodes (never emitted: ${unreachable_text}):\n${listed_text}")
if(missing)
  string(REPLACE ";" " " missing_text "${missing}")
  message(FATAL_ERROR "no expect-code annotation names these fused opcodes: ${missing_text}")
endif()
