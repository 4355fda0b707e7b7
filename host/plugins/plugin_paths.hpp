// Where plugins are looked for, and how a plugin name becomes a file.
#ifndef VIGIL_HOST_PLUGIN_PATHS_HPP
#define VIGIL_HOST_PLUGIN_PATHS_HPP

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace vigil::host {

// The search order: the config's plugins.path entries, then the
// colon-separated VIGIL_PLUGIN_PATH, then the bundled plugin directory next
// to the executable (the same relative path in the build and install trees).
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::filesystem::path>& configured);

// The bundled plugin directory of this executable.
std::filesystem::path bundled_plugin_dir();

// The file a plugin named `name` lives in: vigil_<name>.so.
std::string plugin_file_name(const std::string& name);

// True for a file named like a plugin (vigil_*.so): the only files listed.
bool is_plugin_file_name(const std::string& file_name);

// The first directory holding the plugin's file.
std::optional<std::filesystem::path> find_plugin(const std::string& name,
                                                 const std::vector<std::filesystem::path>& search_path);

}  // namespace vigil::host

#endif
