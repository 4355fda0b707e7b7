// Fuzz target: the status_json report source's parser, on any bytes an agent
// could write.
#include "fuzz_check.hpp"
#include "status_json_source.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static vigil::plugins::StatusJsonSource source;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    try {
        vigil::fuzz::expect_well_formed(source.parse("20261123_023100_ACME_PARIS_CENTRE.json", bytes));
    } catch (const vigil::InvalidInput&) {
    } catch (const vigil::Declined&) {
    }
    return 0;
}
