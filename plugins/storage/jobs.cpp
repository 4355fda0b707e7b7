// expected_backup_jobs: synchronisation with the configuration, loading, state.
#include "soci_storage.hpp"
#include "json_rows.hpp"
#include "record_columns.hpp"
#include "sql.hpp"
#include "table_rows.hpp"

#include <algorithm>
#include <iterator>
#include <numeric>
#include <stdexcept>

namespace vigil::plugins {
namespace {

// Rows per statement. PostgreSQL: a round trip per statement, so 200 rows
// each (well under its limit on bound parameters). SQLite: one row, the
// statement prepared once and run again per row; it looks each named
// parameter up among those before it, so a statement of thousands costs
// far more to prepare than one row costs to run.
std::size_t rows_per_statement(Backend backend) { return backend == Backend::postgresql ? 200 : 1; }

// Stored jobs read per query while synchronising.
constexpr std::size_t kRowsPerPage = 10000;

// The advisory lock that synchronisations of the jobs on PostgreSQL take
// in turn ('VIGJ').
constexpr const char* kJobSyncLockKey = "1447642954";

std::string describe(const Job& job) {
    return job.agent_id_responsible + "/" + job.database_name + " " +
           when_label(job.expected_hour_utc, job.expected_minute_utc, job.schedule_text(), job.timezone);
}

// The window edges as stored: always resolved.
int early_of(const Job& job) { return job.early_minutes.value_or(job.window_minutes); }
int late_of(const Job& job) { return job.late_minutes.value_or(job.window_minutes); }

// Byte order, as SQLite sorts, whatever the PostgreSQL database's collation.
std::string text_order(const std::string& column, bool postgres) {
    return postgres ? column + " COLLATE \"C\"" : column;
}

// Upserts the jobs at these positions of the list, in one statement.
void upsert(sql::PreparedStatements& prepared, Backend backend, const JobList& jobs,
            const std::vector<std::size_t>& positions, std::int64_t now) {
    sql::Params params(backend);
    std::vector<std::string> rows;
    std::string columns;
    for (std::size_t position : positions) {
        // A new job as it is first stored: its schedule as stored, its
        // window's edges resolved, its status unknown since now.
        Job job = jobs[position];
        job.schedule = job.schedule_text();
        job.early_minutes = early_of(job);
        job.late_minutes = late_of(job);
        job.is_active = true;
        job.current_status = Job().current_status;
        job.created_at = job.updated_at = job.status_changed_at = now;
        sql::Assignments row;
        sql::BoundRow bound(params, row);
        job_row(job, bound);
        columns = row.columns();
        rows.push_back(row.values());
    }
    // A job another scanner just brought up to date is left alone, so
    // updated_at says when its settings last changed.
    prepared.execute("INSERT INTO expected_backup_jobs (" + columns + ") VALUES " + sql::join(rows) +
                     " ON CONFLICT (agent_id_responsible, database_name, schedule, timezone)"
                     " DO UPDATE SET is_active = TRUE, window_minutes = excluded.window_minutes,"
                     " early_minutes = excluded.early_minutes, late_minutes = excluded.late_minutes,"
                     " company_name = excluded.company_name, city = excluded.city,"
                     " neighborhood = excluded.neighborhood, updated_at = excluded.updated_at"
                     " WHERE expected_backup_jobs.is_active = FALSE"
                     " OR expected_backup_jobs.window_minutes <> excluded.window_minutes"
                     " OR expected_backup_jobs.early_minutes <> excluded.early_minutes"
                     " OR expected_backup_jobs.late_minutes <> excluded.late_minutes"
                     " OR expected_backup_jobs.company_name <> excluded.company_name"
                     " OR expected_backup_jobs.city <> excluded.city"
                     " OR expected_backup_jobs.neighborhood <> excluded.neighborhood",
                 params);
}

void deactivate(sql::PreparedStatements& prepared, Backend backend, const std::vector<long long>& ids,
                std::int64_t now) {
    const std::size_t batch = rows_per_statement(backend);
    for (std::size_t start = 0; start < ids.size(); start += batch) {
        sql::Params params(backend);
        std::string when = params.time(now);
        std::vector<std::string> list;
        for (std::size_t i = start; i < std::min(ids.size(), start + batch); ++i) {
            list.push_back(params.integer(ids[i]));
        }
        prepared.execute("UPDATE expected_backup_jobs SET is_active = FALSE, updated_at = " + when + " WHERE id IN (" +
                             sql::join(list) + ")",
                         params);
    }
}

// How the stored jobs stand against the configured ones.
struct Comparison {
    std::vector<bool> up_to_date;  // per configured job: stored, active, same settings
    std::vector<long long> gone;   // ids of active stored jobs no longer configured

