// The configuration's jobs as the storage sees them: built one agent at a
// time for the scan, and as the ABI's views for the synchronisation.
#ifndef VIGIL_HOST_CONFIGURED_JOBS_HPP
#define VIGIL_HOST_CONFIGURED_JOBS_HPP

#include "config.hpp"

#include <vigil/plugin.h>
#include <vigil/types.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace vigil::host {

// The job a configuration entry stands for, before the storage gave it an
// id and a state. The entry's agent id must be valid (the loader checked).
Job configured_job(const JobConfig& jc);

// Every configured job as a vigil_job, pointing into the configuration's
// own text: a fleet configures 100,000 jobs, and a Job value per job
// beside the configuration would cost more memory than the configuration
// itself. Valid while `config` is alive and unchanged.
class ConfiguredJobViews {
public:
    explicit ConfiguredJobViews(const Config& config);
    ConfiguredJobViews(const ConfiguredJobViews&) = delete;
    ConfiguredJobViews& operator=(const ConfiguredJobViews&) = delete;

    const vigil_job* const* data() const { return pointers_.data(); }
    std::size_t size() const { return pointers_.size(); }

private:
    std::vector<vigil_job> views_;
    std::vector<const vigil_job*> pointers_;
    // Each job's company and city, NUL-terminated, back to back: the parts
    // of the agent id the views point at that the id itself cannot end
    // (its neighbourhood is the id's own tail). Reserved whole up front,
    // so the pointers into it stay valid.
    std::string parts_;
};

}  // namespace vigil::host

#endif
