// Drives the built module through the C ABI only, as the host does.
#include <vigil/plugin.h>

#include <catch2/catch.hpp>

#include <dlfcn.h>

#include <cstring>
#include <string>

namespace {

const char kValid[] = R"({
  "operation_timestamp": "2026-11-23T03:31:07+01:00",
  "agent_id": "ACME_PARIS_CENTRE",
  "overall_status": "failed_globally",
  "databases": {
    "sales": {
      "backup_process": {"status": true, "timestamp": "2026-11-23T01:00:00Z"},
      "compress_process": {"status": true, "sha256_checksum": "abcd", "size_bytes": 400},
      "transfer_process": {"status": false}
    }
  }
})";

// 2026-11-23T01:00:00Z and 2026-11-23T02:31:07Z
constexpr int64_t kStart = INT64_C(1795395600) * 1000000;
constexpr int64_t kEnd = INT64_C(1795401067) * 1000000;

struct Module {
    void* handle = dlopen(VIGIL_STATUS_JSON_V1_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    ~Module() {
        if (handle) dlclose(handle);
    }
};

}  // namespace

TEST_CASE("status_json_v1 through the C ABI") {
    Module module;
    INFO(VIGIL_STATUS_JSON_V1_PLUGIN);
    REQUIRE(module.handle != nullptr);
    auto entry = reinterpret_cast<vigil_plugin_entry_fn>(dlsym(module.handle, VIGIL_PLUGIN_ENTRY_SYMBOL));
    REQUIRE(entry != nullptr);
    const vigil_plugin_descriptor* d = entry();
    REQUIRE(d != nullptr);
    CHECK(d->abi_major == VIGIL_ABI_MAJOR);
    CHECK(std::string(d->name) == "status_json_v1");
    CHECK(d->integrity == nullptr);
    CHECK(d->storage == nullptr);
    CHECK(d->notifier == nullptr);
    REQUIRE(d->report_source != nullptr);

    const vigil_report_source_api* api = d->report_source;
    vigil_instance* self = api->lifecycle->create();
    REQUIRE(self != nullptr);
    REQUIRE(api->lifecycle->configure(self, "{}") == VIGIL_OK);
    CHECK(api->recognizes(self, "20261123_023107_ACME_PARIS_CENTRE.json") == 1);
    CHECK(api->recognizes(self, "STATUS.json") == 0);

    auto parse = [&](const std::string& bytes, const vigil_report** out) {
        return api->parse(self, "20261123_023107_ACME_PARIS_CENTRE.json",
                          reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out);
    };

    const vigil_report* report = nullptr;
    REQUIRE(parse(kValid, &report) == VIGIL_OK);
    REQUIRE(report != nullptr);
    CHECK(report->operation_start_time == kStart);
    CHECK(report->operation_end_time == kEnd);
    CHECK(std::string(report->overall_status) == "failed_globally");
    REQUIRE(report->database_count == 1);
    const vigil_database_report* db = report->databases[0];
    CHECK(std::string(db->staged_file_name) == "sales.sql.gz");
    CHECK(db->logs_summary == nullptr);
    CHECK(db->backup->end_time == kStart);
    CHECK(std::string(db->compress->sha256_checksum) == "abcd");
    CHECK(db->compress->size == 400);
    CHECK(db->transfer->status == 0);
    CHECK(db->transfer->error_message == nullptr);

    CHECK(parse(R"({"operation_start_time": "2026-11-23T01:00:00Z"})", &report) == VIGIL_DECLINED);
    CHECK(std::strstr(api->lifecycle->last_error(self), "not a status_json_v1 report") != nullptr);

    CHECK(parse(R"({"operation_timestamp": 5})", &report) == VIGIL_INVALID_INPUT);
    CHECK(std::string(api->lifecycle->last_error(self)) ==
          R"(field "operation_timestamp": expected a string, found a number)");

    api->lifecycle->destroy(self);
}
