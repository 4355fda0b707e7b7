#include "json_rows.hpp"

namespace vigil::plugins::sql {

namespace {

constexpr const char* kNull = "null";

}  // namespace

void JsonRows::next_row() {
    text_ += rows_ == 0 ? "[{\"" : "},{\"";
    text_ += kPosition;
    text_ += "\":";
    text_ += std::to_string(rows_);
    ++rows_;
}

void JsonRows::add(const std::string& column, const char* type, bool kept, const std::string& value) {
    if (rows_ == 1) columns_.push_back(Column{column, type, kept});
    // The key names the column without SQL's quotes; column names are
    // the storage's own identifiers, which need no escaping.
    text_ += ",\"";
    for (char c : column) {
        if (c != '"') text_ += c;
    }
    text_ += "\":";
    text_ += value;
}

void JsonRows::text(const std::string& column, const std::optional<std::string>& value) {
    // nlohmann escapes the string, and throws when it is not UTF-8.
    add(column, "text", false, value ? nlohmann::json(*value).dump() : kNull);
}

void JsonRows::integer(const std::string& column, long long value, bool is_null) {
    add(column, "bigint", false, is_null ? kNull : std::to_string(value));
}

void JsonRows::boolean(const std::string& column, long long value, bool is_null) {
    add(column, "boolean", false, is_null ? kNull : value != 0 ? "true" : "false");
}

void JsonRows::time(const std::string& column, std::int64_t micros) {
    // A timestamp's text is digits and ASCII punctuation: quoted as it is.
    const std::optional<std::string> text = time_text(micros, Backend::postgresql);
    add(column, "timestamptz", false, text ? "\"" + *text + "\"" : kNull);
}

void JsonRows::time_or_kept(const std::string& column, std::int64_t micros) {
    time(column, micros);
    if (rows_ == 1) columns_.back().kept = true;
}

std::string JsonRows::definitions() const {
    std::vector<std::string> items;
    for (const Column& c : columns_) items.push_back(c.name + " " + c.type);
    items.push_back(std::string(kPosition) + " bigint");
    return join(items);
}

std::string JsonRows::columns() const {
    std::vector<std::string> items;
    for (const Column& c : columns_) items.push_back(c.name);
    return join(items);
}

std::string JsonRows::assignments(const std::string& source, const std::string& target) const {
    std::vector<std::string> items;
    for (const Column& c : columns_) {
        const std::string value = source + "." + c.name;
        items.push_back(c.name + " = " + (c.kept ? "COALESCE(" + value + ", " + target + "." + c.name + ")" : value));
    }
    return join(items);
}

}  // namespace vigil::plugins::sql
