// Jobs by schedule (docs/records.md): identity (agent, database, schedule,
// timezone), the schedule columns, and the upgrade of a database written
// before schedules, with its data, on both backends.
#include "fixture.hpp"

#include "schema.hpp"

using namespace storage_test;

namespace {

vigil::Job cron_job(const std::string& agent, const std::string& database, const std::string& schedule,
                    const std::string& timezone, int early, int late) {
    vigil::Job j = job(agent, database, 0, 0);
    j.expected_hour_utc.reset();
    j.expected_minute_utc.reset();
    j.schedule = schedule;
    j.timezone = timezone;
    j.early_minutes = early;
    j.late_minutes = late;
    return j;
}

}  // namespace

TEST_CASE("cron jobs are stored with their schedule, zone and window edges, and no hour") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::int64_t now = at("2026-11-23T04:00:00Z");
    auto jobs = sync_and_load(db,
                              {cron_job("ACME_PARIS_CENTRE", "hr", "30 2 * * mon-fri", "Europe/Paris", 15, 90),
                               job("ACME_PARIS_CENTRE", "hr", 2, 30, 45)},
                              now);
    REQUIRE(jobs.size() == 2);
    // `at` jobs come first.
    CHECK(jobs[0].expected_hour_utc == 2);
    CHECK(jobs[0].schedule == "30 02 * * *");
    CHECK(jobs[0].timezone == "UTC");
    CHECK(jobs[0].early_minutes == 45);
    CHECK(jobs[0].late_minutes == 45);
    CHECK_FALSE(jobs[1].expected_hour_utc.has_value());
    CHECK_FALSE(jobs[1].expected_minute_utc.has_value());
    CHECK(jobs[1].schedule == "30 2 * * mon-fri");
    CHECK(jobs[1].timezone == "Europe/Paris");
    CHECK(jobs[1].early_minutes == 15);
    CHECK(jobs[1].late_minutes == 90);
    CHECK(jobs[1].window_minutes == 60);
    CHECK(db.count("SELECT COUNT(*) FROM expected_backup_jobs WHERE expected_hour_utc IS NULL") == 1);
}

TEST_CASE("a job's identity is agent, database, schedule and timezone") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::int64_t t1 = at("2026-11-23T04:00:00Z"), t2 = at("2026-11-24T04:00:00Z");
    const auto paris = cron_job("ACME_PARIS_CENTRE", "hr", "30 2 * * *", "Europe/Paris", 60, 60);
    const auto new_york = cron_job("ACME_PARIS_CENTRE", "hr", "30 2 * * *", "America/New_York", 60, 60);
    const auto before = sync_and_load(db, {paris, new_york}, t1);
    REQUIRE(before.size() == 2);
    CHECK(before[0].id != before[1].id);

    SECTION("new window edges update the row in place") {
        auto wider = paris;
        wider.late_minutes = 120;
        const auto after = sync_and_load(db, {wider, new_york}, t2);
        REQUIRE(after.size() == 2);
        for (const auto& j : after) {
            if (j.timezone != "Europe/Paris") continue;
            CHECK(j.id == (before[0].timezone == "Europe/Paris" ? before[0].id : before[1].id));
            CHECK(j.late_minutes == 120);
            CHECK(j.updated_at == t2);
            CHECK(j.created_at == t1);
        }
    }
    SECTION("another schedule is another job: the old one goes inactive with its history") {
        auto weekdays = paris;
        weekdays.schedule = "30 2 * * mon-fri";
        const auto after = sync_and_load(db, {weekdays, new_york}, t2);
        REQUIRE(after.size() == 2);
        CHECK(db.count("SELECT COUNT(*) FROM expected_backup_jobs") == 3);
        CHECK(db.count("SELECT COUNT(*) FROM expected_backup_jobs WHERE is_active = FALSE AND schedule = '30 2 * * *'"
                       " AND timezone = 'Europe/Paris'") == 1);
    }
    SECTION("the same identity twice in one list is refused") {
        db.storage.begin();
        CHECK_THAT(message_of<vigil::InvalidInput>([&] { sync_jobs(db.storage, {paris, paris}, t2); }),
                   Catch::Matchers::Contains("ACME_PARIS_CENTRE/hr schedule \"30 2 * * *\" Europe/Paris is listed twice"));
        db.storage.rollback();
    }
}

