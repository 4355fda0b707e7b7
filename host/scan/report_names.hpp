// The report names of the configured report sources: which entries of an
// agent's log/ are its reports (docs/storage-layout.md). Each source
// declares its names (claim_name) or reads the standard ones.
#ifndef VIGIL_HOST_REPORT_NAMES_HPP
#define VIGIL_HOST_REPORT_NAMES_HPP

#include "name_kind.hpp"
#include "plugin_host.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace vigil::host {

class ReportNames {
public:
    explicit ReportNames(std::vector<const ReportSourceHandle*> sources) : sources_(std::move(sources)) {}

    // What the entry `name` of agent folder_agent's log/ is. Safe to call
    // from several threads at once.
    NameKind classify(std::string_view name, std::string_view folder_agent) const;
    // The distinct agent ids the sources find in the name, in source order.
    std::vector<std::string> agents_in(std::string_view name) const;
    // "status_json, field_agent_json": the sources, for messages.
    std::string source_list() const;

private:
    std::vector<const ReportSourceHandle*> sources_;
};

}  // namespace vigil::host

#endif
