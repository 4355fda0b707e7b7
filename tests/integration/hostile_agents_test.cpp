// Agents are not trusted: nothing outside an agent's folder is read, hashed,
// created or moved because of what it wrote, even when it swaps a folder for
// a symbolic link in the middle of a scan (the swaps run at the scan's fault
// points, not after sleeps); no agent makes the scan hold more than its own
// capped reports; no report wedges its agent or hides another agent's
// backups; and nothing an agent writes can forge or flood a log line.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace vigil::test;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

const std::string A = "ACME_PARIS_CENTRE";
const std::string B = "BETA_LYON_GARE";
const std::string kDay1 = "2026-11-22T04:00:00Z";
const std::string kNow = "2026-11-23T04:00:00Z";
const std::string kEnd = "2026-11-23T02:31:00Z";

// Peak RSS of a scan that holds one report at a time. Under AddressSanitizer
// (make test-asan) the scanner itself costs 250 to 320 MiB whatever its
// input (shadow memory, the freed-memory quarantine, fake stacks), so the
// bound there only catches gross regressions such as a whole 400 MB file or
// 300 copies of a report held; the plain build checks the tight bound.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kOneReportRssKib = 480 * 1024;
#else
constexpr long kOneReportRssKib = 64 * 1024;
#endif

// A scan that must run to its end; its output is shown when it does not.
RunResult scan_ok(const Site& site, const std::string& now, const std::string& env = "") {
    RunResult r = site.scan(now, env);
    INFO(r.out << r.err.substr(0, 8000));
    REQUIRE(r.exit_code == 0);
    return r;
}

// A site whose jobs were synchronised by a first, empty scan the day before.
struct Known {
    Site site;
    explicit Known(const std::string& backend, const std::vector<Site::JobSpec>& jobs = {{A, "sales", "02:30"}},
                   const std::string& extra = "")
        : site(backend) {
        site.configure(jobs, extra);
        scan_ok(site, kDay1);
    }

    // A verified report of `agent` on `database`, its backup staged as `staged_name`.
    fs::path report(const std::string& agent, const std::string& stamp, const std::string& database,
                    const std::string& staged_name, const std::string& content, const std::string& end = kEnd) {
        auto body = Site::report(agent, end);
        body["databases"][database] = Site::block(staged_name, site.stage(agent, staged_name, gzip_bytes(content)));
        return site.drop_report(agent, stamp, body);
    }

    fs::path outside() const {
        const fs::path dir = site.dir() / "outside";
        fs::create_directories(dir);
        return dir;
    }
};

std::string everything(const Site& site, const RunResult& r) {
    std::string text = r.out + r.err;
    for (const std::string& line : site.dump()) text += line + "\n";
    return text;
}

std::string q(const fs::path& path) { return shell_quote(path.string()); }

// An mtime an hour ago, as `touch -d @...` takes it: past report_settle_seconds.
std::string an_hour_ago() { return "@" + std::to_string(std::time(nullptr) - 3600); }

// A's sales job has exactly one entry, of this status, saying this.
void check_only_entry(const Site& site, const std::string& status, const std::string& says) {
    auto entries = site.entries(A, "sales");
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].at("status") == status);
    CHECK_THAT(entries[0].at("message").value_or(""), Contains(says));
}

