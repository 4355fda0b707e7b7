// What is worth a warning before a scan starts, said by `vigil scan` and by
// `vigil config check` alike.
#ifndef VIGIL_HOST_OPS_PREFLIGHT_HPP
#define VIGIL_HOST_OPS_PREFLIGHT_HPP

#include "config.hpp"
#include "status.hpp"
#include "storage_handle.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::host {

// One warning per plugins.path entry that is not a directory.
std::vector<std::string> plugin_path_warnings(const Config& config);

// A configuration with no jobs while the database has active ones: the
// scan is about to deactivate them all. "" when not the case.
Status no_jobs_warning(const Config& config, StorageHandle& storage, std::string* warning);

// A --now earlier than the instant the latest recorded scan judged at:
// replaying the past may contradict what was recorded since. "" when not
// the case.
Status earlier_now_warning(StorageHandle& storage, std::int64_t now, std::string* warning);

// For `vigil config check`: jobs whose agent has no folder, and folders a
// scan skips (names that are not agent ids, no log/ directory).
std::vector<std::string> storage_tree_warnings(const Config& config);

}  // namespace vigil::host

#endif
