// Cron schedules through the real binary on every backend (docs/scan.md):
// weekdays over a weekend, DST nights, several instants a day, monthly
// cycles weeks back, a window across midnight and a DST change.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace vigil::test;

namespace {

const std::string A = "ACME_PARIS_CENTRE";

// One scheduled job on a fresh site, made known by a first scan at `known`.
struct ScheduledJob {
    Site site;
    ScheduledJob(const std::string& backend, const Site::JobSpec& spec, const std::string& known) : site(backend) {
        site.configure({spec});
        RunResult r = site.scan(known);
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
    }

    // Stages a dump (the same content each time: no hash_mismatch) and drops
    // a report for the job's database ending at end_iso.
    std::string report(const std::string& stamp, const std::string& end_iso) {
        const std::string file = "hr_" + stamp + ".sql.gz";
        Staged s = site.stage(A, file, gzip_bytes("the same dump"));
        auto body = Site::report(A, end_iso);
        body["databases"]["hr"] = Site::block(file, s);
        return site.drop_report(A, stamp, body).filename().string();
    }

    void scan(const std::string& now) {
        RunResult r = site.scan(now);
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
    }

    // "cycle status" per entry, oldest first.
    std::vector<std::string> entries() const {
        std::vector<std::string> out;
        for (const Row& e : site.entries(A, "hr")) {
            out.push_back(e.at("cycle_expected_at").value_or("NULL").substr(0, 19) + " " +
                          e.at("status").value_or("NULL"));
        }
        return out;
    }

    std::string status() const { return site.job(A, "hr").at("current_status").value_or("NULL"); }
};

Site::JobSpec cron(const std::string& schedule, const std::string& timezone, int early = -1, int late = -1) {
    Site::JobSpec spec{A, "hr", "", 0, schedule, timezone, early, late};
    return spec;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("a weekday job in Paris: nothing missing on Saturday and Sunday, missing on a Monday without report") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    ScheduledJob k(backend, cron("30 2 * * mon-fri", "Europe/Paris", 15, 90), "2026-11-26T12:00:00Z");
    k.report("20261127_014000", "2026-11-27T01:40:00Z");  // Friday 02:40 in Paris
    k.scan("2026-11-27T06:00:00Z");
    k.scan("2026-11-28T06:00:00Z");
    k.scan("2026-11-29T06:00:00Z");
    CHECK(k.entries() == Lines{"2026-11-27 01:30:00 success"});
    CHECK(k.status() == "ok");
    k.scan("2026-11-30T06:00:00Z");
    CHECK(k.entries() == Lines{"2026-11-27 01:30:00 success", "2026-11-30 01:30:00 missing"});
    CHECK(k.status() == "missing");
    const auto job = k.site.query("SELECT schedule, timezone, CAST(early_minutes AS INTEGER) AS early, "
                                  "CAST(late_minutes AS INTEGER) AS late FROM expected_backup_jobs");
    REQUIRE(job.size() == 1);
    CHECK(job[0].at("schedule") == std::string("30 2 * * mon-fri"));
    CHECK(job[0].at("timezone") == std::string("Europe/Paris"));
    CHECK(job[0].at("early") == std::string("15"));
    CHECK(job[0].at("late") == std::string("90"));
}

TEST_CASE("02:30 in Paris on the night clocks go forward is 01:30 UTC") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    ScheduledJob k(backend, cron("30 2 * * *", "Europe/Paris"), "2026-03-27T12:00:00Z");
    k.report("20260328_014000", "2026-03-28T01:40:00Z");
    k.scan("2026-03-28T06:00:00Z");
    k.report("20260329_013500", "2026-03-29T01:35:00Z");  // 03:35 summer time
    k.scan("2026-03-29T04:00:00Z");
    CHECK(k.entries() == Lines{"2026-03-28 01:30:00 success", "2026-03-29 01:30:00 success"});
    // Summer time from then on: 02:30 is 00:30 UTC, due by 01:30.
    k.scan("2026-03-30T01:30:00Z");
    CHECK(k.entries().size() == 2);
    k.scan("2026-03-30T01:30:01Z");
    CHECK(k.entries().back() == "2026-03-30 00:30:00 missing");
}

