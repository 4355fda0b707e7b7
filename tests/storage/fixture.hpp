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
inline void sync_jobs(vigil::Storage& storage, const std::vector<vigil::Job>& jobs, std::int64_t now) {
    const vigil::JobViews views(jobs);
    storage.sync_jobs(vigil::JobList(views.data(), views.size()), now);
}

// Synchronises the jobs in one transaction and loads them all back.
inline std::vector<vigil::Job> sync_and_load(Database& db, const std::vector<vigil::Job>& jobs, std::int64_t now) {
    db.storage.begin();
    sync_jobs(db.storage, jobs, now);
    db.storage.commit();
    return db.storage.load_jobs("");
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
