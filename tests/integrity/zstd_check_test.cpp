// The zstd check on real frames made with libzstd.
#include "zstd_check.hpp"

#include "check_support.hpp"
#include "expected_failure.hpp"
#include "compressed.hpp"

#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER
#include <catch2/catch.hpp>

#include <string>

using vigil::CheckResult;
using vigil::Config;
using vigil::plugins::ZstdCheck;
using vigil::test::sample;
using vigil::test::zstd_frame;
using vigil::test::ZstdOptions;

namespace {

// window_log_max "" leaves the setting out.
ZstdCheck configured(const std::string& window_log_max = "") {
    Config config;
    if (!window_log_max.empty()) config.put("window_log_max", window_log_max);
    ZstdCheck check;
    check.configure(config);
    return check;
}

CheckResult check(const std::string& data, const std::string& window_log_max = "") {
    ZstdCheck zstd_check = configured(window_log_max);
    return vigil::test::check_whole(zstd_check, "EL_HADJ_BAFOUSSAM_2025.zst", data);
}

std::string truncated_at(std::size_t size) { return "truncated zstd stream (ended at byte " + std::to_string(size) + ")"; }

}  // namespace

TEST_CASE("zstd: a valid frame passes, with or without a content checksum") {
    for (bool checksum : {true, false}) {
        INFO("checksum " << checksum);
        CheckResult result = check(zstd_frame(sample(300000), {checksum}));
        CHECK(result.passed);
        CHECK(result.message.empty());
        CHECK_FALSE(result.digest_name);
        CHECK_FALSE(result.digest_hex);
    }
    CHECK(check(zstd_frame("")).passed);
    CHECK(check(zstd_frame(sample(200000), {true, 19})).passed);
    CHECK(check(zstd_frame(sample(200000), {true, 3, 0, false})).passed);
}

TEST_CASE("zstd: several frames back to back pass, skippable frames included") {
    CHECK(check(zstd_frame(sample(5000)) + zstd_frame(sample(70000))).passed);
    CHECK(check(zstd_frame("a") + zstd_frame("") + zstd_frame("b")).passed);
    CHECK(check(vigil::test::zstd_skippable_frame("agent metadata") + zstd_frame(sample(1000))).passed);
    CHECK(check(zstd_frame(sample(1000)) + vigil::test::zstd_skippable_frame("")).passed);
}

TEST_CASE("zstd: a truncated file fails with where it ended") {
    const std::string whole = zstd_frame(sample(100000));
    for (std::size_t size : {whole.size() / 2, whole.size() - 4, whole.size() - 1, std::size_t{3}, std::size_t{6}}) {
        INFO("cut to " << size << " bytes of " << whole.size());
        CheckResult result = check(whole.substr(0, size));
        CHECK_FALSE(result.passed);
        CHECK(result.message == truncated_at(size));
    }
    const std::string second = zstd_frame("first") + zstd_frame(sample(1000)).substr(0, 20);
    CHECK(check(second).message == truncated_at(second.size()));
}

TEST_CASE("zstd: bytes after the last frame fail as trailing garbage") {
    const std::string frame = zstd_frame(sample(10000));
    const std::string expected = "trailing garbage after the last zstd frame at byte " + std::to_string(frame.size());
    for (const std::string& garbage : {std::string("garbage"), std::string("\n"), std::string(512, '\0'),
                                       std::string("ab"), std::string("\x28\xB5\x2F\x00", 4)}) {
        INFO("garbage of " << garbage.size() << " bytes");
        CheckResult result = check(frame + garbage);
        CHECK_FALSE(result.passed);
        CHECK(result.message == expected);
    }
}

