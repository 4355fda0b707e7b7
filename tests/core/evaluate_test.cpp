// docs/scan.md phase 2 as a pure function: every rule, without files or database.
#include "evaluate.hpp"

#include <vigil/timestamp.hpp>

#include <catch2/catch.hpp>

#include <deque>

using namespace vigil;
using namespace vigil::host;

namespace {

std::int64_t at(const char* iso) { return *parse_timestamp(iso); }

const std::string kHashA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string kHashB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

Job make_job(int hour = 2, int minute = 30, int window = 60) {
    Job j;
    j.id = 7;
    j.agent_id_responsible = "ACME_PARIS_CENTRE";
    j.database_name = "sales";
    j.expected_hour_utc = hour;
    j.expected_minute_utc = minute;
    j.window_minutes = window;
    j.created_at = at("2026-11-01T00:00:00Z");
    return j;
}

// Owns the reports the candidates point to.
struct Fixture {
    std::deque<Report> reports;
    std::map<std::string, StagedFacts> staged;
    EvaluationInput in;

    Fixture() {
        in.job = make_job();
        in.now = at("2026-11-23T04:00:00Z");
        in.staged = [this](const std::string& name) -> const StagedFacts* {
            auto it = staged.find(name);
            return it == staged.end() ? nullptr : &it->second;
        };
    }

    DatabaseReport& add_report(const std::string& file, const char* end, const std::string& staged_name = "s.sql.gz",
                               const std::string& hash = kHashA, std::int64_t size = 100) {
        Report r;
        r.agent_id = "ACME_PARIS_CENTRE";
        r.overall_status = "completed";
        r.operation_start_time = at(end) - 60 * kMicrosPerSecond;
        r.operation_end_time = at(end);
        DatabaseReport db;
        db.database_name = "sales";
        db.staged_file_name = staged_name;
        db.backup.status = db.compress.status = db.transfer.status = true;
        db.compress.sha256_checksum = hash;
        db.compress.size = size;
        r.databases.push_back(db);
        reports.push_back(std::move(r));
        in.candidates.push_back(Candidate{file, &reports.back(), &reports.back().databases.back()});
        return reports.back().databases.back();
    }

    void stage(const std::string& name, const std::string& hash = kHashA, std::int64_t size = 100) {
        StagedFacts f;
        f.state = StagedFacts::State::kRegular;
        f.sha256 = hash;
        f.size = size;
        staged[name] = f;
    }
};

}  // namespace

TEST_CASE("rule 5: a verified report is a success and becomes the job's reference") {
    Fixture fx;
    fx.add_report("r1.json", "2026-11-23T02:31:00Z");
    fx.stage("s.sql.gz");
    Evaluation ev = evaluate_job(fx.in);
    REQUIRE(ev.new_entries.size() == 1);
    const Entry& e = ev.new_entries[0];
    CHECK(e.status == "success");
    CHECK(e.cycle_expected_at == at("2026-11-23T02:30:00Z"));
    CHECK(e.server_calculated_staged_hash == kHashA);
    CHECK(e.server_calculated_staged_size == 100);
    CHECK(e.hash_comparison_result == -1);
    CHECK(e.operation_log_file_name == std::string("r1.json"));
    CHECK(ev.job.current_status == "ok");
    CHECK(ev.job.previous_successful_hash_global == kHashA);
    CHECK(ev.job.last_successful_backup_timestamp == at("2026-11-23T02:31:00Z"));
    CHECK(ev.job.last_checked_timestamp == fx.in.now);
    CHECK(ev.job.last_entry_cycle_at == at("2026-11-23T02:30:00Z"));
}

TEST_CASE("checksums compare case-insensitively") {
    Fixture fx;
    std::string upper = kHashA;
    for (auto& c : upper) c = static_cast<char>(std::toupper(c));
    fx.add_report("r1.json", "2026-11-23T02:31:00Z", "s.sql.gz", upper);
    fx.stage("s.sql.gz");
    CHECK(evaluate_job(fx.in).new_entries.at(0).status == "success");
}

