// Opening a plugin a configuration names: find its file, load and check it,
// make sure it is the plugin asked for, and configure one instance.
#ifndef VIGIL_HOST_PLUGIN_OPEN_HPP
#define VIGIL_HOST_PLUGIN_OPEN_HPP

#include "config.hpp"
#include "plugin_host.hpp"
#include "plugin_paths.hpp"
#include "plugin_refusal.hpp"
#include "status.hpp"
#include "storage_handle.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace vigil::host {

// Handle is ReportSourceHandle, IntegrityHandle, StorageHandle or
// NotifierHandle. Errors are kConfig (kUnavailable when the plugin cannot
// reach its endpoint) and start with the configuration item's file:line.
template <typename Handle>
Status open_plugin(const PluginChoice& choice, const std::vector<std::filesystem::path>& search_path,
                   std::unique_ptr<Handle>* out) {
    auto file = find_plugin(choice.plugin, search_path);
    if (!file) {
        std::string dirs;
        for (const auto& d : search_path) dirs += (dirs.empty() ? "" : ", ") + d.string();
        return Status::error(Status::Code::kConfig, choice.where + ": plugin \"" + choice.plugin + "\": no file " +
                                                        plugin_file_name(choice.plugin) + " in " + dirs);
    }
    Status st;
    auto library = PluginLibrary::load(*file, &st);
    if (!library) return Status::error(Status::Code::kConfig, choice.where + ": " + st.message());
    if (library->name() != choice.plugin) {
        return Status::error(Status::Code::kConfig, choice.where + ": " + file->string() + " calls itself \"" +
                                                        library->name() + "\", not \"" + choice.plugin + "\"");
    }
    *out = Handle::open(library, choice.config_json, &st);
    if (!*out) {
        auto code = st.code() == Status::Code::kUnavailable ? st.code() : Status::Code::kConfig;
        return Status::error(code, refusal_message(choice, st.message()));
    }
    return Status::ok();
}

}  // namespace vigil::host

#endif
