#include "metrics.hpp"

#include "records.hpp"
#include "vocabulary.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace vigil::host {

namespace {

// A label value as the exposition format wants it: \, " and newline escaped.
std::string escaped(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string seconds(std::int64_t micros) {
    char text[40];
    std::snprintf(text, sizeof text, "%.6f", static_cast<double>(micros) / 1e6);
    return text;
}

class Writer {
public:
    void family(const char* name, const char* help) {
        out_ << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n";
    }
    void sample(const char* name, const std::string& labels, const std::string& value) {
        out_ << name << (labels.empty() ? "" : "{" + labels + "}") << " " << value << "\n";
    }
    std::string text() const { return out_.str(); }

private:
    std::ostringstream out_;
};

std::string job_labels(const Job& job) {
    return "agent=\"" + escaped(job.agent_id_responsible) + "\",database=\"" + escaped(job.database_name) +
           "\",schedule=\"" + escaped(job.schedule_text()) + "\"";
}

template <typename Key, typename Wanted>
int count_of(const std::map<Key, int>& counts, const Wanted& key) {
    auto it = counts.find(key);
    return it == counts.end() ? 0 : it->second;
}

// A family of one time per job, for the jobs that have it.
void job_times(Writer& w, const std::vector<Job>& jobs, const char* name, const char* help,
               std::int64_t Job::*field) {
    w.family(name, help);
    for (const Job& job : jobs) {
        if (job.*field != kNoTime) w.sample(name, job_labels(job), seconds(job.*field));
    }
}

}  // namespace

std::string render_metrics(const MetricsInput& in) {
    Writer w;
    w.family("vigil_job_status", "1 for the current status of each active job, 0 for the other statuses.");
    for (const Job& job : in.jobs) {
        for (const JobStatus status : kJobStatuses) {
            w.sample("vigil_job_status", job_labels(job) + ",status=\"" + std::string(name_of(status)) + "\"",
                     job.current_status == name_of(status) ? "1" : "0");
        }
    }
    job_times(w, in.jobs, "vigil_job_status_changed_timestamp_seconds",
              "When the scan that last changed the job's status judged (Unix time).", &Job::status_changed_at);
    job_times(w, in.jobs, "vigil_job_last_success_timestamp_seconds",
              "End time of the report of the job's latest successful backup (Unix time).",
              &Job::last_successful_backup_timestamp);
    job_times(w, in.jobs, "vigil_job_last_entry_timestamp_seconds",
              "Expected time of the cycle of the job's latest entry (Unix time).", &Job::last_entry_cycle_at);

    const ScanSummary& s = *in.summary;
    w.family("vigil_scan_success", "1 when the last scan ran to its end, 0 when it could not.");
    w.sample("vigil_scan_success", "", in.scan_succeeded ? "1" : "0");
    w.family("vigil_scan_timestamp_seconds", "When the last scan ended, on the clock (Unix time).");
    w.sample("vigil_scan_timestamp_seconds", "", seconds(in.finished_at));
    w.family("vigil_scan_judged_timestamp_seconds", "The instant the last scan judged at (Unix time).");
    w.sample("vigil_scan_judged_timestamp_seconds", "", seconds(s.now));
    w.family("vigil_scan_duration_seconds", "How long the last scan took.");
    w.sample("vigil_scan_duration_seconds", "", seconds(static_cast<std::int64_t>(s.seconds * 1e6)));
    w.family("vigil_scan_reports", "Reports the last scan processed, by fate.");
    for (const Fate fate : kFates) {
        w.sample("vigil_scan_reports", "fate=\"" + std::string(name_of(fate)) + "\"", std::to_string(count_of(s.fates, fate)));
    }
    w.family("vigil_scan_entries", "Backup entries the last scan recorded, by status.");
    for (const EntryStatus status : kEntryStatuses) {
        w.sample("vigil_scan_entries", "status=\"" + std::string(name_of(status)) + "\"",
                 std::to_string(count_of(s.entries, std::string(name_of(status)))));
    }
    w.family("vigil_scan_agents", "Agents of the last scan: scanned, without a folder, skipped, busy, failed.");
    const std::pair<const char*, int> agents[] = {{"scanned", s.agents_scanned},
                                                  {"without_folder", s.agents_without_folder},
                                                  {"skipped", s.agents_skipped},
                                                  {"busy", s.agents_busy},
                                                  {"failed", s.agents_failed}};
    for (const auto& [state, n] : agents) w.sample("vigil_scan_agents", "state=\"" + std::string(state) + "\"", std::to_string(n));
    w.family("vigil_notification_deliveries", "Notification deliveries waiting to be sent (pending) or refused for good (failed), per notifier.");
    for (const DeliveryCount& d : in.deliveries) {
        const auto state = parse_delivery_state(d.state);
        if (state != DeliveryState::kPending && state != DeliveryState::kFailed) continue;
        w.sample("vigil_notification_deliveries", "notifier=\"" + escaped(d.notifier) + "\",state=\"" + d.state + "\"",
                 std::to_string(d.count));
    }
    return w.text();
}

Status write_metrics_file(const std::filesystem::path& file, const std::string& text) {
    auto fail = [&](const std::string& what) {
        return Status::error(Status::Code::kIo, "metrics_file " + file.string() + ": " + what + ": " + std::strerror(errno));
    };
    const std::filesystem::path temporary = file.string() + ".tmp." + std::to_string(::getpid());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) return fail("cannot create " + temporary.string());
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            Status st = fail("cannot write " + temporary.string());
            ::close(fd);
            ::unlink(temporary.c_str());
            return st;
        }
        written += static_cast<std::size_t>(n);
    }
    // The process umask may have taken read access from others.
    const bool readable = ::fchmod(fd, 0644) == 0;
    if (::close(fd) != 0 || !readable) {
        Status st = fail("cannot finish " + temporary.string());
        ::unlink(temporary.c_str());
        return st;
    }
    if (::rename(temporary.c_str(), file.c_str()) != 0) {
        Status st = fail("cannot rename " + temporary.string() + " over it");
        ::unlink(temporary.c_str());
        return st;
    }
    return Status::ok();
}

}  // namespace vigil::host
