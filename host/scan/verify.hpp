// Step "verify": the server-side checks of an agent's staged files (docs/scan.md
// rules 3-4), reached through the agent's database/ folder handle. Each file
// is read once, on a pool of threads, and fed to every integrity check.
#ifndef VIGIL_HOST_VERIFY_HPP
#define VIGIL_HOST_VERIFY_HPP

#include "collect.hpp"
#include "evaluate.hpp"
#include "files.hpp"
#include "plugin_host.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
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

// Verifies every named staged file of the folder with every check, using
// `threads` workers (0: one per core). A file that is missing, not a
// regular file (never followed), or unreadable gets that state; a check
// that fails or errors is listed in failed_checks. Keys are the names.
std::map<std::string, StagedFacts> verify_staged_files(const StagedFolder& folder,
                                                       const std::vector<std::string>& names,
                                                       const std::vector<const IntegrityHandle*>& checks,
                                                       int threads, VerifyTotals* totals);

// The facts of one agent's staged files: the foreseen ones verified up
// front on the pool, any other the first time the evaluation asks for it
// (the job list may change between the verification and the transaction).
class StagedFiles {
public:
    StagedFiles(const AgentFolder& agent, std::vector<const IntegrityHandle*> checks, int threads)
        : agent_(agent), checks_(std::move(checks)), threads_(threads) {}

    // Verifies these files (database/ is opened on first use).
    void verify(const std::vector<std::string>& names);
    // The facts of one staged file, verifying it now when it was not yet.
    const StagedFacts* facts(const std::string& name);
    const VerifyTotals& totals() const { return totals_; }

private:
    const StagedFolder& folder();

    const AgentFolder& agent_;
    std::vector<const IntegrityHandle*> checks_;
    int threads_;
    std::optional<StagedFolder> folder_;
    std::map<std::string, StagedFacts> facts_;
    VerifyTotals totals_;
};

}  // namespace vigil::host

#endif
