// Evaluation of one expected backup job in one scan (docs/scan.md, phase 2):
// a pure function from the job's state, its recent entries, the kept
// reports naming its database and what the server found on disk, to the
// entries to record and the job's new state.
#ifndef VIGIL_HOST_EVALUATE_HPP
#define VIGIL_HOST_EVALUATE_HPP

#include "decisions.hpp"
#include "status.hpp"
#include "message.hpp"

#include <vigil/types.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vigil::host {

// One database block of a kept report: a candidate for the jobs of its
// (agent, database).
struct Candidate {
    std::string file_name;  // the report file's name
    const Report* report = nullptr;
    const DatabaseReport* database = nullptr;

    std::int64_t end_time() const { return report->operation_end_time; }
};

// What the server found for a staged file, read once for every check.
struct StagedFacts {
    enum class State { kRegular, kMissing, kNotRegular, kUnreadable };
    State state = State::kMissing;
    std::string detail;                     // why it is not a readable regular file
    std::optional<std::string> sha256;      // lower-case hex
    std::int64_t size = kNoSize;
    std::vector<std::string> failed_checks; // "<check>: <message>"
};

enum class ContentChange { kChanged, kUnchanged, kOff };

// An `at` job's schedule, from its row alone: every UTC day at
// expected_hour_utc:expected_minute_utc (which it must have).
Schedule schedule_of(const Job& job);

// Any job's schedule: its cron text read in `zone`, which the caller found
// by the job's timezone (find_zone). kConfig when the text does not parse.
Status job_schedule(const Job& job, const Zone& zone, std::optional<Schedule>* out);

// Per cycle of the job, the relevant candidate with the latest end time
// (tie: the greatest file name).
std::map<std::int64_t, const Candidate*> select_per_cycle(const Schedule& schedule,
                                                          const std::vector<Candidate>& candidates);

// Why judging the database block stops before its staged file (rules 1-2:
// no plain file name, a failed phase), as its entry's message; nullopt when
// judging it reads the staged file's facts (rules 3-4), so a scan verifies
// exactly the files this says it reaches.
std::optional<Message> staged_file_unreached(const DatabaseReport& db);

// The oldest cycle whose entries the evaluation needs to see.
std::int64_t earliest_cycle_needed(const Schedule& schedule,
                                   const std::vector<Candidate>& candidates, std::int64_t now);

struct EvaluationInput {
    Job job;
    std::optional<Schedule> schedule;     // job_schedule(job); may be left out for an `at` job
    std::vector<Entry> existing;          // entries with cycle >= earliest_cycle_needed
    std::vector<Candidate> candidates;    // kept reports naming the job's database
    std::function<const StagedFacts*(const std::string& staged_file_name)> staged;
    std::int64_t now = 0;
    ContentChange content_change = ContentChange::kChanged;
};

// What became of one relevant candidate.
struct CandidateOutcome {
    std::string file_name;
    bool used = false;
    std::string reason;  // why not used
};

struct Evaluation {
    std::vector<Entry> new_entries;        // in the order to record them
    std::vector<Message> messages;         // new_entries[i].message, the agent's text marked
    Job job;                               // the job's new state
    std::vector<CandidateOutcome> outcomes;  // relevant candidates only
    std::string previous_status;           // current_status before the scan
    std::int64_t previous_checked = kNoTime;  // last_checked_timestamp before the scan
};

Evaluation evaluate_job(const EvaluationInput& input);

// Whether judging the job at `now` can say nothing its last judgement did
// not: it was judged at this very instant (by a concurrent scanner given
// the same `now`, or by a run of the same scan before) and no report is a
// candidate for it. evaluate_job would then add no entry and keep every
// field, so the scan may skip it. A judgement at another instant, earlier
// or later, never counts: each instant closes its own cycles.
bool judged_at_this_instant(const Job& job, std::int64_t now, bool has_candidates);

}  // namespace vigil::host

#endif
