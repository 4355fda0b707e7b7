#include "fixture.hpp"

using namespace storage_test;

namespace {

std::int64_t stored_job(Database& db, const std::string& database = "sales") {
    db.storage.begin();
    sync_jobs(db.storage, {job("ACME_PARIS_CENTRE", database, 2, 30)}, at("2026-11-20T04:00:00Z"));
    db.storage.commit();
    for (const vigil::Job& j : load_jobs(db.storage, "ACME_PARIS_CENTRE")) {
        if (j.database_name == database) return j.id;
    }
    FAIL("job not stored");
    return 0;
}

void check_phase(const std::optional<vigil::Phase>& got, const std::optional<vigil::Phase>& want) {
    REQUIRE(got.has_value() == want.has_value());
    if (!want) return;
    CHECK(got->status == want->status);
    CHECK(got->start_time == want->start_time);
    CHECK(got->end_time == want->end_time);
    CHECK(got->sha256_checksum == want->sha256_checksum);
    CHECK(got->size == want->size);
    CHECK(got->error_message == want->error_message);
}

void check_entry(const vigil::Entry& got, const vigil::Entry& want) {
    CHECK(got.expected_job_id == want.expected_job_id);
    CHECK(got.cycle_expected_at == want.cycle_expected_at);
    CHECK(got.timestamp == want.timestamp);
    CHECK(got.status == want.status);
    CHECK(got.message == want.message);
    CHECK(got.operation_log_file_name == want.operation_log_file_name);
    CHECK(got.agent_id == want.agent_id);
    CHECK(got.agent_overall_status == want.agent_overall_status);
    CHECK(got.operation_start_time == want.operation_start_time);
    CHECK(got.operation_end_time == want.operation_end_time);
    check_phase(got.backup, want.backup);
    check_phase(got.compress, want.compress);
    check_phase(got.transfer, want.transfer);
    CHECK(got.agent_staged_file_name == want.agent_staged_file_name);
    CHECK(got.agent_logs_summary == want.agent_logs_summary);
    CHECK(got.server_calculated_staged_hash == want.server_calculated_staged_hash);
    CHECK(got.server_calculated_staged_size == want.server_calculated_staged_size);
    CHECK(got.previous_successful_hash_global == want.previous_successful_hash_global);
    CHECK(got.hash_comparison_result == want.hash_comparison_result);
}

}  // namespace

TEST_CASE("entries round-trip every field, NULLs and the end time's fraction included") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::int64_t job_id = stored_job(db);
    vigil::Entry full = full_entry(job_id);
    vigil::Entry missing = missing_entry(job_id, "2026-11-24T02:30:00Z");
    vigil::Entry same = full;
    same.cycle_expected_at = at("2026-11-25T02:30:00Z");
    same.hash_comparison_result = 0;
    vigil::Entry uncompared = same;
    uncompared.hash_comparison_result = -1;
    uncompared.status = "failed";

    db.storage.begin();
    insert_entry(db.storage, full);
    insert_entry(db.storage, missing);
    insert_entry(db.storage, same);
    insert_entry(db.storage, uncompared);
    db.storage.commit();

    auto entries = load_entries(db.storage, job_id, vigil::kNoTime);
    REQUIRE(entries.size() == 4);
    CHECK(entries[0].id > 0);
    CHECK(entries[1].id > entries[0].id);
    full.id = entries[0].id;
    check_entry(entries[0], full);
    check_entry(entries[1], missing);
    check_entry(entries[2], same);
    check_entry(entries[3], uncompared);
    CHECK(entries[1].operation_end_time == vigil::kNoTime);
    CHECK_FALSE(entries[1].backup.has_value());
    CHECK(entries[1].server_calculated_staged_size == vigil::kNoSize);
    CHECK(entries[1].hash_comparison_result == -1);

    // The text columns hold whole seconds, as docs/records.md says of SQLite.
    std::string end_text;
    *db.raw() << (db.postgres()
                      ? "SELECT to_char(operation_end_time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM backup_entries WHERE id = :id"
                      : "SELECT operation_end_time FROM backup_entries WHERE id = :id"),
        soci::use(full.id), soci::into(end_text);
    CHECK(end_text == "2026-11-23 02:31:07");
}

TEST_CASE("load_entries filters by job and cycle and orders by cycle then id") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::int64_t job_id = stored_job(db);
    const std::int64_t other_job = stored_job(db, "hr");
    // Each entry says which it is; ids follow the order of insertion (mid_a, then mid_b).
    auto labelled = [](std::int64_t job, const char* cycle, const std::string& label) {
        vigil::Entry e = missing_entry(job, cycle);
        e.message = label;
        return e;
    };
    db.storage.begin();
    for (const vigil::Entry& e : {labelled(job_id, "2026-11-25T02:30:00Z", "late"),
                                  labelled(job_id, "2026-11-23T02:30:00Z", "early"),
                                  labelled(job_id, "2026-11-24T02:30:00Z", "mid_a"),
                                  labelled(job_id, "2026-11-24T02:30:00Z", "mid_b"),
                                  labelled(other_job, "2026-11-24T02:30:00Z", "other")}) {
        insert_entry(db.storage, e);
    }
    db.storage.commit();

    auto labels = [&](std::int64_t since) {
        std::vector<std::string> out;
        for (const auto& e : load_entries(db.storage, job_id, since)) out.push_back(e.message);
        return out;
    };
    using Labels = std::vector<std::string>;
    CHECK(labels(vigil::kNoTime) == Labels{"early", "mid_a", "mid_b", "late"});
    CHECK(labels(at("2026-11-24T02:30:00Z")) == Labels{"mid_a", "mid_b", "late"});
    CHECK(labels(at("2026-11-24T02:30:01Z")) == Labels{"late"});
    CHECK(labels(at("2026-11-26T00:00:00Z")).empty());
    CHECK(load_entries(db.storage, other_job, vigil::kNoTime).size() == 1);
}

TEST_CASE("an entry for an unknown job is refused and its transaction cannot commit") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    db.storage.begin();
    CHECK_THROWS_AS(insert_entry(db.storage, missing_entry(424242, "2026-11-23T02:30:00Z")), vigil::RowRefused);
    CHECK_THROWS(db.storage.commit());
    db.storage.rollback();
    CHECK(db.count("SELECT COUNT(*) FROM backup_entries") == 0);
}