// A trigger that makes the database refuse inserts into `table` whose new
// row meets `condition` (SQL on NEW, the same in both dialects), as a value
// it cannot store would.
void refuse_inserts(const Site& site, const std::string& backend, const std::string& table,
                    const std::string& condition, const std::string& message) {
    const std::string name = "refuse_" + table;
    if (backend == "postgresql") {
        site.execute("CREATE FUNCTION " + name + "() RETURNS trigger AS $$ BEGIN IF " + condition +
                     " THEN RAISE EXCEPTION '" + message + "'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
        site.execute("CREATE TRIGGER " + name + " BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION " +
                     name + "()");
    } else {
        site.execute("CREATE TRIGGER " + name + " BEFORE INSERT ON " + table + " WHEN " + condition +
                     " BEGIN SELECT RAISE(ABORT, '" + message + "'); END");
    }
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_CASE("symlinked database folder is never followed") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Known k(backend);
    const Staged secret = k.site.stage(A, "shadow", "root:$6$secret-hash:19000:0:99999:7:::\n");
    // The agent points its database/ at a folder outside its own, holding a
    // file of the staged name it reports.
    fs::rename(k.site.root() / A / "database", k.outside() / "etc");
    fs::create_directory_symlink(k.outside() / "etc", k.site.root() / A / "database");
    auto body = Site::report(A, kEnd);
    body["databases"]["sales"] = Site::block("shadow", Staged{std::string(64, 'a'), 1});
    k.site.drop_report(A, "20261123_023100", body);

    const RunResult r = scan_ok(k.site, kNow);
    check_only_entry(k.site, "transfer_integrity_failed", "symbolic link");
    CHECK_FALSE(k.site.entries(A, "sales")[0].at("server_calculated_staged_hash").has_value());
    CHECK_THAT(r.err, Contains(A) && Contains("database") && Contains("symbolic link"));
    CHECK_THAT(everything(k.site, r), !Contains(secret.sha256));
    CHECK(fs::is_symlink(k.site.root() / A / "database"));
}

TEST_CASE("a database folder swapped for a symlink before verification is never followed") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Known k(backend);
    k.report(A, "20261123_023100", "sales", "s.gz", "genuine");
    const fs::path elsewhere = k.outside() / "etc";
    fs::create_directories(elsewhere);
    const std::string secret = "what the agent must never see hashed";
    std::ofstream(elsewhere / "s.gz") << secret;

    // After the report is read, before its staged file is verified.
    const fs::path database = k.site.root() / A / "database";
    const RunResult r = scan_ok(k.site, kNow, fault_run_at("collect.report", "mv " + q(database) + " " +
                                                                              q(k.outside() / "moved") + " && ln -s " +
                                                                              q(elsewhere) + " " + q(database)));
    REQUIRE_THAT(r.err, Contains("vigil-fault-run collect.report 0"));
    check_only_entry(k.site, "transfer_integrity_failed", "symbolic link");
    CHECK_THAT(everything(k.site, r), !Contains(sha256_hex(secret)));
    CHECK(read_file(elsewhere / "s.gz") == secret);
}

TEST_CASE("a log/_archive swapped for a symlink after the commit moves nothing outside the agent's folder") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    const bool race = GENERATE(false, true);
    INFO((race ? "swapped between commit and archive" : "a symbolic link from the start"));
    Known k(backend);
    const fs::path report = k.report(A, "20261123_023100", "sales", "s.gz", "genuine");
    const fs::path archive = k.site.archive_dir(A);
    const fs::path elsewhere = k.outside() / "archive";
    fs::create_directories(elsewhere);
    std::string env;
    if (race) {
        fs::create_directories(archive);
        env = fault_run_at("agent.committed", "rmdir " + q(archive) + " && ln -s " + q(elsewhere) + " " + q(archive));
    } else {
        fs::create_directory_symlink(elsewhere, archive);
    }
    const RunResult r = scan_ok(k.site, kNow, env);
    if (race) REQUIRE_THAT(r.err, Contains("vigil-fault-run agent.committed 0"));
    CHECK(fs::is_empty(elsewhere));
    CHECK(fs::exists(report));
    CHECK(fs::is_symlink(archive));
    CHECK_THAT(r.err, Contains("_archive") && Contains("symbolic link") && Contains("warning"));
    CHECK_THAT(r.out, Contains("1 could not be archived"));
    CHECK(k.site.fate(report.filename().string()) == "used");
}