    bool changes_nothing() const {
        return gone.empty() && std::all_of(up_to_date.begin(), up_to_date.end(), [](bool b) { return b; });
    }
};

// order: the positions of the configured jobs in identity order.
Comparison compare_stored(sql::PreparedStatements& prepared, Backend backend, const JobList& jobs,
                          const std::vector<std::size_t>& order) {
    Comparison result;
    result.up_to_date.assign(jobs.size(), false);
    sql::Columns c(backend);
    for (const char* name : {"agent_id_responsible", "database_name", "company_name", "city", "neighborhood",
                             "schedule", "timezone"}) {
        c.text(name);
    }
    for (const char* name : {"id", "window_minutes", "early_minutes", "late_minutes"}) c.integer(name);
    c.boolean("is_active");
    // Page by page: PostgreSQL hands a query's whole result over at once,
    // and the stored jobs of a large fleet would cost as much memory as
    // the configured ones.
    long long after = 0;
    std::size_t rows = kRowsPerPage;
    auto compare = [&] {
        ++rows;
        after = *c.get_integer("id");
        const std::string agent = *c.get_text("agent_id_responsible"), database = *c.get_text("database_name"),
                          schedule = *c.get_text("schedule"), timezone = *c.get_text("timezone");
        const JobList::Identity row{agent, database, schedule, timezone};
        bool active = *c.get_integer("is_active") != 0;
        auto it = std::lower_bound(order.begin(), order.end(), row,
                                   [&](std::size_t i, const JobList::Identity& key) { return jobs.identity(i) < key; });
        if (it == order.end() || jobs.identity(*it) != row) {
            if (active) result.gone.push_back(*c.get_integer("id"));
            return;
        }
        const Job job = jobs[*it];
        if (active && *c.get_integer("window_minutes") == job.window_minutes &&
            *c.get_integer("early_minutes") == early_of(job) && *c.get_integer("late_minutes") == late_of(job) &&
            *c.get_text("company_name") == job.company_name && *c.get_text("city") == job.city &&
            *c.get_text("neighborhood") == job.neighborhood) {
            result.up_to_date[*it] = true;
        }
    };
    while (rows == kRowsPerPage) {
        rows = 0;
        sql::Params params(backend);
        const std::string where = " WHERE id > " + params.integer(after);
        prepared.query("SELECT " + c.select_list() + " FROM expected_backup_jobs" + where + " ORDER BY id LIMIT " +
                           std::to_string(kRowsPerPage),
                       params, c, compare);
    }
    return result;
}

}  // namespace

void SociStorage::sync_jobs(const JobList& jobs, std::int64_t now) {
    require_transaction("sync_jobs");
    // The configured jobs in identity order ((agent, database, schedule,
    // timezone), docs/records.md), as positions in the host's list: a fleet
    // lists 100,000 jobs, and copies of them cost more memory than the
    // configuration itself.
    std::vector<std::size_t> order(jobs.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return jobs.identity(a) < jobs.identity(b); });
    for (std::size_t k = 1; k < order.size(); ++k) {
        if (jobs.identity(order[k - 1]) == jobs.identity(order[k])) {
            throw InvalidInput("jobs: " + describe(jobs[order[k]]) + " is listed twice");
        }
    }
    guarded("sync_jobs", [&] {
        // Comparing first means a scan whose configuration did not change
        // writes, and locks, no row.
        Comparison stored = compare_stored(prepared_, url_.backend, jobs, order);
        if (stored.changes_nothing()) return;
        // A dry run, never committed, would hold the lock until it ends.
        if (postgres() && !dry_run_) {
            // Scanners started together on a new or changed configuration
            // would each upsert the same jobs, and ON CONFLICT DO UPDATE
            // locks every row it meets, changed or not: each would hold
            // all the jobs in turn, and the scans of the others, which
            // write those rows' states, would wait for it. So one scanner
            // writes at a time, and compares again once it may.
            sql::lock_until_transaction_end(session_, kJobSyncLockKey);
            stored = compare_stored(prepared_, url_.backend, jobs, order);
        }
        // In identity order for every scanner: concurrent upserts take their
        // row locks in one sequence and cannot deadlock.
        const std::size_t batch = rows_per_statement(url_.backend);
        std::vector<std::size_t> changed;
        for (std::size_t i : order) {
            if (stored.up_to_date[i]) continue;
            changed.push_back(i);
            if (changed.size() == batch) {
                upsert(prepared_, url_.backend, jobs, changed, now);
                changed.clear();
            }
        }
        if (!changed.empty()) upsert(prepared_, url_.backend, jobs, changed, now);
        deactivate(prepared_, url_.backend, stored.gone, now);
    });
}

