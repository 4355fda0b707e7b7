// The columns the scan writes, each table's listed once (sql::RowSink), so
// that write's one-row statements and its batched one store the same values;
// an entry's are all its fields (entry_row, record_columns.hpp).
#ifndef VIGIL_STORAGE_TABLE_ROWS_HPP
#define VIGIL_STORAGE_TABLE_ROWS_HPP

#include "record_columns.hpp"
#include "sql.hpp"

#include <vigil/types.hpp>

namespace vigil::plugins {

// The columns of a job state that write sets (jobs.cpp).
void job_state_row(const Job& job, sql::RowSink& row);
// A processed_reports row as write records it (soci_storage.cpp).
void report_row(const ReportRecord& record, sql::RowSink& row);

// What write does with a report fate recorded before: keeps the first.
constexpr const char* kReportConflict = "ON CONFLICT (content_sha256, agent_id, file_name) DO NOTHING";

}  // namespace vigil::plugins

#endif  // VIGIL_STORAGE_TABLE_ROWS_HPP
