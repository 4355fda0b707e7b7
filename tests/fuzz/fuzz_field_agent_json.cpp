// Fuzz target: the field_agent_json report source's parser, reading naive
// times in a zone with an offset (so the local-time conversion runs too).
#include "field_agent_source.hpp"
#include "fuzz_report.hpp"

namespace {

vigil::plugins::FieldAgentSource& configured_source() {
    static vigil::plugins::FieldAgentSource* source = [] {
        auto* s = new vigil::plugins::FieldAgentSource;
        vigil::Config config;
        config.put("timezone", "Africa/Douala");
        s->configure(config);
        return s;
    }();
    return *source;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    vigil::fuzz::parse_report_with(configured_source(), "2025-06-20_08-37-35_ELHADJ_BAFOUSSAM_TAMDJA.json", data, size);
    return 0;
}
