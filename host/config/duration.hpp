// Duration settings ("90s", "30m", "24h", "2d", "1h30m"), read without
// overflow whatever the text.
#ifndef VIGIL_HOST_DURATION_HPP
#define VIGIL_HOST_DURATION_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::host {

// One or more <digits><unit> pairs, unit s, m, h or d, added up, in
// microseconds. nullopt when the text is not such a duration or its total
// does not fit in 64 bits of microseconds (about 292,000 years).
std::optional<std::int64_t> parse_duration(std::string_view text);

// The shortest spelling parse_duration reads back as `micros` (whole
// seconds): "0s", "90s" -> "1m30s", "1d". For messages naming a range.
std::string format_duration(std::int64_t micros);

}  // namespace vigil::host

#endif
