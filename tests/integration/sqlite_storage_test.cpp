// The SDK's storage example (sdk/examples/sqlite_storage, built from its
// source in tests/storage_contract) under the real `vigil` binary: the
// scan store and the outbox are all a scan with a notifier needs, and a
// configuration that needs more is refused, naming what it lacks.
#include "harness.hpp"
#include "sinks.hpp"

#include <vigil/plugin.h>

#include <catch2/catch.hpp>

#include <fstream>

using namespace vigil::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const std::string A = "ACME_PARIS_CENTRE";

// One webhook notifier, `hook`, that tries once.
std::string webhook(const std::string& url) {
    return "notifiers:\n  - plugin: webhook\n    name: hook\n    url: \"" + url +
           "\"\n    attempts: 1\n    retry_delay: 0s\n";
}

// A site whose records the example keeps: in vigil.db beside vigil.yaml,
// the file the harness's queries read (SQLite, as the example's tables
// share the bundled storage's names).
struct ExampleSite {
    Site site{"sqlite"};

    explicit ExampleSite(const std::string& extra,
                         const std::vector<Site::JobSpec>& jobs = {{A, "sales", "02:30"}}) {
        site.configure(jobs, extra);
        std::string config = read_file(site.config_file());
        const std::string database = "database:\n  url: \"" + site.database_url() + "\"\n";
        const std::size_t at = config.find(database);
        REQUIRE(at != std::string::npos);
        config.replace(at, database.size(),
                       "plugins:\n  path: [" + std::string(VIGIL_SQLITE_STORAGE_DIR) +
                           "]\ndatabase:\n  plugin: sqlite_storage\n  path: vigil.db\n");
        std::ofstream(site.config_file(), std::ios::trunc) << config;
    }

    // The example's file, as `path: vigil.db` names it.
    fs::path database_file() const { return site.dir() / "vigil.db"; }

    // A report of A's sales for the day (YYYYMMDD), its transfer ok or not.
    void report(const std::string& day, bool ok) {
        Staged staged = site.stage(A, "sales_" + day + ".gz", gzip_bytes("sales"));
        auto body = Site::report(A, day.substr(0, 4) + "-" + day.substr(4, 2) + "-" + day.substr(6, 2) + "T02:31:00Z");
        body["databases"]["sales"] = Site::block("sales_" + day + ".gz", staged, ok);
        site.drop_report(A, day + "_023100", body);
    }

    // `vigil COMMAND --config vigil.yaml`.
    RunResult vigil(const std::string& command) const {
        return site.vigil(command + " --config " + shell_quote(site.config_file().string()));
    }
};

// "3.0": the ABI this host and the example were built for.
std::string abi() { return std::to_string(VIGIL_ABI_MAJOR) + "." + std::to_string(VIGIL_ABI_MINOR); }

}  // namespace

TEST_CASE("a scan with a webhook notifier records on the sqlite_storage example and delivers its event") {
    HttpSink sink;
    ExampleSite s(webhook(sink.url()));

    // A dry run on the example: it creates no database.
    const RunResult check = s.vigil("config check");
    INFO(check.out << check.err);
    CHECK(check.exit_code == 0);
    CHECK_THAT(check.out, Contains("sqlite_storage"));
    CHECK_FALSE(fs::exists(s.database_file()));

    REQUIRE(s.site.scan("2026-11-22T04:00:00Z").exit_code == 0);
    s.report("20261123", true);
    RunResult r = s.site.scan("2026-11-23T04:00:00Z");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(sink.requests().empty());  // unknown -> ok is not news

    s.report("20261124", false);
    r = s.site.scan("2026-11-24T04:00:00Z");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("hook: 1 sent"));
    const auto requests = sink.requests();
    REQUIRE(requests.size() == 1);
    const auto doc = nlohmann::json::parse(requests[0].body);
    REQUIRE(doc["events"].size() == 1);
    CHECK(doc["events"][0]["agent_id"] == A);
    CHECK(doc["events"][0]["old_status"] == "ok");
    CHECK(doc["events"][0]["new_status"] == "failed");

    const std::vector<Row> entries = s.site.entries(A, "sales");
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].at("status") == std::optional<std::string>("success"));
    CHECK(entries[0].at("operation_log_file_name") == std::optional<std::string>("20261123_023100_" + A + ".json"));
    CHECK(entries[1].at("status") == std::optional<std::string>("failed"));
    CHECK(s.site.fate("20261124_023100_" + A + ".json") == "used");
    CHECK(s.site.count("SELECT COUNT(*) FROM notification_deliveries WHERE state = 'sent'") == 1);
    CHECK(s.site.count("SELECT COUNT(*) FROM scans WHERE outcome = 'completed'") == 3);

    // Delivered once: the next scan has nothing to send.
    REQUIRE(s.site.scan("2026-11-24T05:00:00Z").exit_code == 0);
    CHECK(sink.requests().size() == 1);
}

