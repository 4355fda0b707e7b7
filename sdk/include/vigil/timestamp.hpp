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
#include <sstream>
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
    std::string core(text.substr(0, 19));
    if (core[10] != 'T' && core[10] != ' ') return std::nullopt;
    core[10] = 'T';
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u, 11u, 12u, 14u, 15u, 17u, 18u}) {
        if (!std::isdigit(static_cast<unsigned char>(core[i]))) return std::nullopt;
    }
    // date::parse leaves the seconds undefined (NaN) on a wrong separator.
    if (core[4] != '-' || core[7] != '-' || core[13] != ':' || core[16] != ':') return std::nullopt;
    std::size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {
        std::size_t digits_start = ++pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
        if (pos == digits_start) return std::nullopt;
        // Finer than a microsecond is truncated: date's parser stops at six digits.
        core += '.';
        core += text.substr(digits_start, std::min<std::size_t>(pos - digits_start, 6));
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

    std::istringstream in(core);
    date::sys_time<Micros> tp;
    in >> date::parse("%FT%T", tp);
    if (in.fail() || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
    // date::parse accepts 2026-02-30 as March 2nd; require a real calendar day.
    date::year_month_day ymd{date::floor<date::days>(tp)};
    if (!ymd.ok()) return std::nullopt;
    int day = std::stoi(core.substr(8, 2));
    if (static_cast<unsigned>(ymd.day()) != static_cast<unsigned>(day)) return std::nullopt;
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

// `YYYY-MM-DD HH:MM:SS` (UTC, fraction dropped): the database's text form.
inline std::string format_db_time(std::int64_t micros) {
    date::sys_seconds tp{std::chrono::floor<std::chrono::seconds>(Micros(micros))};
    return date::format("%F %T", tp);
}

// `YYYY-MM-DDTHH:MM:SSZ` (UTC, fraction dropped): for logs and messages.
inline std::string format_iso(std::int64_t micros) {
    date::sys_seconds tp{std::chrono::floor<std::chrono::seconds>(Micros(micros))};
    return date::format("%FT%TZ", tp);
}

}  // namespace vigil

#endif  // VIGIL_TIMESTAMP_HPP
