// Deterministic fleets for the robustness tests: a plan builds the same tree,
// byte for byte, and the same configuration in any Site, so that two sites
// run differently (one scan against several, a crash against none) can be
// compared row for row and file for file.
//
// Day 1 (scanned at kDay1Now) configures the day-1 jobs and drops one
// verified report per job that asks for it; day 2 (scanned at kDay2Now)
// changes the job list and drops the reports of each agent's plan.
#ifndef VIGIL_TESTS_INTEGRATION_FLEET_HPP
#define VIGIL_TESTS_INTEGRATION_FLEET_HPP

#include "harness.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vigil::test {

inline const std::string kDay1Now = "2026-11-22T04:00:00Z";
inline const std::string kDay2Now = "2026-11-23T04:00:00Z";

// What a day-2 report is made to exercise.
enum class ReportKind {
    kSuccess,        // verified, same bytes as the job's day-1 backup
    kChanged,        // verified, new bytes: hash_mismatch after a day-1 success
    kFailed,         // TRANSFER failed
    kBadChecksum,    // transfer_integrity_failed: the staged file differs
    kMissingStaged,  // transfer_integrity_failed: no staged file
    kInvalid,        // truncated JSON
    kDuplicate,      // the bytes of the agent's previous report under a later name
    kNoJob,          // names a database no job watches
    kSuperseded,     // two reports for one cycle: the one ending first is irrelevant
    kOutsideWindow,  // ends outside every window of the job: irrelevant
    kStale,
    kFuture,
    kAgentMismatch,
    kResent,     // the job's day-1 report again under a new name: a duplicate of an earlier scan
    kNameTaken,  // new content under the name of the job's archived day-1 report: archived as .1
};
constexpr int kReportKinds = static_cast<int>(ReportKind::kNameTaken) + 1;

struct JobPlan {
    std::string database;
    std::string at;  // "HH:MM", UTC
    int window_day1 = 0;  // 0: the configuration's default
    int window_day2 = 0;
    bool day1 = true;  // listed in the day-1 configuration
    bool day2 = true;  // listed in the day-2 configuration
    bool day1_report = false;
};

struct ReportPlan {
    ReportKind kind;
    std::size_t job = 0;  // index in the agent's jobs; an agent without jobs reports on "sales"
};

struct AgentPlan {
    std::string id;
    bool has_folder = true;  // false: jobs only, the agent never dropped anything
    std::vector<JobPlan> jobs;
    std::vector<ReportPlan> reports;  // day 2, at most 28 files (kSuperseded makes two)
};

using FleetPlan = std::vector<AgentPlan>;

// `agents` agents with 1-3 day-2 reports of kinds drawn from `seed`, one in
// ten without jobs, plus one agent in 25 with jobs and no folder.
FleetPlan random_fleet(int agents, std::uint64_t seed);

void build_day1(Site& site, const FleetPlan& plan);
void build_day2(Site& site, const FleetPlan& plan);

// Entries with this status, and reports with this fate, recorded by the
// site's latest scan: what a plan's day 2 actually exercised.
std::int64_t latest_entries(const Site& site, const std::string& status);
std::int64_t latest_reports(const Site& site, const std::string& fate);

}  // namespace vigil::test

#endif
