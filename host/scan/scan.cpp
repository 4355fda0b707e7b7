#include "scan.hpp"

#include "agent_id.hpp"
#include "archive.hpp"
#include "collect.hpp"
#include "configured_jobs.hpp"
#include "decisions.hpp"
#include "evaluate.hpp"
#include "fault.hpp"
#include "files.hpp"
#include "job_view.hpp"
#include "log_text.hpp"
#include "plugin_open.hpp"
#include "plugin_paths.hpp"
#include "record.hpp"
#include "transaction.hpp"
#include "verify.hpp"

#include <vigil/timestamp.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <iomanip>
#include <iterator>
#include <optional>
#include <set>
#include <type_traits>

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

// The agents a scan visits, in name order: every folder under the storage
// root and every agent with configured jobs (those without a folder still
// get their missing entries). Once synchronised, the configured jobs are
// the active ones: each agent's are built when it is reached, so memory
// holds the configuration's jobs once, not a copy read back per scan.
class AgentRoster {
public:
    AgentRoster(const Config& config, std::vector<std::string> folders) : folders_(std::move(folders)) {
        for (const JobConfig& jc : config.jobs) jobs_.push_back(&jc);
        std::stable_sort(jobs_.begin(), jobs_.end(),
                         [](const JobConfig* a, const JobConfig* b) { return a->agent < b->agent; });
        const std::vector<std::string_view> configured = configured_agents(config);
        std::set_union(folders_.begin(), folders_.end(), configured.begin(), configured.end(),
                       std::back_inserter(agents_));
    }

    const std::vector<std::string_view>& agents() const { return agents_; }

    bool has_folder(std::string_view agent) const {
        return std::binary_search(folders_.begin(), folders_.end(), agent);
    }

    // The configured jobs of `agent`, which must come after the previous
    // agent asked about.
    std::vector<Job> next_jobs(std::string_view agent) {
        std::vector<Job> out;
        while (next_ < jobs_.size() && jobs_[next_]->agent < agent) ++next_;
        for (; next_ < jobs_.size() && jobs_[next_]->agent == agent; ++next_) out.push_back(configured_job(*jobs_[next_]));
        return out;
    }

private:
    std::vector<std::string> folders_;  // sorted
    std::vector<const JobConfig*> jobs_;  // by agent
    std::vector<std::string_view> agents_;
    std::size_t next_ = 0;
};

// What collecting an agent reads from: the storage root, the agents to
// visit and how the report sources name and read reports.
struct StorageWalk {
    const Dir& root;
    AgentRoster& roster;
    const ReportNames& names;
    ReportReader& reader;
};

// The staged files the agent's evaluation will ask about, foreseen from the
// jobs known before its transaction (reports recorded before are left out).
std::vector<std::string> staged_files_to_verify(const AgentFolder& agent, const std::vector<Job>& jobs,
                                                const std::map<std::string, ReportSeen>& seen) {
    std::vector<bool> excluded(agent.reports.size());
    for (std::size_t i = 0; i < agent.reports.size(); ++i) {
        const auto it = seen.find(agent.reports[i].file_name);
        excluded[i] = it != seen.end() && it->second.content_seen;
    }
    std::set<std::string> names;
    for (const Job& job : jobs) {
        // A job whose schedule does not resolve fails its agent when recorded.
        std::optional<Schedule> schedule;
        if (!schedule_for(job, &schedule).is_ok()) continue;
        const auto candidates = candidates_for(agent, job, excluded);
        for (const auto& [cycle, c] : select_per_cycle(*schedule, candidates)) {
            if (!staged_file_unreached(*c->database)) names.insert(c->database->staged_file_name);
        }
    }
    return {names.begin(), names.end()};
}

// The real-clock start of the latest completed scan; kNoTime when there is
// none or the storage cannot say.
std::int64_t latest_completed_scan_start(StorageHandle& storage) {
    std::vector<Scan> scans;
    if (!storage.load_scans(true, 1, &scans).is_ok() || scans.empty()) return kNoTime;
    return scans.front().started_at;
}

