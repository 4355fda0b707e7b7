// The "field_agent_json" report source: reports as the deployed field agents
// write them (see README.md): naive local timestamps, "True"/"False" phase
// statuses, sizes as decimal strings, the staged file named by its path on
// the agent's machine, no overall_status.
#ifndef VIGIL_PLUGINS_FIELD_AGENT_SOURCE_HPP
#define VIGIL_PLUGINS_FIELD_AGENT_SOURCE_HPP

#include "local_zone.hpp"

#include <vigil/plugin.hpp>

#include <memory>
#include <optional>
#include <string_view>

namespace vigil::plugins {

// The agent id part of a report file name this source reads:
// `YYYYMMDD_HHMMSS_<AGENT_ID>.json` or `YYYY-MM-DD_HH-MM-SS_<AGENT_ID>.json`,
// the agent part a well-formed agent id. nullopt for any other name.
std::optional<std::string_view> field_report_agent(std::string_view file_name);

class FieldAgentSource : public vigil::ReportSource {
public:
    FieldAgentSource();
    ~FieldAgentSource() override;

    // Reads `timezone` (IANA name, default UTC); refuses unknown settings.
    void configure(const Config& config) override;

    // The agent id field_report_agent finds in the name: both name forms.
    std::optional<std::string_view> report_agent(std::string_view file_name) override;

    // Throws vigil::InvalidInput naming the field path and the reason, or
    // vigil::Declined when the bytes are a JSON object of another layout
    // (one with `overall_status`, or none of this layout's keys).
    Report parse(std::string_view file_name, std::string_view bytes) override;

private:
    // Kept across calls so its buffers are reused; hidden so that users of
    // this header do not compile simdjson.
    struct Parser;
    std::unique_ptr<Parser> parser_;
    LocalZone zone_;
};

}  // namespace vigil::plugins

#endif  // VIGIL_PLUGINS_FIELD_AGENT_SOURCE_HPP
