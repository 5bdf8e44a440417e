# Provides the imported target Clusterdesk::libssh.
#
# pkg-config first: Debian 12's libssh CMake package computes a wrong import prefix,
# so its "ssh" target points at a file that does not exist. Where there is no
# pkg-config (Windows with vcpkg), the upstream CMake package is right and is used.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
    pkg_check_modules(LIBSSH QUIET IMPORTED_TARGET libssh>=0.9)
endif()

if(LIBSSH_FOUND)
    add_library(Clusterdesk::libssh ALIAS PkgConfig::LIBSSH)
    set(CLUSTERDESK_LIBSSH_VERSION "${LIBSSH_VERSION}")
else()
    find_package(libssh 0.9 CONFIG REQUIRED)
    add_library(Clusterdesk::libssh ALIAS ssh)
    set(CLUSTERDESK_LIBSSH_VERSION "${libssh_VERSION}")
endif()
message(STATUS "libssh ${CLUSTERDESK_LIBSSH_VERSION}")