TEST_CASE("a report swapped for a 400 MB sparse file after listing is read only up to max_report_bytes") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Known k(backend);
    const fs::path report = k.report(A, "20261123_023100", "sales", "s.gz", "genuine");
    const RunResult r = scan_ok(k.site, kNow,
                                fault_run_at("collect.listed", "truncate -s 400M " + q(report) + " && touch -d " +
                                                                   an_hour_ago() + " " + q(report)));
    REQUIRE_THAT(r.err, Contains("vigil-fault-run collect.listed 0"));
    CHECK(k.site.fate(report.filename().string()) == "invalid");
    auto rows = k.site.query("SELECT reason FROM processed_reports");
    REQUIRE(rows.size() == 1);
    CHECK_THAT(rows[0].at("reason").value_or(""), Contains("max_report_bytes (1048576)"));
    // Reading it whole took over 500 MB; the read stops one byte past the cap.
    CHECK(r.max_rss_kib < kOneReportRssKib);
}

TEST_CASE("a symlinked log folder is never followed") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Known k(backend);
    const fs::path elsewhere = k.outside() / "log";
    fs::create_directories(elsewhere);
    auto body = Site::report(A, kEnd);
    body["databases"]["sales"] = Site::block("s.gz", k.site.stage(A, "s.gz", gzip_bytes("planted")));
    const std::string planted = body.dump();
    const std::string name = "20261123_023100_" + A + ".json";
    std::ofstream(elsewhere / name) << planted;
    fs::create_directories(k.site.root() / A);
    fs::create_directory_symlink(elsewhere, k.site.root() / A / "log");
    const auto before = tree_listing(elsewhere);

    const RunResult r = scan_ok(k.site, kNow);
    CHECK_THAT(r.err, Contains("log") && Contains("symbolic link") && Contains(A));
    CHECK(k.site.fate(name) == "(none)");
    CHECK(compare_lines(before, tree_listing(elsewhere)) == "");
    CHECK(fs::is_symlink(k.site.root() / A / "log"));
}

TEST_CASE("a log folder swapped for a symlink after listing: the scan keeps to the folder it listed") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Known k(backend);
    const fs::path report = k.report(A, "20261123_023100", "sales", "s.gz", "genuine");
    const fs::path elsewhere = k.outside() / "log";
    fs::create_directories(elsewhere);
    // A different report under the same name waits outside.
    auto planted = Site::report(A, kEnd);
    planted["databases"]["sales"] = Site::block("s.gz", Staged{std::string(64, 'b'), 5});
    std::ofstream(elsewhere / report.filename()) << planted.dump();
    const auto before = tree_listing(elsewhere);
    const fs::path log = k.site.root() / A / "log";
    const fs::path moved = k.site.root() / A / "log.old";

    const RunResult r = scan_ok(k.site, kNow, fault_run_at("collect.listed", "mv " + q(log) + " " + q(moved) + " && ln -s " +
                                                             q(elsewhere) + " " + q(log)));
    REQUIRE_THAT(r.err, Contains("vigil-fault-run collect.listed 0"));
    check_only_entry(k.site, "success", "verified");  // the genuine report, read through the handle
    CHECK(compare_lines(before, tree_listing(elsewhere)) == "");
    CHECK(fs::exists(moved / "_archive" / report.filename()));
}

