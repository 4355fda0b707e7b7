// Step "record" (docs/scan.md phase 2): one agent's duplicates, job evaluations,
// entries, job states, notification events and report fates, written in one
// database transaction, then committed before any of its reports moves.
//
// Defence in depth: when the database refuses a write because of what one
// report contains (any failure but a lost connection, on a write made from
// that report), the transaction is rolled back and the agent recorded again
// from the start: once unchanged (the failure may have been the database's
// own passing trouble), then, if the same report fails again, with that
// report `invalid` with the database's reason and out of every evaluation.
// A report whose fate itself cannot be recorded is then left unrecorded and
// in place. A report takes at most three attempts to set aside, so an agent
// takes at most 3 x (its reports) + 1 attempts, and one report can never
// keep the agent's other reports from being recorded.
#ifndef VIGIL_HOST_RECORD_HPP
#define VIGIL_HOST_RECORD_HPP

#include "collect.hpp"
#include "evaluate.hpp"
#include "notify.hpp"
#include "plugin_host.hpp"
#include "status.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>

namespace vigil::host {

// What an agent's committed transaction adds to the scan summary (nothing
// is counted for an agent whose transaction rolled back).
struct AgentTally {
    std::map<std::string, int> fates;       // report fate -> reports
    std::map<std::string, int> sources;     // report source -> reports it read
    std::map<std::string, int> entries;     // entry status -> entries recorded
    std::map<std::string, int> job_status;  // current_status -> active jobs
    int events_queued = 0;
};

// What recording an agent needs besides the agent itself.
struct RecordContext {
    StorageHandle* storage = nullptr;
    const Notifiers* notifiers = nullptr;
    std::int64_t now = 0;
    ContentChange content_change = ContentChange::kChanged;
    // What the server found for one of the agent's staged files.
    std::function<const StagedFacts*(const std::string& staged_file_name)> staged;
};

enum class RecordOutcome { kCommitted, kBusy, kFailed };

// Report files of the agent recorded by an earlier scan (docs/scan.md: a
// duplicate needs no staged-file work). Asked outside any transaction; the
// final word is taken again inside the agent's.
std::set<std::string> likely_duplicates(StorageHandle& storage, const AgentFolder& agent);

// Claims and records the agent in one transaction (see above). kCommitted:
// every report of the agent has its fate recorded (agent.unrecorded lists
// those that could not be, to be left in place) and the log lines of its
// entries and fates are written; *tally receives the counts. kBusy: another
// scanner holds the agent, nothing written. kFailed: nothing recorded,
// *error says why.
RecordOutcome record_agent(const RecordContext& context, AgentFolder& agent, std::set<std::string>* unrecorded,
                           AgentTally* tally, Status* error);

}  // namespace vigil::host

#endif
