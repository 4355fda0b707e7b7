#include "schema.hpp"

#include <vigil/plugin.hpp>

#include <vector>

namespace vigil::plugins {
namespace {

// Migration statements are written once for both dialects; these markers
// stand for the types that differ:
//   {ID}    auto-increment primary key
//   {BOOL}  boolean (0/1 INTEGER in SQLite)
//   {TIME}  UTC time ('YYYY-MM-DD HH:MM:SS' TEXT in SQLite, timestamptz in PostgreSQL)
struct Migration {
    std::vector<const char*> statements;
};

const std::vector<Migration>& migrations() {
    static const std::vector<Migration> list = {
        // 1: the tables of docs/records.md.
        {{R"(CREATE TABLE expected_backup_jobs (
                id {ID},
                agent_id_responsible TEXT NOT NULL,
                company_name TEXT NOT NULL,
                city TEXT NOT NULL,
                neighborhood TEXT NOT NULL,
                database_name TEXT NOT NULL,
                expected_hour_utc INTEGER NOT NULL,
                expected_minute_utc INTEGER NOT NULL,
                window_minutes INTEGER NOT NULL,
                is_active {BOOL} NOT NULL DEFAULT TRUE,
                current_status TEXT NOT NULL DEFAULT 'unknown',
                last_checked_timestamp {TIME},
                last_successful_backup_timestamp {TIME},
                previous_successful_hash_global TEXT,
                created_at {TIME} NOT NULL,
                updated_at {TIME} NOT NULL,
                last_entry_cycle_at {TIME},
                UNIQUE (agent_id_responsible, database_name, expected_hour_utc, expected_minute_utc)
            ))",
          R"(CREATE TABLE backup_entries (
                id {ID},
                expected_job_id BIGINT NOT NULL REFERENCES expected_backup_jobs (id),
                cycle_expected_at {TIME} NOT NULL,
                "timestamp" {TIME} NOT NULL,
                status TEXT NOT NULL,
                message TEXT NOT NULL DEFAULT '',
                operation_log_file_name TEXT,
                agent_id TEXT NOT NULL,
                agent_overall_status TEXT,
                operation_start_time {TIME},
                operation_end_time {TIME},
                operation_end_time_us BIGINT,
                agent_backup_status {BOOL},
                agent_backup_start_time {TIME},
                agent_backup_end_time {TIME},
                agent_backup_sha256_checksum TEXT,
                agent_backup_size BIGINT,
                agent_backup_error_message TEXT,
                agent_compress_status {BOOL},
                agent_compress_start_time {TIME},
                agent_compress_end_time {TIME},
                agent_compress_sha256_checksum TEXT,
                agent_compress_size BIGINT,
                agent_compress_error_message TEXT,
                agent_transfer_status {BOOL},
                agent_transfer_start_time {TIME},
                agent_transfer_end_time {TIME},
                agent_transfer_sha256_checksum TEXT,
                agent_transfer_size BIGINT,
                agent_transfer_error_message TEXT,
                agent_staged_file_name TEXT,
                agent_logs_summary TEXT,
                server_calculated_staged_hash TEXT,
                server_calculated_staged_size BIGINT,
                previous_successful_hash_global TEXT,
                hash_comparison_result {BOOL}
            ))",
          "CREATE INDEX backup_entries_job_cycle ON backup_entries (expected_job_id, cycle_expected_at)",
          R"(CREATE TABLE processed_reports (
                id {ID},
                content_sha256 TEXT NOT NULL,
                agent_id TEXT NOT NULL,
                file_name TEXT NOT NULL,
                fate TEXT NOT NULL,
                reason TEXT NOT NULL DEFAULT '',
                source TEXT,
                operation_end_time {TIME},
                scanned_at {TIME},
                UNIQUE (content_sha256, agent_id, file_name)
            ))",
          "CREATE INDEX processed_reports_content ON processed_reports (content_sha256)"}},
        // 2: the notification outbox (docs/notifications.md). Claim and retry times are
        // microseconds: claimed_until is on the real clock, next_attempt_at
        // on the scans' clock (--now).
        {{R"(CREATE TABLE notification_events (
                id {ID},
                job_id BIGINT,
                kind TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                agent_id TEXT NOT NULL,
                database_name TEXT NOT NULL,
                expected_hour_utc INTEGER NOT NULL,
                expected_minute_utc INTEGER NOT NULL,
                old_status TEXT NOT NULL,
                new_status TEXT NOT NULL,
                cycle_expected_at {TIME},
                message TEXT NOT NULL DEFAULT '',
                scan_time {TIME} NOT NULL,
                scan_time_us BIGINT NOT NULL
            ))",
          "CREATE INDEX notification_events_job ON notification_events (job_id)",
          R"(CREATE TABLE notification_deliveries (
                id {ID},
                event_id BIGINT NOT NULL REFERENCES notification_events (id),
                notifier TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending',
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at_us BIGINT NOT NULL,
                claimed_until_us BIGINT,
                last_error TEXT NOT NULL DEFAULT '',
                finished_at {TIME},
                UNIQUE (event_id, notifier)
            ))",
          "CREATE INDEX notification_deliveries_due ON notification_deliveries (notifier, state)"}},
        // 3: the operator's records (docs/records.md): one row per scan, and
        // when each job's status last changed. Jobs still unknown have not
        // changed since they were created; for the others it is not known
        // until their next change (NULL).
        {{R"(CREATE TABLE scans (
                id {ID},
                started_at {TIME} NOT NULL,
                finished_at {TIME},
                duration_us BIGINT,
                scan_time {TIME} NOT NULL,
                host TEXT NOT NULL,
                pid BIGINT NOT NULL,
                outcome TEXT NOT NULL,
                message TEXT NOT NULL DEFAULT '',
                agents_scanned BIGINT NOT NULL DEFAULT 0,
                agents_without_folder BIGINT NOT NULL DEFAULT 0,
                folders_skipped BIGINT NOT NULL DEFAULT 0,
                agents_busy BIGINT NOT NULL DEFAULT 0,
                agents_failed BIGINT NOT NULL DEFAULT 0,
                reports_processed BIGINT NOT NULL DEFAULT 0,
                entries_recorded BIGINT NOT NULL DEFAULT 0,
                events_queued BIGINT NOT NULL DEFAULT 0,
                reports_archived BIGINT NOT NULL DEFAULT 0,
                archive_failures BIGINT NOT NULL DEFAULT 0,
                jobs_active BIGINT NOT NULL DEFAULT 0,
                bytes_verified BIGINT NOT NULL DEFAULT 0
            ))",
          "CREATE INDEX scans_outcome ON scans (outcome, id)",
          "ALTER TABLE expected_backup_jobs ADD COLUMN status_changed_at {TIME}",
          "UPDATE expected_backup_jobs SET status_changed_at = created_at WHERE current_status = 'unknown'",
          "CREATE INDEX backup_entries_agent_time ON backup_entries (agent_id, \"timestamp\")",
          "CREATE INDEX processed_reports_agent_file ON processed_reports (agent_id, file_name)"}},
    };
    return list;
}

