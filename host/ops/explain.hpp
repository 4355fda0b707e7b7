// `vigil explain FILE`: what became of one report file, from the records
// (fate, reason, entries, where it was archived), or, for a file no scan
// recorded, why a scan leaves it alone or has not read it yet.
#ifndef VIGIL_HOST_OPS_EXPLAIN_HPP
#define VIGIL_HOST_OPS_EXPLAIN_HPP

#include "config.hpp"
#include "report_names.hpp"
#include "status.hpp"
#include "storage_handle.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

namespace vigil::host {

// What a file's name and place say about it.
struct ReportPath {
    std::string file_name;               // as given (the last component)
    std::string report_name;             // the report's name in log/: an archive's ".N" dropped
    std::string agent;                   // from the name, or from the folder it lies in
    std::optional<std::filesystem::path> path;  // where it is, when a path was given
    bool archived_copy = false;          // it lies in log/_archive/
};

// The agent id a report name carries ("" when none): as the configured
// report sources read it.
using AgentOfName = std::function<std::string(const std::string& file_name)>;

// Reads FILE: a bare report name, or a path into an agent's log/ or
// log/_archive/. agent is "" when neither the name nor the place tells it.
ReportPath parse_report_path(const std::string& file, const AgentOfName& agent_of_name);

// Why a scan has not recorded the file at `path` (which the records do not
// know): not a report name of its folder's agent (names: the configured
// report sources), not a regular file, not settled yet, or waiting for the
// next scan. real_now is the clock.
std::string why_not_recorded(const Config& config, const ReportNames& names, const ReportPath& report,
                             const std::filesystem::path& path, std::int64_t real_now);

// Prints the explanation. Fails only when the records cannot be read.
Status explain_report(const Config& config, StorageHandle& storage, const ReportNames& names, const std::string& file,
                      std::int64_t real_now, std::ostream& out);

}  // namespace vigil::host

#endif
