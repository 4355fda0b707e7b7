// The messages a newcomer tripped over, each as it reads now.
#include "operator_support.hpp"

#include <catch2/catch.hpp>

using namespace vigil::test;
namespace fs = std::filesystem;

namespace {

const std::string A = "ACME_PARIS_CENTRE";

}  // namespace

TEST_CASE("a mistyped command is named, with the nearest one") {
    Site site("sqlite");
    RunResult r = site.vigil("scna --config x.yaml");
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("unknown command \"scna\" (did you mean scan?)") &&
                          Catch::Contains("the commands are scan, status"));
    CHECK_THAT(site.vigil("--log-level debug frobnicate").err, Catch::Contains("unknown command \"frobnicate\";"));
}

TEST_CASE("the option --log-level works after the command too") {
    Site site("sqlite");
    site.configure({{A, "sales", "02:30"}});
    fs::create_directories(site.root() / "lost+found");  // said at debug level
    RunResult r = site.vigil("scan --config " + site.config_file().string() + " --now 2026-11-23T04:00:00Z --log-level debug");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("vigil debug: "));
}

TEST_CASE("a configuration that cannot be read says why, a directory is a configuration error") {
    Site site("sqlite");
    RunResult missing = site.vigil("scan --config " + (site.dir() / "absent.yaml").string());
    CHECK(missing.exit_code == 2);
    CHECK_THAT(missing.err, Catch::Contains("absent.yaml: cannot read the configuration file: No such file or directory"));
    RunResult directory = site.vigil("scan --config " + site.dir().string());
    CHECK(directory.exit_code == 2);
    CHECK_THAT(directory.err, Catch::Contains("is a directory"));
    CHECK(directory.err.find("internal error") == std::string::npos);

    site.configure({});
    fs::permissions(site.config_file(), fs::perms::owner_read | fs::perms::owner_write);
    open_to_everyone(site);
    fs::permissions(site.config_file(), fs::perms::none);
    RunResult unreadable = site.vigil("scan --config " + site.config_file().string(), as_unprivileged());
    CHECK(unreadable.exit_code == 2);
    CHECK_THAT(unreadable.err, Catch::Contains("cannot read the configuration file: Permission denied"));
}

TEST_CASE("plugins --check: a missing file in one plain sentence, a plugin's name works as well as a path") {
    Site site("sqlite");
    RunResult missing = site.vigil("plugins --check " + (site.dir() / "vigil_nothing.so").string());
    CHECK(missing.exit_code == 2);
    CHECK(missing.err == "vigil: plugins --check: " + (site.dir() / "vigil_nothing.so").string() + ": no such file\n");
    CHECK(missing.out.empty());
    RunResult by_name = site.vigil("plugins --check sha256");
    CHECK(by_name.exit_code == 0);
    CHECK_THAT(by_name.out, Catch::Contains("ok       sha256"));
    RunResult unknown = site.vigil("plugins --check no_such_plugin");
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Catch::Contains("no plugin named \"no_such_plugin\" (no file vigil_no_such_plugin.so in "));
    for (const RunResult* r : {&missing, &by_name, &unknown}) {
        CHECK(r->err.find("boost") == std::string::npos);
        CHECK(r->err.find("Bad file descriptor") == std::string::npos);
    }
}

TEST_CASE("an agent folder that cannot be read says permission denied") {
    Site site("sqlite");
    site.configure({{A, "sales", "02:30"}});
    fs::create_directories(site.root() / A / "log");
    open_to_everyone(site);
    fs::permissions(site.root() / A, fs::perms::none);
    RunResult r = site.scan("2026-11-23T04:00:00Z", as_unprivileged());
    fs::permissions(site.root() / A, fs::perms::owner_all);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains(A + ": skipped: ") && Catch::Contains("cannot open: Permission denied"));
    CHECK(r.err.find("no log/") == std::string::npos);
}

TEST_CASE("the summary counts agent folders scanned apart from agents that have none") {
    Site site("sqlite");
    site.configure({{A, "sales", "02:30"}, {"GLOBEX_BERLIN_MITTE", "erp", "01:00"}, {"INITECH_LYON_GARE", "hr", "01:00"}});
    fs::create_directories(site.root() / A / "log");
    RunResult r = site.scan("2026-11-23T04:00:00Z");
    CHECK_THAT(r.out, Catch::Contains("agents:   1 scanned, 2 without a folder, 0 folders skipped"));
}

