// Catching the exception a test expects, to check its message.
#ifndef VIGIL_TEST_SUPPORT_EXPECTED_FAILURE_HPP
#define VIGIL_TEST_SUPPORT_EXPECTED_FAILURE_HPP

#include <catch2/catch.hpp>

#include <string>

namespace vigil::test {

// The message of the Exception that f throws; fails the test when it throws
// nothing or something else.
template <typename Exception, typename F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const Exception& e) {
        return e.what();
    }
    FAIL("no exception of the expected class");
    return {};
}

}  // namespace vigil::test

#endif
