// Five-field cron expressions (docs/scan.md), parsed into the sets of values
// they match. Pure: no time zone, no clock.
#ifndef VIGIL_HOST_CRON_HPP
#define VIGIL_HOST_CRON_HPP

#include "status.hpp"

#include <date/date.h>

#include <bitset>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::host {

// "minute hour day-of-month month day-of-week", as sets.
struct CronSpec {
    std::bitset<60> minutes;
    std::bitset<24> hours;
    std::bitset<32> days_of_month;  // 1..31
    std::bitset<13> months;         // 1..12
    std::bitset<7> days_of_week;    // 0 = Sunday .. 6 = Saturday
    // A day field is restricted unless its text starts with '*'. When both
    // are, a day matching either counts (Vixie cron); otherwise both must.
    bool day_of_month_restricted = false;
    bool day_of_week_restricted = false;
    // The five fields in lower case joined by single spaces: the text that
    // identifies the schedule in records and messages.
    std::string text;
};

// Parses a cron expression. Fields take numbers, `*`, lists `a,b`, ranges
// `a-b`, steps `*/n` and `a-b/n`, names jan..dec (month) and sun..sat
// (day-of-week, where 7 is Sunday too), case-insensitively. An expression
// whose days can never occur (day 30 of February) is refused as well. On
// error the message reads "<field>: <what is wrong>".
Status parse_cron(std::string_view text, CronSpec* out);

// The cron of the `at` form: "MM HH * * *".
CronSpec daily_cron(int hour, int minute);

// Whether the calendar day matches the month and day fields.
bool matches_day(const CronSpec& cron, date::sys_days day);

// The minutes of a matching day (hour * 60 + minute), ascending.
std::vector<int> times_of_day(const CronSpec& cron);

}  // namespace vigil::host

#endif
