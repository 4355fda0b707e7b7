#include "preflight.hpp"

#include "agent_id.hpp"
#include "files.hpp"

#include <vigil/timestamp.hpp>

#include <algorithm>
#include <string_view>
#include <vector>

namespace vigil::host {

namespace fs = std::filesystem;

std::vector<std::string> plugin_path_warnings(const Config& config) {
    std::vector<std::string> warnings;
    for (const fs::path& dir : config.plugin_path) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) {
            const std::string what = fs::exists(dir, ec) ? " is not a directory" : " does not exist";
            warnings.push_back(config.file.string() + ": plugins.path: " + dir.string() + what +
                               ": no plugin is found there");
        }
    }
    return warnings;
}

Status no_jobs_warning(const Config& config, StorageHandle& storage, std::string* warning) {
    warning->clear();
    if (!config.jobs.empty()) return Status::ok();
    std::vector<Job> active;
    if (Status st = storage.load_all_jobs("", true, &active); !st.is_ok()) return st;
    if (!active.empty()) {
        *warning = config.file.string() + " lists no jobs: the " + std::to_string(active.size()) +
                   " active job(s) in the database become inactive (their history stays; listing them again "
                   "reactivates them)";
    }
    return Status::ok();
}

Status earlier_now_warning(StorageHandle& storage, std::int64_t now, std::string* warning) {
    warning->clear();
    std::vector<Scan> scans;
    if (Status st = storage.load_scans(false, 1, &scans); !st.is_ok()) return st;
    if (!scans.empty() && now < scans.front().scan_time) {
        *warning = "--now " + format_iso(now) + " is earlier than the instant the latest recorded scan judged at (" +
                   format_iso(scans.front().scan_time) +
                   "): statuses judged now may contradict what was recorded since";
    }
    return Status::ok();
}

std::vector<std::string> storage_tree_warnings(const Config& config) {
    std::vector<std::string> warnings;
    Dir root;
    if (Status st = Dir::open_root(config.storage_root, &root); !st.is_ok()) {
        warnings.push_back("storage_root " + st.message());
        return warnings;
    }
    for (const std::string_view agent : configured_agents(config)) {
        if (root.kind_of(agent) != FileKind::kDirectory) {
            warnings.push_back("agent " + std::string(agent) + ": no folder " + root.shown(agent) +
                               ": its jobs become missing at their deadlines");
        }
    }
    std::vector<std::string> names;
    root.list([&](std::string_view name) {
        if (name[0] != '.' && root.kind_of(name) == FileKind::kDirectory) names.emplace_back(name);
    });
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
        Dir folder;
        if (!parse_agent_id(name)) {
            warnings.push_back(root.shown(name) +
                               ": not an agent folder (the name is not COMPANY_CITY_NEIGHBORHOOD): scans skip it");
        } else if (!root.open_dir(name, &folder).is_ok() || folder.kind_of("log") != FileKind::kDirectory) {
            warnings.push_back(root.shown(name) + ": no log/ directory: scans skip it");
        }
    }
    return warnings;
}

}  // namespace vigil::host
