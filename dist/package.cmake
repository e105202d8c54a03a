# package.cmake - `cpack -G DEB` (from the build folder): a Debian package of
# what dist/CMakeLists.txt installs, under /usr.
#
# Depends: dpkg-shlibdeps reads the shared libraries the binary is linked
# with (libcjson, libyaml, libgvc, ncursesw, libcrypto, libzip, zlib, expat,
# libc, and the sanitizer runtimes in an ASan build) and names their
# packages. CPython is linked statically (core/CMakeLists.txt), so
# dpkg-shlibdeps cannot see the one thing the embedded interpreter reads at
# run time: its standard library, named here.
set(STC_PACKAGE_MAINTAINER "stc-tui maintainers <maintainers@stc-tui.invalid>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME stc-tui)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${STC_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Service Template Compiler for the cloud, with a terminal workbench")
set(CPACK_PACKAGE_DESCRIPTION
    "stc-tui compiles a plain Python class into what AWS runs: REST and WebSocket routes,\n"
    "internal functions, Step Functions state machines from async methods, and a\n"
    "least-privilege CloudFormation template per deployment mode, with its deployable\n"
    "packages. The module is parsed, never run. The ncurses workbench shows all of it\n"
    "live, draws the state machines and simulates them step by step.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libpython${PYEMBED_VERSION}-stdlib")
include(CPack)
