// Cost of the pure decisions for one job: candidate selection and evaluation.
#include "evaluate.hpp"

#include <vigil/timestamp.hpp>

#include <benchmark/benchmark.h>

#include <deque>

using namespace vigil;
using namespace vigil::host;

namespace {

struct Input {
    std::deque<Report> reports;
    StagedFacts facts;
    EvaluationInput in;

    explicit Input(int report_count) {
        const std::int64_t base = *parse_timestamp("2026-11-23T00:00:00Z");
        in.job.id = 1;
        in.job.database_name = "sales";
        in.job.expected_hour_utc = 2;
        in.job.expected_minute_utc = 30;
        in.job.window_minutes = 60;
        in.job.created_at = base - 30 * kMicrosPerDay;
        in.now = base + 4 * 60 * kMicrosPerMinute;
        facts.state = StagedFacts::State::kRegular;
        facts.sha256 = std::string(64, 'a');
        facts.size = 100;
        in.staged = [this](const std::string&) { return &facts; };
        for (int i = 0; i < report_count; ++i) {
            Report r;
            r.operation_end_time = base - (i % 20) * kMicrosPerDay + (90 + i % 120) * kMicrosPerMinute;
            DatabaseReport db;
            db.database_name = "sales";
            db.staged_file_name = "s.gz";
            db.backup.status = db.compress.status = db.transfer.status = true;
            db.compress.sha256_checksum = std::string(64, 'a');
            db.compress.size = 100;
            r.databases.push_back(db);
            reports.push_back(std::move(r));
            in.candidates.push_back(
                Candidate{"r" + std::to_string(i) + ".json", &reports.back(), &reports.back().databases.back()});
        }
    }
};

void BM_EvaluateJob(benchmark::State& state) {
    Input input(static_cast<int>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(evaluate_job(input.in));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_EvaluateJob)->Arg(1)->Arg(10)->Arg(100)->Arg(1000);

void BM_CycleOf(benchmark::State& state) {
    const Schedule s{23, 30, 60};
    std::int64_t t = *parse_timestamp("2026-11-23T00:00:00Z");
    for (auto _ : state) {
        benchmark::DoNotOptimize(cycle_of(s, t));
        t += 7 * kMicrosPerMinute;
    }
}
BENCHMARK(BM_CycleOf);

}  // namespace

BENCHMARK_MAIN();
