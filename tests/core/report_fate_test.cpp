// report_fate (docs/scan.md, "Report fates"): every combination of what the
// scan can learn about a report, against the order the rules apply in.
#include "report_fate.hpp"

#include <catch2/catch.hpp>

using namespace vigil::host;

namespace {

// The rules written out once more, independently of report_fate's code
// shape: the first that applies wins.
std::string expected_fate(const FateFacts& f) {
    if (f.refused) return "invalid";
    if (f.duplicate) return "duplicate";
    if (!f.collected.empty()) return f.collected;
    if (f.used) return "used";
    if (!f.names_a_job) return "no_job";
    return "irrelevant";
}

}  // namespace

TEST_CASE("report_fate applies refusal, duplicate, collection, use, job and relevance in that order") {
    for (const char* collected : {"", "invalid", "stale", "future", "agent_mismatch"}) {
        for (int bits = 0; bits < 32; ++bits) {
            FateFacts f;
            f.collected = collected;
            f.collected_reason = Message(std::string("collected: ") + collected);
            f.refused = bits & 1;
            f.refusal = Message("the database refused to record what it contains");
            f.duplicate = bits & 2;
            f.used = bits & 4;
            f.names_a_job = bits & 8;
            f.lists_databases = f.names_a_job || (bits & 16);
            f.why_not_used = {"sales at 02:30: superseded", "hr at 03:00: ended outside every window"};
            INFO("collected '" << collected << "', bits " << bits);
            const ReportFate r = report_fate(f, "ACME_PARIS_CENTRE");
            CHECK(r.fate == expected_fate(f));
            if (r.fate == "invalid" && f.refused) CHECK(r.reason.text() == f.refusal.text());
            if (r.fate == "duplicate") {
                CHECK(r.reason.text() == "the same content was already processed from this agent's folder");
            }
            if (!f.refused && !f.duplicate && !f.collected.empty()) CHECK(r.reason.text() == f.collected_reason.text());
        }
    }
}

TEST_CASE("report_fate says why a kept report served no job") {
    FateFacts f;
    SECTION("no database listed") {
        CHECK(report_fate(f, "A_B_C").reason.text() == "the report lists no database");
    }
    SECTION("databases of no job of the agent") {
        f.lists_databases = true;
        CHECK(report_fate(f, "A_B_C").reason.text() == "no active job of agent A_B_C for the database(s) it lists");
    }
    SECTION("irrelevant: every job's reason, joined") {
        f.lists_databases = f.names_a_job = true;
        f.why_not_used = {"sales at 02:30: superseded", "hr at 03:00: ended outside every window"};
        const ReportFate r = report_fate(f, "A_B_C");
        CHECK(r.fate == "irrelevant");
        CHECK(r.reason.text() == "sales at 02:30: superseded; hr at 03:00: ended outside every window");
    }
    SECTION("used keeps what collection said") {
        f.used = f.names_a_job = f.lists_databases = true;
        CHECK(report_fate(f, "A_B_C").fate == "used");
        CHECK(report_fate(f, "A_B_C").reason.text().empty());
    }
}
