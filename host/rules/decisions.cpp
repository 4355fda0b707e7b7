#include "decisions.hpp"

#include <cmath>
#include <cstdio>

namespace vigil::host {

namespace {
std::int64_t floor_day(std::int64_t t) {
    std::int64_t day = t / kMicrosPerDay;
    if (t % kMicrosPerDay < 0) --day;
    return day * kMicrosPerDay;
}

std::int64_t offset_in_day(const Schedule& s) {
    return (static_cast<std::int64_t>(s.hour) * 60 + s.minute) * kMicrosPerMinute;
}
}  // namespace

std::string time_of_day(int hour, int minute) {
    char text[8];
    std::snprintf(text, sizeof text, "%02d:%02d", hour, minute);
    return text;
}

std::optional<std::int64_t> cycle_of(const Schedule& schedule, std::int64_t t) {
    const std::int64_t today = floor_day(t);
    for (std::int64_t day : {today - kMicrosPerDay, today, today + kMicrosPerDay}) {
        const std::int64_t expected = day + offset_in_day(schedule);
        if (t >= expected - schedule.window() && t <= expected + schedule.window()) return expected;
    }
    return std::nullopt;
}

std::int64_t deadline_of(const Schedule& schedule, std::int64_t cycle) {
    return cycle + schedule.window();
}

std::int64_t latest_closed_cycle(const Schedule& schedule, std::int64_t now) {
    std::int64_t expected = floor_day(now) + offset_in_day(schedule);
    while (deadline_of(schedule, expected) >= now) expected -= kMicrosPerDay;
    return expected;
}

bool owes_cycle(const Schedule& schedule, std::int64_t cycle, std::int64_t first_recorded) {
    return deadline_of(schedule, cycle) > first_recorded;
}

std::string job_status_for(std::string_view entry_status) {
    if (entry_status == "success" || entry_status == "hash_mismatch") return "ok";
    if (entry_status == "failed") return "failed";
    if (entry_status == "transfer_integrity_failed") return "transfer_integrity_failed";
    if (entry_status == "missing") return "missing";
    return "unknown";
}

bool is_plain_file_name(std::string_view name) {
    if (name.empty() || name == "." || name == "..") return false;
    for (char c : name) {
        if (c == '/' || c == '\\' || c == '\0') return false;
    }
    return true;
}

Timeliness timeliness(std::int64_t end_time, std::int64_t now, double max_age_days) {
    const auto max_age = static_cast<std::int64_t>(std::llround(max_age_days * kMicrosPerDay));
    if (now - end_time > max_age) return Timeliness::kStale;
    if (end_time > now + kFutureTolerance) return Timeliness::kFuture;
    return Timeliness::kCurrent;
}

}  // namespace vigil::host
