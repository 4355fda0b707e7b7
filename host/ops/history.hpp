// `vigil history AGENT [DATABASE]`: what the scans recorded for an agent,
// newest first: the entries of its jobs and the fate of its reports.
#ifndef VIGIL_HOST_OPS_HISTORY_HPP
#define VIGIL_HOST_OPS_HISTORY_HPP

#include "records.hpp"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace vigil::host {

struct History {
    std::string agent;
    std::string database;               // "" for every database
    std::int64_t since = kNoTime;       // recorded at or after; kNoTime for all
    std::vector<Job> jobs;              // the agent's jobs, active or not
    std::vector<Entry> entries;         // newest first
    std::vector<ReportRecord> reports;  // newest first
};

// Reads the history. The database filter applies to entries; a report's
// fate is about the whole file, whatever databases it lists.
Status load_history(StorageHandle& storage, const std::string& agent, const std::string& database,
                    std::int64_t since, History* history);

nlohmann::ordered_json history_json(const History& history);
void print_history(std::ostream& out, const History& history);

// The job an entry belongs to, or nullptr.
const Job* job_of(const std::vector<Job>& jobs, const Entry& entry);

}  // namespace vigil::host

#endif
