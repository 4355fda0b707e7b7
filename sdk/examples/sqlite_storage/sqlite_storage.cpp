// sqlite_storage: a storage plugin on SQLite's C API, to show what a Vigil
// storage plugin needs: one class deriving from vigil::Storage (settings
// and transactions) and from the interface of each capability it offers,
// and the VIGIL_PLUGIN line. It offers the scan store and the outbox, what
// a scan with notifiers needs; it leaves out the operator's reads and
// silences (README.md says why), so the host refuses `vigil status`,
// `vigil silence` and a configuration with `maintenance:` on it, naming
// the capability it lacks.
//
// The contract is plugin.h's: each method implements the comment of the C
// function of the same name there. Settings (the `database:` section):
//
//     database:
//       plugin: sqlite_storage
//       path: vigil-example.db    # the default; relative to the configuration
//
// The tables and columns are named as docs/records.md names those of the
// bundled storage, but every time is one INTEGER of microseconds since
// 1970 (NULL when absent).
#include <vigil/plugin.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace {

using vigil::kNoSize;
using vigil::kNoTime;

constexpr int kSchemaVersion = 1;  // kept in PRAGMA user_version
// How long a scanner waits for another one's write transaction to end.
constexpr int kBusyTimeoutMs = 60000;

const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS expected_backup_jobs (
    id INTEGER PRIMARY KEY,
    agent_id_responsible TEXT NOT NULL, database_name TEXT NOT NULL,
    schedule TEXT NOT NULL, timezone TEXT NOT NULL,
    company_name TEXT NOT NULL, city TEXT NOT NULL, neighborhood TEXT NOT NULL,
    expected_hour_utc INTEGER, expected_minute_utc INTEGER,
    window_minutes INTEGER NOT NULL, early_minutes INTEGER, late_minutes INTEGER,
    is_active INTEGER NOT NULL, current_status TEXT NOT NULL,
    last_checked_timestamp INTEGER, last_successful_backup_timestamp INTEGER,
    previous_successful_hash_global TEXT,
    created_at INTEGER, updated_at INTEGER, last_entry_cycle_at INTEGER, status_changed_at INTEGER,
    UNIQUE (agent_id_responsible, database_name, schedule, timezone));
