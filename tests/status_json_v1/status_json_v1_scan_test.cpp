// Both report layouts in one storage tree, read by the real `vigil` with
// status_json and status_json_v1 configured together.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace vigil::test;
using Catch::Matchers::Contains;

namespace {

const std::string kCurrentAgent = "ACME_PARIS_CENTRE";
const std::string kOldAgent = "GLOBEX_BERLIN_MITTE";
const std::string kCurrentFile = "20261123_023100_" + kCurrentAgent + ".json";
const std::string kOldFile = "20261123_023500_" + kOldAgent + ".json";

// The older layout, staged_file_name left to its default (<database>.sql.gz).
nlohmann::json old_report(const Staged& staged) {
    return nlohmann::json{
        {"operation_timestamp", "2026-11-23T02:35:00Z"},
        {"agent_id", kOldAgent},
        {"overall_status", "completed"},
        {"databases",
         {{"erp",
           {{"backup_process", {{"status", true}, {"timestamp", "2026-11-23T02:05:00Z"}}},
            {"compress_process",
             {{"status", true},
              {"timestamp", "2026-11-23T02:20:00Z"},
              {"sha256_checksum", staged.sha256},
              {"size_bytes", staged.size}}},
            {"transfer_process", {{"status", true}, {"timestamp", "2026-11-23T02:35:00Z"}}}}}}}};
}

// One agent of each generation, each with a verified backup staged.
void populate(Site& site, const std::string& reports_yaml) {
    site.configure({{kCurrentAgent, "sales", "02:30"}, {kOldAgent, "erp", "02:30"}}, reports_yaml);
    const Staged sales = site.stage(kCurrentAgent, "sales.sql.gz", gzip_bytes("sales dump"));
    auto current = Site::report(kCurrentAgent, "2026-11-23T02:31:00Z");
    current["databases"]["sales"] = Site::block("sales.sql.gz", sales);
    site.drop_report(kCurrentAgent, "20261123_023100", current);
    site.drop_report(kOldAgent, "20261123_023500", old_report(site.stage(kOldAgent, "erp.sql.gz", gzip_bytes("erp dump"))));
}

std::string text(const Row& row, const std::string& column) { return row.at(column).value_or("NULL"); }

void check_both_read(const Site& site, const RunResult& r) {
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("used 2") && Contains("success 2") && Contains("ok 2") &&
                          Contains("sources:  status_json 1, status_json_v1 1"));

    auto rows = site.query(
        "SELECT file_name, fate, source FROM processed_reports ORDER BY file_name");
    REQUIRE(rows.size() == 2);
    CHECK(text(rows[0], "file_name") == kCurrentFile);
    CHECK(text(rows[0], "fate") == "used");
    CHECK(text(rows[0], "source") == "status_json");
    CHECK(text(rows[1], "file_name") == kOldFile);
    CHECK(text(rows[1], "fate") == "used");
    CHECK(text(rows[1], "source") == "status_json_v1");

    auto sales = site.entries(kCurrentAgent, "sales");
    REQUIRE(sales.size() == 1);
    CHECK(text(sales[0], "status") == "success");
    CHECK(text(sales[0], "agent_staged_file_name") == "sales.sql.gz");

    auto erp = site.entries(kOldAgent, "erp");
    REQUIRE(erp.size() == 1);
    CHECK(text(erp[0], "status") == "success");
    CHECK(text(erp[0], "operation_log_file_name") == kOldFile);
    CHECK(text(erp[0], "agent_staged_file_name") == "erp.sql.gz");
    CHECK(text(erp[0], "server_calculated_staged_hash") != "NULL");

    auto times = site.query(
        "SELECT CAST(e.operation_start_time AS TEXT) AS start_time, CAST(e.operation_end_time AS TEXT) AS end_time, "
        "CAST(e.agent_compress_end_time AS TEXT) AS compress_end, e.agent_compress_size AS compress_size "
        "FROM backup_entries e JOIN expected_backup_jobs j ON j.id = e.expected_job_id "
        "WHERE j.database_name = 'erp'");
    REQUIRE(times.size() == 1);
    CHECK(text(times[0], "start_time") == "2026-11-23 02:05:00");
    CHECK(text(times[0], "end_time") == "2026-11-23 02:35:00");
    CHECK(text(times[0], "compress_end") == "2026-11-23 02:20:00");
    CHECK(text(times[0], "compress_size") == std::to_string(gzip_bytes("erp dump").size()));

    CHECK(text(site.job(kCurrentAgent, "sales"), "current_status") == "ok");
    CHECK(text(site.job(kOldAgent, "erp"), "current_status") == "ok");
}

}  // namespace

TEST_CASE("status_json and status_json_v1 reports coexist in one tree") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Site site(backend);
    populate(site, "reports:\n  - plugin: status_json\n  - plugin: status_json_v1\n");
    check_both_read(site, site.scan("2026-11-23T04:00:00Z"));
}

TEST_CASE("the order of the two sources does not change who reads what") {
    Site site("sqlite");
    populate(site, "reports:\n  - plugin: status_json_v1\n  - plugin: status_json\n");
    check_both_read(site, site.scan("2026-11-23T04:00:00Z"));
}

TEST_CASE("without status_json_v1 an older report is invalid with status_json's reason") {
    Site site("sqlite");
    populate(site, "reports:\n  - plugin: status_json\n");
    RunResult r = site.scan("2026-11-23T04:00:00Z");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(site.fate(kOldFile) == "invalid");
    CHECK(site.fate(kCurrentFile) == "used");
    auto rows = site.query("SELECT reason FROM processed_reports WHERE file_name = '" + kOldFile + "'");
    REQUIRE(rows.size() == 1);
    CHECK_THAT(text(rows[0], "reason"), Contains("status_json: not a status_json report"));
    CHECK_THAT(r.out, Contains("sources:  status_json 1"));
}
