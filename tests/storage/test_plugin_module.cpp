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
    // Every capability of plugin.h, each table whole.
    REQUIRE(api->scan_store != nullptr);
    REQUIRE(api->outbox != nullptr);
    REQUIRE(api->operator_reads != nullptr);
    REQUIRE(api->silences != nullptr);
    const vigil_scan_store_api* scans = api->scan_store;
    CHECK(scans->write != nullptr);
    CHECK(api->outbox->insert_events != nullptr);
    CHECK(api->outbox->count_deliveries != nullptr);
    CHECK(api->operator_reads->load_all_jobs != nullptr);
    CHECK(api->silences->expire_silence != nullptr);

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
    REQUIRE(scans->sync_jobs(self, jobs, 1, 1795000000000000) == VIGIL_OK);
    REQUIRE(api->commit(self) == VIGIL_OK);

    const vigil_job* const* loaded = nullptr;
    size_t count = 0;
    const char* const agents[] = {"ACME_PARIS_CENTRE", "NOBODY_HERE_AT_ALL"};
    REQUIRE(scans->load_jobs(self, agents, 2, &loaded, &count) == VIGIL_OK);
    REQUIRE(count == 1);
    CHECK(std::string(loaded[0]->current_status) == "unknown");
    CHECK(loaded[0]->created_at == 1795000000000000);
    const int64_t job_id = loaded[0]->id;

    // An entry written, read back.
    vigil_entry missing{};
    missing.struct_size = sizeof missing;
    missing.expected_job_id = job_id;
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
    vigil_write_batch batch{};
    batch.struct_size = sizeof batch;
    batch.entries = entries;
    batch.entry_count = 1;
    vigil_write_refusal refusal{sizeof refusal, VIGIL_ROW_NONE, 0};
    REQUIRE(api->begin(self) == VIGIL_OK);
    REQUIRE(scans->write(self, &batch, &refusal) == VIGIL_OK);
    REQUIRE(api->commit(self) == VIGIL_OK);
    CHECK(refusal.row_kind == VIGIL_ROW_NONE);
    const int64_t job_ids[] = {job_id, job_id};
    const int64_t since[] = {VIGIL_NO_TIME, missing.cycle_expected_at + 1000000};
    const vigil_entry* const* stored = nullptr;
    size_t stored_count = 0;
    REQUIRE(scans->load_entries(self, job_ids, since, 2, &stored, &stored_count) == VIGIL_OK);
    REQUIRE(stored_count == 1);
    CHECK(std::string(stored[0]->message) == "no report");
    CHECK(stored[0]->cycle_expected_at == missing.cycle_expected_at);

    // A refused row is named in the refusal, its reason in last_error.
    vigil_job known = *loaded[0];
    vigil_job unknown = known;
    unknown.id = 424242;
    const vigil_job* states[] = {&known, &unknown};
    vigil_write_batch refused_batch{};
    refused_batch.struct_size = sizeof refused_batch;
    refused_batch.entries = entries;
    refused_batch.entry_count = 1;
    refused_batch.job_states = states;
    refused_batch.job_state_count = 2;
    REQUIRE(api->begin(self) == VIGIL_OK);
    CHECK(scans->write(self, &refused_batch, &refusal) == VIGIL_ERROR);
    CHECK(refusal.row_kind == VIGIL_ROW_JOB_STATE);
    CHECK(refusal.row_index == 1);
    CHECK(std::string(api->lifecycle->last_error(self)).find("no job with id 424242") != std::string::npos);
    REQUIRE(api->rollback(self) == VIGIL_OK);
    REQUIRE(scans->load_entries(self, job_ids, since, 1, &stored, &stored_count) == VIGIL_OK);
    CHECK(stored_count == 1);

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
