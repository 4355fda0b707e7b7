#include "logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace vigil::host {

bool setup_logging(const std::string& level) {
    auto parsed = spdlog::level::from_str(level);
    if (parsed == spdlog::level::off && level != "off") return false;
    spdlog::drop("vigil");
    auto logger = spdlog::stderr_logger_st("vigil");
    logger->set_pattern("%Y-%m-%dT%H:%M:%SZ vigil %l: %v", spdlog::pattern_time_type::utc);
    logger->set_level(parsed);
    spdlog::set_default_logger(logger);
    return true;
}

}  // namespace vigil::host
