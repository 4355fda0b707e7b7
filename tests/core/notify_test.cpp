// Which changes become notification events, and who wants them (docs/notifications.md).
#include "notify.hpp"
#include "sha256.hpp"

#include <vigil/timestamp.hpp>

#include <catch2/catch.hpp>

using namespace vigil;
using namespace vigil::host;

namespace {
std::int64_t at(const char* iso) { return *parse_timestamp(iso); }

Evaluation change(const std::string& before, const std::string& after) {
    Evaluation ev;
    ev.previous_status = before;
    ev.job.id = 3;
    ev.job.agent_id_responsible = "ACME_PARIS_CENTRE";
    ev.job.database_name = "sales";
    ev.job.expected_hour_utc = 2;
    ev.job.expected_minute_utc = 30;
    ev.job.current_status = after;
    ev.job.last_entry_cycle_at = at("2026-11-23T02:30:00Z");
    Entry e;
    e.cycle_expected_at = ev.job.last_entry_cycle_at;
    e.status = after == "ok" ? "success" : after;
    e.message = "the entry's message";
    ev.new_entries.push_back(e);
    return ev;
}
}  // namespace

TEST_CASE("a status change is an event, except a new job's first unknown -> ok") {
    const std::int64_t now = at("2026-11-23T04:00:00Z");
    auto events = events_for(change("ok", "failed"), now);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == "status_change");
    CHECK(events[0].old_status == "ok");
    CHECK(events[0].new_status == "failed");
    CHECK(events[0].message == "the entry's message");
    CHECK(events[0].cycle_expected_at == at("2026-11-23T02:30:00Z"));
    CHECK(events[0].job_id == 3);
    CHECK(events[0].fingerprint.size() == 32);

    CHECK(events_for(change("failed", "ok"), now).size() == 1);  // recovery
    CHECK(events_for(change("unknown", "failed"), now).size() == 1);
    CHECK(events_for(change("unknown", "ok"), now).empty());
    CHECK(events_for(change("failed", "failed"), now).empty());
}

TEST_CASE("every hash_mismatch entry is an event, even when the status stays ok") {
    Evaluation ev = change("ok", "ok");
    ev.new_entries[0].status = "hash_mismatch";
    auto events = events_for(ev, at("2026-11-23T04:00:00Z"));
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == "hash_mismatch");
    CHECK(events[0].new_status == "hash_mismatch");
}

TEST_CASE("fingerprints are stable for the same change and differ between changes") {
    const std::int64_t now = at("2026-11-23T04:00:00Z");
    CHECK(events_for(change("ok", "failed"), now)[0].fingerprint ==
          events_for(change("ok", "failed"), now + 1)[0].fingerprint);
    CHECK(events_for(change("ok", "failed"), now)[0].fingerprint !=
          events_for(change("ok", "missing"), now)[0].fingerprint);
}

TEST_CASE("notifier filters: statuses, agents, databases, send_resolved") {
    Event e = events_for(change("ok", "failed"), at("2026-11-23T04:00:00Z"))[0];
    NotifierConfig n;
    CHECK(notifier_wants(n, e));
    n.statuses = {"missing"};
    CHECK_FALSE(notifier_wants(n, e));
    n.statuses = {"failed"};
    CHECK(notifier_wants(n, e));
    n.agents = {"GLOBEX_*"};
    CHECK_FALSE(notifier_wants(n, e));
    n.agents = {"GLOBEX_*", "ACME_*"};
    CHECK(notifier_wants(n, e));
    n.databases = {"hr"};
    CHECK_FALSE(notifier_wants(n, e));

    NotifierConfig quiet;
    quiet.send_resolved = false;
    Event recovery = events_for(change("failed", "ok"), at("2026-11-23T04:00:00Z"))[0];
    CHECK_FALSE(notifier_wants(quiet, recovery));
    CHECK(notifier_wants(quiet, e));
}

TEST_CASE("a delivery that failed for now waits about as long as it has waited, 1 min to 1 h") {
    const std::int64_t now = at("2026-11-23T04:00:00Z");
    Event fresh;
    fresh.scan_time = now;
    CHECK(next_attempt_after_failure({fresh}, now) == now + 60'000'000);
    Event older;
    older.scan_time = now - 600'000'000;
    CHECK(next_attempt_after_failure({fresh, older}, now) == now + 600'000'000);
    Event ancient;
    ancient.scan_time = now - 86400'000'000LL;
    CHECK(next_attempt_after_failure({ancient}, now) == now + 3600'000'000LL);
}

TEST_CASE("only failed, missing and transfer_integrity_failed get reminders") {
    CHECK(is_problem_status("failed"));
    CHECK(is_problem_status("missing"));
    CHECK(is_problem_status("transfer_integrity_failed"));
    CHECK_FALSE(is_problem_status("ok"));
    CHECK_FALSE(is_problem_status("unknown"));
    Job j;
    j.current_status = "missing";
    Event r = reminder_for(j, at("2026-11-23T04:00:00Z"));
    CHECK(r.kind == "reminder");
    CHECK(r.new_status == "missing");
}

TEST_CASE("events say the job's schedule, an `at` job's fingerprint is what it was before schedules") {
    const std::int64_t now = at("2026-11-23T04:00:00Z");
    auto daily = events_for(change("ok", "failed"), now);
    REQUIRE(daily.size() == 1);
    CHECK(daily[0].schedule == "30 02 * * *");
    CHECK(daily[0].timezone == "UTC");
    CHECK(daily[0].expected_hour_utc == 2);
    CHECK(daily[0].fingerprint ==
          Sha256::hex_of("status_change|ACME_PARIS_CENTRE|sales|02:30|2026-11-23T02:30:00Z|failed").substr(0, 32));

    Evaluation weekdays = change("ok", "failed");
    weekdays.job.expected_hour_utc.reset();
    weekdays.job.expected_minute_utc.reset();
    weekdays.job.schedule = "30 2 * * mon-fri";
    weekdays.job.timezone = "Europe/Paris";
    auto paris = events_for(weekdays, now);
    REQUIRE(paris.size() == 1);
    CHECK(paris[0].schedule == "30 2 * * mon-fri");
    CHECK(paris[0].timezone == "Europe/Paris");
    CHECK_FALSE(paris[0].expected_hour_utc.has_value());
    weekdays.job.timezone = "America/New_York";
    CHECK(events_for(weekdays, now)[0].fingerprint != paris[0].fingerprint);
}

TEST_CASE("what a notifier says is stored and logged as valid UTF-8 on one line, capped") {
    CHECK(recordable("HTTP 404: caf\xe9\n\x1b[2Jdone") == "HTTP 404: caf\xEF\xBF\xBD  [2Jdone");
    CHECK(recordable("d\xC3\xA9j\xC3\xA0 vu") == "d\xC3\xA9j\xC3\xA0 vu");
    const std::string long_text = std::string(999, 'a') + "\xC3\xA9" + std::string(500, 'b');
    const std::string kept = recordable(long_text);
    CHECK(kept == std::string(999, 'a') + "...");
    CHECK(recordable(std::string(1000, 'c')) == std::string(1000, 'c'));
}