TEST_CASE("300 hard links to one 1 MB report cost the memory of one, and only max_reports_per_agent count per scan") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Known k(backend, {{A, "sales", "02:30"}}, "max_reports_per_agent: 50\n");
    auto body = Site::report(A, kEnd);
    body["databases"]["sales"] = Site::block("s.gz", k.site.stage(A, "s.gz", gzip_bytes("genuine")));
    body["databases"]["sales"]["logs_summary"] = std::string(1000 * 1000 - 1000, 'x');
    const fs::path first = k.site.drop_report(A, "20261123_000000", body);
    REQUIRE(fs::file_size(first) < 1048576);
    for (int i = 1; i < 300; ++i) {
        char stamp[32];
        std::snprintf(stamp, sizeof stamp, "20261123_00%02d%02d", i / 60, i % 60);
        fs::create_hard_link(first, k.site.log_file(A, stamp));
    }

    const RunResult r = scan_ok(k.site, kNow);
    CHECK_THAT(r.out, Contains("50 processed") && Contains("used 1") && Contains("duplicate 49") &&
                          Contains("250 left for the next scan"));
    CHECK_THAT(r.err, Contains("max_reports_per_agent"));
    CHECK(k.site.count("SELECT COUNT(*) FROM processed_reports") == 50);
    // The oldest names first: the first 50 are archived, the rest wait.
    CHECK(fs::exists(k.site.archive_dir(A) / first.filename()));
    CHECK(fs::exists(k.site.log_file(A, "20261123_000459")));
    // Holding every link's parse took 324 MB.
    CHECK(r.max_rss_kib < kOneReportRssKib);

    const RunResult again = scan_ok(k.site, kNow);
    CHECK_THAT(again.out, Contains("duplicate 50") && Contains("200 left for the next scan"));
}

TEST_CASE("timestamps outside 1970..9999 make only their report invalid, on both report sources") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    const std::string source = GENERATE(std::string("status_json"), std::string("status_json_v1"));
    INFO("backend " << backend << ", source " << source);
    Known k(backend, {{A, "sales", "02:30"}}, "reports:\n  - plugin: " + source + "\n");
    const Staged staged = k.site.stage(A, "sales.sql.gz", gzip_bytes("genuine"));
    // Each bad value, in the report's end time and in one phase time.
    auto report = [&](const std::string& end, const std::string& phase_time) {
        if (source == "status_json") {
            auto body = Site::report(A, end);
            body["databases"]["sales"] = Site::block("sales.sql.gz", staged);
            if (!phase_time.empty()) body["databases"]["sales"]["BACKUP"]["start_time"] = phase_time;
            return body;
        }
        nlohmann::json process = {{"status", true}};
        nlohmann::json compress = {{"status", true}, {"sha256_checksum", staged.sha256}, {"size_bytes", staged.size}};
        if (!phase_time.empty()) compress["timestamp"] = phase_time;
        return nlohmann::json{{"operation_timestamp", end},
                              {"agent_id", A},
                              {"overall_status", "completed"},
                              {"databases",
                               {{"sales",
                                 {{"backup_process", process},
                                  {"compress_process", compress},
                                  {"transfer_process", process}}}}}};
    };
    const std::vector<std::string> bad = {"0000-01-01T00:00:00Z", "9999-12-31T23:30:00-01:00", "1969-12-31T23:59:59Z"};
    std::vector<std::string> bad_files;
    int second = 10;
    for (const std::string& value : bad) {
        for (bool in_phase : {false, true}) {
            const std::string stamp = "20261123_0230" + std::to_string(second++);
            k.site.drop_report(A, stamp, report(in_phase ? kEnd : value, in_phase ? value : ""));
            bad_files.push_back(stamp + "_" + A + ".json");
        }
    }
    const std::string genuine = "20261123_023100_" + A + ".json";
    k.site.drop_report(A, "20261123_023100", report(kEnd, ""));

    const RunResult r = scan_ok(k.site, kNow);
    CHECK_THAT(r.out, Contains("0 failed"));
    for (const std::string& file : bad_files) {
        INFO(file);
        CHECK(k.site.fate(file) == "invalid");
        auto rows = k.site.query("SELECT reason FROM processed_reports WHERE file_name = '" + file + "'");
        REQUIRE(rows.size() == 1);
        CHECK_THAT(rows[0].at("reason").value_or(""), Contains("is outside 1970-01-01T00:00:00Z..9999-12-31T23:59:59Z"));
    }
    CHECK(k.site.fate(genuine) == "used");
    check_only_entry(k.site, "success", "verified");
    // Nothing unreadable was stored: the next scans read the job back.
    scan_ok(k.site, "2026-11-24T04:00:00Z");
    CHECK(k.site.entries(A, "sales").size() == 2);
}

