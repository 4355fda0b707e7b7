#include "collect.hpp"

#include "agent_id.hpp"
#include "decisions.hpp"
#include "fault.hpp"
#include "files.hpp"
#include "sha256.hpp"

#include <vigil/timestamp.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>

namespace vigil::host {

namespace {

// Names in a directory, sorted; fails when it cannot be listed.
Status list_dir(const std::filesystem::path& dir, std::vector<std::string>* names) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
        return Status::error(Status::Code::kIo, printable(dir.string()) + ": cannot list: " + std::strerror(errno));
    }
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name != "." && name != "..") names->push_back(std::move(name));
    }
    ::closedir(d);
    std::sort(names->begin(), names->end());
    return Status::ok();
}

std::string age_text(std::int64_t micros) {
    const double hours = static_cast<double>(micros) / (60.0 * kMicrosPerMinute);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.1f h", hours);
    return buffer;
}

void judge(const CollectSettings& s, const std::string& folder_agent, ReportFile* file) {
    if (!file->kept()) return;
    const Report& r = *file->report;
    file->end_time = r.operation_end_time;
    switch (timeliness(r.operation_end_time, s.now, s.max_report_age_days)) {
        case Timeliness::kStale:
            file->fate = "stale";
            file->reason = "operation_end_time " + format_iso(r.operation_end_time) + " is " +
                           age_text(s.now - r.operation_end_time) + " before the scan, more than max_report_age_days (" +
                           fmt::format("{}", s.max_report_age_days) + ")";
            return;
        case Timeliness::kFuture:
            file->fate = "future";
            file->reason = "operation_end_time " + format_iso(r.operation_end_time) +
                           " is more than 5 minutes after the scan's time " + format_iso(s.now);
            return;
        case Timeliness::kCurrent:
            break;
    }
    if (r.agent_id != folder_agent) {
        file->fate = "agent_mismatch";
        file->reason = "agent_id \"" + printable(r.agent_id) + "\" is not the folder's agent " + folder_agent;
    }
}

// False when the file vanished after the listing: another scanner archived
// it, and it is that scanner's to record.
bool read_report(const CollectSettings& s, ReportReader& reader, const AgentFolder& agent,
                 const std::string& name, std::int64_t size, ReportFile* file) {
    file->file_name = name;
    const auto path = agent.log_dir() / name;
    Sha256 fingerprint;
    std::string bytes;
    const bool oversized = size > s.max_report_bytes;
    std::int64_t read_size = 0;
    Status st = stream_regular_file(
        path,
        [&](const unsigned char* data, std::size_t n) {
            fingerprint.update(data, n);
            if (!oversized) bytes.append(reinterpret_cast<const char*>(data), n);
        },
        &read_size);
    file->content_sha256 = fingerprint.finish_hex();
    if (st.code() == Status::Code::kNotFound) return false;
    if (!st.is_ok()) {
        // Not the bytes' fingerprint (none were read): one no content can
        // have, so two unreadable files are never each other's duplicates.
        file->content_sha256 = "unreadable:" + Sha256::hex_of(agent.agent_id + "/" + name);
        file->fate = "invalid";
        file->reason = "cannot read the file: " + st.message();
        return true;
    }
    if (oversized || read_size > s.max_report_bytes) {
        file->fate = "invalid";
        file->reason = "file is " + std::to_string(read_size) + " bytes, more than max_report_bytes (" +
                       std::to_string(s.max_report_bytes) + ")";
        return true;
    }
    reader.parse(name, bytes, file);
    judge(s, agent.agent_id, file);
    return true;
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
            file->report = std::move(report);
            file->source = source->plugin_name();
            return;
        }
        if (first_reason.empty()) first_reason = source->plugin_name() + ": " + st.message();
    }
    file->fate = "invalid";
    file->reason = recognized ? first_reason : "no configured report source reads a file of this name";
}

Status collect(const CollectSettings& s, ReportReader& reader, Collection* out) {
    std::vector<std::string> names;
    if (Status st = list_dir(s.storage_root, &names); !st.is_ok()) {
        return Status::error(Status::Code::kIo, "storage_root " + st.message());
    }
    for (const std::string& name : names) {
        if (name[0] == '.') continue;
        const auto dir = s.storage_root / name;
        if (file_kind(dir) != FileKind::kDirectory) continue;
        if (!parse_agent_id(name)) {
            // At debug level: said every ten minutes it would drown the log.
            // The summary counts it; `vigil config check` names it.
            spdlog::debug("{}: skipped: the folder name is not an agent id (COMPANY_CITY_NEIGHBORHOOD)",
                          printable(dir.string()));
            ++out->skipped_folders;
            continue;
        }
        AgentFolder agent{name, dir, {}};
        const FileKind log_kind = file_kind(agent.log_dir());
        const int log_errno = errno;
        if (log_kind != FileKind::kDirectory) {
            spdlog::warn("{}: skipped: {}", printable(dir.string()),
                         log_kind == FileKind::kMissing ? std::string("no log/ directory")
                         : log_kind == FileKind::kError ? "cannot look into the folder: " + std::string(std::strerror(log_errno))
                                                        : "log/ is a " + describe(log_kind) + ", not a directory");
            ++out->skipped_folders;
            continue;
        }
        std::vector<std::string> entries;
        if (Status st = list_dir(agent.log_dir(), &entries); !st.is_ok()) {
            spdlog::error("{}: skipped: {}", printable(dir.string()), st.message());
            ++out->skipped_folders;
            continue;
        }
        for (const std::string& entry : entries) {
            if (!is_report_file_name(entry, name)) {
                if (entry != "_archive") {
                    spdlog::debug("{}: left alone: not named like a report of {} (YYYYMMDD_HHMMSS_{}.json)",
                                  printable((agent.log_dir() / entry).string()), name, name);
                }
                continue;
            }
            const auto path = agent.log_dir() / entry;
            struct stat st {};
            if (::lstat(path.c_str(), &st) != 0) continue;
            if (!S_ISREG(st.st_mode)) {
                spdlog::warn("{}: ignored: named like a report but is a {}", printable(path.string()),
                             describe(file_kind(path)));
                ++out->ignored_entries;
                continue;
            }
            const std::int64_t mtime = static_cast<std::int64_t>(st.st_mtim.tv_sec) * kMicrosPerSecond +
                                       st.st_mtim.tv_nsec / 1000;
            if (mtime > s.real_now - s.report_settle_seconds * kMicrosPerSecond) {
                spdlog::debug("{}: left for the next scan: modified less than report_settle_seconds ago",
                              printable(path.string()));
                ++out->unsettled_reports;
                continue;
            }
            ReportFile file;
            if (!read_report(s, reader, agent, entry, st.st_size, &file)) {
                spdlog::debug("{}: gone before it was read (another scanner archived it)", printable(path.string()));
                continue;
            }
            agent.reports.push_back(std::move(file));
            fault_point("collect.report");
        }
        out->agents.push_back(std::move(agent));
    }
    return Status::ok();
}

}  // namespace vigil::host
