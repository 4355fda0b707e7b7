// Events of jobs with a cron schedule say when the job runs, in the email
// and in the webhook document; `at` jobs read as before.
#include "email_summary.hpp"
#include "fixtures.hpp"
#include "webhook_payload.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace vigil;
using namespace vigil::test;
using nlohmann::json;

namespace {

Event weekday_missing() {
    Event e = make_event("status_change", "ACME_PARIS_CENTRE", "hr", "ok", "missing", "no report");
    e.expected_hour_utc.reset();
    e.expected_minute_utc.reset();
    e.schedule = "30 2 * * mon-fri";
    e.timezone = "Europe/Paris";
    return e;
}

}  // namespace

TEST_CASE("the email's EXPECTED column: the UTC time of an `at` job, the schedule and zone of a cron job") {
    Event at_job = failed("ACME_LYON_EST", "crm");
    at_job.schedule = "30 02 * * *";
    at_job.timezone = "UTC";
    const std::string body = plugins::notify::email_body({weekday_missing(), at_job}, "9.9.9");
    INFO(body);
    CHECK(body.find("EXPECTED ") != std::string::npos);
    CHECK(body.find("30 2 * * mon-fri Europe/Paris") != std::string::npos);
    CHECK(body.find("02:30 UTC") != std::string::npos);
}

TEST_CASE("the webhook document: expected_time for `at` jobs, schedule and timezone for every job") {
    Event at_job = failed("ACME_LYON_EST", "crm");
    at_job.schedule = "30 02 * * *";
    at_job.timezone = "UTC";
    const json document = json::parse(plugins::notify::webhook_body({weekday_missing(), at_job}));
    const json& cron = document["events"][0];
    CHECK(cron["expected_time"].is_null());
    CHECK(cron["schedule"] == "30 2 * * mon-fri");
    CHECK(cron["timezone"] == "Europe/Paris");
    const json& daily = document["events"][1];
    CHECK(daily["expected_time"] == "02:30");
    CHECK(daily["schedule"] == "30 02 * * *");
    CHECK(daily["timezone"] == "UTC");
}
