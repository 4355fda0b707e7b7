#include "schedule.hpp"

#include <vigil/timestamp.hpp>

#include <algorithm>
#include <limits>

namespace vigil::host {

namespace {

using date::days;
using date::sys_days;

// The tz database's UTC offsets stay within ±26 hours (its largest is under
// 16), so a local day's instants lie within 26 hours of its wall times.
constexpr std::int64_t kMaxOffset = 26 * 60 * kMicrosPerMinute;

// How far a local day's instants can lie from its wall times, and how many
// days back an instant after t can come from (see next_instant).
std::int64_t offset_bound(const Zone& zone) { return zone.is_utc() ? 0 : kMaxOffset; }
days days_around(const Zone& zone) { return zone.is_utc() ? days(0) : days(3); }
// The Gregorian calendar, weekdays included, repeats every 400 years.
constexpr days kCalendarCycle{146097};

sys_days day_of(std::int64_t local) {
    std::int64_t d = local / kMicrosPerDay;
    if (local % kMicrosPerDay < 0) --d;
    return sys_days(days(d));
}

std::int64_t start_of(sys_days day) { return day.time_since_epoch().count() * kMicrosPerDay; }

// The first matching day in [from, limit].
std::optional<sys_days> next_matching_day(const CronSpec& cron, sys_days from, sys_days limit) {
    for (sys_days d = from; d <= limit;) {
        const date::year_month_day ymd{d};
        if (!cron.months.test(static_cast<unsigned>(ymd.month()))) {
            d = sys_days((ymd.year() / ymd.month() / 1) + date::months(1));
            continue;
        }
        if (matches_day(cron, d)) return d;
        d += days(1);
    }
    return std::nullopt;
}

// The last matching day in [limit, from].
std::optional<sys_days> previous_matching_day(const CronSpec& cron, sys_days from, sys_days limit) {
    for (sys_days d = from; d >= limit;) {
        const date::year_month_day ymd{d};
        if (!cron.months.test(static_cast<unsigned>(ymd.month()))) {
            d = sys_days(ymd.year() / ymd.month() / 1) - days(1);
            continue;
        }
        if (matches_day(cron, d)) return d;
        d -= days(1);
    }
    return std::nullopt;
}

std::string minutes_text(std::int64_t micros) {
    const std::int64_t minutes = micros / kMicrosPerMinute;
    return std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes");
}

}  // namespace

Schedule::Schedule(int hour, int minute, int window_minutes)
    : Schedule(daily_cron(hour, minute), Zone(), window_minutes, window_minutes) {}

Schedule::Schedule(CronSpec cron, Zone zone, int early_minutes, int late_minutes) {
    auto data = std::make_shared<Data>();
    data->times = times_of_day(cron);
    data->cron = std::move(cron);
    data->zone = zone;
    data->early_minutes = early_minutes;
    data->late_minutes = late_minutes;
    data_ = std::move(data);
}

std::vector<std::int64_t> Schedule::instants_of_day(sys_days local_day) const {
    const std::int64_t start = start_of(local_day);
    std::vector<std::int64_t> out;
    out.reserve(data_->times.size());
    std::int64_t offset = 0;
    if (zone().fixed_offset(start, start + kMicrosPerDay, &offset)) {
        for (int m : data_->times) out.push_back(start + m * kMicrosPerMinute - offset);
        return out;
    }
    // An offset change that day: times can map out of order (a skipped
    // 02:30 lands after 03:00) or onto one instant (02:30 and 03:30).
    for (int m : data_->times) out.push_back(zone().to_utc(start + m * kMicrosPerMinute));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::optional<std::int64_t> Schedule::next_instant(std::int64_t t) const {
    // An instant after t can come from a wall time before t's by up to the
    // spread of offsets (a skipped 02:30 lands after 03:00): start days back.
    const sys_days first = day_of(zone().to_local(t)) - days_around(zone());
    const std::int64_t bound = offset_bound(zone());
    const sys_days limit = first + kCalendarCycle + days(6);
    std::optional<std::int64_t> best;
    for (auto day = next_matching_day(cron(), first, limit); day;
         day = next_matching_day(cron(), *day + days(1), limit)) {
        const std::int64_t start = start_of(*day);
        if (best && start - bound > *best) break;
        if (start + kMicrosPerDay + bound <= t) continue;
        std::int64_t offset = 0;
        if (zone().fixed_offset(start, start + kMicrosPerDay, &offset)) {
            const auto& times = data_->times;
            auto it = std::upper_bound(times.begin(), times.end(), t, [&](std::int64_t bound, int m) {
                return bound < start + m * kMicrosPerMinute - offset;
            });
            if (it != times.end()) {
                const std::int64_t instant = start + *it * kMicrosPerMinute - offset;
                if (!best || instant < *best) best = instant;
            }
            continue;
        }
        for (std::int64_t instant : instants_of_day(*day)) {
            if (instant > t && (!best || instant < *best)) best = instant;
        }
    }
    return best;
}

std::optional<std::int64_t> Schedule::last_instant(std::int64_t t) const {
    const sys_days first = day_of(zone().to_local(t)) + days_around(zone());
    const std::int64_t bound = offset_bound(zone());
    const sys_days limit = first - kCalendarCycle - days(6);
    std::optional<std::int64_t> best;
    for (auto day = previous_matching_day(cron(), first, limit); day;
         day = previous_matching_day(cron(), *day - days(1), limit)) {
        const std::int64_t start = start_of(*day);
        if (best && start + kMicrosPerDay + bound < *best) break;
        if (start - bound > t) continue;
        std::int64_t offset = 0;
        if (zone().fixed_offset(start, start + kMicrosPerDay, &offset)) {
            const auto& times = data_->times;
            auto it = std::upper_bound(times.begin(), times.end(), t, [&](std::int64_t bound, int m) {
                return bound < start + m * kMicrosPerMinute - offset;
            });
            if (it != times.begin()) {
                const std::int64_t instant = start + *std::prev(it) * kMicrosPerMinute - offset;
                if (!best || instant > *best) best = instant;
            }
            continue;
        }
        for (std::int64_t instant : instants_of_day(*day)) {
            if (instant <= t && (!best || instant > *best)) best = instant;
        }
    }
    return best;
}

namespace {

// The smallest distance between consecutive instants while the zone's
// offset stays put: between the times of one day, or from the last time of
// a matching day to the first of the next. Only day gaps of one or two days
// can come under two days; the 400-year cycle shows which ones occur.
std::int64_t closest_in_local_time(const CronSpec& cron, const std::vector<int>& times) {
    std::int64_t closest = std::numeric_limits<std::int64_t>::max();
    for (std::size_t i = 1; i < times.size(); ++i) {
        closest = std::min<std::int64_t>(closest, (times[i] - times[i - 1]) * kMicrosPerMinute);
    }
    const sys_days begin = sys_days(date::year{2000} / 1 / 1);
    const sys_days end = begin + kCalendarCycle + days(3);
    int smallest_day_gap = 3;
    auto day = next_matching_day(cron, begin, end);
    while (day && smallest_day_gap > 1) {
        auto next = next_matching_day(cron, *day + days(1), end);
        if (next) smallest_day_gap = std::min(smallest_day_gap, static_cast<int>((*next - *day).count()));
        day = next;
    }
    if (smallest_day_gap < 3) {
        const std::int64_t across = smallest_day_gap * kMicrosPerDay + (times.front() - times.back()) * kMicrosPerMinute;
        closest = std::min(closest, across);
    }
    return closest;
}

}  // namespace

// Why this is exact. Let G < 2 days be a distance and (a, b) consecutive
// instants with b - a = G. Let M be the spread of the zone's offsets since
// 1970 (largest minus smallest). If no offset change falls within
// [a - M, b + M], one offset o holds there; a and b are the images of the
// local times a + o and b + o, and no matching local time between those can
// map outside (a, b) (that would take an offset M away from o), so they are
// consecutive local times G apart: closest_in_local_time sees them.
// Otherwise some change T has a in [T - M - 2 days, T + M]: the instants
// around each change are listed and their distances measured. Conversely,
// every distance closest_in_local_time finds really occurs: after the last
// change the offset never moves again, and the calendar's 400-year cycle
// repeats there forever. Changes are finite (from 1970 to the end of the
// tz database's list), so the search ends.
std::optional<Closest> closest_instants(const Schedule& schedule, std::int64_t example_after) {
    constexpr std::int64_t kCap = 2 * kMicrosPerDay;
    const std::vector<int> times = times_of_day(schedule.cron());
    const std::int64_t local = closest_in_local_time(schedule.cron(), times);

    // Instants are whole minutes: nothing comes closer than one.
    const auto changes = local > kMicrosPerMinute ? schedule.zone().changes() : std::vector<Zone::Change>{};
    std::int64_t lowest = 0;
    std::int64_t highest = 0;
    if (!changes.empty()) lowest = highest = changes.front().before;
    for (const auto& c : changes) {
        lowest = std::min({lowest, c.before, c.after});
        highest = std::max({highest, c.before, c.after});
    }
    const std::int64_t spread = highest - lowest;

    std::optional<Closest> around_change;
    // Pairs come in time order: among equals, keep the first at or after
    // example_after, else the latest.
    auto better = [&](const Closest& candidate) {
        if (!around_change || candidate.gap < around_change->gap) return true;
        return candidate.gap == around_change->gap && around_change->first < example_after;
    };
    for (const auto& change : changes) {
        const std::int64_t from = change.at - spread - kCap;
        const std::int64_t to = change.at + spread + kCap;
        std::vector<std::int64_t> instants;
        for (auto day = next_matching_day(schedule.cron(), day_of(from - kMaxOffset), day_of(to + kMaxOffset)); day;
             day = next_matching_day(schedule.cron(), *day + days(1), day_of(to + kMaxOffset))) {
            const auto of_day = schedule.instants_of_day(*day);
            instants.insert(instants.end(), of_day.begin(), of_day.end());
        }
        std::sort(instants.begin(), instants.end());
        instants.erase(std::unique(instants.begin(), instants.end()), instants.end());
        for (std::size_t i = 1; i < instants.size(); ++i) {
            const std::int64_t a = instants[i - 1];
            const std::int64_t b = instants[i];
            if (a < from || a > change.at + spread || b - a >= kCap) continue;
            const Closest candidate{b - a, a, b, true};
            if (better(candidate)) around_change = candidate;
        }
    }

    if (around_change && around_change->gap < local) return around_change;
    if (local >= kCap) return std::nullopt;
    // An example of the local distance: the first pair at or after example_after.
    Closest found{local, 0, 0, false};
    // Past the last change the pattern recurs within one calendar cycle.
    const std::int64_t last_change = changes.empty() ? example_after : std::max(example_after, changes.back().at);
    const std::int64_t give_up = last_change + (kCalendarCycle.count() + 6) * kMicrosPerDay;
    for (auto a = schedule.next_instant(example_after - 1); a && *a < give_up;) {
        auto b = schedule.next_instant(*a);
        if (b && *b - *a == local) {
            found.first = *a;
            found.second = *b;
            return found;
        }
        a = b;
    }
    return around_change && around_change->gap == local ? around_change : std::optional<Closest>(found);
}

std::optional<std::string> window_clash(const Schedule& schedule, std::int64_t example_after) {
    const std::int64_t widths = schedule.early() + schedule.late();
    if (widths == 0) return std::nullopt;  // distinct instants: windows of one point never meet
    const auto closest = closest_instants(schedule, example_after);
    if (!closest || closest->gap > widths) return std::nullopt;
    std::string example = format_iso(closest->first) + " and " + format_iso(closest->second);
    if (closest->offset_change) example += ", as " + schedule.zone().name() + " changes its UTC offset";
    return "consecutive instants of \"" + schedule.cron().text + "\" in " + schedule.zone().name() +
           " can be " + minutes_text(closest->gap) + " apart (" + example + "): early_minutes + late_minutes = " +
           minutes_text(widths) + " would make their windows " + (closest->gap == widths ? "touch" : "overlap");
}

}  // namespace vigil::host
