// docs/operating.md through the real binary, on every backend: status,
// history, explain, the scans table, the monitoring check, config check.
#include "operator_support.hpp"
#include "sinks.hpp"

#include <catch2/catch.hpp>

using namespace vigil::test;
namespace fs = std::filesystem;

namespace {

const std::string A = "ACME_PARIS_CENTRE";
const std::string B = "GLOBEX_BERLIN_MITTE";

// Three jobs known since the 22nd: A/sales, A/hr (two reports on the 23rd,
// one ok, one failed) and B/erp (B has no folder: missing).
struct Operated {
    Site site;
    explicit Operated(const std::string& backend, const std::string& extra = "") : site(backend) {
        site.configure({{A, "sales", "02:30"}, {A, "hr", "03:00"}, {B, "erp", "01:00"}}, extra);
        REQUIRE(site.scan("2026-11-22T04:00:00Z").exit_code == 0);
    }
    fs::path report(const std::string& stamp, const std::string& end_iso, const std::string& database,
                    const std::string& content, bool ok = true) {
        const std::string file = database + "_" + stamp + ".sql.gz";
        Staged s = site.stage(A, file, gzip_bytes(content));
        auto body = Site::report(A, end_iso);
        body["databases"][database] = Site::block(file, s, ok);
        return site.drop_report(A, stamp, body);
    }
    // The 23rd: sales ok, hr failed, erp missing.
    void day_23() {
        report("20261123_023100", "2026-11-23T02:31:00Z", "sales", "sales 23");
        report("20261123_030100", "2026-11-23T03:01:00Z", "hr", "hr 23", false);
        RunResult r = site.scan("2026-11-23T04:00:00Z");
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
    }
    RunResult run(const std::string& words) const { return command(site, words); }
    nlohmann::json json(const std::string& words) const {
        RunResult r = run(words);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        return nlohmann::json::parse(r.out);
    }
};

const nlohmann::json& job_in(const nlohmann::json& status, const std::string& database) {
    for (const auto& j : status.at("jobs")) {
        if (j.at("database") == database) return j;
    }
    throw std::runtime_error("no job " + database);
}

}  // namespace

TEST_CASE("status: a line per active job with its status, since when, last success and last entry") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    Operated o(backend);
    o.day_23();
    RunResult r = o.run("status");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("last scan: #2 judged at 2026-11-23T04:00:00Z") && Catch::Contains("completed"));
    CHECK_THAT(r.out, Catch::Contains("AGENT") && Catch::Contains("SINCE") && Catch::Contains("LAST SUCCESS"));
    CHECK_THAT(r.out, Catch::Contains("30 02 * * * UTC") && Catch::Contains("2026-11-23T02:31:00Z"));
    CHECK_THAT(r.out, Catch::Contains("failed: ") && Catch::Contains("missing: no report ended"));

    nlohmann::json s = o.json("status --json");
    CHECK(s.at("format") == "vigil-status");
    CHECK(s.at("version") == 1);
    REQUIRE(s.at("jobs").size() == 3);
    const auto& sales = job_in(s, "sales");
    CHECK(sales.at("agent") == A);
    CHECK(sales.at("schedule") == "30 02 * * *");
    CHECK(sales.at("timezone") == "UTC");
    CHECK(sales.at("status") == "ok");
    CHECK(sales.at("status_since") == "2026-11-23T04:00:00Z");
    CHECK(sales.at("last_success") == "2026-11-23T02:31:00Z");
    CHECK(sales.at("last_entry").at("status") == "success");
    CHECK(sales.at("last_entry").at("cycle") == "2026-11-23T02:30:00Z");
    CHECK(sales.at("last_entry").at("report") == "20261123_023100_" + A + ".json");
    const auto& erp = job_in(s, "erp");
    CHECK(erp.at("status") == "missing");
    CHECK(erp.at("last_success").is_null());
    CHECK(job_in(s, "hr").at("status") == "failed");
    const auto& scan = s.at("last_scan");
    CHECK(scan.at("outcome") == "completed");
    CHECK(scan.at("scan_time") == "2026-11-23T04:00:00Z");
    CHECK(scan.at("counts").at("agents_scanned") == 1);
    CHECK(scan.at("counts").at("agents_without_folder") == 1);
    CHECK(scan.at("counts").at("entries_recorded") == 3);
    CHECK(scan.at("duration_seconds").get<double>() >= 0);

    // The next day sales stays ok (its "since" stays), hr recovers (its moves).
    o.report("20261124_023100", "2026-11-24T02:31:00Z", "sales", "sales 23");
    o.report("20261124_030100", "2026-11-24T03:01:00Z", "hr", "hr 24");
    REQUIRE(o.site.scan("2026-11-24T04:00:00Z").exit_code == 0);
    s = o.json("status --json");
    CHECK(job_in(s, "sales").at("status_since") == "2026-11-23T04:00:00Z");
    CHECK(job_in(s, "hr").at("status") == "ok");
    CHECK(job_in(s, "hr").at("status_since") == "2026-11-24T04:00:00Z");
}

