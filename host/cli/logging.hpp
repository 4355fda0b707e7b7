// The process-wide log: spdlog to stderr, one line per event.
#ifndef VIGIL_HOST_LOGGING_HPP
#define VIGIL_HOST_LOGGING_HPP

#include <string>

namespace vigil::host {

// level: trace, debug, info, warn, error, off. Returns false for an unknown level.
bool setup_logging(const std::string& level);

}  // namespace vigil::host

#endif
