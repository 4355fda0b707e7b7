// Silences and maintenance windows (docs/notifications.md): whether a job is
// silenced at an instant, and what a scan tells each notifier about a job
// around a silence. Pure functions of values.
#ifndef VIGIL_HOST_SILENCE_HPP
#define VIGIL_HOST_SILENCE_HPP

#include "schedule.hpp"

#include <vigil/types.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vigil::host {

// True when the value matches the shell glob ("ACME_*", "[a-m]*").
bool glob_matches(const std::string& pattern, const std::string& value);

// A recurring window of the configuration's `maintenance:` list: from each
// instant of `starts` for `duration`.
struct MaintenanceWindow {
    std::string agents = "*";     // glob on the agent id
    std::string databases = "*";  // glob on the database name
    Schedule starts;              // its cron read in its zone (window edges unused)
    std::int64_t duration = 0;    // microseconds, > 0
    std::string reason;
    std::string where;            // "vigil.yaml:12", for people
};

// The silence or window that silences a job at an instant, and until when.
struct Silencing {
    std::int64_t until = 0;   // when the last of those in force ends
    std::string by;           // "silence #3" or "maintenance vigil.yaml:12"
    std::string reason;       // of the one ending last
};

// Whether the silence is in force at t (created_at <= t < ends_at) over the job.
bool silence_covers(const Silence& silence, const std::string& agent, const std::string& database, std::int64_t t);

// When the window's occurrence holding t ends (windows that overlap or
// touch one another count as one); nothing when t is outside every
// occurrence or the job is not in the window's globs.
std::optional<std::int64_t> window_end(const MaintenanceWindow& window, const std::string& agent,
                                       const std::string& database, std::int64_t t);

// The job's silencing at t: nothing when no silence or window covers it.
std::optional<Silencing> silencing_at(const std::vector<Silence>& silences,
                                      const std::vector<MaintenanceWindow>& windows, const std::string& agent,
                                      const std::string& database, std::int64_t t);

// What a scan does about one job for one notifier.
enum class NoticeDecision {
    kDeliver,      // not silenced now nor at the previous check: this scan's events as usual
    kHold,         // silenced now: nothing is delivered (events are recorded without deliveries)
    kCatchUp,      // the first scan after a silence, the notifier's last word differs from the
                   // current status: it is told the current status once, in place of this scan's
                   // status change
    kAlreadyTold,  // the first scan after a silence, the notifier's last word is the current
                   // status: no status change is delivered
};

// The decision's name: deliver, hold, catch_up, already_told.
const char* notice_decision_name(NoticeDecision decision);

// Decides for one notifier. last_word: the status it was last told about
// the job, nothing when it was never told any (it then presumes the job
// fine: ok, or unknown before the first judgement).
NoticeDecision notice_decision(bool silenced_now, bool silenced_at_previous_check,
                               const std::optional<std::string>& last_word, const std::string& current_status);

// What the notifier presumes when it was told nothing: "ok".
std::string presumed_status(const std::optional<std::string>& last_word);

}  // namespace vigil::host

#endif
