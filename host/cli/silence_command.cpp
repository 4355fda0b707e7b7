// `vigil silence add|list|expire`: silences kept in the database, so that
// every scanner sharing it obeys them (docs/notifications.md).
#include "cli.hpp"
#include "commands.hpp"
#include "plugin_open.hpp"
#include "plugin_paths.hpp"
#include "records.hpp"
#include "silence_report.hpp"

#include <vigil/timestamp.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <pwd.h>
#include <unistd.h>

namespace vigil::host {

namespace {

struct SilenceArgs {
    std::string config;
    std::string now;
    bool now_given = false;
    // add
    Silence silence;
    std::string until;
    std::string for_duration;
    // list
    bool all = false;
    bool json = false;
    // expire
    std::int64_t id = 0;
    std::string by;
};

// Who runs the command: --by, else the login name, else the user id.
std::string operator_name(const std::string& by) {
    if (!by.empty()) return by;
    if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) return pw->pw_name;
    return "uid " + std::to_string(::geteuid());
}

// Opens the configured storage for writing; kConfig when it keeps no silences.
Status open_for_silences(const SilenceArgs& args, Config* config, std::unique_ptr<StorageHandle>* storage) {
    if (Status st = load_config(args.config, config); !st.is_ok()) return st;
    if (Status st = open_plugin(config->database, plugin_search_path(config->plugin_path), storage); !st.is_ok()) {
        return st;
    }
    return (*storage)->require(StorageCapability::kSilences, "vigil silence");
}

// Runs f between begin and commit.
Status in_transaction(StorageHandle& storage, const std::function<Status()>& f) {
    Status st = storage.begin();
    if (st.is_ok()) st = f();
    if (st.is_ok()) st = storage.commit();
    if (!st.is_ok()) storage.rollback();
    return st;
}

int run_add(SilenceArgs args, std::int64_t now) {
    Silence& s = args.silence;
    s.created_at = now;
    s.created_by = operator_name(args.by);
    if (args.until.empty() == args.for_duration.empty()) {
        return fail(Status::error(Status::Code::kError, "give either --until TIME or --for DURATION"));
    }
    if (!args.until.empty()) {
        if (Status st = parse_time_option("--until", args.until, &s.ends_at); !st.is_ok()) return fail(st);
    } else {
        const auto duration = parse_duration(args.for_duration);
        if (!duration || *duration <= 0) {
            return fail(Status::error(Status::Code::kError, "--for: \"" + args.for_duration +
                                                                "\" is not a duration (e.g. 90m, 4h, 2d, 1h30m)"));
        }
        s.ends_at = now + *duration;
    }
    if (Status st = check_new_silence(s); !st.is_ok()) return fail(st);

    Config config;
    std::unique_ptr<StorageHandle> storage;
    if (Status st = open_for_silences(args, &config, &storage); !st.is_ok()) return fail(st);
    std::int64_t id = 0;
    if (Status st = in_transaction(*storage, [&] { return storage->add_silence(s, &id); }); !st.is_ok()) {
        return fail(st);
    }
    std::vector<Job> jobs;
    if (Status st = storage->load_all_jobs("", true, &jobs); !st.is_ok()) return fail(st);
    int matching = 0;
    for (const Job& job : jobs) {
        matching += glob_matches(s.agents, job.agent_id_responsible) && glob_matches(s.databases, job.database_name);
    }
    std::cout << "silence #" << id << " added: agents " << s.agents << ", databases " << s.databases << ", from "
              << format_iso(s.created_at) << " until " << format_iso(s.ends_at) << " (" << matching
              << " active job(s) match now)\n";
    if (matching == 0) std::cerr << "vigil: warning: no active job matches --agent " << s.agents << " --database " << s.databases << "\n";
    return kExitOk;
}

int run_list(const SilenceArgs& args, std::int64_t now) {
    Config config;
    std::unique_ptr<StorageHandle> storage;
    if (Status st = load_records(args.config, &config, &storage); !st.is_ok()) return fail(st);
    std::vector<Silence> silences;
    if (Status st = storage->require(StorageCapability::kSilences, "vigil silence"); !st.is_ok()) return fail(st);
    if (Status st = storage->load_silences(args.all ? kNoTime : now, &silences); !st.is_ok()) return fail(st);
    if (args.json) {
        std::cout << silences_json(silences, config.maintenance, now)
                         .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                  << "\n";
    } else {
        print_silences(std::cout, silences, config.maintenance, now);
    }
    return kExitOk;
}

int run_expire(const SilenceArgs& args, std::int64_t now) {
    Config config;
    std::unique_ptr<StorageHandle> storage;
    if (Status st = open_for_silences(args, &config, &storage); !st.is_ok()) return fail(st);
    bool found = false;
    const std::string by = operator_name(args.by);
    Status st = in_transaction(*storage, [&] { return storage->expire_silence(args.id, now, by, &found); });
    if (!st.is_ok()) return fail(st);
    if (!found) {
        return fail(Status::error(Status::Code::kError, "silence #" + std::to_string(args.id) +
                                                            " does not exist (vigil silence list --all shows them)"));
    }
    std::vector<Silence> silences;
    if (Status st = storage->load_silences(kNoTime, &silences); !st.is_ok()) return fail(st);
    for (const Silence& s : silences) {
        if (s.id != args.id) continue;
        if (s.expired_at == now && s.expired_by == by) {
            std::cout << "silence #" << s.id << " expired at " << format_iso(now) << "\n";
        } else {
            std::cout << "silence #" << s.id << " was no longer in force (it ended at " << format_iso(s.ends_at)
                      << "); nothing changed\n";
        }
    }
    return kExitOk;
}

}  // namespace

