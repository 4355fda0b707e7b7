// The scan's batched calls (load_entries_of_jobs, write_agent,
// load_jobs_of_agents, find_reports) against the one-row calls they stand
// for, on every backend.
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
    for (const vigil::Job& j : db.storage.load_jobs(kAgent)) ids.push_back(j.id);
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
// of them twice (the second is ignored, as record_report ignores it).
struct AgentWrites {
    std::vector<vigil::Entry> entries;
    std::vector<vigil::Job> jobs;
    std::vector<vigil::ReportRecord> records;
};

AgentWrites agent_writes(Database& db, const std::vector<std::int64_t>& job_ids) {
    AgentWrites w;
    vigil::Entry full = full_entry(job_ids[0]);
    vigil::Entry same = full;
    same.hash_comparison_result = 0;
    same.cycle_expected_at = at("2026-11-24T02:30:00Z");
    vigil::Entry uncompared = same;
    uncompared.hash_comparison_result = -1;
    uncompared.status = "failed";
    w.entries = {full, missing_entry(job_ids[1], "2026-11-23T03:00:00Z"), same, uncompared,
                 missing_entry(job_ids[1], "2026-11-23T03:00:00Z")};
    for (vigil::Job j : db.storage.load_jobs(kAgent)) {
        j.current_status = j.id == job_ids[0] ? "hash_mismatch" : "missing";
        j.last_checked_timestamp = at("2026-11-23T04:00:00Z");
        j.last_successful_backup_timestamp = j.id == job_ids[0] ? at("2026-11-23T02:31:07Z") : vigil::kNoTime;
        j.previous_successful_hash_global = j.id == job_ids[0] ? std::optional<std::string>(std::string(64, 'c'))
                                                               : std::nullopt;
        j.last_entry_cycle_at = at("2026-11-23T02:30:00Z");
        j.updated_at = j.id == job_ids[2] ? vigil::kNoTime : at("2026-11-23T04:00:00Z");
        j.status_changed_at = j.id == job_ids[1] ? vigil::kNoTime : at("2026-11-23T04:00:00Z");
        w.jobs.push_back(j);
    }
    w.records = {record("20261123_023107_ACME_PARIS_CENTRE.json", "used"),
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

TEST_CASE("write_agent stores, column for column, what the one-row calls store") {
    FOR_EACH_BACKEND(backend);
    Database one_by_one(backend), batched(backend);
    const std::vector<std::int64_t> job_ids = stored_jobs(one_by_one);
    REQUIRE(stored_jobs(batched) == job_ids);
    const AgentWrites w = agent_writes(one_by_one, job_ids);

    one_by_one.storage.begin();
    for (const vigil::Entry& e : w.entries) one_by_one.storage.insert_entry(e);
    for (const vigil::Job& j : w.jobs) one_by_one.storage.update_job_state(j);
    for (const vigil::ReportRecord& r : w.records) one_by_one.storage.record_report(r);
    one_by_one.storage.commit();

    batched.storage.begin();
    batched.storage.write_agent(w.entries, w.jobs, w.records);
    batched.storage.commit();

    for (const char* table : {"backup_entries", "expected_backup_jobs", "processed_reports"}) {
        INFO("table " << table);
        const std::vector<std::string> expected = rows_of(one_by_one, table);
        CHECK(expected.size() >= 2);
        CHECK(rows_of(batched, table) == expected);
    }
    CHECK(batched.count("SELECT COUNT(*) FROM processed_reports") == 2);
    CHECK(batched.count("SELECT COUNT(*) FROM backup_entries WHERE operation_end_time_us = " +
                        std::to_string(at("2026-11-23T02:31:07.123456Z"))) == 3);
}

TEST_CASE("write_agent with nothing to write writes nothing") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    stored_jobs(db);
    const std::vector<std::string> jobs_before = rows_of(db, "expected_backup_jobs");
    db.storage.begin();
    db.storage.write_agent({}, {}, {});
    db.storage.commit();
    check_nothing_written(db, jobs_before);
}

TEST_CASE("write_agent refuses a job state of an unknown job, naming it") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::vector<std::int64_t> job_ids = stored_jobs(db);
    const std::vector<std::string> jobs_before = rows_of(db, "expected_backup_jobs");
    AgentWrites w = agent_writes(db, job_ids);
    w.jobs[1].id = 424242;
    db.storage.begin();
    CHECK_THROWS_WITH(db.storage.write_agent(w.entries, w.jobs, w.records), Catch::Contains("no job with id 424242"));
    db.storage.rollback();
    check_nothing_written(db, jobs_before);
}

TEST_CASE("load_entries_of_jobs gives load_entries of each job in turn, each with its own since") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::vector<std::int64_t> job_ids = stored_jobs(db);
    db.storage.begin();
    for (const char* cycle : {"2026-11-25T02:30:00Z", "2026-11-23T02:30:00Z", "2026-11-24T02:30:00Z",
                              "2026-11-24T02:30:00Z"}) {
        for (std::int64_t id : job_ids) db.storage.insert_entry(missing_entry(id, cycle));
    }
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
            std::vector<std::int64_t> expected, got;
            for (std::size_t i = 0; i < jobs.size(); ++i) {
                for (const vigil::Entry& e : db.storage.load_entries(jobs[i], since[i])) expected.push_back(e.id);
            }
            for (const vigil::Entry& e : db.storage.load_entries_of_jobs(jobs, since)) got.push_back(e.id);
            INFO("jobs asked " << jobs.size() << ", shift " << shift);
            CHECK(got == expected);
        }
    }
    // Every field comes back as load_entries gives it.
    const std::vector<vigil::Entry> all = db.storage.load_entries_of_jobs({job_ids[0]}, {vigil::kNoTime});
    const std::vector<vigil::Entry> one = db.storage.load_entries(job_ids[0], vigil::kNoTime);
    REQUIRE(all.size() == one.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        CHECK(all[i].id == one[i].id);
        CHECK(all[i].cycle_expected_at == one[i].cycle_expected_at);
        CHECK(all[i].timestamp == one[i].timestamp);
        CHECK(all[i].message == one[i].message);
    }
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

