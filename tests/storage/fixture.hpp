// A fresh database per backend, opened through SociStorage, plus a raw SOCI
// session to look at what the plugin wrote.
#ifndef VIGIL_TESTS_STORAGE_FIXTURE_HPP
#define VIGIL_TESTS_STORAGE_FIXTURE_HPP

#include "connection_url.hpp"
#include "expected_failure.hpp"
#include "soci_storage.hpp"
#include "test_db.hpp"

#include <vigil/timestamp.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>

namespace storage_test {

inline vigil::Config url_config(const std::string& url) {
    vigil::Config config;
    config.put("url", url);
    return config;
}

// Runs the rest of the test case once per backend of
// vigil::test::storage_backends(), naming it in failure messages.
#define FOR_EACH_BACKEND(name)                                                         \
    const std::string name = GENERATE(from_range(vigil::test::storage_backends())); \
    INFO("backend: " << name)

struct Database {
    explicit Database(const std::string& backend)
        : backend(backend), url(vigil::test::fresh_database_url(backend, scratch.path())) {
        storage.configure(url_config(url));
    }

    // Another connection to the same database, as a second process would have.
    std::unique_ptr<vigil::plugins::SociStorage> open_another() const {
        auto other = std::make_unique<vigil::plugins::SociStorage>();
        other->configure(url_config(url));
        return other;
    }

    std::unique_ptr<soci::session> raw() const {
        vigil::plugins::ConnectionUrl parsed = vigil::plugins::parse_connection_url(url);
        return std::make_unique<soci::session>(parsed.backend_name, parsed.connect_string);
    }

    long long count(const std::string& sql) const {
        long long n = -1;
        *raw() << sql, soci::into(n);
        return n;
    }

    bool postgres() const { return backend == "postgresql"; }

