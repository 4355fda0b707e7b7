// Silences and maintenance windows end to end (docs/notifications.md): real scans,
// real `vigil silence` commands, and real HTTP and SMTP receivers on loopback.
#include "harness.hpp"
#include "sinks.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace vigil::test;
namespace fs = std::filesystem;

namespace {

const std::string A = "ACME_PARIS_CENTRE";

// A webhook and an email notifier, both told everything.
std::string both_notifiers(const HttpSink& hook, const SmtpSink& smtp) {
    return "notifiers:\n"
           "  - plugin: webhook\n    name: hook\n    url: \"" + hook.url() + "\"\n    attempts: 1\n    retry_delay: 0s\n"
           "  - plugin: email\n    name: mail\n    url: " + smtp.url() +
           "\n    from: vigil@example.org\n    to: [ops@example.org]\n    starttls: \"off\"\n    attempts: 1\n";
}

nlohmann::json body_of(const HttpRequest& r) { return nlohmann::json::parse(r.body); }

// A site with one job, known (and ok) since the day before the story starts.
struct Story {
    Site site;
    HttpSink hook;
    SmtpSink smtp;
    Story(const std::string& backend, const std::string& at, const std::string& maintenance = "")
        : site(backend) {
        site.configure({{A, "sales", at}}, both_notifiers(hook, smtp) + maintenance);
    }
    // A report for the day's cycle (ending a minute after `at`), as YYYYMMDD and HH:MM.
    void report(const std::string& day, const std::string& end_hhmm, bool ok) {
        const std::string hh = end_hhmm.substr(0, 2), mm = end_hhmm.substr(3, 2);
        Staged s = site.stage(A, "sales_" + day + ".gz", gzip_bytes("sales"));
        auto body = Site::report(A, day.substr(0, 4) + "-" + day.substr(4, 2) + "-" + day.substr(6, 2) + "T" + hh +
                                        ":" + mm + ":00Z");
        body["databases"]["sales"] = Site::block("sales_" + day + ".gz", s, ok);
        site.drop_report(A, day + "_" + hh + mm + "00", body);
    }
    RunResult scan(const std::string& now) {
        RunResult r = site.scan(now);
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
        return r;
    }
    RunResult silence(const std::string& args, const fs::path& config = {}) {
        RunResult r = site.vigil("silence " + args + " --config " + (config.empty() ? site.config_file() : config).string());
        INFO(r.out << r.err);
        return r;
    }
    std::size_t told() const { return hook.requests().size() + smtp.messages().size(); }
};

}  // namespace

TEST_CASE("a failure during a silence sends nothing, and the silence ending while it still fails sends one per notifier") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Story s(backend, "02:30");
    s.report("20261122", "02:31", true);
    s.scan("2026-11-22T04:00:00Z");
    RunResult added = s.silence("add --agent 'ACME_*' --until 2026-11-25T03:00:00Z --reason 'agent reinstalled' "
                                "--by alice --now 2026-11-22T05:00:00Z");
    REQUIRE(added.exit_code == 0);
    CHECK_THAT(added.out, Catch::Contains("silence #1 added") && Catch::Contains("1 active job(s) match"));

    s.report("20261123", "02:31", false);
    s.scan("2026-11-23T04:00:00Z");
    s.report("20261124", "02:31", false);
    s.scan("2026-11-24T04:00:00Z");
    CHECK(s.told() == 0);
    // The records tell the truth all the same.
    CHECK(s.site.job(A, "sales").at("current_status") == std::string("failed"));
    CHECK(s.site.count("SELECT COUNT(*) FROM notification_events") == 1);
    CHECK(s.site.count("SELECT COUNT(*) FROM notification_deliveries") == 0);
    auto status = nlohmann::json::parse(
        s.site.vigil("status --json --now 2026-11-24T04:00:00Z --config " + s.site.config_file().string()).out);
    CHECK(status["jobs"][0]["silenced"]["until"] == "2026-11-25T03:00:00Z");
    CHECK(status["jobs"][0]["silenced"]["by"] == "silence #1");
    CHECK(status["jobs"][0]["silenced"]["reason"] == "agent reinstalled");
    CHECK(status["jobs"][0]["next_expected"] == "2026-11-25T02:30:00Z");  // the 24th's deadline is past
    CHECK(status["jobs"][0]["deadline"] == "2026-11-25T03:30:00Z");
    RunResult check = s.site.vigil("check --now 2026-11-24T04:01:00Z --config " + s.site.config_file().string());
    CHECK(check.exit_code == 0);
    CHECK_THAT(check.out, Catch::Contains("1 silenced: ACME_PARIS_CENTRE/sales failed") &&
                              Catch::Contains("jobs_silenced=1;;;0"));

    s.report("20261125", "02:31", false);
    s.scan("2026-11-25T04:00:00Z");
    REQUIRE(s.hook.requests().size() == 1);
    REQUIRE(s.smtp.messages().size() == 1);
    const auto doc = body_of(s.hook.requests()[0]);
    REQUIRE(doc["events"].size() == 1);
    CHECK(doc["events"][0]["old_status"] == "ok");
    CHECK(doc["events"][0]["new_status"] == "failed");
    CHECK_THAT(doc["events"][0]["message"].get<std::string>(), Catch::Contains("a silence has ended"));
    CHECK_THAT(s.smtp.messages()[0]["data"].get<std::string>(), Catch::Contains("failed"));

    s.scan("2026-11-25T05:00:00Z");
    s.scan("2026-11-26T04:00:00Z");  // missing now: an ordinary change again
    CHECK(s.hook.requests().size() == 2);
    CHECK(body_of(s.hook.requests()[1])["events"][0]["new_status"] == "missing");
    CHECK(s.smtp.messages().size() == 2);
}

