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

TEST_CASE("find_reports tells seen content from the same file, within one agent folder") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::string sha(64, 'e'), other_sha(64, 'f');
    const std::string file = "20261123_023107_ACME_PARIS_CENTRE.json";

    auto seen = find_report(db.storage, sha, "ACME_PARIS_CENTRE", file);
    CHECK_FALSE(seen.content_seen);
    CHECK_FALSE(seen.same_file);

    db.storage.begin();
    record_report(db.storage, record(sha, file, "used"));
    db.storage.commit();

    seen = find_report(db.storage, sha, "ACME_PARIS_CENTRE", file);
    CHECK(seen.content_seen);
    CHECK(seen.same_file);
    seen = find_report(db.storage, sha, "ACME_PARIS_CENTRE", "20261124_023107_ACME_PARIS_CENTRE.json");
    CHECK(seen.content_seen);
    CHECK_FALSE(seen.same_file);
    // The same bytes in another agent's folder were never seen there.
    seen = find_report(db.storage, sha, "BETA_LYON_GARE", file);
    CHECK_FALSE(seen.content_seen);
    CHECK_FALSE(seen.same_file);
    seen = find_report(db.storage, other_sha, "ACME_PARIS_CENTRE", file);
    CHECK_FALSE(seen.content_seen);
    CHECK_FALSE(seen.same_file);
}

TEST_CASE("write keeps the first fate of a (content, agent, file)") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::string sha(64, 'e');
    db.storage.begin();
    record_report(db.storage, record(sha, "a.json", "used"));
    record_report(db.storage, record(sha, "a.json", "duplicate"));
    record_report(db.storage, record(sha, "b.json", "duplicate"));
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
    record_report(db.storage, record(std::string(64, 'e'), "a.json", "used"));
    db.storage.rollback();
    CHECK(active_jobs(db.storage).empty());
    CHECK_FALSE(find_report(db.storage, std::string(64, 'e'), "ACME_PARIS_CENTRE", "a.json").content_seen);

    db.storage.rollback();  // nothing open: nothing to do
    CHECK_THROWS(db.storage.commit());
    db.storage.begin();
    CHECK_THROWS(db.storage.begin());
    db.storage.commit();
}

TEST_CASE("claim_agents claims several agents in one call, each until the transaction ends") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    CHECK_THROWS(db.storage.claim_agents({"ACME_PARIS_CENTRE"}));
    db.storage.begin();
    CHECK(db.storage.claim_agents({}).empty());
    CHECK(db.storage.claim_agents({"ACME_PARIS_CENTRE"}) == std::vector<bool>{true});
    const std::vector<std::string> batch{"BETA_LYON_GARE", "ACME_PARIS_CENTRE", "GAMMA_NICE_PORT", "BETA_LYON_GARE"};

    if (db.postgres()) {
        auto other = db.open_another();
        other->begin();
        CHECK(other->claim_agents(batch) == std::vector<bool>{true, false, true, true});
        // What the batch claimed is held by it, as a one-agent claim would be.
        CHECK(db.storage.claim_agents({"GAMMA_NICE_PORT"}) == std::vector<bool>{false});
        CHECK(db.storage.claim_agents({"GAMMA_NICE_PORT", "DELTA_LILLE_NORD"}) == std::vector<bool>{false, true});
        db.storage.commit();
        CHECK(other->claim_agents({"ACME_PARIS_CENTRE", "DELTA_LILLE_NORD"}) == std::vector<bool>{true, true});
        other->rollback();
        db.storage.begin();
        CHECK(db.storage.claim_agents(batch) == std::vector<bool>{true, true, true, true});
        db.storage.commit();
    } else {
        // One SQLite writer at a time: a transaction holds every agent.
        CHECK(db.storage.claim_agents(batch) == std::vector<bool>{true, true, true, true});
        db.storage.commit();
    }
}

TEST_CASE("claim_agents claims one agent until the transaction ends") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::vector<std::string> acme{"ACME_PARIS_CENTRE"}, beta{"BETA_LYON_GARE"};
    CHECK_THROWS(db.storage.claim_agents(acme));
    db.storage.begin();
    CHECK(db.storage.claim_agents(acme) == std::vector<bool>{true});
    CHECK(db.storage.claim_agents(acme) == std::vector<bool>{true});  // re-entrant for its holder

    // A second scanner on SQLite would wait for the write lock in begin();
    // on PostgreSQL it runs alongside and must skip the claimed agent.
    if (db.postgres()) {
        auto other = db.open_another();
        other->begin();
        CHECK(other->claim_agents(acme) == std::vector<bool>{false});
        CHECK(other->claim_agents(beta) == std::vector<bool>{true});
        db.storage.commit();
        CHECK(other->claim_agents(acme) == std::vector<bool>{true});
        other->rollback();
    } else {
        db.storage.commit();
    }
}
