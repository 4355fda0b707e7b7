// Step "record" (docs/scan.md phase 2): one agent's duplicates, job
// evaluations, entries, job states, notification events and report fates,
// written inside a database transaction, committed before any of its
// reports moves.
//
// Reading and writing are apart. What an agent's evaluations read from the
// database (its stored jobs, which of its reports were recorded before, the
// entries of the cycles they judge) is read ahead, for a claimed batch of
// agents at once, in the transaction that holds their claims (read_ahead).
// The writer turns that and the agent's reports into rows (RowsToWrite),
// which go to the storage in one write and one insert_events call: at the
// end of the agent, or, in a group, those of all its agents before the
// commit (docs/scan.md, "Group commit").
//
// Defence in depth: when the database refuses a write and names the row
// (any failure but a lost connection), the report that row came from is
// blamed (Refusals): the transaction is rolled back and the agent recorded
// again from the start: once unchanged (the failure may have been the
// database's own passing trouble), then, if the same report fails again,
// with that report `invalid` with the database's reason and out of every
// evaluation, then, if even its fate is refused, with that report left
// unrecorded and in place. A report takes at most three attempts to set
// aside, so an agent takes at most 3 x (its reports) + 1 attempts, and one
// report can never keep the agent's other reports from being recorded. A
// refusal that names no row, or a row that came from no report, fails the
// agent.
#ifndef VIGIL_HOST_RECORD_HPP
#define VIGIL_HOST_RECORD_HPP

#include "collect.hpp"
#include "evaluate.hpp"
#include "message.hpp"
#include "notify.hpp"
#include "status.hpp"
#include "storage_handle.hpp"
#include "vocabulary.hpp"

#include <spdlog/common.h>

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace vigil::host {

// What an agent's committed transaction adds to the scan summary (nothing
// is counted for an agent whose transaction rolled back).
struct AgentTally {
    std::map<Fate, int> fates;              // report fate -> reports
    std::map<std::string, int> sources;     // report source -> reports it read
    std::map<std::string, int> entries;     // entry status -> entries recorded
    std::map<std::string, int> job_status;  // current_status -> active jobs
    int events_queued = 0;
};

// What the database refused of an agent's reports so far.
struct Refusals {
    std::set<std::string> suspects;          // a write made from it was refused once
    std::map<std::string, Message> refused;  // refused twice: invalid, in no evaluation
    std::set<std::string> unrecorded;        // even its fate was refused: left in place

    // Takes the database's refusal of a write made from `file`: the next
    // step of the defence above, logged.
    void blame(const AgentFolder& agent, const std::string& file, const Status& error);
};

// Which of an agent's reports are duplicates, and which are in no evaluation.
struct ReportDuplicates {
    std::vector<bool> duplicate;    // content recorded before from its folder, or earlier in it
    std::vector<bool> record_fate;  // false: recorded before under this very name
    std::vector<bool> excluded;     // in no evaluation: unrecorded, duplicate or refused
};

// What an agent's write reads from the database, read in the transaction
// that holds its claim, so that nothing it says can change before the
// write: no other scanner can record the agent meanwhile.
struct ReadAhead {
    std::vector<Job> jobs;                   // its stored active jobs
    std::map<std::string, ReportSeen> seen;  // find_reports' answer per report file
    ReportDuplicates duplicates;
    // The evaluations its jobs need at the scan's instant, in the jobs'
    // order, with the stored entries each reads.
    std::vector<EvaluationInput> inputs;
};

// Reads ahead for each agent, inside the transaction that holds their
// claims, in one load_jobs, one find_reports and one load_entries call for
// all of them. refusals[i] is agents[i]'s (null: none).
Status read_ahead(StorageHandle& storage, const std::vector<const AgentFolder*>& agents,
                  const std::vector<const Refusals*>& refusals, std::int64_t now, std::vector<ReadAhead>* out);

// What find_reports says of each report of each agent: the i-th map is
// agents[i]'s, by file name; every map is empty when the database could not
// answer. Outside a transaction, to foresee which staged files to verify.
std::vector<std::map<std::string, ReportSeen>> look_up_reports(StorageHandle& storage,
                                                               const std::vector<const AgentFolder*>& agents);

// What recording an agent needs besides the agent and its read-ahead.
struct RecordContext {
    StorageHandle* storage = nullptr;  // for the outbox's reads (notify)
    const Notifiers* notifiers = nullptr;
    std::int64_t now = 0;
    ContentChange content_change = ContentChange::kChanged;
    // Routine lines (a success entry, a duplicate, a new job's first
    // status) at info instead of debug: a dry run exists to show them.
    bool routine_at_info = false;
    // What the server found for one of the agent's staged files.
    std::function<const StagedFacts*(const std::string& staged_file_name)> staged;
};

// The rows of one write or more agents', in the order they are made.
struct RowsToWrite {
    WriteBatch batch;
    std::vector<QueuedEvent> events;
    // The report each job state and each event came from ("" none), by
    // position; an entry's is its operation_log_file_name, a fate's its
    // file_name.
    std::vector<std::string> job_state_sources;
    std::vector<std::string> event_sources;
};

// The agent and report a refused row came from; file_name "" when the
// storage named no row or the row came from no report.
struct Culprit {
    std::string agent_id;
    std::string file_name;
};

// Writes the rows (one write, then one insert_events) and empties them;
// nothing when there are none. On failure, *culprit names where the
// refused row came from, when the storage named it.
Status write_rows(StorageHandle& storage, RowsToWrite* rows, Culprit* culprit);

// What recording an agent produced, kept until its transaction commits.
struct AgentRecording {
    AgentTally tally;
    // Reports whose fate could not be recorded: left in place.
    std::set<std::string> unrecorded;
    // The log lines of its entries, fates and status changes.
    std::vector<std::pair<spdlog::level::level_enum, std::string>> lines;
    // Writes the lines (once the transaction committed).
    void emit_logs() const;
};

// Adds the agent's rows to *rows, from its read-ahead, logging nothing:
// the caller writes them (write_rows) with those of the other agents of its
// transaction and commits. An error (an outbox read failed, a job's
// schedule does not resolve): the transaction must be rolled back.
Status write_in_group(const RecordContext& context, const AgentFolder& agent, ReadAhead read,
                      AgentRecording* recording, RowsToWrite* rows);

enum class RecordOutcome { kCommitted, kBusy, kFailed };

// Claims and records the agent in a transaction of its own, from the
// refusals known so far (see above). kCommitted: every report of the agent
// has its fate recorded (recording->unrecorded lists those that could not
// be, to be left in place) and the log lines of its entries and fates are
// written. kBusy: another scanner holds the agent, nothing written.
// kFailed: nothing recorded, *error says why.
RecordOutcome record_agent(const RecordContext& context, const AgentFolder& agent, Refusals refusals,
                           AgentRecording* recording, Status* error);

}  // namespace vigil::host

#endif
