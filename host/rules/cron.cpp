#include "cron.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>

namespace vigil::host {

namespace {

constexpr const char* kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char* kDayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// What one field accepts: numbers lo..hi, and names standing for
// first_named, first_named + 1, ...
struct FieldRule {
    const char* name;
    int lo;
    int hi;
    const char* const* names = nullptr;
    int name_count = 0;
    int first_named = 0;
};

constexpr FieldRule kMinute{"minute", 0, 59};
constexpr FieldRule kHour{"hour", 0, 23};
constexpr FieldRule kDayOfMonth{"day-of-month", 1, 31};
constexpr FieldRule kMonth{"month", 1, 12, kMonthNames, 12, 1};
constexpr FieldRule kDayOfWeek{"day-of-week", 0, 7, kDayNames, 7, 0};

struct FieldError {
    std::string message;
};

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string range_text(const FieldRule& rule) {
    std::string text = std::to_string(rule.lo) + "-" + std::to_string(rule.hi);
    if (rule.names) {
        text += " or " + std::string(rule.names[0]) + ".." + rule.names[rule.name_count - 1];
    }
    return text;
}

// A number or (for month and day-of-week) a name.
int value_of(const FieldRule& rule, std::string_view token) {
    if (token.empty()) throw FieldError{"a value is missing (expected " + range_text(rule) + ")"};
    if (std::all_of(token.begin(), token.end(), [](unsigned char c) { return std::isdigit(c); })) {
        if (token.size() > 4) throw FieldError{std::string(token) + " is out of range " + range_text(rule)};
        const int value = std::stoi(std::string(token));
        if (value < rule.lo || value > rule.hi) {
            throw FieldError{std::string(token) + " is out of range " + range_text(rule)};
        }
        return value;
    }
    const std::string name = lower(token);
    for (int i = 0; i < rule.name_count; ++i) {
        if (name == rule.names[i]) return rule.first_named + i;
    }
    throw FieldError{"\"" + std::string(token) + "\" is not a number" +
                     (rule.names ? " or a name" : "") + " in range " + range_text(rule)};
}

// The values first, first + step, ... up to last.
struct ItemRange {
    int first = 0;
    int last = 0;
    int step = 1;
};

// One list item: `*`, `a`, `a-b`, `*/n` or `a-b/n`; returns the values it
// covers as a range, not a list: every scan parses each job's schedule.
ItemRange item_range(const FieldRule& rule, std::string_view item) {
    if (item.empty()) throw FieldError{"empty list item"};
    std::string_view range = item;
    int step = 1;
    if (const auto slash = item.find('/'); slash != std::string_view::npos) {
        range = item.substr(0, slash);
        const std::string_view step_text = item.substr(slash + 1);
        if (step_text.empty() ||
            !std::all_of(step_text.begin(), step_text.end(), [](unsigned char c) { return std::isdigit(c); })) {
            throw FieldError{"the step must be a whole number"};
        }
        const int span = rule.hi - rule.lo + 1;
        step = step_text.size() > 4 ? span + 1 : std::stoi(std::string(step_text));
        if (step < 1 || step > span) throw FieldError{"the step must be from 1 to " + std::to_string(span)};
        if (range != "*" && range.find('-') == std::string_view::npos) {
            throw FieldError{"a step follows `*` or a range a-b"};
        }
    }
    int first = rule.lo;
    int last = rule.hi;
    if (range != "*") {
        const auto dash = range.find('-');
        first = value_of(rule, range.substr(0, dash));
        last = dash == std::string_view::npos ? first : value_of(rule, range.substr(dash + 1));
        // mon-sun: a day-of-week range may end on Sunday as 7.
        if (&rule == &kDayOfWeek && dash != std::string_view::npos && last == 0 && first > 0) last = 7;
        if (last < first) throw FieldError{"the range runs backwards"};
    }
    return {first, last, step};
}

template <std::size_t N>
std::bitset<N> field_set(const FieldRule& rule, std::string_view field) {
    std::bitset<N> set;
    std::size_t start = 0;
    while (true) {
        const auto comma = field.find(',', start);
        const auto item = field.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        try {
            const ItemRange range = item_range(rule, item);
            for (int v = range.first; v <= range.last; v += range.step) {
                set.set(static_cast<std::size_t>(v % static_cast<int>(N)));
            }
        } catch (const FieldError& e) {
            // In a list, say which item.
            if (item.empty() || item.size() == field.size()) throw;
            throw FieldError{"\"" + std::string(item) + "\": " + e.message};
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return set;
}

// Day-of-week 7 is Sunday: field_set folds it onto 0 (7 % 7).
std::bitset<7> weekday_set(std::string_view field) { return field_set<7>(kDayOfWeek, field); }

// When the day fields must both match, some chosen day must exist in some
// chosen month: each such date falls on every weekday over the years.
bool some_day_exists(const CronSpec& c) {
    constexpr int kLongest[] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (c.day_of_month_restricted && c.day_of_week_restricted) return true;
    for (int month = 1; month <= 12; ++month) {
        if (!c.months.test(static_cast<std::size_t>(month))) continue;
        for (int day = 1; day <= kLongest[month]; ++day) {
            if (c.days_of_month.test(static_cast<std::size_t>(day))) return true;
        }
    }
    return false;
}

}  // namespace

Status parse_cron(std::string_view text, CronSpec* out) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        const std::size_t start = i;
        while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (i > start) fields.push_back(text.substr(start, i - start));
    }
    if (fields.size() != 5) {
        return Status::error(Status::Code::kConfig,
                             "a schedule has five fields (minute hour day-of-month month day-of-week), found " +
                                 std::to_string(fields.size()));
    }
    const FieldRule* rules[] = {&kMinute, &kHour, &kDayOfMonth, &kMonth, &kDayOfWeek};
    CronSpec c;
    std::size_t at = 0;
    try {
        for (at = 0; at < fields.size(); ++at) {
            const std::string_view f = fields[at];
            switch (at) {
                case 0: c.minutes = field_set<60>(kMinute, f); break;
                case 1: c.hours = field_set<24>(kHour, f); break;
                case 2: c.days_of_month = field_set<32>(kDayOfMonth, f); break;
                case 3: c.months = field_set<13>(kMonth, f); break;
                default: c.days_of_week = weekday_set(f); break;
            }
            c.text += (at ? " " : "") + lower(f);
        }
    } catch (const FieldError& e) {
        return Status::error(Status::Code::kConfig,
                             std::string(rules[at]->name) + ": \"" + std::string(fields[at]) + "\": " + e.message);
    }
    c.day_of_month_restricted = fields[2][0] != '*';
    c.day_of_week_restricted = fields[4][0] != '*';
    if (!some_day_exists(c)) {
        return Status::error(Status::Code::kConfig,
                             "day-of-month: \"" + std::string(fields[2]) + "\": no such day in the months \"" +
                                 std::string(fields[3]) + "\": the schedule would never fire");
    }
    *out = std::move(c);
    return Status::ok();
}

CronSpec daily_cron(int hour, int minute) {
    CronSpec c;
    c.minutes.set(static_cast<std::size_t>(minute));
    c.hours.set(static_cast<std::size_t>(hour));
    c.days_of_month.set();
    c.days_of_month.reset(0);
    c.months.set();
    c.months.reset(0);
    c.days_of_week.set();
    char text[24];
    std::snprintf(text, sizeof text, "%02d %02d * * *", minute, hour);
    c.text = text;
    return c;
}

bool matches_day(const CronSpec& cron, date::sys_days day) {
    const date::year_month_day ymd{day};
    if (!cron.months.test(static_cast<unsigned>(ymd.month()))) return false;
    const bool by_month_day = cron.days_of_month.test(static_cast<unsigned>(ymd.day()));
    const bool by_week_day = cron.days_of_week.test(date::weekday{day}.c_encoding());
    if (cron.day_of_month_restricted && cron.day_of_week_restricted) return by_month_day || by_week_day;
    return by_month_day && by_week_day;
}

std::vector<int> times_of_day(const CronSpec& cron) {
    std::vector<int> times;
    for (int h = 0; h < 24; ++h) {
        if (!cron.hours.test(static_cast<std::size_t>(h))) continue;
        for (int m = 0; m < 60; ++m) {
            if (cron.minutes.test(static_cast<std::size_t>(m))) times.push_back(h * 60 + m);
        }
    }
    return times;
}

}  // namespace vigil::host
