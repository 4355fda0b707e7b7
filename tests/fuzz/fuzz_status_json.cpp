// Fuzz target: the status_json report source's parser.
#include "fuzz_report.hpp"
#include "status_json_source.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    vigil::fuzz::parse_report<vigil::plugins::StatusJsonSource>(data, size);
    return 0;
}
