// Phase 1, agent by agent: open an agent's folder, list its report files,
// then read, fingerprint, parse and judge each (docs/storage-layout.md, docs/report-format.md, docs/scan.md). Each step
// works on one AgentFolder, so agents can flow through them one at a time
// (or several at once, one agent per worker): nothing here holds more than
// one agent's capped reports.
#ifndef VIGIL_HOST_COLLECT_HPP
#define VIGIL_HOST_COLLECT_HPP

#include "evaluate.hpp"
#include "files.hpp"
#include "message.hpp"
#include "plugin_host.hpp"
#include "report_names.hpp"
#include "status.hpp"
#include "vocabulary.hpp"

#include <vigil/types.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vigil::host {

// One report file found in an agent's log/ folder.
struct ReportFile {
    std::string file_name;
    std::string content_sha256;
    std::optional<Fate> fate;             // nothing while kept; invalid, stale, future, agent_mismatch
    Message reason;                       // why, with the text the agent wrote marked
    std::optional<std::string> source;    // the report source that read it
    std::shared_ptr<const Report> report; // parsed content (shared by files of identical bytes)
    std::int64_t end_time = kNoTime;

    bool kept() const { return !fate; }
};

// An agent and what the scan found in its folder.
struct AgentFolder {
    std::string agent_id;
    Dir dir;                          // <storage_root>/<agent_id>; not open: no usable folder
    Dir log;                          // its log/, open from listing to archiving
    std::vector<std::string> listed;  // report files to read this scan, in name order
    std::vector<ReportFile> reports;  // the files read, in name order
    int deferred = 0;                 // beyond max_reports_per_agent: left for the next scan
    int unsettled = 0;                // modified less than report_settle_seconds ago
    int ignored = 0;                  // named like a report, not a regular file
    int unrecognised = 0;             // .json files no configured report source claims
};

struct CollectSettings {
    std::int64_t now = 0;       // the scan's instant
    std::int64_t real_now = 0;  // the clock, for report_settle_seconds
    double max_report_age_days = 1;
    std::int64_t report_settle_seconds = 10;
    std::int64_t max_report_bytes = 1048576;
    int max_reports_per_agent = 100;
    // The real-clock start of the latest completed scan (kNoTime: none
    // known). An unrecognised file whose inode changed before it was told
    // by that scan, and is only mentioned at debug level since.
    std::int64_t told_before = kNoTime;
};

// Asks the configured report sources in order (docs/report-format.md).
class ReportReader {
public:
    explicit ReportReader(std::vector<ReportSourceHandle*> sources) : sources_(std::move(sources)) {}
    // Parses bytes into *file (report, source) or sets its fate to invalid.
    void parse(const std::string& file_name, std::string_view bytes, ReportFile* file);
    // Which sources parse would ask for this name, one '1' or '0' each:
    // files of equal bytes and equal readers parse alike.
    std::string readers_of(const std::string& file_name);

private:
    std::vector<ReportSourceHandle*> sources_;
};

// The names of the storage root's entries that are directories (not
// symbolic links), not hidden, sorted. Fails when the root cannot be listed.
Status list_agent_folders(const Dir& root, std::vector<std::string>* names);

// Step "open": opens <root>/<name> and its log/, neither through a symbolic
// link. False, with a warning naming the folder and the reason, when the
// folder is skipped: its name is not an agent id, it has no log/ directory,
// or it or its log/ is (now) a symbolic link or not a directory.
bool open_agent_folder(const Dir& root, const std::string& name, AgentFolder* agent);

// Step "list": picks the report files of an opened agent to read this scan:
// regular files whose names a configured source claims for this agent
// (names), settled, at most max_reports_per_agent of them, the oldest names
// (by file name) first. Counts the others (deferred, unsettled, ignored,
// unrecognised); logs the ignored and unsettled ones, and the unrecognised
// ones at warning the first time (told_before). Holds at most
// max_reports_per_agent names at a time.
void list_reports(const CollectSettings& settings, const ReportNames& names, AgentFolder* agent);

// Steps "read" and "parse": reads each listed file through the log/ handle
// (at most max_report_bytes + 1 bytes, whatever it grew to), fingerprints
// it, parses it and judges it: invalid, stale, future, agent mismatch or
// kept. Files of identical bytes are parsed once and share the result. A
// file gone since the listing (another scanner archived it) is skipped.
void read_reports(const CollectSettings& settings, ReportReader& reader, AgentFolder* agent);

// The database blocks of the agent's kept reports that name the job's
// database, skipping reports whose `excluded` flag is set.
std::vector<Candidate> candidates_for(const AgentFolder& agent, const Job& job, const std::vector<bool>& excluded);

}  // namespace vigil::host

#endif
