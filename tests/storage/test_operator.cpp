// The storage's operator side: the scans table, status_changed_at, the
// reads of history and explain, delivery counts, and dry runs that keep
// nothing, on every backend.
#include "fixture.hpp"

#include "schema.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace storage_test;

namespace {

const std::string A = "ACME_PARIS_CENTRE";

vigil::Config dry_run_config(const std::string& url) {
    vigil::Config config = url_config(url);
    config.put("vigil_dry_run", true);
    return config;
}

vigil::Scan scan_row(const char* started, const char* scan_time) {
    vigil::Scan s;
    s.started_at = at(started);
    s.scan_time = at(scan_time);
    s.host = "backup-host";
    s.pid = 4242;
    return s;
}

std::int64_t store_job(vigil::plugins::SociStorage& storage, const std::string& database, const char* now) {
    storage.begin();
    sync_jobs(storage, {job(A, database, 2, 30)}, at(now));
    storage.commit();
    for (const vigil::Job& j : storage.load_all_jobs(A, false)) {
        if (j.database_name == database) return j.id;
    }
    FAIL("job not stored");
    return 0;
}

vigil::Entry entry(std::int64_t job_id, const char* cycle, const char* recorded, const std::string& status,
                   std::optional<std::string> report) {
    vigil::Entry e;
    e.expected_job_id = job_id;
    e.cycle_expected_at = at(cycle);
    e.timestamp = at(recorded);
    e.status = status;
    e.message = status + " at " + cycle;
    e.agent_id = A;
    e.operation_log_file_name = std::move(report);
    return e;
}

vigil::ReportRecord record(const std::string& file, const std::string& fate, const char* scanned) {
    vigil::ReportRecord r;
    r.content_sha256 = "sha-" + file;
    r.agent_id = A;
    r.file_name = file;
    r.fate = fate;
    r.reason = fate == "used" ? "" : "why " + fate;
    r.source = "status_json";
    r.scanned_at = at(scanned);
    return r;
}

}  // namespace

TEST_CASE("a scan's row is stored running, then finished with its counts, newest first") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    vigil::Scan first = scan_row("2026-11-23T04:00:00Z", "2026-11-23T04:00:00Z");
    db.storage.begin();
    first.id = db.storage.start_scan(first);
    db.storage.commit();
    auto scans = db.storage.load_scans(false, 10);
    REQUIRE(scans.size() == 1);
    CHECK(scans[0].outcome == "running");
    CHECK(scans[0].finished_at == vigil::kNoTime);
    CHECK(scans[0].host == "backup-host");
    CHECK(scans[0].pid == 4242);
    CHECK(db.storage.load_scans(true, 10).empty());

    first.finished_at = first.started_at + 1'250'000;
    first.outcome = "completed";
    first.agents_scanned = 3;
    first.agents_without_folder = 1;
    first.reports_processed = 7;
    first.entries_recorded = 5;
    first.bytes_verified = 1LL << 40;
    db.storage.begin();
    db.storage.finish_scan(first);
    vigil::Scan second = scan_row("2026-11-23T04:10:00Z", "2026-11-23T04:10:00Z");
    second.id = db.storage.start_scan(second);
    second.finished_at = second.started_at + 1'000'000;
    second.outcome = "failed";
    second.message = "database went away";
    db.storage.finish_scan(second);
    db.storage.commit();

    scans = db.storage.load_scans(false, 10);
    REQUIRE(scans.size() == 2);
    CHECK(scans[0].id == second.id);
    CHECK(scans[0].message == "database went away");
    CHECK(scans[1].finished_at - scans[1].started_at == 1'250'000);
    CHECK(scans[1].agents_scanned == 3);
    CHECK(scans[1].agents_without_folder == 1);
    CHECK(scans[1].bytes_verified == 1LL << 40);
    auto completed = db.storage.load_scans(true, 10);
    REQUIRE(completed.size() == 1);
    CHECK(completed[0].id == first.id);
    CHECK(db.storage.load_scans(false, 1).size() == 1);
    CHECK_THROWS(db.storage.finish_scan(second));  // outside a transaction
}

TEST_CASE("status_changed_at: set when a job is created, stored when given, kept when not") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::int64_t id = store_job(db.storage, "sales", "2026-11-20T04:00:00Z");
    vigil::Job j = load_jobs(db.storage, A).at(0);
    CHECK(j.status_changed_at == at("2026-11-20T04:00:00Z"));
    j.current_status = "missing";
    j.status_changed_at = at("2026-11-23T04:00:00Z");
    db.storage.begin();
    update_job_state(db.storage, j);
    j.status_changed_at = vigil::kNoTime;
    j.updated_at = at("2026-11-24T04:00:00Z");
    update_job_state(db.storage, j);
    db.storage.commit();
    CHECK(load_jobs(db.storage, A).at(0).status_changed_at == at("2026-11-23T04:00:00Z"));
    CHECK(load_jobs(db.storage, A).at(0).id == id);
}

