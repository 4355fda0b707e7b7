#include "records.hpp"

#include "decisions.hpp"
#include "job_view.hpp"
#include "plugin_open.hpp"
#include "plugin_paths.hpp"

#include <vigil/timestamp.hpp>

#include <nlohmann/json.hpp>

#include <map>

namespace vigil::host {

PluginChoice dry_run_choice(const PluginChoice& database) {
    PluginChoice choice = database;
    auto settings = nlohmann::json::parse(choice.config_json);
    settings["vigil_dry_run"] = true;
    choice.config_json = settings.dump();
    return choice;
}

Status require_dry_run(StorageHandle& storage) {
    bool active = false;
    Status st = storage.dry_run(&active);
    if (!st.is_ok()) return st;
    if (!active) {
        return Status::error(Status::Code::kConfig, "storage plugin " + storage.plugin_name() +
                                                        " cannot promise to keep nothing it writes (no dry run): "
                                                        "this command needs a storage plugin that can");
    }
    return Status::ok();
}

Status open_records(const Config& config, std::unique_ptr<StorageHandle>* storage) {
    const auto search_path = plugin_search_path(config.plugin_path);
    if (Status st = open_plugin(dry_run_choice(config.database), search_path, storage); !st.is_ok()) return st;
    if (Status st = (*storage)->require(StorageCapability::kOperatorReads, "this command"); !st.is_ok()) {
        return st;
    }
    return require_dry_run(**storage);
}

Status load_records(const std::string& config_file, Config* config, std::unique_ptr<StorageHandle>* storage) {
    if (Status st = load_config(config_file, config); !st.is_ok()) return st;
    return open_records(*config, storage);
}

Status load_job_states(StorageHandle& storage, std::vector<JobState>* states) {
    std::vector<Job> jobs;
    if (Status st = storage.load_all_jobs("", true, &jobs); !st.is_ok()) return st;
    // The entries of each job's latest cycle, in one call.
    std::vector<std::int64_t> job_ids, since;
    for (const Job& job : jobs) {
        if (job.last_entry_cycle_at == kNoTime) continue;
        job_ids.push_back(job.id);
        since.push_back(job.last_entry_cycle_at);
    }
    std::vector<Entry> entries;
    if (!job_ids.empty()) {
        if (Status st = storage.load_entries(job_ids, since, &entries); !st.is_ok()) return st;
    }
    // Each job's in (cycle, id) order: the last one is what the status follows.
    std::map<std::int64_t, Entry> last_entry;
    for (Entry& e : entries) last_entry[e.expected_job_id] = std::move(e);
    states->clear();
    for (Job& job : jobs) {
        JobState state;
        if (auto it = last_entry.find(job.id); it != last_entry.end()) state.last_entry = std::move(it->second);
        state.job = std::move(job);
        states->push_back(std::move(state));
    }
    return Status::ok();
}

Status load_all_silences(StorageHandle& storage, std::vector<Silence>* silences, bool* offered) {
    silences->clear();
    *offered = storage.offers(StorageCapability::kSilences);
    return *offered ? storage.load_silences(kNoTime, silences) : Status::ok();
}

void add_outlook(const std::vector<Silence>& silences, const std::vector<MaintenanceWindow>& windows,
                 std::int64_t now, std::vector<JobState>* states) {
    for (JobState& s : *states) {
        std::optional<Schedule> schedule;
        if (schedule_for(s.job, &schedule).is_ok() && schedule) s.upcoming = upcoming_cycle(*schedule, now);
        s.silenced = silencing_at(silences, windows, s.job.agent_id_responsible, s.job.database_name, now);
    }
}

Status latest_scan(StorageHandle& storage, bool completed_only, std::optional<Scan>* scan) {
    std::vector<Scan> scans;
    if (Status st = storage.load_scans(completed_only, 1, &scans); !st.is_ok()) return st;
    if (scans.empty()) scan->reset();
    else *scan = scans.front();
    return Status::ok();
}

std::string schedule_zone(const Job& job) { return job.timezone.empty() ? "UTC" : job.timezone; }

std::string job_name(const Job& job) {
    return job.database_name + " " +
           when_label(job.expected_hour_utc, job.expected_minute_utc, job.schedule_text(), job.timezone);
}

std::string shorten(const std::string& message, std::size_t limit) {
    std::string line = message.substr(0, message.find('\n'));
    if (line.size() <= limit && line.size() == message.size()) return line;
    if (line.size() > limit) line.resize(limit > 3 ? limit - 3 : 0);
    return line + "...";
}

std::string time_or_dash(std::int64_t micros) { return micros == kNoTime ? "-" : format_iso(micros); }

}  // namespace vigil::host
