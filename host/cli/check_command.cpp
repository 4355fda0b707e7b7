// `vigil check`: a monitoring plugin (Nagios plugin guidelines): one line,
// performance data after '|', exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
#include "commands.hpp"
#include "nagios_check.hpp"
#include "records.hpp"
#include "vocabulary.hpp"

#include <iostream>
#include <memory>
#include <sstream>

namespace vigil::host {

namespace {

struct CheckArgs {
    std::string config;
    std::string critical = "failed,missing,transfer_integrity_failed";
    std::string warning;
    std::string max_scan_age = "30m";
    std::string now;
    bool now_given = false;
};

int report(const CheckVerdict& verdict) {
    std::cout << verdict.line << "\n";
    return static_cast<int>(verdict.code);
}

// "failed,missing" into a set of job statuses; "" is the empty set.
Status status_set(const std::string& option, const std::string& text, std::set<std::string>* out) {
    out->clear();
    std::istringstream in(text);
    std::string status;
    while (std::getline(in, status, ',')) {
        if (status.empty()) continue;
        if (!parse_job_status(status)) {
            return Status::error(Status::Code::kError,
                                 option + ": \"" + status + "\" is not a job status (" + job_status_names() + ")");
        }
        out->insert(status);
    }
    return Status::ok();
}

Status read_options(const CheckArgs& args, CheckOptions* options, std::int64_t* now) {
    if (Status st = status_set("--critical", args.critical, &options->critical); !st.is_ok()) return st;
    if (Status st = status_set("--warning", args.warning, &options->warning); !st.is_ok()) return st;
    auto age = parse_duration(args.max_scan_age);
    if (!age) {
        return Status::error(Status::Code::kError,
                             "--max-scan-age: \"" + args.max_scan_age + "\" is not a duration (e.g. 30m, 1h)");
    }
    options->max_scan_age = *age;
    return now_option(args.now_given, args.now, now);
}

int run_check(const CheckArgs& args) {
    CheckOptions options;
    CheckInput input;
    if (Status st = read_options(args, &options, &input.now); !st.is_ok()) return report(unknown_check(st.message()));
    Config config;
    std::unique_ptr<StorageHandle> storage;
    Status st = load_records(args.config, &config, &storage);
    if (st.is_ok()) st = storage->load_all_jobs("", true, &input.jobs);
    if (st.is_ok()) st = latest_scan(*storage, false, &input.last_scan);
    if (st.is_ok()) st = latest_scan(*storage, true, &input.last_completed);
    if (st.is_ok() && storage->offers(StorageCapability::kOutbox)) st = storage->count_deliveries(&input.deliveries);
    std::vector<Silence> silences;
    bool offered = false;
    if (st.is_ok()) st = load_all_silences(*storage, &silences, &offered);
    if (!st.is_ok()) return report(unknown_check(st.message()));
    for (const Job& job : input.jobs) {
        if (silencing_at(silences, config.maintenance, job.agent_id_responsible, job.database_name, input.now)) {
            input.silenced.insert(job.id);
        }
    }
    return report(judge_check(input, options));
}

}  // namespace

Command add_check_command(CLI::App& vigil) {
    auto args = std::make_shared<CheckArgs>();
    auto* app = vigil.add_subcommand("check", "a monitoring plugin for Icinga, Nagios and the like (exit 0-3, perfdata)");
    add_config_option(*app, args->config);
    app->add_option("--critical", args->critical, "job statuses that are CRITICAL, comma-separated")
        ->capture_default_str();
    app->add_option("--warning", args->warning, "job statuses that are WARNING, comma-separated");
    app->add_option("--max-scan-age", args->max_scan_age,
                    "CRITICAL when no scan completed within this long (the monitor itself must run)")
        ->capture_default_str();
    auto* now = app->add_option("--now", args->now, "judge the scan's age at this instant (ISO-8601) instead of the clock");
    return {app, [args, now] {
                args->now_given = now->count() > 0;
                return run_check(*args);
            }};
}

}  // namespace vigil::host
