#include "cli.hpp"

#include "config.hpp"
#include "logging.hpp"
#include "notify.hpp"
#include "plugin_host.hpp"
#include "plugin_paths.hpp"
#include "scan.hpp"
#include "schedule_command.hpp"

#include <vigil/timestamp.hpp>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <set>

namespace vigil::host {

namespace {

std::int64_t clock_now() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int exit_code_for(const Status& st) {
    switch (st.code()) {
        case Status::Code::kOk: return kExitOk;
        case Status::Code::kConfig:
        case Status::Code::kRefused: return kExitConfig;
        case Status::Code::kUnavailable:
        case Status::Code::kIo: return kExitUnavailable;
        default: return kExitUsage;
    }
}

int fail(const Status& st) {
    std::cerr << "vigil: " << st.message() << "\n";
    return exit_code_for(st);
}

// The instant an option names (ISO-8601), or the clock when it is empty.
bool instant_option(const char* option, const std::string& text, std::int64_t* out) {
    *out = clock_now();
    if (text.empty()) return true;
    auto parsed = parse_timestamp(text);
    if (!parsed) {
        std::cerr << "vigil: " << option << ": \"" << text << "\" is not an ISO-8601 timestamp (e.g. 2026-11-23T04:00:00Z)\n";
        return false;
    }
    *out = *parsed;
    return true;
}

int scan_command(const std::string& config_file, const std::string& now_text) {
    ScanOptions options;
    options.real_now = clock_now();
    if (!instant_option("--now", now_text, &options.now)) return kExitUsage;
    Config config;
    if (Status st = load_config(config_file, &config); !st.is_ok()) return fail(st);
    ScanPlugins plugins;
    if (Status st = open_scan_plugins(config, &plugins); !st.is_ok()) return fail(st);
    ScanSummary summary;
    Status st = run_scan(config, plugins, options, &summary);
    summary.print(std::cout);
    if (!st.is_ok()) return fail(st);
    return kExitOk;
}

int notify_test_command(const std::string& config_file, const std::string& notifier) {
    Config config;
    if (Status st = load_config(config_file, &config); !st.is_ok()) return fail(st);
    if (config.notifiers.empty()) {
        std::cerr << "vigil: " << config.file.string() << ": no notifiers configured\n";
        return kExitConfig;
    }
    Notifiers notifiers;
    if (Status st = Notifiers::open(config, &notifiers); !st.is_ok()) return fail(st);
    auto results = notifiers.send_test(notifier, clock_now());
    if (results.empty()) {
        std::cerr << "vigil: --notifier: no notifier named \"" << notifier << "\" in " << config.file.string() << "\n";
        return kExitConfig;
    }
    bool all_sent = true;
    for (const auto& [name, st] : results) {
        std::cout << name << ": " << (st.is_ok() ? "delivered" : st.message()) << "\n";
        all_sent &= st.is_ok();
    }
    return all_sent ? kExitOk : kExitUnavailable;
}

void describe_plugin(const std::filesystem::path& file, std::ostream& out, bool* accepted) {
    Status st;
    auto library = PluginLibrary::load(file, &st);
    if (!library) {
        out << "refused  " << file.string() << "\n         " << st.message() << "\n";
        *accepted = false;
        return;
    }
    if (file.filename() != plugin_file_name(library->name())) {
        out << "refused  " << file.string() << "\n         it calls itself \"" << library->name()
            << "\": a configuration naming it looks for " << plugin_file_name(library->name()) << "\n";
        *accepted = false;
        return;
    }
    out << "ok       " << library->name() << " " << library->version() << " (ABI " << library->abi_version()
        << "): " << library->capabilities() << "\n         " << file.string() << "\n";
    const char* description = library->descriptor().description;
    if (description && *description) out << "         " << description << "\n";
    *accepted = true;
}

int plugins_command(const std::string& config_file, const std::string& check_file) {
    std::cout << "host plugin ABI " << VIGIL_ABI_MAJOR << "." << VIGIL_ABI_MINOR << "\n";
    if (!check_file.empty()) {
        bool accepted = false;
        describe_plugin(check_file, std::cout, &accepted);
        return accepted ? kExitOk : kExitConfig;
    }
    std::vector<std::filesystem::path> configured;
    if (!config_file.empty()) {
        Config config;
        if (Status st = load_config(config_file, &config); !st.is_ok()) return fail(st);
        configured = config.plugin_path;
    }
    std::set<std::string> seen_names;
    for (const auto& dir : plugin_search_path(configured)) {
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec)) {
            std::cout << "\nsearch " << dir.string() << " (not a directory)\n";
            continue;
        }
        std::cout << "\nsearch " << dir.string() << "\n";
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
            if (is_plugin_file_name(entry.path().filename().string())) files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            bool accepted = false;
            describe_plugin(file, std::cout, &accepted);
            const std::string stem = file.stem().string();
            if (accepted && !seen_names.insert(stem).second) {
                std::cout << "         (shadowed by the same name earlier in the search path)\n";
            }
        }
    }
    return kExitOk;
}

}  // namespace

