#include "config.hpp"

#include "agent_id.hpp"
#include "job_schedule.hpp"
#include "vocabulary.hpp"
#include "yaml_document.hpp"
#include "zones.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <numeric>
#include <regex>
#include <unistd.h>
#include <set>
#include <sstream>
#include <tuple>
#include <string_view>
#include <unordered_map>

namespace vigil::host {

namespace {

// The bounds of settings that have no natural one (etc/vigil.yaml, README).
constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
constexpr double kMaxReportAgeDays = 36'500;
constexpr std::int64_t kMaxRepeatInterval = 365 * kMicrosPerDay;
constexpr std::int64_t kMaxRetryDelay = 60'000'000;
constexpr std::int64_t kMaxLease = 7 * kMicrosPerDay;
constexpr std::int64_t kMaxMaintenance = 31 * kMicrosPerDay;

struct ConfigError {
    std::string message;
};

class Reader {
public:
    explicit Reader(std::filesystem::path file) : file_(std::move(file)) {}

    std::string where(const YamlNode& node) const {
        const int line = node.Line();
        return file_.string() + ":" + (line >= 0 ? std::to_string(line + 1) : "?");
    }

    [[noreturn]] void fail(const YamlNode& node, const std::string& key, const std::string& what) const {
        throw ConfigError{where(node) + ": " + key + ": " + what};
    }

    std::string string(const YamlNode& node, const std::string& key) const {
        if (!node.IsScalar()) fail(node, key, "must be a string");
        return node.Scalar();
    }

    long long integer(const YamlNode& node, const std::string& key, long long lo, long long hi) const {
        const std::string range = "from " + std::to_string(lo) + " to " + std::to_string(hi);
        if (!node.IsScalar()) fail(node, key, "must be an integer " + range);
        const std::string& text = node.Scalar();
        long long value = 0;
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error == std::errc::invalid_argument || end != text.data() + text.size()) {
            fail(node, key, "must be an integer " + range + ", found \"" + text + "\"");
        }
        if (error == std::errc::result_out_of_range || value < lo || value > hi) {
            fail(node, key, "must be " + range + ", found " + text);
        }
        return value;
    }

    // A finite number in (lo, hi].
    double number(const YamlNode& node, const std::string& key, double lo, double hi) const {
        std::ostringstream range;
        range << "greater than " << lo << " and at most " << hi;
        if (!node.IsScalar()) fail(node, key, "must be a number " + range.str());
        const std::string& text = node.Scalar();
        double value = 0;
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error == std::errc::invalid_argument || end != text.data() + text.size()) {
            fail(node, key, "must be a number " + range.str() + ", found \"" + text + "\"");
        }
        if (error == std::errc::result_out_of_range || !(value > lo && value <= hi)) {
            fail(node, key, "must be " + range.str() + ", found " + text);
        }
        return value;
    }

    // A duration in microseconds within [lo, hi].
    std::int64_t duration(const YamlNode& node, const std::string& key, std::int64_t lo, std::int64_t hi) const {
        const std::string range = "a duration from " + format_duration(lo) + " to " + format_duration(hi);
        if (!node.IsScalar()) fail(node, key, "must be " + range);
        const auto value = parse_duration(node.Scalar());
        if (!value || *value < lo || *value > hi) {
            fail(node, key, "must be " + range + " (e.g. 90s, 30m, 24h, 2d, 1h30m), found \"" + node.Scalar() + "\"");
        }
        return *value;
    }

    std::filesystem::path path(const YamlNode& node, const std::string& key) const {
        std::filesystem::path p = string(node, key);
        if (p.empty()) fail(node, key, "must not be empty");
        return p.is_absolute() ? p : (file_.parent_path() / p).lexically_normal();
    }

    const std::filesystem::path& file() const { return file_; }

private:
    std::filesystem::path file_;
};

// "a, b, c": the keys a mapping accepts, for an unknown key's message.
std::string known_list(const std::set<std::string>& keys) {
    std::string out;
    for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
    return out;
}

