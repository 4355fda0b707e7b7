// The scan store's list calls (load_entries, write, load_jobs,
// find_reports) with many rows at once, on every backend: PostgreSQL runs
// each as one statement, whose answers must be those of the one-row
// statements SQLite runs.
#include "fixture.hpp"

#include <algorithm>
#include <map>
#include <sstream>

using namespace storage_test;

namespace {

const char* const kAgent = "ACME_PARIS_CENTRE";

// Every row of `table`, each as one line of the database's own text for
// every column, by id.
std::vector<std::string> rows_of(const Database& db, const std::string& table) {
    auto raw = db.raw();
    std::string sql;
    if (db.postgres()) {
        sql = "SELECT CAST(t AS TEXT) FROM " + table + " AS t ORDER BY id";
    } else {
        std::vector<std::string> quoted;
        soci::rowset<std::string> names = (raw->prepare << "SELECT name FROM pragma_table_info('" + table + "')");
        for (const std::string& name : names) quoted.push_back("quote(\"" + name + "\")");
        std::string list;
        for (const std::string& q : quoted) list += (list.empty() ? "" : " || '|' || ") + q;
        sql = "SELECT " + list + " FROM " + table + " ORDER BY id";
    }
    std::vector<std::string> lines;
    soci::rowset<std::string> rows = (raw->prepare << sql);
    for (const std::string& line : rows) lines.push_back(line);
    return lines;
}

std::vector<std::int64_t> stored_jobs(Database& db) {
    sync_and_load(db, {job(kAgent, "sales", 2, 30), job(kAgent, "hr", 3, 0), job(kAgent, "stock", 4, 15)},
                  at("2026-11-20T04:00:00Z"));
    std::vector<std::int64_t> ids;
    for (const vigil::Job& j : load_jobs(db.storage, kAgent)) ids.push_back(j.id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

vigil::ReportRecord record(const std::string& file, const std::string& fate) {
    vigil::ReportRecord r;
    r.content_sha256 = std::string(64, file.back());
    r.agent_id = kAgent;
    r.file_name = file;
    r.fate = fate;
    r.reason = fate == "used" ? "" : "l'été \"quoted\"";
    r.source = fate == "used" ? std::optional<std::string>("status_json") : std::nullopt;
    r.operation_end_time = fate == "used" ? at("2026-11-23T02:31:07.654321Z") : vigil::kNoTime;
    r.scanned_at = at("2026-11-23T04:00:00Z");
    return r;
}

// What one agent of a scan writes: entries of every kind, job states with
// and without the times that keep the stored value, and report fates, one
// of them twice (the second is ignored: the first fate stays).
vigil::WriteBatch agent_writes(Database& db, const std::vector<std::int64_t>& job_ids) {
    vigil::WriteBatch w;
    vigil::Entry full = full_entry(job_ids[0]);
    vigil::Entry same = full;
    same.hash_comparison_result = 0;
    same.cycle_expected_at = at("2026-11-24T02:30:00Z");
    vigil::Entry uncompared = same;
    uncompared.hash_comparison_result = -1;
    uncompared.status = "failed";
    w.entries = {full, missing_entry(job_ids[1], "2026-11-23T03:00:00Z"), same, uncompared,
                 missing_entry(job_ids[1], "2026-11-23T03:00:00Z")};
    for (vigil::Job j : load_jobs(db.storage, kAgent)) {
        j.current_status = j.id == job_ids[0] ? "hash_mismatch" : "missing";
        j.last_checked_timestamp = at("2026-11-23T04:00:00Z");
        j.last_successful_backup_timestamp = j.id == job_ids[0] ? at("2026-11-23T02:31:07Z") : vigil::kNoTime;
        j.previous_successful_hash_global = j.id == job_ids[0] ? std::optional<std::string>(std::string(64, 'c'))
                                                               : std::nullopt;
        j.last_entry_cycle_at = at("2026-11-23T02:30:00Z");
        j.updated_at = j.id == job_ids[2] ? vigil::kNoTime : at("2026-11-23T04:00:00Z");
        j.status_changed_at = j.id == job_ids[1] ? vigil::kNoTime : at("2026-11-23T04:00:00Z");
        w.job_states.push_back(j);
    }
    w.reports = {record("20261123_023107_ACME_PARIS_CENTRE.json", "used"),
                 record("20261122_023107_ACME_PARIS_CENTRE.jsox", "invalid"),
                 record("20261123_023107_ACME_PARIS_CENTRE.json", "duplicate")};
    return w;
}

// No entry, no report fate, and the jobs as they were (jobs_before).
void check_nothing_written(const Database& db, const std::vector<std::string>& jobs_before) {
    CHECK(rows_of(db, "expected_backup_jobs") == jobs_before);
    CHECK(db.count("SELECT COUNT(*) FROM backup_entries") == 0);
    CHECK(db.count("SELECT COUNT(*) FROM processed_reports") == 0);
}

}  // namespace

TEST_CASE("write stores, column for column, what its one-row statements store") {
    FOR_EACH_BACKEND(backend);
    Database one_by_one(backend), batched(backend);
    const std::vector<std::int64_t> job_ids = stored_jobs(one_by_one);
    REQUIRE(stored_jobs(batched) == job_ids);
    const vigil::WriteBatch w = agent_writes(one_by_one, job_ids);

    // A job given twice sends a batch down the one-row statements on
    // PostgreSQL too (one UPDATE cannot change a row twice); the same state
    // twice leaves the row as once.
    vigil::WriteBatch twice = w;
    twice.job_states.push_back(w.job_states.back());
    one_by_one.storage.begin();
    one_by_one.storage.write(twice);
    one_by_one.storage.commit();

    batched.storage.begin();
    batched.storage.write(w);
    batched.storage.commit();

    for (const char* table : {"backup_entries", "expected_backup_jobs", "processed_reports"}) {
        INFO("table " << table);
        const std::vector<std::string> expected = rows_of(one_by_one, table);
        CHECK(expected.size() >= 2);
        CHECK(rows_of(batched, table) == expected);
    }
    CHECK(batched.count("SELECT COUNT(*) FROM processed_reports") == 2);
    CHECK(batched.count("SELECT COUNT(*) FROM processed_reports WHERE fate = 'used'") == 1);
    CHECK(batched.count("SELECT COUNT(*) FROM backup_entries") == 5);
    CHECK(batched.count("SELECT COUNT(*) FROM backup_entries WHERE operation_end_time_us = " +
                        std::to_string(at("2026-11-23T02:31:07.123456Z"))) == 3);
    CHECK(batched.count("SELECT COUNT(*) FROM expected_backup_jobs WHERE current_status = 'missing'") == 2);
}

TEST_CASE("write with nothing to write writes nothing") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    stored_jobs(db);
    const std::vector<std::string> jobs_before = rows_of(db, "expected_backup_jobs");
    db.storage.begin();
    db.storage.write({});
    db.storage.commit();
    check_nothing_written(db, jobs_before);
}

TEST_CASE("write refuses a job state of an unknown job, naming the row and the job") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::vector<std::int64_t> job_ids = stored_jobs(db);
    const std::vector<std::string> jobs_before = rows_of(db, "expected_backup_jobs");
    vigil::WriteBatch w = agent_writes(db, job_ids);
    SECTION("in a batch of distinct jobs") {}
    SECTION("in a batch that gives a job twice") { w.job_states.push_back(w.job_states[0]); }
    // The second and the third are unknown: the first refused is named,
    // though the other one's id is smaller.
    w.job_states[1].id = 424243;
    w.job_states[2].id = 424242;
    db.storage.begin();
    try {
        db.storage.write(w);
        FAIL("the write passed");
    } catch (const vigil::RowRefused& e) {
        CHECK(e.kind == VIGIL_ROW_JOB_STATE);
        CHECK(e.index == 1);
        CHECK_THAT(e.what(), Catch::Contains("database ") && Catch::Contains(": write: no job with id 424243"));
    }
    CHECK_THROWS(db.storage.commit());
    db.storage.rollback();
    check_nothing_written(db, jobs_before);
}

