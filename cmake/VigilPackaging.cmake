# Running Vigil as a system service (install rules), and the Debian packages
# built from this tree by CPack (`make package`, or `cpack -G DEB` in the
# build tree).
#
# Two packages:
#   vigil      the command, its bundled plugins, documentation, systemd
#              units (installed disabled), the vigil system user
#              (sysusers.d), vigil(1), bash completion, and the starter
#              /etc/vigil/vigil.yaml as a conffile;
#   vigil-dev  the plugin SDK (headers, CMake package, guide and example).
# Files that only the packages carry (the conffile, the Debian copyright,
# changelog and lintian overrides) are in EXCLUDE_FROM_ALL components:
# `cmake --install` never writes to /etc.

set(VIGIL_DEB_RELEASE 1 CACHE STRING "Debian revision of the packages (the N of 0.1.0-N)")
set(VIGIL_DEB_MAINTAINER "Vigil developers <vigil@example.org>" CACHE STRING
    "Maintainer field of the Debian packages")

# vigil(1), with the version filled in and gzipped as Debian wants.
configure_file(${PROJECT_SOURCE_DIR}/docs/man/vigil.1.in ${CMAKE_BINARY_DIR}/man/vigil.1 @ONLY)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/man/vigil.1.gz
  COMMAND gzip -9 -n -k -f vigil.1
  WORKING_DIRECTORY ${CMAKE_BINARY_DIR}/man
  DEPENDS ${CMAKE_BINARY_DIR}/man/vigil.1
  COMMENT "Compressing vigil(1)")
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/debian/changelog.Debian.gz
  COMMAND gzip -9 -n -c ${PROJECT_SOURCE_DIR}/packaging/debian/changelog > changelog.Debian.gz
  WORKING_DIRECTORY ${CMAKE_BINARY_DIR}/debian
  DEPENDS ${PROJECT_SOURCE_DIR}/packaging/debian/changelog
  COMMENT "Compressing the Debian changelog")
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/debian)
add_custom_target(vigil_docs ALL DEPENDS ${CMAKE_BINARY_DIR}/man/vigil.1.gz ${CMAKE_BINARY_DIR}/debian/changelog.Debian.gz)

install(FILES ${CMAKE_BINARY_DIR}/man/vigil.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES packaging/bash-completion/vigil DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES packaging/sysusers.d/vigil.conf DESTINATION lib/sysusers.d)
install(CODE "set(VIGIL_UNIT_SOURCE_DIR \"${PROJECT_SOURCE_DIR}/etc/systemd\")
set(VIGIL_UNIT_STAGING_DIR \"${CMAKE_BINARY_DIR}/systemd-staging\")
set(VIGIL_INSTALL_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
set(VIGIL_INSTALL_DOCDIR \"${CMAKE_INSTALL_DOCDIR}\")")
install(SCRIPT cmake/VigilInstallUnits.cmake)

# Package-only files.
install(FILES packaging/vigil.yaml DESTINATION /etc/vigil COMPONENT deb EXCLUDE_FROM_ALL)
install(FILES packaging/debian/copyright ${CMAKE_BINARY_DIR}/debian/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/vigil COMPONENT deb EXCLUDE_FROM_ALL)
install(FILES packaging/debian/copyright ${CMAKE_BINARY_DIR}/debian/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/vigil-dev COMPONENT deb_dev EXCLUDE_FROM_ALL)
install(FILES packaging/debian/vigil.lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME vigil COMPONENT deb EXCLUDE_FROM_ALL)
install(FILES packaging/debian/vigil-dev.lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME vigil-dev COMPONENT deb_dev EXCLUDE_FROM_ALL)
file(WRITE ${CMAKE_BINARY_DIR}/debian/conffiles "/etc/vigil/vigil.yaml\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME vigil)
set(CPACK_PACKAGE_VENDOR "The Vigil developers")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr)
# DESTDIR staging, so that /etc/vigil lands in the package, not on this machine.
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL Unspecified deb sdk deb_dev)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_COMPONENT_UNSPECIFIED_GROUP vigil)
set(CPACK_COMPONENT_DEB_GROUP vigil)
set(CPACK_COMPONENT_SDK_GROUP dev)
set(CPACK_COMPONENT_DEB_DEV_GROUP dev)

set(CPACK_DEBIAN_PACKAGE_RELEASE ${VIGIL_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${VIGIL_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_VIGIL_PACKAGE_NAME vigil)
set(CPACK_DEBIAN_VIGIL_PACKAGE_SECTION admin)
# Library dependencies of the binary and the plugins come from dpkg-shlibdeps;
# SOCI opens its database backends at run time, so they are named here.
set(CPACK_DEBIAN_VIGIL_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_VIGIL_PACKAGE_DEPENDS "systemd | systemd-sysusers, libsoci-sqlite3-4.0, libsoci-postgresql4.0")
set(CPACK_DEBIAN_VIGIL_PACKAGE_SUGGESTS "sqlite3, postgresql-client")
set(CPACK_DEBIAN_VIGIL_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm
    ${CMAKE_BINARY_DIR}/debian/conffiles)
set(CPACK_DEBIAN_VIGIL_DESCRIPTION "monitor for database backups staged by remote agents
Backup agents on remote machines dump their databases, compress the dumps,
copy them into a staging folder on this server and write a STATUS.json
report. Vigil finds the reports, verifies the staged files (SHA-256, size,
gzip stream), decides the status of every expected backup job (ok, failed,
missing, transfer integrity failed, content changed), records it in SQLite
or PostgreSQL, notifies people by email or webhook, and archives the
reports.
.
This package holds the vigil command with its bundled plugins, a systemd
service and timer (installed disabled) and the vigil system user.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME vigil-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "vigil (= ${PROJECT_VERSION}-${VIGIL_DEB_RELEASE}), libboost-dev, libhowardhinnant-date-dev")
set(CPACK_DEBIAN_DEV_PACKAGE_RECOMMENDS "cmake, g++ | c++-compiler")
set(CPACK_DEBIAN_DEV_DESCRIPTION "plugin SDK for the Vigil backup monitor
Vigil reads backup reports, checks staged backups, stores its records and
sends notifications through plugins: shared libraries loaded through a
stable C ABI.
.
This package holds the SDK to build such plugins outside Vigil's tree: the
C ABI header, the header-only C++ layer, the CMake package VigilSDK with
vigil_add_plugin(), a guide and an example report source.")

include(CPack)
