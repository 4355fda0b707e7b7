// Silences and maintenance windows (docs/notifications.md): when a job is silenced,
// and the notification policy around a silence, decided for every case.
#include "config.hpp"
#include "silence.hpp"
#include "zones.hpp"

#include "test_db.hpp"

#include <vigil/timestamp.hpp>

#include <catch2/catch.hpp>

#include <fstream>

using namespace vigil::host;

namespace {

std::int64_t at(const char* iso) { return *vigil::parse_timestamp(iso); }

constexpr std::int64_t kHour = 3600LL * 1'000'000;

MaintenanceWindow window(const char* cron_text, const char* zone_name, std::int64_t duration,
                         const std::string& agents = "ACME_*", const std::string& databases = "*") {
    CronSpec cron;
    REQUIRE(parse_cron(cron_text, &cron).is_ok());
    Zone zone;
    REQUIRE(find_zone(zone_name, &zone).is_ok());
    return MaintenanceWindow{agents, databases, Schedule(cron, zone, 0, 0), duration, "weekly storage maintenance",
                             "vigil.yaml:12"};
}

vigil::Silence silence(std::int64_t id, const std::string& agents, const std::string& databases, std::int64_t from,
                       std::int64_t until) {
    vigil::Silence s;
    s.id = id;
    s.agents = agents;
    s.databases = databases;
    s.created_at = from;
    s.ends_at = until;
    s.reason = "agent down";
    return s;
}

Status load_maintenance(const std::string& yaml, Config* c) {
    vigil::test::ScratchDir dir;
    const auto file = dir.path() / "vigil.yaml";
    std::ofstream(file) << "storage_root: r\nmaintenance:\n" << yaml;
    return load_config(file, c);
}

}  // namespace

TEST_CASE("a silence is in force from its creation until (not at) its end, over the jobs its globs match") {
    const auto s = silence(1, "ACME_*", "sa*", at("2026-11-23T04:00:00Z"), at("2026-11-23T06:00:00Z"));
    CHECK_FALSE(silence_covers(s, "ACME_PARIS_CENTRE", "sales", at("2026-11-23T03:59:59Z")));
    CHECK(silence_covers(s, "ACME_PARIS_CENTRE", "sales", at("2026-11-23T04:00:00Z")));
    CHECK(silence_covers(s, "ACME_PARIS_CENTRE", "sales", at("2026-11-23T05:59:59Z")));
    CHECK_FALSE(silence_covers(s, "ACME_PARIS_CENTRE", "sales", at("2026-11-23T06:00:00Z")));
    CHECK_FALSE(silence_covers(s, "ACME_PARIS_CENTRE", "hr", at("2026-11-23T05:00:00Z")));
    CHECK_FALSE(silence_covers(s, "GLOBEX_LYON_NORD", "sales", at("2026-11-23T05:00:00Z")));
}

TEST_CASE("a weekly maintenance window in Europe/Paris follows local time across the DST change") {
    const auto w = window("0 1 * * sun", "Europe/Paris", 3 * kHour);
    const std::string A = "ACME_PARIS_CENTRE";
    // Winter (UTC+1): 01:00 Paris is 00:00 UTC.
    CHECK_FALSE(window_end(w, A, "sales", at("2026-11-21T23:59:00Z")));
    CHECK(window_end(w, A, "sales", at("2026-11-22T00:00:00Z")) == at("2026-11-22T03:00:00Z"));
    CHECK(window_end(w, A, "sales", at("2026-11-22T02:59:59Z")) == at("2026-11-22T03:00:00Z"));
    CHECK_FALSE(window_end(w, A, "sales", at("2026-11-22T03:00:00Z")));
    CHECK_FALSE(window_end(w, A, "sales", at("2026-11-23T00:30:00Z")));  // a Monday
    CHECK(window_end(w, A, "sales", at("2026-11-29T01:00:00Z")) == at("2026-11-29T03:00:00Z"));
    // The change is that very Sunday at 02:00 local: 01:00 is still winter time.
    CHECK(window_end(w, A, "sales", at("2026-03-29T00:30:00Z")) == at("2026-03-29T03:00:00Z"));
    // Summer (UTC+2): 01:00 Paris is 23:00 UTC on Saturday.
    CHECK(window_end(w, A, "sales", at("2026-04-04T23:00:00Z")) == at("2026-04-05T02:00:00Z"));
    CHECK_FALSE(window_end(w, A, "sales", at("2026-04-05T02:00:00Z")));
    CHECK_FALSE(window_end(w, A, "sales", at("2026-04-04T22:59:00Z")));
    // Not its agents.
    CHECK_FALSE(window_end(w, "GLOBEX_LYON_NORD", "sales", at("2026-11-22T01:00:00Z")));
}

