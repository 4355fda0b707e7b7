# vigil_add_plugin(<name> SOURCES <files...> [LIBRARIES <targets...>])
#
# For plugins built outside Vigil's tree against the installed SDK
# (find_package(VigilSDK) includes this file; Vigil's own plugins use
# VigilPlugin.cmake). Builds the target vigil_plugin_<name> as the module
# vigil_<name>.so, the file name the host looks for, linked to VigilSDK::sdk
# and LIBRARIES, and installs it to
# <install prefix>/${VigilSDK_PLUGIN_INSTALL_DIR}: installed to Vigil's own
# prefix, it is loaded like a bundled plugin; elsewhere, name its directory
# in the configuration's plugins.path.
function(vigil_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "vigil_add_plugin(${name}): no SOURCES given")
  endif()
  set(target vigil_plugin_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE VigilSDK::sdk ${ARG_LIBRARIES})
  # Hidden by default, so the plugin's own symbols cannot collide with the
  # host's or another plugin's; VIGIL_PLUGIN marks vigil_plugin_entry for export.
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    SUFFIX ".so"
    OUTPUT_NAME vigil_${name}
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  # A missing symbol fails the link here rather than the host's dlopen later.
  target_link_options(${target} PRIVATE LINKER:--no-undefined)
  install(TARGETS ${target} LIBRARY DESTINATION ${VigilSDK_PLUGIN_INSTALL_DIR})
endfunction()
