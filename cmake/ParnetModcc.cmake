# parnet-modcc (tools/modcc): NMODL -> C++ mechanism catalogues (docs/mechanisms.md).
#   bin/parnet-modcc DIR -o NAME.so   a catalogue library, compiled with the engine's flags
#   parnet_add_catalogue(target NAME DIR)   the same as part of a CMake build (a MODULE library)
find_program(PARNET_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT PARNET_PYTHON)
  find_program(PARNET_PYTHON NAMES python3)
endif()
execute_process(COMMAND ${PARNET_PYTHON} -c "import nmodl.dsl, sympy"
                RESULT_VARIABLE parnet_nmodl_missing OUTPUT_QUIET ERROR_QUIET)
if(parnet_nmodl_missing)
  message(FATAL_ERROR "parnet-modcc needs NMODL's Python front end and sympy for ${PARNET_PYTHON}: "
                      "install the Debian packages python3-nmodl python3-sympy")
endif()

set(PARNET_MODCC_DIR ${CMAKE_CURRENT_LIST_DIR}/../tools/modcc)
get_filename_component(PARNET_MODCC_DIR ${PARNET_MODCC_DIR} ABSOLUTE)
# Generated kernels: the lane loops are `omp simd` loops; -fno-trapping-math lets the compiler
# evaluate both sides of an if/else and select (the same IEEE results); no FMA contraction, as
# in the rest of the engine (results must not depend on the shape of an expression).
set(PARNET_MECHANISM_FLAGS -fopenmp-simd -fno-trapping-math)
if(PARNET_FP_CONTRACT_OFF)
  list(APPEND PARNET_MECHANISM_FLAGS -ffp-contract=off)
endif()
# A block's 8 lanes in one AVX-512 register where the CPU has them (GCC's -march=native prefers
# 256-bit vectors): the lane loops are element-wise, so the bits are those of any width; about 6%
# of the ten-mechanism cell (bench/mechanism_bench). No effect on a CPU without AVX-512.
if(PARNET_NATIVE)
  list(APPEND PARNET_MECHANISM_FLAGS -mprefer-vector-width=512)
endif()
string(REPLACE ";" " " flags "${PARNET_MECHANISM_FLAGS}")
set(PARNET_MODCC_FLAGS "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_RELEASE} ${flags}")
if(PARNET_NATIVE)
  string(APPEND PARNET_MODCC_FLAGS " -march=native")
endif()
file(WRITE ${PROJECT_BINARY_DIR}/modcc/parnet_modcc_config.py
     "COMPILER = \"${CMAKE_CXX_COMPILER}\"\nFLAGS = \"${PARNET_MODCC_FLAGS}\"\nSOURCE_DIR = \"${PROJECT_SOURCE_DIR}\"\n")
file(WRITE ${PROJECT_BINARY_DIR}/bin/parnet-modcc
     "#!/bin/sh\nPYTHONPATH=\"${PROJECT_BINARY_DIR}/modcc\${PYTHONPATH:+:\$PYTHONPATH}\" exec ${PARNET_PYTHON} ${PARNET_MODCC_DIR}/parnet_modcc.py \"$@\"\n")
file(CHMOD ${PROJECT_BINARY_DIR}/bin/parnet-modcc
     PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(PARNET_MODCC ${PROJECT_BINARY_DIR}/bin/parnet-modcc)
file(GLOB PARNET_MODCC_SOURCES ${PARNET_MODCC_DIR}/*.py)

# The C++ of .mod files (given in the catalogue's order), regenerated when one of them or the
# compiler changes.
function(parnet_translate_mechanisms out_cpp name entry)
  add_custom_command(OUTPUT ${out_cpp}
    COMMAND ${PARNET_MODCC} ${ARGN} ${PARNET_MODCC_OPTIONS} --cpp ${out_cpp} --name ${name} --entry ${entry}
    DEPENDS ${ARGN} ${PARNET_MODCC_SOURCES}
    COMMENT "parnet-modcc: translating ${name}"
    VERBATIM)
endfunction()

# A loadable catalogue NAME.so (in the build's lib/ folder) from .mod files and folders of them,
# in the order given (a folder's files in name order): the order in which cells run them.
# NO_CACHE: parnet-modcc --no-cache (every value computed in every step; tests compare with it).
function(parnet_add_catalogue target name)
  cmake_parse_arguments(PARSE_ARGV 2 catalogue "NO_CACHE" "" "")
  set(PARNET_MODCC_OPTIONS)
  if(catalogue_NO_CACHE)
    set(PARNET_MODCC_OPTIONS --no-cache)
  endif()
  set(cpp ${CMAKE_CURRENT_BINARY_DIR}/${name}_catalogue.cpp)
  set(mods)
  foreach(input ${catalogue_UNPARSED_ARGUMENTS})
    if(IS_DIRECTORY ${input})
      file(GLOB found CONFIGURE_DEPENDS ${input}/*.mod)
      list(SORT found)
      list(APPEND mods ${found})
    else()
      list(APPEND mods ${input})
    endif()
  endforeach()
  parnet_translate_mechanisms(${cpp} ${name} parnet_get_catalogue ${mods})
  add_library(${target} MODULE ${cpp})
  target_compile_options(${target} PRIVATE ${PARNET_MECHANISM_FLAGS})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${target} PRIVATE parnet_warnings)
  set_target_properties(${target} PROPERTIES PREFIX "" OUTPUT_NAME ${name}
                        LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/lib)
endfunction()
