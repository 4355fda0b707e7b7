// Step "verify": the server-side checks of an agent's staged files (docs/scan.md
// rules 3-4), reached through the agent's database/ folder handle. Each file
// is read once, on a pool of threads shared by the agents in flight, and
// fed to every integrity check.
#ifndef VIGIL_HOST_VERIFY_HPP
#define VIGIL_HOST_VERIFY_HPP

#include "collect.hpp"
#include "evaluate.hpp"
#include "files.hpp"
#include "plugin_host.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace vigil::host {

struct VerifyTotals {
    std::int64_t files = 0;
    std::int64_t bytes = 0;
};

// An agent's database/ folder, open, or the facts every staged file of it
// gets when it cannot be used.
struct StagedFolder {
    Dir dir;                // open when usable
    StagedFacts unusable;   // missing folder: kMissing; refused or unreadable: kUnreadable, saying why
};

// Opens <agent>/database/ through the agent folder's handle, never through
// a symbolic link. A database/ that is a symbolic link or not a directory is
// refused with a warning naming it.
StagedFolder open_staged_folder(const AgentFolder& agent);

// Verifies one staged file of the folder with every check; `kind` is what
// the name was (Dir::kind_of) when the verification was planned. A file that
// is missing, not a regular file (never followed), or unreadable gets that
// state; a check that fails or errors is listed in failed_checks.
StagedFacts verify_staged_file(const StagedFolder& folder, const std::string& name, FileKind kind,
                               const std::vector<const IntegrityHandle*>& checks);

// A fixed set of threads reading and checking the staged files of every
// agent in flight, fed through a queue (docs/scan.md).
class VerifyPool {
public:
    // threads: 0 means one per core.
    explicit VerifyPool(int threads);
    VerifyPool(const VerifyPool&) = delete;
    VerifyPool& operator=(const VerifyPool&) = delete;
    // Runs every task queued, then stops the threads.
    ~VerifyPool();

    // Runs task on one of the threads; the future is ready when it ran.
    std::future<void> submit(std::function<void()> task);
    unsigned threads() const { return static_cast<unsigned>(workers_.size()); }

private:
    void work();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::packaged_task<void()>> queue_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

// The facts of one agent's staged files: the foreseen ones verified on the
// pool (started, then waited for), any other the first time the evaluation
// asks for it (the job list may change between the verification and the
// transaction).
class StagedFiles {
public:
    StagedFiles(const AgentFolder& agent, std::vector<const IntegrityHandle*> checks, VerifyPool& pool)
        : agent_(agent), checks_(std::move(checks)), pool_(pool) {}
    StagedFiles(const StagedFiles&) = delete;
    StagedFiles& operator=(const StagedFiles&) = delete;
    ~StagedFiles() { wait(); }

    // Starts verifying these files on the pool and returns (database/ is
    // opened now); at most once.
    void start(const std::vector<std::string>& names);
    // Waits for what start() began.
    void wait();
    // The facts of one staged file (after wait()), verifying it now when it was not.
    const StagedFacts* facts(const std::string& name);
    const VerifyTotals& totals() {
        wait();
        return totals_;
    }

private:
    const StagedFolder& folder();

    const AgentFolder& agent_;
    std::vector<const IntegrityHandle*> checks_;
    VerifyPool& pool_;
    std::optional<StagedFolder> folder_;
    // What start() began: one result per name, filled by the pool.
    std::vector<std::string> started_;
    std::vector<FileKind> kinds_;
    std::vector<StagedFacts> results_;
    std::vector<std::future<void>> running_;
    std::map<std::string, StagedFacts> facts_;
    VerifyTotals totals_;
};

}  // namespace vigil::host

#endif
