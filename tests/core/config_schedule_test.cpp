// The schedule keys of a job (docs/configuration.md): at or schedule, timezone, early and
// late minutes; every error names file, line, key and job.
#include "config.hpp"

#include "test_db.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace vigil::host;

namespace {

// Loads storage_root plus the given jobs (YAML list items, two spaces deep).
Status load_jobs(const std::string& jobs_yaml, Config* c, const std::string& globals = "") {
    vigil::test::ScratchDir dir;
    const auto file = dir.path() / "vigil.yaml";
    std::ofstream(file) << "storage_root: r\n" << globals << "jobs:\n" << jobs_yaml;
    return load_config(file, c);
}

const JobConfig& only_job(const Config& c) {
    REQUIRE(c.jobs.size() == 1);
    return c.jobs[0];
}

}  // namespace

TEST_CASE("an `at` job is the cron MM HH * * * in UTC with the symmetric window") {
    Config c;
    REQUIRE(load_jobs("  - {agent: ACME_PARIS_CENTRE, database: sales, at: \"02:30\", window_minutes: 20}\n", &c)
                .message() == "");
    const JobConfig& j = only_job(c);
    CHECK(j.hour == 2);
    CHECK(j.minute == 30);
    CHECK(j.schedule == "30 02 * * *");
    CHECK(j.timezone == "UTC");
    CHECK(j.early_minutes == 20);
    CHECK(j.late_minutes == 20);
}

TEST_CASE("a cron job: text made canonical, zone, and early/late falling back on the windows") {
    Config c;
    SECTION("both edges given") {
        REQUIRE(load_jobs("  - agent: ACME_PARIS_CENTRE\n    database: hr\n    schedule: \"30  2 * *  MON-fri\"\n"
                          "    timezone: Europe/Paris\n    early_minutes: 15\n    late_minutes: 90\n",
                          &c)
                    .message() == "");
        const JobConfig& j = only_job(c);
        CHECK_FALSE(j.hour);
        CHECK_FALSE(j.minute);
        CHECK(j.schedule == "30 2 * * mon-fri");
        CHECK(j.timezone == "Europe/Paris");
        CHECK(j.early_minutes == 15);
        CHECK(j.late_minutes == 90);
    }
    SECTION("one edge given: the other is the job's window") {
        REQUIRE(load_jobs("  - {agent: ACME_PARIS_CENTRE, database: hr, schedule: \"0 */6 * * *\", "
                          "window_minutes: 40, late_minutes: 100}\n",
                          &c, "window_minutes: 30\n")
                    .message() == "");
        CHECK(only_job(c).early_minutes == 40);
        CHECK(only_job(c).late_minutes == 100);
        CHECK(only_job(c).timezone == "UTC");
    }
    SECTION("one edge given and no job window: the global one") {
        REQUIRE(load_jobs("  - {agent: ACME_PARIS_CENTRE, database: hr, schedule: \"0 */6 * * *\", early_minutes: 0}\n",
                          &c, "window_minutes: 30\n")
                    .message() == "");
        CHECK(only_job(c).early_minutes == 0);
        CHECK(only_job(c).late_minutes == 30);
    }
    SECTION("a cron in the `at` form, in UTC, is that `at` job") {
        REQUIRE(load_jobs("  - {agent: ACME_PARIS_CENTRE, database: hr, schedule: \"30 02 * * *\"}\n", &c).message() ==
                "");
        CHECK(only_job(c).hour == 2);
        CHECK(only_job(c).minute == 30);
    }
}

TEST_CASE("a job's identity is agent, database, schedule and timezone") {
    Config c;
    SECTION("the same agent and database on several schedules") {
        CHECK(load_jobs("  - {agent: ACME_PARIS_CENTRE, database: hr, at: \"02:30\"}\n"
                        "  - {agent: ACME_PARIS_CENTRE, database: hr, schedule: \"30 2 * * *\", timezone: Europe/Paris}\n"
                        "  - {agent: ACME_PARIS_CENTRE, database: hr, schedule: \"30 2 * * *\", timezone: America/New_York}\n",
                        &c)
                  .message() == "");
        CHECK(c.jobs.size() == 3);
    }
    SECTION("`at` and its cron written out are one job") {
        const Status st = load_jobs("  - {agent: ACME_PARIS_CENTRE, database: hr, at: \"02:30\"}\n"
                                    "  - {agent: ACME_PARIS_CENTRE, database: hr, schedule: \"30 02 * * *\"}\n",
                                    &c);
        CHECK_THAT(st.message(), Catch::Contains(":4: jobs: job ACME_PARIS_CENTRE/hr at 02:30 is listed twice"));
    }
    SECTION("a cron job listed twice, in other words") {
        const Status st = load_jobs(
            "  - {agent: ACME_PARIS_CENTRE, database: hr, schedule: \"0 3 * * MON\", timezone: Europe/Paris}\n"
            "  - {agent: ACME_PARIS_CENTRE, database: hr, schedule: \"0 3 * *  mon\", timezone: Europe/Paris}\n",
            &c);
        CHECK_THAT(st.message(),
                   Catch::Contains(":4: jobs: job ACME_PARIS_CENTRE/hr schedule \"0 3 * * mon\" Europe/Paris is listed twice"));
    }
}

