// What the fuzz targets share: a property that must hold for every input.
#ifndef VIGIL_TESTS_FUZZ_CHECK_HPP
#define VIGIL_TESTS_FUZZ_CHECK_HPP

#include <vigil/types.hpp>

#include <cstdio>
#include <cstdlib>

namespace vigil::fuzz {

// Aborts, so that libFuzzer keeps the input, when the property is false.
inline void expect(bool property, const char* what) {
    if (property) return;
    std::fprintf(stderr, "fuzz property violated: %s\n", what);
    std::abort();
}

// What every report a source accepts promises the host: the times it
// needs, a known overall status, and sizes that are absent or not negative.
inline void expect_well_formed(const Report& report) {
    expect(report.operation_start_time != kNoTime && report.operation_end_time != kNoTime, "report times present");
    expect(report.overall_status == "completed" || report.overall_status == "failed_globally", "overall_status known");
    for (const DatabaseReport& db : report.databases) {
        for (const Phase* phase : {&db.backup, &db.compress, &db.transfer}) {
            expect(phase->size == kNoSize || phase->size >= 0, "phase size absent or not negative");
        }
    }
}

}  // namespace vigil::fuzz

#endif  // VIGIL_TESTS_FUZZ_CHECK_HPP