// A mapping that gives a key twice is an error wherever it is: a lookup
// would answer with one value and an iteration with both. The walk also
// bounds the nesting, since an alias may contain itself (`a: &x [*x]`) and
// every later reader of the tree would recurse without end.
constexpr int kMaxNesting = 64;

// `walked` holds the anchored sequences and maps (those aliases lead to)
// already walked without error, with the greatest depth they were walked
// at: walking one again at that depth or less finds nothing new, and
// skipping it keeps a document whose aliases repeat anchors within anchors
// (a billion copies from a few lines) quick to check.
void refuse_repeated_keys(const Reader& r, const YamlNode& node, int depth,
                          std::unordered_map<std::size_t, int>* walked) {
    if (depth > kMaxNesting) {
        r.fail(node, "configuration", "nested more than " + std::to_string(kMaxNesting) +
                                          " levels deep (an alias that contains itself?)");
    }
    if (!node.IsSequence() && !node.IsMap()) return;
    const bool anchored = node.IsAnchored();
    if (anchored) {
        if (const auto it = walked->find(node.Id()); it != walked->end() && it->second >= depth) return;
    }
    if (node.IsSequence()) {
        for (const auto& item : node.items()) refuse_repeated_keys(r, item, depth + 1, walked);
    }
    if (node.IsMap()) {
        std::set<std::string_view> keys;
        for (const auto& kv : node.pairs()) {
            if (kv.first.IsScalar() && !keys.insert(kv.first.ScalarView()).second) {
                r.fail(kv.first, kv.first.Scalar(), "given twice in the same mapping");
            }
            refuse_repeated_keys(r, kv.second, depth + 1, walked);
        }
    }
    if (anchored) {
        const auto [it, added] = walked->emplace(node.Id(), depth);
        if (!added) it->second = std::max(it->second, depth);
    }
}

// Settings handed to a plugin as JSON, which must be UTF-8 text.
std::string settings_text(const Reader& r, const YamlNode& item, const std::string& key,
                          const nlohmann::json& settings) {
    try {
        return settings.dump();
    } catch (const nlohmann::json::type_error&) {
        r.fail(item, key, "a setting of this item, or the configuration's directory, is not valid UTF-8 text");
    }
}

// A scalar as the plugin gets it. A plain (unquoted, untagged) scalar
// whose text is exactly the JSON form of a boolean or a number is sent as
// that value: `true`, `25`, `-3`, `2.5`. Everything else, quoted scalars
// included, stays a string, so that nothing the operator wrote is changed
// on the way ("025", "+5", "1e3", "yes" and "2.50" stay strings).
nlohmann::json scalar_json(const YamlNode& node) {
    const std::string& text = node.Scalar();
    if (!node.IsPlain()) return text;
    if (text == "true") return true;
    if (text == "false") return false;
    const bool numeric_start = !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-');
    if (!numeric_start) return text;
    const nlohmann::json number = nlohmann::json::parse(text, nullptr, false);
    if (number.is_number() && number.dump() == text) return number;
    return text;
}

// The most values a plugin item's settings may hold once its aliases are
// copied out: the document keeps an alias as a reference, the JSON cannot,
// and a few lines that repeat anchors within anchors would ask for a billion.
constexpr std::size_t kMaxSettingValues = 100'000;

struct TooManyValues {};

// `node` as JSON; throws TooManyValues when that would take more than
// *budget values (which it counts down).
nlohmann::json to_json(const YamlNode& node, std::size_t* budget) {
    if (*budget == 0) throw TooManyValues{};
    --*budget;
    if (node.IsMap()) {
        nlohmann::json obj = nlohmann::json::object();
        for (const auto& kv : node.pairs()) obj[kv.first.Scalar()] = to_json(kv.second, budget);
        return obj;
    }
    if (node.IsSequence()) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& item : node.items()) arr.push_back(to_json(item, budget));
        return arr;
    }
    if (node.IsScalar()) return scalar_json(node);
    return nullptr;
}

