# embed.cmake - included from core/CMakeLists.txt: the Python runtime shipped
# inside every function package (core/aws/runtime/*.py) becomes C arrays in
# stc_core, so the binary needs no data files at run time. Each FILE.py gives
#   const unsigned char stc_embed_<FILE>_py[]; const size_t stc_embed_<FILE>_py_len;
# listed in the table stc_runtime_files[] (see core/aws/package.h).
set(STC_RUNTIME_DIR ${CMAKE_CURRENT_SOURCE_DIR}/aws/runtime)
file(GLOB STC_RUNTIME_PY CONFIGURE_DEPENDS ${STC_RUNTIME_DIR}/*.py)
list(SORT STC_RUNTIME_PY)
set(STC_RUNTIME_C ${CMAKE_CURRENT_BINARY_DIR}/stc_runtime_embed.c)
add_custom_command(
  OUTPUT ${STC_RUNTIME_C}
  COMMAND ${CMAKE_COMMAND} -DOUT=${STC_RUNTIME_C} "-DINPUTS=${STC_RUNTIME_PY}"
          -P ${STC_RUNTIME_DIR}/embed_files.cmake
  DEPENDS ${STC_RUNTIME_PY} ${STC_RUNTIME_DIR}/embed_files.cmake
  COMMENT "Embedding the stc_runtime Python sources"
  VERBATIM)
target_sources(stc_core PRIVATE ${STC_RUNTIME_C})

# The generated WebSocket JWT authorizer (core/aws/authorizer/*.py), which the
# template carries inline (core/aws/template.c): the table stc_authorizer_files.
set(STC_AUTHORIZER_PY ${CMAKE_CURRENT_SOURCE_DIR}/aws/authorizer/stc_ws_authorizer.py)
set(STC_AUTHORIZER_C ${CMAKE_CURRENT_BINARY_DIR}/stc_authorizer_embed.c)
add_custom_command(
  OUTPUT ${STC_AUTHORIZER_C}
  COMMAND ${CMAKE_COMMAND} -DOUT=${STC_AUTHORIZER_C} "-DINPUTS=${STC_AUTHORIZER_PY}" -DTABLE=stc_authorizer_files
          -P ${STC_RUNTIME_DIR}/embed_files.cmake
  DEPENDS ${STC_AUTHORIZER_PY} ${STC_RUNTIME_DIR}/embed_files.cmake
  COMMENT "Embedding the WebSocket JWT authorizer"
  VERBATIM)
target_sources(stc_core PRIVATE ${STC_AUTHORIZER_C})
