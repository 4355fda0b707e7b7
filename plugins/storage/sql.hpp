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
#include <memory>
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
    // Whether `other` holds values of the same kinds, position by position.
    bool same_shape(const Params& other) const;
    // Takes other's values in place (same_shape first), so a statement
    // bound to these keeps seeing them.
    void assign(const Params& other);

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
    // Takes the row `other` (declared the same way) received.
    void take_row(const Columns& other);

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

// PostgreSQL: waits until the session holds the transaction-level advisory
// lock `key` (one 64-bit key, in decimal), which the transaction's end
// releases.
void lock_until_transaction_end(soci::session& session, const char* key);

// Runs a query; on_row is called once per row, after `columns` received it.
void query(soci::session& session, const std::string& sql, Params& params, Columns& columns,
           const std::function<void()>& on_row);

class Assignments;

// INSERT INTO table (columns) VALUES (...) RETURNING id, on both dialects;
// returns the new row's id.
long long insert_returning_id(soci::session& session, Backend backend, const std::string& table,
                              const Assignments& row, Params& params);

// The statements of the scan's hot path, prepared once per session and
// kept by their SQL text: each later call re-binds the values and runs the
// prepared statement (SQLite parses it once; PostgreSQL plans it once, as a
// named prepared statement) instead of preparing it anew.
class PreparedStatements {
public:
    explicit PreparedStatements(soci::session& session) : session_(session) {}
    PreparedStatements(const PreparedStatements&) = delete;
    PreparedStatements& operator=(const PreparedStatements&) = delete;

    // As sql::execute and sql::query.
    long long execute(const std::string& sql, Params& params);
    void query(const std::string& sql, Params& params, Columns& columns, const std::function<void()>& on_row);
    // Forgets every statement (before the session closes).
    void clear() { statements_.clear(); }

private:
    struct Prepared {
        Prepared(const Params& p, const Columns& c) : params(p), columns(c) {}
        Params params;    // the values the statement is bound to
        Columns columns;  // the row it fetches into
        std::unique_ptr<soci::statement> statement;
    };
    // The statement for this text, prepared on first use, holding params' values.
    Prepared& bound(const std::string& sql, const Params& params, const Columns* columns);

    soci::session& session_;
    std::map<std::string, std::unique_ptr<Prepared>> statements_;
};

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

// The values of one row, column by column. A table's columns are listed
// once, in a function writing to a RowSink, whatever then carries them: the
// placeholders of one statement (BoundRow) or an element of a JSON array
// (JsonRows, json_rows.hpp), so that both store the same values.
class RowSink {
public:
    virtual ~RowSink() = default;
    virtual void text(const std::string& column, const std::optional<std::string>& value) = 0;
    virtual void integer(const std::string& column, long long value, bool is_null) = 0;
    // A BOOLEAN column, given as 0 or 1.
    virtual void boolean(const std::string& column, long long value, bool is_null) = 0;
    // vigil::kNoTime: NULL.
    virtual void time(const std::string& column, std::int64_t micros) = 0;
    // An UPDATE's time that keeps the column's value when micros is kNoTime.
    virtual void time_or_kept(const std::string& column, std::int64_t micros) = 0;
};

// A RowSink making placeholders of `params` and `column = placeholder` pairs of `row`.
class BoundRow : public RowSink {
public:
    BoundRow(Params& params, Assignments& row) : params_(params), row_(row) {}
    void text(const std::string& column, const std::optional<std::string>& value) override;
    void integer(const std::string& column, long long value, bool is_null) override;
    void boolean(const std::string& column, long long value, bool is_null) override;
    void time(const std::string& column, std::int64_t micros) override;
    void time_or_kept(const std::string& column, std::int64_t micros) override;

private:
    Params& params_;
    Assignments& row_;
};

// A time as the database reads it: 'YYYY-MM-DD HH:MM:SS' UTC (with an
// explicit offset on PostgreSQL); nullopt for vigil::kNoTime.
std::optional<std::string> time_text(std::int64_t micros, Backend backend);

std::string join(const std::vector<std::string>& items, const char* separator = ", ");

// A small integer column read back (hours, minutes), absent when NULL.
std::optional<int> small_integer(const std::optional<long long>& value);

}  // namespace vigil::plugins::sql

#endif  // VIGIL_STORAGE_SQL_HPP
