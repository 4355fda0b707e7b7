#include "scan_record.hpp"

#include "vocabulary.hpp"

#include <unistd.h>

namespace vigil::host {

namespace {

template <typename Key>
std::int64_t total(const std::map<Key, int>& counts) {
    std::int64_t n = 0;
    for (const auto& [key, count] : counts) n += count;
    return n;
}

template <typename F>
Status in_transaction(StorageHandle& storage, F&& write) {
    Status st = storage.begin();
    if (st.is_ok()) st = write();
    if (st.is_ok()) st = storage.commit();
    if (!st.is_ok()) storage.rollback();
    return st;
}

}  // namespace

Scan running_scan(std::int64_t started_at, std::int64_t scan_time) {
    Scan scan;
    scan.started_at = started_at;
    scan.scan_time = scan_time;
    char host[256] = "";
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    scan.host = host;
    scan.pid = ::getpid();
    scan.outcome = name_of(ScanOutcome::kRunning);
    return scan;
}

Scan finished_scan(Scan scan, const ScanSummary& s, const Status& result, std::int64_t finished_at) {
    scan.finished_at = finished_at;
    scan.outcome = name_of(result.is_ok() ? ScanOutcome::kCompleted : ScanOutcome::kFailed);
    scan.message = result.message();
    scan.agents_scanned = s.agents_scanned;
    scan.agents_without_folder = s.agents_without_folder;
    scan.folders_skipped = s.agents_skipped;
    scan.agents_busy = s.agents_busy;
    scan.agents_failed = s.agents_failed;
    scan.reports_processed = total(s.fates);
    scan.entries_recorded = total(s.entries);
    scan.events_queued = s.events_queued;
    scan.reports_archived = s.archived;
    scan.archive_failures = s.archive_failed;
    scan.jobs_active = total(s.job_status);
    scan.bytes_verified = s.bytes_verified;
    return scan;
}

Status record_scan_start(StorageHandle& storage, const Scan& scan, std::int64_t* id) {
    return in_transaction(storage, [&] { return storage.start_scan(scan, id); });
}

Status record_scan_end(StorageHandle& storage, const Scan& scan) {
    return in_transaction(storage, [&] { return storage.finish_scan(scan); });
}

}  // namespace vigil::host
