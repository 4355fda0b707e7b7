#include "fixture.hpp"

#include "schema.hpp"

#include <filesystem>
#include <thread>

using namespace storage_test;

TEST_CASE("the schema has the tables and columns of docs/records.md") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    auto raw = db.raw();
    auto exists = [&](const std::string& table, const std::string& columns) {
        INFO(table);
        CHECK_NOTHROW(*raw << "SELECT " + columns + " FROM " + table + " WHERE 1 = 0");
    };
    exists("expected_backup_jobs",
           "id, agent_id_responsible, company_name, city, neighborhood, database_name, expected_hour_utc,"
           " expected_minute_utc, window_minutes, is_active, current_status, last_checked_timestamp,"
           " last_successful_backup_timestamp, previous_successful_hash_global, created_at, updated_at,"
           " last_entry_cycle_at");
    std::string phases;
    for (const char* p : {"backup", "compress", "transfer"}) {
        for (const char* f : {"status", "start_time", "end_time", "sha256_checksum", "size", "error_message"}) {
            phases += std::string(", agent_") + p + "_" + f;
        }
    }
    exists("backup_entries",
           "id, expected_job_id, cycle_expected_at, \"timestamp\", status, message, operation_log_file_name,"
           " agent_id, agent_overall_status, operation_start_time, operation_end_time, operation_end_time_us" +
               phases +
               ", agent_staged_file_name, agent_logs_summary, server_calculated_staged_hash,"
               " server_calculated_staged_size, previous_successful_hash_global, hash_comparison_result");
    exists("processed_reports",
           "id, content_sha256, agent_id, file_name, fate, reason, source, operation_end_time, scanned_at");
    CHECK(db.count("SELECT COUNT(*) FROM vigil_schema_version") == 1);
    CHECK(db.count("SELECT MAX(version) FROM vigil_schema_version") == vigil::plugins::latest_schema_version());
}

TEST_CASE("SQLite databases run in WAL mode") {
    vigil::test::ScratchDir scratch;
    vigil::plugins::SociStorage storage;
    std::string url = vigil::test::fresh_database_url("sqlite", scratch.path());
    storage.configure(url_config(url));
    soci::session raw("sqlite3", "db=" + (scratch.path() / "vigil.db").string());
    std::string mode;
    raw << "PRAGMA journal_mode", soci::into(mode);
    CHECK(mode == "wal");
}

TEST_CASE("opening a migrated database again changes nothing") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    db.storage.begin();
    db.storage.sync_jobs({job("ACME_PARIS_CENTRE", "sales", 2, 30)}, at("2026-11-23T04:00:00Z"));
    db.storage.commit();
    auto again = db.open_another();
    CHECK(again->load_jobs("").size() == 1);
    CHECK(db.count("SELECT COUNT(*) FROM vigil_schema_version") == 1);
}

TEST_CASE("concurrent start-ups on an empty database migrate it once") {
    FOR_EACH_BACKEND(backend);
    vigil::test::ScratchDir scratch;
    const std::string url = vigil::test::fresh_database_url(backend, scratch.path());
    std::vector<std::thread> threads;
    std::vector<std::string> errors(6);
    for (std::size_t i = 0; i < errors.size(); ++i) {
        threads.emplace_back([&, i] {
            try {
                vigil::plugins::SociStorage storage;
                storage.configure(url_config(url));
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& e : errors) CHECK(e == "");
    vigil::plugins::SociStorage storage;
    storage.configure(url_config(url));
    CHECK(storage.load_jobs("").empty());
}

TEST_CASE("a database from a newer Vigil is refused") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    *db.raw() << "UPDATE vigil_schema_version SET version = 99";
    vigil::plugins::SociStorage newer;
    std::string expected = "has schema version 99, newer than this Vigil supports (" +
                           std::to_string(vigil::plugins::latest_schema_version()) + "); upgrade Vigil";
    std::string message = message_of<vigil::Unavailable>([&] { newer.configure(url_config(db.url)); });
    CHECK_THAT(message, Catch::Matchers::Contains(expected) && Catch::Matchers::StartsWith("database "));
}

TEST_CASE("an SQLite file in a missing directory is unavailable, and no directory is made") {
    vigil::test::ScratchDir scratch;
    const auto missing = scratch.path() / "missing";
    vigil::plugins::SociStorage storage;
    std::string message = message_of<vigil::Unavailable>(
        [&] { storage.configure(url_config("sqlite3://db=" + (missing / "vigil.db").string())); });
    CHECK_THAT(message, Catch::Matchers::Contains((missing / "vigil.db").string()));
    CHECK_FALSE(std::filesystem::exists(missing));
}

TEST_CASE("an unreachable PostgreSQL server is unavailable, the password never shown") {
    for (const std::string url : {"postgresql://host=127.0.0.1 port=1 dbname=vigil user=scan password=hunter2",
                                  "postgresql://scan:hunter2@127.0.0.1:1/vigil"}) {
        INFO(url);
        vigil::plugins::SociStorage storage;
        try {
            storage.configure(url_config(url));
            FAIL("connected");
        } catch (const vigil::Unavailable& e) {
            std::string message = e.what();
            CHECK(message.find("hunter2") == std::string::npos);
            CHECK(message.find("***") != std::string::npos);
            CHECK(message.find("127.0.0.1") != std::string::npos);
            CHECK(message.find('\n') == std::string::npos);
        }
    }
}

TEST_CASE("configure refuses a missing or unknown URL naming database.url") {
    vigil::plugins::SociStorage storage;
    CHECK_THAT(message_of<vigil::InvalidInput>([&] { storage.configure(vigil::Config{}); }),
               Catch::Matchers::Contains("database.url"));
    CHECK_THAT(message_of<vigil::InvalidInput>([&] { storage.configure(url_config("mysql://h/d")); }),
               Catch::Matchers::Contains("database.url"));
    CHECK_THROWS_AS(storage.begin(), std::logic_error);
}

TEST_CASE("a database left at schema version 1 by an older Vigil is upgraded in place") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    db.storage.begin();
    db.storage.sync_jobs({job("ACME_PARIS_CENTRE", "sales", 2, 30)}, at("2026-11-23T04:00:00Z"));
    db.storage.commit();
    {
        // What version 1 had: no notification tables, no scans.
        auto raw = db.raw();
        undo_scans_migration(*raw);
        *raw << "DROP TABLE notification_deliveries";
        *raw << "DROP TABLE notification_events";
        *raw << "UPDATE vigil_schema_version SET version = 1";
    }
    auto upgraded = db.open_another();
    CHECK(db.count("SELECT MAX(version) FROM vigil_schema_version") == vigil::plugins::latest_schema_version());
    CHECK(db.count("SELECT COUNT(*) FROM notification_events") == 0);
    CHECK(db.count("SELECT COUNT(*) FROM notification_deliveries") == 0);
    REQUIRE(upgraded->load_jobs("").size() == 1);
    CHECK(upgraded->load_jobs("")[0].database_name == "sales");
}