TEST_CASE("a job that failed and recovered during a silence sends nothing when it ends") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Story s(backend, "02:30");
    s.report("20261122", "02:31", true);
    s.scan("2026-11-22T04:00:00Z");
    REQUIRE(s.silence("add --agent ACME_PARIS_CENTRE --database sales --for 2d --reason 'disk swap' "
                      "--now 2026-11-22T05:00:00Z")
                .exit_code == 0);
    s.report("20261123", "02:31", false);
    s.scan("2026-11-23T04:00:00Z");
    s.report("20261124", "02:31", true);
    s.scan("2026-11-24T04:00:00Z");
    s.report("20261125", "02:31", true);
    s.scan("2026-11-25T04:00:00Z");  // the first scan after the silence
    s.scan("2026-11-25T06:00:00Z");
    CHECK(s.told() == 0);
    CHECK(s.site.count("SELECT COUNT(*) FROM notification_events") == 2);  // ok -> failed -> ok, recorded
}

TEST_CASE("an expired silence ends at once, and the CLI refuses what makes no sense") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Story s(backend, "02:30");
    s.report("20261122", "02:31", true);
    s.scan("2026-11-22T04:00:00Z");
    REQUIRE(s.silence("add --agent 'ACME_*' --for 30d --reason 'moving racks' --now 2026-11-22T05:00:00Z").exit_code == 0);
    s.report("20261123", "02:31", false);
    s.scan("2026-11-23T04:00:00Z");
    CHECK(s.told() == 0);

    RunResult list = s.silence("list --now 2026-11-23T05:00:00Z");
    CHECK(list.exit_code == 0);
    CHECK_THAT(list.out, Catch::Contains("ACME_*") && Catch::Contains("active") && Catch::Contains("moving racks"));
    RunResult expired = s.silence("expire 1 --by bob --now 2026-11-23T05:00:00Z");
    CHECK(expired.exit_code == 0);
    CHECK_THAT(expired.out, Catch::Contains("silence #1 expired at 2026-11-23T05:00:00Z"));
    CHECK_THAT(s.silence("expire 1 --now 2026-11-23T05:30:00Z").out, Catch::Contains("no longer in force"));
    CHECK(s.silence("list --now 2026-11-23T06:00:00Z").out.find("moving racks") == std::string::npos);
    auto all = nlohmann::json::parse(s.silence("list --all --json --now 2026-11-23T06:00:00Z").out);
    REQUIRE(all["silences"].size() == 1);
    CHECK(all["silences"][0]["state"] == "expired");
    CHECK(all["silences"][0]["expired_by"] == "bob");
    CHECK(all["silences"][0]["ends_at"] == "2026-11-23T05:00:00Z");

    s.scan("2026-11-23T06:00:00Z");
    CHECK(s.hook.requests().size() == 1);
    CHECK(s.smtp.messages().size() == 1);

    RunResult unknown = s.silence("expire 42");
    CHECK(unknown.exit_code == 1);
    CHECK_THAT(unknown.err, Catch::Contains("silence #42 does not exist"));
    RunResult both = s.silence("add --agent 'ACME_*' --for 1h --until 2026-12-01T00:00:00Z --reason x");
    CHECK(both.exit_code == 1);
    CHECK_THAT(both.err, Catch::Contains("either --until TIME or --for DURATION"));
    RunResult past = s.silence("add --agent 'ACME_*' --until 2026-11-01T00:00:00Z --reason x --now 2026-11-23T06:00:00Z");
    CHECK(past.exit_code == 1);
    CHECK_THAT(past.err, Catch::Contains("--until: the silence would end at 2026-11-01T00:00:00Z"));
    RunResult no_reason = s.silence("add --agent 'ACME_*' --for 1h --reason ''");
    CHECK(no_reason.exit_code == 1);
    CHECK_THAT(no_reason.err, Catch::Contains("--reason"));
    CHECK(s.silence("add --agent 'ACME_*' --for 1h").exit_code != 0);  // --reason is required
}

