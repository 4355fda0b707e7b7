// What the report sources' fuzz targets share: any bytes an agent could
// write go to the source's parser, which must refuse them (InvalidInput,
// Declined) or return a report that keeps the promises the host relies on.
#ifndef VIGIL_TESTS_FUZZ_REPORT_HPP
#define VIGIL_TESTS_FUZZ_REPORT_HPP

#include "fuzz_check.hpp"

#include <vigil/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vigil::fuzz {

// The times the host needs, a known overall status, and sizes that are
// absent or not negative.
inline void expect_well_formed(const Report& report) {
    expect(report.operation_start_time != kNoTime && report.operation_end_time != kNoTime, "report times present");
    expect(report.overall_status == "completed" || report.overall_status == "failed_globally", "overall_status known");
    for (const DatabaseReport& db : report.databases) {
        for (const Phase* phase : {&db.backup, &db.compress, &db.transfer}) {
            expect(phase->size == kNoSize || phase->size >= 0, "phase size absent or not negative");
        }
    }
}

// Parses with a source the caller configured (and keeps for every input).
template <typename Source>
void parse_report_with(Source& source, std::string_view file_name, const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    try {
        expect_well_formed(source.parse(file_name, bytes));
    } catch (const InvalidInput&) {
    } catch (const Declined&) {
    }
}

template <typename Source>
void parse_report(const std::uint8_t* data, std::size_t size) {
    static Source source;
    parse_report_with(source, "20261123_023100_ACME_PARIS_CENTRE.json", data, size);
}

}  // namespace vigil::fuzz

#endif  // VIGIL_TESTS_FUZZ_REPORT_HPP
