// bench_fleet_tree: writes the synthetic fleets of the fleet benchmark
// (see bench/README.md), the configurations that watch them, and puts
// archived reports back so a tree can be scanned again.
#include "fleet_tree.hpp"

#include <vigil/timestamp.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <exception>
#include <iostream>
#include <map>

namespace fs = std::filesystem;
using namespace vigil::bench;

int main(int argc, char** argv) {
    CLI::App app{"Writes fleet benchmark trees: valid reports, matching staged files, the configuration"};
    app.require_subcommand(1);

    TreeSpec spec;
    std::string dir, now_text = "2026-11-23T04:00:00Z", url, config_file;
    auto* generate = app.add_subcommand("generate", "write a new tree into --out (which must not exist)");
    generate->add_option("--out", dir, "the tree directory")->required();
    generate->add_option("--agents", spec.agents, "agent folders")->required()->check(CLI::NonNegativeNumber);
    generate->add_option("--databases", spec.databases, "databases (jobs) per agent")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    generate->add_option("--reports", spec.reports, "reports per agent, one a day up to --now")
        ->capture_default_str()
        ->check(CLI::Range(1, 365));
    generate->add_option("--size", spec.size, "staged file size in bytes (sql-gz: the dump's approximate size)")
        ->capture_default_str();
    const std::map<std::string, Content> contents{{"random", Content::kRandom}, {"sql-gz", Content::kSqlGz}};
    generate->add_option("--content", spec.content, "random: random bytes per job; sql-gz: one gzip SQL dump copied")
        ->transform(CLI::CheckedTransformer(contents))
        ->capture_default_str();
    generate->add_option("--dump", spec.dump_file, "sql-gz: copy this .sql.gz instead of generating one")
        ->check(CLI::ExistingFile);
    int threads = 2;
    generate->add_option("--threads", threads, "threads writing agent folders")->capture_default_str()->check(CLI::Range(1, 64));
    generate->add_flag("--gzip-check", spec.gzip_check, "configure the gzip integrity check besides sha256");
    generate->add_option("--now", now_text, "the instant the tree is to be scanned at (ISO-8601)")->capture_default_str();

    auto* config = app.add_subcommand("config", "write a configuration for an existing tree, on another database");
    config->add_option("--tree", dir, "the tree directory")->required()->check(CLI::ExistingDirectory);
    config->add_option("--database-url", url, "database.url, e.g. postgresql://host=... dbname=...")->required();
    config->add_option("--output", config_file, "the configuration file to write")->required();

    auto* restore = app.add_subcommand("restore", "move archived reports back into log/ to scan the tree again");
    restore->add_option("--tree", dir, "the tree directory")->required()->check(CLI::ExistingDirectory);

    CLI11_PARSE(app, argc, argv);
    try {
        if (*generate) {
            const auto now = vigil::parse_timestamp(now_text);
            if (!now) {
                std::cerr << "bench_fleet_tree: --now: not an ISO-8601 timestamp: " << now_text << "\n";
                return 2;
            }
            spec.now = *now;
            const auto start = std::chrono::steady_clock::now();
            const TreeTotals totals = write_tree(spec, dir, threads);
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::cout << dir << ": " << spec.agents << " agents, " << totals.jobs << " jobs, " << totals.reports
                      << " reports, " << totals.staged_files << " staged files, " << totals.staged_bytes
                      << " bytes, written in " << seconds << " s\n";
        } else if (*config) {
            write_config(read_tree_spec(dir), dir, url, config_file);
        } else if (*restore) {
            std::cout << restore_reports(dir) << " reports moved back\n";
        }
    } catch (const std::exception& e) {
        std::cerr << "bench_fleet_tree: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
