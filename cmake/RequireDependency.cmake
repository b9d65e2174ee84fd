# parnet_require(<Package> "<debian packages>" [find_package args...])
# find_package that, when the package is missing, stops configuration with the
# Debian package a user has to install.
macro(parnet_require name debian)
  find_package(${name} ${ARGN} QUIET)
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR "parnet: dependency ${name} not found. "
                        "On Debian install it with: apt-get install ${debian}")
  endif()
endmacro()
