// The notification outbox: events, deliveries, claims and their outcomes.
#include "fixture.hpp"

using namespace storage_test;

namespace {
vigil::Event event_for(std::int64_t job_id, const std::string& kind, std::int64_t scan_time) {
    vigil::Event e;
    e.job_id = job_id;
    e.kind = kind;
    e.fingerprint = "fp-" + kind;
    e.agent_id = "ACME_PARIS_CENTRE";
    e.database_name = "sales";
    e.expected_hour_utc = 2;
    e.expected_minute_utc = 30;
    e.old_status = "ok";
    e.new_status = "failed";
    e.cycle_expected_at = at("2026-11-23T02:30:00Z");
    e.message = "TRANSFER failed";
    e.scan_time = scan_time;
    return e;
}
}  // namespace

TEST_CASE("events are claimed once per notifier, and an unfinished claim comes back flagged") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::int64_t now = at("2026-11-23T04:00:00Z");
    const std::int64_t real = at("2026-11-25T10:00:00Z");
    db.storage.begin();
    sync_jobs(db.storage, {job("ACME_PARIS_CENTRE", "sales", 2, 30)}, now);
    const std::int64_t job_id = db.storage.load_jobs("")[0].id;
    const std::int64_t id = db.storage.insert_event(event_for(job_id, "status_change", now), {"mail", "hook"});
    db.storage.commit();

    db.storage.begin();
    auto claimed = db.storage.claim_deliveries("mail", now, real, real + 600'000'000);
    db.storage.commit();
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].id == id);
    CHECK(claimed[0].message == "TRANSFER failed");
    CHECK(claimed[0].cycle_expected_at == at("2026-11-23T02:30:00Z"));
    CHECK_FALSE(claimed[0].possibly_duplicate);

    SECTION("a live claim is not taken twice") {
        db.storage.begin();
        CHECK(db.storage.claim_deliveries("mail", now, real, real + 600'000'000).empty());
        db.storage.commit();
    }
    SECTION("an expired claim comes back as a possible duplicate") {
        db.storage.begin();
        auto again = db.storage.claim_deliveries("mail", now, real + 601'000'000, real + 1200'000'000);
        db.storage.commit();
        REQUIRE(again.size() == 1);
        CHECK(again[0].possibly_duplicate);
    }
    SECTION("sent deliveries are done; the other notifier still has its own") {
        db.storage.finish_deliveries("mail", {id}, "sent", vigil::kNoTime, "", now);
        db.storage.begin();
        CHECK(db.storage.claim_deliveries("mail", now + 1, real + 601'000'000, real + 1200'000'000).empty());
        CHECK(db.storage.claim_deliveries("hook", now, real, real + 600'000'000).size() == 1);
        db.storage.commit();
        CHECK(db.storage.last_notified("mail", job_id) == now);
    }
    SECTION("a retry waits for its next attempt; a permanent failure stops") {
        db.storage.finish_deliveries("mail", {id}, "pending", now + 60'000'000, "503 busy", now);
        db.storage.begin();
        CHECK(db.storage.claim_deliveries("mail", now + 59'000'000, real, real + 1).empty());
        auto retried = db.storage.claim_deliveries("mail", now + 60'000'000, real, real + 1);
        db.storage.commit();
        REQUIRE(retried.size() == 1);
        CHECK_FALSE(retried[0].possibly_duplicate);
        db.storage.finish_deliveries("mail", {id}, "failed", vigil::kNoTime, "550 no such user", now);
        db.storage.begin();
        CHECK(db.storage.claim_deliveries("mail", now + 9'000'000'000, real + 9'000'000'000, real + 9'000'000'001).empty());
        db.storage.commit();
        CHECK(db.storage.last_notified("mail", job_id) == vigil::kNoTime);
        CHECK(db.count("SELECT COUNT(*) FROM notification_deliveries WHERE state = 'failed' AND last_error = '550 no such user'") == 1);
    }
}

TEST_CASE("an event for no notifier is stored without deliveries") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    db.storage.begin();
    db.storage.insert_event(event_for(0, "hash_mismatch", at("2026-11-23T04:00:00Z")), {});
    db.storage.commit();
    CHECK(db.count("SELECT COUNT(*) FROM notification_events") == 1);
    CHECK(db.count("SELECT COUNT(*) FROM notification_deliveries") == 0);
}