TEST_CASE("load_entries gives each job's entries from its own since, in the order asked") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::vector<std::int64_t> job_ids = stored_jobs(db);
    // What was inserted, in order (ids follow it): each entry's message
    // names it.
    struct Stored {
        std::int64_t job_id;
        std::int64_t cycle;
        std::string label;
    };
    std::vector<Stored> stored;
    vigil::WriteBatch batch;
    for (const char* cycle : {"2026-11-25T02:30:00Z", "2026-11-23T02:30:00Z", "2026-11-24T02:30:00Z",
                              "2026-11-24T02:30:00Z"}) {
        for (std::int64_t id : job_ids) {
            vigil::Entry e = missing_entry(id, cycle);
            e.message = "entry " + std::to_string(stored.size());
            stored.push_back({id, e.cycle_expected_at, e.message});
            batch.entries.push_back(e);
        }
    }
    db.storage.begin();
    db.storage.write(batch);
    db.storage.commit();

    const std::vector<std::vector<std::int64_t>> asked_jobs = {
        {},
        {job_ids[2], job_ids[0], job_ids[1]},
        {job_ids[1], job_ids[1], 424242, job_ids[0]},
    };
    const std::vector<std::int64_t> times = {vigil::kNoTime, at("2026-11-24T02:30:00Z"), at("2026-11-24T02:30:01Z"),
                                             at("2026-11-26T00:00:00Z")};
    for (const std::vector<std::int64_t>& jobs : asked_jobs) {
        for (std::size_t shift = 0; shift < times.size(); ++shift) {
            std::vector<std::int64_t> since;
            for (std::size_t i = 0; i < jobs.size(); ++i) since.push_back(times[(i + shift) % times.size()]);
            // Job by job as asked, each's by cycle, then in the order inserted.
            std::vector<std::string> expected, got, one_by_one;
            for (std::size_t i = 0; i < jobs.size(); ++i) {
                std::vector<Stored> of_job;
                for (const Stored& e : stored) {
                    if (e.job_id == jobs[i] && (since[i] == vigil::kNoTime || e.cycle >= since[i])) of_job.push_back(e);
                }
                std::stable_sort(of_job.begin(), of_job.end(),
                                 [](const Stored& a, const Stored& b) { return a.cycle < b.cycle; });
                for (const Stored& e : of_job) expected.push_back(e.label);
                for (const vigil::Entry& e : load_entries(db.storage, jobs[i], since[i])) {
                    one_by_one.push_back(e.message);
                }
            }
            for (const vigil::Entry& e : db.storage.load_entries(jobs, since)) got.push_back(e.message);
            INFO("jobs asked " << jobs.size() << ", shift " << shift);
            CHECK(got == expected);
            CHECK(one_by_one == expected);
        }
    }
    // Every field comes back as it was written.
    const std::vector<vigil::Entry> all = db.storage.load_entries({job_ids[0]}, {vigil::kNoTime});
    REQUIRE(all.size() == 4);
    for (std::size_t i = 1; i < all.size(); ++i) {
        CHECK(all[i - 1].cycle_expected_at <= all[i].cycle_expected_at);
        if (all[i - 1].cycle_expected_at == all[i].cycle_expected_at) CHECK(all[i - 1].id < all[i].id);
    }
    for (const vigil::Entry& e : all) {
        const auto it =
            std::find_if(stored.begin(), stored.end(), [&](const Stored& s) { return s.label == e.message; });
        REQUIRE(it != stored.end());
        CHECK(e.expected_job_id == job_ids[0]);
        CHECK(e.cycle_expected_at == it->cycle);
        CHECK(e.timestamp == at("2026-11-25T04:00:00Z"));
        CHECK(e.status == "missing");
    }
    CHECK_THROWS_AS(db.storage.load_entries({job_ids[0], job_ids[1]}, {vigil::kNoTime}), std::invalid_argument);
}

