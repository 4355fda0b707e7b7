#include "history.hpp"

#include "files.hpp"
#include "log_text.hpp"
#include "status_report.hpp"

#include <vigil/timestamp.hpp>

namespace vigil::host {

const Job* job_of(const std::vector<Job>& jobs, const Entry& entry) {
    for (const Job& j : jobs) {
        if (j.id == entry.expected_job_id) return &j;
    }
    return nullptr;
}

Status load_history(StorageHandle& storage, const std::string& agent, const std::string& database,
                    std::int64_t since, History* history) {
    history->agent = agent;
    history->database = database;
    history->since = since;
    if (Status st = storage.load_all_jobs(agent, false, &history->jobs); !st.is_ok()) return st;
    std::vector<Entry> entries;
    if (Status st = storage.find_entries(agent, "", since, &entries); !st.is_ok()) return st;
    for (Entry& e : entries) {
        const Job* job = job_of(history->jobs, e);
        if (database.empty() || (job && job->database_name == database)) history->entries.push_back(std::move(e));
    }
    return storage.load_reports(agent, "", since, &history->reports);
}

nlohmann::ordered_json history_json(const History& h) {
    nlohmann::ordered_json entries = nlohmann::ordered_json::array();
    for (const Entry& e : h.entries) {
        const Job* job = job_of(h.jobs, e);
        entries.push_back({{"recorded_at", time_json(e.timestamp)},
                           {"database", job ? nlohmann::ordered_json(job->database_name) : nlohmann::ordered_json(nullptr)},
                           {"schedule", job ? nlohmann::ordered_json(job->schedule_text()) : nlohmann::ordered_json(nullptr)},
                           {"cycle", time_json(e.cycle_expected_at)},
                           {"status", e.status},
                           {"message", e.message},
                           {"report", text_json(e.operation_log_file_name)}});
    }
    nlohmann::ordered_json reports = nlohmann::ordered_json::array();
    for (const ReportRecord& r : h.reports) {
        reports.push_back({{"scanned_at", time_json(r.scanned_at)},
                           {"file_name", r.file_name},
                           {"fate", r.fate},
                           {"reason", r.reason},
                           {"source", text_json(r.source)},
                           {"operation_end_time", time_json(r.operation_end_time)}});
    }
    return {{"format", "vigil-history"},
            {"version", 1},
            {"agent", h.agent},
            {"database", h.database.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(h.database)},
            {"since", time_json(h.since)},
            {"entries", entries},
            {"reports", reports}};
}

void print_history(std::ostream& out, const History& h) {
    out << h.agent << (h.database.empty() ? "" : " " + h.database)
        << (h.since == kNoTime ? "" : ", recorded since " + format_iso(h.since)) << ", newest first\n";
    out << "\nentries (" << h.entries.size() << "):\n";
    for (const Entry& e : h.entries) {
        const Job* job = job_of(h.jobs, e);
        out << "  " << time_or_dash(e.timestamp) << "  " << (job ? job_name(*job) : "?") << "  cycle "
            << time_or_dash(e.cycle_expected_at) << "  " << e.status << ": " << log_text(e.message, std::string::npos);
        if (e.operation_log_file_name) out << "  [" << log_text(*e.operation_log_file_name, kLogPathLimit) << "]";
        out << "\n";
    }
    out << "\nreports (" << h.reports.size() << "):\n";
    for (const ReportRecord& r : h.reports) {
        out << "  " << time_or_dash(r.scanned_at) << "  " << log_text(r.file_name, kLogPathLimit) << "  " << r.fate;
        if (!r.reason.empty()) out << ": " << log_text(r.reason, std::string::npos);
        if (r.source) out << "  (read by " << *r.source << ", ended " << time_or_dash(r.operation_end_time) << ")";
        out << "\n";
    }
}

}  // namespace vigil::host