CREATE TABLE IF NOT EXISTS backup_entries (
    id INTEGER PRIMARY KEY,
    expected_job_id INTEGER NOT NULL REFERENCES expected_backup_jobs (id),
    cycle_expected_at INTEGER NOT NULL, timestamp INTEGER NOT NULL,
    status TEXT NOT NULL, message TEXT NOT NULL, operation_log_file_name TEXT,
    agent_id TEXT NOT NULL, agent_overall_status TEXT,
    operation_start_time INTEGER, operation_end_time INTEGER,
    agent_backup_status INTEGER, agent_backup_start_time INTEGER, agent_backup_end_time INTEGER,
    agent_backup_sha256_checksum TEXT, agent_backup_size INTEGER, agent_backup_error_message TEXT,
    agent_compress_status INTEGER, agent_compress_start_time INTEGER, agent_compress_end_time INTEGER,
    agent_compress_sha256_checksum TEXT, agent_compress_size INTEGER, agent_compress_error_message TEXT,
    agent_transfer_status INTEGER, agent_transfer_start_time INTEGER, agent_transfer_end_time INTEGER,
    agent_transfer_sha256_checksum TEXT, agent_transfer_size INTEGER, agent_transfer_error_message TEXT,
    agent_staged_file_name TEXT, agent_logs_summary TEXT,
    server_calculated_staged_hash TEXT, server_calculated_staged_size INTEGER,
    previous_successful_hash_global TEXT, hash_comparison_result INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS backup_entries_of_job ON backup_entries (expected_job_id, cycle_expected_at);
CREATE TABLE IF NOT EXISTS processed_reports (
    id INTEGER PRIMARY KEY,
    content_sha256 TEXT NOT NULL, agent_id TEXT NOT NULL, file_name TEXT NOT NULL,
    fate TEXT NOT NULL, reason TEXT NOT NULL, source TEXT,
    operation_end_time INTEGER, scanned_at INTEGER NOT NULL,
    UNIQUE (content_sha256, agent_id, file_name));
CREATE TABLE IF NOT EXISTS notification_events (
    id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL, kind TEXT NOT NULL, fingerprint TEXT NOT NULL,
    agent_id TEXT NOT NULL, database_name TEXT NOT NULL,
    expected_hour_utc INTEGER, expected_minute_utc INTEGER, schedule TEXT, timezone TEXT,
    old_status TEXT NOT NULL, new_status TEXT NOT NULL,
    cycle_expected_at INTEGER, message TEXT NOT NULL, scan_time INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS notification_deliveries (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES notification_events (id),
    notifier TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL, claimed_until INTEGER,
    last_error TEXT NOT NULL DEFAULT '', finished_at INTEGER,
    UNIQUE (event_id, notifier));
CREATE INDEX IF NOT EXISTS notification_deliveries_due ON notification_deliveries (notifier, state);
CREATE TABLE IF NOT EXISTS scans (
    id INTEGER PRIMARY KEY,
    started_at INTEGER NOT NULL, finished_at INTEGER, scan_time INTEGER NOT NULL,
    host TEXT NOT NULL, pid INTEGER NOT NULL,
    outcome TEXT NOT NULL DEFAULT 'running', message TEXT NOT NULL DEFAULT '',
    agents_scanned INTEGER NOT NULL DEFAULT 0, agents_without_folder INTEGER NOT NULL DEFAULT 0,
    folders_skipped INTEGER NOT NULL DEFAULT 0, agents_busy INTEGER NOT NULL DEFAULT 0,
    agents_failed INTEGER NOT NULL DEFAULT 0, reports_processed INTEGER NOT NULL DEFAULT 0,
    entries_recorded INTEGER NOT NULL DEFAULT 0, events_queued INTEGER NOT NULL DEFAULT 0,
    reports_archived INTEGER NOT NULL DEFAULT 0, archive_failures INTEGER NOT NULL DEFAULT 0,
    jobs_active INTEGER NOT NULL DEFAULT 0, bytes_verified INTEGER NOT NULL DEFAULT 0);
)sql";

// The columns that statements list, in the order they bind or read them.
const std::string kJobColumns =
    "id, agent_id_responsible, company_name, city, neighborhood, database_name, expected_hour_utc, "
    "expected_minute_utc, window_minutes, is_active, current_status, last_checked_timestamp, "
    "last_successful_backup_timestamp, previous_successful_hash_global, created_at, updated_at, "
    "last_entry_cycle_at, schedule, timezone, early_minutes, late_minutes, status_changed_at";
const std::string kEntryColumns =  // all but id
    "expected_job_id, cycle_expected_at, timestamp, status, message, operation_log_file_name, agent_id, "
    "agent_overall_status, operation_start_time, operation_end_time, "
    "agent_backup_status, agent_backup_start_time, agent_backup_end_time, agent_backup_sha256_checksum, "
    "agent_backup_size, agent_backup_error_message, "
    "agent_compress_status, agent_compress_start_time, agent_compress_end_time, agent_compress_sha256_checksum, "
    "agent_compress_size, agent_compress_error_message, "
    "agent_transfer_status, agent_transfer_start_time, agent_transfer_end_time, agent_transfer_sha256_checksum, "
    "agent_transfer_size, agent_transfer_error_message, "
    "agent_staged_file_name, agent_logs_summary, server_calculated_staged_hash, server_calculated_staged_size, "
    "previous_successful_hash_global, hash_comparison_result";
const std::string kEventColumns =  // all but id; no column of notification_deliveries has these names
    "job_id, kind, fingerprint, agent_id, database_name, expected_hour_utc, expected_minute_utc, schedule, "
    "timezone, old_status, new_status, cycle_expected_at, message, scan_time";
// The counters of a scans row, in the order of its columns.
const std::pair<const char*, std::int64_t vigil::Scan::*> kScanCounters[] = {
    {"agents_scanned", &vigil::Scan::agents_scanned},
    {"agents_without_folder", &vigil::Scan::agents_without_folder},
    {"folders_skipped", &vigil::Scan::folders_skipped},
    {"agents_busy", &vigil::Scan::agents_busy},
    {"agents_failed", &vigil::Scan::agents_failed},
    {"reports_processed", &vigil::Scan::reports_processed},
    {"entries_recorded", &vigil::Scan::entries_recorded},
    {"events_queued", &vigil::Scan::events_queued},
    {"reports_archived", &vigil::Scan::reports_archived},
    {"archive_failures", &vigil::Scan::archive_failures},
    {"jobs_active", &vigil::Scan::jobs_active},
    {"bytes_verified", &vigil::Scan::bytes_verified},
};

// "?, ?, ?": one placeholder per column of the list.
std::string placeholders(const std::string& columns) {
    std::string marks = "?";
    for (char c : columns) {
        if (c == ',') marks += ", ?";
    }
    return marks;
}

// What SQLite refused; code is its primary result code.
struct SqliteError : std::runtime_error {
    SqliteError(int code, const std::string& what) : std::runtime_error(what), code(code) {}
    int code;
};

// One prepared statement. Its parameters are bound, and its columns read,
// in the order its SQL names them: each binder takes the next `?`, each
// reader the next column of the row.
class Statement {
public:
    Statement(sqlite3* db, const std::string& sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
            throw SqliteError(sqlite3_errcode(db), sqlite3_errmsg(db));
        }
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& integer(std::int64_t value) { return bound(sqlite3_bind_int64(stmt_, ++param_, value)); }
    Statement& null() { return bound(sqlite3_bind_null(stmt_, ++param_)); }
    // The ABI's "absent" values are stored as NULL.
    Statement& time(std::int64_t value) { return value == kNoTime ? null() : integer(value); }
    Statement& size(std::int64_t value) { return value == kNoSize ? null() : integer(value); }
    Statement& small(const std::optional<int>& value) { return value ? integer(*value) : null(); }
    Statement& text(std::string_view value) {
        return bound(sqlite3_bind_text(stmt_, ++param_, value.data() ? value.data() : "",
                                       static_cast<int>(value.size()), SQLITE_TRANSIENT));
    }
    Statement& text(const std::string& value) { return text(std::string_view(value)); }
    Statement& text(const std::optional<std::string>& value) { return value ? text(*value) : null(); }

    // Steps to the next row; false when there is none, and the statement is
    // then ready to be bound and run again.
    bool next() {
        column_ = 0;
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) {
            reset();
            return false;
        }
        const SqliteError error(rc & 0xff, sqlite3_errmsg(db_));  // read before the reset
        reset();
        throw error;
    }
    // Runs a statement that returns no row; the number of rows it changed.
    int run() {
        while (next()) {
        }
        return sqlite3_changes(db_);
    }

    std::int64_t get_integer() { return sqlite3_column_int64(stmt_, column_++); }
    std::int64_t get_time() { return skip_null() ? kNoTime : get_integer(); }
    std::int64_t get_size() { return skip_null() ? kNoSize : get_integer(); }
    std::optional<int> get_small() {
        if (skip_null()) return std::nullopt;
        return static_cast<int>(get_integer());
    }
    std::string get_text() {
        const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column_));
        const int length = sqlite3_column_bytes(stmt_, column_++);
        return bytes ? std::string(bytes, static_cast<std::size_t>(length)) : std::string();
    }
    std::optional<std::string> get_optional_text() {
        if (skip_null()) return std::nullopt;
        return get_text();
    }