TEST_CASE("a --now earlier than the last recorded scan is a warning, an empty --now is an error") {
    Site site("sqlite");
    site.configure({{A, "sales", "02:30"}});
    REQUIRE(site.scan("2026-11-23T04:00:00Z").exit_code == 0);
    RunResult earlier = site.scan("2026-11-22T04:00:00Z");
    CHECK(earlier.exit_code == 0);
    CHECK_THAT(earlier.err, Catch::Contains("warning: --now 2026-11-22T04:00:00Z is earlier than the instant the latest "
                                            "recorded scan judged at (2026-11-23T04:00:00Z)"));
    CHECK(site.scan("2026-11-24T04:00:00Z").err.find("is earlier than") == std::string::npos);
    RunResult empty = site.scan("''");
    CHECK(empty.exit_code == 1);
    CHECK_THAT(empty.err, Catch::Contains("--now: the value is empty"));
}

TEST_CASE("a stale report's reason says the limit") {
    Site site("sqlite");
    site.configure({{A, "sales", "02:30"}}, "max_report_age_days: 0.5\n");
    site.drop_report(A, "20261120_023100", Site::report(A, "2026-11-20T02:31:00Z"));
    REQUIRE(site.scan("2026-11-23T04:00:00Z").exit_code == 0);
    auto rows = site.query("SELECT reason FROM processed_reports WHERE fate = 'stale'");
    REQUIRE(rows.size() == 1);
    CHECK_THAT(rows[0].at("reason").value_or(""), Catch::EndsWith("more than max_report_age_days (0.5)"));
}

TEST_CASE("a folder that is not an agent's is not a warning every scan, it is said at debug level") {
    Site site("sqlite");
    site.configure({{A, "sales", "02:30"}});
    fs::create_directories(site.root() / "lost+found");
    RunResult info = site.scan("2026-11-23T04:00:00Z");
    CHECK(info.err.find("lost+found") == std::string::npos);
    CHECK_THAT(info.out, Catch::Contains("1 folders skipped"));
    RunResult debug = site.vigil("--log-level debug scan --config " + site.config_file().string() + " --now 2026-11-23T04:10:00Z");
    CHECK_THAT(debug.err, Catch::Contains("lost+found: skipped: the folder name is not an agent id"));
}

TEST_CASE("a configuration without jobs warns before every job becomes inactive") {
    Site site("sqlite");
    site.configure({{A, "sales", "02:30"}, {A, "hr", "03:00"}});
    REQUIRE(site.scan("2026-11-23T04:00:00Z").exit_code == 0);
    site.configure({});
    RunResult r = site.scan("2026-11-24T04:00:00Z");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("lists no jobs: the 2 active job(s) in the database become inactive"));
    CHECK(site.scan("2026-11-25T04:00:00Z").err.find("lists no jobs") == std::string::npos);
}

TEST_CASE("a plugins.path naming a missing directory is a warning at scan time") {
    Site site("sqlite");
    site.configure({{A, "sales", "02:30"}}, "plugins:\n  path: [gone]\n");
    RunResult r = site.scan("2026-11-23T04:00:00Z");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("plugins.path: " + (site.dir() / "gone").string() + " does not exist"));
}

TEST_CASE("an unknown key of a notifier is named at its own line with the host's keys and the plugin's") {
    Site site("sqlite");
    site.configure({{A, "sales", "02:30"}}, "notifiers:\n  - plugin: webhook\n    url: http://127.0.0.1:9/x\n"
                                            "    repeat_intreval: 24h\n");
    RunResult r = site.scan("2026-11-23T04:00:00Z");
    CHECK(r.exit_code == 2);
    // The item starts at the line of `- plugin:`; the misspelt key is two lines below.
    const auto config = read_file(site.config_file());
    const auto line = std::count(config.begin(), config.begin() + config.find("repeat_intreval"), '\n') + 1;
    CHECK_THAT(r.err, Catch::Contains("vigil.yaml:" + std::to_string(line) + ": ") &&
                          Catch::Contains("setting `repeat_intreval`: unknown setting (known: `url`") &&
                          Catch::Contains("keys Vigil itself reads from this item: `plugin`, `name`, `repeat_interval`"));
}
