// Configuration errors name the file, the line and the setting.
#include "config.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <unistd.h>

using namespace vigil::host;
namespace fs = std::filesystem;

namespace {
struct ConfigFile {
    fs::path dir;
    fs::path file;
    explicit ConfigFile(const std::string& yaml) {
        std::string pattern = (fs::temp_directory_path() / "vigil-config-XXXXXX").string();
        dir = ::mkdtemp(pattern.data());
        file = dir / "vigil.yaml";
        std::ofstream(file) << yaml;
    }
    ~ConfigFile() { fs::remove_all(dir); }
};

Status load(const std::string& yaml, Config* c) {
    ConfigFile f(yaml);
    return load_config(f.file, c);
}
}  // namespace

TEST_CASE("a minimal config gets the documented defaults") {
    ConfigFile f("storage_root: root\njobs:\n  - {agent: ACME_PARIS_CENTRE, database: sales, at: \"02:30\"}\n");
    Config c;
    REQUIRE(load_config(f.file, &c).is_ok());
    CHECK(c.storage_root == f.dir / "root");
    CHECK(c.window_minutes == 60);
    CHECK(c.max_report_age_days == 1);
    CHECK(c.report_settle_seconds == 10);
    CHECK(c.max_report_bytes == 1048576);
    CHECK(c.content_change == ContentChange::kChanged);
    CHECK(c.database.plugin == "soci");
    CHECK_THAT(c.database.config_json, Catch::Contains("sqlite3://db=" + (f.dir / "vigil.db").string()));
    REQUIRE(c.jobs.size() == 1);
    CHECK(c.jobs[0].hour == 2);
    CHECK(c.jobs[0].minute == 30);
    CHECK(c.jobs[0].window_minutes == 60);
}

TEST_CASE("max_reports_per_agent defaults to 100 and must be from 1 to 100000") {
    Config c;
    REQUIRE(load("storage_root: r\n", &c).is_ok());
    CHECK(c.max_reports_per_agent == 100);
    REQUIRE(load("storage_root: r\nmax_reports_per_agent: 5\n", &c).is_ok());
    CHECK(c.max_reports_per_agent == 5);
    for (const char* value : {"0", "100001", "-1", "many"}) {
        INFO(value);
        Status st = load(std::string("storage_root: r\nmax_reports_per_agent: ") + value + "\n", &c);
        CHECK(st.code() == Status::Code::kConfig);
        CHECK_THAT(st.message(), Catch::Contains("vigil.yaml:2: max_reports_per_agent"));
    }
}

TEST_CASE("per-job windows and relative SQLite paths") {
    ConfigFile f(
        "storage_root: /srv/backups\nwindow_minutes: 45\ndatabase:\n  url: sqlite3://db=data/v.db\n"
        "jobs:\n  - {agent: ACME_PARIS_CENTRE, database: sales, at: \"23:30\", window_minutes: 20}\n"
        "  - {agent: ACME_PARIS_CENTRE, database: hr, at: \"00:05\"}\n");
    Config c;
    REQUIRE(load_config(f.file, &c).is_ok());
    CHECK(c.jobs[0].window_minutes == 20);
    CHECK(c.jobs[1].window_minutes == 45);
    CHECK_THAT(c.database.config_json, Catch::Contains("sqlite3://db=" + (f.dir / "data/v.db").string()));
}

