// The "status_json" report source: the STATUS.json layout of docs/report-format.md.
#ifndef VIGIL_PLUGINS_STATUS_JSON_SOURCE_HPP
#define VIGIL_PLUGINS_STATUS_JSON_SOURCE_HPP

#include <vigil/plugin.hpp>

#include <memory>
#include <string_view>

namespace vigil::plugins {

class StatusJsonSource : public vigil::ReportSource {
public:
    StatusJsonSource();
    ~StatusJsonSource() override;

    // Reads the standard names YYYYMMDD_HHMMSS_<AGENT_ID>.json: the SDK's
    // default report_agent.

    // Validates strictly (see README.md). Throws vigil::InvalidInput naming
    // the field path and the reason, or vigil::Declined when the bytes are a
    // JSON object of some other report layout.
    Report parse(std::string_view file_name, std::string_view bytes) override;

private:
    // Kept across calls so its buffers are reused; hidden so that users of
    // this header do not compile simdjson.
    struct Parser;
    std::unique_ptr<Parser> parser_;
};

}  // namespace vigil::plugins

#endif  // VIGIL_PLUGINS_STATUS_JSON_SOURCE_HPP