TEST_CASE("a report the database refuses is recorded invalid with its reason and the agent's other reports still are") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Known k(backend, {{A, "sales", "02:30"}, {A, "hr", "02:30"}});
    refuse_inserts(k.site, backend, "backup_entries", "NEW.agent_staged_file_name = 'poison.sql.gz'",
                   "poisoned by the test");
    const fs::path good = k.report(A, "20261123_023100", "sales", "sales.sql.gz", "genuine");
    const fs::path poison = k.report(A, "20261123_023200", "hr", "poison.sql.gz", "poison", "2026-11-23T02:32:00Z");

    const RunResult r = scan_ok(k.site, kNow);
    CHECK_THAT(r.out, Contains("1 scanned") && Contains("0 failed"));
    CHECK(k.site.fate(good.filename().string()) == "used");
    CHECK(k.site.fate(poison.filename().string()) == "invalid");
    auto rows = k.site.query("SELECT reason FROM processed_reports WHERE file_name = '" +
                             poison.filename().string() + "'");
    REQUIRE(rows.size() == 1);
    CHECK_THAT(rows[0].at("reason").value_or(""), Contains("database refused") && Contains("poisoned by the test"));
    check_only_entry(k.site, "success", "verified");
    // hr had no other report: its cycle is missing.
    auto hr = k.site.entries(A, "hr");
    REQUIRE(hr.size() == 1);
    CHECK(hr[0].at("status") == std::string("missing"));
    CHECK(fs::exists(k.site.archive_dir(A) / good.filename()));
    CHECK(fs::exists(k.site.archive_dir(A) / poison.filename()));
}

namespace {

// Reports of A, B and C, which one scan writes into one commit group
// (docs/scan.md, "Group commit"), B's staged as poison.sql.gz, whose write
// the storage is made to refuse, naming the row: the group's write fails,
// the report that row came from is blamed, each agent is then recorded on
// its own, and only B's report is refused.
void check_refused_write_costs_its_group_nothing(Known& k, const std::string& C, const std::string& refusal) {
    const fs::path a = k.report(A, "20261123_023100", "sales", "a.sql.gz", "genuine a");
    const fs::path b = k.report(B, "20261123_023100", "sales", "poison.sql.gz", "poison");
    const fs::path c = k.report(C, "20261123_023100", "sales", "c.sql.gz", "genuine c");

    const RunResult r = scan_ok(k.site, kNow);
    INFO(r.out << r.err);
    CHECK_THAT(r.out, Contains("3 scanned") && Contains("0 failed"));
    CHECK_THAT(r.err, Contains(refusal));
    // The refused row named B's report, and only B's: A's and C's were never
    // suspected, which a storage naming the wrong row would have made them.
    CHECK_THAT(r.err, Contains(b.filename().string() + ": the database refused a write made from it"));
    CHECK_THAT(r.err, !Contains(a.filename().string()) && !Contains(c.filename().string()));
    CHECK(k.site.fate(a.filename().string()) == "used");
    CHECK(k.site.fate(b.filename().string()) == "invalid");
    CHECK(k.site.fate(c.filename().string()) == "used");
    for (const std::string& agent : {A, C}) {
        auto entries = k.site.entries(agent, "sales");
        REQUIRE(entries.size() == 1);
        CHECK(entries[0].at("status") == std::string("success"));
    }
    CHECK(fs::exists(k.site.archive_dir(A) / a.filename()));
    CHECK(fs::exists(k.site.archive_dir(B) / b.filename()));
    CHECK(fs::exists(k.site.archive_dir(C) / c.filename()));
}

}  // namespace