TEST_CASE("configuration errors say file, line and setting") {
    Config c;
    struct Case {
        const char* yaml;
        const char* expected;
    };
    const Case cases[] = {
        {"window_minutes: 60\n", "storage_root: required"},
        {"storage_root: r\nwindow_minutes: 720\n", ":2: window_minutes: must be from 1 to 719"},
        {"storage_root: r\nwindow_minutes: abc\n", ":2: window_minutes: must be an integer"},
        {"storage_root: r\ncontent_change: maybe\n", ":2: content_change: must be changed, unchanged or off"},
        {"storage_root: r\nwindows_minutes: 5\n", ":2: windows_minutes: unknown setting"},
        {"storage_root: r\njobs:\n  - {agent: ACME, database: s, at: \"02:30\"}\n", ":3: jobs.agent: \"ACME\" is not an agent id"},
        {"storage_root: r\njobs:\n  - {agent: ACME_PARIS_CENTRE, database: s, at: \"24:00\"}\n", ":3: jobs.at:"},
        {"storage_root: r\njobs:\n  - {agent: ACME_PARIS_CENTRE, database: s}\n", "missing `at`"},
        {"storage_root: r\njobs:\n  - {agent: ACME_PARIS_CENTRE, database: s, at: \"01:00\"}\n"
         "  - {agent: ACME_PARIS_CENTRE, database: s, at: \"01:00\"}\n",
         ":4: jobs: job ACME_PARIS_CENTRE/s at 01:00 is listed twice"},
        {"storage_root: r\ndatabase: {}\n", "database.url: required"},
        {"storage_root: [r\n", "vigil.yaml:"},
        {"storage_root: r\nreports:\n  - plugin: \"../evil\"\n", "is not a plugin name"},
    };
    for (const Case& k : cases) {
        INFO(k.yaml);
        Status st = load(k.yaml, &c);
        CHECK(st.code() == Status::Code::kConfig);
        CHECK_THAT(st.message(), Catch::Contains(k.expected) && Catch::Contains("vigil.yaml"));
    }
}

TEST_CASE("a missing config file is a configuration error naming it") {
    Config c;
    Status st = load_config("/nonexistent/vigil.yaml", &c);
    CHECK(st.code() == Status::Code::kConfig);
    CHECK_THAT(st.message(), Catch::Contains("/nonexistent/vigil.yaml"));
}

TEST_CASE("passwords never appear in a redacted URL") {
    CHECK(redact_url("postgresql://vigil:s3cret@db.example:5432/vigil") == "postgresql://vigil:***@db.example:5432/vigil");
    CHECK(redact_url("postgresql://host=h port=1 password=s3cret user=u") == "postgresql://host=h port=1 password=*** user=u");
    CHECK(redact_url("sqlite3://db=/var/lib/vigil.db") == "sqlite3://db=/var/lib/vigil.db");
}

TEST_CASE("the example configurations in etc/ are valid") {
    for (const char* name : {"vigil.yaml", "vigil-postgresql.yaml"}) {
        INFO(name);
        Config c;
        Status st = load_config(std::filesystem::path(VIGIL_SOURCE_DIR) / "etc" / name, &c);
        CHECK(st.message() == "");
        CHECK_FALSE(c.jobs.empty());
    }
}

TEST_CASE("notifier policies: durations, filters and their errors") {
    ConfigFile f(
        "storage_root: r\nnotifiers:\n  - plugin: webhook\n    name: hook\n    url: http://127.0.0.1:9/x\n"
        "    repeat_interval: 1h30m\n    send_resolved: false\n    statuses: [failed, missing]\n"
        "    agents: \"ACME_*\"\n    attempts: 2\n    retry_delay: 0s\n");
    Config c;
    REQUIRE(load_config(f.file, &c).is_ok());
    REQUIRE(c.notifiers.size() == 1);
    const NotifierConfig& n = c.notifiers[0];
    CHECK(n.choice.name == "hook");
    CHECK(n.repeat_interval == 5400LL * 1000000);
    CHECK_FALSE(n.send_resolved);
    CHECK(n.statuses == std::vector<std::string>{"failed", "missing"});
    CHECK(n.agents == std::vector<std::string>{"ACME_*"});
    CHECK(n.attempts == 2);
    CHECK(n.retry_delay == 0);
    CHECK_THAT(n.choice.config_json, Catch::Contains("http://127.0.0.1:9/x"));

    Status st = load("storage_root: r\nnotifiers:\n  - plugin: email\n    repeat_interval: daily\n", &c);
    CHECK_THAT(st.message(), Catch::Contains(":4: notifiers.email.repeat_interval"));
    st = load("storage_root: r\nnotifiers:\n  - plugin: email\n    statuses: [broken]\n", &c);
    CHECK_THAT(st.message(), Catch::Contains("notifiers.email.statuses"));
    CHECK(parse_duration("2d") == 2LL * 86400 * 1000000);
    CHECK_FALSE(parse_duration("2 days"));
    CHECK_FALSE(parse_duration(""));
}
