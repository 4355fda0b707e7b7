// The scan's time decisions (docs/scan.md): pure functions of values, no I/O.
#ifndef VIGIL_HOST_DECISIONS_HPP
#define VIGIL_HOST_DECISIONS_HPP

#include "schedule.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::host {

// "HH:MM": how configs and messages write an expected time.
std::string time_of_day(int hour, int minute);

// Expected instant E of the cycle whose window [E - early, E + late] holds
// t, if any (at most one: configurations whose windows meet are refused).
std::optional<std::int64_t> cycle_of(const Schedule& schedule, std::int64_t t);

// E + late: after this instant a cycle without a report is missing.
std::int64_t deadline_of(const Schedule& schedule, std::int64_t cycle);

// The most recent cycle whose deadline is strictly before now: days back
// for a daily job, weeks for a monthly one; nothing when the schedule has
// no instant before now.
std::optional<std::int64_t> latest_closed_cycle(const Schedule& schedule, std::int64_t now);

// Whether a job first recorded at first_recorded is blamed for the cycle:
// only cycles whose deadline is later than that instant.
bool owes_cycle(const Schedule& schedule, std::int64_t cycle, std::int64_t first_recorded);

// The cycle a job waits for at now: the earliest one whose deadline is not
// yet past (its window may be open already).
struct UpcomingCycle {
    std::int64_t expected = 0;  // E
    std::int64_t opens = 0;     // E - early
    std::int64_t deadline = 0;  // E + late
};
std::optional<UpcomingCycle> upcoming_cycle(const Schedule& schedule, std::int64_t now);

// True for a name that can only mean a file directly inside a folder:
// non-empty, not "." or "..", no '/', '\\' or NUL.
bool is_plain_file_name(std::string_view name);

// What a report's end time says about its age at now.
enum class Timeliness { kCurrent, kStale, kFuture };
Timeliness timeliness(std::int64_t end_time, std::int64_t now, double max_age_days);

// Tolerance for agent clocks running ahead of the server.
constexpr std::int64_t kFutureTolerance = 5 * kMicrosPerMinute;

}  // namespace vigil::host

#endif
