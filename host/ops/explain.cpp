#include "explain.hpp"

#include "agent_id.hpp"
#include "files.hpp"
#include "history.hpp"
#include "log_text.hpp"
#include "records.hpp"
#include "sha256.hpp"

#include <vigil/timestamp.hpp>

#include <regex>
#include <set>
#include <sys/stat.h>

namespace vigil::host {

namespace {

namespace fs = std::filesystem;

// SHA-256 of a file's bytes, read through its folder's handle ("" when it
// cannot be read as a regular file).
std::string fingerprint(const Dir& dir, const std::string& name) {
    OpenFile file;
    if (!open_regular_file(dir, name, &file).is_ok()) return "";
    Sha256 sha;
    std::int64_t read = 0;
    Status st = stream_file(file, dir.shown(name), -1,
                            [&](const unsigned char* bytes, std::size_t n) { sha.update(bytes, n); }, &read);
    return st.is_ok() ? sha.finish_hex() : "";
}

// Where the report is now: the archived copy whose content a scan recorded
// (its own name, then <stem>.N.json), or still in log/. Folders are reached
// through handles, never through a symbolic link, as a scan reaches them.
void print_place(const Config& config, const ReportPath& report, const std::set<std::string>& contents,
                 std::ostream& out) {
    Dir root, agent, log, archive;
    const bool have_log = Dir::open_root(config.storage_root, &root).is_ok() &&
                          root.open_dir(report.agent, &agent).is_ok() && agent.open_dir("log", &log).is_ok();
    if (have_log && log.open_dir("_archive", &archive).is_ok()) {
        const std::string stem = report.report_name.substr(0, report.report_name.size() - 5);
        for (int n = 0;; ++n) {
            const std::string name = n == 0 ? report.report_name : stem + "." + std::to_string(n) + ".json";
            if (archive.kind_of(name) == FileKind::kMissing) {
                if (n == 0) continue;
                break;
            }
            if (contents.count(fingerprint(archive, name))) {
                out << "  archived as " << archive.shown(name) << "\n";
                return;
            }
        }
    }
    if (have_log && log.kind_of(report.report_name) != FileKind::kMissing) {
        out << "  still in " << log.shown(report.report_name) << ": the next scan moves it to log/_archive/\n";
        return;
    }
    const fs::path log_path = config.storage_root / report.agent / "log";
    out << "  not found in " << log_text(log_path.string(), kLogPathLimit) << " or its _archive/ (moved or deleted since)\n";
}

}  // namespace

ReportPath parse_report_path(const std::string& file, const AgentOfName& agent_of_name) {
    ReportPath r;
    const fs::path given(file);
    r.file_name = given.filename().string();
    r.report_name = r.file_name;
    static const std::regex kCopy("^(.+)\\.[0-9]+\\.json$");
    std::smatch m;
    if (agent_of_name(r.file_name).empty() && std::regex_match(r.file_name, m, kCopy)) {
        r.report_name = m[1].str() + ".json";
    }
    r.agent = agent_of_name(r.report_name);
    if (given.has_parent_path()) {
        r.path = fs::absolute(given).lexically_normal();
        fs::path dir = r.path->parent_path();
        if (dir.filename() == "_archive") {
            r.archived_copy = true;
            dir = dir.parent_path();
        }
        // <storage_root>/<agent>/log/<file>: the folder is the agent a scan reads it for.
        if (dir.filename() == "log") r.agent = dir.parent_path().filename().string();
    }
    return r;
}

std::string why_not_recorded(const Config& config, const ReportNames& names, const ReportPath& report,
                             const fs::path& path, std::int64_t real_now) {
    const fs::path log = path.parent_path();
    const std::string folder = log.parent_path().filename().string();
    if (report.archived_copy) return "it lies in log/_archive/, where scans never read, and no scan recorded it";
    if (log.filename() != "log" || log.parent_path().parent_path() != config.storage_root) {
        return "it is not in the log/ folder of an agent under storage_root (" + config.storage_root.string() + ")";
    }
    if (!parse_agent_id(folder)) {
        return "its folder " + folder + " is not named like an agent (COMPANY_CITY_NEIGHBORHOOD): scans skip it";
    }
    switch (names.classify(report.file_name, folder)) {
        case NameKind::kReport:
            break;
        case NameKind::kUnrecognised:
            return "no configured report source (" + names.source_list() +
                   ") reads a file of this name: every scan counts it as unrecognised .json file and leaves it "
                   "in log/ (the first scan to see it, or to see it changed, warns)";
        case NameKind::kOtherAgent: {
            std::string agents;
            for (const std::string& a : names.agents_in(report.file_name)) agents += (agents.empty() ? "" : ", ") + a;
            return "its name is not one of agent " + folder + "'s reports (case included): the configured report "
                   "sources read it as a report of " + agents + ": scans leave it alone";
        }
        case NameKind::kOther:
            return "its name is not one of agent " + folder + "'s reports for any configured report source (" +
                   names.source_list() + "): scans leave it alone";
    }
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return "there is no such file";
    if (!S_ISREG(st.st_mode)) return "it is not a regular file: scans never open it";
    const std::int64_t modified =
        static_cast<std::int64_t>(st.st_mtim.tv_sec) * kMicrosPerSecond + st.st_mtim.tv_nsec / 1000;
    if (modified > real_now - config.report_settle_seconds * kMicrosPerSecond) {
        return "it was modified less than report_settle_seconds (" + std::to_string(config.report_settle_seconds) +
               ") ago and may still be being written: a later scan reads it";
    }
    return "it is a report no scan has read yet: the next scan reads it";
}

Status explain_report(const Config& config, StorageHandle& storage, const ReportNames& names, const std::string& file,
                      std::int64_t real_now, std::ostream& out) {
    const ReportPath report = parse_report_path(file, [&](const std::string& name) {
        for (const std::string& agent : names.agents_in(name)) {
            if (parse_agent_id(agent)) return agent;
        }
        return std::string();
    });
    out << log_text(report.report_name, kLogPathLimit);
    if (!report.agent.empty()) out << " (agent " << log_text(report.agent, kLogPathLimit) << ")";
    out << "\n";

    std::vector<ReportRecord> records;
    std::vector<Entry> entries;
    std::vector<Job> jobs;
    if (!report.agent.empty()) {
        if (Status st = storage.load_reports(report.agent, report.report_name, kNoTime, &records); !st.is_ok()) {
            return st;
        }
        if (Status st = storage.find_entries(report.agent, report.report_name, kNoTime, &entries); !st.is_ok()) {
            return st;
        }
        if (Status st = storage.load_all_jobs(report.agent, false, &jobs); !st.is_ok()) return st;
    }
    if (records.empty()) {
        const fs::path path = report.path ? *report.path
                                          : config.storage_root / report.agent / "log" / report.file_name;
        if (report.agent.empty() && !report.path) {
            out << "  not recorded by any scan: the name is not a report's for any configured report source ("
                << names.source_list() << "), so no scan reads it; give its path to say more\n";
        } else {
            out << "  not recorded by any scan: " << why_not_recorded(config, names, report, path, real_now) << "\n";
        }
        return Status::ok();
    }
    std::set<std::string> contents;
    for (const ReportRecord& r : records) {
        contents.insert(r.content_sha256);
        out << "  scanned " << time_or_dash(r.scanned_at) << ": " << r.fate;
        if (!r.reason.empty()) out << ": " << log_text(r.reason, std::string::npos);
        out << "\n";
        if (r.source) {
            out << "    read by " << *r.source << "; operation_end_time " << time_or_dash(r.operation_end_time)
                << "\n";
        }
    }
    for (const Entry& e : entries) {
        const Job* job = job_of(jobs, e);
        out << "  used for " << (job ? job_name(*job) : "a job no longer known") << ", cycle "
            << time_or_dash(e.cycle_expected_at) << ": " << e.status << ": " << log_text(e.message, std::string::npos) << "\n";
    }
    print_place(config, report, contents, out);
    return Status::ok();
}

}  // namespace vigil::host