TEST_CASE("the night clocks go back, 02:30 in Paris is one cycle, not two") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    ScheduledJob k(backend, cron("30 2 * * *", "Europe/Paris"), "2026-10-23T12:00:00Z");
    const std::string first_pass = k.report("20261025_004000", "2026-10-25T00:40:00Z");    // 02:40 summer time
    const std::string second_pass = k.report("20261025_014000", "2026-10-25T01:40:00Z");   // 02:40 winter time
    k.scan("2026-10-25T03:00:00Z");
    CHECK(k.entries() == Lines{"2026-10-25 00:30:00 success"});
    CHECK(k.site.fate(first_pass) == "used");
    CHECK(k.site.fate(second_pass) == "irrelevant");
    k.scan("2026-10-25T12:00:00Z");
    CHECK(k.entries().size() == 1);
    // Winter time: the next 02:30 is 01:30 UTC.
    k.scan("2026-10-26T04:00:00Z");
    CHECK(k.entries() == Lines{"2026-10-25 00:30:00 success", "2026-10-26 01:30:00 missing"});
}

TEST_CASE("every six hours: each instant its own entry, at most one missing each") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    ScheduledJob k(backend, cron("0 */6 * * *", ""), "2026-11-22T20:00:00Z");
    k.report("20261123_001000", "2026-11-23T00:10:00Z");
    k.report("20261123_055500", "2026-11-23T05:55:00Z");
    k.report("20261123_122000", "2026-11-23T12:20:00Z");
    k.scan("2026-11-23T13:30:00Z");
    CHECK(k.entries() ==
          Lines{"2026-11-23 00:00:00 success", "2026-11-23 06:00:00 success", "2026-11-23 12:00:00 success"});
    k.scan("2026-11-23T19:30:00Z");
    k.scan("2026-11-23T20:00:00Z");
    k.scan("2026-11-24T02:00:00Z");
    k.scan("2026-11-24T02:30:00Z");
    CHECK(k.entries() == Lines{"2026-11-23 00:00:00 success", "2026-11-23 06:00:00 success",
                               "2026-11-23 12:00:00 success", "2026-11-23 18:00:00 missing",
                               "2026-11-24 00:00:00 missing"});
}

TEST_CASE("a monthly job (1st and 15th): its latest closed cycle weeks back") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    ScheduledJob k(backend, cron("0 3 1,15 * *", "Europe/Paris", 60, 120), "2026-11-20T12:00:00Z");
    k.scan("2026-11-30T12:00:00Z");
    CHECK(k.entries().empty());  // the 15th was due before the job was known
    CHECK(k.status() == "unknown");
    k.report("20261201_022000", "2026-12-01T02:20:00Z");
    k.scan("2026-12-01T06:00:00Z");
    k.scan("2026-12-14T12:00:00Z");
    CHECK(k.entries() == Lines{"2026-12-01 02:00:00 success"});
    k.scan("2026-12-28T12:00:00Z");
    CHECK(k.entries() == Lines{"2026-12-01 02:00:00 success", "2026-12-15 02:00:00 missing"});
    k.scan("2026-12-31T12:00:00Z");
    CHECK(k.entries().size() == 2);
}

TEST_CASE("a window across midnight and a DST change") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    // 01:30 in Paris, two hours either side: before local midnight to after 03:00.
    ScheduledJob k(backend, cron("30 1 * * *", "Europe/Paris", 120, 120), "2026-10-22T12:00:00Z");
    const std::string evening = k.report("20261023_214000", "2026-10-23T21:40:00Z");  // 23:40 the evening before
    k.scan("2026-10-24T04:00:00Z");
    const std::string after_change = k.report("20261025_012000", "2026-10-25T01:20:00Z");  // 02:20 winter time
    k.scan("2026-10-25T04:00:00Z");
    CHECK(k.entries() == Lines{"2026-10-23 23:30:00 success", "2026-10-24 23:30:00 success"});
    CHECK(k.site.fate(evening) == "used");
    CHECK(k.site.fate(after_change) == "used");
}

TEST_CASE("a configuration whose windows would overlap is refused with exit 2, naming the job") {
    Site site("sqlite");
    // Six hours apart in UTC, but five the night Paris moves to summer time.
    site.configure({cron("0 */6 * * *", "Europe/Paris", 150, 150)});
    RunResult r = site.scan("2026-11-23T04:00:00Z");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("vigil.yaml:5: jobs.schedule: job ACME_PARIS_CENTRE/hr: consecutive instants") &&
                          Catch::Contains("300 minutes apart") &&
                          Catch::Contains("as Europe/Paris changes its UTC offset") &&
                          Catch::Contains("= 300 minutes would make their windows touch"));
    CHECK(site.query("SELECT name FROM sqlite_master").empty());  // nothing was written
}
