// Step "record" (docs/scan.md phase 2): one agent's duplicates, job evaluations,
// entries, job states, notification events and report fates, written inside
// a database transaction, committed before any of its reports moves. The
// scan writes several agents in one transaction (record_in_group); when one
// of them fails, that group is rolled back and each of its agents recorded
// again in a transaction of its own (record_agent), as follows.
//
// When the storage plugin offers write_agent, an agent's entries, job
// states and report fates go to it in one call (one round trip to a
// database server): at the end of the agent, or, in a group, those of all
// its agents in one call before the commit. An agent's entries are read in
// one load_entries_of_jobs call, with those of its claimed batch in a group.
//
// Defence in depth: when the database refuses a write because of what one
// report contains (any failure but a lost connection, on a write made from
// that report), the transaction is rolled back and the agent recorded again
// from the start: once unchanged (the failure may have been the database's
// own passing trouble), then, if the same report fails again, with that
// report `invalid` with the database's reason and out of every evaluation.
// A batched write cannot name its report: when it fails (but for a lost
// connection), the agent is recorded again with one call per row, which
// can, and the rules above apply from there. A report whose fate itself
// cannot be recorded is then left unrecorded and in place. A report takes
// at most three attempts to set aside, so an agent takes at most
// 3 x (its reports) + 2 attempts, and one report can never keep the agent's
// other reports from being recorded.
#ifndef VIGIL_HOST_RECORD_HPP
#define VIGIL_HOST_RECORD_HPP

#include "collect.hpp"
#include "evaluate.hpp"
#include "notify.hpp"
#include "plugin_host.hpp"
#include "status.hpp"
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

// The stored entries an agent's evaluations read: those of each job from
// its `since` on (load_entries_of_jobs' arguments).
struct EntriesAsked {
    std::vector<std::int64_t> job_ids;
    std::vector<std::int64_t> since;

    bool operator==(const EntriesAsked& other) const { return job_ids == other.job_ids && since == other.since; }
};

// Entries read ahead of the agent's write, and what they were read for.
struct EntriesRead {
    EntriesAsked asked;
    std::vector<std::vector<Entry>> per_job;  // load_entries_of_jobs' answer to `asked`, job by job
};

// Splits what load_entries_of_jobs answered for job_ids (job by job in that
// order, each job's entries in one run) into one list per asked job. An
// error naming the job of the first entry out of that order.
Status split_by_job(std::vector<Entry> entries, const std::vector<std::int64_t>& job_ids,
                    std::vector<std::vector<Entry>>* per_job);

// What recording an agent needs besides the agent itself.
struct RecordContext {
    StorageHandle* storage = nullptr;
    const Notifiers* notifiers = nullptr;
    std::int64_t now = 0;
    ContentChange content_change = ContentChange::kChanged;
    // Routine lines (a success entry, a duplicate, a new job's first
    // status) at info instead of debug: a dry run exists to show them.
    bool routine_at_info = false;
    // What the server found for one of the agent's staged files.
    std::function<const StagedFacts*(const std::string& staged_file_name)> staged;
    // find_report's answers per report file, when they were asked inside
    // the transaction the agent is written in (which holds its claim, so
    // no other scanner can have recorded its reports since); null: ask.
    const std::map<std::string, StorageHandle::ReportSeen>* reports_seen = nullptr;
    // load_jobs' answer for the agent, read the same way inside that
    // transaction when it claimed the agent; null: ask.
    const std::vector<Job>* stored_jobs = nullptr;
    // Entries read the same way inside that transaction; used when the
    // write asks for exactly what they were read for, null: ask.
    const EntriesRead* entries_read = nullptr;
};

enum class RecordOutcome { kCommitted, kBusy, kFailed };

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

// What the database knows of each report file of each agent (docs/scan.md:
// a duplicate needs no staged-file work), asked in one find_reports call:
// the i-th map is agents[i]'s, by file name. When the database could not
// answer, every map is empty (recording asks again).
std::vector<std::map<std::string, StorageHandle::ReportSeen>> look_up_reports(
    StorageHandle& storage, const std::vector<const AgentFolder*>& agents);

// What the agent's write will ask load_entries_of_jobs for, given its
// stored jobs and find_report's answers for its reports, when written in
// the transaction those came from. False when a report has no answer or a
// job's schedule does not resolve (the write then finds out for itself).
bool entries_to_read(const AgentFolder& agent, const std::vector<Job>& jobs,
                     const std::map<std::string, StorageHandle::ReportSeen>& seen, std::int64_t now,
                     EntriesAsked* asked);

// Claims and records the agent in a transaction of its own (see above).
// kCommitted: every report of the agent has its fate recorded
// (recording->unrecorded lists those that could not be, to be left in
// place) and the log lines of its entries and fates are written. kBusy:
// another scanner holds the agent, nothing written. kFailed: nothing
// recorded, *error says why.
RecordOutcome record_agent(const RecordContext& context, const AgentFolder& agent, AgentRecording* recording,
                           Status* error);

// Rows for one write_agent call: entries, then job states, then report
// fates, of one agent or of several.
struct RowsToWrite {
    std::vector<Entry> entries;
    std::vector<Job> job_states;
    std::vector<ReportRecord> records;
};

// Writes the agent inside the transaction the caller holds open, in which
// the caller already claimed it (try_lock_agent), in one attempt, logging
// nothing. When the storage offers write_agent, the agent's rows are added
// to *rows instead, for the caller to write with those of the other agents
// of the transaction (write_rows) before it commits. Ok: written or kept,
// to be committed by the caller (then recording->emit_logs()). An error:
// the transaction must be rolled back.
Status write_in_group(const RecordContext& context, const AgentFolder& agent, AgentRecording* recording,
                      RowsToWrite* rows);

// Writes the rows in one write_agent call and empties them; nothing when
// there are none.
Status write_rows(StorageHandle& storage, RowsToWrite* rows);

}  // namespace vigil::host

#endif