// Scanners sharing the example's file take turns at SQLite's one write
// lock (its claims rest on that): each report is recorded and archived once.
TEST_CASE("scans started at once on the sqlite_storage example record each report once") {
    std::vector<Site::JobSpec> jobs;
    std::vector<std::string> agents;
    for (int i = 0; i < 24; ++i) {
        agents.push_back("ACME_PARIS_SITE" + std::to_string(i));
        jobs.push_back({agents.back(), "sales", "02:30"});
    }
    ExampleSite s("", jobs);
    REQUIRE(s.site.scan("2026-11-22T04:00:00Z").exit_code == 0);
    for (const std::string& agent : agents) {
        const Staged staged = s.site.stage(agent, "sales.gz", gzip_bytes("sales of " + agent));
        auto body = Site::report(agent, "2026-11-23T02:31:00Z");
        body["databases"]["sales"] = Site::block("sales.gz", staged, true);
        s.site.drop_report(agent, "20261123_023100", body);
    }
    const std::vector<RunResult> runs = s.site.scan_concurrently("2026-11-23T04:00:00Z", 4);
    for (std::size_t i = 0; i < runs.size(); ++i) {
        INFO("scanner " << i << ":\n" << runs[i].out << runs[i].err);
        CHECK(runs[i].exit_code == 0);
    }
    CHECK(s.site.count("SELECT COUNT(*) FROM backup_entries WHERE status = 'success'") == 24);
    CHECK(s.site.count("SELECT COUNT(*) FROM backup_entries") == 24);
    CHECK(s.site.count("SELECT COUNT(*) FROM processed_reports WHERE fate = 'used'") == 24);
    CHECK(s.site.count("SELECT COUNT(*) FROM processed_reports") == 24);
    for (const std::string& agent : agents) {
        INFO(agent);
        CHECK(list_names(s.site.archive_dir(agent)) == std::vector<std::string>{"20261123_023100_" + agent + ".json"});
    }
}

TEST_CASE("a configuration with maintenance windows is refused on the sqlite_storage example, naming silences") {
    ExampleSite s(webhook("http://127.0.0.1:9/hook") +
                  "maintenance:\n  - agents: \"ACME_*\"\n    schedule: \"0 1 * * sun\"\n    duration: 3h\n"
                  "    reason: weekly storage maintenance\n");
    for (const std::string command : {"config check", "scan --now 2026-11-23T04:00:00Z"}) {
        const RunResult r = s.vigil(command);
        INFO(command << ": " << r.out << r.err);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.out + r.err, Contains("maintenance (" + s.site.config_file().string()));
        CHECK_THAT(r.out + r.err, Contains("needs the silences of the storage, and storage plugin sqlite_storage "
                                           "does not offer it (it offers: scan store, outbox)"));
    }
}

TEST_CASE("vigil plugins lists the sqlite_storage example with the capabilities it offers") {
    ExampleSite s("");
    const std::string line = "ok       sqlite_storage 1.0.0 (ABI " + abi() + "): storage (scan store, outbox)\n";
    const RunResult listed = s.vigil("plugins");
    INFO(listed.out << listed.err);
    CHECK(listed.exit_code == 0);
    CHECK_THAT(listed.out, Contains(line));
    const RunResult checked =
        s.site.vigil("plugins --check " + shell_quote(std::string(VIGIL_SQLITE_STORAGE_DIR) + "/vigil_sqlite_storage.so"));
    INFO(checked.out << checked.err);
    CHECK(checked.exit_code == 0);
    CHECK_THAT(checked.out, Contains(line));
}
