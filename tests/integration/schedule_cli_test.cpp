// `vigil schedule EXPR`: the next instants and their windows, and its errors.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace vigil::test;

TEST_CASE("vigil schedule prints the next instants with their windows in UTC and local time") {
    Site site("sqlite");
    RunResult r = site.vigil(
        "schedule '30 2 * * MON-FRI' --timezone Europe/Paris --from 2026-03-26T00:00:00Z --count 3 "
        "--early-minutes 15 --late-minutes 90");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out ==
          "schedule:  30 2 * * mon-fri\n"
          "time zone: Europe/Paris\n"
          "window:    15 minutes before and 90 minutes after each instant\n"
          "from:      2026-03-26T00:00:00Z\n"
          "\n"
          "instant 1: 2026-03-26T01:30:00Z = Thu 2026-03-26 02:30 CET\n"
          "   opens: 2026-03-26T01:15:00Z = Thu 2026-03-26 02:15 CET\n"
          "  closes: 2026-03-26T03:00:00Z = Thu 2026-03-26 04:00 CET\n"
          "\n"
          "instant 2: 2026-03-27T01:30:00Z = Fri 2026-03-27 02:30 CET\n"
          "   opens: 2026-03-27T01:15:00Z = Fri 2026-03-27 02:15 CET\n"
          "  closes: 2026-03-27T03:00:00Z = Fri 2026-03-27 04:00 CET\n"
          "\n"
          "instant 3: 2026-03-30T00:30:00Z = Mon 2026-03-30 02:30 CEST\n"
          "   opens: 2026-03-30T00:15:00Z = Mon 2026-03-30 02:15 CEST\n"
          "  closes: 2026-03-30T02:00:00Z = Mon 2026-03-30 04:00 CEST\n");
}

TEST_CASE("vigil schedule defaults: UTC, five instants, the 60-minute window") {
    Site site("sqlite");
    RunResult r = site.vigil("schedule '0 */6 * * *' --from 2026-11-23T04:00:00Z");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("time zone: UTC\nwindow:    60 minutes before and 60 minutes after"));
    CHECK_THAT(r.out, Catch::Contains("instant 1: 2026-11-23T06:00:00Z = Mon 2026-11-23 06:00 UTC"));
    CHECK_THAT(r.out, Catch::Contains("instant 5: 2026-11-24T06:00:00Z"));
    CHECK_THAT(r.out, !Catch::Contains("instant 6"));
    RunResult wide = site.vigil("schedule '0 */6 * * *' --from 2026-11-23T04:00:00Z --window-minutes 100 -n 1");
    CHECK_THAT(wide.out, Catch::Contains("opens: 2026-11-23T04:20:00Z"));
}

TEST_CASE("vigil schedule: the night clocks go back, a repeated time once") {
    Site site("sqlite");
    RunResult r = site.vigil("schedule '30 1 * * *' -z America/New_York --from 2026-10-31T12:00:00Z -n 2");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("instant 1: 2026-11-01T05:30:00Z = Sun 2026-11-01 01:30 EDT") &&
                          Catch::Contains("instant 2: 2026-11-02T06:30:00Z = Mon 2026-11-02 01:30 EST"));
}

TEST_CASE("vigil schedule errors: exit 2 naming the field or the zone") {
    Site site("sqlite");
    RunResult bad_field = site.vigil("schedule '30 2 * * mon-fry'");
    CHECK(bad_field.exit_code == 2);
    CHECK(bad_field.out.empty());
    CHECK_THAT(bad_field.err, Catch::Contains("vigil: schedule \"30 2 * * mon-fry\": day-of-week: \"mon-fry\""));
    RunResult bad_count = site.vigil("schedule '30 2 * *'");
    CHECK(bad_count.exit_code == 2);
    CHECK_THAT(bad_count.err, Catch::Contains("five fields"));
    RunResult bad_zone = site.vigil("schedule '30 2 * * *' --timezone Mars/Olympus_Mons");
    CHECK(bad_zone.exit_code == 2);
    CHECK_THAT(bad_zone.err, Catch::Contains("vigil: --timezone: \"Mars/Olympus_Mons\" is not a time zone"));
    RunResult bad_from = site.vigil("schedule '30 2 * * *' --from tomorrow");
    CHECK(bad_from.exit_code == 1);
    CHECK_THAT(bad_from.err, Catch::Contains("--from"));
    CHECK(site.vigil("schedule '30 2 * * *' --count 0").exit_code == 1);
    CHECK(site.vigil("schedule '30 2 * * *' --late-minutes 1440").exit_code == 1);
    CHECK(site.vigil("schedule").exit_code == 1);
}

TEST_CASE("vigil schedule: windows that would meet are printed, then refused as a configuration would") {
    Site site("sqlite");
    RunResult r = site.vigil("schedule '0 1,3 * * *' -z Europe/Paris --window-minutes 30 "
                             "--from 2026-03-28T00:00:00Z -n 4");
    CHECK(r.exit_code == 2);
    // The first instant is after --from; the second's window closes when the third's opens.
    CHECK_THAT(r.out, Catch::Contains("instant 1: 2026-03-28T02:00:00Z = Sat 2026-03-28 03:00 CET") &&
                          Catch::Contains("instant 2: 2026-03-29T00:00:00Z = Sun 2026-03-29 01:00 CET\n"
                                          "   opens: 2026-03-28T23:30:00Z = Sun 2026-03-29 00:30 CET\n"
                                          "  closes: 2026-03-29T00:30:00Z = Sun 2026-03-29 01:30 CET") &&
                          Catch::Contains("instant 3: 2026-03-29T01:00:00Z = Sun 2026-03-29 03:00 CEST\n"
                                          "   opens: 2026-03-29T00:30:00Z = Sun 2026-03-29 01:30 CET"));
    CHECK_THAT(r.err, Catch::Contains("vigil: windows: consecutive instants of \"0 1,3 * * *\" in Europe/Paris can be "
                                      "60 minutes apart (2026-03-29T00:00:00Z and 2026-03-29T01:00:00Z") &&
                          Catch::Contains("a configuration would refuse this job"));
}
