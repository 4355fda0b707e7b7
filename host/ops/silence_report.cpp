#include "silence_report.hpp"

#include "duration.hpp"
#include "status_report.hpp"

#include <vigil/timestamp.hpp>

#include <algorithm>

namespace vigil::host {

namespace {

// The window's occurrence in force at now (its end), and its next start.
struct WindowOutlook {
    std::optional<std::int64_t> in_force_until;
    std::optional<std::int64_t> next_start;
};

WindowOutlook outlook_of(const MaintenanceWindow& w, std::int64_t now) {
    WindowOutlook o;
    if (const auto start = w.starts.last_instant(now); start && now < *start + w.duration) {
        o.in_force_until = *start + w.duration;
    }
    o.next_start = w.starts.next_instant(now);
    return o;
}

}  // namespace

Status check_new_silence(const Silence& s) {
    if (s.agents.empty()) return Status::error(Status::Code::kError, "--agent: give a glob on the agent id (ACME_*)");
    if (s.databases.empty()) return Status::error(Status::Code::kError, "--database: the glob must not be empty");
    if (s.reason.empty()) {
        return Status::error(Status::Code::kError, "--reason: say why the jobs are silenced (it is shown to everyone)");
    }
    if (s.ends_at <= s.created_at) {
        return Status::error(Status::Code::kError, "--until: the silence would end at " + format_iso(s.ends_at) +
                                                       ", not after it starts (" + format_iso(s.created_at) + ")");
    }
    return Status::ok();
}

const char* silence_state(const Silence& s, std::int64_t now) {
    if (now < s.created_at) return "pending";
    if (now < s.ends_at) return "active";
    return s.expired_at != kNoTime ? "expired" : "ended";
}

nlohmann::ordered_json silences_json(const std::vector<Silence>& silences,
                                     const std::vector<MaintenanceWindow>& windows, std::int64_t now) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const Silence& s : silences) {
        list.push_back({{"id", s.id},
                        {"agents", s.agents},
                        {"databases", s.databases},
                        {"state", silence_state(s, now)},
                        {"created_at", time_json(s.created_at)},
                        {"created_by", s.created_by},
                        {"reason", s.reason},
                        {"ends_at", time_json(s.ends_at)},
                        {"expired_at", time_json(s.expired_at)},
                        {"expired_by", text_json(s.expired_by)}});
    }
    nlohmann::ordered_json maintenance = nlohmann::ordered_json::array();
    for (const MaintenanceWindow& w : windows) {
        const WindowOutlook o = outlook_of(w, now);
        maintenance.push_back({{"where", w.where},
                               {"agents", w.agents},
                               {"databases", w.databases},
                               {"schedule", w.starts.cron().text},
                               {"timezone", w.starts.zone().name()},
                               {"duration_seconds", w.duration / 1'000'000},
                               {"reason", w.reason},
                               {"in_force_until", time_json(o.in_force_until.value_or(kNoTime))},
                               {"next_start", time_json(o.next_start.value_or(kNoTime))}});
    }
    return {{"format", "vigil-silences"},
            {"version", 1},
            {"generated_at", format_iso(now)},
            {"silences", list},
            {"maintenance", maintenance}};
}

void print_silences(std::ostream& out, const std::vector<Silence>& silences,
                    const std::vector<MaintenanceWindow>& windows, std::int64_t now) {
    if (silences.empty()) {
        out << "no silence\n";
    } else {
        std::vector<std::vector<std::string>> rows = {
            {"ID", "AGENTS", "DATABASES", "STATE", "FROM", "UNTIL", "BY", "REASON"}};
        for (const Silence& s : silences) {
            std::string by = s.created_by;
            if (s.expired_by) by += " (expired by " + *s.expired_by + ")";
            rows.push_back({std::to_string(s.id), s.agents, s.databases, silence_state(s, now),
                            time_or_dash(s.created_at), time_or_dash(s.ends_at), by, shorten(s.reason, 60)});
        }
        print_table(out, rows);
    }
    if (windows.empty()) return;
    out << "\nmaintenance windows (configuration):\n";
    std::vector<std::vector<std::string>> rows = {
        {"WHERE", "AGENTS", "DATABASES", "SCHEDULE", "DURATION", "NOW", "NEXT START", "REASON"}};
    for (const MaintenanceWindow& w : windows) {
        const WindowOutlook o = outlook_of(w, now);
        rows.push_back({w.where, w.agents, w.databases, w.starts.cron().text + " " + w.starts.zone().name(),
                        format_duration(w.duration),
                        o.in_force_until ? "in force until " + format_iso(*o.in_force_until) : "-",
                        o.next_start ? format_iso(*o.next_start) : "-", shorten(w.reason, 60)});
    }
    print_table(out, rows);
}

}  // namespace vigil::host
