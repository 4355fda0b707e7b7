// The built module, loaded as the host loads it, through the C ABI only.
#include "test_db.hpp"

#include <vigil/plugin.h>

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
