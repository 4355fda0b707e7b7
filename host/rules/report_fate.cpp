#include "report_fate.hpp"

namespace vigil::host {

ReportFate report_fate(const FateFacts& facts, const std::string& agent_id) {
    if (facts.refused) return {"invalid", facts.refusal};
    if (facts.duplicate) return {"duplicate", Message("the same content was already processed from this agent's folder")};
    if (!facts.collected.empty()) return {facts.collected, facts.collected_reason};
    if (facts.used) return {"used", facts.collected_reason};
    if (!facts.names_a_job) {
        return {"no_job", Message(facts.lists_databases
                                      ? "no active job of agent " + agent_id + " for the database(s) it lists"
                                      : "the report lists no database")};
    }
    std::string text;
    for (const std::string& part : facts.why_not_used) text += (text.empty() ? "" : "; ") + part;
    return {"irrelevant", Message(text)};
}

}  // namespace vigil::host
