# uninstall.cmake - `cmake --build build --target uninstall` (or `make
# uninstall` in the build folder): removes what the last `cmake --install` of
# this build folder put in place, as it recorded in
# build/stc-tui-installed.cmake (dist/CMakeLists.txt), DESTDIR included.
# stc-tui's own folders (DATADIR/stc-tui, DOCDIR) go too when nothing is left
# in them (a theme the user added stays, and so does its folder); shared ones
# (bin, share/man/man1, the completion folders) stay. A file already gone is
# reported and skipped; one that cannot be removed fails the target.
#
#   cmake -DSTC_INSTALL_RECORD=build/stc-tui-installed.cmake -P uninstall.cmake
if(NOT STC_INSTALL_RECORD OR NOT EXISTS "${STC_INSTALL_RECORD}")
  # (NOTICE: one line, as written; FATAL_ERROR's text is wrapped)
  message(NOTICE "stc-tui: nothing to uninstall: ${STC_INSTALL_RECORD} does not exist "
                 "(`cmake --install` of this build folder writes it)")
  message(FATAL_ERROR "uninstall failed")
endif()
include("${STC_INSTALL_RECORD}")
set(removed 0)
foreach(path IN LISTS STC_INSTALLED_FILES)
  if(IS_SYMLINK "${path}" OR EXISTS "${path}")
    file(REMOVE "${path}")
    if(IS_SYMLINK "${path}" OR EXISTS "${path}")
      message(NOTICE "stc-tui: could not remove ${path}")
      message(FATAL_ERROR "uninstall failed")
    endif()
    message(STATUS "Removed: ${path}")
    math(EXPR removed "${removed} + 1")
  else()
    message(STATUS "Already gone: ${path}")
  endif()
endforeach()
# stc-tui's own folders and the folders below them, deepest first, each
# only when nothing is left in it.
set(dirs "")
foreach(root IN LISTS STC_INSTALLED_DIRS)
  if(IS_DIRECTORY "${root}")
    file(GLOB_RECURSE below LIST_DIRECTORIES true "${root}/*")
    foreach(d IN LISTS below)
      if(IS_DIRECTORY "${d}" AND NOT IS_SYMLINK "${d}")
        list(APPEND dirs "${d}")
      endif()
    endforeach()
    list(APPEND dirs "${root}")
  endif()
endforeach()
list(SORT dirs ORDER DESCENDING)
foreach(d IN LISTS dirs)
  file(GLOB left LIST_DIRECTORIES true "${d}/*" "${d}/.*")
  if(NOT left)
    file(REMOVE_RECURSE "${d}")
    message(STATUS "Removed: ${d}/")
  else()
    message(STATUS "Kept (not empty): ${d}/")
  endif()
endforeach()
file(REMOVE "${STC_INSTALL_RECORD}")
message(STATUS "stc-tui: ${removed} files removed")