// Group commit: agents written in one transaction, committed when the group
// has no room left for a full claim within this many agents or has been
// open this long, whichever comes first (docs/scan.md). One fdatasync per
// group instead of one per agent, while a scan killed mid-group redoes at
// most this much work.
constexpr std::size_t kGroupAgents = 64;
constexpr std::chrono::milliseconds kGroupTime{1000};
// Agents claimed and being verified, per verification thread, left ahead of
// the one being written once a claimed batch has entered: enough to keep the
// threads busy, few enough that memory holds only a batch and a handful of
// agents.
constexpr std::size_t kInFlightPerThread = 2;
// Agents claimed in one call: a round trip to a database server for every
// 16 agents rather than for each; few enough that a batch's agents are
// read well within the group's time.
constexpr std::size_t kClaimBatch = 16;

// An agent collected and verified, on its way through recording and archiving.
struct AgentInFlight {
    AgentFolder agent;
    bool has_folder = false;
    std::vector<Job> jobs;  // its configured jobs, known before the scan's transactions
    std::unique_ptr<StagedFiles> staged;  // once verified; refers to `agent`: both live as long as this
    // find_reports' answers, asked before its verification started, to
    // foresee the staged files its evaluation will ask about.
    std::map<std::string, ReportSeen> reports_seen;
    // What its write reads, read in the group transaction that claimed it.
    std::optional<ReadAhead> read_ahead;
    // What the database refused of its reports (a group's write that named one).
    Refusals refusals;
    AgentRecording recording;
};

// A list of the one agent, for the steps that take several.
std::vector<std::unique_ptr<AgentInFlight>> only(std::unique_ptr<AgentInFlight> agent) {
    std::vector<std::unique_ptr<AgentInFlight>> list;
    list.push_back(std::move(agent));
    return list;
}

class Scanner {
public:
    Scanner(const Config& config, ScanPlugins& plugins, const ScanOptions& options, ScanSummary* summary)
        : config_(config), plugins_(plugins), options_(options), summary_(summary), pool_(config.verify_threads),
          group_transaction_(*plugins.storage) {
        for (const auto& check : plugins_.integrity_checks) checks_.push_back(check.get());
        settings_.now = options.now;
        settings_.real_now = options.real_now;
        settings_.max_report_age_days = config.max_report_age_days;
        settings_.report_settle_seconds = config.report_settle_seconds;
        settings_.max_report_bytes = config.max_report_bytes;
        settings_.max_reports_per_agent = config.max_reports_per_agent;
    }

    Status run();

private:
    Status sync_jobs();
    // Keeps the first error of the scan, which goes on past it.
    void note(const Status& st) {
        if (!st.is_ok() && overall_.is_ok()) overall_ = Status::error(Status::Code::kUnavailable, st.message());
    }
    // The agent ids from agents[next] (one itself) that the next claim
    // takes: up to the first name that is not an agent id, at most
    // kClaimBatch.
    std::vector<std::string> next_batch(const std::vector<std::string_view>& agents, std::size_t next) const;
    // Claims `batch`, collects each agent it holds, reads ahead what their
    // writes read (a call for all of them for each table), then enters them
    // in order. Returns how many of the batch it went through: one when
    // no group could hold the claims (that agent was recorded on its own,
    // and the rest are to be claimed again), all of them otherwise.
    std::size_t claim_and_collect(const std::vector<std::string>& batch, const StorageWalk& walk);
    // Collects one agent (open, list, read, parse); nullptr when its folder
    // is not an agent folder and it has no jobs.
    std::unique_ptr<AgentInFlight> collect_agent(const StorageWalk& walk, const std::string& agent_id,
                                                 std::vector<Job> jobs);
    // Reads ahead for the agents, inside the group transaction that claimed
    // them; false when the database could not answer.
    bool read_ahead_of(const std::vector<AgentInFlight*>& agents);
    // Starts verifying the staged files its evaluation will foresee (once).
    void start_verify(AgentInFlight& agent);
    // Whether the open group is due for its commit.
    bool group_due() const;
    // How claiming an agent went.
    enum class Claim {
        kHeld,         // claimed in the open group
        kBusy,         // held by another scanner
        kAlone,        // no group could be opened: to be recorded on its own
        kGroupFailed,  // the claim failed: the group is to be rolled back
    };
    // Claims the agents in the open group, opening one when none is: a
    // claim for each, or a single claim for the first agent when no group
    // could be opened or the claims failed (the others are to be claimed
    // again).
    std::vector<Claim> claim(const std::vector<std::string>& agent_ids);
    // The collected agent after its claim: held, it joins the agents in
    // flight, its verification started.
    Status enter(std::unique_ptr<AgentInFlight> agent, Claim claimed);
    // Writes the oldest agent in flight into the group once verified.
    Status write_next();
    // Writes every agent in flight and the group's rows, commits the group,
    // then archives its agents' reports. When that write or the commit
    // fails, records each agent again on its own.
    Status commit_group();
    // A step of the group failed: the group rolled back, each of its agents,
    // those of `failed` and those in flight recorded on their own, the
    // report `culprit` names (when the database named a row) blamed first.
    Status fail_group(std::vector<std::unique_ptr<AgentInFlight>> failed, const Culprit& culprit = {},
                      const Status& error = Status::ok());
    // Records each agent in a transaction of its own.
    Status record_one_by_one(std::vector<std::unique_ptr<AgentInFlight>> agents);
    // After the agent's rows are durable: its counts, log lines and archive moves.
    void finish_agent(AgentInFlight& agent);
    void archive_agent(const AgentFolder& agent, const std::set<std::string>& unrecorded);
    // The staged files read for the agent, whatever became of it.
    void count_verified(const AgentInFlight& agent) {
        if (!agent.staged) return;
        summary_->files_verified += agent.staged->totals().files;
        summary_->bytes_verified += agent.staged->totals().bytes;
    }
    void skip_busy(const std::string& agent_id) {
        ++summary_->agents_busy;
        // Routine when scanners share the database: the summary counts them.
        spdlog::debug("agent {}: skipped: another scanner is processing it", agent_id);
    }
    RecordContext record_context(AgentInFlight& agent) const;

