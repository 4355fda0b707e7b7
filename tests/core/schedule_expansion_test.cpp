// The expansion of schedules into instants, compared with a brute force that
// walks every UTC minute of a year and applies docs/scan.md local-time rules on
// its own, from the zone's UTC periods: hundreds of generated expressions
// (seeded), in UTC, Europe/Paris and America/New_York.
#include "decisions.hpp"
#include "schedule.hpp"
#include "zones.hpp"

#include <vigil/timestamp.hpp>

#include <date/tz.h>

#include <catch2/catch.hpp>

#include <random>

using namespace vigil::host;

namespace {

std::int64_t at(const char* iso) { return *vigil::parse_timestamp(iso); }

// The day rule written again, separately from the code under test.
bool local_time_matches(const CronSpec& c, std::int64_t local) {
    std::int64_t day = local / kMicrosPerDay;
    if (local % kMicrosPerDay < 0) --day;
    const std::int64_t minute_of_day = (local - day * kMicrosPerDay) / kMicrosPerMinute;
    if (!c.hours.test(static_cast<std::size_t>(minute_of_day / 60)) ||
        !c.minutes.test(static_cast<std::size_t>(minute_of_day % 60))) {
        return false;
    }
    const date::sys_days d{date::days(day)};
    const date::year_month_day ymd{d};
    if (!c.months.test(static_cast<unsigned>(ymd.month()))) return false;
    const bool dom = c.days_of_month.test(static_cast<unsigned>(ymd.day()));
    const bool dow = c.days_of_week.test(date::weekday(d).c_encoding());
    return c.day_of_month_restricted && c.day_of_week_restricted ? dom || dow : dom && dow;
}

// Every instant in [from, to), minute by minute: a UTC minute u is an
// instant when its wall time u + offset matches and is not the second pass
// of a repeated hour, or when it is one of the skipped wall times (taken
// with the offset before the jump) that matches.
std::vector<std::int64_t> brute_force(const CronSpec& cron, const date::time_zone* tz, std::int64_t from,
                                      std::int64_t to) {
    std::vector<std::int64_t> out;
    std::int64_t period_end = from;  // forces a lookup on the first minute
    std::int64_t period_begin = 0, offset = 0, before = 0;
    for (std::int64_t u = from; u < to; u += kMicrosPerMinute) {
        if (tz && u >= period_end) {
            const date::sys_seconds s{std::chrono::seconds(u / kMicrosPerSecond)};
            const date::sys_info info = tz->get_info(s);
            const date::sys_info previous = tz->get_info(info.begin - std::chrono::seconds(1));
            period_begin = info.begin.time_since_epoch().count() * kMicrosPerSecond;
            period_end = info.end.time_since_epoch().count() * kMicrosPerSecond;
            offset = info.offset.count() * kMicrosPerSecond;
            before = previous.offset.count() * kMicrosPerSecond;
        }
        const std::int64_t since_change = u - period_begin;
        const bool second_pass = before > offset && since_change < before - offset;
        const bool skipped_lands_here = before < offset && since_change < offset - before;
        if ((!second_pass && local_time_matches(cron, u + offset)) ||
            (skipped_lands_here && local_time_matches(cron, u + before))) {
            out.push_back(u);
        }
    }
    return out;
}

std::vector<std::int64_t> expanded(const Schedule& s, std::int64_t from, std::int64_t to) {
    std::vector<std::int64_t> out;
    for (auto t = s.next_instant(from - 1); t && *t < to; t = s.next_instant(*t)) out.push_back(*t);
    return out;
}

// Random cron expressions, dense enough to be worth a year of minutes and
// varied enough to hit every form: names in any case, lists, ranges, steps.
class Generator {
public:
    explicit Generator(std::uint32_t seed) : random_(seed) {}

    std::string expression() {
        return minute() + " " + hour() + " " + day_of_month() + " " + month() + " " + day_of_week();
    }

private:
    int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(random_); }
    bool chance(int percent) { return pick(1, 100) <= percent; }

    std::string number_field(int lo, int hi, int star_percent) {
        const int kind = pick(0, 99);
        if (kind < star_percent) return "*";
        const int a = pick(lo, hi);
        const int b = pick(a, hi);
        switch (kind % 6) {
            case 0: return std::to_string(a);
            case 1: return std::to_string(a) + "," + std::to_string(pick(lo, hi));
            case 2: return std::to_string(a) + "-" + std::to_string(b);
            case 3: return "*/" + std::to_string(pick(2, (hi - lo + 1) / 2));
            case 4: return std::to_string(a) + "-" + std::to_string(b) + "/" + std::to_string(pick(1, 4));
            default: return std::to_string(a) + "," + std::to_string(a) + "-" + std::to_string(b);
        }
    }