TEST_CASE("schedule errors name file, line, key, job and reason") {
    struct Case {
        const char* job;
        const char* expected;
    };
    const Case cases[] = {
        {"{agent: ACME_PARIS_CENTRE, database: hr, at: \"02:30\", schedule: \"30 2 * * *\"}",
         ":3: jobs.schedule: job ACME_PARIS_CENTRE/hr: give either `at` or `schedule`, not both"},
        {"{agent: ACME_PARIS_CENTRE, database: hr}", ":3: jobs.at: job ACME_PARIS_CENTRE/hr: missing `at`"},
        {"{agent: ACME_PARIS_CENTRE, database: hr, at: \"02:30\", timezone: Europe/Paris}",
         ":3: jobs.timezone: job ACME_PARIS_CENTRE/hr: `at` is a UTC time; for local time write `schedule: \"30 02 * * *\"`"},
        {"{agent: ACME_PARIS_CENTRE, database: hr, schedule: \"30 2 * * mon-fry\"}",
         ":3: jobs.schedule: job ACME_PARIS_CENTRE/hr: \"30 2 * * mon-fry\": day-of-week: \"mon-fry\": \"fry\" is not"},
        {"{agent: ACME_PARIS_CENTRE, database: hr, schedule: \"30 2 * *\"}",
         ":3: jobs.schedule: job ACME_PARIS_CENTRE/hr: \"30 2 * *\": a schedule has five fields"},
        {"{agent: ACME_PARIS_CENTRE, database: hr, schedule: \"0 0 30 feb *\"}", "the schedule would never fire"},
        {"{agent: ACME_PARIS_CENTRE, database: hr, schedule: \"30 2 * * *\", timezone: Europe/Pariss}",
         ":3: jobs.timezone: job ACME_PARIS_CENTRE/hr: \"Europe/Pariss\" is not a time zone of the system's tz database"},
        {"{agent: ACME_PARIS_CENTRE, database: hr, schedule: [30, 2]}", ":3: jobs.schedule: must be a string"},
        {"{agent: ACME_PARIS_CENTRE, database: hr, schedule: \"0 2 * * *\", early_minutes: 1440}",
         ":3: jobs.early_minutes: must be from 0 to 1439, found 1440"},
        {"{agent: ACME_PARIS_CENTRE, database: hr, schedule: \"0 2 * * *\", late_minutes: -1}",
         ":3: jobs.late_minutes: must be from 0 to 1439, found -1"},
        {"{agent: ACME_PARIS_CENTRE, database: hr, schedule: \"0 */6 * * *\", window_minutes: 180}",
         ":3: jobs.schedule: job ACME_PARIS_CENTRE/hr: consecutive instants of \"0 */6 * * *\" in UTC can be "
         "360 minutes apart"},
        {"{agent: ACME_PARIS_CENTRE, database: hr, schedule: \"0 */6 * * *\", early_minutes: 300, late_minutes: 100}",
         "early_minutes + late_minutes = 400 minutes would make their windows overlap"},
        {"{agent: ACME_PARIS_CENTRE, database: hr, schedule: \"30 2 * * *\", timezone: Europe/Paris, "
         "early_minutes: 700, late_minutes: 700}",
         "can be 1380 minutes apart"},
        {"{agent: ACME_PARIS_CENTRE, database: hr, at: \"02:30\", early_minutes: 700, late_minutes: 740}",
         ":3: jobs.at: job ACME_PARIS_CENTRE/hr: consecutive instants of \"30 02 * * *\" in UTC can be 1440 minutes apart"},
        {"{agent: ACME_PARIS_CENTRE, database: hr, schedule: \"0 2 * * *\", color: blue}", "unknown key `color`"},
    };
    for (const Case& k : cases) {
        INFO(k.job);
        Config c;
        const Status st = load_jobs(std::string("  - ") + k.job + "\n", &c);
        CHECK(st.code() == Status::Code::kConfig);
        CHECK_THAT(st.message(), Catch::Contains(k.expected) && Catch::Contains("vigil.yaml"));
    }
}

TEST_CASE("a schedule whose windows only meet across a DST change is refused, saying so") {
    Config c;
    const Status st = load_jobs(
        "  - agent: ACME_PARIS_CENTRE\n    database: hr\n    schedule: \"0 1,3 * * *\"\n    timezone: Europe/Paris\n"
        "    early_minutes: 30\n    late_minutes: 30\n",
        &c);
    CHECK_THAT(st.message(), Catch::Contains(":5: jobs.schedule: job ACME_PARIS_CENTRE/hr") &&
                                 Catch::Contains("60 minutes apart") &&
                                 Catch::Contains("as Europe/Paris changes its UTC offset") &&
                                 Catch::Contains("would make their windows touch"));
    CHECK(load_jobs("  - {agent: ACME_PARIS_CENTRE, database: hr, schedule: \"0 1,3 * * *\", "
                    "timezone: Europe/Paris, early_minutes: 29, late_minutes: 30}\n",
                    &c)
              .is_ok());
}