// A plugin item: `plugin:` names it, every other key is the plugin's own.
PluginChoice plugin_choice(const Reader& r, const YamlNode& item, const std::string& key,
                           const std::string& default_plugin) {
    if (!item.IsMap()) r.fail(item, key, "each item must be a mapping with a `plugin` key");
    PluginChoice choice;
    choice.where = r.where(item);
    choice.plugin = item["plugin"] ? r.string(item["plugin"], key + ".plugin") : default_plugin;
    if (choice.plugin.empty()) r.fail(item, key, "missing `plugin`");
    const bool is_name = std::all_of(choice.plugin.begin(), choice.plugin.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_' || c == '-';
    });
    if (!is_name) {
        r.fail(item["plugin"], key + ".plugin", "\"" + choice.plugin + "\" is not a plugin name");
    }
    choice.name = item["name"] ? r.string(item["name"], key + ".name") : choice.plugin;
    for (const auto& kv : item.pairs()) choice.key_where[kv.first.Scalar()] = r.where(kv.first);
    choice.host_keys = {"plugin", "name"};
    nlohmann::json settings;
    try {
        std::size_t budget = kMaxSettingValues;
        settings = to_json(item, &budget);
    } catch (const TooManyValues&) {
        r.fail(item, key, "the settings of this item hold more than " + std::to_string(kMaxSettingValues) +
                              " values once their aliases are copied out");
    }
    settings.erase("plugin");
    settings["vigil_config_dir"] = r.file().parent_path().string();
    choice.config_json = settings_text(r, item, key, settings);
    return choice;
}

std::vector<PluginChoice> plugin_list(const Reader& r, const YamlNode& node, const std::string& key) {
    std::vector<PluginChoice> out;
    if (!node) return out;
    if (!node.IsSequence()) r.fail(node, key, "must be a list of `- plugin: NAME` items");
    std::set<std::string> names;
    for (const auto& item : node.items()) {
        out.push_back(plugin_choice(r, item, key, ""));
        if (!names.insert(out.back().name).second) {
            r.fail(item, key, "two items are named \"" + out.back().name + "\": give each a distinct `name`");
        }
    }
    return out;
}

std::vector<std::string> string_list(const Reader& r, const YamlNode& node, const std::string& key) {
    std::vector<std::string> out;
    if (!node) return out;
    if (node.IsScalar()) {
        out.push_back(node.Scalar());
    } else if (node.IsSequence()) {
        for (const auto& item : node.items()) out.push_back(r.string(item, key));
    } else {
        r.fail(node, key, "must be a string or a list of strings");
    }
    return out;
}

bool boolean(const Reader& r, const YamlNode& node, const std::string& key) {
    const std::string v = r.string(node, key);
    if (v == "true" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "no" || v == "off") return false;
    r.fail(node, key, "must be true or false, found \"" + v + "\"");
}

std::vector<NotifierConfig> notifier_list(const Reader& r, const YamlNode& node) {
    std::vector<NotifierConfig> out;
    // The host's own policy keys are not the plugin's settings.
    static const char* const kPolicyKeys[] = {"name",    "repeat_interval", "send_resolved", "statuses",
                                              "agents",  "databases",       "attempts",      "retry_delay",
                                              "delivery_lease"};
    for (PluginChoice& choice : plugin_list(r, node, "notifiers")) {
        NotifierConfig n;
        auto settings = nlohmann::json::parse(choice.config_json);
        for (const char* key : kPolicyKeys) settings.erase(key);
        choice.host_keys = {"plugin"};
        choice.host_keys.insert(choice.host_keys.end(), std::begin(kPolicyKeys), std::end(kPolicyKeys));
        choice.config_json = settings.dump();
        n.choice = std::move(choice);
        out.push_back(std::move(n));
    }
    if (!node) return out;
    std::size_t i = 0;
    for (const auto& item : node.items()) {
        NotifierConfig& n = out[i++];
        const std::string key = "notifiers." + n.choice.name;
        if (const auto v = item["repeat_interval"]) {
            n.repeat_interval = r.duration(v, key + ".repeat_interval", 0, kMaxRepeatInterval);
        }
        if (const auto v = item["send_resolved"]) n.send_resolved = boolean(r, v, key + ".send_resolved");
        n.statuses = string_list(r, item["statuses"], key + ".statuses");
        for (const auto& st : n.statuses) {
            // What an event's new_status can be: a job status, or hash_mismatch.
            const std::string_view hash_mismatch = name_of(EntryStatus::kHashMismatch);
            if (!parse_job_status(st) && st != hash_mismatch) {
                r.fail(item["statuses"], key + ".statuses",
                       "\"" + st + "\" is not one of " + job_status_names() + ", " + std::string(hash_mismatch));
            }
        }
        n.agents = string_list(r, item["agents"], key + ".agents");
        n.databases = string_list(r, item["databases"], key + ".databases");
        if (const auto v = item["attempts"]) n.attempts = static_cast<int>(r.integer(v, key + ".attempts", 1, 10));
        if (const auto v = item["retry_delay"]) n.retry_delay = r.duration(v, key + ".retry_delay", 0, kMaxRetryDelay);
        if (const auto v = item["delivery_lease"]) n.lease = r.duration(v, key + ".delivery_lease", 0, kMaxLease);
    }
    return out;
}

