// The scans row of one run of `vigil scan`: started before the scan,
// finished after it with the summary's counts (docs/records.md).
#ifndef VIGIL_HOST_OPS_SCAN_RECORD_HPP
#define VIGIL_HOST_OPS_SCAN_RECORD_HPP

#include "scan.hpp"
#include "status.hpp"
#include "storage_handle.hpp"

#include <vigil/types.hpp>

#include <cstdint>

namespace vigil::host {

// A running scan of this process on this machine.
Scan running_scan(std::int64_t started_at, std::int64_t scan_time);

// The row once the scan ended: outcome "completed" when `result` is ok,
// "failed" with its message otherwise, and the summary's counts.
Scan finished_scan(Scan scan, const ScanSummary& summary, const Status& result, std::int64_t finished_at);

// Stores the row in its own transaction; *id receives its id.
Status record_scan_start(StorageHandle& storage, const Scan& scan, std::int64_t* id);
Status record_scan_end(StorageHandle& storage, const Scan& scan);

}  // namespace vigil::host

#endif