TEST_CASE("events name the job's schedule") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::int64_t now = at("2026-11-30T04:00:00Z");
    db.storage.begin();
    sync_jobs(db.storage, {cron_job("ACME_PARIS_CENTRE", "hr", "30 2 * * mon-fri", "Europe/Paris", 15, 90)}, now);
    vigil::Event e;
    e.job_id = active_jobs(db.storage)[0].id;
    e.kind = "status_change";
    e.fingerprint = "fp";
    e.agent_id = "ACME_PARIS_CENTRE";
    e.database_name = "hr";
    e.schedule = "30 2 * * mon-fri";
    e.timezone = "Europe/Paris";
    e.old_status = "ok";
    e.new_status = "missing";
    e.scan_time = now;
    insert_event(db.storage, e, {"mail"});
    db.storage.commit();
    db.storage.begin();
    const auto claimed = db.storage.claim_deliveries("mail", now, now, now + 1);
    db.storage.commit();
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].schedule == "30 2 * * mon-fri");
    CHECK(claimed[0].timezone == "Europe/Paris");
    CHECK_FALSE(claimed[0].expected_hour_utc.has_value());
}

TEST_CASE("a database written before schedules is upgraded in place: `at` jobs keep id, history and status") {
    FOR_EACH_BACKEND(backend);
    vigil::test::ScratchDir scratch;
    const std::string url = vigil::test::fresh_database_url(backend, scratch.path());
    const auto parsed = vigil::plugins::parse_connection_url(url);
    const bool pg = backend == "postgresql";
    {
        // What the previous version wrote: its schema, and rows in its layout.
        soci::session raw(parsed.backend_name, parsed.connect_string);
        vigil::plugins::migrate(raw, parsed, 3);
        if (pg) raw << "SET TIME ZONE 'UTC'";
        raw << "INSERT INTO expected_backup_jobs (id, agent_id_responsible, company_name, city, neighborhood,"
               " database_name, expected_hour_utc, expected_minute_utc, window_minutes, is_active, current_status,"
               " last_checked_timestamp, last_successful_backup_timestamp, previous_successful_hash_global,"
               " created_at, updated_at, last_entry_cycle_at) VALUES"
               " (7, 'ACME_PARIS_CENTRE', 'ACME', 'PARIS', 'CENTRE', 'sales', 2, 30, 30, TRUE, 'failed',"
               " '2026-11-23 04:00:00', '2026-11-22 02:31:00', 'abc123', '2026-11-01 00:00:00',"
               " '2026-11-23 04:00:00', '2026-11-23 02:30:00'),"
               " (9, 'ACME_PARIS_CENTRE', 'hr', 'PARIS', 'CENTRE', 'hr', 23, 5, 60, FALSE, 'ok',"
               " NULL, NULL, NULL, '2026-11-01 00:00:00', '2026-11-02 00:00:00', NULL)";
        raw << "INSERT INTO backup_entries (id, expected_job_id, cycle_expected_at, \"timestamp\", status, message,"
               " agent_id) VALUES (1, 7, '2026-11-22 02:30:00', '2026-11-22 04:00:00', 'success', 'verified',"
               " 'ACME_PARIS_CENTRE'), (2, 7, '2026-11-23 02:30:00', '2026-11-23 04:00:00', 'failed',"
               " 'TRANSFER failed', 'ACME_PARIS_CENTRE')";
        raw << "INSERT INTO notification_events (id, job_id, kind, fingerprint, agent_id, database_name,"
               " expected_hour_utc, expected_minute_utc, old_status, new_status, cycle_expected_at, message,"
               " scan_time, scan_time_us) VALUES (4, 7, 'status_change', 'fp7', 'ACME_PARIS_CENTRE', 'sales', 2, 30,"
               " 'ok', 'failed', '2026-11-23 02:30:00', 'TRANSFER failed', '2026-11-23 04:00:00',"
               " 1795406400000000)";
        raw << "INSERT INTO notification_deliveries (event_id, notifier, next_attempt_at_us) VALUES"
               " (4, 'mail', 1795406400000000)";
        if (pg) {
            // Later rows must not collide with the ids given by hand.
            raw << "SELECT setval(pg_get_serial_sequence('expected_backup_jobs', 'id'), 9)";
            raw << "SELECT setval(pg_get_serial_sequence('backup_entries', 'id'), 2)";
        }
    }

    vigil::plugins::SociStorage storage;
    storage.configure(url_config(url));
    soci::session raw(parsed.backend_name, parsed.connect_string);
    long long version = 0;
    raw << "SELECT MAX(version) FROM vigil_schema_version", soci::into(version);
    CHECK(version == vigil::plugins::latest_schema_version());

    // The configuration of the same `at` job, as the host sends it now.
    vigil::Job sales = job("ACME_PARIS_CENTRE", "sales", 2, 30, 30);
    sales.schedule = "30 02 * * *";
    sales.early_minutes = 30;
    sales.late_minutes = 30;
    const std::int64_t now = at("2026-11-24T04:00:00Z");
    storage.begin();
    sync_jobs(storage, {sales}, now);
    storage.commit();
    const auto jobs = active_jobs(storage);
    REQUIRE(jobs.size() == 1);
    const vigil::Job& kept = jobs[0];
    CHECK(kept.id == 7);
    CHECK(kept.schedule == "30 02 * * *");
    CHECK(kept.timezone == "UTC");
    CHECK(kept.expected_hour_utc == 2);
    CHECK(kept.expected_minute_utc == 30);
    CHECK(kept.early_minutes == 30);
    CHECK(kept.late_minutes == 30);
    CHECK(kept.current_status == "failed");
    CHECK(kept.previous_successful_hash_global == std::string("abc123"));
    CHECK(kept.created_at == at("2026-11-01T00:00:00Z"));
    CHECK(kept.updated_at == at("2026-11-23T04:00:00Z"));  // nothing changed
    CHECK(kept.last_entry_cycle_at == at("2026-11-23T02:30:00Z"));
    CHECK(kept.last_successful_backup_timestamp == at("2026-11-22T02:31:00Z"));
    const auto history = load_entries(storage, 7, at("2026-11-01T00:00:00Z"));
    REQUIRE(history.size() == 2);
    CHECK(history[0].status == "success");
    CHECK(history[1].status == "failed");

    long long hr_rows = 0;
    std::string hr_schedule;
    raw << "SELECT COUNT(*), MAX(schedule) FROM expected_backup_jobs WHERE id = 9 AND is_active = FALSE"
           " AND early_minutes = 60 AND late_minutes = 60 AND timezone = 'UTC'",
        soci::into(hr_rows), soci::into(hr_schedule);
    CHECK(hr_rows == 1);
    CHECK(hr_schedule == "05 23 * * *");

    // The outbox kept its event, now naming the schedule.
    storage.begin();
    const auto claimed = storage.claim_deliveries("mail", now, now, now + 1);
    storage.commit();
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].id == 4);
    CHECK(claimed[0].schedule == "30 02 * * *");
    CHECK(claimed[0].expected_hour_utc == 2);

    // New rows get fresh ids; references are enforced again.
    storage.begin();
    sync_jobs(storage, {sales, cron_job("ACME_PARIS_CENTRE", "sales", "0 */6 * * *", "UTC", 60, 60)}, now);
    vigil::Entry entry;
    entry.expected_job_id = 7;
    entry.cycle_expected_at = at("2026-11-24T02:30:00Z");
    entry.timestamp = now;
    entry.status = "missing";
    entry.agent_id = "ACME_PARIS_CENTRE";
    insert_entry(storage, entry);
    storage.commit();
    const auto latest = load_entries(storage, 7, entry.cycle_expected_at);
    REQUIRE(latest.size() == 1);
    CHECK(latest[0].id == 3);
    CHECK(active_jobs(storage).size() == 2);
    if (!pg) {
        // SQLite checks references per connection, when asked to.
        raw << "PRAGMA foreign_keys=ON";
        long long broken = -1;
        raw << "SELECT COUNT(*) FROM pragma_foreign_key_check", soci::into(broken);
        CHECK(broken == 0);
    }
    CHECK_THROWS(raw << "INSERT INTO backup_entries (expected_job_id, cycle_expected_at, \"timestamp\", status,"
                        " agent_id) VALUES (12345, '2026-11-24 02:30:00', '2026-11-24 04:00:00', 'missing', 'X')");
    if (!pg) {
        std::string integrity;
        raw << "PRAGMA integrity_check", soci::into(integrity);
        CHECK(integrity == "ok");
    }
}