TEST_CASE("an agent whose report the database refuses costs the other agents of its commit group nothing") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    const std::string C = "GAMMA_NICE_PORT";
    Known k(backend, {{A, "sales", "02:30"}, {B, "sales", "02:30"}, {C, "sales", "02:30"}});
    refuse_inserts(k.site, backend, "backup_entries", "NEW.agent_staged_file_name = 'poison.sql.gz'",
                   "poisoned by the test");
    check_refused_write_costs_its_group_nothing(k, C, "poisoned by the test");
}

TEST_CASE("a commit group whose write fails is recorded agent by agent, even by a storage that would commit it") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    const std::string C = "GAMMA_NICE_PORT";
    Known k(backend, {{A, "sales", "02:30"}, {B, "sales", "02:30"}, {C, "sales", "02:30"}});
    // The bundled storage refuses to commit after a failed write, which
    // would hide a scan that went on to commit the group: this fixture
    // refuses B's entry (vigil::RowRefused, naming it) without touching the
    // database, and would commit what remains, that is nothing of A and C.
    k.site.use_storage_plugin(VIGIL_FAILING_WRITE_STORAGE_DIR, "soci_failing_write");
    check_refused_write_costs_its_group_nothing(k, C, "refused by the fixture");
}

TEST_CASE("a report whose fate the database refuses stays in place, and the agent's other reports are recorded") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Known k(backend);
    const fs::path good = k.report(A, "20261123_023100", "sales", "sales.sql.gz", "genuine");
    const std::string refused = "20261123_023200_" + A + ".json";
    k.site.drop_raw_report(A, "20261123_023200", "not json");
    refuse_inserts(k.site, backend, "processed_reports", "NEW.file_name = '" + refused + "'", "refused by the test");
    const RunResult r = scan_ok(k.site, kNow);
    CHECK(k.site.fate(good.filename().string()) == "used");
    CHECK(k.site.fate(refused) == "(none)");
    CHECK(fs::exists(k.site.log_file(A, "20261123_023200")));
    CHECK(fs::exists(k.site.archive_dir(A) / good.filename()));
    CHECK_THAT(r.err, Contains(refused) && Contains("left in place"));
}

TEST_CASE("the summary counts only what was committed") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Known k(backend, {{A, "sales", "02:30"}, {B, "hr", "02:30"}, {B, "sales", "02:30"}});
    // B's transaction records hr's missing entry, then fails on sales's (a
    // write made from no single report): nothing of B is recorded, and
    // nothing of it counted.
    refuse_inserts(k.site, backend, "backup_entries",
                   "NEW.agent_id = '" + B +
                       "' AND NEW.expected_job_id IN (SELECT id FROM expected_backup_jobs WHERE database_name = 'sales')",
                   "refused by the test");
    k.report(A, "20261123_023100", "sales", "s.gz", "genuine");
    k.site.drop_raw_report(B, "20261123_023100", "not json");
    k.site.drop_raw_report(B, "20261123_023200", "nor this");

    const RunResult r = k.site.scan(kNow);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.out, Contains("1 scanned") && Contains("1 failed"));
    CHECK_THAT(r.out, Contains("1 processed: used 1, invalid 0"));
    CHECK_THAT(r.out, Contains("1 recorded: success 1") && Contains("missing 0"));
    CHECK(k.site.count("SELECT COUNT(*) FROM processed_reports WHERE agent_id = '" + B + "'") == 0);
    CHECK(fs::exists(k.site.log_file(B, "20261123_023100")));
}

