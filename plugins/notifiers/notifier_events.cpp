#include "notifier_events.hpp"

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

}  // namespace vigil::plugins::notify
