#include "status_json_source.hpp"

#include "report_text.hpp"

#include <vigil/timestamp.hpp>

#include <simdjson.h>

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>

namespace vigil::plugins {

struct StatusJsonSource::Parser {
    simdjson::dom::parser dom;
};

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr std::string_view kRequired[] = {"operation_start_time", "operation_end_time", "agent_id",
                                          "overall_status", "databases"};

std::string in_quotes(std::string_view text) { return '"' + log_safe(text) + '"'; }

std::string child(const std::string& parent, std::string_view key) {
    return parent.empty() ? log_safe(key) : parent + '.' + log_safe(key);
}

[[noreturn]] void invalid(const std::string& path, const std::string& reason) {
    throw InvalidInput("field \"" + path + "\": " + reason);
}

void expect_type(element value, element_type type, const char* expected, const std::string& path) {
    if (value.type() != type) invalid(path, std::string("expected ") + expected + ", found " + json_type_name(value.type()));
}

// The value of `key`, if present. A key written twice is refused: JSON
// parsers disagree on which one wins, so the report would be ambiguous.
std::optional<element> member(object parent, std::string_view key, const std::string& path) {
    std::optional<element> found;
    for (auto field : parent) {
        if (field.key != key) continue;
        if (found) invalid(path, "appears more than once");
        found = field.value;
    }
    return found;
}

element required(object parent, std::string_view key, const std::string& parent_path) {
    std::string path = child(parent_path, key);
    std::optional<element> value = member(parent, key, path);
    if (!value) invalid(path, "required field is missing");
    return *value;
}

object required_object(object parent, std::string_view key, const std::string& parent_path) {
    element value = required(parent, key, parent_path);
    expect_type(value, element_type::OBJECT, "an object", child(parent_path, key));
    return value.get_object().value_unsafe();
}

bool required_bool(object parent, std::string_view key, const std::string& parent_path) {
    element value = required(parent, key, parent_path);
    expect_type(value, element_type::BOOL, "a boolean", child(parent_path, key));
    return value.get_bool().value_unsafe();
}

// The ABI hands strings over NUL-terminated: a NUL inside would silently cut
// the value the host sees (a file name, an agent id), so it is refused.
std::string required_string(object parent, std::string_view key, const std::string& parent_path) {
    std::string path = child(parent_path, key);
    element value = required(parent, key, parent_path);
    expect_type(value, element_type::STRING, "a string", path);
    std::string_view text = value.get_string().value_unsafe();
    if (text.find('\0') != std::string_view::npos) invalid(path, "contains a NUL character");
    return std::string(text);
}

// A timestamp must parse and lie in the span every database can store.
std::int64_t checked_time(std::string_view text, const std::string& path) {
    std::string why;
    std::optional<std::int64_t> micros = parse_report_timestamp(text, &why);
    if (!micros) invalid(path, in_quotes(text) + " " + why);
    return *micros;
}

std::int64_t required_time(object parent, std::string_view key, const std::string& parent_path) {
    return checked_time(required_string(parent, key, parent_path), child(parent_path, key));
}

// Optional fields that are present but unusable count as absent rather than
// invalidating the whole report: the host then reports what is missing
// (e.g. "checksum absent") against the one database concerned.
std::optional<std::string> optional_string(object parent, std::string_view key, const std::string& parent_path) {
    std::optional<element> value = member(parent, key, child(parent_path, key));
    if (!value || value->type() != element_type::STRING) return std::nullopt;
    std::string_view text = value->get_string().value_unsafe();
    if (text.find('\0') != std::string_view::npos) return std::nullopt;
    return std::string(text);
}

// Unlike the other optional fields, a timestamp that is present and not
// null must be usable: one that does not parse, or lies outside the span a
// database can store, makes the report invalid.
std::int64_t optional_time(object parent, std::string_view key, const std::string& parent_path) {
    std::string path = child(parent_path, key);
    std::optional<element> value = member(parent, key, path);
    if (!value || value->type() == element_type::NULL_VALUE) return kNoTime;
    expect_type(*value, element_type::STRING, "a timestamp string", path);
    return checked_time(value->get_string().value_unsafe(), path);
}

// Only a JSON integer counts: 1.0 or 1e3 are not how an agent writes a byte
// count, and UINT64 values beyond int64 cannot be a real file size.
std::int64_t optional_size(object parent, std::string_view key, const std::string& parent_path) {
    std::optional<element> value = member(parent, key, child(parent_path, key));
    if (!value || value->type() != element_type::INT64) return kNoSize;
    std::int64_t size = value->get_int64().value_unsafe();
    return size >= 0 ? size : kNoSize;
}

Phase parse_phase(object block, std::string_view name, const std::string& block_path) {
    std::string path = child(block_path, name);
    object fields = required_object(block, name, block_path);
    Phase phase;
    phase.status = required_bool(fields, "status", path);
    phase.start_time = optional_time(fields, "start_time", path);
    phase.end_time = optional_time(fields, "end_time", path);
    phase.sha256_checksum = optional_string(fields, "sha256_checksum", path);
    phase.size = optional_size(fields, "size", path);
    phase.error_message = optional_string(fields, "error_message", path);
    return phase;
}

DatabaseReport parse_database(std::string_view name, element value, const std::string& path) {
    if (name.find('\0') != std::string_view::npos) invalid(path, "database name contains a NUL character");
    expect_type(value, element_type::OBJECT, "an object", path);
    object block = value.get_object().value_unsafe();
    DatabaseReport db;
    db.database_name = std::string(name);
    db.staged_file_name = required_string(block, "staged_file_name", path);
    db.backup = parse_phase(block, "BACKUP", path);
    db.compress = parse_phase(block, "COMPRESS", path);
    db.transfer = parse_phase(block, "TRANSFER", path);
    db.logs_summary = optional_string(block, "logs_summary", path);
    return db;
}

bool has_key(object parent, std::string_view key) {
    for (auto field : parent) {
        if (field.key == key) return true;
    }
    return false;
}

// A JSON object that shares nothing with this layout, or that dates its
// operation with the older single `operation_timestamp`, belongs to another
// source; declining lets the host ask it.
void decline_other_layouts(object top) {
    bool any_required = false;
    for (std::string_view key : kRequired) any_required = any_required || has_key(top, key);
    if (!any_required && top.size() > 0) {
        throw Declined(
            "not a status_json report: none of operation_start_time, operation_end_time, agent_id, "
            "overall_status, databases is present");
    }
    if (has_key(top, "operation_timestamp") && !has_key(top, "operation_start_time") &&
        !has_key(top, "operation_end_time")) {
        throw Declined(
            "not a status_json report: it has operation_timestamp instead of "
            "operation_start_time/operation_end_time (another report layout)");
    }
}

}  // namespace

StatusJsonSource::StatusJsonSource() : parser_(std::make_unique<Parser>()) {}
StatusJsonSource::~StatusJsonSource() = default;

bool StatusJsonSource::recognizes(std::string_view name) { return is_report_name(name); }

Report StatusJsonSource::parse(std::string_view, std::string_view bytes) {
    object top = parse_report_object(parser_->dom, bytes);
    decline_other_layouts(top);

    Report report;
    report.operation_start_time = required_time(top, "operation_start_time", "");
    report.operation_end_time = required_time(top, "operation_end_time", "");
    report.agent_id = required_string(top, "agent_id", "");
    report.overall_status = required_string(top, "overall_status", "");
    if (report.overall_status != "completed" && report.overall_status != "failed_globally") {
        invalid("overall_status",
                "expected \"completed\" or \"failed_globally\", found " + in_quotes(report.overall_status));
    }
    object databases = required_object(top, "databases", "");
    std::unordered_set<std::string_view> names;  // views into the parser's document
    for (auto field : databases) {
        std::string path = child("databases", field.key);
        if (!names.insert(field.key).second) invalid(path, "appears more than once");
        report.databases.push_back(parse_database(field.key, field.value, path));
    }
    return report;
}

}  // namespace vigil::plugins
