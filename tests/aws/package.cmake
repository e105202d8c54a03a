# Packaging and emit (docs/packaging.md): slicer, zips and digests (cmocka),
# generated handlers under Debian's /usr/bin/python3, and `stc-tui emit`.
stc_add_unit_test(package_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/package_test.c LIBS stc_core)
# The handlers run under the system interpreter the Lambda-like environment
# has, never the python3 first on PATH (pyenv, venvs).
stc_add_script_test(handler_test /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/handler_test.py)
stc_add_script_test(emit_test bash ${CMAKE_CURRENT_SOURCE_DIR}/emit_test.sh)
set_tests_properties(emit_test PROPERTIES RUN_SERIAL TRUE)
