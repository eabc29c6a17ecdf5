# no_output.cmake: `wasmhost snapshot ARGS -o OUT` (ARGS '|'-separated) must fail (exit 1) saying STDERR (a regex), and
# leave neither OUT nor a temporary file next to it.
string(REPLACE "|" ";" ARGS "${ARGS}")
get_filename_component(folder ${OUT} DIRECTORY)
get_filename_component(name ${OUT} NAME)
file(REMOVE ${OUT})
execute_process(COMMAND ${WASMHOST} snapshot ${ARGS} -o ${OUT} RESULT_VARIABLE status OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
file(GLOB left ${folder}/${name}*)
if(NOT status EQUAL 1 OR NOT err MATCHES "${STDERR}" OR left)
  message(FATAL_ERROR "expected exit 1, stderr matching '${STDERR}' and no ${OUT}*; got exit ${status}, "
                      "files '${left}', stdout '${out}', stderr '${err}'")
endif()
