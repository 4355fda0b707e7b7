// A job's schedule (docs/scan.md): the instants it expects a backup at, and the
// window around each. Pure functions of values.
#ifndef VIGIL_HOST_SCHEDULE_HPP
#define VIGIL_HOST_SCHEDULE_HPP

#include "cron.hpp"
#include "zone.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vigil::host {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr std::int64_t kMicrosPerDay = 24 * 60 * kMicrosPerMinute;

// Instants are whole minutes. Copies share their data: cheap to pass around.
class Schedule {
public:
    // The `at` form: every UTC day at hour:minute, window_minutes either side.
    Schedule(int hour, int minute, int window_minutes);
    // A cron schedule read in a time zone; window [E - early, E + late].
    Schedule(CronSpec cron, Zone zone, int early_minutes, int late_minutes);

    const CronSpec& cron() const { return data_->cron; }
    const Zone& zone() const { return data_->zone; }
    int early_minutes() const { return data_->early_minutes; }
    int late_minutes() const { return data_->late_minutes; }
    std::int64_t early() const { return early_minutes() * kMicrosPerMinute; }
    std::int64_t late() const { return late_minutes() * kMicrosPerMinute; }

    // The first instant strictly after t; nothing when there is none within
    // 400 years (the Gregorian calendar repeats itself after that).
    std::optional<std::int64_t> next_instant(std::int64_t t) const;
    // The last instant at or before t; nothing as above.
    std::optional<std::int64_t> last_instant(std::int64_t t) const;

    // The instants of one local calendar day, ascending, without repeats.
    std::vector<std::int64_t> instants_of_day(date::sys_days local_day) const;

private:
    struct Data {
        CronSpec cron;
        Zone zone;
        int early_minutes = 0;
        int late_minutes = 0;
        std::vector<int> times;  // minutes of a matching day, ascending
    };
    std::shared_ptr<const Data> data_;
};

// Two consecutive instants as close as a schedule brings them.
struct Closest {
    std::int64_t gap = 0;  // microseconds
    std::int64_t first = 0;
    std::int64_t second = 0;
    bool offset_change = false;  // a change of the zone's UTC offset brings them closer
};

// The smallest distance between consecutive instants over all time, when it
// is under two days (windows are at most 2 * 1439 minutes wide, so a
// larger one can never make them touch); first/second is an example pair,
// the first one at or after `example_after` with that distance.
std::optional<Closest> closest_instants(const Schedule& schedule, std::int64_t example_after);

// Why the schedule's windows touch or overlap (consecutive instants
// early + late minutes apart or closer), or nothing when they never do.
std::optional<std::string> window_clash(const Schedule& schedule, std::int64_t example_after);

}  // namespace vigil::host

#endif