    const Config& config_;
    ScanPlugins& plugins_;
    const ScanOptions& options_;
    ScanSummary* summary_;
    CollectSettings settings_;
    std::vector<const IntegrityHandle*> checks_;
    // Declared before the agents: their verifications end before it stops.
    VerifyPool pool_;
    Transaction group_transaction_;
    std::deque<std::unique_ptr<AgentInFlight>> in_flight_;  // claimed, being verified
    std::vector<std::unique_ptr<AgentInFlight>> group_;     // written, awaiting the commit
    RowsToWrite group_rows_;  // the group's rows, written in one call before its commit
    std::chrono::steady_clock::time_point group_opened_;
    Status overall_ = Status::ok();
};

Status Scanner::sync_jobs() {
    Transaction transaction(*plugins_.storage);
    Status st = transaction.begin();
    if (st.is_ok()) {
        const ConfiguredJobViews jobs(config_);
        st = plugins_.storage->sync_jobs(jobs.data(), jobs.size(), options_.now);
    }
    if (st.is_ok()) st = transaction.commit();
    if (!st.is_ok()) {
        return Status::error(Status::Code::kUnavailable, "synchronising the configured jobs: " + st.message());
    }
    return st;
}

// Open, list, read and parse. Only this agent's capped reports are
// held (and, once verified, its staged files' facts).
std::unique_ptr<AgentInFlight> Scanner::collect_agent(const StorageWalk& walk, const std::string& agent_id,
                                                      std::vector<Job> jobs) {
    auto in_flight = std::make_unique<AgentInFlight>();
    const bool has_folder = walk.roster.has_folder(agent_id);
    in_flight->has_folder = has_folder;
    in_flight->jobs = std::move(jobs);
    AgentFolder& agent = in_flight->agent;
    agent.agent_id = agent_id;
    if (has_folder && !open_agent_folder(walk.root, agent_id, &agent)) {
        ++summary_->agents_skipped;
        // Its jobs are still judged (missing entries), from no report.
        if (in_flight->jobs.empty()) return nullptr;
        agent = AgentFolder();
        agent.agent_id = agent_id;
    }
    if (agent.log.is_open()) {
        list_reports(settings_, walk.names, &agent);
        read_reports(settings_, walk.reader, &agent);
    }
    summary_->reports_found += static_cast<int>(agent.reports.size());
    summary_->reports_deferred += agent.deferred;
    summary_->reports_unsettled += agent.unsettled;
    summary_->entries_ignored += agent.ignored;
    summary_->reports_unrecognised += agent.unrecognised;

    return in_flight;
}

