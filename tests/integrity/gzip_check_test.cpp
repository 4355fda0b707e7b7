#include "gzip_check.hpp"

#include "check_support.hpp"

// Prints std::optional values in failed assertions.
#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER
#include <catch2/catch.hpp>
#include <zlib.h>

#include <string>
#include <thread>
#include <vector>

using vigil::CheckResult;
using vigil::Config;
using vigil::plugins::GzipCheck;
using vigil::plugins::GzipInflater;
using vigil::test::gzip;
using vigil::test::sample;

namespace {

// Most cases run once per inflater: the messages they expect are the same for both.
CheckResult check(const std::string& data, GzipInflater inflater) {
    GzipCheck gzip_check(inflater);
    return vigil::test::check_whole(gzip_check, "db.sql.gz", data);
}

}  // namespace

TEST_CASE("a valid gzip stream passes") {
    const GzipInflater inflater = GENERATE(GzipInflater::isal, GzipInflater::zlib);
    INFO("inflater " << vigil::plugins::inflater_name(inflater));
    CheckResult result = check(gzip(sample(300000)), inflater);
    CHECK(result.passed);
    CHECK(result.message.empty());
    CHECK_FALSE(result.digest_name.has_value());
    CHECK_FALSE(result.digest_hex.has_value());
    CHECK(check(gzip(""), inflater).passed);
}

TEST_CASE("concatenated gzip members pass") {
    const GzipInflater inflater = GENERATE(GzipInflater::isal, GzipInflater::zlib);
    INFO("inflater " << vigil::plugins::inflater_name(inflater));
    CHECK(check(gzip(sample(5000)) + gzip(sample(70000)), inflater).passed);
    CHECK(check(gzip("a") + gzip("") + gzip("b"), inflater).passed);
}

TEST_CASE("a truncated gzip stream fails with where it ended") {
    const GzipInflater inflater = GENERATE(GzipInflater::isal, GzipInflater::zlib);
    INFO("inflater " << vigil::plugins::inflater_name(inflater));
    std::string whole = gzip(sample(100000));
    std::string cut = whole.substr(0, whole.size() / 2);
    CheckResult result = check(cut, inflater);
    CHECK_FALSE(result.passed);
    CHECK(result.message == "truncated gzip stream (ended at byte " + std::to_string(cut.size()) + ")");

    // Losing only the trailer (CRC-32 and length) is still truncation.
    cut = whole.substr(0, whole.size() - 4);
    CHECK(check(cut, inflater).message == "truncated gzip stream (ended at byte " + std::to_string(cut.size()) + ")");

    std::string second = gzip("first") + gzip(sample(1000)).substr(0, 20);
    CHECK(check(second, inflater).message ==
          "truncated gzip stream (ended at byte " + std::to_string(second.size()) + ")");
}

TEST_CASE("trailing garbage after the last member fails") {
    const GzipInflater inflater = GENERATE(GzipInflater::isal, GzipInflater::zlib);
    INFO("inflater " << vigil::plugins::inflater_name(inflater));
    std::string member = gzip(sample(10000));
    std::string expected = "trailing garbage after the last gzip member at byte " + std::to_string(member.size());
    CheckResult result = check(member + "garbage", inflater);
    CHECK_FALSE(result.passed);
    CHECK(result.message == expected);
    CHECK(check(member + "\n", inflater).message == expected);
    CHECK(check(member + std::string(512, '\0'), inflater).message == expected);
}

TEST_CASE("data that is not gzip fails") {
    const GzipInflater inflater = GENERATE(GzipInflater::isal, GzipInflater::zlib);
    INFO("inflater " << vigil::plugins::inflater_name(inflater));
    CheckResult result = check("hello, this is a plain SQL dump\n", inflater);
    CHECK_FALSE(result.passed);
    CHECK(result.message == "not a valid gzip stream: incorrect header check at byte 0");

    CHECK(check("", inflater).message == "not a valid gzip stream: the file is empty");
    CHECK_FALSE(check("", inflater).passed);

    std::string zlib_stream(compressBound(5), '\0');
    uLongf size = zlib_stream.size();
    REQUIRE(compress(reinterpret_cast<Bytef*>(zlib_stream.data()), &size,
                     reinterpret_cast<const Bytef*>("hello"), 5) == Z_OK);
    zlib_stream.resize(size);
    CHECK(check(zlib_stream, inflater).message == "not a valid gzip stream: incorrect header check at byte 0");
}

