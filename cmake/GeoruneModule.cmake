# georune_module(NAME DEPS dep...): a static library georune_<NAME> from src/<NAME>/*.cpp,
# with include/ public and its dependencies linked publicly (dependencies point one way).
function(georune_module name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT sources)
    return()  # a module with no sources yet builds nothing
  endif()
  add_library(georune_${name} STATIC ${sources})
  target_include_directories(georune_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include
                                             PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(georune_${name} PUBLIC ${ARG_DEPS})
endfunction()

# georune_link_modules(TARGET): links every module library that exists (the executables do).
function(georune_link_modules target)
  foreach(module common ontology archive ingest detect logic plan reason search llm nl service geo embed vector rag eval)
    if(TARGET georune_${module})
      target_link_libraries(${target} PRIVATE georune_${module})
    endif()
  endforeach()
endfunction()
