#include "silence.hpp"

#include "vocabulary.hpp"

#include <fnmatch.h>

namespace vigil::host {

namespace {

// Occurrences chained through overlaps: enough for any window the
// configuration accepts, and a bound whatever it holds.
constexpr int kMaxChained = 10'000;

bool covers_job(const std::string& agents, const std::string& databases, const std::string& agent,
                const std::string& database) {
    return glob_matches(agents, agent) && glob_matches(databases, database);
}

}  // namespace

bool glob_matches(const std::string& pattern, const std::string& value) {
    return ::fnmatch(pattern.c_str(), value.c_str(), 0) == 0;
}

bool silence_covers(const Silence& s, const std::string& agent, const std::string& database, std::int64_t t) {
    return s.created_at <= t && t < s.ends_at && covers_job(s.agents, s.databases, agent, database);
}

std::optional<std::int64_t> window_end(const MaintenanceWindow& w, const std::string& agent,
                                       const std::string& database, std::int64_t t) {
    if (!covers_job(w.agents, w.databases, agent, database)) return std::nullopt;
    // The latest start at or before t ends last of those that began by t.
    const auto start = w.starts.last_instant(t);
    if (!start || t >= *start + w.duration) return std::nullopt;
    std::int64_t end = *start + w.duration;
    std::int64_t at = *start;
    for (int i = 0; i < kMaxChained; ++i) {
        const auto next = w.starts.next_instant(at);
        if (!next || *next > end) break;
        end = std::max(end, *next + w.duration);
        at = *next;
    }
    return end;
}

std::optional<Silencing> silencing_at(const std::vector<Silence>& silences,
                                      const std::vector<MaintenanceWindow>& windows, const std::string& agent,
                                      const std::string& database, std::int64_t t) {
    std::optional<Silencing> out;
    auto consider = [&](std::int64_t until, std::string by, const std::string& reason) {
        if (out && out->until >= until) return;
        out = Silencing{until, std::move(by), reason};
    };
    for (const Silence& s : silences) {
        if (silence_covers(s, agent, database, t)) consider(s.ends_at, "silence #" + std::to_string(s.id), s.reason);
    }
    for (const MaintenanceWindow& w : windows) {
        if (auto end = window_end(w, agent, database, t)) consider(*end, "maintenance " + w.where, w.reason);
    }
    return out;
}

const char* notice_decision_name(NoticeDecision decision) {
    switch (decision) {
        case NoticeDecision::kDeliver: return "deliver";
        case NoticeDecision::kHold: return "hold";
        case NoticeDecision::kCatchUp: return "catch_up";
        case NoticeDecision::kAlreadyTold: return "already_told";
    }
    return "deliver";
}

std::string presumed_status(const std::optional<std::string>& last_word) {
    return last_word.value_or(std::string(name_of(JobStatus::kOk)));
}

NoticeDecision notice_decision(bool silenced_now, bool silenced_at_previous_check,
                               const std::optional<std::string>& last_word, const std::string& current_status) {
    if (silenced_now) return NoticeDecision::kHold;
    if (!silenced_at_previous_check) return NoticeDecision::kDeliver;
    // A job never judged yet is no news to a notifier told nothing.
    const std::string current = current_status == name_of(JobStatus::kUnknown) && !last_word
                                    ? std::string(name_of(JobStatus::kOk))
                                    : current_status;
    return presumed_status(last_word) == current ? NoticeDecision::kAlreadyTold : NoticeDecision::kCatchUp;
}

}  // namespace vigil::host
