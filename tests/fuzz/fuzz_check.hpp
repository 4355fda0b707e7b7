// What the fuzz targets share: a property that must hold for every input.
#ifndef VIGIL_TESTS_FUZZ_CHECK_HPP
#define VIGIL_TESTS_FUZZ_CHECK_HPP

#include <cstdio>
#include <cstdlib>

namespace vigil::fuzz {

// Aborts, so that libFuzzer keeps the input, when the property is false.
inline void expect(bool property, const char* what) {
    if (property) return;
    std::fprintf(stderr, "fuzz property violated: %s\n", what);
    std::abort();
}

}  // namespace vigil::fuzz

#endif  // VIGIL_TESTS_FUZZ_CHECK_HPP
