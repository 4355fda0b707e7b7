#include "duration.hpp"

#include <charconv>
#include <limits>

namespace vigil::host {

namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;

struct Unit {
    char letter;
    std::int64_t micros;
};
constexpr Unit kUnits[] = {{'d', 86'400 * kMicrosPerSecond},
                           {'h', 3'600 * kMicrosPerSecond},
                           {'m', 60 * kMicrosPerSecond},
                           {'s', kMicrosPerSecond}};

std::optional<std::int64_t> unit_micros(char letter) {
    for (const Unit& u : kUnits) {
        if (u.letter == letter) return u.micros;
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::int64_t> parse_duration(std::string_view text) {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    if (text.empty()) return std::nullopt;
    std::int64_t total = 0;
    const char* at = text.data();
    const char* const end = text.data() + text.size();
    while (at != end) {
        std::int64_t amount = 0;
        auto [digits_end, error] = std::from_chars(at, end, amount);
        // from_chars takes a leading '-': only digits are a duration.
        if (error != std::errc() || digits_end == at || *at == '-' || digits_end == end) return std::nullopt;
        const auto unit = unit_micros(*digits_end);
        if (!unit || amount > (kMax - total) / *unit) return std::nullopt;
        total += amount * *unit;
        at = digits_end + 1;
    }
    return total;
}

std::string format_duration(std::int64_t micros) {
    std::int64_t seconds = micros / kMicrosPerSecond;
    if (seconds <= 0) return "0s";
    std::string out;
    for (const Unit& u : kUnits) {
        const std::int64_t in_unit = u.micros / kMicrosPerSecond;
        if (seconds >= in_unit) {
            out += std::to_string(seconds / in_unit) + u.letter;
            seconds %= in_unit;
        }
    }
    return out;
}

}  // namespace vigil::host
