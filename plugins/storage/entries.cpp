// backup_entries: one row per evaluated (or missing) cycle of a job.
#include "json_rows.hpp"
#include "soci_storage.hpp"
#include "sql.hpp"
#include "table_rows.hpp"

namespace vigil::plugins {
namespace {

const char* const kPhases[] = {"backup", "compress", "transfer"};

std::optional<Phase>& phase_of(Entry& entry, int index) {
    return index == 0 ? entry.backup : index == 1 ? entry.compress : entry.transfer;
}

std::string column(const char* phase, const char* field) {
    return std::string("agent_") + phase + "_" + field;
}

void set_phase(sql::RowSink& row, const char* name, const std::optional<Phase>& phase) {
    // A NULL status marks an entry without this phase (a missing entry).
    row.boolean(column(name, "status"), phase && phase->status, !phase);
    row.time(column(name, "start_time"), phase ? phase->start_time : kNoTime);
    row.time(column(name, "end_time"), phase ? phase->end_time : kNoTime);
    row.text(column(name, "sha256_checksum"), phase ? phase->sha256_checksum : std::nullopt);
    row.integer(column(name, "size"), phase ? phase->size : kNoSize, !phase || phase->size == kNoSize);
    row.text(column(name, "error_message"), phase ? phase->error_message : std::nullopt);
}

void declare_columns(sql::Columns& c) {
    for (const char* name : {"id", "expected_job_id", "operation_end_time_us", "server_calculated_staged_size"}) {
        c.integer(name);
    }
    for (const char* name : {"status", "message", "operation_log_file_name", "agent_id", "agent_overall_status",
                             "agent_staged_file_name", "agent_logs_summary", "server_calculated_staged_hash",
                             "previous_successful_hash_global"}) {
        c.text(name);
    }
    for (const char* name : {"cycle_expected_at", "\"timestamp\"", "operation_start_time", "operation_end_time"}) {
        c.time(name);
    }
    c.boolean("hash_comparison_result");
    for (const char* phase : kPhases) {
        c.boolean(column(phase, "status"));
        c.time(column(phase, "start_time"));
        c.time(column(phase, "end_time"));
        c.text(column(phase, "sha256_checksum"));
        c.integer(column(phase, "size"));
        c.text(column(phase, "error_message"));
    }
}

Entry read_entry(const sql::Columns& c) {
    Entry e;
    e.id = *c.get_integer("id");
    e.expected_job_id = *c.get_integer("expected_job_id");
    e.cycle_expected_at = c.get_time("cycle_expected_at");
    e.timestamp = c.get_time("\"timestamp\"");
    e.status = *c.get_text("status");
    e.message = c.get_text("message").value_or("");
    e.operation_log_file_name = c.get_text("operation_log_file_name");
    e.agent_id = *c.get_text("agent_id");
    e.agent_overall_status = c.get_text("agent_overall_status");
    e.operation_start_time = c.get_time("operation_start_time");
    // The text column holds whole seconds; the host compares end times to
    // the microsecond.
    std::optional<long long> end_us = c.get_integer("operation_end_time_us");
    e.operation_end_time = end_us ? *end_us : c.get_time("operation_end_time");
    for (int i = 0; i < 3; ++i) {
        const char* name = kPhases[i];
        std::optional<long long> status = c.get_integer(column(name, "status"));
        if (!status) continue;
        Phase p;
        p.status = *status != 0;
        p.start_time = c.get_time(column(name, "start_time"));
        p.end_time = c.get_time(column(name, "end_time"));
        p.sha256_checksum = c.get_text(column(name, "sha256_checksum"));
        p.size = c.get_integer(column(name, "size")).value_or(kNoSize);
        p.error_message = c.get_text(column(name, "error_message"));
        phase_of(e, i) = std::move(p);
    }
    e.agent_staged_file_name = c.get_text("agent_staged_file_name");
    e.agent_logs_summary = c.get_text("agent_logs_summary");
    e.server_calculated_staged_hash = c.get_text("server_calculated_staged_hash");
    e.server_calculated_staged_size = c.get_integer("server_calculated_staged_size").value_or(kNoSize);
    e.previous_successful_hash_global = c.get_text("previous_successful_hash_global");
    std::optional<long long> differ = c.get_integer("hash_comparison_result");
    e.hash_comparison_result = differ ? static_cast<int>(*differ != 0) : -1;
    return e;
}

}  // namespace

void entry_row(const Entry& e, sql::RowSink& row) {
    row.integer("expected_job_id", e.expected_job_id, false);
    row.time("cycle_expected_at", e.cycle_expected_at);
    row.time("\"timestamp\"", e.timestamp);
    row.text("status", e.status);
    row.text("message", e.message);
    row.text("operation_log_file_name", e.operation_log_file_name);
    row.text("agent_id", e.agent_id);
    row.text("agent_overall_status", e.agent_overall_status);
    row.time("operation_start_time", e.operation_start_time);
    row.time("operation_end_time", e.operation_end_time);
    row.integer("operation_end_time_us", e.operation_end_time, e.operation_end_time == kNoTime);
    set_phase(row, "backup", e.backup);
    set_phase(row, "compress", e.compress);
    set_phase(row, "transfer", e.transfer);
    row.text("agent_staged_file_name", e.agent_staged_file_name);
    row.text("agent_logs_summary", e.agent_logs_summary);
    row.text("server_calculated_staged_hash", e.server_calculated_staged_hash);
    row.integer("server_calculated_staged_size", e.server_calculated_staged_size,
                e.server_calculated_staged_size == kNoSize);
    row.text("previous_successful_hash_global", e.previous_successful_hash_global);
    row.boolean("hash_comparison_result", e.hash_comparison_result != 0, e.hash_comparison_result < 0);
}

sql::Columns& SociStorage::entry_columns() {
    if (!entry_columns_) declare_columns(entry_columns_.emplace(url_.backend));
    return *entry_columns_;
}

std::vector<Entry> SociStorage::load_entries(std::int64_t job_id, std::int64_t since) {
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

std::vector<Entry> SociStorage::load_entries_of_jobs(const std::vector<std::int64_t>& job_ids,
                                                    const std::vector<std::int64_t>& since) {
    // SQLite answers in-process: one statement per job costs no round trip.
    // Nothing asked (every job of the agent judged already): no round trip.
    if (!postgres() || job_ids.empty()) return Storage::load_entries_of_jobs(job_ids, since);
    return guarded("load_entries_of_jobs", [&] {
        sql::JsonRows asked;
        for (std::size_t i = 0; i < job_ids.size(); ++i) {
            asked.next_row();
            asked.integer("asked_job_id", job_ids[i], false);
            asked.time("asked_since", since.at(i));
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

std::int64_t SociStorage::insert_entry(const Entry& e) {
    return guarded("insert_entry", [&] {
        sql::Params params(url_.backend);
        sql::Assignments row;
        sql::BoundRow bound(params, row);
        entry_row(e, bound);
        return static_cast<std::int64_t>(
            prepared_.insert_returning_id(url_.backend, "backup_entries", row, params));
    });
}

}  // namespace vigil::plugins