// schedule, timezone, early_minutes and late_minutes, as written.
void read_schedule_keys(const Reader& r, const YamlNode& item, ScheduleKeys* keys) {
    if (const auto v = item["schedule"]) keys->schedule = r.string(v, "jobs.schedule");
    if (const auto v = item["timezone"]) keys->timezone = r.string(v, "jobs.timezone");
    if (const auto v = item["early_minutes"]) keys->early_minutes = static_cast<int>(r.integer(v, "jobs.early_minutes", 0, 1439));
    if (const auto v = item["late_minutes"]) keys->late_minutes = static_cast<int>(r.integer(v, "jobs.late_minutes", 0, 1439));
}

// The hour and minute of "HH:MM", 00:00 to 23:59, two digits each. Read by
// hand rather than by std::regex, which costs more than the rest of a job's
// checks together when a configuration lists 100,000 jobs.
std::optional<std::pair<int, int>> time_of_day(const std::string& text) {
    const auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
    if (text.size() != 5 || text[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) return std::nullopt;
    const int hour = (text[0] - '0') * 10 + (text[1] - '0');
    const int minute = (text[3] - '0') * 10 + (text[4] - '0');
    if (hour > 23 || minute > 59) return std::nullopt;
    return std::make_pair(hour, minute);
}

JobConfig job_config(const Reader& r, const YamlNode& item, int default_window, std::int64_t now) {
    if (!item.IsMap()) r.fail(item, "jobs", "each job must be a mapping with agent, database and at or schedule");
    static const std::set<std::string> kKeys{"agent",    "database",       "at",           "schedule",
                                             "timezone", "window_minutes", "early_minutes", "late_minutes"};
    for (const auto& kv : item.pairs()) {
        if (!kKeys.count(kv.first.Scalar())) {
            r.fail(kv.first, "jobs", "unknown key `" + kv.first.Scalar() + "` (known: " + known_list(kKeys) + ")");
        }
    }
    JobConfig job;
    job.line = item.Line() + 1;
    if (!item["agent"]) r.fail(item, "jobs", "missing `agent`");
    if (!item["database"]) r.fail(item, "jobs", "missing `database`");
    job.agent = r.string(item["agent"], "jobs.agent");
    if (!parse_agent_id(job.agent)) {
        r.fail(item["agent"], "jobs.agent",
               "\"" + job.agent + "\" is not an agent id (COMPANY_CITY_NEIGHBORHOOD: three or more parts of "
               "letters, digits and '-' joined by '_')");
    }
    job.database = r.string(item["database"], "jobs.database");
    if (job.database.empty()) r.fail(item["database"], "jobs.database", "must not be empty");
    ScheduleKeys keys;
    if (item["at"]) {
        const std::string at = r.string(item["at"], "jobs.at");
        const auto time = time_of_day(at);
        if (!time) {
            r.fail(item["at"], "jobs.at", "\"" + at + "\" is not a time of day \"HH:MM\" (UTC, 00:00 to 23:59)");
        }
        keys.at_hour = time->first;
        keys.at_minute = time->second;
    }
    job.window_minutes = item["window_minutes"]
                             ? static_cast<int>(r.integer(item["window_minutes"], "jobs.window_minutes", 1, 719))
                             : default_window;
    read_schedule_keys(r, item, &keys);
    keys.window_minutes = job.window_minutes;
    std::string bad_key;
    if (Status st = resolve_job_schedule(keys, now, &job, &bad_key); !st.is_ok()) {
        const YamlNode node = item[bad_key];
        r.fail(node ? node : item, "jobs." + bad_key, "job " + job.agent + "/" + job.database + ": " + st.message());
    }
    return job;
}

// The `maintenance:` list: recurring windows during which nothing is
// delivered about the jobs they cover.
std::vector<MaintenanceWindow> maintenance_list(const Reader& r, const YamlNode& node) {
    std::vector<MaintenanceWindow> out;
    if (!node) return out;
    if (!node.IsSequence()) r.fail(node, "maintenance", "must be a list of windows (agents, schedule, duration, reason)");
    static const std::set<std::string> kKeys{"agents", "databases", "schedule", "timezone", "duration", "reason"};
    for (const auto& item : node.items()) {
        if (!item.IsMap()) r.fail(item, "maintenance", "each window must be a mapping with agents, schedule, duration and reason");
        for (const auto& kv : item.pairs()) {
            if (!kKeys.count(kv.first.Scalar())) {
                r.fail(kv.first, "maintenance", "unknown key `" + kv.first.Scalar() + "` (known: " + known_list(kKeys) + ")");
            }
        }
        for (const char* key : {"agents", "schedule", "duration", "reason"}) {
            if (!item[key]) r.fail(item, "maintenance", std::string("missing `") + key + "`");
        }
        auto text = [&](const char* key) {
            const std::string value = r.string(item[key], std::string("maintenance.") + key);
            if (value.empty()) r.fail(item[key], std::string("maintenance.") + key, "must not be empty");
            return value;
        };
        const std::string agents = text("agents");
        const std::string databases = item["databases"] ? text("databases") : "*";
        const std::string cron_text = text("schedule");
        const std::string zone_name = item["timezone"] ? text("timezone") : "UTC";
        CronSpec cron;
        if (Status st = parse_cron(cron_text, &cron); !st.is_ok()) {
            r.fail(item["schedule"], "maintenance.schedule", "\"" + cron_text + "\": " + st.message());
        }
        Zone zone;
        if (Status st = find_zone(zone_name, &zone); !st.is_ok()) {
            r.fail(item["timezone"], "maintenance.timezone", st.message());
        }
        MaintenanceWindow w{agents, databases, Schedule(std::move(cron), zone, 0, 0),
                            r.duration(item["duration"], "maintenance.duration", kMicrosPerMinute, kMaxMaintenance),
                            text("reason"), r.where(item)};
        out.push_back(std::move(w));
    }
    return out;
}

// The first job, in the order listed, whose identity (agent, database,
// schedule, timezone) a job before it has. Sorting positions rather than
// keeping a set of identities costs 4 bytes a job, which counts at 100,000.
std::optional<std::size_t> first_repeat(const std::vector<JobConfig>& jobs) {
    const auto identity = [&jobs](std::uint32_t i) {
        const JobConfig& j = jobs[i];
        return std::tie(j.agent, j.database, j.schedule, j.timezone);
    };
    std::vector<std::uint32_t> order(jobs.size());
    std::iota(order.begin(), order.end(), 0);
    // Stable: among equal identities the first listed comes first, the rest are repeats.
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return identity(a) < identity(b); });
    std::optional<std::size_t> first;
    for (std::size_t k = 1; k < order.size(); ++k) {
        if (identity(order[k - 1]) == identity(order[k]) && (!first || order[k] < *first)) first = order[k];
    }
    return first;
}

