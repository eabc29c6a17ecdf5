# same_output.cmake: runs REFERENCE and then CANDIDATE (each a ;-list: program and arguments) and
# fails unless both exit 0 and print the same standard output (cmake -P).
foreach(side REFERENCE CANDIDATE)
  execute_process(COMMAND ${${side}} RESULT_VARIABLE status OUTPUT_VARIABLE out_${side} ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${${side}}: exit ${status}\n${err}")
  endif()
endforeach()
if(NOT out_REFERENCE STREQUAL out_CANDIDATE)
  message(FATAL_ERROR "different output:\n  ${REFERENCE}: ${out_REFERENCE}\n  ${CANDIDATE}: ${out_CANDIDATE}")
endif()
message(STATUS "same output: ${out_CANDIDATE}")