TEST_CASE("status filters: --agent and --database globs, --failing") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    Operated o(backend);
    o.day_23();
    CHECK(o.json("status --json --failing").at("jobs").size() == 2);
    auto globex = o.json("status --json --agent 'GLOBEX_*'").at("jobs");
    REQUIRE(globex.size() == 1);
    CHECK(globex[0].at("database") == "erp");
    CHECK(o.json("status --json --database 's*'").at("jobs").size() == 1);
    RunResult none = o.run("status --agent 'NOBODY_*'");
    CHECK(none.exit_code == 0);
    CHECK_THAT(none.out, Catch::Contains("no active job matches"));
}

TEST_CASE("status before any scan, on a database that does not exist yet, creates nothing") {
    Site site("sqlite");
    site.configure({{A, "sales", "02:30"}});
    RunResult r = command(site, "status");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("last scan: none recorded") && Catch::Contains("does not exist yet"));
    CHECK_FALSE(fs::exists(site.dir() / "vigil.db"));
}

TEST_CASE("history: an agent's entries and report fates, newest first, filtered by database and time") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    Operated o(backend);
    o.day_23();
    o.report("20261124_030100", "2026-11-24T03:01:00Z", "hr", "hr 24");
    o.site.drop_raw_report(A, "20261124_050000", "{not json");
    REQUIRE(o.site.scan("2026-11-24T06:00:00Z").exit_code == 0);

    nlohmann::json h = o.json("history " + A + " --json");
    CHECK(h.at("format") == "vigil-history");
    const auto& entries = h.at("entries");
    REQUIRE(entries.size() == 4);  // sales and hr on the 23rd, hr and a missing sales on the 24th
    CHECK(entries[0].at("recorded_at") == "2026-11-24T06:00:00Z");
    CHECK(entries[3].at("recorded_at") == "2026-11-23T04:00:00Z");
    const auto& reports = h.at("reports");
    REQUIRE(reports.size() == 4);
    CHECK(reports[0].at("scanned_at") == "2026-11-24T06:00:00Z");
    bool invalid_seen = false;
    for (const auto& r : reports) {
        if (r.at("fate") == "invalid") {
            invalid_seen = true;
            CHECK_FALSE(r.at("reason").get<std::string>().empty());
        }
    }
    CHECK(invalid_seen);

    nlohmann::json hr = o.json("history " + A + " hr --json");
    REQUIRE(hr.at("entries").size() == 2);
    for (const auto& e : hr.at("entries")) CHECK(e.at("database") == "hr");
    CHECK(hr.at("reports").size() == 4);  // a report's fate is about the whole file

    nlohmann::json recent = o.json("history " + A + " --json --since 2026-11-24T00:00:00Z");
    CHECK(recent.at("entries").size() == 2);
    CHECK(recent.at("reports").size() == 2);

    RunResult text = o.run("history " + A);
    CHECK_THAT(text.out, Catch::Contains("entries (4):") && Catch::Contains("reports (4):") &&
                             Catch::Contains("hr at 03:00") && Catch::Contains("invalid"));
    RunResult empty_since = o.run("history " + A + " --since ''");
    CHECK(empty_since.exit_code == 1);
    CHECK_THAT(empty_since.err, Catch::Contains("--since"));
}