// Every field of a job, as one line.
std::string job_line(const vigil::Job& j) {
    std::ostringstream line;
    line << j.id << '|' << j.agent_id_responsible << '|' << j.company_name << '|' << j.city << '|' << j.neighborhood
         << '|' << j.database_name << '|' << j.expected_hour_utc.value_or(-1) << ':'
         << j.expected_minute_utc.value_or(-1) << '|' << j.window_minutes << '|' << j.schedule << '|' << j.timezone
         << '|' << j.early_minutes.value_or(-1) << '|' << j.late_minutes.value_or(-1) << '|' << j.is_active << '|'
         << j.current_status << '|' << j.last_checked_timestamp << '|' << j.last_successful_backup_timestamp << '|'
         << j.previous_successful_hash_global.value_or("-") << '|' << j.created_at << '|' << j.updated_at << '|'
         << j.last_entry_cycle_at << '|' << j.status_changed_at;
    return line.str();
}

TEST_CASE("load_jobs gives the active jobs of each agent asked, in load_all_jobs' order for each") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const char* const kOther = "BETA_LYON_GARE";
    const char* const kThird = "GAMMA_NICE_PORT";
    sync_and_load(db, {job(kAgent, "sales", 2, 30), job(kAgent, "hr", 3, 0), job(kOther, "stock", 4, 15),
                       job(kAgent, "archive", 1, 0), job(kThird, "web", 5, 0)},
                  at("2026-11-20T04:00:00Z"));
    // A job no longer configured is inactive: load_jobs leaves it out.
    const std::vector<vigil::Job> stored =
        sync_and_load(db, {job(kAgent, "sales", 2, 30), job(kAgent, "hr", 3, 0), job(kOther, "stock", 4, 15),
                           job(kThird, "web", 5, 0)},
                      at("2026-11-21T04:00:00Z"));
    REQUIRE(std::count_if(stored.begin(), stored.end(), [](const vigil::Job& j) { return !j.is_active; }) == 0);
    // A state that differs from job to job, so a field read from the wrong row shows.
    vigil::WriteBatch states;
    for (vigil::Job j : db.storage.load_all_jobs("", false)) {
        j.current_status = j.id % 2 ? "missing" : "ok";
        j.last_checked_timestamp = at("2026-11-22T04:00:00Z") + j.id;
        j.previous_successful_hash_global = std::string(64, static_cast<char>('a' + j.id % 6));
        states.job_states.push_back(j);
    }
    db.storage.begin();
    db.storage.write(states);
    db.storage.commit();

    const std::vector<std::vector<std::string>> asked = {
        {}, {kAgent}, {kOther, kAgent}, {kThird, "NOBODY_HERE_AT_ALL", kAgent, kOther}};
    for (const std::vector<std::string>& agents : asked) {
        INFO("agents asked: " << agents.size());
        // The operator's read of each agent's active jobs, by another statement.
        std::map<std::string, std::vector<std::string>> expected, got;
        for (const std::string& agent : agents) {
            for (const vigil::Job& j : db.storage.load_all_jobs(agent, true)) expected[agent].push_back(job_line(j));
        }
        db.storage.begin();
        for (const vigil::Job& j : db.storage.load_jobs(agents)) got[j.agent_id_responsible].push_back(job_line(j));
        db.storage.commit();
        CHECK(got == expected);
    }
    db.storage.begin();
    const std::vector<vigil::Job> acme = db.storage.load_jobs({kAgent});
    db.storage.commit();
    REQUIRE(acme.size() == 2);
    CHECK(acme[0].database_name == "hr");
    CHECK(acme[1].database_name == "sales");
    CHECK(acme[1].previous_successful_hash_global ==
          std::optional<std::string>(std::string(64, static_cast<char>('a' + acme[1].id % 6))));
}

