// The operator's settings (heartbeat_url, metrics_file) and the messages
// of a configuration that cannot be read or has an unknown key.
#include "config.hpp"
#include "plugin_refusal.hpp"

#include "test_db.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace vigil::host;
namespace fs = std::filesystem;

namespace {

struct ConfigFile {
    vigil::test::ScratchDir scratch;
    fs::path file;
    explicit ConfigFile(const std::string& yaml) : file(scratch.path() / "vigil.yaml") { std::ofstream(file) << yaml; }
    Status load(Config* c) const { return load_config(file, c); }
};

}  // namespace

TEST_CASE("heartbeat_url and metrics_file are read, a relative metrics_file is beside the configuration") {
    ConfigFile f("storage_root: root\nheartbeat_url: https://hc-ping.com/abc\nmetrics_file: prom/vigil.prom\n");
    Config c;
    REQUIRE(f.load(&c).is_ok());
    CHECK(c.heartbeat_url == "https://hc-ping.com/abc");
    CHECK(c.metrics_file == f.scratch.path() / "prom" / "vigil.prom");
    Config none;
    REQUIRE(ConfigFile("storage_root: root\n").load(&none).is_ok());
    CHECK(none.heartbeat_url.empty());
    CHECK(none.metrics_file.empty());
}

TEST_CASE("a heartbeat_url that is not http(s) is a configuration error at its line") {
    Config c;
    Status st = ConfigFile("storage_root: root\nheartbeat_url: ftp://example.org/x\n").load(&c);
    CHECK(st.code() == Status::Code::kConfig);
    CHECK_THAT(st.message(), Catch::Contains("vigil.yaml:2: heartbeat_url: must be an http:// or https:// URL"));
}

TEST_CASE("an unknown key is named at its own line with the keys that are known") {
    Config c;
    Status st = ConfigFile("storage_root: root\n\nwindows_minutes: 30\n").load(&c);
    CHECK_THAT(st.message(), Catch::Contains("vigil.yaml:3: windows_minutes: unknown setting (known: ") &&
                                 Catch::Contains("window_minutes") && Catch::Contains("heartbeat_url"));
    st = ConfigFile("storage_root: root\njobs:\n  - agent: ACME_PARIS_CENTRE\n    database: sales\n    at: \"02:30\"\n"
                    "    windw: 3\n")
             .load(&c);
    CHECK_THAT(st.message(), Catch::Contains("vigil.yaml:6: jobs: unknown key `windw` (known: agent, at, database, "
                                             "early_minutes, late_minutes, schedule, timezone, window_minutes)"));
}

TEST_CASE("a configuration that cannot be read says why, in the system's words, as a configuration error") {
    vigil::test::ScratchDir scratch;
    Config c;
    Status st = load_config(scratch.path() / "absent.yaml", &c);
    CHECK(st.code() == Status::Code::kConfig);
    CHECK_THAT(st.message(), Catch::Contains("absent.yaml: cannot read the configuration file: No such file or directory"));
    st = load_config(scratch.path(), &c);
    CHECK(st.code() == Status::Code::kConfig);
    CHECK_THAT(st.message(), Catch::Contains("is a directory"));
}

TEST_CASE("a plugin's refusal points at the key it names and lists what the host reads from the item") {
    ConfigFile f("storage_root: root\nnotifiers:\n  - plugin: webhook\n    url: http://x\n    statusses: [failed]\n");
    Config c;
    REQUIRE(f.load(&c).is_ok());
    const PluginChoice& choice = c.notifiers.at(0).choice;
    const std::string message =
        refusal_message(choice, "plugin webhook: setting `statusses`: unknown setting (known: `url`, `headers`)");
    CHECK_THAT(message, Catch::StartsWith(f.file.string() + ":5: plugin webhook: setting `statusses`"));
    CHECK_THAT(message, Catch::Contains("keys Vigil itself reads from this item: `plugin`, `name`, ") &&
                            Catch::Contains("`statuses`") && Catch::Contains("`repeat_interval`"));
    // A message naming no key of the item stays at the item's line.
    CHECK_THAT(refusal_message(choice, "plugin webhook: cannot start"), Catch::StartsWith(f.file.string() + ":3: "));
}
