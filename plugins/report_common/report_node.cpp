#include "report_node.hpp"

#include "report_text.hpp"

#include <vigil/plugin.hpp>
#include <vigil/timestamp.hpp>

#include <unordered_set>
#include <utility>

namespace vigil::plugins {

using simdjson::dom::element;
using simdjson::dom::element_type;

void refuse(const std::string& path, const std::string& why) {
    throw InvalidInput("field \"" + path + "\": " + why);
}

bool contains_nul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

std::string in_quotes(std::string_view text) { return '"' + log_safe(text) + '"'; }

ReportNode::ReportNode(simdjson::dom::object fields, std::string path) : fields_(fields), path_(std::move(path)) {}

std::string ReportNode::path_of(std::string_view key) const {
    return path_.empty() ? log_safe(key) : path_ + '.' + log_safe(key);
}

bool ReportNode::has(std::string_view key) const {
    for (auto field : fields_) {
        if (field.key == key) return true;
    }
    return false;
}

std::optional<element> ReportNode::find(std::string_view key) const {
    std::optional<element> value;
    for (auto field : fields_) {
        if (field.key != key) continue;
        if (value) refuse(path_of(key), "appears more than once");
        value = field.value;
    }
    return value;
}

element ReportNode::need(std::string_view key, element_type type, const char* expected) const {
    std::optional<element> value = find(key);
    if (!value) refuse(path_of(key), "required field is missing");
    if (value->type() != type) {
        refuse(path_of(key), std::string("expected ") + expected + ", found " + json_type_name(value->type()));
    }
    return *value;
}

ReportNode ReportNode::need_object(std::string_view key) const {
    return ReportNode(need(key, element_type::OBJECT, "an object").get_object().value_unsafe(), path_of(key));
}

bool ReportNode::need_bool(std::string_view key) const {
    return need(key, element_type::BOOL, "a boolean").get_bool().value_unsafe();
}

std::string ReportNode::need_string(std::string_view key) const {
    std::string_view text = need(key, element_type::STRING, "a string").get_string().value_unsafe();
    if (contains_nul(text)) refuse(path_of(key), "contains a NUL character");
    return std::string(text);
}

// A timestamp must parse and lie in the span every database can store.
std::int64_t ReportNode::checked_time(std::string_view text, std::string_view key) const {
    std::string why;
    std::optional<std::int64_t> micros = parse_report_timestamp(text, &why);
    if (!micros) refuse(path_of(key), in_quotes(text) + " " + why);
    return *micros;
}

std::int64_t ReportNode::need_time(std::string_view key) const { return checked_time(need_string(key), key); }

std::optional<std::string> ReportNode::maybe_string(std::string_view key) const {
    std::optional<element> value = find(key);
    if (!value || value->type() != element_type::STRING) return std::nullopt;
    std::string_view text = value->get_string().value_unsafe();
    if (contains_nul(text)) return std::nullopt;
    return std::string(text);
}

std::int64_t ReportNode::maybe_time(std::string_view key) const {
    std::optional<element> value = find(key);
    if (!value || value->type() == element_type::NULL_VALUE) return kNoTime;
    if (value->type() != element_type::STRING) {
        refuse(path_of(key), std::string("expected a timestamp string, found ") + json_type_name(value->type()));
    }
    return checked_time(value->get_string().value_unsafe(), key);
}

std::int64_t ReportNode::maybe_size(std::string_view key) const {
    std::optional<element> value = find(key);
    if (!value || value->type() != element_type::INT64) return kNoSize;
    const std::int64_t size = value->get_int64().value_unsafe();
    return size >= 0 ? size : kNoSize;
}

std::vector<DatabaseReport> read_databases(
    const ReportNode& databases,
    const std::function<DatabaseReport(std::string_view name, const ReportNode& block)>& read_block) {
    std::vector<DatabaseReport> out;
    std::unordered_set<std::string_view> seen;  // views into the parser's document
    for (auto field : databases.fields()) {
        const std::string path = databases.path_of(field.key);
        if (!seen.insert(field.key).second) refuse(path, "appears more than once");
        if (contains_nul(field.key)) refuse(path, "database name contains a NUL character");
        if (field.value.type() != element_type::OBJECT) {
            refuse(path, std::string("expected an object, found ") + json_type_name(field.value.type()));
        }
        out.push_back(read_block(field.key, ReportNode(field.value.get_object().value_unsafe(), path)));
    }
    return out;
}

void decline_unless_any_key(const ReportNode& top, std::string_view source,
                            std::initializer_list<std::string_view> own_keys) {
    if (top.fields().size() == 0) return;
    std::string names;
    for (std::string_view key : own_keys) {
        if (top.has(key)) return;
        names += (names.empty() ? "" : ", ") + std::string(key);
    }
    throw Declined("not a " + std::string(source) + " report: none of " + names + " is present");
}

void check_overall_status(const std::string& overall_status) {
    if (overall_status != "completed" && overall_status != "failed_globally") {
        refuse("overall_status", "expected \"completed\" or \"failed_globally\", found " + in_quotes(overall_status));
    }
}

}  // namespace vigil::plugins