TEST_CASE("find_reports answers each report asked, within its agent folder") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    using Query = vigil::ReportQuery;
    const char* const kOther = "BETA_LYON_GARE";
    const std::string a(64, 'a'), b(64, 'b'), c(64, 'c'), never(64, 'd');
    const std::string first = "20261123_023107_ACME_PARIS_CENTRE.json";
    const std::string second = "20261124_023107_ACME_PARIS_CENTRE.json";
    const std::string third = "20261125_023107_ACME_PARIS_CENTRE.json";
    const std::string other_first = "20261123_023107_BETA_LYON_GARE.json";
    const std::string other_second = "20261124_023107_BETA_LYON_GARE.json";
    vigil::WriteBatch reports;
    for (const Query& stored : {Query{a, kAgent, first}, Query{a, kAgent, second}, Query{c, kAgent, third},
                                Query{a, kOther, other_first}, Query{b, kOther, other_second}}) {
        vigil::ReportRecord r = record(stored.file_name, "used");
        r.content_sha256 = stored.content_sha256;
        r.agent_id = stored.agent_id;
        reports.reports.push_back(r);
    }
    db.storage.begin();
    db.storage.write(reports);
    db.storage.commit();

    struct Asked {
        Query query;
        bool content_seen;
        bool same_file;
    };
    const std::vector<Asked> asked = {
        {{a, kAgent, first}, true, true},
        {{a, kAgent, third}, true, false},  // the content, under the agent's other names
        {{c, kAgent, third}, true, true},
        {{b, kAgent, second}, false, false},  // the content, under the other agent only
        {{a, kOther, other_first}, true, true},
        {{b, kOther, other_first}, true, false},
        {{never, kAgent, first}, false, false},  // the name, with other content
        {{a, "GAMMA_NICE_PORT", first}, false, false},
        {{a, kAgent, first}, true, true},  // the first query again
    };
    std::vector<Query> queries;
    for (const Asked& one : asked) queries.push_back(one.query);
    // The scan asks inside the transaction that claimed the agents; the operator's commands may ask outside one.
    for (const bool in_transaction : {false, true}) {
        INFO("in a transaction: " << in_transaction);
        if (in_transaction) db.storage.begin();
        const std::vector<vigil::ReportSeen> seen = db.storage.find_reports(queries);
        REQUIRE(seen.size() == asked.size());
        for (std::size_t i = 0; i < asked.size(); ++i) {
            INFO("query " << i);
            const Query& q = asked[i].query;
            // Asked alone (a list of one), it gets the same answer.
            const vigil::ReportSeen one = find_report(db.storage, q.content_sha256, q.agent_id, q.file_name);
            CHECK(seen[i].content_seen == one.content_seen);
            CHECK(seen[i].same_file == one.same_file);
            CHECK(seen[i].content_seen == asked[i].content_seen);
            CHECK(seen[i].same_file == asked[i].same_file);
        }
        if (in_transaction) db.storage.commit();
    }
    CHECK(db.storage.find_reports({}).empty());
}

