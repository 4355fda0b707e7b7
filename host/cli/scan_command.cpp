// `vigil scan [--now TIME] [--dry-run]`: one scan, with what surrounds it:
// warnings before it starts, its row in the scans table, and afterwards the
// metrics file and the heartbeat (none of those in a dry run).
#include "cli.hpp"
#include "commands.hpp"
#include "heartbeat.hpp"
#include "metrics.hpp"
#include "preflight.hpp"
#include "records.hpp"
#include "scan.hpp"
#include "scan_record.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

namespace vigil::host {

namespace {

struct ScanArgs {
    std::string config;
    std::string now;
    bool now_given = false;
    bool dry_run = false;
};

void warn_all(const std::vector<std::string>& warnings) {
    for (const auto& w : warnings) spdlog::warn("{}", w);
}

// A warning that needs the records; a storage plugin that cannot answer
// (too old) only loses the warning.
void warn_if(const Status& st, const std::string& warning) {
    if (!st.is_ok()) spdlog::debug("{}", st.message());
    else if (!warning.empty()) spdlog::warn("{}", warning);
}

void write_metrics(const Config& config, StorageHandle* storage, const ScanSummary& summary, bool succeeded,
                   std::int64_t finished_at) {
    MetricsInput input;
    input.summary = &summary;
    input.scan_succeeded = succeeded;
    input.finished_at = finished_at;
    if (storage) {
        // Without the records the file still says the scan failed; the job families are left empty.
        Status st = storage->load_all_jobs("", true, &input.jobs);
        // Without an outbox there are no deliveries to count.
        if (st.is_ok() && storage->offers(StorageCapability::kOutbox)) st = storage->count_deliveries(&input.deliveries);
        if (!st.is_ok()) spdlog::warn("metrics_file: the jobs and deliveries could not be read: {}", st.message());
    }
    if (Status st = write_metrics_file(config.metrics_file, render_metrics(input)); !st.is_ok()) {
        spdlog::warn("{}", st.message());
    }
}

// What follows every scan that got as far as reading its configuration.
void after_scan(const Config& config, StorageHandle* storage, const ScanSummary& summary, bool succeeded) {
    if (!config.metrics_file.empty()) write_metrics(config, storage, summary, succeeded, clock_now());
    if (!config.heartbeat_url.empty()) {
        if (Status st = send_heartbeat(config.heartbeat_url, succeeded); !st.is_ok()) spdlog::warn("{}", st.message());
    }
}

int run_scan_command(const ScanArgs& args) {
    ScanOptions options;
    options.real_now = clock_now();
    options.now = options.real_now;
    options.dry_run = args.dry_run;
    if (args.now_given) {
        if (Status st = parse_time_option("--now", args.now, &options.now); !st.is_ok()) return fail(st);
    }
    Config config;
    if (Status st = load_config(args.config, &config); !st.is_ok()) return fail(st);
    warn_all(plugin_path_warnings(config));

    // A dry run's storage is its own choice; nothing after a dry run reads
    // the configured one. A copy of the whole configuration would cost as
    // much memory as its jobs.
    if (args.dry_run) config.database = dry_run_choice(config.database);
    ScanPlugins plugins;
    Status opened = open_scan_plugins(config, &plugins);
    if (opened.is_ok() && args.dry_run) opened = require_dry_run(*plugins.storage);
    if (!opened.is_ok()) {
        ScanSummary none;
        none.now = options.now;
        if (!args.dry_run) after_scan(config, plugins.storage.get(), none, false);
        return fail(opened);
    }
    StorageHandle& storage = *plugins.storage;
    std::string warning;
    if (args.now_given) warn_if(earlier_now_warning(storage, options.now, &warning), warning);
    warn_if(no_jobs_warning(config, storage, &warning), warning);

    Scan row = running_scan(options.real_now, options.now);
    bool row_recorded = false;
    if (!args.dry_run) {
        Status st = record_scan_start(storage, row, &row.id);
        row_recorded = st.is_ok();
        if (!row_recorded) spdlog::warn("this scan is not recorded in the scans table: {}", st.message());
    }
    ScanSummary summary;
    const Status result = run_scan(config, plugins, options, &summary);
    if (row_recorded) {
        if (Status st = record_scan_end(storage, finished_scan(row, summary, result, clock_now())); !st.is_ok()) {
            spdlog::warn("the end of this scan is not recorded in the scans table: {}", st.message());
        }
    }
    summary.print(std::cout);
    std::cout.flush();
    if (!args.dry_run) after_scan(config, &storage, summary, result.is_ok());
    if (!result.is_ok()) return fail(result);
    return kExitOk;
}

}  // namespace

Command add_scan_command(CLI::App& vigil) {
    auto args = std::make_shared<ScanArgs>();
    auto* app = vigil.add_subcommand("scan", "scan the storage root once and record the results");
    add_config_option(*app, args->config);
    auto* now = app->add_option("--now", args->now, "judge everything at this instant (ISO-8601) instead of the clock");
    app->add_flag("--dry-run", args->dry_run,
                  "judge and log everything, keep nothing: no record, no archiving, no notification");
    return {app, [args, now] {
                args->now_given = now->count() > 0;
                return run_scan_command(*args);
            }};
}

}  // namespace vigil::host
