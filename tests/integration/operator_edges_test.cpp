// What surrounds a scan (docs/operating.md): the metrics file, the
// heartbeat, and a dry run that changes nothing, through the real binary.
#include "operator_support.hpp"
#include "sinks.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

using namespace vigil::test;
namespace fs = std::filesystem;

namespace {

const std::string A = "ACME_PARIS_CENTRE";

// A/sales at 02:30, known since the 22nd, with `extra` YAML.
struct Watched {
    Site site;
    explicit Watched(const std::string& backend, const std::string& extra = "") : site(backend) {
        site.configure({{A, "sales", "02:30"}, {A, "hr", "03:00"}}, extra);
        REQUIRE(site.scan("2026-11-22T04:00:00Z").exit_code == 0);
    }
    void report(const std::string& day, const std::string& database, bool ok = true) {
        const std::string stamp = day + (database == "sales" ? "_023100" : "_030100");
        const std::string file = database + "_" + day + ".gz";
        Staged s = site.stage(A, file, gzip_bytes(database + day));
        const std::string end = day.substr(0, 4) + "-" + day.substr(4, 2) + "-" + day.substr(6, 2) +
                                (database == "sales" ? "T02:31:00Z" : "T03:01:00Z");
        auto body = Site::report(A, end);
        body["databases"][database] = Site::block(file, s, ok);
        site.drop_report(A, stamp, body);
    }
};

std::pair<int, std::string> promtool(const fs::path& file) {
    const fs::path out = file.string() + ".promtool";
    const int status = std::system(("promtool check metrics < '" + file.string() + "' > '" + out.string() + "' 2>&1").c_str());
    const std::string text = read_file(out);
    fs::remove(out);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

}  // namespace

TEST_CASE("metrics_file: written after each scan, accepted by promtool, readable by all, nothing left behind") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    Watched w(backend, "metrics_file: prom/vigil.prom\n");
    fs::create_directories(w.site.dir() / "prom");
    w.report("20261123", "sales");
    w.report("20261123", "hr", false);
    RunResult r = w.site.scan("2026-11-23T04:00:00Z");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const fs::path file = w.site.dir() / "prom" / "vigil.prom";
    REQUIRE(fs::exists(file));
    const std::string text = read_file(file);
    CHECK_THAT(text, Catch::Contains("vigil_job_status{agent=\"" + A + "\",database=\"sales\",schedule=\"30 02 * * *\",status=\"ok\"} 1") &&
                         Catch::Contains("vigil_job_status{agent=\"" + A + "\",database=\"hr\",schedule=\"00 03 * * *\",status=\"failed\"} 1") &&
                         Catch::Contains("vigil_job_last_success_timestamp_seconds{agent=\"" + A + "\",database=\"sales\"") &&
                         Catch::Contains("vigil_scan_success 1") && Catch::Contains("vigil_scan_reports{fate=\"used\"} 2") &&
                         Catch::Contains("vigil_scan_entries{status=\"failed\"} 1"));
    auto [status, output] = promtool(file);
    INFO(output);
    CHECK(status == 0);
    struct stat info {};
    REQUIRE(::stat(file.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0644);
    CHECK(list_names(w.site.dir() / "prom") == std::vector<std::string>{"vigil.prom"});

    // A scan that cannot run still says so.
    fs::rename(w.site.root(), w.site.dir() / "elsewhere");
    CHECK(w.site.scan("2026-11-24T04:00:00Z").exit_code == 3);
    CHECK_THAT(read_file(file), Catch::Contains("vigil_scan_success 0"));
}

TEST_CASE("a metrics file that cannot be written is a warning, not a failure of the scan") {
    Watched w("sqlite", "metrics_file: no/such/dir/vigil.prom\n");
    RunResult r = w.site.scan("2026-11-23T04:00:00Z");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("warning: metrics_file") && Catch::Contains("no/such/dir/vigil.prom"));
}

