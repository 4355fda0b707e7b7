#include "name_kind.hpp"

#include <algorithm>
#include <cctype>

namespace vigil::host {

namespace {

bool ends_in_json(std::string_view name) {
    constexpr std::string_view kSuffix = ".json";
    if (name.size() < kSuffix.size()) return false;
    const std::string_view tail = name.substr(name.size() - kSuffix.size());
    return std::equal(tail.begin(), tail.end(), kSuffix.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == b;
    });
}

}  // namespace

NameKind classify_report_name(std::string_view name, const std::vector<std::string_view>& claimed_agents,
                              std::string_view folder_agent) {
    if (std::find(claimed_agents.begin(), claimed_agents.end(), folder_agent) != claimed_agents.end()) {
        return NameKind::kReport;
    }
    if (!claimed_agents.empty()) return NameKind::kOtherAgent;
    if (!name.empty() && name[0] != '.' && ends_in_json(name)) return NameKind::kUnrecognised;
    return NameKind::kOther;
}

}  // namespace vigil::host
