# engine_seeds.cmake: the seed corpora of the engine's fuzz targets, from the modules and scripts the build converted.
#
#   cmake -DMODE=wasm -DOUT=DIR -DSOURCES="DIR;..." [-DWASM_OPT=PATH -DTTF_OUT=DIR -DTTF_COUNT=N] -P engine_seeds.cmake
#     every .wasm under SOURCES (the SIMD spec modules included) into OUT, named after
#     its folder; with WASM_OPT, also TTF_COUNT valid random modules made by binaryen's
#     translate-to-fuzz from the bytes of those files, into TTF_OUT.
#   cmake -DMODE=wast -DOUT=DIR -DMODULES=DIR -DSPEC=DIR -DENGINE=DIR -P engine_seeds.cmake
#     the wast2json scripts of SPEC/*/ and ENGINE/*/ (up to 128 KiB) into OUT, and the modules
#     they name, all in the one folder MODULES (fuzz_wast reads them from there); the engine
#     tests' names collide with the spec's (memory, values), so theirs get the prefix engine-.
# Files are copied only when they changed, so running it again is cheap.
cmake_minimum_required(VERSION 3.25)

function(copy_if_changed from to)
  if(NOT EXISTS ${to} OR ${from} IS_NEWER_THAN ${to})
    file(COPY_FILE ${from} ${to})
  endif()
endfunction()

if(MODE STREQUAL "wasm")
  file(MAKE_DIRECTORY ${OUT})
  set(all "")
  foreach(source IN LISTS SOURCES)
    file(GLOB_RECURSE found ${source}/*.wasm)
    foreach(file IN LISTS found)
      file(RELATIVE_PATH relative ${source} ${file})
      if(relative MATCHES "CMakeFiles")
        continue()
      endif()
      get_filename_component(parent ${source} NAME)
      string(REPLACE "/" "-" name "${parent}-${relative}")
      copy_if_changed(${file} ${OUT}/${name})
      list(APPEND all ${file})
    endforeach()
  endforeach()
  list(LENGTH all count)
  if(count EQUAL 0)
    message(FATAL_ERROR "engine_seeds: no .wasm file under ${SOURCES}")
  endif()
  if(WASM_OPT)
    # Binaryen's translate-to-fuzz turns any bytes into a valid module (with imports from
    # "fuzzing-support", which fuzz_run provides): WebAssembly 2.0 without SIMD (the SIMD spec
    # modules among the seeds bring it in). Every
    # (count / TTF_COUNT)-th file is the entropy of one.
    file(MAKE_DIRECTORY ${TTF_OUT})
    list(SORT all)
    math(EXPR step "${count} / ${TTF_COUNT}")
    if(step LESS 1)
      set(step 1)
    endif()
    set(made 0)
    foreach(index RANGE 0 ${count} ${step})
      if(index GREATER_EQUAL count OR made GREATER_EQUAL TTF_COUNT)
        break()
      endif()
      list(GET all ${index} entropy)
      set(output ${TTF_OUT}/ttf-${made}.wasm)
      if(NOT EXISTS ${output} OR ${entropy} IS_NEWER_THAN ${output})
        execute_process(
          COMMAND ${WASM_OPT} -ttf ${entropy} --mvp-features --enable-mutable-globals --enable-sign-ext
                  --enable-nontrapping-float-to-int --enable-bulk-memory --enable-reference-types --enable-multivalue
                  -o ${output}
          RESULT_VARIABLE status OUTPUT_QUIET ERROR_QUIET)
        if(NOT status EQUAL 0)
          file(REMOVE ${output})
        endif()
      endif()
      math(EXPR made "${made} + 1")
    endforeach()
  endif()
elseif(MODE STREQUAL "wast")
  file(MAKE_DIRECTORY ${OUT} ${MODULES})
  foreach(kind spec engine)
    if(kind STREQUAL "spec")
      set(dir ${SPEC})
      set(prefix "")
    else()
      set(dir ${ENGINE})
      set(prefix "engine-")
    endif()
    file(GLOB scripts ${dir}/*/*.json)
    foreach(script IN LISTS scripts)
      get_filename_component(name ${script} NAME_WE)
      get_filename_component(folder ${script} DIRECTORY)
      file(SIZE ${script} size)
      if(size GREATER 131072)
        continue()
      endif()
      file(GLOB modules ${folder}/${name}.*.wasm)
      foreach(module IN LISTS modules)
        get_filename_component(module_name ${module} NAME)
        copy_if_changed(${module} ${MODULES}/${prefix}${module_name})
      endforeach()
      set(output ${OUT}/${prefix}${name}.json)
      if(prefix STREQUAL "")
        copy_if_changed(${script} ${output})
      elseif(NOT EXISTS ${output} OR ${script} IS_NEWER_THAN ${output})
        file(READ ${script} text)
        string(REPLACE "\"filename\": \"${name}." "\"filename\": \"${prefix}${name}." text "${text}")
        file(WRITE ${output} "${text}")
      endif()
    endforeach()
  endforeach()
else()
  message(FATAL_ERROR "engine_seeds: MODE must be wasm or wast")
endif()
