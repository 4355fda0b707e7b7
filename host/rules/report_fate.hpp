// The fate of one report once its agent was evaluated (docs/scan.md,
// "Report fates"): a pure function of what the scan learnt about it.
#ifndef VIGIL_HOST_REPORT_FATE_HPP
#define VIGIL_HOST_REPORT_FATE_HPP

#include "message.hpp"
#include "vocabulary.hpp"

#include <optional>
#include <string>
#include <vector>

namespace vigil::host {

// What the scan learnt about one report.
struct FateFacts {
    // The fate collection gave it: nothing while kept, else invalid, stale,
    // future, agent_mismatch; and why.
    std::optional<Fate> collected;
    Message collected_reason;
    // The database refused what it contains (refusal says so).
    bool refused = false;
    Message refusal;
    // Its content was already recorded from this agent's folder.
    bool duplicate = false;
    // It made an entry of one of the agent's jobs.
    bool used = false;
    // It lists a database of one of the agent's active jobs; it lists any.
    bool names_a_job = false;
    bool lists_databases = false;
    // Why it made no entry, one reason per job it could have served.
    std::vector<std::string> why_not_used;
};

struct ReportFate {
    Fate fate = Fate::kIrrelevant;
    Message reason;
};

// The first that applies: invalid when refused by the database; duplicate;
// the collected fate when collection set it aside; used (with what
// collection said, if anything); no_job when it
// names no job of the agent; irrelevant otherwise, with the reasons joined.
ReportFate report_fate(const FateFacts& facts, const std::string& agent_id);

}  // namespace vigil::host

#endif
