// Phase 2 (docs/scan.md) for jobs with cron schedules: the evaluation of a job
// whose schedule is weekdays, several times a day or monthly, in a zone.
#include "evaluate.hpp"
#include "zones.hpp"

#include <vigil/timestamp.hpp>

#include <catch2/catch.hpp>

#include <deque>

using namespace vigil;
using namespace vigil::host;

namespace {

std::int64_t at(const char* iso) { return *parse_timestamp(iso); }

const std::string kHash = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

struct Fixture {
    std::deque<Report> reports;
    StagedFacts staged;
    EvaluationInput in;

    Fixture(const char* schedule, const char* timezone, int early, int late) {
        in.job.id = 3;
        in.job.agent_id_responsible = "ACME_PARIS_CENTRE";
        in.job.database_name = "hr";
        in.job.schedule = schedule;
        in.job.timezone = timezone;
        in.job.early_minutes = early;
        in.job.late_minutes = late;
        in.job.created_at = at("2026-01-01T00:00:00Z");
        Zone zone;
        REQUIRE(find_zone(timezone, &zone).is_ok());
        REQUIRE(job_schedule(in.job, zone, &in.schedule).is_ok());
        staged.state = StagedFacts::State::kRegular;
        staged.sha256 = kHash;
        staged.size = 10;
        in.staged = [this](const std::string&) { return &staged; };
    }

    void add_report(const std::string& file, const char* end) {
        Report r;
        r.agent_id = "ACME_PARIS_CENTRE";
        r.overall_status = "completed";
        r.operation_start_time = at(end) - kMicrosPerMinute;
        r.operation_end_time = at(end);
        DatabaseReport db;
        db.database_name = "hr";
        db.staged_file_name = "hr.sql.gz";
        db.backup.status = db.compress.status = db.transfer.status = true;
        db.compress.sha256_checksum = kHash;
        db.compress.size = 10;
        r.databases.push_back(db);
        reports.push_back(std::move(r));
        in.candidates.push_back(Candidate{file, &reports.back(), &reports.back().databases.back()});
    }

    // One scan at now; what it recorded is kept as the job's history.
    std::vector<Entry> scan(const char* now) {
        in.now = at(now);
        Evaluation ev = evaluate_job(in);
        in.job = ev.job;
        for (const Entry& e : ev.new_entries) in.existing.push_back(e);
        in.candidates.clear();
        return ev.new_entries;
    }
};

std::vector<std::string> cycles_of(const std::vector<Entry>& entries) {
    std::vector<std::string> out;
    for (const Entry& e : entries) out.push_back(format_iso(e.cycle_expected_at) + " " + e.status);
    return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("a weekday job in Paris is not missing over the weekend, and is on a Monday without report") {
    Fixture fx("30 2 * * mon-fri", "Europe/Paris", 15, 90);
    fx.add_report("fri.json", "2026-11-27T01:40:00Z");  // Friday 02:40 Paris
    CHECK(cycles_of(fx.scan("2026-11-27T06:00:00Z")) == Strings{"2026-11-27T01:30:00Z success"});
    CHECK(fx.scan("2026-11-28T06:00:00Z").empty());  // Saturday
    CHECK(fx.scan("2026-11-29T06:00:00Z").empty());  // Sunday
    CHECK(fx.in.job.current_status == "ok");
    CHECK(cycles_of(fx.scan("2026-11-30T06:00:00Z")) == Strings{"2026-11-30T01:30:00Z missing"});
    CHECK(fx.in.job.current_status == "missing");
    CHECK(fx.scan("2026-11-30T12:00:00Z").empty());  // one missing entry per cycle
}

TEST_CASE("the missing message of an asymmetric window gives both of its ends") {
    Fixture fx("30 2 * * mon-fri", "Europe/Paris", 15, 90);
    const auto entries = fx.scan("2026-11-30T06:00:00Z");
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].message ==
          "no report ended between 2026-11-30T01:15:00Z and 2026-11-30T03:00:00Z (the window of "
          "2026-11-30T01:30:00Z)");
}

