// Configuration errors name the file, the line and the setting.
#include "config.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
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
    // Which database, by default, is the storage plugin's to say.
    CHECK(c.database.plugin == "soci");
    CHECK(c.database.config_json == nlohmann::json{{"vigil_config_dir", f.dir.string()}}.dump());
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

TEST_CASE("per-job windows, and the database section handed to the storage plugin as written") {
    ConfigFile f(
        "storage_root: /srv/backups\nwindow_minutes: 45\ndatabase:\n  url: sqlite3://db=data/v.db\n"
        "jobs:\n  - {agent: ACME_PARIS_CENTRE, database: sales, at: \"23:30\", window_minutes: 20}\n"
        "  - {agent: ACME_PARIS_CENTRE, database: hr, at: \"00:05\"}\n");
    Config c;
    REQUIRE(load_config(f.file, &c).is_ok());
    CHECK(c.jobs[0].window_minutes == 20);
    CHECK(c.jobs[1].window_minutes == 45);
    // Relative paths in it are the plugin's to resolve, against vigil_config_dir.
    CHECK(c.database.config_json ==
          nlohmann::json{{"url", "sqlite3://db=data/v.db"}, {"vigil_config_dir", f.dir.string()}}.dump());
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
        {"storage_root: r\ndatabase: sqlite\n", ":2: database: must be a mapping of the storage plugin's settings"},
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
}

TEST_CASE("durations are read without overflow, whatever their digits") {
    CHECK(parse_duration("2d") == 2LL * 86400 * 1000000);
    CHECK(parse_duration("1h30m") == 5400LL * 1000000);
    CHECK(parse_duration("0s") == 0);
    CHECK(parse_duration("106751991d") == 106751991LL * 86400 * 1000000);
    for (const char* text : {"2 days", "", "5", "m", "-5s", "+5s", "5x", "1h 30m", "99999999999999999999s",
                             "9223372036855s", "106751992d", "106751991d1d", "5s-"}) {
        INFO(text);
        CHECK_FALSE(parse_duration(text));
    }
    CHECK(format_duration(0) == "0s");
    CHECK(format_duration(90'000'000) == "1m30s");
    CHECK(format_duration(365LL * 86400 * 1000000) == "365d");
}

TEST_CASE("out-of-range numbers and durations are configuration errors naming file, line and key") {
    const std::string hook = "storage_root: r\nnotifiers:\n  - plugin: webhook\n    name: hook\n";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"storage_root: r\nmax_report_age_days: 1000000000\n",
         ":2: max_report_age_days: must be greater than 0 and at most 36500, found 1000000000"},
        {"storage_root: r\nmax_report_age_days: inf\n", ":2: max_report_age_days: must be greater than 0"},
        {"storage_root: r\nmax_report_age_days: nan\n", ":2: max_report_age_days: must be greater than 0"},
        {"storage_root: r\nmax_report_age_days: 1e400\n", ":2: max_report_age_days: must be greater than 0"},
        {"storage_root: r\nmax_report_age_days: 0\n", ":2: max_report_age_days: must be greater than 0"},
        {"storage_root: r\nmax_report_age_days: 2 days\n", ":2: max_report_age_days: must be a number"},
        {"storage_root: r\nwindow_minutes: 99999999999999999999\n", ":2: window_minutes: must be from 1 to 719"},
        {"storage_root: r\nwindow_minutes: 0x10\n", ":2: window_minutes: must be an integer from 1 to 719"},
        {"storage_root: r\nwindow_minutes: \" 5\"\n", ":2: window_minutes: must be an integer"},
        {"storage_root: r\nreport_settle_seconds: -1\n", ":2: report_settle_seconds: must be from 0 to 86400"},
        {"storage_root: r\nmax_report_bytes: 0\n", ":2: max_report_bytes: must be from 1 to"},
        {"storage_root: r\nverify_threads: 257\n", ":2: verify_threads: must be from 0 to 256"},
        {"storage_root: r\njobs:\n  - {agent: ACME_PARIS_CENTRE, database: s, at: \"02:30\", window_minutes: 720}\n",
         ":3: jobs.window_minutes: must be from 1 to 719"},
        {hook + "    repeat_interval: \"99999999999999999999s\"\n",
         ":5: notifiers.hook.repeat_interval: must be a duration from 0s to 365d (e.g. 90s, 30m, 24h, 2d, 1h30m), "
         "found \"99999999999999999999s\""},
        {hook + "    repeat_interval: 366d\n", ":5: notifiers.hook.repeat_interval: must be a duration from 0s to 365d"},
        {hook + "    retry_delay: 61s\n", ":5: notifiers.hook.retry_delay: must be a duration from 0s to 1m"},
        {hook + "    retry_delay: 9999999999999d\n", ":5: notifiers.hook.retry_delay: must be a duration from 0s to 1m"},
        {hook + "    delivery_lease: 8d\n", ":5: notifiers.hook.delivery_lease: must be a duration from 0s to 7d"},
        {hook + "    attempts: 11\n", ":5: notifiers.hook.attempts: must be from 1 to 10"},
        {hook + "    attempts: 0\n", ":5: notifiers.hook.attempts: must be from 1 to 10"},
    };
    for (const auto& [yaml, expected] : cases) {
        INFO(yaml);
        Config c;
        Status st = load(yaml, &c);
        CHECK(st.code() == Status::Code::kConfig);
        CHECK_THAT(st.message(), Catch::Contains(expected) && Catch::Contains("vigil.yaml"));
    }
}

