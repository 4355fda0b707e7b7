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
#include <optional>
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

// Every report not unrecorded has its answer in `seen`.
ReportDuplicates find_duplicates(const AgentFolder& agent, const std::map<std::string, ReportSeen>& seen,
                                 const Refusals& refusals) {
    const std::vector<ReportFile>& reports = agent.reports;
    ReportDuplicates d{std::vector<bool>(reports.size(), false), std::vector<bool>(reports.size(), true),
                       std::vector<bool>(reports.size(), false)};
    std::set<std::string> seen_here;
    for (std::size_t i = 0; i < reports.size(); ++i) {
        const ReportFile& f = reports[i];
        if (refusals.unrecorded.count(f.file_name)) {
            d.excluded[i] = true;
            continue;
        }
        const ReportSeen& answer = seen.at(f.file_name);
        if (answer.content_seen || !seen_here.insert(f.content_sha256).second) {
            d.duplicate[i] = true;
            // Already recorded under this very name: a rerun after a crash, nothing new to say.
            d.record_fate[i] = !answer.same_file;
        }
        d.excluded[i] = d.duplicate[i] || refusals.refused.count(f.file_name) > 0;
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

// Splits what load_entries answered for job_ids (job by job in that order,
// each job's entries in one run) into the inputs, in the same order. An
// error naming the job of the first entry out of that order.
Status hand_out_entries(std::vector<Entry> entries, const std::vector<EvaluationInput*>& inputs) {
    std::size_t next = 0;
    for (EvaluationInput* in : inputs) {
        while (next < entries.size() && entries[next].expected_job_id == in->job.id) {
            in->existing.push_back(std::move(entries[next++]));
        }
    }
    if (next == entries.size()) return Status::ok();
    return Status::error(Status::Code::kError, "storage load_entries: an entry of job " +
                                                   std::to_string(entries[next].expected_job_id) +
                                                   " out of the order of the jobs asked for");
}

// One attempt at recording an agent from its read-ahead: its rows, counts
// and log lines, kept until the caller writes and commits.
class AgentWriter {
public:
    AgentWriter(const RecordContext& context, const AgentFolder& agent, const Refusals& refusals, ReadAhead read)
        : context_(context), agent_(agent), refusals_(refusals), read_(std::move(read)) {}

    // Adds the agent's rows to *rows.
    Status write(RowsToWrite* rows);
    // What was written, for after the commit.
    AgentRecording recording() && {
        AgentRecording r;
        r.tally = std::move(tally_);
        r.unrecorded = refusals_.unrecorded;
        r.lines = std::move(lines_);
        return r;
    }

private:
    spdlog::level::level_enum routine_level() const {
        return context_.routine_at_info ? spdlog::level::info : spdlog::level::debug;
    }
    Status write_job(const EvaluationInput& in, std::map<std::string, bool>* used,
                     std::map<std::string, std::vector<std::string>>* why, RowsToWrite* rows);
    void write_fates(const std::map<std::string, bool>& used,
                     const std::map<std::string, std::vector<std::string>>& why, RowsToWrite* rows);

    const RecordContext& context_;
    const AgentFolder& agent_;
    const Refusals& refusals_;
    ReadAhead read_;
    AgentTally tally_;
    std::vector<std::pair<spdlog::level::level_enum, std::string>> lines_;
};

Status AgentWriter::write(RowsToWrite* rows) {
    std::map<std::string, bool> used;                     // file -> made an entry
    std::map<std::string, std::vector<std::string>> why;  // file -> reasons it made none
    // A job already judged at this instant keeps its status.
    auto next_input = read_.inputs.begin();
    for (const Job& job : read_.jobs) {
        if (next_input != read_.inputs.end() && next_input->job.id == job.id) ++next_input;
        else ++tally_.job_status[job.current_status];
    }
    for (EvaluationInput& in : read_.inputs) {
        in.content_change = context_.content_change;
        in.staged = context_.staged;
        if (Status st = write_job(in, &used, &why, rows); !st.is_ok()) return st;
    }
    write_fates(used, why, rows);
    return Status::ok();
}

Status AgentWriter::write_job(const EvaluationInput& in, std::map<std::string, bool>* used,
                              std::map<std::string, std::vector<std::string>>* why, RowsToWrite* rows) {
    const Job& job = in.job;
    const Evaluation result = evaluate_job(in);
    for (const Candidate& c : in.candidates) {
        if (!cycle_of(*in.schedule, c.end_time())) {
            (*why)[c.file_name].push_back("ended outside every window of " + job_label(job));
        }
    }
    for (const CandidateOutcome& o : result.outcomes) {
        if (o.used) (*used)[o.file_name] = true;
        else (*why)[o.file_name].push_back(job_label(job) + ": " + o.reason);
    }
    for (std::size_t k = 0; k < result.new_entries.size(); ++k) {
        const Entry& e = result.new_entries[k];
        rows->batch.entries.push_back(e);
        ++tally_.entries[e.status];
        const auto level = e.status == name_of(EntryStatus::kSuccess) ? routine_level() : spdlog::level::warn;
        if (spdlog::should_log(level)) {
            lines_.emplace_back(level, job_label(job) + ": cycle " + format_iso(e.cycle_expected_at) + ": " +
                                           e.status + ": " + result.messages[k].render(shown));
        }
        fault_point("evaluate.entry");
    }
    const std::string source = state_source(result);
    rows->batch.job_states.push_back(result.job);
    rows->job_state_sources.push_back(source);
    const std::size_t events_before = rows->events.size();
    if (Status st = context_.notifiers->queue(*context_.storage, result, context_.now, &rows->events); !st.is_ok()) {
        return st;
    }
    tally_.events_queued += static_cast<int>(rows->events.size() - events_before);
    rows->event_sources.resize(rows->events.size(), source);
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
    return Status::ok();
}

void AgentWriter::write_fates(const std::map<std::string, bool>& used,
                              const std::map<std::string, std::vector<std::string>>& why, RowsToWrite* rows) {
    std::set<std::string> job_databases;
    for (const Job& job : read_.jobs) job_databases.insert(job.database_name);
    for (std::size_t i = 0; i < agent_.reports.size(); ++i) {
        const ReportFile& f = agent_.reports[i];
        if (refusals_.unrecorded.count(f.file_name)) continue;
        FateFacts facts;
        facts.collected = f.fate;
        facts.collected_reason = f.reason;
        if (auto refusal = refusals_.refused.find(f.file_name); refusal != refusals_.refused.end()) {
            facts.refused = true;
            facts.refusal = refusal->second;
        }
        facts.duplicate = read_.duplicates.duplicate[i];
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
        if (!read_.duplicates.record_fate[i]) continue;
        ReportRecord record;
        record.content_sha256 = f.content_sha256;
        record.agent_id = agent_.agent_id;
        record.file_name = f.file_name;
        record.fate = name_of(fate);
        record.reason = reason.text();
        record.source = f.source;
        record.operation_end_time = f.report ? f.report->operation_end_time : kNoTime;
        record.scanned_at = context_.now;
        rows->batch.reports.push_back(std::move(record));
        fault_point("evaluate.report");
    }
}

// What find_reports says of each report of each agent, in one call: the
// i-th map is agents[i]'s, by file name.
Status reports_seen(StorageHandle& storage, const std::vector<const AgentFolder*>& agents,
                    std::vector<std::map<std::string, ReportSeen>>* found) {
    found->assign(agents.size(), {});
    std::vector<ReportQuery> queries;
    for (const AgentFolder* agent : agents) {
        for (const ReportFile& f : agent->reports) queries.push_back({f.content_sha256, agent->agent_id, f.file_name});
    }
    if (queries.empty()) return Status::ok();
    std::vector<ReportSeen> seen;
    if (Status st = storage.find_reports(queries, &seen); !st.is_ok()) return st;
    auto answer = seen.begin();
    for (std::size_t i = 0; i < agents.size(); ++i) {
        for (const ReportFile& f : agents[i]->reports) (*found)[i].emplace(f.file_name, *answer++);
    }
    return Status::ok();
}

// The agent and report the refused row came from.
Culprit culprit_of(const RowsToWrite& rows, const RowRefusal& refusal) {
    switch (refusal.kind) {
        case VIGIL_ROW_ENTRY: {
            const Entry& e = rows.batch.entries[refusal.index];
            return {e.agent_id, e.operation_log_file_name.value_or("")};
        }
        case VIGIL_ROW_JOB_STATE:
            return {rows.batch.job_states[refusal.index].agent_id_responsible,
                    rows.job_state_sources[refusal.index]};
        case VIGIL_ROW_REPORT: {
            const ReportRecord& r = rows.batch.reports[refusal.index];
            return {r.agent_id, r.file_name};
        }
        case VIGIL_ROW_EVENT:
            return {rows.events[refusal.index].event.agent_id, rows.event_sources[refusal.index]};
        case VIGIL_ROW_NONE:
            break;
    }
    return {};
}

}  // namespace

void Refusals::blame(const AgentFolder& agent, const std::string& file, const Status& error) {
    if (suspects.insert(file).second) {
        // Once may be the database's own passing trouble (a lock, a
        // serialization failure): the same attempt again before blaming.
        spdlog::warn("{}: the database refused a write made from it ({}): recording agent {} again",
                     agent.log.shown(file), log_text(error.message(), kLogErrorLimit), agent.agent_id);
    } else if (refused.count(file) == 0) {
        spdlog::warn("{}: the database refused what it contains ({}): "
                     "recording agent {} again, this report invalid",
                     agent.log.shown(file), log_text(error.message(), kLogErrorLimit), agent.agent_id);
        refused.emplace(file, Message("the database refused to record what it contains: ").quote(error.message()));
    } else {
        spdlog::error("{}: the database refused even its fate ({}): left in place, unrecorded",
                      agent.log.shown(file), log_text(error.message(), kLogErrorLimit));
        unrecorded.insert(file);
    }
}

std::vector<std::map<std::string, ReportSeen>> look_up_reports(StorageHandle& storage,
                                                               const std::vector<const AgentFolder*>& agents) {
    std::vector<std::map<std::string, ReportSeen>> found;
    if (!reports_seen(storage, agents, &found).is_ok()) found.assign(agents.size(), {});
    return found;
}

Status read_ahead(StorageHandle& storage, const std::vector<const AgentFolder*>& agents,
                  const std::vector<const Refusals*>& refusals, std::int64_t now, std::vector<ReadAhead>* out) {
    out->assign(agents.size(), ReadAhead());
    std::vector<std::string> agent_ids;
    for (const AgentFolder* agent : agents) agent_ids.push_back(agent->agent_id);
    std::map<std::string, std::vector<Job>> jobs;
    if (Status st = storage.load_jobs(agent_ids, &jobs); !st.is_ok()) return st;
    std::vector<std::map<std::string, ReportSeen>> seen;
    if (Status st = reports_seen(storage, agents, &seen); !st.is_ok()) return st;
    const Refusals none;
    std::vector<EvaluationInput*> reading;
    std::vector<std::int64_t> job_ids, since;
    for (std::size_t i = 0; i < agents.size(); ++i) {
        const AgentFolder& agent = *agents[i];
        ReadAhead& read = (*out)[i];
        read.jobs = std::move(jobs[agent.agent_id]);
        read.seen = std::move(seen[i]);
        const Refusals& refused = refusals[i] ? *refusals[i] : none;
        read.duplicates = find_duplicates(agent, read.seen, refused);
        if (Status st = evaluation_inputs(agent, read.jobs, read.duplicates.excluded, now, &read.inputs);
            !st.is_ok()) {
            return st;
        }
        for (EvaluationInput& in : read.inputs) {
            reading.push_back(&in);
            job_ids.push_back(in.job.id);
            since.push_back(earliest_cycle_needed(*in.schedule, in.candidates, now));
        }
    }
    if (job_ids.empty()) return Status::ok();
    std::vector<Entry> entries;
    if (Status st = storage.load_entries(job_ids, since, &entries); !st.is_ok()) return st;
    return hand_out_entries(std::move(entries), reading);
}

Status write_rows(StorageHandle& storage, RowsToWrite* rows, Culprit* culprit) {
    *culprit = Culprit();
    RowRefusal refusal;
    Status st = Status::ok();
    if (!rows->batch.empty()) st = storage.write(rows->batch, &refusal);
    if (st.is_ok() && !rows->events.empty()) st = storage.insert_events(rows->events, &refusal);
    if (!st.is_ok()) *culprit = culprit_of(*rows, refusal);
    *rows = RowsToWrite();
    return st;
}

void AgentRecording::emit_logs() const {
    for (const auto& [level, line] : lines) spdlog::log(level, "{}", line);
}

Status write_in_group(const RecordContext& context, const AgentFolder& agent, ReadAhead read,
                      AgentRecording* recording, RowsToWrite* rows) {
    const Refusals none;
    AgentWriter writer(context, agent, none, std::move(read));
    if (Status st = writer.write(rows); !st.is_ok()) return st;
    *recording = std::move(writer).recording();
    return Status::ok();
}

RecordOutcome record_agent(const RecordContext& context, const AgentFolder& agent, Refusals refusals,
                           AgentRecording* recording, Status* error) {
    StorageHandle& db = *context.storage;
    const std::size_t max_attempts = 3 * agent.reports.size() + 1;
    for (std::size_t attempt = 1;; ++attempt) {
        Transaction transaction(db);
        Status st = transaction.begin();
        std::vector<bool> acquired;
        if (st.is_ok()) st = db.claim_agents({agent.agent_id}, &acquired);
        if (st.is_ok() && !acquired.front()) return RecordOutcome::kBusy;
        fault_point("agent.begin");
        std::vector<ReadAhead> read;
        if (st.is_ok()) st = read_ahead(db, {&agent}, {&refusals}, context.now, &read);
        std::optional<AgentWriter> writer;
        RowsToWrite rows;
        if (st.is_ok()) {
            writer.emplace(context, agent, refusals, std::move(read.front()));
            st = writer->write(&rows);
        }
        Culprit culprit;
        if (st.is_ok()) st = write_rows(db, &rows, &culprit);
        fault_point("agent.before_commit");
        if (st.is_ok()) st = transaction.commit();
        if (st.is_ok()) {
            *recording = std::move(*writer).recording();
            recording->emit_logs();
            return RecordOutcome::kCommitted;
        }
        transaction.rollback();
        if (st.code() == Status::Code::kUnavailable || attempt >= max_attempts || culprit.file_name.empty()) {
            *error = st;
            return RecordOutcome::kFailed;
        }
        refusals.blame(agent, culprit.file_name, st);
    }
}

}  // namespace vigil::host
