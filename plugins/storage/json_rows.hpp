// Rows handed to PostgreSQL as one JSON array, read back as a table with
// json_to_recordset: any number of rows in one parameter of one statement
// whose text never changes (no limit on bind parameters, one prepared
// statement).
#ifndef VIGIL_STORAGE_JSON_ROWS_HPP
#define VIGIL_STORAGE_JSON_ROWS_HPP

#include "sql.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vigil::plugins::sql {

class JsonRows : public RowSink {
public:
    // The name of the column holding each row's position (0, 1, ...).
    static constexpr const char* kPosition = "vigil_position";

    // Starts the next row: the calls that follow fill it, in the same
    // columns, in the same order, as the first row's.
    void next_row();
    void text(const std::string& column, const std::optional<std::string>& value) override;
    void integer(const std::string& column, long long value, bool is_null) override;
    void boolean(const std::string& column, long long value, bool is_null) override;
    void time(const std::string& column, std::int64_t micros) override;
    void time_or_kept(const std::string& column, std::int64_t micros) override;

    std::size_t size() const { return rows_; }
    // The array as JSON text.
    std::string json() const { return rows_ == 0 ? "[]" : text_ + "}]"; }
    // Of the first row's columns: json_to_recordset's column definitions
    // ("a text, b timestamptz, ..., vigil_position bigint"), ...
    std::string definitions() const;
    // ... the columns as a table names them ("a, b"), ...
    std::string columns() const;
    // ... and an UPDATE's "a = source.a, b = COALESCE(source.b, target.b)".
    std::string assignments(const std::string& source, const std::string& target) const;

private:
    struct Column {
        std::string name;  // as SQL writes it ("timestamp" quoted)
        const char* type;
        bool kept;         // time_or_kept
    };
    // Appends `"column":value` to the open row; value is JSON text.
    void add(const std::string& column, const char* type, bool kept, const std::string& value);

    // The array's text so far, written as the rows are filled: a scan
    // hands thousands of values per statement, and a JSON document of
    // objects built first would cost an allocation or more per value.
    std::string text_;
    std::size_t rows_ = 0;
    std::vector<Column> columns_;  // recorded from the first row
};

}  // namespace vigil::plugins::sql

#endif  // VIGIL_STORAGE_JSON_ROWS_HPP
