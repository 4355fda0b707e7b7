// Hostile and broken input: the scan says what and where, keeps going, and
// never follows, opens, moves or overwrites what it must not.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

using namespace vigil::test;
namespace fs = std::filesystem;

namespace {
const std::string A = "ACME_PARIS_CENTRE";

struct KnownJob {
    Site site;
    explicit KnownJob(const std::string& backend) : site(backend) {
        site.configure({{A, "sales", "02:30"}});
        REQUIRE(site.scan("2026-11-22T04:00:00Z").exit_code == 0);
    }
};
}  // namespace

TEST_CASE("a staged_file_name with ../ fails and nothing outside database/ is read or touched") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend);
    Staged secret = k.site.stage(A, "x", "irrelevant");
    fs::path outside = k.site.root() / A / "secret.sql.gz";
    {
        std::ofstream(outside) << "secret";
    }
    auto body = Site::report(A, "2026-11-23T02:31:00Z");
    body["databases"]["sales"] = Site::block("../secret.sql.gz", secret);
    k.site.drop_report(A, "20261123_023100", body);
    REQUIRE(k.site.scan("2026-11-23T04:00:00Z").exit_code == 0);
    auto entries = k.site.entries(A, "sales");
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].at("status") == std::string("failed"));
    CHECK_THAT(entries[0].at("message").value_or(""), Catch::Contains("plain file name"));
    CHECK_FALSE(entries[0].at("server_calculated_staged_hash").has_value());
    CHECK(read_file(outside) == "secret");
}

TEST_CASE("a symlinked staged file is not followed: transfer_integrity_failed") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend);
    Staged real = k.site.stage(A, "real.sql.gz", gzip_bytes("real"));
    fs::create_symlink(k.site.root() / A / "database" / "real.sql.gz", k.site.root() / A / "database" / "link.sql.gz");
    auto body = Site::report(A, "2026-11-23T02:31:00Z");
    body["databases"]["sales"] = Site::block("link.sql.gz", real);
    k.site.drop_report(A, "20261123_023100", body);
    REQUIRE(k.site.scan("2026-11-23T04:00:00Z").exit_code == 0);
    auto entries = k.site.entries(A, "sales");
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].at("status") == std::string("transfer_integrity_failed"));
    CHECK_THAT(entries[0].at("message").value_or(""), Catch::Contains("symbolic link"));
    CHECK(fs::is_symlink(k.site.root() / A / "database" / "link.sql.gz"));
}

TEST_CASE("a FIFO named like a report is never opened, and the scan does not hang") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend);
    fs::create_directories(k.site.root() / A / "log");
    const fs::path fifo = k.site.log_file(A, "20261123_023100");
    REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
    RunResult r = k.site.scan("2026-11-23T04:00:00Z");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("FIFO"));
    CHECK(fs::is_fifo(fifo));
    CHECK(k.site.fate(fifo.filename().string()) == "(none)");
}

TEST_CASE("a symlink named like a report is left alone") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend);
    fs::create_directories(k.site.root() / A / "log");
    const fs::path target = k.site.dir() / "elsewhere.json";
    std::ofstream(target) << Site::report(A, "2026-11-23T02:31:00Z").dump();
    const fs::path link = k.site.log_file(A, "20261123_023100");
    fs::create_symlink(target, link);
    REQUIRE(k.site.scan("2026-11-23T04:00:00Z").exit_code == 0);
    CHECK(fs::is_symlink(link));
    CHECK(fs::exists(target));
}

TEST_CASE("broken reports are invalid with the field and the reason, and archived") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend);
    struct Case {
        std::string stamp, bytes, expected;
    };
    auto good = Site::report(A, "2026-11-23T02:31:00Z");
    auto wrong_type = good;
    wrong_type["databases"]["sales"] = Site::block("s.gz", Staged{std::string(64, 'a'), 1});
    wrong_type["databases"]["sales"]["BACKUP"]["status"] = "true";
    auto no_end = good;
    no_end.erase("operation_end_time");
    auto bad_time = good;
    bad_time["operation_end_time"] = "2026-11-23T25:00:00Z";
    const std::vector<Case> cases = {
        {"20261123_020100", good.dump().substr(0, 40), ""},
        {"20261123_020200", wrong_type.dump(), "BACKUP.status"},
        {"20261123_020300", no_end.dump(), "operation_end_time"},
        {"20261123_020400", bad_time.dump(), "operation_end_time"},
        {"20261123_020500", "[1, 2, 3]", ""},
        {"20261123_020600", std::string(2 * 1024 * 1024, ' ') + good.dump(), "max_report_bytes"},
    };
    for (const auto& c : cases) k.site.drop_raw_report(A, c.stamp, c.bytes);
    RunResult r = k.site.scan("2026-11-23T04:00:00Z");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    for (const auto& c : cases) {
        const std::string name = c.stamp + "_" + A + ".json";
        INFO(name);
        CHECK(k.site.fate(name) == "invalid");
        CHECK(fs::exists(k.site.archive_dir(A) / name));
        auto rows = k.site.query("SELECT reason FROM processed_reports WHERE file_name = '" + name + "'");
        REQUIRE(rows.size() == 1);
        CHECK_THAT(rows[0].at("reason").value_or(""), Catch::Contains(c.expected));
        CHECK_THAT(r.err, Catch::Contains(name));
    }
}

