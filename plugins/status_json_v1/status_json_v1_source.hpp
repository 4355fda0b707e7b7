// The "status_json_v1" report source: the older STATUS.json layout, with a
// single operation_timestamp and backup_process/compress_process/
// transfer_process blocks (see README.md).
#ifndef VIGIL_PLUGINS_STATUS_JSON_V1_SOURCE_HPP
#define VIGIL_PLUGINS_STATUS_JSON_V1_SOURCE_HPP

#include <vigil/plugin.hpp>

#include <memory>
#include <string_view>

namespace vigil::plugins {

class StatusJsonV1Source : public vigil::ReportSource {
public:
    StatusJsonV1Source();
    ~StatusJsonV1Source() override;

    // Reads the standard names, as status_json does (the SDK's default
    // report_agent): which of the two reads a file is decided by its content.

    // Validates strictly and maps the layout onto vigil::Report. Throws
    // vigil::InvalidInput naming the field path and the reason, or
    // vigil::Declined for a JSON object of the current layout (or of no
    // layout this source knows).
    Report parse(std::string_view file_name, std::string_view bytes) override;

private:
    // Reused across calls for its buffers; hidden so that users of this
    // header do not compile simdjson.
    struct Parser;
    std::unique_ptr<Parser> parser_;
};

}  // namespace vigil::plugins

#endif  // VIGIL_PLUGINS_STATUS_JSON_V1_SOURCE_HPP
