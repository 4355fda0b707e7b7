#include "sql.hpp"

#include <vigil/timestamp.hpp>
#include <vigil/types.hpp>

#include <stdexcept>

namespace vigil::plugins::sql {

std::string Params::add(Value value) {
    values_.push_back(std::move(value));
    return ":p" + std::to_string(values_.size() - 1);
}

std::string Params::text(const std::string& value) {
    Value v;
    v.is_text = true;
    v.text = value;
    return add(std::move(v));
}

std::string Params::text(const std::optional<std::string>& value) {
    Value v;
    v.is_text = true;
    if (value) v.text = *value;
    else v.indicator = soci::i_null;
    return add(std::move(v));
}

std::string Params::integer(long long value) { return integer_or_null(value, false); }

std::string Params::integer(const std::optional<int>& value) { return integer_or_null(value.value_or(0), !value); }

std::string Params::integer_or_null(long long value, bool is_null) {
    Value v;
    v.number = value;
    v.indicator = is_null ? soci::i_null : soci::i_ok;
    return add(std::move(v));
}

std::string Params::time(std::int64_t micros) {
    if (micros == kNoTime) return text(std::nullopt);
    // PostgreSQL reads an explicit offset whatever the session's time zone.
    return text(format_db_time(micros) + (backend_ == Backend::postgresql ? "+00" : ""));
}

void Params::bind(soci::statement& statement) {
    for (Value& v : values_) {
        if (v.is_text) statement.exchange(soci::use(v.text, v.indicator));
        else statement.exchange(soci::use(v.number, v.indicator));
    }
}

void Columns::add(const std::string& column, const std::string& expression, bool is_text) {
    if (!select_list_.empty()) select_list_ += ", ";
    select_list_ += expression;
    Slot s;
    s.is_text = is_text;
    slots_.push_back(std::move(s));
    index_[column] = slots_.size() - 1;
}

void Columns::text(const std::string& column) { add(column, column, true); }

void Columns::integer(const std::string& column) { add(column, column, false); }

void Columns::boolean(const std::string& column) {
    add(column, "CAST(" + column + " AS INTEGER)", false);
}

void Columns::computed(const std::string& name, const std::string& expression) {
    add(name, expression, false);
}

void Columns::time(const std::string& column) {
    if (backend_ == Backend::postgresql) {
        add(column, "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')", true);
    } else {
        add(column, column, true);
    }
}

void Columns::bind(soci::statement& statement) {
    for (Slot& s : slots_) {
        if (s.is_text) statement.exchange(soci::into(s.text, s.indicator));
        else statement.exchange(soci::into(s.number, s.indicator));
    }
}

const Columns::Slot& Columns::slot(const std::string& column) const {
    auto it = index_.find(column);
    if (it == index_.end()) throw std::logic_error("column " + column + " was not selected");
    return slots_[it->second];
}

std::optional<std::string> Columns::get_text(const std::string& column) const {
    const Slot& s = slot(column);
    if (s.indicator == soci::i_null) return std::nullopt;
    return s.text;
}

std::optional<long long> Columns::get_integer(const std::string& column) const {
    const Slot& s = slot(column);
    if (s.indicator == soci::i_null) return std::nullopt;
    return s.number;
}

std::int64_t Columns::get_time(const std::string& column) const {
    std::optional<std::string> text = get_text(column);
    if (!text) return kNoTime;
    std::optional<std::int64_t> micros = parse_timestamp(*text);
    if (!micros) throw std::runtime_error("column " + column + " holds an unreadable time '" + *text + "'");
    return *micros;
}

long long execute(soci::session& session, const std::string& sql, Params& params) {
    soci::statement st(session);
    params.bind(st);
    st.alloc();
    st.prepare(sql, soci::details::st_one_time_query);
    st.define_and_bind();
    st.execute(true);
    return st.get_affected_rows();
}

void query(soci::session& session, const std::string& sql, Params& params, Columns& columns,
           const std::function<void()>& on_row) {
    soci::statement st(session);
    params.bind(st);
    columns.bind(st);
    st.alloc();
    st.prepare(sql, soci::details::st_one_time_query);
    st.define_and_bind();
    if (!st.execute(true)) return;
    do {
        on_row();
    } while (st.fetch());
}

long long insert_returning_id(soci::session& session, Backend backend, const std::string& table,
                              const Assignments& row, Params& params) {
    Columns returned(backend);
    returned.integer("id");
    long long id = 0;
    query(session, "INSERT INTO " + table + " (" + row.columns() + ") VALUES " + row.values() + " RETURNING id",
          params, returned, [&] { id = *returned.get_integer("id"); });
    return id;
}

void Assignments::set(const std::string& column, const std::string& placeholder) {
    columns_.push_back(column);
    placeholders_.push_back(placeholder);
}

std::string Assignments::columns() const { return join(columns_); }

std::string Assignments::values() const { return "(" + join(placeholders_) + ")"; }

std::string Assignments::assignments() const {
    std::vector<std::string> items;
    for (std::size_t i = 0; i < columns_.size(); ++i) items.push_back(columns_[i] + " = " + placeholders_[i]);
    return join(items);
}

std::string join(const std::vector<std::string>& items, const char* separator) {
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

std::optional<int> small_integer(const std::optional<long long>& value) {
    if (!value) return std::nullopt;
    return static_cast<int>(*value);
}

}  // namespace vigil::plugins::sql
