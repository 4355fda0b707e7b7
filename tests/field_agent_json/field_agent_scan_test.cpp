// The real `vigil` on a tree where one agent sends both a STATUS.json report
// and a field-format report, with .sql.gz and .zst backups staged, status_json
// and field_agent_json configured together, and sha256, gzip and zstd checks.
//
// The strict report has the standard name YYYYMMDD_HHMMSS_<agent>.json, the
// field report the field agents' dashed name YYYY-MM-DD_HH-MM-SS_<agent>.json,
// which only field_agent_json declares: the host lists a name as a report
// when a configured source claims it for the folder's agent.
#include "harness.hpp"
#include "compressed.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

using namespace vigil::test;
using Catch::Matchers::Contains;

namespace {

const std::string kAgent = "ELHADJ_BAFOUSSAM_TAMDJA";
const std::string kStrictFile = "20250620_071000_" + kAgent + ".json";
const std::string kFieldStamp = "2025-06-20_08-37-35";
const std::string kFieldFile = kFieldStamp + "_" + kAgent + ".json";
const std::string kNow = "2025-06-20T09:00:00Z";

const std::string kBothSources =
    "reports:\n"
    "  - plugin: status_json\n"
    "  - plugin: field_agent_json\n"
    "    timezone: Africa/Douala\n";
const std::string kChecks =
    "integrity:\n"
    "  - plugin: sha256\n"
    "  - plugin: gzip\n"
    "  - plugin: zstd\n";

std::string text(const Row& row, const std::string& column) { return row.at(column).value_or("NULL"); }

// A database block as the field agents write it: string statuses and sizes,
// sha256, the agent's own path, "null" for no error, local naive times.
nlohmann::json field_block(const std::string& agent_path, const Staged& staged, const std::string& transfer = "True",
                           const std::string& error = "null") {
    return nlohmann::json{
        {"staged_file_name", agent_path},
        {"BACKUP",
         {{"status", "True"},
          {"start_time", "2025-06-20 08:00:05.118734"},
          {"end_time", "2025-06-20 08:00:46.118734"},
          {"sha256", "80723eb17747d183ac48549c999ec4f079c5b2cf2c1d14d220e9bbb3cb4dfc48"},
          {"size", "4386338"}}},
        {"COMPRESS",
         {{"status", "True"},
          {"start_time", "2025-06-20 08:00:46.118734"},
          {"end_time", "2025-06-20 08:01:13.118734"},
          {"sha256", staged.sha256},
          {"size", std::to_string(staged.size)}}},
        {"TRANSFER",
         {{"status", transfer},
          {"start_time", "2025-06-20 08:01:13.118734"},
          {"end_time", "2025-06-20 08:37:35.142592"},
          {"error_message", error}}}};
}

// The agent's two reports: its STATUS.json for `sales` (gzip), and its
// field-format report for four databases backed up with zstd.
void populate(Site& site, const std::string& sources) {
    site.configure({{kAgent, "sales", "07:00"},
                    {kAgent, "EL_HADJ_BAFOUSSAM_2025", "07:30"},
                    {kAgent, "COMPTA_2025", "07:30"},
                    {kAgent, "PAIE_2025", "07:30"},
                    {kAgent, "STOCK_2025", "07:30"}},
                   sources + kChecks);

    const Staged sales = site.stage(kAgent, "sales.sql.gz", gzip_bytes("sales dump"));
    auto strict = Site::report(kAgent, "2025-06-20T07:10:00Z");
    strict["databases"]["sales"] = Site::block("sales.sql.gz", sales);
    site.drop_report(kAgent, "20250620_071000", strict);

    std::string dump;
    for (int row = 0; row < 20000; ++row) dump += "INSERT INTO ventes VALUES (" + std::to_string(row * 7919 % 100003) + ");\n";
    const Staged good = site.stage(kAgent, "EL_HADJ_BAFOUSSAM_2025.zst", zstd_frame(dump) + zstd_frame("second frame"));
    // The agent's checksum is of the file as staged: only the zstd check sees it is cut short.
    const Staged cut = site.stage(kAgent, "COMPTA_2025.zst", zstd_frame(dump).substr(0, 400));
    const Staged paie = site.stage(kAgent, "PAIE_2025.zst", zstd_frame("paie"));
    const Staged stock = site.stage(kAgent, "STOCK_2025.zst", zstd_frame("stock"));
    const nlohmann::json field{
        {"operation_start_time", "2025-06-20 08:00:02.118734"},
        {"operation_end_time", "2025-06-20 08:37:35.142592"},
        {"agent_id", kAgent},
        {"databases",
         {{"EL_HADJ_BAFOUSSAM_2025", field_block("/home/lam/Backup/EL_HADJ_BAFOUSSAM_2025.zst", good)},
          {"COMPTA_2025", field_block("C:\\Backup\\COMPTA_2025.zst", cut)},
          {"PAIE_2025", field_block("/home/lam/Backup/", paie)},
          {"STOCK_2025", field_block("/home/lam/Backup/STOCK_2025.zst", stock, "False", "scp: connection reset")}}}};
    site.drop_report(kAgent, kFieldStamp, field);
}

// A scan at kNow that ran to its end.
RunResult scan_ok(const Site& site) {
    RunResult r = site.scan(kNow);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return r;
}

void check_both_formats_read(const Site& site) {
    const RunResult r = scan_ok(site);
    INFO(r.out << r.err);
    CHECK_THAT(r.out, Contains("used 2") && Contains("status_json 1") && Contains("field_agent_json 1"));

    auto reports = site.query("SELECT file_name, fate, source FROM processed_reports ORDER BY source");
    REQUIRE(reports.size() == 2);
    CHECK(text(reports[0], "file_name") == kFieldFile);
    CHECK(text(reports[0], "source") == "field_agent_json");
    CHECK(text(reports[0], "fate") == "used");
    CHECK(text(reports[1], "file_name") == kStrictFile);
    CHECK(text(reports[1], "source") == "status_json");
    CHECK(text(reports[1], "fate") == "used");
    // Both names archived: the dashed one as it is.
    CHECK(std::filesystem::exists(site.archive_dir(kAgent) / kFieldFile));
    CHECK(std::filesystem::exists(site.archive_dir(kAgent) / kStrictFile));

    // gzip checked sales.sql.gz and let the .zst files pass; zstd the reverse.
    auto sales = site.entries(kAgent, "sales");
    REQUIRE(sales.size() == 1);
    CHECK(text(sales[0], "status") == "success");

    auto good = site.entries(kAgent, "EL_HADJ_BAFOUSSAM_2025");
    REQUIRE(good.size() == 1);
    CHECK(text(good[0], "status") == "success");
    CHECK(text(good[0], "agent_staged_file_name") == "EL_HADJ_BAFOUSSAM_2025.zst");
    CHECK(text(good[0], "operation_log_file_name") == kFieldFile);

    auto cut = site.entries(kAgent, "COMPTA_2025");
    REQUIRE(cut.size() == 1);
    CHECK(text(cut[0], "status") == "transfer_integrity_failed");
    CHECK_THAT(text(cut[0], "message"), Contains("zstd check failed: truncated zstd stream (ended at byte 400)"));
    CHECK(text(cut[0], "agent_staged_file_name") == "COMPTA_2025.zst");

    // A path ending in a separator leaves an empty name: failed, like any
    // staged_file_name that is not a plain file name.
    auto paie = site.entries(kAgent, "PAIE_2025");
    REQUIRE(paie.size() == 1);
    CHECK(text(paie[0], "status") == "failed");
    CHECK(text(paie[0], "agent_staged_file_name") == "");

    auto stock = site.entries(kAgent, "STOCK_2025");
    REQUIRE(stock.size() == 1);
    CHECK(text(stock[0], "status") == "failed");
    CHECK_THAT(text(stock[0], "message"), Contains("scp: connection reset"));

    // Local times of Africa/Douala (UTC+1), stored in UTC; sizes from strings.
    auto details = site.query(
        "SELECT e.agent_overall_status, CAST(e.operation_start_time AS TEXT) AS start_time, "
        "CAST(e.operation_end_time AS TEXT) AS end_time, e.agent_compress_size AS compress_size, "
        "e.agent_backup_size AS backup_size "
        "FROM backup_entries e JOIN expected_backup_jobs j ON j.id = e.expected_job_id "
        "WHERE j.database_name = 'EL_HADJ_BAFOUSSAM_2025'");
    REQUIRE(details.size() == 1);
    CHECK(text(details[0], "agent_overall_status") == "failed_globally");
    CHECK(text(details[0], "start_time") == "2025-06-20 07:00:02");
    CHECK(text(details[0], "end_time") == "2025-06-20 07:37:35");
    CHECK(text(details[0], "backup_size") == "4386338");
    CHECK(text(details[0], "compress_size") != "NULL");

    CHECK(text(site.job(kAgent, "EL_HADJ_BAFOUSSAM_2025"), "current_status") == "ok");
    CHECK(text(site.job(kAgent, "COMPTA_2025"), "current_status") == "transfer_integrity_failed");
    CHECK(text(site.job(kAgent, "sales"), "current_status") == "ok");
}

}  // namespace

