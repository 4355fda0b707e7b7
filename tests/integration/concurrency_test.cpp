// docs/scan.md, "Stopping at any point": scanners running at once on one storage root and one database
// record exactly what a single scan records, and archive each report once.
#include "fleet.hpp"

#include <catch2/catch.hpp>

using namespace vigil::test;

namespace {

constexpr int kScanners = 4;

// Builds the same 300-agent fleet twice, scans one copy once and the other
// with kScanners scanners (scanner i starting i * stagger_ms later), and
// compares the databases and the trees.
void compare_with_one_scan(const std::string& backend, int stagger_ms) {
    const FleetPlan plan = random_fleet(300, 20261123);
    Site single(backend);
    Site shared(backend);
    for (Site* site : {&single, &shared}) {
        build_day1(*site, plan);
        RunResult day1 = site->scan(kDay1Now);
        INFO(day1.out << day1.err);
        REQUIRE(day1.exit_code == 0);
        build_day2(*site, plan);
    }
    REQUIRE(compare_lines(tree_listing(single.root()), tree_listing(shared.root())) == "");

    RunResult reference = single.scan(kDay2Now);
    INFO("single scan:\n" << reference.out);
    REQUIRE(reference.exit_code == 0);
    // The comparison proves little unless the tree makes every fate and status.
    for (const char* fate :
         {"used", "invalid", "stale", "future", "agent_mismatch", "irrelevant", "no_job", "duplicate"}) {
        INFO("fate " << fate);
        CHECK(latest_reports(single, fate) > 0);
    }
    for (const char* status : {"success", "hash_mismatch", "failed", "transfer_integrity_failed", "missing"}) {
        INFO("entry status " << status);
        CHECK(latest_entries(single, status) > 0);
    }
    CHECK(single.count("SELECT COUNT(*) FROM expected_backup_jobs WHERE is_active = FALSE") > 0);

    const std::vector<RunResult> runs = shared.scan_concurrently(kDay2Now, kScanners, stagger_ms);
    for (int i = 0; i < kScanners; ++i) {
        INFO("scanner " << i << ":\n" << runs[i].out << runs[i].err.substr(0, 4000));
        CHECK(runs[i].exit_code == 0);
    }
    CHECK(compare_lines(single.dump(), shared.dump()) == "");
    CHECK(compare_lines(tree_listing(single.root()), tree_listing(shared.root())) == "");
}

}  // namespace

TEST_CASE("four scans started at once record and archive exactly what one scan does") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    compare_with_one_scan(backend, 0);
}

// A scanner still listing folders while another archives them must not
// take a report moved under its feet for a new one.
TEST_CASE("scans started while another one archives record and archive exactly what one scan does") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    const int stagger_ms = GENERATE(40, 90);
    INFO("backend " << backend << ", scanners " << stagger_ms << " ms apart");
    compare_with_one_scan(backend, stagger_ms);
}
