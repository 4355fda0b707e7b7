#include "fixture.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

using namespace storage_test;

TEST_CASE("sync_jobs records new jobs as unknown, first seen now") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::int64_t now = at("2026-11-23T04:00:00Z");

    auto jobs = sync_and_load(db, {job("BETA_LYON_GARE", "x", 1, 0), job("ACME_PARIS_CENTRE_NORD", "sales", 2, 30, 45),
                                   job("ACME_PARIS_CENTRE_NORD", "hr", 3, 0)},
                              now);
    REQUIRE(jobs.size() == 3);
    CHECK(jobs[0].database_name == "hr");
    CHECK(jobs[1].database_name == "sales");
    CHECK(jobs[2].agent_id_responsible == "BETA_LYON_GARE");

    const vigil::Job& sales = jobs[1];
    CHECK(sales.id > 0);
    CHECK(sales.agent_id_responsible == "ACME_PARIS_CENTRE_NORD");
    CHECK(sales.company_name == "ACME");
    CHECK(sales.city == "PARIS");
    CHECK(sales.neighborhood == "CENTRE_NORD");
    CHECK(sales.expected_hour_utc == 2);
    CHECK(sales.expected_minute_utc == 30);
    CHECK(sales.window_minutes == 45);
    CHECK(sales.is_active);
    CHECK(sales.current_status == "unknown");
    CHECK(sales.created_at == now);
    CHECK(sales.updated_at == now);
    CHECK(sales.last_checked_timestamp == vigil::kNoTime);
    CHECK(sales.last_successful_backup_timestamp == vigil::kNoTime);
    CHECK(sales.last_entry_cycle_at == vigil::kNoTime);
    CHECK_FALSE(sales.previous_successful_hash_global.has_value());
}

TEST_CASE("sync_jobs touches only jobs whose settings changed") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::int64_t t1 = at("2026-11-23T04:00:00Z"), t2 = at("2026-11-24T04:00:00Z");
    std::vector<vigil::Job> config = {job("ACME_PARIS_CENTRE", "sales", 2, 30), job("ACME_PARIS_CENTRE", "hr", 3, 0)};
    auto before = sync_and_load(db, config, t1);

    auto unchanged = sync_and_load(db, config, t2);
    REQUIRE(unchanged.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        CHECK(unchanged[i].id == before[i].id);
        CHECK(unchanged[i].updated_at == t1);
    }

    config[0].window_minutes = 20;
    auto changed = sync_and_load(db, config, t2);
    CHECK(changed[0].database_name == "hr");
    CHECK(changed[0].updated_at == t1);
    CHECK(changed[1].database_name == "sales");
    CHECK(changed[1].window_minutes == 20);
    CHECK(changed[1].updated_at == t2);
    CHECK(changed[1].created_at == t1);
}

TEST_CASE("sync_jobs deactivates jobs left out and reactivates them with their history") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::int64_t t1 = at("2026-11-23T04:00:00Z"), t2 = at("2026-11-24T04:00:00Z"),
                       t3 = at("2026-11-25T04:00:00Z");
    auto first = sync_and_load(db, {job("ACME_PARIS_CENTRE", "sales", 2, 30), job("BETA_LYON_GARE", "x", 1, 0)}, t1);
    REQUIRE(first.size() == 2);
    const std::int64_t beta_id = first[1].id;

    auto second = sync_and_load(db, {job("ACME_PARIS_CENTRE", "sales", 2, 30)}, t2);
    REQUIRE(second.size() == 1);
    CHECK(second[0].agent_id_responsible == "ACME_PARIS_CENTRE");
    CHECK(db.count("SELECT COUNT(*) FROM expected_backup_jobs WHERE is_active = FALSE AND id = " +
                   std::to_string(beta_id)) == 1);
    CHECK(load_jobs(db.storage, "BETA_LYON_GARE").empty());

    auto third = sync_and_load(db, {job("ACME_PARIS_CENTRE", "sales", 2, 30), job("BETA_LYON_GARE", "x", 1, 0)}, t3);
    REQUIRE(third.size() == 2);
    CHECK(third[1].id == beta_id);
    CHECK(third[1].is_active);
    CHECK(third[1].created_at == t1);
    CHECK(third[1].updated_at == t3);
    CHECK(third[0].updated_at == t1);

    // A job at another time is another job.
    auto moved = sync_and_load(db, {job("ACME_PARIS_CENTRE", "sales", 2, 45)}, t3);
    REQUIRE(moved.size() == 1);
    CHECK(moved[0].id != third[0].id);
    CHECK(db.count("SELECT COUNT(*) FROM expected_backup_jobs") == 3);
}

