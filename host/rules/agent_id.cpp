#include "agent_id.hpp"

#include <vector>

namespace vigil::host {

namespace {
bool is_part_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}
}  // namespace

std::optional<AgentIdParts> parse_agent_id(std::string_view id) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        std::size_t end = id.find('_', start);
        std::string_view part = id.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (part.empty()) return std::nullopt;
        for (char c : part) {
            if (!is_part_char(c)) return std::nullopt;
        }
        parts.push_back(part);
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    if (parts.size() < 3) return std::nullopt;
    AgentIdParts out{std::string(parts[0]), std::string(parts[1]), std::string(parts[2])};
    for (std::size_t i = 3; i < parts.size(); ++i) {
        out.neighborhood += '_';
        out.neighborhood += parts[i];
    }
    return out;
}

}  // namespace vigil::host