TEST_CASE("the largest values in range are accepted") {
    Config c;
    Status st = load(
        "storage_root: r\nmax_report_age_days: 36500\nnotifiers:\n  - plugin: webhook\n    repeat_interval: 365d\n"
        "    retry_delay: 1m\n    delivery_lease: 7d\n    attempts: 10\n",
        &c);
    REQUIRE(st.message() == "");
    CHECK(c.max_report_age_days == 36500);
    CHECK(c.notifiers[0].repeat_interval == 365LL * 86400 * 1000000);
    CHECK(c.notifiers[0].retry_delay == 60'000'000);
    CHECK(c.notifiers[0].lease == 7LL * 86400 * 1000000);
}

TEST_CASE("a setting that is not UTF-8 is a configuration error, not an internal one") {
    Config c;
    Status st = load("storage_root: r\nreports:\n  - plugin: status_json\n    note: \"\xff\xfe\"\n", &c);
    CHECK(st.code() == Status::Code::kConfig);
    CHECK_THAT(st.message(), Catch::EndsWith("vigil.yaml:4: invalid leading UTF-8 octet (byte 0xff)"));
    // Found by the fuzz target (when the text was read as bytes): a second,
    // valid url hid the first from the check.
    st = load("storage_root: r\ndatabase:\n  url: \"sqlite3://db=\x9e\"\n  url: sqlite3://db=v.db\n", &c);
    CHECK(st.code() == Status::Code::kConfig);
    CHECK_THAT(st.message(), Catch::EndsWith("vigil.yaml:3: invalid leading UTF-8 octet (byte 0x9e)"));
}

TEST_CASE("a key given twice in any mapping is a configuration error naming its second line") {
    Config c;
    Status st = load("storage_root: r\nwindow_minutes: 30\nstorage_root: s\n", &c);
    CHECK_THAT(st.message(), Catch::Contains("vigil.yaml:3: storage_root: given twice in the same mapping"));
    st = load("storage_root: r\nnotifiers:\n  - plugin: webhook\n    headers: {X-A: 1, X-A: 2}\n", &c);
    CHECK_THAT(st.message(), Catch::Contains("vigil.yaml:4: X-A: given twice in the same mapping"));
}

TEST_CASE("an alias that contains itself is a configuration error, not a crash") {
    // Found by the fuzz target: the walk over the tree recursed without end.
    Config c;
    Status st = load("storage_root: r\njobs:\n &j\n  - *j\n", &c);
    CHECK(st.code() == Status::Code::kConfig);
    CHECK_THAT(st.message(), Catch::Contains("nested more than 64 levels deep (an alias that contains itself?)"));
    st = load("storage_root: r\nnotifiers: &n\n  - plugin: webhook\n    more: *n\n", &c);
    CHECK(st.code() == Status::Code::kConfig);
    CHECK_THAT(st.message(), Catch::Contains("nested more than 64 levels deep"));
}

