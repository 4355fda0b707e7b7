// Phase 1: walking the storage root, reading and validating every report.
#ifndef VIGIL_HOST_COLLECT_HPP
#define VIGIL_HOST_COLLECT_HPP

#include "plugin_host.hpp"
#include "status.hpp"

#include <vigil/types.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vigil::host {

// One report file found in an agent's log/ folder.
struct ReportFile {
    std::string file_name;
    std::string content_sha256;
    std::string fate;                   // "" while kept; invalid, stale, future, agent_mismatch
    std::string reason;
    std::optional<std::string> source;  // the report source that read it
    std::optional<Report> report;       // parsed content, when it parsed
    std::int64_t end_time = kNoTime;

    bool kept() const { return fate.empty(); }
};

struct AgentFolder {
    std::string agent_id;
    std::filesystem::path dir;  // <storage_root>/<agent_id>
    std::vector<ReportFile> reports;
    bool has_folder = true;     // false: an agent with jobs and no folder at all

    std::filesystem::path log_dir() const { return dir / "log"; }
    std::filesystem::path database_dir() const { return dir / "database"; }
};

struct CollectSettings {
    std::filesystem::path storage_root;
    std::int64_t now = 0;       // the scan's instant
    std::int64_t real_now = 0;  // the clock, for report_settle_seconds
    double max_report_age_days = 1;
    std::int64_t report_settle_seconds = 10;
    std::int64_t max_report_bytes = 1048576;
};

struct Collection {
    std::vector<AgentFolder> agents;
    int skipped_folders = 0;    // not agent folders, or without log/
    int unsettled_reports = 0;  // left for the next scan
    int ignored_entries = 0;    // FIFOs, links, ... named like reports
};

// Asks the configured report sources in order (docs/report-format.md).
class ReportReader {
public:
    explicit ReportReader(std::vector<ReportSourceHandle*> sources) : sources_(std::move(sources)) {}
    // Parses bytes into *file (report, source) or sets its fate to invalid.
    void parse(const std::string& file_name, std::string_view bytes, ReportFile* file);

private:
    std::vector<ReportSourceHandle*> sources_;
};

// Walks the storage root (docs/storage-layout.md), reads every settled report file and
// judges it (invalid, stale, future, agent mismatch or kept). Logs every
// folder and file it skips, with the reason. Fails only when the storage
// root itself cannot be listed.
Status collect(const CollectSettings& settings, ReportReader& reader, Collection* out);

}  // namespace vigil::host

#endif