TEST_CASE("load_jobs_of_agents gives load_jobs of each agent, in load_jobs' order for each") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const char* const kOther = "BETA_LYON_GARE";
    const char* const kThird = "GAMMA_NICE_PORT";
    sync_and_load(db, {job(kAgent, "sales", 2, 30), job(kAgent, "hr", 3, 0), job(kOther, "stock", 4, 15),
                       job(kAgent, "archive", 1, 0), job(kThird, "web", 5, 0)},
                  at("2026-11-20T04:00:00Z"));
    // A job no longer configured is inactive: load_jobs leaves it out, and so must this.
    const std::vector<vigil::Job> stored =
        sync_and_load(db, {job(kAgent, "sales", 2, 30), job(kAgent, "hr", 3, 0), job(kOther, "stock", 4, 15),
                           job(kThird, "web", 5, 0)},
                      at("2026-11-21T04:00:00Z"));
    REQUIRE(std::count_if(stored.begin(), stored.end(), [](const vigil::Job& j) { return !j.is_active; }) == 0);
    // A state that differs from job to job, so a field read from the wrong row shows.
    db.storage.begin();
    for (vigil::Job j : db.storage.load_all_jobs("")) {
        j.current_status = j.id % 2 ? "missing" : "ok";
        j.last_checked_timestamp = at("2026-11-22T04:00:00Z") + j.id;
        j.previous_successful_hash_global = std::string(64, static_cast<char>('a' + j.id % 6));
        db.storage.update_job_state(j);
    }
    db.storage.commit();

    const std::vector<std::vector<std::string>> asked = {
        {}, {kAgent}, {kOther, kAgent}, {kThird, "NOBODY_HERE_AT_ALL", kAgent, kOther}};
    for (const std::vector<std::string>& agents : asked) {
        INFO("agents asked: " << agents.size());
        db.storage.begin();
        std::map<std::string, std::vector<std::string>> expected, got;
        for (const std::string& agent : agents) {
            for (const vigil::Job& j : db.storage.load_jobs(agent)) expected[agent].push_back(job_line(j));
        }
        for (const vigil::Job& j : db.storage.load_jobs_of_agents(agents)) {
            got[j.agent_id_responsible].push_back(job_line(j));
        }
        db.storage.commit();
        CHECK(got == expected);
    }
    db.storage.begin();
    CHECK(db.storage.load_jobs_of_agents({kAgent}).size() == 2);
    db.storage.commit();
}

TEST_CASE("find_reports gives find_report of each report") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    using Query = vigil::Storage::ReportQuery;
    const char* const kOther = "BETA_LYON_GARE";
    const std::string a(64, 'a'), b(64, 'b'), c(64, 'c'), never(64, 'd');
    const std::string first = "20261123_023107_ACME_PARIS_CENTRE.json";
    const std::string second = "20261124_023107_ACME_PARIS_CENTRE.json";
    const std::string third = "20261125_023107_ACME_PARIS_CENTRE.json";
    const std::string other_first = "20261123_023107_BETA_LYON_GARE.json";
    const std::string other_second = "20261124_023107_BETA_LYON_GARE.json";
    db.storage.begin();
    for (const Query& stored : {Query{a, kAgent, first}, Query{a, kAgent, second}, Query{c, kAgent, third},
                                Query{a, kOther, other_first}, Query{b, kOther, other_second}}) {
        vigil::ReportRecord r = record(stored.file_name, "used");
        r.content_sha256 = stored.content_sha256;
        r.agent_id = stored.agent_id;
        db.storage.record_report(r);
    }
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
        const std::vector<vigil::Storage::ReportSeen> seen = db.storage.find_reports(queries);
        REQUIRE(seen.size() == asked.size());
        for (std::size_t i = 0; i < asked.size(); ++i) {
            INFO("query " << i);
            const Query& q = asked[i].query;
            const vigil::Storage::ReportSeen one = db.storage.find_report(q.content_sha256, q.agent_id, q.file_name);
            CHECK(seen[i].content_seen == one.content_seen);
            CHECK(seen[i].same_file == one.same_file);
            CHECK(seen[i].content_seen == asked[i].content_seen);
            CHECK(seen[i].same_file == asked[i].same_file);
        }
        if (in_transaction) db.storage.commit();
    }
    CHECK(db.storage.find_reports({}).empty());
}

TEST_CASE("write_agent takes a batch larger than PostgreSQL's 65,535 bind parameters") {
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
    db.storage.write_agent(entries, {}, records);
    db.storage.commit();
    CHECK(db.count("SELECT COUNT(*) FROM processed_reports") == 3000);
    const std::vector<vigil::Entry> stored =
        db.storage.load_entries_of_jobs(job_ids, {vigil::kNoTime, vigil::kNoTime, vigil::kNoTime});
    // By job, then in the order given (each job's cycles grow with i).
    std::vector<std::string> expected, got;
    for (std::size_t job = 0; job < 3; ++job) {
        for (std::size_t i = job; i < 3000; i += 3) expected.push_back("entry " + std::to_string(i));
    }
    for (const vigil::Entry& e : stored) got.push_back(e.message);
    CHECK(got == expected);
}
