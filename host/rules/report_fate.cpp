#include "report_fate.hpp"

namespace vigil::host {

ReportFate report_fate(const FateFacts& facts, const std::string& agent_id) {
    if (facts.refused) return {Fate::kInvalid, facts.refusal};
    if (facts.duplicate) return {Fate::kDuplicate, Message("the same content was already processed from this agent's folder")};
    if (facts.collected) return {*facts.collected, facts.collected_reason};
    if (facts.used) return {Fate::kUsed, facts.collected_reason};
    if (!facts.names_a_job) {
        return {Fate::kNoJob, Message(facts.lists_databases
                                      ? "no active job of agent " + agent_id + " for the database(s) it lists"
                                      : "the report lists no database")};
    }
    std::string text;
    for (const std::string& part : facts.why_not_used) text += (text.empty() ? "" : "; ") + part;
    return {Fate::kIrrelevant, Message(text)};
}

}  // namespace vigil::host
