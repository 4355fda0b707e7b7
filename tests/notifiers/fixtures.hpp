// Events and settings shared by the notifier tests.
#ifndef VIGIL_TESTS_NOTIFIERS_FIXTURES_HPP
#define VIGIL_TESTS_NOTIFIERS_FIXTURES_HPP

#include <vigil/plugin.hpp>

#include <boost/property_tree/json_parser.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>

namespace vigil::test {

// 2026-11-23T04:00:00Z, the scan, and 2026-11-23T02:30:00Z, the cycle.
constexpr std::int64_t kScanTime = INT64_C(1795406400) * 1000000;
constexpr std::int64_t kCycle = INT64_C(1795401000) * 1000000;

inline Event make_event(const std::string& kind, const std::string& agent, const std::string& database,
                        const std::string& old_status, const std::string& new_status, const std::string& message) {
    Event e;
    e.id = 1;
    e.kind = kind;
    e.fingerprint = kind + ":" + agent + ":" + database + ":" + new_status;
    e.agent_id = agent;
    e.database_name = database;
    e.expected_hour_utc = 2;
    e.expected_minute_utc = 30;
    e.old_status = old_status;
    e.new_status = new_status;
    e.cycle_expected_at = kCycle;
    e.message = message;
    e.scan_time = kScanTime;
    return e;
}

inline Event failed(const std::string& agent, const std::string& database) {
    return make_event("status_change", agent, database, "ok", "failed", "TRANSFER failed: disk full");
}

inline Event recovered(const std::string& agent, const std::string& database) {
    return make_event("status_change", agent, database, "failed", "ok", "backup succeeded");
}

// Settings as the host hands them over: a JSON object.
inline Config config_from_json(const std::string& json) {
    Config config;
    std::istringstream in(json);
    boost::property_tree::read_json(in, config);
    return config;
}

// A received message split into headers (names in lower case, folded
// lines joined) and body.
struct ParsedEmail {
    std::map<std::string, std::string> headers;
    std::string body;
};

inline ParsedEmail parse_email(const std::string& data) {
    ParsedEmail out;
    std::size_t end = data.find("\r\n\r\n");
    std::string head = data.substr(0, end);
    out.body = end == std::string::npos ? "" : data.substr(end + 4);
    std::string name;
    std::size_t start = 0;
    while (start < head.size()) {
        std::size_t stop = head.find("\r\n", start);
        if (stop == std::string::npos) stop = head.size();
        std::string line = head.substr(start, stop - start);
        start = stop + 2;
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            out.headers[name] += line;
            continue;
        }
        std::size_t colon = line.find(':');
        name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        out.headers[name] = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    }
    return out;
}

}  // namespace vigil::test

#endif  // VIGIL_TESTS_NOTIFIERS_FIXTURES_HPP
