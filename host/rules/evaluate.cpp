#include "evaluate.hpp"
#include "vocabulary.hpp"

#include <vigil/timestamp.hpp>

#include <algorithm>
#include <cctype>

namespace vigil::host {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string cycle_label(std::int64_t cycle) { return format_iso(cycle); }

// The entry fields that come from the report, whatever the verdict.
Entry entry_from_report(const Job& job, std::int64_t cycle, const Candidate& c, std::int64_t now) {
    Entry e;
    e.expected_job_id = job.id;
    e.cycle_expected_at = cycle;
    e.timestamp = now;
    e.operation_log_file_name = c.file_name;
    e.agent_id = c.report->agent_id;
    e.agent_overall_status = c.report->overall_status;
    e.operation_start_time = c.report->operation_start_time;
    e.operation_end_time = c.report->operation_end_time;
    e.backup = c.database->backup;
    e.compress = c.database->compress;
    e.transfer = c.database->transfer;
    e.agent_staged_file_name = c.database->staged_file_name;
    e.agent_logs_summary = c.database->logs_summary;
    return e;
}

Message failed_phases_message(const DatabaseReport& db) {
    std::string names;
    for (const auto& [name, phase] : {std::pair<const char*, const Phase*>{"BACKUP", &db.backup},
                                      {"COMPRESS", &db.compress},
                                      {"TRANSFER", &db.transfer}}) {
        if (!phase->status) names += names.empty() ? name : std::string(", ") + name;
    }
    Message message("agent reports failed phase(s): " + names);
    if (db.transfer.error_message && !db.transfer.error_message->empty()) {
        message.say("; transfer error: ").quote(*db.transfer.error_message);
    }
    if (db.logs_summary && !db.logs_summary->empty()) message.say("; logs: ").quote(*db.logs_summary);
    return message;
}

// Rules 3 and 4: what the server found against what the agent claims.
std::optional<Message> integrity_problems(const DatabaseReport& db, const StagedFacts* facts) {
    Message where;
    where.say("staged file database/").quote(db.staged_file_name);
    if (facts == nullptr || facts->state == StagedFacts::State::kMissing) {
        return where.say(" is missing");
    }
    if (facts->state == StagedFacts::State::kNotRegular) {
        return where.say(" is not a regular file (").quote(facts->detail).say(")");
    }
    if (facts->state == StagedFacts::State::kUnreadable) {
        return where.say(" could not be read: ").quote(facts->detail);
    }
    std::vector<Message> problems;
    const auto& claimed_hash = db.compress.sha256_checksum;
    if (!claimed_hash) {
        problems.emplace_back("COMPRESS.sha256_checksum absent: cannot verify");
    } else if (!facts->sha256 || lower(*claimed_hash) != *facts->sha256) {
        problems.emplace_back("checksum mismatch: agent ");
        problems.back().quote(*claimed_hash).say(", server " + facts->sha256.value_or("(none)"));
    }
    if (db.compress.size == kNoSize) {
        problems.emplace_back("COMPRESS.size absent: cannot verify");
    } else if (db.compress.size != facts->size) {
        problems.emplace_back("size mismatch: agent " + std::to_string(db.compress.size) + " bytes, server " +
                              std::to_string(facts->size) + " bytes");
    }
    for (const auto& failure : facts->failed_checks) problems.emplace_back().quote(failure);
    if (problems.empty()) return std::nullopt;
    where.say(": ");
    for (std::size_t i = 0; i < problems.size(); ++i) where.say(i ? "; " : "").append(problems[i]);
    return where;
}

}  // namespace

std::optional<Message> staged_file_unreached(const DatabaseReport& db) {
    if (!is_plain_file_name(db.staged_file_name)) {
        return Message(db.staged_file_name.empty()
                           ? "staged_file_name is empty"
                           : "staged_file_name is not a plain file name: refusing to look outside database/");
    }
    if (!db.backup.status || !db.compress.status || !db.transfer.status) return failed_phases_message(db);
    return std::nullopt;
}

