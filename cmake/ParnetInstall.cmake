# cmake --install: the programs into bin/, the libraries a C++ program needs to describe its own
# network and run it (engine, io, run) into lib/, their public headers into include/parnet/, and a
# CMake package (lib/cmake/parnet: parnetConfig.cmake, exported targets parnet::engine, parnet::io,
# parnet::run) so that `find_package(parnet)` works as with Arbor (examples/custom_recipe).
include(CMakePackageConfigHelpers)

install(TARGETS engine plan consolidate morphology RUNTIME DESTINATION bin)

set_target_properties(parnet_engine PROPERTIES EXPORT_NAME engine)
set_target_properties(parnet_io PROPERTIES EXPORT_NAME io)
set_target_properties(parnet_run PROPERTIES EXPORT_NAME run)
set_target_properties(parnet_warnings PROPERTIES EXPORT_NAME warnings)  # link-only for the static libraries
install(TARGETS parnet_engine parnet_io parnet_run parnet_warnings EXPORT parnetTargets
        ARCHIVE DESTINATION lib LIBRARY DESTINATION lib)
install(EXPORT parnetTargets NAMESPACE parnet:: DESTINATION lib/cmake/parnet)

# The public headers: the recipe interface, the run library, and what they include (the closure of
# engine/recipe.hpp, engine/cable/cable_cell.hpp, engine/mpi_session.hpp, engine/collective_errors.hpp
# and run/network_run.hpp; `g++ -MM` on them lists it). tests/install checks that the example builds
# against these alone.
set(PARNET_PUBLIC_HEADERS
  engine/recipe.hpp engine/connection.hpp engine/model.hpp engine/distribution.hpp engine/random_stream.hpp
  engine/types.hpp engine/errors.hpp engine/communicator.hpp engine/collective_errors.hpp engine/mpi_session.hpp
  engine/decomposition.hpp engine/split_layout.hpp engine/memory_estimate.hpp engine/exchange/spike_exchange.hpp
  engine/cable/cable_cell.hpp engine/cable/calcium.hpp engine/cable/mechanism_abi.h
  engine/cable/mechanism_catalogue.hpp engine/cable/morphology.hpp engine/cable/split_solve.hpp
  io/saving_strategy.hpp
  run/network_run.hpp run/run_options.hpp run/run_result.hpp)
foreach(header ${PARNET_PUBLIC_HEADERS})
  get_filename_component(dir ${header} DIRECTORY)
  install(FILES ${PROJECT_SOURCE_DIR}/${header} DESTINATION include/parnet/${dir})
endforeach()

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/parnetConfig.cmake.in
  ${PROJECT_BINARY_DIR}/parnetConfig.cmake INSTALL_DESTINATION lib/cmake/parnet)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/parnetConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/parnetConfig.cmake ${PROJECT_BINARY_DIR}/parnetConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/FindRandom123.cmake
        DESTINATION lib/cmake/parnet)
