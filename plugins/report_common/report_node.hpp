// A JSON object of a report together with its dotted path, so that every
// refusal names the field it is about, and the readers the report sources
// share on top of it. Every refusal is a vigil::InvalidInput
// `field "<path>": <why>`.
#ifndef VIGIL_PLUGINS_REPORT_NODE_HPP
#define VIGIL_PLUGINS_REPORT_NODE_HPP

#include <vigil/types.hpp>

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::plugins {

// Throws vigil::InvalidInput `field "<path>": <why>`.
[[noreturn]] void refuse(const std::string& path, const std::string& why);

// The plugin ABI passes strings NUL-terminated: a NUL inside a value would
// silently shorten what the host sees, so such values are refused (or, for
// optional ones, taken as absent).
bool contains_nul(std::string_view text);

// `"<text>"`, log-safe (see log_safe), for quoting agent-written values.
std::string in_quotes(std::string_view text);

class ReportNode {
public:
    ReportNode(simdjson::dom::object fields, std::string path);

    // The dotted path of a child key (log-safe).
    std::string path_of(std::string_view key) const;
    const std::string& path() const { return path_; }
    simdjson::dom::object fields() const { return fields_; }
    bool has(std::string_view key) const;

    // The value of `key`, if present. A key written twice is refused: JSON
    // parsers disagree on which one counts, so the report would mean
    // different things to different readers.
    std::optional<simdjson::dom::element> find(std::string_view key) const;

    // A required value of the given JSON type (`expected` names it in the
    // refusal: "an object").
    simdjson::dom::element need(std::string_view key, simdjson::dom::element_type type,
                                const char* expected) const;
    ReportNode need_object(std::string_view key) const;
    bool need_bool(std::string_view key) const;
    // Refused when it contains a NUL.
    std::string need_string(std::string_view key) const;
    // An ISO-8601 timestamp as vigil::parse_report_timestamp reads it: one
    // that does not parse or lies outside 1970..9999 (UTC) is refused.
    std::int64_t need_time(std::string_view key) const;

    // Optional values that are present but unusable count as absent: the
    // host then blames the one database concerned ("checksum absent")
    // instead of the whole report being thrown away.
    std::optional<std::string> maybe_string(std::string_view key) const;
    // Unlike the other optional values, a timestamp that is present and not
    // null must be usable: one that does not parse, or lies outside the span
    // a database can store, makes the report invalid.
    std::int64_t maybe_time(std::string_view key) const;
    // A byte count is a non-negative JSON integer: 4e2 or 400.0 are not how
    // an agent writes one, and values past int64 cannot be a file's size.
    std::int64_t maybe_size(std::string_view key) const;

private:
    std::int64_t checked_time(std::string_view text, std::string_view key) const;

    simdjson::dom::object fields_;
    std::string path_;
};

// Reads the `databases` object in file order: a name written twice or
// holding a NUL, or an entry that is not an object, is refused; each block
// is read by read_block(name, block).
std::vector<DatabaseReport> read_databases(
    const ReportNode& databases,
    const std::function<DatabaseReport(std::string_view name, const ReportNode& block)>& read_block);

// Declines (vigil::Declined "not a <source> report: none of <keys> is
// present") a non-empty object that has none of the layout's own top-level
// keys: some unrelated format, for the next source to read.
void decline_unless_any_key(const ReportNode& top, std::string_view source,
                            std::initializer_list<std::string_view> own_keys);

// Refuses an overall status other than "completed" or "failed_globally".
void check_overall_status(const std::string& overall_status);

}  // namespace vigil::plugins

#endif  // VIGIL_PLUGINS_REPORT_NODE_HPP
