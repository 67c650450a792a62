# CMake package of libusertoken: find_package(usertoken) defines the imported target
# usertoken::usertoken (the shared library and its include directory).
#
# Installed as <prefix>/lib/cmake/usertoken/usertokenConfig.cmake; every path below is taken
# relative to this file, so an installed tree can be moved or copied elsewhere.
get_filename_component(_usertoken_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)

set(_usertoken_library "${_usertoken_prefix}/lib/libusertoken.so")
set(_usertoken_include "${_usertoken_prefix}/include")
if(NOT EXISTS "${_usertoken_library}" OR NOT EXISTS "${_usertoken_include}/usertoken.h")
  set(usertoken_FOUND FALSE)
  set(usertoken_NOT_FOUND_MESSAGE
    "usertoken's CMake package is in ${CMAKE_CURRENT_LIST_DIR}, but ${_usertoken_library} or ${_usertoken_include}/usertoken.h is missing")
  unset(_usertoken_prefix)
  unset(_usertoken_library)
  unset(_usertoken_include)
  return()
endif()

if(NOT TARGET usertoken::usertoken)
  add_library(usertoken::usertoken SHARED IMPORTED)
  set_target_properties(usertoken::usertoken PROPERTIES
    IMPORTED_LOCATION "${_usertoken_library}"
    IMPORTED_SONAME "libusertoken.so.1"
    INTERFACE_INCLUDE_DIRECTORIES "${_usertoken_include}")
endif()

# For projects that use variables rather than the target.
set(usertoken_INCLUDE_DIRS "${_usertoken_include}")
set(usertoken_LIBRARIES usertoken::usertoken)

unset(_usertoken_prefix)
unset(_usertoken_library)
unset(_usertoken_include)