private:
    void reset() {
        sqlite3_reset(stmt_);
        param_ = 0;
    }
    Statement& bound(int rc) {
        if (rc != SQLITE_OK) throw SqliteError(rc, sqlite3_errmsg(db_));
        return *this;
    }
    // True, and past the column, when the next column is NULL.
    bool skip_null() {
        if (sqlite3_column_type(stmt_, column_) != SQLITE_NULL) return false;
        ++column_;
        return true;
    }

    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    int param_ = 0;
    int column_ = 0;
};

// A phase block's six columns (all NULL for an entry without that block).
void bind_phase(Statement& s, const std::optional<vigil::Phase>& phase) {
    if (!phase) {
        s.null().null().null().null().null().null();
        return;
    }
    s.integer(phase->status ? 1 : 0).time(phase->start_time).time(phase->end_time);
    s.text(phase->sha256_checksum).size(phase->size).text(phase->error_message);
}

// The six columns bind_phase wrote; nullopt when the block was absent.
std::optional<vigil::Phase> read_phase(Statement& s) {
    const std::optional<int> status = s.get_small();
    vigil::Phase phase;
    phase.start_time = s.get_time();
    phase.end_time = s.get_time();
    phase.sha256_checksum = s.get_optional_text();
    phase.size = s.get_size();
    phase.error_message = s.get_optional_text();
    if (!status) return std::nullopt;  // a missing entry has no phases
    phase.status = *status != 0;
    return phase;
}

vigil::Job read_job(Statement& s) {  // kJobColumns
    vigil::Job j;
    j.id = s.get_integer();
    j.agent_id_responsible = s.get_text();
    j.company_name = s.get_text();
    j.city = s.get_text();
    j.neighborhood = s.get_text();
    j.database_name = s.get_text();
    j.expected_hour_utc = s.get_small();
    j.expected_minute_utc = s.get_small();
    j.window_minutes = static_cast<int>(s.get_integer());
    j.is_active = s.get_integer() != 0;
    j.current_status = s.get_text();
    j.last_checked_timestamp = s.get_time();
    j.last_successful_backup_timestamp = s.get_time();
    j.previous_successful_hash_global = s.get_optional_text();
    j.created_at = s.get_time();
    j.updated_at = s.get_time();
    j.last_entry_cycle_at = s.get_time();
    j.schedule = s.get_text();
    j.timezone = s.get_text();
    j.early_minutes = s.get_small();
    j.late_minutes = s.get_small();
    j.status_changed_at = s.get_time();
    return j;
}

