// docs/scan.md, one test per rule, through the real binary, on every backend.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace vigil::test;
namespace fs = std::filesystem;

namespace {

const std::string A = "ACME_PARIS_CENTRE";
const std::string B = "ACME_LYON_PART-DIEU";

std::string status_of(const Row& r) { return r.at("status").value_or("NULL"); }

// A site with one sales job at 02:30 whose first scan (the day before) made it known.
struct KnownJob {
    Site site;
    explicit KnownJob(const std::string& backend, const std::string& extra = "") : site(backend) {
        site.configure({{A, "sales", "02:30"}}, extra);
        auto r = site.scan("2026-11-22T04:00:00Z");
        REQUIRE(r.exit_code == 0);
    }
    // Stages sales_<day>.sql.gz and drops a report ending at end_iso.
    fs::path report(const std::string& stamp, const std::string& end_iso, const std::string& content,
                    bool ok = true) {
        const std::string file = "sales_" + stamp + ".sql.gz";
        Staged s = site.stage(A, file, gzip_bytes(content));
        auto body = Site::report(A, end_iso);
        body["databases"]["sales"] = Site::block(file, s, ok);
        return site.drop_report(A, stamp, body);
    }
};

}  // namespace

TEST_CASE("a verified report gives a success entry, archives the report and leaves the staged file") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    KnownJob k(backend);
    const fs::path report = k.report("20261123_023100", "2026-11-23T02:31:00Z", "dump 1");
    const fs::path staged = k.site.root() / A / "database" / "sales_20261123_023100.sql.gz";
    const std::string staged_bytes = read_file(staged);
    const auto staged_mtime = fs::last_write_time(staged);

    RunResult r = k.site.scan("2026-11-23T04:00:00Z");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("used 1"));

    auto entries = k.site.entries(A, "sales");
    REQUIRE(entries.size() == 1);
    CHECK(status_of(entries[0]) == "success");
    CHECK(entries[0].at("cycle_expected_at") == std::string("2026-11-23 02:30:00"));
    CHECK(entries[0].at("operation_log_file_name") == report.filename().string());
    CHECK(entries[0].at("server_calculated_staged_hash").has_value());
    CHECK(k.site.job(A, "sales").at("current_status") == std::string("ok"));
    CHECK(k.site.job(A, "sales").at("last_successful_backup_timestamp").value_or("").substr(0, 19) ==
          "2026-11-23 02:31:00");
    CHECK(k.site.fate(report.filename().string()) == "used");

    CHECK_FALSE(fs::exists(report));
    CHECK(fs::exists(k.site.archive_dir(A) / report.filename()));
    CHECK(read_file(staged) == staged_bytes);
    CHECK(fs::last_write_time(staged) == staged_mtime);
}

TEST_CASE("rule 2: a failed phase gives a failed entry with the agent's error, and no server hash") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend);
    k.report("20261123_023100", "2026-11-23T02:31:00Z", "dump", false);
    REQUIRE(k.site.scan("2026-11-23T04:00:00Z").exit_code == 0);
    auto entries = k.site.entries(A, "sales");
    REQUIRE(entries.size() == 1);
    CHECK(status_of(entries[0]) == "failed");
    CHECK_THAT(entries[0].at("message").value_or(""), Catch::Contains("TRANSFER") && Catch::Contains("timeout"));
    CHECK_FALSE(entries[0].at("server_calculated_staged_hash").has_value());
    CHECK(k.site.job(A, "sales").at("current_status") == std::string("failed"));
}