TEST_CASE("rule 1: a staged_file_name that is not a plain name fails without touching files") {
    for (std::string name : {"", ".", "..", "../other/x.gz", "a/b", "a\\b"}) {
        Fixture fx;
        fx.add_report("r1.json", "2026-11-23T02:31:00Z", name);
        bool looked = false;
        fx.in.staged = [&](const std::string&) -> const StagedFacts* {
            looked = true;
            return nullptr;
        };
        Evaluation ev = evaluate_job(fx.in);
        REQUIRE(ev.new_entries.size() == 1);
        CHECK(ev.new_entries[0].status == "failed");
        CHECK_FALSE(ev.new_entries[0].server_calculated_staged_hash);
        CHECK_FALSE(looked);
        CHECK(ev.job.current_status == "failed");
    }
}

TEST_CASE("rule 2: a failed phase fails, naming phases, transfer error and logs") {
    Fixture fx;
    DatabaseReport& db = fx.add_report("r1.json", "2026-11-23T02:31:00Z");
    db.transfer.status = false;
    db.backup.status = false;
    db.transfer.error_message = "connection reset";
    db.logs_summary = "rsync exited 12";
    fx.stage("s.sql.gz");
    Evaluation ev = evaluate_job(fx.in);
    const Entry& e = ev.new_entries.at(0);
    CHECK(e.status == "failed");
    CHECK_THAT(e.message, Catch::Contains("BACKUP") && Catch::Contains("TRANSFER") &&
                              Catch::Contains("connection reset") && Catch::Contains("rsync exited 12"));
    CHECK_FALSE(Catch::Contains("COMPRESS").match(e.message));
    CHECK_FALSE(e.server_calculated_staged_hash);
    CHECK_FALSE(ev.job.previous_successful_hash_global);
}

TEST_CASE("judging asks for a staged file's facts exactly when staged_file_unreached says it reaches it") {
    // The scan verifies ahead the files this says are reached: a file judged
    // without facts would be a transfer integrity failure.
    struct Case {
        std::string name;
        bool backup, compress, transfer;
    };
    const Case cases[] = {{"s.sql.gz", true, true, true},  {"s.sql.gz", false, true, true},
                          {"s.sql.gz", true, false, true}, {"s.sql.gz", true, true, false},
                          {"../x.gz", true, true, true},   {"", true, true, true}};
    for (const Case& k : cases) {
        INFO(k.name << " " << k.backup << k.compress << k.transfer);
        Fixture fx;
        DatabaseReport& db = fx.add_report("r1.json", "2026-11-23T02:31:00Z", k.name);
        db.backup.status = k.backup;
        db.compress.status = k.compress;
        db.transfer.status = k.transfer;
        bool looked = false;
        fx.in.staged = [&](const std::string&) -> const StagedFacts* {
            looked = true;
            return nullptr;
        };
        const std::optional<Message> why = staged_file_unreached(db);
        const Evaluation ev = evaluate_job(fx.in);
        CHECK(looked == !why.has_value());
        if (why) CHECK(ev.new_entries.at(0).message == why->text());
    }
}

TEST_CASE("every piece of an entry message that the agent wrote is marked, the host's words are not") {
    const auto marked = [](const Message& m) {
        return m.render([](std::string_view text) { return "<" + std::string(text) + ">"; });
    };
    Fixture fx;
    SECTION("failed phases") {
        DatabaseReport& db = fx.add_report("r1.json", "2026-11-23T02:31:00Z");
        db.transfer.status = false;
        db.transfer.error_message = "reset";
        db.logs_summary = "rsync 12";
        Evaluation ev = evaluate_job(fx.in);
        REQUIRE(ev.messages.size() == ev.new_entries.size());
        CHECK(ev.messages[0].text() == ev.new_entries[0].message);
        CHECK(marked(ev.messages[0]) == "agent reports failed phase(s): TRANSFER; transfer error: <reset>; logs: <rsync 12>");
    }
    SECTION("the agent's checksum and staged file name") {
        fx.add_report("r1.json", "2026-11-23T02:31:00Z", "s.sql.gz", "claimed");
        fx.stage("s.sql.gz", kHashB);
        Evaluation ev = evaluate_job(fx.in);
        CHECK(ev.messages[0].text() == ev.new_entries[0].message);
        CHECK(marked(ev.messages[0]) == "staged file database/<s.sql.gz>: checksum mismatch: agent <claimed>, server " +
                                            std::string(kHashB));
    }
    SECTION("missing entries are the host's words only") {
        fx.in.now = *vigil::parse_timestamp("2026-11-23T04:00:00Z");
        Evaluation ev = evaluate_job(fx.in);
        REQUIRE(ev.new_entries.size() == 1);
        CHECK(ev.new_entries[0].status == "missing");
        CHECK(marked(ev.messages[0]) == ev.new_entries[0].message);
    }
}

