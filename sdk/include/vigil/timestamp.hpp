// ISO-8601 timestamps as docs/report-format.md describes them, for report sources and the host.
//
// Header-only over Howard Hinnant's date library (Debian:
// libhowardhinnant-date-dev), which works with libstdc++ and libc++.
#ifndef VIGIL_TIMESTAMP_HPP
#define VIGIL_TIMESTAMP_HPP

#include <date/date.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

using Micros = std::chrono::microseconds;

// Parses `2026-11-23T02:31:07Z`, `...+01:00` (converted to UTC), a naive
// `2026-11-23T02:31:07` or `2026-11-23 02:31:07` (taken as UTC), with
// optional fractional seconds (kept to the microsecond). Returns
// microseconds since the Unix epoch, or nullopt when the text is not such a
// timestamp (including trailing garbage and impossible dates).
inline std::optional<std::int64_t> parse_timestamp(std::string_view text) {
    if (text.size() < 19) return std::nullopt;
    if (text[10] != 'T' && text[10] != ' ') return std::nullopt;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u, 11u, 12u, 14u, 15u, 17u, 18u}) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    }
    if (text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':') return std::nullopt;
    // Digits are read by hand and the calendar is date's: a report carries a
    // dozen timestamps, and a stream per timestamp cost more than the rest
    // of its parsing.
    auto number = [&](std::size_t at, std::size_t digits) {
        int n = 0;
        for (std::size_t i = at; i < at + digits; ++i) n = n * 10 + (text[i] - '0');
        return n;
    };
    const int hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    const date::year_month_day ymd{date::year{number(0, 4)}, date::month{static_cast<unsigned>(number(5, 2))},
                                   date::day{static_cast<unsigned>(number(8, 2))}};
    if (!ymd.ok()) return std::nullopt;
    std::size_t pos = 19;
    std::int64_t fraction = 0;
    if (pos < text.size() && text[pos] == '.') {
        const std::size_t digits_start = ++pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
        if (pos == digits_start) return std::nullopt;
        // Finer than a microsecond is truncated.
        for (std::size_t i = 0; i < 6; ++i) {
            fraction = fraction * 10 + (digits_start + i < pos ? text[digits_start + i] - '0' : 0);
        }
    }
    std::string_view zone = text.substr(pos);
    std::chrono::minutes offset{0};
    if (zone == "Z" || zone == "z" || zone.empty()) {
        // UTC, or naive and taken as UTC.
    } else if ((zone[0] == '+' || zone[0] == '-') &&
               (zone.size() == 3 || zone.size() == 5 || (zone.size() == 6 && zone[3] == ':'))) {
        for (std::size_t i = 1; i < zone.size(); ++i) {
            if (i == 3 && zone[i] == ':') continue;
            if (!std::isdigit(static_cast<unsigned char>(zone[i]))) return std::nullopt;
        }
        int hours = (zone[1] - '0') * 10 + (zone[2] - '0');
        int minutes = 0;
        if (zone.size() > 3) {
            std::size_t m = zone.size() == 6 ? 4 : 3;
            minutes = (zone[m] - '0') * 10 + (zone[m + 1] - '0');
        }
        if (hours > 23 || minutes > 59) return std::nullopt;
        offset = std::chrono::minutes(hours * 60 + minutes);
        if (zone[0] == '-') offset = -offset;
    } else {
        return std::nullopt;
    }
    const date::sys_time<Micros> tp = date::sys_days{ymd} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
                                      std::chrono::seconds{second} + Micros{fraction};
    return (tp - offset).time_since_epoch().count();
}

// The span every timestamp of a report must lie in once converted to UTC,
// 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z (both included): earlier or
// later instants cannot be stored or read back by every database.
constexpr std::int64_t kEarliestReportTime = 0;
constexpr std::int64_t kLatestReportTime = 253402300799LL * 1000000;  // 9999-12-31T23:59:59Z

// Whether a parsed timestamp lies in that span.
inline bool in_report_range(std::int64_t micros) {
    return micros >= kEarliestReportTime && micros <= kLatestReportTime;
}

// A timestamp of a report: parse_timestamp, then the span above. When the
// text is not usable, returns nullopt and *why says so ("is not an ISO-8601
// timestamp", "is outside ..."), for a message that quotes the text first.
inline std::optional<std::int64_t> parse_report_timestamp(std::string_view text, std::string* why) {
    std::optional<std::int64_t> micros = parse_timestamp(text);
    if (!micros) {
        *why = "is not an ISO-8601 timestamp";
    } else if (!in_report_range(*micros)) {
        *why = "is outside 1970-01-01T00:00:00Z..9999-12-31T23:59:59Z once converted to UTC";
        micros.reset();
    }
    return micros;
}

namespace detail {

// `YYYY-MM-DD<sep>HH:MM:SS<suffix>` of an instant, by hand for years 0 to
// 9999 (every time a scan writes or logs; a stream per call cost more than
// the SQL around it), by date::format for the rest.
inline std::string format_utc(std::int64_t micros, char sep, const char* suffix) {
    constexpr std::int64_t kYear0 = -62167219200LL * 1000000;  // 0000-01-01T00:00:00Z
    const date::sys_seconds tp{std::chrono::floor<std::chrono::seconds>(Micros(micros))};
    if (micros < kYear0 || micros > kLatestReportTime + 999999) {
        return date::format(std::string("%F") + sep + "%T" + suffix, tp);
    }
    const date::sys_days day = date::floor<date::days>(tp);
    const date::year_month_day ymd{day};
    const int year = static_cast<int>(ymd.year());
    const date::hh_mm_ss<std::chrono::seconds> hms{tp - day};
    const int fields[] = {year,
                          static_cast<int>(static_cast<unsigned>(ymd.month())),
                          static_cast<int>(static_cast<unsigned>(ymd.day())),
                          static_cast<int>(hms.hours().count()),
                          static_cast<int>(hms.minutes().count()),
                          static_cast<int>(hms.seconds().count())};
    char text[20] = "0000-00-00 00:00:00";
    text[10] = sep;
    const std::size_t ends[] = {4, 7, 10, 13, 16, 19};
    for (std::size_t f = 0; f < 6; ++f) {
        int value = fields[f];
        for (std::size_t i = ends[f]; value > 0; value /= 10) text[--i] = static_cast<char>('0' + value % 10);
    }
    return std::string(text, 19) + suffix;
}

}  // namespace detail

// `YYYY-MM-DD HH:MM:SS` (UTC, fraction dropped): the database's text form.
inline std::string format_db_time(std::int64_t micros) { return detail::format_utc(micros, ' ', ""); }

// `YYYY-MM-DDTHH:MM:SSZ` (UTC, fraction dropped): for logs and messages.
inline std::string format_iso(std::int64_t micros) { return detail::format_utc(micros, 'T', "Z"); }

}  // namespace vigil

#endif  // VIGIL_TIMESTAMP_HPP
