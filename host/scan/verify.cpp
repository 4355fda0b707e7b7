#include "verify.hpp"

#include "fault.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace vigil::host {

namespace {

// Below this many bytes in all, an agent's files are one task of the pool:
// handing each file over on its own costs more than it saves.
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

StagedFacts verify_staged_file(const StagedFolder& folder, const std::string& name, FileKind kind,
                               const std::vector<const IntegrityHandle*>& checks) {
    StagedFacts facts = folder.dir.is_open() ? verify_one(folder.dir, name, kind, checks) : folder.unusable;
    fault_point("verify.file");
    return facts;
}

VerifyPool::VerifyPool(int threads) {
    const unsigned count = threads > 0 ? static_cast<unsigned>(threads) : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned t = 0; t < count; ++t) workers_.emplace_back([this] { work(); });
}

VerifyPool::~VerifyPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
}

std::future<void> VerifyPool::submit(std::function<void()> task) {
    std::packaged_task<void()> packaged(std::move(task));
    std::future<void> done = packaged.get_future();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        queue_.push_back(std::move(packaged));
    }
    wake_.notify_one();
    return done;
}

void VerifyPool::work() {
    for (;;) {
        std::packaged_task<void()> task;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;
            task = std::move(queue_.front());
            queue_.pop_front();
        }
        task();
    }
}

const StagedFolder& StagedFiles::folder() {
    if (!folder_) folder_ = open_staged_folder(agent_);
    return *folder_;
}

void StagedFiles::start(const std::vector<std::string>& names) {
    if (names.empty() || !started_.empty()) return;
    const StagedFolder& dir = folder();
    started_ = names;
    kinds_.assign(names.size(), FileKind::kMissing);
    results_.resize(names.size());
    std::int64_t bytes = 0;
    for (std::size_t i = 0; i < names.size() && dir.dir.is_open(); ++i) {
        struct stat st {};
        kinds_[i] = dir.dir.kind_of(names[i], &st);
        if (kinds_[i] == FileKind::kRegular) bytes += st.st_size;
    }
    auto verify = [this, &dir](std::size_t i) { results_[i] = verify_staged_file(dir, started_[i], kinds_[i], checks_); };
    if (bytes < kBytesWorthAThread) {
        // Small files: one task for the agent, the hand-over costs more than the reading.
        running_.push_back(pool_.submit([this, verify] {
            for (std::size_t i = 0; i < started_.size(); ++i) verify(i);
        }));
        return;
    }
    for (std::size_t i = 0; i < names.size(); ++i) running_.push_back(pool_.submit([verify, i] { verify(i); }));
}

void StagedFiles::wait() {
    if (running_.empty()) return;
    for (auto& done : running_) done.get();
    running_.clear();
    for (std::size_t i = 0; i < started_.size(); ++i) {
        if (results_[i].state == StagedFacts::State::kRegular) {
            ++totals_.files;
            totals_.bytes += results_[i].size;
        }
        facts_.insert_or_assign(started_[i], std::move(results_[i]));
    }
    results_.clear();
}

const StagedFacts* StagedFiles::facts(const std::string& name) {
    wait();
    auto it = facts_.find(name);
    if (it == facts_.end()) {
        const StagedFolder& dir = folder();
        struct stat st {};
        const FileKind kind = dir.dir.is_open() ? dir.dir.kind_of(name, &st) : FileKind::kMissing;
        StagedFacts verified = verify_staged_file(dir, name, kind, checks_);
        if (verified.state == StagedFacts::State::kRegular) {
            ++totals_.files;
            totals_.bytes += verified.size;
        }
        it = facts_.emplace(name, std::move(verified)).first;
    }
    return &it->second;
}

}  // namespace vigil::host
