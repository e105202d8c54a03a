# The triggers suite (core/triggers.c, the trigger parts of the template and
# of the handlers): schedule expressions, diagnostics at YAML positions,
# resources and roles per mode, cfn-lint, handlers fed recorded-shape events.
stc_add_unit_test(triggers_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/triggers_test.c LIBS stc_core)
target_include_directories(triggers_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
stc_add_script_test(triggers_cfnlint bash ${CMAKE_CURRENT_SOURCE_DIR}/triggers_cfnlint.sh)
stc_add_script_test(triggers_handler_test /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/triggers_handler_test.py)