TEST_CASE("one agent's STATUS.json and field-format reports, .sql.gz and .zst backups, in one scan") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Site site(backend);
    populate(site, kBothSources);
    check_both_formats_read(site);
}

TEST_CASE("the order of status_json and field_agent_json does not change who reads what") {
    Site site("sqlite");
    populate(site,
             "reports:\n"
             "  - plugin: field_agent_json\n"
             "    timezone: Africa/Douala\n"
             "  - plugin: status_json\n");
    check_both_formats_read(site);
}

TEST_CASE("a .json file no configured source reads is counted at every scan and warned about once") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Site site(backend);
    populate(site, kBothSources);
    const std::filesystem::path status = site.root() / kAgent / "log" / "STATUS.json";
    std::ofstream(status) << "{}";
    // The scans table keeps whole seconds: let the first scan start in a
    // later second than the file was written, or the second scan could not
    // tell that the first one saw it.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));

    const RunResult first = scan_ok(site);
    CHECK_THAT(first.out, Contains("used 2") && Contains("1 unrecognised .json files"));
    CHECK_THAT(first.err, Contains(status.string() + ": not read: no configured report source (status_json, "
                                   "field_agent_json) reads a file of this name") &&
                              Contains("given once, until the file changes"));
    CHECK(site.fate("STATUS.json") == "(none)");
    CHECK(std::filesystem::exists(status));

    // explain reads names as the configured sources do.
    const std::string config = " --config '" + site.config_file().string() + "'";
    const RunResult used = site.vigil("explain " + kFieldFile + config);
    CHECK_THAT(used.out, Contains("(agent " + kAgent + ")") && Contains(": used") && Contains("read by field_agent_json"));
    const RunResult unread = site.vigil("explain '" + status.string() + "'" + config);
    CHECK_THAT(unread.out, Contains("not recorded by any scan: no configured report source (status_json, "
                                    "field_agent_json) reads a file of this name"));

    // Still there: counted again, not warned again.
    const RunResult second = scan_ok(site);
    CHECK_THAT(second.out, Contains("1 unrecognised .json files"));
    CHECK_THAT(second.err, !Contains("STATUS.json"));

    // Written anew since: a file that changed is told again.
    std::filesystem::remove(status);
    std::ofstream(status) << "{\"again\": true}";
    const RunResult third = scan_ok(site);
    CHECK_THAT(third.out, Contains("1 unrecognised .json files"));
    CHECK_THAT(third.err, Contains(status.string() + ": not read"));
}

