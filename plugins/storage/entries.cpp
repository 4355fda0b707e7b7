// backup_entries: one row per evaluated (or missing) cycle of a job.
#include "json_rows.hpp"
#include "record_columns.hpp"
#include "soci_storage.hpp"
#include "sql.hpp"
#include "table_rows.hpp"

#include <iterator>
#include <stdexcept>

namespace vigil::plugins {
sql::Columns& SociStorage::entry_columns() {
    if (!entry_columns_) declare_entry_columns(entry_columns_.emplace(url_.backend));
    return *entry_columns_;
}

std::vector<Entry> SociStorage::entries_of_job(std::int64_t job_id, std::int64_t since) {
    return guarded("load_entries", [&] {
        sql::Params params(url_.backend);
        sql::Columns& c = entry_columns();
        std::string where = " WHERE expected_job_id = " + params.integer(job_id);
        if (since != kNoTime) where += " AND cycle_expected_at >= " + params.time(since);
        std::vector<Entry> entries;
        prepared_.query("SELECT " + c.select_list() + " FROM backup_entries" + where + " ORDER BY cycle_expected_at, id",
                        params, c, [&] { entries.push_back(read_entry(c)); });
        return entries;
    });
}

std::vector<Entry> SociStorage::load_entries(const std::vector<std::int64_t>& job_ids,
                                            const std::vector<std::int64_t>& since) {
    if (job_ids.size() != since.size()) {
        throw std::invalid_argument("load_entries: " + std::to_string(job_ids.size()) + " jobs but " +
                                    std::to_string(since.size()) + " times");
    }
    if (!postgres()) {
        // SQLite answers in-process: one statement per job costs no round trip.
        std::vector<Entry> entries;
        for (std::size_t i = 0; i < job_ids.size(); ++i) {
            std::vector<Entry> of_job = entries_of_job(job_ids[i], since[i]);
            entries.insert(entries.end(), std::make_move_iterator(of_job.begin()),
                           std::make_move_iterator(of_job.end()));
        }
        return entries;
    }
    // Nothing asked (every job of the agent judged already): no round trip.
    if (job_ids.empty()) return {};
    return guarded("load_entries", [&] {
        sql::JsonRows asked;
        for (std::size_t i = 0; i < job_ids.size(); ++i) {
            asked.next_row();
            asked.integer("asked_job_id", job_ids[i], false);
            asked.time("asked_since", since[i]);
        }
        sql::Params params(url_.backend);
        const std::string rows = params.text(asked.json());
        sql::Columns& c = entry_columns();
        std::vector<Entry> entries;
        // A job at a time through the (job, cycle) index: the planner
        // guesses 100 rows for json_to_recordset and would rather hash them
        // against a scan of the whole table, so the entries are a LATERAL
        // subquery that OFFSET 0 keeps from being flattened into a join.
        prepared_.query("SELECT " + c.select_list() + " FROM json_to_recordset(CAST(" + rows +
                            " AS json)) AS asked(asked_job_id bigint, asked_since timestamptz, " +
                            sql::JsonRows::kPosition +
                            " bigint) CROSS JOIN LATERAL (SELECT * FROM backup_entries WHERE expected_job_id = "
                            "asked_job_id AND cycle_expected_at >= COALESCE(asked_since, '-infinity') OFFSET 0) "
                            "AS entry ORDER BY " +
                            sql::JsonRows::kPosition + ", cycle_expected_at, id",
                        params, c, [&] { entries.push_back(read_entry(c)); });
        return entries;
    });
}

std::vector<Entry> SociStorage::find_entries(const std::string& agent_id, const std::string& file_name,
                                             std::int64_t since) {
    return guarded("find_entries", [&] {
        sql::Params params(url_.backend);
        sql::Columns& c = entry_columns();
        std::string where = " WHERE agent_id = " + params.text(agent_id);
        if (!file_name.empty()) where += " AND operation_log_file_name = " + params.text(file_name);
        if (since != kNoTime) where += " AND \"timestamp\" >= " + params.time(since);
        std::vector<Entry> entries;
        sql::query(session_,
                   "SELECT " + c.select_list() + " FROM backup_entries" + where + " ORDER BY \"timestamp\" DESC, id DESC",
                   params, c, [&] { entries.push_back(read_entry(c)); });
        return entries;
    });
}

void SociStorage::insert_entry(const Entry& e) {
    guarded("write", [&] {
        sql::Params params(url_.backend);
        sql::Assignments row;
        sql::BoundRow bound(params, row);
        entry_row(e, bound);
        prepared_.execute("INSERT INTO backup_entries (" + row.columns() + ") VALUES " + row.values(), params);
    });
}

}  // namespace vigil::plugins
