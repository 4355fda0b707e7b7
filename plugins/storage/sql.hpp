// Building and running SQL whose shape is decided at run time (column lists,
// multi-row VALUES) over SOCI, identically on SQLite and PostgreSQL.
#ifndef VIGIL_STORAGE_SQL_HPP
#define VIGIL_STORAGE_SQL_HPP

#include "connection_url.hpp"

#include <soci/soci.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vigil::plugins::sql {

// Values bound to a statement. Each call returns the placeholder to splice
// into the SQL text; values bind by position, so placeholders must appear in
// the text in the order they were made. Make each in its own statement: the
// operands of one `a + b + c` chain are evaluated in no fixed order.
class Params {
public:
    explicit Params(Backend backend) : backend_(backend) {}
    std::string text(const std::string& value);
    std::string text(const std::optional<std::string>& value);  // NULL when absent
    std::string integer(long long value);
    std::string integer_or_null(long long value, bool is_null);
    std::string integer(const std::optional<int>& value);  // NULL when absent
    // 'YYYY-MM-DD HH:MM:SS' UTC, fraction dropped; NULL for vigil::kNoTime.
    std::string time(std::int64_t micros);
    std::size_t size() const { return values_.size(); }
    void bind(soci::statement& statement);

private:
    struct Value {
        bool is_text = false;
        std::string text;
        long long number = 0;
        soci::indicator indicator = soci::i_ok;
    };
    std::string add(Value value);

    Backend backend_;
    std::deque<Value> values_;  // a deque: SOCI keeps references to the elements
};

// The columns of a SELECT, declared by name, read back by name.
class Columns {
public:
    explicit Columns(Backend backend) : backend_(backend) {}
    void text(const std::string& column);
    void integer(const std::string& column);  // INTEGER or BIGINT
    void boolean(const std::string& column);  // read as 0/1
    void time(const std::string& column);     // read as microseconds
    // An integer computed by `expression`, read back under `name`.
    void computed(const std::string& name, const std::string& expression);
    std::string select_list() const { return select_list_; }
    void bind(soci::statement& statement);

    std::optional<std::string> get_text(const std::string& column) const;
    std::optional<long long> get_integer(const std::string& column) const;
    std::int64_t get_time(const std::string& column) const;  // kNoTime when NULL

private:
    struct Slot {
        bool is_text = false;
        std::string text;
        long long number = 0;
        soci::indicator indicator = soci::i_ok;
    };
    void add(const std::string& column, const std::string& expression, bool is_text);
    const Slot& slot(const std::string& column) const;

    Backend backend_;
    std::string select_list_;
    std::deque<Slot> slots_;
    std::map<std::string, std::size_t> index_;
};

// Runs a statement that returns no rows; returns how many rows it changed.
long long execute(soci::session& session, const std::string& sql, Params& params);

// Runs a query; on_row is called once per row, after `columns` received it.
void query(soci::session& session, const std::string& sql, Params& params, Columns& columns,
           const std::function<void()>& on_row);

class Assignments;

// INSERT INTO table (columns) VALUES (...) RETURNING id, on both dialects;
// returns the new row's id.
long long insert_returning_id(soci::session& session, Backend backend, const std::string& table,
                              const Assignments& row, Params& params);

// The `column = value` pairs of an INSERT or UPDATE, in one order.
class Assignments {
public:
    void set(const std::string& column, const std::string& placeholder);
    std::string columns() const;      // a, b
    std::string values() const;       // (:p0, :p1)
    std::string assignments() const;  // a = :p0, b = :p1

private:
    std::vector<std::string> columns_, placeholders_;
};

std::string join(const std::vector<std::string>& items, const char* separator = ", ");

// A small integer column read back (hours, minutes), absent when NULL.
std::optional<int> small_integer(const std::optional<long long>& value);

}  // namespace vigil::plugins::sql

#endif  // VIGIL_STORAGE_SQL_HPP