TEST_CASE("every six hours: each instant its own entry, at most one missing each") {
    Fixture fx("0 */6 * * *", "UTC", 60, 60);
    fx.add_report("a.json", "2026-11-23T00:10:00Z");
    fx.add_report("b.json", "2026-11-23T05:50:00Z");
    fx.add_report("c.json", "2026-11-23T06:20:00Z");  // same cycle as b, ends later: it counts
    fx.add_report("d.json", "2026-11-23T12:30:00Z");
    CHECK(cycles_of(fx.scan("2026-11-23T13:30:00Z")) ==
          Strings{"2026-11-23T00:00:00Z success", "2026-11-23T06:00:00Z success", "2026-11-23T12:00:00Z success"});
    CHECK(fx.in.existing[1].operation_log_file_name == std::string("c.json"));
    // 18:00 closes at 19:00 without a report.
    CHECK(fx.scan("2026-11-23T19:00:00Z").empty());
    CHECK(cycles_of(fx.scan("2026-11-23T19:00:01Z")) == Strings{"2026-11-23T18:00:00Z missing"});
    CHECK(fx.scan("2026-11-23T20:00:00Z").empty());
    // A late report for 18:00 still counts, after the missing entry.
    fx.add_report("e.json", "2026-11-23T18:55:00Z");
    CHECK(cycles_of(fx.scan("2026-11-23T21:00:00Z")) == Strings{"2026-11-23T18:00:00Z success"});
    CHECK(fx.in.job.current_status == "ok");
    // A scan two cycles later blames the latest closed one only.
    CHECK(cycles_of(fx.scan("2026-11-24T07:30:00Z")) == Strings{"2026-11-24T06:00:00Z missing"});
}

TEST_CASE("a monthly job's latest closed cycle is weeks back, and missing once") {
    Fixture fx("0 3 1,15 * *", "Europe/Paris", 60, 120);
    fx.add_report("nov15.json", "2026-11-15T02:30:00Z");
    CHECK(cycles_of(fx.scan("2026-11-20T00:00:00Z")) == Strings{"2026-11-15T02:00:00Z success"});
    CHECK(fx.scan("2026-11-30T00:00:00Z").empty());
    CHECK(cycles_of(fx.scan("2026-12-14T00:00:00Z")) == Strings{"2026-12-01T02:00:00Z missing"});
    CHECK(fx.scan("2026-12-14T23:00:00Z").empty());
    CHECK(earliest_cycle_needed(*fx.in.schedule, {}, at("2026-12-14T23:00:00Z")) == at("2026-12-01T02:00:00Z"));
}

TEST_CASE("a job created after its last closed cycle owes nothing yet") {
    Fixture fx("0 3 1,15 * *", "Europe/Paris", 60, 120);
    fx.in.job.created_at = at("2026-12-05T00:00:00Z");
    CHECK(fx.scan("2026-12-10T00:00:00Z").empty());
    CHECK(fx.in.job.current_status == "unknown");
}

TEST_CASE("job_schedule refuses a schedule text that does not parse") {
    Job job;
    job.schedule = "30 2 * * mon-fry";
    std::optional<Schedule> s;
    const Status st = job_schedule(job, Zone(), &s);
    CHECK(st.code() == Status::Code::kConfig);
    CHECK_THAT(st.message(), Catch::Contains("schedule \"30 2 * * mon-fry\": day-of-week"));
    CHECK_FALSE(s);
    SECTION("a job without schedule text is the `at` form of its hour and minute") {
        Job old;
        old.expected_hour_utc = 2;
        old.expected_minute_utc = 30;
        old.window_minutes = 45;
        REQUIRE(job_schedule(old, Zone(), &s).is_ok());
        CHECK(s->cron().text == "30 02 * * *");
        CHECK(s->early_minutes() == 45);
        CHECK(s->late_minutes() == 45);
    }
}