namespace {

// Rules 1 to 6 for one selected report; updates the job's success state.
// *message receives the entry's message with the agent's text marked,
// *status its status.
Entry judge(Job& job, std::int64_t cycle, const Candidate& c, const EvaluationInput& in, Message* message,
            EntryStatus* status) {
    Entry e = entry_from_report(job, cycle, c, in.now);
    const DatabaseReport& db = *c.database;

    if (std::optional<Message> why = staged_file_unreached(db)) {
        e.status = name_of(*status = EntryStatus::kFailed);
        *message = std::move(*why);
        e.message = message->text();
        return e;
    }
    const StagedFacts* facts = in.staged(db.staged_file_name);
    if (facts != nullptr && facts->state == StagedFacts::State::kRegular) {
        e.server_calculated_staged_hash = facts->sha256;
        e.server_calculated_staged_size = facts->size;
    }
    if (auto problem = integrity_problems(db, facts)) {
        e.status = name_of(*status = EntryStatus::kTransferIntegrityFailed);
        *message = std::move(*problem);
        e.message = message->text();
        return e;
    }

    const std::string& hash = *facts->sha256;
    const auto& previous = job.previous_successful_hash_global;
    e.status = name_of(*status = EntryStatus::kSuccess);
    e.message = "verified " + std::to_string(facts->size) + " bytes, sha256 " + hash;
    if (previous) {
        const bool differ = lower(*previous) != hash;
        e.previous_successful_hash_global = previous;
        e.hash_comparison_result = differ ? 1 : 0;
        const bool flagged = (in.content_change == ContentChange::kChanged && differ) ||
                             (in.content_change == ContentChange::kUnchanged && !differ);
        if (flagged) {
            e.status = name_of(*status = EntryStatus::kHashMismatch);
            e.message = (differ ? "content changed since the last successful backup: previous sha256 "
                                : "content unchanged since the last successful backup: sha256 ") +
                        *previous + (differ ? ", new " + hash : "");
        }
    }
    *message = Message(e.message);
    // A late report for an older cycle must not roll the job's latest success back.
    if (job.last_successful_backup_timestamp == kNoTime ||
        c.end_time() >= job.last_successful_backup_timestamp) {
        job.previous_successful_hash_global = hash;
        job.last_successful_backup_timestamp = c.end_time();
    }
    return e;
}

Entry missing_entry(const Job& job, const Schedule& schedule, std::int64_t cycle, std::int64_t now) {
    Entry e;
    e.expected_job_id = job.id;
    e.cycle_expected_at = cycle;
    e.timestamp = now;
    e.agent_id = job.agent_id_responsible;
    e.status = name_of(EntryStatus::kMissing);
    const std::string deadline = cycle_label(deadline_of(schedule, cycle));
    if (schedule.early_minutes() == schedule.late_minutes()) {
        e.message = "no report ended within " + std::to_string(schedule.late_minutes()) + " minutes of " +
                    cycle_label(cycle) + " (deadline " + deadline + ")";
    } else {
        e.message = "no report ended between " + cycle_label(cycle - schedule.early()) + " and " + deadline +
                    " (the window of " + cycle_label(cycle) + ")";
    }
    return e;
}

}  // namespace

Schedule schedule_of(const Job& job) {
    return Schedule(daily_cron(job.expected_hour_utc.value_or(0), job.expected_minute_utc.value_or(0)), Zone(),
                    job.early_minutes.value_or(job.window_minutes), job.late_minutes.value_or(job.window_minutes));
}

Status job_schedule(const Job& job, const Zone& zone, std::optional<Schedule>* out) {
    CronSpec cron;
    if (Status st = parse_cron(job.schedule_text(), &cron); !st.is_ok()) {
        return Status::error(st.code(), "schedule \"" + job.schedule_text() + "\": " + st.message());
    }
    out->emplace(std::move(cron), zone, job.early_minutes.value_or(job.window_minutes),
                    job.late_minutes.value_or(job.window_minutes));
    return Status::ok();
}

