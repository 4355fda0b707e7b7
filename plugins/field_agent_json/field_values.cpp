#include "field_values.hpp"

#include "report_text.hpp"

#include <vigil/timestamp.hpp>

#include <charconv>

namespace vigil::plugins {

using simdjson::dom::element;
using simdjson::dom::element_type;

namespace {

constexpr const char* kOutOfRange = " is out of range for a size (at most 9223372036854775807)";

// The value of an optional key, or nullopt when it is absent, null or "null".
std::optional<element> present(const ReportNode& node, std::string_view key) {
    std::optional<element> value = node.find(key);
    if (!value || value->type() == element_type::NULL_VALUE) return std::nullopt;
    if (value->type() == element_type::STRING && value->get_string().value_unsafe() == "null") return std::nullopt;
    return value;
}

// The text of a string value; anything else, or a NUL inside, is refused.
std::string_view text_of(element value, const std::string& path) {
    if (value.type() != element_type::STRING) {
        refuse(path, std::string("expected a string, found ") + json_type_name(value.type()));
    }
    std::string_view text = value.get_string().value_unsafe();
    if (contains_nul(text)) refuse(path, "contains a NUL character");
    return text;
}

// Naive: nothing after the seconds and their fraction (no Z, no offset).
bool is_naive(std::string_view timestamp) {
    constexpr std::size_t kSecondsEnd = 19;  // "YYYY-MM-DD HH:MM:SS"
    return timestamp.find_first_of("Zz+-", kSecondsEnd) == std::string_view::npos;
}

std::int64_t agent_time(element value, const std::string& path, const LocalZone& zone) {
    const std::string_view text = text_of(value, path);
    std::optional<std::int64_t> micros = parse_timestamp(text);
    if (!micros) {
        refuse(path, in_quotes(text) +
                         " is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff] in the agent's local time, or "
                         "ISO-8601 with Z or an offset)");
    }
    const std::int64_t utc = is_naive(text) ? zone.to_utc(*micros) : *micros;
    if (!in_report_range(utc)) {
        refuse(path, in_quotes(text) + " is outside 1970-01-01T00:00:00Z..9999-12-31T23:59:59Z once in UTC");
    }
    return utc;
}

std::string shown(element value) {
    if (value.type() == element_type::STRING) return in_quotes(value.get_string().value_unsafe());
    return json_type_name(value.type());
}

std::int64_t digits_size(std::string_view text, const std::string& path) {
    const bool digits_only =
        !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
    if (!digits_only) refuse(path, in_quotes(text) + " is not a size: expected decimal digits only");
    std::int64_t size = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), size);
    if (error != std::errc() || end != text.data() + text.size()) {
        refuse(path, in_quotes(text) + kOutOfRange);
    }
    return size;
}

}  // namespace

std::int64_t need_agent_time(const ReportNode& node, std::string_view key, const LocalZone& zone) {
    std::optional<element> value = node.find(key);
    if (!value) refuse(node.path_of(key), "required field is missing");
    return agent_time(*value, node.path_of(key), zone);
}

std::int64_t maybe_agent_time(const ReportNode& node, std::string_view key, const LocalZone& zone) {
    std::optional<element> value = present(node, key);
    return value ? agent_time(*value, node.path_of(key), zone) : kNoTime;
}

bool need_agent_status(const ReportNode& node, std::string_view key) {
    std::optional<element> value = node.find(key);
    const std::string path = node.path_of(key);
    if (!value) refuse(path, "required field is missing");
    if (value->type() == element_type::BOOL) return value->get_bool().value_unsafe();
    if (value->type() == element_type::STRING) {
        const std::string_view text = value->get_string().value_unsafe();
        if (text == "True") return true;
        if (text == "False") return false;
    }
    refuse(path, "expected true, false, \"True\" or \"False\", found " + shown(*value));
}

std::int64_t maybe_agent_size(const ReportNode& node, std::string_view key) {
    std::optional<element> value = present(node, key);
    if (!value) return kNoSize;
    const std::string path = node.path_of(key);
    switch (value->type()) {
        case element_type::INT64: {
            const std::int64_t size = value->get_int64().value_unsafe();
            if (size < 0) refuse(path, std::to_string(size) + " is not a size: negative");
            return size;
        }
        case element_type::UINT64:
            refuse(path, std::to_string(value->get_uint64().value_unsafe()) + kOutOfRange);
        case element_type::STRING:
            return digits_size(text_of(*value, path), path);
        default:
            refuse(path, "expected a whole number of bytes or a string of decimal digits, found " + shown(*value));
    }
}

std::optional<std::string> maybe_agent_string(const ReportNode& node, std::string_view key) {
    std::optional<element> value = present(node, key);
    if (!value) return std::nullopt;
    return std::string(text_of(*value, node.path_of(key)));
}

}  // namespace vigil::plugins
