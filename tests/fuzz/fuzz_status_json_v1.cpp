// Fuzz target: the status_json_v1 report source's parser (the older layout).
#include "fuzz_report.hpp"
#include "status_json_v1_source.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    vigil::fuzz::parse_report<vigil::plugins::StatusJsonV1Source>(data, size);
    return 0;
}
