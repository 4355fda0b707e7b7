// Cost of schedules: the cycle of a report's end time and the latest closed
// cycle (once per job and report in every scan), and the no-overlap check
// (once per job when the configuration is read).
#include "decisions.hpp"
#include "zones.hpp"

#include <vigil/timestamp.hpp>

#include <benchmark/benchmark.h>

using namespace vigil;
using namespace vigil::host;

namespace {

Schedule cron_schedule(const char* text, const char* zone_name, int early, int late) {
    CronSpec cron;
    Zone zone;
    if (!parse_cron(text, &cron).is_ok() || !find_zone(zone_name, &zone).is_ok()) std::abort();
    return Schedule(cron, zone, early, late);
}

// Times a week apart plus a few minutes, so that every day and DST state comes up.
void cycle_of_loop(benchmark::State& state, const Schedule& s) {
    std::int64_t t = *parse_timestamp("2026-01-01T00:00:00Z");
    for (auto _ : state) {
        benchmark::DoNotOptimize(cycle_of(s, t));
        benchmark::DoNotOptimize(latest_closed_cycle(s, t));
        t += 7 * kMicrosPerDay + 7 * kMicrosPerMinute;
    }
}

void BM_CyclesAt(benchmark::State& state) { cycle_of_loop(state, Schedule{2, 30, 60}); }
BENCHMARK(BM_CyclesAt);

void BM_CyclesWeekdaysParis(benchmark::State& state) {
    cycle_of_loop(state, cron_schedule("30 2 * * mon-fri", "Europe/Paris", 15, 90));
}
BENCHMARK(BM_CyclesWeekdaysParis);

void BM_CyclesMonthlyParis(benchmark::State& state) {
    cycle_of_loop(state, cron_schedule("0 3 1,15 * *", "Europe/Paris", 60, 120));
}
BENCHMARK(BM_CyclesMonthlyParis);

void BM_CyclesEveryFiveMinutesNewYork(benchmark::State& state) {
    cycle_of_loop(state, cron_schedule("*/5 * * * *", "America/New_York", 2, 2));
}
BENCHMARK(BM_CyclesEveryFiveMinutesNewYork);

void BM_WindowCheck(benchmark::State& state, const char* text, const char* zone) {
    const Schedule s = cron_schedule(text, zone, 60, 60);
    const std::int64_t now = *parse_timestamp("2026-11-23T04:00:00Z");
    for (auto _ : state) benchmark::DoNotOptimize(window_clash(s, now));
}
BENCHMARK_CAPTURE(BM_WindowCheck, at_utc, "30 02 * * *", "UTC")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_WindowCheck, weekdays_paris, "30 2 * * mon-fri", "Europe/Paris")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_WindowCheck, six_hours_paris, "0 */6 * * *", "Europe/Paris")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_WindowCheck, monthly_paris, "0 3 1,15 * *", "Europe/Paris")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