TEST_CASE("load_all_jobs includes the jobs that left the configuration, unless asked for the active ones") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    store_job(db.storage, "sales", "2026-11-20T04:00:00Z");
    db.storage.begin();
    sync_jobs(db.storage, {job(A, "hr", 2, 30), job("BETA_LYON_GARE", "x", 1, 0)}, at("2026-11-21T04:00:00Z"));
    db.storage.commit();
    CHECK(load_jobs(db.storage, A).size() == 1);
    auto all = db.storage.load_all_jobs(A, false);
    REQUIRE(all.size() == 2);
    CHECK(all[0].database_name == "hr");
    CHECK(all[1].database_name == "sales");
    CHECK_FALSE(all[1].is_active);
    const auto active = db.storage.load_all_jobs(A, true);
    REQUIRE(active.size() == 1);
    CHECK(active[0].database_name == "hr");
    // Every agent's, by agent.
    const auto everyone = db.storage.load_all_jobs("", false);
    REQUIRE(everyone.size() == 3);
    CHECK(everyone[0].database_name == "hr");
    CHECK(everyone[1].database_name == "sales");
    CHECK(everyone[2].agent_id_responsible == "BETA_LYON_GARE");
    CHECK(db.storage.load_all_jobs("", true).size() == 2);
}

TEST_CASE("find_entries: an agent's entries newest first, by report and by time recorded") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::int64_t sales = store_job(db.storage, "sales", "2026-11-20T04:00:00Z");
    db.storage.begin();
    insert_entry(db.storage, entry(sales, "2026-11-21T02:30:00Z", "2026-11-21T04:00:00Z", "missing", std::nullopt));
    insert_entry(db.storage,
                 entry(sales, "2026-11-22T02:30:00Z", "2026-11-22T04:00:00Z", "success", std::string("r22.json")));
    insert_entry(db.storage,
                 entry(sales, "2026-11-21T02:30:00Z", "2026-11-22T04:00:00Z", "success", std::string("r21.json")));
    db.storage.commit();
    auto all = db.storage.find_entries(A, "", vigil::kNoTime);
    REQUIRE(all.size() == 3);
    CHECK(all[0].operation_log_file_name == std::string("r21.json"));  // same time as r22, inserted later
    CHECK(all[1].operation_log_file_name == std::string("r22.json"));
    CHECK(all[2].status == "missing");
    auto from_report = db.storage.find_entries(A, "r22.json", vigil::kNoTime);
    REQUIRE(from_report.size() == 1);
    CHECK(from_report[0].cycle_expected_at == at("2026-11-22T02:30:00Z"));
    CHECK(db.storage.find_entries(A, "", at("2026-11-22T00:00:00Z")).size() == 2);
    CHECK(db.storage.find_entries("GLOBEX_BERLIN_MITTE", "", vigil::kNoTime).empty());
}

TEST_CASE("load_reports: an agent folder's report fates newest first, by name and by time scanned") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    db.storage.begin();
    record_report(db.storage, record("a.json", "used", "2026-11-21T04:00:00Z"));
    record_report(db.storage, record("b.json", "stale", "2026-11-22T04:00:00Z"));
    vigil::ReportRecord other = record("c.json", "used", "2026-11-22T04:00:00Z");
    other.agent_id = "GLOBEX_BERLIN_MITTE";
    record_report(db.storage, other);
    db.storage.commit();
    auto all = db.storage.load_reports(A, "", vigil::kNoTime);
    REQUIRE(all.size() == 2);
    CHECK(all[0].file_name == "b.json");
    CHECK(all[0].reason == "why stale");
    CHECK(all[0].content_sha256 == "sha-b.json");
    CHECK(all[1].source == std::string("status_json"));
    CHECK(db.storage.load_reports(A, "a.json", vigil::kNoTime).size() == 1);
    CHECK(db.storage.load_reports(A, "", at("2026-11-22T00:00:00Z")).size() == 1);
}

TEST_CASE("count_deliveries counts per notifier and state") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::int64_t id = store_job(db.storage, "sales", "2026-11-20T04:00:00Z");
    vigil::Event e;
    e.job_id = id;
    e.kind = "status_change";
    e.fingerprint = "fp";
    e.agent_id = A;
    e.database_name = "sales";
    e.old_status = "ok";
    e.new_status = "failed";
    e.scan_time = at("2026-11-23T04:00:00Z");
    db.storage.begin();
    insert_event(db.storage, e, {"hook", "mail"});
    db.storage.commit();
    const std::int64_t event = last_event_id(db);
    db.storage.begin();
    insert_event(db.storage, e, {"hook"});
    db.storage.finish_deliveries("mail", {event}, "failed", vigil::kNoTime, "550 no such user", e.scan_time);
    db.storage.commit();
    auto counts = db.storage.count_deliveries();
    std::map<std::pair<std::string, std::string>, std::int64_t> by;
    for (const auto& c : counts) by[{c.notifier, c.state}] = c.count;
    CHECK(by.size() == 2);
    CHECK(by[{"hook", "pending"}] == 2);
    CHECK(by[{"mail", "failed"}] == 1);
}

