#include "nagios_check.hpp"

#include <vigil/timestamp.hpp>

#include <algorithm>
#include <map>

namespace vigil::host {

namespace {

constexpr std::size_t kJobsNamed = 5;  // the one line stays short: then "and N more"

const char* code_name(CheckCode code) {
    switch (code) {
        case CheckCode::kOk: return "OK";
        case CheckCode::kWarning: return "WARNING";
        case CheckCode::kCritical: return "CRITICAL";
        case CheckCode::kUnknown: return "UNKNOWN";
    }
    return "UNKNOWN";
}

std::string age_text(std::int64_t micros) {
    const std::int64_t seconds = std::max<std::int64_t>(0, micros / 1'000'000);
    if (seconds < 120) return std::to_string(seconds) + " s";
    if (seconds < 7200) return std::to_string(seconds / 60) + " min";
    if (seconds < 172800) return std::to_string(seconds / 3600) + " h";
    return std::to_string(seconds / 86400) + " d";
}

// "3 critical: A/sales missing, B/hr failed, and 1 more".
std::string job_list(const std::vector<const Job*>& jobs, const char* what) {
    std::string text = std::to_string(jobs.size()) + " " + what + ": ";
    for (std::size_t i = 0; i < jobs.size() && i < kJobsNamed; ++i) {
        text += (i ? ", " : "") + jobs[i]->agent_id_responsible + "/" + jobs[i]->database_name + " " +
                jobs[i]->current_status;
    }
    if (jobs.size() > kJobsNamed) text += ", and " + std::to_string(jobs.size() - kJobsNamed) + " more";
    return text;
}

// The text as the one line of output may carry it: control characters
// would break the line, '|' would start the performance data.
std::string one_line(std::string text) {
    for (char& c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == '|') c = ' ';
    }
    return text;
}

}  // namespace

CheckVerdict judge_check(const CheckInput& in, const CheckOptions& options) {
    std::vector<const Job*> critical, warning, silenced;
    std::map<std::string, int> by_status;
    for (const JobStatus status : kJobStatuses) by_status[std::string(name_of(status))] = 0;
    for (const Job& job : in.jobs) {
        ++by_status[job.current_status];
        const bool alarming = options.critical.count(job.current_status) || options.warning.count(job.current_status);
        if (in.silenced.count(job.id)) {
            if (alarming) silenced.push_back(&job);
        } else if (options.critical.count(job.current_status)) critical.push_back(&job);
        else if (options.warning.count(job.current_status)) warning.push_back(&job);
    }

    std::vector<std::string> problems;
    CheckCode code = CheckCode::kOk;
    auto raise = [&](CheckCode to) { code = std::max(code, to); };
    std::optional<std::int64_t> scan_age;
    if (!in.last_completed) {
        raise(CheckCode::kCritical);
        problems.push_back("no completed scan recorded");
    } else {
        scan_age = in.now - in.last_completed->finished_at;
        if (*scan_age > options.max_scan_age) {
            raise(CheckCode::kCritical);
            problems.push_back("last completed scan ended " + age_text(*scan_age) + " ago, more than " +
                               age_text(options.max_scan_age));
        }
    }
    if (!critical.empty()) {
        raise(CheckCode::kCritical);
        problems.push_back(job_list(critical, "critical"));
    }
    if (!warning.empty()) {
        raise(CheckCode::kWarning);
        problems.push_back(job_list(warning, "warning"));
    }
    if (in.last_scan && parse_scan_outcome(in.last_scan->outcome) == ScanOutcome::kFailed) {
        raise(CheckCode::kWarning);
        problems.push_back("the latest scan failed: " + in.last_scan->message);
    }

    std::string text;
    for (const auto& p : problems) text += (text.empty() ? "" : "; ") + p;
    if (text.empty()) {
        text = std::to_string(in.jobs.size()) + " jobs, none in a warning or critical status; last scan ended " +
               age_text(*scan_age) + " ago";
    }
    if (!silenced.empty()) text += "; " + job_list(silenced, "silenced");

    std::int64_t pending = 0, failed = 0;
    for (const DeliveryCount& d : in.deliveries) {
        const auto state = parse_delivery_state(d.state);
        if (state == DeliveryState::kPending) pending += d.count;
        if (state == DeliveryState::kFailed) failed += d.count;
    }
    std::string perf;
    for (const auto& [status, n] : by_status) perf += "jobs_" + status + "=" + std::to_string(n) + ";;;0 ";
    perf += "jobs_silenced=" + std::to_string(in.silenced.size()) + ";;;0 ";
    if (scan_age) {
        perf += "scan_age=" + std::to_string(std::max<std::int64_t>(0, *scan_age / 1'000'000)) + "s;;" +
                std::to_string(options.max_scan_age / 1'000'000) + ";0 ";
    }
    perf += "deliveries_pending=" + std::to_string(pending) + ";;;0 deliveries_failed=" + std::to_string(failed) +
            ";;;0";
    return {code, std::string("VIGIL ") + code_name(code) + " - " + one_line(text) + " | " + perf};
}

CheckVerdict unknown_check(const std::string& why) {
    return {CheckCode::kUnknown, "VIGIL UNKNOWN - " + one_line(why)};
}

}  // namespace vigil::host