TEST_CASE("rule 3: a missing or non-regular staged file is a transfer integrity failure") {
    Fixture fx;
    fx.add_report("r1.json", "2026-11-23T02:31:00Z");
    SECTION("missing") {
        Evaluation ev = evaluate_job(fx.in);
        CHECK(ev.new_entries.at(0).status == "transfer_integrity_failed");
        CHECK_THAT(ev.new_entries.at(0).message, Catch::Contains("missing"));
    }
    SECTION("a symbolic link") {
        StagedFacts f;
        f.state = StagedFacts::State::kNotRegular;
        f.detail = "symbolic link";
        fx.staged["s.sql.gz"] = f;
        Evaluation ev = evaluate_job(fx.in);
        CHECK(ev.new_entries.at(0).status == "transfer_integrity_failed");
        CHECK_THAT(ev.new_entries.at(0).message, Catch::Contains("symbolic link"));
        CHECK(ev.job.current_status == "transfer_integrity_failed");
    }
}

TEST_CASE("rule 4: checksum, size, absent claims and failed checks") {
    Fixture fx;
    DatabaseReport& db = fx.add_report("r1.json", "2026-11-23T02:31:00Z");
    SECTION("checksum differs: the server's findings are recorded") {
        fx.stage("s.sql.gz", kHashB);
        const Entry e = evaluate_job(fx.in).new_entries.at(0);
        CHECK(e.status == "transfer_integrity_failed");
        CHECK(e.server_calculated_staged_hash == kHashB);
        CHECK(e.server_calculated_staged_size == 100);
        CHECK_THAT(e.message, Catch::Contains("checksum mismatch"));
    }
    SECTION("size differs") {
        fx.stage("s.sql.gz", kHashA, 99);
        const Entry e = evaluate_job(fx.in).new_entries.at(0);
        CHECK(e.status == "transfer_integrity_failed");
        CHECK_THAT(e.message, Catch::Contains("size mismatch"));
    }
    SECTION("checksum absent") {
        db.compress.sha256_checksum.reset();
        fx.stage("s.sql.gz");
        const Entry e = evaluate_job(fx.in).new_entries.at(0);
        CHECK(e.status == "transfer_integrity_failed");
        CHECK_THAT(e.message, Catch::Contains("COMPRESS.sha256_checksum absent"));
    }
    SECTION("size absent") {
        db.compress.size = kNoSize;
        fx.stage("s.sql.gz");
        CHECK(evaluate_job(fx.in).new_entries.at(0).status == "transfer_integrity_failed");
    }
    SECTION("another check fails") {
        fx.stage("s.sql.gz");
        fx.staged["s.sql.gz"].failed_checks.push_back("gzip check failed: truncated");
        const Entry e = evaluate_job(fx.in).new_entries.at(0);
        CHECK(e.status == "transfer_integrity_failed");
        CHECK_THAT(e.message, Catch::Contains("gzip check failed"));
    }
}

