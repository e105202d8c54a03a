# Regression replay of the fuzz corpora, built with the normal compiler (no
# libFuzzer): fuzz_regress_<target> runs every file of fuzz/corpus/<target>
# and fuzz/crashes/<target> through the target's entry point, so the normal
# and the ASan+UBSan test builds both check them. Included by
# tests/cli/CMakeLists.txt (stc_add_unit_test's environment applies).
set(STC_FUZZ_DIR ${PROJECT_SOURCE_DIR}/fuzz)
include(${STC_FUZZ_DIR}/targets.cmake)
foreach(t ${STC_FUZZ_TARGETS})
  set(deps TRUE)
  foreach(lib ${STC_FUZZ_LIBS_${t}})
    if(NOT TARGET ${lib})
      set(deps FALSE)
    endif()
  endforeach()
  if(NOT deps)
    continue()
  endif()
  set(dirs ${STC_FUZZ_DIR}/corpus/${t})
  if(EXISTS ${STC_FUZZ_DIR}/crashes/${t})
    list(APPEND dirs ${STC_FUZZ_DIR}/crashes/${t})
  endif()
  add_executable(fuzz_regress_${t} ${STC_FUZZ_DIR}/replay.c ${STC_FUZZ_DIR}/targets/${t}.c)
  target_link_libraries(fuzz_regress_${t} PRIVATE ${STC_FUZZ_LIBS_${t}})
  add_test(NAME fuzz_regress_${t} COMMAND fuzz_regress_${t} ${dirs})
  set_tests_properties(fuzz_regress_${t} PROPERTIES ENVIRONMENT "${STC_TEST_ENV}" TIMEOUT 600
                       LABELS fuzz)
endforeach()