TEST_CASE("rules 3-4: missing staged file, wrong checksum, wrong size") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend);
    const std::string file = "sales.sql.gz";
    Staged s = k.site.stage(A, file, gzip_bytes("real content"));
    auto body = Site::report(A, "2026-11-23T02:31:00Z");
    SECTION("missing") {
        body["databases"]["sales"] = Site::block("not-there.sql.gz", s);
    }
    SECTION("checksum") {
        Staged wrong = s;
        wrong.sha256 = std::string(64, 'f');
        body["databases"]["sales"] = Site::block(file, wrong);
    }
    SECTION("size") {
        Staged wrong = s;
        wrong.size += 1;
        body["databases"]["sales"] = Site::block(file, wrong);
    }
    SECTION("checksum absent") {
        body["databases"]["sales"] = Site::block(file, s);
        body["databases"]["sales"]["COMPRESS"].erase("sha256_checksum");
    }
    k.site.drop_report(A, "20261123_023100", body);
    REQUIRE(k.site.scan("2026-11-23T04:00:00Z").exit_code == 0);
    auto entries = k.site.entries(A, "sales");
    REQUIRE(entries.size() == 1);
    CHECK(status_of(entries[0]) == "transfer_integrity_failed");
    CHECK(k.site.job(A, "sales").at("current_status") == std::string("transfer_integrity_failed"));
}

TEST_CASE("rule 5: a change of content is a hash_mismatch and the job stays ok") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend);
    k.report("20261123_023100", "2026-11-23T02:31:00Z", "monday");
    REQUIRE(k.site.scan("2026-11-23T04:00:00Z").exit_code == 0);
    k.report("20261124_023100", "2026-11-24T02:31:00Z", "tuesday");
    REQUIRE(k.site.scan("2026-11-24T04:00:00Z").exit_code == 0);
    k.report("20261125_023100", "2026-11-25T02:31:00Z", "tuesday");
    REQUIRE(k.site.scan("2026-11-25T04:00:00Z").exit_code == 0);
    auto entries = k.site.entries(A, "sales");
    REQUIRE(entries.size() == 3);
    CHECK(status_of(entries[0]) == "success");
    CHECK(status_of(entries[1]) == "hash_mismatch");
    CHECK(entries[1].at("previous_successful_hash_global") == entries[0].at("server_calculated_staged_hash"));
    CHECK(entries[1].at("hash_comparison_result") == std::string("1"));
    CHECK(status_of(entries[2]) == "success");
    CHECK(entries[2].at("hash_comparison_result") == std::string("0"));
    CHECK(k.site.job(A, "sales").at("current_status") == std::string("ok"));
    CHECK(k.site.job(A, "sales").at("previous_successful_hash_global") == entries[2].at("server_calculated_staged_hash"));
}

TEST_CASE("content_change: off never flags") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend, "content_change: \"off\"\n");
    k.report("20261123_023100", "2026-11-23T02:31:00Z", "monday");
    REQUIRE(k.site.scan("2026-11-23T04:00:00Z").exit_code == 0);
    k.report("20261124_023100", "2026-11-24T02:31:00Z", "tuesday");
    REQUIRE(k.site.scan("2026-11-24T04:00:00Z").exit_code == 0);
    auto entries = k.site.entries(A, "sales");
    REQUIRE(entries.size() == 2);
    CHECK(status_of(entries[1]) == "success");
}

TEST_CASE("step 3: one missing entry per closed cycle, never repeated, new jobs are not blamed") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Site site(backend);
    site.configure({{A, "sales", "02:30"}});
    REQUIRE(site.scan("2026-11-23T04:00:00Z").exit_code == 0);
    CHECK(site.entries(A, "sales").empty());
    CHECK(site.job(A, "sales").at("current_status") == std::string("unknown"));

    REQUIRE(site.scan("2026-11-24T03:00:00Z").exit_code == 0);  // inside the window: not yet missing
    CHECK(site.entries(A, "sales").empty());
    REQUIRE(site.scan("2026-11-24T03:30:00Z").exit_code == 0);  // at the deadline: still open
    CHECK(site.entries(A, "sales").empty());
    REQUIRE(site.scan("2026-11-24T03:31:00Z").exit_code == 0);
    REQUIRE(site.scan("2026-11-24T09:00:00Z").exit_code == 0);
    auto entries = site.entries(A, "sales");
    REQUIRE(entries.size() == 1);
    CHECK(status_of(entries[0]) == "missing");
    CHECK(entries[0].at("cycle_expected_at") == std::string("2026-11-24 02:30:00"));
    CHECK(site.job(A, "sales").at("current_status") == std::string("missing"));
}

