# The template suite (core/resources, core/config, core/spec, core/aws/template):
# least privilege per role, modes, configuration files, the access analysis,
# and cfn-lint on every example in every mode.
stc_add_unit_test(template_iam_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/template_iam_test.c LIBS stc_core)
target_include_directories(template_iam_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
stc_add_unit_test(config_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/config_test.c LIBS stc_core)
target_include_directories(config_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
stc_add_script_test(template_cfnlint ${CMAKE_CURRENT_SOURCE_DIR}/template_cfnlint.sh)
stc_add_unit_test(template_modes_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/template_modes_test.c LIBS stc_core)
target_include_directories(template_modes_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
stc_add_unit_test(resources_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/resources_test.c LIBS stc_core)
target_include_directories(resources_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
stc_add_script_test(template_cli ${CMAKE_CURRENT_SOURCE_DIR}/template_cli.sh)
stc_add_unit_test(express_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/express_test.c LIBS stc_core)
target_include_directories(express_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
stc_add_script_test(express_cli ${CMAKE_CURRENT_SOURCE_DIR}/express_cli.sh)
stc_add_unit_test(websocket_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/websocket_test.c LIBS stc_core)
target_include_directories(websocket_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
stc_add_script_test(websocket_cli ${CMAKE_CURRENT_SOURCE_DIR}/websocket_cli.sh)
