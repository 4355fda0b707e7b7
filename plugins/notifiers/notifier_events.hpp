// What an event means to the person it is sent to, shared by the email
// subject and the webhook's firing/resolved status.
#ifndef VIGIL_PLUGINS_NOTIFIER_EVENTS_HPP
#define VIGIL_PLUGINS_NOTIFIER_EVENTS_HPP

#include <vigil/types.hpp>

#include <optional>
#include <string>

namespace vigil::plugins::notify {

enum class EventCategory {
    problem,        // a job went to failed/missing/transfer_integrity_failed, or a hash mismatch
    still_failing,  // a reminder that a job is still in a problem status
    recovered,      // a job came back to ok from a problem status
    test,           // a test message asked for by the operator
    other,          // any other change of status (to or from unknown, say)
};

// failed, missing or transfer_integrity_failed.
bool is_problem_status(const std::string& status);

EventCategory categorise(const Event& event);

// An `at` job's expected time, "HH:MM" (UTC); nothing for other schedules.
std::optional<std::string> expected_time(const Event& event);

// When the job expects its backups, for people: "02:30 UTC" for an `at`
// job, "30 2 * * mon-fri Europe/Paris" for a cron schedule.
std::string expected_label(const Event& event);

}  // namespace vigil::plugins::notify

#endif  // VIGIL_PLUGINS_NOTIFIER_EVENTS_HPP
