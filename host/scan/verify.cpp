#include "verify.hpp"

#include "fault.hpp"
#include "files.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace vigil::host {

namespace {

StagedFacts verify_one(const std::filesystem::path& path, const std::vector<const IntegrityHandle*>& checks) {
    StagedFacts facts;
    const FileKind kind = file_kind(path);
    if (kind == FileKind::kMissing) {
        facts.state = StagedFacts::State::kMissing;
        return facts;
    }
    if (kind != FileKind::kRegular) {
        facts.state = StagedFacts::State::kNotRegular;
        facts.detail = describe(kind);
        return facts;
    }

    std::vector<std::unique_ptr<IntegrityHandle::FileCheck>> running(checks.size());
    std::vector<std::string> errors(checks.size());
    const std::string file_name = path.filename().string();
    for (std::size_t i = 0; i < checks.size(); ++i) {
        Status st;
        running[i] = checks[i]->begin(file_name, &st);
        if (!st.is_ok()) errors[i] = st.message();
    }
    std::int64_t size = 0;
    Status read = stream_regular_file(
        path,
        [&](const unsigned char* data, std::size_t n) {
            for (std::size_t i = 0; i < running.size(); ++i) {
                if (!running[i] || !errors[i].empty()) continue;
                Status st = running[i]->update(data, n);
                if (!st.is_ok()) errors[i] = st.message();
            }
        },
        &size);
    if (!read.is_ok()) {
        facts.state = StagedFacts::State::kUnreadable;
        facts.detail = read.message();
        return facts;
    }
    facts.state = StagedFacts::State::kRegular;
    facts.size = size;
    for (std::size_t i = 0; i < running.size(); ++i) {
        const std::string& name = checks[i]->plugin_name();
        if (running[i] && errors[i].empty()) {
            CheckResult result;
            Status st = running[i]->finish(size, &result);
            if (!st.is_ok()) {
                errors[i] = st.message();
            } else {
                if (result.digest_name == std::string("sha256") && result.digest_hex) facts.sha256 = result.digest_hex;
                if (!result.passed) {
                    facts.failed_checks.push_back(name + " check failed: " +
                                                  (result.message.empty() ? "(no reason given)" : result.message));
                }
            }
        }
        if (!errors[i].empty()) facts.failed_checks.push_back(name + " check could not run: " + errors[i]);
    }
    return facts;
}

}  // namespace

std::map<std::filesystem::path, StagedFacts> verify_staged_files(
    const std::vector<std::filesystem::path>& paths, const std::vector<const IntegrityHandle*>& checks,
    int threads, VerifyTotals* totals) {
    std::vector<StagedFacts> results(paths.size());
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i = next++; i < paths.size(); i = next++) {
            results[i] = verify_one(paths[i], checks);
            fault_point("verify.file");
        }
    };
    unsigned count = threads > 0 ? static_cast<unsigned>(threads) : std::max(1u, std::thread::hardware_concurrency());
    count = static_cast<unsigned>(std::min<std::size_t>(count, paths.size()));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < count; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();

    std::map<std::filesystem::path, StagedFacts> out;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        if (results[i].state == StagedFacts::State::kRegular) {
            ++totals->files;
            totals->bytes += results[i].size;
        }
        out.emplace(paths[i], std::move(results[i]));
    }
    return out;
}

}  // namespace vigil::host