TEST_CASE("overlapping occurrences of a window count as one, ending with the last") {
    const auto w = window("0 */2 * * *", "UTC", 3 * kHour);  // every 2 h for 3 h: never a gap
    const auto end = window_end(w, "ACME_PARIS_CENTRE", "sales", at("2026-11-22T05:00:00Z"));
    REQUIRE(end);
    CHECK(*end > at("2026-12-22T00:00:00Z"));
    const auto touching = window("0 */2 * * *", "UTC", 2 * kHour);
    CHECK(window_end(touching, "ACME_PARIS_CENTRE", "sales", at("2026-11-22T05:00:00Z")) > at("2026-11-23T00:00:00Z"));
    const auto apart = window("0 */2 * * *", "UTC", kHour);
    CHECK(window_end(apart, "ACME_PARIS_CENTRE", "sales", at("2026-11-22T04:30:00Z")) == at("2026-11-22T05:00:00Z"));
    CHECK_FALSE(window_end(apart, "ACME_PARIS_CENTRE", "sales", at("2026-11-22T05:30:00Z")));
}

TEST_CASE("a job's silencing names what ends last among the silences and windows covering it") {
    const std::vector<vigil::Silence> silences = {
        silence(1, "ACME_*", "*", at("2026-11-22T00:00:00Z"), at("2026-11-22T02:00:00Z")),
        silence(2, "ACME_PARIS_*", "sales", at("2026-11-22T00:00:00Z"), at("2026-11-22T05:00:00Z")),
        silence(3, "GLOBEX_*", "*", at("2026-11-22T00:00:00Z"), at("2026-11-30T00:00:00Z")),
    };
    const std::vector<MaintenanceWindow> windows = {window("0 1 * * sun", "Europe/Paris", 3 * kHour)};
    const std::string A = "ACME_PARIS_CENTRE";
    auto s = silencing_at(silences, windows, A, "sales", at("2026-11-22T01:00:00Z"));
    REQUIRE(s);
    CHECK(s->until == at("2026-11-22T05:00:00Z"));
    CHECK(s->by == "silence #2");
    s = silencing_at(silences, windows, A, "hr", at("2026-11-22T01:00:00Z"));
    REQUIRE(s);
    CHECK(s->until == at("2026-11-22T03:00:00Z"));
    CHECK(s->by == "maintenance vigil.yaml:12");
    CHECK(s->reason == "weekly storage maintenance");
    CHECK_FALSE(silencing_at(silences, windows, A, "hr", at("2026-11-22T03:00:00Z")));
    CHECK_FALSE(silencing_at({}, {}, A, "hr", at("2026-11-22T01:00:00Z")));
}

