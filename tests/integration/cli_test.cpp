// Exit statuses and messages of the command line.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace vigil::test;
namespace fs = std::filesystem;

TEST_CASE("a configuration error exits 2 naming file, line and setting") {
    Site site("sqlite");
    {
        std::ofstream(site.config_file()) << "storage_root: /tmp\nwindow_minutes: 0\n";
    }
    RunResult r = site.scan("2026-11-23T04:00:00Z");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("vigil.yaml:2: window_minutes"));
}

TEST_CASE("settings beyond their range exit 2 naming file, line and key, never an internal error") {
    Site site("sqlite");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"max_report_age_days: 1000000000\n", "vigil.yaml:2: max_report_age_days: must be greater than 0 and at most 36500"},
        {"notifiers:\n  - plugin: webhook\n    url: http://127.0.0.1:9/x\n    repeat_interval: \"99999999999999999999s\"\n",
         "vigil.yaml:5: notifiers.webhook.repeat_interval: must be a duration from 0s to 365d"},
        {"notifiers:\n  - plugin: webhook\n    url: http://127.0.0.1:9/x\n    retry_delay: 2h\n",
         "vigil.yaml:5: notifiers.webhook.retry_delay: must be a duration from 0s to 1m"},
        {"notifiers:\n  - plugin: webhook\n    url: http://127.0.0.1:9/x\n    timeout_seconds: 99999999999999999999\n",
         "vigil.yaml:5: plugin webhook: setting `timeout_seconds`: \"99999999999999999999\" is not a whole number of "
         "seconds from 1 to 3600"},
        {"database:\n  url: \"sqlite3://db=v.db timeout=99999999999\"\n",
         "vigil.yaml:3: plugin soci: database.url: SQLite timeout=\"99999999999\" is not a whole number of seconds from 0 to "
         "3600"},
    };
    for (const auto& [yaml, expected] : cases) {
        INFO(yaml);
        std::ofstream(site.config_file()) << "storage_root: " << site.root().string() << "\n" << yaml;
        RunResult r = site.scan("2026-11-23T04:00:00Z");
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains(expected) && !Catch::Contains("internal error"));
    }
}

TEST_CASE("an unknown plugin is a configuration error") {
    Site site("sqlite");
    site.configure({}, "reports:\n  - plugin: no_such_format\n");
    RunResult r = site.scan("2026-11-23T04:00:00Z");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("no_such_format") && Catch::Contains("vigil.yaml:"));
}

TEST_CASE("an unreachable database exits 3 and archives nothing") {
    Site site("sqlite");
    const std::string agent = "ACME_PARIS_CENTRE";
    site.drop_report(agent, "20261123_023100", Site::report(agent, "2026-11-23T02:31:00Z"));
    std::ofstream(site.config_file()) << "storage_root: " << site.root().string()
                                      << "\ndatabase:\n  url: sqlite3://db=" << (site.dir() / "no/such/dir/v.db").string()
                                      << "\njobs: []\n";
    RunResult r = site.scan("2026-11-23T04:00:00Z");
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("no/such/dir"));
    CHECK(fs::exists(site.log_file(agent, "20261123_023100")));
}

TEST_CASE("a bad --now is refused") {
    Site site("sqlite");
    site.configure({});
    RunResult r = site.scan("yesterday");
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("--now"));
}

TEST_CASE("vigil plugins lists the bundled plugins") {
    Site site("sqlite");
    RunResult r = site.vigil("plugins");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("status_json") && Catch::Contains("sha256") && Catch::Contains("soci") &&
                          Catch::Contains("ABI 1.0"));
}

TEST_CASE("the summary counts agents, reports, entries, jobs and bytes") {
    Site site("sqlite");
    const std::string agent = "ACME_PARIS_CENTRE";
    site.configure({{agent, "sales", "02:30"}});
    REQUIRE(site.scan("2026-11-22T04:00:00Z").exit_code == 0);
    Staged s = site.stage(agent, "s.gz", gzip_bytes("summary"));
    auto body = Site::report(agent, "2026-11-23T02:31:00Z");
    body["databases"]["sales"] = Site::block("s.gz", s);
    site.drop_report(agent, "20261123_023100", body);
    RunResult r = site.scan("2026-11-23T04:00:00Z");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("1 scanned") && Catch::Contains("used 1") && Catch::Contains("success 1") &&
                          Catch::Contains("ok 1") && Catch::Contains("1 staged files, " + std::to_string(s.size) + " bytes") &&
                          Catch::Contains("status_json 1"));
}
