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

std::optional<std::string> time_text(std::int64_t micros, Backend backend) {
    if (micros == kNoTime) return std::nullopt;
    // PostgreSQL reads an explicit offset whatever the session's time zone.
    return format_db_time(micros) + (backend == Backend::postgresql ? "+00" : "");
}

std::string Params::time(std::int64_t micros) { return text(time_text(micros, backend_)); }

void Params::bind(soci::statement& statement) {
    for (Value& v : values_) {
        if (v.is_text) statement.exchange(soci::use(v.text, v.indicator));
        else statement.exchange(soci::use(v.number, v.indicator));
    }
}

bool Params::same_shape(const Params& other) const {
    if (values_.size() != other.values_.size()) return false;
    for (std::size_t i = 0; i < values_.size(); ++i) {
        if (values_[i].is_text != other.values_[i].is_text) return false;
    }
    return true;
}

void Params::assign(const Params& other) {
    for (std::size_t i = 0; i < values_.size(); ++i) {
        Value& v = values_[i];
        const Value& o = other.values_[i];
        v.text = o.text;
        v.number = o.number;
        v.indicator = o.indicator;
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

void Columns::take_row(const Columns& other) {
    for (std::size_t i = 0; i < slots_.size() && i < other.slots_.size(); ++i) {
        slots_[i].text = other.slots_[i].text;
        slots_[i].number = other.slots_[i].number;
        slots_[i].indicator = other.slots_[i].indicator;
    }
}

namespace {

// Statements kept at most per session: the hot path uses a handful; a text
// that varies with its data would otherwise grow the cache without end.
constexpr std::size_t kMaxPrepared = 64;

std::string insert_returning_id_sql(const std::string& table, const Assignments& row) {
    return "INSERT INTO " + table + " (" + row.columns() + ") VALUES " + row.values() + " RETURNING id";
}

}  // namespace

long long execute(soci::session& session, const std::string& sql, Params& params) {
    soci::statement st(session);
    params.bind(st);
    st.alloc();
    st.prepare(sql, soci::details::st_one_time_query);
    st.define_and_bind();
    st.execute(true);
    return st.get_affected_rows();
}

void lock_until_transaction_end(soci::session& session, const char* key) {
    std::string ignored;
    soci::indicator indicator;
    session << std::string("SELECT CAST(pg_advisory_xact_lock(") + key + ") AS TEXT)", soci::into(ignored, indicator);
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
    query(session, insert_returning_id_sql(table, row), params, returned, [&] { id = *returned.get_integer("id"); });
    return id;
}

PreparedStatements::Prepared& PreparedStatements::bound(const std::string& sql, const Params& params,
                                                        const Columns* columns) {
    auto it = statements_.find(sql);
    if (it != statements_.end() && it->second->params.same_shape(params)) {
        it->second->params.assign(params);
        return *it->second;
    }
    if (statements_.size() >= kMaxPrepared) statements_.clear();
    auto prepared = std::make_unique<Prepared>(params, columns ? *columns : Columns(Backend::sqlite3));
    prepared->statement = std::make_unique<soci::statement>(session_);
    soci::statement& st = *prepared->statement;
    prepared->params.bind(st);
    if (columns) prepared->columns.bind(st);
    st.alloc();
    st.prepare(sql, soci::details::st_repeatable_query);
    st.define_and_bind();
    Prepared& result = *prepared;
    statements_.insert_or_assign(sql, std::move(prepared));
    return result;
}

long long PreparedStatements::execute(const std::string& sql, Params& params) {
    try {
        Prepared& p = bound(sql, params, nullptr);
        p.statement->execute(true);
        return p.statement->get_affected_rows();
    } catch (const soci::soci_error&) {
        // Prepared again next time rather than reused in whatever state the failure left.
        statements_.erase(sql);
        throw;
    }
}

void PreparedStatements::query(const std::string& sql, Params& params, Columns& columns,
                               const std::function<void()>& on_row) {
    try {
        Prepared& p = bound(sql, params, &columns);
        if (!p.statement->execute(true)) return;
        do {
            columns.take_row(p.columns);
            on_row();
        } while (p.statement->fetch());
    } catch (const soci::soci_error&) {
        statements_.erase(sql);
        throw;
    }
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

void BoundRow::text(const std::string& column, const std::optional<std::string>& value) {
    row_.set(column, params_.text(value));
}

void BoundRow::integer(const std::string& column, long long value, bool is_null) {
    row_.set(column, params_.integer_or_null(value, is_null));
}

void BoundRow::boolean(const std::string& column, long long value, bool is_null) {
    row_.set(column, params_.integer_or_null(value, is_null));
}

void BoundRow::time(const std::string& column, std::int64_t micros) { row_.set(column, params_.time(micros)); }

void BoundRow::time_or_kept(const std::string& column, std::int64_t micros) {
    row_.set(column, "COALESCE(" + params_.time(micros) + ", " + column + ")");
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
