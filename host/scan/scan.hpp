// `vigil scan`: the phases of docs/scan.md over the loaded plugins, agent by
// agent: open, list, read and parse (collect.hpp), verify (verify.hpp),
// record (record.hpp), archive (archive.hpp), then notify (notify.hpp).
#ifndef VIGIL_HOST_SCAN_HPP
#define VIGIL_HOST_SCAN_HPP

#include "config.hpp"
#include "notify.hpp"
#include "status.hpp"
#include "storage_handle.hpp"
#include "vocabulary.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace vigil::host {

// The plugin instances a scan uses, opened from the configuration.
struct ScanPlugins {
    std::vector<std::unique_ptr<ReportSourceHandle>> report_sources;
    std::vector<std::unique_ptr<IntegrityHandle>> integrity_checks;
    std::unique_ptr<StorageHandle> storage;
    Notifiers notifiers;
};

// Finds, loads and configures the report sources the config names
// (status_json when it names none), in its order; errors as below.
Status open_report_sources(const Config& config, std::vector<std::unique_ptr<ReportSourceHandle>>* sources);

// Finds, loads and configures every plugin the config names (defaults:
// status_json, sha256 and the soci storage). kConfig for a plugin that
// cannot be found, is refused or refuses its settings; kUnavailable when
// the database cannot be reached.
Status open_scan_plugins(const Config& config, ScanPlugins* plugins);

// kOk when the storage offers what the configuration needs: the scan store
// for any scan, the outbox for notifiers, silences for maintenance windows,
// the operator's reads for the metrics file; otherwise kConfig naming the
// setting, the plugin and the capability it lacks.
Status require_storage_capabilities(const Config& config, const StorageHandle& storage);

struct ScanSummary {
    std::int64_t now = 0;
    bool dry_run = false;     // nothing was kept: "archived" counts what would have been
    int agents_scanned = 0;   // agent folders scanned and recorded
    int agents_without_folder = 0;  // agents with jobs but no folder, recorded
    int agents_skipped = 0;   // folders that are not agent folders
    int agents_busy = 0;      // held by another scanner
    int agents_failed = 0;    // database error: nothing recorded or archived for them
    int reports_found = 0;
    int reports_deferred = 0;  // beyond max_reports_per_agent: left for the next scan
    int reports_unsettled = 0;
    int entries_ignored = 0;  // FIFOs, links named like reports
    int reports_unrecognised = 0;  // .json files in log/ no configured report source claims
    std::map<Fate, int> fates;              // used, invalid, ... -> count
    std::map<std::string, int> sources;     // report source -> reports it read
    std::map<std::string, int> entries;     // entry status -> recorded this scan
    std::map<std::string, int> job_status;  // current_status -> active jobs
    int archived = 0;
    int archive_failed = 0;
    int events_queued = 0;
    std::map<std::string, DeliveryOutcome> deliveries;  // notifier -> outcome
    std::int64_t files_verified = 0;
    std::int64_t bytes_verified = 0;
    double seconds = 0;

    void print(std::ostream& out) const;
};

struct ScanOptions {
    std::int64_t now = 0;       // the instant every decision is judged at
    std::int64_t real_now = 0;  // the clock (for report_settle_seconds)
    // Judge and log everything, keep nothing: the storage (opened for a dry
    // run) discards what the scan writes, no report is archived and no
    // notification is delivered.
    bool dry_run = false;
};

// Runs one scan. Returns ok when it ran to its end (rejected reports are
// not failures), kUnavailable when the database failed (agents whose
// transaction failed keep their reports in place), kIo when the storage
// root cannot be listed.
Status run_scan(const Config& config, ScanPlugins& plugins, const ScanOptions& options, ScanSummary* summary);

}  // namespace vigil::host

#endif
