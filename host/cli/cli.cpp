#include "cli.hpp"

#include "commands.hpp"
#include "config.hpp"
#include "logging.hpp"
#include "nagios_check.hpp"
#include "notify.hpp"
#include "plugin_host.hpp"
#include "plugin_paths.hpp"

#include <vigil/timestamp.hpp>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <regex>
#include <set>
#include <vector>

namespace vigil::host {

namespace {

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

// The library --check names: a path, or a plugin's name looked for as a scan would.
Status plugin_to_check(const std::string& check, const std::vector<std::filesystem::path>& configured,
                       std::filesystem::path* file) {
    std::error_code ec;
    static const std::regex kName("^[A-Za-z0-9_-]+$");
    if (!std::filesystem::exists(check, ec) && std::regex_match(check, kName)) {
        const auto search_path = plugin_search_path(configured);
        if (auto found = find_plugin(check, search_path)) {
            *file = *found;
            return Status::ok();
        }
        std::string dirs;
        for (const auto& d : search_path) dirs += (dirs.empty() ? "" : ", ") + d.string();
        return Status::error(Status::Code::kConfig, "plugins --check: no plugin named \"" + check + "\" (no file " +
                                                        plugin_file_name(check) + " in " + dirs + ")");
    }
    if (!std::filesystem::exists(check, ec)) {
        return Status::error(Status::Code::kConfig, "plugins --check: " + check + ": no such file");
    }
    if (!std::filesystem::is_regular_file(check, ec)) {
        return Status::error(Status::Code::kConfig, "plugins --check: " + check + ": not a regular file");
    }
    *file = check;
    return Status::ok();
}

int plugins_command(const std::string& config_file, const std::string& check_file) {
    std::vector<std::filesystem::path> configured;
    if (!config_file.empty()) {
        Config config;
        if (Status st = load_config(config_file, &config); !st.is_ok()) return fail(st);
        configured = config.plugin_path;
    }
    std::filesystem::path file;
    if (!check_file.empty()) {
        if (Status st = plugin_to_check(check_file, configured, &file); !st.is_ok()) return fail(st);
    }
    std::cout << "host plugin ABI " << VIGIL_ABI_MAJOR << "." << VIGIL_ABI_MINOR << "\n";
    if (!check_file.empty()) {
        bool accepted = false;
        describe_plugin(file, std::cout, &accepted);
        return accepted ? kExitOk : kExitConfig;
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

// The first word of the command line that is not an option (nor
// --log-level's value): the command asked for, if any.
std::optional<std::string> command_word(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string word = argv[i];
        if (word == "--log-level") {
            ++i;
            continue;
        }
        if (!word.empty() && word[0] == '-') continue;
        return word;
    }
    return std::nullopt;
}

// Edits (insertions, deletions, substitutions) from a to b.
std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// "unknown command "scna" (did you mean scan?); the commands are ...".
std::string unknown_command(CLI::App& app, const std::string& word) {
    std::string names, nearest;
    std::size_t best = 3;  // suggest only a near miss
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        names += (names.empty() ? "" : ", ") + sub->get_name();
        const std::size_t d = edit_distance(word, sub->get_name());
        if (d < best) {
            best = d;
            nearest = sub->get_name();
        }
    }
    return "unknown command \"" + word + "\"" + (nearest.empty() ? "" : " (did you mean " + nearest + "?)") +
           "; the commands are " + names + " (vigil --help describes them)";
}

}  // namespace

int run_cli(int argc, char** argv) {
    CLI::App app{"Vigil: checks the backups that remote agents stage on this server"};
    app.set_version_flag("--version", std::string("vigil ") + VIGIL_VERSION);
    app.require_subcommand(1);
    // Options of the top level (--log-level) are accepted after the command too.
    app.fallthrough();
    std::string log_level = "info";
    app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")->capture_default_str();

    std::vector<Command> commands;
    commands.push_back(add_scan_command(app));
    commands.push_back(add_status_command(app));
    commands.push_back(add_history_command(app));
    commands.push_back(add_explain_command(app));
    const Command check = add_check_command(app);
    commands.push_back(check);
    commands.push_back(add_config_command(app));
    commands.push_back(add_schedule_command(app));
    commands.push_back(add_silence_command(app));

    std::string config_file, check_file;
    auto* plugins = app.add_subcommand("plugins", "list the plugins this host can load, and why it refuses others");
    plugins->add_option("--config,-c", config_file, "also search the config's plugins.path");
    plugins->add_option("--check", check_file, "load one library (a path, or a plugin's name) and say whether it would be accepted");

    std::string notify_config, notifier_name;
    auto* notify = app.add_subcommand("notify", "notifications");
    notify->require_subcommand(1);
    auto* notify_test = notify->add_subcommand("test", "send a test message through each notifier");
    add_config_option(*notify_test, notify_config);
    notify_test->add_option("--notifier", notifier_name, "only this notifier (its `name`)");

    const auto word = command_word(argc, argv);
    if (word && !app.get_subcommands([&](CLI::App* sub) { return sub->check_name(*word); }).size()) {
        std::cerr << "vigil: " << unknown_command(app, *word) << "\n";
        return kExitUsage;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // A monitoring plugin's usage error is UNKNOWN, in its one line, as the guidelines want.
        if (e.get_exit_code() != 0 && word == check.app->get_name()) {
            const CheckVerdict verdict = unknown_check(e.what());
            std::cout << verdict.line << "\n";
            return static_cast<int>(verdict.code);
        }
        return app.exit(e) == 0 ? kExitOk : kExitUsage;
    }
    if (!setup_logging(log_level)) {
        std::cerr << "vigil: --log-level: unknown level \"" << log_level << "\"\n";
        return kExitUsage;
    }
    try {
        for (const Command& command : commands) {
            if (*command.app) return command.run();
        }
        if (*plugins) return plugins_command(config_file, check_file);
        if (*notify_test) return notify_test_command(notify_config, notifier_name);
    } catch (const std::exception& e) {
        std::cerr << "vigil: internal error: " << e.what() << "\n";
        return kExitUsage;
    }
    return kExitUsage;
}

}  // namespace vigil::host