TEST_CASE("a dry run reads and writes as usual, steps roll back alone, and nothing is kept") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    store_job(db.storage, "sales", "2026-11-20T04:00:00Z");
    {
        vigil::plugins::SociStorage dry;
        dry.configure(dry_run_config(db.url));
        CHECK(dry.dry_run());
        CHECK_FALSE(db.storage.dry_run());
        dry.begin();
        sync_jobs(dry, {job(A, "sales", 2, 30), job(A, "hr", 3, 0)}, at("2026-11-21T04:00:00Z"));
        dry.commit();
        dry.begin();
        record_report(dry, record("a.json", "used", "2026-11-21T04:00:00Z"));
        dry.rollback();
        dry.begin();
        vigil::Scan s = scan_row("2026-11-21T04:00:00Z", "2026-11-21T04:00:00Z");
        dry.start_scan(s);
        dry.commit();
        CHECK(load_jobs(dry, A).size() == 2);
        CHECK(dry.load_reports(A, "", vigil::kNoTime).empty());
        CHECK(dry.load_scans(false, 5).size() == 1);
    }
    CHECK(load_jobs(db.storage, A).size() == 1);
    CHECK(db.count("SELECT COUNT(*) FROM scans") == 0);
    CHECK(db.count("SELECT COUNT(*) FROM expected_backup_jobs") == 1);
}

TEST_CASE("a dry run on an older schema works on the upgraded schema and leaves the stored one as it was") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    store_job(db.storage, "sales", "2026-11-20T04:00:00Z");
    // Before migration 5 (scans), so before 6 (silences) too.
    const int older = 4;
    {
        auto raw = db.raw();
        undo_silences_migration(*raw);
        undo_scans_migration(*raw);
        *raw << "UPDATE vigil_schema_version SET version = " + std::to_string(older);
    }
    {
        vigil::plugins::SociStorage dry;
        dry.configure(dry_run_config(db.url));
        CHECK_THAT(dry.description(), Catch::Matchers::Contains("schema version " + std::to_string(older) +
                                                                 "; a scan upgrades it to "));
        // The upgrade dates a job still unknown from its creation.
        CHECK(load_jobs(dry, A).at(0).status_changed_at == at("2026-11-20T04:00:00Z"));
        CHECK(dry.load_scans(false, 1).empty());
    }
    CHECK(db.count("SELECT MAX(version) FROM vigil_schema_version") == older);
    CHECK_THROWS(db.count("SELECT COUNT(*) FROM scans"));
}

TEST_CASE("a dry run creates no SQLite file, it works on an empty database in memory") {
    vigil::test::ScratchDir scratch;
    const auto file = scratch.path() / "vigil.db";
    {
        vigil::plugins::SociStorage dry;
        dry.configure(dry_run_config("sqlite3://db=" + file.string()));
        CHECK_THAT(dry.description(), Catch::Matchers::Contains("does not exist yet; a scan creates it"));
        dry.begin();
        sync_jobs(dry, {job(A, "sales", 2, 30)}, at("2026-11-21T04:00:00Z"));
        dry.commit();
        CHECK(load_jobs(dry, A).size() == 1);
    }
    CHECK(std::filesystem::is_empty(scratch.path()));
    vigil::plugins::SociStorage nowhere;
    CHECK_THAT(message_of<vigil::Unavailable>(
                   [&] { nowhere.configure(dry_run_config("sqlite3://db=" + (scratch.path() / "no" / "v.db").string())); }),
               Catch::Matchers::Contains("does not exist or is not writable"));
}

TEST_CASE("a dry run leaves an existing SQLite file byte for byte as it was") {
    vigil::test::ScratchDir scratch;
    const auto file = scratch.path() / "vigil.db";
    const std::string url = "sqlite3://db=" + file.string();
    {
        vigil::plugins::SociStorage storage;
        storage.configure(url_config(url));
        store_job(storage, "sales", "2026-11-20T04:00:00Z");
    }
    auto bytes = [&] {
        std::ifstream in(file, std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    };
    const std::string before = bytes();
    const auto listing_before = std::distance(std::filesystem::directory_iterator(scratch.path()), {});
    {
        vigil::plugins::SociStorage dry;
        dry.configure(dry_run_config(url));
        dry.begin();
        sync_jobs(dry, {job(A, "hr", 3, 0)}, at("2026-11-21T04:00:00Z"));
        dry.commit();
    }
    CHECK(bytes() == before);
    CHECK(std::distance(std::filesystem::directory_iterator(scratch.path()), {}) == listing_before);
}

TEST_CASE("describe names the URL and the schema version, and whether this instance created the tables") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::string latest = std::to_string(vigil::plugins::latest_schema_version());
    CHECK_THAT(db.storage.description(), Catch::Matchers::EndsWith(": tables created (schema version " + latest + ")"));
    CHECK_THAT(db.open_another()->description(),
               Catch::Matchers::StartsWith(db.backend == "sqlite" ? "sqlite3://" : "postgresql://") &&
                   Catch::Matchers::EndsWith(": schema version " + latest));
}
