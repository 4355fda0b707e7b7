// Server-side verification of staged files (docs/scan.md, rules 3-4): each file
// is read once, on a pool of threads, and fed to every integrity check.
#ifndef VIGIL_HOST_VERIFY_HPP
#define VIGIL_HOST_VERIFY_HPP

#include "evaluate.hpp"
#include "plugin_host.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <vector>

namespace vigil::host {

struct VerifyTotals {
    std::int64_t files = 0;
    std::int64_t bytes = 0;
};

// Verifies every file of `paths` with every check, using `threads` workers
// (0: one per core). The map's keys are the given paths. A file that is
// missing, not a regular file (never followed), or unreadable gets that
// state; a check that fails or errors is listed in failed_checks.
std::map<std::filesystem::path, StagedFacts> verify_staged_files(
    const std::vector<std::filesystem::path>& paths, const std::vector<const IntegrityHandle*>& checks,
    int threads, VerifyTotals* totals);

}  // namespace vigil::host

#endif
