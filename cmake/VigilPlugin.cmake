# vigil_add_plugin(<name> SOURCES <files...> [LIBRARIES <targets...>])
# Builds the plugin <name> as the module vigil_<name>.so in the plugin
# directory of the build tree, and installs it with the bundled plugins.
function(vigil_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  set(target vigil_plugin_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE vigil::sdk ${ARG_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME vigil_${name}
    LIBRARY_OUTPUT_DIRECTORY ${VIGIL_PLUGIN_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${target} PRIVATE -Wl,--no-undefined)
  install(TARGETS ${target} LIBRARY DESTINATION ${VIGIL_PLUGIN_INSTALL_DIR})
endfunction()
