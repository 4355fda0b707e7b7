// What the JSON report sources share: how agent-written text goes into
// messages, how JSON types are named, which file names are reports, and how
// raw bytes become a parsed document or a refusal.
#ifndef VIGIL_PLUGINS_REPORT_TEXT_HPP
#define VIGIL_PLUGINS_REPORT_TEXT_HPP

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace vigil::plugins {

// Agent-written text is echoed into log lines: quotes, backslashes and
// control bytes are escaped so a name cannot forge a line or break the
// quoting, and it is cut at `limit` bytes (never inside a UTF-8 sequence,
// marked "...") so it cannot flood the log.
std::string log_safe(std::string_view text, std::size_t limit = 64);

// "an object", "a string", "a number", ... for messages.
const char* json_type_name(simdjson::dom::element_type type);

// True when `text` starts with `shape`, where each '9' of the shape stands
// for any ASCII digit and every other character for itself.
bool starts_with_shape(std::string_view text, std::string_view shape);

// An agent id as the host defines it: three or more non-empty parts joined
// by `_`, each made of ASCII letters, digits and `-`.
bool is_agent_id(std::string_view text);

// Parses the whole file (a UTF-8 BOM is skipped) into a top-level object.
// Throws vigil::InvalidInput saying why not: not UTF-8, empty, not JSON,
// not an object.
simdjson::dom::object parse_report_object(simdjson::dom::parser& parser, std::string_view bytes);

}  // namespace vigil::plugins

#endif  // VIGIL_PLUGINS_REPORT_TEXT_HPP
