// Throughput of the decompressing integrity checks (fed 1 MiB at a time, as
// the host reads staged files) and of the field_agent_json report source on
// a real-sized report.
#include "compressed.hpp"
#include "field_agent_source.hpp"
#include "gzip_check.hpp"
#include "zstd_check.hpp"

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

namespace {

constexpr std::size_t kRead = std::size_t{1} << 20;

// 64 MiB of SQL-dump-like text: compresses about as well as a real dump.
const std::string& dump() {
    static const std::string text = [] {
        std::string out;
        for (long row = 0; out.size() < (std::size_t{64} << 20); ++row) {
            out += "INSERT INTO ventes VALUES (" + std::to_string(row) + ", 'article " +
                   std::to_string(row * 7919 % 100003) + "', " + std::to_string(row % 977) + ".50);\n";
        }
        return out;
    }();
    return text;
}

void run_check(benchmark::State& state, vigil::IntegrityCheck& check, const std::string& name, const std::string& file) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(file.data());
    for (auto _ : state) {
        auto context = check.begin(name);
        for (std::size_t at = 0; at < file.size(); at += kRead) context->update(bytes + at, std::min(kRead, file.size() - at));
        vigil::CheckResult result = context->finish(static_cast<std::int64_t>(file.size()));
        if (!result.passed) state.SkipWithError(result.message.c_str());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * file.size()));
    state.counters["compressed_MiB"] = static_cast<double>(file.size()) / (1 << 20);
}

void BM_GzipCheck(benchmark::State& state) {
    static const std::string file = vigil::test::gzip_member(dump());
    vigil::plugins::GzipCheck check;
    run_check(state, check, "dump.sql.gz", file);
}

void BM_ZstdCheck(benchmark::State& state) {
    static const std::string file = vigil::test::zstd_frame(dump(), {false});
    vigil::plugins::ZstdCheck check;
    check.configure({});
    run_check(state, check, "dump.zst", file);
}

// A .zst file through gzip: gated out after its first bytes.
void BM_GzipCheckSkipsZstd(benchmark::State& state) {
    static const std::string file = vigil::test::zstd_frame(dump(), {false});
    vigil::plugins::GzipCheck check;
    run_check(state, check, "dump.zst", file);
}

void BM_FieldAgentParse(benchmark::State& state) {
    std::ifstream in(std::string(VIGIL_FIELD_AGENT_SAMPLES) + "/2025-06-20_08-37-35_ELHADJ_BAFOUSSAM_TAMDJA.json");
    std::stringstream text;
    text << in.rdbuf();
    const std::string bytes = text.str();
    vigil::plugins::FieldAgentSource source;
    vigil::Config config;
    config.put("timezone", "Africa/Douala");
    source.configure(config);
    for (auto _ : state) benchmark::DoNotOptimize(source.parse("20250620_083735_ELHADJ_BAFOUSSAM_TAMDJA.json", bytes));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}

}  // namespace

BENCHMARK(BM_GzipCheck)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ZstdCheck)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GzipCheckSkipsZstd)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FieldAgentParse)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
