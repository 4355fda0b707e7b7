#include "record.hpp"

#include "fault.hpp"
#include "job_view.hpp"
#include "log_text.hpp"
#include "report_fate.hpp"
#include "transaction.hpp"

#include <vigil/timestamp.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

namespace vigil::host {

namespace {

std::string shown(std::string_view agent_text) { return log_text(agent_text); }

// The report whose content the job's new state carries: the one that made
// its latest entry from a report ("" when only missing entries were made).
std::string state_source(const Evaluation& result) {
    std::string file;
    for (const Entry& e : result.new_entries) {
        if (e.operation_log_file_name) file = *e.operation_log_file_name;
    }
    return file;
}

// Which of an agent's reports are duplicates: content recorded before from
// its folder (seen), or the same bytes as an earlier report of the folder.
// Every report not in `unrecorded` has its answer in `seen`.
struct ReportDuplicates {
    std::vector<bool> duplicate;
    std::vector<bool> record_fate;  // false: recorded before under this very name
    std::vector<bool> excluded;     // in no evaluation: unrecorded, duplicate or refused
};

ReportDuplicates find_duplicates(const AgentFolder& agent, const std::map<std::string, StorageHandle::ReportSeen>& seen,
                                 const std::set<std::string>& unrecorded,
                                 const std::map<std::string, Message>& refused) {
    const std::vector<ReportFile>& reports = agent.reports;
    ReportDuplicates d{std::vector<bool>(reports.size(), false), std::vector<bool>(reports.size(), true),
                       std::vector<bool>(reports.size(), false)};
    std::set<std::string> seen_here;
    for (std::size_t i = 0; i < reports.size(); ++i) {
        const ReportFile& f = reports[i];
        if (unrecorded.count(f.file_name)) {
            d.excluded[i] = true;
            continue;
        }
        const StorageHandle::ReportSeen& answer = seen.at(f.file_name);
        if (answer.content_seen || !seen_here.insert(f.content_sha256).second) {
            d.duplicate[i] = true;
            // Already recorded under this very name: a rerun after a crash, nothing new to say.
            d.record_fate[i] = !answer.same_file;
        }
        d.excluded[i] = d.duplicate[i] || refused.count(f.file_name) > 0;
    }
    return d;
}

// The evaluations the agent's jobs need at `now`, in the jobs' order, without
// their existing entries: none for a job already judged at this instant.
Status evaluation_inputs(const AgentFolder& agent, const std::vector<Job>& jobs, const std::vector<bool>& excluded,
                         std::int64_t now, std::vector<EvaluationInput>* inputs) {
    for (const Job& job : jobs) {
        EvaluationInput in;
        in.candidates = candidates_for(agent, job, excluded);
        if (judged_at_this_instant(job, now, !in.candidates.empty())) continue;
        in.job = job;
        in.now = now;
        if (Status st = schedule_for(job, &in.schedule); !st.is_ok()) return st;
        inputs->push_back(std::move(in));
    }
    return Status::ok();
}

EntriesAsked entries_asked(const std::vector<EvaluationInput>& inputs, std::int64_t now) {
    EntriesAsked asked;
    for (const EvaluationInput& in : inputs) {
        asked.job_ids.push_back(in.job.id);
        asked.since.push_back(earliest_cycle_needed(*in.schedule, in.candidates, now));
    }
    return asked;
}

// One attempt at recording an agent, inside the transaction the caller
// opened. Counts and log lines are kept until the caller commits. Batched:
// the agent's rows are written in one write_agent call at the end (one
// round trip to a database server) instead of one call per row, which
// cannot tell which report a refused write came from; or, when the caller
// keeps them (`kept` not null), added to those it writes for a whole group.
class AgentWriter {
public:
    AgentWriter(const RecordContext& context, const AgentFolder& agent, const std::map<std::string, Message>& refused,
                const std::set<std::string>& unrecorded, bool batched, RowsToWrite* kept = nullptr)
        : context_(context), agent_(agent), refused_(refused), unrecorded_(unrecorded), batched_(batched),
          kept_(kept) {}

