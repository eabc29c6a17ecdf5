# opcodes.cmake: engine_read_opcodes(), the internal opcode names of src/engine/code.h, for
# check_code.cmake and coverage.cmake.

# engine_read_opcodes(CODE_H RESULT): every name of ENG_OPCODES, the back-edge families expanded
# (NAME_BACK and NAME_BACK_FUEL for each branch of ENG_BACK_EDGE_OPCODES) and the i32 pairs of
# ENG_I32_PAIRS.
function(engine_read_opcodes code_h_path result)
  file(READ "${code_h_path}" code_h)
  string(REGEX MATCHALL "X\\([A-Z0-9_]+," plain_names "${code_h}")
  string(REGEX MATCHALL "X\\([A-Z0-9_]+##SUFFIX," back_names "${code_h}")
  set(opcodes "")
  foreach(entry IN LISTS plain_names)
    string(REGEX REPLACE "^X\\(([A-Z0-9_]+),$" "\\1" name "${entry}")
    list(APPEND opcodes ${name})
  endforeach()
  foreach(entry IN LISTS back_names)
    string(REGEX REPLACE "^X\\(([A-Z0-9_]+)##SUFFIX,$" "\\1" name "${entry}")
    list(APPEND opcodes ${name}_BACK ${name}_BACK_FUEL)
  endforeach()
  # The i32 pairs: PAIR(X, first, second) is I32_first_THEN_second.
  string(REGEX MATCHALL "PAIR\\(X, [A-Z0-9_]+, [A-Z0-9_]+\\)" pair_names "${code_h}")
  foreach(entry IN LISTS pair_names)
    string(REGEX REPLACE "^PAIR\\(X, ([A-Z0-9_]+), ([A-Z0-9_]+)\\)$" "I32_\\1_THEN_\\2" name "${entry}")
    list(APPEND opcodes ${name})
  endforeach()
  list(LENGTH opcodes count)
  if(count LESS 200 OR NOT "BR_IF_I32_EQ_BACK_FUEL" IN_LIST opcodes OR NOT "I32_ADD_SHL" IN_LIST opcodes)
    message(FATAL_ERROR "could not read the opcode list of ${code_h_path} (found ${count} names)")
  endif()
  set(${result} "${opcodes}" PARENT_SCOPE)
endfunction()
