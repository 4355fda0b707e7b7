#include "schema.hpp"
#include "sql.hpp"

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
    // Run after `statements` on one backend only: SQLite can neither drop a
    // constraint nor relax NOT NULL, so it rebuilds the table instead.
    std::vector<const char*> sqlite = {};
    std::vector<const char*> postgresql = {};
};

// SQLite's rebuilt tables for migration 4: as before, with the hour and
// minute nullable and the schedule columns at the end.
constexpr const char* kJobsBySchedule = R"(CREATE TABLE expected_backup_jobs_new (
        id {ID},
        agent_id_responsible TEXT NOT NULL,
        company_name TEXT NOT NULL,
        city TEXT NOT NULL,
        neighborhood TEXT NOT NULL,
        database_name TEXT NOT NULL,
        expected_hour_utc INTEGER,
        expected_minute_utc INTEGER,
        window_minutes INTEGER NOT NULL,
        is_active {BOOL} NOT NULL DEFAULT TRUE,
        current_status TEXT NOT NULL DEFAULT 'unknown',
        last_checked_timestamp {TIME},
        last_successful_backup_timestamp {TIME},
        previous_successful_hash_global TEXT,
        created_at {TIME} NOT NULL,
        updated_at {TIME} NOT NULL,
        last_entry_cycle_at {TIME},
        schedule TEXT NOT NULL,
        timezone TEXT NOT NULL,
        early_minutes INTEGER NOT NULL,
        late_minutes INTEGER NOT NULL,
        CONSTRAINT expected_backup_jobs_identity UNIQUE (agent_id_responsible, database_name, schedule, timezone)
    ))";

constexpr const char* kEventsWithSchedule = R"(CREATE TABLE notification_events_new (
        id {ID},
        job_id BIGINT,
        kind TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        database_name TEXT NOT NULL,
        expected_hour_utc INTEGER,
        expected_minute_utc INTEGER,
        old_status TEXT NOT NULL,
        new_status TEXT NOT NULL,
        cycle_expected_at {TIME},
        message TEXT NOT NULL DEFAULT '',
        scan_time {TIME} NOT NULL,
        scan_time_us BIGINT NOT NULL,
        schedule TEXT,
        timezone TEXT
    ))";

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
        // 3: duplicates are found per agent folder (docs/scan.md): one agent's
        // copy of another's report must not make it a duplicate. Existing
        // rows already carry the folder they were found in, so they keep
        // matching there.
        {{"CREATE INDEX IF NOT EXISTS processed_reports_agent_content ON processed_reports (agent_id, content_sha256)",
          "DROP INDEX IF EXISTS processed_reports_content"}},
        // 4: schedules (docs/scan.md, docs/records.md). A job's identity becomes (agent,
        // database, schedule, timezone); an `at` job keeps its row (id,
        // history, status) with the schedule "MM HH * * *" in UTC, and only
        // `at` jobs keep an hour and minute. Events name the schedule too.
        {{},
         {kJobsBySchedule,
          R"(INSERT INTO expected_backup_jobs_new (id, agent_id_responsible, company_name, city, neighborhood,
                database_name, expected_hour_utc, expected_minute_utc, window_minutes, is_active, current_status,
                last_checked_timestamp, last_successful_backup_timestamp, previous_successful_hash_global,
                created_at, updated_at, last_entry_cycle_at, schedule, timezone, early_minutes, late_minutes)
              SELECT id, agent_id_responsible, company_name, city, neighborhood, database_name, expected_hour_utc,
                expected_minute_utc, window_minutes, is_active, current_status, last_checked_timestamp,
                last_successful_backup_timestamp, previous_successful_hash_global, created_at, updated_at,
                last_entry_cycle_at, printf('%02d %02d * * *', expected_minute_utc, expected_hour_utc), 'UTC',
                window_minutes, window_minutes
              FROM expected_backup_jobs)",
          "DROP TABLE expected_backup_jobs",
          "ALTER TABLE expected_backup_jobs_new RENAME TO expected_backup_jobs",
          kEventsWithSchedule,
          R"(INSERT INTO notification_events_new (id, job_id, kind, fingerprint, agent_id, database_name,
                expected_hour_utc, expected_minute_utc, old_status, new_status, cycle_expected_at, message,
                scan_time, scan_time_us, schedule, timezone)
              SELECT e.id, e.job_id, e.kind, e.fingerprint, e.agent_id, e.database_name, e.expected_hour_utc,
                e.expected_minute_utc, e.old_status, e.new_status, e.cycle_expected_at, e.message, e.scan_time,
                e.scan_time_us, j.schedule, j.timezone
              FROM notification_events e LEFT JOIN expected_backup_jobs j ON j.id = e.job_id)",
          "DROP TABLE notification_events",
          "ALTER TABLE notification_events_new RENAME TO notification_events",
          "CREATE INDEX notification_events_job ON notification_events (job_id)"},
         {"ALTER TABLE expected_backup_jobs ADD COLUMN schedule TEXT",
          "ALTER TABLE expected_backup_jobs ADD COLUMN timezone TEXT",
          "ALTER TABLE expected_backup_jobs ADD COLUMN early_minutes INTEGER",
          "ALTER TABLE expected_backup_jobs ADD COLUMN late_minutes INTEGER",
          R"(UPDATE expected_backup_jobs SET
                schedule = lpad(CAST(expected_minute_utc AS TEXT), 2, '0') || ' ' ||
                           lpad(CAST(expected_hour_utc AS TEXT), 2, '0') || ' * * *',
                timezone = 'UTC', early_minutes = window_minutes, late_minutes = window_minutes)",
          R"(ALTER TABLE expected_backup_jobs
                ALTER COLUMN schedule SET NOT NULL, ALTER COLUMN timezone SET NOT NULL,
                ALTER COLUMN early_minutes SET NOT NULL, ALTER COLUMN late_minutes SET NOT NULL,
                ALTER COLUMN expected_hour_utc DROP NOT NULL, ALTER COLUMN expected_minute_utc DROP NOT NULL)",
          // The old identity's constraint got a name PostgreSQL chose.
          R"(DO $$
             DECLARE old_identity TEXT;
             BEGIN
               SELECT conname INTO old_identity FROM pg_constraint
                WHERE conrelid = CAST('expected_backup_jobs' AS regclass) AND contype = 'u';
               EXECUTE format('ALTER TABLE expected_backup_jobs DROP CONSTRAINT %I', old_identity);
             END $$)",
          R"(ALTER TABLE expected_backup_jobs ADD CONSTRAINT expected_backup_jobs_identity
                UNIQUE (agent_id_responsible, database_name, schedule, timezone))",
          "ALTER TABLE notification_events ADD COLUMN schedule TEXT",
          "ALTER TABLE notification_events ADD COLUMN timezone TEXT",
          R"(UPDATE notification_events SET schedule = j.schedule, timezone = j.timezone
              FROM expected_backup_jobs j WHERE j.id = notification_events.job_id)",
          R"(ALTER TABLE notification_events
                ALTER COLUMN expected_hour_utc DROP NOT NULL, ALTER COLUMN expected_minute_utc DROP NOT NULL)"}},
        // 5: the operator's records (docs/records.md): one row per scan, and
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
        // 6: silences (docs/notifications.md). Times are kept twice: readable,
        // and exact in microseconds (what the scans compare with).
        {{R"(CREATE TABLE silences (
                id {ID},
                agents TEXT NOT NULL,
                databases TEXT NOT NULL,
                created_at {TIME} NOT NULL,
                created_at_us BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                reason TEXT NOT NULL,
                ends_at {TIME} NOT NULL,
                ends_at_us BIGINT NOT NULL,
                expired_at {TIME},
                expired_at_us BIGINT,
                expired_by TEXT
            ))",
          "CREATE INDEX silences_ends ON silences (ends_at_us)"}},
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

