// The YAML configuration (docs/configuration.md), validated into values.
#ifndef VIGIL_HOST_CONFIG_HPP
#define VIGIL_HOST_CONFIG_HPP

#include "duration.hpp"
#include "evaluate.hpp"
#include "job_schedule.hpp"
#include "silence.hpp"
#include "status.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::host {

// A plugin named in the config, with its own settings as a JSON object.
struct PluginChoice {
    std::string plugin;       // e.g. "status_json"
    std::string name;         // the item's `name`, or the plugin name
    std::string config_json;  // the item's other keys (+ vigil_config_dir)
    std::string where;        // "vigil.yaml:12", for messages
    std::map<std::string, std::string> key_where;  // each key of the item -> "vigil.yaml:13"
    std::vector<std::string> host_keys;            // the keys the host reads from such an item
};

// A notifier and the host's policy for it. The policy keys are taken out of
// choice.config_json: the plugin sees only its own settings.
struct NotifierConfig {
    PluginChoice choice;
    std::int64_t repeat_interval = 0;       // microseconds; 0: no reminders
    bool send_resolved = true;              // recoveries to ok are sent
    std::vector<std::string> statuses;      // new statuses (or hash_mismatch) sent; empty: all
    std::vector<std::string> agents;        // glob patterns on the agent id; empty: all
    std::vector<std::string> databases;     // glob patterns on the database name; empty: all
    int attempts = 3;                       // tries within one scan
    std::int64_t retry_delay = 2'000'000;   // microseconds between tries, doubled each time
    std::int64_t lease = 600'000'000;       // a claim older than this (real clock) is presumed dead
};

// A job as configured (docs/configuration.md): its schedule (hour and minute of an `at`
// job, cron text, zone, window edges) and who and what it watches. Its
// identity is (agent, database, schedule, timezone).
struct JobConfig : JobSchedule {
    std::string agent;
    std::string database;
    int window_minutes = 60;   // the job's own, or the global default
    int line = 0;              // where the job is in the file (from 1), for messages
};

struct Config {
    std::filesystem::path file;
    std::filesystem::path storage_root;
    int window_minutes = 60;
    double max_report_age_days = 1;
    std::int64_t report_settle_seconds = 10;
    std::int64_t max_report_bytes = 1048576;
    int max_reports_per_agent = 100;  // report files considered per agent and scan (oldest names first)
    ContentChange content_change = ContentChange::kChanged;
    int verify_threads = 0;  // 0: one per core
    PluginChoice database;   // the storage plugin and its settings (url, ...)
    std::vector<PluginChoice> reports;
    std::vector<PluginChoice> integrity;
    std::vector<NotifierConfig> notifiers;
    std::vector<std::filesystem::path> plugin_path;
    std::vector<JobConfig> jobs;
    std::vector<MaintenanceWindow> maintenance;  // recurring silences
    std::string heartbeat_url;           // fetched after each scan; "" for none
    std::filesystem::path metrics_file;  // Prometheus text written after each scan; empty for none
};

// Reads and validates the file. On error the message reads
// "<file>:<line>: <setting>: <what is wrong>".
Status load_config(const std::filesystem::path& file, Config* config);

// Validates `yaml` as the content of `file` (whose directory anchors the
// relative paths), as load_config does.
Status parse_config(const std::string& yaml, const std::filesystem::path& file, Config* config);

// Each agent with configured jobs once, in name order: views of the
// configuration's own strings, in a vector rather than a set, since a fleet
// configures 100,000. Valid while `config` is alive and unchanged.
std::vector<std::string_view> configured_agents(const Config& config);

}  // namespace vigil::host

#endif
