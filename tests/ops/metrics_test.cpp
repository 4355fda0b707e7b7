// The metrics file: families, one-hot status, escaping, accepted by
// promtool, written atomically and readable by other users.
#include "metrics.hpp"

#include "test_db.hpp"

#include <vigil/timestamp.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

using namespace vigil;
using namespace vigil::host;

namespace {

Job job(const std::string& agent, const std::string& database, const std::string& status) {
    Job j;
    j.agent_id_responsible = agent;
    j.database_name = database;
    j.expected_hour_utc = 2;
    j.expected_minute_utc = 30;
    j.current_status = status;
    j.last_entry_cycle_at = *parse_timestamp("2026-11-23T02:30:00Z");
    return j;
}

struct Rendered {
    ScanSummary summary;
    MetricsInput input;
    Rendered() {
        summary.now = *parse_timestamp("2026-11-23T04:00:00Z");
        summary.seconds = 1.5;
        summary.fates = {{Fate::kUsed, 3}, {Fate::kStale, 1}};
        summary.entries = {{"success", 3}};
        summary.agents_scanned = 2;
        input.summary = &summary;
        input.scan_succeeded = true;
        input.finished_at = *parse_timestamp("2026-11-23T04:00:02Z");
        input.jobs = {job("ACME_PARIS_CENTRE", "sales", "ok"), job("ACME_PARIS_CENTRE", "we\"ird\\name\n", "missing")};
        input.jobs[0].last_successful_backup_timestamp = *parse_timestamp("2026-11-23T02:31:00Z");
        input.deliveries = {{"hook", "pending", 2}, {"hook", "sent", 5}, {"mail", "failed", 1}};
    }
    std::string text() const { return render_metrics(input); }
};

// Runs promtool check metrics on the text; its exit status and output.
std::pair<int, std::string> promtool(const std::string& text) {
    vigil::test::ScratchDir dir;
    const auto in = dir.path() / "metrics.prom";
    const auto out = dir.path() / "promtool.out";
    std::ofstream(in) << text;
    const std::string command = "promtool check metrics < '" + in.string() + "' > '" + out.string() + "' 2>&1";
    const int status = std::system(command.c_str());
    std::ifstream result(out);
    std::stringstream s;
    s << result.rdbuf();
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, s.str()};
}

}  // namespace

TEST_CASE("each job's status is one-hot over the five job statuses") {
    const std::string text = Rendered().text();
    CHECK_THAT(text, Catch::Contains(
                         "vigil_job_status{agent=\"ACME_PARIS_CENTRE\",database=\"sales\",schedule=\"30 02 * * *\","
                         "status=\"ok\"} 1\n"));
    for (const char* other : {"failed", "missing", "transfer_integrity_failed", "unknown"}) {
        CHECK_THAT(text, Catch::Contains("database=\"sales\",schedule=\"30 02 * * *\",status=\"" + std::string(other) +
                                         "\"} 0\n"));
    }
}

TEST_CASE("label values escape backslash, double quote and newline") {
    const std::string text = Rendered().text();
    CHECK_THAT(text, Catch::Contains("database=\"we\\\"ird\\\\name\\n\""));
}

TEST_CASE("times are Unix seconds, a job without a success has no last-success sample") {
    const std::string text = Rendered().text();
    CHECK_THAT(text, Catch::Contains("vigil_job_last_success_timestamp_seconds{agent=\"ACME_PARIS_CENTRE\","
                                     "database=\"sales\",schedule=\"30 02 * * *\"} 1795401060.000000\n"));
    CHECK(text.find("vigil_job_last_success_timestamp_seconds{agent=\"ACME_PARIS_CENTRE\",database=\"we") ==
          std::string::npos);
    CHECK_THAT(text, Catch::Contains("vigil_scan_duration_seconds 1.500000\n") &&
                         Catch::Contains("vigil_scan_timestamp_seconds 1795406402.000000\n") &&
                         Catch::Contains("vigil_scan_success 1\n"));
}

TEST_CASE("reports by fate and entries by status list every name, zero included") {
    const std::string text = Rendered().text();
    CHECK_THAT(text, Catch::Contains("vigil_scan_reports{fate=\"used\"} 3\n") &&
                         Catch::Contains("vigil_scan_reports{fate=\"duplicate\"} 0\n") &&
                         Catch::Contains("vigil_scan_entries{status=\"success\"} 3\n") &&
                         Catch::Contains("vigil_scan_entries{status=\"missing\"} 0\n") &&
                         Catch::Contains("vigil_scan_agents{state=\"scanned\"} 2\n"));
}

TEST_CASE("deliveries: pending and failed per notifier, sent ones not exposed") {
    const std::string text = Rendered().text();
    CHECK_THAT(text, Catch::Contains("vigil_notification_deliveries{notifier=\"hook\",state=\"pending\"} 2\n") &&
                         Catch::Contains("vigil_notification_deliveries{notifier=\"mail\",state=\"failed\"} 1\n"));
    CHECK(text.find("state=\"sent\"") == std::string::npos);
}

TEST_CASE("promtool accepts the file, with jobs and without (a scan that could not read them)") {
    Rendered r;
    auto [status, output] = promtool(r.text());
    INFO(output);
    CHECK(status == 0);
    r.input.jobs.clear();
    r.input.deliveries.clear();
    r.input.scan_succeeded = false;
    std::tie(status, output) = promtool(r.text());
    INFO(output);
    CHECK(status == 0);
    CHECK_THAT(r.text(), Catch::Contains("vigil_scan_success 0\n"));
}

TEST_CASE("the file is replaced whole, readable by all whatever the umask, no temporary left") {
    vigil::test::ScratchDir dir;
    const auto file = dir.path() / "vigil.prom";
    std::ofstream(file) << "old\n";
    const mode_t old_mask = ::umask(077);
    Status st = write_metrics_file(file, "new 1\n");
    ::umask(old_mask);
    REQUIRE(st.is_ok());
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    CHECK(line == "new 1");
    struct stat info {};
    REQUIRE(::stat(file.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0644);
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("a metrics file in a missing directory is an error naming it") {
    vigil::test::ScratchDir dir;
    Status st = write_metrics_file(dir.path() / "no" / "vigil.prom", "x 1\n");
    CHECK(st.code() == Status::Code::kIo);
    CHECK_THAT(st.message(), Catch::Contains("metrics_file") && Catch::Contains("no/vigil.prom"));
}
