#include "collect.hpp"

#include "agent_id.hpp"
#include "decisions.hpp"
#include "fault.hpp"
#include "log_text.hpp"
#include "sha256.hpp"

#include <vigil/timestamp.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <queue>

namespace vigil::host {

namespace {

std::string age_text(std::int64_t micros) {
    const double hours = static_cast<double>(micros) / (60.0 * kMicrosPerMinute);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.1f h", hours);
    return buffer;
}

std::int64_t modified_at(const struct stat& st) {
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * kMicrosPerSecond + st.st_mtim.tv_nsec / 1000;
}

bool settled(const CollectSettings& s, const struct stat& st) {
    return modified_at(st) <= s.real_now - s.report_settle_seconds * kMicrosPerSecond;
}

void judge(const CollectSettings& s, const std::string& folder_agent, ReportFile* file) {
    if (!file->kept()) return;
    const Report& r = *file->report;
    file->end_time = r.operation_end_time;
    switch (timeliness(r.operation_end_time, s.now, s.max_report_age_days)) {
        case Timeliness::kStale:
            file->fate = Fate::kStale;
            file->reason = Message("operation_end_time " + format_iso(r.operation_end_time) + " is " +
                                   age_text(s.now - r.operation_end_time) + " before the scan, more than max_report_age_days (" +
                                   fmt::format("{}", s.max_report_age_days) + ")");
            return;
        case Timeliness::kFuture:
            file->fate = Fate::kFuture;
            file->reason = Message("operation_end_time " + format_iso(r.operation_end_time) +
                                   " is more than 5 minutes after the scan's time " + format_iso(s.now));
            return;
        case Timeliness::kCurrent:
            break;
    }
    if (r.agent_id != folder_agent) {
        file->fate = Fate::kAgentMismatch;
        file->reason = Message("agent_id \"");
        file->reason.quote(r.agent_id).say("\" is not the folder's agent " + folder_agent);
    }
}

void invalid(ReportFile* file, Message reason) {
    file->fate = Fate::kInvalid;
    file->reason = std::move(reason);
}

// A file that could not be read gets a fingerprint no content can have (its
// bytes were not all read), so two unreadable files are never each other's
// duplicates.
void unreadable(const AgentFolder& agent, const std::string& name, const Status& why, ReportFile* file) {
    file->content_sha256 = "unreadable:" + Sha256::hex_of(agent.agent_id + "/" + name);
    invalid(file, Message("cannot read the file: ").quote(why.message()));
}

enum class ReadResult { kRead, kGone, kUnsettled };

// Reads one listed report into *file (fingerprint, then parsed and judged).
ReadResult read_report(const CollectSettings& s, ReportReader& reader, const AgentFolder& agent,
                       const std::string& name, std::map<std::string, const ReportFile*>& by_content,
                       ReportFile* file) {
    file->file_name = name;
    OpenFile opened;
    Status st = open_regular_file(agent.log, name, &opened);
    if (st.code() == Status::Code::kNotFound) return ReadResult::kGone;
    if (!st.is_ok()) {
        unreadable(agent, name, st, file);
        return ReadResult::kRead;
    }
    if (!settled(s, opened.st)) return ReadResult::kUnsettled;

    // One byte past the limit tells an oversized file, whatever it grew to
    // since it was opened: the read stops there.
    Sha256 fingerprint;
    std::string bytes;
    std::int64_t read_size = 0;
    st = stream_file(
        opened, agent.log.shown(name), s.max_report_bytes + 1,
        [&](const unsigned char* data, std::size_t n) {
            fingerprint.update(data, n);
            bytes.append(reinterpret_cast<const char*>(data), n);
        },
        &read_size);
    if (!st.is_ok()) {
        unreadable(agent, name, st, file);
        return ReadResult::kRead;
    }
    file->content_sha256 = fingerprint.finish_hex();
    if (read_size > s.max_report_bytes) {
        invalid(file, Message("file is more than max_report_bytes (" + std::to_string(s.max_report_bytes) +
                              ") bytes long (" + std::to_string(opened.st.st_size) + " when opened)"));
        return ReadResult::kRead;
    }
    // The same bytes asked of the same sources parse and judge alike:
    // parsed once, shared.
    auto same = by_content.find(file->content_sha256 + reader.readers_of(name));
    if (same != by_content.end()) {
        const ReportFile& first = *same->second;
        file->fate = first.fate;
        file->reason = first.reason;
        file->source = first.source;
        file->report = first.report;
        file->end_time = first.end_time;
        return ReadResult::kRead;
    }
    reader.parse(name, bytes, file);
    judge(s, agent.agent_id, file);
    return ReadResult::kRead;
}

// The normalised report's timestamps that lie outside the span a database
// can store ("" when none): the host's own check, whatever the source did.
std::string out_of_range_time(const Report& r) {
    auto check = [](std::int64_t t) { return t == kNoTime || in_report_range(t); };
    if (!check(r.operation_start_time)) return "operation_start_time";
    if (!check(r.operation_end_time)) return "operation_end_time";
    for (const DatabaseReport& db : r.databases) {
        for (const auto& [name, phase] : {std::pair<const char*, const Phase*>{"BACKUP", &db.backup},
                                          {"COMPRESS", &db.compress},
                                          {"TRANSFER", &db.transfer}}) {
            if (!check(phase->start_time)) return "databases." + db.database_name + "." + name + ".start_time";
            if (!check(phase->end_time)) return "databases." + db.database_name + "." + name + ".end_time";
        }
    }
    return "";
}

// Counts a .json file no source claims, and tells it: at warning the first
// time (its inode changed since the latest completed scan started, or no
// such scan is known), at debug level at every later scan.
void note_unrecognised(const CollectSettings& s, const ReportNames& names, std::string_view name,
                       AgentFolder* agent) {
    struct stat info {};
    const FileKind kind = agent->log.kind_of(name, &info);
    if (kind != FileKind::kRegular) {
        if (kind != FileKind::kMissing) {
            spdlog::debug("{}: left alone: not a report name, and a {}", agent->log.shown(name), describe(kind));
        }
        return;
    }
    ++agent->unrecognised;
    const std::int64_t changed_at =
        static_cast<std::int64_t>(info.st_ctim.tv_sec) * kMicrosPerSecond + info.st_ctim.tv_nsec / 1000;
    const bool new_since_told = s.told_before == kNoTime || changed_at >= s.told_before;
    spdlog::log(new_since_told ? spdlog::level::warn : spdlog::level::debug,
                "{}: not read: no configured report source ({}) reads a file of this name; it stays in log/ and "
                "is counted as unrecognised at every scan{}",
                agent->log.shown(name), names.source_list(),
                new_since_told ? " (this warning is given once, until the file changes)" : "");
}

}  // namespace

void ReportReader::parse(const std::string& file_name, std::string_view bytes, ReportFile* file) {
    std::string first_reason;
    bool recognized = false;
    for (ReportSourceHandle* source : sources_) {
        if (!source->recognizes(file_name)) continue;
        recognized = true;
        Report report;
        Status st = source->parse(file_name, bytes, &report);
        if (st.is_ok()) {
            if (const std::string field = out_of_range_time(report); !field.empty()) {
                st = Status::error(Status::Code::kInvalid,
                                   "field \"" + field +
                                       "\": a time outside 1970-01-01T00:00:00Z..9999-12-31T23:59:59Z (UTC)");
            }
        }
        if (st.is_ok()) {
            file->report = std::make_shared<const Report>(std::move(report));
            file->source = source->plugin_name();
            return;
        }
        if (first_reason.empty()) first_reason = source->plugin_name() + ": " + st.message();
    }
    file->fate = Fate::kInvalid;
    file->reason = recognized ? Message().quote(first_reason)
                              : Message("no configured report source reads a file of this name");
}

std::string ReportReader::readers_of(const std::string& file_name) {
    std::string readers;
    for (ReportSourceHandle* source : sources_) readers += source->recognizes(file_name) ? '1' : '0';
    return readers;
}

Status list_agent_folders(const Dir& root, std::vector<std::string>* names) {
    Status st = root.list([&](std::string_view name) {
        if (name[0] == '.') return;
        if (root.kind_of(name) == FileKind::kDirectory) names->emplace_back(name);
    });
    if (!st.is_ok()) return Status::error(Status::Code::kIo, "storage_root " + st.message());
    std::sort(names->begin(), names->end());
    return Status::ok();
}

bool open_agent_folder(const Dir& root, const std::string& name, AgentFolder* agent) {
    if (!parse_agent_id(name)) {
        // At debug level: said every ten minutes it would drown the log.
        // The summary counts it; `vigil config check` names it.
        spdlog::debug("{}: skipped: the folder name is not an agent id (COMPANY_CITY_NEIGHBORHOOD)", root.shown(name));
        return false;
    }
    agent->agent_id = name;
    if (Status st = root.open_dir(name, &agent->dir); !st.is_ok()) {
        spdlog::warn("{}: skipped: {}", root.shown(name), st.message());
        return false;
    }
    FileKind found = FileKind::kError;
    if (Status st = agent->dir.open_dir("log", &agent->log, &found); !st.is_ok()) {
        if (found == FileKind::kMissing) {
            spdlog::warn("{}: skipped: no log/ directory", root.shown(name));
        } else {
            spdlog::warn("{}: skipped: log/ refused: {}", root.shown(name), st.message());
        }
        return false;
    }
    return true;
}

void list_reports(const CollectSettings& s, const ReportNames& names, AgentFolder* agent) {
    // The oldest names, kept in a max-heap of at most the cap: the newest
    // kept name is dropped (deferred) when an older one comes.
    std::priority_queue<std::string> oldest;
    const std::size_t cap = static_cast<std::size_t>(std::max(1, s.max_reports_per_agent));
    Status st = agent->log.list([&](std::string_view name) {
        switch (names.classify(name, agent->agent_id)) {
            case NameKind::kReport:
                break;
            case NameKind::kUnrecognised:
                note_unrecognised(s, names, name, agent);
                return;
            case NameKind::kOtherAgent:
                spdlog::debug("{}: left alone: named like a report of another agent, not of {}",
                              agent->log.shown(name), agent->agent_id);
                return;
            case NameKind::kOther:
                if (name != "_archive") {
                    spdlog::debug("{}: left alone: not a report name of any configured report source",
                                  agent->log.shown(name));
                }
                return;
        }
        struct stat info {};
        const FileKind kind = agent->log.kind_of(name, &info);
        if (kind == FileKind::kMissing) return;
        if (kind != FileKind::kRegular) {
            spdlog::warn("{}: ignored: named like a report but is a {}", agent->log.shown(name), describe(kind));
            ++agent->ignored;
            return;
        }
        if (!settled(s, info)) {
            spdlog::debug("{}: left for the next scan: modified less than report_settle_seconds ago",
                         agent->log.shown(name));
            ++agent->unsettled;
            return;
        }
        oldest.emplace(name);
        if (oldest.size() > cap) {
            oldest.pop();
            ++agent->deferred;
        }
    });
    if (!st.is_ok()) {
        spdlog::error("agent {}: reports not read this scan: {}", agent->agent_id, st.message());
        return;
    }
    agent->listed.resize(oldest.size());
    for (auto it = agent->listed.rbegin(); it != agent->listed.rend(); ++it) {
        *it = oldest.top();
        oldest.pop();
    }
    if (agent->deferred > 0) {
        spdlog::warn("{}: {} report file(s) left for the next scan: more than max_reports_per_agent ({})",
                     log_text(agent->log.path().string(), kLogPathLimit), agent->deferred, s.max_reports_per_agent);
    }
    fault_point("collect.listed");
}

void read_reports(const CollectSettings& s, ReportReader& reader, AgentFolder* agent) {
    std::map<std::string, const ReportFile*> by_content;
    agent->reports.reserve(agent->listed.size());
    for (const std::string& name : agent->listed) {
        ReportFile file;
        switch (read_report(s, reader, *agent, name, by_content, &file)) {
            case ReadResult::kGone:
                spdlog::debug("{}: gone before it was read (another scanner archived it)", agent->log.shown(name));
                continue;
            case ReadResult::kUnsettled:
                spdlog::debug("{}: left for the next scan: modified less than report_settle_seconds ago",
                             agent->log.shown(name));
                ++agent->unsettled;
                continue;
            case ReadResult::kRead:
                break;
        }
        agent->reports.push_back(std::move(file));
        by_content.emplace(agent->reports.back().content_sha256 + reader.readers_of(name), &agent->reports.back());
        fault_point("collect.report");
    }
}

std::vector<Candidate> candidates_for(const AgentFolder& agent, const Job& job, const std::vector<bool>& excluded) {
    std::vector<Candidate> out;
    for (std::size_t i = 0; i < agent.reports.size(); ++i) {
        const ReportFile& f = agent.reports[i];
        if (!f.kept() || excluded[i]) continue;
        for (const DatabaseReport& db : f.report->databases) {
            if (db.database_name == job.database_name) out.push_back(Candidate{f.file_name, f.report.get(), &db});
        }
    }
    return out;
}

}  // namespace vigil::host