TEST_CASE("plugin settings keep their YAML types: plain booleans and numbers typed, the rest strings") {
    Config c;
    REQUIRE(load("storage_root: r\n"
                  "integrity:\n"
                  "  - plugin: some_check\n"
                  "    flag: true\n"
                  "    off_flag: false\n"
                  "    count: 25\n"
                  "    negative: -3\n"
                  "    ratio: 2.5\n"
                  "    quoted_count: \"25\"\n"
                  "    quoted_flag: 'true'\n"
                  "    padded: 025\n"
                  "    signed: +5\n"
                  "    exponent: 1e3\n"
                  "    trailing_zero: 2.50\n"
                  "    yes_word: yes\n"
                  "    capital: True\n"
                  "    tagged: !!str 7\n"
                  "    huge: 99999999999999999999\n"
                  "    list: [1, \"1\", on]\n"
                  "    nested: {port: 25, host: mail}\n",
                  &c)
                .is_ok());
    REQUIRE(c.integrity.size() == 1);
    const auto settings = nlohmann::json::parse(c.integrity[0].config_json);
    CHECK(settings.at("flag") == true);
    CHECK(settings.at("off_flag") == false);
    CHECK(settings.at("count") == 25);
    CHECK(settings.at("negative") == -3);
    CHECK(settings.at("ratio") == 2.5);
    for (const char* key : {"quoted_count", "quoted_flag", "padded", "signed", "exponent", "trailing_zero",
                            "yes_word", "capital", "tagged", "huge"}) {
        INFO(key);
        CHECK(settings.at(key).is_string());
    }
    CHECK(settings.at("quoted_count") == "25");
    CHECK(settings.at("padded") == "025");
    CHECK(settings.at("trailing_zero") == "2.50");
    CHECK(settings.at("list") == nlohmann::json::parse(R"([1, "1", "on"])"));
    CHECK(settings.at("nested") == nlohmann::json::parse(R"({"port": 25, "host": "mail"})"));
}

TEST_CASE("a value reached through an alias is reported at the anchored node's line") {
    Config c;
    Status st = load("storage_root: r\nreports:\n  - plugin: status_json\n    n: &big 720\nwindow_minutes: *big\n", &c);
    CHECK_THAT(st.message(), Catch::EndsWith("vigil.yaml:4: window_minutes: must be from 1 to 719, found 720"));
}

TEST_CASE("a YAML syntax error is reported with its line and libyaml's words") {
    Config c;
    Status st = load("storage_root: r\njobs:\n  - {agent: ACME_PARIS_CENTRE, database: s\n", &c);
    CHECK(st.code() == Status::Code::kConfig);
    CHECK_THAT(st.message(), Catch::EndsWith("vigil.yaml:4: did not find expected ',' or '}' while parsing a flow "
                                             "mapping started at line 3"));
    st = load("storage_root: r\nwindow_minutes: *nowhere\n", &c);
    CHECK_THAT(st.message(), Catch::EndsWith("vigil.yaml:2: the alias *nowhere names no anchor defined before it"));
}

TEST_CASE("only the first YAML document is read, and an empty file is not a mapping") {
    Config c;
    REQUIRE(load("storage_root: r\nwindow_minutes: 5\n---\nwindow_minutes: [\n", &c).is_ok());
    CHECK(c.window_minutes == 5);
    for (const char* yaml : {"", "# nothing\n", "---\n", "- a\n"}) {
        INFO(yaml);
        CHECK_THAT(load(yaml, &c).message(), Catch::EndsWith("vigil.yaml:1: the configuration must be a YAML mapping"));
    }
}

TEST_CASE("anchors repeated within anchors are checked quickly, and refused in plugin settings") {
    auto laughs = [](const std::string& indent) {
        std::string text = indent + "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
        for (int i = 1; i < 10; ++i) {
            text += indent + "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
            for (int k = 0; k < 10; ++k) text += (k ? ", *l" : "*l") + std::to_string(i - 1);
            text += "]\n";
        }
        return text;
    };
    Config c;
    // Every key of the walk is visited once, not a billion times.
    Status st = load("storage_root: r\n" + laughs(""), &c);
    CHECK_THAT(st.message(), Catch::Contains("vigil.yaml:2: l0: unknown setting"));
    st = load("storage_root: r\nreports:\n  - plugin: status_json\n" + laughs("    "), &c);
    CHECK_THAT(st.message(), Catch::EndsWith("vigil.yaml:3: reports: the settings of this item hold more than 100000 "
                                             "values once their aliases are copied out"));
    // Aliases that stay within the bound are copied out as the plugin's settings.
    REQUIRE(load("storage_root: r\nreports:\n  - plugin: status_json\n    a: &a {x: 1}\n    b: [*a, *a]\n", &c).is_ok());
    CHECK(nlohmann::json::parse(c.reports[0].config_json).at("b") == nlohmann::json::parse(R"([{"x": 1}, {"x": 1}])"));
}

