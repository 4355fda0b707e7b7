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

class SociStorage : public vigil::Storage {
public:
    SociStorage() = default;
    SociStorage(const SociStorage&) = delete;
    SociStorage& operator=(const SociStorage&) = delete;
    // A dry run's transaction ends here, rolled back.
    ~SociStorage() override;

    void configure(const Config& config) override;
    void begin() override;
    void commit() override;
    void rollback() override;
    bool try_lock_agent(const std::string& agent_id) override;
    void sync_jobs(const JobList& jobs, std::int64_t now) override;
    std::vector<Job> load_jobs(const std::string& agent_id) override;
    std::vector<Entry> load_entries(std::int64_t job_id, std::int64_t since) override;
    std::int64_t insert_entry(const Entry& entry) override;
    void update_job_state(const Job& job) override;
    ReportSeen find_report(const std::string& content_sha256, const std::string& agent_id,
                           const std::string& file_name) override;
    void record_report(const ReportRecord& record) override;
    std::int64_t insert_event(const Event& event, const std::vector<std::string>& notifiers) override;
    std::vector<Event> claim_deliveries(const std::string& notifier, std::int64_t now, std::int64_t real_now,
                                        std::int64_t lease_until) override;
    void finish_deliveries(const std::string& notifier, const std::vector<std::int64_t>& event_ids,
                           const std::string& state, std::int64_t next_attempt_at, const std::string& error,
                           std::int64_t at) override;
    std::int64_t last_notified(const std::string& notifier, std::int64_t job_id) override;

    // The operator's side (dry_run.cpp, scans.cpp, and beside the tables they read).
    bool dry_run() override { return dry_run_; }
    std::string description() override;
    std::int64_t start_scan(const Scan& scan) override;
    void finish_scan(const Scan& scan) override;
    std::vector<Scan> load_scans(bool completed_only, std::size_t limit) override;
    std::vector<Job> load_all_jobs(const std::string& agent_id) override;
    std::vector<Entry> find_entries(const std::string& agent_id, const std::string& file_name,
                                    std::int64_t since) override;
    std::vector<ReportRecord> load_reports(const std::string& agent_id, const std::string& file_name,
                                           std::int64_t since) override;
    std::vector<DeliveryCount> count_deliveries() override;
    // Silences (silences.cpp).
    std::int64_t add_silence(const Silence& silence) override;
    std::vector<Silence> load_silences(std::int64_t ending_after) override;
    bool expire_silence(std::int64_t id, std::int64_t at, const std::string& by) override;
    std::optional<std::string> last_word(const std::string& notifier, std::int64_t job_id) override;
    // The scan's batched calls: one statement each on PostgreSQL, the
    // one-row statements on SQLite (entries.cpp, agent_writes.cpp).
    std::vector<Entry> load_entries_of_jobs(const std::vector<std::int64_t>& job_ids,
                                            const std::vector<std::int64_t>& since) override;
    void write_agent(const std::vector<Entry>& entries, const std::vector<Job>& job_states,
                     const std::vector<ReportRecord>& records) override;
    std::vector<bool> try_lock_agents(const std::vector<std::string>& agent_ids) override;
    std::vector<Job> load_jobs_of_agents(const std::vector<std::string>& agent_ids) override;
    std::vector<ReportSeen> find_reports(const std::vector<ReportQuery>& queries) override;

private:
    // Opens the session for a dry run: the database as it is (an empty one
    // in memory when its SQLite file does not exist yet), inside one
    // transaction that is never committed.
    void open_for_dry_run();
    // Connects and sets the session up; vigil::Unavailable naming the URL when it cannot.
    void open_session(const std::string& connect_string);
    // SQLite: sets the WAL journal mode, waiting as a busy lock would.
    void use_wal();
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
