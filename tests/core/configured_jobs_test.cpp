// The configuration's jobs as the storage receives them: views built in
// place say what a Job built from the same entry says, and the SDK's
// JobList reads them back as the storage matches stored rows.
#include "configured_jobs.hpp"

#include <catch2/catch.hpp>

using namespace vigil::host;

namespace {

JobConfig job_config(const std::string& agent, const std::string& database, const std::string& schedule,
                     const std::string& timezone) {
    JobConfig jc;
    jc.agent = agent;
    jc.database = database;
    jc.schedule = schedule;
    jc.timezone = timezone;
    jc.window_minutes = 45;
    jc.early_minutes = 10;
    jc.late_minutes = 90;
    return jc;
}

void check_same(const vigil::Job& a, const vigil::Job& b) {
#define CHECK_SAME_FIELD(kind, name, fallback) CHECK(a.name == b.name);
    VIGIL_JOB_FIELDS(CHECK_SAME_FIELD)
#undef CHECK_SAME_FIELD
}

}  // namespace

TEST_CASE("the configured jobs' views say what Jobs built from the configuration say") {
    Config config;
    JobConfig at = job_config("ACME_PARIS_CENTRE", "sales", "30 02 * * *", "UTC");
    at.hour = 2;
    at.minute = 30;
    config.jobs.push_back(at);
    config.jobs.push_back(job_config("ACME_LYON_PART-DIEU_NORTH_3", "hr", "0 */6 * * mon-fri", "Europe/Paris"));
    config.jobs.push_back(job_config("X_Y_Z", "a", "15 4 1 * *", "America/New_York"));

    const ConfiguredJobViews views(config);
    REQUIRE(views.size() == config.jobs.size());
    for (std::size_t i = 0; i < views.size(); ++i) {
        INFO("job " << i);
        check_same(vigil::from_c(*views.data()[i]), configured_job(config.jobs[i]));
    }
    CHECK(std::string(views.data()[1]->neighborhood) == "PART-DIEU_NORTH_3");
    CHECK(std::string(views.data()[1]->city) == "LYON");
    CHECK(std::string(views.data()[2]->company_name) == "X");
}

TEST_CASE("JobList reads jobs in place and names each by its stored identity") {
    Config config;
    config.jobs.push_back(job_config("ACME_PARIS_CENTRE", "hr", "0 */6 * * *", "Europe/Paris"));
    const ConfiguredJobViews configured(config);

    // A host that gives an `at` job by hour and minute alone, and no zone.
    vigil_job bare{};
    bare.struct_size = sizeof bare;
    bare.agent_id_responsible = "ACME_PARIS_CENTRE";
    bare.database_name = "sales";
    bare.expected_hour_utc = 2;
    bare.expected_minute_utc = 5;
    bare.early_minutes = -1;
    bare.late_minutes = -1;
    const vigil_job* jobs[] = {configured.data()[0], &bare};

    const vigil::JobList list(jobs, 2);
    REQUIRE(list.size() == 2);
    const vigil::JobList::Identity cron = list.identity(0);
    CHECK(cron.agent == "ACME_PARIS_CENTRE");
    CHECK(cron.database == "hr");
    CHECK(cron.schedule == "0 */6 * * *");
    CHECK(cron.timezone == "Europe/Paris");
    const vigil::JobList::Identity at = list.identity(1);
    CHECK(at.schedule == "05 02 * * *");
    CHECK(at.timezone == "UTC");
    CHECK(list[1].schedule_text() == at.schedule);
    CHECK(list[0].window_minutes == 45);

    // The agents tie; "hr" sorts before "sales".
    CHECK(cron < at);
    CHECK(!(at < cron));
    CHECK(list.identity(1) == at);
    CHECK(cron != at);
}
