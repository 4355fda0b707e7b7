// The standard report file name, YYYYMMDD_HHMMSS_<AGENT_ID>.json: what the
// host assumes a report source reads when it does not declare its names
// (plugin.h, claim_name), and what vigil::ReportSource claims by default.
// Header-only, standard library only.
#ifndef VIGIL_REPORT_NAME_HPP
#define VIGIL_REPORT_NAME_HPP

#include <cstddef>
#include <optional>
#include <string_view>

namespace vigil {

// The agent part of a standard report name (a view into file_name): eight
// digits, '_', six digits, '_', then a non-empty agent part, then ".json"
// (lower case). nullopt for any other name. The digits are not read as a
// date, and the agent part is not checked here: the host compares it with
// the agent folder's own id.
inline std::optional<std::string_view> standard_report_agent(std::string_view file_name) {
    constexpr std::string_view kShape = "99999999_999999_";
    constexpr std::string_view kSuffix = ".json";
    if (file_name.size() <= kShape.size() + kSuffix.size()) return std::nullopt;
    for (std::size_t i = 0; i < kShape.size(); ++i) {
        const char c = file_name[i];
        const bool fits = kShape[i] == '9' ? c >= '0' && c <= '9' : c == kShape[i];
        if (!fits) return std::nullopt;
    }
    if (file_name.substr(file_name.size() - kSuffix.size()) != kSuffix) return std::nullopt;
    return file_name.substr(kShape.size(), file_name.size() - kShape.size() - kSuffix.size());
}

}  // namespace vigil

#endif  // VIGIL_REPORT_NAME_HPP