TEST_CASE("rule 5: content_change decides hash_mismatch") {
    Fixture fx;
    fx.in.job.previous_successful_hash_global = kHashB;
    fx.add_report("r1.json", "2026-11-23T02:31:00Z");
    fx.stage("s.sql.gz");
    SECTION("changed: a different hash is flagged, the job stays ok") {
        Evaluation ev = evaluate_job(fx.in);
        const Entry& e = ev.new_entries.at(0);
        CHECK(e.status == "hash_mismatch");
        CHECK(e.previous_successful_hash_global == kHashB);
        CHECK(e.hash_comparison_result == 1);
        CHECK(ev.job.current_status == "ok");
        CHECK(ev.job.previous_successful_hash_global == kHashA);
    }
    SECTION("unchanged: a different hash is a plain success") {
        fx.in.content_change = ContentChange::kUnchanged;
        const Entry e = evaluate_job(fx.in).new_entries.at(0);
        CHECK(e.status == "success");
        CHECK(e.hash_comparison_result == 1);
    }
    SECTION("unchanged: an equal hash is flagged") {
        fx.in.content_change = ContentChange::kUnchanged;
        fx.in.job.previous_successful_hash_global = kHashA;
        const Entry e = evaluate_job(fx.in).new_entries.at(0);
        CHECK(e.status == "hash_mismatch");
        CHECK(e.hash_comparison_result == 0);
    }
    SECTION("off: never flagged") {
        fx.in.content_change = ContentChange::kOff;
        CHECK(evaluate_job(fx.in).new_entries.at(0).status == "success");
    }
    SECTION("changed: an equal hash is a success") {
        fx.in.job.previous_successful_hash_global = kHashA;
        const Entry e = evaluate_job(fx.in).new_entries.at(0);
        CHECK(e.status == "success");
        CHECK(e.hash_comparison_result == 0);
    }
}

TEST_CASE("per cycle the latest report wins, ties go to the greatest file name") {
    Fixture fx;
    fx.add_report("20261123_020000_A.json", "2026-11-23T02:00:00Z", "early.gz");
    fx.add_report("20261123_030000_A.json", "2026-11-23T03:00:00Z", "late.gz");
    fx.stage("early.gz");
    fx.stage("late.gz");
    SECTION("latest end") {
        Evaluation ev = evaluate_job(fx.in);
        REQUIRE(ev.new_entries.size() == 1);
        CHECK(ev.new_entries[0].agent_staged_file_name == std::string("late.gz"));
        REQUIRE(ev.outcomes.size() == 2);
    }
    SECTION("tie") {
        fx.add_report("20261123_030000_B.json", "2026-11-23T03:00:00Z", "tie.gz");
        fx.stage("tie.gz");
        Evaluation ev = evaluate_job(fx.in);
        REQUIRE(ev.new_entries.size() == 1);
        CHECK(ev.new_entries[0].agent_staged_file_name == std::string("tie.gz"));
    }
}

TEST_CASE("a cycle's existing entry blocks reports ending at the same time or earlier, not later ones") {
    Fixture fx;
    Entry old;
    old.cycle_expected_at = at("2026-11-23T02:30:00Z");
    old.status = "failed";
    old.operation_end_time = at("2026-11-23T02:40:00Z");
    fx.in.existing.push_back(old);
    fx.in.job.current_status = "failed";
    fx.in.job.last_entry_cycle_at = old.cycle_expected_at;
    fx.stage("s.sql.gz");
    SECTION("same end time: nothing new") {
        fx.add_report("r.json", "2026-11-23T02:40:00Z");
        Evaluation ev = evaluate_job(fx.in);
        CHECK(ev.new_entries.empty());
        REQUIRE(ev.outcomes.size() == 1);
        CHECK_FALSE(ev.outcomes[0].used);
        CHECK(ev.job.current_status == "failed");
    }
    SECTION("a retry that ended later counts and recovers the job") {
        fx.add_report("r.json", "2026-11-23T03:10:00Z");
        Evaluation ev = evaluate_job(fx.in);
        REQUIRE(ev.new_entries.size() == 1);
        CHECK(ev.new_entries[0].status == "success");
        CHECK(ev.job.current_status == "ok");
    }
}

TEST_CASE("a report arriving after its cycle was marked missing still counts") {
    Fixture fx;
    Entry missing;
    missing.cycle_expected_at = at("2026-11-23T02:30:00Z");
    missing.status = "missing";
    fx.in.existing.push_back(missing);
    fx.in.job.current_status = "missing";
    fx.in.job.last_entry_cycle_at = missing.cycle_expected_at;
    fx.in.now = at("2026-11-23T05:00:00Z");
    fx.add_report("r.json", "2026-11-23T03:20:00Z");
    fx.stage("s.sql.gz");
    Evaluation ev = evaluate_job(fx.in);
    REQUIRE(ev.new_entries.size() == 1);
    CHECK(ev.new_entries[0].status == "success");
    CHECK(ev.job.current_status == "ok");
}

