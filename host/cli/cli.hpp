// The `vigil` command line: subcommands, options and exit statuses.
#ifndef VIGIL_HOST_CLI_HPP
#define VIGIL_HOST_CLI_HPP

namespace vigil::host {

// Exit statuses: 0 the command ran to its end, 1 internal error or bad
// usage, 2 configuration error, 3 the scan could not run (database, storage root).
constexpr int kExitOk = 0;
constexpr int kExitUsage = 1;
constexpr int kExitConfig = 2;
constexpr int kExitUnavailable = 3;

int run_cli(int argc, char** argv);

}  // namespace vigil::host

#endif