std::map<std::int64_t, const Candidate*> select_per_cycle(const Schedule& schedule,
                                                          const std::vector<Candidate>& candidates) {
    std::map<std::int64_t, const Candidate*> best;
    for (const Candidate& c : candidates) {
        auto cycle = cycle_of(schedule, c.end_time());
        if (!cycle) continue;
        auto [it, inserted] = best.emplace(*cycle, &c);
        if (inserted) continue;
        const Candidate* held = it->second;
        if (c.end_time() > held->end_time() ||
            (c.end_time() == held->end_time() && c.file_name > held->file_name)) {
            it->second = &c;
        }
    }
    return best;
}

std::int64_t earliest_cycle_needed(const Schedule& schedule,
                                   const std::vector<Candidate>& candidates, std::int64_t now) {
    std::int64_t earliest = latest_closed_cycle(schedule, now).value_or(now);
    for (const Candidate& c : candidates) {
        if (auto cycle = cycle_of(schedule, c.end_time())) earliest = std::min(earliest, *cycle);
    }
    return earliest;
}

Evaluation evaluate_job(const EvaluationInput& in) {
    Evaluation out;
    out.job = in.job;
    out.previous_status = in.job.current_status;
    out.previous_checked = in.job.last_checked_timestamp;
    Job& job = out.job;
    const Schedule schedule = in.schedule ? *in.schedule : schedule_of(job);

    // Per cycle: whether any entry exists, and the latest report end among entries made from reports.
    std::map<std::int64_t, std::int64_t> latest_report_end;
    std::map<std::int64_t, bool> has_entry;
    for (const Entry& e : in.existing) {
        has_entry[e.cycle_expected_at] = true;
        if (e.operation_end_time != kNoTime) {
            auto [it, inserted] = latest_report_end.emplace(e.cycle_expected_at, e.operation_end_time);
            if (!inserted) it->second = std::max(it->second, e.operation_end_time);
        }
    }

    std::vector<EntryStatus> statuses;  // of new_entries, index for index
    const auto selected = select_per_cycle(schedule, in.candidates);
    for (const Candidate& c : in.candidates) {
        auto cycle = cycle_of(schedule, c.end_time());
        if (!cycle) continue;
        const Candidate* chosen = selected.at(*cycle);
        if (chosen != &c) {
            out.outcomes.push_back({c.file_name, false,
                                    "superseded by " + chosen->file_name + " in cycle " +
                                        cycle_label(*cycle)});
        }
    }

    for (const auto& [cycle, candidate] : selected) {
        auto held = latest_report_end.find(cycle);
        if (held != latest_report_end.end() && held->second >= candidate->end_time()) {
            out.outcomes.push_back({candidate->file_name, false,
                                    "cycle " + cycle_label(cycle) +
                                        " already has an entry from a report ending at " +
                                        format_iso(held->second) + " or later"});
            continue;
        }
        Message message;
        EntryStatus status = EntryStatus::kFailed;
        out.new_entries.push_back(judge(job, cycle, *candidate, in, &message, &status));
        statuses.push_back(status);
        out.messages.push_back(std::move(message));
        out.outcomes.push_back({candidate->file_name, true, ""});
        has_entry[cycle] = true;
    }

    const auto closed = latest_closed_cycle(schedule, in.now);
    if (closed && owes_cycle(schedule, *closed, job.created_at) && !has_entry[*closed]) {
        out.new_entries.push_back(missing_entry(job, schedule, *closed, in.now));
        statuses.push_back(EntryStatus::kMissing);
        out.messages.emplace_back(out.new_entries.back().message);
    }

    for (std::size_t i = 0; i < out.new_entries.size(); ++i) {
        const Entry& e = out.new_entries[i];
        if (job.last_entry_cycle_at == kNoTime || e.cycle_expected_at >= job.last_entry_cycle_at) {
            job.last_entry_cycle_at = e.cycle_expected_at;
            job.current_status = name_of(job_status_for(statuses[i]));
        }
    }
    if (job.current_status != out.previous_status) job.status_changed_at = in.now;
    job.last_checked_timestamp = in.now;
    job.updated_at = in.now;
    return out;
}

bool judged_at_this_instant(const Job& job, std::int64_t now, bool has_candidates) {
    return !has_candidates && job.last_checked_timestamp == now;
}

}  // namespace vigil::host
