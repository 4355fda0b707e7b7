// A storage plugin built for ABI 2.1 has no batched calls (load_entries_of_jobs,
// write_agent): the host records every agent with the one-row calls, and
// the scan's records and archive are those the bundled plugin makes.
#include "fleet.hpp"

#include <catch2/catch.hpp>

using namespace vigil::test;

namespace {

// Points the site's configuration at the fixture plugin soci_abi21 (the
// bundled storage behind an ABI 2.1 table), on the same database.
void use_older_storage(const Site& site) { site.use_storage_plugin(VIGIL_OLDER_STORAGE_DIR, "soci_abi21"); }

void scan_two_days(Site& site, const FleetPlan& plan, bool older) {
    build_day1(site, plan);
    if (older) use_older_storage(site);
    RunResult day1 = site.scan(kDay1Now);
    INFO(day1.out << day1.err);
    REQUIRE(day1.exit_code == 0);
    build_day2(site, plan);
    if (older) use_older_storage(site);
    RunResult day2 = site.scan(kDay2Now);
    INFO(day2.out << day2.err);
    REQUIRE(day2.exit_code == 0);
}

}  // namespace

TEST_CASE("a storage plugin without the batched calls of ABI 2.2 records a scan as the bundled one does") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    const FleetPlan plan = random_fleet(30, 22);
    Site bundled(backend), older(backend);
    scan_two_days(bundled, plan, false);
    scan_two_days(older, plan, true);
    CHECK(read_file(older.config_file()).find("plugin: soci_abi21") != std::string::npos);
    for (const char* fate : {"used", "invalid", "duplicate", "irrelevant"}) {
        INFO("fate " << fate);
        CHECK(latest_reports(bundled, fate) > 0);
    }
    for (const char* status : {"success", "hash_mismatch", "missing"}) {
        INFO("entry status " << status);
        CHECK(latest_entries(bundled, status) > 0);
    }
    CHECK(compare_lines(bundled.dump(), older.dump()) == "");
    CHECK(compare_lines(tree_listing(bundled.root()), tree_listing(older.root())) == "");
}
