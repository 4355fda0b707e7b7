#include "plugin_paths.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <cstdlib>
#include <sstream>
#include <system_error>

namespace vigil::host {

std::filesystem::path bundled_plugin_dir() {
    std::filesystem::path exe = boost::dll::program_location();
    return (exe.parent_path() / VIGIL_PLUGIN_DIR_FROM_BIN).lexically_normal();
}

std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::filesystem::path>& configured) {
    std::vector<std::filesystem::path> dirs = configured;
    if (const char* env = std::getenv("VIGIL_PLUGIN_PATH")) {
        std::istringstream in(env);
        std::string dir;
        while (std::getline(in, dir, ':')) {
            if (!dir.empty()) dirs.emplace_back(dir);
        }
    }
    dirs.push_back(bundled_plugin_dir());
    return dirs;
}

namespace {
constexpr const char* kPrefix = "vigil_";
constexpr const char* kSuffix = ".so";
}  // namespace

std::string plugin_file_name(const std::string& name) { return kPrefix + name + kSuffix; }

bool is_plugin_file_name(const std::string& file_name) {
    const std::string prefix = kPrefix, suffix = kSuffix;
    return file_name.size() > prefix.size() + suffix.size() && file_name.compare(0, prefix.size(), prefix) == 0 &&
           file_name.compare(file_name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<std::filesystem::path> find_plugin(const std::string& name,
                                                 const std::vector<std::filesystem::path>& search_path) {
    for (const auto& dir : search_path) {
        std::error_code ec;
        auto candidate = dir / plugin_file_name(name);
        if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
    }
    return std::nullopt;
}

}  // namespace vigil::host
