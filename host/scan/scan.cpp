#include "scan.hpp"

#include "agent_id.hpp"
#include "archive.hpp"
#include "collect.hpp"
#include "decisions.hpp"
#include "evaluate.hpp"
#include "fault.hpp"
#include "files.hpp"
#include "plugin_open.hpp"
#include "plugin_paths.hpp"
#include "verify.hpp"

#include <vigil/timestamp.hpp>

#include <spdlog/spdlog.h>

#include <chrono>
#include <iomanip>
#include <set>

namespace vigil::host {

namespace {

PluginChoice default_choice(const Config& config, const std::string& plugin) {
    PluginChoice c;
    c.plugin = plugin;
    c.name = plugin;
    c.where = config.file.string() + ":1 (default " + plugin + ")";
    c.config_json = "{}";
    return c;
}

std::vector<Job> configured_jobs(const Config& config) {
    std::vector<Job> jobs;
    for (const JobConfig& jc : config.jobs) {
        Job j;
        auto parts = parse_agent_id(jc.agent);
        j.agent_id_responsible = jc.agent;
        j.company_name = parts->company;
        j.city = parts->city;
        j.neighborhood = parts->neighborhood;
        j.database_name = jc.database;
        j.expected_hour_utc = jc.hour;
        j.expected_minute_utc = jc.minute;
        j.window_minutes = jc.window_minutes;
        jobs.push_back(std::move(j));
    }
    return jobs;
}

std::string job_label(const Job& j) {
    return j.agent_id_responsible + "/" + j.database_name + " at " + time_of_day(j.expected_hour_utc, j.expected_minute_utc);
}

// Whether a database block could reach the staged-file rules (3-4).
bool needs_staged_file(const DatabaseReport& db) {
    return is_plain_file_name(db.staged_file_name) && db.backup.status && db.compress.status && db.transfer.status;
}

std::vector<Candidate> candidates_for(const AgentFolder& agent, const Job& job,
                                      const std::vector<bool>& excluded) {
    std::vector<Candidate> out;
    for (std::size_t i = 0; i < agent.reports.size(); ++i) {
        const ReportFile& f = agent.reports[i];
        if (!f.kept() || excluded[i]) continue;
        for (const DatabaseReport& db : f.report->databases) {
            if (db.database_name == job.database_name) out.push_back(Candidate{f.file_name, &*f.report, &db});
        }
    }
    return out;
}

class Scanner {
public:
    Scanner(const Config& config, ScanPlugins& plugins, const ScanOptions& options, ScanSummary* summary)
        : config_(config), plugins_(plugins), options_(options), summary_(summary) {
        for (const auto& check : plugins_.integrity_checks) checks_.push_back(check.get());
    }

    Status run();

private:
    Status sync_jobs();
    void precheck_duplicates(Collection& collection);
    void verify_candidates(const Collection& collection, const std::vector<Job>& jobs);
    const StagedFacts* staged_facts(const AgentFolder& agent, const std::string& staged_file_name);
    Status process_agent(AgentFolder& agent);
    Status evaluate_agent(AgentFolder& agent, std::vector<bool>& duplicate);
    void archive_agent(const AgentFolder& agent);

