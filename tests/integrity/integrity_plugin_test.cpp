// Drives the built sha256, gzip and zstd modules through the C ABI only, as the host does.
#include <vigil/plugin.h>

#include "compressed.hpp"

// Prints std::optional values in failed assertions.
#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER
#include <catch2/catch.hpp>

#include <dlfcn.h>

#include <optional>
#include <string>

namespace {

// gzip of "abc" (made by `printf abc | gzip -n`).
const unsigned char kGzipAbc[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b, 0x4c,
                                  0x4a, 0x06, 0x00, 0xc2, 0x41, 0x24, 0x35, 0x03, 0x00, 0x00, 0x00};

struct Plugin {
    void* handle = nullptr;
    const vigil_integrity_api* api = nullptr;
    vigil_instance* self = nullptr;

    Plugin(const char* path, const std::string& name, const char* config = "{}") {
        handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        INFO(path);
        REQUIRE(handle != nullptr);
        auto entry = reinterpret_cast<vigil_plugin_entry_fn>(dlsym(handle, VIGIL_PLUGIN_ENTRY_SYMBOL));
        REQUIRE(entry != nullptr);
        const vigil_plugin_descriptor* descriptor = entry();
        REQUIRE(descriptor != nullptr);
        CHECK(descriptor->abi_major == VIGIL_ABI_MAJOR);
        CHECK(std::string(descriptor->name) == name);
        CHECK(descriptor->report_source == nullptr);
        REQUIRE(descriptor->integrity != nullptr);
        api = descriptor->integrity;
        self = api->lifecycle->create();
        REQUIRE(self != nullptr);
        REQUIRE(api->lifecycle->configure(self, config) == VIGIL_OK);
    }
    ~Plugin() {
        if (self) api->lifecycle->destroy(self);
        if (handle) dlclose(handle);
    }

    // Runs one check of `bytes`, split in two updates; copies the result
    // out before end() frees it.
    struct Outcome {
        int32_t passed;
        std::string message;
        std::optional<std::string> digest_name, digest_hex;
    };
    Outcome run(const unsigned char* bytes, size_t length, const char* file_name = "db.sql.gz") {
        vigil_check_context* context = nullptr;
        REQUIRE(api->begin(self, file_name, &context) == VIGIL_OK);
        REQUIRE(api->update(self, context, bytes, length / 2) == VIGIL_OK);
        REQUIRE(api->update(self, context, bytes + length / 2, length - length / 2) == VIGIL_OK);
        const vigil_check_result* result = nullptr;
        REQUIRE(api->finish(self, context, static_cast<int64_t>(length), &result) == VIGIL_OK);
        REQUIRE(result != nullptr);
        REQUIRE(result->message != nullptr);
        Outcome outcome{result->passed, result->message, {}, {}};
        if (result->digest_name) outcome.digest_name = result->digest_name;
        if (result->digest_hex) outcome.digest_hex = result->digest_hex;
        api->end(self, context);
        return outcome;
    }
};

// The error of a module refusing `config`, as the host would see it.
std::string refusal(const char* path, const char* config) {
    void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    REQUIRE(handle != nullptr);
    auto entry = reinterpret_cast<vigil_plugin_entry_fn>(dlsym(handle, VIGIL_PLUGIN_ENTRY_SYMBOL));
    REQUIRE(entry != nullptr);
    const vigil_integrity_api* api = entry()->integrity;
    vigil_instance* self = api->lifecycle->create();
    REQUIRE(self != nullptr);
    CHECK(api->lifecycle->configure(self, config) == VIGIL_INVALID_INPUT);
    std::string error = api->lifecycle->last_error(self);
    api->lifecycle->destroy(self);
    dlclose(handle);
    return error;
}

}  // namespace

