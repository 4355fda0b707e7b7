#include "status_json_v1_source.hpp"

#include "report_text.hpp"

#include <vigil/timestamp.hpp>

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>

namespace vigil::plugins {

struct StatusJsonV1Source::Parser {
    simdjson::dom::parser dom;
};

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;


// The top-level keys of this layout: a non-empty object with none of them
// is some unrelated format.
constexpr std::string_view kOwnKeys[] = {"operation_timestamp", "agent_id", "overall_status", "databases"};
// Keys only the current layout has: their presence means status_json's file.
constexpr std::string_view kCurrentLayoutKeys[] = {"operation_start_time", "operation_end_time"};

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
    throw InvalidInput("field \"" + path + "\": " + why);
}

bool contains_nul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

// A JSON object together with its dotted path in the report, so that every
// refusal names the field it is about.
class Node {
public:
    Node(object fields, std::string path) : fields_(fields), path_(std::move(path)) {}

    std::string path_of(std::string_view key) const {
        return path_.empty() ? log_safe(key) : path_ + '.' + log_safe(key);
    }

    bool has(std::string_view key) const {
        for (auto field : fields_) {
            if (field.key == key) return true;
        }
        return false;
    }

    // A key written twice is refused: JSON parsers disagree on which one
    // counts, so the report would mean different things to different readers.
    std::optional<element> find(std::string_view key) const {
        std::optional<element> value;
        for (auto field : fields_) {
            if (field.key != key) continue;
            if (value) refuse(path_of(key), "appears more than once");
            value = field.value;
        }
        return value;
    }

    element need(std::string_view key, element_type type, const char* expected) const {
        std::optional<element> value = find(key);
        if (!value) refuse(path_of(key), "required field is missing");
        if (value->type() != type) refuse(path_of(key), std::string("expected ") + expected + ", found " + json_type_name(value->type()));
        return *value;
    }

    Node need_object(std::string_view key) const {
        return Node(need(key, element_type::OBJECT, "an object").get_object().value_unsafe(), path_of(key));
    }

    bool need_bool(std::string_view key) const {
        return need(key, element_type::BOOL, "a boolean").get_bool().value_unsafe();
    }

    // The ABI passes strings NUL-terminated: a NUL inside would silently
    // shorten what the host sees.
    std::string need_string(std::string_view key) const {
        std::string_view text = need(key, element_type::STRING, "a string").get_string().value_unsafe();
        if (contains_nul(text)) refuse(path_of(key), "contains a NUL character");
        return std::string(text);
    }

    std::int64_t need_time(std::string_view key) const { return checked_time(need_string(key), key); }

    // Optional values that are present but unusable count as absent: the
    // host then blames the one database concerned ("checksum absent")
    // instead of the whole report being thrown away.
    std::optional<std::string> maybe_string(std::string_view key) const {
        std::optional<element> value = find(key);
        if (!value || value->type() != element_type::STRING) return std::nullopt;
        std::string_view text = value->get_string().value_unsafe();
        if (contains_nul(text)) return std::nullopt;
        return std::string(text);
    }

    // Unlike the other optional values, a timestamp that is present and not
    // null must be usable: one that does not parse, or lies outside the span
    // a database can store, makes the report invalid.
    std::int64_t maybe_time(std::string_view key) const {
        std::optional<element> value = find(key);
        if (!value || value->type() == element_type::NULL_VALUE) return kNoTime;
        if (value->type() != element_type::STRING) {
            refuse(path_of(key), std::string("expected a timestamp string, found ") + json_type_name(value->type()));
        }
        return checked_time(value->get_string().value_unsafe(), key);
    }

    // A byte count is a JSON integer: 4e2 or 400.0 are not how an agent
    // writes one, and values past int64 cannot be a file's size.
    std::int64_t maybe_size(std::string_view key) const {
        std::optional<element> value = find(key);
        if (!value || value->type() != element_type::INT64) return kNoSize;
        const std::int64_t size = value->get_int64().value_unsafe();
        return size >= 0 ? size : kNoSize;
    }

