// Drives the built plugin module through the C ABI only, as the host does.
#include <vigil/plugin.h>

#include <catch2/catch.hpp>

#include <dlfcn.h>

#include <cstring>
#include <string>

namespace {

const char kValid[] = R"({
  "operation_start_time": "2026-11-23T01:00:00Z",
  "operation_end_time": "2026-11-23T03:31:07.25+01:00",
  "agent_id": "ACME_PARIS_CENTRE",
  "overall_status": "completed",
  "databases": {
    "sales": {
      "staged_file_name": "sales.sql.gz",
      "BACKUP": {"status": true},
      "COMPRESS": {"status": true, "sha256_checksum": "abcd", "size": 400},
      "TRANSFER": {"status": false, "error_message": "disk full"},
      "logs_summary": "partial"
    }
  }
})";

// 2026-11-23T01:00:00Z and 2026-11-23T02:31:07.25Z
constexpr int64_t kStart = INT64_C(1795395600) * 1000000;
constexpr int64_t kEnd = INT64_C(1795401067) * 1000000 + 250000;

struct Module {
    void* handle = dlopen(VIGIL_STATUS_JSON_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    ~Module() {
        if (handle) dlclose(handle);
    }
};

struct Instance {
    const vigil_report_source_api* api;
    vigil_instance* self;
    explicit Instance(const vigil_report_source_api* a) : api(a), self(a->lifecycle->create()) {}
    ~Instance() {
        if (self) api->lifecycle->destroy(self);
    }
    vigil_result parse(const std::string& bytes, const vigil_report** out) {
        return api->parse(self, "20261123_023107_ACME_PARIS_CENTRE.json",
                          reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out);
    }
};

}  // namespace

TEST_CASE("status_json through the C ABI") {
    Module module;
    INFO(VIGIL_STATUS_JSON_PLUGIN);
    REQUIRE(module.handle != nullptr);
    auto entry = reinterpret_cast<vigil_plugin_entry_fn>(dlsym(module.handle, VIGIL_PLUGIN_ENTRY_SYMBOL));
    REQUIRE(entry != nullptr);
    const vigil_plugin_descriptor* descriptor = entry();
    REQUIRE(descriptor != nullptr);
    CHECK(descriptor->struct_size == sizeof(vigil_plugin_descriptor));
    CHECK(descriptor->abi_major == VIGIL_ABI_MAJOR);
    CHECK(descriptor->abi_minor <= VIGIL_ABI_MINOR);
    CHECK(std::string(descriptor->name) == "status_json");
    CHECK(std::string(descriptor->version) == "1.0.0");
    CHECK(descriptor->integrity == nullptr);
    CHECK(descriptor->storage == nullptr);
    CHECK(descriptor->notifier == nullptr);
    REQUIRE(descriptor->report_source != nullptr);

    const vigil_report_source_api* api = descriptor->report_source;
    REQUIRE(api->struct_size >= sizeof(vigil_report_source_api));
    Instance source(api);
    REQUIRE(source.self != nullptr);
    REQUIRE(api->lifecycle->configure(source.self, "{}") == VIGIL_OK);
    CHECK(std::string(api->lifecycle->last_error(source.self)).empty());

    CHECK(api->recognizes(source.self, "20261123_023107_ACME_PARIS_CENTRE.json") == 1);
    CHECK(api->recognizes(source.self, "notes.txt") == 0);

    SECTION("a valid report fills the C structs") {
        const vigil_report* report = nullptr;
        REQUIRE(source.parse(std::string("\xEF\xBB\xBF") + kValid, &report) == VIGIL_OK);
        REQUIRE(report != nullptr);
        CHECK(report->struct_size == sizeof(vigil_report));
        CHECK(report->operation_start_time == kStart);
        CHECK(report->operation_end_time == kEnd);
        CHECK(std::string(report->agent_id) == "ACME_PARIS_CENTRE");
        CHECK(std::string(report->overall_status) == "completed");
        REQUIRE(report->database_count == 1);
        const vigil_database_report* db = report->databases[0];
        CHECK(std::string(db->database_name) == "sales");
        CHECK(std::string(db->staged_file_name) == "sales.sql.gz");
        CHECK(std::string(db->logs_summary) == "partial");
        REQUIRE(db->backup != nullptr);
        REQUIRE(db->compress != nullptr);
        REQUIRE(db->transfer != nullptr);
        CHECK(db->backup->status == 1);
        CHECK(db->backup->start_time == VIGIL_NO_TIME);
        CHECK(db->backup->sha256_checksum == nullptr);
        CHECK(db->backup->size == VIGIL_NO_SIZE);
        CHECK(db->compress->status == 1);
        CHECK(std::string(db->compress->sha256_checksum) == "abcd");
        CHECK(db->compress->size == 400);
        CHECK(db->transfer->status == 0);
        CHECK(std::string(db->transfer->error_message) == "disk full");
    }

    SECTION("an invalid report is VIGIL_INVALID_INPUT naming the field") {
        std::string bad = kValid;
        bad.replace(bad.find(R"("status": true})"), 15, R"("status": "true"})");
        const vigil_report* report = nullptr;
        CHECK(source.parse(bad, &report) == VIGIL_INVALID_INPUT);
        CHECK(std::string(api->lifecycle->last_error(source.self)) ==
              R"(field "databases.sales.BACKUP.status": expected a boolean, found a string)");

        // The instance recovers: the next call succeeds and clears the error.
        REQUIRE(source.parse(kValid, &report) == VIGIL_OK);
        CHECK(std::string(api->lifecycle->last_error(source.self)).empty());
        CHECK(report->database_count == 1);
    }

    SECTION("another layout is VIGIL_DECLINED") {
        const vigil_report* report = nullptr;
        CHECK(source.parse(R"({"operation_timestamp": "2026-11-23T02:31:07Z"})", &report) == VIGIL_DECLINED);
        CHECK(std::strstr(api->lifecycle->last_error(source.self), "not a status_json report") != nullptr);
    }
}
