// docs/scan.md, "Stopping at any point": a scan killed at any point and run again leaves
// the database and the archive of one uninterrupted scan. The host's fault
// points (VIGIL_FAULT_KILL_AT) stand for every place a kill -9 could land:
// collection, verification, inside an agent's transaction, between its
// commit and the archive moves, between two moves.
#include "fleet.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <set>
#include <sstream>

using namespace vigil::test;

namespace {

// Four agents and a ghost, eleven day-2 reports between them: duplicates
// within the scan and of the day before, an invalid report, reports without
// a job, a taken archive name, and each kind of entry.
FleetPlan small_fleet() {
    FleetPlan plan(5);
    plan[0].id = "ACME_PARIS_CENTRE";
    plan[0].jobs = {{"sales", "02:30", 0, 0, true, true, true}, {"stock", "01:00", 30, 30, true, true, false}};
    plan[0].reports = {{ReportKind::kSuccess, 0}, {ReportKind::kFailed, 1}, {ReportKind::kDuplicate, 1}};
    plan[1].id = "ACME_LYON_PART-DIEU";
    plan[1].jobs = {{"sales", "03:15", 0, 0, true, true, true}};
    plan[1].reports = {{ReportKind::kSuperseded, 0}, {ReportKind::kBadChecksum, 0}, {ReportKind::kResent, 0}};
    plan[2].id = "BETA_NICE_PORT";
    plan[2].reports = {{ReportKind::kNoJob}, {ReportKind::kInvalid}};
    plan[3].id = "BETA_LILLE_GARE_NORD";
    plan[3].jobs = {{"sales", "23:30", 0, 0, true, true, true}};
    plan[3].reports = {{ReportKind::kNameTaken, 0}, {ReportKind::kStale, 0}};
    plan[4].id = "GAMMA_METZ_CENTRE";
    plan[4].has_folder = false;
    plan[4].jobs = {{"sales", "02:30", 0, 0, true, true, false}};
    return plan;
}

// Day 1 scanned, day 2 dropped: the state every run of the test starts from.
void prepare(Site& site, const FleetPlan& plan) {
    build_day1(site, plan);
    RunResult day1 = site.scan(kDay1Now);
    INFO(day1.out << day1.err);
    REQUIRE(day1.exit_code == 0);
    build_day2(site, plan);
}

// The labels of the fault points a traced run reached, in order.
std::vector<std::string> fault_points(const std::string& trace) {
    std::vector<std::string> labels;
    std::istringstream lines(trace);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::string tag, label;
        long n = 0;
        if (words >> tag >> n >> label && tag == "vigil-fault-point") labels.push_back(label);
    }
    return labels;
}

}  // namespace

TEST_CASE("a scan killed at any fault point and run again gives the records and archive of one scan") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    INFO("backend " << backend);
    const FleetPlan plan = small_fleet();

    Site reference(backend);
    prepare(reference, plan);
    RunResult traced = reference.scan(kDay2Now, "VIGIL_FAULT_TRACE=1");
    INFO(traced.out << traced.err);
    REQUIRE(traced.exit_code == 0);
    const std::vector<std::string> labels = fault_points(traced.err);
    const std::set<std::string> reached(labels.begin(), labels.end());
    for (const char* label : {"collect.report", "verify.file", "agent.begin", "evaluate.entry", "evaluate.report",
                              "agent.before_commit", "agent.committed", "archive.report"}) {
        INFO("fault point " << label);
        CHECK(reached.count(label) == 1);
    }
    const std::vector<std::string> expected_rows = reference.dump();
    const std::vector<std::string> expected_tree = tree_listing(reference.root());
    for (const char* fate : {"used", "invalid", "stale", "irrelevant", "no_job", "duplicate"}) {
        INFO("fate " << fate);
        CHECK(latest_reports(reference, fate) > 0);
    }
    for (const char* status : {"success", "hash_mismatch", "failed", "transfer_integrity_failed", "missing"}) {
        INFO("entry status " << status);
        CHECK(latest_entries(reference, status) > 0);
    }

    for (std::size_t n = 1; n <= labels.size(); ++n) {
        INFO("killed at fault point " << n << " of " << labels.size() << " (" << labels[n - 1] << ")");
        Site site(backend);
        prepare(site, plan);
        RunResult killed = site.scan(kDay2Now, "VIGIL_FAULT_KILL_AT=" + std::to_string(n));
        INFO("killed run:\n" << killed.out << killed.err);
        REQUIRE(killed.exit_code == 128 + SIGKILL);
        RunResult rerun = site.scan(kDay2Now);
        INFO("rerun:\n" << rerun.out << rerun.err);
        REQUIRE(rerun.exit_code == 0);
        CHECK(compare_lines(expected_rows, site.dump()) == "");
        CHECK(compare_lines(expected_tree, tree_listing(site.root())) == "");
    }
}