TEST_CASE("one agent's byte-identical copy never makes another agent's report a duplicate") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    // A's folder is scanned before B's: the copy is met first, then last.
    const bool copy_first = GENERATE(true, false);
    const std::string owner = copy_first ? B : A;
    const std::string copier = copy_first ? A : B;
    INFO("genuine report in " << owner << "'s folder, copy in " << copier << "'s");
    Known k(backend, {{A, "sales", "02:30"}, {B, "sales", "02:30"}});
    const fs::path genuine = k.report(owner, "20261123_023100", "sales", "s.gz", "genuine");
    const fs::path copy = k.site.drop_raw_report(copier, "20261123_023100", read_file(genuine));

    scan_ok(k.site, kNow);
    auto fates = k.site.query("SELECT agent_id, fate FROM processed_reports ORDER BY agent_id");
    REQUIRE(fates.size() == 2);
    for (const Row& row : fates) {
        CHECK(row.at("fate") == std::string(row.at("agent_id") == owner ? "used" : "agent_mismatch"));
    }
    auto entries = k.site.entries(owner, "sales");
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].at("status") == std::string("success"));

    // Sent again to the copier's folder later: a duplicate there only.
    k.site.drop_raw_report(copier, "20261123_023500", read_file(genuine.parent_path() / "_archive" / genuine.filename()));
    scan_ok(k.site, "2026-11-23T04:10:00Z");
    CHECK(k.site.fate("20261123_023500_" + copier + ".json") == "duplicate");
}

TEST_CASE("an error_message with a newline and ESC cannot forge a log line, and the database keeps it whole") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Known k(backend);
    const std::string forged = "timeout\nvigil info: " + A + "/sales at 02:30: status failed -> ok\x1b[2K\r";
    auto body = Site::report(A, kEnd);
    body["databases"]["sales"] = Site::block("s.gz", k.site.stage(A, "s.gz", gzip_bytes("x")), false);
    body["databases"]["sales"]["TRANSFER"]["error_message"] = forged;
    k.site.drop_report(A, "20261123_023100", body);
    auto mismatch = Site::report("SOMEONE\nvigil info: forged\x1b[31m", kEnd);
    k.site.drop_report(A, "20261123_023200", mismatch);

    const RunResult r = scan_ok(k.site, kNow);
    for (const std::string& line : lines_of(r.err)) {
        INFO(line);
        CHECK_THAT(line, !Contains("status failed -> ok") || Contains("\\n"));
        CHECK_THAT(line, !Contains("vigil info: forged") || Contains("\\n"));
        CHECK(line.find('\x1b') == std::string::npos);
        CHECK(line.find('\r') == std::string::npos);
    }
    CHECK_THAT(r.err, Contains("timeout\\nvigil info: ") && Contains("\\x1b[2K\\r"));
    auto entries = k.site.entries(A, "sales");
    REQUIRE(entries.size() == 1);
    CHECK_THAT(entries[0].at("message").value_or(""), Contains(forged));
}

TEST_CASE("an 800 KB logs_summary gives a short log line, and the database keeps it whole") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Known k(backend);
    const std::string summary(800 * 1000, 'L');
    auto body = Site::report(A, kEnd);
    body["databases"]["sales"] = Site::block("s.gz", k.site.stage(A, "s.gz", gzip_bytes("x")), false);
    body["databases"]["sales"]["logs_summary"] = summary;
    k.site.drop_report(A, "20261123_023100", body);

    const RunResult r = scan_ok(k.site, kNow);
    for (const std::string& line : lines_of(r.err)) CHECK(line.size() < 1000);
    CHECK_THAT(r.err, Contains("failed phase(s): TRANSFER; transfer error: timeout; logs: LLLL") &&
                          Contains("... (800000 bytes)"));
    auto rows = k.site.query("SELECT agent_logs_summary, message FROM backup_entries");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].at("agent_logs_summary") == summary);
    CHECK_THAT(rows[0].at("message").value_or(""), Contains(summary));
}

TEST_CASE("a FIFO staged under the reported name is never opened and the scan does not hang") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Known k(backend);
    fs::create_directories(k.site.root() / A / "database");
    REQUIRE(::mkfifo((k.site.root() / A / "database" / "s.gz").c_str(), 0644) == 0);
    auto body = Site::report(A, kEnd);
    body["databases"]["sales"] = Site::block("s.gz", Staged{std::string(64, 'a'), 1});
    k.site.drop_report(A, "20261123_023100", body);
    scan_ok(k.site, kNow);
    check_only_entry(k.site, "transfer_integrity_failed", "not a regular file");
}