    std::string minute() {
        // Few per hour, so that a year of instants stays small.
        switch (pick(0, 4)) {
            case 0: return std::to_string(pick(0, 59));
            case 1: return std::to_string(pick(0, 29)) + "," + std::to_string(pick(30, 59));
            case 2: return "*/" + std::to_string(pick(15, 30));
            case 3: return std::to_string(pick(0, 50)) + "-59/" + std::to_string(pick(20, 40));
            default: return "0";
        }
    }
    std::string hour() {
        // Hours around the DST changes (00..04) come up often.
        if (chance(35)) return std::to_string(pick(0, 4)) + "," + std::to_string(pick(0, 23));
        return number_field(0, 23, 20);
    }
    std::string day_of_month() { return number_field(1, 31, 55); }
    std::string month() {
        static const char* const names[] = {"jan", "FEB", "Mar", "apr", "MAY", "jun",
                                            "jul", "Aug", "sep", "OCT", "nov", "Dec"};
        if (chance(15)) return std::string(names[pick(0, 11)]) + "-" + names[pick(6, 11)];
        if (chance(10)) return std::string(names[pick(0, 5)]) + "," + names[pick(6, 11)];
        return number_field(1, 12, 60);
    }
    std::string day_of_week() {
        static const char* const names[] = {"sun", "Mon", "TUE", "wed", "thu", "Fri", "sat"};
        if (chance(20)) return std::string(names[pick(1, 3)]) + "-" + names[pick(4, 6)];
        if (chance(8)) return std::string(names[pick(1, 6)]) + "-sun";
        if (chance(8)) return std::to_string(pick(0, 7));
        return number_field(0, 7, 55);
    }

    std::mt19937 random_;
};

}  // namespace

TEST_CASE("expansion agrees with a minute-by-minute brute force over a year, for generated expressions") {
    const char* const zones[] = {"UTC", "Europe/Paris", "America/New_York"};
    const std::int64_t from = at("2026-01-01T00:00:00Z");
    const std::int64_t to = at("2027-01-01T00:00:00Z");
    Generator generator(20261123);
    int compared = 0;
    int refused = 0;
    while (compared < 300) {
        const std::string text = generator.expression();
        CronSpec cron;
        if (!parse_cron(text, &cron).is_ok()) {
            ++refused;  // a day that never exists in its months
            continue;
        }
        const char* zone_name = zones[compared % 3];
        Zone zone;
        REQUIRE(find_zone(zone_name, &zone).is_ok());
        const date::time_zone* tz = zone.is_utc() ? nullptr : date::locate_zone(zone_name);
        const Schedule schedule(cron, zone, 0, 0);
        INFO(text << " in " << zone_name);
        const auto expected = brute_force(cron, tz, from, to);
        const auto actual = expanded(schedule, from, to);
        REQUIRE(actual == expected);
        // last_instant is the other direction of the same expansion.
        for (std::size_t i = 0; i < expected.size(); i += 1 + expected.size() / 50) {
            CHECK(schedule.last_instant(expected[i]) == expected[i]);
            if (i > 0) CHECK(schedule.last_instant(expected[i] - 1) == expected[i - 1]);
        }
        ++compared;
    }
    CHECK(refused < compared / 4);
}

TEST_CASE("the closest instants found exactly agree with the expansion over 1970 to 2070") {
    // A handful of generated daily-ish expressions in zones with DST: the
    // smallest distance between consecutive instants, measured over a
    // century of instants, is what closest_instants says.
    const char* const zones[] = {"Europe/Paris", "America/New_York"};
    const std::int64_t from = at("1970-01-01T00:00:00Z");
    const std::int64_t to = at("2070-01-01T00:00:00Z");
    std::mt19937 random(1970);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(random); };
    for (int i = 0; i < 16; ++i) {
        const std::string text = std::to_string(pick(0, 59)) + " " + std::to_string(pick(0, 3)) + "," +
                                 std::to_string(pick(0, 23)) + " * * " + (i % 2 ? "*" : "mon-fri");
        CronSpec cron;
        REQUIRE(parse_cron(text, &cron).is_ok());
        Zone zone;
        REQUIRE(find_zone(zones[i % 2], &zone).is_ok());
        const Schedule schedule(cron, zone, 0, 0);
        INFO(text << " in " << zones[i % 2]);
        std::int64_t smallest = 2 * kMicrosPerDay;
        std::optional<std::int64_t> previous;
        for (auto t = schedule.next_instant(from - 1); t && *t < to; t = schedule.next_instant(*t)) {
            if (previous) smallest = std::min(smallest, *t - *previous);
            previous = t;
        }
        const auto closest = closest_instants(schedule, from);
        if (smallest >= 2 * kMicrosPerDay) {
            CHECK_FALSE(closest);
        } else {
            REQUIRE(closest);
            CHECK(closest->gap == smallest);
            CHECK(closest->second - closest->first == closest->gap);
            CHECK(schedule.next_instant(closest->first) == closest->second);
        }
    }
}