std::vector<Job> SociStorage::load_all_jobs(const std::string& agent_id, bool active_only) {
    return select_jobs(agent_id, active_only);
}

std::vector<Job> SociStorage::select_jobs(const std::string& agent_id, bool active_only) {
    return guarded("load_all_jobs", [&] {
        sql::Params params(url_.backend);
        std::string where = active_only ? " WHERE is_active = TRUE" : " WHERE 1 = 1";
        if (!agent_id.empty()) where += " AND agent_id_responsible = " + params.text(agent_id);
        return query_jobs("expected_backup_jobs" + where, params);
    });
}

std::vector<Job> SociStorage::load_jobs(const std::vector<std::string>& agent_ids) {
    if (!postgres()) {
        // SQLite runs in this process: one statement per agent costs no round trip.
        return guarded("load_jobs", [&] {
            std::vector<Job> jobs;
            for (const std::string& agent : agent_ids) {
                sql::Params params(url_.backend);
                const std::string where =
                    " WHERE is_active = TRUE AND agent_id_responsible = " + params.text(agent);
                std::vector<Job> of_agent = query_jobs("expected_backup_jobs" + where, params);
                jobs.insert(jobs.end(), std::make_move_iterator(of_agent.begin()),
                            std::make_move_iterator(of_agent.end()));
            }
            return jobs;
        });
    }
    if (agent_ids.empty()) return {};
    return guarded("load_jobs", [&] {
        const sql::JsonRows asked = asked_agents(agent_ids);
        sql::Params params(url_.backend);
        const std::string rows = params.text(asked.json());
        // An agent at a time through the identity index (agent first): the
        // planner guesses 100 rows for json_to_recordset and would rather
        // hash them against a scan of every job, so the jobs are a LATERAL
        // subquery that OFFSET 0 keeps from being flattened into a join (as
        // load_entries does).
        return query_jobs("json_to_recordset(CAST(" + rows + " AS json)) AS asked(" + asked.definitions() +
                              ") CROSS JOIN LATERAL (SELECT * FROM expected_backup_jobs WHERE agent_id_responsible "
                              "= asked_agent AND is_active = TRUE OFFSET 0) AS job",
                          params);
    });
}

sql::Columns& SociStorage::job_columns() {
    if (job_columns_) return *job_columns_;
    declare_job_columns(job_columns_.emplace(url_.backend));
    return *job_columns_;
}

std::vector<Job> SociStorage::query_jobs(const std::string& from, sql::Params& params) {
    sql::Columns& c = job_columns();
    // `at` jobs by time, then the other schedules (NULL sorts differently on each backend).
    std::string order = " ORDER BY " + text_order("agent_id_responsible", postgres()) + ", " +
                        text_order("database_name", postgres()) +
                        ", COALESCE(expected_hour_utc, 24), expected_minute_utc, " +
                        text_order("schedule", postgres()) + ", " + text_order("timezone", postgres());

    std::vector<Job> jobs;
    prepared_.query("SELECT " + c.select_list() + " FROM " + from + order, params, c,
               [&] { jobs.push_back(read_job(c)); });
    return jobs;
}

void job_state_row(const Job& job, sql::RowSink& row) {
    row.text("current_status", job.current_status);
    row.time("last_checked_timestamp", job.last_checked_timestamp);
    row.time("last_successful_backup_timestamp", job.last_successful_backup_timestamp);
    row.text("previous_successful_hash_global", job.previous_successful_hash_global);
    row.time("last_entry_cycle_at", job.last_entry_cycle_at);
    // A job always has an updated_at: keep it when the caller has none.
    row.time_or_kept("updated_at", job.updated_at);
    row.time_or_kept("status_changed_at", job.status_changed_at);
}

void SociStorage::update_job_state(const Job& job) {
    guarded("write", [&] {
        sql::Params params(url_.backend);
        sql::Assignments set;
        sql::BoundRow bound(params, set);
        job_state_row(job, bound);
        std::string sql =
            "UPDATE expected_backup_jobs SET " + set.assignments() + " WHERE id = " + params.integer(job.id);
        if (prepared_.execute(sql, params) != 1) {
            throw std::runtime_error("database " + url_.redacted + ": write: no job with id " +
                                     std::to_string(job.id));
        }
    });
}

}  // namespace vigil::plugins