    Status write();
    // The report file the write that failed was made from; "" when that
    // write came from no single report (always, for a batched write).
    const std::string& culprit() const { return culprit_; }
    // What was written, for after the commit.
    AgentRecording recording() && {
        AgentRecording r;
        r.tally = std::move(tally_);
        r.unrecorded = unrecorded_;
        r.lines = std::move(lines_);
        return r;
    }

private:
    spdlog::level::level_enum routine_level() const {
        return context_.routine_at_info ? spdlog::level::info : spdlog::level::debug;
    }
    Status write_fates(const std::vector<bool>& duplicate, const std::vector<bool>& record_fate,
                       const std::map<std::string, bool>& used,
                       const std::map<std::string, std::vector<std::string>>& why,
                       const std::set<std::string>& job_databases);
    // The writes of the agent's rows: made now, or kept for write_agent.
    Status insert_entry(const Entry& entry);
    Status update_job_state(const Job& job);
    Status record_report(const ReportRecord& record);

    const RecordContext& context_;
    const AgentFolder& agent_;
    const std::map<std::string, Message>& refused_;
    const std::set<std::string>& unrecorded_;
    const bool batched_;
    RowsToWrite* const kept_;
    RowsToWrite rows_;  // batched: the rows write_agent writes, in order
    std::string culprit_;
    AgentTally tally_;
    std::vector<std::pair<spdlog::level::level_enum, std::string>> lines_;
};

Status AgentWriter::write() {
    StorageHandle& db = *context_.storage;
    const std::vector<ReportFile>& reports = agent_.reports;

    // Duplicates: content already recorded from this folder (by an earlier
    // scan, or earlier in this one). Reports set aside are in no evaluation.
    std::map<std::string, StorageHandle::ReportSeen> seen;
    if (context_.reports_seen) seen = *context_.reports_seen;
    for (const ReportFile& f : reports) {
        if (unrecorded_.count(f.file_name) || seen.count(f.file_name)) continue;
        culprit_ = f.file_name;
        if (Status st = db.find_report(f.content_sha256, agent_.agent_id, f.file_name, &seen[f.file_name]);
            !st.is_ok()) {
            return st;
        }
    }
    culprit_.clear();
    const ReportDuplicates duplicates = find_duplicates(agent_, seen, unrecorded_, refused_);

    std::vector<Job> jobs;
    if (context_.stored_jobs) {
        jobs = *context_.stored_jobs;
    } else if (Status st = db.load_jobs(agent_.agent_id, &jobs); !st.is_ok()) {
        return st;
    }

    std::map<std::string, bool> used;                     // file -> made an entry
    std::map<std::string, std::vector<std::string>> why;  // file -> reasons it made none
    std::set<std::string> job_databases;
    for (const Job& job : jobs) job_databases.insert(job.database_name);

    // What each job to judge needs, then the entries of all of them in one call.
    std::vector<EvaluationInput> inputs;
    if (Status st = evaluation_inputs(agent_, jobs, duplicates.excluded, context_.now, &inputs); !st.is_ok()) {
        return st;
    }
    // A job already judged at this instant keeps its status.
    auto next_input = inputs.begin();
    for (const Job& job : jobs) {
        if (next_input != inputs.end() && next_input->job.id == job.id) ++next_input;
        else ++tally_.job_status[job.current_status];
    }
    for (EvaluationInput& in : inputs) {
        in.content_change = context_.content_change;
        in.staged = context_.staged;
    }
    const EntriesAsked asked = entries_asked(inputs, context_.now);
    std::vector<std::vector<Entry>> existing;
    if (context_.entries_read && context_.entries_read->asked == asked) {
        existing = context_.entries_read->per_job;
    } else {
        std::vector<Entry> answer;
        if (Status st = db.load_entries_of_jobs(asked.job_ids, asked.since, &answer); !st.is_ok()) return st;
        if (Status st = split_by_job(std::move(answer), asked.job_ids, &existing); !st.is_ok()) return st;
    }
    for (std::size_t i = 0; i < inputs.size(); ++i) inputs[i].existing = std::move(existing[i]);

    for (const EvaluationInput& in : inputs) {
        const Job& job = in.job;
        const Schedule& schedule = *in.schedule;
        const Evaluation result = evaluate_job(in);
        for (const Candidate& c : in.candidates) {
            if (!cycle_of(schedule, c.end_time())) {
                why[c.file_name].push_back("ended outside every window of " + job_label(job));
            }
        }
        for (const CandidateOutcome& o : result.outcomes) {
            if (o.used) used[o.file_name] = true;
            else why[o.file_name].push_back(job_label(job) + ": " + o.reason);
        }
        for (std::size_t k = 0; k < result.new_entries.size(); ++k) {
            const Entry& e = result.new_entries[k];
            culprit_ = e.operation_log_file_name.value_or("");
            if (Status st = insert_entry(e); !st.is_ok()) return st;
            ++tally_.entries[e.status];
            const auto level = e.status == name_of(EntryStatus::kSuccess) ? routine_level() : spdlog::level::warn;
            if (spdlog::should_log(level)) {
                lines_.emplace_back(level, job_label(job) + ": cycle " + format_iso(e.cycle_expected_at) + ": " +
                                               e.status + ": " + result.messages[k].render(shown));
            }
            fault_point("evaluate.entry");
        }
        culprit_ = state_source(result);
        if (Status st = update_job_state(result.job); !st.is_ok()) return st;
        if (Status st = context_.notifiers->queue(db, result, context_.now, &tally_.events_queued); !st.is_ok()) {
            return st;
        }
        culprit_.clear();
        if (result.job.current_status != result.previous_status) {
            const bool first_ok = result.previous_status == name_of(JobStatus::kUnknown) &&
                                  result.job.current_status == name_of(JobStatus::kOk);
            const auto level = first_ok ? routine_level() : spdlog::level::info;
            if (spdlog::should_log(level)) {
                lines_.emplace_back(level, job_label(job) + ": status " + result.previous_status + " -> " +
                                               result.job.current_status);
            }
        }
        ++tally_.job_status[result.job.current_status];
    }
    if (Status st = write_fates(duplicates.duplicate, duplicates.record_fate, used, why, job_databases); !st.is_ok()) {
        return st;
    }
    if (!batched_) return Status::ok();
    culprit_.clear();
    if (!kept_) return write_rows(db, &rows_);
    auto append = [](auto& to, auto& from) { std::move(from.begin(), from.end(), std::back_inserter(to)); };
    append(kept_->entries, rows_.entries);
    append(kept_->job_states, rows_.job_states);
    append(kept_->records, rows_.records);
    return Status::ok();
}

Status AgentWriter::insert_entry(const Entry& entry) {
    if (batched_) {
        rows_.entries.push_back(entry);
        return Status::ok();
    }
    std::int64_t id = 0;
    return context_.storage->insert_entry(entry, &id);
}

Status AgentWriter::update_job_state(const Job& job) {
    if (batched_) {
        rows_.job_states.push_back(job);
        return Status::ok();
    }
    return context_.storage->update_job_state(job);
}

Status AgentWriter::record_report(const ReportRecord& record) {
    if (batched_) {
        rows_.records.push_back(record);
        return Status::ok();
    }
    return context_.storage->record_report(record);
}

Status AgentWriter::write_fates(const std::vector<bool>& duplicate, const std::vector<bool>& record_fate,
                                const std::map<std::string, bool>& used,
                                const std::map<std::string, std::vector<std::string>>& why,
                                const std::set<std::string>& job_databases) {
    for (std::size_t i = 0; i < agent_.reports.size(); ++i) {
        const ReportFile& f = agent_.reports[i];
        if (unrecorded_.count(f.file_name)) continue;
        FateFacts facts;
        facts.collected = f.fate;
        facts.collected_reason = f.reason;
        if (auto refusal = refused_.find(f.file_name); refusal != refused_.end()) {
            facts.refused = true;
            facts.refusal = refusal->second;
        }
        facts.duplicate = duplicate[i];
        facts.used = used.count(f.file_name) > 0;
        if (f.report) {
            facts.lists_databases = !f.report->databases.empty();
            for (const DatabaseReport& d : f.report->databases) facts.names_a_job |= job_databases.count(d.database_name) > 0;
        }
        if (auto it = why.find(f.file_name); it != why.end()) facts.why_not_used = it->second;
        const ReportFate settled = report_fate(facts, agent_.agent_id);
        const Fate fate = settled.fate;
        const Message& reason = settled.reason;
        if (f.source) ++tally_.sources[*f.source];
        ++tally_.fates[fate];
        const auto level = fate == Fate::kDuplicate ? routine_level() : spdlog::level::warn;
        if (fate != Fate::kUsed && spdlog::should_log(level)) {
            lines_.emplace_back(level, agent_.log.shown(f.file_name) + ": " + std::string(name_of(fate)) + ": " +
                                           reason.render(shown));
        }
        if (!record_fate[i]) continue;
        ReportRecord record;
        record.content_sha256 = f.content_sha256;
        record.agent_id = agent_.agent_id;
        record.file_name = f.file_name;
        record.fate = name_of(fate);
        record.reason = reason.text();
        record.source = f.source;
        record.operation_end_time = f.report ? f.report->operation_end_time : kNoTime;
        record.scanned_at = context_.now;
        culprit_ = f.file_name;
        if (Status st = record_report(record); !st.is_ok()) return st;
        culprit_.clear();
        fault_point("evaluate.report");
    }
    return Status::ok();
}

}  // namespace

Status split_by_job(std::vector<Entry> entries, const std::vector<std::int64_t>& job_ids,
                    std::vector<std::vector<Entry>>* per_job) {
    per_job->assign(job_ids.size(), {});
    std::size_t next = 0;
    for (std::size_t i = 0; i < job_ids.size(); ++i) {
        while (next < entries.size() && entries[next].expected_job_id == job_ids[i]) {
            (*per_job)[i].push_back(std::move(entries[next++]));
        }
    }
    if (next == entries.size()) return Status::ok();
    return Status::error(Status::Code::kError, "storage load_entries_of_jobs: an entry of job " +
                                                   std::to_string(entries[next].expected_job_id) +
                                                   " out of the order of the jobs asked for");
}

bool entries_to_read(const AgentFolder& agent, const std::vector<Job>& jobs,
                     const std::map<std::string, StorageHandle::ReportSeen>& seen, std::int64_t now,
                     EntriesAsked* asked) {
    for (const ReportFile& f : agent.reports) {
        if (!seen.count(f.file_name)) return false;
    }
    const ReportDuplicates duplicates = find_duplicates(agent, seen, {}, {});
    std::vector<EvaluationInput> inputs;
    if (!evaluation_inputs(agent, jobs, duplicates.excluded, now, &inputs).is_ok()) return false;
    *asked = entries_asked(inputs, now);
    return true;
}

std::vector<std::map<std::string, StorageHandle::ReportSeen>> look_up_reports(
    StorageHandle& storage, const std::vector<const AgentFolder*>& agents) {
    std::vector<StorageHandle::ReportQuery> queries;
    for (const AgentFolder* agent : agents) {
        for (const ReportFile& f : agent->reports) queries.push_back({f.content_sha256, agent->agent_id, f.file_name});
    }
    std::vector<std::map<std::string, StorageHandle::ReportSeen>> found(agents.size());
    std::vector<StorageHandle::ReportSeen> seen;
    if (!storage.find_reports(queries, &seen).is_ok()) return found;
    auto answer = seen.begin();
    for (std::size_t i = 0; i < agents.size(); ++i) {
        for (const ReportFile& f : agents[i]->reports) found[i].emplace(f.file_name, *answer++);
    }
    return found;
}

Status write_rows(StorageHandle& storage, RowsToWrite* rows) {
    if (rows->entries.empty() && rows->job_states.empty() && rows->records.empty()) return Status::ok();
    const Status st = storage.write_agent(rows->entries, rows->job_states, rows->records);
    *rows = RowsToWrite();
    return st;
}

void AgentRecording::emit_logs() const {
    for (const auto& [level, line] : lines) spdlog::log(level, "{}", line);
}

Status write_in_group(const RecordContext& context, const AgentFolder& agent, AgentRecording* recording,
                      RowsToWrite* rows) {
    const std::map<std::string, Message> refused;
    const std::set<std::string> unrecorded;
    AgentWriter writer(context, agent, refused, unrecorded, context.storage->offers_write_agent(), rows);
    if (Status st = writer.write(); !st.is_ok()) return st;
    *recording = std::move(writer).recording();
    return Status::ok();
}

RecordOutcome record_agent(const RecordContext& context, const AgentFolder& agent, AgentRecording* recording,
                           Status* error) {
    StorageHandle& db = *context.storage;
    std::map<std::string, Message> refused;  // file -> the database's refusal
    std::set<std::string> suspects;          // files a write failed on once
    std::set<std::string> unrecorded;
    bool batched = db.offers_write_agent();
    const std::size_t max_attempts = 3 * agent.reports.size() + 1 + (batched ? 1 : 0);
    for (std::size_t attempt = 1;; ++attempt) {
        AgentWriter writer(context, agent, refused, unrecorded, batched);
        Transaction transaction(db);
        Status st = transaction.begin();
        bool acquired = false;
        if (st.is_ok()) st = db.try_lock_agent(agent.agent_id, &acquired);
        if (st.is_ok() && !acquired) return RecordOutcome::kBusy;
        fault_point("agent.begin");
        if (st.is_ok()) st = writer.write();
        fault_point("agent.before_commit");
        if (st.is_ok()) st = transaction.commit();
        if (st.is_ok()) {
            *recording = std::move(writer).recording();
            recording->emit_logs();
            return RecordOutcome::kCommitted;
        }
        transaction.rollback();
        if (st.code() == Status::Code::kUnavailable || attempt >= max_attempts) {
            *error = st;
            return RecordOutcome::kFailed;
        }
        if (batched) {
            // A batched write cannot say which report it came from: the
            // one-row calls can, so the agent is recorded again with them.
            spdlog::debug("agent {}: its batched write failed ({}): recording it again row by row", agent.agent_id,
                          log_text(st.message(), kLogErrorLimit));
            batched = false;
            continue;
        }
        const std::string culprit = writer.culprit();
        if (culprit.empty()) {
            *error = st;
            return RecordOutcome::kFailed;
        }
        if (suspects.insert(culprit).second) {
            // Once may be the database's own passing trouble (a lock, a
            // serialization failure): the same attempt again before blaming.
            spdlog::warn("{}: the database refused a write made from it ({}): recording agent {} again",
                         agent.log.shown(culprit), log_text(st.message(), kLogErrorLimit), agent.agent_id);
        } else if (refused.count(culprit) == 0) {
            spdlog::warn("{}: the database refused what it contains ({}): "
                         "recording agent {} again, this report invalid",
                         agent.log.shown(culprit), log_text(st.message(), kLogErrorLimit), agent.agent_id);
            refused.emplace(culprit, Message("the database refused to record what it contains: ").quote(st.message()));
        } else {
            spdlog::error("{}: the database refused even its fate ({}): left in place, unrecorded",
                          agent.log.shown(culprit), log_text(st.message(), kLogErrorLimit));
            unrecorded.insert(culprit);
        }
    }
}

}  // namespace vigil::host