TEST_CASE("missing: one entry for the latest closed cycle when owed and empty") {
    Fixture fx;
    SECTION("owed and empty") {
        Evaluation ev = evaluate_job(fx.in);
        REQUIRE(ev.new_entries.size() == 1);
        CHECK(ev.new_entries[0].status == "missing");
        CHECK(ev.new_entries[0].cycle_expected_at == at("2026-11-23T02:30:00Z"));
        CHECK_FALSE(ev.new_entries[0].operation_log_file_name);
        CHECK(ev.job.current_status == "missing");
    }
    SECTION("already missing: no repeat") {
        Entry m;
        m.cycle_expected_at = at("2026-11-23T02:30:00Z");
        m.status = "missing";
        fx.in.existing.push_back(m);
        CHECK(evaluate_job(fx.in).new_entries.empty());
    }
    SECTION("a new job is not blamed for the past") {
        fx.in.job.created_at = at("2026-11-23T03:45:00Z");
        Evaluation ev = evaluate_job(fx.in);
        CHECK(ev.new_entries.empty());
        CHECK(ev.job.current_status == "unknown");
    }
    SECTION("the cycle is still open at its deadline") {
        fx.in.now = at("2026-11-23T03:30:00Z");
        fx.in.job.created_at = at("2026-11-21T12:00:00Z");
        Evaluation ev = evaluate_job(fx.in);
        REQUIRE(ev.new_entries.size() == 1);
        CHECK(ev.new_entries[0].cycle_expected_at == at("2026-11-22T02:30:00Z"));
    }
}

TEST_CASE("several cycles in one scan are recorded oldest first, status follows the latest cycle") {
    Fixture fx;
    fx.in.now = at("2026-11-23T10:00:00Z");
    fx.in.job.created_at = at("2026-11-20T00:00:00Z");
    fx.add_report("today.json", "2026-11-23T02:35:00Z", "today.gz");
    DatabaseReport& yesterday = fx.add_report("yesterday.json", "2026-11-22T02:35:00Z", "y.gz");
    yesterday.transfer.status = false;
    fx.stage("today.gz");
    Evaluation ev = evaluate_job(fx.in);
    REQUIRE(ev.new_entries.size() == 2);
    CHECK(ev.new_entries[0].cycle_expected_at == at("2026-11-22T02:30:00Z"));
    CHECK(ev.new_entries[0].status == "failed");
    CHECK(ev.new_entries[1].status == "success");
    CHECK(ev.job.current_status == "ok");
}

TEST_CASE("a late report for an older cycle does not roll back the latest success") {
    Fixture fx;
    fx.in.job.previous_successful_hash_global = kHashB;
    fx.in.job.last_successful_backup_timestamp = at("2026-11-23T02:35:00Z");
    fx.in.job.last_entry_cycle_at = at("2026-11-23T02:30:00Z");
    fx.in.job.current_status = "ok";
    fx.in.now = at("2026-11-23T04:00:00Z");
    fx.add_report("old.json", "2026-11-22T04:30:00Z");
    fx.in.job.created_at = at("2026-11-20T00:00:00Z");
    Entry today;
    today.cycle_expected_at = at("2026-11-23T02:30:00Z");
    today.status = "success";
    today.operation_end_time = at("2026-11-23T02:35:00Z");
    fx.in.existing.push_back(today);
    fx.in.job.window_minutes = 180;
    fx.stage("s.sql.gz");
    Evaluation ev = evaluate_job(fx.in);
    REQUIRE(ev.new_entries.size() == 1);
    CHECK(ev.new_entries[0].cycle_expected_at == at("2026-11-22T02:30:00Z"));
    CHECK(ev.job.previous_successful_hash_global == kHashB);
    CHECK(ev.job.last_successful_backup_timestamp == at("2026-11-23T02:35:00Z"));
    CHECK(ev.job.last_entry_cycle_at == at("2026-11-23T02:30:00Z"));
}

