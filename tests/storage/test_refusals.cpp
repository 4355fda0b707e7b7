// Rows the database refuses: write and insert_events name the first one
// refused (vigil::RowRefused: its list and its position), so that the host
// can set aside the report it came from and record the rest; a failure no
// row can be blamed for is a plain error, and a lost connection
// vigil::Unavailable. On every backend: PostgreSQL writes a batch in one
// statement and, when it is refused, writes its rows again one at a time
// to find the one refused.
#include "fixture.hpp"

#include <algorithm>
#include <cstddef>

using namespace storage_test;
using Catch::Matchers::Contains;

namespace {

const char* const kAgent = "ACME_PARIS_CENTRE";

// Has the database refuse the rows inserted into `table` that meet
// `condition` (SQL on NEW, the same in both dialects), as a value it cannot
// store would, saying `message`.
void refuse_inserts(const Database& db, const std::string& table, const std::string& condition,
                    const std::string& message) {
    auto raw = db.raw();
    const std::string name = "refuse_" + table;
    if (db.postgres()) {
        *raw << "CREATE FUNCTION " + name + "() RETURNS trigger AS $$ BEGIN IF " + condition +
                    " THEN RAISE EXCEPTION '" + message + "'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql";
        *raw << "CREATE TRIGGER " + name + " BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION " + name +
                    "()";
    } else {
        *raw << "CREATE TRIGGER " + name + " BEFORE INSERT ON " + table + " WHEN " + condition +
                    " BEGIN SELECT RAISE(ABORT, '" + message + "'); END";
    }
}

std::vector<std::int64_t> stored_jobs(Database& db) {
    sync_and_load(db, {job(kAgent, "sales", 2, 30), job(kAgent, "hr", 3, 0)}, at("2026-11-20T04:00:00Z"));
    std::vector<std::int64_t> ids;
    for (const vigil::Job& j : load_jobs(db.storage, kAgent)) ids.push_back(j.id);
    return ids;
}

vigil::Entry entry(std::int64_t job_id, const std::string& staged_file) {
    vigil::Entry e = full_entry(job_id);
    e.agent_staged_file_name = staged_file;
    return e;
}

vigil::ReportRecord report(const std::string& file) {
    vigil::ReportRecord r;
    r.content_sha256 = "sha-" + file;
    r.agent_id = kAgent;
    r.file_name = file;
    r.fate = "used";
    r.scanned_at = at("2026-11-23T04:00:00Z");
    return r;
}

vigil::Job job_state(const vigil::Job& stored) {
    vigil::Job j = stored;
    j.current_status = "ok";
    j.last_checked_timestamp = at("2026-11-23T04:00:00Z");
    j.updated_at = at("2026-11-23T04:00:00Z");
    return j;
}

vigil::Event event(const std::string& fingerprint) {
    vigil::Event e;
    e.kind = "status_change";
    e.fingerprint = fingerprint;
    e.agent_id = kAgent;
    e.database_name = "sales";
    e.old_status = "ok";
    e.new_status = "missing";
    e.scan_time = at("2026-11-23T04:00:00Z");
    return e;
}

// Runs f, which must throw RowRefused; returns it.
template <typename F>
vigil::RowRefused refusal_of(F&& f) {
    try {
        f();
    } catch (const vigil::RowRefused& e) {
        return e;
    }
    FAIL("no row was refused");
    return vigil::RowRefused(VIGIL_ROW_NONE, 0, "");
}

// What the scan's tables hold.
std::string contents(const Database& db) {
    return std::to_string(db.count("SELECT COUNT(*) FROM backup_entries")) + " entries, " +
           std::to_string(db.count("SELECT COUNT(*) FROM processed_reports")) + " reports, " +
           std::to_string(db.count("SELECT COUNT(*) FROM expected_backup_jobs WHERE current_status = 'ok'")) +
           " jobs ok, " + std::to_string(db.count("SELECT COUNT(*) FROM notification_events")) + " events, " +
           std::to_string(db.count("SELECT COUNT(*) FROM notification_deliveries")) + " deliveries";
}

}  // namespace

