#include "json_rows.hpp"

namespace vigil::plugins::sql {

namespace {

// A JSON key names the column without SQL's quotes.
std::string key_of(const std::string& column) {
    std::string key;
    for (char c : column) {
        if (c != '"') key += c;
    }
    return key;
}

}  // namespace

void JsonRows::next_row() {
    nlohmann::json row = nlohmann::json::object();
    row[kPosition] = rows_.size();
    rows_.push_back(std::move(row));
}

void JsonRows::add(const std::string& column, const char* type, bool kept, nlohmann::json value) {
    if (rows_.size() == 1) columns_.push_back(Column{column, type, kept});
    rows_.back()[key_of(column)] = std::move(value);
}

void JsonRows::text(const std::string& column, const std::optional<std::string>& value) {
    add(column, "text", false, value ? nlohmann::json(*value) : nlohmann::json());
}

void JsonRows::integer(const std::string& column, long long value, bool is_null) {
    add(column, "bigint", false, is_null ? nlohmann::json() : nlohmann::json(value));
}

void JsonRows::boolean(const std::string& column, long long value, bool is_null) {
    add(column, "boolean", false, is_null ? nlohmann::json() : nlohmann::json(value != 0));
}

void JsonRows::time(const std::string& column, std::int64_t micros) {
    const std::optional<std::string> text = time_text(micros, Backend::postgresql);
    add(column, "timestamptz", false, text ? nlohmann::json(*text) : nlohmann::json());
}

void JsonRows::time_or_kept(const std::string& column, std::int64_t micros) {
    time(column, micros);
    if (rows_.size() == 1) columns_.back().kept = true;
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