TEST_CASE("reports outside every window are not outcomes") {
    Fixture fx;
    fx.add_report("noon.json", "2026-11-23T12:00:00Z");
    fx.in.now = at("2026-11-23T13:00:00Z");
    Evaluation ev = evaluate_job(fx.in);
    CHECK(ev.outcomes.empty());
    REQUIRE(ev.new_entries.size() == 1);
    CHECK(ev.new_entries[0].status == "missing");
}

TEST_CASE("earliest_cycle_needed covers every candidate cycle and the latest closed one") {
    Fixture fx;
    fx.add_report("a.json", "2026-11-22T02:00:00Z");
    CHECK(earliest_cycle_needed(schedule_of(fx.in.job), fx.in.candidates, fx.in.now) == at("2026-11-22T02:30:00Z"));
    fx.in.candidates.clear();
    CHECK(earliest_cycle_needed(schedule_of(fx.in.job), fx.in.candidates, fx.in.now) == at("2026-11-23T02:30:00Z"));
}

TEST_CASE("status_changed_at moves to the scan's now when, and only when, the status changes") {
    Fixture fx;
    const std::int64_t before = at("2026-11-20T04:00:00Z");
    fx.in.job.status_changed_at = before;
    SECTION("unknown -> missing") {
        Evaluation ev = evaluate_job(fx.in);
        CHECK(ev.job.current_status == "missing");
        CHECK(ev.job.status_changed_at == fx.in.now);
    }
    SECTION("missing stays missing") {
        fx.in.job.current_status = "missing";
        Evaluation ev = evaluate_job(fx.in);
        CHECK(ev.job.current_status == "missing");
        CHECK(ev.job.status_changed_at == before);
    }
    SECTION("ok stays ok through a new success") {
        fx.in.job.current_status = "ok";
        fx.add_report("r1.json", "2026-11-23T02:31:00Z");
        fx.stage("s.sql.gz");
        Evaluation ev = evaluate_job(fx.in);
        CHECK(ev.new_entries.at(0).status == "success");
        CHECK(ev.job.status_changed_at == before);
    }
}

TEST_CASE("a job judged at this very instant, with no report for it, has nothing more to say") {
    Fixture fx;
    const Evaluation first = evaluate_job(fx.in);
    REQUIRE(first.new_entries.size() == 1);
    REQUIRE(first.new_entries[0].status == "missing");

    EvaluationInput again = fx.in;
    again.job = first.job;
    again.existing = first.new_entries;
    CHECK(judged_at_this_instant(again.job, again.now, false));
    const Evaluation second = evaluate_job(again);
    CHECK(second.new_entries.empty());
    CHECK(second.job.current_status == first.job.current_status);
    CHECK(second.job.last_entry_cycle_at == first.job.last_entry_cycle_at);
    CHECK(second.job.status_changed_at == first.job.status_changed_at);
    CHECK(second.job.last_checked_timestamp == first.job.last_checked_timestamp);
    CHECK(second.job.updated_at == first.job.updated_at);

    SECTION("a report for it is always judged") {
        CHECK_FALSE(judged_at_this_instant(again.job, again.now, true));
    }
    SECTION("a judgement at a later instant does not stand for an earlier one") {
        // Judged the next day only, the job never got its entry for the
        // 23rd: judging it at the 23rd's instant still owes that one.
        EvaluationInput next_day = fx.in;
        next_day.now = at("2026-11-24T04:00:00Z");
        const Evaluation later = evaluate_job(next_day);
        EvaluationInput back = fx.in;
        back.job = later.job;
        back.existing = later.new_entries;
        CHECK_FALSE(judged_at_this_instant(back.job, back.now, false));
        const Evaluation owed = evaluate_job(back);
        REQUIRE(owed.new_entries.size() == 1);
        CHECK(owed.new_entries[0].cycle_expected_at == at("2026-11-23T02:30:00Z"));
    }
    SECTION("nor does an earlier one for a later instant") {
        CHECK_FALSE(judged_at_this_instant(again.job, at("2026-11-24T04:00:00Z"), false));
    }
}