TEST_CASE("without field_agent_json the dashed name is unrecognised, and a standard name invalid with status_json's reason") {
    Site site("sqlite");
    populate(site, "reports:\n  - plugin: status_json\n");
    const std::filesystem::path dashed = site.root() / kAgent / "log" / kFieldFile;
    const std::string copy = site.drop_raw_report(kAgent, "20250620_083735", read_file(dashed)).filename().string();
    const RunResult r = scan_ok(site);
    CHECK_THAT(r.out, Contains("1 unrecognised .json files"));
    CHECK_THAT(r.err, Contains(dashed.string() + ": not read: no configured report source (status_json)"));
    CHECK(site.fate(kStrictFile) == "used");
    CHECK(site.fate(kFieldFile) == "(none)");
    CHECK(std::filesystem::exists(dashed));
    CHECK(site.fate(copy) == "invalid");
    auto rows = site.query("SELECT reason FROM processed_reports WHERE file_name = '" + copy + "'");
    REQUIRE(rows.size() == 1);
    CHECK(text(rows[0], "reason") == R"(status_json: field "overall_status": required field is missing)");
}

TEST_CASE("a dashed name carrying another agent's id is left alone, as a standard one is") {
    Site site("sqlite");
    populate(site, kBothSources);
    const std::string other = "ELHADJ_DOUALA_AKWA";
    const std::filesystem::path foreign = site.root() / kAgent / "log" / (kFieldStamp + "_" + other + ".json");
    std::filesystem::copy_file(site.root() / kAgent / "log" / kFieldFile, foreign);
    const RunResult r = scan_ok(site);
    CHECK_THAT(r.out, Contains("used 2") && Contains("0 unrecognised .json files"));
    CHECK(site.fate(foreign.filename().string()) == "(none)");
    CHECK(std::filesystem::exists(foreign));
}

