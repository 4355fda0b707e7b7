#include "verify.hpp"

#include "fault.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace vigil::host {

namespace {

// Below this many bytes to read in all, a second thread costs more than it saves.
constexpr std::int64_t kBytesWorthAThread = 8 << 20;

// `kind` is what the name was (fstatat) when the verification was planned.
StagedFacts verify_one(const Dir& dir, const std::string& name, FileKind kind,
                       const std::vector<const IntegrityHandle*>& checks) {
    StagedFacts facts;
    if (kind == FileKind::kMissing) {
        facts.state = StagedFacts::State::kMissing;
        return facts;
    }
    if (kind != FileKind::kRegular) {
        facts.state = StagedFacts::State::kNotRegular;
        facts.detail = describe(kind);
        return facts;
    }
    OpenFile file;
    if (Status st = open_regular_file(dir, name, &file); !st.is_ok()) {
        facts.state = st.code() == Status::Code::kNotFound ? StagedFacts::State::kMissing
                                                           : StagedFacts::State::kUnreadable;
        facts.detail = st.message();
        return facts;
    }

    std::vector<std::unique_ptr<IntegrityHandle::FileCheck>> running(checks.size());
    std::vector<std::string> errors(checks.size());
    for (std::size_t i = 0; i < checks.size(); ++i) {
        Status st;
        running[i] = checks[i]->begin(name, &st);
        if (!st.is_ok()) errors[i] = st.message();
    }
    std::int64_t size = 0;
    Status read = stream_file(
        file, dir.shown(name), -1,
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
        const std::string& check_name = checks[i]->plugin_name();
        if (running[i] && errors[i].empty()) {
            CheckResult result;
            Status st = running[i]->finish(size, &result);
            if (!st.is_ok()) {
                errors[i] = st.message();
            } else {
                if (result.digest_name == std::string("sha256") && result.digest_hex) facts.sha256 = result.digest_hex;
                if (!result.passed) {
                    facts.failed_checks.push_back(check_name + " check failed: " +
                                                  (result.message.empty() ? "(no reason given)" : result.message));
                }
            }
        }
        if (!errors[i].empty()) facts.failed_checks.push_back(check_name + " check could not run: " + errors[i]);
    }
    return facts;
}

}  // namespace

StagedFolder open_staged_folder(const AgentFolder& agent) {
    StagedFolder folder;
    if (!agent.dir.is_open()) {
        folder.unusable.state = StagedFacts::State::kMissing;
        return folder;
    }
    FileKind found = FileKind::kError;
    Status st = agent.dir.open_dir("database", &folder.dir, &found);
    if (found == FileKind::kMissing) {
        folder.unusable.state = StagedFacts::State::kMissing;
    } else if (!st.is_ok()) {
        spdlog::warn("agent {}: database/ refused: {}", agent.agent_id, st.message());
        folder.unusable.state = StagedFacts::State::kUnreadable;
        folder.unusable.detail = st.message();
    }
    return folder;
}

std::map<std::string, StagedFacts> verify_staged_files(const StagedFolder& folder,
                                                       const std::vector<std::string>& names,
                                                       const std::vector<const IntegrityHandle*>& checks,
                                                       int threads, VerifyTotals* totals) {
    std::vector<StagedFacts> results(names.size());
    std::vector<FileKind> kinds(names.size(), FileKind::kMissing);
    std::int64_t bytes = 0;
    for (std::size_t i = 0; i < names.size() && folder.dir.is_open(); ++i) {
        struct stat st {};
        kinds[i] = folder.dir.kind_of(names[i], &st);
        if (kinds[i] == FileKind::kRegular) bytes += st.st_size;
    }
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i = next++; i < names.size(); i = next++) {
            results[i] = folder.dir.is_open() ? verify_one(folder.dir, names[i], kinds[i], checks) : folder.unusable;
            fault_point("verify.file");
        }
    };
    unsigned count = threads > 0 ? static_cast<unsigned>(threads) : std::max(1u, std::thread::hardware_concurrency());
    count = static_cast<unsigned>(std::min<std::size_t>(count, names.size()));
    if (bytes < kBytesWorthAThread) count = 1;
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < count; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();

    std::map<std::string, StagedFacts> out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (results[i].state == StagedFacts::State::kRegular) {
            ++totals->files;
            totals->bytes += results[i].size;
        }
        out.emplace(names[i], std::move(results[i]));
    }
    return out;
}

const StagedFolder& StagedFiles::folder() {
    if (!folder_) folder_ = open_staged_folder(agent_);
    return *folder_;
}

void StagedFiles::verify(const std::vector<std::string>& names) {
    if (names.empty()) return;
    for (auto& [name, facts] : verify_staged_files(folder(), names, checks_, threads_, &totals_)) {
        facts_.insert_or_assign(name, std::move(facts));
    }
}

const StagedFacts* StagedFiles::facts(const std::string& name) {
    auto it = facts_.find(name);
    if (it == facts_.end()) {
        auto verified = verify_staged_files(folder(), {name}, checks_, 1, &totals_);
        it = facts_.emplace(name, std::move(verified.begin()->second)).first;
    }
    return &it->second;
}

}  // namespace vigil::host
