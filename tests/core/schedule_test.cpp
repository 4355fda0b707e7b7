// Schedules in time zones (docs/scan.md): instants across DST changes, cycles,
// windows across midnight and DST, and the no-overlap rule.
#include "decisions.hpp"
#include "schedule.hpp"
#include "zones.hpp"

#include <vigil/timestamp.hpp>

#include <catch2/catch.hpp>

using namespace vigil::host;

namespace {

std::int64_t at(const char* iso) { return *vigil::parse_timestamp(iso); }

Zone zone(const char* name) {
    Zone z;
    REQUIRE(find_zone(name, &z).is_ok());
    return z;
}

Schedule schedule(const char* cron_text, const char* zone_name, int early = 60, int late = 60) {
    CronSpec cron;
    REQUIRE(parse_cron(cron_text, &cron).is_ok());
    return Schedule(cron, zone(zone_name), early, late);
}

// The instants in [from, to), in order.
std::vector<std::string> instants(const Schedule& s, const char* from, const char* to) {
    std::vector<std::string> out;
    for (auto t = s.next_instant(at(from) - 1); t && *t < at(to); t = s.next_instant(*t)) {
        out.push_back(vigil::format_iso(*t));
    }
    return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("zones: unknown names are configuration errors naming them") {
    Zone z;
    const Status st = find_zone("Europe/Pariss", &z);
    CHECK(st.code() == Status::Code::kConfig);
    CHECK_THAT(st.message(), Catch::Contains("\"Europe/Pariss\" is not a time zone"));
    CHECK_FALSE(find_zone("../../etc/passwd", &z).is_ok());
    CHECK_FALSE(find_zone("", &z).is_ok());
    REQUIRE(find_zone("UTC", &z).is_ok());
    CHECK(z.is_utc());
    REQUIRE(find_zone("Europe/Paris", &z).is_ok());
    CHECK(z.name() == "Europe/Paris");
}

TEST_CASE("Paris spring forward: 02:30 does not exist and is taken before the jump, 01:30 UTC") {
    const Schedule s = schedule("30 2 * * *", "Europe/Paris");
    CHECK(instants(s, "2026-03-27T00:00:00Z", "2026-03-31T00:00:00Z") ==
          Strings{"2026-03-27T01:30:00Z", "2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"});
    SECTION("02:30 and 03:30 land on one instant that night, counted once") {
        const Schedule both = schedule("30 2,3 * * *", "Europe/Paris", 10, 10);
        CHECK(instants(both, "2026-03-29T00:00:00Z", "2026-03-30T00:00:00Z") == Strings{"2026-03-29T01:30:00Z"});
    }
    SECTION("02:00, 02:30, 03:00 and 03:30 are two instants that night, four the night before") {
        const Schedule s2 = schedule("0,30 2,3 * * *", "Europe/Paris", 5, 5);
        CHECK(instants(s2, "2026-03-28T00:00:00Z", "2026-03-29T12:00:00Z") ==
              Strings{"2026-03-28T01:00:00Z", "2026-03-28T01:30:00Z", "2026-03-28T02:00:00Z",
                      "2026-03-28T02:30:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"});
    }
}

TEST_CASE("Paris fall back: 02:30 happens twice and counts once, at its first occurrence") {
    const Schedule s = schedule("30 2 * * *", "Europe/Paris");
    CHECK(instants(s, "2026-10-24T00:00:00Z", "2026-10-27T00:00:00Z") ==
          Strings{"2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"});
    SECTION("every half hour through the repeated hour: no instant twice") {
        const Schedule h = schedule("0,30 * * * *", "Europe/Paris", 10, 10);
        CHECK(instants(h, "2026-10-24T23:00:00Z", "2026-10-25T02:30:00Z") ==
              Strings{"2026-10-24T23:00:00Z", "2026-10-24T23:30:00Z", "2026-10-25T00:00:00Z",
                      "2026-10-25T00:30:00Z", "2026-10-25T02:00:00Z"});
    }
}

TEST_CASE("New York spring forward and fall back") {
    const Schedule s = schedule("30 2 * * *", "America/New_York");
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT; 02:30 is taken at EST (UTC-5).
    CHECK(instants(s, "2026-03-07T00:00:00Z", "2026-03-10T00:00:00Z") ==
          Strings{"2026-03-07T07:30:00Z", "2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"});
    // 2026-11-01: 01:30 happens at EDT then EST; only the first counts.
    const Schedule early_morning = schedule("30 1 * * *", "America/New_York");
    CHECK(instants(early_morning, "2026-10-31T00:00:00Z", "2026-11-03T00:00:00Z") ==
          Strings{"2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"});
}

TEST_CASE("last_instant is the latest instant at or before a time") {
    const Schedule s = schedule("30 2 * * *", "Europe/Paris");
    CHECK(s.last_instant(at("2026-03-29T01:30:00Z")) == at("2026-03-29T01:30:00Z"));
    CHECK(s.last_instant(at("2026-03-29T01:29:59Z")) == at("2026-03-28T01:30:00Z"));
    CHECK(s.last_instant(at("2026-10-25T01:30:00Z")) == at("2026-10-25T00:30:00Z"));
    const Schedule monthly = schedule("0 3 1 * *", "UTC");
    CHECK(monthly.last_instant(at("2026-12-28T00:00:00Z")) == at("2026-12-01T03:00:00Z"));
    CHECK(monthly.next_instant(at("2026-12-01T03:00:00Z")) == at("2027-01-01T03:00:00Z"));
    const Schedule leap = schedule("0 0 29 2 *", "UTC");
    CHECK(leap.next_instant(at("2097-01-01T00:00:00Z")) == at("2104-02-29T00:00:00Z"));
    CHECK(leap.last_instant(at("2103-01-01T00:00:00Z")) == at("2096-02-29T00:00:00Z"));
}

TEST_CASE("cycles of a weekday schedule: nothing is expected over the weekend") {
    const Schedule s = schedule("30 2 * * mon-fri", "Europe/Paris", 30, 90);
    // Friday 2026-11-27 02:30 Paris is 01:30 UTC; its deadline 03:00 UTC.
    CHECK(latest_closed_cycle(s, at("2026-11-28T12:00:00Z")) == at("2026-11-27T01:30:00Z"));
    CHECK(latest_closed_cycle(s, at("2026-11-29T23:00:00Z")) == at("2026-11-27T01:30:00Z"));
    CHECK(latest_closed_cycle(s, at("2026-11-30T03:00:00Z")) == at("2026-11-27T01:30:00Z"));
    CHECK(latest_closed_cycle(s, at("2026-11-30T03:00:01Z")) == at("2026-11-30T01:30:00Z"));
    CHECK(cycle_of(s, at("2026-11-30T01:00:00Z")) == at("2026-11-30T01:30:00Z"));
    CHECK_FALSE(cycle_of(s, at("2026-11-30T00:59:59Z")));
    CHECK(cycle_of(s, at("2026-11-30T03:00:00Z")) == at("2026-11-30T01:30:00Z"));
    CHECK_FALSE(cycle_of(s, at("2026-11-28T01:30:00Z")));
}

TEST_CASE("several instants a day: each its own cycle") {
    const Schedule s = schedule("0 */6 * * *", "UTC", 60, 60);
    CHECK(cycle_of(s, at("2026-11-23T05:10:00Z")) == at("2026-11-23T06:00:00Z"));
    CHECK(cycle_of(s, at("2026-11-23T06:50:00Z")) == at("2026-11-23T06:00:00Z"));
    CHECK_FALSE(cycle_of(s, at("2026-11-23T08:30:00Z")));
    CHECK(cycle_of(s, at("2026-11-23T23:30:00Z")) == at("2026-11-24T00:00:00Z"));
    CHECK(latest_closed_cycle(s, at("2026-11-23T13:00:00Z")) == at("2026-11-23T06:00:00Z"));
    CHECK(latest_closed_cycle(s, at("2026-11-23T13:00:01Z")) == at("2026-11-23T12:00:00Z"));
}

TEST_CASE("a monthly schedule's latest closed cycle is weeks back") {
    const Schedule s = schedule("0 3 1,15 * *", "Europe/Paris", 60, 120);
    // 03:00 Paris in winter is 02:00 UTC; deadline two hours later.
    CHECK(latest_closed_cycle(s, at("2026-12-14T12:00:00Z")) == at("2026-12-01T02:00:00Z"));
    CHECK(latest_closed_cycle(s, at("2026-12-15T04:00:00Z")) == at("2026-12-01T02:00:00Z"));
    CHECK(latest_closed_cycle(s, at("2026-12-15T04:00:01Z")) == at("2026-12-15T02:00:00Z"));
    CHECK(latest_closed_cycle(s, at("2027-01-01T00:00:00Z")) == at("2026-12-15T02:00:00Z"));
    // Summer: 03:00 Paris is 01:00 UTC.
    CHECK(latest_closed_cycle(s, at("2026-07-10T00:00:00Z")) == at("2026-07-01T01:00:00Z"));
}

TEST_CASE("windows crossing midnight in a zone") {
    const Schedule s = schedule("30 23 * * *", "Europe/Paris", 60, 60);
    // 23:30 Paris on 2026-11-23 is 22:30 UTC; 00:15 Paris the next day belongs to it.
    CHECK(cycle_of(s, at("2026-11-23T23:15:00Z")) == at("2026-11-23T22:30:00Z"));
    CHECK(cycle_of(s, at("2026-11-23T23:30:00Z")) == at("2026-11-23T22:30:00Z"));
    CHECK_FALSE(cycle_of(s, at("2026-11-23T23:30:01Z")));
    const Schedule after_midnight = schedule("10 0 * * *", "America/New_York", 30, 30);
    // 00:10 New York on 2026-11-24 is 05:10 UTC; 23:45 the evening before belongs to it.
    CHECK(cycle_of(after_midnight, at("2026-11-24T04:45:00Z")) == at("2026-11-24T05:10:00Z"));
}

TEST_CASE("windows crossing a DST change keep their length in real time") {
    SECTION("fall back: a report in the repeated hour's second pass belongs to the first occurrence") {
        const Schedule s = schedule("0 2 * * *", "Europe/Paris", 90, 90);
        // 02:00 CEST on 2026-10-25 is 00:00 UTC; window 22:30 .. 01:30 UTC.
        CHECK(cycle_of(s, at("2026-10-25T01:20:00Z")) == at("2026-10-25T00:00:00Z"));  // 02:20 CET
        CHECK(cycle_of(s, at("2026-10-24T22:30:00Z")) == at("2026-10-25T00:00:00Z"));
        CHECK_FALSE(cycle_of(s, at("2026-10-25T01:30:01Z")));
        CHECK(deadline_of(s, at("2026-10-25T00:00:00Z")) == at("2026-10-25T01:30:00Z"));
    }
    SECTION("spring forward: a window that starts before the jump and ends after it") {
        const Schedule s = schedule("0 3 * * *", "Europe/Paris", 90, 30);
        // 03:00 CEST on 2026-03-29 is 01:00 UTC; window 23:30 UTC the day before .. 01:30 UTC.
        CHECK(cycle_of(s, at("2026-03-28T23:30:00Z")) == at("2026-03-29T01:00:00Z"));
        CHECK(cycle_of(s, at("2026-03-29T01:30:00Z")) == at("2026-03-29T01:00:00Z"));
        CHECK_FALSE(cycle_of(s, at("2026-03-28T23:29:59Z")));
        CHECK(latest_closed_cycle(s, at("2026-03-29T01:31:00Z")) == at("2026-03-29T01:00:00Z"));
        CHECK(latest_closed_cycle(s, at("2026-03-29T01:29:00Z")) == at("2026-03-28T02:00:00Z"));
    }
}

TEST_CASE("upcoming_cycle: the cycle a job waits for, open or not yet") {
    const Schedule s{2, 30, 60};
    auto next = upcoming_cycle(s, at("2026-11-23T00:00:00Z"));
    REQUIRE(next);
    CHECK(next->expected == at("2026-11-23T02:30:00Z"));
    CHECK(next->opens == at("2026-11-23T01:30:00Z"));
    CHECK(next->deadline == at("2026-11-23T03:30:00Z"));
    CHECK(upcoming_cycle(s, at("2026-11-23T03:00:00Z"))->expected == at("2026-11-23T02:30:00Z"));
    CHECK(upcoming_cycle(s, at("2026-11-23T03:30:00Z"))->expected == at("2026-11-23T02:30:00Z"));
    CHECK(upcoming_cycle(s, at("2026-11-23T03:30:01Z"))->expected == at("2026-11-24T02:30:00Z"));
    SECTION("a weekday job on a Saturday waits for Monday") {
        const Schedule weekdays = schedule("30 2 * * mon-fri", "Europe/Paris", 15, 90);
        auto monday = upcoming_cycle(weekdays, at("2026-11-28T12:00:00Z"));
        REQUIRE(monday);
        CHECK(monday->expected == at("2026-11-30T01:30:00Z"));
        CHECK(monday->opens == at("2026-11-30T01:15:00Z"));
        CHECK(monday->deadline == at("2026-11-30T03:00:00Z"));
    }
    SECTION("agrees with latest_closed_cycle: the next one after the last closed") {
        const Schedule monthly = schedule("0 3 1,15 * *", "Europe/Paris", 60, 120);
        for (std::int64_t now = at("2026-01-01T00:00:00Z"); now < at("2027-01-01T00:00:00Z");
             now += 13 * 3600 * kMicrosPerSecond + 7 * kMicrosPerMinute) {
            auto closed = latest_closed_cycle(monthly, now);
            auto upcoming = upcoming_cycle(monthly, now);
            REQUIRE(closed);
            REQUIRE(upcoming);
            CHECK(monthly.next_instant(*closed) == upcoming->expected);
            CHECK(upcoming->deadline >= now);
        }
    }
}

TEST_CASE("`at` is the cron MM HH * * * in UTC with the symmetric window") {
    const Schedule from_at{23, 30, 60};
    const Schedule from_cron = schedule("30 23 * * *", "UTC", 60, 60);
    CHECK(from_at.cron().text == "30 23 * * *");
    CHECK(from_at.zone().is_utc());
    CHECK(from_at.early_minutes() == 60);
    CHECK(from_at.late_minutes() == 60);
    for (std::int64_t t = at("2026-11-20T00:00:00Z"); t < at("2026-11-25T00:00:00Z"); t += 7 * kMicrosPerMinute) {
        CHECK(cycle_of(from_at, t) == cycle_of(from_cron, t));
        CHECK(latest_closed_cycle(from_at, t) == latest_closed_cycle(from_cron, t));
    }
}

TEST_CASE("closest instants and the no-overlap rule") {
    constexpr std::int64_t kMinute = kMicrosPerMinute;
    const std::int64_t after = at("2026-01-01T00:00:00Z");
    SECTION("every six hours: windows may total less than six hours") {
        auto c = closest_instants(schedule("0 */6 * * *", "UTC"), after);
        REQUIRE(c);
        CHECK(c->gap == 360 * kMinute);
        CHECK_FALSE(c->offset_change);
        CHECK(c->first == at("2026-01-01T00:00:00Z"));
        CHECK_FALSE(window_clash(schedule("0 */6 * * *", "UTC", 179, 180), after));
        auto clash = window_clash(schedule("0 */6 * * *", "UTC", 180, 180), after);
        REQUIRE(clash);
        CHECK_THAT(*clash, Catch::Contains("can be 360 minutes apart") && Catch::Contains("touch"));
        CHECK_THAT(*window_clash(schedule("0 */6 * * *", "UTC", 300, 300), after), Catch::Contains("overlap"));
    }
    SECTION("across midnight: 23:50 and 00:10 the next day are 20 minutes apart") {
        auto c = closest_instants(schedule("10,50 0,23 * * *", "UTC"), after);
        REQUIRE(c);
        CHECK(c->gap == 20 * kMinute);
        CHECK(c->first == at("2026-01-01T23:50:00Z"));
        CHECK(c->second == at("2026-01-02T00:10:00Z"));
    }
    SECTION("a daily job in Paris comes 23 hours after the previous one on the spring-forward day") {
        auto c = closest_instants(schedule("30 2 * * *", "Europe/Paris"), after);
        REQUIRE(c);
        CHECK(c->gap == 23 * 60 * kMinute);
        CHECK(c->offset_change);
        CHECK(c->first == at("2026-03-29T01:30:00Z"));
        CHECK(c->second == at("2026-03-30T00:30:00Z"));
        CHECK_FALSE(window_clash(schedule("30 2 * * *", "Europe/Paris", 689, 690), after));
        auto clash = window_clash(schedule("30 2 * * *", "Europe/Paris", 700, 700), after);
        REQUIRE(clash);
        CHECK_THAT(*clash, Catch::Contains("1380 minutes apart") &&
                               Catch::Contains("as Europe/Paris changes its UTC offset") &&
                               Catch::Contains("2026-03-29T01:30:00Z and 2026-03-30T00:30:00Z"));
        // In UTC the same daily job is always 24 hours apart.
        CHECK_FALSE(window_clash(schedule("30 2 * * *", "UTC", 700, 700), after));
    }
    SECTION("01:00 and 03:00 Paris are an hour apart only the night clocks go forward") {
        auto c = closest_instants(schedule("0 1,3 * * *", "Europe/Paris"), after);
        REQUIRE(c);
        CHECK(c->gap == 60 * kMinute);
        CHECK(c->offset_change);
        CHECK(c->first == at("2026-03-29T00:00:00Z"));
        CHECK_FALSE(window_clash(schedule("0 1,3 * * *", "Europe/Paris", 29, 30), after));
        CHECK(window_clash(schedule("0 1,3 * * *", "Europe/Paris", 30, 30), after));
        CHECK_FALSE(window_clash(schedule("0 1,3 * * *", "UTC", 59, 60), after));
    }
    SECTION("New York: 00:30 and 03:30 come two hours apart on the spring-forward night") {
        auto c = closest_instants(schedule("30 0,3 * * *", "America/New_York"), after);
        REQUIRE(c);
        CHECK(c->gap == 120 * kMinute);
        CHECK(c->first == at("2026-03-08T05:30:00Z"));
    }
    SECTION("weekdays: Friday to Monday is far, but Monday to Tuesday is a day") {
        auto c = closest_instants(schedule("30 2 * * mon-fri", "UTC"), after);
        REQUIRE(c);
        CHECK(c->gap == 1440 * kMinute);
    }
    SECTION("monthly schedules never come within two days") {
        CHECK_FALSE(closest_instants(schedule("0 3 1,15 * *", "Europe/Paris"), after));
        CHECK_FALSE(window_clash(schedule("0 3 1,15 * *", "Europe/Paris", 1439, 1439), after));
    }
    SECTION("the last day of one month and the first of the next") {
        auto c = closest_instants(schedule("0 12 1,31 * *", "UTC"), after);
        REQUIRE(c);
        CHECK(c->gap == 1440 * kMinute);
        CHECK(c->first == at("2026-01-31T12:00:00Z"));
    }
    SECTION("a window of zero minutes either side never meets another") {
        CHECK_FALSE(window_clash(schedule("* * * * *", "Europe/Paris", 0, 0), after));
        CHECK(window_clash(schedule("* * * * *", "Europe/Paris", 0, 1), after));
    }
}