TEST_CASE("the notification policy, for every status, silence and last word") {
    const std::vector<std::string> statuses = {"ok", "failed", "missing", "transfer_integrity_failed", "unknown"};
    std::vector<std::optional<std::string>> words = {std::nullopt};
    for (const auto& s : statuses) words.emplace_back(s);
    int cases = 0;
    for (const bool now : {false, true}) {
        for (const bool before : {false, true}) {
            for (const auto& word : words) {
                for (const std::string& current : statuses) {
                    ++cases;
                    const NoticeDecision d = notice_decision(now, before, word, current);
                    INFO("silenced now " << now << ", before " << before << ", last word "
                                         << word.value_or("(none)") << ", current " << current << ": "
                                         << notice_decision_name(d));
                    if (now) {
                        CHECK(d == NoticeDecision::kHold);  // nothing while silenced
                    } else if (!before) {
                        CHECK(d == NoticeDecision::kDeliver);  // no silence involved: as usual
                    } else {
                        // The notifier presumes a job fine when told nothing.
                        const std::string believed = word.value_or("ok");
                        const bool same = believed == current || (!word && current == "unknown");
                        CHECK(d == (same ? NoticeDecision::kAlreadyTold : NoticeDecision::kCatchUp));
                    }
                }
            }
        }
    }
    CHECK(cases == 2 * 2 * 6 * 5);
    // The cases of the documentation, spelled out.
    CHECK(notice_decision(false, true, std::nullopt, "failed") == NoticeDecision::kCatchUp);  // failed during it
    CHECK(notice_decision(false, true, std::nullopt, "ok") == NoticeDecision::kAlreadyTold);  // failed and recovered
    CHECK(notice_decision(false, true, std::string("failed"), "ok") == NoticeDecision::kCatchUp);  // recovered during it
    CHECK(notice_decision(false, true, std::string("failed"), "failed") == NoticeDecision::kAlreadyTold);
    CHECK(std::string(notice_decision_name(NoticeDecision::kCatchUp)) == "catch_up");
    CHECK(presumed_status(std::nullopt) == "ok");
}

TEST_CASE("maintenance windows are read from the configuration") {
    Config c;
    REQUIRE(load_maintenance("  - agents: \"ACME_*\"\n    schedule: \"0 1 * * sun\"\n    timezone: Europe/Paris\n"
                             "    duration: 3h\n    reason: weekly storage maintenance\n",
                             &c)
                .is_ok());
    REQUIRE(c.maintenance.size() == 1);
    const MaintenanceWindow& w = c.maintenance[0];
    CHECK(w.agents == "ACME_*");
    CHECK(w.databases == "*");
    CHECK(w.starts.cron().text == "0 1 * * sun");
    CHECK(w.starts.zone().name() == "Europe/Paris");
    CHECK(w.duration == 3 * kHour);
    CHECK(w.reason == "weekly storage maintenance");
    CHECK_THAT(w.where, Catch::EndsWith("vigil.yaml:3"));
}

TEST_CASE("maintenance errors name file, line, key and reason") {
    struct Case {
        const char* yaml;
        const char* expected;
    };
    const Case cases[] = {
        {"  - agents: \"ACME_*\"\n    schedule: \"0 1 * * sunday\"\n    duration: 3h\n    reason: r\n",
         ":4: maintenance.schedule: \"0 1 * * sunday\": day-of-week"},
        {"  - agents: \"ACME_*\"\n    schedule: \"0 1 * * sun\"\n    timezone: Europe/Pariss\n    duration: 3h\n    reason: r\n",
         ":5: maintenance.timezone: \"Europe/Pariss\" is not a time zone"},
        {"  - agents: \"ACME_*\"\n    schedule: \"0 1 * * sun\"\n    duration: 40d\n    reason: r\n",
         ":5: maintenance.duration: must be a duration from 1m to 31d"},
        {"  - agents: \"ACME_*\"\n    schedule: \"0 1 * * sun\"\n    duration: soon\n    reason: r\n",
         ":5: maintenance.duration: must be a duration"},
        {"  - agents: \"ACME_*\"\n    schedule: \"0 1 * * sun\"\n    duration: 3h\n", ":3: maintenance: missing `reason`"},
        {"  - schedule: \"0 1 * * sun\"\n    duration: 3h\n    reason: r\n", ":3: maintenance: missing `agents`"},
        {"  - agents: \"\"\n    schedule: \"0 1 * * sun\"\n    duration: 3h\n    reason: r\n",
         ":3: maintenance.agents: must not be empty"},
        {"  - agents: \"ACME_*\"\n    every: week\n    schedule: \"0 1 * * sun\"\n    duration: 3h\n    reason: r\n",
         ":4: maintenance: unknown key `every`"},
        {"  agents: \"ACME_*\"\n", ":3: maintenance: must be a list of windows"},
    };
    for (const Case& c : cases) {
        Config config;
        const Status st = load_maintenance(c.yaml, &config);
        INFO(c.yaml);
        CHECK(st.code() == Status::Code::kConfig);
        CHECK_THAT(st.message(), Catch::Contains(c.expected));
    }
}
