#include "agent_id.hpp"

#include <catch2/catch.hpp>

using namespace vigil::host;

TEST_CASE("agent ids have three or more parts of letters, digits and '-'") {
    auto parts = parse_agent_id("ACME_PARIS_CENTRE");
    REQUIRE(parts);
    CHECK(parts->company == "ACME");
    CHECK(parts->city == "PARIS");
    CHECK(parts->neighborhood == "CENTRE");

    parts = parse_agent_id("GLOBEX_BERLIN_MITTE_NORD_2");
    REQUIRE(parts);
    CHECK(parts->neighborhood == "MITTE_NORD_2");
    CHECK(parse_agent_id("ACME_LYON_PART-DIEU"));

    for (const char* bad : {"", "ACME", "ACME_PARIS", "ACME__CENTRE", "_ACME_PARIS_CENTRE", "ACME_PARIS_CENTRE_",
                            "ACME_PARIS_CEN TRE", "ACME_PARIS_CENTRE/..", "ACME_PARÍS_CENTRE", ".ACME_PARIS_CENTRE"}) {
        INFO(bad);
        CHECK_FALSE(parse_agent_id(bad));
    }
}

TEST_CASE("report file names carry the folder's own agent id, case-sensitively") {
    CHECK(is_report_file_name("20261123_023107_ACME_PARIS_CENTRE.json", "ACME_PARIS_CENTRE"));
    CHECK_FALSE(is_report_file_name("20261123_023107_acme_paris_centre.json", "ACME_PARIS_CENTRE"));
    CHECK_FALSE(is_report_file_name("20261123_023107_ACME_PARIS_NORD.json", "ACME_PARIS_CENTRE"));
    CHECK_FALSE(is_report_file_name("2026112_023107_ACME_PARIS_CENTRE.json", "ACME_PARIS_CENTRE"));
    CHECK_FALSE(is_report_file_name("20261123-023107_ACME_PARIS_CENTRE.json", "ACME_PARIS_CENTRE"));
    CHECK_FALSE(is_report_file_name("20261123_023107_ACME_PARIS_CENTRE.json.tmp", "ACME_PARIS_CENTRE"));
    CHECK_FALSE(is_report_file_name("2026112a_023107_ACME_PARIS_CENTRE.json", "ACME_PARIS_CENTRE"));
}