TEST_CASE("explain: a used report, an irrelevant one, and files no scan recorded, each with why") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    Operated o(backend);
    o.report("20261123_013000", "2026-11-23T01:30:00Z", "hr", "too early");  // hr's window opens at 02:00
    o.day_23();

    RunResult used = o.run("explain 20261123_023100_" + A + ".json");
    INFO(used.out << used.err);
    REQUIRE(used.exit_code == 0);
    CHECK_THAT(used.out, Catch::Contains(": used") && Catch::Contains("read by status_json") &&
                             Catch::Contains("used for sales at 02:30, cycle 2026-11-23T02:30:00Z: success") &&
                             Catch::Contains("archived as " + (o.site.archive_dir(A) / ("20261123_023100_" + A + ".json")).string()));

    RunResult irrelevant = o.run("explain " + (o.site.archive_dir(A) / ("20261123_013000_" + A + ".json")).string());
    CHECK_THAT(irrelevant.out, Catch::Contains(": irrelevant: ") && Catch::Contains("outside every window"));

    const fs::path log = o.site.root() / A / "log";
    std::ofstream(log / "STATUS.json") << "{}";
    RunResult status_json = o.run("explain " + (log / "STATUS.json").string());
    CHECK_THAT(status_json.out, Catch::Contains("not recorded by any scan") &&
                                    Catch::Contains("no configured report source (status_json) reads a file of this "
                                                    "name: every scan counts it as unrecognised"));
    std::ofstream(log / ("20261123_100500_" + B + ".json")) << "{}";
    CHECK_THAT(o.run("explain " + (log / ("20261123_100500_" + B + ".json")).string()).out,
               Catch::Contains("not one of agent " + A + "'s reports") && Catch::Contains("a report of " + B) &&
                   Catch::Contains("scans leave it alone"));

    o.site.drop_report(A, "20261123_100000", Site::report(A, "2026-11-23T10:00:00Z"));
    CHECK_THAT(o.run("explain 20261123_100000_" + A + ".json").out, Catch::Contains("no scan has read yet"));

    std::ofstream(log / ("20261123_110000_" + A + ".json")) << "{}";  // just written
    CHECK_THAT(o.run("explain 20261123_110000_" + A + ".json").out,
               Catch::Contains("less than report_settle_seconds (10)"));

    CHECK_THAT(o.run("explain 20261123_120000_" + A + ".json").out, Catch::Contains("there is no such file"));

    fs::create_directories(o.site.root() / "junk" / "log");
    CHECK_THAT(o.run("explain " + (o.site.root() / "junk" / "log" / "x.json").string()).out,
               Catch::Contains("is not named like an agent"));
    CHECK_THAT(o.run("explain notes.txt").out, Catch::Contains("the name is not a report's"));
}

