// How the scan names a stored job in messages, and reads its schedule.
#ifndef VIGIL_HOST_JOB_VIEW_HPP
#define VIGIL_HOST_JOB_VIEW_HPP

#include "decisions.hpp"
#include "status.hpp"

#include <vigil/types.hpp>

#include <optional>
#include <string>

namespace vigil::host {

// "ACME_PARIS_CENTRE/sales at 02:30", or with `schedule "..." Europe/Paris`.
std::string job_label(const Job& job);

// The job's schedule, its zone found in this machine's tz database. Fails,
// naming the job, when the zone is unknown here or the schedule is invalid.
Status schedule_for(const Job& job, std::optional<Schedule>* out);

}  // namespace vigil::host

#endif
