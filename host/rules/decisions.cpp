#include "decisions.hpp"

#include <cmath>
#include <cstdio>

namespace vigil::host {

std::string time_of_day(int hour, int minute) {
    char text[8];
    std::snprintf(text, sizeof text, "%02d:%02d", hour, minute);
    return text;
}

std::optional<std::int64_t> cycle_of(const Schedule& schedule, std::int64_t t) {
    // The earliest instant E with E + late >= t; its window holds t when E - early <= t.
    const auto expected = schedule.next_instant(t - schedule.late() - 1);
    if (expected && *expected - schedule.early() <= t) return expected;
    return std::nullopt;
}

std::int64_t deadline_of(const Schedule& schedule, std::int64_t cycle) { return cycle + schedule.late(); }

std::optional<std::int64_t> latest_closed_cycle(const Schedule& schedule, std::int64_t now) {
    return schedule.last_instant(now - schedule.late() - 1);
}

bool owes_cycle(const Schedule& schedule, std::int64_t cycle, std::int64_t first_recorded) {
    return deadline_of(schedule, cycle) > first_recorded;
}

std::optional<UpcomingCycle> upcoming_cycle(const Schedule& schedule, std::int64_t now) {
    const auto expected = schedule.next_instant(now - schedule.late() - 1);
    if (!expected) return std::nullopt;
    return UpcomingCycle{*expected, *expected - schedule.early(), deadline_of(schedule, *expected)};
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
