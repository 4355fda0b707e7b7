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
    const std::int64_t job_id = active_jobs(db.storage)[0].id;
    insert_event(db.storage, event_for(job_id, "status_change", now), {"mail", "hook"});
    db.storage.commit();
    const std::int64_t id = last_event_id(db);

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
    insert_event(db.storage, event_for(0, "hash_mismatch", at("2026-11-23T04:00:00Z")), {});
    db.storage.commit();
    CHECK(db.count("SELECT COUNT(*) FROM notification_events") == 1);
    CHECK(db.count("SELECT COUNT(*) FROM notification_deliveries") == 0);
}

TEST_CASE("insert_events stores several events at once, in the order given, each with its own deliveries") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::int64_t now = at("2026-11-23T04:00:00Z");
    const std::int64_t real = at("2026-11-25T10:00:00Z");
    db.storage.begin();
    sync_jobs(db.storage, {job("ACME_PARIS_CENTRE", "sales", 2, 30)}, now);
    const std::int64_t job_id = active_jobs(db.storage)[0].id;
    vigil::Event cron = event_for(job_id, "reminder", now + 2);
    cron.expected_hour_utc.reset();
    cron.expected_minute_utc.reset();
    cron.schedule = "0 */6 * * *";
    cron.timezone = "Europe/Paris";
    cron.message = "l'été \"quoted\"";
    cron.cycle_expected_at = vigil::kNoTime;
    const std::vector<vigil::QueuedEvent> events{{event_for(job_id, "status_change", now), {"mail", "hook"}},
                                                 {event_for(0, "hash_mismatch", now + 1), {}},
                                                 {cron, {"hook"}}};
    db.storage.insert_events(events);
    db.storage.commit();

    CHECK(db.count("SELECT COUNT(*) FROM notification_events") == 3);
    CHECK(db.count("SELECT COUNT(*) FROM notification_deliveries") == 3);
    // Ids in the order given; absent values NULL.
    CHECK(db.count("SELECT COUNT(*) FROM notification_events WHERE id = (SELECT MIN(id) FROM notification_events)"
                   " AND kind = 'status_change'") == 1);
    CHECK(db.count("SELECT COUNT(*) FROM notification_events WHERE id = (SELECT MAX(id) FROM notification_events)"
                   " AND kind = 'reminder'") == 1);
    CHECK(db.count("SELECT COUNT(*) FROM notification_events WHERE kind = 'hash_mismatch' AND job_id IS NULL"
                   " AND schedule IS NULL AND timezone IS NULL") == 1);
    CHECK(db.count("SELECT COUNT(*) FROM notification_events WHERE kind = 'reminder' AND expected_hour_utc IS NULL"
                   " AND cycle_expected_at IS NULL") == 1);
    CHECK(db.count("SELECT COUNT(*) FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id"
                   " WHERE d.next_attempt_at_us = e.scan_time_us AND d.state = 'pending'") == 3);
    // The times' text columns hold whole seconds (now + 2 is 2 microseconds later).
    const std::string utc = db.postgres() ? "+00" : "";
    CHECK(db.count("SELECT COUNT(*) FROM notification_events WHERE scan_time = '2026-11-23 04:00:00" + utc + "'") == 3);
    CHECK(db.count("SELECT COUNT(*) FROM notification_events WHERE cycle_expected_at = '2026-11-23 02:30:00" + utc +
                   "'") == 2);

    db.storage.begin();
    const auto mail = db.storage.claim_deliveries("mail", now + 2, real, real + 1);
    const auto hook = db.storage.claim_deliveries("hook", now + 2, real, real + 1);
    db.storage.commit();
    REQUIRE(mail.size() == 1);
    CHECK(mail[0].kind == "status_change");
    CHECK(mail[0].job_id == job_id);
    CHECK(mail[0].expected_hour_utc == 2);
    CHECK(mail[0].cycle_expected_at == at("2026-11-23T02:30:00Z"));
    CHECK(mail[0].scan_time == now);
    REQUIRE(hook.size() == 2);
    CHECK(hook[0].id == mail[0].id);
    CHECK(hook[1].id > hook[0].id);
    CHECK(hook[1].kind == "reminder");
    CHECK(hook[1].fingerprint == "fp-reminder");
    CHECK(hook[1].schedule == "0 */6 * * *");
    CHECK(hook[1].timezone == "Europe/Paris");
    CHECK_FALSE(hook[1].expected_hour_utc.has_value());
    CHECK(hook[1].message == "l'été \"quoted\"");
    CHECK(hook[1].cycle_expected_at == vigil::kNoTime);
    CHECK(hook[1].scan_time == now + 2);
    CHECK(hook[1].old_status == "ok");
    CHECK(hook[1].new_status == "failed");

    db.storage.begin();
    db.storage.insert_events({});
    db.storage.commit();
    CHECK(db.count("SELECT COUNT(*) FROM notification_events") == 3);
    CHECK_THROWS(db.storage.insert_events(events));  // outside a transaction
}
