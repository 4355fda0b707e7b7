// The metrics file: Prometheus text exposition format for node_exporter's
// textfile collector, written after each scan (docs/operating.md lists the
// metric families).
#ifndef VIGIL_HOST_OPS_METRICS_HPP
#define VIGIL_HOST_OPS_METRICS_HPP

#include "scan.hpp"
#include "status.hpp"

#include <vigil/types.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace vigil::host {

struct MetricsInput {
    const ScanSummary* summary = nullptr;  // this scan's counts
    bool scan_succeeded = false;           // it ran to its end
    std::int64_t finished_at = 0;          // real clock, when it ended
    std::vector<Job> jobs;                 // active jobs; empty when the database could not be read
    std::vector<DeliveryCount> deliveries;
};

// The exposition text: every family with its HELP and TYPE, labels escaped.
std::string render_metrics(const MetricsInput& input);

// Writes the text to `file` atomically: a temporary file in the same
// directory, readable by all (node_exporter runs as another user), then
// renamed over the old one. kIo naming the file when it cannot.
Status write_metrics_file(const std::filesystem::path& file, const std::string& text);

}  // namespace vigil::host

#endif