Command add_silence_command(CLI::App& vigil) {
    auto args = std::make_shared<SilenceArgs>();
    auto* app = vigil.add_subcommand("silence", "silences: deliver no notification about some jobs for a while");
    app->require_subcommand(1);
    std::vector<CLI::Option*> now;
    auto common = [&](CLI::App* command) {
        add_config_option(*command, args->config);
        now.push_back(command->add_option("--now", args->now, "act at this instant (ISO-8601) instead of the clock"));
    };

    auto* add = app->add_subcommand("add", "silence the jobs matching --agent (and --database) until a time");
    common(add);
    add->add_option("--agent", args->silence.agents, "glob on the agent id (ACME_*)")->required();
    add->add_option("--database", args->silence.databases, "glob on the database name")->capture_default_str();
    add->add_option("--until", args->until, "when it ends (ISO-8601)");
    add->add_option("--for", args->for_duration, "how long it lasts (90m, 4h, 2d)");
    add->add_option("--reason", args->silence.reason, "why (shown with the silence)")->required();
    add->add_option("--by", args->by, "who adds it (default: the login name)");

    auto* list = app->add_subcommand("list", "the silences in force or to come, and the configured maintenance windows");
    common(list);
    list->add_flag("--all", args->all, "also the silences that ended");
    list->add_flag("--json", args->json, "one JSON document (its shape is documented and only grows)");

    auto* expire = app->add_subcommand("expire", "end a silence now");
    common(expire);
    expire->add_option("id", args->id, "the silence's number (vigil silence list)")->required();
    expire->add_option("--by", args->by, "who ends it (default: the login name)");

    return {app, [args, now, add, list, expire] {
                const bool now_given =
                    std::any_of(now.begin(), now.end(), [](const CLI::Option* o) { return o->count() > 0; });
                std::int64_t at = kNoTime;
                if (Status st = now_option(now_given, args->now, &at); !st.is_ok()) return fail(st);
                if (*add) return run_add(*args, at);
                if (*list) return run_list(*args, at);
                if (*expire) return run_expire(*args, at);
                return kExitUsage;
            }};
}

}  // namespace vigil::host
