// The columns of expected_backup_jobs and backup_entries, following from the
// SDK's field lists (VIGIL_JOB_FIELDS, VIGIL_ENTRY_FIELDS in types.hpp):
// each field is the column of its name, by its kind, and a field added to a
// list is read and written here with no other change than the schema's
// migration (schema.cpp). The kinds' columns:
//   TEXT, OPT_TEXT   text             ID, INT64, SIZE, INT, OPT_INT  integer
//   TIME             a time           BOOL, TRI                      boolean (TRI: NULL for -1)
//   TIME_US          a time (whole seconds, for people and SQL) and <name>_us,
//                    the microseconds, which a read prefers
//   PHASE            agent_<name>_status (NULL: no phase), _start_time,
//                    _end_time, _sha256_checksum, _size, _error_message
// A NULL column reads as the field's default. `timestamp`, an SQL keyword,
// is quoted.
#ifndef VIGIL_STORAGE_RECORD_COLUMNS_HPP
#define VIGIL_STORAGE_RECORD_COLUMNS_HPP

#include "sql.hpp"

#include <vigil/types.hpp>

namespace vigil::plugins {

// Declares every column of a job, to read whole rows.
void declare_job_columns(sql::Columns& columns);
// The job in the row `columns` (declared as above) received.
Job read_job(const sql::Columns& columns);
// Every column of the job but its id (the database's), as an INSERT stores it.
void job_row(const Job& job, sql::RowSink& row);

// Declares every column of an entry, to read whole rows.
void declare_entry_columns(sql::Columns& columns);
// The entry in the row `columns` (declared as above) received.
Entry read_entry(const sql::Columns& columns);
// Every column of the entry but its id (the database's), as an INSERT
// stores it.
void entry_row(const Entry& entry, sql::RowSink& row);

}  // namespace vigil::plugins

#endif  // VIGIL_STORAGE_RECORD_COLUMNS_HPP