vigil::Entry read_entry(Statement& s) {  // id, then kEntryColumns
    vigil::Entry e;
    e.id = s.get_integer();
    e.expected_job_id = s.get_integer();
    e.cycle_expected_at = s.get_time();
    e.timestamp = s.get_time();
    e.status = s.get_text();
    e.message = s.get_text();
    e.operation_log_file_name = s.get_optional_text();
    e.agent_id = s.get_text();
    e.agent_overall_status = s.get_optional_text();
    e.operation_start_time = s.get_time();
    e.operation_end_time = s.get_time();
    e.backup = read_phase(s);
    e.compress = read_phase(s);
    e.transfer = read_phase(s);
    e.agent_staged_file_name = s.get_optional_text();
    e.agent_logs_summary = s.get_optional_text();
    e.server_calculated_staged_hash = s.get_optional_text();
    e.server_calculated_staged_size = s.get_size();
    e.previous_successful_hash_global = s.get_optional_text();
    e.hash_comparison_result = static_cast<int>(s.get_integer());
    return e;
}

vigil::Event read_event(Statement& s) {  // id, then kEventColumns
    vigil::Event e;
    e.id = s.get_integer();
    e.job_id = s.get_integer();
    e.kind = s.get_text();
    e.fingerprint = s.get_text();
    e.agent_id = s.get_text();
    e.database_name = s.get_text();
    e.expected_hour_utc = s.get_small();
    e.expected_minute_utc = s.get_small();
    e.schedule = s.get_optional_text().value_or("");
    e.timezone = s.get_optional_text().value_or("");
    e.old_status = s.get_text();
    e.new_status = s.get_text();
    e.cycle_expected_at = s.get_time();
    e.message = s.get_text();
    e.scan_time = s.get_time();
    return e;
}

// Whether the database refused the row itself (a constraint, a value too
// big), rather than failed for a reason of its own (a full disk, a lock).
bool refuses_row(const SqliteError& e) {
    return e.code == SQLITE_CONSTRAINT || e.code == SQLITE_TOOBIG || e.code == SQLITE_MISMATCH;
}

// Runs the statement that writes row `index` of a list of `kind`: when the
// database refuses that row, the host learns which one it was.
template <typename Write>
void write_row(vigil_row_kind kind, const char* what, std::size_t index, Write write) {
    try {
        write();
    } catch (const SqliteError& e) {
        if (!refuses_row(e)) throw;
        throw vigil::RowRefused(kind, index, std::string(what) + " " + std::to_string(index) + ": " + e.what());
    }
}

// The plugin: the storage core, and the two capabilities it offers. The
// host calls it from one thread at a time, one connection per instance.
class SqliteStorage : public vigil::Storage, public vigil::ScanStore, public vigil::Outbox {
public:
    ~SqliteStorage() override { sqlite3_close_v2(db_); }

    // ---- the core ----

