# The module machinery. cmake/modules.cmake declares the modules; this file builds them.

# georune_declare_module(NAME dep...): declares module NAME and the modules it depends on
# (GEORUNE_MODULES, in order; GEORUNE_MODULE_DEPS_<NAME>). Each dependency must be declared
# before, so the graph has no cycle.
macro(georune_declare_module name)
  if(${name} IN_LIST GEORUNE_MODULES)
    message(FATAL_ERROR "cmake/modules.cmake: module '${name}' is declared twice")
  endif()
  foreach(dep ${ARGN})
    if(NOT dep IN_LIST GEORUNE_MODULES)
      message(FATAL_ERROR "cmake/modules.cmake: module '${name}' depends on '${dep}', "
                          "which is not declared above it (dependencies point one way)")
    endif()
  endforeach()
  list(APPEND GEORUNE_MODULES ${name})
  set(GEORUNE_MODULE_DEPS_${name} ${ARGN})
endmacro()

# georune_module_closure(OUT module...): the modules given and all they depend on, in list order.
function(georune_module_closure out)
  set(todo ${ARGN})
  set(seen)
  while(todo)
    list(POP_FRONT todo m)
    if(NOT m IN_LIST seen)
      list(APPEND seen ${m})
      list(APPEND todo ${GEORUNE_MODULE_DEPS_${m}})
    endif()
  endwhile()
  set(ordered)
  foreach(m ${GEORUNE_MODULES})
    if(m IN_LIST seen)
      list(APPEND ordered ${m})
    endif()
  endforeach()
  set(${out} ${ordered} PARENT_SCOPE)
endfunction()

# georune_check_includes(SOURCE_DIR): every #include of another module's header
# ("georune/<m>/…" or, for private headers, "<m>/…") in src/<name>/ and include/georune/<name>/
# names a module that <name> declares. Fails the configure (or the ctest) otherwise.
function(georune_check_includes source_dir)
  set(problems)
  foreach(name ${GEORUNE_MODULES})
    file(GLOB files ${source_dir}/src/${name}/*.cpp ${source_dir}/src/${name}/*.h
                    ${source_dir}/include/georune/${name}/*.h)
    foreach(f ${files})
      file(STRINGS ${f} lines REGEX "^#include \"")
      foreach(line ${lines})
        if(line MATCHES "^#include \"(georune/)?([a-z_]+)/")
          set(used ${CMAKE_MATCH_2})
          if(used IN_LIST GEORUNE_MODULES AND NOT used STREQUAL name
             AND NOT used IN_LIST GEORUNE_MODULE_DEPS_${name})
            file(RELATIVE_PATH rel ${source_dir} ${f})
            list(APPEND problems "  ${rel} includes a header of '${used}', which '${name}' does not declare")
          endif()
        endif()
      endforeach()
    endforeach()
  endforeach()
  if(problems)
    list(JOIN problems "\n" text)
    message(FATAL_ERROR "module dependencies (cmake/modules.cmake):\n${text}\n"
                        "hint: add the dependency to the module's line if the direction is right")
  endif()
endfunction()

# georune_module(NAME [DEPS external...]): the static library georune_<NAME> from src/<NAME>/*.cpp,
# with include/ public, linked publicly to the modules cmake/modules.cmake declares for NAME and
# to the external libraries given here. Modules are never named here.
function(georune_module name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  if(NOT name IN_LIST GEORUNE_MODULES)
    message(FATAL_ERROR "module '${name}' is not declared in cmake/modules.cmake")
  endif()
  foreach(dep ${ARG_DEPS})
    if(dep MATCHES "^georune_")
      message(FATAL_ERROR "src/${name}/CMakeLists.txt: '${dep}' is a module; declare it in cmake/modules.cmake")
    endif()
  endforeach()
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT sources)
    message(FATAL_ERROR "module '${name}' has no sources in src/${name}/")
  endif()
  set(module_deps)
  foreach(dep ${GEORUNE_MODULE_DEPS_${name}})
    list(APPEND module_deps georune_${dep})
  endforeach()
  add_library(georune_${name} STATIC ${sources})
  target_include_directories(georune_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include
                                             PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(georune_${name} PUBLIC ${module_deps} ${ARG_DEPS})
endfunction()

# georune_link_modules(TARGET): links every module library but the server (the executables and
# benchmarks do; only georune-rag links the server, tools/georune/CMakeLists.txt).
function(georune_link_modules target)
  foreach(module ${GEORUNE_MODULES})
    if(NOT module STREQUAL "server")
      target_link_libraries(${target} PRIVATE georune_${module})
    endif()
  endforeach()
endfunction()
