// Readers for the values a field agent writes loosely. Each refuses what it
// cannot read with vigil::InvalidInput `field "<path>": <why>`, the path
// naming the field. "Optional" means absent, JSON null and the string
// "null" all count as absent.
#ifndef VIGIL_PLUGINS_FIELD_VALUES_HPP
#define VIGIL_PLUGINS_FIELD_VALUES_HPP

#include "local_zone.hpp"
#include "report_node.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::plugins {

// A timestamp: naive (`2025-06-20 08:37:35.142592`, or with `T`) read as a
// wall-clock time of `zone`, or ISO-8601 with `Z` or an offset; within
// vigil::in_report_range once in UTC (1970..9999).
std::int64_t need_agent_time(const ReportNode& node, std::string_view key, const LocalZone& zone);
// Likewise, optional: kNoTime when absent.
std::int64_t maybe_agent_time(const ReportNode& node, std::string_view key, const LocalZone& zone);

// A phase status: true or false, as JSON booleans or the strings "True" and
// "False" exactly.
bool need_agent_status(const ReportNode& node, std::string_view key);

// An optional size in bytes: a non-negative JSON integer, or a string of
// decimal digits only; within int64. kNoSize when absent.
std::int64_t maybe_agent_size(const ReportNode& node, std::string_view key);

// An optional string (a NUL inside is refused).
std::optional<std::string> maybe_agent_string(const ReportNode& node, std::string_view key);

}  // namespace vigil::plugins

#endif  // VIGIL_PLUGINS_FIELD_VALUES_HPP
