// `vigil status [--json] [--agent GLOB] [--database GLOB] [--failing]`.
#include "cli.hpp"
#include "commands.hpp"
#include "records.hpp"
#include "status_report.hpp"

#include <iostream>
#include <memory>

namespace vigil::host {

namespace {

struct StatusArgs {
    std::string config;
    bool json = false;
    StatusFilter filter;
    std::string now;
    bool now_given = false;
};

int run_status(const StatusArgs& args) {
    std::int64_t now = kNoTime;
    if (Status st = now_option(args.now_given, args.now, &now); !st.is_ok()) return fail(st);
    Config config;
    std::unique_ptr<StorageHandle> storage;
    if (Status st = load_records(args.config, &config, &storage); !st.is_ok()) return fail(st);
    std::vector<JobState> jobs;
    std::optional<Scan> last;
    std::string database;
    Status st = load_job_states(*storage, &jobs);
    if (st.is_ok()) st = latest_scan(*storage, false, &last);
    if (st.is_ok()) st = storage->describe(&database);
    std::vector<Silence> silences;
    bool offered = false;
    if (st.is_ok()) st = load_all_silences(*storage, &silences, &offered);
    if (!st.is_ok()) return fail(st);
    jobs = filter_jobs(jobs, args.filter);
    add_outlook(silences, config.maintenance, now, &jobs);
    if (args.json) {
        std::cout << status_json(jobs, last, database, now)
                         .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                  << "\n";
    } else {
        print_status(std::cout, jobs, last, database);
    }
    return kExitOk;
}

}  // namespace

Command add_status_command(CLI::App& vigil) {
    auto args = std::make_shared<StatusArgs>();
    auto* app = vigil.add_subcommand("status", "show every active job's status and the last scan, from the records");
    add_config_option(*app, args->config);
    app->add_flag("--json", args->json, "one JSON document (its shape is documented and only grows)");
    app->add_option("--agent", args->filter.agents, "only agents matching this glob (ACME_*)");
    app->add_option("--database", args->filter.databases, "only databases matching this glob");
    app->add_flag("--failing", args->filter.failing_only, "only jobs that are failed, missing or transfer_integrity_failed");
    auto* now = app->add_option("--now", args->now,
                                "judge silences and upcoming cycles at this instant (ISO-8601) instead of the clock");
    return {app, [args, now] {
                args->now_given = now->count() > 0;
                return run_status(*args);
            }};
}

}  // namespace vigil::host
