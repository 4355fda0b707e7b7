// What an entry of an agent's log/ is, from its name and what the configured
// report sources claim of it (docs/storage-layout.md). Pure: no I/O.
#ifndef VIGIL_HOST_NAME_KIND_HPP
#define VIGIL_HOST_NAME_KIND_HPP

#include <string_view>
#include <vector>

namespace vigil::host {

enum class NameKind {
    kReport,        // a source claims it for the folder's own agent: read it
    kOtherAgent,    // sources claim it, but only for other agents: left alone
    kUnrecognised,  // a .json name no source claims: counted and told
    kOther,         // anything else (not .json, hidden, _archive): left alone
};

// The kind of the entry `name` in the log/ of agent `folder_agent`, given
// the agent ids the configured sources find in the name (one per source
// that claims it; compared exactly, case included). A name ending in
// ".json" in any case and not starting with '.' that no source claims is
// unrecognised.
NameKind classify_report_name(std::string_view name, const std::vector<std::string_view>& claimed_agents,
                              std::string_view folder_agent);

}  // namespace vigil::host

#endif