void read_config(const Reader& r, const YamlNode& root, Config* c) {
    if (!root.IsMap()) throw ConfigError{r.file().string() + ":1: the configuration must be a YAML mapping"};
    std::unordered_map<std::size_t, int> walked;
    refuse_repeated_keys(r, root, 0, &walked);
    static const std::set<std::string> kKeys{"storage_root", "window_minutes", "max_report_age_days",
                                             "report_settle_seconds", "max_report_bytes", "max_reports_per_agent", "content_change",
                                             "verify_threads", "database", "jobs", "plugins", "reports",
                                             "integrity", "notifiers", "heartbeat_url", "metrics_file",
                                             "maintenance"};
    for (const auto& kv : root.pairs()) {
        if (!kKeys.count(kv.first.Scalar())) {
            r.fail(kv.first, kv.first.Scalar(), "unknown setting (known: " + known_list(kKeys) + ")");
        }
    }
    if (!root["storage_root"]) throw ConfigError{r.file().string() + ":1: storage_root: required setting missing"};
    c->storage_root = r.path(root["storage_root"], "storage_root");
    if (root["window_minutes"]) c->window_minutes = static_cast<int>(r.integer(root["window_minutes"], "window_minutes", 1, 719));
    if (root["max_report_age_days"]) c->max_report_age_days = r.number(root["max_report_age_days"], "max_report_age_days", 0, kMaxReportAgeDays);
    if (root["report_settle_seconds"]) c->report_settle_seconds = r.integer(root["report_settle_seconds"], "report_settle_seconds", 0, 86400);
    if (root["max_report_bytes"]) c->max_report_bytes = r.integer(root["max_report_bytes"], "max_report_bytes", 1, 1LL << 32);
    if (root["max_reports_per_agent"]) c->max_reports_per_agent = static_cast<int>(r.integer(root["max_reports_per_agent"], "max_reports_per_agent", 1, 100000));
    if (root["verify_threads"]) c->verify_threads = static_cast<int>(r.integer(root["verify_threads"], "verify_threads", 0, 256));
    if (const auto node = root["content_change"]) {
        const std::string v = r.string(node, "content_change");
        if (v == "changed") c->content_change = ContentChange::kChanged;
        else if (v == "unchanged") c->content_change = ContentChange::kUnchanged;
        else if (v == "off") c->content_change = ContentChange::kOff;
        else r.fail(node, "content_change", "must be changed, unchanged or off, found \"" + v + "\"");
    }

    // The storage plugin reads its own settings (a soci URL, a file path)
    // and resolves relative paths against vigil_config_dir itself.
    if (const auto db = root["database"]) {
        if (!db.IsMap()) r.fail(db, "database", "must be a mapping of the storage plugin's settings");
        c->database = plugin_choice(r, db, "database", "soci");
    } else {
        c->database.plugin = "soci";
        c->database.name = "soci";
        c->database.where = r.file().string() + ":1";
        nlohmann::json settings;
        settings["vigil_config_dir"] = r.file().parent_path().string();
        c->database.config_json = settings_text(r, root, "database", settings);
    }

    if (const auto plugins = root["plugins"]) {
        if (!plugins.IsMap()) r.fail(plugins, "plugins", "must be a mapping (plugins.path: [DIR, ...])");
        for (const auto& kv : plugins.pairs()) {
            if (kv.first.Scalar() != "path") r.fail(kv.first, "plugins." + kv.first.Scalar(), "unknown setting (known: path)");
        }
        if (const auto path = plugins["path"]) {
            if (path.IsScalar()) {
                c->plugin_path.push_back(r.path(path, "plugins.path"));
            } else if (path.IsSequence()) {
                for (const auto& dir : path.items()) c->plugin_path.push_back(r.path(dir, "plugins.path"));
            } else {
                r.fail(path, "plugins.path", "must be a directory or a list of directories");
            }
        }
    }
    if (const auto node = root["heartbeat_url"]) {
        c->heartbeat_url = r.string(node, "heartbeat_url");
        static const std::regex kHttp("^https?://[^/?#]+.*$", std::regex::icase);
        if (!std::regex_match(c->heartbeat_url, kHttp)) {
            r.fail(node, "heartbeat_url", "must be an http:// or https:// URL");
        }
    }
    if (const auto node = root["metrics_file"]) c->metrics_file = r.path(node, "metrics_file");
    c->reports = plugin_list(r, root["reports"], "reports");
    c->integrity = plugin_list(r, root["integrity"], "integrity");
    c->notifiers = notifier_list(r, root["notifiers"]);
    c->maintenance = maintenance_list(r, root["maintenance"]);

    if (const auto jobs = root["jobs"]) {
        if (!jobs.IsSequence()) r.fail(jobs, "jobs", "must be a list of jobs");
        const std::int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
        std::size_t count = 0;
        for ([[maybe_unused]] const auto& item : jobs.items()) ++count;
        c->jobs.reserve(count);
        // A job listed twice is reported at its second listing, unless a job
        // before that is wrong in itself: the repeats are looked for once all
        // jobs are read, or when one is wrong, among those before it.
        const auto refuse_repeats = [&] {
            const auto repeat = first_repeat(c->jobs);
            if (!repeat) return;
            const JobConfig& job = c->jobs[*repeat];
            std::size_t i = 0;
            for (const auto& item : jobs.items()) {
                if (i++ != *repeat) continue;
                r.fail(item, "jobs", "job " + job.agent + "/" + job.database + " " +
                                         when_label(job.hour, job.minute, job.schedule, job.timezone) +
                                         " is listed twice");
            }
        };
        for (const auto& item : jobs.items()) {
            try {
                c->jobs.push_back(job_config(r, item, c->window_minutes, now));
            } catch (const ConfigError&) {
                refuse_repeats();
                throw;
            }
        }
        refuse_repeats();
    }
}

