// `vigil history AGENT [DATABASE] [--since TIME] [--json]`.
#include "cli.hpp"
#include "commands.hpp"
#include "history.hpp"
#include "records.hpp"

#include <iostream>
#include <memory>

namespace vigil::host {

namespace {

struct HistoryArgs {
    std::string config;
    std::string agent;
    std::string database;
    std::string since;
    bool since_given = false;
    bool json = false;
};

int run_history(const HistoryArgs& args) {
    std::int64_t since = kNoTime;
    if (args.since_given) {
        // A duration counts back from the clock: --since 7d.
        if (auto back = parse_duration(args.since)) {
            since = clock_now() - *back;
        } else if (Status st = parse_time_option("--since", args.since, &since); !st.is_ok()) {
            return fail(Status::error(st.code(), st.message() + ", or a duration back from now such as 7d"));
        }
    }
    Config config;
    std::unique_ptr<StorageHandle> storage;
    if (Status st = load_records(args.config, &config, &storage); !st.is_ok()) return fail(st);
    History history;
    if (Status st = load_history(*storage, args.agent, args.database, since, &history); !st.is_ok()) return fail(st);
    if (args.json) {
        std::cout << history_json(history).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
        print_history(std::cout, history);
    }
    return kExitOk;
}

}  // namespace

Command add_history_command(CLI::App& vigil) {
    auto args = std::make_shared<HistoryArgs>();
    auto* app = vigil.add_subcommand("history", "an agent's entries and report fates over time, newest first");
    app->add_option("agent", args->agent, "the agent id")->required();
    app->add_option("database", args->database, "only this database's entries");
    add_config_option(*app, args->config);
    auto* since = app->add_option("--since", args->since, "only what was recorded from this time (ISO-8601) or this long ago (7d)");
    app->add_flag("--json", args->json, "one JSON document");
    return {app, [args, since] {
                args->since_given = since->count() > 0;
                return run_history(*args);
            }};
}

}  // namespace vigil::host