bool Scanner::read_ahead_of(const std::vector<AgentInFlight*>& agents) {
    std::vector<const AgentFolder*> folders;
    for (AgentInFlight* agent : agents) folders.push_back(&agent->agent);
    std::vector<ReadAhead> read;
    if (!read_ahead(*plugins_.storage, folders, std::vector<const Refusals*>(agents.size(), nullptr), options_.now,
                    &read)
             .is_ok()) {
        return false;
    }
    for (std::size_t i = 0; i < agents.size(); ++i) {
        agents[i]->reports_seen = read[i].seen;
        agents[i]->read_ahead = std::move(read[i]);
    }
    return true;
}

void Scanner::start_verify(AgentInFlight& in_flight) {
    if (in_flight.staged) return;
    const AgentFolder& agent = in_flight.agent;
    in_flight.staged = std::make_unique<StagedFiles>(agent, checks_, pool_);
    if (!agent.reports.empty() && !in_flight.jobs.empty()) {
        in_flight.staged->start(staged_files_to_verify(agent, in_flight.jobs, in_flight.reports_seen));
    }
}

RecordContext Scanner::record_context(AgentInFlight& agent) const {
    RecordContext context;
    context.storage = plugins_.storage.get();
    context.notifiers = &plugins_.notifiers;
    context.now = options_.now;
    context.content_change = config_.content_change;
    context.routine_at_info = options_.dry_run;
    StagedFiles* staged = agent.staged.get();
    context.staged = [staged](const std::string& name) { return staged->facts(name); };
    return context;
}

// A group with less room than a claim takes is due: when other scanners
// hold some of the agents it claims, it would otherwise fill up a few
// agents per claim, a round trip each.
bool Scanner::group_due() const {
    return group_transaction_.is_open() && (group_.size() + in_flight_.size() + kClaimBatch > kGroupAgents ||
                                            std::chrono::steady_clock::now() - group_opened_ >= kGroupTime);
}

// Claimed before anything of the agent is read: scanners sharing the
// database split the reading instead of each doing all of it.
std::vector<Scanner::Claim> Scanner::claim(const std::vector<std::string>& agent_ids) {
    if (!group_transaction_.is_open()) {
        // The database will tell the agent why, on its own.
        if (!group_transaction_.begin().is_ok()) return {Claim::kAlone};
        group_opened_ = std::chrono::steady_clock::now();
    }
    std::vector<bool> acquired;
    if (!plugins_.storage->claim_agents(agent_ids, &acquired).is_ok()) return {Claim::kGroupFailed};
    std::vector<Claim> claims;
    for (const bool held : acquired) claims.push_back(held ? Claim::kHeld : Claim::kBusy);
    return claims;
}

Status Scanner::enter(std::unique_ptr<AgentInFlight> agent, Claim claimed) {
    switch (claimed) {
        case Claim::kHeld:
            fault_point("agent.begin");
            start_verify(*agent);
            in_flight_.push_back(std::move(agent));
            return Status::ok();
        case Claim::kGroupFailed:
            return fail_group(only(std::move(agent)));
        case Claim::kAlone:
            return record_one_by_one(only(std::move(agent)));
        case Claim::kBusy:
            break;
    }
    return Status::ok();
}

Status Scanner::write_next() {
    std::unique_ptr<AgentInFlight> agent = std::move(in_flight_.front());
    in_flight_.pop_front();
    agent->staged->wait();
    if (Status st = write_in_group(record_context(*agent), agent->agent, std::move(*agent->read_ahead),
                                   &agent->recording, &group_rows_);
        !st.is_ok()) {
        return fail_group(only(std::move(agent)));
    }
    group_.push_back(std::move(agent));
    return Status::ok();
}