TEST_CASE("sync_jobs handles more jobs than one statement carries") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    std::vector<vigil::Job> many;
    for (int i = 0; i < 450; ++i) many.push_back(job("AGENT_CITY_N" + std::to_string(i % 7), "db" + std::to_string(i), i % 24, i % 60));
    CHECK(sync_and_load(db, many, at("2026-11-23T04:00:00Z")).size() == 450);
    CHECK(load_jobs(db.storage, "AGENT_CITY_N3").size() == 64);
    CHECK(sync_and_load(db, {}, at("2026-11-24T04:00:00Z")).empty());
    CHECK(db.count("SELECT COUNT(*) FROM expected_backup_jobs WHERE is_active = FALSE") == 450);
}

TEST_CASE("sync_jobs compares more stored jobs than it reads at once") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    // Past the 10,000 stored jobs the synchronisation reads per query.
    std::vector<vigil::Job> many;
    for (int i = 0; i < 10002; ++i) many.push_back(job("AGENT_CITY_N" + std::to_string(i), "db", 2, 30));
    REQUIRE(sync_and_load(db, many, at("2026-11-23T04:00:00Z")).size() == 10002);
    // Unchanged: no row is written again.
    sync_and_load(db, many, at("2026-11-24T04:00:00Z"));
    CHECK(db.count("SELECT COUNT(*) FROM expected_backup_jobs WHERE updated_at > created_at") == 0);
    // The job stored last (the greatest identity, stored in identity
    // order), beyond the first page, is left out: it alone goes.
    auto greatest = std::max_element(many.begin(), many.end(), [](const vigil::Job& a, const vigil::Job& b) {
        return a.agent_id_responsible < b.agent_id_responsible;
    });
    many.erase(greatest);
    CHECK(sync_and_load(db, many, at("2026-11-25T04:00:00Z")).size() == 10001);
    CHECK(db.count("SELECT COUNT(*) FROM expected_backup_jobs WHERE is_active = FALSE") == 1);
    CHECK(db.count("SELECT COUNT(*) FROM expected_backup_jobs WHERE is_active = FALSE"
                   " AND id = (SELECT MAX(id) FROM expected_backup_jobs)") == 1);
}

TEST_CASE("a scanner synchronising jobs another one is adding waits for it and then locks none of them") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    // SQLite lets one writer in at a time (BEGIN IMMEDIATE); PostgreSQL's
    // scanners synchronise side by side.
    if (!db.postgres()) return;
    const std::int64_t now = at("2026-11-23T04:00:00Z");
    const std::vector<vigil::Job> config = {job("ACME_PARIS_CENTRE", "sales", 2, 30), job("ACME_PARIS_CENTRE", "hr", 3, 0),
                                            job("BETA_LYON_GARE", "x", 1, 0)};
    db.storage.begin();
    sync_jobs(db.storage, config, now);

    auto second = db.open_another();
    std::string error;
    std::thread syncing([&] {
        try {
            second->begin();
            sync_jobs(*second, config, now);
        } catch (const std::exception& e) {
            error = e.what();
        }
    });
    // Commit only once the second scanner waits for the first (this
    // test's database is its own).
    auto raw = db.raw();
    long long waiting = 0;
    for (int i = 0; i < 3000 && waiting == 0; ++i) {
        *raw << "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'",
            soci::into(waiting);
        if (waiting == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    db.storage.commit();
    syncing.join();
    REQUIRE(waiting > 0);
    REQUIRE(error == "");

    // Its transaction is still open, as it is while that scanner scans:
    // another one can lock every job row.
    *raw << "BEGIN";
    long long lockable = -1;
    CHECK_NOTHROW(*raw << "SELECT COUNT(*) FROM (SELECT id FROM expected_backup_jobs FOR UPDATE NOWAIT) AS rows_free",
                  soci::into(lockable));
    CHECK(lockable == 3);
    *raw << "ROLLBACK";
    second->commit();
    auto jobs = active_jobs(db.storage);
    REQUIRE(jobs.size() == 3);
    for (const auto& j : jobs) CHECK(j.updated_at == now);
}

TEST_CASE("load_jobs returns one agent's active jobs in order") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    sync_and_load(db, {job("ACME_PARIS_CENTRE", "b", 5, 0), job("ACME_PARIS_CENTRE", "a", 9, 0),
                       job("ACME_PARIS_CENTRE", "a", 1, 30), job("ACME_PARIS_CENTRE", "a", 1, 5),
                       job("ACME_PARIS_CENTRE", "B", 0, 0), job("ZED_X_Y", "a", 0, 0)},
                  at("2026-11-23T04:00:00Z"));
    auto acme = load_jobs(db.storage, "ACME_PARIS_CENTRE");
    REQUIRE(acme.size() == 5);
    // Byte order on both backends: upper case first.
    CHECK(acme[0].database_name == "B");
    CHECK((acme[1].database_name == "a" && acme[1].expected_hour_utc == 1 && acme[1].expected_minute_utc == 5));
    CHECK((acme[2].database_name == "a" && acme[2].expected_hour_utc == 1 && acme[2].expected_minute_utc == 30));
    CHECK((acme[3].database_name == "a" && acme[3].expected_hour_utc == 9));
    CHECK(acme[4].database_name == "b");
    CHECK(load_jobs(db.storage, "NOBODY_X_Y").empty());
    CHECK(active_jobs(db.storage).size() == 6);
}