// Serializes start-ups on PostgreSQL; the agent locks use the two-key form,
// a separate key space.
constexpr const char* kSchemaLockKey = "6217837391925037645";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

std::string for_dialect(const char* statement, Backend backend) {
    bool pg = backend == Backend::postgresql;
    std::string sql = replace_all(statement, "{ID}", pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
    sql = replace_all(sql, "{BOOL}", pg ? "BOOLEAN" : "INTEGER");
    return replace_all(sql, "{TIME}", pg ? "TIMESTAMPTZ" : "TEXT");
}

void apply(soci::session& session, Backend backend, int& version) {
    session << "CREATE TABLE IF NOT EXISTS vigil_schema_version (version INTEGER NOT NULL)";
    long long rows = 0, current = 0;
    soci::indicator current_ind = soci::i_null;
    session << "SELECT COUNT(*), MAX(version) FROM vigil_schema_version", soci::into(rows),
        soci::into(current, current_ind);
    if (rows == 0) session << "INSERT INTO vigil_schema_version (version) VALUES (0)";
    version = current_ind == soci::i_null ? 0 : static_cast<int>(current);
    if (version >= latest_schema_version()) return;
    for (int v = version + 1; v <= latest_schema_version(); ++v) {
        for (const char* statement : migrations()[v - 1].statements) session << for_dialect(statement, backend);
    }
    session << "UPDATE vigil_schema_version SET version = " + std::to_string(latest_schema_version());
}

// Waits for any other start-up of this PostgreSQL database to finish its
// migration; held until the transaction ends.
void lock_schema(soci::session& session) {
    std::string ignored;
    soci::indicator ind;
    session << std::string("SELECT CAST(pg_advisory_xact_lock(") + kSchemaLockKey + ") AS TEXT)",
        soci::into(ignored, ind);
}

// The stored version without writing anything: 0 when the database has no
// version table yet.
int peek_version(soci::session& session, Backend backend) {
    long long tables = 0;
    session << (backend == Backend::postgresql
                    ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"
                      " AND table_name = 'vigil_schema_version'"
                    : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'vigil_schema_version'"),
        soci::into(tables);
    if (tables == 0) return 0;
    long long current = 0;
    soci::indicator ind = soci::i_null;
    session << "SELECT MAX(version) FROM vigil_schema_version", soci::into(current, ind);
    return ind == soci::i_null ? 0 : static_cast<int>(current);
}

void refuse_newer(const ConnectionUrl& url, int version) {
    if (version > latest_schema_version()) {
        throw Unavailable("database " + url.redacted + " has schema version " + std::to_string(version) +
                          ", newer than this Vigil supports (" + std::to_string(latest_schema_version()) +
                          "); upgrade Vigil");
    }
}

}  // namespace

int latest_schema_version() { return static_cast<int>(migrations().size()); }

int migrate(soci::session& session, const ConnectionUrl& url) {
    int version = 0;
    try {
        if (url.backend == Backend::sqlite3) {
            // Takes the write lock at once: a second process waits here
            // instead of failing to upgrade a read lock halfway through.
            session << "BEGIN IMMEDIATE";
        } else {
            session << "BEGIN";
            lock_schema(session);
        }
        apply(session, url.backend, version);
        session << "COMMIT";
    } catch (...) {
        try {
            session << "ROLLBACK";
        } catch (const soci::soci_error&) {
            // The first error is the one worth reporting.
        }
        throw;
    }
    refuse_newer(url, version);
    return version;
}

int migrate_inside(soci::session& session, const ConnectionUrl& url) {
    int version = peek_version(session, url.backend);
    refuse_newer(url, version);
    if (version < latest_schema_version()) {
        // Only an upgrade takes the schema lock: a dry run on a current
        // schema never holds up the start of a scan.
        if (url.backend == Backend::postgresql) lock_schema(session);
        apply(session, url.backend, version);
    }
    return version;
}

}  // namespace vigil::plugins
