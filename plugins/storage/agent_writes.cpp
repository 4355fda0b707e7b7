// write: the scan's entries, job states and report fates in one call. On
// PostgreSQL one statement, so one round trip: each table's rows travel as
// one JSON array (json_rows.hpp), in data-modifying WITH clauses.
#include "json_rows.hpp"
#include "soci_storage.hpp"
#include "sql.hpp"
#include "table_rows.hpp"

#include <set>
#include <stdexcept>

namespace vigil::plugins {
namespace {

// The statement, whose text depends on no value: its column lists come from
// rows written with nothing in them.
std::string write_sql() {
    sql::JsonRows entry, job, report;
    entry.next_row();
    entry_row(Entry{}, entry);
    job.next_row();
    job_state_row(Job{}, job);
    report.next_row();
    report_row(ReportRecord{}, report);
    const std::string position = sql::JsonRows::kPosition;
    // The sub-statements share one snapshot and touch different tables
    // (the entries' foreign key only locks the job rows the UPDATE writes
    // in the same transaction). Rows are inserted in their given order, so
    // ids follow it as they do one insert after another. The jobs to
    // update are found by their ids through the primary key (`= ANY`): the
    // planner guesses 100 rows for json_to_recordset and would rather hash
    // them against a scan of the whole table.
    return "WITH given_jobs AS (SELECT * FROM json_to_recordset(CAST(:p0 AS json)) AS given(id bigint, " +
           job.definitions() + ")), new_entries AS (INSERT INTO backup_entries (" + entry.columns() + ") SELECT " +
           entry.columns() + " FROM json_to_recordset(CAST(:p1 AS json)) AS given(" + entry.definitions() +
           ") ORDER BY " + position + "), job_states AS (UPDATE expected_backup_jobs AS job SET " +
           job.assignments("given", "job") +
           " FROM given_jobs AS given WHERE job.id = given.id AND job.id = ANY(ARRAY(SELECT id FROM given_jobs))"
           " RETURNING job.id), new_reports AS (INSERT INTO processed_reports (" +
           report.columns() + ") SELECT " + report.columns() + " FROM json_to_recordset(CAST(:p2 AS json)) AS given(" +
           report.definitions() + ") ORDER BY " + position + " " + kReportConflict +
           ") SELECT id FROM job_states";
}

}  // namespace

void SociStorage::write(const WriteBatch& batch) {
    require_transaction("write");
    // An agent visited again at the same instant often has nothing to
    // write: no round trip then.
    if (batch.empty()) return;
    std::set<std::int64_t> not_updated;
    for (const Job& job : batch.job_states) not_updated.insert(job.id);
    // SQLite answers in-process: its prepared one-row statements cost no
    // round trip. A job given twice is updated twice, in order (one UPDATE
    // cannot change a row twice).
    if (!postgres() || not_updated.size() != batch.job_states.size()) {
        write_rows(batch);
        return;
    }
    write_batched(
        "write",
        [&] {
            sql::JsonRows entry_rows, job_rows, report_rows;
            for (const Entry& e : batch.entries) {
                entry_rows.next_row();
                entry_row(e, entry_rows);
            }
            for (const Job& job : batch.job_states) {
                job_rows.next_row();
                job_rows.integer("id", job.id, false);
                job_state_row(job, job_rows);
            }
            for (const ReportRecord& r : batch.reports) {
                report_rows.next_row();
                report_row(r, report_rows);
            }
            sql::Params params(url_.backend);
            // Placeholders in the order of the statement's text (:p0, :p1, :p2).
            params.text(job_rows.json());
            params.text(entry_rows.json());
            params.text(report_rows.json());
            sql::Columns updated(url_.backend);
            updated.integer("id");
            static const std::string statement = write_sql();
            prepared_.query(statement, params, updated, [&] { not_updated.erase(*updated.get_integer("id")); });
        },
        [&] { write_rows(batch); });
    // The first job state (by position) whose job the UPDATE did not find.
    for (std::size_t i = 0; i < batch.job_states.size(); ++i) {
        const std::int64_t id = batch.job_states[i].id;
        if (not_updated.count(id) == 0) continue;
        // The rest of the statement was written: only a rollback may follow.
        transaction_failed_ = true;
        throw RowRefused(VIGIL_ROW_JOB_STATE, i,
                         "database " + url_.redacted + ": write: no job with id " + std::to_string(id));
    }
}

void SociStorage::write_rows(const WriteBatch& batch) {
    for (std::size_t i = 0; i < batch.entries.size(); ++i) {
        write_row(VIGIL_ROW_ENTRY, i, [&] { insert_entry(batch.entries[i]); });
    }
    for (std::size_t i = 0; i < batch.job_states.size(); ++i) {
        write_row(VIGIL_ROW_JOB_STATE, i, [&] { update_job_state(batch.job_states[i]); });
    }
    for (std::size_t i = 0; i < batch.reports.size(); ++i) {
        write_row(VIGIL_ROW_REPORT, i, [&] { record_report(batch.reports[i]); });
    }
}

}  // namespace vigil::plugins