TEST_CASE("write names the first row the database refuses, and the rest is written once it is set aside") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::vector<std::int64_t> job_ids = stored_jobs(db);
    const std::vector<vigil::Job> jobs = load_jobs(db.storage, kAgent);
    refuse_inserts(db, "backup_entries", "NEW.agent_staged_file_name = 'poison.sql.gz'", "poison refused by the test");
    refuse_inserts(db, "processed_reports", "NEW.file_name LIKE 'refused%'", "report refused by the test");

    vigil::WriteBatch batch{
        {entry(job_ids[0], "a.sql.gz"), entry(job_ids[1], "b.sql.gz"), entry(job_ids[0], "c.sql.gz")},
        {job_state(jobs[0]), job_state(jobs[1])},
        {report("a.json"), report("b.json"), report("c.json")}};
    vigil_row_kind kind = VIGIL_ROW_NONE;
    std::size_t index = 0;
    std::string reason;
    SECTION("an entry, before a refused report") {
        batch.entries[2] = entry(job_ids[0], "poison.sql.gz");
        batch.reports[0] = report("refused-a.json");
        kind = VIGIL_ROW_ENTRY;
        index = 2;
        reason = "poison refused by the test";
    }
    SECTION("a report fate, the first of two") {
        batch.reports[1] = report("refused-b.json");
        batch.reports[2] = report("refused-c.json");
        kind = VIGIL_ROW_REPORT;
        index = 1;
        reason = "report refused by the test";
    }
    SECTION("a job state, before a refused report") {
        batch.job_states[0].id = 424242;
        batch.reports[2] = report("refused-c.json");
        kind = VIGIL_ROW_JOB_STATE;
        index = 0;
        reason = "no job with id 424242";
    }
    SECTION("a report fate, in a batch that gives a job twice") {
        batch.job_states.push_back(batch.job_states[0]);
        batch.reports[2] = report("refused-c.json");
        kind = VIGIL_ROW_REPORT;
        index = 2;
        reason = "report refused by the test";
    }
    const std::string before = contents(db);
    db.storage.begin();
    const vigil::RowRefused refused = refusal_of([&] { db.storage.write(batch); });
    CHECK(refused.kind == kind);
    CHECK(refused.index == index);
    CHECK_THAT(refused.what(), Contains("database ") && Contains(": write: ") && Contains(reason));
    CHECK_THROWS(db.storage.commit());
    db.storage.rollback();
    CHECK(contents(db) == before);

    // What the host does next: the batch again without the row refused.
    if (kind == VIGIL_ROW_ENTRY) batch.entries.erase(batch.entries.begin() + static_cast<std::ptrdiff_t>(index));
    if (kind == VIGIL_ROW_JOB_STATE) {
        batch.job_states.erase(batch.job_states.begin() + static_cast<std::ptrdiff_t>(index));
    }
    const auto refused_report = [](const vigil::ReportRecord& r) { return r.file_name.rfind("refused", 0) == 0; };
    batch.reports.erase(std::remove_if(batch.reports.begin(), batch.reports.end(), refused_report),
                        batch.reports.end());
    db.storage.begin();
    db.storage.write(batch);
    db.storage.commit();
    CHECK(db.count("SELECT COUNT(*) FROM backup_entries") == static_cast<long long>(batch.entries.size()));
    CHECK(db.count("SELECT COUNT(*) FROM processed_reports") == static_cast<long long>(batch.reports.size()));
    CHECK(db.count("SELECT COUNT(*) FROM expected_backup_jobs WHERE current_status = 'ok'") ==
          (kind == VIGIL_ROW_JOB_STATE ? 1 : 2));
}

TEST_CASE("write names an entry whose text is not UTF-8 where the database refuses it") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    const std::vector<std::int64_t> job_ids = stored_jobs(db);
    vigil::Entry latin1 = entry(job_ids[1], "b.sql.gz");
    latin1.message = "caf\xe9";
    const vigil::WriteBatch batch{{entry(job_ids[0], "a.sql.gz"), latin1}, {}, {report("a.json")}};
    db.storage.begin();
    if (db.postgres()) {
        // It cannot travel as JSON either: its row's own statement is refused.
        const vigil::RowRefused refused = refusal_of([&] { db.storage.write(batch); });
        CHECK(refused.kind == VIGIL_ROW_ENTRY);
        CHECK(refused.index == 1);
        CHECK_THAT(refused.what(), Contains("database ") && Contains("UTF8"));
        db.storage.rollback();
        CHECK(db.count("SELECT COUNT(*) FROM backup_entries") == 0);
    } else {
        // SQLite keeps the bytes as they are.
        db.storage.write(batch);
        db.storage.commit();
        CHECK(load_entries(db.storage, job_ids[1], vigil::kNoTime).at(0).message == "caf\xe9");
    }
}