TEST_CASE("every scan is recorded in the scans table: its times, machine, outcome and counts") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    Operated o(backend);
    o.day_23();
    auto rows = o.site.query(
        "SELECT outcome, host, CAST(pid AS TEXT) AS pid, CAST(scan_time AS TEXT) AS scan_time, "
        "CAST(finished_at AS TEXT) AS finished_at, CAST(agents_scanned AS TEXT) AS agents_scanned, "
        "CAST(agents_without_folder AS TEXT) AS without_folder, CAST(reports_processed AS TEXT) AS reports, "
        "CAST(entries_recorded AS TEXT) AS entries, CAST(reports_archived AS TEXT) AS archived, "
        "CAST(jobs_active AS TEXT) AS jobs FROM scans ORDER BY id");
    REQUIRE(rows.size() == 2);
    const Row& day = rows[1];
    CHECK(day.at("outcome") == std::string("completed"));
    CHECK_FALSE(day.at("host").value_or("").empty());
    CHECK(std::stol(day.at("pid").value_or("0")) > 0);
    CHECK(day.at("scan_time").value_or("").substr(0, 19) == "2026-11-23 04:00:00");
    CHECK(day.at("finished_at").has_value());
    CHECK(day.at("agents_scanned") == std::string("1"));
    CHECK(day.at("without_folder") == std::string("1"));
    CHECK(day.at("reports") == std::string("2"));
    CHECK(day.at("entries") == std::string("3"));
    CHECK(day.at("archived") == std::string("2"));
    CHECK(day.at("jobs") == std::string("3"));

    fs::rename(o.site.root(), o.site.dir() / "elsewhere");
    RunResult r = o.site.scan("2026-11-24T04:00:00Z");
    CHECK(r.exit_code == 3);
    auto failed = o.site.query("SELECT outcome, message FROM scans ORDER BY id DESC");
    CHECK(failed.at(0).at("outcome") == std::string("failed"));
    CHECK_THAT(failed.at(0).at("message").value_or(""), Catch::Contains("storage_root"));
}

TEST_CASE("check: OK, WARNING, CRITICAL and UNKNOWN as the options say, with perfdata") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    Operated o(backend);
    o.day_23();
    RunResult critical = o.run("check");
    INFO(critical.out << critical.err);
    CHECK(critical.exit_code == 2);
    CHECK_THAT(critical.out, Catch::StartsWith("VIGIL CRITICAL - 2 critical: ") &&
                                 Catch::Contains(B + "/erp missing") && Catch::Contains(A + "/hr failed"));
    CHECK(std::count(critical.out.begin(), critical.out.end(), '\n') == 1);
    CHECK_THAT(critical.out, Catch::Contains(" | jobs_failed=1;;;0 jobs_missing=1;;;0 jobs_ok=1;;;0") &&
                                 Catch::Contains("scan_age=") && Catch::Contains("deliveries_pending=0;;;0"));

    RunResult warning = o.run("check --critical '' --warning missing,failed");
    CHECK(warning.exit_code == 1);
    CHECK_THAT(warning.out, Catch::StartsWith("VIGIL WARNING - 2 warning: "));

    RunResult ok = o.run("check --critical ''");
    CHECK(ok.exit_code == 0);
    CHECK_THAT(ok.out, Catch::StartsWith("VIGIL OK - 3 jobs"));

    RunResult stale = o.run("check --critical '' --now " + clock_iso(2 * 3600));
    CHECK(stale.exit_code == 2);
    CHECK_THAT(stale.out, Catch::Contains("last completed scan ended ") && Catch::Contains(" ago, more than 30 min"));
    CHECK(o.run("check --critical '' --max-scan-age 3h --now " + clock_iso(2 * 3600)).exit_code == 0);

    RunResult usage = o.run("check --critical bogus");
    CHECK(usage.exit_code == 3);
    CHECK_THAT(usage.out, Catch::StartsWith("VIGIL UNKNOWN - --critical: \"bogus\" is not a job status"));
    RunResult unknown_option = o.run("check --bogus");
    CHECK(unknown_option.exit_code == 3);
    CHECK_THAT(unknown_option.out, Catch::StartsWith("VIGIL UNKNOWN - "));
}

