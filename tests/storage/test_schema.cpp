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
    sync_jobs(db.storage, {job("ACME_PARIS_CENTRE", "sales", 2, 30)}, at("2026-11-23T04:00:00Z"));
    db.storage.commit();
    auto again = db.open_another();
    CHECK(active_jobs(*again).size() == 1);
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
    CHECK(active_jobs(storage).empty());
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

TEST_CASE("without a url, the records go to vigil.db in the configuration's directory") {
    vigil::test::ScratchDir scratch;
    vigil::Config config;
    config.put("vigil_config_dir", scratch.path().string());
    vigil::plugins::SociStorage storage;
    storage.configure(config);
    CHECK(std::filesystem::exists(scratch.path() / "vigil.db"));
    CHECK_THAT(storage.description(), Catch::Matchers::Contains((scratch.path() / "vigil.db").string()));

    // A relative file is relative to that directory too.
    config.put("url", "sqlite3://db=sub/../records.db");
    vigil::plugins::SociStorage relative;
    relative.configure(config);
    CHECK(std::filesystem::exists(scratch.path() / "records.db"));
}

TEST_CASE("a database left at schema version 2 keeps its report fingerprints, matched per agent folder") {
    FOR_EACH_BACKEND(backend);
    vigil::test::ScratchDir scratch;
    const std::string url = vigil::test::fresh_database_url(backend, scratch.path());
    const auto parsed = vigil::plugins::parse_connection_url(url);
    const std::string sha(64, 'e');
    const std::string file = "20261123_023107_ACME_PARIS_CENTRE.json";
    soci::session raw(parsed.backend_name, parsed.connect_string);
    // What version 2 wrote: fingerprints indexed by content alone.
    vigil::plugins::migrate(raw, parsed, 2);
    raw << "INSERT INTO processed_reports (content_sha256, agent_id, file_name, fate, reason) VALUES ('" + sha +
               "', 'ACME_PARIS_CENTRE', '" + file + "', 'used', '')";
    vigil::plugins::SociStorage upgraded;
    upgraded.configure(url_config(url));
    auto count = [&](const std::string& sql) {
        long long n = -1;
        raw << sql, soci::into(n);
        return n;
    };
    CHECK(count("SELECT MAX(version) FROM vigil_schema_version") == vigil::plugins::latest_schema_version());
    const std::string index_count =
        backend == "postgresql" ? "SELECT COUNT(*) FROM pg_indexes WHERE indexname = "
                                : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ";
    CHECK(count(index_count + "'processed_reports_agent_content'") == 1);
    CHECK(count(index_count + "'processed_reports_content'") == 0);
    auto seen = find_report(upgraded, sha, "ACME_PARIS_CENTRE", file);
    CHECK(seen.content_seen);
    CHECK(seen.same_file);
    seen = find_report(upgraded, sha, "ACME_PARIS_CENTRE", "20261124_023107_ACME_PARIS_CENTRE.json");
    CHECK(seen.content_seen);
    CHECK_FALSE(seen.same_file);
    CHECK_FALSE(find_report(upgraded, sha, "BETA_LYON_GARE", "20261123_023107_BETA_LYON_GARE.json").content_seen);
}

TEST_CASE("a database left at schema version 1 by an older Vigil is upgraded in place") {
    FOR_EACH_BACKEND(backend);
    vigil::test::ScratchDir scratch;
    const std::string url = vigil::test::fresh_database_url(backend, scratch.path());
    const auto parsed = vigil::plugins::parse_connection_url(url);
    soci::session raw(parsed.backend_name, parsed.connect_string);
    vigil::plugins::migrate(raw, parsed, 1);
    raw << "INSERT INTO expected_backup_jobs (agent_id_responsible, company_name, city, neighborhood, database_name,"
           " expected_hour_utc, expected_minute_utc, window_minutes, created_at, updated_at) VALUES"
           " ('ACME_PARIS_CENTRE', 'ACME', 'PARIS', 'CENTRE', 'sales', 2, 30, 60, '2026-11-23 04:00:00',"
           " '2026-11-23 04:00:00')";
    vigil::plugins::SociStorage upgraded;
    upgraded.configure(url_config(url));
    long long version = 0, events = -1, deliveries = -1;
    raw << "SELECT MAX(version) FROM vigil_schema_version", soci::into(version);
    raw << "SELECT COUNT(*) FROM notification_events", soci::into(events);
    raw << "SELECT COUNT(*) FROM notification_deliveries", soci::into(deliveries);
    CHECK(version == vigil::plugins::latest_schema_version());
    CHECK(events == 0);
    CHECK(deliveries == 0);
    REQUIRE(active_jobs(upgraded).size() == 1);
    CHECK(active_jobs(upgraded)[0].database_name == "sales");
}