TEST_CASE("a retry inside the window counts, and so does a report after its cycle was marked missing") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend);
    SECTION("retry") {
        k.report("20261123_023100", "2026-11-23T02:31:00Z", "dump", false);
        REQUIRE(k.site.scan("2026-11-23T02:45:00Z").exit_code == 0);
        CHECK(k.site.job(A, "sales").at("current_status") == std::string("failed"));
        k.report("20261123_031000", "2026-11-23T03:10:00Z", "dump");
        REQUIRE(k.site.scan("2026-11-23T04:00:00Z").exit_code == 0);
        auto entries = k.site.entries(A, "sales");
        REQUIRE(entries.size() == 2);
        CHECK(status_of(entries[0]) == "failed");
        CHECK(status_of(entries[1]) == "success");
        CHECK(entries[0].at("cycle_expected_at") == entries[1].at("cycle_expected_at"));
        CHECK(k.site.job(A, "sales").at("current_status") == std::string("ok"));
    }
    SECTION("late after missing") {
        REQUIRE(k.site.scan("2026-11-23T04:00:00Z").exit_code == 0);
        CHECK(k.site.job(A, "sales").at("current_status") == std::string("missing"));
        k.report("20261123_032000", "2026-11-23T03:20:00Z", "dump");
        REQUIRE(k.site.scan("2026-11-23T05:00:00Z").exit_code == 0);
        auto entries = k.site.entries(A, "sales");
        REQUIRE(entries.size() == 2);
        CHECK(status_of(entries[0]) == "missing");
        CHECK(status_of(entries[1]) == "success");
        CHECK(k.site.job(A, "sales").at("current_status") == std::string("ok"));
    }
}

TEST_CASE("a 23:30 job takes a report ending at 00:15 the next day") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Site site(backend);
    site.configure({{A, "erp", "23:30"}});
    REQUIRE(site.scan("2026-11-22T12:00:00Z").exit_code == 0);
    Staged s = site.stage(A, "erp.sql.gz", gzip_bytes("erp"));
    auto body = Site::report(A, "2026-11-24T00:15:00Z");
    body["databases"]["erp"] = Site::block("erp.sql.gz", s);
    site.drop_report(A, "20261124_001500", body);
    REQUIRE(site.scan("2026-11-24T01:00:00Z").exit_code == 0);
    auto entries = site.entries(A, "erp");
    REQUIRE(entries.size() == 1);
    CHECK(status_of(entries[0]) == "success");
    CHECK(entries[0].at("cycle_expected_at") == std::string("2026-11-23 23:30:00"));
}

TEST_CASE("several jobs on one database at different hours each take their own report") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Site site(backend);
    site.configure({{A, "sales", "02:00", 30}, {A, "sales", "14:00", 30}});
    REQUIRE(site.scan("2026-11-22T04:00:00Z").exit_code == 0);
    for (const std::string& hhmm : {std::string("0210"), std::string("1405")}) {
        const std::string stamp = "20261123_" + hhmm + "00";
        Staged s = site.stage(A, "sales_" + hhmm + ".gz", gzip_bytes("x" + hhmm));
        auto body = Site::report(A, "2026-11-23T" + hhmm.substr(0, 2) + ":" + hhmm.substr(2) + ":00Z");
        body["databases"]["sales"] = Site::block("sales_" + hhmm + ".gz", s);
        site.drop_report(A, stamp, body);
    }
    REQUIRE(site.scan("2026-11-23T15:00:00Z").exit_code == 0);
    auto rows = site.query(
        "SELECT j.expected_hour_utc AS h, e.status, e.agent_staged_file_name AS f FROM backup_entries e "
        "JOIN expected_backup_jobs j ON j.id = e.expected_job_id ORDER BY j.expected_hour_utc");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].at("f") == std::string("sales_0210.gz"));
    CHECK(rows[1].at("f") == std::string("sales_1405.gz"));
    CHECK(status_of(rows[0]) == "success");
    CHECK(status_of(rows[1]) == "success");  // each job keeps its own previous hash
}

