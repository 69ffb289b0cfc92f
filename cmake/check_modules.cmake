# cmake -DSOURCE_DIR=<checkout> -P cmake/check_modules.cmake: the include check of
# cmake/modules.cmake on the files as they are now (the ctest build.module_dependencies; the
# configure runs the same check, but only when it runs).
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/GeoruneModule.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/modules.cmake)
georune_check_includes(${SOURCE_DIR})
message(STATUS "module dependencies: ok (${GEORUNE_MODULES})")