TEST_CASE("heartbeat: <url> after a scan that ran to its end, <url>/fail after one that could not") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    HttpSink sink;
    Watched w(backend, "heartbeat_url: \"" + sink.url() + "\"\n");
    auto requests = sink.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].meta.at("method") == "GET");
    CHECK(requests[0].meta.at("path") == "/hook");
    CHECK(requests[0].body.empty());

    fs::rename(w.site.root(), w.site.dir() / "elsewhere");
    CHECK(w.site.scan("2026-11-23T04:00:00Z").exit_code == 3);
    requests = sink.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].meta.at("path") == "/hook/fail");
}

TEST_CASE("a heartbeat that fails is a warning with the URL redacted, the scan still succeeds") {
    HttpSink sink({"500", "500", "500"});
    Site site("sqlite");
    site.configure({{A, "sales", "02:30"}}, "heartbeat_url: \"" + sink.url() + "/s3cret-path?token=s3cret\"\n");
    RunResult r = site.scan("2026-11-22T04:00:00Z");
    CHECK(r.exit_code == 0);
    CHECK(sink.requests().size() == 3);
    CHECK_THAT(r.err, Catch::Contains("warning: heartbeat http://127.0.0.1:") && Catch::Contains("/***?token=***") &&
                          Catch::Contains("HTTP status 500 (after 3 tries)"));
    CHECK(r.err.find("s3cret") == std::string::npos);
}

TEST_CASE("a dry run judges and says what it would do, and leaves the database and the tree byte for byte") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    HttpSink hook;
    HttpSink heartbeat;
    Watched w(backend, "metrics_file: vigil.prom\nheartbeat_url: \"" + heartbeat.url() +
                           "\"\nnotifiers:\n  - plugin: webhook\n    url: \"" + hook.url() + "\"\n");
    const std::size_t heartbeats = heartbeat.requests().size();
    w.report("20261123", "sales");
    w.report("20261123", "hr", false);
    w.site.drop_raw_report(A, "20261123_050000", "{broken");
    const std::string metrics = read_file(w.site.dir() / "vigil.prom");
    const auto dump = full_dump(w.site);
    const auto files = sqlite_files(w.site);
    const auto tree = tree_listing(w.site.root());

    RunResult dry = command(w.site, "scan --dry-run --now 2026-11-23T04:00:00Z");
    INFO(dry.out << dry.err);
    REQUIRE(dry.exit_code == 0);
    CHECK_THAT(dry.out, Catch::StartsWith("vigil scan --dry-run at 2026-11-23T04:00:00Z: nothing was recorded") &&
                            Catch::Contains("3 would be archived") && Catch::Contains("used 2, invalid 1"));
    CHECK_THAT(dry.err, Catch::Contains("sales at 02:30: cycle 2026-11-23T02:30:00Z: success") &&
                            Catch::Contains("hr at 03:00: status unknown -> failed") &&
                            Catch::Contains("would be archived (invalid)"));
    CHECK(compare_lines(dump, full_dump(w.site)).empty());
    CHECK(sqlite_files(w.site) == files);
    CHECK(compare_lines(tree, tree_listing(w.site.root())).empty());
    CHECK(read_file(w.site.dir() / "vigil.prom") == metrics);
    CHECK(hook.requests().empty());
    CHECK(heartbeat.requests().size() == heartbeats);

    // The real scan then does what the dry run said.
    RunResult real = w.site.scan("2026-11-23T04:00:00Z");
    REQUIRE(real.exit_code == 0);
    auto entries_line = [](const std::string& out) { return out.substr(out.find("  entries:"), out.find("\n", out.find("  entries:")) - out.find("  entries:")); };
    CHECK(entries_line(real.out) == entries_line(dry.out));
    CHECK(hook.requests().size() == 1);
}

TEST_CASE("a first dry run, before any database exists, works and creates none") {
    Site site("sqlite");
    site.configure({{A, "sales", "02:30"}});
    const Staged s = site.stage(A, "s.gz", gzip_bytes("x"));
    auto body = Site::report(A, "2026-11-23T02:31:00Z");
    body["databases"]["sales"] = Site::block("s.gz", s);
    site.drop_report(A, "20261123_023100", body);
    RunResult r = command(site, "scan --dry-run --now 2026-11-23T04:00:00Z");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("used 1") && Catch::Contains("1 would be archived"));
    CHECK_FALSE(fs::exists(site.dir() / "vigil.db"));
    CHECK(fs::exists(site.log_file(A, "20261123_023100")));
}
