// Step "archive" (docs/scan.md phase 3): moving consumed reports from an agent's
// log/ to log/_archive/ between directory handles, never overwriting and
// never through a symbolic link.
#ifndef VIGIL_HOST_ARCHIVE_HPP
#define VIGIL_HOST_ARCHIVE_HPP

#include "files.hpp"
#include "status.hpp"

#include <string>

namespace vigil::host {

enum class ArchiveOutcome { kMoved, kAlreadyGone, kFailed };

// Opens <log>/_archive, creating it (mkdirat) when absent. An _archive that
// is a symbolic link or not a directory is refused (kIo naming it): it is
// never followed, and the reports stay where they are.
Status open_archive_dir(const Dir& log, Dir* archive);

// Moves <log>/<file_name> into `archive` (renameat2 between the two
// handles): under its own name when free, else <stem>.1.json,
// <stem>.2.json, ... An existing file is never replaced (RENAME_NOREPLACE,
// or link+unlink where the file system lacks it). kAlreadyGone when the
// report is no longer there (another scanner archived it). *archived_as
// receives the name used.
ArchiveOutcome archive_report(const Dir& log, const Dir& archive, const std::string& file_name,
                              std::string* archived_as, Status* status);

}  // namespace vigil::host

#endif