Status Scanner::fail_group(std::vector<std::unique_ptr<AgentInFlight>> failed, const Culprit& culprit,
                           const Status& error) {
    group_transaction_.rollback();
    group_rows_ = RowsToWrite();
    std::vector<std::unique_ptr<AgentInFlight>> agents = std::move(group_);
    group_.clear();
    for (auto& agent : failed) agents.push_back(std::move(agent));
    for (auto& agent : in_flight_) agents.push_back(std::move(agent));
    in_flight_.clear();
    for (auto& agent : agents) {
        agent->read_ahead.reset();
        if (!culprit.file_name.empty() && agent->agent.agent_id == culprit.agent_id) {
            agent->refusals.blame(agent->agent, culprit.file_name, error);
        }
    }
    return record_one_by_one(std::move(agents));
}

Status Scanner::commit_group() {
    while (!in_flight_.empty()) {
        if (Status st = write_next(); !st.is_ok()) return st;
    }
    if (!group_transaction_.is_open()) return Status::ok();
    Culprit culprit;
    if (Status st = write_rows(*plugins_.storage, &group_rows_, &culprit); !st.is_ok()) {
        return fail_group({}, culprit, st);
    }
    std::vector<std::unique_ptr<AgentInFlight>> agents = std::move(group_);
    group_.clear();
    fault_point("agent.before_commit");
    if (Status st = group_transaction_.commit(); !st.is_ok()) {
        spdlog::warn("a group of {} agents could not be committed ({}): recording each on its own", agents.size(),
                     log_text(st.message(), kLogErrorLimit));
        return record_one_by_one(std::move(agents));
    }
    fault_point("agent.committed");
    for (auto& agent : agents) {
        agent->recording.emit_logs();
        finish_agent(*agent);
    }
    return Status::ok();
}

Status Scanner::record_one_by_one(std::vector<std::unique_ptr<AgentInFlight>> agents) {
    Status overall = Status::ok();
    for (auto& agent : agents) {
        if (!agent->staged) {
            agent->reports_seen = look_up_reports(*plugins_.storage, {&agent->agent}).front();
            start_verify(*agent);
        }
        Status error;
        switch (record_agent(record_context(*agent), agent->agent, agent->refusals, &agent->recording, &error)) {
            case RecordOutcome::kBusy:
                skip_busy(agent->agent.agent_id);
                count_verified(*agent);
                break;
            case RecordOutcome::kFailed:
                ++summary_->agents_failed;
                count_verified(*agent);
                spdlog::error("agent {}: nothing recorded, reports left in place: {}", agent->agent.agent_id,
                              log_text(error.message(), kLogErrorLimit));
                if (overall.is_ok()) overall = error;
                break;
            case RecordOutcome::kCommitted:
                fault_point("agent.committed");
                finish_agent(*agent);
                break;
        }
    }
    return overall;
}

void Scanner::finish_agent(AgentInFlight& in_flight) {
    const AgentFolder& agent = in_flight.agent;
    const AgentTally& tally = in_flight.recording.tally;
    count_verified(in_flight);
    if (agent.log.is_open()) {
        ++summary_->agents_scanned;
    } else if (!in_flight.has_folder) {
        ++summary_->agents_without_folder;
    }
    for (const auto& [fate, n] : tally.fates) summary_->fates[fate] += n;
    for (const auto& [source, n] : tally.sources) summary_->sources[source] += n;
    for (const auto& [status, n] : tally.entries) summary_->entries[status] += n;
    for (const auto& [status, n] : tally.job_status) summary_->job_status[status] += n;
    summary_->events_queued += tally.events_queued;
    archive_agent(agent, in_flight.recording.unrecorded);
}

void Scanner::archive_agent(const AgentFolder& agent, const std::set<std::string>& unrecorded) {
    if (agent.reports.size() == unrecorded.size()) return;
    if (options_.dry_run) {
        for (const ReportFile& f : agent.reports) {
            if (unrecorded.count(f.file_name)) continue;
            ++summary_->archived;
            spdlog::info("{}: would be archived ({})", agent.log.shown(f.file_name),
                         f.fate ? name_of(*f.fate) : std::string_view());
        }
        return;
    }
    Dir archive;
    if (Status st = open_archive_dir(agent.log, &archive); !st.is_ok()) {
        summary_->archive_failed += static_cast<int>(agent.reports.size() - unrecorded.size());
        spdlog::warn("agent {}: nothing archived: {}", agent.agent_id, st.message());
        return;
    }
    for (const ReportFile& f : agent.reports) {
        if (unrecorded.count(f.file_name)) continue;
        std::string archived_as;
        Status st;
        ArchiveOutcome outcome = archive_report(agent.log, archive, f.file_name, &archived_as, &st);
        if (outcome == ArchiveOutcome::kFailed) {
            ++summary_->archive_failed;
            spdlog::error("{}", st.message());
        } else if (outcome == ArchiveOutcome::kMoved) {
            ++summary_->archived;
            if (archived_as != f.file_name) {
                spdlog::info("{}: archived as _archive/{} (name taken)", agent.log.shown(f.file_name), archived_as);
            }
        }
        fault_point("archive.report");
    }
}

