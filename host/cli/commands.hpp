// The subcommands of `vigil`, each in its own file: added to the parser by
// cli.cpp, run when chosen. Also what they share: exit statuses from
// Status values, the clock, and the options every command reads.
#ifndef VIGIL_HOST_CLI_COMMANDS_HPP
#define VIGIL_HOST_CLI_COMMANDS_HPP

#include "status.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace vigil::host {

// A subcommand added to the parser, and what runs when it was chosen.
struct Command {
    CLI::App* app = nullptr;
    std::function<int()> run;
};

Command add_scan_command(CLI::App& vigil);
Command add_status_command(CLI::App& vigil);
Command add_history_command(CLI::App& vigil);
Command add_explain_command(CLI::App& vigil);
Command add_check_command(CLI::App& vigil);
Command add_config_command(CLI::App& vigil);
Command add_schedule_command(CLI::App& vigil);
Command add_silence_command(CLI::App& vigil);

// The configuration the packaged service reads: --config's default.
constexpr const char* kDefaultConfig = "/etc/vigil/vigil.yaml";

// Adds --config/-c FILE (default kDefaultConfig) to a command.
void add_config_option(CLI::App& command, std::string& file);

// The clock, in microseconds since 1970.
std::int64_t clock_now();

// The command's exit status for a failure: 2 configuration, 3 unavailable, 1 otherwise.
int exit_code_for(const Status& st);

// Prints "vigil: <message>" on stderr and returns exit_code_for(st).
int fail(const Status& st);

// Reads a --now or --since value: an ISO-8601 time. kConfig-free usage
// errors (kError) name the option; an empty value is refused.
Status parse_time_option(const std::string& option, const std::string& text, std::int64_t* micros);

// The instant a command acts at: the --now value `text` when `given`, else
// the clock.
Status now_option(bool given, const std::string& text, std::int64_t* now);

}  // namespace vigil::host

#endif