TEST_CASE("a maintenance window recurring weekly in Europe/Paris silences each Sunday at local 01:00 for 3 hours") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    // 2026-11-22 and 2026-11-29 are Sundays; Paris is UTC+1: the window is 00:00-03:00 UTC.
    Story s(backend, "00:20",
            "maintenance:\n  - agents: \"ACME_*\"\n    schedule: \"0 1 * * sun\"\n    timezone: Europe/Paris\n"
            "    duration: 3h\n    reason: weekly storage maintenance\n");
    s.report("20261121", "00:21", true);
    s.scan("2026-11-21T01:00:00Z");
    // Saturday 23:30 UTC is Sunday 00:30 in Paris: before the window.
    auto status = nlohmann::json::parse(
        s.site.vigil("status --json --now 2026-11-21T23:30:00Z --config " + s.site.config_file().string()).out);
    CHECK(status["jobs"][0]["silenced"].is_null());
    status = nlohmann::json::parse(
        s.site.vigil("status --json --now 2026-11-22T00:30:00Z --config " + s.site.config_file().string()).out);
    CHECK(status["jobs"][0]["silenced"]["until"] == "2026-11-22T03:00:00Z");
    CHECK_THAT(status["jobs"][0]["silenced"]["by"].get<std::string>(), Catch::StartsWith("maintenance "));
    RunResult table = s.site.vigil("status --now 2026-11-22T00:30:00Z --config " + s.site.config_file().string());
    CHECK_THAT(table.out, Catch::Contains("(silenced until 2026-11-22T03:00:00Z)") && Catch::Contains("NEXT EXPECTED"));
    RunResult list = s.silence("list --now 2026-11-22T00:30:00Z");
    CHECK_THAT(list.out, Catch::Contains("in force until 2026-11-22T03:00:00Z") &&
                             Catch::Contains("2026-11-29T00:00:00Z"));

    // Sunday: a failure inside the window is held, told once it is over.
    s.report("20261122", "00:21", false);
    s.scan("2026-11-22T01:00:00Z");
    CHECK(s.told() == 0);
    s.scan("2026-11-22T03:10:00Z");
    CHECK(s.hook.requests().size() == 1);
    CHECK(s.smtp.messages().size() == 1);
    // Monday: the recovery is told at once.
    s.report("20261123", "00:21", true);
    s.scan("2026-11-23T01:00:00Z");
    CHECK(s.hook.requests().size() == 2);
    // The next Sunday, the same again.
    s.report("20261129", "00:21", false);
    s.scan("2026-11-29T01:00:00Z");
    CHECK(s.hook.requests().size() == 2);
    s.scan("2026-11-29T03:00:00Z");
    CHECK(s.hook.requests().size() == 3);
    CHECK(body_of(s.hook.requests()[2])["events"][0]["new_status"] == "failed");
    CHECK(s.smtp.messages().size() == 3);
}

TEST_CASE("two scanners sharing PostgreSQL honour a silence added through either") {
    const auto backends = storage_backends();
    if (std::find(backends.begin(), backends.end(), "postgresql") == backends.end()) {
        WARN("VIGIL_TEST_PG is not set: PostgreSQL is not tested here");
        return;
    }
    Story s("postgresql", "02:30");
    // The second scanner: its own configuration file, the same database and storage root.
    const fs::path second = s.site.dir() / "second" / "vigil.yaml";
    fs::create_directories(second.parent_path());
    fs::copy_file(s.site.config_file(), second);
    auto scan_with = [&](const fs::path& config, const std::string& now) {
        RunResult r = s.site.vigil("scan --config " + config.string() + " --now " + now);
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
    };
    const bool through_first = GENERATE(true, false);
    const fs::path adder = through_first ? s.site.config_file() : second;
    const fs::path other = through_first ? second : s.site.config_file();

    s.report("20261122", "02:31", true);
    scan_with(other, "2026-11-22T04:00:00Z");
    REQUIRE(s.silence("add --agent 'ACME_*' --until 2026-11-24T03:00:00Z --reason 'planned' --now 2026-11-22T05:00:00Z",
                      adder)
                .exit_code == 0);
    s.report("20261123", "02:31", false);
    scan_with(other, "2026-11-23T04:00:00Z");
    scan_with(adder, "2026-11-23T05:00:00Z");
    CHECK(s.told() == 0);
    s.report("20261124", "02:31", false);
    scan_with(other, "2026-11-24T04:00:00Z");  // the first scan after it: one each
    scan_with(adder, "2026-11-24T05:00:00Z");
    scan_with(other, "2026-11-24T06:00:00Z");
    CHECK(s.hook.requests().size() == 1);
    CHECK(s.smtp.messages().size() == 1);
}
