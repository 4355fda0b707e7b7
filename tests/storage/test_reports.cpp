#include "fixture.hpp"

using namespace storage_test;

namespace {

vigil::ReportRecord record(const std::string& sha, const std::string& file, const std::string& fate) {
    vigil::ReportRecord r;
    r.content_sha256 = sha;
    r.agent_id = "ACME_PARIS_CENTRE";
    r.file_name = file;
    r.fate = fate;
    r.reason = fate == "used" ? "" : "why not";
    r.source = fate == "used" ? std::optional<std::string>("status_json") : std::nullopt;
    r.operation_end_time = at("2026-11-23T02:31:07.5Z");
    r.scanned_at = at("2026-11-23T04:00:00Z");
    return r;
}

}  // namespace

TEST_CASE("find_report tells seen content from the same file, within one agent folder") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::string sha(64, 'e'), other_sha(64, 'f');
    const std::string file = "20261123_023107_ACME_PARIS_CENTRE.json";

    auto seen = db.storage.find_report(sha, "ACME_PARIS_CENTRE", file);
    CHECK_FALSE(seen.content_seen);
    CHECK_FALSE(seen.same_file);

    db.storage.begin();
    db.storage.record_report(record(sha, file, "used"));
    db.storage.commit();

    seen = db.storage.find_report(sha, "ACME_PARIS_CENTRE", file);
    CHECK(seen.content_seen);
    CHECK(seen.same_file);
    seen = db.storage.find_report(sha, "ACME_PARIS_CENTRE", "20261124_023107_ACME_PARIS_CENTRE.json");
    CHECK(seen.content_seen);
    CHECK_FALSE(seen.same_file);
    // The same bytes in another agent's folder were never seen there.
    seen = db.storage.find_report(sha, "BETA_LYON_GARE", file);
    CHECK_FALSE(seen.content_seen);
    CHECK_FALSE(seen.same_file);
    seen = db.storage.find_report(other_sha, "ACME_PARIS_CENTRE", file);
    CHECK_FALSE(seen.content_seen);
    CHECK_FALSE(seen.same_file);
}

TEST_CASE("record_report keeps the first fate of a (content, agent, file)") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::string sha(64, 'e');
    db.storage.begin();
    db.storage.record_report(record(sha, "a.json", "used"));
    db.storage.record_report(record(sha, "a.json", "duplicate"));
    db.storage.record_report(record(sha, "b.json", "duplicate"));
    db.storage.commit();
    CHECK(db.count("SELECT COUNT(*) FROM processed_reports") == 2);
    CHECK(db.count("SELECT COUNT(*) FROM processed_reports WHERE file_name = 'a.json' AND fate = 'used'"
                   " AND source = 'status_json' AND reason = ''") == 1);
    CHECK(db.count("SELECT COUNT(*) FROM processed_reports WHERE file_name = 'b.json' AND source IS NULL"
                   " AND reason = 'why not' AND operation_end_time IS NOT NULL AND scanned_at IS NOT NULL") == 1);
}

TEST_CASE("rollback discards everything since begin") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    db.storage.begin();
    sync_jobs(db.storage, {job("ACME_PARIS_CENTRE", "sales", 2, 30)}, at("2026-11-23T04:00:00Z"));
    db.storage.record_report(record(std::string(64, 'e'), "a.json", "used"));
    db.storage.rollback();
    CHECK(db.storage.load_jobs("").empty());
    CHECK_FALSE(db.storage.find_report(std::string(64, 'e'), "ACME_PARIS_CENTRE", "a.json").content_seen);

    db.storage.rollback();  // nothing open: nothing to do
    CHECK_THROWS(db.storage.commit());
    db.storage.begin();
    CHECK_THROWS(db.storage.begin());
    db.storage.commit();
}

TEST_CASE("try_lock_agents claims several agents in one call, each as try_lock_agent would") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    CHECK_THROWS(db.storage.try_lock_agents({"ACME_PARIS_CENTRE"}));
    db.storage.begin();
    CHECK(db.storage.try_lock_agents({}).empty());
    CHECK(db.storage.try_lock_agent("ACME_PARIS_CENTRE"));
    const std::vector<std::string> batch{"BETA_LYON_GARE", "ACME_PARIS_CENTRE", "GAMMA_NICE_PORT", "BETA_LYON_GARE"};

    if (db.postgres()) {
        auto other = db.open_another();
        other->begin();
        CHECK(other->try_lock_agents(batch) == std::vector<bool>{true, false, true, true});
        // What the batch claimed is held by it, as a one-agent claim would be.
        CHECK_FALSE(db.storage.try_lock_agent("GAMMA_NICE_PORT"));
        CHECK(db.storage.try_lock_agents({"GAMMA_NICE_PORT", "DELTA_LILLE_NORD"}) == std::vector<bool>{false, true});
        db.storage.commit();
        CHECK(other->try_lock_agents({"ACME_PARIS_CENTRE", "DELTA_LILLE_NORD"}) == std::vector<bool>{true, true});
        other->rollback();
        db.storage.begin();
        CHECK(db.storage.try_lock_agents(batch) == std::vector<bool>{true, true, true, true});
        db.storage.commit();
    } else {
        // One SQLite writer at a time: a transaction holds every agent.
        CHECK(db.storage.try_lock_agents(batch) == std::vector<bool>{true, true, true, true});
        db.storage.commit();
    }
}

TEST_CASE("try_lock_agent claims an agent until the transaction ends") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    CHECK_THROWS(db.storage.try_lock_agent("ACME_PARIS_CENTRE"));
    db.storage.begin();
    CHECK(db.storage.try_lock_agent("ACME_PARIS_CENTRE"));
    CHECK(db.storage.try_lock_agent("ACME_PARIS_CENTRE"));  // re-entrant for its holder

    // A second scanner on SQLite would wait for the write lock in begin();
    // on PostgreSQL it runs alongside and must skip the claimed agent.
    if (db.postgres()) {
        auto other = db.open_another();
        other->begin();
        CHECK_FALSE(other->try_lock_agent("ACME_PARIS_CENTRE"));
        CHECK(other->try_lock_agent("BETA_LYON_GARE"));
        db.storage.commit();
        CHECK(other->try_lock_agent("ACME_PARIS_CENTRE"));
        other->rollback();
    } else {
        db.storage.commit();
    }
}
