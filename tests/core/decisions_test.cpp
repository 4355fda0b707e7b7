// Exhaustive tests of the time decisions (docs/scan.md), without files.
#include "decisions.hpp"

#include <vigil/timestamp.hpp>

#include <catch2/catch.hpp>

using namespace vigil::host;

namespace {
std::int64_t at(const char* iso) { return *vigil::parse_timestamp(iso); }
}  // namespace

TEST_CASE("cycle_of puts a time in the window around the expected instant, bounds included") {
    const Schedule s{2, 30, 60};
    CHECK(cycle_of(s, at("2026-11-23T02:30:00Z")) == at("2026-11-23T02:30:00Z"));
    CHECK(cycle_of(s, at("2026-11-23T01:30:00Z")) == at("2026-11-23T02:30:00Z"));
    CHECK(cycle_of(s, at("2026-11-23T03:30:00Z")) == at("2026-11-23T02:30:00Z"));
    CHECK_FALSE(cycle_of(s, at("2026-11-23T01:29:59Z")));
    CHECK_FALSE(cycle_of(s, at("2026-11-23T03:30:00.000001Z")));
    CHECK_FALSE(cycle_of(s, at("2026-11-23T12:00:00Z")));
}

TEST_CASE("cycle_of crosses midnight in both directions") {
    SECTION("a 23:30 job accepts a report ending at 00:15 the next day") {
        const Schedule s{23, 30, 60};
        CHECK(cycle_of(s, at("2026-11-24T00:15:00Z")) == at("2026-11-23T23:30:00Z"));
        CHECK(cycle_of(s, at("2026-11-24T00:30:00Z")) == at("2026-11-23T23:30:00Z"));
        CHECK_FALSE(cycle_of(s, at("2026-11-24T00:31:00Z")));
        CHECK(cycle_of(s, at("2026-11-23T22:30:00Z")) == at("2026-11-23T23:30:00Z"));
    }
    SECTION("a 00:10 job accepts a report ending at 23:50 the previous day") {
        const Schedule s{0, 10, 30};
        CHECK(cycle_of(s, at("2026-11-23T23:50:00Z")) == at("2026-11-24T00:10:00Z"));
        CHECK(cycle_of(s, at("2026-11-23T23:40:00Z")) == at("2026-11-24T00:10:00Z"));
        CHECK_FALSE(cycle_of(s, at("2026-11-23T23:39:59Z")));
    }
    SECTION("across a month and a year boundary") {
        const Schedule s{23, 45, 30};
        CHECK(cycle_of(s, at("2027-01-01T00:10:00Z")) == at("2026-12-31T23:45:00Z"));
        CHECK(cycle_of(s, at("2026-03-01T00:00:00Z")) == at("2026-02-28T23:45:00Z"));
    }
}

TEST_CASE("the widest window (719 minutes) never gives a time two cycles") {
    const Schedule s{12, 0, 719};
    for (int minute = 0; minute < 24 * 60; ++minute) {
        const std::int64_t t = at("2026-11-23T00:00:00Z") + minute * kMicrosPerMinute;
        auto cycle = cycle_of(s, t);
        if (minute == 0) {
            CHECK_FALSE(cycle);  // 00:00 is 720 minutes from both noons
        } else {
            REQUIRE(cycle);
            CHECK(*cycle == at("2026-11-23T12:00:00Z"));
        }
    }
}

TEST_CASE("per-job windows change what is relevant") {
    const std::int64_t t = at("2026-11-23T03:10:00Z");
    CHECK(cycle_of(Schedule{2, 30, 60}, t));
    CHECK_FALSE(cycle_of(Schedule{2, 30, 30}, t));
    CHECK(cycle_of(Schedule{2, 30, 40}, t));
}

TEST_CASE("latest_closed_cycle is the last cycle whose deadline is strictly before now") {
    const Schedule s{2, 30, 60};
    CHECK(latest_closed_cycle(s, at("2026-11-23T04:00:00Z")) == at("2026-11-23T02:30:00Z"));
    // At the deadline itself the cycle is still open.
    CHECK(latest_closed_cycle(s, at("2026-11-23T03:30:00Z")) == at("2026-11-22T02:30:00Z"));
    CHECK(latest_closed_cycle(s, at("2026-11-23T03:30:00.000001Z")) == at("2026-11-23T02:30:00Z"));
    CHECK(latest_closed_cycle(s, at("2026-11-23T01:00:00Z")) == at("2026-11-22T02:30:00Z"));
    SECTION("a 23:30 job's cycle closes the next day") {
        const Schedule late{23, 30, 60};
        CHECK(latest_closed_cycle(late, at("2026-11-24T00:20:00Z")) == at("2026-11-22T23:30:00Z"));
        CHECK(latest_closed_cycle(late, at("2026-11-24T00:31:00Z")) == at("2026-11-23T23:30:00Z"));
    }
    CHECK(deadline_of(s, at("2026-11-23T02:30:00Z")) == at("2026-11-23T03:30:00Z"));
}