TEST_CASE("a report with a UTF-8 BOM is accepted") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend);
    Staged s = k.site.stage(A, "s.gz", gzip_bytes("bom"));
    auto body = Site::report(A, "2026-11-23T02:31:00Z");
    body["databases"]["sales"] = Site::block("s.gz", s);
    const auto path = k.site.drop_raw_report(A, "20261123_023100", "\xEF\xBB\xBF" + body.dump());
    REQUIRE(k.site.scan("2026-11-23T04:00:00Z").exit_code == 0);
    CHECK(k.site.fate(path.filename().string()) == "used");
    CHECK(k.site.entries(A, "sales").at(0).at("status") == std::string("success"));
}

TEST_CASE("folders that are not agents, hidden entries and links at the root are skipped untouched") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend);
    const fs::path not_agent = k.site.root() / "not-an-agent" / "log";
    fs::create_directories(not_agent);
    std::ofstream(not_agent / "20261123_023100_not-an-agent.json") << "{}";
    fs::create_directories(k.site.root() / ".hidden_AGENT_X" / "log");
    fs::create_directories(k.site.root() / "ACME_PARIS_NOLOG");
    fs::create_directory_symlink(k.site.root() / A, k.site.root() / "ACME_PARIS_LINK");
    // A folder that is not an agent's is said at debug level (docs/behaviour.md).
    RunResult r = k.site.vigil("--log-level debug scan --config " + k.site.config_file().string() +
                               " --now 2026-11-23T04:00:00Z");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("not-an-agent") && Catch::Contains("not an agent id"));
    CHECK_THAT(r.err, Catch::Contains("ACME_PARIS_NOLOG") && Catch::Contains("no log/"));
    CHECK(fs::exists(not_agent / "20261123_023100_not-an-agent.json"));
    CHECK_FALSE(fs::exists(k.site.root() / "ACME_PARIS_LINK" / "log" / "_archive"));
}

TEST_CASE("a report modified less than report_settle_seconds ago is left for the next scan") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    KnownJob k(backend);
    const fs::path fresh = k.site.log_file(A, "20261123_023100");
    fs::create_directories(fresh.parent_path());
    std::ofstream(fresh) << Site::report(A, "2026-11-23T02:31:00Z").dump();
    RunResult r = k.site.scan("2026-11-23T04:00:00Z");
    REQUIRE(r.exit_code == 0);
    CHECK(fs::exists(fresh));
    CHECK(k.site.fate(fresh.filename().string()) == "(none)");
    CHECK_THAT(r.out, Catch::Contains("1 not yet settled"));
}

TEST_CASE("the gzip check, when configured, fails a staged file that is not gzip") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    Site site(backend);
    site.configure({{A, "sales", "02:30"}}, "integrity:\n  - plugin: sha256\n  - plugin: gzip\n");
    REQUIRE(site.scan("2026-11-22T04:00:00Z").exit_code == 0);
    Staged s = site.stage(A, "s.sql.gz", "plain text, not gzip");
    auto body = Site::report(A, "2026-11-23T02:31:00Z");
    body["databases"]["sales"] = Site::block("s.sql.gz", s);
    site.drop_report(A, "20261123_023100", body);
    REQUIRE(site.scan("2026-11-23T04:00:00Z").exit_code == 0);
    auto entries = site.entries(A, "sales");
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].at("status") == std::string("transfer_integrity_failed"));
    CHECK_THAT(entries[0].at("message").value_or(""), Catch::Contains("gzip"));
}
