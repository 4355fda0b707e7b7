// The built module, loaded as the host loads it, through the C ABI only.
#include "test_db.hpp"

#include <vigil/plugin.h>
#include <vigil/types.hpp>

#include <catch2/catch.hpp>

#include <dlfcn.h>

#include <string>

TEST_CASE("the soci module stores jobs through the C ABI") {
    void* library = dlopen(VIGIL_SOCI_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    INFO((library ? "" : dlerror()));
    REQUIRE(library != nullptr);
    auto entry = reinterpret_cast<vigil_plugin_entry_fn>(dlsym(library, VIGIL_PLUGIN_ENTRY_SYMBOL));
    REQUIRE(entry != nullptr);
    const vigil_plugin_descriptor* d = entry();
    CHECK(std::string(d->name) == "soci");
    CHECK(d->abi_major == VIGIL_ABI_MAJOR);
    REQUIRE(d->storage != nullptr);
    const vigil_storage_api* api = d->storage;

    vigil::test::ScratchDir scratch;
    vigil_instance* self = api->lifecycle->create();
    REQUIRE(self != nullptr);
    std::string config = "{\"url\": \"sqlite3://db=" + (scratch.path() / "vigil.db").string() + "\"}";
    REQUIRE(api->lifecycle->configure(self, config.c_str()) == VIGIL_OK);

    vigil_job job{};
    job.struct_size = sizeof job;
    job.agent_id_responsible = "ACME_PARIS_CENTRE";
    job.company_name = "ACME";
    job.city = "PARIS";
    job.neighborhood = "CENTRE";
    job.database_name = "sales";
    job.expected_hour_utc = 2;
    job.expected_minute_utc = 30;
    job.window_minutes = 60;
    job.is_active = 1;
    const vigil_job* jobs[] = {&job};
    REQUIRE(api->begin(self) == VIGIL_OK);
    REQUIRE(api->sync_jobs(self, jobs, 1, 1795000000000000) == VIGIL_OK);
    REQUIRE(api->commit(self) == VIGIL_OK);

    const vigil_job* const* loaded = nullptr;
    size_t count = 0;
    REQUIRE(api->load_jobs(self, nullptr, &loaded, &count) == VIGIL_OK);
    REQUIRE(count == 1);
    CHECK(std::string(loaded[0]->current_status) == "unknown");
    CHECK(loaded[0]->created_at == 1795000000000000);

    // The batched calls of ABI 2.2, through the C table: an entry written, read back.
    REQUIRE(VIGIL_HAS_FIELD(api, write_agent));
    REQUIRE(api->write_agent != nullptr);
    REQUIRE(api->load_entries_of_jobs != nullptr);
    vigil_entry missing{};
    missing.struct_size = sizeof missing;
    missing.expected_job_id = loaded[0]->id;
    missing.cycle_expected_at = 1794994200000000;
    missing.timestamp = 1795000000000000;
    missing.status = "missing";
    missing.message = "no report";
    missing.agent_id = "ACME_PARIS_CENTRE";
    missing.operation_start_time = VIGIL_NO_TIME;
    missing.operation_end_time = VIGIL_NO_TIME;
    missing.server_calculated_staged_size = VIGIL_NO_SIZE;
    missing.hash_comparison_result = -1;
    const vigil_entry* entries[] = {&missing};
    REQUIRE(api->begin(self) == VIGIL_OK);
    REQUIRE(api->write_agent(self, entries, 1, nullptr, 0, nullptr, 0) == VIGIL_OK);
    REQUIRE(api->commit(self) == VIGIL_OK);
    const int64_t job_ids[] = {missing.expected_job_id, missing.expected_job_id};
    const int64_t since[] = {VIGIL_NO_TIME, missing.cycle_expected_at + 1000000};
    const vigil_entry* const* stored = nullptr;
    size_t stored_count = 0;
    REQUIRE(api->load_entries_of_jobs(self, job_ids, since, 2, &stored, &stored_count) == VIGIL_OK);
    REQUIRE(stored_count == 1);
    CHECK(std::string(stored[0]->message) == "no report");
    CHECK(stored[0]->cycle_expected_at == missing.cycle_expected_at);

    CHECK(api->commit(self) == VIGIL_ERROR);
    CHECK(std::string(api->lifecycle->last_error(self)).find("commit") != std::string::npos);
    api->lifecycle->destroy(self);

    vigil_instance* unreachable = api->lifecycle->create();
    CHECK(api->lifecycle->configure(unreachable, "{\"url\": \"postgresql://u:hunter2@127.0.0.1:1/d\"}") ==
          VIGIL_UNAVAILABLE);
    CHECK(std::string(api->lifecycle->last_error(unreachable)).find("hunter2") == std::string::npos);
    api->lifecycle->destroy(unreachable);
    dlclose(library);
}