std::vector<std::string> Scanner::next_batch(const std::vector<std::string_view>& agents, std::size_t next) const {
    std::size_t end = next + 1;
    while (end - next < kClaimBatch && end < agents.size() && parse_agent_id(agents[end])) ++end;
    return {agents.begin() + next, agents.begin() + end};
}

std::size_t Scanner::claim_and_collect(const std::vector<std::string>& batch, const StorageWalk& walk) {
    const std::vector<Claim> claims = claim(batch);
    if (claims.front() == Claim::kAlone || claims.front() == Claim::kGroupFailed) {
        auto agent = collect_agent(walk, batch.front(), walk.roster.next_jobs(batch.front()));
        if (agent) {
            note(enter(std::move(agent), claims.front()));
        } else if (claims.front() == Claim::kGroupFailed) {
            note(fail_group({}));
        }
        return 1;
    }
    std::vector<std::unique_ptr<AgentInFlight>> held;
    for (std::size_t i = 0; i < claims.size(); ++i) {
        if (claims[i] == Claim::kBusy) {
            skip_busy(batch[i]);
            continue;
        }
        auto agent = collect_agent(walk, batch[i], walk.roster.next_jobs(batch[i]));
        if (!agent) continue;
        held.push_back(std::move(agent));
    }
    std::vector<AgentInFlight*> collected;
    for (auto& agent : held) collected.push_back(agent.get());
    if (!read_ahead_of(collected)) {
        note(fail_group(std::move(held)));
        return claims.size();
    }
    for (auto& agent : held) note(enter(std::move(agent), Claim::kHeld));
    const std::size_t max_in_flight = kInFlightPerThread * pool_.threads();
    while (in_flight_.size() > max_in_flight) note(write_next());
    return claims.size();
}

Status Scanner::run() {
    if (Status st = sync_jobs(); !st.is_ok()) return st;
    if (Status st = plugins_.notifiers.load_silences(*plugins_.storage); !st.is_ok()) return st;

    Dir root;
    if (Status st = Dir::open_root(config_.storage_root, &root); !st.is_ok()) {
        return Status::error(Status::Code::kIo, "storage_root " + st.message());
    }
    std::vector<std::string> folders;
    if (Status st = list_agent_folders(root, &folders); !st.is_ok()) return st;

    AgentRoster roster(config_, std::move(folders));

    std::vector<ReportSourceHandle*> sources;
    for (auto& s : plugins_.report_sources) sources.push_back(s.get());
    ReportReader reader(sources);
    const ReportNames names({sources.begin(), sources.end()});
    settings_.told_before = latest_completed_scan_start(*plugins_.storage);

    const StorageWalk walk{root, roster, names, reader};
    const std::vector<std::string_view>& agents = roster.agents();
    for (std::size_t next = 0; next < agents.size();) {
        // A folder whose name is not an agent id has no jobs (the
        // configuration refuses them) and is skipped unread: it is not
        // claimed, so no name an agent makes up reaches the database.
        if (!parse_agent_id(agents[next])) {
            collect_agent(walk, std::string(agents[next++]), {});
            continue;
        }
        if (group_due()) note(commit_group());
        next += claim_and_collect(next_batch(agents, next), walk);
    }
    note(commit_group());
    if (!options_.dry_run) {
        summary_->deliveries = plugins_.notifiers.deliver(*plugins_.storage, options_.now, options_.real_now);
    }
    return overall_;
}

}  // namespace