TEST_CASE("zstd: corrupt data fails with libzstd's reason") {
    std::string data = zstd_frame(sample(50000));
    SECTION("a block") {
        for (std::size_t i = data.size() / 3; i < data.size() / 3 + 16; ++i) data[i] = static_cast<char>(data[i] ^ 0x5A);
        CheckResult result = check(data);
        CHECK_FALSE(result.passed);
        CHECK_THAT(result.message, Catch::StartsWith("not a valid zstd stream: ") &&
                                       Catch::EndsWith(" in the frame starting at byte 0"));
    }
    SECTION("the content checksum") {
        data[data.size() - 2] = static_cast<char>(data[data.size() - 2] ^ 0x01);
        CHECK(check(data).message ==
              "not a valid zstd stream: Restored data doesn't match checksum in the frame starting at byte 0");
    }
    SECTION("the second frame") {
        const std::string first = zstd_frame("first");
        std::string second = zstd_frame(sample(20000));
        for (std::size_t i = 20; i < 40; ++i) second[i] = static_cast<char>(0xFF);
        CHECK_THAT(check(first + second).message,
                   Catch::EndsWith(" in the frame starting at byte " + std::to_string(first.size())));
    }
}

TEST_CASE("zstd: an empty .zst file, or one that is not zstd, fails") {
    CheckResult empty = check("");
    CHECK_FALSE(empty.passed);
    CHECK(empty.message == "not a valid zstd stream: the file is empty");
    for (const std::string& text : {std::string("plain SQL dump\n"), std::string("ab"), vigil::test::gzip("x")}) {
        CheckResult result = check(text);
        CHECK_FALSE(result.passed);
        CHECK(result.message == "not a valid zstd stream: Unknown frame descriptor at byte 0");
    }
}

TEST_CASE("zstd: a frame needing a larger window than window_log_max fails, naming the setting") {
    // Compressed from a pipe with --long=28: the frame asks for a 256 MiB window.
    const std::string long_window = zstd_frame(sample(100000), {true, 3, 28, false});
    CheckResult result = check(long_window);
    CHECK_FALSE(result.passed);
    CHECK(result.message ==
          "the zstd frame at byte 0 needs a decoding window larger than 2^27 bytes (128 MiB), the limit set by "
          "the setting `window_log_max`");
    CHECK(check(long_window, "28").passed);

    // A frame that declares its size needs a window of that size at most.
    const std::string frame = zstd_frame(sample(100000));
    CHECK(check(frame, "17").passed);
    const std::string both = zstd_frame("small") + frame;
    CHECK(check(both, "10").message ==
          "the zstd frame at byte " + std::to_string(zstd_frame("small").size()) +
              " needs a decoding window larger than 2^10 bytes (1 KiB), the limit set by the setting `window_log_max`");
}

TEST_CASE("zstd: even a frame declaring no content is held to the window limit") {
    // Written by hand: a frame header asking for a 2^28-byte window while
    // declaring an empty content (4-byte size field), then one empty last block.
    const std::string frame("\x28\xB5\x2F\xFD\x80\x90\x00\x00\x00\x00\x01\x00\x00", 13);
    CHECK(check(frame).message ==
          "the zstd frame at byte 0 needs a decoding window larger than 2^27 bytes (128 MiB), the limit set by "
          "the setting `window_log_max`");
    CHECK(check(frame, "28").passed);
}

TEST_CASE("zstd: window_log_max is range-checked at configure time") {
    auto refusal = [](const std::string& value) {
        Config config;
        config.put("window_log_max", value);
        return vigil::test::message_of<vigil::InvalidInput>([&] { ZstdCheck().configure(config); });
    };
    for (const char* value : {"9", "32", "-1", "27.5", "big", ""}) {
        CHECK(refusal(value) == std::string("setting `window_log_max`: \"") + value +
                                    "\" is not a whole number from 10 to 31");
    }
    CHECK_NOTHROW(configured("10"));
    CHECK_NOTHROW(configured("31"));
    Config misspelt;
    misspelt.put("window_log", "28");
    CHECK(vigil::test::message_of<vigil::InvalidInput>([&] { ZstdCheck().configure(misspelt); }) ==
          "setting `window_log`: unknown setting (known: `window_log_max`)");
}