    vigil::test::ScratchDir scratch;  // first: outlives the database files in it
    std::string backend;
    std::string url;
    vigil::plugins::SociStorage storage;
};

using vigil::test::message_of;

inline std::int64_t at(const char* text) {
    auto micros = vigil::parse_timestamp(text);
    REQUIRE(micros.has_value());
    return *micros;
}

inline vigil::Job job(const std::string& agent, const std::string& database, int hour, int minute,
                      int window = 60) {
    vigil::Job j;
    j.agent_id_responsible = agent;
    auto first = agent.find('_');
    auto second = agent.find('_', first + 1);
    j.company_name = agent.substr(0, first);
    j.city = agent.substr(first + 1, second - first - 1);
    j.neighborhood = agent.substr(second + 1);
    j.database_name = database;
    j.expected_hour_utc = hour;
    j.expected_minute_utc = minute;
    j.window_minutes = window;
    return j;
}

// Hands the jobs to sync_jobs as the host does: C views, read in place.
inline void sync_jobs(vigil::ScanStore& storage, const std::vector<vigil::Job>& jobs, std::int64_t now) {
    const vigil::JobViews views(jobs);
    storage.sync_jobs(vigil::JobList(views.data(), views.size()), now);
}

// One row of the list calls, as a list of one.
inline void insert_entry(vigil::ScanStore& storage, const vigil::Entry& entry) { storage.write({{entry}, {}, {}}); }
inline void update_job_state(vigil::ScanStore& storage, const vigil::Job& job) { storage.write({{}, {job}, {}}); }
inline void record_report(vigil::ScanStore& storage, const vigil::ReportRecord& record) {
    storage.write({{}, {}, {record}});
}
inline std::vector<vigil::Job> load_jobs(vigil::ScanStore& storage, const std::string& agent_id) {
    return storage.load_jobs({agent_id});
}
inline std::vector<vigil::Entry> load_entries(vigil::ScanStore& storage, std::int64_t job_id, std::int64_t since) {
    return storage.load_entries({job_id}, {since});
}
inline vigil::ReportSeen find_report(vigil::ScanStore& storage, const std::string& content_sha256,
                                     const std::string& agent_id, const std::string& file_name) {
    const std::vector<vigil::ReportSeen> seen =
        storage.find_reports({vigil::ReportQuery{content_sha256, agent_id, file_name}});
    REQUIRE(seen.size() == 1);
    return seen[0];
}
inline void insert_event(vigil::Outbox& storage, const vigil::Event& event,
                         const std::vector<std::string>& notifiers) {
    storage.insert_events({vigil::QueuedEvent{event, notifiers}});
}

// Every active job, of every agent.
inline std::vector<vigil::Job> active_jobs(vigil::OperatorReads& storage) { return storage.load_all_jobs("", true); }

// The id of the event stored last (committed).
inline std::int64_t last_event_id(const Database& db) { return db.count("SELECT MAX(id) FROM notification_events"); }

// A phase of a report; an entry with every field set; one for a missing
// cycle (which leaves the report's fields absent).
inline vigil::Phase phase(bool status, const char* start, const char* end, std::optional<std::string> sha,
                   std::int64_t size, std::optional<std::string> error) {
    vigil::Phase p;
    p.status = status;
    p.start_time = start ? at(start) : vigil::kNoTime;
    p.end_time = end ? at(end) : vigil::kNoTime;
    p.sha256_checksum = std::move(sha);
    p.size = size;
    p.error_message = std::move(error);
    return p;
}

inline vigil::Entry full_entry(std::int64_t job_id) {
    vigil::Entry e;
    e.expected_job_id = job_id;
    e.cycle_expected_at = at("2026-11-23T02:30:00Z");
    e.timestamp = at("2026-11-23T04:00:00Z");
    e.status = "hash_mismatch";
    e.message = "content changed: l'été \"quoted\"";
    e.operation_log_file_name = "20261123_023107_ACME_PARIS_CENTRE.json";
    e.agent_id = "ACME_PARIS_CENTRE";
    e.agent_overall_status = "completed";
    e.operation_start_time = at("2026-11-23T02:29:01Z");
    e.operation_end_time = at("2026-11-23T02:31:07.123456Z");
    e.backup = phase(true, "2026-11-23T02:29:01Z", "2026-11-23T02:30:00Z", std::string(64, 'b'), 1LL << 40,
                     std::nullopt);
    e.compress = phase(true, "2026-11-23T02:30:00Z", "2026-11-23T02:30:30Z", std::string(64, 'c'), 12345,
                       std::nullopt);
    e.transfer = phase(false, nullptr, nullptr, std::nullopt, vigil::kNoSize, std::string("link down"));
    e.agent_staged_file_name = "sales.sql.gz";
    e.agent_logs_summary = "all good\nsecond line";
    e.server_calculated_staged_hash = std::string(64, 'c');
    e.server_calculated_staged_size = 12345;
    e.previous_successful_hash_global = std::string(64, 'd');
    e.hash_comparison_result = 1;
    return e;
}

inline vigil::Entry missing_entry(std::int64_t job_id, const char* cycle) {
    vigil::Entry e;
    e.expected_job_id = job_id;
    e.cycle_expected_at = at(cycle);
    e.timestamp = at("2026-11-25T04:00:00Z");
    e.status = "missing";
    e.message = "no report";
    e.agent_id = "ACME_PARIS_CENTRE";
    return e;
}

// Synchronises the jobs in one transaction and loads them all back.
inline std::vector<vigil::Job> sync_and_load(Database& db, const std::vector<vigil::Job>& jobs, std::int64_t now) {
    db.storage.begin();
    sync_jobs(db.storage, jobs, now);
    db.storage.commit();
    return active_jobs(db.storage);
}

// Takes a current database back to before migration 6 (silences).
inline void undo_silences_migration(soci::session& raw) { raw << "DROP TABLE silences"; }

// Takes away what the migration adding the scans table and
// expected_backup_jobs.status_changed_at created: the schema one version
// before it (after undo_silences_migration). *raw must not be inside a
// transaction.

inline void undo_scans_migration(soci::session& raw) {
    raw << "DROP TABLE scans";
    raw << "DROP INDEX backup_entries_agent_time";
    raw << "DROP INDEX processed_reports_agent_file";
    raw << "ALTER TABLE expected_backup_jobs DROP COLUMN status_changed_at";
}

}  // namespace storage_test

#endif  // VIGIL_TESTS_STORAGE_FIXTURE_HPP
