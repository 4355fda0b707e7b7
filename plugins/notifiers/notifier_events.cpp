#include "notifier_events.hpp"

#include <cstdio>

namespace vigil::plugins::notify {

bool is_problem_status(const std::string& status) {
    return status == "failed" || status == "missing" || status == "transfer_integrity_failed";
}

EventCategory categorise(const Event& event) {
    if (event.kind == "test") return EventCategory::test;
    if (event.kind == "hash_mismatch") return EventCategory::problem;
    if (event.kind == "reminder") return EventCategory::still_failing;
    // status_change, and any kind a newer host may add, read by their statuses.
    if (is_problem_status(event.new_status)) return EventCategory::problem;
    if (event.new_status == "ok" && is_problem_status(event.old_status)) return EventCategory::recovered;
    return EventCategory::other;
}

std::optional<std::string> expected_time(const Event& event) {
    if (!event.expected_hour_utc || !event.expected_minute_utc) return std::nullopt;
    char text[16];
    std::snprintf(text, sizeof text, "%02d:%02d", *event.expected_hour_utc, *event.expected_minute_utc);
    return std::string(text);
}

std::string expected_label(const Event& event) {
    if (auto time = expected_time(event)) return *time + " UTC";
    return event.schedule + " " + event.timezone;
}

}  // namespace vigil::plugins::notify