TEST_CASE("write takes a batch larger than PostgreSQL's 65,535 bind parameters") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::vector<std::int64_t> job_ids = stored_jobs(db);
    // An entry has 35 columns: 3,000 of them are 105,000 values.
    std::vector<vigil::Entry> entries;
    std::vector<vigil::ReportRecord> records;
    for (int i = 0; i < 3000; ++i) {
        vigil::Entry e = full_entry(job_ids[i % 3]);
        e.cycle_expected_at += static_cast<std::int64_t>(i) * 1'000'000;
        e.message = "entry " + std::to_string(i);
        entries.push_back(e);
        vigil::ReportRecord r = record("r" + std::to_string(i) + ".json", "used");
        r.content_sha256 = std::to_string(i);
        records.push_back(r);
    }
    db.storage.begin();
    db.storage.write({entries, {}, records});
    db.storage.commit();
    CHECK(db.count("SELECT COUNT(*) FROM processed_reports") == 3000);
    const std::vector<vigil::Entry> stored =
        db.storage.load_entries(job_ids, {vigil::kNoTime, vigil::kNoTime, vigil::kNoTime});
    // By job, then in the order given (each job's cycles grow with i).
    std::vector<std::string> expected, got;
    for (std::size_t job = 0; job < 3; ++job) {
        for (std::size_t i = job; i < 3000; i += 3) expected.push_back("entry " + std::to_string(i));
    }
    for (const vigil::Entry& e : stored) got.push_back(e.message);
    CHECK(got == expected);
}
