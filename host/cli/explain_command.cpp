// `vigil explain FILE`.
#include "cli.hpp"
#include "commands.hpp"
#include "explain.hpp"
#include "records.hpp"
#include "scan.hpp"

#include <iostream>
#include <memory>
#include <vector>

namespace vigil::host {

namespace {

struct ExplainArgs {
    std::string config;
    std::string file;
};

int run_explain(const ExplainArgs& args) {
    Config config;
    std::unique_ptr<StorageHandle> storage;
    if (Status st = load_records(args.config, &config, &storage); !st.is_ok()) return fail(st);
    // Which names are reports is the configured sources' to say.
    std::vector<std::unique_ptr<ReportSourceHandle>> sources;
    if (Status st = open_report_sources(config, &sources); !st.is_ok()) return fail(st);
    std::vector<const ReportSourceHandle*> readers;
    for (const auto& source : sources) readers.push_back(source.get());
    const ReportNames names(readers);
    if (Status st = explain_report(config, *storage, names, args.file, clock_now(), std::cout); !st.is_ok()) {
        return fail(st);
    }
    return kExitOk;
}

}  // namespace

Command add_explain_command(CLI::App& vigil) {
    auto args = std::make_shared<ExplainArgs>();
    auto* app = vigil.add_subcommand("explain", "what happened to a report file, or why no scan read it");
    app->add_option("file", args->file, "a report's path, or its bare file name")->required();
    add_config_option(*app, args->config);
    return {app, [args] { return run_explain(*args); }};
}

}  // namespace vigil::host
