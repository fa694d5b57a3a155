# Shared warning flags for every target we own.
add_library(bf_warnings INTERFACE)
target_compile_options(bf_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wimplicit-fallthrough)

if(BF_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(BF_TSAN)
  add_compile_options(-fsanitize=thread)
  add_link_options(-fsanitize=thread)
endif()

# bf_module(name SOURCES a.cc b.cc DEPS bf_core ... PRIVATE_DEPS ...)
# Defines the static library bf_<name> with include root src/.
function(bf_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(bf_${name} STATIC ${ARG_SOURCES})
  target_include_directories(bf_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(bf_${name} PUBLIC ${ARG_DEPS} PRIVATE bf_warnings ${ARG_PRIVATE_DEPS})
endfunction()

# bf_test(module SOURCES x_test.cc ... DEPS ... LABEL unit)
# One GoogleTest binary per module: <module>_test.
function(bf_test module)
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  add_executable(${module}_test ${ARG_SOURCES})
  target_include_directories(${module}_test PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${module}_test PRIVATE ${ARG_DEPS} bf_warnings GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${module}_test PROPERTIES LABELS ${ARG_LABEL} DISCOVERY_TIMEOUT 60)
endfunction()
