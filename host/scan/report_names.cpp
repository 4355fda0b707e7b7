#include "report_names.hpp"

#include <algorithm>

namespace vigil::host {

NameKind ReportNames::classify(std::string_view name, std::string_view folder_agent) const {
    std::vector<std::string_view> claimed;
    for (const ReportSourceHandle* source : sources_) {
        if (auto agent = source->report_agent(name)) claimed.push_back(*agent);
    }
    return classify_report_name(name, claimed, folder_agent);
}

std::vector<std::string> ReportNames::agents_in(std::string_view name) const {
    std::vector<std::string> agents;
    for (const ReportSourceHandle* source : sources_) {
        const auto agent = source->report_agent(name);
        if (agent && std::find(agents.begin(), agents.end(), *agent) == agents.end()) agents.emplace_back(*agent);
    }
    return agents;
}

std::string ReportNames::source_list() const {
    std::string text;
    for (const ReportSourceHandle* source : sources_) text += (text.empty() ? "" : ", ") + source->plugin_name();
    return text;
}

}  // namespace vigil::host
