#include "gzip_check.hpp"

#include "check_support.hpp"

// Prints std::optional values in failed assertions.
#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER
#include <catch2/catch.hpp>
#include <zlib.h>

#include <string>

using vigil::CheckResult;
using vigil::plugins::GzipCheck;
using vigil::test::gzip;
using vigil::test::sample;

namespace {

CheckResult check(const std::string& data) {
    GzipCheck gzip_check;
    return vigil::test::check_whole(gzip_check, "db.sql.gz", data);
}

}  // namespace

TEST_CASE("a valid gzip stream passes") {
    CheckResult result = check(gzip(sample(300000)));
    CHECK(result.passed);
    CHECK(result.message.empty());
    CHECK_FALSE(result.digest_name.has_value());
    CHECK_FALSE(result.digest_hex.has_value());
    CHECK(check(gzip("")).passed);
}

TEST_CASE("concatenated gzip members pass") {
    CHECK(check(gzip(sample(5000)) + gzip(sample(70000))).passed);
    CHECK(check(gzip("a") + gzip("") + gzip("b")).passed);
}

TEST_CASE("a truncated gzip stream fails with where it ended") {
    std::string whole = gzip(sample(100000));
    std::string cut = whole.substr(0, whole.size() / 2);
    CheckResult result = check(cut);
    CHECK_FALSE(result.passed);
    CHECK(result.message == "truncated gzip stream (ended at byte " + std::to_string(cut.size()) + ")");

    // Losing only the trailer (CRC-32 and length) is still truncation.
    cut = whole.substr(0, whole.size() - 4);
    CHECK(check(cut).message == "truncated gzip stream (ended at byte " + std::to_string(cut.size()) + ")");

    std::string second = gzip("first") + gzip(sample(1000)).substr(0, 20);
    CHECK(check(second).message == "truncated gzip stream (ended at byte " + std::to_string(second.size()) + ")");
}

TEST_CASE("trailing garbage after the last member fails") {
    std::string member = gzip(sample(10000));
    std::string expected = "trailing garbage after the last gzip member at byte " + std::to_string(member.size());
    CheckResult result = check(member + "garbage");
    CHECK_FALSE(result.passed);
    CHECK(result.message == expected);
    CHECK(check(member + "\n").message == expected);
    CHECK(check(member + std::string(512, '\0')).message == expected);
}

TEST_CASE("data that is not gzip fails") {
    CheckResult result = check("hello, this is a plain SQL dump\n");
    CHECK_FALSE(result.passed);
    CHECK(result.message == "not a valid gzip stream: incorrect header check at byte 0");

    CHECK(check("").message == "not a valid gzip stream: the file is empty");
    CHECK_FALSE(check("").passed);

    std::string zlib_stream(compressBound(5), '\0');
    uLongf size = zlib_stream.size();
    REQUIRE(compress(reinterpret_cast<Bytef*>(zlib_stream.data()), &size,
                     reinterpret_cast<const Bytef*>("hello"), 5) == Z_OK);
    zlib_stream.resize(size);
    CHECK(check(zlib_stream).message == "not a valid gzip stream: incorrect header check at byte 0");
}

TEST_CASE("corrupt gzip data fails with the reason") {
    std::string data = gzip(sample(50000));
    SECTION("checksum") {
        data[data.size() - 6] ^= 0x5A;  // inside the CRC-32 of the trailer
        CHECK(check(data).message ==
              "not a valid gzip stream: incorrect data check (CRC-32 or length) in the member starting at byte 0");
    }
    SECTION("deflate data") {
        for (std::size_t i = 20; i < 60; ++i) data[i] = static_cast<char>(0xFF);
        CheckResult result = check(data);
        CHECK_FALSE(result.passed);
        CHECK_THAT(result.message, Catch::Matchers::StartsWith("not a valid gzip stream: "));
    }
    SECTION("header of the second member") {
        std::string first = gzip("first");
        std::string second = gzip("second");
        second[2] = 7;  // compression method other than deflate
        CHECK(check(first + second).message ==
              "trailing garbage after the last gzip member at byte " + std::to_string(first.size()));
    }
}
