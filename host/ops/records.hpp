// Reading the records for the operator's commands (status, history,
// explain, check, metrics) without changing them: the storage is opened for
// a dry run, so a database that does not exist is not created and an older
// schema is not upgraded.
#ifndef VIGIL_HOST_OPS_RECORDS_HPP
#define VIGIL_HOST_OPS_RECORDS_HPP

#include "config.hpp"
#include "decisions.hpp"
#include "silence.hpp"
#include "status.hpp"
#include "storage_handle.hpp"

#include <vigil/types.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vigil::host {

// The configured storage plugin's settings, asking it to keep nothing.
PluginChoice dry_run_choice(const PluginChoice& database);

// kConfig unless the opened storage keeps nothing it writes: a plugin that
// cannot do a dry run must not be handed one.
Status require_dry_run(StorageHandle& storage);

// Opens the configured storage for reading (a dry run): kConfig for a
// plugin that is not found, refuses its settings or cannot do a dry run,
// kUnavailable when the database cannot be reached.
Status open_records(const Config& config, std::unique_ptr<StorageHandle>* storage);

// Reads the configuration file, then opens its records as open_records does.
Status load_records(const std::string& config_file, Config* config, std::unique_ptr<StorageHandle>* storage);

// A job and its latest entry (the one its status follows).
struct JobState {
    Job job;
    std::optional<Entry> last_entry;
    std::optional<UpcomingCycle> upcoming;  // the cycle it waits for (add_outlook)
    std::optional<Silencing> silenced;      // what silences it now (add_outlook)
};

// Every active job, in the storage's order, each with its latest entry.
Status load_job_states(StorageHandle& storage, std::vector<JobState>* states);

// Every silence the storage keeps, or none when it does not offer them
// (*offered false).
Status load_all_silences(StorageHandle& storage, std::vector<Silence>* silences, bool* offered);

// Fills each job's upcoming cycle and silencing at now (the config's
// maintenance windows and the stored silences).
void add_outlook(const std::vector<Silence>& silences, const std::vector<MaintenanceWindow>& windows,
                 std::int64_t now, std::vector<JobState>* states);

// The latest scan, or nullopt when none is recorded. completed_only: the
// latest that ran to its end.
Status latest_scan(StorageHandle& storage, bool completed_only, std::optional<Scan>* scan);

// The zone a job's schedule is read in (Job::schedule_text() is its cron text).
std::string schedule_zone(const Job& job);
// "sales at 02:30", or `sales schedule "30 2 * * mon-fri" Europe/Paris`: the job in messages.
std::string job_name(const Job& job);

// The first line of a message, at most `limit` characters ("..." when cut).
std::string shorten(const std::string& message, std::size_t limit);

// ISO-8601 UTC, or "-" for kNoTime.
std::string time_or_dash(std::int64_t micros);

}  // namespace vigil::host

#endif