TEST_CASE("a duplicate report is only archived, a rescan of the same tree adds nothing") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend);
    const fs::path first = k.report("20261123_023100", "2026-11-23T02:31:00Z", "dump");
    const std::string bytes = read_file(k.site.archive_dir(A).parent_path() / first.filename());
    REQUIRE(k.site.scan("2026-11-23T04:00:00Z").exit_code == 0);
    const fs::path copy = k.site.drop_raw_report(A, "20261123_023500", bytes);
    RunResult r = k.site.scan("2026-11-23T04:10:00Z");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("duplicate 1"));
    CHECK(k.site.entries(A, "sales").size() == 1);
    CHECK(k.site.fate(copy.filename().string()) == "duplicate");
    CHECK(fs::exists(k.site.archive_dir(A) / copy.filename()));
}

TEST_CASE("archiving never overwrites an archived report of the same name") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend);
    const fs::path report = k.report("20261123_023100", "2026-11-23T02:31:00Z", "dump");
    fs::create_directories(k.site.archive_dir(A));
    {
        std::ofstream(k.site.archive_dir(A) / report.filename()) << "older archive";
    }
    REQUIRE(k.site.scan("2026-11-23T04:00:00Z").exit_code == 0);
    CHECK(read_file(k.site.archive_dir(A) / report.filename()) == "older archive");
    const std::string renamed = "20261123_023100_" + A + ".1.json";
    CHECK(fs::exists(k.site.archive_dir(A) / renamed));
    CHECK_FALSE(fs::exists(report));
}

TEST_CASE("stale, future, agent mismatch, no_job and irrelevant reports are recorded with their fate") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend);
    Staged s = k.site.stage(A, "s.gz", gzip_bytes("s"));
    auto drop = [&](const std::string& stamp, const std::string& end, const std::string& agent_field,
                    const std::string& db) {
        auto body = Site::report(agent_field, end);
        body["databases"][db] = Site::block("s.gz", s);
        return k.site.drop_report(A, stamp, body).filename().string();
    };
    const auto stale = drop("20261120_023100", "2026-11-20T02:31:00Z", A, "sales");
    const auto future = drop("20261123_050000", "2026-11-23T04:06:00Z", A, "sales");
    const auto mismatch = drop("20261123_023200", "2026-11-23T02:32:00Z", B, "sales");
    const auto no_job = drop("20261123_023300", "2026-11-23T02:33:00Z", A, "hr");
    const auto irrelevant = drop("20261123_000000", "2026-11-23T00:00:00Z", A, "sales");
    RunResult r = k.site.scan("2026-11-23T04:00:00Z");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(k.site.fate(stale) == "stale");
    CHECK(k.site.fate(future) == "future");
    CHECK(k.site.fate(mismatch) == "agent_mismatch");
    CHECK(k.site.fate(no_job) == "no_job");
    CHECK(k.site.fate(irrelevant) == "irrelevant");
    CHECK_THAT(r.err, Catch::Contains(mismatch) && Catch::Contains("agent_mismatch"));
    CHECK(k.site.count("SELECT COUNT(*) FROM backup_entries WHERE status <> 'missing'") == 0);
    CHECK(list_names(k.site.root() / A / "log") == std::vector<std::string>{"_archive"});
}

TEST_CASE("a job removed from the config becomes inactive and keeps its history") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend);
    k.report("20261123_023100", "2026-11-23T02:31:00Z", "dump");
    REQUIRE(k.site.scan("2026-11-23T04:00:00Z").exit_code == 0);
    k.site.configure({{A, "hr", "05:00"}});
    REQUIRE(k.site.scan("2026-11-24T04:00:00Z").exit_code == 0);
    CHECK(k.site.job(A, "sales").at("is_active") == std::string("0"));
    CHECK(k.site.entries(A, "sales").size() == 1);  // no missing entry once inactive
}

TEST_CASE("a report for an agent with jobs but no folder still gets missing entries") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Site site(backend);
    site.configure({{B, "crm", "01:00", 30}});
    REQUIRE(site.scan("2026-11-22T00:00:00Z").exit_code == 0);
    REQUIRE(site.scan("2026-11-22T02:00:00Z").exit_code == 0);
    auto entries = site.entries(B, "crm");
    REQUIRE(entries.size() == 1);
    CHECK(status_of(entries[0]) == "missing");
}