TEST_CASE("at is two-digit hours 00 to 23 and minutes 00 to 59, nothing else") {
    for (int hour = 0; hour < 100; ++hour) {
        for (int minute = 0; minute < 100; minute += (hour < 30 ? 1 : 7)) {
            char at[16];
            std::snprintf(at, sizeof at, "%02d:%02d", hour, minute);
            INFO(at);
            Config c;
            Status st = parse_config(std::string("storage_root: r\njobs:\n  - {agent: ACME_PARIS_CENTRE, database: s, at: \"") +
                                         at + "\"}\n",
                                     "/etc/vigil/vigil.yaml", &c);
            if (hour < 24 && minute < 60) {
                REQUIRE(st.message() == "");
                CHECK(c.jobs[0].hour == hour);
                CHECK(c.jobs[0].minute == minute);
            } else {
                CHECK(st.message() == "/etc/vigil/vigil.yaml:3: jobs.at: \"" + std::string(at) +
                                          "\" is not a time of day \"HH:MM\" (UTC, 00:00 to 23:59)");
            }
        }
    }
    for (const char* at : {"2:30", "02:3", "002:30", "02:300", "02-30", "0230", "a2:30", "02:3a", " 2:30", "02:30 ", "",
                           "\xd9\xa0\xd9\xa2:\xd9\xa3\xd9\xa0"}) {
        INFO(at);
        Config c;
        Status st = parse_config(std::string("storage_root: r\njobs:\n  - {agent: ACME_PARIS_CENTRE, database: s, at: \"") +
                                     at + "\"}\n",
                                 "/etc/vigil/vigil.yaml", &c);
        CHECK_THAT(st.message(), Catch::EndsWith("is not a time of day \"HH:MM\" (UTC, 00:00 to 23:59)"));
    }
}

TEST_CASE("jobs keep their line, and a job is listed twice only when agent, database, schedule and zone repeat") {
    Config c;
    REQUIRE(load("storage_root: r\njobs:\n"
                 "  - {agent: ACME_PARIS_CENTRE, database: s, at: \"01:00\"}\n"
                 "  - {agent: ACME_PARIS_CENTRE, database: s, schedule: \"0 1 * * *\", timezone: Europe/Paris}\n"
                 "  - {agent: ACME_PARIS_CENTRE, database: t, at: \"01:00\"}\n"
                 "  - {agent: ACME_PARIS_NORD, database: s, at: \"01:00\"}\n",
                 &c)
                .is_ok());
    REQUIRE(c.jobs.size() == 4);
    CHECK(c.jobs[0].line == 3);
    CHECK(c.jobs[3].line == 6);
    // `schedule: "00 01 * * *"` in UTC is the `at: "01:00"` job.
    Status st = load("storage_root: r\njobs:\n"
                     "  - {agent: ACME_PARIS_CENTRE, database: s, at: \"01:00\"}\n"
                     "  - {agent: ACME_PARIS_CENTRE, database: s, schedule: \"0 1 * * *\", timezone: Europe/Paris}\n"
                     "  - {agent: ACME_PARIS_CENTRE, database: s, schedule: \"00 01 * * *\"}\n",
                     &c);
    CHECK_THAT(st.message(), Catch::EndsWith("vigil.yaml:5: jobs: job ACME_PARIS_CENTRE/s at 01:00 is listed twice"));
    // The first problem in the order listed is the one reported: a repeat before a wrong job,
    const std::string s01 = "  - {agent: ACME_PARIS_CENTRE, database: s, at: \"01:00\"}\n";
    const std::string t25 = "  - {agent: ACME_PARIS_CENTRE, database: t, at: \"25:00\"}\n";
    const std::string u02 = "  - {agent: ACME_PARIS_CENTRE, database: u, at: \"02:00\"}\n";
    st = load("storage_root: r\njobs:\n" + s01 + s01 + t25, &c);
    CHECK_THAT(st.message(), Catch::EndsWith("vigil.yaml:4: jobs: job ACME_PARIS_CENTRE/s at 01:00 is listed twice"));
    // a wrong job before a repeat,
    st = load("storage_root: r\njobs:\n" + s01 + t25 + s01, &c);
    CHECK_THAT(st.message(), Catch::EndsWith("vigil.yaml:4: jobs.at: \"25:00\" is not a time of day \"HH:MM\" (UTC, 00:00 to 23:59)"));
    // and of two repeats, the one listed first.
    st = load("storage_root: r\njobs:\n" + u02 + s01 + u02 + s01, &c);
    CHECK_THAT(st.message(), Catch::EndsWith("vigil.yaml:5: jobs: job ACME_PARIS_CENTRE/u at 02:00 is listed twice"));
}
