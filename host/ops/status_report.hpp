// `vigil status`: the state of every active job and the last scan, as a
// table for people or as JSON for tools (docs/operating.md documents the
// JSON shape; it only grows).
#ifndef VIGIL_HOST_OPS_STATUS_REPORT_HPP
#define VIGIL_HOST_OPS_STATUS_REPORT_HPP

#include "records.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace vigil::host {

struct StatusFilter {
    std::string agents = "*";     // glob on the agent id
    std::string databases = "*";  // glob on the database name
    bool failing_only = false;    // only failed, missing and transfer_integrity_failed
};

// The jobs the filter keeps, in their order.
std::vector<JobState> filter_jobs(const std::vector<JobState>& jobs, const StatusFilter& filter);

// A time as ISO-8601 UTC, null for kNoTime; a text, null when absent.
nlohmann::ordered_json time_json(std::int64_t micros);
nlohmann::ordered_json text_json(const std::optional<std::string>& text);

// The JSON form of a scan row; null for none.
nlohmann::ordered_json scan_json(const std::optional<Scan>& scan);

// The whole document: {"format": "vigil-status", "version": 1,
// "generated_at", "database", "last_scan", "jobs": [...]}.
nlohmann::ordered_json status_json(const std::vector<JobState>& jobs, const std::optional<Scan>& last_scan,
                           const std::string& database, std::int64_t generated_at);

// One line about the last scan: when, where, outcome and counts.
std::string scan_line(const std::optional<Scan>& scan);

// Rows (the first one the heading) with their columns aligned.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows);

// The table: one line per job, its columns aligned.
void print_status(std::ostream& out, const std::vector<JobState>& jobs, const std::optional<Scan>& last_scan,
                  const std::string& database);

}  // namespace vigil::host

#endif
