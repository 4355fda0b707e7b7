// Silences and each notifier's last word on a job, on both backends.
#include "fixture.hpp"

using namespace storage_test;

namespace {

vigil::Silence silence(const std::string& agents, std::int64_t from, std::int64_t until) {
    vigil::Silence s;
    s.agents = agents;
    s.databases = "*";
    s.created_at = from;
    s.created_by = "alice";
    s.reason = "storage maintenance";
    s.ends_at = until;
    return s;
}

vigil::Event status_event(std::int64_t job_id, const std::string& kind, const std::string& to, std::int64_t now) {
    vigil::Event e;
    e.job_id = job_id;
    e.kind = kind;
    e.fingerprint = "fp-" + kind + to;
    e.agent_id = "ACME_PARIS_CENTRE";
    e.database_name = "sales";
    e.old_status = "ok";
    e.new_status = to;
    e.scan_time = now;
    return e;
}

}  // namespace

TEST_CASE("silences are stored, listed by end and expired once, exactly to the microsecond") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::int64_t t0 = at("2026-11-23T04:00:00Z") + 123'456;
    db.storage.begin();
    const std::int64_t first = db.storage.add_silence(silence("ACME_*", t0, t0 + 3'600'000'000));
    const std::int64_t second = db.storage.add_silence(silence("GLOBEX_*", t0, t0 + 60'000'000));
    db.storage.commit();
    CHECK(second > first);

    auto all = db.storage.load_silences(vigil::kNoTime);
    REQUIRE(all.size() == 2);
    CHECK(all[0].id == first);
    CHECK(all[0].agents == "ACME_*");
    CHECK(all[0].databases == "*");
    CHECK(all[0].created_at == t0);
    CHECK(all[0].created_by == "alice");
    CHECK(all[0].reason == "storage maintenance");
    CHECK(all[0].ends_at == t0 + 3'600'000'000);
    CHECK(all[0].expired_at == vigil::kNoTime);
    CHECK_FALSE(all[0].expired_by.has_value());
    // Ending at t0 + 60 s exactly: not later than it.
    CHECK(db.storage.load_silences(t0 + 60'000'000).size() == 1);
    CHECK(db.storage.load_silences(t0 + 59'999'999).size() == 2);

    db.storage.begin();
    CHECK(db.storage.expire_silence(first, t0 + 1'000'000, "bob"));
    CHECK_FALSE(db.storage.expire_silence(first + second + 100, t0 + 1'000'000, "bob"));
    db.storage.commit();
    all = db.storage.load_silences(vigil::kNoTime);
    CHECK(all[0].ends_at == t0 + 1'000'000);
    CHECK(all[0].expired_at == t0 + 1'000'000);
    CHECK(all[0].expired_by == std::optional<std::string>("bob"));

    // An ended silence stays as it ended.
    db.storage.begin();
    CHECK(db.storage.expire_silence(second, t0 + 120'000'000, "carol"));
    db.storage.commit();
    all = db.storage.load_silences(vigil::kNoTime);
    CHECK(all[1].ends_at == t0 + 60'000'000);
    CHECK(all[1].expired_at == vigil::kNoTime);
}

TEST_CASE("last_word is the latest status a notifier was told, failed deliveries and hash mismatches aside") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::int64_t now = at("2026-11-23T04:00:00Z");
    db.storage.begin();
    sync_jobs(db.storage, {job("ACME_PARIS_CENTRE", "sales", 2, 30)}, now);
    const std::int64_t job_id = active_jobs(db.storage)[0].id;
    CHECK_FALSE(db.storage.last_word("hook", job_id).has_value());
    insert_event(db.storage, status_event(job_id, "status_change", "failed", now), {"hook", "mail"});
    insert_event(db.storage, status_event(job_id, "status_change", "missing", now + 1), {"hook", "mail"});
    insert_event(db.storage, status_event(job_id, "hash_mismatch", "hash_mismatch", now + 2), {"hook", "mail"});
    // Stored without deliveries, as for a silenced job: told to nobody.
    insert_event(db.storage, status_event(job_id, "status_change", "ok", now + 3), {});
    db.storage.commit();
    const std::int64_t missing = db.count("SELECT id FROM notification_events WHERE new_status = 'missing'");
    CHECK(db.storage.last_word("hook", job_id) == std::optional<std::string>("missing"));
    db.storage.finish_deliveries("mail", {missing}, "failed", vigil::kNoTime, "550", now);
    CHECK(db.storage.last_word("mail", job_id) == std::optional<std::string>("failed"));
    CHECK_FALSE(db.storage.last_word("other", job_id).has_value());
}
