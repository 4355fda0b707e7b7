// The cron parser (docs/scan.md): every form of field, the Vixie day rule, and
// an error naming the field for everything else.
#include "cron.hpp"

#include <catch2/catch.hpp>

using namespace vigil::host;

namespace {

CronSpec parsed(const char* text) {
    CronSpec c;
    const Status st = parse_cron(text, &c);
    INFO(text << ": " << st.message());
    REQUIRE(st.is_ok());
    return c;
}

template <std::size_t N>
std::vector<int> members(const std::bitset<N>& bits) {
    std::vector<int> out;
    for (std::size_t i = 0; i < N; ++i) {
        if (bits.test(i)) out.push_back(static_cast<int>(i));
    }
    return out;
}

date::sys_days day(int y, unsigned m, unsigned d) { return date::sys_days(date::year{y} / m / d); }

}  // namespace

TEST_CASE("cron fields: numbers, lists, ranges, steps and stars") {
    const CronSpec c = parsed("5,10-12,50-59/4 */6 1-31/10 * *");
    CHECK(members(c.minutes) == std::vector<int>{5, 10, 11, 12, 50, 54, 58});
    CHECK(members(c.hours) == std::vector<int>{0, 6, 12, 18});
    CHECK(members(c.days_of_month) == std::vector<int>{1, 11, 21, 31});
    CHECK(members(c.months) == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    CHECK(c.days_of_week.all());
    CHECK(times_of_day(parsed("30 2 * * *")) == std::vector<int>{150});
    CHECK(times_of_day(parsed("0,30 1,2 * * *")) == std::vector<int>{60, 90, 120, 150});
}

TEST_CASE("cron names are case-insensitive and day-of-week 0 and 7 are Sunday") {
    CHECK(members(parsed("0 0 * jan,MAR-May *").months) == std::vector<int>{1, 3, 4, 5});
    CHECK(members(parsed("0 0 * * Mon-FRI").days_of_week) == std::vector<int>{1, 2, 3, 4, 5});
    CHECK(members(parsed("0 0 * * 7").days_of_week) == std::vector<int>{0});
    CHECK(members(parsed("0 0 * * 0").days_of_week) == std::vector<int>{0});
    CHECK(members(parsed("0 0 * * sat-7").days_of_week) == std::vector<int>{0, 6});
    CHECK(members(parsed("0 0 * * mon-sun").days_of_week) == std::vector<int>{0, 1, 2, 3, 4, 5, 6});
    CHECK(members(parsed("0 0 * * 1-7/2").days_of_week) == std::vector<int>{0, 1, 3, 5});
}

TEST_CASE("the schedule text is the five fields in lower case with single spaces") {
    CHECK(parsed("  30   2 * *   MON-fri ").text == "30 2 * * mon-fri");
    CHECK(daily_cron(2, 30).text == "30 02 * * *");
    CHECK(daily_cron(23, 5).text == "05 23 * * *");
    CHECK(times_of_day(daily_cron(23, 5)) == std::vector<int>{23 * 60 + 5});
}

TEST_CASE("Vixie rule: both day fields restricted means either, a star-led field does not restrict") {
    SECTION("1st and 15th, or any Monday") {
        const CronSpec c = parsed("0 0 1,15 * mon");
        CHECK(matches_day(c, day(2026, 6, 1)));    // a Monday and the 1st
        CHECK(matches_day(c, day(2026, 6, 15)));   // a Monday and the 15th
        CHECK(matches_day(c, day(2026, 7, 1)));    // a Wednesday, the 1st
        CHECK(matches_day(c, day(2026, 7, 6)));    // a Monday
        CHECK_FALSE(matches_day(c, day(2026, 7, 7)));
    }
    SECTION("a star-led day-of-month (*/2) does not restrict: both must hold") {
        const CronSpec c = parsed("0 0 */2 * mon");
        CHECK_FALSE(c.day_of_month_restricted);
        CHECK(c.day_of_week_restricted);
        CHECK(matches_day(c, day(2026, 6, 1)));        // Monday the 1st (odd)
        CHECK_FALSE(matches_day(c, day(2026, 6, 8)));  // Monday the 8th (even)
        CHECK_FALSE(matches_day(c, day(2026, 6, 3)));  // Wednesday the 3rd
    }
    SECTION("only one field restricted: that one decides") {
        CHECK(matches_day(parsed("0 0 13 * *"), day(2026, 2, 13)));
        CHECK_FALSE(matches_day(parsed("0 0 13 * *"), day(2026, 2, 14)));
        CHECK(matches_day(parsed("0 0 * * fri"), day(2026, 2, 13)));
        CHECK_FALSE(matches_day(parsed("0 0 * * fri"), day(2026, 2, 14)));
    }
    SECTION("a star-led day-of-week (*/3) with a restricted day-of-month: both must hold") {
        const CronSpec c = parsed("0 0 13 * */3");  // Sunday, Wednesday, Saturday
        CHECK_FALSE(matches_day(c, day(2026, 2, 13)));  // Friday the 13th
        CHECK(matches_day(c, day(2026, 5, 13)));        // Wednesday the 13th
    }
    SECTION("months restrict both ways") {
        CHECK(matches_day(parsed("0 0 1 * mon"), day(2026, 7, 6)));
        CHECK_FALSE(matches_day(parsed("0 0 1 jan mon"), day(2026, 7, 6)));
    }
}

TEST_CASE("cron errors name the field and say why") {
    struct Case {
        const char* text;
        const char* expected;
    };
    const Case cases[] = {
        {"", "five fields"},
        {"30 2 * *", "five fields (minute hour day-of-month month day-of-week), found 4"},
        {"30 2 * * * *", "found 6"},
        {"60 2 * * *", "minute: \"60\": 60 is out of range 0-59"},
        {"0 24 * * *", "hour: \"24\": 24 is out of range 0-23"},
        {"0 0 0 * *", "day-of-month: \"0\": 0 is out of range 1-31"},
        {"0 0 32 * *", "day-of-month: \"32\""},
        {"0 0 * 13 *", "month: \"13\": 13 is out of range 1-12 or jan..dec"},
        {"0 0 * * 8", "day-of-week: \"8\": 8 is out of range 0-7 or sun..sat"},
        {"0 0 * * mon-fry", "day-of-week: \"mon-fry\": \"fry\" is not a number or a name in range 0-7 or sun..sat"},
        {"0 0 * * monday", "day-of-week: \"monday\""},
        {"0 0 * jan-feb-mar *", "month: \"jan-feb-mar\""},
        {"0 mon * * *", "hour: \"mon\": \"mon\" is not a number in range 0-23"},
        {"5-1 * * * *", "minute: \"5-1\": the range runs backwards"},
        {"1,5-1 * * * *", "minute: \"1,5-1\": \"5-1\": the range runs backwards"},
        {"0 0 * * sun-sat,fri-mon", "day-of-week: \"sun-sat,fri-mon\": \"fri-mon\": the range runs backwards"},
        {"*/0 * * * *", "minute: \"*/0\": the step must be from 1 to 60"},
        {"*/61 * * * *", "the step must be from 1 to 60"},
        {"5/15 * * * *", "minute: \"5/15\": a step follows `*` or a range a-b"},
        {"*/x * * * *", "the step must be a whole number"},
        {"1,,2 * * * *", "minute: \"1,,2\": empty list item"},
        {"1, * * * *", "empty list item"},
        {"-5 * * * *", "a value is missing"},
        {"? * * * *", "minute: \"?\""},
        {"0 0 L * *", "day-of-month: \"L\""},
        {"@daily", "found 1"},
        {"0 0 30 2 *", "day-of-month: \"30\": no such day in the months \"2\": the schedule would never fire"},
        {"0 0 31 apr,jun,sep,nov *", "the schedule would never fire"},
        {"99999999999 * * * *", "minute: \"99999999999\": 99999999999 is out of range 0-59"},
    };
    for (const Case& k : cases) {
        INFO(k.text);
        CronSpec c;
        const Status st = parse_cron(k.text, &c);
        CHECK(st.code() == Status::Code::kConfig);
        CHECK_THAT(st.message(), Catch::Contains(k.expected));
    }
}

TEST_CASE("days that exist only sometimes, or through the weekday, are fine") {
    CronSpec c;
    CHECK(parse_cron("0 0 29 2 *", &c).is_ok());      // leap years
    CHECK(parse_cron("0 0 30 2 mon", &c).is_ok());    // any Monday in February
    CHECK(parse_cron("0 0 31 * *", &c).is_ok());
}
