// report_fate (docs/scan.md, "Report fates"): every combination of what the
// scan can learn about a report, against the order the rules apply in.
#include "report_fate.hpp"

#include <catch2/catch.hpp>

using namespace vigil::host;

namespace {

// The rules written out once more, independently of report_fate's code
// shape: the first that applies wins.
Fate expected_fate(const FateFacts& f) {
    if (f.refused) return Fate::kInvalid;
    if (f.duplicate) return Fate::kDuplicate;
    if (f.collected) return *f.collected;
    if (f.used) return Fate::kUsed;
    if (!f.names_a_job) return Fate::kNoJob;
    return Fate::kIrrelevant;
}

}  // namespace

TEST_CASE("report_fate applies refusal, duplicate, collection, use, job and relevance in that order") {
    const std::optional<Fate> kept;
    for (const std::optional<Fate> collected : {kept, std::optional(Fate::kInvalid), std::optional(Fate::kStale),
                                                std::optional(Fate::kFuture), std::optional(Fate::kAgentMismatch)}) {
        const std::string collected_name(collected ? name_of(*collected) : "");
        for (int bits = 0; bits < 32; ++bits) {
            FateFacts f;
            f.collected = collected;
            f.collected_reason = Message("collected: " + collected_name);
            f.refused = bits & 1;
            f.refusal = Message("the database refused to record what it contains");
            f.duplicate = bits & 2;
            f.used = bits & 4;
            f.names_a_job = bits & 8;
            f.lists_databases = f.names_a_job || (bits & 16);
            f.why_not_used = {"sales at 02:30: superseded", "hr at 03:00: ended outside every window"};
            INFO("collected '" << collected_name << "', bits " << bits);
            const ReportFate r = report_fate(f, "ACME_PARIS_CENTRE");
            CHECK(name_of(r.fate) == name_of(expected_fate(f)));
            if (r.fate == Fate::kInvalid && f.refused) CHECK(r.reason.text() == f.refusal.text());
            if (r.fate == Fate::kDuplicate) {
                CHECK(r.reason.text() == "the same content was already processed from this agent's folder");
            }
            if (!f.refused && !f.duplicate && f.collected) CHECK(r.reason.text() == f.collected_reason.text());
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
        CHECK(r.fate == Fate::kIrrelevant);
        CHECK(r.reason.text() == "sales at 02:30: superseded; hr at 03:00: ended outside every window");
    }
    SECTION("used keeps what collection said") {
        f.used = f.names_a_job = f.lists_databases = true;
        CHECK(report_fate(f, "A_B_C").fate == Fate::kUsed);
        CHECK(report_fate(f, "A_B_C").reason.text().empty());
    }
}