TEST_CASE("sha256 through the C ABI") {
    Plugin plugin(VIGIL_SHA256_PLUGIN, "sha256");
    const auto* abc = reinterpret_cast<const unsigned char*>("abc");
    Plugin::Outcome outcome = plugin.run(abc, 3);
    CHECK(outcome.passed == 1);
    CHECK(outcome.message.empty());
    CHECK(outcome.digest_name == "sha256");
    CHECK(outcome.digest_hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("gzip through the C ABI, with either inflater") {
    const char* config = GENERATE("{}", R"({"inflater": "zlib", "vigil_config_dir": "/etc/vigil"})");
    INFO(config);
    Plugin plugin(VIGIL_GZIP_PLUGIN, "gzip", config);
    Plugin::Outcome good = plugin.run(kGzipAbc, sizeof kGzipAbc);
    CHECK(good.passed == 1);
    CHECK_FALSE(good.digest_name.has_value());
    CHECK_FALSE(good.digest_hex.has_value());

    Plugin::Outcome bad = plugin.run(reinterpret_cast<const unsigned char*>("abc"), 3);
    CHECK(bad.passed == 0);
    CHECK(bad.message == "not a valid gzip stream: incorrect header check at byte 0");

    Plugin::Outcome cut = plugin.run(kGzipAbc, sizeof kGzipAbc - 3);
    CHECK(cut.passed == 0);
    CHECK(cut.message == "truncated gzip stream (ended at byte 20)");
}

TEST_CASE("zstd through the C ABI, with and without its setting") {
    const std::string frame = vigil::test::zstd_frame("abc");
    const auto* bytes = reinterpret_cast<const unsigned char*>(frame.data());
    {
        Plugin plugin(VIGIL_ZSTD_PLUGIN, "zstd");
        Plugin::Outcome good = plugin.run(bytes, frame.size(), "db.zst");
        CHECK(good.passed == 1);
        CHECK(good.message.empty());
        CHECK_FALSE(good.digest_name.has_value());

        Plugin::Outcome cut = plugin.run(bytes, frame.size() - 3, "db.zst");
        CHECK(cut.passed == 0);
        CHECK(cut.message == "truncated zstd stream (ended at byte " + std::to_string(frame.size() - 3) + ")");

        Plugin::Outcome gzip_file = plugin.run(kGzipAbc, sizeof kGzipAbc);
        CHECK(gzip_file.passed == 1);
        CHECK(gzip_file.message == "not a zstd file (not checked)");
    }
    const std::string big = vigil::test::zstd_frame(std::string(5000, 'x') + std::string(5000, 'y'));
    Plugin small_window(VIGIL_ZSTD_PLUGIN, "zstd", R"({"window_log_max": "10", "vigil_config_dir": "/etc/vigil"})");
    Plugin::Outcome refused = small_window.run(reinterpret_cast<const unsigned char*>(big.data()), big.size(), "db.zst");
    CHECK(refused.passed == 0);
    CHECK(refused.message.find("`window_log_max`") != std::string::npos);
}

TEST_CASE("gzip refuses an unknown inflater through the C ABI") {
    CHECK(refusal(VIGIL_GZIP_PLUGIN, R"({"inflater": "igzip"})") ==
          "setting `inflater`: \"igzip\" is not an inflater (known: `isal`, `zlib`)");
}

TEST_CASE("zstd refuses a window_log_max out of range through the C ABI") {
    CHECK(refusal(VIGIL_ZSTD_PLUGIN, R"({"window_log_max": "40"})") ==
          "setting `window_log_max`: \"40\" is not a whole number from 10 to 31");
}

TEST_CASE("zstd reads window_log_max as the host sends it: a JSON number, or a string for compatibility") {
    // A plain YAML number arrives as a JSON number; a quoted one as a string.
    Plugin typed(VIGIL_ZSTD_PLUGIN, "zstd", R"({"window_log_max": 20})");
    Plugin quoted(VIGIL_ZSTD_PLUGIN, "zstd", R"({"window_log_max": "20"})");
    CHECK(refusal(VIGIL_ZSTD_PLUGIN, R"({"window_log_max": 40})") ==
          "setting `window_log_max`: \"40\" is not a whole number from 10 to 31");
    CHECK(refusal(VIGIL_ZSTD_PLUGIN, R"({"window_log_max": 20.5})") ==
          "setting `window_log_max`: \"20.5\" is not a whole number from 10 to 31");
    CHECK(refusal(VIGIL_ZSTD_PLUGIN, R"({"window_log_max": true})") ==
          "setting `window_log_max`: \"true\" is not a whole number from 10 to 31");
}

TEST_CASE("gzip lets a zstd file pass unread through the C ABI") {
    Plugin plugin(VIGIL_GZIP_PLUGIN, "gzip");
    const std::string frame = vigil::test::zstd_frame("abc");
    Plugin::Outcome outcome = plugin.run(reinterpret_cast<const unsigned char*>(frame.data()), frame.size(), "db.zst");
    CHECK(outcome.passed == 1);
    CHECK(outcome.message == "not a gzip file (not checked)");
}