    void configure(const vigil::Config& config) override {
        for (const auto& setting : config) {
            const std::string& key = setting.first;
            // The host adds `name` and the vigil_* settings to every plugin's.
            if (key != "path" && key != "name" && key.rfind("vigil_", 0) != 0) {
                throw vigil::InvalidInput("setting `" + key + "`: unknown setting (known: path)");
            }
        }
        path_ = vigil::setting<std::string>(config, "path", "vigil-example.db");
        if (path_.empty()) throw vigil::InvalidInput("setting `path`: must name a file");
        if (path_.is_relative()) {
            path_ = std::filesystem::path(vigil::setting<std::string>(config, "vigil_config_dir", ".")) / path_;
        }
        dry_run_ = vigil::setting<bool>(config, "vigil_dry_run", false);
        if (dry_run_) {
            // A dry run works on a copy in memory: the file is neither
            // written nor created, and no lock on it outlives configure.
            open(":memory:", SQLITE_OPEN_READWRITE);
            file_exists_ = std::filesystem::exists(path_);
            if (file_exists_) copy_file_into_memory();
        } else {
            open(path_.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        }
        try {
            create_schema();
        } catch (const SqliteError& e) {
            throw std::runtime_error(path_.string() + ": " + e.what());
        }
    }
    // IMMEDIATE: the transaction takes SQLite's one write lock now rather
    // than at its first write (see claim_agents).
    void begin() override { exec("BEGIN IMMEDIATE"); }
    void commit() override { exec("COMMIT"); }
    // SQLite rolls a transaction back by itself after some failures (a full
    // disk, say): there may be none left to roll back.
    void rollback() override {
        if (sqlite3_get_autocommit(db_) == 0) exec("ROLLBACK");
    }
    bool dry_run() override { return dry_run_; }
    std::string description() override {
        const std::string file = "SQLite file " + path_.string();
        if (!dry_run_) return file + ", schema " + std::to_string(kSchemaVersion);
        return file + (file_exists_ ? ", copied into memory for this dry run"
                                    : ": does not exist yet (a scan creates it)");
    }

    // ---- the scan store ----

    // SQLite has one writer at a time, and begin() takes the write lock at
    // once: while this transaction is open no other scanner's can be, so
    // every agent is this transaction's until it ends, and the next
    // scanner's transaction sees what this one recorded. (A server database
    // locks each agent instead and answers false for those another scanner
    // holds, as the bundled plugin does with PostgreSQL's advisory locks.)
    std::vector<bool> claim_agents(const std::vector<std::string>& agent_ids) override {
        if (sqlite3_get_autocommit(db_) != 0) throw std::logic_error("claim_agents: no transaction is open");
        return std::vector<bool>(agent_ids.size(), true);
    }

    void sync_jobs(const vigil::JobList& jobs, std::int64_t now) override {
        // A stored job is updated only when one of its settings differs or
        // it was inactive, so updated_at says when it last changed.
        Statement upsert(db_,
                         "INSERT INTO expected_backup_jobs (agent_id_responsible, database_name, schedule, timezone, "
                         "company_name, city, neighborhood, expected_hour_utc, expected_minute_utc, window_minutes, "
                         "early_minutes, late_minutes, is_active, current_status, created_at, updated_at, "
                         "status_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'unknown', ?, ?, ?) "
                         "ON CONFLICT (agent_id_responsible, database_name, schedule, timezone) DO UPDATE SET "
                         "company_name = excluded.company_name, city = excluded.city, "
                         "neighborhood = excluded.neighborhood, window_minutes = excluded.window_minutes, "
                         "early_minutes = excluded.early_minutes, late_minutes = excluded.late_minutes, "
                         "is_active = 1, updated_at = excluded.updated_at "
                         "WHERE (company_name, city, neighborhood, window_minutes, early_minutes, late_minutes, "
                         "is_active) IS NOT (excluded.company_name, excluded.city, excluded.neighborhood, "
                         "excluded.window_minutes, excluded.early_minutes, excluded.late_minutes, 1)");
        using Identity = std::tuple<std::string, std::string, std::string, std::string>;
        std::set<Identity> listed;
        for (std::size_t i = 0; i < jobs.size(); ++i) {
            const vigil::JobList::Identity id = jobs.identity(i);
            const vigil::Job job = jobs[i];
            upsert.text(id.agent).text(id.database).text(id.schedule).text(id.timezone);
            upsert.text(job.company_name).text(job.city).text(job.neighborhood);
            upsert.small(job.expected_hour_utc).small(job.expected_minute_utc).integer(job.window_minutes);
            upsert.small(job.early_minutes).small(job.late_minutes).time(now).time(now).time(now).run();
            listed.emplace(id.agent, id.database, id.schedule, id.timezone);
        }
        Statement active(db_,
                         "SELECT id, agent_id_responsible, database_name, schedule, timezone "
                         "FROM expected_backup_jobs WHERE is_active = 1");
        std::vector<std::int64_t> gone;
        while (active.next()) {
            const std::int64_t id = active.get_integer();
            // A braced list runs its initialisers in order: the columns' order.
            Identity identity{active.get_text(), active.get_text(), active.get_text(), active.get_text()};
            if (listed.count(identity) == 0) gone.push_back(id);
        }
        Statement deactivate(db_, "UPDATE expected_backup_jobs SET is_active = 0, updated_at = ? WHERE id = ?");
        for (std::int64_t id : gone) deactivate.time(now).integer(id).run();
    }

    std::vector<vigil::Job> load_jobs(const std::vector<std::string>& agent_ids) override {
        // SQLite compares text byte by byte, the order plugin.h asks for.
        Statement select(db_, "SELECT " + kJobColumns +
                                  " FROM expected_backup_jobs WHERE agent_id_responsible = ? AND is_active = 1"
                                  " ORDER BY database_name, schedule, timezone, id");
        std::vector<vigil::Job> jobs;
        for (const std::string& agent : agent_ids) {
            select.text(agent);
            while (select.next()) jobs.push_back(read_job(select));
        }
        return jobs;
    }

    std::vector<vigil::ReportSeen> find_reports(const std::vector<vigil::ReportQuery>& queries) override {
        Statement select(db_,
                         "SELECT COUNT(*), COALESCE(MAX(file_name = ?), 0) FROM processed_reports "
                         "WHERE content_sha256 = ? AND agent_id = ?");
        std::vector<vigil::ReportSeen> answers;
        for (const vigil::ReportQuery& query : queries) {
            select.text(query.file_name).text(query.content_sha256).text(query.agent_id);
            vigil::ReportSeen seen;
            while (select.next()) {
                seen.content_seen = select.get_integer() > 0;
                seen.same_file = select.get_integer() != 0;
            }
            answers.push_back(seen);
        }
        return answers;
    }

    std::vector<vigil::Entry> load_entries(const std::vector<std::int64_t>& job_ids,
                                           const std::vector<std::int64_t>& since) override {
        Statement select(db_, "SELECT id, " + kEntryColumns +
                                  " FROM backup_entries WHERE expected_job_id = ? AND cycle_expected_at >= ?"
                                  " ORDER BY cycle_expected_at, id");
        std::vector<vigil::Entry> entries;
        for (std::size_t i = 0; i < job_ids.size(); ++i) {
            // kNoTime is the smallest int64: "since kNoTime" is every cycle.
            select.integer(job_ids[i]).integer(since[i]);
            while (select.next()) entries.push_back(read_entry(select));
        }
        return entries;
    }

    void write(const vigil::WriteBatch& batch) override {
        Statement entry(db_, "INSERT INTO backup_entries (" + kEntryColumns + ") VALUES (" +
                                 placeholders(kEntryColumns) + ")");
        for (std::size_t i = 0; i < batch.entries.size(); ++i) {
            write_row(VIGIL_ROW_ENTRY, "entry", i, [&] { insert_entry(entry, batch.entries[i]); });
        }
        Statement state(db_,
                        "UPDATE expected_backup_jobs SET current_status = ?, last_checked_timestamp = ?, "
                        "last_successful_backup_timestamp = ?, previous_successful_hash_global = ?, "
                        "last_entry_cycle_at = ?, updated_at = COALESCE(?, updated_at), "
                        "status_changed_at = COALESCE(?, status_changed_at) WHERE id = ?");
        for (std::size_t i = 0; i < batch.job_states.size(); ++i) {
            const vigil::Job& job = batch.job_states[i];
            int changed = 0;
            write_row(VIGIL_ROW_JOB_STATE, "job state", i, [&] {
                state.text(job.current_status).time(job.last_checked_timestamp);
                state.time(job.last_successful_backup_timestamp).text(job.previous_successful_hash_global);
                state.time(job.last_entry_cycle_at).time(job.updated_at).time(job.status_changed_at);
                changed = state.integer(job.id).run();
            });
            // An UPDATE of no row is no error to SQLite; it is to the host.
            if (changed == 0) {
                throw vigil::RowRefused(VIGIL_ROW_JOB_STATE, i, "job state " + std::to_string(i) +
                                                                     ": there is no job with id " +
                                                                     std::to_string(job.id));
            }
        }
        // A fate already recorded for the same report is kept.
        Statement report(db_,
                         "INSERT INTO processed_reports (content_sha256, agent_id, file_name, fate, reason, source, "
                         "operation_end_time, scanned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                         "ON CONFLICT (content_sha256, agent_id, file_name) DO NOTHING");
        for (std::size_t i = 0; i < batch.reports.size(); ++i) {
            const vigil::ReportRecord& r = batch.reports[i];
            write_row(VIGIL_ROW_REPORT, "report", i, [&] {
                report.text(r.content_sha256).text(r.agent_id).text(r.file_name).text(r.fate).text(r.reason);
                report.text(r.source).time(r.operation_end_time).time(r.scanned_at).run();
            });
        }
    }

    std::int64_t start_scan(const vigil::Scan& scan) override {
        Statement insert(db_, "INSERT INTO scans (started_at, scan_time, host, pid) VALUES (?, ?, ?, ?)");
        insert.time(scan.started_at).time(scan.scan_time).text(scan.host).integer(scan.pid).run();
        vigil::Scan stored = scan;
        stored.id = sqlite3_last_insert_rowid(db_);
        finish_scan(stored);  // the rest of the row
        return stored.id;
    }

    void finish_scan(const vigil::Scan& scan) override {
        std::string set = "finished_at = ?, outcome = ?, message = ?";
        for (const auto& counter : kScanCounters) set += std::string(", ") + counter.first + " = ?";
        Statement update(db_, "UPDATE scans SET " + set + " WHERE id = ?");
        update.time(scan.finished_at).text(scan.outcome).text(scan.message);
        for (const auto& counter : kScanCounters) update.integer(scan.*counter.second);
        if (update.integer(scan.id).run() == 0) {
            throw std::runtime_error("finish_scan: there is no scan with id " + std::to_string(scan.id));
        }
    }

    std::vector<vigil::Scan> load_scans(bool completed_only, std::size_t limit) override {
        std::string columns = "id, started_at, finished_at, scan_time, host, pid, outcome, message";
        for (const auto& counter : kScanCounters) columns += std::string(", ") + counter.first;
        Statement select(db_, "SELECT " + columns + " FROM scans" +
                                  (completed_only ? " WHERE outcome = 'completed'" : "") +
                                  " ORDER BY id DESC LIMIT ?");
        select.integer(static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
        std::vector<vigil::Scan> scans;
        while (select.next()) {
            vigil::Scan s;
            s.id = select.get_integer();
            s.started_at = select.get_time();
            s.finished_at = select.get_time();
            s.scan_time = select.get_time();
            s.host = select.get_text();
            s.pid = select.get_integer();
            s.outcome = select.get_text();
            s.message = select.get_text();
            for (const auto& counter : kScanCounters) s.*counter.second = select.get_integer();
            scans.push_back(std::move(s));
        }
        return scans;
    }

    // ---- the outbox ----

    void insert_events(const std::vector<vigil::QueuedEvent>& events) override {
        Statement event(db_, "INSERT INTO notification_events (" + kEventColumns + ") VALUES (" +
                                 placeholders(kEventColumns) + ")");
        // Due at once: a delivery's first attempt is the scan that queued it.
        Statement delivery(db_,
                           "INSERT INTO notification_deliveries (event_id, notifier, next_attempt_at) VALUES (?, ?, ?)");
        for (std::size_t i = 0; i < events.size(); ++i) {
            const vigil::Event& e = events[i].event;
            write_row(VIGIL_ROW_EVENT, "event", i, [&] {
                event.integer(e.job_id).text(e.kind).text(e.fingerprint).text(e.agent_id).text(e.database_name);
                event.small(e.expected_hour_utc).small(e.expected_minute_utc);
                event.text(e.schedule.empty() ? std::nullopt : std::optional<std::string>(e.schedule));
                event.text(e.timezone.empty() ? std::nullopt : std::optional<std::string>(e.timezone));
                event.text(e.old_status).text(e.new_status).time(e.cycle_expected_at).text(e.message);
                event.time(e.scan_time).run();
                const std::int64_t id = sqlite3_last_insert_rowid(db_);
                for (const std::string& notifier : events[i].notifiers) {
                    delivery.integer(id).text(notifier).time(e.scan_time).run();
                }
            });
        }
    }

    std::vector<vigil::Event> claim_deliveries(const std::string& notifier, std::int64_t now, std::int64_t real_now,
                                               std::int64_t lease_until) override {
        // Due, or claimed by a scanner that did not finish in time (it died).
        const std::string claimable =
            "d.notifier = ? AND d.state = 'pending' AND "
            "((d.claimed_until IS NULL AND d.next_attempt_at <= ?) OR d.claimed_until < ?)";
        Statement select(db_, "SELECT e.id, " + kEventColumns +
                                  ", d.claimed_until IS NOT NULL FROM notification_deliveries AS d"
                                  " JOIN notification_events AS e ON e.id = d.event_id WHERE " +
                                  claimable + " ORDER BY e.id");
        select.text(notifier).integer(now).integer(real_now);
        std::vector<vigil::Event> events;
        while (select.next()) {
            events.push_back(read_event(select));
            // Claimed before and never finished: that claimant may have sent it.
            events.back().possibly_duplicate = select.get_integer() != 0;
        }
        // The same rows: this transaction holds the write lock since begin().
        Statement claim(db_, "UPDATE notification_deliveries AS d SET claimed_until = ?, attempts = attempts + 1"
                             " WHERE " + claimable);
        claim.integer(lease_until).text(notifier).integer(now).integer(real_now).run();
        return events;
    }

    void finish_deliveries(const std::string& notifier, const std::vector<std::int64_t>& event_ids,
                           const std::string& state, std::int64_t next_attempt_at, const std::string& error,
                           std::int64_t at) override {
        if (state != "sent" && state != "failed" && state != "pending") {
            throw std::invalid_argument("finish_deliveries: unknown state \"" + state + "\"");
        }
        Statement update(db_,
                         "UPDATE notification_deliveries SET state = ?, claimed_until = NULL, "
                         "next_attempt_at = COALESCE(?, next_attempt_at), last_error = ?, finished_at = ? "
                         "WHERE notifier = ? AND event_id = ?");
        for (std::int64_t id : event_ids) {
            update.text(state).time(next_attempt_at).text(error).time(state == "pending" ? kNoTime : at);
            update.text(notifier).integer(id).run();
        }
    }

    std::int64_t last_notified(const std::string& notifier, std::int64_t job_id) override {
        Statement select(db_,
                         "SELECT MAX(e.scan_time) FROM notification_deliveries AS d JOIN notification_events AS e"
                         " ON e.id = d.event_id WHERE d.notifier = ? AND e.job_id = ? AND d.state <> 'failed'");
        select.text(notifier).integer(job_id);
        std::int64_t at = kNoTime;
        while (select.next()) at = select.get_time();
        return at;
    }

    std::optional<std::string> last_word(const std::string& notifier, std::int64_t job_id) override {
        Statement select(db_,
                         "SELECT e.new_status FROM notification_deliveries AS d JOIN notification_events AS e"
                         " ON e.id = d.event_id WHERE d.notifier = ? AND e.job_id = ? AND d.state <> 'failed'"
                         " AND e.kind IN ('status_change', 'reminder') ORDER BY e.id DESC LIMIT 1");
        select.text(notifier).integer(job_id);
        std::optional<std::string> status;
        while (select.next()) status = select.get_text();
        return status;
    }

    std::vector<vigil::DeliveryCount> count_deliveries() override {
        Statement select(db_,
                         "SELECT notifier, state, COUNT(*) FROM notification_deliveries"
                         " GROUP BY notifier, state ORDER BY notifier, state");
        std::vector<vigil::DeliveryCount> counts;
        while (select.next()) {
            vigil::DeliveryCount c;
            c.notifier = select.get_text();
            c.state = select.get_text();
            c.count = select.get_integer();
            counts.push_back(std::move(c));
        }
        return counts;
    }

private:
    // Opens the connection (to the file, or to memory for a dry run).
    void open(const std::string& file, int flags) {
        if (sqlite3_open_v2(file.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
            throw vigil::Unavailable("cannot open " + path_.string() + ": " +
                                     (db_ ? sqlite3_errmsg(db_) : "out of memory"));
        }
        sqlite3_busy_timeout(db_, kBusyTimeoutMs);
        // Off by default in SQLite: without it an entry of an unknown job is stored.
        exec("PRAGMA foreign_keys = ON");
    }

    // Copies the file into the connection, in memory, for a dry run.
    void copy_file_into_memory() {
        sqlite3* file = nullptr;
        int rc = sqlite3_open_v2(path_.c_str(), &file, SQLITE_OPEN_READONLY, nullptr);
        if (rc == SQLITE_OK) {
            sqlite3_busy_timeout(file, kBusyTimeoutMs);
            sqlite3_backup* backup = sqlite3_backup_init(db_, "main", file, "main");
            if (backup == nullptr) {
                rc = sqlite3_errcode(db_);
            } else {
                sqlite3_backup_step(backup, -1);
                rc = sqlite3_backup_finish(backup);
            }
        }
        const std::string why = file ? sqlite3_errmsg(file) : "out of memory";
        sqlite3_close_v2(file);
        if (rc != SQLITE_OK) throw vigil::Unavailable("cannot read " + path_.string() + ": " + why);
    }

    // Creates the tables a new (or empty) database lacks.
    void create_schema() {
        Statement pragma(db_, "PRAGMA user_version");
        int version = 0;
        while (pragma.next()) version = static_cast<int>(pragma.get_integer());
        if (version > kSchemaVersion) {
            throw vigil::InvalidInput("written by a newer sqlite_storage (schema " + std::to_string(version) +
                                      "; this one knows " + std::to_string(kSchemaVersion) + ")");
        }
        if (version == kSchemaVersion) return;
        // Scanners starting together on a new file create it one at a time.
        begin();
        try {
            exec(kSchema);
            exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
            commit();
        } catch (...) {
            rollback();
            throw;
        }
    }

    // Runs SQL that returns no row (several statements at once if need be).
    void exec(const char* sql) {
        char* message = nullptr;
        const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
        if (rc != SQLITE_OK) {
            const std::string why = message ? message : sqlite3_errstr(rc);
            sqlite3_free(message);
            throw SqliteError(rc & 0xff, why);
        }
    }

    // Runs the INSERT of kEntryColumns for one entry.
    void insert_entry(Statement& s, const vigil::Entry& e) {
        s.integer(e.expected_job_id).time(e.cycle_expected_at).time(e.timestamp).text(e.status).text(e.message);
        s.text(e.operation_log_file_name).text(e.agent_id).text(e.agent_overall_status);
        s.time(e.operation_start_time).time(e.operation_end_time);
        bind_phase(s, e.backup);
        bind_phase(s, e.compress);
        bind_phase(s, e.transfer);
        s.text(e.agent_staged_file_name).text(e.agent_logs_summary).text(e.server_calculated_staged_hash);
        s.size(e.server_calculated_staged_size).text(e.previous_successful_hash_global);
        s.integer(e.hash_comparison_result).run();
    }

    sqlite3* db_ = nullptr;
    std::filesystem::path path_;
    bool dry_run_ = false;
    bool file_exists_ = false;  // in a dry run: there was a file to copy
};

}  // namespace

VIGIL_PLUGIN("sqlite_storage", "1.0.0", "keeps the records in one SQLite file (the SDK's storage example)",
             SqliteStorage)