int run_cli(int argc, char** argv) {
    CLI::App app{"Vigil: checks the backups that remote agents stage on this server"};
    app.set_version_flag("--version", std::string("vigil ") + VIGIL_VERSION);
    app.require_subcommand(1);
    std::string log_level = "info";
    app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")->capture_default_str();

    std::string config_file, now_text, check_file;
    auto* scan = app.add_subcommand("scan", "scan the storage root once and record the results");
    scan->add_option("--config,-c", config_file, "the YAML configuration")->required();
    scan->add_option("--now", now_text, "judge everything at this instant (ISO-8601) instead of the clock");

    auto* plugins = app.add_subcommand("plugins", "list the plugins this host can load, and why it refuses others");
    plugins->add_option("--config,-c", config_file, "also search the config's plugins.path");
    plugins->add_option("--check", check_file, "load one library and say whether it would be accepted");

    std::string notifier_name;
    auto* notify = app.add_subcommand("notify", "notifications");
    notify->require_subcommand(1);
    auto* notify_test = notify->add_subcommand("test", "send a test message through each notifier");
    notify_test->add_option("--config,-c", config_file, "the YAML configuration")->required();
    notify_test->add_option("--notifier", notifier_name, "only this notifier (its `name`)");

    ScheduleRequest schedule_request;
    std::string from_text;
    std::optional<int> early_minutes, late_minutes;
    auto* schedule = app.add_subcommand(
        "schedule", "print the next instants of a cron schedule and their windows, in UTC and local time");
    schedule->add_option("expression", schedule_request.expression,
                         "five cron fields: minute hour day-of-month month day-of-week")
        ->required();
    schedule->add_option("--timezone,-z", schedule_request.timezone, "IANA time zone the schedule is read in")
        ->capture_default_str();
    schedule->add_option("--count,-n", schedule_request.count, "how many instants")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    schedule->add_option("--from", from_text, "list the instants after this one (ISO-8601; default: now)");
    schedule->add_option("--window-minutes", schedule_request.window_minutes, "window either side of each instant")
        ->check(CLI::Range(1, 719))
        ->capture_default_str();
    schedule->add_option("--early-minutes", early_minutes, "window before each instant (default: the window)")
        ->check(CLI::Range(0, 1439));
    schedule->add_option("--late-minutes", late_minutes, "window after each instant (default: the window)")
        ->check(CLI::Range(0, 1439));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? kExitOk : kExitUsage;
    }
    if (!setup_logging(log_level)) {
        std::cerr << "vigil: --log-level: unknown level \"" << log_level << "\"\n";
        return kExitUsage;
    }
    try {
        if (*scan) return scan_command(config_file, now_text);
        if (*plugins) return plugins_command(config_file, check_file);
        if (*notify_test) return notify_test_command(config_file, notifier_name);
        if (*schedule) {
            if (!instant_option("--from", from_text, &schedule_request.from)) return kExitUsage;
            schedule_request.early_minutes = early_minutes;
            schedule_request.late_minutes = late_minutes;
            return schedule_command(schedule_request, std::cout, std::cerr);
        }
    } catch (const std::exception& e) {
        std::cerr << "vigil: internal error: " << e.what() << "\n";
        return kExitUsage;
    }
    return kExitUsage;
}

}  // namespace vigil::host
