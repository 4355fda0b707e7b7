// The name tables of the scan's domain words: every value has one name that
// reads back as itself, the names are the ones the database, the plugins and
// the output have always carried, and any other text is refused.
#include "vocabulary.hpp"

#include <catch2/catch.hpp>

#include <cctype>
#include <set>
#include <string>
#include <vector>

using namespace vigil::host;

namespace {

// Each value's name parses back to the value, no two values share a name,
// and the names are, in order, those expected.
template <typename E, std::size_t N, typename Parse>
void check_table(const E (&values)[N], Parse parse, const std::vector<std::string>& expected) {
    std::vector<std::string> names;
    for (const E value : values) {
        const std::string text(name_of(value));
        INFO(text);
        const auto back = parse(text);
        REQUIRE(back);
        CHECK(*back == value);
        names.push_back(text);
    }
    CHECK(names == expected);
    CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
}

// Text near a real name but not one of them.
template <typename Parse>
void check_refused(Parse parse, const std::string& real) {
    for (const std::string& text : {std::string(), real + " ", " " + real, real.substr(0, real.size() - 1),
                                    real + "x", std::string(1, static_cast<char>(std::toupper(real[0]))) + real.substr(1),
                                    real + std::string(1, '\0'), std::string("anything else")}) {
        INFO("'" << text << "'");
        CHECK_FALSE(parse(text));
    }
}

}  // namespace

TEST_CASE("job statuses: one name each, read back, other text refused") {
    check_table(kJobStatuses, parse_job_status, {"ok", "failed", "missing", "transfer_integrity_failed", "unknown"});
    for (const JobStatus s : kJobStatuses) check_refused(parse_job_status, std::string(name_of(s)));
    CHECK_FALSE(parse_job_status("success"));
    CHECK_FALSE(parse_job_status("hash_mismatch"));
    CHECK(job_status_names() == "ok, failed, missing, transfer_integrity_failed, unknown");
}

TEST_CASE("entry statuses: one name each, read back, other text refused") {
    check_table(kEntryStatuses, parse_entry_status,
                {"success", "hash_mismatch", "failed", "transfer_integrity_failed", "missing"});
    for (const EntryStatus s : kEntryStatuses) check_refused(parse_entry_status, std::string(name_of(s)));
    CHECK_FALSE(parse_entry_status("ok"));
    CHECK_FALSE(parse_entry_status("unknown"));
}

TEST_CASE("report fates: one name each, read back, other text refused") {
    check_table(kFates, parse_fate,
                {"used", "invalid", "stale", "future", "agent_mismatch", "irrelevant", "no_job", "duplicate"});
    for (const Fate f : kFates) check_refused(parse_fate, std::string(name_of(f)));
}

TEST_CASE("event kinds: one name each, read back, other text refused") {
    check_table(kEventKinds, parse_event_kind, {"status_change", "hash_mismatch", "reminder", "test"});
    for (const EventKind k : kEventKinds) check_refused(parse_event_kind, std::string(name_of(k)));
}

TEST_CASE("delivery states: one name each, read back, other text refused") {
    check_table(kDeliveryStates, parse_delivery_state, {"pending", "sent", "failed"});
    for (const DeliveryState d : kDeliveryStates) check_refused(parse_delivery_state, std::string(name_of(d)));
}

TEST_CASE("scan outcomes: one name each, read back, other text refused") {
    check_table(kScanOutcomes, parse_scan_outcome, {"running", "completed", "failed"});
    for (const ScanOutcome o : kScanOutcomes) check_refused(parse_scan_outcome, std::string(name_of(o)));
}

TEST_CASE("entry statuses map to job statuses") {
    CHECK(job_status_for(EntryStatus::kSuccess) == JobStatus::kOk);
    CHECK(job_status_for(EntryStatus::kHashMismatch) == JobStatus::kOk);
    CHECK(job_status_for(EntryStatus::kFailed) == JobStatus::kFailed);
    CHECK(job_status_for(EntryStatus::kTransferIntegrityFailed) == JobStatus::kTransferIntegrityFailed);
    CHECK(job_status_for(EntryStatus::kMissing) == JobStatus::kMissing);
}

TEST_CASE("failed, missing and transfer_integrity_failed are the problem statuses") {
    std::vector<std::string> problems;
    for (const JobStatus s : kJobStatuses) {
        if (is_problem(s)) problems.emplace_back(name_of(s));
    }
    CHECK(problems == std::vector<std::string>{"failed", "missing", "transfer_integrity_failed"});
}
