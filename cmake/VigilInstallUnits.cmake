# Install-time script: installs the systemd units of etc/systemd into
# <prefix>/lib/systemd/system. The units name the binary and the
# documentation by their packaged paths (/usr/bin/vigil,
# /usr/share/doc/vigil); an install under another prefix gets them
# rewritten to its own, so `cmake --install --prefix /usr/local` yields units
# that start /usr/local/bin/vigil.
#
# Set by the install(CODE) that includes this file: VIGIL_UNIT_SOURCE_DIR,
# VIGIL_UNIT_STAGING_DIR, VIGIL_INSTALL_BINDIR, VIGIL_INSTALL_DOCDIR.

# Installs may run at once from one build tree (cpack and a test's
# `cmake --install`, each with its own prefix): each writes its own copy.
string(RANDOM LENGTH 12 vigil_unit_tag)
set(vigil_unit_staging "${VIGIL_UNIT_STAGING_DIR}/${vigil_unit_tag}")
file(GLOB vigil_units "${VIGIL_UNIT_SOURCE_DIR}/*.service" "${VIGIL_UNIT_SOURCE_DIR}/*.timer")
set(vigil_staged_units "")
foreach(unit IN LISTS vigil_units)
  get_filename_component(name "${unit}" NAME)
  file(READ "${unit}" text)
  string(REPLACE "/usr/bin/vigil" "${CMAKE_INSTALL_PREFIX}/${VIGIL_INSTALL_BINDIR}/vigil" text "${text}")
  string(REPLACE "/usr/share/doc/vigil" "${CMAKE_INSTALL_PREFIX}/${VIGIL_INSTALL_DOCDIR}" text "${text}")
  file(WRITE "${vigil_unit_staging}/${name}" "${text}")
  list(APPEND vigil_staged_units "${vigil_unit_staging}/${name}")
endforeach()
file(INSTALL ${vigil_staged_units} DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
file(REMOVE_RECURSE "${vigil_unit_staging}")