void apply(soci::session& session, Backend backend, int target, int& version) {
    session << "CREATE TABLE IF NOT EXISTS vigil_schema_version (version INTEGER NOT NULL)";
    long long rows = 0, current = 0;
    soci::indicator current_ind = soci::i_null;
    session << "SELECT COUNT(*), MAX(version) FROM vigil_schema_version", soci::into(rows),
        soci::into(current, current_ind);
    if (rows == 0) session << "INSERT INTO vigil_schema_version (version) VALUES (0)";
    version = current_ind == soci::i_null ? 0 : static_cast<int>(current);
    if (version >= target) return;
    for (int v = version + 1; v <= target; ++v) {
        const Migration& m = migrations()[v - 1];
        for (const char* statement : m.statements) session << for_dialect(statement, backend);
        for (const char* statement : backend == Backend::postgresql ? m.postgresql : m.sqlite) {
            session << for_dialect(statement, backend);
        }
    }
    session << "UPDATE vigil_schema_version SET version = " + std::to_string(target);
}

// Waits for any other start-up of this PostgreSQL database to finish its
// migration; held until the transaction ends.
void lock_schema(soci::session& session) { sql::lock_until_transaction_end(session, kSchemaLockKey); }

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

int migrate(soci::session& session, const ConnectionUrl& url, int target) {
    int version = 0;
    try {
        if (url.backend == Backend::sqlite3) {
            // Rebuilding a table that others reference (migration 4) needs
            // the references unchecked until it is back under its name; the
            // pragma cannot change inside a transaction.
            session << "PRAGMA foreign_keys=OFF";
            // Takes the write lock at once: a second process waits here
            // instead of failing to upgrade a read lock halfway through.
            session << "BEGIN IMMEDIATE";
        } else {
            session << "BEGIN";
            lock_schema(session);
        }
        apply(session, url.backend, target, version);
        session << "COMMIT";
        if (url.backend == Backend::sqlite3) session << "PRAGMA foreign_keys=ON";
    } catch (...) {
        try {
            session << "ROLLBACK";
            if (url.backend == Backend::sqlite3) session << "PRAGMA foreign_keys=ON";
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
        apply(session, url.backend, latest_schema_version(), version);
    }
    return version;
}

}  // namespace vigil::plugins
