#include "agent_id.hpp"
#include "name_kind.hpp"

#include <vigil/report_name.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

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

// The standard names, as the host assumes them for a source that does not
// declare its own, then judged against the folder's agent id.
TEST_CASE("standard report file names carry the folder's own agent id, case-sensitively") {
    const std::string_view folder = "ACME_PARIS_CENTRE";
    auto kind = [&](std::string_view name) {
        std::vector<std::string_view> claimed;
        if (auto agent = vigil::standard_report_agent(name)) claimed.push_back(*agent);
        return classify_report_name(name, claimed, folder);
    };
    CHECK(kind("20261123_023107_ACME_PARIS_CENTRE.json") == NameKind::kReport);
    CHECK(kind("20261123_023107_acme_paris_centre.json") == NameKind::kOtherAgent);
    CHECK(kind("20261123_023107_ACME_PARIS_NORD.json") == NameKind::kOtherAgent);
    CHECK(kind("2026112_023107_ACME_PARIS_CENTRE.json") == NameKind::kUnrecognised);
    CHECK(kind("20261123-023107_ACME_PARIS_CENTRE.json") == NameKind::kUnrecognised);
    CHECK(kind("2026112a_023107_ACME_PARIS_CENTRE.json") == NameKind::kUnrecognised);
    CHECK(kind("20261123_023107_ACME_PARIS_CENTRE.JSON") == NameKind::kUnrecognised);
    CHECK(kind("STATUS.json") == NameKind::kUnrecognised);
    CHECK(kind("20261123_023107_ACME_PARIS_CENTRE.json.tmp") == NameKind::kOther);
    CHECK(kind(".20261123_023107_ACME_PARIS_CENTRE.json") == NameKind::kOther);
    CHECK(kind("_archive") == NameKind::kOther);
    CHECK(kind("notes.txt") == NameKind::kOther);
    CHECK(kind(".json") == NameKind::kOther);
}

TEST_CASE("a name is the folder's report when any source claims it for the folder's agent") {
    const std::string_view folder = "ACME_PARIS_CENTRE";
    const std::string name = "2026-11-23_02-31-07_ACME_PARIS_CENTRE.json";
    CHECK(classify_report_name(name, {"ACME_PARIS_CENTRE"}, folder) == NameKind::kReport);
    CHECK(classify_report_name(name, {"OTHER_AGENT_ID", "ACME_PARIS_CENTRE"}, folder) == NameKind::kReport);
    CHECK(classify_report_name(name, {"OTHER_AGENT_ID"}, folder) == NameKind::kOtherAgent);
    CHECK(classify_report_name(name, {}, folder) == NameKind::kUnrecognised);
    // A claimed name is never "unrecognised", whatever its extension.
    CHECK(classify_report_name("ACME_PARIS_CENTRE.good", {"OTHER_AGENT_ID"}, folder) == NameKind::kOtherAgent);
    CHECK(classify_report_name("ACME_PARIS_CENTRE.good", {}, folder) == NameKind::kOther);
}