    object fields() const { return fields_; }

private:
    // A timestamp must parse and lie in the span every database can store.
    std::int64_t checked_time(std::string_view text, std::string_view key) const {
        std::string why;
        std::optional<std::int64_t> micros = parse_report_timestamp(text, &why);
        if (!micros) refuse(path_of(key), '"' + log_safe(text) + "\" " + why);
        return *micros;
    }

    object fields_;
    std::string path_;
};

// A v1 phase block: `status`, `timestamp` (when the phase ended) and, for
// compress_process, the staged file's checksum and size.
Phase read_process(const Node& block, std::string_view key, bool describes_staged_file) {
    const Node process = block.need_object(key);
    Phase phase;
    phase.status = process.need_bool("status");
    phase.end_time = process.maybe_time("timestamp");
    if (describes_staged_file) {
        phase.sha256_checksum = process.maybe_string("sha256_checksum");
        phase.size = process.maybe_size("size_bytes");
    }
    return phase;
}

DatabaseReport read_database(std::string_view name, element value, const std::string& path) {
    if (contains_nul(name)) refuse(path, "database name contains a NUL character");
    if (value.type() != element_type::OBJECT) refuse(path, std::string("expected an object, found ") + json_type_name(value.type()));
    const Node block(value.get_object().value_unsafe(), path);
    DatabaseReport db;
    db.database_name = std::string(name);
    // Absent means the agent's fixed naming; present, it must be usable: a
    // silently substituted name could verify some other file.
    db.staged_file_name = block.find("staged_file_name") ? block.need_string("staged_file_name")
                                                         : db.database_name + ".sql.gz";
    db.backup = read_process(block, "backup_process", false);
    db.compress = read_process(block, "compress_process", true);
    db.transfer = read_process(block, "transfer_process", false);
    return db;
}

// The layout has no start time: the operation cannot have started after its
// first phase ended, nor after it ended.
std::int64_t earliest_time(const Report& report) {
    std::int64_t earliest = report.operation_end_time;
    for (const DatabaseReport& db : report.databases) {
        for (const Phase* phase : {&db.backup, &db.compress, &db.transfer}) {
            if (phase->end_time != kNoTime) earliest = std::min(earliest, phase->end_time);
        }
    }
    return earliest;
}

void decline_other_layouts(const Node& top) {
    for (std::string_view key : kCurrentLayoutKeys) {
        if (top.has(key)) {
            throw Declined("not a status_json_v1 report: it has " + std::string(key) +
                           " (the current layout, read by status_json)");
        }
    }
    const bool any_own_key =
        std::any_of(std::begin(kOwnKeys), std::end(kOwnKeys), [&](std::string_view key) { return top.has(key); });
    if (!any_own_key && top.fields().size() > 0) {
        throw Declined(
            "not a status_json_v1 report: none of operation_timestamp, agent_id, overall_status, databases is "
            "present");
    }
}

}  // namespace

StatusJsonV1Source::StatusJsonV1Source() : parser_(std::make_unique<Parser>()) {}
StatusJsonV1Source::~StatusJsonV1Source() = default;

bool StatusJsonV1Source::recognizes(std::string_view name) { return is_report_name(name); }

Report StatusJsonV1Source::parse(std::string_view, std::string_view bytes) {
    const Node top(parse_report_object(parser_->dom, bytes), "");
    decline_other_layouts(top);

    Report report;
    report.operation_end_time = top.need_time("operation_timestamp");
    report.agent_id = top.need_string("agent_id");
    report.overall_status = top.need_string("overall_status");
    if (report.overall_status != "completed" && report.overall_status != "failed_globally") {
        refuse("overall_status",
               "expected \"completed\" or \"failed_globally\", found \"" + log_safe(report.overall_status) + '"');
    }
    const Node databases = top.need_object("databases");
    std::unordered_set<std::string_view> seen;  // views into the parser's document
    for (auto field : databases.fields()) {
        const std::string path = databases.path_of(field.key);
        if (!seen.insert(field.key).second) refuse(path, "appears more than once");
        report.databases.push_back(read_database(field.key, field.value, path));
    }
    report.operation_start_time = earliest_time(report);
    return report;
}

}  // namespace vigil::plugins
