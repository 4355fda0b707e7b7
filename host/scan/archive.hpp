// Phase 3: moving consumed reports to log/_archive/ without ever overwriting.
#ifndef VIGIL_HOST_ARCHIVE_HPP
#define VIGIL_HOST_ARCHIVE_HPP

#include "status.hpp"

#include <filesystem>
#include <string>

namespace vigil::host {

enum class ArchiveOutcome { kMoved, kAlreadyGone, kFailed };

// Moves <log_dir>/<file_name> into <log_dir>/_archive/ with rename: under
// its own name when free, else <stem>.1.json, <stem>.2.json, ... An existing
// file is never replaced (RENAME_NOREPLACE, or link+unlink where the file
// system lacks it). kAlreadyGone when the report is no longer there (another
// scanner archived it). *archived_as receives the name used.
ArchiveOutcome archive_report(const std::filesystem::path& log_dir, const std::string& file_name,
                              std::string* archived_as, Status* status);

}  // namespace vigil::host

#endif