    const Config& config_;
    ScanPlugins& plugins_;
    const ScanOptions& options_;
    ScanSummary* summary_;
    std::vector<const IntegrityHandle*> checks_;
    std::set<std::string> likely_duplicates_;  // content hashes already recorded before this scan
    std::map<std::filesystem::path, StagedFacts> staged_;
};

Status Scanner::sync_jobs() {
    StorageHandle& db = *plugins_.storage;
    Status st = db.begin();
    if (st.is_ok()) st = db.sync_jobs(configured_jobs(config_), options_.now);
    if (st.is_ok()) st = db.commit();
    if (!st.is_ok()) {
        db.rollback();
        return Status::error(Status::Code::kUnavailable, "synchronising the configured jobs: " + st.message());
    }
    return st;
}

// Reports recorded by an earlier scan need no staged-file work; the final
// word is taken again inside each agent's transaction.
void Scanner::precheck_duplicates(Collection& collection) {
    for (const AgentFolder& agent : collection.agents) {
        for (const ReportFile& f : agent.reports) {
            StorageHandle::ReportSeen seen;
            if (plugins_.storage->find_report(f.content_sha256, agent.agent_id, f.file_name, &seen).is_ok() &&
                seen.content_seen) {
                likely_duplicates_.insert(f.content_sha256);
            }
        }
    }
}

void Scanner::verify_candidates(const Collection& collection, const std::vector<Job>& jobs) {
    std::map<std::string, std::vector<const Job*>> jobs_by_agent;
    for (const Job& j : jobs) jobs_by_agent[j.agent_id_responsible].push_back(&j);
    std::set<std::filesystem::path> paths;
    for (const AgentFolder& agent : collection.agents) {
        std::vector<bool> excluded(agent.reports.size());
        for (std::size_t i = 0; i < agent.reports.size(); ++i) {
            excluded[i] = likely_duplicates_.count(agent.reports[i].content_sha256) > 0;
        }
        for (const Job* job : jobs_by_agent[agent.agent_id]) {
            const auto candidates = candidates_for(agent, *job, excluded);
            for (const auto& [cycle, c] : select_per_cycle(schedule_of(*job), candidates)) {
                if (needs_staged_file(*c->database)) paths.insert(agent.database_dir() / c->database->staged_file_name);
            }
        }
    }
    VerifyTotals totals;
    staged_ = verify_staged_files({paths.begin(), paths.end()}, checks_, config_.verify_threads, &totals);
    summary_->files_verified += totals.files;
    summary_->bytes_verified += totals.bytes;
}

// Facts for a staged file, verifying it now if phase 2 needs one that was
// not foreseen (the job list changed in between, or a precheck was wrong).
const StagedFacts* Scanner::staged_facts(const AgentFolder& agent, const std::string& staged_file_name) {
    const auto path = agent.database_dir() / staged_file_name;
    auto it = staged_.find(path);
    if (it == staged_.end()) {
        VerifyTotals totals;
        auto facts = verify_staged_files({path}, checks_, 1, &totals);
        summary_->files_verified += totals.files;
        summary_->bytes_verified += totals.bytes;
        it = staged_.emplace(path, std::move(facts.begin()->second)).first;
    }
    return &it->second;
}

Status Scanner::evaluate_agent(AgentFolder& agent, std::vector<bool>& duplicate) {
    StorageHandle& db = *plugins_.storage;

    // Duplicates: content already recorded (by an earlier scan, or earlier in this one).
    std::vector<bool> record_fate(agent.reports.size(), true);
    std::set<std::string> seen_here;
    for (std::size_t i = 0; i < agent.reports.size(); ++i) {
        ReportFile& f = agent.reports[i];
        StorageHandle::ReportSeen seen;
        if (Status st = db.find_report(f.content_sha256, agent.agent_id, f.file_name, &seen); !st.is_ok()) return st;
        if (seen.content_seen || !seen_here.insert(f.content_sha256).second) {
            duplicate[i] = true;
            // Already recorded under this very name: a rerun after a crash, nothing new to say.
            record_fate[i] = !seen.same_file;
        }
    }

    std::vector<Job> jobs;
    if (Status st = db.load_jobs(agent.agent_id, &jobs); !st.is_ok()) return st;

    std::map<std::string, bool> used;                      // file -> made an entry
    std::map<std::string, std::vector<std::string>> why;   // file -> reasons it made none
    std::set<std::string> job_databases;
    for (const Job& job : jobs) job_databases.insert(job.database_name);

    for (const Job& job : jobs) {
        EvaluationInput in;
        in.job = job;
        in.candidates = candidates_for(agent, job, duplicate);
        in.now = options_.now;
        in.content_change = config_.content_change;
        in.staged = [&](const std::string& name) { return staged_facts(agent, name); };
        const Schedule schedule = schedule_of(job);
        const std::int64_t since = earliest_cycle_needed(schedule, in.candidates, options_.now);
        if (Status st = db.load_entries(job.id, since, &in.existing); !st.is_ok()) return st;

        Evaluation result = evaluate_job(in);
        for (const Candidate& c : in.candidates) {
            if (!cycle_of(schedule, c.end_time())) {
                why[c.file_name].push_back("ended outside every window of " + job_label(job));
            }
        }
        for (const CandidateOutcome& o : result.outcomes) {
            if (o.used) used[o.file_name] = true;
            else why[o.file_name].push_back(job_label(job) + ": " + o.reason);
        }
        for (const Entry& e : result.new_entries) {
            std::int64_t id = 0;
            if (Status st = db.insert_entry(e, &id); !st.is_ok()) return st;
            ++summary_->entries[e.status];
            const auto level = e.status == "success" ? spdlog::level::info : spdlog::level::warn;
            spdlog::log(level, "{}: cycle {}: {}: {}", job_label(job), format_iso(e.cycle_expected_at), e.status,
                        e.message);
            fault_point("evaluate.entry");
        }
        if (Status st = db.update_job_state(result.job); !st.is_ok()) return st;
        if (Status st = plugins_.notifiers.queue(db, result, options_.now, &summary_->events_queued); !st.is_ok()) {
            return st;
        }
        if (result.job.current_status != result.previous_status) {
            spdlog::info("{}: status {} -> {}", job_label(job), result.previous_status, result.job.current_status);
        }
        ++summary_->job_status[result.job.current_status];
    }

    for (std::size_t i = 0; i < agent.reports.size(); ++i) {
        ReportFile& f = agent.reports[i];
        if (duplicate[i]) {
            f.fate = "duplicate";
            f.reason = "the same content was already processed";
        } else if (f.kept()) {
            bool names_a_job = false;
            for (const DatabaseReport& d : f.report->databases) names_a_job |= job_databases.count(d.database_name) > 0;
            if (used[f.file_name]) {
                f.fate = "used";
            } else if (!names_a_job) {
                f.fate = "no_job";
                f.reason = f.report->databases.empty() ? "the report lists no database"
                                                       : "no active job of agent " + agent.agent_id +
                                                             " for the database(s) it lists";
            } else {
                f.fate = "irrelevant";
                for (const auto& reason : why[f.file_name]) f.reason += (f.reason.empty() ? "" : "; ") + reason;
            }
        }
        if (f.source) ++summary_->sources[*f.source];
        ++summary_->fates[f.fate];
        if (f.fate != "used") {
            const auto level = f.fate == "duplicate" ? spdlog::level::info : spdlog::level::warn;
            spdlog::log(level, "{}: {}: {}", printable((agent.log_dir() / f.file_name).string()), f.fate, f.reason);
        }
        if (!record_fate[i]) continue;
        ReportRecord record;
        record.content_sha256 = f.content_sha256;
        record.agent_id = agent.agent_id;
        record.file_name = f.file_name;
        record.fate = f.fate;
        record.reason = f.reason;
        record.source = f.source;
        record.operation_end_time = f.report ? f.report->operation_end_time : kNoTime;
        record.scanned_at = options_.now;
        if (Status st = db.record_report(record); !st.is_ok()) return st;
        fault_point("evaluate.report");
    }
    return Status::ok();
}

Status Scanner::process_agent(AgentFolder& agent) {
    StorageHandle& db = *plugins_.storage;
    Status st = db.begin();
    bool acquired = false;
    if (st.is_ok()) st = db.try_lock_agent(agent.agent_id, &acquired);
    if (st.is_ok() && !acquired) {
        db.rollback();
        ++summary_->agents_busy;
        spdlog::info("agent {}: skipped: another scanner is processing it", agent.agent_id);
        return Status::ok();
    }
    fault_point("agent.begin");
    std::vector<bool> duplicate(agent.reports.size(), false);
    if (st.is_ok()) st = evaluate_agent(agent, duplicate);
    fault_point("agent.before_commit");
    if (st.is_ok()) st = db.commit();
    if (!st.is_ok()) {
        db.rollback();
        ++summary_->agents_failed;
        spdlog::error("agent {}: nothing recorded, reports left in place: {}", agent.agent_id, st.message());
        return st;
    }
    fault_point("agent.committed");
    ++(agent.has_folder ? summary_->agents_scanned : summary_->agents_without_folder);
    archive_agent(agent);
    return Status::ok();
}

void Scanner::archive_agent(const AgentFolder& agent) {
    for (const ReportFile& f : agent.reports) {
        if (options_.dry_run) {
            ++summary_->archived;
            spdlog::info("{}: would be archived ({})", printable((agent.log_dir() / f.file_name).string()), f.fate);
            continue;
        }
        std::string archived_as;
        Status st;
        ArchiveOutcome outcome = archive_report(agent.log_dir(), f.file_name, &archived_as, &st);
        if (outcome == ArchiveOutcome::kFailed) {
            ++summary_->archive_failed;
            spdlog::error("{}", st.message());
        } else if (outcome == ArchiveOutcome::kMoved) {
            ++summary_->archived;
            if (archived_as != f.file_name) {
                spdlog::info("{}: archived as _archive/{} (name taken)",
                             printable((agent.log_dir() / f.file_name).string()), archived_as);
            }
        }
        fault_point("archive.report");
    }
}

Status Scanner::run() {
    if (Status st = sync_jobs(); !st.is_ok()) return st;

    std::vector<ReportSourceHandle*> sources;
    for (auto& s : plugins_.report_sources) sources.push_back(s.get());
    ReportReader reader(sources);
    CollectSettings settings;
    settings.storage_root = config_.storage_root;
    settings.now = options_.now;
    settings.real_now = options_.real_now;
    settings.max_report_age_days = config_.max_report_age_days;
    settings.report_settle_seconds = config_.report_settle_seconds;
    settings.max_report_bytes = config_.max_report_bytes;
    Collection collection;
    if (Status st = collect(settings, reader, &collection); !st.is_ok()) return st;
    summary_->agents_skipped = collection.skipped_folders;
    summary_->reports_unsettled = collection.unsettled_reports;
    summary_->entries_ignored = collection.ignored_entries;
    for (const auto& a : collection.agents) summary_->reports_found += static_cast<int>(a.reports.size());

    std::vector<Job> jobs;
    if (Status st = plugins_.storage->load_jobs("", &jobs); !st.is_ok()) {
        return Status::error(Status::Code::kUnavailable, st.message());
    }
    precheck_duplicates(collection);
    verify_candidates(collection, jobs);

    // Jobs are evaluated per agent, including agents that dropped nothing.
    std::map<std::string, AgentFolder*> by_agent;
    for (auto& a : collection.agents) by_agent[a.agent_id] = &a;
    std::vector<AgentFolder> absent;
    for (const Job& j : jobs) {
        if (by_agent.count(j.agent_id_responsible)) continue;
        absent.push_back(AgentFolder{j.agent_id_responsible, config_.storage_root / j.agent_id_responsible, {}, false});
        by_agent[j.agent_id_responsible] = nullptr;
    }
    for (auto& a : absent) by_agent[a.agent_id] = &a;

    Status overall = Status::ok();
    for (auto& [id, agent] : by_agent) {
        Status st = process_agent(*agent);
        if (!st.is_ok() && overall.is_ok()) overall = Status::error(Status::Code::kUnavailable, st.message());
    }
    if (!options_.dry_run) {
        summary_->deliveries = plugins_.notifiers.deliver(*plugins_.storage, options_.now, options_.real_now);
    }
    return overall;
}

}  // namespace

Status open_scan_plugins(const Config& config, ScanPlugins* plugins) {
    const auto search_path = plugin_search_path(config.plugin_path);
    auto reports = config.reports;
    if (reports.empty()) reports.push_back(default_choice(config, "status_json"));
    for (const auto& choice : reports) {
        std::unique_ptr<ReportSourceHandle> h;
        if (Status st = open_plugin(choice, search_path, &h); !st.is_ok()) return st;
        plugins->report_sources.push_back(std::move(h));
    }
    auto checks = config.integrity;
    // The server hash (docs/scan.md, rule 4) comes from sha256, configured or not.
    bool has_sha256 = false;
    for (const auto& c : checks) has_sha256 |= c.plugin == "sha256";
    if (!has_sha256) checks.insert(checks.begin(), default_choice(config, "sha256"));
    for (const auto& choice : checks) {
        std::unique_ptr<IntegrityHandle> h;
        if (Status st = open_plugin(choice, search_path, &h); !st.is_ok()) return st;
        plugins->integrity_checks.push_back(std::move(h));
    }
    if (Status st = Notifiers::open(config, &plugins->notifiers); !st.is_ok()) return st;
    return open_plugin(config.database, search_path, &plugins->storage);
}

Status run_scan(const Config& config, ScanPlugins& plugins, const ScanOptions& options, ScanSummary* summary) {
    const auto started = std::chrono::steady_clock::now();
    summary->now = options.now;
    summary->dry_run = options.dry_run;
    Scanner scanner(config, plugins, options, summary);
    Status st = scanner.run();
    summary->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return st;
}

void ScanSummary::print(std::ostream& out) const {
    auto list = [](const std::map<std::string, int>& counts, std::initializer_list<const char*> order) {
        std::string text;
        for (const char* key : order) {
            auto it = counts.find(key);
            text += (text.empty() ? "" : ", ") + std::string(key) + " " + std::to_string(it == counts.end() ? 0 : it->second);
        }
        return text;
    };
    int reports_total = 0;
    for (const auto& [fate, n] : fates) reports_total += n;
    int jobs_total = 0;
    for (const auto& [status, n] : job_status) jobs_total += n;
    int entries_total = 0;
    for (const auto& [status, n] : entries) entries_total += n;

    out << "vigil scan " << (dry_run ? "--dry-run " : "") << "at " << format_iso(now)
        << (dry_run ? ": nothing was recorded, archived or sent" : "") << "\n";
    out << "  agents:   " << agents_scanned << " scanned, " << agents_without_folder << " without a folder, "
        << agents_skipped << " folders skipped, " << agents_busy << " held by another scanner, " << agents_failed
        << " failed\n";
    out << "  reports:  " << reports_total << " processed: "
        << list(fates, {"used", "invalid", "stale", "future", "agent_mismatch", "irrelevant", "no_job", "duplicate"})
        << "\n";
    out << "            " << reports_unsettled << " not yet settled, " << entries_ignored
        << " non-regular files ignored, " << archived << (dry_run ? " would be archived, " : " archived, ")
        << archive_failed << " could not be archived\n";
    if (!sources.empty()) {
        std::string text;
        for (const auto& [name, n] : sources) text += (text.empty() ? "" : ", ") + name + " " + std::to_string(n);
        out << "  sources:  " << text << "\n";
    }
    out << "  entries:  " << entries_total << " recorded: "
        << list(entries, {"success", "hash_mismatch", "failed", "transfer_integrity_failed", "missing"}) << "\n";
    out << "  jobs:     " << jobs_total << " active: "
        << list(job_status, {"ok", "failed", "transfer_integrity_failed", "missing", "unknown"}) << "\n";
    if (events_queued > 0 || !deliveries.empty()) {
        out << "  notify:   " << events_queued << " events queued";
        for (const auto& [name, d] : deliveries) {
            out << "; " << name << ": " << d.sent << " sent, " << d.retry_later << " to retry, " << d.failed
                << " failed";
        }
        out << "\n";
    }
    out << "  verified: " << files_verified << " staged files, " << bytes_verified << " bytes\n";
    out << "  time:     " << std::fixed << std::setprecision(3) << seconds << " s\n";
}

}  // namespace vigil::host
