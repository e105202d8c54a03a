# The fuzz targets and the libraries each links (shared by fuzz/CMakeLists.txt
# and fuzz/regress.cmake, so the list is written once).
set(STC_FUZZ_TARGETS jsonpath intrinsic machine mocks config theme parse service jsonata)
set(STC_FUZZ_LIBS_jsonpath stc_stepsim)
set(STC_FUZZ_LIBS_intrinsic stc_stepsim)
set(STC_FUZZ_LIBS_machine stc_stepsim)
set(STC_FUZZ_LIBS_mocks stc_stepsim)
set(STC_FUZZ_LIBS_config stc_core)
set(STC_FUZZ_LIBS_theme stc_tui)
set(STC_FUZZ_LIBS_parse stc_core)
set(STC_FUZZ_LIBS_service stc_core)
set(STC_FUZZ_LIBS_jsonata stc_jsonata)
