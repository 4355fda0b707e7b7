#include "email_summary.hpp"

#include "notifier_curl.hpp"
#include "notifier_events.hpp"

#include <vigil/timestamp.hpp>

#include <algorithm>
#include <array>

namespace vigil::plugins::notify {
namespace {

// Display order: what needs action comes first.
constexpr std::array<EventCategory, 5> kOrder{EventCategory::problem, EventCategory::still_failing,
                                              EventCategory::recovered, EventCategory::other,
                                              EventCategory::test};

std::size_t rank(EventCategory category) {
    return static_cast<std::size_t>(std::find(kOrder.begin(), kOrder.end(), category) - kOrder.begin());
}

std::string counted(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "3 problems, 1 recovered"; empty when there are only test events.
std::string counts(const std::vector<Event>& events) {
    std::array<std::size_t, kOrder.size()> n{};
    for (const Event& e : events) ++n[rank(categorise(e))];
    std::vector<std::string> parts;
    if (n[0] > 0) parts.push_back(counted(n[0], "problem", "problems"));
    if (n[1] > 0) parts.push_back(counted(n[1], "still failing", "still failing"));
    if (n[2] > 0) parts.push_back(counted(n[2], "recovered", "recovered"));
    if (n[3] > 0) parts.push_back(counted(n[3], "other change", "other changes"));
    std::string text;
    for (const std::string& part : parts) text += (text.empty() ? "" : ", ") + part;
    return text;
}

std::string status_cell(const Event& e) {
    std::string text;
    if (e.kind == "test") {
        text = "test";
    } else if (e.kind == "hash_mismatch") {
        text = "hash mismatch";
    } else if (e.kind == "reminder") {
        text = "still " + e.new_status;
    } else {
        text = e.old_status.empty() ? e.new_status : e.old_status + " -> " + e.new_status;
    }
    return e.possibly_duplicate ? text + " *" : text;
}

std::string cycle_cell(std::int64_t cycle) {
    if (cycle == kNoTime) return "-";
    date::sys_seconds tp{std::chrono::floor<std::chrono::seconds>(Micros(cycle))};
    return date::format("%F %R", tp);
}

// Columns are padded by characters, not bytes, so names in UTF-8 line up.
std::size_t width(const std::string& text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

using Row = std::array<std::string, 6>;

std::string table(std::vector<Row> rows) {
    std::array<std::size_t, 6> widths{};
    for (const Row& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], width(row[i]));
    }
    std::string out;
    for (const Row& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            // The last column is not padded: trailing spaces help nobody.
            if (i + 1 < row.size()) line += std::string(widths[i] - width(row[i]) + 2, ' ');
        }
        out += line + "\n";
    }
    return out;
}

}  // namespace

std::string email_subject(const std::vector<Event>& events, const std::string& prefix) {
    std::string what = counts(events);
    if (what.empty()) what = "test message";
    return prefix.empty() ? what : prefix + " " + what;
}

std::string email_body(const std::vector<Event>& events, std::string_view vigil_version) {
    std::vector<Event> sorted = events;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Event& a, const Event& b) { return rank(categorise(a)) < rank(categorise(b)); });

    std::vector<Row> rows{{"STATUS", "AGENT", "DATABASE", "EXPECTED", "CYCLE (UTC)", "MESSAGE"}};
    bool any_duplicate = false;
    std::int64_t scan_time = kNoTime;
    for (const Event& e : sorted) {
        rows.push_back({one_line(status_cell(e), 100), one_line(e.agent_id, 200), one_line(e.database_name, 200),
                        one_line(expected_label(e), 100),
                        cycle_cell(e.cycle_expected_at), e.message.empty() ? "-" : one_line(e.message, 400)});
        any_duplicate = any_duplicate || e.possibly_duplicate;
        if (e.scan_time != kNoTime) scan_time = std::max(scan_time, e.scan_time);
    }

    std::string what = counts(events);
    std::string body = (what.empty() ? std::string("Test message from Vigil.") : "Vigil: " + what + ".") + "\n\n";
    body += table(std::move(rows));
    if (any_duplicate) {
        body += "\n* may have been sent before: an earlier attempt to deliver this event may have arrived.\n";
    }
    body += "\n";
    if (scan_time != kNoTime) body += "Scan of " + format_iso(scan_time) + ". ";
    body += "Sent by vigil " + std::string(vigil_version) + ".\n";
    return body;
}

}  // namespace vigil::plugins::notify
