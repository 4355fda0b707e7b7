// Fuzz target: the report timestamp parser. A timestamp it accepts within
// 1970-01-01 .. 9999-12-31 (UTC) formats and reads back to the same second.
#include "fuzz_check.hpp"

#include <vigil/timestamp.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

using vigil::fuzz::expect;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    constexpr std::int64_t kLast = INT64_C(253402300799) * 1000000 + 999999;  // 9999-12-31T23:59:59.999999Z
    const auto parsed = vigil::parse_timestamp(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!parsed || *parsed < 0 || *parsed > kLast) return 0;
    const std::int64_t second = *parsed - *parsed % 1000000;
    expect(vigil::parse_timestamp(vigil::format_iso(*parsed)) == second, "format_iso reads back");
    expect(vigil::parse_timestamp(vigil::format_db_time(*parsed)) == second, "format_db_time reads back");
    return 0;
}
