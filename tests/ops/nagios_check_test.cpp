// `vigil check` as a pure function: codes, the one line, performance data.
#include "nagios_check.hpp"

#include <vigil/timestamp.hpp>

#include <catch2/catch.hpp>

using namespace vigil;
using namespace vigil::host;

namespace {

const std::int64_t kNow = *parse_timestamp("2026-11-23T04:10:00Z");
constexpr std::int64_t kMinute = 60'000'000;

Job job(const std::string& agent, const std::string& database, const std::string& status) {
    Job j;
    j.agent_id_responsible = agent;
    j.database_name = database;
    j.current_status = status;
    return j;
}

Scan scan(const std::string& outcome, std::int64_t finished_at, const std::string& message = "") {
    Scan s;
    s.outcome = outcome;
    s.started_at = finished_at - kMinute;
    s.finished_at = finished_at;
    s.message = message;
    return s;
}

CheckInput healthy() {
    CheckInput in;
    in.now = kNow;
    in.jobs = {job("ACME_PARIS_CENTRE", "sales", "ok"), job("ACME_PARIS_CENTRE", "hr", "ok")};
    in.last_scan = in.last_completed = scan("completed", kNow - 3 * kMinute);
    return in;
}

}  // namespace

TEST_CASE("all jobs ok and a recent scan: OK, one line, perfdata after the bar") {
    CheckVerdict v = judge_check(healthy(), CheckOptions{});
    CHECK(v.code == CheckCode::kOk);
    CHECK(v.line.find('\n') == std::string::npos);
    CHECK_THAT(v.line, Catch::StartsWith("VIGIL OK - 2 jobs") && Catch::Contains("3 min ago"));
    const std::string perf = v.line.substr(v.line.find(" | ") + 3);
    CHECK(perf ==
          "jobs_failed=0;;;0 jobs_missing=0;;;0 jobs_ok=2;;;0 jobs_transfer_integrity_failed=0;;;0 jobs_unknown=0;;;0 "
          "jobs_silenced=0;;;0 scan_age=180s;;1800;0 deliveries_pending=0;;;0 deliveries_failed=0;;;0");
}

TEST_CASE("a job in a critical status is CRITICAL and named, more than five are counted") {
    CheckInput in = healthy();
    in.jobs[1].current_status = "missing";
    CheckVerdict v = judge_check(in, CheckOptions{});
    CHECK(v.code == CheckCode::kCritical);
    CHECK_THAT(v.line, Catch::Contains("1 critical: ACME_PARIS_CENTRE/hr missing"));
    for (int i = 0; i < 6; ++i) in.jobs.push_back(job("GLOBEX_BERLIN_MITTE", "db" + std::to_string(i), "failed"));
    v = judge_check(in, CheckOptions{});
    CHECK_THAT(v.line, Catch::Contains("7 critical:") && Catch::Contains(", and 2 more"));
}

TEST_CASE("a silenced job raises nothing: named as silenced, counted in the perfdata") {
    CheckInput in = healthy();
    in.jobs[0].id = 1;
    in.jobs[1].id = 2;
    in.jobs[1].current_status = "failed";
    in.silenced = {2};
    CheckVerdict v = judge_check(in, CheckOptions{});
    CHECK(v.code == CheckCode::kOk);
    CHECK_THAT(v.line, Catch::StartsWith("VIGIL OK - 2 jobs, none in a warning or critical status") &&
                           Catch::Contains("; 1 silenced: ACME_PARIS_CENTRE/hr failed |") &&
                           Catch::Contains("jobs_failed=1;;;0") && Catch::Contains("jobs_silenced=1;;;0"));
    in.jobs[0].current_status = "missing";
    v = judge_check(in, CheckOptions{});
    CHECK(v.code == CheckCode::kCritical);
    CHECK_THAT(v.line, Catch::Contains("1 critical: ACME_PARIS_CENTRE/sales missing; 1 silenced: ACME_PARIS_CENTRE/hr failed"));
    CheckOptions warn_only;
    warn_only.critical = {};
    warn_only.warning = {"failed", "missing"};
    in.silenced = {1, 2};
    v = judge_check(in, warn_only);
    CHECK(v.code == CheckCode::kOk);
    CHECK_THAT(v.line, Catch::Contains("2 silenced:"));
}

TEST_CASE("the options choose which statuses are critical or warning, critical wins") {
    CheckInput in = healthy();
    in.jobs[0].current_status = "unknown";
    in.jobs[1].current_status = "missing";
    CheckOptions options;
    options.critical = {};
    options.warning = {"unknown", "missing"};
    CheckVerdict v = judge_check(in, options);
    CHECK(v.code == CheckCode::kWarning);
    CHECK_THAT(v.line, Catch::Contains("2 warning:"));
    options.critical = {"missing"};
    v = judge_check(in, options);
    CHECK(v.code == CheckCode::kCritical);
    CHECK_THAT(v.line, Catch::Contains("1 critical: ACME_PARIS_CENTRE/hr missing") &&
                           Catch::Contains("1 warning: ACME_PARIS_CENTRE/sales unknown"));
}

TEST_CASE("the monitor must be alive: no completed scan, or one too old, is CRITICAL") {
    CheckInput in = healthy();
    SECTION("none recorded") {
        in.last_scan.reset();
        in.last_completed.reset();
        CheckVerdict v = judge_check(in, CheckOptions{});
        CHECK(v.code == CheckCode::kCritical);
        CHECK_THAT(v.line, Catch::Contains("no completed scan recorded"));
        CHECK(v.line.find("scan_age=") == std::string::npos);
    }
    SECTION("older than --max-scan-age") {
        in.last_completed = scan("completed", kNow - 45 * kMinute);
        CheckVerdict v = judge_check(in, CheckOptions{});
        CHECK(v.code == CheckCode::kCritical);
        CHECK_THAT(v.line, Catch::Contains("ended 45 min ago, more than 30 min") && Catch::Contains("scan_age=2700s;;1800;0"));
        CheckOptions lenient;
        lenient.max_scan_age = 60 * kMinute;
        CHECK(judge_check(in, lenient).code == CheckCode::kOk);
    }
}

TEST_CASE("a failed latest scan is a WARNING with its message, kept on one line") {
    CheckInput in = healthy();
    in.last_scan = scan("failed", kNow - kMinute, "database went away\nretry | later");
    CheckVerdict v = judge_check(in, CheckOptions{});
    CHECK(v.code == CheckCode::kWarning);
    CHECK_THAT(v.line, Catch::Contains("the latest scan failed: database went away retry   later"));
    CHECK(v.line.find('\n') == std::string::npos);
    CHECK(std::count(v.line.begin(), v.line.end(), '|') == 1);
}

TEST_CASE("deliveries pending and failed are summed over notifiers in the perfdata") {
    CheckInput in = healthy();
    in.deliveries = {{"hook", "pending", 2}, {"mail", "pending", 1}, {"mail", "failed", 4}, {"mail", "sent", 9}};
    CheckVerdict v = judge_check(in, CheckOptions{});
    CHECK(v.code == CheckCode::kOk);
    CHECK_THAT(v.line, Catch::EndsWith("deliveries_pending=3;;;0 deliveries_failed=4;;;0"));
}

TEST_CASE("a check that cannot judge is UNKNOWN, one line, no perfdata bar") {
    CheckVerdict v = unknown_check("database x: cannot | connect\nnow");
    CHECK(v.code == CheckCode::kUnknown);
    CHECK(v.line == "VIGIL UNKNOWN - database x: cannot   connect now");
}
