// `vigil config check`: everything a scan checks before it does anything,
// without doing anything, and warnings about the storage tree.
#include "cli.hpp"
#include "commands.hpp"
#include "preflight.hpp"
#include "records.hpp"
#include "scan.hpp"

#include <iostream>
#include <iterator>
#include <memory>
#include <utility>

namespace vigil::host {

namespace {

int run_config_check(const std::string& file) {
    Config config;
    if (Status st = load_config(file, &config); !st.is_ok()) return fail(st);
    std::cout << "configuration " << config.file.string() << ": read, " << config.jobs.size() << " job(s), "
              << config.notifiers.size() << " notifier(s)\n";
    std::vector<std::string> warnings = plugin_path_warnings(config);

    // The plugins open as a scan's, the storage in dry-run mode. The choice is
    // swapped in and out rather than the whole Config copied, which would
    // copy every job.
    const PluginChoice configured = config.database;
    config.database = dry_run_choice(configured);
    ScanPlugins plugins;
    Status st = open_scan_plugins(config, &plugins);
    config.database = configured;
    if (st.is_ok()) st = require_dry_run(*plugins.storage);
    if (!st.is_ok()) return fail(st);
    std::string plugin_list;
    for (const auto& s : plugins.report_sources) plugin_list += " " + s->plugin_name();
    for (const auto& c : plugins.integrity_checks) plugin_list += " " + c->plugin_name();
    std::cout << "plugins:" << plugin_list << " " << plugins.storage->plugin_name()
              << (config.notifiers.empty() ? "" : " and the notifiers") << ": loaded, settings accepted\n";
    std::string database;
    if (Status d = plugins.storage->describe(&database); d.is_ok()) std::cout << "database " << database << "\n";
    std::string warning;
    if (no_jobs_warning(config, *plugins.storage, &warning).is_ok() && !warning.empty()) warnings.push_back(warning);

    std::error_code ec;
    std::filesystem::directory_iterator listing(config.storage_root, ec);
    if (ec) {
        return fail(Status::error(Status::Code::kIo,
                                  "storage_root " + config.storage_root.string() + ": cannot list: " + ec.message()));
    }
    std::cout << "storage_root " << config.storage_root.string() << ": readable\n";
    std::vector<std::string> tree = storage_tree_warnings(config);  // one per agent folder missing, maybe 100,000
    warnings.insert(warnings.end(), std::make_move_iterator(tree.begin()), std::make_move_iterator(tree.end()));
    for (const auto& w : warnings) std::cout << "warning: " << w << "\n";
    std::cout << (warnings.empty() ? "ok\n" : "ok, with " + std::to_string(warnings.size()) + " warning(s)\n");
    return kExitOk;
}

}  // namespace

Command add_config_command(CLI::App& vigil) {
    auto file = std::make_shared<std::string>();
    auto* config = vigil.add_subcommand("config", "the configuration");
    config->require_subcommand(1);
    auto* check = config->add_subcommand("check", "check the configuration as a scan would, changing nothing");
    add_config_option(*check, *file);
    return {check, [file] { return run_config_check(*file); }};
}

}  // namespace vigil::host
