// Throughput of the decompressing integrity checks (fed 1 MiB at a time, as
// the host reads staged files) and of the field_agent_json report source on
// a real-sized report. Bytes per second are of the compressed file.
#include "compressed.hpp"
#include "field_agent_source.hpp"
#include "gzip_check.hpp"
#include "sha256_check.hpp"
#include "sql_dump.hpp"
#include "zstd_check.hpp"

#include <benchmark/benchmark.h>
#include <isa-l/igzip_lib.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr std::size_t kRead = std::size_t{1} << 20;

// 62 MB of SQL INSERT lines: `gzip -6` makes it an 11 MB file, about the
// size and ratio (5.4) of a real agent's dump.
const std::string& dump() {
    static const std::string text = vigil::test::sql_dump(62000000);
    return text;
}

const std::string& gzip_dump() {
    static const std::string file = vigil::test::gzip_member(dump(), 6);
    return file;
}

// Runs `checks` over `file` together, as the host does: each read goes
// through every check before the next.
void run_checks(benchmark::State& state, const std::vector<vigil::IntegrityCheck*>& checks, const std::string& name,
                const std::string& file) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(file.data());
    std::vector<std::unique_ptr<vigil::IntegrityCheck::File>> contexts(checks.size());
    for (auto _ : state) {
        for (std::size_t i = 0; i < checks.size(); ++i) contexts[i] = checks[i]->begin(name);
        for (std::size_t at = 0; at < file.size(); at += kRead) {
            for (auto& context : contexts) context->update(bytes + at, std::min(kRead, file.size() - at));
        }
        for (auto& context : contexts) {
            vigil::CheckResult result = context->finish(static_cast<std::int64_t>(file.size()));
            if (!result.passed) state.SkipWithError(result.message.c_str());
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * file.size()));
    state.counters["compressed_MiB"] = static_cast<double>(file.size()) / (1 << 20);
}

void run_check(benchmark::State& state, vigil::IntegrityCheck& check, const std::string& name,
               const std::string& file) {
    run_checks(state, {&check}, name, file);
}

// The benchmark's argument: 0, ISA-L inflates (the default); 1, zlib.
vigil::plugins::GzipInflater inflater_of(benchmark::State& state) {
    const auto inflater = state.range(0) == 0 ? vigil::plugins::GzipInflater::isal : vigil::plugins::GzipInflater::zlib;
    state.SetLabel(std::string(vigil::plugins::inflater_name(inflater)));
    return inflater;
}

void BM_GzipCheck(benchmark::State& state) {
    vigil::plugins::GzipCheck check(inflater_of(state));
    run_check(state, check, "dump.sql.gz", gzip_dump());
}

// What one core does for each file of a fleet of gzip dumps checked with
// `sha256` and `gzip`.
void BM_Sha256AndGzipCheck(benchmark::State& state) {
    vigil::plugins::GzipCheck gzip(inflater_of(state));
    vigil::plugins::Sha256Check sha256;
    run_checks(state, {&sha256, &gzip}, "dump.sql.gz", gzip_dump());
}

// The cost of a check on a small file (2 KiB of SQL, gzipped): setting up
// and tearing down the inflater dominates.
void BM_GzipCheckSmallFile(benchmark::State& state) {
    static const std::string file = vigil::test::gzip_member(vigil::test::sql_dump(2048), 6);
    vigil::plugins::GzipCheck check(inflater_of(state));
    run_check(state, check, "small.sql.gz", file);
}

// What the check's ISA-L path is measured against: isal_inflate alone on
// the same file and reads, header and trailer included, the output thrown
// away through a buffer of the same size.
void BM_IsalInflateAlone(benchmark::State& state) {
    const std::string& file = gzip_dump();
    std::vector<unsigned char> output(std::size_t{256} << 10);
    auto inflater = std::make_unique<inflate_state>();
    for (auto _ : state) {
        isal_inflate_init(inflater.get());
        inflater->crc_flag = ISAL_GZIP;
        int status = ISAL_DECOMP_OK;
        for (std::size_t at = 0; at < file.size() && status == ISAL_DECOMP_OK; at += kRead) {
            inflater->next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(file.data() + at));
            inflater->avail_in = static_cast<std::uint32_t>(std::min(kRead, file.size() - at));
            do {
                inflater->next_out = output.data();
                inflater->avail_out = static_cast<std::uint32_t>(output.size());
                status = isal_inflate(inflater.get());
            } while (status == ISAL_DECOMP_OK && (inflater->avail_in > 0 || inflater->avail_out == 0));
        }
        if (status != ISAL_DECOMP_OK || inflater->block_state != ISAL_BLOCK_FINISH) {
            state.SkipWithError("isal_inflate failed");
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * file.size()));
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

BENCHMARK(BM_GzipCheck)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sha256AndGzipCheck)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GzipCheckSmallFile)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_IsalInflateAlone)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ZstdCheck)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GzipCheckSkipsZstd)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FieldAgentParse)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