TEST_CASE("a batch refused whole, whose rows each pass alone, names no row") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    // Only PostgreSQL writes the rows of a batch in one statement.
    if (!db.postgres()) return;
    stored_jobs(db);
    *db.raw() << "CREATE FUNCTION refuse_many() RETURNS trigger AS $$ BEGIN IF (SELECT COUNT(*) FROM new_rows) > 1"
                 " THEN RAISE EXCEPTION 'more than one report at once'; END IF; RETURN NULL; END $$ LANGUAGE plpgsql";
    *db.raw() << "CREATE TRIGGER refuse_many AFTER INSERT ON processed_reports REFERENCING NEW TABLE AS new_rows"
                 " FOR EACH STATEMENT EXECUTE FUNCTION refuse_many()";
    const std::string before = contents(db);
    db.storage.begin();
    try {
        db.storage.write({{}, {}, {report("a.json"), report("b.json")}});
        FAIL("the write passed");
    } catch (const vigil::RowRefused& e) {
        FAIL("a row was named: " << e.what());
    } catch (const vigil::Unavailable& e) {
        FAIL("the database was said to be unavailable: " << e.what());
    } catch (const std::runtime_error& e) {
        CHECK_THAT(e.what(),
                   Contains("database ") && Contains(": write: ") && Contains("more than one report at once"));
    }
    CHECK_THROWS(db.storage.commit());
    db.storage.rollback();
    CHECK(contents(db) == before);
    // Alone, each passes.
    db.storage.begin();
    record_report(db.storage, report("a.json"));
    record_report(db.storage, report("b.json"));
    db.storage.commit();
    CHECK(db.count("SELECT COUNT(*) FROM processed_reports") == 2);
}

TEST_CASE("insert_events names the first event the database refuses, its own row or a delivery of it") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    stored_jobs(db);
    refuse_inserts(db, "notification_events", "NEW.fingerprint LIKE 'refused%'", "event refused by the test");
    refuse_inserts(db, "notification_deliveries", "NEW.notifier = 'broken'", "delivery refused by the test");
    std::vector<vigil::QueuedEvent> events{{event("a"), {"mail"}}, {event("b"), {}}, {event("c"), {"mail", "hook"}}};
    std::size_t index = 0;
    std::string reason;
    SECTION("the event itself, the first of two") {
        events[1].event.fingerprint = "refused-b";
        events[2].event.fingerprint = "refused-c";
        index = 1;
        reason = "event refused by the test";
    }
    SECTION("a delivery of the event") {
        events[2].notifiers = {"mail", "broken"};
        index = 2;
        reason = "delivery refused by the test";
    }
    const std::string before = contents(db);
    db.storage.begin();
    const vigil::RowRefused refused = refusal_of([&] { db.storage.insert_events(events); });
    CHECK(refused.kind == VIGIL_ROW_EVENT);
    CHECK(refused.index == index);
    CHECK_THAT(refused.what(), Contains("database ") && Contains(": insert_events: ") && Contains(reason));
    CHECK_THROWS(db.storage.commit());
    db.storage.rollback();
    CHECK(contents(db) == before);

    // Without it, the others are stored.
    events.erase(events.begin() + static_cast<std::ptrdiff_t>(index));
    const auto refused_event = [](const vigil::QueuedEvent& q) { return q.event.fingerprint.rfind("refused", 0) == 0; };
    events.erase(std::remove_if(events.begin(), events.end(), refused_event), events.end());
    db.storage.begin();
    db.storage.insert_events(events);
    db.storage.commit();
    CHECK(db.count("SELECT COUNT(*) FROM notification_events") == static_cast<long long>(events.size()));
}

TEST_CASE("a write whose connection is lost is vigil::Unavailable, not a refusal") {
    FOR_EACH_BACKEND(backend);
    Database db(backend);
    // A SQLite database is a file in this process: no connection to lose.
    if (!db.postgres()) return;
    const std::vector<std::int64_t> job_ids = stored_jobs(db);
    // The server ends the connection in the middle of the batch's statement.
    *db.raw() << "CREATE FUNCTION end_connection() RETURNS trigger AS $$ BEGIN"
                 " PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$ LANGUAGE plpgsql";
    for (const char* table : {"processed_reports", "notification_events"}) {
        *db.raw() << std::string("CREATE TRIGGER end_connection BEFORE INSERT ON ") + table +
                         " FOR EACH ROW EXECUTE FUNCTION end_connection()";
    }
    for (const bool events : {false, true}) {
        INFO("insert_events: " << events);
        auto storage = db.open_another();
        storage->begin();
        const std::string message = message_of<vigil::Unavailable>([&] {
            if (events) {
                storage->insert_events({{event("a"), {"mail"}}, {event("b"), {}}});
            } else {
                storage->write({{entry(job_ids[0], "a.sql.gz")}, {}, {report("a.json"), report("b.json")}});
            }
        });
        CHECK_THAT(message, Contains("database ") && Contains(events ? ": insert_events: " : ": write: ") &&
                                Contains("connection"));
    }
    CHECK(db.count("SELECT COUNT(*) FROM backup_entries") == 0);
}
