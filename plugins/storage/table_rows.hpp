// The columns the scan writes, each table's listed once (sql::RowSink), so
// that the one-row calls and write_agent store the same values.
#ifndef VIGIL_STORAGE_TABLE_ROWS_HPP
#define VIGIL_STORAGE_TABLE_ROWS_HPP

#include "sql.hpp"

#include <vigil/types.hpp>

namespace vigil::plugins {

// A backup_entries row as insert_entry stores it (entries.cpp).
void entry_row(const Entry& entry, sql::RowSink& row);
// The columns update_job_state sets (jobs.cpp).
void job_state_row(const Job& job, sql::RowSink& row);
// A processed_reports row as record_report stores it (soci_storage.cpp).
void report_row(const ReportRecord& record, sql::RowSink& row);

// What record_report does when the report was recorded before.
constexpr const char* kReportConflict = "ON CONFLICT (content_sha256, agent_id, file_name) DO NOTHING";

}  // namespace vigil::plugins

#endif  // VIGIL_STORAGE_TABLE_ROWS_HPP