TEST_CASE("a job owes only cycles whose deadline is after it was first recorded") {
    const Schedule s{2, 30, 60};
    const std::int64_t cycle = at("2026-11-23T02:30:00Z");
    CHECK(owes_cycle(s, cycle, at("2026-11-23T03:29:59Z")));
    CHECK_FALSE(owes_cycle(s, cycle, at("2026-11-23T03:30:00Z")));
    CHECK_FALSE(owes_cycle(s, cycle, at("2026-11-23T04:00:00Z")));
    CHECK(owes_cycle(s, cycle, at("2026-11-22T10:00:00Z")));
}

TEST_CASE("plain file names") {
    CHECK(is_plain_file_name("sales.sql.gz"));
    CHECK(is_plain_file_name("..sales"));
    CHECK_FALSE(is_plain_file_name(""));
    CHECK_FALSE(is_plain_file_name("."));
    CHECK_FALSE(is_plain_file_name(".."));
    CHECK_FALSE(is_plain_file_name("../etc/passwd"));
    CHECK_FALSE(is_plain_file_name("a/b"));
    CHECK_FALSE(is_plain_file_name("a\\b"));
    CHECK_FALSE(is_plain_file_name(std::string("a\0b", 3)));
}

TEST_CASE("timeliness: stale, future and current") {
    const std::int64_t now = at("2026-11-23T04:00:00Z");
    CHECK(timeliness(at("2026-11-22T04:00:00Z"), now, 1) == Timeliness::kCurrent);
    CHECK(timeliness(at("2026-11-22T03:59:59Z"), now, 1) == Timeliness::kStale);
    CHECK(timeliness(at("2026-11-20T04:00:00Z"), now, 3) == Timeliness::kCurrent);
    CHECK(timeliness(at("2026-11-23T04:05:00Z"), now, 1) == Timeliness::kCurrent);
    CHECK(timeliness(at("2026-11-23T04:05:01Z"), now, 1) == Timeliness::kFuture);
}

TEST_CASE("timestamps parse in every form docs/report-format.md allows and nothing else") {
    const std::int64_t base = at("2026-11-23T02:31:07Z");
    CHECK(vigil::parse_timestamp("2026-11-23T02:31:07") == base);
    CHECK(vigil::parse_timestamp("2026-11-23 02:31:07") == base);
    CHECK(vigil::parse_timestamp("2026-11-23T03:31:07+01:00") == base);
    CHECK(vigil::parse_timestamp("2026-11-22T21:01:07-05:30") == base);
    CHECK(vigil::parse_timestamp("2026-11-23T02:31:07.25Z") == base + 250000);
    CHECK(vigil::parse_timestamp("2026-11-23T02:31:07.123456789Z") == base + 123456);
    CHECK_FALSE(vigil::parse_timestamp("2026-11-23"));
    CHECK_FALSE(vigil::parse_timestamp("2026-13-01T00:00:00Z"));
    CHECK_FALSE(vigil::parse_timestamp("2026-02-30T00:00:00Z"));
    CHECK_FALSE(vigil::parse_timestamp("2026-11-23T02:31:07Zjunk"));
    CHECK_FALSE(vigil::parse_timestamp("2026-11-23T02:31:07."));
    CHECK_FALSE(vigil::parse_timestamp("yesterday at noon"));
    CHECK(vigil::format_db_time(base + 999999) == "2026-11-23 02:31:07");
}

TEST_CASE("a timestamp with a wrong separator is refused, not read through undefined behaviour") {
    for (const char* text : {"2026-11-23T02z31:07Z", "2026-11-23T02:31z07Z", "2026/11-23T02:31:07Z", "2026-11x23T02:31:07"}) {
        INFO(text);
        CHECK_FALSE(vigil::parse_timestamp(text));
    }
}