TEST_CASE("corrupt gzip data fails with the reason") {
    const GzipInflater inflater = GENERATE(GzipInflater::isal, GzipInflater::zlib);
    INFO("inflater " << vigil::plugins::inflater_name(inflater));
    std::string data = gzip(sample(50000));
    SECTION("checksum") {
        data[data.size() - 6] ^= 0x5A;  // inside the CRC-32 of the trailer
        CHECK_THAT(check(data, inflater).message,
                   Catch::Matchers::StartsWith("not a valid gzip stream: incorrect data check"));
    }
    SECTION("length") {
        data[data.size() - 2] ^= 0x01;  // inside the length of the trailer
        CHECK_THAT(check(data, inflater).message, Catch::Matchers::StartsWith("not a valid gzip stream: incorrect "));
    }
    SECTION("deflate data") {
        for (std::size_t i = 20; i < 60; ++i) data[i] = static_cast<char>(0xFF);
        CheckResult result = check(data, inflater);
        CHECK_FALSE(result.passed);
        CHECK_THAT(result.message, Catch::Matchers::StartsWith("not a valid gzip stream: "));
    }
    SECTION("header of the second member") {
        std::string first = gzip("first");
        std::string second = gzip("second");
        second[2] = 7;  // compression method other than deflate
        CHECK(check(first + second, inflater).message ==
              "trailing garbage after the last gzip member at byte " + std::to_string(first.size()));
    }
}

TEST_CASE("where ISA-L finds damage, the message names the member") {
    const GzipInflater inflater = GzipInflater::isal;
    const std::string first = gzip(sample(3000));
    std::string second = gzip(sample(50000));
    second[second.size() - 6] ^= 0x5A;
    CHECK(check(first + second, inflater).message == "not a valid gzip stream: incorrect data check (CRC-32 or length) "
                                           "in the member starting at byte " + std::to_string(first.size()));
    // A header zlib refuses (here a block of the reserved type) is named in zlib's words.
    std::string bad_block = gzip("abc");
    bad_block[10] = 0x07;
    CHECK(check(first + bad_block, inflater).message ==
          "not a valid gzip stream: invalid block type in the member starting at byte " + std::to_string(first.size()));
}

TEST_CASE("the setting inflater chooses the library") {
    GzipCheck gzip_check;
    Config config;
    gzip_check.configure(config);  // none: ISA-L
    CHECK(vigil::test::check_whole(gzip_check, "db.sql.gz", gzip("abc")).passed);
    config.put("inflater", "zlib");
    gzip_check.configure(config);
    std::string corrupt = gzip(sample(50000));
    corrupt[corrupt.size() - 6] ^= 0x5A;
    // zlib's own wording, with the byte where it stopped.
    CHECK_THAT(vigil::test::check_whole(gzip_check, "db.sql.gz", corrupt).message,
               Catch::Matchers::StartsWith("not a valid gzip stream: incorrect data check at byte "));

    config.put("inflater", "fast");
    CHECK_THROWS_WITH(gzip_check.configure(config),
                      "setting `inflater`: \"fast\" is not an inflater (known: `isal`, `zlib`)");
    Config unknown;
    unknown.put("level", "6");
    CHECK_THROWS_WITH(gzip_check.configure(unknown), "setting `level`: unknown setting (known: `inflater`)");
}

// ISA-L's output buffer is shared by the files a thread checks: files
// interleaved on one thread, and files on several threads, stay apart.
TEST_CASE("gzip files are independent, interleaved and across threads") {
    GzipCheck gzip_check;
    const std::string good = gzip(sample(400000)) + gzip(sample(300000));
    std::string bad = good;
    bad[bad.size() / 3] ^= 0x10;
    const std::string expected_bad = vigil::test::check_in_chunks(gzip_check, "db.sql.gz", bad, bad.size()).message;
    REQUIRE_FALSE(expected_bad.empty());

    auto both = [&](std::size_t chunk) {
        auto first = gzip_check.begin("good.sql.gz");
        auto second = gzip_check.begin("bad.sql.gz");
        for (std::size_t at = 0; at < good.size(); at += chunk) {
            first->update(reinterpret_cast<const unsigned char*>(good.data()) + at, std::min(chunk, good.size() - at));
            second->update(reinterpret_cast<const unsigned char*>(bad.data()) + at, std::min(chunk, bad.size() - at));
        }
        return std::make_pair(first->finish(static_cast<std::int64_t>(good.size())),
                              second->finish(static_cast<std::int64_t>(bad.size())));
    };
    const auto [passed, failed] = both(1000);
    CHECK(passed.passed);
    CHECK(failed.message == expected_bad);

    std::vector<std::pair<CheckResult, CheckResult>> results(4);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < results.size(); ++i) threads.emplace_back([&, i] { results[i] = both(4096 + 977 * i); });
    for (auto& thread : threads) thread.join();
    for (const auto& [first, second] : results) {
        CHECK(first.passed);
        CHECK(second.message == expected_bad);
    }
}