Status open_report_sources(const Config& config, std::vector<std::unique_ptr<ReportSourceHandle>>* sources) {
    const auto search_path = plugin_search_path(config.plugin_path);
    auto reports = config.reports;
    if (reports.empty()) reports.push_back(default_choice(config, "status_json"));
    for (const auto& choice : reports) {
        std::unique_ptr<ReportSourceHandle> h;
        if (Status st = open_plugin(choice, search_path, &h); !st.is_ok()) return st;
        sources->push_back(std::move(h));
    }
    return Status::ok();
}

Status open_scan_plugins(const Config& config, ScanPlugins* plugins) {
    const auto search_path = plugin_search_path(config.plugin_path);
    if (Status st = open_report_sources(config, &plugins->report_sources); !st.is_ok()) return st;
    auto checks = config.integrity;
    // The server hash (docs/scan.md rule 4) comes from sha256, configured or not.
    bool has_sha256 = false;
    for (const auto& c : checks) has_sha256 |= c.plugin == "sha256";
    if (!has_sha256) checks.insert(checks.begin(), default_choice(config, "sha256"));
    for (const auto& choice : checks) {
        std::unique_ptr<IntegrityHandle> h;
        if (Status st = open_plugin(choice, search_path, &h); !st.is_ok()) return st;
        plugins->integrity_checks.push_back(std::move(h));
    }
    if (Status st = Notifiers::open(config, &plugins->notifiers); !st.is_ok()) return st;
    if (Status st = open_plugin(config.database, search_path, &plugins->storage); !st.is_ok()) return st;
    return require_storage_capabilities(config, *plugins->storage);
}

Status require_storage_capabilities(const Config& config, const StorageHandle& storage) {
    struct Need {
        bool needed;
        StorageCapability capability;
        std::string by;  // the setting that needs it, where it is
    };
    const Need needs[] = {
        {true, StorageCapability::kScanStore, "a scan (" + config.database.where + ")"},
        {!config.notifiers.empty(), StorageCapability::kOutbox,
         config.notifiers.empty() ? "" : "notifiers (" + config.notifiers.front().choice.where + ")"},
        {!config.maintenance.empty(), StorageCapability::kSilences,
         config.maintenance.empty() ? "" : "maintenance (" + config.maintenance.front().where + ")"},
        {!config.metrics_file.empty(), StorageCapability::kOperatorReads,
         "metrics_file (" + config.file.string() + ")"}};
    for (const Need& need : needs) {
        if (!need.needed) continue;
        if (Status st = storage.require(need.capability, need.by); !st.is_ok()) return st;
    }
    return Status::ok();
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

namespace {

// The job statuses in the order the summary has always listed them.
constexpr JobStatus kSummaryJobStatuses[] = {JobStatus::kOk, JobStatus::kFailed, JobStatus::kTransferIntegrityFailed,
                                             JobStatus::kMissing, JobStatus::kUnknown};

// "name count" for each value of order, 0 for those not counted.
template <typename Key, typename Value, std::size_t N>
std::string counts_text(const std::map<Key, int>& counts, const Value (&order)[N]) {
    std::string text;
    for (const Value value : order) {
        auto it = counts.end();
        if constexpr (std::is_same_v<Key, Value>) it = counts.find(value);
        else it = counts.find(std::string(name_of(value)));
        text += (text.empty() ? "" : ", ") + std::string(name_of(value)) + " " +
                std::to_string(it == counts.end() ? 0 : it->second);
    }
    return text;
}

}  // namespace

void ScanSummary::print(std::ostream& out) const {
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
        << counts_text(fates, kFates) << "\n";
    out << "            " << reports_deferred << " left for the next scan (max_reports_per_agent), "
        << reports_unsettled << " not yet settled, " << entries_ignored << " non-regular files ignored, "
        << reports_unrecognised << " unrecognised .json files, " << archived
        << (dry_run ? " would be archived, " : " archived, ") << archive_failed << " could not be archived\n";
    if (!sources.empty()) {
        std::string text;
        for (const auto& [name, n] : sources) text += (text.empty() ? "" : ", ") + name + " " + std::to_string(n);
        out << "  sources:  " << text << "\n";
    }
    out << "  entries:  " << entries_total << " recorded: "
        << counts_text(entries, kEntryStatuses) << "\n";
    out << "  jobs:     " << jobs_total << " active: "
        << counts_text(job_status, kSummaryJobStatuses) << "\n";
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
