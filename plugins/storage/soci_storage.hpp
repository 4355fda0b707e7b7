// The "soci" storage plugin: jobs, entries and report fates in SQLite or
// PostgreSQL through SOCI (see README.md beside this file).
#ifndef VIGIL_STORAGE_SOCI_STORAGE_HPP
#define VIGIL_STORAGE_SOCI_STORAGE_HPP

#include "connection_url.hpp"
#include "json_rows.hpp"
#include "sql.hpp"

#include <vigil/plugin.hpp>

#include <soci/soci.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace vigil::plugins {

// The capabilities it offers are all four of plugin.h: the scan store, the
// outbox, the operator's reads and silences.
class SociStorage : public vigil::Storage,
                    public vigil::ScanStore,
                    public vigil::Outbox,
                    public vigil::OperatorReads,
                    public vigil::SilenceStore {
public:
    SociStorage() = default;
    SociStorage(const SociStorage&) = delete;
    SociStorage& operator=(const SociStorage&) = delete;
    // A dry run's transaction ends here, rolled back.
    ~SociStorage() override;

    // The core (soci_storage.cpp, dry_run.cpp). configure opens the
    // database `url` names and brings its schema up to date; begin, commit
    // and rollback delimit one write transaction (steps of the one never
    // committed in a dry run).
    void configure(const Config& config) override;
    void begin() override;
    void commit() override;
    void rollback() override;
    // True when configured with "vigil_dry_run": nothing written is kept.
    bool dry_run() override { return dry_run_; }
    // The redacted URL and the state of its schema.
    std::string description() override;

    // The scan store. Each call taking a list is one statement on
    // PostgreSQL whatever the number of rows (one round trip, and one more
    // for write's savepoint); SQLite, in-process, runs its prepared one-row
    // statements in turn.
    // True for every agent on SQLite (BEGIN IMMEDIATE already excludes
    // other scanners); PostgreSQL: the advisory lock of each agent, held
    // until the transaction ends.
    std::vector<bool> claim_agents(const std::vector<std::string>& agent_ids) override;
    // Upserts the configured jobs by identity, deactivates the others (jobs.cpp).
    void sync_jobs(const JobList& jobs, std::int64_t now) override;
    // The active jobs of each agent, each agent's in load_all_jobs' order.
    std::vector<Job> load_jobs(const std::vector<std::string>& agent_ids) override;
    // Whether each report's content was recorded from its agent folder, and under its name.
    std::vector<ReportSeen> find_reports(const std::vector<ReportQuery>& queries) override;
    // The entries of job_ids[i] from cycle since[i] on, for each i in
    // turn, each job's by cycle then id (entries.cpp).
    std::vector<Entry> load_entries(const std::vector<std::int64_t>& job_ids,
                                    const std::vector<std::int64_t>& since) override;
    // Inserts the entries, sets the job states, records the report fates
    // not recorded yet (agent_writes.cpp). RowRefused names the first row
    // the database refused; vigil::Unavailable when the connection is gone.
    void write(const WriteBatch& batch) override;
    // The scans table (scans.cpp): a row inserted running, then finished.
    std::int64_t start_scan(const Scan& scan) override;
    void finish_scan(const Scan& scan) override;
    // The latest scans, newest first.
    std::vector<Scan> load_scans(bool completed_only, std::size_t limit) override;

    // The outbox (notifications.cpp).
    // Stores each event with one pending delivery per notifier (on
    // PostgreSQL in one statement, after a savepoint). RowRefused
    // (VIGIL_ROW_EVENT) names the first event the database refused.
    void insert_events(const std::vector<QueuedEvent>& events) override;
    // Claims the notifier's due deliveries until lease_until.
    std::vector<Event> claim_deliveries(const std::string& notifier, std::int64_t now, std::int64_t real_now,
                                        std::int64_t lease_until) override;
    // Ends the claims of these events for the notifier, in `state`.
    void finish_deliveries(const std::string& notifier, const std::vector<std::int64_t>& event_ids,
                           const std::string& state, std::int64_t next_attempt_at, const std::string& error,
                           std::int64_t at) override;
    // The scan time of the job's latest event the notifier did not fail to deliver.
    std::int64_t last_notified(const std::string& notifier, std::int64_t job_id) override;
    // The status the notifier last told about the job (silences.cpp).
    std::optional<std::string> last_word(const std::string& notifier, std::int64_t job_id) override;
    // Deliveries per notifier and state (queries.cpp).
    std::vector<DeliveryCount> count_deliveries() override;

    // The operator's reads.
    // The jobs of one agent (all when empty), only the active ones when
    // active_only, by agent, database name, `at` time, then schedule text
    // and zone (jobs.cpp).
    std::vector<Job> load_all_jobs(const std::string& agent_id, bool active_only) override;
    // An agent's entries, newest first (entries.cpp).
    std::vector<Entry> find_entries(const std::string& agent_id, const std::string& file_name,
                                    std::int64_t since) override;
    // An agent folder's report fates, newest first (queries.cpp).
    std::vector<ReportRecord> load_reports(const std::string& agent_id, const std::string& file_name,
                                           std::int64_t since) override;

    // Silences (silences.cpp): stored, listed, ended early.
    std::int64_t add_silence(const Silence& silence) override;
    std::vector<Silence> load_silences(std::int64_t ending_after) override;
    bool expire_silence(std::int64_t id, std::int64_t at, const std::string& by) override;

private:
    // Opens the session for a dry run: the database as it is (an empty one
    // in memory when its SQLite file does not exist yet), inside one
    // transaction that is never committed.
    void open_for_dry_run();
    // Connects and sets the session up; vigil::Unavailable naming the URL when it cannot.
    void open_session(const std::string& connect_string);
    // SQLite: sets the WAL journal mode, waiting as a busy lock would.
    void use_wal();
    // The one-row statements: SQLite's way of answering the batched calls,
    // and PostgreSQL's when a batch cannot be one statement (a job updated
    // twice) or when it was refused and its rows are written again one at
    // a time (write_batched). They store the same values as the batched
    // statements (table_rows.hpp).
    ReportSeen find_report(const ReportQuery& query);
    std::vector<Entry> entries_of_job(std::int64_t job_id, std::int64_t since);
    void insert_entry(const Entry& entry);
    // Throws naming the job when there is no job of its id.
    void update_job_state(const Job& job);
    void record_report(const ReportRecord& record);
    void insert_event(const QueuedEvent& event);
    // The batch's rows, one statement each, in order: RowRefused names
    // the first one refused.
    void write_rows(const WriteBatch& batch);
    void insert_event_rows(const std::vector<QueuedEvent>& events);
    // Runs write_one, the statements of the row `index` of list `kind`;
    // their failure, a lost connection aside, is RowRefused naming the row.
    void write_row(vigil_row_kind kind, std::size_t index, const std::function<void()>& write_one);
    // PostgreSQL: runs `batched` (a batch's statements) after a savepoint.
    // When the database refuses it (a lost connection aside: that is
    // vigil::Unavailable), goes back to the savepoint and writes the rows
    // again with `row_by_row`, which names the row refused (RowRefused); a
    // batch whose rows all pass alone is refused all the same, as a whole,
    // with the batched statement's reason.
    void write_batched(const char* operation, const std::function<void()>& batched,
                       const std::function<void()>& row_by_row);
    std::vector<Job> select_jobs(const std::string& agent_id, bool active_only);
    // The agents as JSON rows of one column, asked_agent (their position
    // beside it), for the statements that take a batch of agents.
    static sql::JsonRows asked_agents(const std::vector<std::string>& agent_ids);
    // Runs a batched statement that answers each of `asked` rows in a row of
    // its own, whose `position` column (declared in `columns`) is the asked
    // row's, and calls answer(position) for each; throws naming `operation`
    // unless every asked row got exactly one answer.
    void query_answers(const char* operation, const std::string& sql, sql::Params& params, sql::Columns& columns,
                       std::size_t asked, const std::function<void(std::size_t)>& answer);
    // The jobs that `from` (what follows FROM, a WHERE clause included,
    // with its parameters) selects, in load_jobs' order.
    std::vector<Job> query_jobs(const std::string& from, sql::Params& params);
    // The columns of a job and of an entry, declared on first use and kept:
    // the scan reads jobs and entries agent by agent, and declaring the
    // columns anew each time cost more than SQLite's answer. Each query
    // reading them fetches into them, one at a time.
    sql::Columns& job_columns();
    sql::Columns& entry_columns();
    // Runs f, turning SOCI's errors into the plugin's: vigil::Unavailable
    // when the connection is gone, std::runtime_error naming the operation
    // otherwise.
    template <typename F>
    auto guarded(const char* operation, F&& f) -> decltype(f());
    [[noreturn]] void rethrow(const char* operation, const soci::soci_error& error);
    bool connection_lost(const soci::soci_error& error);
    void require_transaction(const char* operation) const;
    bool postgres() const { return url_.backend == Backend::postgresql; }

    ConnectionUrl url_;
    soci::session session_;
    sql::PreparedStatements prepared_{session_};  // after session_: gone before it closes
    bool dry_run_ = false;
    bool database_missing_ = false;  // dry run: the SQLite file does not exist yet
    int found_schema_version_ = 0;   // before any upgrade
    bool in_transaction_ = false;
    // A statement failed since begin(): PostgreSQL would turn COMMIT into a
    // silent ROLLBACK, so commit() refuses instead.
    bool transaction_failed_ = false;
    std::optional<sql::Columns> job_columns_, entry_columns_;
};

template <typename F>
auto SociStorage::guarded(const char* operation, F&& f) -> decltype(f()) {
    if (session_.get_backend() == nullptr) {
        throw std::logic_error(std::string(operation) + ": storage is not configured");
    }
    try {
        return f();
    } catch (const soci::soci_error& e) {
        rethrow(operation, e);
    }
}

}  // namespace vigil::plugins

#endif  // VIGIL_STORAGE_SOCI_STORAGE_HPP
