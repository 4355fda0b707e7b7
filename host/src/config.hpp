// The YAML configuration (SPEC §3, §8), validated into values.
#ifndef VIGIL_HOST_CONFIG_HPP
#define VIGIL_HOST_CONFIG_HPP

#include "evaluate.hpp"
#include "status.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace vigil::host {

// A plugin named in the config, with its own settings as a JSON object.
struct PluginChoice {
    std::string plugin;       // e.g. "status_json"
    std::string name;         // the item's `name`, or the plugin name
    std::string config_json;  // the item's other keys (+ vigil_config_dir)
    std::string where;        // "vigil.yaml:12", for messages
};

struct JobConfig {
    std::string agent;
    std::string database;
    int hour = 0;
    int minute = 0;
    int window_minutes = 60;  // the job's own, or the global default
    std::string where;
};

struct Config {
    std::filesystem::path file;
    std::filesystem::path storage_root;
    int window_minutes = 60;
    double max_report_age_days = 1;
    std::int64_t report_settle_seconds = 10;
    std::int64_t max_report_bytes = 1048576;
    ContentChange content_change = ContentChange::kChanged;
    int verify_threads = 0;  // 0: one per core
    PluginChoice database;   // the storage plugin and its settings (url, ...)
    std::vector<PluginChoice> reports;
    std::vector<PluginChoice> integrity;
    std::vector<PluginChoice> notifiers;
    std::vector<std::filesystem::path> plugin_path;
    std::vector<JobConfig> jobs;
};

// Reads and validates the file. On error the message reads
// "<file>:<line>: <setting>: <what is wrong>".
Status load_config(const std::filesystem::path& file, Config* config);

// The database URL with any password replaced by ***.
std::string redact_url(const std::string& url);

}  // namespace vigil::host

#endif
