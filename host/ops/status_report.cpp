#include "status_report.hpp"

#include "files.hpp"
#include "log_text.hpp"
#include "notify.hpp"
#include "vocabulary.hpp"

#include <vigil/timestamp.hpp>

#include <algorithm>
#include <cstdio>

namespace vigil::host {

namespace {

nlohmann::ordered_json entry_json(const std::optional<Entry>& entry) {
    if (!entry) return nullptr;
    return {{"cycle", time_json(entry->cycle_expected_at)},
            {"status", entry->status},
            {"message", entry->message},
            {"recorded_at", time_json(entry->timestamp)},
            {"report", text_json(entry->operation_log_file_name)}};
}

std::string seconds_text(std::int64_t micros) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f s", static_cast<double>(micros) / 1e6);
    return text;
}

nlohmann::ordered_json silenced_json(const std::optional<Silencing>& silenced) {
    if (!silenced) return nullptr;
    return {{"until", time_json(silenced->until)}, {"by", silenced->by}, {"reason", silenced->reason}};
}

// "2026-11-24T01:30:00Z (deadline 2026-11-24T03:00:00Z)", or "-".
std::string next_text(const std::optional<UpcomingCycle>& upcoming) {
    if (!upcoming) return "-";
    return format_iso(upcoming->expected) + " (deadline " + format_iso(upcoming->deadline) + ")";
}

}  // namespace

nlohmann::ordered_json time_json(std::int64_t micros) {
    return micros == kNoTime ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(format_iso(micros));
}

nlohmann::ordered_json text_json(const std::optional<std::string>& text) {
    return text ? nlohmann::ordered_json(*text) : nlohmann::ordered_json(nullptr);
}

std::vector<JobState> filter_jobs(const std::vector<JobState>& jobs, const StatusFilter& filter) {
    std::vector<JobState> kept;
    for (const JobState& s : jobs) {
        if (!glob_matches(filter.agents, s.job.agent_id_responsible)) continue;
        if (!glob_matches(filter.databases, s.job.database_name)) continue;
        if (filter.failing_only && !is_problem_status(s.job.current_status)) continue;
        kept.push_back(s);
    }
    return kept;
}

nlohmann::ordered_json scan_json(const std::optional<Scan>& scan) {
    if (!scan) return nullptr;
    const Scan& s = *scan;
    nlohmann::ordered_json duration = nullptr;
    if (s.finished_at != kNoTime) duration = static_cast<double>(s.finished_at - s.started_at) / 1e6;
    return {{"id", s.id},
            {"started_at", time_json(s.started_at)},
            {"finished_at", time_json(s.finished_at)},
            {"duration_seconds", duration},
            {"scan_time", time_json(s.scan_time)},
            {"host", s.host},
            {"pid", s.pid},
            {"outcome", s.outcome},
            {"message", s.message},
            {"counts",
             {{"agents_scanned", s.agents_scanned},
              {"agents_without_folder", s.agents_without_folder},
              {"folders_skipped", s.folders_skipped},
              {"agents_busy", s.agents_busy},
              {"agents_failed", s.agents_failed},
              {"reports_processed", s.reports_processed},
              {"entries_recorded", s.entries_recorded},
              {"events_queued", s.events_queued},
              {"reports_archived", s.reports_archived},
              {"archive_failures", s.archive_failures},
              {"jobs_active", s.jobs_active},
              {"bytes_verified", s.bytes_verified}}}};
}

nlohmann::ordered_json status_json(const std::vector<JobState>& jobs, const std::optional<Scan>& last_scan,
                           const std::string& database, std::int64_t generated_at) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const JobState& s : jobs) {
        const Job& j = s.job;
        list.push_back({{"id", j.id},
                        {"agent", j.agent_id_responsible},
                        {"database", j.database_name},
                        {"schedule", j.schedule_text()},
                        {"timezone", schedule_zone(j)},
                        {"window_minutes", j.window_minutes},
                        {"status", j.current_status},
                        {"status_since", time_json(j.status_changed_at)},
                        {"last_success", time_json(j.last_successful_backup_timestamp)},
                        {"last_checked", time_json(j.last_checked_timestamp)},
                        {"last_entry", entry_json(s.last_entry)},
                        {"next_expected", time_json(s.upcoming ? s.upcoming->expected : kNoTime)},
                        {"deadline", time_json(s.upcoming ? s.upcoming->deadline : kNoTime)},
                        {"silenced", silenced_json(s.silenced)}});
    }
    return {{"format", "vigil-status"},
            {"version", 1},
            {"generated_at", format_iso(generated_at)},
            {"database", database},
            {"last_scan", scan_json(last_scan)},
            {"jobs", list}};
}

std::string scan_line(const std::optional<Scan>& scan) {
    if (!scan) return "last scan: none recorded";
    const Scan& s = *scan;
    std::string line = "last scan: #" + std::to_string(s.id) + " judged at " + format_iso(s.scan_time) +
                       ", started " + format_iso(s.started_at) + " on " + s.host + " (pid " +
                       std::to_string(s.pid) + "): ";
    if (parse_scan_outcome(s.outcome) == ScanOutcome::kRunning) return line + "running, or stopped before it finished";
    line += s.outcome + " in " + seconds_text(s.finished_at - s.started_at);
    if (!s.message.empty()) line += " (" + log_text(shorten(s.message, 120), std::string::npos) + ")";
    return line + "; " + std::to_string(s.agents_scanned) + " agents scanned, " +
           std::to_string(s.agents_without_folder) + " without a folder, " + std::to_string(s.reports_processed) +
           " reports, " + std::to_string(s.entries_recorded) + " entries";
}

void print_status(std::ostream& out, const std::vector<JobState>& jobs, const std::optional<Scan>& last_scan,
                  const std::string& database) {
    out << scan_line(last_scan) << "\n";
    out << "database: " << database << "\n";
    if (jobs.empty()) {
        out << "no active job matches\n";
        return;
    }
    std::vector<std::vector<std::string>> rows = {
        {"AGENT", "DATABASE", "SCHEDULE", "STATUS", "SINCE", "LAST SUCCESS", "NEXT EXPECTED", "LAST ENTRY"}};
    for (const JobState& s : jobs) {
        const Job& j = s.job;
        std::string last = "-";
        if (s.last_entry) last = s.last_entry->status + ": " + log_text(shorten(s.last_entry->message, 60), std::string::npos);
        std::string status = j.current_status;
        if (s.silenced) status += " (silenced until " + format_iso(s.silenced->until) + ")";
        rows.push_back({j.agent_id_responsible, j.database_name, j.schedule_text() + " " + schedule_zone(j), status,
                        time_or_dash(j.status_changed_at), time_or_dash(j.last_successful_backup_timestamp),
                        next_text(s.upcoming), last});
    }
    out << "\n";
    print_table(out, rows);
}

void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths(rows[0].size(), 0);
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        out << line << "\n";
    }
}

}  // namespace vigil::host
