// What a file's name and place say about the report it is.
#include "agent_id.hpp"
#include "explain.hpp"

#include <vigil/report_name.hpp>

#include <catch2/catch.hpp>

using namespace vigil::host;

namespace {

// The agent of a standard name, as status_json (the default source) reads it.
ReportPath parse_report_path(const std::string& file) {
    return vigil::host::parse_report_path(file, [](const std::string& name) {
        const auto agent = vigil::standard_report_agent(name);
        return agent && parse_agent_id(*agent) ? std::string(*agent) : std::string();
    });
}

}  // namespace

TEST_CASE("a bare report name carries its agent") {
    ReportPath r = parse_report_path("20261123_023100_ACME_PARIS_CENTRE.json");
    CHECK(r.agent == "ACME_PARIS_CENTRE");
    CHECK(r.report_name == "20261123_023100_ACME_PARIS_CENTRE.json");
    CHECK_FALSE(r.path);
    CHECK(parse_report_path("STATUS.json").agent.empty());
    CHECK(parse_report_path("20261123_023100_ACME.json").agent.empty());
}

TEST_CASE("an archived copy under another name is the report it was archived from") {
    ReportPath r = parse_report_path("/srv/backups/ACME_PARIS_CENTRE/log/_archive/20261123_023100_ACME_PARIS_CENTRE.2.json");
    CHECK(r.report_name == "20261123_023100_ACME_PARIS_CENTRE.json");
    CHECK(r.agent == "ACME_PARIS_CENTRE");
    CHECK(r.archived_copy);
}

TEST_CASE("a path's folder is the agent a scan would read the file for") {
    ReportPath r = parse_report_path("/srv/backups/GLOBEX_BERLIN_MITTE/log/20261123_023100_ACME_PARIS_CENTRE.json");
    CHECK(r.agent == "GLOBEX_BERLIN_MITTE");
    CHECK(r.path == std::filesystem::path("/srv/backups/GLOBEX_BERLIN_MITTE/log/20261123_023100_ACME_PARIS_CENTRE.json"));
    CHECK_FALSE(r.archived_copy);
}