TEST_CASE("check counts pending deliveries, and is UNKNOWN without a database, CRITICAL without a scan") {
    RefusingPort refusing;
    Operated o("sqlite", "notifiers:\n  - plugin: webhook\n    name: hook\n    url: \"http://127.0.0.1:" +
                             std::to_string(refusing.port()) + "/hook\"\n    attempts: 1\n");
    o.day_23();
    RunResult r = o.run("check");
    CHECK_THAT(r.out, Catch::Contains("deliveries_pending=2;;;0"));

    Site fresh("sqlite");
    fresh.configure({{A, "sales", "02:30"}});
    RunResult never = command(fresh, "check");
    CHECK(never.exit_code == 2);
    CHECK_THAT(never.out, Catch::StartsWith("VIGIL CRITICAL - no completed scan recorded"));
    CHECK_FALSE(fs::exists(fresh.dir() / "vigil.db"));

    std::ofstream(fresh.config_file()) << "storage_root: " << fresh.root().string()
                                       << "\ndatabase:\n  url: sqlite3://db=" << (fresh.dir() / "no/dir/v.db").string()
                                       << "\n";
    RunResult unreachable = command(fresh, "check");
    CHECK(unreachable.exit_code == 3);
    CHECK_THAT(unreachable.out, Catch::StartsWith("VIGIL UNKNOWN - ") && Catch::Contains("no/dir"));
}

TEST_CASE("config check: what a scan would check, warnings about the tree, and nothing changed") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    Operated o(backend, "plugins:\n  path: [no-such-plugins]\n");
    o.day_23();
    fs::create_directories(o.site.root() / "junk");
    const auto dump = full_dump(o.site);
    const auto files = sqlite_files(o.site);
    RunResult r = o.run("config check");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("plugins: status_json sha256 soci: loaded, settings accepted") &&
                          Catch::Contains(": schema version "));
    CHECK_THAT(r.out, Catch::Contains("warning: agent " + B + ": no folder") &&
                          Catch::Contains("junk: not an agent folder") &&
                          Catch::Contains("plugins.path: " + (o.site.dir() / "no-such-plugins").string() +
                                          " does not exist") &&
                          Catch::Contains("ok, with 3 warning(s)"));
    CHECK(compare_lines(dump, full_dump(o.site)).empty());
    CHECK(sqlite_files(o.site) == files);

    std::ofstream(o.site.config_file(), std::ios::app) << "window_minutes: 0\n";
    CHECK(o.run("config check").exit_code == 2);
}

TEST_CASE("config check refuses what a scan would: a missing secret, a misspelt notifier key, a dead database") {
    Site site("sqlite");
    site.configure({{A, "sales", "02:30"}},
                   "notifiers:\n  - plugin: webhook\n    url: http://127.0.0.1:9/x\n    secret_env: VIGIL_TEST_NO_SUCH_SECRET\n");
    RunResult secret = command(site, "config check");
    CHECK(secret.exit_code == 2);
    CHECK_THAT(secret.err, Catch::Contains("VIGIL_TEST_NO_SUCH_SECRET"));
    CHECK_FALSE(fs::exists(site.dir() / "vigil.db"));

    site.configure({{A, "sales", "02:30"}}, "notifiers:\n  - plugin: webhook\n    url: http://127.0.0.1:9/x\n"
                                            "    statusses: [failed]\n");
    RunResult key = command(site, "config check");
    CHECK(key.exit_code == 2);
    CHECK_THAT(key.err, Catch::Contains("vigil.yaml:") && Catch::Contains("statusses") &&
                            Catch::Contains("keys Vigil itself reads from this item") && Catch::Contains("`statuses`"));

    std::ofstream(site.config_file()) << "storage_root: " << site.root().string()
                                      << "\ndatabase:\n  url: sqlite3://db=" << (site.dir() / "no/dir/v.db").string()
                                      << "\n";
    CHECK(command(site, "config check").exit_code == 3);
}

TEST_CASE("config check on a fresh install says the database will be created, and creates nothing") {
    Site site("sqlite");
    site.configure({});
    RunResult r = command(site, "config check");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("does not exist yet; a scan creates it") && Catch::Contains("\nok\n"));
    CHECK_FALSE(fs::exists(site.dir() / "vigil.db"));
}