TEST_CASE("sync_jobs needs a transaction and distinct identities") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    CHECK_THROWS(sync_jobs(db.storage, {job("ACME_PARIS_CENTRE", "a", 1, 0)}, at("2026-11-23T04:00:00Z")));
    db.storage.begin();
    CHECK_THROWS_AS(sync_jobs(db.storage, {job("ACME_PARIS_CENTRE", "a", 1, 0), job("ACME_PARIS_CENTRE", "a", 1, 0, 5)},
                                         at("2026-11-23T04:00:00Z")),
                    vigil::InvalidInput);
    db.storage.rollback();
}

TEST_CASE("write stores a job's state") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    auto jobs = sync_and_load(db, {job("ACME_PARIS_CENTRE", "sales", 2, 30)}, at("2026-11-23T04:00:00Z"));
    vigil::Job j = jobs.at(0);
    j.current_status = "ok";
    j.last_checked_timestamp = at("2026-11-24T04:00:00Z");
    j.last_successful_backup_timestamp = at("2026-11-24T02:31:07Z");
    j.previous_successful_hash_global = std::string(64, 'a');
    j.last_entry_cycle_at = at("2026-11-24T02:30:00Z");
    j.updated_at = at("2026-11-24T04:00:00Z");
    j.window_minutes = 5;  // not state: sync_jobs owns it
    db.storage.begin();
    update_job_state(db.storage, j);
    db.storage.commit();

    vigil::Job stored = active_jobs(db.storage).at(0);
    CHECK(stored.current_status == "ok");
    CHECK(stored.last_checked_timestamp == j.last_checked_timestamp);
    CHECK(stored.last_successful_backup_timestamp == j.last_successful_backup_timestamp);
    CHECK(stored.previous_successful_hash_global == j.previous_successful_hash_global);
    CHECK(stored.last_entry_cycle_at == j.last_entry_cycle_at);
    CHECK(stored.updated_at == j.updated_at);
    CHECK(stored.window_minutes == 60);

    j.current_status = "missing";
    j.last_successful_backup_timestamp = vigil::kNoTime;
    j.previous_successful_hash_global.reset();
    j.updated_at = vigil::kNoTime;
    db.storage.begin();
    update_job_state(db.storage, j);
    db.storage.commit();
    stored = active_jobs(db.storage).at(0);
    CHECK(stored.current_status == "missing");
    CHECK(stored.last_successful_backup_timestamp == vigil::kNoTime);
    CHECK_FALSE(stored.previous_successful_hash_global.has_value());
    CHECK(stored.updated_at == at("2026-11-24T04:00:00Z"));

    j.id = 987654;
    db.storage.begin();
    CHECK_THROWS_WITH(update_job_state(db.storage, j), Catch::Matchers::Contains("987654"));
    db.storage.rollback();
}
