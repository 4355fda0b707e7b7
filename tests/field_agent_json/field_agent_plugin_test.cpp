// Drives the built field_agent_json module through the C ABI only, as the host does.
#include <vigil/plugin.h>
#include <vigil/types.hpp>

#include <catch2/catch.hpp>

#include <dlfcn.h>

#include <cstring>
#include <string>

namespace {

const char kField[] = R"({
  "operation_start_time": "2025-06-20 08:00:02.118734",
  "operation_end_time": "2025-06-20 08:37:35.142592",
  "agent_id": "ELHADJ_BAFOUSSAM_TAMDJA",
  "databases": {
    "EL_HADJ_BAFOUSSAM_2025": {
      "staged_file_name": "/home/lam/Backup/EL_HADJ_BAFOUSSAM_2025.zst",
      "BACKUP": {"status": "True", "sha256": "00ff", "size": "4386338"},
      "COMPRESS": {"status": "True", "sha256": "abcd", "size": "877267"},
      "TRANSFER": {"status": "False", "error_message": "null"}
    }
  }
})";

// 2025-06-20T07:00:02.118734Z and 2025-06-20T07:37:35.142592Z: the times
// above read in Africa/Douala (UTC+1).
constexpr int64_t kStart = INT64_C(1750402802118734);
constexpr int64_t kEnd = INT64_C(1750405055142592);

struct Module {
    void* handle = dlopen(VIGIL_FIELD_AGENT_JSON_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    ~Module() {
        if (handle) dlclose(handle);
    }
    const vigil_plugin_descriptor* descriptor() const {
        auto entry = reinterpret_cast<vigil_plugin_entry_fn>(dlsym(handle, VIGIL_PLUGIN_ENTRY_SYMBOL));
        REQUIRE(entry != nullptr);
        return entry();
    }
};

}  // namespace

TEST_CASE("field_agent_json through the C ABI") {
    Module module;
    INFO(VIGIL_FIELD_AGENT_JSON_PLUGIN);
    REQUIRE(module.handle != nullptr);
    const vigil_plugin_descriptor* d = module.descriptor();
    REQUIRE(d != nullptr);
    CHECK(d->abi_major == VIGIL_ABI_MAJOR);
    CHECK(std::string(d->name) == "field_agent_json");
    CHECK(d->integrity == nullptr);
    REQUIRE(d->report_source != nullptr);

    const vigil_report_source_api* api = d->report_source;
    vigil_instance* self = api->lifecycle->create();
    REQUIRE(self != nullptr);
    REQUIRE(api->lifecycle->configure(self, R"({"timezone": "Africa/Douala", "vigil_config_dir": "/etc/vigil"})") ==
            VIGIL_OK);
    CHECK(api->recognizes(self, "2025-06-20_08-37-35_ELHADJ_BAFOUSSAM_TAMDJA.json") == 1);
    CHECK(api->recognizes(self, "20250620_083735_ELHADJ_BAFOUSSAM_TAMDJA.json") == 1);
    CHECK(api->recognizes(self, "20250620_083735_ELHADJ.json") == 0);

    // It declares its names (ABI 2.1): the agent id's place in each.
    REQUIRE(VIGIL_HAS_FIELD(api, claim_name));
    REQUIRE(api->claim_name != nullptr);
    std::size_t offset = 0, length = 0;
    const std::string dashed = "2025-06-20_08-37-35_ELHADJ_BAFOUSSAM_TAMDJA.json";
    REQUIRE(api->claim_name(self, dashed.c_str(), &offset, &length) == 1);
    CHECK(dashed.substr(offset, length) == "ELHADJ_BAFOUSSAM_TAMDJA");
    const std::string strict = "20250620_083735_ELHADJ_BAFOUSSAM_TAMDJA.json";
    REQUIRE(api->claim_name(self, strict.c_str(), &offset, &length) == 1);
    CHECK(strict.substr(offset, length) == "ELHADJ_BAFOUSSAM_TAMDJA");
    CHECK(api->claim_name(self, "STATUS.json", &offset, &length) == 0);

    auto parse = [&](const std::string& bytes, const vigil_report** out) {
        return api->parse(self, "20250620_083735_ELHADJ_BAFOUSSAM_TAMDJA.json",
                          reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out);
    };
    const vigil_report* report = nullptr;
    REQUIRE(parse(kField, &report) == VIGIL_OK);
    REQUIRE(report != nullptr);
    CHECK(report->operation_start_time == kStart);
    CHECK(report->operation_end_time == kEnd);
    CHECK(std::string(report->overall_status) == "failed_globally");
    REQUIRE(report->database_count == 1);
    const vigil_database_report* db = report->databases[0];
    CHECK(std::string(db->database_name) == "EL_HADJ_BAFOUSSAM_2025");
    CHECK(std::string(db->staged_file_name) == "EL_HADJ_BAFOUSSAM_2025.zst");
    CHECK(db->backup->size == 4386338);
    CHECK(std::string(db->compress->sha256_checksum) == "abcd");
    CHECK(db->transfer->status == 0);
    CHECK(db->transfer->error_message == nullptr);
    CHECK(db->transfer->start_time == VIGIL_NO_TIME);

    CHECK(parse(R"({"overall_status": "completed"})", &report) == VIGIL_DECLINED);
    CHECK(std::strstr(api->lifecycle->last_error(self), "not a field_agent_json report") != nullptr);
    CHECK(parse(R"({"operation_start_time": 5})", &report) == VIGIL_INVALID_INPUT);
    CHECK(std::string(api->lifecycle->last_error(self)) ==
          R"(field "operation_start_time": expected a string, found a number)");
    api->lifecycle->destroy(self);
}

TEST_CASE("field_agent_json refuses an unknown time zone at configure time") {
    Module module;
    REQUIRE(module.handle != nullptr);
    const vigil_report_source_api* api = module.descriptor()->report_source;
    vigil_instance* self = api->lifecycle->create();
    REQUIRE(self != nullptr);
    CHECK(api->lifecycle->configure(self, R"({"timezone": "Africa/Atlantis"})") == VIGIL_INVALID_INPUT);
    CHECK(std::string(api->lifecycle->last_error(self)).rfind("setting `timezone`: \"Africa/Atlantis\"", 0) == 0);
    api->lifecycle->destroy(self);
}