TEST_CASE("without the timezone setting the field report's times are read as UTC") {
    // 08:37:35 taken as UTC is 67 minutes after the 07:30 jobs: outside their windows.
    Site site("sqlite");
    populate(site, "reports:\n  - plugin: status_json\n  - plugin: field_agent_json\n");
    scan_ok(site);
    CHECK(site.fate(kFieldFile) == "irrelevant");
    CHECK(site.entries(kAgent, "EL_HADJ_BAFOUSSAM_2025").empty());
}

TEST_CASE("an unknown time zone is a configuration error naming the setting") {
    Site site("sqlite");
    populate(site, "reports:\n  - plugin: field_agent_json\n    timezone: Africa/Bafoussam\n");
    RunResult r = site.scan(kNow);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("setting `timezone`") && Contains("Africa/Bafoussam"));
}

namespace {

nlohmann::ordered_json sample(const std::string& name) {
    return nlohmann::ordered_json::parse(read_file(std::string(VIGIL_FIELD_AGENT_SAMPLES) + "/" + name));
}

// The agent's checksum and size of the staged copy, as strings.
void describe_staged(nlohmann::ordered_json& block, const Staged& staged) {
    block["COMPRESS"]["sha256"] = staged.sha256;
    block["COMPRESS"]["size"] = std::to_string(staged.size);
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("the example configuration for field agents reads the sample reports") {
    Site site("sqlite");
    std::string config = read_file(std::string(VIGIL_SOURCE_DIR) + "/etc/vigil-field-agents.yaml");
    config = replaced(config, "storage_root: /srv/backups", "storage_root: " + site.root().string());
    config = replaced(config, "url: sqlite3://db=/var/lib/vigil/vigil.db", "url: \"" + site.database_url() + "\"");
    std::ofstream(site.config_file()) << config;

    const std::string bafoussam = "ELHADJ_BAFOUSSAM_TAMDJA";
    auto twenty = sample("2025-06-20_08-37-35_ELHADJ_BAFOUSSAM_TAMDJA.json");
    for (const char* database : {"EL_HADJ_BAFOUSSAM_2025", "COMPTA_GENERALE_2025"}) {
        const std::string name = std::string(database) + ".zst";
        describe_staged(twenty["databases"][database], site.stage(bafoussam, name, zstd_frame(name + " dump")));
    }
    site.drop_report(bafoussam, "2025-06-20_08-37-35", twenty);

    const std::string douala = "ELHADJ_DOUALA_AKWA";
    auto windows = sample("20250620_220512_ELHADJ_DOUALA_AKWA.json");
    describe_staged(windows["databases"]["GESCOM_AKWA_2025"],
                    site.stage(douala, "GESCOM_AKWA_2025.zst", zstd_frame("gescom dump")));
    site.drop_report(douala, "20250620_220512", windows);

    RunResult r = site.scan("2025-06-20T23:00:00Z");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("used 2") && Contains("field_agent_json 2"));
    CHECK(text(site.job(bafoussam, "EL_HADJ_BAFOUSSAM_2025"), "current_status") == "ok");
    CHECK(text(site.job(bafoussam, "COMPTA_GENERALE_2025"), "current_status") == "ok");
    CHECK(text(site.job(douala, "GESCOM_AKWA_2025"), "current_status") == "ok");
    auto paie = site.entries(douala, "PAIE_AKWA_2025");
    REQUIRE(paie.size() == 1);
    CHECK(text(paie[0], "status") == "failed");
    CHECK_THAT(text(paie[0], "message"), Contains("scp: connection timed out after 3 retries"));
}