// Why the file cannot be read, in the system's words, before YAML is asked
// (which says only that it failed).
Status check_readable(const std::filesystem::path& file) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
        return Status::error(Status::Code::kConfig,
                             file.string() + ": is a directory; --config names the YAML file itself");
    }
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return Status::error(Status::Code::kConfig,
                             file.string() + ": cannot read the configuration file: " + std::strerror(errno));
    }
    ::close(fd);
    return Status::ok();
}

// Reads the configuration from `yaml`. When `text` (which holds `yaml`) is
// given, it is emptied as soon as the document is built: the settings are
// read without the file's text in memory.
Status parse(std::string_view yaml, std::string* text, const std::filesystem::path& file, Config* config) {
    Config c;
    c.file = std::filesystem::absolute(file).lexically_normal();
    Reader reader(c.file);
    try {
        const YamlDocument document(yaml);
        if (text) std::string().swap(*text);
        read_config(reader, document.Root(), &c);
    } catch (const ConfigError& e) {
        return Status::error(Status::Code::kConfig, e.message);
    } catch (const YamlError& e) {
        return Status::error(Status::Code::kConfig, c.file.string() + ":" + std::to_string(e.line() + 1) + ": " + e.message());
    } catch (const std::exception& e) {
        return Status::error(Status::Code::kConfig, c.file.string() + ": cannot read the configuration file: " + e.what());
    }
    *config = std::move(c);
    return Status::ok();
}

}  // namespace

Status parse_config(const std::string& yaml, const std::filesystem::path& file, Config* config) {
    return parse(yaml, nullptr, file, config);
}

Status load_config(const std::filesystem::path& file, Config* config) {
    // Before reading: a stream says neither why it cannot open the file nor
    // that it is a directory (it throws reading one).
    if (Status st = check_readable(std::filesystem::absolute(file).lexically_normal()); !st.is_ok()) return st;
    std::ifstream in(file, std::ios::binary);
    std::string yaml;
    std::error_code ec;
    if (const auto size = std::filesystem::file_size(file, ec); !ec) yaml.reserve(size);
    yaml.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) {
        return Status::error(Status::Code::kConfig, std::filesystem::absolute(file).lexically_normal().string() +
                                                        ": cannot read the configuration file");
    }
    return parse(yaml, &yaml, file, config);
}

std::vector<std::string_view> configured_agents(const Config& config) {
    std::vector<std::string_view> agents;
    agents.reserve(config.jobs.size());
    for (const JobConfig& job : config.jobs) agents.push_back(job.agent);
    std::sort(agents.begin(), agents.end());
    agents.erase(std::unique(agents.begin(), agents.end()), agents.end());
    return agents;
}

}  // namespace vigil::host
