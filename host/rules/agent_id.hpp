// Agent identifiers: COMPANY_CITY_NEIGHBORHOOD (docs/storage-layout.md).
#ifndef VIGIL_HOST_AGENT_ID_HPP
#define VIGIL_HOST_AGENT_ID_HPP

#include <optional>
#include <string>
#include <string_view>

namespace vigil::host {

struct AgentIdParts {
    std::string company;
    std::string city;
    std::string neighborhood;  // every part after the city, joined by '_'
};

// The parts of a valid agent id: three or more non-empty parts joined by
// '_', each of ASCII letters, digits and '-'. nullopt when not valid.
std::optional<AgentIdParts> parse_agent_id(std::string_view id);

}  // namespace vigil::host

#endif
