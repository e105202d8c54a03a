# Hardening (docs/hardening.md): AWS's best-practice rules (cdk-nag's AwsSolutions and
# Serverless packs) over every example in every mode, who may call a route, the starters of async routes,
# the JWT authorizer of WebSocket connections.
stc_add_script_test(nag_cli ${CMAKE_CURRENT_SOURCE_DIR}/nag_cli.sh)
stc_add_unit_test(auth_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/auth_test.c LIBS stc_core)
target_include_directories(auth_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
stc_add_script_test(starter_handler_test /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/starter_handler_test.py)
stc_add_script_test(ws_authorizer_test /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/ws_authorizer_test.py)
